"""coding runs: which configuration coded each article, link and position

A new table ``coding_runs`` records each run of the coder (``tracker ingest`` or
``tracker recode``): when it ran, the tracker's version, the decider, and a hash of each
data file the coder read (lexicon, plans, actors, model) with the hash of them all.
``links`` and ``positions`` get a nullable ``run_id`` pointing to the run that found them;
a new table ``article_runs`` holds the run that last coded each whole article (also one
in which nothing was found). It is a table, not a column of ``articles``: SQLite adds a
named foreign key only by rebuilding a table, and dropping the old ``articles`` would run
the ON DELETE CASCADE of its sentences (foreign keys are on during migrations).

Rows stored before this migration keep ``run_id`` NULL and their articles have no
``article_runs`` row: "coded before provenance was recorded", by a configuration nobody
knows; ``tracker recode --stale`` counts them as stale. No made-up legacy run stands for
them, since no hash of theirs could be honest.

On SQLite ``links`` and ``positions`` are rebuilt (batch mode; nothing references them)
with the report views dropped before and created again after from their stored SQL
(0002's note). Downgrading drops the columns and tables; every article, sentence, link
and position stays.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04 22:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CODED = ("links", "positions")  # the tables whose rows get a run_id


def _fk_name(table: str) -> str:
    return f"fk_{table}_run_id_coding_runs"


def _drop_views_on_sqlite() -> list[tuple[str, str]]:
    """SQLite's views as (name, CREATE VIEW ...), in the order they were made, dropped:
    a batch rebuild renames tables under them."""
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return []
    views = [
        (name, sql)
        for name, sql in bind.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'view' ORDER BY rowid"
        )
    ]
    for name, _ in reversed(views):
        op.execute(f'DROP VIEW "{name}"')
    return views


def _create_views(views: list[tuple[str, str]]) -> None:
    for _, sql in views:
        op.execute(sql)


def upgrade() -> None:
    op.create_table(
        "coding_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("command", sa.String(length=20), nullable=False),
        sa.Column(
            "started_at",
            sa.DateTime(timezone=True),
            server_default=sa.func.current_timestamp(),
            nullable=False,
        ),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("articles", sa.Integer(), nullable=False),
        sa.Column("tracker_version", sa.String(length=40), nullable=False),
        sa.Column("decider", sa.String(length=20), nullable=False),
        sa.Column("configuration_hash", sa.String(length=64), nullable=False),
        sa.Column("lexicon_hash", sa.String(length=64), nullable=False),
        sa.Column("plans_hash", sa.String(length=64), nullable=False),
        sa.Column("actors_hash", sa.String(length=64), nullable=False),
        sa.Column("model_hash", sa.String(length=64), nullable=False),
        sa.Column("seeds_dir", sa.Text(), nullable=False),
        sa.Column("model_path", sa.Text(), nullable=True),
        sa.CheckConstraint("command IN ('ingest', 'recode')", name=op.f("ck_coding_runs_command")),
        sa.CheckConstraint(
            "outcome IN ('running', 'finished', 'interrupted', 'failed')",
            name=op.f("ck_coding_runs_outcome"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coding_runs")),
    )
    op.create_table(
        "article_runs",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_article_runs_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["coding_runs.id"],
            name=op.f("fk_article_runs_run_id_coding_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("article_id", name=op.f("pk_article_runs")),
    )
    op.create_index(op.f("ix_article_runs_run_id"), "article_runs", ["run_id"], unique=False)
    views = _drop_views_on_sqlite()
    for table in CODED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("run_id", sa.Integer(), nullable=True))
            batch_op.create_foreign_key(
                op.f(_fk_name(table)), "coding_runs", ["run_id"], ["id"], ondelete="SET NULL"
            )
    _create_views(views)


def downgrade() -> None:
    views = _drop_views_on_sqlite()
    for table in reversed(CODED):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(_fk_name(table)), type_="foreignkey")
            batch_op.drop_column("run_id")
    _create_views(views)
    op.drop_index(op.f("ix_article_runs_run_id"), table_name="article_runs")
    op.drop_table("article_runs")
    op.drop_table("coding_runs")
