"""Writing a file a user names (a review sheet, a gold file, a trained model) whole or not
at all.

The text goes to a new file beside the target, which replaces it only once everything is
written: a failed query, a full disk or Ctrl-C halfway leave the old file as it was (an
analyst's filled-in sheet was emptied by an export whose filter named no actor). A
symbolic link is written through, as ``open`` would, not replaced; a FIFO or a device
(``/dev/stdout``) is written to as a stream, never replaced by a regular file.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import TextIO, TypeVar

from tracker.errors import TrackerError

T = TypeVar("T")


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def output_path(path: Path) -> Path:
    """The file that writing ``path`` writes: a symbolic link's target; an error for an
    empty name and a folder."""
    if not str(path).strip() or str(path) == ".":
        raise TrackerError("the output file's name is empty")
    real = Path(os.path.realpath(path))
    if real.is_dir():
        raise TrackerError(f"{path}: is a folder, not a file")
    if not real.parent.is_dir():
        raise TrackerError(f"{path}: cannot write (no such folder {str(real.parent)!r})")
    return real


def write_whole(path: Path, write: Callable[[TextIO], T], *, newline: str | None = None) -> T:
    """Call ``write`` on a text handle (UTF-8) whose content becomes ``path`` only if it
    returns; what it returns is returned. Errors of the file system are one line."""
    target = output_path(path)
    try:
        mode = target.stat().st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise TrackerError(f"{path}: cannot write ({_reason(exc)})") from None
    try:
        if mode is not None and not stat.S_ISREG(mode):  # a FIFO, /dev/stdout: a stream
            return _in_place(target, write, newline)
        try:
            return _replace(target, mode, write, newline)
        except _NoTemporary:
            if mode is None:
                raise
            # a file one may write in a folder one may not create files in: written in
            # place, as before, since refusing it would be worse than a write not atomic
            return _in_place(target, write, newline)
    except OSError as exc:
        raise TrackerError(f"{path}: cannot write ({_reason(exc)})") from None


class _NoTemporary(PermissionError):
    """The folder takes no new file (its permissions), so no temporary one beside."""


def _in_place(target: Path, write: Callable[[TextIO], T], newline: str | None) -> T:
    with target.open("w", encoding="utf-8", newline=newline) as handle:
        return write(handle)


def _replace(
    target: Path, mode: int | None, write: Callable[[TextIO], T], newline: str | None
) -> T:
    for attempt in range(100):
        tmp = target.with_name(f".{target.name}.{os.getpid()}.{attempt}.tmp")
        try:  # created anew, never an existing file; the umask gives a new file's mode
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            break
        except FileExistsError:
            continue
        except PermissionError as exc:
            raise _NoTemporary(exc.errno, exc.strerror) from None
    else:
        raise TrackerError(f"{target}: cannot write (no free name for a temporary file)")
    done = False
    try:
        with open(fd, "w", encoding="utf-8", newline=newline) as handle:
            result = write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:  # an existing file keeps its permissions
            os.chmod(tmp, stat.S_IMODE(mode))
        os.replace(tmp, target)
        done = True
        return result
    finally:
        if not done:
            with contextlib.suppress(OSError):
                tmp.unlink()
