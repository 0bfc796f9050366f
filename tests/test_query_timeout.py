"""`tracker sql` and reports stop a query after --timeout seconds, and on Ctrl-C."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

POSTGRES_ONLY = pytest.mark.parametrize("template_url", ["postgresql"], indirect=True)
SQLITE_ONLY = pytest.mark.parametrize("template_url", ["sqlite"], indirect=True)

ENDLESS = (
    "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT COUNT(*) AS n FROM r"
)
CANCELLED = "Error: query cancelled after 1 s (--timeout)"


def _cancelled(invoke, *args: str, **kwargs) -> float:
    """Seconds the command took; it must fail with the one-line timeout error."""
    start = time.monotonic()
    result = invoke(*args, expect=None, **kwargs)
    took = time.monotonic() - start
    assert result.exit_code == 1, (result.exit_code, result.output, result.exception)
    assert result.output.strip() == CANCELLED
    return took


@POSTGRES_ONLY
def test_pg_sleep_is_cancelled(db_url, invoke):
    assert _cancelled(invoke, "--db", db_url, "sql", "--timeout", "1", "SELECT pg_sleep(5)") < 4


@SQLITE_ONLY
def test_endless_recursive_query_is_cancelled_on_sqlite(db_url, invoke):
    took = _cancelled(invoke, "--db", db_url, "sql", "--timeout", "1", "-", input=ENDLESS)
    assert took < 4


def test_a_report_is_cancelled(db_url, invoke, tmp_path):
    (tmp_path / "endless.sql").write_text(f"-- Never ends\n{ENDLESS}\n", encoding="utf-8")
    took = _cancelled(
        invoke, "--db", db_url, "report", "endless", "--reports-dir", tmp_path, "--timeout", "1"
    )
    assert took < 4


def test_queries_within_the_limit_run(db_url, invoke):
    for timeout in ("0", "0.5", "30", "1e9"):  # 1e9: past PostgreSQL's largest, so none
        result = invoke("--db", db_url, "sql", "--timeout", timeout, "SELECT 1 AS x")
        assert result.output == '{"x": 1}\n'
    assert invoke("--db", db_url, "report", "coverage", "--timeout", "10").exit_code == 0


@pytest.mark.parametrize("value", ["abc", "-1", "nan", "inf", ""])
@pytest.mark.parametrize("command", [["sql", "SELECT 1"], ["report", "coverage"]])
def test_bad_timeouts_are_one_line_errors(invoke, tmp_path, command, value):
    url = f"sqlite:///{tmp_path / 'never-opened.db'}"
    result = invoke("--db", url, *command, "--timeout", value, expect=1)
    assert result.output == (
        f"Error: --timeout must be a number of seconds (0 for none), not {value!r}\n"
    )
    assert not (tmp_path / "never-opened.db").exists()


@pytest.mark.slow
@SQLITE_ONLY
def test_ctrl_c_stops_a_sqlite_query(db_url):
    process = subprocess.Popen(
        [sys.executable, "-m", "tracker", "--db", db_url, "sql", "--timeout", "0", ENDLESS],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # a shell's background job ignores SIGINT; the tracker here must not
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    shm = Path(make_url(db_url).database + "-shm")  # made when tracker opens the store (WAL)
    try:
        for _ in range(200):
            if shm.exists() or process.poll() is not None:
                break
            time.sleep(0.1)
        time.sleep(1)  # the query running
        assert process.poll() is None, process.communicate()
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=10)
    finally:
        process.kill()
        process.wait()
    assert process.returncode == 130, (out, err)
    assert "Traceback" not in err
