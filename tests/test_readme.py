"""Every command the README shows runs, as a newcomer would run it from the repository root.

The commands are found in README.md itself, so a command added to it is run too:

* code blocks (indented, or fenced with no language or a shell one): a block whose first
  command starts with a program (``tracker``, ``python``, ``export``, ``cp``…) is shell, and
  each of its lines is a command (a trailing backslash continues a line; in a block with
  ``$ `` prompts only the prompted lines are); a block starting with an SQL statement is
  SQL for psql; any other block (output, TOML) is not run;
* inline code that runs the tracker (`tracker …`, `VAR=x tracker …`, `… | tracker …`),
  ``sqlite3`` or ``alembic``, unless it is a synopsis with placeholders (an upper-case word
  such as PATH or ID outside quotes, ``…``, ``...``, ``[``) or the bare name of a command
  (`tracker db upgrade`).

``a && b`` runs each part. A command exits 0 unless it ends with a comment ``# exits N``.
They run in README order in one sandbox: a temporary folder holding copies of ``seeds/``,
``tests/data/``, ``migrations/`` and ``alembic.ini`` and the example input folders of
EXAMPLE_INPUTS, whose ``tracker.db`` is the default store; ``tracker`` commands run in
this process (CliRunner), the others in ``bash`` with this environment's programs first
on PATH. An ``export`` holds for the rest of its code block. The example server's URLs
(``postgresql://…@db.example.org…``) stand for one fresh database on the test server of
TRACKER_TEST_POSTGRES_URL, and the roles the README's SQL creates get unique names there.
What cannot run here is in SKIPS, with the reason.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from sqlalchemy import Connection, create_engine, text
from sqlalchemy.engine import make_url

from tracker.cli import cli

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DEV = ROOT / "tests" / "data" / "dev"

# What cannot run in a test, matched against one command (a part of an && chain).
SKIPS: list[tuple[str, str]] = [
    (r"^(python3? -m venv|\. |source )", "creates or activates a virtual environment"),
    (r"^(\S+=\S+ )*pip ", "installs the package: the test runs the one already installed"),
    (r"^pytest\b", "runs the whole suite, this test included (CI runs it)"),
    (r"^python3? benchmarks/", "a benchmark of minutes; tests/test_benchmark.py runs it small"),
    (r"\.\./shared/", "the full corpora are beside the repository, not in it, and take minutes"),
    (r"^tail -f\b", "follows a feed forever"),
    (r"^createdb\b", "creates the example server's database; the test makes its own"),
    (
        r"^tracker (evaluate|train) reviewed/",
        "needs articles whose positions are all reviewed; tests/test_review_io.py runs "
        "export-gold, evaluate and train on such a store",
    ),
    (
        r"^(\S+=\S+ )*(tracker (\S+ )*browse( |$)|datasette )",
        "starts a web server that runs until it is stopped",
    ),
]
# Example input folders the README ingests, filled with the repository's test articles.
EXAMPLE_INPUTS = {
    "wires/2023": ["dev-01.txt", "dev-02.txt"],
    "wires/2024": ["dev-02.txt", "dev-03.txt"],
}
PROGRAMS = {
    "tracker", "python", "python3", "pip", "pytest", "export", "cp", "mkdir", "cd", "ls",
    "cat", "echo", "sqlite3", "alembic", "createdb", "psql", "tail", "datasette", "chromium",
    ".", "source", "git",
}  # fmt: skip
SQL_WORDS = {"CREATE", "GRANT", "REVOKE", "ALTER", "DROP", "SELECT", "INSERT", "SET"}
SHELL_LANGUAGES = {"", "sh", "bash", "shell", "console", "zsh"}
SQL_LANGUAGES = {"sql", "psql", "postgresql"}
EXAMPLE_URL = re.compile(r"postgres(?:ql)?(?:\+\w+)?://[^\s\"'`]*@db\.example\.org[^\s\"'`]*")
TRACKER_ENV = (
    "TRACKER_DATABASE_URL",
    "TRACKER_SEEDS_DIR",
    "TRACKER_MODEL",
    "TRACKER_REPORTS_DIR",
    "TRACKER_SQLITE_TIMEOUT",
)


@dataclass
class Command:
    line: int  # in README.md, 1-based
    text: str
    kind: str  # "shell" or "sql"
    block: int | None = None  # the code block (an export's scope); None for inline code
    expect: int = 0

    def where(self) -> str:
        return f"README.md:{self.line}: `{self.text}`"


# --------------------------------------------------------------------------- discovery


def _blocks(lines: list[str]) -> Iterator[tuple[str | None, list[tuple[int, str]], set[int]]]:
    """(language, [(line number, text)], the lines it takes) for each code block; an
    indented block has language None. A block's lines are dedented. An indented block ends
    at a blank line followed by a line indented otherwise (a block in a list item, then
    one outside it)."""
    i = 0
    previous_blank = True
    while i < len(lines):
        line = lines[i]
        fence = re.match(r"^(\s*)(```+|~~~+)\s*([\w+-]*)", line)
        if fence:
            indent, marker, language = len(fence.group(1)), fence.group(2), fence.group(3)
            start, body = i + 1, []
            i += 1
            while i < len(lines) and not lines[i].strip().startswith(marker):
                text = lines[i][indent:] if lines[i][:indent].isspace() else lines[i].lstrip()
                body.append((i + 1, text))
                i += 1
            yield language.lower(), body, set(range(start, i + 2))
            i += 1
            previous_blank = False
            continue
        if previous_blank and line.startswith("    ") and line.strip():
            indent = len(line) - len(line.lstrip())
            body = []
            while i < len(lines) and (lines[i].startswith("    ") or not lines[i].strip()):
                after_blank = body and not body[-1][1].strip()
                if after_blank and len(lines[i]) - len(lines[i].lstrip()) != indent:
                    break
                body.append((i + 1, lines[i]))
                i += 1
            while body and not body[-1][1].strip():
                body.pop()
            yield None, [(n, t[indent:]) for n, t in body], {n for n, _ in body}
            previous_blank = True
            continue
        previous_blank = not line.strip()
        i += 1


def _logical_lines(body: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Lines joined where one ends with a backslash; blank lines dropped."""
    out: list[tuple[int, str]] = []
    pending: tuple[int, str] | None = None
    for number, line in body:
        if pending:
            number, line = pending[0], pending[1] + " " + line.strip()
            pending = None
        if line.rstrip().endswith("\\"):
            pending = (number, line.rstrip()[:-1].rstrip())
            continue
        if line.strip():
            out.append((number, line.strip()))
    if pending:
        out.append(pending)
    return out


