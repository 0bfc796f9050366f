"""Several ingest processes at once, and parallel workers: each article stored once and whole."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from tracker.db import make_engine
from tracker.ingest import _code_in_worker

DEV = Path(__file__).parent / "data" / "dev"

CONTENT = text(
    """
    SELECT a.source, s.ordinal, s.text, t.slug AS target, ac.name AS actor, p.stance
    FROM positions p
    JOIN sentences s ON s.id = p.sentence_id
    JOIN articles a ON a.id = s.article_id
    JOIN targets t ON t.id = p.target_id
    JOIN actors ac ON ac.id = p.actor_id
    """
)
COUNTS = text(
    """
    SELECT a.source,
           (SELECT COUNT(*) FROM sentences s WHERE s.article_id = a.id) AS sentences,
           (SELECT COUNT(*) FROM links l JOIN sentences s ON s.id = l.sentence_id
             WHERE s.article_id = a.id) AS links,
           (SELECT COUNT(*) FROM positions p JOIN sentences s ON s.id = p.sentence_id
             WHERE s.article_id = a.id) AS positions
    FROM articles a
    """
)


def _articles(folder: Path, count: int) -> list[Path]:
    """`count` distinct articles made from the dev corpus (numbered so each hash differs)."""
    sources = sorted(DEV.glob("dev-*.txt"))
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(count):
        text_ = sources[n % len(sources)].read_text(encoding="utf-8")
        path = folder / f"a{n:03d}.txt"
        path.write_text(text_ + f"\n\nCopy {n}.\n", encoding="utf-8")
        paths.append(path)
    return paths


def _rows(url: str, query) -> set[tuple]:
    engine = make_engine(url)
    with engine.connect() as connection:
        rows = {tuple(r) for r in connection.execute(query)}
    engine.dispose()
    return rows


def _tracker(url: str, *args: str, cwd: Path | None = None) -> subprocess.Popen:
    """``tracker ingest`` in a child process; from a folder other than the checkout's
    (``cwd``), it runs the installed tracker, compiled as CI installs it, not the source."""
    return subprocess.Popen(
        [sys.executable, "-m", "tracker", "--db", url, "ingest", "-q", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
        cwd=cwd,
    )


def test_overlapping_ingest_processes(new_db_url, tmp_path):
    paths = [str(p) for p in _articles(tmp_path / "in", 36)]
    shared = new_db_url()
    first = _tracker(shared, *paths[:24])
    second = _tracker(shared, *paths[12:])
    third = _tracker(shared, *reversed(paths))
    for process in (first, second, third):
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
        assert "0 failed" in out
    alone = new_db_url()
    single = _tracker(alone, *paths)
    assert single.wait(timeout=300) == 0
    counts = _rows(shared, COUNTS)
    assert len(counts) == 36  # every article once
    assert counts == _rows(alone, COUNTS)  # and each one whole
    assert _rows(shared, CONTENT) == _rows(alone, CONTENT)


def test_workers_give_the_same_database(new_db_url, tmp_path, invoke):
    paths = [str(p) for p in _articles(tmp_path / "in", 30)]
    one, three = new_db_url(), new_db_url()
    invoke("--db", one, "ingest", *paths)
    invoke("--db", three, "ingest", "--workers", "3", *paths)
    content = _rows(one, CONTENT)
    assert content and content == _rows(three, CONTENT)
    assert _rows(one, COUNTS) == _rows(three, COUNTS)


@pytest.mark.parametrize("workers", [1, 2])
def test_bounded_windows_still_store_each_article_once(new_db_url, tmp_path, monkeypatch, workers):
    """With tiny pool windows and almost no memory of hashes, repeats far apart and close
    together (even in one write batch) are each stored once, and whole."""
    from tracker import ingest as ingest_module
    from tracker.db import prepare

    paths = [str(p) for p in _articles(tmp_path / "in", 14)]
    # repeats right after, a window later, and further back than the hash memory reaches
    inputs = paths + paths[:3] + paths[5:6] * 3 + paths[::-1]
    reference = new_db_url()
    engine = make_engine(reference)
    prepare(engine)
    ingest_module.ingest(engine, paths)
    engine.dispose()

    monkeypatch.setattr(ingest_module, "POOL_WINDOW", 3)
    monkeypatch.setattr(ingest_module, "RECENT_HASHES", 1)  # the store catches the rest
    monkeypatch.setattr(ingest_module, "BATCH_SIZE", 2)
    url = new_db_url()
    engine = make_engine(url)
    prepare(engine)
    summary = ingest_module.ingest(engine, inputs, workers=workers, batch_size=2)
    engine.dispose()
    assert (summary.new, summary.skipped, summary.failed) == (14, len(inputs) - 14, 0)
    assert _rows(url, COUNTS) == _rows(reference, COUNTS)
    assert _rows(url, CONTENT) == _rows(reference, CONTENT)


def test_one_batch_holding_an_article_twice_stores_it_once(new_db_url):
    from tracker.coder.pipeline import Coder, ReferenceData
    from tracker.db import prepare, writer
    from tracker.read import parse_text_article
    from tracker.store import store_articles

    url = new_db_url()
    engine = make_engine(url)
    prepare(engine)
    with engine.connect() as connection:
        coder = Coder(ReferenceData.load(connection))
    text_ = (DEV / "dev-01.txt").read_text(encoding="utf-8")
    first = coder.code(parse_text_article(text_, "first.txt"))
    again = coder.code(parse_text_article(text_, "again.txt"))
    with writer(engine).begin() as connection:
        stored = store_articles(connection, [first, again])
    engine.dispose()
    assert stored[0].article_id is not None and stored[0].sentences == len(first.sentences)
    assert stored[1].article_id is None
    counts = _rows(url, COUNTS)
    assert counts == {("first.txt", len(first.sentences), stored[0].links, stored[0].positions)}


def test_write_behind_writes_in_order_and_raises_the_writers_error():
    from tracker.ingest import _WriteBehind

    written: list[int] = []

    def write(batch):
        if batch == [3]:
            raise RuntimeError("disk full")
        written.append(batch[0])

    with pytest.raises(RuntimeError, match="disk full"):
        with _WriteBehind(write) as behind:
            for n in range(1, 50):
                behind.put([n])
    assert written == [1, 2]  # in order, and nothing after the failing batch


def test_write_behind_writes_what_it_was_given_before_the_callers_error():
    from tracker.ingest import _WriteBehind

    written: list[int] = []
    with pytest.raises(KeyboardInterrupt):
        with _WriteBehind(lambda batch: written.append(batch[0])) as behind:
            behind.put([1])
            behind.put([2])
            raise KeyboardInterrupt
    assert written == [1, 2]


def _dying_coder(article):
    """A worker's coder that kills its process on an article that says so."""
    if "KILL THIS WORKER" in article.text:
        os._exit(3)
    return _code_in_worker(article)


