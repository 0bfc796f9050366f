"""Errors a user can cause; the CLI prints them as one line and exits non-zero."""

from typing import Any

# What Ctrl-C or SIGTERM prints, as one line on standard error, before status 130.
INTERRUPTED = (
    "interrupted; what was being written was rolled back, and what was committed before is kept"
)
INTERRUPTED_STATUS = 130


def is_interrupt(exc: BaseException) -> bool:
    """Whether ``exc`` is a Ctrl-C (a KeyboardInterrupt; SIGTERM is one too, see
    ``terminate_as_interrupt``) or came of one: an error whose traceback would show one,
    as its cause or as the exception it was raised while handling (unless that was
    replaced on purpose, ``raise … from None``). Such an error is the interrupt's
    consequence, not a fault of its own: Python 3.11 wraps a Ctrl-C that comes while a
    class is made in a RuntimeError ("Error calling __set_name__", in an import); Alembic's
    batch migration on SQLite, interrupted while it copies a table, drops its copy on the
    connection the interrupt invalidated ("Can't reconnect until invalid transaction is
    rolled back"); SQLAlchemy, interrupted right after a COMMIT, fails an assertion."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, KeyboardInterrupt):
            return True
        seen.add(id(current))
        if current.__cause__ is not None:
            current = current.__cause__
        elif current.__suppress_context__:
            return False
        else:
            current = current.__context__
    return False


class InterruptLine(Exception):
    """A Ctrl-C (or SIGTERM) told in a line of its own instead of ``INTERRUPTED``, because
    the usual line would not be true (a migration that had in fact been committed); the
    command line prints it and exits with status 130."""


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


def utf8_text(data: bytes, name: object) -> str:
    """A data file's (or standard input's) bytes as text: UTF-8, a byte-order mark
    (Notepad's, on saving as UTF-8) left out, since read as text it is an invisible
    character before the first word; bytes that are not UTF-8 are ``not_utf8``'s one
    line, at their offset in ``data``."""
    skip = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    try:
        return data[skip:].decode("utf-8")
    except UnicodeDecodeError as exc:
        where = UnicodeDecodeError("utf-8", data, exc.start + skip, exc.end + skip, exc.reason)
        raise not_utf8(name, where) from None


def terminate_as_interrupt(signum: int, frame: object) -> None:
    """SIGTERM (``kill``, a service manager) ends any command as Ctrl-C does: rolled back
    where it was writing, one line, status 130. The command line installs it; an ingest
    holds it back while it counts a commit (``tracker.ingest.interrupts_at_commits``)."""
    raise KeyboardInterrupt
