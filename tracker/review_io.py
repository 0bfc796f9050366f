"""Review sheets: positions out to a spreadsheet (CSV) or JSON Lines, decisions back in.

``export_sheet`` writes one row per position in force with its ``key`` (stable across
re-coding), what the coder found, and empty ``decision`` and ``note`` columns. An
analyst fills ``decision`` with confirm, reject or correct (the row's edited actor,
target and stance are then the corrected ones), or adds a row with an empty key,
``add``, the source, the exact sentence, actor, target and stance (with no sentence,
``source`` is the note of where the position comes from). ``import_sheet`` checks every
row and applies the sheet in one transaction: a sheet with a bad row changes nothing
(unless ``skip_bad``), each bad row reported with its line number.

CSV cells that a spreadsheet would run as formulas are written with a leading ' (as
``--format csv-safe`` does), and that ' is taken off again when the sheet is read.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy import Connection, Engine, select
from sqlalchemy.exc import IntegrityError

from tracker.articles import hash_at
from tracker.errors import TrackerError
from tracker.files import write_whole
from tracker.output import cell_text, safe_cell
from tracker.queries import target_keys
from tracker.review import (
    DECISIONS,
    Conflict,
    Decision,
    PositionRef,
    Recorded,
    already_decided,
    canonical_actor,
    canonical_target,
    check_live,
    check_stance,
    conflict_error,
    decided_refs,
    latest,
    latest_revisions,
    position_key,
    record,
    ref_of,
    ref_of_decision,
)
from tracker.review_view import Filters, position_rows
from tracker.schema import Article, Sentence

SHEET_COLUMNS = (
    "key",
    "source",
    "date",
    "sentence",
    "actor",
    "plan",
    "target",
    "stance",
    "score",
    "status",
    "revision",
    "decision",
    "note",
)
SHEET_FORMATS = (".csv", ".jsonl")


def sheet_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in SHEET_FORMATS:
        raise TrackerError(f"{path}: a review sheet is a .csv or a .jsonl file")
    return suffix


def sheet_rows(
    connection: Connection, filters: Filters, unreviewed: bool = False
) -> Iterator[dict[str, Any]]:
    """The rows of a review sheet: every position in force (``unreviewed``: only those
    not reviewed yet), with the revision of its latest decision (0: none)."""
    rows = list(position_rows(connection, filters, queue=unreviewed))
    revisions = latest_revisions(connection, [r["key"] for r in rows])
    for row in rows:
        sheet = {name: row.get(name) for name in SHEET_COLUMNS}
        sheet["revision"] = revisions.get(row["key"], 0)
        sheet["decision"] = sheet["note"] = ""
        yield sheet


def export_sheet(connection: Connection, path: Path, filters: Filters, unreviewed: bool) -> int:
    """Write the review sheet; returns the number of rows."""
    suffix = sheet_format(path)

    def write(handle: TextIO) -> int:
        count = 0
        if suffix == ".jsonl":
            for row in sheet_rows(connection, filters, unreviewed):
                handle.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
                count += 1
            return count
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(SHEET_COLUMNS)
        for row in sheet_rows(connection, filters, unreviewed):
            cells = [safe_cell(cell_text(row[c])) for c in SHEET_COLUMNS]
            cells[0] = _key_cell(cells[0])
            writer.writerow(cells)
            count += 1
        return count

    # whole or not at all: a filter that names no actor, or Ctrl-C, left a sheet being
    # filled in empty
    return write_whole(path, write, newline="")


# A key of hex digits a spreadsheet reads as a number: "0662948408079616" (its leading 0
# dropped, then rounded past 15 digits), "4041827280017e86" (4.04E+89). Re-saved, such a
# row named no position, and the whole sheet was refused.
_NUMBER_LIKE_KEY = re.compile(r"[0-9]+(?:e[0-9]+)?")


def _key_cell(key: str) -> str:
    """The key as a CSV sheet writes it: with a leading ', as a formula is, when a
    spreadsheet would take it for a number; import takes the ' off again."""
    return "'" + key if _NUMBER_LIKE_KEY.fullmatch(key) else key


# --------------------------------------------------------------------------- import


_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _unsafe(value: str) -> str:
    """A cell as written before ``safe_cell`` put a ' before it."""
    if value.startswith("'") and value[1:].startswith(_FORMULA):
        return value[1:]
    return value


def filled_in(path: Path) -> str | None:
    """What an existing FILE holds that exporting over it would lose (a sheet's filled-in
    decisions, or a file that is no sheet), or None: an analyst's afternoon of review was
    overwritten without a word."""
    if not path.exists() or (path.is_file() and path.stat().st_size == 0):
        return None
    try:
        decided = sum(1 for _, row in read_sheet(path) if _value(row, "decision"))
    except TrackerError:
        return "exists and is no review sheet"
    if decided:
        return f"holds {decided} filled-in decision{'s' if decided > 1 else ''} (import it first?)"
    return None


