"""article hashes of the text as a reader sees it; duplicates merged

Until now an article's ``content_hash`` was the SHA-256 of its text exactly as read,
so the same article with one more trailing newline, spaces at the end of a line, the
other Unicode normalisation form (NFD) or a date header written differently was stored
twice. The hash is now that of ``tracker.read.content_key``: the article's date and the
words of its body in order, in NFC, without invisible characters, whatever spaces and
line breaks stand between them.

The store keeps no article text, only its sentences, which hold every word of the body
(a sentence is trimmed of the spaces round it; what lies between two sentences is
spaces and line breaks, or invisible characters). So the key is worked out again here
from each article's sentences in order: their words joined by one space, or by nothing
where one sentence ends right where the next begins. The function is copied here, not
imported: a migration does what it did when it was written.

Articles that now have the same hash are one article stored more than once: the oldest
(the lowest id) is kept; the others' sentences, links and automatic positions, the same
coding of the same words, are deleted; a position entered by hand (``method='manual'``)
on one of their sentences is moved to the kept article's sentence at the same place in
the text. An article without sentences keeps its hash.

Downgrading keeps the new hashes and the merged articles (the deleted copies cannot be
brought back, and the text the old hashes were taken of is not stored): the older
version then takes an article it reads again for a new one and stores it once more.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04 21:00:00
"""

import hashlib
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None
# what undoing it keeps (the downgrade's question says it, beside what others remove)
DOWNGRADE_KEEPS = (
    "keeps the new hashes and the merged articles, so an older version stores an article "
    "it reads again once more"
)

HASH_VERSION = "tracker-article-2"
INVISIBLE = ("\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff")
_UNSEEN = {ord(c): None for c in INVISIBLE}

articles = sa.table(
    "articles",
    sa.column("id", sa.Integer),
    sa.column("published", sa.Date),
    sa.column("content_hash", sa.String),
)
sentences = sa.table(
    "sentences",
    sa.column("id", sa.Integer),
    sa.column("article_id", sa.Integer),
    sa.column("ordinal", sa.Integer),
    sa.column("start", sa.Integer),
    sa.column("end", sa.Integer),
    sa.column("text", sa.Text),
)
positions = sa.table(
    "positions",
    sa.column("id", sa.Integer),
    sa.column("sentence_id", sa.Integer),
    sa.column("method", sa.String),
)
links = sa.table("links", sa.column("id", sa.Integer), sa.column("sentence_id", sa.Integer))


def _words(text: str) -> str:
    return " ".join(text.translate(_UNSEEN).split())


def _joined(rows: Iterable[tuple[int, int, int, str]]) -> tuple[str, list[tuple[int, int]]]:
    """An article's words from its sentences (id, start, end, text) in order, and where in
    them each sentence begins (offset, id)."""
    parts: list[str] = []
    starts: list[tuple[int, int]] = []
    length, previous_end = 0, -1
    for sentence_id, start, end, text in rows:
        piece = _words(text)
        if not piece:
            continue
        if parts and start != previous_end:
            parts.append(" ")
            length += 1
        starts.append((length, sentence_id))
        parts.append(piece)
        length += len(piece)
        previous_end = end
    return "".join(parts), starts


def _hash(words: str, published) -> str:
    key = f"{HASH_VERSION}\0{published.isoformat() if published else ''}\0"
    return hashlib.sha256((key + unicodedata.normalize("NFC", words)).encode("utf-8")).hexdigest()


def _sentences(bind, article_id: int) -> list[tuple[int, int, int, str]]:
    query = (
        sa.select(sentences.c.id, sentences.c.start, sentences.c.end, sentences.c.text)
        .where(sentences.c.article_id == article_id)
        .order_by(sentences.c.ordinal)
    )
    return [tuple(row) for row in bind.execute(query)]


def _new_hashes(bind) -> dict[int, str]:
    """The new hash of every article that has sentences, read a few thousand at a time."""
    published = dict(bind.execute(sa.select(articles.c.id, articles.c.published)).all())
    found: dict[int, str] = {}
    current: int | None = None
    rows: list[tuple[int, int, int, str]] = []
    query = sa.select(
        sentences.c.article_id, sentences.c.id, sentences.c.start, sentences.c.end, sentences.c.text
    ).order_by(sentences.c.article_id, sentences.c.ordinal)
    streamed = bind.execute(query, execution_options={"stream_results": True, "yield_per": 5000})
    for article_id, sentence_id, start, end, text in streamed:
        if article_id != current:
            if current is not None:
                found[current] = _hash(_joined(rows)[0], published.get(current))
            current, rows = article_id, []
        rows.append((sentence_id, start, end, text))
    if current is not None:
        found[current] = _hash(_joined(rows)[0], published.get(current))
    return found


def _move_manual_positions(bind, duplicate: int, kept: int) -> None:
    """Positions entered by hand on the duplicate's sentences go to the kept article's
    sentence that holds the same place in the words of the text."""
    duplicate_rows = _sentences(bind, duplicate)
    ids = [row[0] for row in duplicate_rows]
    manual = bind.execute(
        sa.select(positions.c.id, positions.c.sentence_id).where(
            positions.c.method == "manual", positions.c.sentence_id.in_(ids)
        )
    ).all()
    if not manual:
        return
    where = {sentence_id: offset for offset, sentence_id in _joined(duplicate_rows)[1]}
    kept_starts = _joined(_sentences(bind, kept))[1]
    offsets = [offset for offset, _ in kept_starts]
    for position_id, sentence_id in manual:
        at = max(0, bisect_right(offsets, where.get(sentence_id, 0)) - 1)
        bind.execute(
            positions.update()
            .where(positions.c.id == position_id)
            .values(sentence_id=kept_starts[at][1])
        )


def _delete_article(bind, article_id: int) -> None:
    own = sa.select(sentences.c.id).where(sentences.c.article_id == article_id)
    bind.execute(positions.delete().where(positions.c.sentence_id.in_(own)))
    bind.execute(links.delete().where(links.c.sentence_id.in_(own)))
    bind.execute(sentences.delete().where(sentences.c.article_id == article_id))
    bind.execute(articles.delete().where(articles.c.id == article_id))


def upgrade() -> None:
    bind = op.get_bind()
    new = _new_hashes(bind)
    kept: dict[str, int] = {}
    duplicates: list[tuple[int, int]] = []
    for article_id in sorted(new):  # the oldest first
        first = kept.setdefault(new[article_id], article_id)
        if first != article_id:
            duplicates.append((article_id, first))
    for duplicate, first in duplicates:
        _move_manual_positions(bind, duplicate, first)
        _delete_article(bind, duplicate)
        del new[duplicate]
    # No new hash equals an old one (a new one's key holds NUL characters, which no text
    # does), and the new ones differ from each other: no update meets the unique index.
    if new:
        bind.execute(
            articles.update()
            .where(articles.c.id == sa.bindparam("article_id"))
            .values(content_hash=sa.bindparam("new_hash")),
            [{"article_id": k, "new_hash": v} for k, v in new.items()],
        )


def downgrade() -> None:
    pass  # see the module's docstring: the hashes and the merged articles stay
