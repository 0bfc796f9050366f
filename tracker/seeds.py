"""Loading the reference data (plans, targets, actors) from the TOML files under ``seeds/``.

Loading is an upsert keyed on slugs and canonical names, so ``tracker seed``
can be re-run after editing the files: rows are updated, new ones added, and
nothing an analyst stored (articles, positions, new actors) is touched.
"""

from __future__ import annotations

import datetime as dt
import difflib
import unicodedata
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, delete, select, update

from tracker.coder.actors import name_key
from tracker.coder.lexicon import lexicon_path, load_lexicon, read_toml
from tracker.coder.text import normalise_phrase
from tracker.errors import TrackerError
from tracker.resources import missing_seeds_folder, plan_files, seeds_dir
from tracker.review import renumber_decisions
from tracker.schema import (
    ACTOR_KINDS,
    Actor,
    ActorAlias,
    ActorRole,
    Article,
    Plan,
    ReviewDecision,
    Seeding,
    Target,
    TargetPhrase,
)
from tracker.seed_schema import ACTORS, PLAN, WHOLE_SLUG, check, shown, slug_problem


def _upsert(connection: Connection, table, key: dict, values: dict) -> int:
    found = connection.execute(select(table.id).filter_by(**key)).scalar()
    if found is None:
        return connection.execute(
            table.__table__.insert().values(**key, **values)
        ).inserted_primary_key[0]
    connection.execute(table.__table__.update().where(table.id == found).values(**values))
    return found


def check_actor_file(path: Path) -> list[dict[str, Any]]:
    """The actors file's entries, read and checked: its keys (the schema), and what the
    schema cannot say. A name given twice was loaded as one actor, the last entry wiping
    the first one's aliases and roles; a blank alias would match nothing, or anything."""
    entries: list[dict[str, Any]] = check(path, read_toml(path), ACTORS)["actors"]
    seen: set[str] = set()
    firsts: dict[str, tuple[int, str]] = {}  # by folded name: the entry that has it
    for number, entry in enumerate(entries, 1):
        name = entry["name"]
        if not name.strip():
            raise TrackerError(f"{path}: [[actors]] #{number} has a blank name")
        first = firsts.setdefault(_actor_key(name), (number, name))
        if first[0] != number:
            raise TrackerError(
                f"{path}: actor {shown(name)} is given twice {_twice(number, first, name)}"
            )
        seen.add(name)
        for key in ("aliases", "adjectives"):
            if any(not a.strip() for a in entry.get(key, [])):
                raise TrackerError(f"{path}: actor {shown(name)} has a blank entry in {key}")
        for role in entry.get("roles", []):
            titles = role.get("titles", [])
            if not titles or any(not title.strip() for title in titles):
                # a blank title made every mention of the state's adjective that person
                # ("A German diplomat said" coded as Jane Roe's)
                raise TrackerError(
                    f"{path}: a role of {shown(name)} has "
                    + ("no titles" if not titles else "a blank title")
                )
            if role.get("from") and role.get("to") and role["to"] < role["from"]:
                raise TrackerError(
                    f"{path}: a role of {shown(name)} ends ({role['to']}) before it begins "
                    f"({role['from']})"
                )
    problem = _alias_taking_a_name(entries)
    if problem:
        raise TrackerError(f"{path}: {problem}")
    for entry in entries:  # free text may be an affiliation, but not a misspelt actor
        affiliation = entry.get("affiliation")
        if affiliation and affiliation not in seen:
            close = difflib.get_close_matches(affiliation, seen, n=1, cutoff=0.75)
            if close:
                raise TrackerError(
                    f"{path}: the affiliation {shown(affiliation)} of {shown(entry['name'])} is no "
                    f"actor; did you mean {shown(close[0])}?"
                )
    return entries


def _actor_key(name: str) -> str:
    """An actor's name as the coder matches it (``name_key``: case, accents, dots, hyphens,
    spaces of any kind, invisible characters), else folded: "Boris\u00a0Pistorius" and
    "Bóris Pistorius" were second actors beside "Boris Pistorius", whom the coder could then
    not tell apart (no position for either, and no --actor could name one)."""
    from tracker.coder.actors import name_key

    key = name_key(name)
    return " ".join(key) if key else _folded(name)


