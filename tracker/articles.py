"""The stored articles as an analyst sees them: list, show, re-date, remove.

SQLAlchemy Core over the store's tables; the CLI (``tracker.cli_articles``) only parses
and prints. Writes run in one transaction each and delete children explicitly, so they
do the same on SQLite (whose foreign keys may be off) and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, case, column, func, select, table

from tracker import db
from tracker.coder.text import INVISIBLE
from tracker.errors import TrackerError
from tracker.queries import TARGET_KEY
from tracker.read import content_hash
from tracker.schema import Article, ArticleRun, Link, Plan, Position, Sentence, Target

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")  # ASCII digits: "２０２３" is no date
_UNSEEN: dict[int, None] = {ord(c): None for c in INVISIBLE}


# The longest --source text looked for: SQLite refuses a LIKE pattern past 50,000 bytes
# ("pattern too complex"), where PostgreSQL found nothing; a path is at most 4,096.
LONGEST_SOURCE_FILTER = 4096


def parse_day(value: str, what: str = "date") -> dt.date:
    """A date written YYYY-MM-DD, or an error naming ``what``."""
    text = value.strip()
    if _ISO_DATE.match(text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError as exc:  # "month must be in 1..12", "day is out of range for month"
            raise TrackerError(f"{what} {value!r} is no such day ({exc})") from None
    raise TrackerError(f"{what} must be a date YYYY-MM-DD, not {value!r}")


def _sentence_count():
    return (
        select(func.count(Sentence.id))
        .where(Sentence.article_id == Article.id)
        .scalar_subquery()
        .label("sentences")
    )


# The positions in force, as reviewed: rejected ones left out, additions in (migration 0005).
REPORT_POSITIONS = table("report_positions", column("article_id"), column("actor_id"))


def _position_counts():
    """Positions per article as reviewed, one grouped pass over the view (a count per
    article would evaluate the view once per article)."""
    return (
        select(REPORT_POSITIONS.c.article_id, func.count().label("positions"))
        .group_by(REPORT_POSITIONS.c.article_id)
        .subquery()
    )


def _iso(row: dict[str, Any]) -> dict[str, Any]:
    """The date as ISO text, the time of ingest as UTC text, the same on both databases."""
    from tracker.review_view import utc_text

    if row.get("published") is not None and hasattr(row["published"], "isoformat"):
        row["published"] = row["published"].isoformat()
    if isinstance(row.get("ingested_at"), dt.datetime):
        row["ingested_at"] = utc_text(row["ingested_at"])
    return row


LIST_COLUMNS = ("id", "source", "title", "published", "sentences", "positions")


def list_articles(
    connection: Connection,
    *,
    since: str | None = None,
    until: str | None = None,
    source: str | None = None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """Articles newest first (undated ones last): id, source, title, published date and
    how many sentences and positions (as reviewed) each has. ``source`` matches part of the source,
    whatever the case; ``since`` and ``until`` (inclusive) leave out undated articles."""
    first = parse_day(since, "--since") if since is not None else None
    last = parse_day(until, "--until") if until is not None else None
    if first and last and first > last:
        raise TrackerError(f"--since {first} is after --until {last}")
    counts = _position_counts()
    query = (
        select(
            Article.id,
            Article.source,
            Article.title,
            Article.published,
            _sentence_count(),
            func.coalesce(counts.c.positions, 0).label("positions"),
        ).outerjoin(counts, counts.c.article_id == Article.id)
    ).order_by(
        case((Article.published.is_(None), 1), else_=0),
        Article.published.desc(),
        Article.id.desc(),
    )
    if first is not None:
        query = query.where(Article.published >= first)
    if last is not None:
        query = query.where(Article.published <= last)
    if source:
        if len(source) > LONGEST_SOURCE_FILTER:  # SQLite: "LIKE or GLOB pattern too complex"
            raise TrackerError(
                f"--source is {len(source)} characters long; give at most "
                f"{LONGEST_SOURCE_FILTER} (a part of the source's name or path)"
            )
        lowered = db.lower(connection, Article.source)
        query = query.where(lowered.contains(db.lower_text(source), autoescape=True))
    if limit is not None:
        query = query.limit(limit)
    return [_iso(dict(row._mapping)) for row in connection.execute(query)]


@dataclass
class ArticleDetail:
    article: dict[str, Any]
    sentences: list[dict[str, Any]]


def show_article(connection: Connection, article_id: int) -> ArticleDetail:
    """One article's metadata and its sentences, each with its links and positions as lists
    of objects: a link's ``plan``, ``target``, ``score`` and ``phrase`` (the words that made
    it, when the coder kept them), a position's ``actor``, ``stance``, ``plan``, ``target``
    and ``status``. Positions are as reviewed (``tracker.review``): rejected ones left out,
    corrections and additions in. ``sentences_as_text`` gives them as short text for a table."""
    row = connection.execute(
        select(
            Article.id,
            Article.source,
            Article.title,
            Article.url,
            Article.published,
            Article.content_hash,
            Article.ingested_at,
            _sentence_count(),
            select(func.count())
            .select_from(REPORT_POSITIONS)
            .where(REPORT_POSITIONS.c.article_id == Article.id)
            .scalar_subquery()
            .label("positions"),
        ).where(Article.id == article_id)
    ).first()
    if row is None:
        raise TrackerError(f"no article with id {article_id}")
    article = _iso(dict(row._mapping))
    links: dict[int, list[dict[str, Any]]] = {}
    for sentence_id, plan, key, score, phrase in connection.execute(
        select(Link.sentence_id, Plan.slug, TARGET_KEY, Link.score, Link.phrase)
        .join(Sentence, Sentence.id == Link.sentence_id)
        .join(Target, Target.id == Link.target_id)
        .join(Plan, Plan.id == Target.plan_id)
        .where(Sentence.article_id == article_id)
        .order_by(Sentence.ordinal, Target.id)
    ):
        link = {"plan": plan, "target": key, "score": score, "phrase": phrase}
        links.setdefault(sentence_id, []).append(link)
    positions: dict[int, list[dict[str, Any]]] = {}
    from tracker.review_view import Filters, position_rows

    for row in position_rows(connection, Filters(article=article_id)):  # as reviewed
        position = {name: row[name] for name in ("actor", "stance", "plan", "target", "status")}
        positions.setdefault(row["sentence_id"], []).append(position)
    sentences = [
        {
            "ordinal": ordinal,
            "sentence": text,
            "links": links.get(sentence_id, []),
            "positions": positions.get(sentence_id, []),
        }
        for sentence_id, ordinal, text in connection.execute(
            select(Sentence.id, Sentence.ordinal, Sentence.text)
            .where(Sentence.article_id == article_id)
            .order_by(Sentence.ordinal)
        )
    ]
    return ArticleDetail(article, sentences)


def link_text(link: dict[str, Any]) -> str:
    """A link as a table shows it: ``china-2023/1 0.912``."""
    return f"{link['plan']}/{link['target']} {link['score']:.3f}"


def position_text(position: dict[str, Any]) -> str:
    """A position as a table shows it: ``Zelensky support china-2023/1``, after its status
    when an analyst decided it (``corrected: Zelensky oppose china-2023/1``)."""
    status = "" if position["status"] == "auto" else f"{position['status']}: "
    return (
        f"{status}{position['actor']} {position['stance']} {position['plan']}/{position['target']}"
    )


def sentences_as_text(sentences: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """``show_article``'s sentences with their links and positions as one text each, joined
    by "; ", for a table or CSV."""
    return [
        {
            **sentence,
            "links": "; ".join(map(link_text, sentence["links"])),
            "positions": "; ".join(map(position_text, sentence["positions"])),
        }
        for sentence in sentences
    ]


def words_from_sentences(rows: Iterable[tuple[int, int, str]]) -> str:
    """An article's words from its sentences (start, end, text) in order, as
    ``tracker.read.content_key`` sees the body: one space between words, none where one
    sentence ends right where the next begins (as migration 0003 worked them out)."""
    parts: list[str] = []
    previous_end = -1
    for start, end, text in rows:
        piece = " ".join(text.translate(_UNSEEN).split())
        if not piece:
            continue
        if parts and start != previous_end:
            parts.append(" ")
        parts.append(piece)
        previous_end = end
    return "".join(parts)


def _begin(engine: Engine):
    from tracker.db import writer

    return writer(engine).begin()


def hash_at(connection: Connection, article_id: int, day: dt.date | None) -> str | None:
    """The content hash the article would have at date ``day`` (the hash covers the date),
    worked out from its stored sentences; None for an article without sentences."""
    rows = connection.execute(
        select(Sentence.start, Sentence.end, Sentence.text)
        .where(Sentence.article_id == article_id)
        .order_by(Sentence.ordinal)
    ).all()
    return content_hash(words_from_sentences(rows), day) if rows else None


def set_date(engine: Engine, article_id: int, day: dt.date) -> tuple[dt.date | None, dt.date]:
    """Re-date an article in place; its content hash (which covers the date) is worked out
    again from its sentences, so the same text read again at the new date is a repeat, and
    the review decisions on its positions move to the new hash. Returns the old and the
    new date. Another stored article with the same words at that date is an error: the
    store keeps one copy."""
    with _begin(engine) as connection:
        old = connection.execute(
            select(Article.published, Article.content_hash).where(Article.id == article_id)
        ).first()
        if old is None:
            raise TrackerError(f"no article with id {article_id}")
        values: dict[str, Any] = {"published": day}
        digest = hash_at(connection, article_id, day)
        if digest is not None:  # an article without sentences keeps its hash (migration 0003)
            other = connection.execute(
                select(Article.id).where(Article.content_hash == digest, Article.id != article_id)
            ).scalar()
            if other is not None:
                raise TrackerError(
                    f"article {other} is the same text dated {day.isoformat()}; "
                    f"article {article_id} was not changed (remove one of them)"
                )
            values["content_hash"] = digest
            if digest != old[1]:  # the review decisions on its positions follow it
                from tracker.review import rekey_article

                rekey_article(connection, old[1], digest, day)
        connection.execute(Article.__table__.update().where(Article.id == article_id), values)
    return old[0], day


@dataclass
class Removal:
    articles: int = 0
    sentences: int = 0
    links: int = 0
    positions: int = 0

    def line(self) -> str:
        return (
            f"{self.articles} articles, {self.sentences} sentences, "
            f"{self.links} links, {self.positions} positions"
        )


def _check_ids(connection: Connection, ids: Sequence[int]) -> list[int]:
    wanted = sorted(set(ids))
    found = set(connection.execute(select(Article.id).where(Article.id.in_(wanted))).scalars())
    missing = [i for i in wanted if i not in found]
    if missing:
        raise TrackerError(
            f"no article with id {', '.join(map(str, missing))}; nothing was removed"
        )
    return wanted


def _counts(connection: Connection, ids: Sequence[int]) -> Removal:
    own = select(Sentence.id).where(Sentence.article_id.in_(ids))
    return Removal(
        articles=len(ids),
        sentences=connection.execute(
            select(func.count()).select_from(Sentence).where(Sentence.article_id.in_(ids))
        ).scalar_one(),
        links=connection.execute(
            select(func.count()).select_from(Link).where(Link.sentence_id.in_(own))
        ).scalar_one(),
        positions=connection.execute(
            select(func.count()).select_from(Position).where(Position.sentence_id.in_(own))
        ).scalar_one(),
    )


def removal_preview(connection: Connection, ids: Sequence[int]) -> Removal:
    """What removing these articles would delete; an unknown id is an error."""
    return _counts(connection, _check_ids(connection, ids))


def remove_articles(engine: Engine, ids: Sequence[int]) -> Removal:
    """Delete the articles with their sentences, links and positions, in one transaction;
    an unknown id is an error and nothing is deleted. The review decisions on their
    positions are kept (keyed by content, they apply again if the article is read again)."""
    with _begin(engine) as connection:
        wanted = _check_ids(connection, ids)
        removed = _counts(connection, wanted)
        own = select(Sentence.id).where(Sentence.article_id.in_(wanted))
        connection.execute(Position.__table__.delete().where(Position.sentence_id.in_(own)))
        connection.execute(Link.__table__.delete().where(Link.sentence_id.in_(own)))
        connection.execute(Sentence.__table__.delete().where(Sentence.article_id.in_(wanted)))
        connection.execute(ArticleRun.__table__.delete().where(ArticleRun.article_id.in_(wanted)))
        connection.execute(Article.__table__.delete().where(Article.id.in_(wanted)))
    return removed
