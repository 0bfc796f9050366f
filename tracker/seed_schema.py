"""What the seed files may contain: the allowed keys of every table, their types, and which
are required, checked when a file is loaded.

A mistake in a file an analyst edited (a misspelt key, a missing one, a number written as a
string) is one line naming the file and the key, raised as a TrackerError, never a traceback
and never a setting silently ignored.

A schema is written with plain Python values:

    str, int, bool, dt.date   a value of that type (an int is not a bool, a date not a date-time)
    float                     a number: an integer or a decimal
    OneOf("a", "b")           one of these strings
    Text(column)              a string no longer than the store's column keeps
    Range(int, 0, 20)         a number of that type from the first bound to the second
    [spec]                    a list whose every item is ``spec``
    Table(required, optional) a table with these keys and no others; ``[Table(...)]`` is an
                              array of tables (``[[points]]``) or a list of inline tables
    MapOf(spec)               a table whose keys are the analyst's own (phrases), each
                              value ``spec``
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from pathlib import Path
from typing import Any

from tracker.coder.text import normalise_phrase, stem
from tracker.errors import TrackerError
from tracker.schema import (
    ACTOR_KINDS,
    Actor,
    ActorAlias,
    ActorRole,
    Plan,
    Target,
    TargetPhrase,
)


class Table:
    def __init__(
        self, required: dict[str, Any] | None = None, optional: dict[str, Any] | None = None
    ) -> None:
        self.required = required or {}
        self.optional = optional or {}
        self.keys = {**self.required, **self.optional}


class MapOf:
    def __init__(self, value: Any) -> None:
        self.value = value


class OneOf:
    def __init__(self, *choices: str, hint: str = "") -> None:
        self.choices, self.hint = choices, hint


class Text:
    """A string the store keeps in a column of limited length. SQLite keeps a longer one
    whole and PostgreSQL refuses the whole seed, so the same file loaded on one database and
    not the other; the length comes from the column itself (``tracker.schema``)."""

    def __init__(self, column: Any) -> None:
        self.max_length: int = column.property.columns[0].type.length


class Word:
    """A word or phrase of a word list: blank, it matched nothing, and the analyst who wrote
    it believed it did."""


class Range:
    """A number between two bounds: a similarity of 0.86 (a share, where rapidfuzz's 0-100
    was meant) linked twice as many sentences, and one of 860 was a traceback."""

    def __init__(self, kind: type, low: float, high: float, hint: str = "") -> None:
        self.kind, self.low, self.high, self.hint = kind, low, high, hint


WORDS = [Word()]  # a list of words or phrases
SIMILARITY = Range(float, 50, 100, " (a rapidfuzz ratio: 100 is the same word)")
WORD_COUNT = Range(int, 0, 50, " (words)")
KIND = OneOf(*ACTOR_KINDS)
ACTOR_NAME = Text(Actor.name)
ALIASES = [Text(ActorAlias.alias)]

LEXICON = Table(
    required={
        "segment": Table(required={"abbreviations": WORDS}),
        "link": Table(
            required={
                "stopwords": WORDS,
                "word_similarity": SIMILARITY,
                "window_slack": WORD_COUNT,
            },
            optional={
                "link_threshold": Range(float, 0, 1, " (a share of the phrase's words)"),
                "generic_plan_days": Range(int, 0, 36500, " (days)"),
            },
        ),
        "actors": Table(
            required={
                "person_titles": WORDS,
                "pronouns_male": WORDS,
                "pronouns_female": WORDS,
                "name_similarity": SIMILARITY,
            },
            optional={
                "pronouns_bodies": WORDS,
                "pronouns_plural": WORDS,
                "apposition_openers": WORDS,
                "place_words": WORDS,
                "topic_nouns": WORDS,
                "honorifics": WORDS,
                "institution_words": WORDS,
                "name_particles": WORDS,
                "anaphors": MapOf([KIND]),  # "the group" = ["group", "organisation"]
                "collectives": MapOf(KIND),  # "the two ministers" = "person"
            },
        ),
        "speakers": Table(
            required={
                "reporting_verbs": WORDS,
                "according_to": WORDS,
                "object_markers": WORDS,
                "passive_auxiliaries": WORDS,
                "determiners": WORDS,
                "auxiliaries": WORDS,
                "relative_pronouns": WORDS,
                "plan_pronouns": WORDS,
                "generic_determiners": WORDS,
                "plan_parts": WORDS,
                "plan_subjects": WORDS,
            },
            optional={
                "complementizers": WORDS,
                "agent_markers": WORDS,
                "definite_articles": WORDS,
                "documents": WORDS,
                "document_verbs": WORDS,
                "issuing_verbs": WORDS,
                "praise_verbs": WORDS,
            },
        ),
        "stance": Table(
            required={
                "support": WORDS,
                "oppose": WORDS,
                "mixed": WORDS,
                "conditions": WORDS,
                "negations": WORDS,
                "negation_scope": WORD_COUNT,
                "after_scope": WORD_COUNT,
                "linking_words": WORDS,
                "clause_breaks": WORDS,
                "soft_breaks": WORDS,
                "omission_cues": WORDS,
            },
            optional={
                "harms": WORDS,
                "lacks": WORDS,
                "mixed_adverbs": WORDS,
                "neutral": WORDS,
                "condition_gap": WORD_COUNT,
                "negation_bridges": WORDS,
                "require_cue": bool,
                "outcome_conditions": WORDS,
                "not_yet_endorsements": WORDS,
                "complement_markers": WORDS,
            },
        ),
    }
)

ROLE = Table(
    required={"titles": [Text(ActorRole.title)]},
    optional={"of": ACTOR_NAME, "from": dt.date, "to": dt.date},
)
ACTORS = Table(
    required={
        "actors": [
            Table(
                required={"name": ACTOR_NAME, "kind": KIND},
                optional={
                    "affiliation": Text(Actor.affiliation),
                    "gender": OneOf("male", "female"),
                    "aliases": ALIASES,
                    "adjectives": ALIASES,
                    "roles": [ROLE],
                },
            )
        ]
    }
)

# The slug of a plan's target for the plan as a whole: the export contract's `target`
# and `--target plan` name it so, whatever the plan (another slug was never found by them).
WHOLE_SLUG = "plan"
PHRASES = [Text(TargetPhrase.phrase)]
_TARGET = {"description": str, "phrases": PHRASES, "against": PHRASES}
TARGET_SLUG, TARGET_TITLE = Text(Target.slug), Text(Target.title)
PLAN = Table(
    required={"slug": Text(Plan.slug), "title": Text(Plan.title)},
    optional={
        "published": dt.date,
        "author": ACTOR_NAME,
        "plan_target": Table(
            optional={
                "slug": OneOf(
                    WHOLE_SLUG, hint=" (exports and --target plan name the plan as a whole so)"
                ),
                "title": TARGET_TITLE,
                "phrases": PHRASES,
                "generic": WORDS,
                "not_this_plan": WORDS,
            }
        ),
        "points": [
            Table(
                required={"number": int, "slug": TARGET_SLUG, "title": TARGET_TITLE},
                optional=_TARGET,
            )
        ],
        "issues": [Table(required={"slug": TARGET_SLUG, "title": TARGET_TITLE}, optional=_TARGET)],
    },
)


# What a plan's or a target's slug is made of: it is typed (`--plan`, `--target`) and names
# targets in exports and gold files. "Peace-conference" was another target than
# "peace-conference", and a space or another script had to be quoted on every command line.
SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")
_SLUG_RULE = (
    "must be lower-case ASCII letters, digits and hyphens, not starting with a hyphen "
    "(like 'troop-withdrawal')"
)


def slug_problem(plan: dict[str, Any]) -> str:
    """The first slug of a plan file (the plan's, then its points' and issues') that is not
    made as ``SLUG`` says, as the end of an error line naming its key; or "". Checked after
    the targets (``tracker.seeds``), so that two slugs differing only in case are named as
    one target given twice."""
    if not SLUG.fullmatch(plan["slug"]):
        return f"key 'slug' ({shown(plan['slug'])}) {_SLUG_RULE}"
    for key in ("points", "issues"):
        for number, item in enumerate(plan.get(key, []), 1):
            if not SLUG.fullmatch(item["slug"]):
                return f"key 'slug' in {_entry(key, number, item, '')} {_SLUG_RULE}"
    return ""


# The stance cue lists, in the order a later one's clash with an earlier one is named.
STANCE_LISTS = ("support", "oppose", "mixed")


def cue_problem(lexicon: dict[str, Any]) -> str:
    """A cue in two of the stance lists, compared as the coder matches cues (normalised
    and stemmed: "Rejected" is "reject"), as the end of an error line naming its key; or
    "". The coder looks for mixed cues, then oppose, then support, so the other list's
    entry silently did nothing."""
    stance = lexicon["stance"]
    seen: dict[tuple[str, ...], tuple[str, int, str]] = {}  # cue: list, item, as written
    for key in STANCE_LISTS:
        for number, cue in enumerate(stance[key], 1):
            match = tuple(stem(word) for word in normalise_phrase(cue))
            first = seen.setdefault(match, (key, number, cue))
            if first[0] != key and match:
                matched = ", as cues are matched" if first[2] != cue else ""
                return (
                    f"key '{key}' in [stance]: item {number} ({shown(cue)}) is in '{first[0]}' too "
                    f"(item {first[1]}, {shown(first[2])}){matched}: a cue gives one stance"
                )
    return ""


def check(path: Path, data: dict[str, Any], schema: Table) -> dict[str, Any]:
    """``data`` if it fits ``schema``; else a TrackerError naming the file and the key."""
    problem = _table(data, schema, "")
    if problem:
        raise TrackerError(f"{path}: {problem}")
    return data


_NAMES = {
    str: "a string",
    int: "an integer",
    float: "a number",
    bool: "true or false",
    dt.date: "a date (YYYY-MM-DD, without quotes)",
}


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        kind = "true or false"
    elif isinstance(value, dt.datetime):
        kind = "a date-time"
    else:
        kind = _NAMES.get(type(value)) or (
            "a list" if isinstance(value, list) else "a table" if isinstance(value, dict) else ""
        )
    if isinstance(value, dict | list):
        return kind
    return f"{kind} ({shown(value)})"


def _expected(spec: Any) -> str:
    if isinstance(spec, OneOf) and len(spec.choices) == 1:
        return f"{spec.choices[0]!r}{spec.hint}"
    if isinstance(spec, OneOf):
        return "one of " + ", ".join(repr(c) for c in spec.choices) + spec.hint
    if isinstance(spec, list):
        item = spec[0]
        if item is str or isinstance(item, Text | Word):
            return "a list of strings"
        if isinstance(item, Table):
            return "a list of tables"
        return f"a list, each item {_expected(item)}"
    if isinstance(spec, Table | MapOf):
        return "a table"
    if isinstance(spec, Text | Word):
        return "a string"
    if isinstance(spec, Range):
        return _NAMES[spec.kind]
    return _NAMES[spec]


def _fits(value: Any, spec: Any) -> bool:
    if isinstance(spec, Range):
        spec = spec.kind
    if spec is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if spec is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if spec is dt.date:
        return isinstance(value, dt.date) and not isinstance(value, dt.datetime)
    if isinstance(spec, OneOf):
        return value in spec.choices
    if isinstance(spec, Text | Word):
        return isinstance(value, str)
    if isinstance(spec, list):
        return isinstance(value, list)
    if isinstance(spec, Table | MapOf):
        return isinstance(value, dict)
    return isinstance(value, spec)


# How long a value an error line echoes may be, quotes included: a name of 220 characters
# was echoed whole, twice, in one line.
SHOWN = 60


def shown(value: Any) -> str:
    """A value as an error line echoes it: its repr, cut to ``SHOWN`` characters with an
    ellipsis."""
    text = repr(value)
    if len(text) <= SHOWN:
        return text
    if isinstance(value, str):
        return repr(value[: SHOWN - 3] + "…")
    return text[: SHOWN - 1] + "…"


def _where(place: str) -> str:
    return f" in {place}" if place else ""


def _table(data: dict[str, Any], schema: Table, place: str) -> str:
    """The first problem in a table (unknown keys, then missing ones, then values), or ""."""
    for key in data:
        if key not in schema.keys:
            allowed = ", ".join(sorted(schema.keys))
            close = difflib.get_close_matches(key, schema.keys, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            return f"key '{key}'{_where(place)} is not allowed{hint} (allowed: {allowed})"
    for key in schema.required:
        if key not in data:
            where = f" from {place}" if place else ""
            return f"key '{key}' is missing{where} (it is required)"
    for key, value in data.items():
        problem = _value(key, value, schema.keys[key], place)
        if problem:
            return problem
    return ""


def _value(key: str, value: Any, spec: Any, place: str) -> str:
    """The first problem in the value of ``key`` of the table at ``place``, or ""."""
    if not _fits(value, spec):
        return f"key '{key}'{_where(place)} must be {_expected(spec)}, not {_describe(value)}"
    # the value is echoed unless the entry's label is that value: "[[actors]] #3 (' Li')"
    echo = not place.endswith(f"({shown(value)})")
    if isinstance(value, str) and (wrong := _string(value, spec, echo)):
        return f"key '{key}'{_where(place)}{wrong}"
    if isinstance(spec, Range) and not spec.low <= value <= spec.high:
        return (
            f"key '{key}'{_where(place)} must be from {spec.low} to {spec.high}{spec.hint}, "
            f"not {shown(value)}"
        )
    if isinstance(spec, Table):
        return _table(value, spec, _sub_table(key, place))
    if isinstance(spec, MapOf):
        inner = _sub_table(key, place)
        for name, item in value.items():
            problem = _value(name, item, spec.value, inner)
            if problem:
                return problem
        return ""
    if isinstance(spec, list):
        for number, item in enumerate(value, 1):
            problem = ""
            if isinstance(spec[0], Table):
                if not isinstance(item, dict):
                    return f"key '{key}'{_where(place)}: item {number} must be a table"
                problem = _table(item, spec[0], _entry(key, number, item, place))
            elif not _fits(item, spec[0]):
                problem = (
                    f"key '{key}'{_where(place)}: item {number} must be {_expected(spec[0])}, "
                    f"not {_describe(item)}"
                )
            elif isinstance(item, str) and (wrong := _string(item, spec[0])):
                problem = f"key '{key}'{_where(place)}: item {number}{wrong}"
            if problem:
                return problem
    return ""


def _string(value: str, spec: Any, echo: bool = True) -> str:
    """What is wrong with a string value, as the end of a sentence naming its key, or "".
    A NUL character (TOML's "\\u0000") or a value longer than its column: SQLite stored
    it, PostgreSQL refused the whole seed as a database error, so the same file loaded on
    one database and not the other. A name, title or phrase kept in the store must not be
    blank or padded with spaces either."""
    if "\x00" in value:
        return " holds a NUL character (\\u0000)"
    if isinstance(spec, Word) and not value.strip():
        return " is blank"
    if isinstance(spec, Text) and len(value) > spec.max_length:
        return f" is {len(value)} characters long; the store keeps at most {spec.max_length}"
    if isinstance(spec, Text) and value.strip() and value != value.strip():
        # "Li Qiang " was a second actor that no name could tell from "Li Qiang"; a blank
        # value is said by the loaders, which name what it is (a blank name, a blank phrase)
        return f" ({shown(value)})" * echo + " begins or ends with a space"
    return ""


def _sub_table(key: str, place: str) -> str:
    """A table's name for a reader: [stance], [actors.anaphors]."""
    if not place:
        return f"[{key}]"
    if place.startswith("[") and place.endswith("]") and not place.startswith("[["):
        return f"[{place[1:-1]}.{key}]"
    return f"'{key}' of {place}"


def _entry(key: str, number: int, item: Any, parent: str) -> str:
    """An array's entry named for a reader: [[points]] #3 ('ceasefire'), roles #1 of ..."""
    label = ""
    if isinstance(item, dict):
        for name_key in ("name", "slug", "title"):
            if isinstance(item.get(name_key), str):
                label = f" ({shown(item[name_key])})"
                break
    if not parent:
        return f"[[{key}]] #{number}{label}"
    return f"{key} #{number}{label} of {parent}"
