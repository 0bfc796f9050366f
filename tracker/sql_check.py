"""The text check of read-only SQL: one SELECT, WITH, VALUES or EXPLAIN statement
without write keywords, lexed as SQLite or PostgreSQL reads it, with its ``:name``
parameters. It is only a first, friendly refusal, never relied on: the database enforces
read-only (``tracker.readonly_sql``)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from tracker.errors import TrackerError

READ_STATEMENTS = ("SELECT", "WITH", "VALUES", "EXPLAIN")
WRITE_WORDS = frozenset(
    """INSERT UPDATE DELETE MERGE UPSERT DROP CREATE ALTER TRUNCATE GRANT REVOKE ATTACH
    DETACH PRAGMA VACUUM REINDEX INTO BEGIN COMMIT ROLLBACK SAVEPOINT""".split()
)


# --------------------------------------------------------------------------- SQL text


@dataclass
class _Token:
    kind: str  # word, param, string, ident, number, punct, space
    text: str


# Both databases read every character past ASCII as part of a name, as a letter is:
# `SELECT 1 AS é` names its column é (and a non-ASCII space is no space to them).
_WORD = re.compile(r"[A-Za-z_\x80-\U0010ffff][A-Za-z0-9_$\x80-\U0010ffff]*")
# A parameter name as SQLAlchemy's text() reads one: word characters, not a digit first.
PARAM_NAME = r"[^\W\d]\w*"
_PARAM = re.compile(rf":({PARAM_NAME})")
_DOLLAR_TAG = re.compile(r"\$(?:[A-Za-z_\x80-\U0010ffff][A-Za-z0-9_\x80-\U0010ffff]*)?\$")


def _tokens(sql: str, dialect: str) -> Iterator[_Token]:
    """Split SQL into tokens as ``dialect``'s own lexer does, dropping comments.

    Strings and quoted names stay whole. PostgreSQL: E'' strings take backslash
    escapes, $tag$ quoting, nested block comments. SQLite: `name` and [name]
    quoting, flat block comments.
    """
    postgres = dialect == "postgresql"
    i, n = 0, len(sql)
    while i < n:
        c = sql[i]
        if c == "-" and sql.startswith("--", i):
            end = sql.find("\n", i)
            i = n if end < 0 else end
            yield _Token("space", " ")
        elif c == "/" and sql.startswith("/*", i):
            depth, i = 1, i + 2
            while i < n and depth:
                if postgres and sql.startswith("/*", i):
                    depth, i = depth + 1, i + 2
                elif sql.startswith("*/", i):
                    depth, i = depth - 1, i + 2
                else:
                    i += 1
            yield _Token("space", " ")
        elif c in "'\"" or (c == "`" and not postgres):
            backslashes = (
                postgres
                and c == "'"
                and i > 0
                and sql[i - 1] in "eE"
                and (i < 2 or not (sql[i - 2].isalnum() or sql[i - 2] in "_$"))
            )
            j = i + 1
            while j < n:
                if backslashes and sql[j] == "\\":
                    j += 2
                    continue
                if sql[j] == c:
                    if j + 1 < n and sql[j + 1] == c:  # doubled quote
                        j += 2
                        continue
                    break
                j += 1
            yield _Token("string" if c == "'" else "ident", sql[i : j + 1])
            i = j + 1
        elif c == "[" and not postgres:  # SQLite's [quoted name]
            j = sql.find("]", i)
            j = n - 1 if j < 0 else j
            yield _Token("ident", sql[i : j + 1])
            i = j + 1
        elif c == "$" and postgres and (tag := _DOLLAR_TAG.match(sql, i)):
            end = sql.find(tag.group(), tag.end())
            j = n if end < 0 else end + len(tag.group())
            yield _Token("string", sql[i:j])
            i = j
        elif c == ":" and (param := _PARAM.match(sql, i)) and (i == 0 or sql[i - 1] != ":"):
            yield _Token("param", param.group())
            i = param.end()
        elif word := _WORD.match(sql, i):
            yield _Token("word", word.group())
            i = word.end()
        elif c in "0123456789":
            j = i
            while j < n and sql[j].isascii() and (sql[j].isalnum() or sql[j] in "._"):
                j += 1
            yield _Token("number", sql[i:j])
            i = j
        elif c.isspace():
            j = i
            while j < n and sql[j].isspace():
                j += 1
            yield _Token("space", sql[i:j])
            i = j
        else:
            yield _Token("punct", c)
            i += 1


@dataclass
class Statement:
    """One checked read-only statement: SQL text for SQLAlchemy and its parameter names."""

    sql: str
    parameters: list[str] = field(default_factory=list)


DIALECTS = ("sqlite", "postgresql")


def check_readonly(sql: str, dialect: str | None = None) -> Statement:
    """The statement when ``sql`` is one read-only query; TrackerError otherwise.

    ``dialect`` ("sqlite" or "postgresql") lexes the text as that database
    does; without it the text must pass as both (their quoting rules differ).
    """
    checked = [_check(sql, d) for d in ([dialect] if dialect else DIALECTS)]
    return checked[0]


def _keyword(word: str) -> str:
    """A word as the databases compare it with their keywords: ASCII letters in upper case
    ("ınsert", with a dotless i, is a name to them, not INSERT)."""
    return word.upper() if word.isascii() else word


def _check(sql: str, dialect: str) -> Statement:
    tokens = list(_tokens(sql, dialect))
    statements: list[list[_Token]] = [[]]
    for token in tokens:
        if token.kind == "punct" and token.text == ";":
            statements.append([])
        else:
            statements[-1].append(token)
    meaningful = [s for s in statements if any(t.kind != "space" for t in s)]
    if not meaningful:
        raise TrackerError("no SQL statement given")
    if len(meaningful) > 1:
        raise TrackerError(
            f"refused: {len(meaningful)} statements given; run one read-only query at a time"
        )
    statement = meaningful[0]
    words = [_keyword(t.text) for t in statement if t.kind == "word"]
    first = next((t for t in statement if t.kind != "space" and t.text != "("), None)
    if first is None or first.kind != "word" or _keyword(first.text) not in READ_STATEMENTS:
        shown = _keyword(first.text) if first is not None else "that"
        raise TrackerError(
            f"refused: a query here starts with SELECT, WITH, VALUES or EXPLAIN, not {shown} "
            "(the store is changed only by tracker's own commands)"
        )
    writes = sorted({w for w in words if w in WRITE_WORDS})
    if writes:
        raise TrackerError(
            f"refused: {', '.join(writes)} would write or lock rows; only read-only queries "
            "run here"
        )
    parameters: list[str] = []
    parts: list[str] = []
    for token in statement:
        if token.kind == "param":
            name = token.text[1:]
            if name not in parameters:
                parameters.append(name)
            parts.append(token.text)
        elif token.kind in ("string", "ident"):
            parts.append(token.text.replace(":", "\\:"))  # not a parameter for SQLAlchemy
        elif token.kind == "punct" and token.text == ":":
            # a colon that starts no parameter (PostgreSQL's ::int casts, arr[1:2] slices):
            # escaped, or SQLAlchemy would take ":x::int" for no parameter and ":2" for one
            parts.append("\\:")
        else:
            parts.append(token.text)
    return Statement("".join(parts).strip(), parameters)
