"""A Datasette plugin that hides a table's internal columns unless the page asks for them.

Datasette (0.64, 0.65) has no metadata setting that hides a column; its table pages take
``?_nocol=name`` instead. This wrapper adds ``_nocol`` for each column listed under
``plugins: tracker-browse: hidden_columns`` in a table's metadata, on the table's HTML,
JSON and CSV pages, unless the request names its own ``_col`` or ``_nocol`` or asks for
every column with ``?_internal=1`` (Datasette ignores that argument; its links keep it).
``tracker browse`` loads it with ``--plugins-dir``; Datasette imports it by file, so it
imports nothing from ``tracker``.

It also refuses a canned query (a report) whose ``since`` or ``until`` field is not a date:
the reports compare dates as text, so "2024-13-01" or "last week" would filter silently
and wrongly, where ``tracker report --since`` says the date is bad.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from urllib.parse import parse_qsl, urlencode

from datasette import hookimpl
from datasette.utils import tilde_decode

PLUGIN = "tracker-browse"
FORMATS = (".json", ".csv")
SHOW_ALL = "_internal"
DATE_FIELDS = ("since", "until")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


CASEFOLD = "tracker_casefold"


def casefold(value):
    """A text's letter case folded as Python folds it, for every alphabet: SQLite's lower()
    folds A to Z alone, so the actor field found nobody for "STÉPHANE DUJARRIC" or "élysée",
    where `tracker report --actor` finds them."""
    return value.casefold() if isinstance(value, str) else value


@hookimpl
def prepare_connection(conn):
    """``tracker_casefold(text)`` on every connection, for the reports' form fields."""
    conn.create_function(CASEFOLD, 1, casefold, deterministic=True)


def page_of(datasette, path: str) -> tuple[str, str] | None:
    """The database and the table or query a path names (``/db/name``, ``/db/name.json``),
    or None for any other page."""
    parts = path.strip("/").split("/")
    if len(parts) != 2:
        return None
    route, name = parts
    for suffix in FORMATS:
        if name.endswith(suffix):
            name = name[: -len(suffix)]
            break
    names = {db.route: name for name, db in datasette.databases.items()}
    database = names.get(route) or names.get(tilde_decode(route))
    return None if database is None else (database, tilde_decode(name))


def hidden_columns(datasette, path: str, query: str) -> list[str]:
    """The columns to leave out of the page at ``path`` (``/db/table``, ``/db/table.json``)."""
    page = page_of(datasette, path)
    if page is None:
        return []
    config = datasette.plugin_config(PLUGIN, database=page[0], table=page[1]) or {}
    asked = {key for key, _ in parse_qsl(query, keep_blank_values=True)}
    if asked & {"_col", "_nocol", SHOW_ALL}:
        return []
    return list(config.get("hidden_columns") or [])


def bad_date(query: str) -> str | None:
    """What is wrong with a query string's date fields, in the words of ``tracker report``
    (``since must be a date YYYY-MM-DD, not '2024-13-01'``), or None: a blank field
    filters nothing."""
    for key, value in parse_qsl(query, keep_blank_values=True):
        value = value.strip()
        if key not in DATE_FIELDS or not value:
            continue
        try:
            if _ISO_DATE.fullmatch(value):
                dt.date.fromisoformat(value)
                continue
        except ValueError:
            pass
        return f"{key} must be a date YYYY-MM-DD, not {value!r}"
    return None


async def _canned_query(datasette, path: str) -> bool:
    """Whether ``path`` (``/db/name``, ``/db/name.json``) is one of the canned queries."""
    page = page_of(datasette, path)
    if page is None:
        return False
    queries = await datasette.get_canned_queries(page[0], None)
    return page[1] in (queries or {})


async def _refuse(send, path: str, message: str) -> None:
    """A 400 page in the format the path asks for."""
    if path.endswith(".json"):
        kind = "application/json; charset=utf-8"
        body = json.dumps({"ok": False, "error": message, "status": 400})
    elif path.endswith(".csv"):
        kind, body = "text/plain; charset=utf-8", f"Error: {message}\n"
    else:
        kind = "text/html; charset=utf-8"
        body = f"<!DOCTYPE html><title>Bad date</title><p>Error: {html.escape(message)}</p>"
    data = body.encode("utf-8")
    headers = [(b"content-type", kind.encode()), (b"content-length", str(len(data)).encode())]
    await send({"type": "http.response.start", "status": 400, "headers": headers})
    await send({"type": "http.response.body", "body": data})


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def hide_internal_columns(scope, receive, send):
            if scope.get("type") == "http":
                query = scope.get("query_string", b"").decode("latin-1")
                problem = bad_date(query)
                path = scope.get("path", "")
                if problem is not None and await _canned_query(datasette, path):
                    await _refuse(send, path, problem)
                    return
                hidden = hidden_columns(datasette, scope.get("path", ""), query)
                if hidden:
                    extra = urlencode([("_nocol", column) for column in hidden])
                    query = f"{query}&{extra}" if query else extra
                    scope = dict(scope, query_string=query.encode("latin-1"))
            await app(scope, receive, send)

        return hide_internal_columns

    return wrap
