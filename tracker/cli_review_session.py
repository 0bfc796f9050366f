"""The interactive review queue on a terminal: one position at a time, single keys.

Only presentation and keys: each decision goes to ``tracker.review.decide`` at once
(saved before the next position shows), so quitting or losing the terminal loses
nothing decided. A decision someone else made meanwhile is reported and the position is
passed over; one that would put a second position on the sentence's actor and target is
reported and the position stays up, to decide otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import click
from sqlalchemy import Engine

from tracker.errors import TrackerError
from tracker.output import printable
from tracker.review import (
    Conflict,
    Decision,
    Duplicate,
    PositionRef,
    canonical_actor,
    decide,
    latest_revisions,
    live_target,
    ref_of,
    undo,
)
from tracker.review_view import Filters, neighbours, position_rows

KEYS = "c confirm  r reject  s stance  a actor  + add  n skip  u undo  q quit"
STANCE_KEYS = {"s": "support", "o": "oppose", "m": "mixed"}


@dataclass
class Done:
    index: int  # the queue position it was made at
    key: str
    revision: int


class Session:
    """A review session over the queue (``position_rows(queue=True)``)."""

    def __init__(self, engine: Engine, filters: Filters, reviewer: str) -> None:
        self.engine = engine
        self.reviewer = reviewer
        self.plan = filters.plan  # a bare target typed at the prompt is this plan's
        with engine.connect() as connection:
            self.rows = list(position_rows(connection, filters, queue=True))
            self.revisions = latest_revisions(connection, [r["key"] for r in self.rows])
        self.done: list[Done] = []
        self.counts = {"decided": 0, "skipped": 0, "undone": 0}

    def run(self) -> None:
        if not self.rows:
            click.echo("nothing to review: every position here has a decision")
            return
        click.echo(f"{len(self.rows)} positions to review, reviewer {self.reviewer}; {KEYS}")
        index = 0
        while index < len(self.rows):
            row = self.rows[index]
            self._show(index, row)
            key = self._key("> ")
            if key in ("q", ""):  # "": the input ended
                break
            if key == "u":
                index = self._undo(index)
                continue
            if key in ("n", "\r", "\n", " "):
                self.counts["skipped"] += 1
                index += 1
                continue
            decision = self._decision(key, row)
            if decision is None:
                continue
            if self._save(index, row, decision):
                index += 1
        decided, skipped, undone = self.counts.values()
        click.echo(f"{decided} decisions saved, {skipped} skipped, {undone} undone")

    def _key(self, prompt: str) -> str:
        click.echo(prompt, nl=False)
        try:
            key = click.getchar()
        except EOFError:  # Ctrl-D: the input ended, as "q" ends the session
            click.echo("")
            return ""
        except OSError:  # no terminal to read keys from: cron, CI, a container
            click.echo("")
            raise TrackerError(
                "interactive review needs a terminal to read keys from; leave out "
                "--interactive to print the queue, or use review export and import"
            ) from None
        click.echo(key if key.isprintable() else "")
        return key.lower()

    def _show(self, index: int, row: dict[str, Any]) -> None:
        click.echo("")
        where = f"{row['source'] or 'no source'}, {row['date'] or 'undated'}"
        click.echo(f"[{index + 1}/{len(self.rows)}] {printable(where)}  key {row['key']}")
        if row.get("sentence_id") is not None:
            with self.engine.connect() as connection:
                around = neighbours(connection, row["sentence_id"])
            for sentence in around:
                mark = ">>" if sentence["own"] else "  "
                click.echo(f"{mark} {printable(sentence['text'])}")
        else:
            click.echo(f">> {printable(row['sentence'] or '(no sentence)')}")
        score = "-" if row["score"] is None else f"{row['score']:.3f}"
        click.echo(
            f"   {row['actor']} {row['stance'].upper()} {row['plan']}/{row['target']} "
            f"({printable(row.get('target_title') or '')}), score {score}"
        )
        from tracker.queries import explain_text

        why = explain_text(row.get("explanation"), row["method"])
        if why:
            click.echo(f"   why: {printable(why)}")

    def _decision(self, key: str, row: dict[str, Any]) -> Decision | None:
        ref = ref_of(row)
        context = (row["source"], _day(row["date"]))
        same = (ref.actor, ref.plan, ref.target)
        if key == "c":
            return Decision(ref, "confirm", row["stance"], *same, None, *context)
        if key == "r":
            return Decision(ref, "reject", None, None, None, None, None, *context)
        if key == "s":
            stance = self._stance()
            if stance is None:
                return None
            what = "confirm" if stance == row["stance"] else "correct"
            return Decision(ref, what, stance, *same, None, *context)
        if key == "a":
            actor = self._ask("actor", _actor)
            if actor is None:
                return None
            return Decision(
                ref, "correct", row["stance"], actor, ref.plan, ref.target, None, *context
            )
        if key == "+":
            return self._addition(row, context)
        click.echo(f"keys: {KEYS}")
        return None

    def _addition(self, row: dict[str, Any], context) -> Decision | None:
        if row.get("article_hash") is None:
            click.echo("this position has no stored sentence to add to")
            return None
        actor = self._ask("actor", _actor)
        if actor is None:
            return None
        found = self._ask("target", lambda connection, typed: _target(connection, typed, self.plan))
        if found is None:
            return None
        stance = self._stance()
        if stance is None:
            return None
        plan, target = found
        ref = PositionRef(
            row["article_hash"],
            row["sentence_start"],
            row["sentence_end"],
            row["sentence"],
            actor,
            plan,
            target,
        )
        return Decision(ref, "add", stance, actor, plan, target, None, *context)

    def _stance(self) -> str | None:
        key = self._key("stance: s support, o oppose, m mixed (other: back) > ")
        return STANCE_KEYS.get(key)

    def _ask(self, what: str, check) -> Any:
        """A line typed at the terminal. Read with ``input``, not ``click.prompt``, whose
        "Aborted!" and status 1 took the place of Ctrl-C's "interrupted" and 130: here Ctrl-C
        interrupts as at any other prompt, and Ctrl-D goes back, as an empty line does."""
        click.echo(f"{what} (empty: back): ", nl=False)
        try:
            value = input()
        except EOFError:
            click.echo("")
            return None
        if not value.strip():
            return None
        try:
            with self.engine.connect() as connection:
                return check(connection, value)
        except TrackerError as exc:
            click.echo(f"not saved: {exc}")
            return None

    def _save(self, index: int, row: dict[str, Any], decision: Decision) -> bool:
        from tracker.review import position_key

        key = position_key(decision.ref)
        expected = self.revisions.get(key, 0) if key == row["key"] else None
        try:
            done = decide(self.engine, decision, self.reviewer, expected)
        except Conflict as exc:
            click.echo(f"not saved: {exc}")
            return True  # someone else has it: go on to the next
        except Duplicate as exc:
            click.echo(f"not saved: {exc}")
            return False  # the reviewer decides it otherwise (or rejects it)
        self.revisions[done.key] = done.revision
        self.done.append(Done(index, done.key, done.revision))
        self.counts["decided"] += 1
        # what an addition or a correction put in force, its plan named: a bare number
        # that only another plan has live lands there
        what = (
            f" {decision.actor} {decision.stance} {decision.plan}/{decision.target}"
            if decision.decision in ("add", "correct")
            else ""
        )
        click.echo(f"saved: {done.decision}{what} ({done.key}, revision {done.revision})")
        return decision.decision != "add"  # after an addition, the position itself is next

    def _undo(self, index: int) -> int:
        if not self.done:
            click.echo("nothing to undo in this session")
            return index
        last = self.done.pop()
        try:
            done = undo(self.engine, last.key, self.reviewer, last.revision)
        except Conflict as exc:
            click.echo(f"not undone: {exc}")
            return index
        except Duplicate as exc:
            click.echo(f"not undone: {exc}")
            self.done.append(last)  # it stands: still the last decision of the session
            return index
        self.revisions[done.key] = done.revision
        self.counts["undone"] += 1
        self.counts["decided"] -= 1
        click.echo(f"undone: {last.key} is back to {done.decision} (revision {done.revision})")
        return last.index


def _actor(connection, typed: str) -> str:
    """The actor typed at the prompt; an error names what was typed, never an option."""
    return canonical_actor(connection, typed, "actor")


def _target(connection, typed: str, session_plan: str | None = None) -> tuple[str, str]:
    """The target typed at the prompt: a point number or a slug (``3``, ``plan``), or
    PLAN/TARGET (``china-2023/3``, as a position shows it) where several plans have it. In
    a session with ``--plan``, a bare target is that plan's (its retired point 3 was
    china-2023's point 3, in silence)."""
    plan, slash, target = typed.strip().partition("/")
    if not slash:
        plan, target = session_plan, typed
    return live_target(connection, plan, target, "target")


def _day(value: Any):
    import datetime as dt

    return dt.date.fromisoformat(value) if isinstance(value, str) and value else None
