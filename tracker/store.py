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
from sqlalchemy.exc import DBAPIError

from tracker.coder.actors import ActorInfo
from tracker.coder.pipeline import CodedArticle
from tracker.schema import Actor, Article, ArticleRun, Link, Position, Sentence


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


SENTENCE_COLUMNS = ("article_id", "ordinal", "start", "end", "text")
LINK_COLUMNS = ("sentence_id", "target_id", "score", "method", "phrase", "run_id")
POSITION_COLUMNS = (
    "actor_id",
    "target_id",
    "stance",
    "sentence_id",
    "score",
    "method",
    "explanation",
    "run_id",
)
ARTICLE_RUN_COLUMNS = ("article_id", "run_id")


def _mark(connection: Connection) -> str:
    """The driver's parameter marker, for SQL handed straight to it."""
    return "?" if connection.dialect.paramstyle == "qmark" else "%s"


def _insert_rows(connection: Connection, table: str, columns: tuple[str, ...], rows: list) -> None:
    """Rows handed straight to the driver as plain tuples: COPY on PostgreSQL, one
    executemany on SQLite.

    Through Core, every row's parameters are processed in Python once more, which cost as
    much as the database's own work; on PostgreSQL, COPY is several times faster than
    executemany. These rows hold plain values, JSON already encoded (as the JSON type
    would: ``json.dumps``), and the columns left out have server defaults. Both run inside
    the caller's transaction.
    """
    quote = connection.dialect.identifier_preparer.quote
    names = ", ".join(quote(c) for c in columns)
    if connection.dialect.name == "postgresql":
        sql = f"COPY {quote(table)} ({names}) FROM STDIN"
        driver_error = connection.dialect.loaded_dbapi.Error
        cursor = connection.connection.cursor()  # psycopg's own cursor, same transaction
        try:
            with cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)
        except driver_error as exc:
            # raised as SQLAlchemy raises the driver's errors, so that callers catch one
            # kind of database error whichever way the rows went in
            raise DBAPIError.instance(
                sql, None, exc, driver_error, dialect=connection.dialect
            ) from exc
        finally:
            cursor.close()
        return
    marks = ", ".join([_mark(connection)] * len(columns))
    sql = f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})"
    connection.exec_driver_sql(sql, rows)


ARTICLE_COLUMNS = ("source", "title", "url", "published", "content_hash")


def _insert_articles(connection: Connection, batch: list[CodedArticle]) -> list[tuple[int, str]]:
    """One multi-row INSERT … ON CONFLICT DO NOTHING RETURNING id, content_hash, as SQL.

    Built by SQLAlchemy, the statement has new bound parameters for every batch and was
    compiled anew each time, which cost more than inserting the batch's sentences. The
    dates go in as SQLAlchemy's Date type would write them (ISO text on SQLite).
    """
    quote = connection.dialect.identifier_preparer.quote
    on_sqlite = connection.dialect.name == "sqlite"
    values = "(" + ", ".join([_mark(connection)] * len(ARTICLE_COLUMNS)) + ")"
    sql = (
        f"INSERT INTO {quote(Article.__tablename__)} "
        f"({', '.join(quote(c) for c in ARTICLE_COLUMNS)}) "
        f"VALUES {', '.join([values] * len(batch))} "
        "ON CONFLICT DO NOTHING RETURNING id, content_hash"
    )
    parameters: list = []
    for coded in batch:
        article = coded.article
        published = article.published
        parameters += (
            article.source,
            article.title,
            article.url,
            published.isoformat() if on_sqlite and published is not None else published,
            article.content_hash,
        )
    return [(row[0], row[1]) for row in connection.exec_driver_sql(sql, tuple(parameters))]


def _sentence_ids(connection: Connection, article_ids: list[int]) -> dict[int, list[int]]:
    """Each article's sentence ids in order, read as plain rows from the driver."""
    found: dict[int, list[int]] = {article_id: [] for article_id in article_ids}
    if article_ids:
        sql = (
            f"SELECT article_id, id FROM {Sentence.__tablename__} "
            f"WHERE article_id IN ({', '.join([_mark(connection)] * len(article_ids))}) "
            "ORDER BY article_id, ordinal"
        )
        for article_id, sentence_id in connection.exec_driver_sql(sql, tuple(article_ids)):
            found[article_id].append(sentence_id)
    return found


def _coded_rows(
    connection: Connection,
    coded: CodedArticle,
    sentence_ids: list[int],
    run_id: int | None,
) -> tuple[list[tuple], list[tuple]]:
    """The link and position rows of a coded article; ``sentence_ids[n]`` is the stored
    sentence of its n-th coded sentence. New actors are recorded (unconfirmed) on the way."""
    actor_ids = {key: _actor_id(connection, info) for key, info in coded.new_actors.items()}
    link_rows: list[tuple] = []
    position_rows: list[tuple] = []
    for sentence_id, sentence in zip(sentence_ids, coded.sentences, strict=True):
        for link in sentence.links:
            link_rows.append(
                (sentence_id, link.target_id, round(link.score, 4), "fuzzy", link.phrase, run_id)
            )
        for finding in sentence.findings:
            position_rows.append(
                (
                    actor_ids.get(finding.actor_id, finding.actor_id),
                    finding.target_id,
                    finding.stance,
                    sentence_id,
                    finding.score,
                    "auto",
                    finding.explanation,
                    run_id,
                )
            )
    return link_rows, position_rows


