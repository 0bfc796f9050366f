"""report_positions: a decision's status says whether the position is the coder's

Since 0005 the ``status`` of a position the coder found was the kind of the decision in
force: an analyst who corrected a stance and later confirmed the corrected position saw
it ``confirmed``, though its stance was not the coder's, while ``tracker review stats``
counted it as corrected; a position the coder found and an analyst also added was
``manual``. Now a decided position is ``confirmed`` when it is what the coder found (actor,
target and stance) and ``corrected`` when it is not, whatever the decision's kind; as
``review stats`` counts it. The view is 0008's otherwise.

Downgrading puts back 0008's view.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 19:00:00
"""

import importlib.util
from collections.abc import Sequence
from pathlib import Path

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None
# it creates and replaces views only: undoing it removes no stored data
VIEWS_ONLY = True

_BY_CONTENT = """
            CASE
                WHEN d.decision IN ('confirm', 'correct', 'add')
                    AND COALESCE(da.id, a.id) = a.id
                    AND COALESCE(dt.target_id, rt.target_id) = rt.target_id
                    AND COALESCE(d.stance, po.stance) = po.stance
                    THEN 'confirmed'
                WHEN d.decision IN ('confirm', 'correct', 'add') THEN 'corrected'
                WHEN po.method = 'manual' THEN 'manual'
                ELSE 'auto'
            END"""


def _migration(name: str):
    """A migration's module, from its file (migrations are not a package)."""
    path = Path(__file__).with_name(name)
    spec = importlib.util.spec_from_file_location(f"tracker_migration_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _report_positions_0008() -> tuple[str, str]:
    """0008's definition of the view (0005's, with 0008's change), and 0005's status by the
    kind of decision in it."""
    m0005 = _migration("0005_review_decisions.py")
    m0008 = _migration("0008_method_of_reviewed_positions.py")
    view: str = m0008._report_positions_0005().replace(m0008._MANUAL, m0008._BY_DECISION)
    by_kind: str = m0005._STATUS
    if view.count(by_kind) != 1:
        raise RuntimeError("0008's report_positions is not the view 0009 was written for")
    return view, by_kind


def upgrade() -> None:
    view, by_kind = _report_positions_0008()
    view = view.replace(by_kind, _BY_CONTENT)
    op.execute("DROP VIEW IF EXISTS report_positions")
    op.execute(f"CREATE VIEW report_positions AS {view.strip()}")


def downgrade() -> None:
    op.execute("DROP VIEW IF EXISTS report_positions")
    op.execute(f"CREATE VIEW report_positions AS {_report_positions_0008()[0].strip()}")
