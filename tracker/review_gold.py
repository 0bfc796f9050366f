"""What review says about the coder: precision on reviewed positions, and gold files.

``stats`` counts, for every automatic position the store holds now that has a decision
in force, whether the reviewer kept it as the coder found it (confirmed with the same
stance) or not (rejected, corrected, or confirmed with another stance before a re-code);
a decision on a position the coder found that the store no longer holds (re-coded since,
on a point taken out of its plan file, or its article removed) stays in force, as
`tracker position` shows it, and is counted as it was decided; additions with no
automatic position are what the coder missed.

``export_gold`` writes the reviewed articles in the annotation guide's format (article
files, ``gold.jsonl``, ``actors.json``), so that `tracker evaluate` and `tracker train`
read them as they read the hand-coded corpora.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, func, select

from tracker.errors import TrackerError
from tracker.files import write_whole
from tracker.output import Rows
from tracker.review import PositionRef, position_key
from tracker.review_view import Filters, position_rows
from tracker.schema import (
    Actor,
    ActorAlias,
    Article,
    Link,
    Plan,
    Position,
    ReviewDecision,
    Sentence,
    Target,
)

# "added": positions added by hand that the coder did not find, in every format (only the
# table's last line said how many)
STATS_COLUMNS = (
    "scope",
    "name",
    "reviewed",
    "kept",
    "rejected",
    "corrected",
    "precision",
    "added",
)


def _auto_positions(connection: Connection) -> dict[str, tuple[str, str, str, str, str]]:
    """The automatic positions the store holds now, by key: (actor, plan, target, stance)."""
    from tracker.queries import TARGET_KEY

    query = (
        select(
            Article.content_hash,
            Sentence.start,
            Sentence.end,
            Sentence.text,
            Actor.name,
            Plan.slug,
            TARGET_KEY,
            Position.stance,
        )
        .join(Sentence, Sentence.id == Position.sentence_id)
        .join(Article, Article.id == Sentence.article_id)
        .join(Actor, Actor.id == Position.actor_id)
        .join(Target, Target.id == Position.target_id)
        .join(Plan, Plan.id == Target.plan_id)
        .where(Position.method == "auto")
    )
    found = {}
    for digest, start, end, text, actor, plan, target, stance in connection.execute(query):
        ref = PositionRef(digest, start, end, text, actor, plan, str(target))
        found[position_key(ref)] = (actor, plan, str(target), stance)
    return found


def _in_force(connection: Connection) -> list[dict[str, Any]]:
    newest = (
        select(ReviewDecision.position_key, func.max(ReviewDecision.revision).label("revision"))
        .group_by(ReviewDecision.position_key)
        .subquery()
    )
    table = ReviewDecision.__table__
    query = select(table).join(
        newest,
        (newest.c.position_key == table.c.position_key) & (newest.c.revision == table.c.revision),
    )
    return [dict(r._mapping) for r in connection.execute(query) if r.decision != "clear"]


@dataclass
class _Tally:
    kept: int = 0
    rejected: int = 0
    corrected: int = 0
    added: int = 0  # by hand, not found by the coder: not among the reviewed

    @property
    def reviewed(self) -> int:
        return self.kept + self.rejected + self.corrected


@dataclass
class Stats:
    overall: _Tally = field(default_factory=_Tally)
    targets: dict[str, _Tally] = field(default_factory=lambda: defaultdict(_Tally))
    actors: dict[str, _Tally] = field(default_factory=lambda: defaultdict(_Tally))

    @property
    def added(self) -> int:
        """Positions added by hand, the coder did not find them."""
        return self.overall.added

    def rows(self) -> Rows:
        out = [_row("overall", "all", self.overall)]
        out += [_row("target", k, t) for k, t in sorted(self.targets.items(), key=_order)]
        out += [_row("actor", k, t) for k, t in sorted(self.actors.items())]
        return Rows(out, STATS_COLUMNS)


def _order(item: tuple[str, _Tally]) -> tuple[str, int, str]:
    plan, _, target = item[0].partition("/")
    return (plan, int(target) if target.isdigit() else 1000, target)


def _row(scope: str, name: str, tally: _Tally) -> dict[str, Any]:
    precision = round(tally.kept / tally.reviewed, 3) if tally.reviewed else None
    return {
        "scope": scope,
        "name": name,
        "reviewed": tally.reviewed,
        "kept": tally.kept,
        "rejected": tally.rejected,
        "corrected": tally.corrected,
        "precision": precision,
        "added": tally.added,
    }


def stats(connection: Connection) -> Stats:
    """The coder's precision on the reviewed positions, overall, per target and per actor."""
    auto = _auto_positions(connection)
    corrected_once = set(  # a correction confirmed later is still a correction
        connection.execute(
            select(ReviewDecision.position_key).where(ReviewDecision.decision == "correct")
        ).scalars()
    )
    out = Stats()
    for decision in _in_force(connection):
        found = auto.get(decision["position_key"])
        if found is None and decision["decision"] == "add":
            _count_added(out, decision)
            continue
        if found is None:  # no longer coded (re-coded, a point retired, the article gone):
            # as `tracker position` shows it, the decision stands on what the coder found
            # (and read as the view reads it: a confirmation of another actor or target than
            # the coder's, or of a position corrected before, is a correction)
            actor, plan, target = decision["actor"], decision["plan"], decision["target"]
            kind = {"reject": "rejected", "confirm": "kept"}.get(decision["decision"])
            if kind == "kept" and (
                (decision["decided_actor"], decision["decided_plan"], decision["decided_target"])
                != (actor, plan, target)
                or decision["position_key"] in corrected_once
            ):
                kind = "corrected"
            _count(out, kind or "corrected", actor, f"{plan}/{target}")
            continue
        actor, plan, target, stance = found
        if decision["decision"] == "reject":
            kind = "rejected"
        elif (
            decision["decided_actor"],
            decision["decided_plan"],
            decision["decided_target"],
            decision["stance"],
        ) == (actor, plan, target, stance):
            kind = "kept"
        else:
            kind = "corrected"
        _count(out, kind, actor, f"{plan}/{target}")
    return out


