"""The listings the CLI prints, as SQLAlchemy Core queries returning plain dicts."""

from __future__ import annotations

import unicodedata
from typing import Any

from rapidfuzz import fuzz, process
from sqlalchemy import Connection, String, case, cast, column, func, select, table

from tracker.coder.text import normalise_phrase
from tracker.errors import TrackerError
from tracker.output import Rows
from tracker.schema import (
    Actor,
    ActorAlias,
    ActorRole,
    Article,
    Link,
    Plan,
    Sentence,
    Target,
    TargetPhrase,
)

TARGET_KEY = case((Target.kind == "point", cast(Target.number, String)), else_=Target.slug).label(
    "target"
)


def _rows(connection: Connection, query, limit: int | None = None) -> list[dict[str, Any]]:
    """The rows as dicts, at most ``limit``; with no rows the columns are still known (a CSV
    keeps its header)."""
    if limit is not None:
        query = query.limit(limit)
    result = connection.execute(query)
    return Rows((dict(row._mapping) for row in result), list(result.keys()))


def _iso(rows: list[dict[str, Any]], *keys: str) -> list[dict[str, Any]]:
    for row in rows:
        for key in keys:
            if row.get(key) is not None and hasattr(row[key], "isoformat"):
                row[key] = row[key].isoformat()
    return rows


TITLES = (("mr",), ("ms",), ("mrs",), ("dr",), ("president",))
SHOWN_CANDIDATES = 8  # actors named in the error for an ambiguous --actor


def find_actor_ids(connection: Connection, name: str, what: str = "--actor") -> list[int]:
    """The actor answering to a name, alias or spelling variant ("Zelenskyy" → Zelensky).

    A name that fits several actors ("Wang": Wang Yi and Wang Wenbin; "President")
    is an error naming them, as is one that fits none; a canonical name always
    means its actor alone. ``what`` is how the errors name where the name was given: the
    option, or ``actor`` for one typed at the interactive review's prompt.
    """
    name.encode("utf-8")  # bytes that are not UTF-8 raise here, which the CLI says in a line;
    wanted = normalise_phrase(name)  # normalising would drop them and leave no name at all
    if not wanted:
        if name.strip():  # "%", "_": given, but no word of a name in it
            raise TrackerError(
                f"{what} {_shown(name)} holds no letter or digit of a name; names match "
                "as words, with no wildcards (`tracker actors` lists them)"
            )
        if what != "--actor":
            raise TrackerError(f"{what} needs a name")
        raise TrackerError("--actor needs a name (leave it out for every actor)")
    canonical: dict[int, tuple[str, tuple[str, ...]]] = {}
    people: set[int] = set()
    registered: set[int] = set()  # in the actors file now (not found in text, not removed)
    names: dict[tuple[str, ...], set[int]] = {}
    for actor_id, actor_name, kind, confirmed in connection.execute(
        select(Actor.id, Actor.name, Actor.kind, Actor.confirmed)
    ):
        canonical[actor_id] = (actor_name, normalise_phrase(actor_name))
        if kind == "person":
            people.add(actor_id)
        if confirmed:
            registered.add(actor_id)
        names.setdefault(normalise_phrase(actor_name), set()).add(actor_id)
    for actor_id, alias in connection.execute(
        select(ActorAlias.actor_id, ActorAlias.alias).where(ActorAlias.kind == "name")
    ):
        names.setdefault(normalise_phrase(alias), set()).add(actor_id)
    exact = {i for i, (_, words) in canonical.items() if words == wanted}
    if exact:
        return _one_actor(name, exact, canonical, what, registered)
    if wanted not in names and wanted[:1] in TITLES and wanted[1:] in names:
        wanted = wanted[1:]  # "President Xi" as "Xi"
    if wanted in names:
        found = set(names[wanted])
        if found <= people:  # a surname ("Wang") may be one's alias and part of another's name
            found |= {i for i in people if _within(wanted, canonical[i][1])}
        return _one_actor(name, found, canonical, what, registered)
    choices = {" ".join(k): ids for k, ids in names.items()}
    found = {
        actor_id
        for choice, _, _ in process.extract(
            " ".join(wanted), list(choices), scorer=fuzz.ratio, score_cutoff=85, limit=None
        )
        for actor_id in choices[choice]
    }
    found |= {i for key, ids in names.items() if _within(wanted, key) for i in ids}
    if found:
        return _one_actor(name, found, canonical, what, registered)
    raise TrackerError(f"no actor matches {_shown(name)}; `tracker actors` lists them")


