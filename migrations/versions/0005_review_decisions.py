"""review decisions, and report views that read the reviewed truth

An analyst's review of a position (confirm, reject, correct, add) is a row of
``review_decisions``. The table is an append-only history: every decision is a new
row, never an update, and the latest row of a position (the highest ``revision`` of
its ``position_key``) is the decision in force. Undoing one is a new row too (it
copies the decision before it, or ``clear`` when there was none). The unique
constraint on (position_key, revision) makes two reviewers who both saw revision n
unable to both write n+1: the second is refused by the database itself.

A decision names its position by content, never by row ids: the article's content
hash, the sentence's offsets and exact text, the actor's name, the plan's slug and
the target's key (point number or slug). Re-coding an article, removing it or
reading it again never touches these rows (there are no foreign keys to cascade),
and the views below join them to whatever automatic positions the store holds now,
by those same columns. ``position_key`` is a short hash of them, worked out in
Python (``tracker.review.position_key``), for spreadsheets and for the constraint.

Views (replacing migration 0002's ``report_positions``):

* ``report_decisions``: the decision in force per position (the latest row, unless it
  is ``clear``);
* ``report_positions``: as before, plus ``status`` (auto, confirmed, corrected,
  manual), the reviewer, time and note of the decision in force, the key's parts and
  the explanation. A rejected position is left out; a corrected one shows the
  corrected actor, target and stance. A decision in force whose position the coder
  no longer produces (re-coded, or its article removed) still shows, from the
  decision's own columns: a confirmation, a correction, an addition.

Downgrading drops the table and its history, and puts back 0002's views.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04 22:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DECISIONS = ("confirm", "reject", "correct", "add", "clear")

# The columns 0002's report_positions had, in its order; both definitions start with them.
_STATUS = """
            CASE
                WHEN d.decision = 'confirm' THEN 'confirmed'
                WHEN d.decision = 'correct' THEN 'corrected'
                WHEN d.decision = 'add' THEN 'manual'
                WHEN po.method = 'manual' THEN 'manual'
                ELSE 'auto'
            END"""

REPORT_DECISIONS = """
    SELECT
        d.position_key AS position_key,
        d.revision AS revision,
        d.decision AS decision,
        d.article_hash AS article_hash,
        d.sentence_start AS sentence_start,
        d.sentence_end AS sentence_end,
        d.sentence_text AS sentence_text,
        d.actor AS actor,
        d.plan AS plan,
        d.target AS target,
        d.decided_actor AS decided_actor,
        d.decided_plan AS decided_plan,
        d.decided_target AS decided_target,
        d.stance AS stance,
        d.reviewer AS reviewer,
        d.decided_at AS decided_at,
        d.note AS note,
        d.source_note AS source_note,
        d.article_source AS article_source,
        d.article_date AS article_date
    FROM review_decisions d
    WHERE d.decision <> 'clear'
      AND NOT EXISTS (
          SELECT 1 FROM review_decisions n
          WHERE n.position_key = d.position_key AND n.revision > d.revision
      )