def _folded(text: str) -> str:
    """``text`` as one name or slug whatever its letter case and Unicode form (NFC or NFD,
    as macOS writes é): "Jane Roe" and "jane roe" were two actors, stored apart, that the
    coder could not tell apart."""
    return unicodedata.normalize("NFC", text).casefold()


def _twice(number: int, first: tuple[int, str], name: str) -> str:
    """Where an actor given twice is given again, for the error line, and the first entry
    when its name is written otherwise (in another letter case or Unicode form)."""
    if first[1] == name:
        return f"([[actors]] #{number})"
    return (
        f"([[actors]] #{number}): [[actors]] #{first[0]} is {shown(first[1])}, which differs "
        "from it only in what matching leaves out (letter case, accents, spaces, dots, "
        "hyphens, Unicode form)"
    )


def _alias_taking_a_name(entries: list[dict[str, Any]]) -> str | None:
    """An alias that is another actor's canonical name, compared as the coder matches names
    (``name_key``: case, accents, dots, hyphens, "the", a possessive 's): `aliases =
    ["Russia"]` on a person made every "Russia" that person's too, and Russia's positions
    vanished. Another actor's alias (a surname two people share) stays allowed."""
    owners: dict[tuple[str, ...], tuple[int, str]] = {}
    for number, entry in enumerate(entries, 1):
        if key := name_key(entry["name"]):  # a name of no word ("…") matches nothing
            owners.setdefault(key, (number, entry["name"]))
    for number, entry in enumerate(entries, 1):
        for item, alias in enumerate(entry.get("aliases", []), 1):
            owner = owners.get(name_key(alias))
            if owner is not None and owner[1] != entry["name"]:
                where = f"[[actors]] #{number} ({shown(entry['name'])}): item {item}"
                return (
                    f"key 'aliases' in {where} ({shown(alias)}) is the name of actor "
                    f"{shown(owner[1])} ([[actors]] #{owner[0]}); the coder would take that "
                    "actor's mentions for this one's"
                )
    return None


def load_actors(connection: Connection, path: Path) -> set[str]:
    """Upsert the actors file's actors with their aliases and roles; their names."""
    entries = check_actor_file(path)
    ids: dict[str, int] = {}
    for entry in entries:
        name, kind = entry.get("name"), entry.get("kind", "person")
        if not name or kind not in ACTOR_KINDS:
            raise TrackerError(
                f"{path}: actor {shown(name)} needs a name and a kind in {ACTOR_KINDS}"
            )
        ids[name] = _upsert(
            connection,
            Actor,
            {"name": name},
            {
                "kind": kind,
                "affiliation": entry.get("affiliation", name),
                "gender": entry.get("gender"),
                "confirmed": True,
            },
        )
    for entry in entries:
        actor_id = ids[entry["name"]]
        connection.execute(delete(ActorAlias).where(ActorAlias.actor_id == actor_id))
        connection.execute(delete(ActorRole).where(ActorRole.actor_id == actor_id))
        aliases = [(a, "name") for a in entry.get("aliases", [])]
        aliases += [(a, "adjective") for a in entry.get("adjectives", [])]
        rows = [{"actor_id": actor_id, "alias": a, "kind": k} for a, k in dict(aliases).items()]
        if rows:
            connection.execute(ActorAlias.__table__.insert(), rows)
        roles = []
        for role in entry.get("roles", []):
            of = role.get("of")
            if of is not None and of not in ids:
                raise TrackerError(
                    f"{path}: role of {shown(entry['name'])} names unknown actor {shown(of)}"
                )
            for title in role["titles"]:
                if title:
                    roles.append(
                        {
                            "actor_id": actor_id,
                            "title": title,
                            "of_actor_id": ids.get(of) if of else None,
                            "valid_from": _date(role.get("from")),
                            "valid_to": _date(role.get("to")),
                        }
                    )
        if roles:
            connection.execute(ActorRole.__table__.insert(), roles)
    return set(ids)