def _inputs_with_a_fatal_last_article(folder: Path) -> list[str]:
    paths = _articles(folder, 8)
    fatal = folder / "fatal.txt"
    fatal.write_text("KILL THIS WORKER. The plan calls for a ceasefire.\n", encoding="utf-8")
    return [str(p) for p in [*paths, fatal]]


def test_a_worker_that_dies_ends_the_run_with_one_line(db_url, tmp_path, invoke, monkeypatch):
    """Not a hang (as with multiprocessing.Pool), not a traceback."""
    from tracker import ingest as ingest_module

    monkeypatch.setattr(ingest_module, "_code_in_worker", _dying_coder)
    inputs = _inputs_with_a_fatal_last_article(tmp_path / "in")
    result = invoke("--db", db_url, "ingest", "--workers", "2", *inputs, expect=1)
    assert result.output.strip().splitlines()[-1] == (
        "Error: a worker process ended unexpectedly (killed or out of memory?); "
        "every article already committed is kept"
    )
    assert "Traceback" not in result.output


def test_the_batches_written_before_a_worker_died_are_kept_whole(new_db_url, tmp_path, monkeypatch):
    from tracker import ingest as ingest_module
    from tracker.db import prepare
    from tracker.errors import TrackerError

    inputs = _inputs_with_a_fatal_last_article(tmp_path / "in")
    reference = new_db_url()
    engine = make_engine(reference)
    prepare(engine)
    ingest_module.ingest(engine, inputs[:-1])
    engine.dispose()

    monkeypatch.setattr(ingest_module, "_code_in_worker", _dying_coder)
    monkeypatch.setattr(ingest_module, "POOL_WINDOW", 2)
    monkeypatch.setattr(ingest_module, "CHUNK_SIZE", 1)
    url = new_db_url()
    engine = make_engine(url)
    prepare(engine)
    with pytest.raises(TrackerError, match="worker process ended unexpectedly"):
        ingest_module.ingest(engine, inputs, workers=2, batch_size=2)
    engine.dispose()
    stored = _rows(url, COUNTS)
    # windows of 2: the first three were written (two articles a batch) before the
    # window holding the fatal article was handed over
    assert len(stored) >= 6
    assert stored <= _rows(reference, COUNTS)  # and each of them whole