def _is_text(value: str) -> bool:
    """No lone surrogate, which JSON's escapes can make and no database can store."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def read_sheet(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) for each row of a CSV (header on line 1) or JSON Lines sheet."""
    suffix = sheet_format(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise TrackerError(f"{path}: cannot read ({exc.strerror or exc})") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TrackerError(f"{path}: not UTF-8 (bad byte at offset {exc.start})") from None
    if suffix == ".jsonl":
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                yield number, {"_error": f"not valid JSON ({exc.msg})"}
                continue
            if not isinstance(row, dict):
                yield number, {"_error": "a JSON object is needed"}
                continue
            if not _is_text(json.dumps(row, ensure_ascii=False)):
                yield number, {"_error": "half a character: a lone \\ud800-\\udfff escape"}
                continue
            yield number, _without_nul({k: "" if v is None else str(v) for k, v in row.items()})
        return
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise TrackerError(f"{path}: empty sheet (no header line)") from None
    twice = sorted({h for h in header if h and header.count(h) > 1})
    if twice:  # the last one's cells were read, the first one's dropped, without a word
        raise TrackerError(f"{path}: the column {twice[0]!r} is given twice; keep one")
    for needed in ("key", "decision"):
        if needed not in header:
            raise TrackerError(f"{path}: no column {needed!r} (columns: {', '.join(header)})")
    start = reader.line_num + 1
    for cells in reader:
        number, start = start, reader.line_num + 1
        if not any(c.strip() for c in cells):
            continue
        yield number, _without_nul({h: _unsafe(c) for h, c in zip(header, cells, strict=False)})


def _without_nul(row: dict[str, str]) -> dict[str, str]:
    """The row, or a bad row when a cell holds a NUL character: SQLite would store it and
    PostgreSQL refuse the whole sheet as a database error."""
    for name, value in row.items():
        if "\x00" in value or "\x00" in name:
            return {"_error": f"column {name!r} holds a NUL character (\\u0000)"}
    return row


@dataclass
class ImportResult:
    applied: list[tuple[int, Recorded]] = field(default_factory=list)
    unchanged: int = 0
    bad: list[tuple[int, str]] = field(default_factory=list)
    committed: bool = False

    def counts(self) -> dict[str, int]:
        out = {d: 0 for d in DECISIONS}
        for _, done in self.applied:
            out[done.decision] = out.get(done.decision, 0) + 1
        return out


class _Bad(Exception):
    pass


def _value(row: dict[str, str], name: str) -> str:
    return (row.get(name) or "").strip()


class _Sheet:
    """Turns sheet rows into decisions against the store, inside one transaction."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.positions = {row["key"]: row for row in position_rows(connection, Filters())}
        self.seen: dict[str, int] = {}
        self.actors: dict[str, str | TrackerError] = {}  # looked up once per name
        self.targets: dict[tuple[str | None, str], tuple[str, str] | TrackerError] = {}
        self.live_keys: dict[str, set[str]] = {}  # per plan: its targets not retired
        self.moves: dict[tuple[str, dt.date | None], dict[str, str]] = {}  # re_dated's

    def re_dated(self, key: str, row: dict[str, str]) -> str | None:
        """The key now of a position whose article was re-dated (``articles set-date``)
        after the sheet was exported: a key covers the article's content hash, which covers
        its date, so the sheet's row still has the old one. The row's source and date give
        the article and its hash then; None when no article of that source was at that
        date, or none of its positions or decisions had the key."""
        source = _value(row, "source")
        if not source:
            return None
        then = _date(_value(row, "date"))
        if (source, then) not in self.moves:
            self.moves[source, then] = self._moves(source, then)
        return self.moves[source, then].get(key)

    def _moves(self, source: str, then: dt.date | None) -> dict[str, str]:
        """Old key -> key now, for the positions in force and the decisions of the
        articles of ``source`` that were at date ``then`` and are not now."""
        out: dict[str, str] = {}
        articles = self.connection.execute(
            select(Article.id, Article.content_hash).where(
                Article.source == source, Article.published.is_distinct_from(then)
            )
        ).all()
        for article_id, now_hash in articles:
            old_hash = hash_at(self.connection, article_id, then)
            if old_hash is None:  # no sentences: no positions either
                continue
            shown = [
                ref_of(row) for row in self.positions.values() if row["article_hash"] == now_hash
            ]
            for ref in shown + decided_refs(self.connection, now_hash):
                out[position_key(replace(ref, article_hash=old_hash))] = ref.key
        return out

    def actor(self, name: str) -> str:
        if name not in self.actors:
            try:
                self.actors[name] = canonical_actor(self.connection, name, "actor")
            except TrackerError as exc:
                self.actors[name] = exc
        found = self.actors[name]
        if isinstance(found, TrackerError):
            raise found
        return found

    def target(self, plan: str | None, target: str) -> tuple[str, str]:
        """A target cell: a point number or slug of the row's plan, or PLAN/TARGET (as the
        error for one several plans have says) when the plan cell is blank."""
        if plan is None and "/" in target:
            plan, _, target = target.strip().partition("/")
        if (plan, target) not in self.targets:
            try:
                self.targets[plan, target] = canonical_target(
                    self.connection, plan, target, "target"
                )
            except TrackerError as exc:
                self.targets[plan, target] = exc
        found = self.targets[plan, target]
        if isinstance(found, TrackerError):
            raise found
        return found

    def decision(self, number: int, row: dict[str, str]) -> tuple[Decision, int | None] | None:
        if "_error" in row:
            raise _Bad(row["_error"])
        what = _value(row, "decision").lower()
        if not what:
            return None
        if what not in DECISIONS:
            raise _Bad(f"unknown decision {what!r} (confirm, reject, correct or add)")
        key = _value(row, "key").removeprefix("'")  # a number-like key, kept as text
        if what == "add":
            if key:
                raise _Bad("an add row must have an empty key (a key names a stored position)")
            decision, expected = self._add(row), None
        else:
            if not key:
                raise _Bad(f"{what} needs the position's key (only an add row has none)")
            decision, expected = self._on_position(key, what, row)
        key = position_key(decision.ref)
        if key in self.seen:
            raise _Bad(f"line {self.seen[key]} already decides this position")
        self.seen[key] = number
        return decision, expected

    def _on_position(self, key: str, what: str, row: dict[str, str]):
        shown = self.positions.get(key)
        if shown is not None:
            ref = PositionRef(
                shown["article_hash"],
                shown["sentence_start"],
                shown["sentence_end"],
                shown["sentence"],
                shown["key_actor"],
                shown["key_plan"],
                shown["key_target"],
                shown.get("source_note"),
            )
            context = (shown["source"], _date(shown["date"]))
            current = (shown["actor"], shown["plan"], shown["target"], shown["stance"])
        else:
            found = latest(self.connection, key)
            if found is None:
                moved = self.re_dated(key, row)
                if moved is None:
                    raise _Bad(f"no position with key {key!r} in the store")
                return self._on_position(moved, what, row)
            ref = ref_of_decision(found)
            context = (found["article_source"], found["article_date"])
            current = (  # a rejection decides no actor or target: the position's own
                found["decided_actor"] or ref.actor,
                found["decided_plan"] or ref.plan,
                found["decided_target"] or ref.target,
                None,
            )
        expected = _revision(row)
        if what == "reject":
            return Decision(ref, "reject", note=_value(row, "note") or None), expected
        actor, plan, target, stance = self._position(row, current, what)
        edited = (actor, plan, target) != current[:3] or (
            current[3] is not None and stance != current[3]
        )
        if what == "confirm" and edited:
            now = latest(self.connection, key)
            if now is not None and now["revision"] != expected:
                # decided by someone else since the sheet was exported: the row is as it
                # was, the position is not (it blamed the row for an edit nobody made)
                raise _Bad(str(conflict_error(key, now)))
            raise _Bad("the row's actor, target or stance was edited: write 'correct' for that")
        if what == "correct" and not edited and shown is not None:
            if shown["status"] != "corrected":  # else the same correction again: unchanged
                raise _Bad(
                    "a correct row changes the actor, target or stance, and this one changes "
                    "none; write 'confirm' to keep the position as it is"
                )
        if what == "correct" and (actor, plan, target) == (ref.actor, ref.plan, ref.target):
            if shown is not None and shown.get("auto_stance") == stance:
                what = "confirm"  # corrected to what the coder found: a confirmation
        decision = Decision(
            ref, what, stance, actor, plan, target, _value(row, "note") or None, *context
        )
        if what == "correct" and (plan, target) != current[1:3]:
            self.live(decision)  # corrected onto another target: one the plan has now
        return decision, expected

    def _position(self, row: dict[str, str], current, what: str) -> tuple[str, str, str, str]:
        """The row's actor, plan, target and stance, canonical; a cell left out of the
        sheet (a column it does not have) is the position's ``current`` one, but a blank
        cell is a bad row (an add row has no current position: every cell is needed)."""
        for index, name in ((0, "actor"), (2, "target"), (3, "stance")):
            if not _value(row, name) and (name in row or current[index] is None):
                if what == "add":
                    choices = " (support, oppose or mixed)" if name == "stance" else ""
                    needs = f"an add row needs one{choices}"
                elif what == "correct":
                    needs = "a correct row needs one (as exported, or corrected)"
                else:
                    needs = f"a {what} row needs one (as exported)"
                raise _Bad(f"the {name} cell is blank; {needs}")
        try:
            actor = self.actor(_value(row, "actor") or current[0] or "")
            plan, target = self.target(
                _value(row, "plan") or current[1] or None,
                _value(row, "target") or current[2] or "",
            )
            stance = check_stance(_value(row, "stance").lower() or current[3])
        except TrackerError as exc:
            raise _Bad(str(exc)) from None
        return actor, plan, target, stance

    def live(self, decision: Decision) -> None:
        """The decision's target must not be retired, unless the decision is the one in
        force already (the same sheet imported again: unchanged, where it was a bad row
        saying to add the position that is there); each plan's live keys are read once
        per sheet."""
        plan, target = decision.plan or "", decision.target or ""
        if plan not in self.live_keys:
            self.live_keys[plan] = target_keys(self.connection, plan)
        try:
            check_live(plan, target, self.live_keys[plan])
        except TrackerError as exc:
            if not already_decided(self.connection, decision):
                raise _Bad(str(exc)) from None

    def _add(self, row: dict[str, str]) -> Decision:
        decision = self._added(row)
        self.live(decision)
        return decision

    def _added(self, row: dict[str, str]) -> Decision:
        actor, plan, target, stance = self._position(row, (None, None, None, None), "add")
        source, text = _value(row, "source"), row.get("sentence") or ""
        date = _date(_value(row, "date"))
        note = _value(row, "note") or None
        if not text.strip():
            if not source:
                raise _Bad("an add row with no sentence needs a source (where it comes from)")
            ref = PositionRef(None, None, None, None, actor, plan, target, source)
            return Decision(ref, "add", stance, actor, plan, target, note, source, date)
        query = (
            select(Article.content_hash, Article.source, Article.published, Sentence)
            .join(Sentence, Sentence.article_id == Article.id)
            .where(Sentence.text == text.strip(), Article.source == source)
        )
        if date is not None:
            query = query.where(Article.published == date)
        found = self.connection.execute(query).all()
        if not found:
            raise _Bad(f"the sentence is not in the store (source {source!r}); copy it exactly")
        if len(found) > 1:
            raise _Bad("the sentence is in several articles of that source; give the date")
        hit = found[0]
        ref = PositionRef(hit.content_hash, hit.start, hit.end, hit.text, actor, plan, target)
        return Decision(ref, "add", stance, actor, plan, target, note, hit.source, hit.published)


def _revision(row: dict[str, str]) -> int:
    """The revision the row's reviewer saw. A sheet without the column (deleted in a
    spreadsheet as noise, or written by hand) saw none: its rows decide only positions no
    one has decided yet, so they never overrule another reviewer unseen."""
    value = _value(row, "revision")
    if not value:
        return 0
    if not value.isdigit():
        raise _Bad(f"revision must be a whole number, not {value!r}")
    return int(value)


def _date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise _Bad(f"date must be YYYY-MM-DD, not {value!r}") from None


def import_sheet(
    engine: Engine, path: Path, reviewer: str, *, skip_bad: bool = False, dry_run: bool = False
) -> ImportResult:
    """Check every row of a review sheet and apply it in one transaction.

    Any bad row (an unknown actor, target, stance or decision, a sentence not in the
    store, a key that names no position, a position decided by someone else since the
    sheet was exported) is reported with its line number; then nothing is applied unless
    ``skip_bad``. ``dry_run`` checks and reports, and changes nothing.
    """
    from tracker.db import writer

    rows = list(read_sheet(path))  # a file that cannot be read fails before the store
    result = ImportResult()
    with writer(engine).connect() as connection:
        transaction = connection.begin()
        try:
            sheet = _Sheet(connection)
            for number, row in rows:
                try:
                    found = sheet.decision(number, row)
                    if found is None:
                        continue
                    decision, expected = found
                    with connection.begin_nested():
                        done = record(connection, decision, reviewer, expected)
                except (_Bad, Conflict) as exc:
                    result.bad.append((number, str(exc)))
                    continue
                except TrackerError as exc:
                    result.bad.append((number, str(exc)))
                    continue
                except IntegrityError:  # another reviewer wrote this revision just now
                    result.bad.append((number, "decided by someone else just now; load it again"))
                    continue
                if done.unchanged:
                    result.unchanged += 1
                else:
                    result.applied.append((number, done))
            if dry_run or (result.bad and not skip_bad):
                transaction.rollback()
            else:
                transaction.commit()
                result.committed = True
        except BaseException:
            if transaction.is_active:
                transaction.rollback()
            raise
    return result
