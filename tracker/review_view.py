"""Reading positions as reviewed: the ``report_positions`` view of migration 0005.

Every position in force (rejected ones left out, corrections applied, additions
included) with its ``status`` and the decision in force; the listings (`tracker
position`), the review queue and the review sheets all read it here, so they agree with
the reports. ``key`` is worked out in Python from the position's content
(``tracker.review.position_key``); the view cannot hash.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    JSON,
    Connection,
    Date,
    DateTime,
    Float,
    Integer,
    Label,
    String,
    Text,
    case,
    column,
    or_,
    select,
    table,
)

from tracker.errors import TrackerError

# The report_positions view (migration 0005): every position in force, with its status.
VIEW = table(
    "report_positions",
    *(
        column(name, kind)
        for name, kind in (
            ("source", Text),
            ("date", Date),
            ("sentence", Text),
            ("plan", String),
            ("target", String),
            ("actor", String),
            ("affiliation", String),
            ("stance", String),
            ("score", Float),
            ("method", String),
            ("target_title", Text),
            ("article_title", Text),
            ("url", Text),
            ("position_id", Integer),
            ("actor_id", Integer),
            ("target_id", Integer),
            ("target_kind", String),
            ("target_number", Integer),
            ("target_slug", String),
            ("kind_order", Integer),
            ("sentence_id", Integer),
            ("sentence_ordinal", Integer),
            ("article_id", Integer),
            ("status", String),
            ("position_key", String),
            ("decision", String),
            ("revision", Integer),
            ("reviewer", String),
            ("decided_at", DateTime(timezone=True)),
            ("decision_note", Text),
            ("source_note", Text),
            ("article_hash", String),
            ("sentence_start", Integer),
            ("sentence_end", Integer),
            ("key_actor", String),
            ("key_plan", String),
            ("key_target", String),
            ("auto_stance", String),
            ("explanation", JSON),
        )
    ),
)


# --------------------------------------------------------------------------- reading


@dataclass
class Filters:
    """The filters of `tracker position` and `tracker review`, checked against the store."""

    actor: str | None = None
    target: str | None = None
    plan: str | None = None
    since: str | None = None
    until: str | None = None
    article: int | None = None
    limit: int | None = None
    reviewed_only: bool = False
    min_score: float | None = None  # the coder's score; reviewed positions are kept


def _narrowed(connection: Connection, query, filters: Filters):
    from tracker.articles import parse_day
    from tracker.queries import check_plan, find_actor_ids, find_targets

    if filters.plan is not None:
        query = query.where(VIEW.c.plan == check_plan(connection, filters.plan))
    if filters.target is not None:
        ids = find_targets(connection, filters.target, filters.plan)
        query = query.where(VIEW.c.target_id.in_(ids))
    if filters.actor is not None:
        query = query.where(VIEW.c.actor_id.in_(find_actor_ids(connection, filters.actor)))
    first = parse_day(filters.since, "--since") if filters.since is not None else None
    last = parse_day(filters.until, "--until") if filters.until is not None else None
    if first and last and first > last:
        raise TrackerError(f"--since {first} is after --until {last}")
    if first is not None:
        query = query.where(VIEW.c.date >= first)
    if last is not None:
        query = query.where(VIEW.c.date <= last)
    if filters.article is not None:
        from tracker.schema import Article

        found = connection.execute(select(Article.id).where(Article.id == filters.article))
        if found.first() is None:  # a mistyped id is not "no positions"
            raise TrackerError(
                f"no article with id {filters.article}; `tracker articles` lists them"
            )
        query = query.where(VIEW.c.article_id == filters.article)
    if filters.reviewed_only:
        query = query.where(VIEW.c.status != "auto")
    if filters.min_score is not None:
        query = query.where(or_(VIEW.c.status != "auto", VIEW.c.score >= filters.min_score))
    if filters.limit is not None:
        query = query.limit(filters.limit)
    return query


def utc_text(value: dt.datetime) -> str:
    """A stored time as UTC text ("2026-12-04T22:10:00Z"), the same from both databases:
    SQLite keeps UTC without the offset, PostgreSQL gives the offset and microseconds."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def plain_times(row: dict[str, Any]) -> dict[str, Any]:
    """Dates as ISO text, decision times as UTC ("2026-12-04T22:10:00Z")."""
    for name in ("date", "decided_at"):
        value = row.get(name)
        if isinstance(value, dt.datetime):
            row[name] = utc_text(value)
        elif isinstance(value, dt.date):
            row[name] = value.isoformat()
    return row


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    from tracker.review import position_key, ref_of

    plain_times(row)
    row["key"] = row.get("position_key") or position_key(ref_of(row))
    return row