def _program(command: str) -> str:
    words = command.split()
    while words and re.match(r"^[A-Za-z_]\w*=", words[0]):
        words.pop(0)
    return words[0] if words else ""


def _inline(lines: list[str], code_lines: set[int]) -> Iterator[tuple[int, str]]:
    """(line number, text) of each inline code span outside code blocks; a span may run over
    a line break, and ``\\|`` in a table is ``|``."""
    numbered = [
        (n, line) for n, line in enumerate(lines, 1) if n not in code_lines
    ]  # keep paragraphs: a span ends at a blank line at the latest
    prose = "\n".join(line for _, line in numbered)
    starts = [0]
    for _, line in numbered:
        starts.append(starts[-1] + len(line) + 1)
    for match in re.finditer(r"(?<!`)`([^`]+)`(?!`)", prose):
        if "\n\n" in match.group(1):
            continue
        index = max(i for i, s in enumerate(starts[:-1]) if s <= match.start())
        span = re.sub(r"\s+", " ", match.group(1).replace("\\|", "|")).strip()
        yield numbered[index][0], span


def _is_name(span: str) -> bool:
    """`tracker db upgrade`: a command's name, not a command to run."""
    words = span.split()
    if words[:1] != ["tracker"]:
        return False
    group: click.Command = cli
    for word in words[1:]:
        if not isinstance(group, click.Group) or word not in group.commands:
            return False
        group = group.commands[word]
    return True


def _has_placeholder(span: str) -> bool:
    unquoted = re.sub(r"\"[^\"]*\"|'[^']*'", "", span)
    unquoted = EXAMPLE_URL.sub("url", unquoted)
    if any(mark in unquoted for mark in ("…", "...", "[", "]")):
        return True
    return re.search(r"(?<![\w$-])[A-Z][A-Z0-9_]*(?![\w=])", unquoted) is not None


def _runs_tracker(span: str) -> bool:
    return bool(
        re.match(r"^([A-Za-z_]\w*=\S+ )*(tracker|python3? -m tracker) ", span + " ")
        or re.search(r"\| *(tracker|python3? -m tracker) ", span + " ")
        or re.match(r"^(sqlite3|alembic) ", span)
    )


def _expected(command: str) -> int:
    found = re.search(r"#\s*exits?\s+(?:with\s+)?(?:status\s+)?(\d+)\s*$", command)
    return int(found.group(1)) if found else 0


