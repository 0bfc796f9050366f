"""Errors a user can cause; the CLI prints them as one line and exits non-zero."""


class TrackerError(Exception):
    """A problem with the user's input, data or database, explained in one line."""
