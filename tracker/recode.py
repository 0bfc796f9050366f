"""Re-coding: stored articles coded again with the current coder and configuration.

The store keeps an article's sentences, not its text, and the sentences are the evidence
every link, position and review decision quotes; so re-coding keeps them. Each article
is given to the coder as its sentences one blank line apart (a blank line always ends a
sentence), which the coder reads as the same sentences, in order, with the same date:
what it finds is what it would find in the original text. Should the current segmenter
cut a stored sentence in two, what it finds in either piece is recorded on the stored
sentence.

Each article is one transaction: its automatic links and positions are deleted and the
new ones, pointing to this run, inserted; nothing else is deleted. Ctrl-C or SIGTERM
stops after the article being written, so every article is either as it was or wholly
re-coded; a second Ctrl-C stops at once (the open transaction is rolled back). Running
it twice gives the same links and positions.
"""

from __future__ import annotations

import signal
import threading
from bisect import bisect_right
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, select
from sqlalchemy.exc import SQLAlchemyError

from tracker.articles import parse_day
from tracker.coder.pipeline import CodedArticle, Coder, ReferenceData
from tracker.db import writer
from tracker.errors import TrackerError
from tracker.ingest import coding
from tracker.provenance import FILES_CHANGED, coding_configuration
from tracker.read import Article
from tracker.runs import finish_run, stale_condition, start_run
from tracker.schema import Article as ArticleRow
from tracker.schema import ArticleRun, CodingRun, Plan, Position, Sentence, Target
from tracker.store import replace_coding

READ_CHUNK = 200  # articles read from the store per query
SEPARATOR = "\n\n"  # between sentences: a blank line, which always ends one


@dataclass
class RecodeSummary:
    selected: int = 0
    recoded: int = 0
    gone: int = 0  # removed (or changed) by someone else while this ran
    links: int = 0
    positions: int = 0
    # automatic positions against the ones they replaced (by actor, target, sentence)
    positions_new: int = 0
    positions_gone: int = 0
    stances_changed: int = 0
    interrupted: bool = False
    run_id: int | None = None
    files_changed: bool = False  # plan or actor files edited since the store was seeded

    def line(self) -> str:
        line = f"re-coded {self.recoded} of {self.selected} articles"
        if self.interrupted:
            line = (
                f"interrupted: re-coded {self.recoded} of {self.selected} articles; "
                "the others are as they were"
            )
        line += f": {self.links} links, {self.positions} positions"
        if self.recoded:  # what an analyst re-codes for: how the positions changed
            line += (
                f" ({self.positions_new} new, {self.stances_changed} with another stance; "
                f"{self.positions_gone} no longer found)"
            )
        if self.gone:
            line += f"; {self.gone} removed or changed meanwhile, left alone"
        if self.run_id is not None and self.recoded:
            line += f" (run {self.run_id})"
        if self.files_changed:
            line += "\n" + FILES_CHANGED
        return line


@dataclass(frozen=True)
class _Stored:
    """An article read back from the store, as the coder takes it."""

    article_id: int
    sentence_ids: list[int]
    starts: list[int]  # where each stored sentence begins in ``article.text``
    article: Article


def select_articles(
    engine: Engine,
    *,
    since: str | None = None,
    until: str | None = None,
    stale: bool = False,
    configuration_hash: str = "",
) -> list[int]:
    """The ids of the articles to re-code, oldest id first: dated within ``since`` and
    ``until`` (inclusive; undated articles are left out when either is given) and, with
    ``stale``, last coded by another configuration than ``configuration_hash``."""
    first = parse_day(since, "--since") if since is not None else None
    last = parse_day(until, "--until") if until is not None else None
    if first and last and first > last:
        raise TrackerError(f"--since {first} is after --until {last}")
    query = select(ArticleRow.id).order_by(ArticleRow.id)
    if first is not None:
        query = query.where(ArticleRow.published >= first)
    if last is not None:
        query = query.where(ArticleRow.published <= last)
    if stale:
        query = (
            query.outerjoin(ArticleRun, ArticleRun.article_id == ArticleRow.id)
            .outerjoin(CodingRun, CodingRun.id == ArticleRun.run_id)
            .where(stale_condition(configuration_hash))
        )
    with engine.connect() as connection:
        return list(connection.execute(query).scalars())


