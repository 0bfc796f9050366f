"""A Datasette plugin that hides a table's internal columns unless the page asks for them.

Datasette (0.64, 0.65) has no metadata setting that hides a column; its table pages take
``?_nocol=name`` instead. This wrapper adds ``_nocol`` for each column listed under
``plugins: tracker-browse: hidden_columns`` in a table's metadata, on the table's HTML,
JSON and CSV pages, unless the request names its own ``_col`` or ``_nocol`` or asks for
every column with ``?_internal=1`` (Datasette ignores that argument; its links keep it).
``tracker browse`` loads it with ``--plugins-dir``; Datasette imports it by file, so it
imports nothing from ``tracker``.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from datasette import hookimpl
from datasette.utils import tilde_decode

PLUGIN = "tracker-browse"
FORMATS = (".json", ".csv")
SHOW_ALL = "_internal"


def hidden_columns(datasette, path: str, query: str) -> list[str]:
    """The columns to leave out of the page at ``path`` (``/db/table``, ``/db/table.json``)."""
    parts = path.strip("/").split("/")
    if len(parts) != 2:
        return []
    route, table = parts
    for suffix in FORMATS:
        if table.endswith(suffix):
            table = table[: -len(suffix)]
            break
    names = {db.route: name for name, db in datasette.databases.items()}
    database = names.get(route) or names.get(tilde_decode(route))
    if database is None:
        return []
    config = datasette.plugin_config(PLUGIN, database=database, table=tilde_decode(table)) or {}
    asked = {key for key, _ in parse_qsl(query, keep_blank_values=True)}
    if asked & {"_col", "_nocol", SHOW_ALL}:
        return []
    return list(config.get("hidden_columns") or [])


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def hide_internal_columns(scope, receive, send):
            if scope.get("type") == "http":
                query = scope.get("query_string", b"").decode("latin-1")
                hidden = hidden_columns(datasette, scope.get("path", ""), query)
                if hidden:
                    extra = urlencode([("_nocol", column) for column in hidden])
                    query = f"{query}&{extra}" if query else extra
                    scope = dict(scope, query_string=query.encode("latin-1"))
            await app(scope, receive, send)

        return hide_internal_columns

    return wrap
