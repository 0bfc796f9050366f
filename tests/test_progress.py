"""Progress while ingesting: what is reported as kept is what the store holds, the summary's
elapsed time, the count an interruption prints, and a bar only for a terminal."""

from __future__ import annotations

import fcntl
import io
import json
import os
import pty
import re
import select as select_module
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tracker.db import make_engine
from tracker.ingest import Interrupted, Progress, Summary, ingest
from tracker.progress import ProgressBar, count_inputs, format_elapsed, interrupted_line
from tracker.schema import Article

DEV = Path(__file__).parent / "data" / "dev"
SUMMARY = re.compile(
    r"^articles: \d+ new, \d+ skipped, \d+ failed; \d+ sentences, \d+ links, \d+ positions; "
    r"\d+\.\d s$"
)


def _stored(url: str) -> int:
    engine = make_engine(url)
    with engine.connect() as connection:
        count = connection.execute(select(func.count()).select_from(Article)).scalar_one()
    engine.dispose()
    return count


def _small_articles(folder: Path, count: int) -> Path:
    """Short articles, each of its own content, that the coder finds positions in."""
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        (folder / f"s{n:04d}.txt").write_text(
            f"date 2023-03-{n % 28 + 1:02d}\nChina called for a ceasefire in Ukraine. "
            f"Ukraine demanded the withdrawal of Russian troops. Note {n}.\n",
            encoding="utf-8",
        )
    return folder


def _dev_jsonl(path: Path, count: int) -> Path:
    """``count`` articles made of the dev articles, one JSON Lines record each."""
    bodies = [p.read_text(encoding="utf-8") for p in sorted(DEV.glob("dev-*.txt"))]
    with path.open("w", encoding="utf-8") as handle:
        for n in range(count):
            record = {"text": f"{bodies[n % len(bodies)]}\n\nCopy {n}.", "date": "2023-03-01"}
            handle.write(json.dumps(record) + "\n")
    return path


# --------------------------------------------------------------------------- the counting


@pytest.mark.parametrize("workers", [1, 2])
def test_what_is_reported_kept_is_what_the_store_holds(db_url, tmp_path, workers):
    """Each time the count of new articles moves, the store holds exactly that many (it
    moves only at a commit); it is never ahead of the store in between."""
    folder = _small_articles(tmp_path / "in", 60)
    (tmp_path / "in" / "bad.txt").write_bytes(b"\x00\x01 not text")
    engine = make_engine(db_url)
    seen: list[Progress] = []
    moves: list[tuple[int, int]] = []

    def watch(progress: Progress) -> None:
        in_store = _stored(db_url)
        if not seen or progress.new != seen[-1].new:
            moves.append((progress.new, in_store))
        assert progress.new <= in_store
        assert progress.coded >= progress.new
        seen.append(progress)

    summary = ingest(engine, [str(folder)], workers=workers, batch_size=8, on_progress=watch)
    engine.dispose()
    assert (summary.new, summary.skipped, summary.failed) == (60, 0, 1)
    assert len(moves) >= 60 // 8  # a report at each commit
    assert all(reported == in_store for reported, in_store in moves)
    assert seen[-1] == Progress(new=60, skipped=0, failed=1, coded=60)
    assert _stored(db_url) == 60

    # a second run: everything skipped, nothing coded, and the counts say so
    engine = make_engine(db_url)
    seen.clear()
    moves.clear()
    again = ingest(engine, [str(folder)], workers=workers, on_progress=watch)
    engine.dispose()
    assert (again.new, again.skipped, again.failed) == (0, 60, 1)
    assert seen[-1] == Progress(new=0, skipped=60, failed=1, coded=0)
    assert seen[-1].done == 61


def test_a_dry_run_counts_what_it_coded(db_url, tmp_path):
    folder = _small_articles(tmp_path / "in", 5)
    engine = make_engine(db_url)
    seen: list[Progress] = []
    summary = ingest(engine, [str(folder)], dry_run=True, on_progress=seen.append)
    engine.dispose()
    assert summary.new == 5 and seen[-1] == Progress(new=5, skipped=0, failed=0, coded=5)
    assert _stored(db_url) == 0


