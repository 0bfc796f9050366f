"""Browsing a SQLite store in Datasette, with the tracker's own metadata.

``tracker/datasette/metadata.json`` gives the tables and views titles, descriptions (the
annotation guide's meaning of a link and a position), label columns (a sentence's text
stands for its id), facets and sortable columns, and hides Alembic's table. The views'
internal columns (``kind_order``, ``target_slug``, the ids) are listed there for the small
plugin in ``tracker/datasette/plugins/``, which hides them: Datasette's metadata has no
such setting. The built-in reports (and an analyst's own) become canned queries here, at
start-up, from the same ``.sql`` files ``tracker report`` runs, so they cannot drift.

Datasette opens the file in its default ("mutable") mode: every query runs on a SQLite
connection opened ``?mode=ro``, so SQLite itself refuses writes, and the file may change
under it (an ingest running at the same time: SQLite's WAL gives each query a consistent
snapshot). Immutable mode (``-i``) would be wrong here: it tells SQLite the file never
changes, so it takes no locks and ignores the write-ahead log, and could show a store
half-written or miss what was committed.
"""

from __future__ import annotations

import importlib.util
import ipaddress
import json
import re
import signal
import socket
import subprocess
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from tracker.errors import TrackerError
from tracker.reports import PARAMETERS, Report, list_reports
from tracker.sql_check import _tokens, check_readonly

DEFAULT_PORT = 8001
DEFAULT_HOST = "127.0.0.1"
SHIPPED_DATABASE = "tracker"  # the database key in metadata.json (the default tracker.db)
PLUGIN = "tracker-browse"
QUERY_TIME_LIMIT_MS = 30_000  # as `tracker report --timeout`'s default
INSTALL_HINT = "run pip install '.[browse]' in the tracker source folder"
POSTGRESQL_MESSAGE = (
    "tracker browse serves a SQLite store, and Datasette reads only SQLite files; on "
    "PostgreSQL use tracker report and tracker sql, or psql (or another PostgreSQL client) "
    "logged in as a role with only SELECT rights (see Team / PostgreSQL in the README)"
)


def _data() -> Path:
    return Path(str(resources.files("tracker"))) / "datasette"


def plugins_dir() -> Path:
    """The folder Datasette loads the column-hiding plugin from (``--plugins-dir``)."""
    return _data() / "plugins"