def _count(out: Stats, kind: str, actor: str, target: str) -> None:
    for tally in (out.overall, out.targets[target], out.actors[actor]):
        setattr(tally, kind, getattr(tally, kind) + 1)


def _count_added(out: Stats, decision: dict[str, Any]) -> None:
    """An addition the coder had no position for: overall, on its target, by its actor."""
    target = f"{decision['decided_plan']}/{decision['decided_target']}"
    for tally in (out.overall, out.targets[target], out.actors[decision["decided_actor"]]):
        tally.added += 1


# --------------------------------------------------------------------------- gold


@dataclass
class GoldExport:
    articles: int = 0
    records: int = 0
    positions: int = 0
    partial: int = 0  # articles with decisions but positions not reviewed yet, left out
    contradictory: int = 0  # articles where one actor holds two stances on a target, left out
    retired: int = 0  # positions on targets taken out of their plan file, left out


def article_text(sentences: list[tuple[int, int, str]], published) -> str:
    """An article's text again from its sentences (start, end, text), each at its offset
    where it fits: one space between sentences one character apart (a sentence end), blank
    lines between those further apart (a blank line always ends a sentence), so that the
    text splits into the same sentences. Dated: the date header first. A text file's
    offsets count its header, a JSON Lines article's start at 0 (its date is a field): the
    sentences are moved past the header when it would overlap them, all by the same
    amount, so that the gaps between them, and with them the sentence ends, stay."""
    text = f"date {published.isoformat()} " if published is not None else ""
    shift = max(0, len(text) - sentences[0][0]) if sentences else 0
    for start, _, sentence in sentences:
        gap = start + shift - len(text)
        if gap >= 2:
            text += "\n" * gap
        elif gap == 1:
            text += " "
        text += sentence
    return text + "\n"


def _not_empty(folder: Path) -> bool:
    try:
        with os.scandir(folder) as entries:
            return any(True for _ in entries)
    except FileNotFoundError:
        return False
    except NotADirectoryError:
        raise TrackerError(f"{folder}: is a file, not a folder") from None
    except OSError as exc:
        raise TrackerError(f"{folder}: cannot read ({exc.strerror or exc})") from None