# --------------------------------------------------------------------------- the summary


def test_the_summary_gives_the_elapsed_time(db_url, tmp_path, invoke):
    folder = _small_articles(tmp_path / "in", 3)
    engine = make_engine(db_url)
    summary = ingest(engine, [str(folder)])
    engine.dispose()
    assert summary.elapsed > 0
    assert summary.line().endswith(f"; {format_elapsed(summary.elapsed)}")
    output = invoke("--db", db_url, "ingest", folder).output.strip()
    assert SUMMARY.match(output), output
    assert output.startswith("articles: 0 new, 3 skipped, 0 failed;")


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [
        (0, "0.0 s"),
        (0.44, "0.4 s"),
        (59.94, "59.9 s"),
        (60, "1 min 00 s"),
        (125.4, "2 min 05 s"),
        (3725, "1 h 02 min"),
        (90000, "25 h 00 min"),
    ],
)
def test_elapsed_times_read_as_durations(seconds, shown):
    assert format_elapsed(seconds) == shown


def test_the_interruption_line_names_what_was_kept():
    summary = Summary(new=750, skipped=3, failed=1, coded=900, elapsed=12.34)
    assert interrupted_line(summary) == (
        "interrupted; every article already committed is kept: 750 articles kept "
        "(3 skipped, 1 failed; 12.3 s)"
    )
    assert interrupted_line(summary, dry_run=True) == (
        "interrupted; dry run, nothing was stored (900 articles coded; 12.3 s)"
    )


# --------------------------------------------------------------------------- interruptions


