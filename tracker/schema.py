"""The store's tables, in one place.

The schema itself is created only by the Alembic migrations in ``migrations/``;
these models describe it for the ORM and for Alembic's autogenerate check.
Every constraint gets a name from the naming convention so migrations can
alter it on SQLite (batch mode) and PostgreSQL alike.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

STANCES = ("support", "oppose", "mixed")
TARGET_KINDS = ("plan", "point", "issue")
ACTOR_KINDS = ("person", "state", "organisation", "group")
METHODS = ("auto", "manual")
RUN_COMMANDS = ("ingest", "recode")
RUN_OUTCOMES = ("running", "finished", "interrupted", "failed")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Actor(Base):
    """Anyone who can hold a position: a person, a state, an organisation or a group."""

    __tablename__ = "actors"
    __table_args__ = (CheckConstraint(f"kind IN {ACTOR_KINDS!r}", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    affiliation: Mapped[str | None] = mapped_column(String(200))
    gender: Mapped[str | None] = mapped_column(String(10))
    # False for actors the coder met in an article and recorded for an analyst to confirm.
    confirmed: Mapped[bool] = mapped_column(default=True)


class Plan(Base):
    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(String(400))
    published: Mapped[dt.date | None] = mapped_column(Date)
    # Whatever the plan itself calls for is its author's position (the guide's rule).
    author_id: Mapped[int | None] = mapped_column(ForeignKey("actors.id", ondelete="SET NULL"))


class Target(Base):
    """What a sentence can be about: a plan's point, an issue the plan leaves out, or the plan."""

    __tablename__ = "targets"
    __table_args__ = (
        UniqueConstraint("plan_id", "slug"),
        CheckConstraint(f"kind IN {TARGET_KINDS!r}", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    number: Mapped[int | None] = mapped_column(Integer)
    slug: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(400))
    description: Mapped[str] = mapped_column(Text, default="")
    # Taken out of its plan file (migration 0006): no longer coded, but kept with the links
    # and positions already coded on it until their articles are coded again.
    retired: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class TargetPhrase(Base):
    """A phrase whose presence makes a sentence about the target.

    ``polarity`` is +1 when endorsing the phrase endorses the target's demand
    ("ceasefire") and -1 when the target demands the opposite ("unilateral
    sanctions" on a point that demands stopping them). For the plan as a whole
    it says how the phrase names the plan: 1 by a name only it has ("12-point
    paper"), 2 by a generic word that needs its author named with it or an
    article from the plan's first months ("the plan"), 0 not at all (the name
    of another initiative).
    """

    __tablename__ = "target_phrases"
    __table_args__ = (UniqueConstraint("target_id", "phrase"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("targets.id", ondelete="CASCADE"))
    phrase: Mapped[str] = mapped_column(String(200))
    polarity: Mapped[int] = mapped_column(Integer, default=1)


class ActorAlias(Base):
    __tablename__ = "actor_aliases"
    __table_args__ = (UniqueConstraint("actor_id", "alias"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"), index=True)
    alias: Mapped[str] = mapped_column(String(200))
    # "adjective" aliases ("Ukrainian") only build titles; they never name the actor alone.
    kind: Mapped[str] = mapped_column(String(20), default="name")


class ActorRole(Base):
    """A dated office: lets "the Ukrainian president" resolve at the article's date."""

    __tablename__ = "actor_roles"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    of_actor_id: Mapped[int | None] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"))
    valid_from: Mapped[dt.date | None] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)


class Seeding(Base):
    """One load of the seed files into the store (``tracker seed``, or a new store's first
    seeding; migration 0007): the hashes of the plan and actor files it loaded. The coder
    reads plans and actors from the store, so the latest seeding, not the files on disk, is
    what a run codes with: an article ingested after a plan file was edited but before
    ``tracker seed`` is recorded as coded with the old plans, and ``recode --stale`` finds
    it once the seed has loaded the new ones."""

    __tablename__ = "seedings"

    id: Mapped[int] = mapped_column(primary_key=True)
    seeded_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.current_timestamp()
    )
    plans_hash: Mapped[str] = mapped_column(String(64))
    actors_hash: Mapped[str] = mapped_column(String(64))
    seeds_dir: Mapped[str] = mapped_column(Text)


class CodingRun(Base):
    """One run of the coder (an ingest or a re-code) and the configuration it coded with:
    the tracker's version, the decider, and a hash of each data file the coder read
    (``tracker.provenance``). Links and positions point to the run that found them, an
    article (``article_runs``) to the run that last coded it; rows coded before migration
    0004 point to none."""

    __tablename__ = "coding_runs"
    __table_args__ = (
        CheckConstraint(f"command IN {RUN_COMMANDS!r}", name="command"),
        CheckConstraint(f"outcome IN {RUN_OUTCOMES!r}", name="outcome"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    command: Mapped[str] = mapped_column(String(20))
    started_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.current_timestamp()
    )
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    outcome: Mapped[str] = mapped_column(String(20), default="running")
    articles: Mapped[int] = mapped_column(Integer, default=0)  # how many it coded and stored
    tracker_version: Mapped[str] = mapped_column(String(40))
    decider: Mapped[str] = mapped_column(String(20))
    configuration_hash: Mapped[str] = mapped_column(String(64))
    lexicon_hash: Mapped[str] = mapped_column(String(64))
    plans_hash: Mapped[str] = mapped_column(String(64))
    actors_hash: Mapped[str] = mapped_column(String(64))
    model_hash: Mapped[str] = mapped_column(String(64))
    seeds_dir: Mapped[str] = mapped_column(Text)
    model_path: Mapped[str | None] = mapped_column(Text)


class Article(Base):
    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    published: Mapped[dt.date | None] = mapped_column(Date, index=True)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    ingested_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.current_timestamp()
    )


class ArticleRun(Base):
    """The run that last coded the whole article: what `tracker recode --stale` compares,
    also for an article in which the coder found nothing. A table of its own, not a column
    of ``articles``: SQLite can only add a foreign key by rebuilding the table, and dropping
    the old ``articles`` would cascade to its sentences. An article without a row was coded
    before provenance was recorded (migration 0004)."""

    __tablename__ = "article_runs"

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    run_id: Mapped[int] = mapped_column(
        ForeignKey("coding_runs.id", ondelete="CASCADE"), index=True
    )


class Sentence(Base):
    __tablename__ = "sentences"
    __table_args__ = (UniqueConstraint("article_id", "ordinal"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    ordinal: Mapped[int] = mapped_column(Integer)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)


class Link(Base):
    __tablename__ = "links"
    __table_args__ = (UniqueConstraint("sentence_id", "target_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sentence_id: Mapped[int] = mapped_column(ForeignKey("sentences.id", ondelete="CASCADE"))
    target_id: Mapped[int] = mapped_column(ForeignKey("targets.id", ondelete="CASCADE"), index=True)
    score: Mapped[float] = mapped_column(Float)
    method: Mapped[str] = mapped_column(String(20), default="fuzzy")
    phrase: Mapped[str | None] = mapped_column(String(200))
    run_id: Mapped[int | None] = mapped_column(ForeignKey("coding_runs.id", ondelete="SET NULL"))


class Position(Base):
    """An actor's stance on a target; ``sentence_id`` is the evidence (optional when manual)."""

    __tablename__ = "positions"
    __table_args__ = (
        CheckConstraint(f"stance IN {STANCES!r}", name="stance"),
        CheckConstraint(f"method IN {METHODS!r}", name="method"),
        Index("ix_positions_actor_target", "actor_id", "target_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"))
    target_id: Mapped[int] = mapped_column(ForeignKey("targets.id", ondelete="CASCADE"), index=True)
    stance: Mapped[str] = mapped_column(String(10))
    sentence_id: Mapped[int | None] = mapped_column(
        ForeignKey("sentences.id", ondelete="CASCADE"), index=True
    )
    score: Mapped[float] = mapped_column(Float, default=1.0)
    method: Mapped[str] = mapped_column(String(10), default="auto")
    # Why the coder decided so: the mention, the speaker rule, the cue and the link.
    explanation: Mapped[dict | None] = mapped_column(JSON)
    note: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.current_timestamp()
    )
    # The coding run that found it; None for a manual position and for automatic ones
    # coded before provenance was recorded (migration 0004).
    run_id: Mapped[int | None] = mapped_column(ForeignKey("coding_runs.id", ondelete="SET NULL"))


DECISIONS = ("confirm", "reject", "correct", "add", "clear")


class ReviewDecision(Base):
    """An analyst's decision on a position, one row per decision (an append-only history).

    The position is named by content, never by row ids (article content hash, sentence
    offsets and text, actor name, plan slug and target key), so re-coding or removing an
    article leaves its decisions in place; no foreign key cascades them away. The latest
    ``revision`` of a ``position_key`` is in force; (position_key, revision) is unique, so
    of two reviewers who saw the same revision only the first can write the next one.
    ``clear`` puts a position back to unreviewed (an undo of its first decision).
    """

    __tablename__ = "review_decisions"
    __table_args__ = (
        UniqueConstraint("position_key", "revision"),
        CheckConstraint(f"decision IN {DECISIONS!r}", name="decision"),
        CheckConstraint(
            "stance IS NULL OR stance IN ('support', 'oppose', 'mixed')", name="stance"
        ),
        CheckConstraint("revision >= 1", name="revision"),
        Index("ix_review_decisions_sentence", "article_hash", "sentence_start", "sentence_end"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    position_key: Mapped[str] = mapped_column(String(32))
    revision: Mapped[int] = mapped_column(Integer)
    decision: Mapped[str] = mapped_column(String(10))
    # the position decided on, as the coder (or the analyst, for an addition) gave it
    article_hash: Mapped[str | None] = mapped_column(String(64))
    sentence_start: Mapped[int | None] = mapped_column(Integer)
    sentence_end: Mapped[int | None] = mapped_column(Integer)
    sentence_text: Mapped[str | None] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(200))
    plan: Mapped[str] = mapped_column(String(100))
    target: Mapped[str] = mapped_column(String(100))
    # the position as decided (confirm, correct, add); NULL for reject and clear
    decided_actor: Mapped[str | None] = mapped_column(String(200))
    decided_plan: Mapped[str | None] = mapped_column(String(100))
    decided_target: Mapped[str | None] = mapped_column(String(100))
    stance: Mapped[str | None] = mapped_column(String(10))
    reviewer: Mapped[str] = mapped_column(String(200))
    decided_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    note: Mapped[str | None] = mapped_column(Text)
    # where an addition with no stored sentence comes from (a broadcast, a page)
    source_note: Mapped[str | None] = mapped_column(Text)
    # the article's source and date when decided, shown if the article is gone
    article_source: Mapped[str | None] = mapped_column(Text)
    article_date: Mapped[dt.date | None] = mapped_column(Date)
