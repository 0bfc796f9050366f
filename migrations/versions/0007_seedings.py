"""seedings: which plan and actor files the store holds

``seedings`` records each load of the seed files (``tracker seed``, a new store's first
seeding) with the hashes of the plan and actor files it loaded. The coder reads plans and
actors from the store, so a coding run records these hashes, not those of the files on
disk: an article ingested after a plan file was edited, before ``tracker seed``, was
recorded as coded with the new plans and ``recode --stale`` never found it. A store with
no seeding recorded yet (upgraded from 0006) is taken to hold the files on disk, as
before, until its next ``tracker seed``.

Downgrading drops the table and its record; coding runs then record the files again.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 10:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "seedings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "seeded_at",
            sa.DateTime(timezone=True),
            server_default=sa.func.current_timestamp(),
            nullable=False,
        ),
        sa.Column("plans_hash", sa.String(64), nullable=False),
        sa.Column("actors_hash", sa.String(64), nullable=False),
        sa.Column("seeds_dir", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_seedings")),
    )


def downgrade() -> None:
    op.drop_table("seedings")