"""

REPORT_POSITIONS = f"""
    SELECT
        ar.source AS source,
        ar.published AS date,
        s.text AS sentence,
        COALESCE(dt.plan, rt.plan) AS plan,
        COALESCE(dt.target, rt.target) AS target,
        COALESCE(da.name, a.name) AS actor,
        COALESCE(da.affiliation, a.affiliation) AS affiliation,
        COALESCE(d.stance, po.stance) AS stance,
        po.score AS score,
        po.method AS method,
        COALESCE(dt.target_title, rt.target_title) AS target_title,
        ar.title AS article_title,
        ar.url AS url,
        po.id AS position_id,
        COALESCE(da.id, a.id) AS actor_id,
        COALESCE(dt.target_id, rt.target_id) AS target_id,
        COALESCE(dt.target_kind, rt.target_kind) AS target_kind,
        COALESCE(dt.target_number, rt.target_number) AS target_number,
        COALESCE(dt.target_slug, rt.target_slug) AS target_slug,
        COALESCE(dt.kind_order, rt.kind_order) AS kind_order,
        s.id AS sentence_id,
        s.ordinal AS sentence_ordinal,
        ar.id AS article_id,
        {_STATUS} AS status,
        d.position_key AS position_key,
        d.decision AS decision,
        d.revision AS revision,
        d.reviewer AS reviewer,
        d.decided_at AS decided_at,
        d.note AS decision_note,
        d.source_note AS source_note,
        ar.content_hash AS article_hash,
        s.start AS sentence_start,
        s."end" AS sentence_end,
        a.name AS key_actor,
        rt.plan AS key_plan,
        rt.target AS key_target,
        po.stance AS auto_stance,
        po.explanation AS explanation
    FROM positions po
    JOIN actors a ON a.id = po.actor_id
    JOIN report_targets rt ON rt.target_id = po.target_id
    LEFT JOIN sentences s ON s.id = po.sentence_id
    LEFT JOIN articles ar ON ar.id = s.article_id
    LEFT JOIN report_decisions d
        ON d.article_hash = ar.content_hash
        AND d.sentence_start = s.start
        AND d.sentence_end = s."end"
        AND d.sentence_text = s.text
        AND d.actor = a.name
        AND d.plan = rt.plan
        AND d.target = rt.target
    LEFT JOIN actors da ON da.name = d.decided_actor
    LEFT JOIN report_targets dt ON dt.plan = d.decided_plan AND dt.target = d.decided_target
    WHERE d.decision IS NULL OR d.decision <> 'reject'
    UNION ALL
    SELECT
        COALESCE(ar.source, d.article_source) AS source,
        COALESCE(ar.published, d.article_date) AS date,
        d.sentence_text AS sentence,
        COALESCE(dt.plan, d.decided_plan) AS plan,
        COALESCE(dt.target, d.decided_target) AS target,
        COALESCE(da.name, d.decided_actor) AS actor,
        da.affiliation AS affiliation,
        d.stance AS stance,
        NULL AS score,
        'manual' AS method,
        dt.target_title AS target_title,
        ar.title AS article_title,
        ar.url AS url,
        NULL AS position_id,
        da.id AS actor_id,
        dt.target_id AS target_id,
        dt.target_kind AS target_kind,
        dt.target_number AS target_number,
        dt.target_slug AS target_slug,
        dt.kind_order AS kind_order,
        s.id AS sentence_id,
        s.ordinal AS sentence_ordinal,
        ar.id AS article_id,
        CASE d.decision
            WHEN 'confirm' THEN 'confirmed'
            WHEN 'correct' THEN 'corrected'
            ELSE 'manual'
        END AS status,
        d.position_key AS position_key,
        d.decision AS decision,
        d.revision AS revision,
        d.reviewer AS reviewer,
        d.decided_at AS decided_at,
        d.note AS decision_note,
        d.source_note AS source_note,
        d.article_hash AS article_hash,
        d.sentence_start AS sentence_start,
        d.sentence_end AS sentence_end,
        d.actor AS key_actor,
        d.plan AS key_plan,
        d.target AS key_target,
        NULL AS auto_stance,
        NULL AS explanation
    FROM report_decisions d
    LEFT JOIN articles ar ON ar.content_hash = d.article_hash
    LEFT JOIN sentences s
        ON s.article_id = ar.id
        AND s.start = d.sentence_start
        AND s."end" = d.sentence_end
        AND s.text = d.sentence_text
    LEFT JOIN actors da ON da.name = d.decided_actor
    LEFT JOIN report_targets dt ON dt.plan = d.decided_plan AND dt.target = d.decided_target
    WHERE d.decision IN ('confirm', 'correct', 'add')
      AND NOT EXISTS (
          -- the positions of the decision's sentence first (CROSS JOIN keeps this order on
          -- SQLite, which otherwise starts from the actor and reads all of its positions)
          SELECT 1
          FROM positions p2
          CROSS JOIN actors x2
          CROSS JOIN report_targets t2
          WHERE p2.sentence_id = s.id
            AND x2.id = p2.actor_id
            AND t2.target_id = p2.target_id
            AND x2.name = d.actor
            AND t2.plan = d.plan
            AND t2.target = d.target
      )
