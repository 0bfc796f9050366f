"""Ingest: read → segment → link → attribute → store, streaming.

Articles are read lazily, checked against the store by content hash in
batches, coded (in this process or in a pool of worker processes, in input
order), and written a batch per transaction (on PostgreSQL by a thread of its
own while the next batches are coded). Each article stays
all-or-nothing: when a batch fails to write, it is rolled back and retried
article by article, so one bad article cannot take others with it.

The coder (its modules, the store's reference data, the lexicon and the model) is
loaded only once an article is known to need coding: a re-run over an archive that is
already stored costs the reading and hashing alone. What is reported as new (the
``Summary``, the progress callback, the count an interruption carries) is what has
committed, never what was read or coded.
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import queue
import signal
import sys
import threading
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from itertools import chain, islice
from time import perf_counter, sleep
from typing import TYPE_CHECKING, NamedTuple

from sqlalchemy import Engine, select
from sqlalchemy.exc import SQLAlchemyError

from tracker.db import writer
from tracker.errors import StoppedByError, TrackerError, terminate_as_interrupt
from tracker.provenance import FILES_CHANGED, coding_configuration
from tracker.read import Article, InputFailure, PassedOver, read_inputs
from tracker.runs import LazyRun
from tracker.schema import Article as ArticleRow
from tracker.schema import ArticleRun, CodingRun

if TYPE_CHECKING:  # the coder is imported when an article needs coding
    from tracker.coder.pipeline import CodedArticle, Coder

# Articles per write transaction (each article still all or nothing: a failed batch is
# written again one article at a time). Each transaction rewrites every index page it
# touches, and the content-hash and date indexes take their new entries all over: the
# larger the store, the more pages per article. 100,000 articles into SQLite, one worker:
# writing took 38.9 s with 200 a batch, 33.2 s with 500, 29.6 s with 1,000 (peak memory
# 134, 145 and 166 MB). At 10,000: SQLite no clear difference, PostgreSQL 16.5 s with
# 200 a batch against 14.4 s with 1,000.
BATCH_SIZE = 1000
FIRST_BATCH_SIZE = 50
# Articles handed to worker processes ahead of the writer. Executor.map alone reads its
# whole input ahead and keeps every result the writer has not taken yet, so memory would
# grow with the corpus whenever writing is slower than coding.
POOL_WINDOW = 512
# Articles sent to a worker at a time. Each message costs the writer's process some work
# (pickling, a future, a wake-up): with 4 articles a message, it spent about 40% more CPU
# time on 10,000 articles than with 32; more than 32 measured no better.
CHUNK_SIZE = 32
# Content hashes remembered from this run to skip an article repeated in it. Older ones are
# in the store by then (at most two pool windows and a batch are ever in flight), where the
# batch check finds them; a fixed number keeps memory flat on any corpus size.
RECENT_HASHES = 20_000


class Progress(NamedTuple):
    """Where an ingest stands, as the progress callback sees it.

    ``new`` counts the articles committed (in a dry run, coded), ``skipped`` those already
    stored, ``failed`` the inputs that failed; ``coded`` the articles coded so far, some of
    them perhaps not committed yet (or never: a failed write, an interruption)."""

    new: int
    skipped: int
    failed: int
    coded: int

    @property
    def done(self) -> int:
        """Inputs settled: committed, skipped or failed."""
        return self.new + self.skipped + self.failed


@dataclass
class Summary:
    new: int = 0
    skipped: int = 0
    failed: int = 0
    sentences: int = 0
    links: int = 0
    positions: int = 0
    coded: int = 0  # coded so far; ``new`` only once committed
    stale: int = 0  # skipped, but coded by another configuration than this run's
    decider: str = "learned"  # this run's, which the hint to recode them names
    files_changed: bool = False  # plan or actor files edited since the store was seeded
    elapsed: float = 0.0  # seconds, the whole ingest
    failures: list[InputFailure] = field(default_factory=list)
    # seconds per stage, when coding in this process
    timings: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))
    # the reading thread and the writing one both count
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)
    # called, holding ``lock``, whenever a count changes
    listener: Callable[[Progress], None] | None = field(default=None, repr=False, compare=False)

    def line(self) -> str:
        from tracker.progress import format_elapsed

        line = (
            f"articles: {self.new} new, {self.skipped} skipped, {self.failed} failed; "
            f"{self.sentences} sentences, {self.links} links, {self.positions} positions; "
            f"{format_elapsed(self.elapsed)}"
        )
        if self.stale:
            line += (
                f"\n{self.stale} already stored but coded by another configuration: "
                "run tracker recode --stale"
                + (f" --decider {self.decider}" if self.decider != "learned" else "")
            )
        if self.files_changed:
            line += "\n" + FILES_CHANGED
        return line

    def progress(self) -> Progress:
        return Progress(self.new, self.skipped, self.failed, self.coded)

    def notify(self) -> None:
        """Tell the listener; call it holding ``lock``, after the counts changed."""
        if self.listener is not None:
            self.listener(self.progress())

    def count(self, coded: CodedArticle) -> None:
        self.new += 1
        self.sentences += len(coded.sentences)
        self.links += sum(len(s.links) for s in coded.sentences)
        self.positions += sum(len(s.findings) for s in coded.sentences)


class Interrupted(KeyboardInterrupt):
    """Ctrl-C or SIGTERM ended an ingest. ``summary`` counts what was committed before it:
    every article counted as new is in the store, whole, and no other is."""

    def __init__(self, summary: Summary) -> None:
        super().__init__()
        self.summary = summary


class _Stop(Exception):
    """--strict met a failure."""


def ingest(
    engine: Engine,
    paths: Iterable[str],
    *,
    workers: int = 1,
    batch_size: int = BATCH_SIZE,
    on_failure: Callable[[InputFailure], None] = lambda failure: None,
    on_progress: Callable[[Progress], None] | None = None,
    strict: bool = False,
    dry_run: bool = False,
    decider: str = "learned",
    on_warning: Callable[[PassedOver], None] = lambda warning: None,
) -> Summary:
    """Ingest every article of ``paths``; failures are reported and counted, not raised.
    ``decider`` chooses how candidates become positions (``tracker.coder.pipeline.DECIDERS``).

    ``on_warning`` is told of each file of a folder passed over that holds articles after
    its first record (neither a failure nor counted). ``on_progress`` is called whenever a
    count changes (from the writing thread too, one call at a time): after each commit,
    with ``new`` counting exactly the articles committed so far. Ctrl-C or SIGTERM raises
    ``Interrupted``, whose summary counts what was committed before it. The run is recorded
    (``tracker.runs``) when it first stores an article, and every row it stores points to it."""
    summary = Summary(listener=on_progress, decider=decider)
    started = perf_counter()
    with engine.connect() as connection:  # the store's plans and actors, as the coder's
        used = coding_configuration(connection, decider)
    configuration = used.configuration
    summary.files_changed = used.files_changed

    def fail(failure: InputFailure) -> None:
        with summary.lock:
            summary.failed += 1
            summary.failures.append(failure)
            on_failure(failure)
            summary.notify()
        if strict:
            raise _Stop

    fresh = _fresh_articles(
        engine,
        _warned(_timed(read_inputs(paths), summary.timings), on_warning),
        summary,
        fail,
        batch_size,
        configuration.hash,
    )
    run = None if dry_run else LazyRun(engine, "ingest", configuration)
    outcome = "failed"
    try:
        with interrupts_at_commits():
            _code_and_write(
                engine, fresh, decider, summary, fail, workers, batch_size, dry_run, run
            )
        outcome = "finished"
    except _Stop:
        outcome = "finished"
    except KeyboardInterrupt as exc:
        outcome = "interrupted"
        summary.elapsed = perf_counter() - started
        raise Interrupted(summary) from exc
    except SQLAlchemyError as exc:
        summary.elapsed = perf_counter() - started
        raise StoppedByError(summary, exc) from exc
    finally:
        if run is not None:
            _finish_run(engine, run, summary.new, outcome)
    summary.elapsed = perf_counter() - started
    return summary


def _finish_run(engine: Engine, run: LazyRun, articles: int, outcome: str) -> None:
    """Record how the run ended. After Ctrl-C the pool may hand back the connection the
    interrupt left inside a transaction ("Can't reconnect until invalid transaction is
    rolled back"), and the run stayed marked `running` on SQLite: once more, on new
    connections. An error that stopped the run is the one raised, not this one."""
    try:
        run.finish(articles, outcome)
    except SQLAlchemyError:
        if outcome == "finished":
            raise
        engine.dispose()
        try:
            run.finish(articles, outcome)
        except SQLAlchemyError:
            pass


def _code_and_write(
    engine: Engine,
    fresh: Iterator[Article],
    decider: str,
    summary: Summary,
    fail: Callable[[InputFailure], None],
    workers: int,
    batch_size: int,
    dry_run: bool,
    run: LazyRun | None,
) -> None:
    """Code and write what ``fresh`` yields; the coder is loaded for the first such article,
    so that a run with nothing new to code never loads it."""
    first = next(fresh, None)
    if first is None:
        return
    fresh = chain([first], fresh)
    from tracker.coder.pipeline import Coder, ReferenceData

    with engine.connect() as connection:
        reference = ReferenceData.load(connection, decider)
    coder = Coder(reference)  # here, so that a missing model or lexicon is one clear error
    coder.timings = summary.timings
    with coding(fresh, coder, workers) as coded:
        _write(engine, coded, summary, fail, batch_size, dry_run, run)


@contextmanager
def coding(
    articles: Iterator[Article], coder: Coder, workers: int
) -> Iterator[Iterator[CodedArticle]]:
    """The articles coded, in input order: in this process, or in ``workers`` worker
    processes forked with ``coder`` (stopped when the block ends). Ingest and re-coding
    share it."""
    with _long_lived_data():
        if workers > 1:
            with _worker_pool(workers, coder) as pool:
                yield _coded_in_pool(pool, articles)
        else:
            yield map(coder.code, articles)


class _Interrupts:
    """Ctrl-C and SIGTERM as KeyboardInterrupt, held back while a commit is counted.

    A signal raises KeyboardInterrupt wherever this thread is; arriving between a COMMIT
    and the counting of its articles, it would leave committed articles uncounted, and an
    interruption would report fewer articles kept than the store holds. Inside ``held()``
    (in the main thread, where Python runs signal handlers) the signal is noted and raised
    when the block ends. A transaction being written is never held back: it is rolled
    back, and none of its articles was counted."""

    def __init__(self) -> None:
        self.depth = 0
        self.pending = False

    def handle(self, signum: int, frame: object) -> None:
        if self.depth:
            self.pending = True
            return
        raise KeyboardInterrupt

    @contextmanager
    def held(self) -> Iterator[None]:
        if threading.current_thread() is not threading.main_thread():
            yield  # signals never interrupt another thread
            return
        self.depth += 1
        try:
            yield
        finally:
            self.depth -= 1
        if not self.depth and self.pending:
            self.pending = False
            raise KeyboardInterrupt


_interrupts = _Interrupts()


@contextmanager
def interrupts_at_commits() -> Iterator[None]:
    """Ctrl-C and SIGTERM (``kill``, a service manager stopping the run) end an ingest alike:
    the batches handed to the writer are written, the workers are stopped, and every article
    committed is kept and counted (``_Interrupts``). Only in the main thread, and only for a
    signal nobody else handles (Ctrl-C's own handler, SIGTERM's default)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    taken = {
        number: signal.getsignal(number)
        for number, usual in (
            (signal.SIGINT, signal.default_int_handler),
            (signal.SIGTERM, signal.SIG_DFL),
        )
        if signal.getsignal(number) == usual
        or (number == signal.SIGTERM and signal.getsignal(number) == terminate_as_interrupt)
    }
    for number in taken:
        signal.signal(number, _interrupts.handle)
    try:
        yield
    finally:
        for number, handler in taken.items():
            signal.signal(number, handler)
        _interrupts.pending = False


# Coding makes many short-lived tuples and lists and no reference cycles of note; with the
# default thresholds the collector runs every 700 allocations and its full passes walk the
# coder's large, permanent tables. Frozen tables and rarer passes: about 20% faster coding.
GC_THRESHOLDS = (20_000, 50, 100)


@contextmanager
def _long_lived_data() -> Iterator[None]:
    """What exists now (reference data, the coder) is kept out of the collector's passes."""
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


def _warned(
    items: Iterator[Article | InputFailure], warn: Callable[[PassedOver], None]
) -> Iterator[Article | InputFailure]:
    """``items`` without the warnings, each told to ``warn`` as it comes."""
    for item in items:
        if isinstance(item, PassedOver):
            warn(item)
        else:
            yield item


def _fresh_articles(
    engine: Engine,
    items: Iterator[Article | InputFailure],
    summary: Summary,
    fail: Callable[[InputFailure], None],
    batch_size: int,
    configuration: str,
) -> Iterator[Article]:
    """The articles not yet in the store (nor earlier in this run), in input order. Those
    stored already but coded by another configuration than ``configuration`` (a hash)
    are counted as stale."""
    seen: set[str] = set()
    recent: deque[str] = deque()
    while chunk := list(islice(items, batch_size)):
        articles: list[Article] = []
        for item in chunk:
            if isinstance(item, InputFailure):
                yield from articles  # what came before a --strict failure is still stored
                articles = []
                fail(item)
            else:
                articles.append(item)
        hashes = {a.content_hash for a in articles}
        with engine.connect() as connection:
            stored = dict(
                connection.execute(
                    select(ArticleRow.content_hash, CodingRun.configuration_hash)
                    .outerjoin(ArticleRun, ArticleRun.article_id == ArticleRow.id)
                    .outerjoin(CodingRun, CodingRun.id == ArticleRun.run_id)
                    .where(ArticleRow.content_hash.in_(hashes))
                ).all()
                if hashes
                else ()
            )
        fresh: list[Article] = []
        stale = 0
        for article in articles:
            digest = article.content_hash
            if digest in stored or digest in seen:
                stale += digest in stored and stored[digest] != configuration
                continue
            seen.add(digest)
            recent.append(digest)
            if len(recent) > RECENT_HASHES:
                seen.discard(recent.popleft())
            fresh.append(article)
        if len(fresh) < len(articles):
            with summary.lock:
                summary.skipped += len(articles) - len(fresh)
                summary.stale += stale
                summary.notify()
        yield from fresh


@contextmanager
def _worker_pool(workers: int, coder: Coder) -> Iterator[ProcessPoolExecutor]:
    """Worker processes that code; this one reads and writes.

    An executor, not ``multiprocessing.Pool``: Pool's worker-handler thread wakes up
    whenever a result waits to be read and then contends with the writer for the
    interpreter; with it, the writer's process spent about a third more CPU time on the
    same work. The workers ignore Ctrl-C and SIGTERM: this process stops them, after keeping
    what it has written. A worker that dies (killed, out of memory) ends the run with one
    line; when this process dies (``kill -9``), the workers die with it (``_die_with``).
    The workers are forked with this process's coder, built and frozen out of the
    collector's passes already (``_long_lived_data``): none builds its own, and its
    tables' pages stay shared until written to.
    """
    pool = ProcessPoolExecutor(
        workers,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_start_worker,
        initargs=(coder, os.getpid()),  # handed over by fork, never pickled
    )
    try:
        yield pool
    except BrokenProcessPool:
        # The workers ignore SIGTERM, which is how a broken pool stops them, and one may be
        # blocked writing a result nobody reads: shutdown() below waited for it for ever.
        for worker in multiprocessing.active_children():
            worker.kill()
        raise TrackerError(
            "a worker process ended unexpectedly (killed or out of memory?); "
            "every article already committed is kept"
        ) from None
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _coded_in_pool(
    pool: ProcessPoolExecutor, articles: Iterator[Article]
) -> Iterator[CodedArticle]:
    """Coded articles in input order, with at most two windows of articles in flight: the
    workers code the next window while the writer takes the current one."""
    current: Iterator[CodedArticle] | None = None
    stop: _Stop | None = None
    while stop is None:
        window: list[Article] = []
        try:
            for article in islice(articles, POOL_WINDOW):
                window.append(article)
        except _Stop as exc:  # --strict: what was read before the failure is still stored,
            stop = exc  # as with one worker
        if not window:
            break
        following = _rejoined(window, pool.map(_code_in_worker, window, chunksize=CHUNK_SIZE))
        if current is not None:
            yield from current
        current = following
    if current is not None:
        yield from current
    if stop is not None:
        raise stop


def _rejoined(
    articles: list[Article], results: Iterator[tuple[list, dict]]
) -> Iterator[CodedArticle]:
    """Workers send back what they found, not the article: the writer has it already."""
    from tracker.coder.pipeline import CodedArticle

    for article, (sentences, new_actors) in zip(articles, results, strict=True):
        yield CodedArticle(article, sentences, new_actors)


def _write(
    engine: Engine,
    coded: Iterator[CodedArticle],
    summary: Summary,
    fail: Callable[[InputFailure], None],
    batch_size: int,
    dry_run: bool,
    run: LazyRun | None,
) -> None:
    batches = _batches(_counted(coded, summary), batch_size)
    if dry_run:
        for batch in batches:
            with summary.lock:
                for item in batch:
                    summary.count(item)
                summary.notify()
        return
    if engine.dialect.name != "postgresql":
        # SQLite's work is done in this process, mostly holding the interpreter's lock:
        # writing from a second thread measured no faster (10,000 articles: 23.2 s
        # against 22.3 s), so batches are written in turn
        for batch in batches:
            _store_batch(engine, batch, summary, fail, run)
        return
    with _WriteBehind(lambda batch: _store_batch(engine, batch, summary, fail, run)) as behind:
        for batch in batches:
            behind.put(batch)


class _WriteBehind:
    """Batches written in a thread of their own while this one codes the next.

    The PostgreSQL server's work (foreign-key checks, indexes) then overlaps coding in its
    own process instead of holding it up: 10,000 articles took 24.6 s instead of 34.4 s,
    as fast as SQLite. At most two batches wait. Each batch is still one
    transaction, written in input order; the first error stops the writing and is raised in
    the caller, and on the caller's own error (Ctrl-C, --strict) the batches already handed
    over are written before it goes on.
    """

    def __init__(self, write: Callable[[list[CodedArticle]], None]) -> None:
        self._write = write
        self._waiting: queue.Queue[list[CodedArticle] | None] = queue.Queue(maxsize=2)
        self._error: BaseException | None = None
        # a daemon: a second Ctrl-C ends the process at once; the open transaction is
        # then rolled back by the database, so no article is half-written
        self._thread = threading.Thread(target=self._run, name="tracker-writer", daemon=True)

    def __enter__(self) -> _WriteBehind:
        self._thread.start()
        return self

    def put(self, batch: list[CodedArticle]) -> None:
        if self._error is not None:
            raise self._error
        self._waiting.put(batch)

    def _run(self) -> None:
        while (batch := self._waiting.get()) is not None:
            if self._error is None:  # after an error, take what is handed over, write nothing
                try:
                    self._write(batch)
                except BaseException as exc:  # raised in the caller's thread
                    self._error = exc

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb) -> None:
        self._waiting.put(None)
        self._thread.join()
        if exc is None and self._error is not None:
            raise self._error


