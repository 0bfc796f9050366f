"""Files a user names for output (a review sheet, gold, a model) are written whole or not at
all, through symbolic links, and never put in the place of a FIFO or a device."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from tracker.errors import TrackerError
from tracker.files import write_whole


def test_a_failed_write_leaves_the_old_file_and_no_temporary_one(tmp_path: Path):
    path = tmp_path / "sheet.csv"
    path.write_text("decisions an analyst filled in\n", encoding="utf-8")

    def fail(handle):
        handle.write("half a sheet")
        raise TrackerError("no actor matches 'Nobody'")

    with pytest.raises(TrackerError, match="Nobody"):
        write_whole(path, fail)
    assert path.read_text(encoding="utf-8") == "decisions an analyst filled in\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sheet.csv"]
    assert write_whole(path, lambda handle: handle.write("new")) == 3
    assert path.read_text(encoding="utf-8") == "new"


def test_a_symbolic_link_is_written_through_and_a_file_keeps_its_mode(tmp_path: Path):
    target = tmp_path / "model.json"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o600)
    link = tmp_path / "current.json"
    link.symlink_to(target)
    write_whole(link, lambda handle: handle.write("new"))
    assert link.is_symlink() and target.read_text(encoding="utf-8") == "new"
    assert target.stat().st_mode & 0o777 == 0o600


def test_a_fifo_is_written_to_not_replaced(tmp_path: Path):
    """`train --out pipe` made the FIFO a 212 KB regular file (and, as root, /dev/full)."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    read: list[str] = []
    reader = threading.Thread(target=lambda: read.append(fifo.read_text(encoding="utf-8")))
    reader.start()
    write_whole(fifo, lambda handle: handle.write("a model"))
    reader.join(timeout=10)
    assert read == ["a model"] and fifo.is_fifo()


def test_a_full_device_is_one_error_line_and_stays_a_device():
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full here")
    with pytest.raises(TrackerError, match="^/dev/full: cannot write \\(No space left"):
        write_whole(Path("/dev/full"), lambda handle: handle.write("x" * 100_000))
    assert Path("/dev/full").is_char_device()


@pytest.mark.parametrize(
    "name, message",
    [
        ("", "the output file's name is empty"),
        ("no-such-folder/model.json", "cannot write (no such folder"),
    ],
)
def test_train_refuses_a_bad_out_before_it_trains(
    invoke, monkeypatch, tmp_path: Path, name, message
):
    """`train --out ''` was a ValueError's traceback after the whole training."""
    monkeypatch.chdir(tmp_path)
    result = invoke("train", tmp_path / "no-gold-needed", "--out", name, expect=1)
    assert message in result.output and "Traceback" not in result.output


def test_a_file_in_a_folder_that_takes_no_new_file_is_written_in_place(tmp_path: Path, monkeypatch):
    """No temporary file can be made beside it (the folder's permissions, which root
    passes over, so the refusal is simulated): the file, writable itself, is written in
    place as before; a new file there is one error line."""
    import tracker.files as files

    real_open = os.open

    def no_new_file(path, flags, *args):
        if flags & os.O_CREAT and str(path).endswith(".tmp"):
            raise PermissionError(13, "Permission denied")
        return real_open(path, flags, *args)

    monkeypatch.setattr(files.os, "open", no_new_file)
    path = tmp_path / "sheet.csv"
    path.write_text("old", encoding="utf-8")
    write_whole(path, lambda handle: handle.write("new"))
    assert path.read_text(encoding="utf-8") == "new"
    with pytest.raises(TrackerError, match="other.csv: cannot write \\(Permission denied\\)"):
        write_whole(tmp_path / "other.csv", lambda handle: handle.write("x"))