"""

# Migration 0002's report_positions, put back on downgrade (copied: a migration does what
# it did when it was written).
REPORT_POSITIONS_0002 = """
    SELECT
        ar.source AS source,
        ar.published AS date,
        s.text AS sentence,
        rt.plan AS plan,
        rt.target AS target,
        a.name AS actor,
        a.affiliation AS affiliation,
        po.stance AS stance,
        po.score AS score,
        po.method AS method,
        rt.target_title AS target_title,
        ar.title AS article_title,
        ar.url AS url,
        po.id AS position_id,
        po.actor_id AS actor_id,
        po.target_id AS target_id,
        rt.target_kind AS target_kind,
        rt.target_number AS target_number,
        rt.target_slug AS target_slug,
        rt.kind_order AS kind_order,
        s.id AS sentence_id,
        s.ordinal AS sentence_ordinal,
        ar.id AS article_id
    FROM positions po
    JOIN actors a ON a.id = po.actor_id
    JOIN report_targets rt ON rt.target_id = po.target_id
    LEFT JOIN sentences s ON s.id = po.sentence_id
    LEFT JOIN articles ar ON ar.id = s.article_id
"""


def upgrade() -> None:
    op.create_table(
        "review_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("position_key", sa.String(length=32), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(length=10), nullable=False),
        sa.Column("article_hash", sa.String(length=64), nullable=True),
        sa.Column("sentence_start", sa.Integer(), nullable=True),
        sa.Column("sentence_end", sa.Integer(), nullable=True),
        sa.Column("sentence_text", sa.Text(), nullable=True),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("plan", sa.String(length=100), nullable=False),
        sa.Column("target", sa.String(length=100), nullable=False),
        sa.Column("decided_actor", sa.String(length=200), nullable=True),
        sa.Column("decided_plan", sa.String(length=100), nullable=True),
        sa.Column("decided_target", sa.String(length=100), nullable=True),
        sa.Column("stance", sa.String(length=10), nullable=True),
        sa.Column("reviewer", sa.String(length=200), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("source_note", sa.Text(), nullable=True),
        sa.Column("article_source", sa.Text(), nullable=True),
        sa.Column("article_date", sa.Date(), nullable=True),
        sa.CheckConstraint(f"decision IN {DECISIONS!r}", name=op.f("ck_review_decisions_decision")),
        sa.CheckConstraint(
            "stance IS NULL OR stance IN ('support', 'oppose', 'mixed')",
            name=op.f("ck_review_decisions_stance"),
        ),
        sa.CheckConstraint("revision >= 1", name=op.f("ck_review_decisions_revision")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_decisions")),
        sa.UniqueConstraint(
            "position_key", "revision", name=op.f("uq_review_decisions_position_key_revision")
        ),
    )
    op.create_index(
        "ix_review_decisions_sentence",
        "review_decisions",
        ["article_hash", "sentence_start", "sentence_end"],
    )
    op.execute("DROP VIEW IF EXISTS report_positions")
    op.execute(f"CREATE VIEW report_decisions AS {REPORT_DECISIONS.strip()}")
    op.execute(f"CREATE VIEW report_positions AS {REPORT_POSITIONS.strip()}")


def downgrade() -> None:
    op.execute("DROP VIEW IF EXISTS report_positions")
    op.execute("DROP VIEW IF EXISTS report_decisions")
    op.execute(f"CREATE VIEW report_positions AS {REPORT_POSITIONS_0002.strip()}")
    op.drop_index("ix_review_decisions_sentence", table_name="review_decisions")
    op.drop_table("review_decisions")