def _within(words: tuple[str, ...], phrase: tuple[str, ...]) -> bool:
    """Whether ``words`` occur together, as whole words, in ``phrase``."""
    n = len(words)
    return any(phrase[i : i + n] == words for i in range(len(phrase) - n + 1))


def _one_actor(
    name: str,
    ids: set[int],
    canonical: dict[int, tuple[str, tuple[str, ...]]],
    what: str,
    registered: set[int],
) -> list[int]:
    """The one actor of ``ids`` a name means, else an error naming them. Of several, the
    one whose name is the name typed (letter case and Unicode form aside), else the one
    the actors file still has: an actor renamed with an accent ("Erdogan" to "Erdoğan")
    left the old one in the store, and no name could then choose either, for good."""
    if len(ids) > 1:
        typed = unicodedata.normalize("NFC", name.strip()).casefold()
        same = {i for i in ids if unicodedata.normalize("NFC", canonical[i][0]).casefold() == typed}
        if len(same) == 1:
            return sorted(same)
        if len(ids & registered) == 1:
            return sorted(ids & registered)
    if len(ids) == 1:
        return sorted(ids)
    shown = sorted(canonical[i][0] for i in ids)
    more = len(shown) - SHOWN_CANDIDATES
    listed = ", ".join(shown[:SHOWN_CANDIDATES]) + (f" and {more} more" if more > 0 else "")
    raise TrackerError(
        f"{what} {_shown(name)} could be {len(shown)} actors: {listed}; give a full name"
    )


def _shown(value: str, limit: int = 80) -> str:
    """A value a user gave, for an error line: quoted, and cut if it is long."""
    return repr(value if len(value) <= limit else value[:limit] + "…")


def plan_slugs(connection: Connection) -> list[str]:
    return list(connection.execute(select(Plan.slug).order_by(Plan.slug)).scalars())


def check_plan(connection: Connection, plan: str) -> str:
    """``plan`` when the store has that plan; an error naming the plans otherwise."""
    slugs = plan_slugs(connection)
    if plan not in slugs:
        known = ", ".join(slugs) if slugs else "none (`tracker seed` loads them)"
        raise TrackerError(f"no plan {_shown(plan)}; plans: {known}")
    return plan


def target_keys(connection: Connection, plan: str, retired: bool = False) -> set[str]:
    """The plan's targets as exports name them: point numbers, and the others' slugs; the
    retired ones (taken out of the plan's file) with ``retired``, else the live ones."""
    query = (
        select(TARGET_KEY)
        .join(Plan, Plan.id == Target.plan_id)
        .where(Plan.slug == plan, Target.retired.is_(retired))
    )
    return set(connection.execute(query).scalars())


