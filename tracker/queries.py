"""The listings the CLI prints, as SQLAlchemy Core queries returning plain dicts."""

from __future__ import annotations

from typing import Any

from rapidfuzz import fuzz, process
from sqlalchemy import Connection, String, case, cast, func, select

from tracker.errors import TrackerError
from tracker.schema import (
    Actor,
    ActorAlias,
    ActorRole,
    Article,
    Link,
    Plan,
    Position,
    Sentence,
    Target,
    TargetPhrase,
)
from tracker.text import normalise_phrase

TARGET_KEY = case((Target.kind == "point", cast(Target.number, String)), else_=Target.slug).label(
    "target"
)


def _rows(connection: Connection, query) -> list[dict[str, Any]]:
    return [dict(row._mapping) for row in connection.execute(query)]


def _iso(rows: list[dict[str, Any]], *keys: str) -> list[dict[str, Any]]:
    for row in rows:
        for key in keys:
            if row.get(key) is not None and hasattr(row[key], "isoformat"):
                row[key] = row[key].isoformat()
    return rows


def find_actor_ids(connection: Connection, name: str) -> list[int]:
    """Actors answering to a name, alias or spelling variant ("Zelenskyy" → Zelensky)."""
    wanted = normalise_phrase(name)
    if not wanted:
        raise TrackerError("--actor needs a name")
    names: dict[tuple[str, ...], set[int]] = {}
    for actor_id, alias in connection.execute(
        select(Actor.id, Actor.name).union_all(
            select(ActorAlias.actor_id, ActorAlias.alias).where(ActorAlias.kind == "name")
        )
    ):
        names.setdefault(normalise_phrase(alias), set()).add(actor_id)
    if wanted in names:
        return sorted(names[wanted])
    if wanted[:1] in (("mr",), ("ms",), ("mrs",), ("dr",), ("president",)) and wanted[1:] in names:
        return sorted(names[wanted[1:]])
    choices = {" ".join(k): ids for k, ids in names.items()}
    best = process.extractOne(" ".join(wanted), list(choices), scorer=fuzz.ratio, score_cutoff=85)
    if best:
        return sorted(choices[best[0]])
    raise TrackerError(f"no actor matches {name!r}; `tracker actors` lists them")


def _target_filter(query, target: str | None):
    if target is None:
        return query
    if target.isdigit():
        return query.where(Target.kind == "point", Target.number == int(target))
    return query.where(Target.slug == target)


def links(connection: Connection, plan: str | None = None, target: str | None = None) -> list[dict]:
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
    if plan:
        query = query.where(Plan.slug == plan)
    return _iso(_rows(connection, _target_filter(query, target)), "date")


def positions(
    connection: Connection,
    actor: str | None = None,
    target: str | None = None,
    plan: str | None = None,
    explain: bool = False,
) -> list[dict]:
    columns = [
        Article.source,
        Article.published.label("date"),
        Sentence.text.label("sentence"),
        Plan.slug.label("plan"),
        TARGET_KEY,
        Actor.name.label("actor"),
        Actor.affiliation,
        Position.stance,
        Position.score,
        Position.method,
    ]
    if explain:
        columns.append(Position.explanation)
    query = (
        select(*columns)
        .join(Actor, Actor.id == Position.actor_id)
        .join(Target, Target.id == Position.target_id)
        .join(Plan, Plan.id == Target.plan_id)
        .outerjoin(Sentence, Sentence.id == Position.sentence_id)
        .outerjoin(Article, Article.id == Sentence.article_id)
        .order_by(Article.published, Article.id, Sentence.ordinal, Target.id, Actor.name)
    )
    if actor:
        query = query.where(Position.actor_id.in_(find_actor_ids(connection, actor)))
    if plan:
        query = query.where(Plan.slug == plan)
    rows = _iso(_rows(connection, _target_filter(query, target)), "date")
    if explain:
        for row in rows:
            row["explanation"] = explain_text(row.pop("explanation"), row["method"])
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


def actors(connection: Connection) -> list[dict]:
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
    counts = (
        select(Position.actor_id, func.count().label("positions"))
        .group_by(Position.actor_id)
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
    return _rows(connection, query)


def points(connection: Connection, plan: str | None = None) -> list[dict]:
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
        )
        .join(Plan, Plan.id == Target.plan_id)
        .outerjoin(phrases, phrases.c.target_id == Target.id)
        .order_by(Plan.slug, Target.kind.desc(), Target.number, Target.slug)
    )
    if plan:
        query = query.where(Plan.slug == plan)
    return _rows(connection, query)
