"""Integrity checks of a store: what `tracker db check` reports."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, text

from tracker.db import current_revision, head_revision
from tracker.runs import count_stale

# Each check: a name and a query counting the rows that break it.
CHECKS = {
    "articles without sentences": """
        SELECT COUNT(*) FROM articles a
        WHERE NOT EXISTS (SELECT 1 FROM sentences s WHERE s.article_id = a.id)""",
    "sentences without their article": """
        SELECT COUNT(*) FROM sentences s
        WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.id = s.article_id)""",
    "links without their sentence or target": """
        SELECT COUNT(*) FROM links l
        WHERE NOT EXISTS (SELECT 1 FROM sentences s WHERE s.id = l.sentence_id)
           OR NOT EXISTS (SELECT 1 FROM targets t WHERE t.id = l.target_id)""",
    "positions without their actor, target or evidence": """
        SELECT COUNT(*) FROM positions p
        WHERE NOT EXISTS (SELECT 1 FROM actors a WHERE a.id = p.actor_id)
           OR NOT EXISTS (SELECT 1 FROM targets t WHERE t.id = p.target_id)
           OR (p.sentence_id IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM sentences s WHERE s.id = p.sentence_id))""",
    "automatic positions without evidence": """
        SELECT COUNT(*) FROM positions WHERE method = 'auto' AND sentence_id IS NULL""",
    "sentences whose offsets are out of order": """
        SELECT COUNT(*) FROM sentences WHERE start < 0 OR "end" <= start""",
    "plans without points": """
        SELECT COUNT(*) FROM plans p
        WHERE NOT EXISTS (SELECT 1 FROM targets t WHERE t.plan_id = p.id AND t.kind = 'point')""",
}


@dataclass(frozen=True)
class Finding:
    check: str
    count: int

    @property
    def ok(self) -> bool:
        return self.count == 0


def check(engine: Engine) -> tuple[str | None, str | None, list[Finding]]:
    """The revision, the newest known revision, and the count of bad rows per check."""
    from tracker.db import check_known

    with engine.connect() as connection:
        check_known(connection)  # another version's (or program's) revision: its tables differ
        revision = current_revision(connection)
        findings = []
        if revision is not None:
            for name, query in CHECKS.items():
                findings.append(Finding(name, connection.execute(text(query)).scalar_one()))
    return revision, head_revision(), findings


def stale_articles(engine: Engine, configuration_hash: str) -> int:
    """How many articles were coded by another configuration than ``configuration_hash``
    (or before coding runs were recorded): what `tracker recode --stale` would re-code."""
    with engine.connect() as connection:
        return count_stale(connection, configuration_hash)


def decisions_without_article(engine: Engine) -> int:
    """How many positions have review decisions made on an article no longer stored (removed,
    or re-dated by another version). Not a problem: the decisions are kept in their
    history by design, and apply again if the article is ingested again."""
    with engine.connect() as connection:
        return connection.execute(
            text(
                """SELECT COUNT(DISTINCT d.position_key) FROM review_decisions d
                WHERE d.article_hash IS NOT NULL
                  AND NOT EXISTS (SELECT 1 FROM articles a WHERE a.content_hash = d.article_hash)"""
            )
        ).scalar_one()


def unfinished_runs(engine: Engine) -> int:
    """How many coding runs are still marked `running`: running now, or stopped without
    recording how they ended (``kill -9``, a power cut, or a full disk that refused even
    that last write). Not a problem of the store: what they committed is whole."""
    with engine.connect() as connection:
        return connection.execute(
            text("SELECT COUNT(*) FROM coding_runs WHERE outcome = 'running'")
        ).scalar_one()


def targets_unlike_files(engine: Engine) -> int:
    """How many targets the store and the plan files disagree on: one the store codes that
    no plan file has, or one a plan file has that the store lacks or holds retired. The
    files were edited, or the store upgraded back past migration 0006, without `tracker
    seed` since. Not a problem of the store: the coder codes the targets it holds."""
    from tracker.seeds import plan_file_targets

    expected = plan_file_targets()
    with engine.connect() as connection:
        live = {
            (plan, slug)
            for plan, slug in connection.execute(
                text(
                    """SELECT p.slug, t.slug FROM targets t JOIN plans p ON p.id = t.plan_id
                    WHERE NOT t.retired"""
                )
            )
        }
    return len(live ^ expected)


def model_problem(engine: Engine | None) -> str:
    """Whether the decision model the coder would load loads: "ok", a hint, or its error and
    PROBLEM (every ingest would fail with it; `db check` said "no problems found"). With
    ``engine``, a model trained for a plan the store does not have is named too."""
    from tracker.coder.decide.learned import DecisionModel
    from tracker.errors import TrackerError
    from tracker.resources import model_path

    try:
        model = DecisionModel.load(model_path())
    except TrackerError as exc:
        return f"{exc}  PROBLEM"
    if engine is not None:
        with engine.connect() as connection:
            plans = set(
                connection.execute(
                    text(
                        "SELECT DISTINCT p.slug FROM plans p JOIN targets t ON t.plan_id = p.id "
                        "WHERE t.kind = 'point' AND NOT t.retired"
                    )
                ).scalars()
            )
        if model.plan not in plans:
            return (
                f"ok, but trained for plan {model.plan!r}, which the store does not have, or "
                "has only retired (the links to the store's points are then the hand rules')"
            )
    return "ok"
