"""Ingest: read → segment → link → attribute → store, one article at a time."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlalchemy import Engine

from tracker.pipeline import Coder, ReferenceData
from tracker.read import Article, InputFailure, read_inputs
from tracker.store import article_exists, store_article


@dataclass
class Summary:
    new: int = 0
    skipped: int = 0
    failed: int = 0
    sentences: int = 0
    links: int = 0
    positions: int = 0
    failures: list[InputFailure] = field(default_factory=list)

    def line(self) -> str:
        return (
            f"articles: {self.new} new, {self.skipped} skipped, {self.failed} failed; "
            f"{self.sentences} sentences, {self.links} links, {self.positions} positions"
        )


def ingest(
    engine: Engine,
    paths: Iterable[str],
    *,
    on_failure: Callable[[InputFailure], None] = lambda failure: None,
    on_article: Callable[[], None] = lambda: None,
    strict: bool = False,
    dry_run: bool = False,
) -> Summary:
    """Ingest every article of ``paths``; failures are reported and counted, not raised."""
    with engine.connect() as connection:
        coder = Coder(ReferenceData.load(connection))
    summary = Summary()
    for item in read_inputs(paths):
        on_article()
        if isinstance(item, InputFailure):
            summary.failed += 1
            summary.failures.append(item)
            on_failure(item)
            if strict:
                break
            continue
        _ingest_one(engine, coder, item, summary, dry_run)
    return summary


def _ingest_one(engine: Engine, coder: Coder, article: Article, summary: Summary, dry_run: bool) -> None:
    with engine.connect() as connection:
        if article_exists(connection, article.content_hash):
            summary.skipped += 1
            return
    coded = coder.code(article)
    if dry_run:
        summary.new += 1
        summary.sentences += len(coded.sentences)
        summary.links += sum(len(s.links) for s in coded.sentences)
        summary.positions += sum(len(s.findings) for s in coded.sentences)
        return
    with engine.begin() as connection:
        stored = store_article(connection, coded)
    if stored.article_id is None:
        summary.skipped += 1
        return
    summary.new += 1
    summary.sentences += stored.sentences
    summary.links += stored.links
    summary.positions += stored.positions
