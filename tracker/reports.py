"""SQL reports: named, described queries over the report views, on SQLite and PostgreSQL.

A report is one ``.sql`` file holding a single SELECT (or WITH … SELECT) over
the ``report_*`` views that migration 0002 creates. The built-in reports live
in the package folder ``tracker/reports/``; an analyst's own sit in a folder
named by ``--reports-dir`` or ``$TRACKER_REPORTS_DIR`` and override a built-in
report of the same name. A file's first comment line is its description; a
later header line ``-- requires: actor, target`` (all of them) or
``-- requires: actor or target`` (one of them) names the options it needs, and
``-- note: ...`` (continued on the comment lines after it) is a footnote that
``tracker report`` prints under the table and on the HTML page.

Reports take these bound parameters, NULL when the option is not given:
``:plan`` (slug), ``:actor`` (canonical name), ``:actor_id``, ``:target``
(point number or slug), ``:since`` and ``:until`` (ISO dates). Write an
optional filter as ``(CAST(:plan AS TEXT) IS NULL OR plan = :plan)`` (and
``CAST(:since AS DATE)``, ``CAST(:actor_id AS INTEGER)``): PostgreSQL needs the
cast to type a NULL parameter, and SQLite accepts it.

Every report runs through ``tracker.readonly_sql``, read-only as the database enforces.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, select, text

from tracker import sql_check
from tracker.errors import TrackerError
from tracker.readonly_sql import DEFAULT_TIMEOUT, execute_statement, readonly_connection

REPORTS_ENV = "TRACKER_REPORTS_DIR"
NAME_PATTERN = re.compile(r"^[A-Za-z0-9_-]+$")
PARAMETERS = (
    "plan",
    "actor",
    "actor_id",
    "target",
    "since",
    "until",
    "reviewed_only",
    "min_score",
)
# The command-line option that sets each parameter.
OPTION_OF = {
    "plan": "plan",
    "actor": "actor",
    "actor_id": "actor",
    "target": "target",
    "since": "since",
    "until": "until",
    "reviewed_only": "reviewed-only",
    "min_score": "min-score",
}


@dataclass
class Report:
    name: str
    description: str
    origin: str  # "built-in" or the file's path
    sql: str
    requires: list[list[str]] = field(default_factory=list)  # all groups; one of each
    error: str | None = None  # why the file cannot be read; the report then cannot run
    notes: list[str] = field(default_factory=list)  # footnotes for a reader of its rows


_HEADER_KEY = re.compile(r"(\w+)\s*:\s*(.*)\Z")


def _header(sql: str) -> tuple[str, list[list[str]], list[str]]:
    """The description (first comment line), the `-- requires:` groups and the
    `-- note:` footnotes (a note goes on over the comment lines after it, up to an empty
    one or another `key:` line)."""
    description = ""
    requires: list[list[str]] = []
    notes: list[str] = []
    in_note = False
    seen_first = False
    for raw in sql.splitlines():
        line = raw.strip()
        if not line:
            continue
        if not line.startswith("--"):
            break
        comment = line[2:].strip()
        if not seen_first:
            description, seen_first = comment, True
            continue
        keyed = _HEADER_KEY.match(comment)
        key = keyed.group(1).lower() if keyed else None
        if in_note and comment and key is None:
            notes[-1] = f"{notes[-1]} {comment}"
            continue
        in_note = key == "note"
        if keyed and key == "note":
            notes.append(keyed.group(2).strip())
        elif keyed and key == "requires":
            for group in keyed.group(2).split(","):
                names = [n.strip().lower() for n in group.split(" or ") if n.strip()]
                if names:
                    requires.append(names)
    return description, requires, notes


def user_reports_dir(folder: str | Path | None = None) -> Path | None:
    """The analyst's reports folder: the one given, else $TRACKER_REPORTS_DIR, else none."""
    chosen = folder if folder not in (None, "") else os.environ.get(REPORTS_ENV) or None
    if chosen is None:
        return None
    path = Path(chosen).expanduser()
    if not path.is_dir():
        raise TrackerError(f"reports folder {path} does not exist or is not a folder")
    return path


def _load(name: str, handle, where: str, origin: str) -> Report:
    """The report in a file; one that cannot be read says why, and only it fails."""
    try:
        sql = handle.read_text(encoding="utf-8-sig")  # Notepad starts a file with a BOM
    except UnicodeDecodeError:
        error = f"report {where} is not UTF-8 text"
    except OSError as exc:
        error = f"cannot read report {where}: {exc.strerror or exc}"
    else:
        description, requires, notes = _header(sql)
        return Report(name, description, origin, sql, requires, notes=notes)
    return Report(name, f"unreadable: {error}", origin, "", error=error)


def list_reports(folder: str | Path | None = None) -> list[Report]:
    """The built-in reports and the user folder's, by name (a user report overrides).

    A file that cannot be read is listed with the reason as its description.
    """
    found: dict[str, Report] = {}
    builtin = resources.files("tracker") / "reports"
    for entry in sorted(builtin.iterdir(), key=lambda e: e.name):
        name = entry.name.removesuffix(".sql")
        if entry.name.endswith(".sql") and NAME_PATTERN.match(name) and entry.is_file():
            found[name] = _load(name, entry, entry.name, "built-in")
    user = user_reports_dir(folder)
    if user is not None:
        for path in sorted(user.iterdir()):
            if path.suffix.lower() != ".sql" or path.name.startswith(".") or not path.is_file():
                continue
            if NAME_PATTERN.match(path.stem):  # "Weekly.SQL" too, as the name "Weekly"
                found[path.stem] = _load(path.stem, path, str(path), str(path))
            else:  # "my report.sql" was left out of --list without a word
                error = (
                    f"report {path} cannot be run by name: rename it to letters, digits, "
                    "- and _ (and .sql)"
                )
                found[path.stem] = Report(
                    path.stem, f"unusable: {error}", str(path), "", error=error
                )
    return sorted(found.values(), key=lambda r: r.name)


