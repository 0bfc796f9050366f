"""report_positions: a reviewed position whose article is gone keeps its method

Since 0005, ``report_positions`` shows a decision in force whose position the coder no
longer produces (its article removed, or re-coded) from the decision's own columns, and
gave every such row the method ``manual``: a position the coder found and an analyst
confirmed read as entered by hand once its article was removed. Now only an addition is
``manual``; a confirmation or a correction is ``auto``, as it was while the article was
stored. The view is 0005's otherwise, read from that migration's file.

Downgrading puts back 0005's view.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 11:00:00
"""

import importlib.util
from collections.abc import Sequence
from pathlib import Path

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None
# it creates and replaces views only: undoing it removes no stored data
VIEWS_ONLY = True

_MANUAL = "'manual' AS method"
_BY_DECISION = "CASE WHEN d.decision = 'add' THEN 'manual' ELSE 'auto' END AS method"


def _report_positions_0005() -> str:
    """0005's definition of the view, from its file (migrations are not a package)."""
    path = Path(__file__).with_name("0005_review_decisions.py")
    spec = importlib.util.spec_from_file_location("tracker_migration_0005", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    view: str = module.REPORT_POSITIONS
    if view.count(_MANUAL) != 1:
        raise RuntimeError("0005's report_positions is not the view 0008 was written for")
    return view


def upgrade() -> None:
    view = _report_positions_0005().replace(_MANUAL, _BY_DECISION)
    op.execute("DROP VIEW IF EXISTS report_positions")
    op.execute(f"CREATE VIEW report_positions AS {view.strip()}")


def downgrade() -> None:
    op.execute("DROP VIEW IF EXISTS report_positions")
    op.execute(f"CREATE VIEW report_positions AS {_report_positions_0005().strip()}")