# What writing one article can raise: database errors (the driver's own, raised by the
# COPY on PostgreSQL, come wrapped as SQLAlchemy's) and a value the driver cannot encode.
WRITE_ERRORS = (SQLAlchemyError, UnicodeEncodeError)


def _store_batch(
    engine: Engine,
    batch: list[CodedArticle],
    summary: Summary,
    fail: Callable[[InputFailure], None],
    run: LazyRun | None,
) -> None:
    """One transaction for the batch; if it fails, one per article, to find the bad one.

    An article counts as new only once its transaction has committed (a commit can fail:
    a full disk, a deferred constraint), and each is counted as it commits, so that a
    --strict stop part way through the batch still counts those before it.
    """
    started = perf_counter()
    run_id = run.id if run is not None else None
    try:
        try:
            _store_and_count(engine, batch, summary, run_id)
        except WRITE_ERRORS:
            pass
        else:
            return
        for item in batch:
            try:
                _store_and_count(engine, [item], summary, run_id)
            except WRITE_ERRORS as exc:
                fail(InputFailure(item.article.source, f"not stored: {_one_line(exc)}"))
    finally:
        with summary.lock:
            summary.timings["write"] += perf_counter() - started


def _store_and_count(
    engine: Engine, batch: list[CodedArticle], summary: Summary, run_id: int | None
) -> None:
    """One transaction; its articles are counted as it commits, with no interruption
    between the two (``_Interrupts``): the count is never behind the store nor ahead."""
    from tracker.store import store_articles

    with writer(engine).connect() as connection, ExitStack() as holding:
        with connection.begin():  # committed at the end of the block, rolled back on error
            stored = store_articles(connection, batch, run_id)  # interrupted: rolled back
            holding.enter_context(_interrupts.held())  # from here to the count: held back
        _count_stored(summary, batch, stored)