UNKNOWN_PERSON = (
    "date 2023-03-01\nJane Roe, a spokeswoman for the institute, said she supports the "
    "ceasefire in the Chinese plan.\n"
)


def test_workers_code_people_the_registry_does_not_know(new_db_url, tmp_path):
    """A worker sends back the people it met that the registry did not know; the compiled
    coder's frozen classes refused to be unpickled, and the run stopped with a worker
    "ended unexpectedly" (or hung, with many articles). In a child process with a time
    limit, so that a hang fails the test instead of holding the suite."""
    paths = [str(p) for p in _articles(tmp_path / "in", 6)]
    person = tmp_path / "in" / "roe.txt"
    person.write_text(UNKNOWN_PERSON, encoding="utf-8")
    paths.append(str(person))
    one, two = new_db_url(), new_db_url()
    for url, workers in ((one, "1"), (two, "2")):
        process = _tracker(url, "--workers", workers, *paths, cwd=tmp_path)
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
    content = _rows(two, CONTENT)
    assert content == _rows(one, CONTENT)
    assert any(row[4] == "Jane Roe" for row in content)


def test_the_coders_values_survive_pickling():
    """What crosses between processes (a worker's new people; the reference data, should
    it ever be pickled rather than forked) comes back equal, compiled or not."""
    import datetime as dt
    import pickle

    from tracker.coder.actors import ActorInfo, RoleSpec
    from tracker.coder.link import TargetSpec

    for value in (
        ActorInfo(7, "Jane Roe", "person", "Ukraine", "female"),
        ActorInfo(8, "the West", "group", None),
        RoleSpec(7, dt.date(2023, 1, 1), None),
        TargetSpec(3, "china-2023", "3", "point", (("ceasefire", 1), ("truce", 1))),
    ):
        assert pickle.loads(pickle.dumps(value)) == value


class _Unpicklable:
    """A worker's result that the parent cannot unpickle, as the compiled ActorInfo was."""

    def __reduce__(self):
        return (_refuse, ())


def _refuse():
    raise ValueError("cannot be unpickled")


def _unreadable_results_coder(article):
    sentences, _ = _code_in_worker(article)
    return sentences, {1: _Unpicklable(), 2: "x" * 1_000_000}  # more than a pipe holds


def test_a_result_the_parent_cannot_read_ends_the_run_with_one_line(db_url, tmp_path):
    """The pool breaks, and the run ends with one line. (A helper's run over 60 articles
    waited for ever here: the workers ignore SIGTERM, which is how a broken pool stops
    them, and one was blocked writing a result nobody read; they are now killed. This
    test did not reproduce that wait on the old code, so it guards only the line.) In a
    child process with a time limit, so that a hang fails the test."""
    paths = [str(p) for p in _articles(tmp_path / "in", 12)]
    driver = (
        "import sys, test_concurrency as t, tracker.ingest as i\n"
        "i._code_in_worker = t._unreadable_results_coder\n"
        "from tracker.cli import cli\n"
        "cli.main(sys.argv[1:], prog_name='tracker')\n"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", driver, "--db", db_url, "ingest", "--workers", "2", *paths],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=Path(__file__).parent,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parent)},
    )
    try:
        out, _ = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 1, out
    assert out.strip().splitlines()[-1] == (
        "Error: a worker process ended unexpectedly (killed or out of memory?); "
        "every article already committed is kept"
    )


def test_two_first_upgrades_at_once_say_once_that_they_seeded(empty_db_url, tmp_path):
    """Both said "loaded the seed plans and actors" (the store was new when each looked,
    before the schema lock), though one had: what a run loaded is decided under the lock."""
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "tracker", "--db", empty_db_url, "db", "upgrade"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=os.environ.copy(),
            cwd=tmp_path,
        )
        for _ in range(3)
    ]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0, 0], outputs
    said = [out for out, _ in outputs if "loaded the seed plans and actors" in out]
    assert len(said) == 1, outputs