def find_targets(
    connection: Connection, target: str, plan: str | None = None, what: str = "--target"
) -> list[int]:
    """The ids of the targets a --target names: a point number or a slug, in ``plan`` if given.

    None found is an error naming the targets there are; so is a point number or a slug
    that several plans have when no plan is given (their points are different targets). A
    number names the point its plan file has now, not a retired point that had it
    before (that one is named by its slug), and so does a slug that another plan's retired
    point has (that one is named with its plan). ``what`` is how the errors name where the
    target was given: the option, or ``target`` for one typed at the interactive review's
    prompt, where the plan is given as PLAN/TARGET, not with --plan.
    """
    query = select(
        Target.id, Target.kind, Target.number, Target.slug, Target.retired, Plan.slug.label("plan")
    ).join(Plan, Plan.id == Target.plan_id)
    if plan is not None:
        query = query.where(Plan.slug == check_plan(connection, plan))
    rows = connection.execute(query).all()
    wanted = target.strip()
    number = int(wanted) if wanted.isascii() and wanted.isdigit() else None
    ids = [
        row.id
        for row in rows
        if (number is not None and row.kind == "point" and row.number == number)
        or (number is None and row.slug.casefold() == wanted.casefold())
    ]
    if number is not None and len(ids) > 1:  # point 1 of one plan is not point 1 of another
        live = [row.id for row in rows if row.id in ids and not row.retired]
        ids = live or ids
    if number is not None and len(ids) > 1:
        found = sorted((row.plan, row.slug) for row in rows if row.id in ids)
        plans = {p for p, _ in found}
        if len(plans) == 1:  # retired points that had the number one after the other
            slugs = ", ".join(slug for _, slug in found)
            raise TrackerError(
                f"{what} {number} names {len(found)} points of plan {found[0][0]!r} "
                f"({slugs}), all taken out of its file; give the slug"
            )
        listed = ", ".join(f"{p}: {slug}" for p, slug in found)
        raise TrackerError(
            f"{what} {number} is a point of {len(plans)} plans ({listed}); {plan_hint(what)}"
        )
    plans = sorted({row.plan for row in rows if row.id in ids})
    if number is None and len(plans) > 1 and wanted.casefold() != "plan":
        # a slug that one plan has now and others had once names the live point, as a
        # number does (the retired ones are named with --plan)
        live = [row for row in rows if row.id in ids and not row.retired]
        if len({row.plan for row in live}) == 1:
            ids, plans = [row.id for row in live], [live[0].plan]
    if number is None and len(plans) > 1 and wanted.casefold() != "plan":
        # one slug in two plans names two different points, as a shared number does; the
        # plan as a whole is "plan" in every plan, and names them all
        raise TrackerError(
            f"{what} {_shown(wanted)} is a target of {len(plans)} plans "
            f"({', '.join(plans)}); {plan_hint(what)}"
        )
    if ids:
        return ids
    where = f" in plan {plan!r}" if plan is not None else ""
    raise TrackerError(f"no target {_shown(target)}{where}; targets: {_target_names(rows)}")


def plan_hint(what: str) -> str:
    """How to name the plan of a target several plans have: the option on the command line,
    PLAN/TARGET at the interactive review's prompt (``what`` not an option)."""
    return "add --plan SLUG" if what.startswith("--") else "type it as PLAN/TARGET"


def _target_names(rows) -> str:
    """Point numbers as ranges, then the other targets: "1-12, plan, troop-withdrawal"; with
    several plans, each plan's after its slug ("china-2023: 1-12, plan; other: 1-4, plan"),
    since their numbers were run together as if one plan had them all."""
    plans = sorted({r.plan for r in rows})
    if len(plans) > 1:
        return "; ".join(
            f"{p}: {_plan_target_names([r for r in rows if r.plan == p])}" for p in plans
        )
    return _plan_target_names(rows)


def _plan_target_names(rows) -> str:
    numbers = sorted({r.number for r in rows if r.kind == "point" and r.number is not None})
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    ranges = [str(a) if a == b else f"{a}-{b}" for a, b in runs]
    slugs = sorted({r.slug for r in rows if r.kind != "point" and r.slug})
    return ", ".join(ranges + slugs) or "none"


def _filters(connection: Connection, query, plan: str | None, target: str | None):
    """``query`` narrowed to a plan and a target, both checked against the store."""
    if plan is not None:
        query = query.where(Plan.slug == check_plan(connection, plan))
    if target is not None:
        query = query.where(Target.id.in_(find_targets(connection, target, plan)))
    return query


def links(
    connection: Connection,
    plan: str | None = None,
    target: str | None = None,
    limit: int | None = None,
) -> list[dict]:
    query = (
        select(
            Article.source,
            Article.published.label("date"),
            Sentence.text.label("sentence"),
            Plan.slug.label("plan"),
            TARGET_KEY,
            Link.score,
            Link.phrase,
        )
        .join(Sentence, Sentence.id == Link.sentence_id)
        .join(Article, Article.id == Sentence.article_id)
        .join(Target, Target.id == Link.target_id)
        .join(Plan, Plan.id == Target.plan_id)
        .order_by(Article.id, Sentence.ordinal, Target.id)
    )
    return _iso(_rows(connection, _filters(connection, query, plan, target), limit), "date")


POSITION_COLUMNS = (
    "source",
    "date",
    "sentence",
    "plan",
    "target",
    "target_retired",
    "actor",
    "affiliation",
    "stance",
    "score",
    "method",
    "status",
    "key",
)


