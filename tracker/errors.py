"""Errors a user can cause; the CLI prints them as one line and exits non-zero."""


class TrackerError(Exception):
    """A problem with the user's input, data or database, explained in one line."""


def terminate_as_interrupt(signum: int, frame: object) -> None:
    """SIGTERM (``kill``, a service manager) ends any command as Ctrl-C does: rolled back
    where it was writing, one line, status 130. The command line installs it; an ingest
    holds it back while it counts a commit (``tracker.ingest.interrupts_at_commits``)."""
    raise KeyboardInterrupt