def store_articles(
    connection: Connection, batch: list[CodedArticle], run_id: int | None = None
) -> list[Stored]:
    """Write coded articles inside the caller's transaction, a few statements per batch;
    their links and positions point to the coding run ``run_id``, and so do the articles
    (``article_runs``).

    Returns what was stored for each article, in order; an article another
    process stored first comes back as ``Stored(None)``.
    """
    if not batch:
        return []
    inserted = _insert_articles(connection, batch)
    article_ids = {digest: article_id for article_id, digest in inserted}
    mine: list[tuple[CodedArticle, int]] = []  # the first copy of each article inserted here
    for coded in batch:
        article_id = article_ids.pop(coded.article.content_hash, None)
        if article_id is not None:
            mine.append((coded, article_id))
    sentence_rows = [
        (article_id, n, s.span.start, s.span.end, s.span.text)
        for coded, article_id in mine
        for n, s in enumerate(coded.sentences)
    ]
    if sentence_rows:
        _insert_rows(connection, Sentence.__tablename__, SENTENCE_COLUMNS, sentence_rows)
    sentence_ids = _sentence_ids(connection, [article_id for _, article_id in mine])
    link_rows, position_rows, stored = [], [], {}
    for coded, article_id in mine:
        links, positions = _coded_rows(connection, coded, sentence_ids[article_id], run_id)
        link_rows += links
        position_rows += positions
        stored[id(coded)] = Stored(article_id, len(coded.sentences), len(links), len(positions))
    if link_rows:
        _insert_rows(connection, Link.__tablename__, LINK_COLUMNS, link_rows)
    if position_rows:
        _insert_rows(connection, Position.__tablename__, POSITION_COLUMNS, position_rows)
    if run_id is not None and mine:
        rows = [(article_id, run_id) for _, article_id in mine]
        _insert_rows(connection, ArticleRun.__tablename__, ARTICLE_RUN_COLUMNS, rows)
    return [stored.get(id(c), Stored(None)) for c in batch]  # a repeat stored nothing


def replace_coding(
    connection: Connection,
    article_id: int,
    coded: CodedArticle,
    sentence_ids: list[int],
    run_id: int,
    targets: frozenset[int] | None = None,
) -> Stored:
    """Re-coding, in the caller's transaction: the article's automatic links and positions
    are replaced by ``coded``'s, which point to ``run_id``; ``sentence_ids[n]`` is the stored
    sentence its n-th coded sentence lies in. With ``targets``, only the links and positions
    on those targets are replaced (and the article's own run stays: it was not all re-coded).

    Nothing else is deleted: not the article, its sentences, positions entered by hand
    (``method='manual'``), nor actors. What the coder found twice on one stored sentence
    (the current segmenter cut it in two) is stored once, with the higher score.
    """
    own = select(Sentence.id).where(Sentence.article_id == article_id)
    delete_links = Link.__table__.delete().where(Link.sentence_id.in_(own), Link.method != "manual")
    delete_positions = Position.__table__.delete().where(
        Position.sentence_id.in_(own), Position.method == "auto"
    )
    if targets is not None:
        delete_links = delete_links.where(Link.target_id.in_(targets))
        delete_positions = delete_positions.where(Position.target_id.in_(targets))
    connection.execute(delete_links)
    connection.execute(delete_positions)
    link_rows, position_rows = _coded_rows(connection, coded, sentence_ids, run_id)
    links: dict[tuple, tuple] = {}
    for row in link_rows:  # (sentence_id, target_id, score, ...)
        if targets is None or row[1] in targets:
            if row[:2] not in links or row[2] > links[row[:2]][2]:
                links[row[:2]] = row
    positions: dict[tuple, tuple] = {}
    for row in position_rows:  # (actor_id, target_id, stance, sentence_id, score, ...)
        if targets is None or row[1] in targets:
            if row[:4] not in positions or row[4] > positions[row[:4]][4]:
                positions[row[:4]] = row
    if links:
        _insert_rows(connection, Link.__tablename__, LINK_COLUMNS, list(links.values()))
    if positions:
        _insert_rows(connection, Position.__tablename__, POSITION_COLUMNS, list(positions.values()))
    if targets is None:
        table = ArticleRun.__table__
        connection.execute(table.delete().where(table.c.article_id == article_id))
        connection.execute(table.insert().values(article_id=article_id, run_id=run_id))
    return Stored(article_id, len(set(sentence_ids)), len(links), len(positions))