def get_report(name: str, folder: str | Path | None = None) -> Report:
    """A report by name; names are plain words, so they never reach another folder."""
    if not NAME_PATTERN.match(name or ""):
        raise TrackerError(
            f"bad report name {name!r}: use letters, digits, - and _ "
            "(`tracker report --list` lists the reports)"
        )
    for report in list_reports(folder):
        if report.name == name:
            if report.error is not None:
                raise TrackerError(report.error)
            return report
    raise TrackerError(f"no report named {name!r}; `tracker report --list` lists them")


def _iso_date(value: str | dt.date | None, option: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        return dt.date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise TrackerError(f"--{option} must be a date YYYY-MM-DD, not {value!r}") from None


def report_parameters(
    connection: Connection,
    *,
    plan: str | None = None,
    actor: str | None = None,
    target: str | None = None,
    since: str | dt.date | None = None,
    until: str | dt.date | None = None,
    reviewed_only: bool | None = None,
    min_score: float | None = None,
) -> dict[str, Any]:
    """The bound parameters of a report from the options, checked against the store.
    ``reviewed_only`` binds :reviewed_only to 1 (NULL when not given): only positions
    an analyst confirmed, corrected or added (``status <> 'auto'``)."""
    from tracker.queries import check_plan, find_actor_ids

    params: dict[str, Any] = dict.fromkeys(PARAMETERS)
    params["since"] = _iso_date(since, "since")
    params["until"] = _iso_date(until, "until")
    params["reviewed_only"] = 1 if reviewed_only else None
    params["min_score"] = min_score  # :min_score: the coder's score; reviewed ones are kept
    if params["since"] and params["until"] and params["since"] > params["until"]:
        raise TrackerError(f"--since {params['since']} is after --until {params['until']}")
    if plan is not None:
        params["plan"] = check_plan(connection, plan)
    if target is not None:
        params["target"] = _bound_target(connection, target, params["plan"])
    if actor is not None:
        ids = find_actor_ids(connection, actor)  # one actor, or an error naming the candidates
        params["actor_id"] = ids[0]
        params["actor"] = connection.execute(
            text("SELECT actor FROM report_actors WHERE actor_id = :id"), {"id": ids[0]}
        ).scalar()
    return params


def _bound_target(connection: Connection, target: str, plan: str | None) -> str:
    """What :target is bound to for a --target: a point's number, as the reports' ``target``
    column has it (they leave out a point taken out of its file that had the number), else
    the slug as stored (the option is matched in any case, the column is compared exactly).
    A number that only points taken out of the file had names the one ``find_targets``
    chose by its slug. An unknown target is an error."""
    from tracker.queries import find_targets
    from tracker.schema import Target

    ids = find_targets(connection, target, plan)
    rows = connection.execute(
        select(Target.kind, Target.number, Target.slug, Target.retired).where(Target.id.in_(ids))
    ).all()
    first = rows[0]
    if first.kind == "point" and first.number is not None and not first.retired:
        wanted = target.strip()
        if wanted.isascii() and wanted.isdigit():
            return str(first.number)
    return str(first.slug)


def run_report(
    engine: Engine,
    name: str,
    *,
    plan: str | None = None,
    actor: str | None = None,
    target: str | None = None,
    since: str | dt.date | None = None,
    until: str | dt.date | None = None,
    reviewed_only: bool = False,
    min_score: float | None = None,
    folder: str | Path | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
) -> list[dict[str, Any]]:
    """Run a report with the given filters; rows as dicts with ISO dates.

    ``timeout`` is in seconds (None: no limit); past it QueryCancelled is raised.
    """
    report = get_report(name, folder)
    statement = sql_check.check_readonly(report.sql, engine.dialect.name)
    unknown = [p for p in statement.parameters if p not in PARAMETERS]
    if unknown:
        raise TrackerError(
            f"report {name} uses "
            + ", ".join(f":{u}" for u in unknown)
            + "; reports may use only "
            + ", ".join(f":{p}" for p in PARAMETERS)
        )
    given = {
        "plan": plan,
        "actor": actor,
        "target": target,
        "since": since,
        "until": until,
        "reviewed-only": reviewed_only or None,
        "min-score": min_score,
    }
    given = {k: v for k, v in given.items() if v is not None}
    used_options = {OPTION_OF[p] for p in statement.parameters}
    for option in given:
        if option not in used_options:
            raise TrackerError(f"report {name} does not use --{option}")
    for group in report.requires:
        if not any(option in given for option in group):
            raise TrackerError(f"report {name} needs " + " or ".join(f"--{o}" for o in group))
    with readonly_connection(engine, timeout) as connection:
        params = report_parameters(connection, **{k.replace("-", "_"): v for k, v in given.items()})
    return execute_statement(engine, statement, params, timeout)
