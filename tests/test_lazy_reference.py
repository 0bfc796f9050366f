"""A re-run of ingest over articles already stored never loads the coder: its reference data,
lexicon and model are read only once an article needs coding."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

DEV = Path(__file__).parent / "data" / "dev"


def _folder(tmp_path: Path, count: int) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for source in sorted(DEV.glob("dev-*.txt"))[:count]:
        shutil.copy(source, folder / source.name)
    return folder


@pytest.mark.parametrize("workers", [1, 2])
def test_a_rerun_over_a_stored_folder_never_reads_the_model(
    db_url, tmp_path, invoke, monkeypatch, workers
):
    """The model file is gone before the re-run, which still succeeds; one new article then
    needs the coder, and fails on the missing model: the check would see a load."""
    folder = _folder(tmp_path, 3)
    first = invoke("--db", db_url, "ingest", "--workers", workers, folder)
    assert "3 new, 0 skipped, 0 failed" in first.output

    monkeypatch.setenv("TRACKER_MODEL", str(tmp_path / "no-such-model.json"))
    again = invoke("--db", db_url, "ingest", "--workers", workers, folder)
    assert "0 new, 3 skipped, 0 failed" in again.output

    shutil.copy(sorted(DEV.glob("dev-*.txt"))[3], folder / "new.txt")
    needs_coding = invoke("--db", db_url, "ingest", "--workers", workers, folder, expect=1)
    assert needs_coding.output.startswith("Error: ")
    assert "no-such-model.json: cannot read the model" in needs_coding.output
    assert "Traceback" not in needs_coding.output


# Runs tracker in a process of its own, then names the tracker modules loaded that hold the
# coder (by what they define, wherever the coder's modules live).
PROBE = """
import sys
from tracker.cli import cli
try:
    cli(sys.argv[1:])
except SystemExit:
    pass
coder = sorted(
    name
    for name, module in list(sys.modules.items())
    if name.startswith("tracker") and module is not None
    and (hasattr(module, "Coder") or hasattr(module, "ReferenceData"))
)
print(coder, file=sys.stderr)
"""


def _coder_modules_loaded(*args: str) -> tuple[str, str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, timeout=120
    )
    return done.stdout, done.stderr.strip().splitlines()[-1]


def test_a_rerun_imports_no_coder_module(db_url, tmp_path):
    """Not even the coder's code is loaded: a re-run is the reading and the hashing."""
    folder = _folder(tmp_path, 2)
    out, loaded = _coder_modules_loaded("--db", db_url, "ingest", str(folder))
    assert "2 new, 0 skipped, 0 failed" in out
    assert loaded != "[]"  # coding loads it, and the probe sees it
    out, loaded = _coder_modules_loaded("--db", db_url, "ingest", str(folder))
    assert "0 new, 2 skipped, 0 failed" in out
    assert loaded == "[]"