def discover(readme: str) -> list[Command]:
    """Every command README text shows, in its order (see the module's docstring)."""
    lines = readme.splitlines()
    commands: list[Command] = []
    code_lines: set[int] = set()
    for number, (language, body, taken) in enumerate(_blocks(lines)):
        code_lines |= taken
        if language is not None and language not in SHELL_LANGUAGES | SQL_LANGUAGES:
            continue
        logical = _logical_lines(body)
        if not logical:
            continue
        prompted = [(n, t[2:]) for n, t in logical if t.startswith("$ ")]
        if prompted:
            logical = prompted
        first = _program(logical[0][1])
        if language in SQL_LANGUAGES or (language is None and first.upper() in SQL_WORDS):
            statement = " ".join(t for _, t in logical)
            commands.append(Command(logical[0][0], statement, "sql", number))
            continue
        if first not in PROGRAMS and not prompted and language != "console":
            continue  # output, a data file
        for n, line in logical:
            commands.append(Command(n, line, "shell", number, _expected(line)))
    for n, span in _inline(lines, code_lines):
        if not _runs_tracker(span) or _is_name(span) or _has_placeholder(span):
            continue
        commands.append(Command(n, span, "shell", None, _expected(span)))
    return sorted(commands, key=lambda c: c.line)


def split_chain(command: str) -> list[str]:
    """``a && b`` as its parts (outside quotes)."""
    parts, current, quote = [], "", None
    i = 0
    while i < len(command):
        char = command[i]
        if quote:
            quote = None if char == quote else quote
        elif char in "\"'":
            quote = char
        elif command.startswith("&&", i):
            parts.append(current.strip())
            current, i = "", i + 2
            continue
        current += char
        i += 1
    parts.append(current.strip())
    return [p for p in parts if p]


def skip_reason(command: str) -> str | None:
    for pattern, reason in SKIPS:
        if re.search(pattern, command):
            return reason
    return None


# --------------------------------------------------------------------------- running


@dataclass
class Sandbox:
    folder: Path
    server: str | None  # the test PostgreSQL server, or None
    database: str | None = None  # the database that stands for the example server's
    roles: dict[str, str] = field(default_factory=dict)  # README role -> unique test role
    env: dict[str, str] = field(default_factory=dict)  # the current block's exports
    block: int | None = None
    runner: CliRunner = field(default_factory=CliRunner)

    def postgres_url(self, example: str) -> str:
        """The test database for an example URL, as the example's role if the README's SQL
        created it, else as the server's user."""
        assert self.server is not None
        if self.database is None:
            self.database = f"tracker_readme_{uuid.uuid4().hex[:10]}"
            with _admin(self.server) as connection:
                connection.execute(text(f"CREATE DATABASE {self.database}"))
        server = make_url(self.server)
        example_user = make_url(EXAMPLE_URL.search(example).group(0).replace("…", "x")).username
        url = server.set(database=self.database)
        if example_user in self.roles:
            url = url.set(username=self.roles[example_user], password=None)
        return url.render_as_string(hide_password=False).replace("+psycopg", "")

    def substitute(self, command: str) -> str:
        return EXAMPLE_URL.sub(lambda m: self.postgres_url(m.group(0)), command)

    def expand(self, word: str) -> str:
        env = {**os.environ, **self.env, "PWD": str(self.folder)}
        return re.sub(r"\$\{?(\w+)\}?", lambda m: env.get(m.group(1), ""), word)

    def drop(self) -> None:
        if self.server is None:
            return
        with _admin(self.server) as connection:
            if self.database:
                connection.execute(text(f"DROP DATABASE IF EXISTS {self.database} WITH (FORCE)"))
            for role in self.roles.values():
                connection.execute(text(f"DROP ROLE IF EXISTS {role}"))


@contextmanager
def _admin(url: str, database: str | None = None) -> Iterator[Connection]:
    """An autocommit connection to the test server (its own database, or ``database``)."""
    target = make_url(url)
    engine = create_engine(target.set(database=database) if database else target,
                           isolation_level="AUTOCOMMIT")  # fmt: skip
    try:
        with engine.connect() as connection:
            yield connection
    finally:
        engine.dispose()


def _reachable(server: str | None) -> str | None:
    """The test server if it answers; without one the PostgreSQL commands are skipped, but
    CI must run them."""
    if server is None:
        if os.environ.get("CI"):
            pytest.fail("TRACKER_TEST_POSTGRES_URL is not set: CI must run the PostgreSQL commands")
        return None
    server = server.replace("postgresql://", "postgresql+psycopg://", 1)
    try:
        with _admin(server) as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:
        if os.environ.get("CI"):
            pytest.fail(f"cannot reach PostgreSQL at {server}: {exc}")
        return None
    return server