def plan_targets(engine: Engine, slug: str) -> frozenset[int]:
    """The target ids of the plan ``slug``; an unknown slug is an error naming the known."""
    with engine.connect() as connection:
        plan_id = connection.execute(select(Plan.id).where(Plan.slug == slug)).scalar()
        if plan_id is None:
            known = ", ".join(connection.execute(select(Plan.slug).order_by(Plan.slug)).scalars())
            raise TrackerError(f"no plan {slug!r} in the store (plans: {known or 'none'})")
        return frozenset(
            connection.execute(select(Target.id).where(Target.plan_id == plan_id)).scalars()
        )


def _read(engine: Engine, ids: list[int]) -> Iterator[_Stored]:
    """The articles with these ids, in order, read a chunk at a time; gone ones skipped."""
    for at in range(0, len(ids), READ_CHUNK):
        chunk = ids[at : at + READ_CHUNK]
        with engine.connect() as connection:
            meta = {
                row.id: row
                for row in connection.execute(
                    select(
                        ArticleRow.id,
                        ArticleRow.source,
                        ArticleRow.title,
                        ArticleRow.url,
                        ArticleRow.published,
                    ).where(ArticleRow.id.in_(chunk))
                )
            }
            sentences: dict[int, list[tuple[int, str]]] = {i: [] for i in chunk}
            for article_id, sentence_id, text in connection.execute(
                select(Sentence.article_id, Sentence.id, Sentence.text)
                .where(Sentence.article_id.in_(chunk))
                .order_by(Sentence.article_id, Sentence.ordinal)
            ):
                sentences[article_id].append((sentence_id, text))
        for article_id in chunk:
            row = meta.get(article_id)
            if row is not None:
                yield _as_article(row, sentences[article_id])


def _as_article(row, sentences: list[tuple[int, str]]) -> _Stored:
    starts, position = [], 0
    for _, text in sentences:
        starts.append(position)
        position += len(text) + len(SEPARATOR)
    text = SEPARATOR.join(text for _, text in sentences)
    article = Article(row.source, text, 0, row.published, row.title, row.url)
    return _Stored(row.id, [sentence_id for sentence_id, _ in sentences], starts, article)


def _sentence_ids(stored: _Stored, coded: CodedArticle) -> list[int]:
    """The stored sentence each coded sentence lies in."""
    return [
        stored.sentence_ids[bisect_right(stored.starts, sentence.span.start) - 1]
        for sentence in coded.sentences
    ]


def _write(
    engine: Engine,
    stored: _Stored,
    coded: CodedArticle,
    run_id: int,
    targets: frozenset[int] | None,
    summary: RecodeSummary,
) -> None:
    """One article in one transaction; an article removed or re-segmented by someone else
    since it was read is left alone."""
    with writer(engine).begin() as connection:
        # lock the article: two re-codes of it on PostgreSQL take turns (SQLite: the
        # write lock taken at BEGIN)
        found = connection.execute(
            select(ArticleRow.id).where(ArticleRow.id == stored.article_id).with_for_update()
        ).first()
        now = list(
            connection.execute(
                select(Sentence.id)
                .where(Sentence.article_id == stored.article_id)
                .order_by(Sentence.ordinal)
            ).scalars()
        )
        if found is None or now != stored.sentence_ids:
            summary.gone += 1
            return
        before = _auto_positions(connection, stored.article_id, targets)
        result = replace_coding(
            connection, stored.article_id, coded, _sentence_ids(stored, coded), run_id, targets
        )
        after = _auto_positions(connection, stored.article_id, targets)
    summary.positions_new += len(after.keys() - before.keys())
    summary.positions_gone += len(before.keys() - after.keys())
    summary.stances_changed += sum(before[k] != after[k] for k in before.keys() & after.keys())
    summary.recoded += 1
    summary.links += result.links
    summary.positions += result.positions


