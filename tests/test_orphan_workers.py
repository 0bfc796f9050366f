"""Worker processes die with their parent, and SIGTERM ends an ingest as Ctrl-C does."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from tracker.db import make_engine
from tracker.schema import Article

DEV = Path(__file__).parent / "data" / "dev"
ARTICLES = 600

pytestmark = pytest.mark.slow


def _corpus(folder: Path, count: int) -> Path:
    sources = sorted(DEV.glob("dev-*.txt"))
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        body = sources[n % len(sources)].read_text(encoding="utf-8")
        (folder / f"a{n:04d}.txt").write_text(f"{body}\n\nCopy {n}.\n", encoding="utf-8")
    return folder


def _state(pid: int) -> str | None:
    """The process's state letter from /proc (R, S, Z…), None when it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    return stat.rsplit(")", 1)[1].split()[0]


def _alive(pid: int) -> bool:
    return _state(pid) not in (None, "Z", "X")


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] not in "ZX":
                found.append(int(entry.name))
    return found


def _count(url: str) -> int:
    engine = make_engine(url)
    with engine.connect() as connection:
        value = connection.execute(select(func.count()).select_from(Article)).scalar_one()
    engine.dispose()
    return value


def _start(url: str, folder: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tracker", "--db", url, "ingest", "-q", "--workers", "2", folder],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _running_with_workers(url: str, process: subprocess.Popen, articles: int) -> list[int]:
    """The two workers, once the run has committed ``articles`` articles."""
    deadline = time.monotonic() + 120
    while True:
        assert process.poll() is None, "ingest ended before it could be stopped"
        assert time.monotonic() < deadline
        workers = _children(process.pid)
        if len(workers) == 2 and _count(url) >= articles:
            return workers
        time.sleep(0.05)


def _wait_until(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def _sessions(url: str) -> list[str]:
    """The states of the server's sessions on this database, but for this query's own."""
    database = make_url(url).database
    admin = create_engine(make_url(url).set(drivername="postgresql+psycopg", database="postgres"))
    with admin.connect() as connection:
        states = connection.execute(
            text(
                "SELECT coalesce(state, '') FROM pg_stat_activity "
                "WHERE datname = :name AND pid <> pg_backend_pid()"
            ),
            {"name": database},
        ).scalars()
        found = list(states)
    admin.dispose()
    return found


def test_workers_die_with_a_killed_parent(db_url, tmp_path):
    folder = _corpus(tmp_path / "in", ARTICLES)
    process = _start(db_url, folder)
    workers = _running_with_workers(db_url, process, 1)
    try:
        process.kill()
        process.wait(timeout=10)
        assert _wait_until(lambda: not any(_alive(w) for w in workers), 5), [
            _state(w) for w in workers
        ]
        # no one holds the pipe open any more: a reader of the output (`| cat`) ends
        reader = threading.Thread(target=process.stdout.read, daemon=True)
        reader.start()
        reader.join(5)
        assert not reader.is_alive(), "standard output still held open"
        if db_url.startswith("postgresql"):
            # the dead parent's session ("idle in transaction") went with its socket
            assert _wait_until(lambda: not _sessions(db_url), 10), _sessions(db_url)
    finally:
        for worker in workers:
            if _alive(worker):
                os.kill(worker, signal.SIGKILL)
        process.stdout.close()
        process.stderr.close()
    stored = _count(db_url)
    assert 0 < stored < ARTICLES


def test_sigterm_ends_the_run_like_ctrl_c(db_url, tmp_path, invoke):
    folder = _corpus(tmp_path / "in", ARTICLES)
    process = _start(db_url, folder)
    workers = _running_with_workers(db_url, process, 50)
    try:
        committed = _count(db_url)
        process.terminate()
        out, err = process.communicate(timeout=60)
        assert process.returncode == 130, err
        assert "interrupted; every article already committed is kept" in err
        assert "Traceback" not in err
        assert _wait_until(lambda: not any(_alive(w) for w in workers), 5)
    finally:
        for worker in workers:
            if _alive(worker):
                os.kill(worker, signal.SIGKILL)
    stored = _count(db_url)
    assert committed <= stored < ARTICLES
    assert "no problems found" in invoke("--db", db_url, "db", "check").output
    result = invoke("--db", db_url, "ingest", "-q", folder)
    assert f"{ARTICLES - stored} new, {stored} skipped, 0 failed" in result.output


def test_a_worker_whose_parent_is_gone_ends_itself(tmp_path):
    """The fallback where the kernel cannot be asked to (not Linux): a thread watches the
    parent's process id, and ends the worker when it changes."""
    script = tmp_path / "orphan.py"
    script.write_text(
        "import os, time\n"
        "from tracker.ingest import _watch_parent\n"
        "ready, go = os.pipe()\n"
        "child = os.fork()\n"
        "if child == 0:\n"
        "    parent = os.getppid()\n"
        "    os.read(ready, 1)\n"  # once the parent has told its child's id
        "    os.kill(parent, 9)\n"
        "    _watch_parent(parent)\n"  # returns only by ending the process
        "    os._exit(0)\n"
        "print(child, flush=True)\n"
        "os.write(go, b'x')\n"
        "time.sleep(60)\n",
        encoding="utf-8",
    )
    process = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=60
    )
    assert process.returncode == -signal.SIGKILL
    child = int(process.stdout.split()[0])
    assert _wait_until(lambda: not _alive(child), 5)