def _date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _plan_targets(data: dict[str, Any]) -> list[tuple[str, int | None, str, str, str, list]]:
    """A plan file's targets as (kind, number, slug, title, description, phrases), the
    plan as a whole first; each phrase with its polarity as stored (1 for, -1 against,
    2 generic, 0 not this plan)."""
    whole = data.get("plan_target", {})
    targets: list[tuple[str, int | None, str, str, str, list]] = [
        (
            "plan",
            None,
            WHOLE_SLUG,
            whole.get("title", data["title"]),
            "",
            [(p, 1) for p in whole.get("phrases", [])]
            + [(p, 2) for p in whole.get("generic", [])]
            + [(p, 0) for p in whole.get("not_this_plan", [])],
        )
    ]
    for kind, key in (("point", "points"), ("issue", "issues")):
        for entry in data.get(key, []):
            phrases = [(p, 1) for p in entry.get("phrases", [])]
            phrases += [(p, -1) for p in entry.get("against", [])]
            targets.append(
                (
                    kind,
                    entry.get("number"),
                    entry["slug"],
                    entry["title"],
                    entry.get("description", ""),
                    phrases,
                )
            )
    return targets


def changed_phrases(connection: Connection, path: Path, data: dict[str, Any]) -> list[str]:
    """A warning for each stored target of the file whose phrases the file changes: what
    was coded before was linked by the old ones, and stays so until it is coded again."""
    if connection.execute(select(Article.id).limit(1)).first() is None:
        return []  # nothing coded yet
    stored: dict[str, dict[str, int]] = {}
    for slug, phrase, polarity in connection.execute(
        select(Target.slug, TargetPhrase.phrase, TargetPhrase.polarity)
        .join(Plan, Plan.id == Target.plan_id)
        .outerjoin(TargetPhrase, TargetPhrase.target_id == Target.id)
        .where(Plan.slug == data["slug"])
    ):
        phrases = stored.setdefault(slug, {})
        if phrase is not None:
            phrases[phrase] = polarity
    notes = []
    for kind, number, slug, _, _, phrases in _plan_targets(data):
        old = stored.get(slug)
        new = dict(phrases)
        if old is None or _phrases_folded(old) == _phrases_folded(new):  # as matching reads
            continue
        old, new = _phrases_folded(old), _phrases_folded(new)
        parts = [
            f"{n} phrase{'s' * (n != 1)} {what}"
            for n, what in (
                (len(new.keys() - old.keys()), "added"),
                (len(old.keys() - new.keys()), "taken out"),
                (sum(old[p] != new[p] for p in old.keys() & new.keys()), "moved between lists"),
            )
            if n
        ]
        name = kind if number is None else f"{kind} {number}"
        notes.append(
            f"{path}: {name} {shown(slug)}: {', '.join(parts)}; the links and positions already "
            f"coded with the old phrases {_STAY}"
        )
    return notes


def _phrases_folded(phrases: dict[str, int]) -> dict[str, int]:
    """Phrases as matching reads them: in any letter case."""
    return {_folded(p): polarity for p, polarity in phrases.items()}


def load_plan(connection: Connection, path: Path, data: dict[str, Any]) -> str:
    """Upsert the plan of ``path``; ``data`` is the file as ``check_plan_files`` read it."""
    slug = data.get("slug")
    if not slug or not data.get("title"):
        raise TrackerError(f"{path}: a plan needs a slug and a title")
    author = data.get("author")
    author_id = None
    if author:
        author_id = connection.execute(select(Actor.id).where(Actor.name == author)).scalar()
        if author_id is None:
            raise TrackerError(
                f"{path}: the plan's author {shown(author)} is not in the actors file"
            )
    plan_id = _upsert(
        connection,
        Plan,
        {"slug": slug},
        {"title": data["title"], "published": _date(data.get("published")), "author_id": author_id},
    )
    targets = _plan_targets(data)
    for kind, number, target_slug, title, description, phrases in targets:
        target_id = _upsert(
            connection,
            Target,
            {"plan_id": plan_id, "slug": target_slug},
            {
                "kind": kind,
                "number": number,
                "title": title,
                "description": description,
                "retired": False,  # back in the file: coded again
            },
        )
        connection.execute(delete(TargetPhrase).where(TargetPhrase.target_id == target_id))
        rows = [
            {"target_id": target_id, "phrase": p, "polarity": polarity}
            for p, polarity in dict(phrases).items()
        ]
        if rows:
            connection.execute(TargetPhrase.__table__.insert(), rows)
    return slug


# The largest point number both databases store (PostgreSQL's integer); a larger one
# failed in the driver, as a traceback on SQLite.
LARGEST_POINT = 2**31 - 1


