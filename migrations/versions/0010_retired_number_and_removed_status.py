"""report_positions: one row per decision where a retired point shares a live one's number,
and a removed article's corrected position stays corrected

Decisions name points by plan and number. A point taken out of its plan file keeps its
number, and another point may be given that number later: a decision on that number then
joined both, and its position was listed twice (once as on the retired point), and a
decision on one point's position applied to the other's on the same sentence and actor.
Now a decision by number is the live point's, never that of a retired one a live point
shares its number with (`tracker seed` refuses such a renumber while decisions name the
retired point's number), and a decision's target is its position's own when it names it.

Since 0009 a decided position whose article is stored is ``corrected`` when it is not what
the coder found; once the article was removed, a correction confirmed later read
``confirmed`` again. Now such a position (one with a correction in its history, or another
actor or target than the coder's) stays ``corrected``.

Downgrading puts back 0009's view.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 20:00:00
"""

import importlib.util
from collections.abc import Sequence
from pathlib import Path

from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None
# it creates and replaces views only: undoing it removes no stored data
VIEWS_ONLY = True

_JOIN = "LEFT JOIN report_targets dt ON dt.plan = d.decided_plan AND dt.target = d.decided_target"
# the positions' join to their decisions, and the check that a decision's position is coded
_DECIDED = "AND d.target = rt.target\n"
_CODED = "AND t2.target = d.target\n"


def _not_shadowed(target_id: str) -> str:
    """Not a retired point whose number a live point of its plan has now: decisions by
    number are the live point's (`tracker seed` refuses the renumber while decisions name
    the retired one's number)."""
    return f"""NOT EXISTS (
            SELECT 1 FROM targets shadowed
            JOIN targets live ON live.plan_id = shadowed.plan_id AND live.kind = 'point'
                AND live.number = shadowed.number AND live.id <> shadowed.id AND NOT live.retired
            WHERE shadowed.id = {target_id} AND shadowed.retired
        )"""


_NOT_SHADOWED = _not_shadowed("dt.target_id")
_JOIN_OWN_FIRST = f"""{_JOIN}
        AND CASE WHEN d.decided_plan = rt.plan AND d.decided_target = rt.target
            THEN dt.target_id = rt.target_id
            ELSE {_NOT_SHADOWED} END"""
_JOIN_LIVE = f"{_JOIN}\n        AND {_NOT_SHADOWED}"
_BY_KIND_REMOVED = """CASE d.decision
            WHEN 'confirm' THEN 'confirmed'
            WHEN 'correct' THEN 'corrected'
            ELSE 'manual'
        END AS status,"""
_BY_HISTORY_REMOVED = """CASE
            WHEN d.decision = 'correct' THEN 'corrected'
            WHEN d.decision = 'confirm' AND (
                d.decided_actor <> d.actor OR d.decided_plan <> d.plan
                OR d.decided_target <> d.target
                OR EXISTS (
                    SELECT 1 FROM review_decisions h
                    WHERE h.position_key = d.position_key AND h.revision < d.revision
                      AND h.decision = 'correct'
                )
            ) THEN 'corrected'
            WHEN d.decision = 'confirm' THEN 'confirmed'
            ELSE 'manual'
        END AS status,"""


def _report_positions_0009() -> str:
    """0009's definition of the view, from its file (migrations are not a package)."""
    path = Path(__file__).with_name("0009_status_by_content.py")
    spec = importlib.util.spec_from_file_location("tracker_migration_0009", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    view, by_kind = module._report_positions_0008()
    view = view.replace(by_kind, module._BY_CONTENT)
    if (
        view.count(_JOIN) != 2
        or view.count(_BY_KIND_REMOVED) != 1
        or view.count(_DECIDED) != 1
        or view.count(_CODED) != 1
    ):
        raise RuntimeError("0009's report_positions is not the view 0010 was written for")
    return view


def upgrade() -> None:
    view = _report_positions_0009()
    first, second = view.split(_JOIN)[0], _JOIN.join(view.split(_JOIN)[1:])
    view = first + _JOIN_OWN_FIRST + second.replace(_JOIN, _JOIN_LIVE)
    view = view.replace(_BY_KIND_REMOVED, _BY_HISTORY_REMOVED)
    view = view.replace(_DECIDED, f"AND d.target = rt.target AND {_not_shadowed('rt.target_id')}\n")
    view = view.replace(_CODED, f"AND t2.target = d.target AND {_not_shadowed('t2.target_id')}\n")
    op.execute("DROP VIEW IF EXISTS report_positions")
    op.execute(f"CREATE VIEW report_positions AS {view.strip()}")


def downgrade() -> None:
    op.execute("DROP VIEW IF EXISTS report_positions")
    op.execute(f"CREATE VIEW report_positions AS {_report_positions_0009().strip()}")