def shipped_metadata() -> dict[str, Any]:
    """metadata.json as shipped: the store's tables and views under the name ``tracker``."""
    return json.loads((_data() / "metadata.json").read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- canned queries

# Datasette passes a field left blank as '' (never NULL), and has no way to look an actor
# up by alias; each report parameter becomes a column of one row computed from the fields,
# NULL when blank, as `tracker report` binds it. An actor that is not found is -1 (no
# actor), so that a misspelt name shows nothing rather than everyone; so is an alias that
# several actors have ("Mr Wang"), which `tracker report` refuses, rather than one of them.
# Letter case is folded by the plugin's tracker_casefold(), for every alphabet (SQLite's
# lower() folds A to Z alone: "STÉPHANE DUJARRIC" found nobody).
_ACTOR_ID = (
    "SELECT COALESCE("
    "(SELECT MIN(id) FROM actors WHERE tracker_casefold(name) = tracker_casefold(TRIM(:actor))), "
    "(SELECT CASE WHEN COUNT(DISTINCT actor_id) = 1 THEN MIN(actor_id) END "
    "FROM actor_aliases WHERE kind = 'name' "
    "AND tracker_casefold(alias) = tracker_casefold(TRIM(:actor))))"
)
# A slug in any letter case, as --target takes it: the stored slug it names.
_TARGET_SLUG = (
    "COALESCE((SELECT MIN(slug) FROM targets "
    "WHERE tracker_casefold(slug) = tracker_casefold(TRIM(:target))), TRIM(:target))"
)
ARGUMENTS: dict[str, str] = {
    "plan": "NULLIF(TRIM(:plan), '')",
    "actor_id": f"CASE WHEN TRIM(:actor) = '' THEN NULL ELSE COALESCE(({_ACTOR_ID}), -1) END",
    "actor": (
        "CASE WHEN TRIM(:actor) = '' THEN NULL ELSE "
        f"COALESCE((SELECT name FROM actors WHERE id = ({_ACTOR_ID})), TRIM(:actor)) END"
    ),
    "target": (  # "07" is point 7, as for --target
        "CASE WHEN TRIM(:target) GLOB '[0-9]*' AND TRIM(:target) NOT GLOB '*[^0-9]*' "
        "THEN CAST(CAST(TRIM(:target) AS INTEGER) AS TEXT) "
        f"WHEN TRIM(:target) = '' THEN NULL ELSE {_TARGET_SLUG} END"
    ),
    "since": "NULLIF(TRIM(:since), '')",
    "until": "NULLIF(TRIM(:until), '')",
    # --reviewed-only: a field with 1, yes or true; blank (or anything else) counts everything
    "reviewed_only": (
        "CASE WHEN lower(TRIM(:reviewed_only)) IN ('1', 'yes', 'true') THEN 1 ELSE NULL END"
    ),
    # --min-score: a number from 0 to 1; blank (or no number) counts everything
    "min_score": (
        "CASE WHEN TRIM(:min_score) GLOB '*[0-9]*' AND TRIM(:min_score) NOT GLOB '*[^0-9.]*' "
        "THEN CAST(TRIM(:min_score) AS REAL) ELSE NULL END"
    ),
}
ARGUMENTS_TABLE = "browse_args"
# The form's fields, in this order; :actor_id is filled from the actor field.
FIELDS = ("plan", "actor", "target", "since", "until", "reviewed_only", "min_score")
FIELD_OF = {p: "actor" if p == "actor_id" else p for p in PARAMETERS}
FIELD_NOTE = (
    "A blank field filters nothing. actor: a name or alias (Zelenskyy); target: a point "
    "number, a slug or plan; since, until: YYYY-MM-DD; reviewed_only: 1 for the positions "
    "an analyst confirmed, corrected or added; min_score: 0 to 1, the positions the coder "
    "scored that or more, and the reviewed ones."
)


def datasette_sql(sql: str) -> tuple[str, list[str]]:
    """A report's SQL for Datasette, and the fields it takes.

    Every ``:parameter`` becomes ``(SELECT parameter FROM browse_args)``, a one-row table
    put first in the WITH clause; comments go (the description carries them). A report
    that does not start with SELECT, VALUES or WITH cannot take it: TrackerError.
    """
    tokens = list(_tokens(sql, "sqlite"))
    used = [p for p in PARAMETERS if any(t.kind == "param" and t.text[1:] == p for t in tokens)]
    parts = [
        f"(SELECT {t.text[1:]} FROM {ARGUMENTS_TABLE})"
        if t.kind == "param" and t.text[1:] in PARAMETERS
        else t.text
        for t in tokens
    ]
    body = "".join(parts).strip()
    if not used:
        return body, []
    columns = ",\n        ".join(f"{ARGUMENTS[p]} AS {p}" for p in used)
    arguments = f"{ARGUMENTS_TABLE} AS (\n    SELECT\n        {columns}\n)"
    words = [t for t in tokens if t.kind != "space"]
    first = words[0].text.upper() if words else ""
    if first == "WITH":
        recursive = len(words) > 1 and words[1].text.upper() == "RECURSIVE"
        head = re.match(r"WITH\s+RECURSIVE\s+" if recursive else r"WITH\s+", body, re.I)
        assert head is not None  # comments are gone: the text starts with the words
        prefix = "WITH RECURSIVE " if recursive else "WITH "
        text = f"{prefix}{arguments},\n{body[head.end() :]}"
    elif first in ("SELECT", "VALUES"):
        text = f"WITH {arguments}\n{body}"
    else:
        raise TrackerError("it does not start with SELECT, VALUES or WITH")
    fields = [f for f in FIELDS if any(FIELD_OF[p] == f for p in used)]
    return text, fields


def _description(report: Report) -> str:
    """The report's header comment, for a reader of the Datasette page: the options become
    the form's fields."""
    lines: list[str] = []
    for raw in report.sql.splitlines():
        line = raw.strip()
        if not line:
            continue
        if not line.startswith("--"):
            break
        lines.append(line[2:].strip())
    body = [line for line in lines[1:] if not line.lower().startswith("requires:")]
    text = " ".join(line for line in body if line)
    text = re.sub(
        r"(?<![\w-])--(plan|actor|target|since|until|reviewed-only|min-score)\b",
        lambda m: m.group(1).replace("-", "_"),
        text,
    )
    text = text.replace("Options:", "Fields:")
    needs = [" or ".join(group) for group in report.requires]
    if needs:
        text += " Needs " + " and ".join(needs) + "."
    return text


@dataclass
class CannedQueries:
    queries: dict[str, dict[str, Any]] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)  # why a report is not offered