def _count_stored(summary: Summary, batch: list[CodedArticle], stored: list) -> None:
    with summary.lock:
        for item, result in zip(batch, stored, strict=True):
            if result.article_id is None:
                summary.skipped += 1  # another process stored it first
            else:
                summary.count(item)
        summary.notify()


def _counted(coded: Iterator[CodedArticle], summary: Summary) -> Iterator[CodedArticle]:
    """``coded``, each article counted as coded as it comes."""
    for item in coded:
        with summary.lock:
            summary.coded += 1
            summary.notify()
        yield item


def _one_line(exc: BaseException) -> str:
    lines = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def _timed(items: Iterator, timings: defaultdict[str, float]) -> Iterator:
    """Count the time spent reading and parsing inputs."""
    while True:
        started = perf_counter()
        item = next(items, None)
        timings["read and parse"] += perf_counter() - started
        if item is None:
            return
        yield item


def _batches(coded: Iterator[CodedArticle], size: int) -> Iterator[list[CodedArticle]]:
    """Batches of coded articles, doubling from FIRST_BATCH_SIZE up to ``size``: the first
    articles are committed (safe from an interruption, seen by other readers) within a
    moment, and a long run still writes large batches. On --strict's stop, what came
    before is still written."""
    batch: list[CodedArticle] = []
    limit = min(FIRST_BATCH_SIZE, size)
    try:
        for item in coded:
            batch.append(item)
            if len(batch) >= limit:
                yield batch
                batch = []
                limit = min(limit * 2, size)
    except _Stop:
        if batch:
            yield batch
        raise
    if batch:
        yield batch