def _retired() -> Label[int]:
    """``target_retired``: 1 for a point taken out of its plan file (no longer coded) whose
    positions, coded or reviewed before, are still in force, as the reports mark it; so a
    listing does not pass them off as the plan's current point of that number."""
    from tracker.schema import Target

    retired = select(Target.retired).where(Target.id == VIEW.c.target_id).scalar_subquery()
    return case((retired, 1), else_=0).label("target_retired")


def with_retired(columns: list[str], rows: list[dict[str, Any]]) -> list[str]:
    """A table's columns with ``target_retired`` after ``target`` when a listed point is
    retired: said where it matters, and no column of zeros in every other table."""
    if not any(row.get("target_retired") for row in rows):
        return columns
    at = columns.index("target") + 1
    return [*columns[:at], "target_retired", *columns[at:]]


def position_rows(
    connection: Connection, filters: Filters, *, queue: bool = False
) -> Iterator[dict[str, Any]]:
    """Every position in force (rejected ones left out, corrections applied, additions
    included), each a dict of the view's columns plus ``key``. ``queue``: only those not
    yet reviewed, lowest score (the coder's confidence) first."""
    query = select(VIEW, _retired())
    # undated articles first, as the reports list them: SQLite sorts NULL first by itself,
    # PostgreSQL last, so the same store gave sheets in two orders
    in_article_order = (
        case((VIEW.c.date.is_(None), 0), else_=1),
        VIEW.c.date,
        VIEW.c.article_id,
        VIEW.c.sentence_ordinal,
        VIEW.c.target_id,
        VIEW.c.actor,
    )
    if queue:
        query = query.where(VIEW.c.status == "auto").order_by(
            case((VIEW.c.score.is_(None), 1), else_=0), VIEW.c.score, *in_article_order
        )
    else:
        query = query.order_by(*in_article_order)
    for row in connection.execute(_narrowed(connection, query, filters)):
        yield _plain(dict(row._mapping))


def decision_text(row: dict[str, Any]) -> str:
    """The decision in force on a position as one phrase: "confirmed by ana at …: note"."""
    if not row.get("decision"):
        return "entered by hand" if row.get("method") == "manual" else "not reviewed"
    what = {"confirm": "confirmed", "correct": "corrected", "add": "added", "reject": "rejected"}
    text = (
        f"{what.get(row['decision'], row['decision'])} by {row['reviewer']} at {row['decided_at']}"
    )
    if row.get("decision") == "correct" and row.get("auto_stance"):
        coder = f"{row['key_actor']} {row['auto_stance']} {row['key_plan']}/{row['key_target']}"
        text += f" (coder: {coder})"
    if row.get("decision_note"):
        text += f": {row['decision_note']}"
    return text


def neighbours(connection: Connection, sentence_id: int, around: int = 1) -> list[dict[str, Any]]:
    """The sentence and the ``around`` sentences either side of it, in order."""
    from tracker.schema import Sentence

    found = connection.execute(
        select(Sentence.article_id, Sentence.ordinal).where(Sentence.id == sentence_id)
    ).first()
    if found is None:
        return []
    article_id, ordinal = found
    rows = connection.execute(
        select(Sentence.id, Sentence.ordinal, Sentence.text)
        .where(
            Sentence.article_id == article_id,
            Sentence.ordinal.between(ordinal - around, ordinal + around),
        )
        .order_by(Sentence.ordinal)
    )
    return [
        {"id": r.id, "ordinal": r.ordinal, "text": r.text, "own": r.id == sentence_id} for r in rows
    ]