def link_stopwords(folder: Path) -> frozenset[str]:
    """The words the linker leaves out of plan phrases: the stopwords of the lexicon the
    coder reads (checked, as every command that codes reads it), when it is the seeds
    ``folder``'s; none when that folder has no lexicon (nothing could be coded with it)."""
    if lexicon_path() != folder / "lexicon.toml" or not lexicon_path().is_file():
        return frozenset()
    return frozenset(load_lexicon().get("link", {}).get("stopwords", ()))


def _unmatchable(phrases: list[str], stopwords: frozenset[str]) -> str:
    """Why the first phrase that no sentence could ever match cannot (the linker leaves the
    lexicon's stopwords out of a phrase: one made of them alone, "all for all", was loaded
    and never matched, with no word), or ""."""
    for phrase in phrases:
        if not phrase.strip():
            continue  # a blank phrase has its own error
        found = normalise_phrase(phrase)
        if not found:
            return f"the phrase {shown(phrase)} has no words, so it can never match"
        if all(word in stopwords for word in found):
            return (
                f"the phrase {shown(phrase)} is made of the lexicon's stopwords alone, which "
                "matching leaves out, so it can never match"
            )
    return ""


def _plan_problem(data: dict[str, Any], stopwords: frozenset[str]) -> str | None:
    """What the schema cannot say is wrong with a plan that fits it: targets that would be
    stored as one (a slug twice, the plan-as-a-whole's slug reused by a point), a point
    number twice or below 1, a blank phrase, one of the lexicon's ``stopwords`` alone (or
    of no words), a point or issue no phrase could ever link, a
    plan with no points (which ``db check`` would report), generic words with no date to
    count the plan's first months from, and then a slug not made as slugs are."""
    if not data.get("points"):
        return "the plan has no [[points]]"
    if not data["slug"].strip() or not data["title"].strip():
        return f"the plan's {'slug' if not data['slug'].strip() else 'title'} is blank"
    whole = data.get("plan_target", {})
    for phrase in whole.get("phrases", []) + whole.get("generic", []):
        if not phrase.strip():
            return "plan_target has a blank phrase"
    whole_phrases = [
        phrase for key in ("phrases", "generic", "not_this_plan") for phrase in whole.get(key, [])
    ]
    unmatchable = _unmatchable(whole_phrases, stopwords)
    if unmatchable:
        return f"plan_target: {unmatchable}"
    both = _in_both(
        whole.get("phrases", []) + whole.get("generic", []), whole.get("not_this_plan", [])
    )
    if both:
        return (
            f"plan_target: the phrase {shown(both)} is in 'not_this_plan' and names the plan too"
            " ('phrases' or 'generic')"
        )
    if whole.get("generic") and "published" not in data:  # without it, they named it forever
        return (
            "key 'generic' in [plan_target] needs the plan's 'published' date: generic words "
            "name the plan only in the first months after it (the lexicon's generic_plan_days)"
        )
    return _target_problem(data, stopwords) or slug_problem(data) or None


def _target_problem(data: dict[str, Any], stopwords: frozenset[str]) -> str:
    """The first point or issue that would be stored as another target (its slug another's,
    in any letter case, or the plan as a whole's), a point number twice or out of range, a
    blank slug, title or phrase, a target with no phrases; or "". A number given twice
    names both entries, so that the analyst need not search the file for the other."""
    slugs = {WHOLE_SLUG: (WHOLE_SLUG, "the plan as a whole")}  # by folded slug
    numbers: dict[int, str] = {}  # the entry that has each number
    for key, kind in (("points", "point"), ("issues", "issue")):
        for index, entry in enumerate(data.get(key, []), 1):
            slug, number = entry["slug"], entry.get("number")
            what = f"{kind} {number}" if number is not None else f"{kind} {shown(slug)}"
            named = f"{what} ({shown(slug)})" if number is not None else what
            if not slug.strip() or not entry["title"].strip():
                return f"{what}: its {'slug' if not slug.strip() else 'title'} is blank"
            if _folded(slug) in slugs:
                return f"{what}: slug {shown(slug)} {_slug_taken(slug, *slugs[_folded(slug)])}"
            slugs[_folded(slug)] = (slug, what)
            if number is not None:
                if not 1 <= number <= LARGEST_POINT:
                    return f"{what}: point numbers go from 1 to {LARGEST_POINT}"
                label = f"[[{key}]] #{index} ({shown(slug)})"
                if number in numbers:
                    return f"{label} and {numbers[number]} both have the number {number}"
                numbers[number] = label
            phrases = entry.get("phrases", []) + entry.get("against", [])
            if any(not p.strip() for p in phrases):
                return f"{named} has a blank phrase"
            if not phrases:
                return f"{named} has no phrases: no sentence could ever link to it"
            unmatchable = _unmatchable(phrases, stopwords)
            if unmatchable:
                return f"{named}: {unmatchable}"
            both = _in_both(entry.get("phrases", []), entry.get("against", []))
            if both:
                return (
                    f"{named}: the phrase {shown(both)} is in both 'phrases' and 'against'; "
                    "a phrase says what the point asks for or what it is against, not both"
                )
    return ""


