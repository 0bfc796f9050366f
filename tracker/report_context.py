"""What an HTML report shows beside its rows: the evidence behind each cell, the actors'
kinds, the store's articles, and where and when the page was made.

A report's SQL returns one row per cell; a page an analyst prints and sends also needs
the sentences behind each cell, the actors grouped by affiliation and a footer that says
where the figures come from. This module reads those from the store, read-only and under
the report's own filters and time limit, so that the page and the report's rows agree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.engine import URL

from tracker import __version__, coder_is_compiled, readonly_sql, reports, sql_check

# The positions behind the cells, under the matrix report's filters, latest first.
POSITIONS_SQL = """
SELECT actor_id, actor, affiliation, plan, target, target_title, stance, date, sentence,
       source, article_title, url, score, method, article_id, target_slug,
       CASE WHEN EXISTS (
           SELECT 1 FROM targets taken_out WHERE taken_out.id = target_id AND taken_out.retired
       ) THEN 1 ELSE 0 END AS target_retired
FROM report_positions
WHERE (CAST(:plan AS TEXT) IS NULL OR plan = :plan)
  AND (CAST(:actor_id AS INTEGER) IS NULL OR actor_id = :actor_id)
  AND (CAST(:target AS TEXT) IS NULL OR target = :target AND NOT EXISTS (
          SELECT 1 FROM targets taken_out WHERE taken_out.id = target_id AND taken_out.retired
      ) OR target_slug = :target)
  AND (CAST(:since AS DATE) IS NULL OR date >= :since)
  AND (CAST(:until AS DATE) IS NULL OR date <= :until)
  AND (CAST(:reviewed_only AS INTEGER) IS NULL OR status <> 'auto')
  AND (CAST(:min_score AS FLOAT) IS NULL OR status <> 'auto'
       OR score >= CAST(:min_score AS FLOAT))
ORDER BY actor_id, target_id, CASE WHEN date IS NULL THEN 1 ELSE 0 END, date DESC,
         COALESCE(article_id, 0) DESC, COALESCE(sentence_start, 0) DESC,
         COALESCE(position_id, 9223372036854775807) DESC
"""
ACTORS_SQL = "SELECT actor, actor_kind, affiliation FROM report_actors"
ARTICLES_SQL = """
SELECT COUNT(*) AS articles, MIN(published) AS first_date, MAX(published) AS last_date,
       SUM(CASE WHEN published IS NULL THEN 1 ELSE 0 END) AS undated
FROM articles
"""
# Sources whose article has a web address, to link a report's `source` column.
# A source links to an address only when all its articles have that one (a wire's two
# articles under "Reuters" linked every row to the first one's); a source and date, likewise.
LINKS_SQL = """
SELECT source, NULL AS published, MIN(url) AS url FROM articles GROUP BY source
HAVING COUNT(DISTINCT NULLIF(url, '')) = 1 AND COUNT(NULLIF(url, '')) = COUNT(*)
UNION ALL
SELECT source, published, MIN(url) AS url FROM articles WHERE published IS NOT NULL
GROUP BY source, published
HAVING COUNT(DISTINCT NULLIF(url, '')) = 1 AND COUNT(NULLIF(url, '')) = COUNT(*)
"""


def link_key(source: str, date: Any = None) -> str:
    """The key of ``PageContext.links`` for an article source, or a source on a date."""
    if date is None or date == "":
        return source
    return source + "\x00" + (date.isoformat() if hasattr(date, "isoformat") else str(date))


@dataclass
class StoreSummary:
    """The store a page was made from: its address (no password) and its articles."""

    url: str
    articles: int
    first_date: str | None
    last_date: str | None
    undated: int


@dataclass
class PageContext:
    """Everything a page shows beside its rows; each part may be missing (None, empty)."""

    generated_at: dt.datetime
    store: StoreSummary | None = None
    positions: list[dict[str, Any]] | None = None  # under the report's filters
    actor_kinds: dict[str, str] = field(default_factory=dict)  # actor name -> kind
    # article source (or source and date, ``link_key``) -> URL, where it names one address
    links: dict[str, str] = field(default_factory=dict)
    report: str = ""  # the report's name, or "sql"


def store_url(url: URL) -> str:
    """The store's address without any password (also one in the query string)."""
    query = {
        key: value
        for key, value in url.query.items()
        if not any(word in key.lower() for word in ("password", "passwd", "secret", "token"))
    }
    bare = URL.create(
        url.drivername,
        username=url.username,
        host=url.host,
        port=url.port,
        database=url.database,
        query=query,
    )
    return bare.render_as_string(hide_password=False)


def configuration_text() -> str:
    """The coder's version and configuration, for a page's footer.

    ``tracker.provenance`` (the configuration's hash) comes from another branch; until it
    is merged a page names the version alone.
    """
    version = f"tracker {__version__} (compiled: {'yes' if coder_is_compiled() else 'no'})"
    from tracker.provenance import current_configuration

    return f"{version}, configuration {current_configuration().hash}"


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def gather(
    engine: Engine | None,
    report: str,
    *,
    plan: str | None = None,
    actor: str | None = None,
    target: str | None = None,
    since: str | None = None,
    until: str | None = None,
    reviewed_only: bool | None = None,
    min_score: float | None = None,
    timeout: float | None = readonly_sql.DEFAULT_TIMEOUT,
) -> PageContext:
    """The context of report ``report`` run with these options (no store: footer only), under
    the same filters as the report's rows (``--reviewed-only`` included).

    The positions are read only for the reports that draw them (the matrix's evidence
    and charts, the actor's chart); the timeline's rows are its positions already.
    """
    context = PageContext(generated_at=now(), report=report)
    if engine is None:
        return context
    summary = readonly_sql.run_readonly_sql(engine, ARTICLES_SQL, timeout=timeout)[0]
    context.store = StoreSummary(
        url=store_url(engine.url),
        articles=int(summary["articles"] or 0),
        first_date=summary["first_date"],
        last_date=summary["last_date"],
        undated=int(summary["undated"] or 0),
    )
    links = readonly_sql.run_readonly_sql(engine, LINKS_SQL, timeout=timeout)
    context.links = {link_key(row["source"], row["published"]): row["url"] for row in links}
    if report in ("matrix", "actor"):
        with readonly_sql.readonly_connection(engine, timeout) as connection:
            params = reports.report_parameters(
                connection,
                plan=plan,
                actor=actor,
                target=target,
                since=since,
                until=until,
                reviewed_only=reviewed_only,
                min_score=min_score,
            )
        used = sql_check.check_readonly(POSITIONS_SQL, engine.dialect.name).parameters
        context.positions = readonly_sql.run_readonly_sql(
            engine, POSITIONS_SQL, {name: params[name] for name in used}, timeout=timeout
        )
        kinds = readonly_sql.run_readonly_sql(engine, ACTORS_SQL, timeout=timeout)
        context.actor_kinds = {row["actor"]: row["actor_kind"] for row in kinds}
    return context
