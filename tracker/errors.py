"""Errors a user can cause; the CLI prints them as one line and exits non-zero."""

from typing import Any


class TrackerError(Exception):
    """A problem with the user's input, data or database, explained in one line."""


class StoppedByError(Exception):
    """A database error (a full disk, a lost server) ended an ingest. ``summary`` counts
    what was committed before it (as ``tracker.ingest.Interrupted``'s does); ``error`` is
    the cause, which the command line prints as any database error."""

    def __init__(self, summary: Any, error: BaseException) -> None:
        super().__init__(str(error))
        self.summary = summary
        self.error = error


def not_utf8(path: object, exc: UnicodeDecodeError) -> TrackerError:
    """A data file an analyst saved in another encoding (Latin-1, say): one line naming
    the file and the first byte that is not UTF-8."""
    return TrackerError(
        f"{path} is not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at offset {exc.start}); "
        "save it as UTF-8"
    )


def terminate_as_interrupt(signum: int, frame: object) -> None:
    """SIGTERM (``kill``, a service manager) ends any command as Ctrl-C does: rolled back
    where it was writing, one line, status 130. The command line installs it; an ingest
    holds it back while it counts a commit (``tracker.ingest.interrupts_at_commits``)."""
    raise KeyboardInterrupt