def _in_both(phrases: list[str], against: list[str]) -> str:
    """The first of ``against`` that is one of ``phrases`` as matching reads them (words,
    letter case aside), or "". Stored once, such a phrase was ``against`` alone, so that
    "supported a truce" read as oppose, with no word from `tracker seed`."""
    wanted = {tuple(normalise_phrase(p)) for p in phrases}
    return next((p for p in against if tuple(normalise_phrase(p)) in wanted), "")


def _slug_taken(slug: str, taken: str, owner: str) -> str:
    """Why a slug may not be used again: another target of the plan has it, or has it in
    another letter case ("Ceasefire" and "ceasefire" are one target to a reader)."""
    if taken == slug:
        return f"is already that of {owner}"
    return f"is that of {owner} ({shown(taken)}) but for letter case"


def check_plan_files(
    paths: list[Path], stopwords: frozenset[str] = frozenset()
) -> list[dict[str, Any]]:
    """Every plan file read and checked, before anything is written: its keys (the
    schema), its targets (``_plan_problem``), and its slug, which no other file may
    take (two files with one slug would be loaded as one plan)."""
    plans: list[dict[str, Any]] = []
    owners: dict[str, Path] = {}
    for path in paths:
        data = check(path, read_toml(path), PLAN)
        problem = _plan_problem(data, stopwords)
        if problem:
            raise TrackerError(f"{path}: {problem}")
        slug = data["slug"]
        if slug in owners:
            raise TrackerError(f"{path}: slug {shown(slug)} is also that of {owners[slug]}")
        owners[slug] = path
        plans.append(data)
    return plans


def check_seed_files(folder: Path | None = None) -> None:
    """Read and check the seed files before a new store is made from them, so that a
    missing folder or a broken file is one error and leaves no half-made store (its
    schema without plans)."""
    folder = folder or seeds_dir()
    if not folder.is_dir():
        raise TrackerError(f"{missing_seeds_folder(folder)}; nothing was created")
    names = {entry["name"] for entry in check_actor_file(folder / "actors.toml")}
    paths = plan_files(folder)
    if not paths:
        raise TrackerError(f"no plans in {folder / 'plans'}; nothing was created")
    checked = check_plan_files(paths, link_stopwords(folder))
    for path, data in zip(paths, checked, strict=True):
        author = data.get("author")
        if author and author not in names:
            raise TrackerError(
                f"{path}: the plan's author {shown(author)} is not in the actors file; "
                "nothing was created"
            )


def load_seeds(connection: Connection, folder: Path | None = None) -> dict[str, Any]:
    """Load actors, then every plan under ``plans/``; returns what was loaded, and a
    warning line for each point renamed, renumbered or retired."""
    folder = folder or seeds_dir()
    if not folder.is_dir():  # a mistyped TRACKER_SEEDS_DIR: it was "no plans in …/plans"
        raise TrackerError(f"{missing_seeds_folder(folder)}; nothing was loaded")
    paths = plan_files(folder)
    if not paths:  # would retire every stored plan
        raise TrackerError(f"no plans in {folder / 'plans'}; nothing was loaded")
    files = check_plan_files(paths, link_stopwords(folder))  # all before any is written
    actors = load_actors(connection, folder / "actors.toml")
    plans, notes = [], retire_missing_actors(connection, folder / "actors.toml", actors)
    for path, data in zip(paths, files, strict=True):
        notes += match_stored(connection, path, data)
        notes += changed_phrases(connection, path, data)
        plans.append(load_plan(connection, path, data))
        notes += retire_missing(connection, path, data)
    notes += retire_plans_without_file(connection, folder / "plans", plans)
    record_seeding(connection, folder)
    return {"actors": len(actors), "plans": plans, "warnings": notes}


