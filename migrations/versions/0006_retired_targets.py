"""retired targets: a point taken out of its plan file is no longer coded

``targets`` gets ``retired``, false for every target stored so far. ``tracker seed``
sets it on each stored target of a plan that the plan's file no longer has (a point
taken out; every target of a plan whose file is gone), and clears it when the point is
put back. (A point whose slug changed keeps its number and is renamed, not retired.)
The coder reads only the targets not retired; the links and positions already coded on a
retired one stay until their articles are coded again (``tracker recode --stale``), and
review decisions on them are kept as always.

Downgrading drops the column: every target is coded again, as it was before 0006, and
an upgrade back marks none retired until ``tracker seed`` runs again.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 21:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # a plain ALTER TABLE ... ADD COLUMN on both databases (no batch rebuild of targets)
    op.add_column(
        "targets",
        sa.Column("retired", sa.Boolean(), server_default=sa.false(), nullable=False),
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # SQLite's own DROP COLUMN (3.35+), not a batch rebuild: that copies and drops the
        # targets table, which the report views read and, with foreign keys on, the
        # links, positions and phrases on it would go with (ON DELETE CASCADE).
        op.execute("ALTER TABLE targets DROP COLUMN retired")
    else:
        op.drop_column("targets", "retired")