_worker_coder: Coder | None = None


def _start_worker(coder: Coder, parent: int) -> None:
    global _worker_coder
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    _die_with(parent)
    _worker_coder = coder
    coder.timings = defaultdict(float)  # the parent's are not this process's to add to
    gc.freeze()  # the worker's lifetime is the ingest's: no need to undo this
    gc.set_threshold(*GC_THRESHOLDS)


def _code_in_worker(article: Article) -> tuple[list, dict]:
    assert _worker_coder is not None
    coded = _worker_coder.code(article)
    return coded.sentences, coded.new_actors


PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
# How often a worker without PR_SET_PDEATHSIG looks whether its parent is still there.
PARENT_CHECK_SECONDS = 0.5


def _die_with(parent: int) -> None:
    """End this worker when the process that started it (``parent``) ends, however it ends.

    A worker waits on a pipe it holds both ends of, so it never sees its parent go: killed
    with ``kill -9``, the parent left its workers running for good, holding the store (on
    PostgreSQL its session stayed "idle in transaction", the socket being theirs too) and
    its standard output (``tracker ingest … | cat`` never ended). On Linux the kernel sends
    SIGKILL when the parent dies; elsewhere a thread looks every half second."""
    if not _kill_me_with_parent():
        threading.Thread(
            target=_watch_parent, args=(parent,), name="tracker-parent-watch", daemon=True
        ).start()
    if os.getppid() != parent:  # the parent died before any of this was in place
        os._exit(1)


def _kill_me_with_parent() -> bool:
    """prctl(PR_SET_PDEATHSIG, SIGKILL); False where there is no such call."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        sleep(PARENT_CHECK_SECONDS)
    os._exit(1)
