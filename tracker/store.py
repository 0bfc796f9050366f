"""Writing coded articles: one transaction per article, rows written in batches.

An article and all its sentences, links and positions are committed together
or not at all. The article row is inserted with ON CONFLICT DO NOTHING on its
content hash, so two processes ingesting the same file store it once: the
loser of the race sees no new row and counts the article as skipped.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, select
from sqlalchemy.dialects import postgresql, sqlite

from tracker.actors import ActorInfo
from tracker.pipeline import CodedArticle
from tracker.schema import Actor, Article, Link, Position, Sentence


@dataclass
class Stored:
    article_id: int | None  # None: already in the store
    sentences: int = 0
    links: int = 0
    positions: int = 0


def _insert_ignoring_duplicates(connection: Connection, table):
    dialect = connection.dialect.name
    if dialect == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing()
    if dialect == "sqlite":
        return sqlite.insert(table).on_conflict_do_nothing()
    raise NotImplementedError(f"unsupported database {dialect}")


def _actor_id(connection: Connection, info: ActorInfo) -> int:
    """The stored id of an actor the coder met for the first time; recorded unconfirmed."""
    query = select(Actor.id).where(Actor.name == info.name)
    found = connection.execute(query).scalar()
    if found is None:
        connection.execute(
            _insert_ignoring_duplicates(connection, Actor.__table__).values(
                name=info.name, kind=info.kind, affiliation=info.affiliation, confirmed=False
            )
        )
        found = connection.execute(query).scalar_one()
    return found


def article_exists(connection: Connection, content_hash: str) -> bool:
    query = select(Article.id).where(Article.content_hash == content_hash)
    return connection.execute(query).first() is not None


def store_article(connection: Connection, coded: CodedArticle) -> Stored:
    """Write one coded article inside the caller's transaction."""
    article = coded.article
    statement = _insert_ignoring_duplicates(connection, Article.__table__).values(
        source=article.source,
        title=article.title,
        url=article.url,
        published=article.published,
        content_hash=article.content_hash,
    )
    article_id = connection.execute(statement.returning(Article.__table__.c.id)).scalar()
    if article_id is None:
        return Stored(None)
    sentence_rows = [
        {
            "article_id": article_id,
            "ordinal": n,
            "start": s.span.start,
            "end": s.span.end,
            "text": s.span.text,
        }
        for n, s in enumerate(coded.sentences)
    ]
    if sentence_rows:
        connection.execute(Sentence.__table__.insert(), sentence_rows)
    ids = dict(
        connection.execute(
            select(Sentence.ordinal, Sentence.id).where(Sentence.article_id == article_id)
        ).all()
    )
    actor_ids = {key: _actor_id(connection, info) for key, info in coded.new_actors.items()}
    link_rows, position_rows = [], []
    for n, sentence in enumerate(coded.sentences):
        for link in sentence.links:
            link_rows.append(
                {
                    "sentence_id": ids[n],
                    "target_id": link.target.id,
                    "score": round(link.score, 4),
                    "method": "fuzzy",
                    "phrase": link.phrase,
                }
            )
        for finding in sentence.findings:
            position_rows.append(
                {
                    "actor_id": actor_ids.get(finding.actor_id, finding.actor_id),
                    "target_id": finding.target_id,
                    "stance": finding.stance,
                    "sentence_id": ids[n],
                    "score": finding.score,
                    "method": "auto",
                    "explanation": finding.explanation,
                }
            )
    if link_rows:
        connection.execute(Link.__table__.insert(), link_rows)
    if position_rows:
        connection.execute(Position.__table__.insert(), position_rows)
    return Stored(article_id, len(sentence_rows), len(link_rows), len(position_rows))