def positions(
    connection: Connection,
    actor: str | None = None,
    target: str | None = None,
    plan: str | None = None,
    explain: bool = False,
    limit: int | None = None,
    *,
    since: str | None = None,
    until: str | None = None,
    article: int | None = None,
    reviewed_only: bool = False,
    min_score: float | None = None,
) -> list[dict]:
    """The positions in force, as reviewed (``tracker.review``): rejected ones left out,
    corrections applied, additions included; ``status`` says which (auto, confirmed,
    corrected, manual) and ``key`` names the position for a review sheet."""
    from tracker.review_view import Filters, decision_text, position_rows

    filters = Filters(actor, target, plan, since, until, article, limit, reviewed_only, min_score)
    columns = list(POSITION_COLUMNS) + (["explanation"] if explain else [])
    rows = Rows([], columns)
    for row in position_rows(connection, filters):
        if explain:
            why = explain_text(row["explanation"], row["method"])
            decided = decision_text(row)
            row["explanation"] = f"{why}; {decided}" if why and row["decision"] else why or decided
        rows.append({name: row[name] for name in columns})
    return rows


def explain_text(explanation: dict | None, method: str) -> str:
    if not explanation:
        return "entered by hand" if method == "manual" else ""
    if explanation.get("decider") == "learned":
        return (
            f"actor '{explanation.get('mention')}' proposed by "
            f"{', '.join(explanation.get('rules') or ['-'])}; weighed most: "
            f"{', '.join(explanation.get('features') or ['-'])}; "
            f"target by '{explanation.get('link') or 'the sentence'}', "
            f"link score {explanation.get('link_score')}"
        )
    cues = explanation.get("cues") or []
    cue_text = "cues " + " × ".join(f"'{c}'" for c in cues) if cues else "no cue: stated"
    polarity = (
        " (a phrase the target is against)" if explanation.get("phrase_polarity") == -1 else ""
    )
    return (
        f"actor '{explanation.get('mention')}' by {explanation.get('speaker_rule')}; {cue_text}; "
        f"target by '{explanation.get('link')}'{polarity}, score {explanation.get('link_score')}"
    )


def actors(connection: Connection, limit: int | None = None) -> list[dict]:
    aliases = (
        select(ActorAlias.actor_id, func.count().label("aliases"))
        .group_by(ActorAlias.actor_id)
        .subquery()
    )
    roles = (
        select(ActorRole.actor_id, func.count().label("roles"))
        .group_by(ActorRole.actor_id)
        .subquery()
    )
    reported = table("report_positions", column("actor_id"))  # as reviewed (migration 0005)
    counts = (
        select(reported.c.actor_id, func.count().label("positions"))
        .group_by(reported.c.actor_id)
        .subquery()
    )
    query = (
        select(
            Actor.name,
            Actor.kind,
            Actor.affiliation,
            func.coalesce(aliases.c.aliases, 0).label("aliases"),
            func.coalesce(roles.c.roles, 0).label("roles"),
            func.coalesce(counts.c.positions, 0).label("positions"),
            Actor.confirmed,
        )
        .outerjoin(aliases, aliases.c.actor_id == Actor.id)
        .outerjoin(roles, roles.c.actor_id == Actor.id)
        .outerjoin(counts, counts.c.actor_id == Actor.id)
        .order_by(Actor.name)
    )
    return _rows(connection, query, limit)


def points(connection: Connection, plan: str | None = None, limit: int | None = None) -> list[dict]:
    phrases = (
        select(TargetPhrase.target_id, func.count().label("phrases"))
        .group_by(TargetPhrase.target_id)
        .subquery()
    )
    query = (
        select(
            Plan.slug.label("plan"),
            TARGET_KEY,
            Target.kind,
            Target.slug,
            Target.title,
            func.coalesce(phrases.c.phrases, 0).label("phrases"),
            # taken out of its plan file: no longer coded; 1 or 0, as `target_retired` is in
            # the other listings (CSV wrote True and False)
            case((Target.retired, 1), else_=0).label("retired"),
        )
        .join(Plan, Plan.id == Target.plan_id)
        .outerjoin(phrases, phrases.c.target_id == Target.id)
        .order_by(Plan.slug, Target.kind.desc(), Target.number, Target.slug)
    )
    return _rows(connection, _filters(connection, query, plan, None), limit)