def canned_queries(reports: Iterable[Report], taken: Iterable[str] = ()) -> CannedQueries:
    """The reports as Datasette canned queries; a report that cannot be one is skipped and
    says why (a canned query of a table's name would hide the table)."""
    found = CannedQueries()
    names = set(taken)
    for report in reports:
        where = f"report {report.name} ({report.origin})"
        if report.error is not None:
            found.skipped.append(f"{where}: {report.error}")
            continue
        if report.name in names:
            found.skipped.append(f"{where}: a table or view has that name")
            continue
        try:
            statement = check_readonly(report.sql, "sqlite")
            unknown = [p for p in statement.parameters if p not in PARAMETERS]
            if unknown:
                raise TrackerError("it uses " + ", ".join(f":{u}" for u in unknown))
            sql, fields = datasette_sql(report.sql)
        except TrackerError as exc:
            found.skipped.append(f"{where}: {exc}")
            continue
        found.queries[report.name] = {
            "title": f"{report.name}: {report.description}",
            "description": " ".join(filter(None, [_description(report), FIELD_NOTE])),
            "sql": sql,
            "params": fields,
            "hide_sql": True,  # the form and the description say what it does; "show" shows
        }
    return found


def browse_metadata(
    database: str, reports_folder: str | Path | None = None, taken: Iterable[str] = ()
) -> tuple[dict[str, Any], list[str]]:
    """The metadata for a store Datasette names ``database``, with the reports as canned
    queries; and why any report was left out."""
    metadata = shipped_metadata()
    tables = metadata["databases"].pop(SHIPPED_DATABASE)
    canned = canned_queries(list_reports(reports_folder), taken)
    tables["queries"] = canned.queries
    metadata["databases"][database] = tables
    return metadata, canned.skipped


# --------------------------------------------------------------------------- serving


def sqlite_backend_only(url: str) -> None:
    """Refuse a store that is not SQLite, before any driver is needed."""
    from sqlalchemy.engine import make_url

    try:
        backend = make_url(url).get_backend_name()
    except Exception:  # a bad URL: opening the store says so, in one line
        return
    if backend == "postgresql":
        raise TrackerError(POSTGRESQL_MESSAGE)
    if backend != "sqlite":
        raise TrackerError(f"tracker browse serves a SQLite store, not {backend}")


def require_datasette() -> None:
    if importlib.util.find_spec("datasette") is None:
        raise TrackerError(f"Datasette is not installed; {INSTALL_HINT}")


def database_name(path: Path) -> str:
    """The name Datasette gives the file, and so the one its metadata must use."""
    return path.stem


def check_address(host: str, port: int) -> None:
    """Refuse a host that does not resolve or a port in use, in one line, before starting."""
    if port == 0:
        return
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        family, kind, proto, _, address = infos[0]
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server does
            probe.bind(address)
    except socket.gaierror as exc:
        raise TrackerError(f"cannot serve on host {host!r}: {exc.strerror}") from None
    except OSError as exc:
        raise TrackerError(
            f"cannot serve on {host} port {port}: {exc.strerror}; choose another with --port"
        ) from None


def is_local(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


_URL_SAFE = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


def url_of(host: str, port: int, database: str) -> str:
    """The database's page, its name encoded as Datasette does (``~`` for ``%``, ``+`` for
    a space)."""
    shown = f"[{host}]" if ":" in host else host
    route = "".join(
        chr(b) if b in _URL_SAFE else "+" if b == 0x20 else f"~{b:02X}"
        for b in database.encode("utf-8")
    )
    return f"http://{shown}:{port}/{route}"


def datasette_command(
    store: Path,
    metadata_file: Path,
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    open_browser: bool = False,
    extra: Sequence[str] = (),
) -> list[str]:
    """The ``datasette serve`` command line: the store in its default read-only mode (never
    ``-i``, see the module's docstring), the metadata, the plugin; ``extra`` last, so that
    a setting given there wins."""
    command = [sys.executable, "-m", "datasette", "serve", str(store)]
    command += ["--metadata", str(metadata_file), "--plugins-dir", str(plugins_dir())]
    command += ["--host", host, "--port", str(port)]
    command += ["--setting", "sql_time_limit_ms", str(QUERY_TIME_LIMIT_MS)]
    if open_browser:
        command.append("--open")
    return command + list(extra)


def run_until_stopped(command: Sequence[str]) -> int:
    """Run Datasette until it exits or we are stopped (Ctrl-C, SIGTERM); then stop it as
    Ctrl-C would, and kill it only if it will not go. Returns its exit status (0 when
    stopped)."""
    process = subprocess.Popen(list(command))

    def stop_on_term(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, stop_on_term)
    except ValueError:  # not the main thread: SIGTERM keeps its default
        previous = None
    try:
        return process.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
        _stop(process)


def _stop(process: subprocess.Popen) -> None:
    """Stop Datasette as Ctrl-C does; kill it if it does not go, or on a second Ctrl-C (it
    only reads, so nothing is lost)."""
    if process.poll() is not None:
        return
    try:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=10)
    except (subprocess.TimeoutExpired, KeyboardInterrupt):
        process.kill()
        process.wait()
