"""`tracker sql` writes rows as it reads them: memory stays flat whatever the result's size."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

COUNTING = (
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {rows}) "
    "SELECT i, 'row number ' || i AS label FROM n"
)
# Runs tracker in a child process and prints that child's peak resident memory (KiB).
PEAK = (
    "import resource, subprocess, sys\n"
    "with open(sys.argv[1], 'wb') as out:\n"
    "    done = subprocess.run(sys.argv[2:], stdout=out, stderr=subprocess.PIPE)\n"
    "sys.stderr.buffer.write(done.stderr)\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    "sys.exit(done.returncode)\n"
)


def _sql(url: str, rows: int, fmt: str, out: Path) -> int:
    """Peak memory in KiB of `tracker sql` over ``rows`` rows, written to ``out``."""
    command = [sys.executable, "-m", "tracker", "--db", url, "sql", "--format", fmt]
    done = subprocess.run(
        [sys.executable, "-c", PEAK, str(out), *command, COUNTING.format(rows=rows)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return int(done.stdout.split()[-1])


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_a_large_result_is_written_in_flat_memory(db_url, tmp_path, fmt):
    small = _sql(db_url, 10_000, fmt, tmp_path / "small")
    large = _sql(db_url, 300_000, fmt, tmp_path / "large")
    lines = (tmp_path / "large").read_text(encoding="utf-8").splitlines()
    if fmt == "jsonl":
        assert len(lines) == 300_000
        assert json.loads(lines[-1]) == {"i": 300_000, "label": "row number 300000"}
    else:
        assert lines[0] == "i,label" and lines[-1] == "300000,row number 300000"
        assert len(lines) == 300_001
    # held whole, 300,000 rows took about 100 MB more than 10,000
    assert large - small < 20 * 1024, (small, large)


def test_streamed_formats_give_what_render_gives(invoke, db_url):
    query = COUNTING.format(rows=2500)
    for fmt in ("jsonl", "csv", "csv-safe"):
        streamed = invoke("--db", db_url, "sql", "--format", fmt, query).output
        whole = invoke("--db", db_url, "sql", "--format", "json", query).output
        rows = json.loads(whole)
        from tracker.output import render

        assert streamed == render(rows, fmt, ["i", "label"])


def test_no_rows_still_name_the_columns(invoke, db_url):
    output = invoke("--db", db_url, "sql", "--format", "csv", "SELECT 1 AS a, 2 AS b WHERE 1 = 0")
    assert output.output == "a,b\n"
    assert (
        invoke("--db", db_url, "sql", "--format", "jsonl", "SELECT 1 AS a WHERE 1 = 0").output == ""
    )


def test_an_error_part_way_is_one_line(invoke, db_url):
    """Rows already written stay written; the error that stops the rest is one line."""
    query = (
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000) "
        "SELECT i, CAST(CASE WHEN i = 2999 THEN 'x' ELSE i END AS INTEGER) + 0 AS v FROM n"
    )
    result = invoke("--db", db_url, "sql", "--format", "jsonl", query, expect=None)
    if result.exit_code == 0:  # SQLite casts 'x' to 0: no error there
        assert len(result.output.splitlines()) == 3000
        return
    assert result.exit_code == 1
    assert result.output.splitlines()[-1].startswith("Error: SQL error:")
    assert "Traceback" not in result.output


def _tracker(url: str, *args: str) -> list[str]:
    return [sys.executable, "-m", "tracker", "--db", url, *args]


def test_a_reader_that_stops_early_is_not_left_waiting(db_url):
    """`tracker sql … | head -1`: the reader goes away after one row. The command must end
    (on PostgreSQL a half-read stream held the connection's lock, and the rollback after it
    waited for ever) and say nothing more than a closed pipe warrants: no traceback."""
    command = _tracker(db_url, "sql", "--format", "jsonl", COUNTING.format(rows=300_000))
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert child.stdout is not None and child.stderr is not None
    assert json.loads(child.stdout.readline()) == {"i": 1, "label": "row number 1"}
    child.stdout.close()
    try:
        child.wait(timeout=60)
    except subprocess.TimeoutExpired:
        child.kill()
        pytest.fail("tracker sql kept waiting after its reader went away")
    assert "Traceback" not in child.stderr.read().decode()


def test_numbers_without_a_finite_value_are_written(db_url):
    """PostgreSQL's numeric has 'Infinity' and 'NaN' (SQLite's REAL overflows to infinity):
    written as the formats write an infinite float (JSON null, CSV inf), not a traceback
    (on PostgreSQL the failed conversion also left the command waiting for ever)."""
    if db_url.startswith("postgresql"):
        query = "SELECT CAST('Infinity' AS numeric) AS v, CAST('NaN' AS numeric) AS n"
    else:
        query = "SELECT 9e999 AS v, 0.0 / 0 AS n"  # SQLite's 0.0 / 0 is NULL
    for fmt, expected in (("jsonl", '{"v": null, "n": null}\n'), ("csv", "v,n\ninf,")):
        done = subprocess.run(
            _tracker(db_url, "sql", "--format", fmt, query),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout.startswith(expected), done.stdout