def export_gold(connection: Connection, folder: Path, plan: str, force: bool = False) -> GoldExport:
    """Write every fully reviewed article (each of its positions on ``plan`` decided,
    and at least one decision) as gold: ``<date>-<hash>.txt``, ``gold.jsonl`` and
    ``actors.json``. Links are the coder's (review does not touch them) plus the targets
    of the positions in force; positions are those in force, as reviewed."""
    from tracker.queries import check_plan

    check_plan(connection, plan)
    if not force and _not_empty(folder):  # a hand-coded corpus's gold was overwritten
        raise TrackerError(f"{folder} is not empty: not written into (--force writes into it)")
    decided = {
        digest
        for (digest,) in connection.execute(
            select(ReviewDecision.article_hash).where(ReviewDecision.article_hash.is_not(None))
        )
    }
    by_article: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in position_rows(connection, Filters(plan=plan)):
        if row["article_id"] is not None:
            by_article[row["article_id"]].append(row)
    articles = connection.execute(
        select(Article.id, Article.content_hash, Article.published).order_by(Article.id)
    ).all()
    result = GoldExport()
    texts: list[tuple[Path, str]] = []  # written once every article is read
    records: list[dict[str, Any]] = []
    actors: set[str] = set()
    for article_id, digest, published in articles:
        if digest not in decided:
            continue
        rows = by_article.get(article_id, [])
        # a point taken out of its plan file is no longer coded, and evaluate refuses gold
        # that codes it: its positions, reviewed or not, are left out (and counted)
        retired = sum(1 for r in rows if r["target_retired"])
        rows = [r for r in rows if not r["target_retired"]]
        if any(r["status"] == "auto" for r in rows):
            result.partial += 1
            continue
        held = _held(rows)
        if held is None:
            result.contradictory += 1
            continue
        name = f"{published.isoformat() if published else 'undated'}-{digest[:12]}.txt"
        sentences = connection.execute(
            select(Sentence.id, Sentence.start, Sentence.end, Sentence.text)
            .where(Sentence.article_id == article_id)
            .order_by(Sentence.ordinal)
        ).all()
        texts.append(
            (folder / name, article_text([(s.start, s.end, s.text) for s in sentences], published))
        )
        links = _links(connection, article_id, plan)
        for r in rows:
            actors.add(r["actor"])
            if r["target_kind"] != "plan":
                links[r["sentence_id"]].add(r["target"])
        for s in sentences:
            if links.get(s.id) or held.get(s.id):
                records.append(
                    {
                        "article": name,
                        "sentence": s.text,
                        "links": sorted(links.get(s.id, ()), key=_target_sort),
                        "positions": held.get(s.id, []),
                    }
                )
                result.positions += len(held.get(s.id, []))
        result.articles += 1
        result.retired += retired
    result.records = len(records)
    if not result.articles and not force:  # an empty gold.jsonl and actors.json made the
        return result  # folder "not empty" for the next export (--force replaces an old one's)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise TrackerError(f"{folder}: cannot create ({exc.strerror or exc})") from None
    for path, text in texts:
        _write(path, text)
    _write(
        folder / "gold.jsonl", "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    )
    table = _actor_table(connection, actors)
    _write(folder / "actors.json", json.dumps(table, ensure_ascii=False, indent=1) + "\n")
    return result


def _held(rows: list[dict[str, Any]]) -> dict[int, list[dict[str, str]]] | None:
    """An article's positions in force as gold, by sentence: each (actor, target) once, as
    the annotation guide's format has it (a store reviewed before review refused a second
    position on one place may hold two). None when one actor holds two stances on a target
    in one sentence: which is right is the reviewer's to say, so the article is left out."""
    held: dict[int, dict[tuple[str, str], str]] = defaultdict(dict)
    for r in rows:
        stances = held[r["sentence_id"]]
        place = (r["actor"], r["target"])
        if stances.setdefault(place, r["stance"]) != r["stance"]:
            return None
    return {
        sentence: [{"actor": a, "target": t, "stance": stance} for (a, t), stance in found.items()]
        for sentence, found in held.items()
    }


def _target_sort(target: str) -> tuple[int, str]:
    return (int(target), "") if target.isdigit() else (1000, target)


def _links(connection: Connection, article_id: int, plan: str) -> dict[int, set[str]]:
    from tracker.queries import TARGET_KEY

    found: dict[int, set[str]] = defaultdict(set)
    query = (
        select(Link.sentence_id, TARGET_KEY)
        .join(Sentence, Sentence.id == Link.sentence_id)
        .join(Target, Target.id == Link.target_id)
        .join(Plan, Plan.id == Target.plan_id)
        .where(
            Sentence.article_id == article_id,
            Plan.slug == plan,
            Target.kind != "plan",
            Target.retired.is_(False),  # left out as the positions on it are
        )
    )
    for sentence_id, target in connection.execute(query):
        found[sentence_id].add(str(target))
    return found


def _actor_table(connection: Connection, names: set[str]) -> dict[str, dict[str, Any]]:
    table: dict[str, dict[str, Any]] = {}
    for actor_id, name, affiliation in connection.execute(
        select(Actor.id, Actor.name, Actor.affiliation).where(Actor.name.in_(sorted(names)))
    ):
        aliases = connection.execute(
            select(ActorAlias.alias)
            .where(ActorAlias.actor_id == actor_id, ActorAlias.kind == "name")
            .order_by(ActorAlias.alias)
        ).scalars()
        table[name] = {"affiliation": affiliation or name, "aliases": list(aliases)}
    return dict(sorted(table.items()))


def _write(path: Path, text: str) -> None:
    write_whole(path, lambda handle: handle.write(text))
