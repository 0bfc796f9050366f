"""Review decisions: an analyst confirms, rejects, corrects or adds positions.

The library behind `tracker review` (and, later, a web page): the CLI only parses and
prints. A decision is a row of ``review_decisions`` (migration 0005), never an update:
the latest revision of a position is in force, undoing is a new row, and the history
stays whole. Positions are named by content (``PositionRef``: the article's content
hash, the sentence's offsets and text, actor, plan and target), so a decision survives
re-coding: the ``report_positions`` view joins decisions to whatever automatic positions
the store holds now by those columns, and shows a confirmation, correction or addition
whose position the coder no longer produces from the decision itself.

Two reviewers at once: every decision says which revision of the position its reviewer
saw (0: none). One taken since is a ``Conflict`` naming who and when; two reviewers who
saw the same revision cannot both write the next, as the database's unique constraint
on (position_key, revision) refuses the second.
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import os
from collections import Counter
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    func,
    select,
)
from sqlalchemy.exc import IntegrityError

from tracker.errors import TrackerError
from tracker.output import Rows
from tracker.review_view import plain_times
from tracker.schema import STANCES, Actor, Plan, ReviewDecision, Target

REVIEWER_ENV = "TRACKER_REVIEWER"
KEY_VERSION = "tracker-position-1"
KEY_LENGTH = 16  # hex digits: 64 bits, no collision in any store's lifetime
# A key is worked out from the article's content and date, so re-dating changes it.
REDATED_HINT = (
    " (a key changes when its article is re-dated or its point renumbered: "
    "`tracker position` lists the keys now)"
)
# What an analyst decides; "clear" (back to unreviewed) is written only by undo.
DECISIONS = ("confirm", "reject", "correct", "add")
STATUSES = ("auto", "confirmed", "corrected", "manual")


# The longest reviewer name the store keeps (``review_decisions.reviewer``): PostgreSQL
# refused a longer one with a driver's error, SQLite kept it whole.
LONGEST_REVIEWER = 200


def reviewer_name(given: str | None = None) -> str:
    """Who decides: --reviewer, else $TRACKER_REVIEWER, else the login name."""
    if given is not None:
        if not given.strip():
            raise TrackerError("--reviewer needs a name (leave it out for your login name)")
        return _not_too_long(given.strip(), "--reviewer")
    from_env = os.environ.get(REVIEWER_ENV, "")
    if from_env.strip():
        return _not_too_long(from_env.strip(), REVIEWER_ENV)
    try:
        return getpass.getuser() or "unknown"
    except Exception:  # no login name (a container without a passwd entry)
        return "unknown"


@dataclass(frozen=True)
class PositionRef:
    """A position by content: what a decision is keyed on, the same after a re-code."""

    article_hash: str | None
    sentence_start: int | None
    sentence_end: int | None
    sentence_text: str | None
    actor: str
    plan: str
    target: str
    source_note: str | None = None  # an addition with no stored sentence: where it is from

    @property
    def key(self) -> str:
        return position_key(self)


def position_key(ref: PositionRef) -> str:
    """A short, stable identifier of a position, worked out from its content alone: the
    same article, sentence, actor and target give the same key after any re-code."""
    text_hash = hashlib.sha256((ref.sentence_text or "").encode("utf-8")).hexdigest()
    parts = [
        KEY_VERSION,
        ref.article_hash or "",
        "" if ref.sentence_start is None else str(ref.sentence_start),
        "" if ref.sentence_end is None else str(ref.sentence_end),
        text_hash,
        ref.actor,
        ref.plan,
        ref.target,
        (ref.source_note or "") if ref.article_hash is None else "",
    ]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:KEY_LENGTH]


def ref_of(row: dict[str, Any]) -> PositionRef:
    """The content key of a row of ``report_positions``."""
    return PositionRef(
        row["article_hash"],
        row["sentence_start"],
        row["sentence_end"],
        row["sentence"],
        row["key_actor"],
        row["key_plan"],
        row["key_target"],
        row.get("source_note"),
    )


def find_position(connection: Connection, key: str) -> dict[str, Any] | None:
    """The position in force with this key (a row of ``report_positions``), or None."""
    from tracker.review_view import Filters, position_rows

    return next((row for row in position_rows(connection, Filters()) if row["key"] == key), None)


def ref_of_key(connection: Connection, key: str) -> PositionRef:
    """What a key stands for: the position in force with it, else its latest decision
    (a rejected position); an unknown key is an error."""
    row = find_position(connection, key)
    if row is not None:
        return ref_of(row)
    found = latest(connection, key)
    if found is None:
        raise TrackerError(f"no position with key {key!r} in the store")
    return ref_of_decision(found)


def ref_of_decision(found: dict[str, Any]) -> PositionRef:
    """The content key of a row of ``review_decisions`` (the position it decided on)."""
    return PositionRef(
        found["article_hash"],
        found["sentence_start"],
        found["sentence_end"],
        found["sentence_text"],
        found["actor"],
        found["plan"],
        found["target"],
        found["source_note"],
    )


def decided_refs(connection: Connection, article_hash: str) -> list[PositionRef]:
    """The positions of an article (by its content hash) that have decisions."""
    table = ReviewDecision.__table__
    rows = connection.execute(
        select(table).where(table.c.article_hash == article_hash).order_by(table.c.id)
    ).all()
    refs = [ref_of_decision(dict(row._mapping)) for row in rows]
    return list(dict.fromkeys(refs))


def rekey_article(
    connection: Connection, old_hash: str, new_hash: str, day: dt.date | None = None
) -> int:
    """Move the decisions on an article's positions to its new content hash (the article
    was re-dated to ``day``), inside the caller's transaction; their keys are worked out
    again, and the article date they keep for when the article is gone becomes ``day``
    (it stayed the old one, or none, so that a removed article's decisions fell outside
    `--since`). Returns how many decision rows moved."""
    table = ReviewDecision.__table__
    rows = connection.execute(select(table).where(table.c.article_hash == old_hash)).all()
    keys = {
        row.id: position_key(
            PositionRef(
                new_hash,
                row.sentence_start,
                row.sentence_end,
                row.sentence_text,
                row.actor,
                row.plan,
                row.target,
            )
        )
        for row in rows
    }
    if (
        keys
        and connection.execute(  # a removed copy of the text at that date was reviewed
            select(table.c.id).where(table.c.position_key.in_(set(keys.values()))).limit(1)
        ).first()
    ):
        shown = day.isoformat() if day is not None else "no date"
        raise TrackerError(
            f"the same text dated {shown} was stored once and reviewed: its review decisions "
            "would take the same positions as this article's (their histories would merge); "
            "nothing was changed"
        )
    for row in rows:
        connection.execute(
            table.update()
            .where(table.c.id == row.id)
            .values(article_hash=new_hash, position_key=keys[row.id], article_date=day)
        )
    return len(rows)


def renumber_decisions(connection: Connection, plan: str, numbers: dict[str, str]) -> Counter[str]:
    """Move the decisions on a plan's renumbered points with them (``numbers``: old number
    to new, as the store names points), inside the caller's transaction, so that a
    confirmation or correction stays on its point and never lands on the point that took
    its number. Two points may swap numbers. Returns how many decision rows moved, by the
    old number; a number that now names another point's decision on the same position is
    an error."""
    counts: Counter[str] = Counter()
    if not numbers:
        return counts
    table = ReviewDecision.__table__
    c = table.c
    rows = connection.execute(
        select(table).where(
            ((c.plan == plan) & c.target.in_(numbers))
            | ((c.decided_plan == plan) & c.decided_target.in_(numbers))
        )
    ).all()
    moved: dict[int, dict[str, Any]] = {}
    for row in rows:
        values: dict[str, Any] = {}
        if row.plan == plan and row.target in numbers:
            ref = replace(ref_of_decision(dict(row._mapping)), target=numbers[row.target])
            values["target"] = ref.target
            values["position_key"] = position_key(ref)
        if row.decided_plan == plan and row.decided_target in numbers:
            values["decided_target"] = numbers[row.decided_target]
        moved[row.id] = values
        counts[row.target if "target" in values else row.decided_target] += 1
    new_keys = {v["position_key"] for v in moved.values() if "position_key" in v}
    if new_keys:  # a key is a position's whole history: two histories must never merge
        staying = connection.execute(
            select(c.target).where(c.position_key.in_(new_keys), c.id.not_in(moved))
        ).first()
        if staying is not None:
            raise TrackerError(
                f"plan {plan!r}: point {staying.target} has review decisions on the same "
                "positions as the point renumbered to its number; give the renumbered point "
                "another number; nothing was loaded"
            )
    # keys first set apart, so that two points that swap numbers never hold one key at once
    for row_id in moved:
        if "position_key" in moved[row_id]:
            connection.execute(
                table.update().where(c.id == row_id).values(position_key=f"~{row_id}")
            )
    for row_id, values in moved.items():
        connection.execute(table.update().where(c.id == row_id).values(**values))
    return counts


def _not_too_long(name: str, given: str) -> str:
    if len(name) > LONGEST_REVIEWER:
        raise TrackerError(
            f"{given} is {len(name)} characters long; the store keeps at most {LONGEST_REVIEWER}"
        )
    return name


# --------------------------------------------------------------------------- deciding


class Conflict(TrackerError):
    """Someone else decided the position since the reviewer loaded it."""


@dataclass(frozen=True)
class Decision:
    """A decision to record. ``actor``, ``plan``, ``target`` and ``stance`` are the position
    as decided (confirm, correct, add), None for a rejection."""

    ref: PositionRef
    decision: str
    stance: str | None = None
    actor: str | None = None
    plan: str | None = None
    target: str | None = None
    note: str | None = None
    article_source: str | None = None
    article_date: dt.date | None = None


@dataclass(frozen=True)
class Recorded:
    key: str
    revision: int
    decision: str
    unchanged: bool = False


def latest(connection: Connection, key: str) -> dict[str, Any] | None:
    """The latest decision on a position (in force unless it is ``clear``), or None."""
    row = connection.execute(
        select(ReviewDecision.__table__)
        .where(ReviewDecision.position_key == key)
        .order_by(ReviewDecision.revision.desc())
        .limit(1)
    ).first()
    return plain_times(dict(row._mapping)) if row is not None else None


def latest_revisions(connection: Connection, keys: list[str]) -> dict[str, int]:
    """The latest revision of each of these positions (absent: never decided)."""
    found: dict[str, int] = {}
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        query = (
            select(ReviewDecision.position_key, func.max(ReviewDecision.revision))
            .where(ReviewDecision.position_key.in_(chunk))
            .group_by(ReviewDecision.position_key)
        )
        found.update({key: revision for key, revision in connection.execute(query)})
    return found


def conflict_error(key: str, row: dict[str, Any]) -> Conflict:
    what = "cleared" if row["decision"] == "clear" else row["decision"]
    return Conflict(
        f"position {key} was decided by {row['reviewer']} at {row['decided_at']} ({what}) "
        "since you loaded it; nothing was saved (load it again to see their decision)"
    )


def canonical_actor(connection: Connection, name: str, what: str = "--actor") -> str:
    """The registry's name for an actor given by any alias or spelling; one error line
    when it fits none or several (``what``: see ``find_actor_ids``)."""
    from tracker.queries import find_actor_ids

    ids = find_actor_ids(connection, name, what)
    return connection.execute(select(Actor.name).where(Actor.id == ids[0])).scalar_one()


def canonical_target(
    connection: Connection, plan: str | None, target: str, what: str = "--target"
) -> tuple[str, str]:
    """(plan slug, target key) for a --target within a plan; one error line when unknown
    (``what``: see ``find_targets``)."""
    from tracker.queries import TARGET_KEY, find_targets, plan_hint

    ids = find_targets(connection, target, plan, what)
    if len(ids) > 1:
        hint = "give the plan" if what.startswith("--") else plan_hint(what)
        raise TrackerError(f"target {target!r} is in several plans; {hint}")
    row = connection.execute(
        select(Plan.slug, TARGET_KEY)
        .join(Plan, Plan.id == Target.plan_id)
        .where(Target.id == ids[0])
    ).one()
    return row[0], row[1]


def live_target(
    connection: Connection, plan: str | None, target: str, what: str = "--target"
) -> tuple[str, str]:
    """``canonical_target`` for a position decided now (added, or corrected onto another
    target): a retired target (taken out of its plan's file) is refused, since the coder no
    longer codes it. Confirming or rejecting what was coded on one stays possible."""
    from tracker.queries import target_keys

    plan_slug, key = canonical_target(connection, plan, target, what)
    check_live(plan_slug, key, target_keys(connection, plan_slug))
    return plan_slug, key


def check_live(plan: str, key: str, live: set[str]) -> None:
    """An error unless target ``key`` of ``plan`` is among its ``live`` (not retired) keys."""
    if key not in live:
        raise TrackerError(
            f"target {key!r} of plan {plan!r} is retired (taken out of its plan file); put "
            "it back in the file and run `tracker seed` to add positions on it"
        )


def check_stance(stance: str | None) -> str:
    if stance not in STANCES:
        raise TrackerError(f"stance must be one of {', '.join(STANCES)}, not {stance!r}")
    return stance


class Duplicate(TrackerError):
    """The decision would put a second position in force on one sentence, actor and target."""


def holder_elsewhere(
    connection: Connection, ref: PositionRef, actor: str, plan: str, target: str
) -> dict[str, Any] | None:
    """The position in force, other than ``ref``'s, that holds ``actor``'s stance on
    ``plan``/``target`` in ``ref``'s sentence (a row of ``report_positions``), or None.

    A sentence gives an actor one stance on a target: a second position there (a
    correction onto another's actor and target, an addition of one in force) was listed
    and counted twice, and made gold the annotation guide's format does not allow."""
    from tracker.review_view import VIEW, _plain

    query = select(VIEW).where(VIEW.c.actor == actor, VIEW.c.plan == plan, VIEW.c.target == target)
    if ref.article_hash is None:  # no stored sentence: the note of where it is from
        query = query.where(VIEW.c.article_hash.is_(None), VIEW.c.source_note == ref.source_note)
    else:
        query = query.where(
            VIEW.c.article_hash == ref.article_hash,
            VIEW.c.sentence_start == ref.sentence_start,
            VIEW.c.sentence_end == ref.sentence_end,
            VIEW.c.sentence == ref.sentence_text,
        )
    own = position_key(ref)
    rows = (_plain(dict(row._mapping)) for row in connection.execute(query))
    return next((row for row in rows if row["key"] != own), None)


def check_no_duplicate(
    connection: Connection, ref: PositionRef, place: tuple[str, str, str] | None
) -> None:
    """A ``Duplicate`` error when putting ``ref``'s position in force at ``place`` (actor,
    plan, target; None: out of force) would give its sentence a second position there."""
    if place is None:
        return
    found = holder_elsewhere(connection, ref, *place)
    if found is not None:
        actor, plan, target = place
        raise Duplicate(
            f"position {found['key']} already holds {actor}'s stance on {plan}/{target} in "
            f"this sentence ({found['stance']}); decide that one instead (one actor, one "
            "stance on a target per sentence)"
        )


def _place(decision: Decision) -> tuple[str, str, str] | None:
    """Where a decision puts its position in force: the decided actor, plan and target (a
    rejection: nowhere; a clear: where the coder put it, if it still finds it)."""
    if decision.decision == "reject":
        return None
    if decision.decision == "clear":
        return (decision.ref.actor, decision.ref.plan, decision.ref.target)
    return (decision.actor or "", decision.plan or "", decision.target or "")


def already_decided(connection: Connection, decision: Decision) -> bool:
    """Whether ``decision`` is the one in force for its position already: importing it
    again changes nothing, even once its point is retired (no new position is added)."""
    now = latest(connection, position_key(decision.ref))
    return now is not None and _same(now, decision)


def _same(row: dict[str, Any], decision: Decision) -> bool:
    return (
        row["decision"] == decision.decision
        and row["decided_actor"] == decision.actor
        and row["decided_plan"] == decision.plan
        and row["decided_target"] == decision.target
        and row["stance"] == decision.stance
    )


def record(
    connection: Connection,
    decision: Decision,
    reviewer: str,
    expected: int | None,
    *,
    at: dt.datetime | None = None,
) -> Recorded:
    """Write one decision inside the caller's (writing) transaction.

    ``expected`` is the revision the reviewer saw (0: none); a later one is a
    ``Conflict``, unless it already says the same (then nothing is written). None writes
    on top of whatever is there. The position's actor, target and stance must already be
    canonical (``canonical_actor``, ``canonical_target``, ``check_stance``). A decision
    that would put a second position on the sentence's actor and target is a ``Duplicate``.
    """
    if decision.decision not in (*DECISIONS, "clear"):
        raise TrackerError(
            f"decision must be one of {', '.join(DECISIONS)}, not {decision.decision!r}"
        )
    ref = decision.ref
    key = position_key(ref)
    now = latest(connection, key)
    current = now["revision"] if now else 0
    if now is not None and _same(now, decision):
        return Recorded(key, current, decision.decision, unchanged=True)
    if expected is not None and current != expected:
        raise conflict_error(key, now) if now else Conflict(f"position {key} has no decisions")
    check_no_duplicate(connection, ref, _place(decision))
    connection.execute(
        ReviewDecision.__table__.insert().values(
            position_key=key,
            revision=current + 1,
            decision=decision.decision,
            article_hash=ref.article_hash,
            sentence_start=ref.sentence_start,
            sentence_end=ref.sentence_end,
            sentence_text=ref.sentence_text,
            actor=ref.actor,
            plan=ref.plan,
            target=ref.target,
            decided_actor=decision.actor,
            decided_plan=decision.plan,
            decided_target=decision.target,
            stance=decision.stance,
            reviewer=reviewer,
            decided_at=at or dt.datetime.now(dt.UTC),
            note=decision.note or None,
            source_note=ref.source_note,
            article_source=decision.article_source,
            article_date=decision.article_date,
        )
    )
    return Recorded(key, current + 1, decision.decision)


def _writing(engine: Engine):
    from tracker.db import writer

    return writer(engine).begin()


def decide(engine: Engine, decision: Decision, reviewer: str, expected: int | None) -> Recorded:
    """Record one decision in its own transaction; see ``record``. Of two reviewers racing
    on one position, the database lets one write and the other gets a ``Conflict``."""
    key = position_key(decision.ref)
    try:
        with _writing(engine) as connection:
            return record(connection, decision, reviewer, expected)
    except IntegrityError:  # the unique (position_key, revision): someone wrote it first
        with engine.connect() as connection:
            now = latest(connection, key)
        if now is None or now["revision"] == (expected or 0):
            raise  # not a race: another constraint
        raise conflict_error(key, now) from None


def undo(engine: Engine, key: str, reviewer: str, expected: int | None) -> Recorded:
    """Take back the latest decision on a position: a new revision that repeats the one
    before it, or ``clear`` (back to unreviewed) when it was the first."""
    try:
        with _writing(engine) as connection:
            now = latest(connection, key)
            if now is None:
                raise TrackerError(f"position {key} has no decision to undo{REDATED_HINT}")
            if expected is not None and now["revision"] != expected:
                raise conflict_error(key, now)
            before = None
            if now["revision"] > 1:
                found = connection.execute(
                    select(ReviewDecision.__table__).where(
                        ReviewDecision.position_key == key,
                        ReviewDecision.revision == now["revision"] - 1,
                    )
                ).first()
                before = dict(found._mapping) if found is not None else None
            source = before or {}
            values = {
                c.name: now[c.name]
                for c in ReviewDecision.__table__.columns
                if c.name not in ("id", "revision", "decided_at", "reviewer", "note")
            }
            for name in ("decision", "decided_actor", "decided_plan", "decided_target", "stance"):
                values[name] = source.get(name)
            values["decision"] = values["decision"] or "clear"
            check_no_duplicate(connection, ref_of_decision(now), _undone_place(values))
            connection.execute(
                ReviewDecision.__table__.insert().values(
                    **values,
                    revision=now["revision"] + 1,
                    reviewer=reviewer,
                    decided_at=dt.datetime.now(dt.UTC),
                    note=f"undo of revision {now['revision']} ({now['decision']})",
                )
            )
            return Recorded(key, now["revision"] + 1, values["decision"])
    except IntegrityError:  # someone wrote the next revision first
        with engine.connect() as connection:
            now = latest(connection, key)
        if now is None:
            raise
        raise conflict_error(key, now) from None


def _undone_place(values: dict[str, Any]) -> tuple[str, str, str] | None:
    """Where an undo puts its position in force (see ``_place``): the decision it puts
    back may hold a place another position took since."""
    ref = ref_of_decision(values)
    decided = (values["decided_actor"], values["decided_plan"], values["decided_target"])
    return _place(Decision(ref, values["decision"], None, *decided))


def history(connection: Connection, key: str) -> Rows:
    """Every decision on a position, oldest first."""
    columns = ["revision", "decision", "decided_actor", "decided_plan", "decided_target"]
    columns += ["stance", "reviewer", "decided_at", "note"]
    table_ = ReviewDecision.__table__
    query = (
        select(*(table_.c[name] for name in columns))
        .where(table_.c.position_key == key)
        .order_by(table_.c.revision)
    )
    return Rows([plain_times(dict(r._mapping)) for r in connection.execute(query)], columns)