def record_seeding(connection: Connection, folder: Path) -> None:
    """The plan and actor files just loaded, by hash: what coding runs record as the
    plans and actors they coded with (``tracker.provenance.coding_configuration``)."""
    from tracker.provenance import seed_file_hashes

    plans, actors = seed_file_hashes(folder)
    connection.execute(
        Seeding.__table__.insert().values(
            plans_hash=plans, actors_hash=actors, seeds_dir=str(folder)
        )
    )


def plan_file_targets(folder: Path | None = None) -> set[tuple[str, str]]:
    """The targets the plan files hold, as (plan slug, target slug), the files checked."""
    return {
        (data["slug"], slug)
        for data in check_plan_files(plan_files(folder or seeds_dir()))
        for _, _, slug in _file_targets(data)
    }


def _file_targets(data: dict[str, Any]) -> list[tuple[str, int | None, str]]:
    """A plan file's targets as (kind, number, slug), the plan as a whole first."""
    found: list[tuple[str, int | None, str]] = [("plan", None, WHOLE_SLUG)]
    for kind, key in (("point", "points"), ("issue", "issues")):
        found += [(kind, e.get("number"), e["slug"]) for e in data.get(key, [])]
    return found


def match_stored(connection: Connection, path: Path, data: dict[str, Any]) -> list[str]:
    """Match the file's targets to the stored ones before they are upserted by slug, so a
    point keeps its identity: a point whose slug changed is the stored point with its
    number (and the plan as a whole the stored one), renamed, not a new point beside a
    retired one; a slug stored for another kind of target is an error; a point whose
    number changed is named, since exports, gold files, review decisions and the model
    name points by number."""
    stored = connection.execute(
        select(Target.id, Target.kind, Target.number, Target.slug)
        .join(Plan, Plan.id == Target.plan_id)
        .where(Plan.slug == data["slug"])
    ).all()
    if not stored:
        return []
    targets = _file_targets(data)
    in_file = {slug for _, _, slug in targets}
    by_slug = {row.slug: row for row in stored}
    notes = []
    renumbered: list[tuple[str, str, str]] = []  # (old number, new, slug) of each point
    for kind, number, slug in targets:
        row = by_slug.get(slug)
        what = kind if number is None else f"{kind} {number}"
        if row is not None:
            if row.kind != kind:
                raise TrackerError(
                    f"{path}: {what} has the slug {shown(slug)} of a stored {row.kind} target; "
                    "give it another slug"
                )
            if kind == "point" and row.number != number:
                renumbered.append((str(row.number), str(number), slug))
            continue
        if kind == "issue":  # an issue has no number: a new slug is a new issue
            continue
        old = next(
            (r for r in stored if (r.kind, r.number) == (kind, number) and r.slug not in in_file),
            None,
        )
        if old is not None:  # renamed: the same target under its new slug
            connection.execute(update(Target).where(Target.id == old.id).values(slug=slug))
            del by_slug[old.slug]
            notes.append(
                f"{path}: {what} {shown(old.slug)} is now {shown(slug)}: the same target, renamed"
            )
    if renumbered:  # decisions name points by number, as the store does
        _refuse_shadowing(connection, path, data["slug"], stored, in_file, renumbered)
        moved = renumber_decisions(connection, data["slug"], {o: n for o, n, _ in renumbered})
        for old, new, slug in renumbered:
            n = moved[old]
            decisions = f"; {n} review decision{'s' * (n != 1)} on it moved with it" if n else ""
            notes.append(
                f"{path}: point {shown(slug)} was number {old} and is now {new}"
                f"{decisions}: exports, gold files and the decision model name points by "
                f"number, so what they name point {old} now names another point"
            )
    return notes


def _refuse_shadowing(
    connection: Connection,
    path: Path,
    plan: str,
    stored: list,
    in_file: set[str],
    renumbered: list[tuple[str, str, str]],
) -> None:
    """A point renumbered onto the number of a point taken out of the file, while review
    decisions name that number: they are the retired point's, and would be read as the
    live one's (decisions name points by number). An error, before anything is written."""
    moving_off = {old for old, _, _ in renumbered}
    for _, new, slug in renumbered:
        retired = [
            r.slug
            for r in stored
            if r.kind == "point" and str(r.number) == new and r.slug not in in_file
        ]
        if not retired or new in moving_off:
            continue
        c = ReviewDecision.__table__.c
        named = connection.execute(
            select(c.id)
            .where(
                ((c.plan == plan) & (c.target == new))
                | ((c.decided_plan == plan) & (c.decided_target == new))
            )
            .limit(1)
        ).first()
        if named is not None:
            raise TrackerError(
                f"{path}: point {shown(slug)} would take number {new}, which {shown(retired[0])}, "
                f"taken out of the file, still has, and review decisions name point {new}: they "
                "could not be told apart; give it another number; nothing was loaded"
            )