def _auto_positions(
    connection: Connection, article_id: int, targets: frozenset[int] | None
) -> dict[tuple[int, int, int], set[str]]:
    """An article's automatic positions (on ``targets``), their stances by (actor, target,
    sentence): what re-coding replaces, to say what changed."""
    query = (
        select(Position.actor_id, Position.target_id, Position.sentence_id, Position.stance)
        .join(Sentence, Sentence.id == Position.sentence_id)
        .where(Sentence.article_id == article_id, Position.method == "auto")
    )
    if targets is not None:
        query = query.where(Position.target_id.in_(targets))
    out: dict[tuple[int, int, int], set[str]] = {}
    for actor, target, sentence, stance in connection.execute(query):
        out.setdefault((actor, target, sentence), set()).add(stance)
    return out


def recode(
    engine: Engine,
    *,
    plan: str | None = None,
    since: str | None = None,
    until: str | None = None,
    stale: bool = False,
    workers: int = 1,
    decider: str = "learned",
    on_article: Callable[[], None] = lambda: None,
) -> RecodeSummary:
    """Re-code the stored articles selected (see ``select_articles``) with the current
    coder; with ``plan``, only that plan's links and positions are replaced. Workers code
    as in ingest (``tracker.ingest.coding``); this process writes, one article at a time.
    An interruption ends the run early with ``interrupted`` set, not with an exception."""
    if workers < 1:
        raise TrackerError(f"--workers must be 1 or more, not {workers}")
    with engine.connect() as connection:  # the store's plans and actors, as the coder's
        used = coding_configuration(connection, decider)
    configuration = used.configuration
    targets = plan_targets(engine, plan) if plan is not None else None
    ids = select_articles(
        engine, since=since, until=until, stale=stale, configuration_hash=configuration.hash
    )
    summary = RecodeSummary(selected=len(ids), files_changed=used.files_changed)
    if not ids:
        return summary
    with engine.connect() as connection:
        reference = ReferenceData.load(connection, decider)
    coder = Coder(reference)
    summary.run_id = start_run(engine, "recode", configuration)
    outcome = "failed"
    waiting: deque[_Stored] = deque()
    read = 0

    def articles() -> Iterator[Article]:
        nonlocal read
        for stored in _read(engine, ids):
            read += 1
            waiting.append(stored)
            yield stored.article

    try:
        with _stopping() as stop, coding(articles(), coder, workers) as coded:
            for item in coded:
                stored = waiting.popleft()
                assert item.article is stored.article
                _write(engine, stored, item, summary.run_id, targets, summary)
                on_article()
                if stop.is_set():
                    summary.interrupted = True
                    break
            if not summary.interrupted:
                summary.gone += len(ids) - read  # removed before they were read
        outcome = "interrupted" if summary.interrupted else "finished"
    except KeyboardInterrupt:  # a second Ctrl-C: the article being written is rolled back
        summary.interrupted = True
        outcome = "interrupted"
    finally:
        try:
            finish_run(engine, summary.run_id, summary.recoded, outcome)
        except SQLAlchemyError:
            if outcome != "failed":
                raise
    return summary


@contextmanager
def _stopping() -> Iterator[threading.Event]:
    """Ctrl-C and SIGTERM set the event (the caller stops after the article it writes);
    a second one raises KeyboardInterrupt. Only in the main thread."""
    stop = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield stop
        return

    def handle(signum: int, frame: object) -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()

    previous = {s: signal.signal(s, handle) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield stop
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
