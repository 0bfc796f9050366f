"""A report file that cannot be read fails alone: the others and `--list` still work."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

MINE = "-- Mine\nSELECT COUNT(*) AS targets FROM report_targets\n"


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "mine.sql").write_text(MINE, encoding="utf-8")
    return folder


def _check(invoke, url: str, folder: Path, bad: str, reason: str) -> None:
    rows = json.loads(
        invoke("report", "--list", "--reports-dir", folder, "--format", "json").output
    )
    listed = {row["name"]: row for row in rows}
    assert {"mine", "matrix", "coverage", bad} <= set(listed)
    assert (
        listed[bad]["description"].startswith("unreadable: ")
        and reason in listed[bad]["description"]
    )
    assert listed["mine"]["description"] == "Mine"
    table = invoke("report", "--list", "--reports-dir", folder, "--format", "table").output
    assert "unreadable" in table and "Mine" in table
    mine = invoke("--db", url, "report", "mine", "--reports-dir", folder, "--format", "json")
    assert json.loads(mine.output) == [{"targets": 14}]
    invoke("--db", url, "report", "coverage", "--reports-dir", folder, "--format", "json")
    result = invoke("--db", url, "report", bad, "--reports-dir", folder, expect=1)
    output = result.output.strip()
    assert output.startswith("Error: ") and reason in output and len(output.splitlines()) == 1


def test_a_report_file_not_utf8_fails_alone(invoke, db_url, tmp_path):
    folder = _folder(tmp_path)
    (folder / "latin.sql").write_bytes("-- Größe\nSELECT 'ß' AS x\n".encode("latin-1"))
    _check(invoke, db_url, folder, "latin", "is not UTF-8 text")


def test_a_report_file_saved_with_a_bom_reads_as_any_other(invoke, db_url, tmp_path):
    """Notepad starts a UTF-8 file with a byte-order mark: it was taken for part of the
    first line, so the description was blank and the query refused ("… not \ufeff")."""
    folder = _folder(tmp_path)
    (folder / "bom.sql").write_bytes(b"\xef\xbb\xbf" + MINE.replace("Mine", "With a BOM").encode())
    listed = invoke("report", "--list", "--reports-dir", folder, "--format", "json").output
    assert {r["name"]: r["description"] for r in json.loads(listed)}["bom"] == "With a BOM"
    found = invoke("--db", db_url, "report", "bom", "--reports-dir", folder, "--format", "json")
    assert json.loads(found.output) == [{"targets": 14}]


def test_report_files_named_past_the_name_rules_are_listed_not_passed_over(
    invoke, db_url, tmp_path
):
    """ "Weekly.SQL" and "my report.sql" were left out of --list without a word: the first
    is the report "Weekly", the second is listed as unusable, with how to mend it."""
    folder = _folder(tmp_path)
    (folder / "Weekly.SQL").write_text(MINE.replace("Mine", "Weekly"), encoding="utf-8")
    (folder / "my report.sql").write_text(MINE, encoding="utf-8")
    listed = json.loads(
        invoke("report", "--list", "--reports-dir", folder, "--format", "json").output
    )
    described = {r["name"]: r["description"] for r in listed}
    assert described["Weekly"] == "Weekly"
    assert described["my report"] == (
        f"unusable: report {folder / 'my report.sql'} cannot be run by name: rename it to "
        "letters, digits, - and _ (and .sql)"
    )
    found = invoke("--db", db_url, "report", "Weekly", "--reports-dir", folder, "--format", "json")
    assert json.loads(found.output) == [{"targets": 14}]


def test_a_report_file_that_cannot_be_read_fails_alone(invoke, db_url, tmp_path, monkeypatch):
    folder = _folder(tmp_path)
    locked = folder / "locked.sql"
    locked.write_text(MINE, encoding="utf-8")
    if os.geteuid() == 0:  # root reads any file: make this one fail as it would for a user
        read_text = Path.read_text

        def refuse(self, *args, **kwargs):
            if self == locked:
                raise PermissionError(13, "Permission denied", str(self))
            return read_text(self, *args, **kwargs)

        monkeypatch.setattr(Path, "read_text", refuse)
    else:
        locked.chmod(0)
    try:
        _check(invoke, db_url, folder, "locked", "Permission denied")
    finally:
        locked.chmod(0o644)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_an_unreadable_file_with_real_permissions(invoke, db_url, tmp_path):
    folder = _folder(tmp_path)
    locked = folder / "locked.sql"
    locked.write_text(MINE, encoding="utf-8")
    locked.chmod(0)
    try:
        _check(invoke, db_url, folder, "locked", "Permission denied")
    finally:
        locked.chmod(0o644)