def retire_plans_without_file(connection: Connection, folder: Path, loaded: list[str]) -> list[str]:
    """Retire every target of a stored plan that no file has any more (the file removed,
    or its slug changed): like a point taken out of its file, it is not coded from now on."""
    rows = connection.execute(
        select(Plan.slug, Target.id)
        .join(Target, Target.plan_id == Plan.id)
        .where(Plan.slug.not_in(loaded), Target.retired.is_(False))
    ).all()
    _retire(connection, [row.id for row in rows])
    return [
        f"{folder}: no file has plan {shown(slug)} any more: its targets are retired, so they are "
        f"not coded from now on; the links and positions already coded on them {_STAY}"
        for slug in sorted({row.slug for row in rows})
    ]


def retire_missing(connection: Connection, path: Path, data: dict[str, Any]) -> list[str]:
    """Retire the plan's stored targets that its file no longer has (a point taken out;
    ``match_stored`` has renamed those whose slug changed): the coder stops coding them.
    Nothing is deleted: their links and positions stay until their articles are coded
    again. Returns a warning line for each target retired now (not again later)."""
    slug = data["slug"]
    kept = {target for _, _, target in _file_targets(data)}
    rows = connection.execute(
        select(Target.id, Target.kind, Target.number, Target.slug)
        .join(Plan, Plan.id == Target.plan_id)
        .where(Plan.slug == slug, Target.retired.is_(False))
        .order_by(Target.number, Target.slug)
    ).all()
    gone = [row for row in rows if row.slug not in kept]
    _retire(connection, [row.id for row in gone])
    return [
        f"{path}: {row.kind if row.number is None else f'{row.kind} {row.number}'} "
        f"{shown(row.slug)} is no longer in the file: retired, so it is not coded from now on; "
        f"the links and positions already coded on it {_STAY}"
        for row in gone
    ]


def retire_missing_actors(connection: Connection, path: Path, names: set[str]) -> list[str]:
    """Stop recognising the actors of an earlier seeding that the actors file no longer has,
    as a point taken out of its plan file is no longer coded: a renamed actor ("Volodymyr
    Zelensky" to "Volodymyr Zelenskyy") kept its old self, aliases and all, so that every
    alias named two actors and new mentions coded neither. Nothing is deleted: the actor
    keeps its name and what was coded for it (unconfirmed, as a name coding met is).
    ``names`` are the file's actors (as ``load_actors`` loaded them). Returns a warning
    line for each actor retired now."""
    rows = connection.execute(
        select(Actor.id, Actor.name).where(Actor.confirmed.is_(True)).order_by(Actor.name)
    ).all()
    gone = [row for row in rows if row.name not in names]
    if gone:
        connection.execute(
            update(Actor).where(Actor.id.in_([row.id for row in gone])).values(confirmed=False)
        )
    return [
        f"{path}: actor {row.name!r} is no longer in the file: not recognised from now on; "
        f"the positions already coded for it {_STAY}"
        for row in gone
    ]


# What a retirement keeps, as the warnings say it.
_STAY = "stay until their articles are coded again (tracker recode --stale)"


def _retire(connection: Connection, ids: list[int]) -> None:
    """Mark these targets retired: the coder stops coding them; nothing is deleted."""
    if ids:
        connection.execute(update(Target).where(Target.id.in_(ids)).values(retired=True))


def seed_articles(folder: Path | None = None) -> list[Path]:
    """The seeds folder's ``articles/``, for ingest to read as it reads any folder (``.txt``
    and ``.jsonl``, hidden names passed over); none when there is no such folder. (Only
    ``*.txt`` was read: a ``.jsonl`` feed there was passed over silently.)"""
    articles = (folder or seeds_dir()) / "articles"
    if articles.is_dir():
        return [articles]
    if articles.exists() or articles.is_symlink():  # it was passed over in silence
        raise TrackerError(f"{articles}: not a folder (a file, or a link to nothing)")
    return []