def run(sandbox: Sandbox, command: Command, part: str) -> tuple[int, str]:
    """Runs one command (a part of a chain); its exit status and output."""
    if command.kind == "sql":
        return _run_sql(sandbox, part)
    part = sandbox.substitute(part)
    words = shlex.split(part, comments=True)
    assignments = {}
    while words and re.match(r"^[A-Za-z_]\w*=", words[0]):
        name, value = words.pop(0).split("=", 1)
        assignments[name] = sandbox.expand(value)
    if words[:1] == ["export"]:
        for word in words[1:]:
            name, _, value = word.partition("=")
            sandbox.env[name] = sandbox.expand(value)
        return 0, ""
    simple = words[:1] == ["tracker"] and not re.search(r"[|<;`]|\$\(|2>|&$", part)
    if simple and (">" not in words or words.index(">") == len(words) - 2):
        out = None
        if ">" in words:
            out, words = words[-1], words[:-2]
        args = [sandbox.expand(w) for w in words[1:]]
        result = sandbox.runner.invoke(
            cli, args, env={**sandbox.env, **assignments}, input="", catch_exceptions=True
        )
        if result.exception and not isinstance(result.exception, SystemExit):
            return -1, f"{result.output}\ncrashed: {result.exception!r}"
        if out is not None:
            (sandbox.folder / out).write_text(result.stdout, encoding="utf-8")
        return result.exit_code, result.output
    env = {k: v for k, v in os.environ.items() if k not in TRACKER_ENV}
    env.update(sandbox.env)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    completed = subprocess.run(
        ["bash", "-o", "pipefail", "-c", part],
        cwd=sandbox.folder,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return completed.returncode, completed.stdout + completed.stderr


def _run_sql(sandbox: Sandbox, statements: str) -> tuple[int, str]:
    """The README's psql statements on the stand-in database, its roles made unique."""
    for role in re.findall(r"CREATE ROLE (\w+)", statements, flags=re.IGNORECASE):
        sandbox.roles.setdefault(role, f"readme_{role}_{uuid.uuid4().hex[:8]}")
    sandbox.postgres_url("postgresql://x@db.example.org/tracker")  # creates the database
    for role, unique in sandbox.roles.items():
        statements = re.sub(rf"\b{role}\b", unique, statements)
    statements = re.sub(r"(DATABASE\s+)tracker\b", rf"\g<1>{sandbox.database}", statements)
    statements = re.sub(r"--[^\n]*", "", statements)
    try:
        with _admin(sandbox.server, sandbox.database) as connection:
            for statement in filter(str.strip, statements.split(";")):
                connection.exec_driver_sql(statement)
    except Exception as exc:  # reported as the command's failure, with the statement
        return 1, str(exc)
    return 0, ""


def _prepare(folder: Path) -> None:
    shutil.copytree(ROOT / "seeds", folder / "seeds")
    shutil.copytree(ROOT / "migrations", folder / "migrations", ignore=_no_cache)
    shutil.copytree(ROOT / "tests" / "data", folder / "tests" / "data")
    shutil.copy(ROOT / "alembic.ini", folder / "alembic.ini")
    for name, articles in EXAMPLE_INPUTS.items():
        (folder / name).mkdir(parents=True)
        for article in articles:
            shutil.copy(DEV / article, folder / name / article)


def _no_cache(_folder: str, names: list[str]) -> list[str]:
    return [n for n in names if n == "__pycache__"]


# --------------------------------------------------------------------------- the tests


@pytest.mark.slow
def test_every_command_in_the_readme_runs(tmp_path, monkeypatch):
    commands = discover(README.read_text(encoding="utf-8"))
    texts = [c.text for c in commands]
    # the extraction itself works: the quick start, a report, a PostgreSQL block are found
    assert any(t.endswith("tracker position --actor Zelensky") for t in texts), texts
    assert any(t.startswith("tracker report matrix") for t in texts), texts
    assert any("db.example.org" in t for t in texts), texts
    folder = tmp_path / "repository"
    _prepare(folder)
    for name in TRACKER_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(folder)
    server = _reachable(os.environ.get("TRACKER_TEST_POSTGRES_URL"))
    sandbox = Sandbox(folder, server)
    failures, ran, skipped = [], 0, []
    unset: str | None = None  # why an export of the current block did not run
    try:
        for command in commands:
            if command.block != sandbox.block:
                sandbox.block, sandbox.env, unset = command.block, {}, None
            parts = [command.text] if command.kind == "sql" else split_chain(command.text)
            for part in parts:
                reason = skip_reason(part)
                needs_server = command.kind == "sql" or EXAMPLE_URL.search(
                    part + " " + " ".join(sandbox.env.values())
                )
                if reason is None and needs_server and server is None:
                    reason = "needs a reachable PostgreSQL server (TRACKER_TEST_POSTGRES_URL)"
                if reason is None and _program(part) == "sqlite3" and not shutil.which("sqlite3"):
                    reason = "the sqlite3 program is not installed"
                if reason is None and unset:
                    reason = f"its block's export did not run ({unset})"
                if reason:
                    skipped.append(f"{command.where()}: {part!r}: {reason}")
                    if _program(part) == "export":  # what follows it would go elsewhere
                        unset = reason
                    continue
                started = time.perf_counter()
                status, output = run(sandbox, command, part)
                took = time.perf_counter() - started
                ran += 1
                first = output.strip().splitlines()[:1]
                print(f"{command.where()}: {part!r} exited {status} ({took:.1f} s): {first}")
                tail = "\n    ".join(output.strip().splitlines()[-12:])
                if status != command.expect:
                    failures.append(
                        f"{command.where()}: {part!r} exited {status}, not {command.expect}:"
                        f"\n    {tail}"
                    )
                elif "Traceback (most recent call last)" in output:
                    failures.append(f"{command.where()}: {part!r} printed a traceback:\n    {tail}")
    finally:
        sandbox.drop()
    print(f"{ran} README commands ran; skipped:\n" + "\n".join(skipped))
    assert not failures, "README commands that fail:\n" + "\n".join(failures)
    assert ran >= 20


SAMPLE = """\
# Title

Run `tracker position --actor Xi` or the synopsis `tracker links [--target ID]`; only
`tracker ingest` and `tracker db upgrade` create a store. `tracker sql "SELECT 1 AS N"`
and `tail -f feed.jsonl | tracker
ingest -` and `pip install .`.

    python3 -m venv .venv && . .venv/bin/activate && pip install . && tracker seed
    tracker report matrix \\
        --format html > matrix.html
    tracker db check   # exits 1

| a | b |
|---|---|
| `tracker position --target 3 --format csv\\|cat` | x |

```console
$ tracker actors --limit 2
name  kind
```

```toml
tracker = "not a command"
```

1. In a list:

       export TRACKER_DATABASE_URL=postgresql://u:p@db.example.org/tracker
       tracker db upgrade

    CREATE ROLE ro LOGIN;
    GRANT SELECT ON ALL TABLES IN SCHEMA public TO ro;

It prints:

    name   kind
    ----   ----
"""


def test_discovery_finds_blocks_chains_prompts_and_inline_commands():
    found = [(c.line, c.text, c.kind, c.expect) for c in discover(SAMPLE)]
    assert found == [
        (3, "tracker position --actor Xi", "shell", 0),
        (4, 'tracker sql "SELECT 1 AS N"', "shell", 0),
        (5, "tail -f feed.jsonl | tracker ingest -", "shell", 0),
        (8, "python3 -m venv .venv && . .venv/bin/activate && pip install . && tracker seed",
         "shell", 0),
        (9, "tracker report matrix --format html > matrix.html", "shell", 0),
        (11, "tracker db check   # exits 1", "shell", 1),
        (15, "tracker position --target 3 --format csv|cat", "shell", 0),
        (18, "tracker actors --limit 2", "shell", 0),
        (28, "export TRACKER_DATABASE_URL=postgresql://u:p@db.example.org/tracker", "shell", 0),
        (29, "tracker db upgrade", "shell", 0),
        (31, "CREATE ROLE ro LOGIN; GRANT SELECT ON ALL TABLES IN SCHEMA public TO ro;", "sql",
         0),
    ]  # fmt: skip


def test_chains_split_outside_quotes_and_skips_name_their_reason():
    assert split_chain("a && b 'x && y' && c") == ["a", "b 'x && y'", "c"]
    assert skip_reason("pip install '.[test]'")
    assert skip_reason("TRACKER_PURE_PYTHON=1 pip install .")
    assert skip_reason("tracker evaluate --cv 5 ../shared/corpus/dev")
    assert skip_reason("tracker --db x.db browse --port 8002")
    assert skip_reason("tracker ingest seeds/articles/") is None
    assert skip_reason("tracker report browse-free") is None


def test_gitignore_lists_no_tracked_file():
    if not (ROOT / ".git").exists() or shutil.which("git") is None:
        pytest.skip("not a git checkout")
    listed = subprocess.run(
        ["git", "ls-files", "-ci", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert listed == [], f".gitignore matches tracked files: {listed}"