def _wait_for_articles(url: str, process: subprocess.Popen, at_least: int) -> None:
    deadline = time.monotonic() + 120
    while _stored(url) < at_least:
        assert process.poll() is None, "ingest ended before it could be interrupted"
        assert time.monotonic() < deadline
        time.sleep(0.05)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("how", "workers"),
    [(signal.SIGINT, 1), (signal.SIGINT, 2), (signal.SIGTERM, 1)],
    ids=["ctrl-c", "ctrl-c-workers", "sigterm"],
)
def test_an_interruption_prints_how_many_articles_were_kept(db_url, tmp_path, how, workers):
    """The count printed is the number of articles the store holds afterwards."""
    corpus = _dev_jsonl(tmp_path / "many.jsonl", 3000)
    process = subprocess.Popen(
        [sys.executable, "-m", "tracker", "--db", db_url, "ingest"]
        + ["--workers", str(workers), str(corpus)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    _wait_for_articles(db_url, process, 50)
    process.send_signal(how)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert "Traceback" not in err
    kept = re.search(r"every article already committed is kept: (\d+) articles kept", err)
    assert kept, err
    stored = _stored(db_url)
    assert int(kept.group(1)) == stored
    assert 50 <= stored < 3000
    assert out == ""


def test_the_library_says_what_an_interruption_kept(db_url, tmp_path):
    """``Interrupted`` carries the summary: what committed before the interruption."""
    folder = _small_articles(tmp_path / "in", 30)
    engine = make_engine(db_url)

    def stop_after_first_commit(progress: Progress) -> None:
        if progress.new:
            raise KeyboardInterrupt

    with pytest.raises(Interrupted) as caught:
        ingest(engine, [str(folder)], batch_size=10, on_progress=stop_after_first_commit)
    engine.dispose()
    kept = caught.value.summary
    assert 0 < kept.new == _stored(db_url) < 30
    assert kept.elapsed > 0


# --------------------------------------------------------------------------- the bar


def test_inputs_are_counted_beforehand_unless_one_is_standard_input(tmp_path):
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text("One.", encoding="utf-8")
    (folder / "sub" / "b.txt").write_text("Two.", encoding="utf-8")
    (folder / "notes.md").write_text("not an article", encoding="utf-8")
    lines = ['{"text": "Three."}', "", '{"text": "Four."}', "   ", '{"text": "Five."}']
    (folder / "more.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert count_inputs([str(folder)]) == 5
    assert count_inputs([str(folder), str(folder / "a.txt"), str(tmp_path / "missing")]) == 7
    assert count_inputs([str(folder), "-"]) is None


def test_a_bar_drawn_on_a_stream_shows_kept_total_and_rate():
    stream = io.StringIO()
    bar = ProgressBar(stream, total=10)
    bar.update(Progress(new=3, skipped=1, failed=0, coded=5))
    bar.write("error: x.txt: not UTF-8")
    drawn = stream.getvalue()
    bar.close()
    assert "4/10" in drawn and "40%" in drawn
    assert "3 kept, 5 coded, 1 skipped" in drawn
    assert "articles/s" in drawn
    assert "error: x.txt: not UTF-8\n" in drawn
    unknown = io.StringIO()
    bar = ProgressBar(unknown, total=None)
    bar.update(Progress(new=7, skipped=0, failed=0, coded=7))
    bar.close()
    assert "ingest 7 articles" in unknown.getvalue()


def _run_on_a_terminal(args: list[str], rows: int = 24, columns: int = 160) -> tuple[int, str, str]:
    """Run tracker with its standard error on a pseudo-terminal of this size; (status,
    stdout, what the terminal showed)."""
    main, side = pty.openpty()
    fcntl.ioctl(side, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    process = subprocess.Popen(
        [sys.executable, "-m", "tracker", *args],
        stdout=subprocess.PIPE,
        stderr=side,
        stdin=subprocess.DEVNULL,
    )
    os.close(side)
    shown = bytearray()
    while True:
        ready, _, _ = select_module.select([main], [], [], 60)
        assert ready, "no output for a minute"
        try:
            chunk = os.read(main, 65536)
        except OSError:  # the other end closed
            break
        if not chunk:
            break
        shown += chunk
    out = process.stdout.read().decode()
    process.stdout.close()
    status = process.wait(timeout=60)
    os.close(main)
    return status, out, shown.decode(errors="replace")


@pytest.mark.slow
def test_the_bar_is_shown_on_a_terminal_only(db_url, tmp_path, invoke):
    folder = _small_articles(tmp_path / "in", 12)
    status, out, shown = _run_on_a_terminal(["--db", db_url, "ingest", str(folder)])
    assert status == 0, shown
    assert "ingest" in shown and "12/12" in shown and "%|" in shown, shown
    assert "12 kept" in shown
    assert SUMMARY.match(out.strip()) and "12 new" in out
    # -q: the summary only, even on a terminal
    status, out, shown = _run_on_a_terminal(["--db", db_url, "ingest", "-q", str(folder)])
    assert status == 0 and shown == ""
    assert "0 new, 12 skipped" in out
    # not a terminal: no bar
    result = invoke("--db", db_url, "ingest", folder)
    assert "%|" not in result.output and "kept" not in result.output


@pytest.mark.slow
def test_a_terminal_that_gives_no_size_still_shows_the_bar(db_url, tmp_path):
    """A pseudo-terminal whose size was never set reads as 0 x 0 (some containers, editors'
    shells): the bar is drawn 80 columns wide rather than not at all."""
    folder = _small_articles(tmp_path / "in", 12)
    status, out, shown = _run_on_a_terminal(["--db", db_url, "ingest", str(folder)], 0, 0)
    assert status == 0, shown
    assert "12/12" in shown and "%|" in shown, shown
    assert max(len(line) for line in re.split(r"[\r\n]", shown)) <= 80
    assert "12 new" in out


@pytest.mark.slow
def test_the_bar_library_is_imported_only_for_a_bar(db_url, tmp_path):
    folder = _small_articles(tmp_path / "in", 2)
    code = (
        "import sys\n"
        "from tracker.cli import cli\n"
        "try:\n"
        "    cli(sys.argv[1:])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('tqdm' in sys.modules, file=sys.stderr)\n"
    )
    for args in (["--help"], ["--db", db_url, "ingest", str(folder)]):
        done = subprocess.run(
            [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120
        )
        assert done.stderr.strip().splitlines()[-1] == "False", done.stderr
