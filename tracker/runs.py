"""Coding runs in the store: each ingest and re-code is a row of ``coding_runs``.

Links and positions point to the run that found them, ``article_runs`` to the run that
last coded each whole article; an article whose run had another configuration (or that
was coded before migration 0004, with no run) is stale: ``tracker recode --stale``.
"""

from __future__ import annotations

import threading

from sqlalchemy import Connection, Engine, func, select

from tracker.db import writer
from tracker.provenance import Configuration
from tracker.schema import Article, ArticleRun, CodingRun


def start_run(engine: Engine, command: str, configuration: Configuration) -> int:
    """Record a run that is starting, in a transaction of its own (the rows it codes are
    written in others, which point to it); returns its id."""
    with writer(engine).begin() as connection:
        return connection.execute(
            CodingRun.__table__.insert().values(
                command=command,
                outcome="running",
                articles=0,
                tracker_version=configuration.version,
                decider=configuration.decider,
                configuration_hash=configuration.hash,
                lexicon_hash=configuration.lexicon,
                plans_hash=configuration.plans,
                actors_hash=configuration.actors,
                model_hash=configuration.model,
                seeds_dir=configuration.seeds_dir,
                model_path=configuration.model_path,
            )
        ).inserted_primary_key[0]


def finish_run(engine: Engine, run_id: int, articles: int, outcome: str) -> None:
    """Record how a run ended and how many articles it stored."""
    with writer(engine).begin() as connection:
        table = CodingRun.__table__
        connection.execute(
            table.update()
            .where(table.c.id == run_id)
            .values(articles=articles, outcome=outcome, finished_at=func.current_timestamp())
        )


def stale_condition(configuration_hash: str):
    """A condition on ``articles.id`` (through ``ArticleRun`` and ``CodingRun``, outer-joined)
    that holds for articles not last coded by this configuration, or coded before
    provenance was recorded."""
    return CodingRun.configuration_hash.is_(None) | (
        CodingRun.configuration_hash != configuration_hash
    )


def count_stale(connection: Connection, configuration_hash: str) -> int:
    """How many stored articles were coded by another configuration (or before
    provenance was recorded)."""
    return connection.execute(
        select(func.count())
        .select_from(Article)
        .outerjoin(ArticleRun, ArticleRun.article_id == Article.id)
        .outerjoin(CodingRun, CodingRun.id == ArticleRun.run_id)
        .where(stale_condition(configuration_hash))
    ).scalar_one()


class LazyRun:
    """A run recorded when it first stores something (``id``), so that an ingest which
    finds every article stored already leaves no row. Thread-safe: ingest may write from
    a thread of its own."""

    def __init__(self, engine: Engine, command: str, configuration: Configuration) -> None:
        self._engine = engine
        self._command = command
        self._configuration = configuration
        self._id: int | None = None
        self._lock = threading.Lock()

    @property
    def id(self) -> int:
        with self._lock:
            if self._id is None:
                self._id = start_run(self._engine, self._command, self._configuration)
            return self._id

    def finish(self, articles: int, outcome: str) -> None:
        """Record how the run ended, if it was recorded at all."""
        if self._id is not None:
            finish_run(self._engine, self._id, articles, outcome)
