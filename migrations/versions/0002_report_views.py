"""report views

The building blocks of the SQL reports (``tracker report``), as views so that
every SQL client (psql, sqlite3, DBeaver, Datasette) sees them too. The SQL is
portable: the same text runs on SQLite and PostgreSQL.

* ``report_targets``: every target with its plan, its key (point number, else slug)
  and a sort order (the plan, then points by number, then the other issues);
* ``report_actors``: the actor registry;
* ``report_positions``: one row per position with its date, article, sentence,
  plan, target and actor (the export contract's columns first);
* ``report_links``: one row per sentence → target link with date and article.

Undated positions (no article date, or entered by hand without a sentence) have
a NULL ``date``; the reports treat them as older than any dated one.

Note for later migrations: on SQLite, batch operations that rebuild one of the
tables these views read must drop the views first and create them again after.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 03:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None
# it creates and replaces views only: undoing it removes no stored data
VIEWS_ONLY = True

VIEWS: dict[str, str] = {
    "report_targets": """
        SELECT
            t.id AS target_id,
            p.slug AS plan,
            CASE WHEN t.kind = 'point' THEN CAST(t.number AS VARCHAR(20)) ELSE t.slug END
                AS target,
            t.title AS target_title,
            t.kind AS target_kind,
            t.number AS target_number,
            t.slug AS target_slug,
            CASE t.kind WHEN 'plan' THEN 0 WHEN 'point' THEN 1 ELSE 2 END AS kind_order,
            p.id AS plan_id,
            p.title AS plan_title
        FROM targets t
        JOIN plans p ON p.id = t.plan_id
    """,
    "report_actors": """
        SELECT
            a.id AS actor_id,
            a.name AS actor,
            a.kind AS actor_kind,
            a.affiliation AS affiliation,
            a.confirmed AS confirmed
        FROM actors a
    """,
    "report_positions": """
        SELECT
            ar.source AS source,
            ar.published AS date,
            s.text AS sentence,
            rt.plan AS plan,
            rt.target AS target,
            a.name AS actor,
            a.affiliation AS affiliation,
            po.stance AS stance,
            po.score AS score,
            po.method AS method,
            rt.target_title AS target_title,
            ar.title AS article_title,
            ar.url AS url,
            po.id AS position_id,
            po.actor_id AS actor_id,
            po.target_id AS target_id,
            rt.target_kind AS target_kind,
            rt.target_number AS target_number,
            rt.target_slug AS target_slug,
            rt.kind_order AS kind_order,
            s.id AS sentence_id,
            s.ordinal AS sentence_ordinal,
            ar.id AS article_id
        FROM positions po
        JOIN actors a ON a.id = po.actor_id
        JOIN report_targets rt ON rt.target_id = po.target_id
        LEFT JOIN sentences s ON s.id = po.sentence_id
        LEFT JOIN articles ar ON ar.id = s.article_id
    """,
    "report_links": """
        SELECT
            ar.source AS source,
            ar.published AS date,
            s.text AS sentence,
            rt.plan AS plan,
            rt.target AS target,
            l.score AS score,
            l.phrase AS phrase,
            l.method AS method,
            rt.target_title AS target_title,
            ar.title AS article_title,
            ar.url AS url,
            l.id AS link_id,
            l.target_id AS target_id,
            rt.target_kind AS target_kind,
            rt.target_number AS target_number,
            rt.target_slug AS target_slug,
            rt.kind_order AS kind_order,
            s.id AS sentence_id,
            s.ordinal AS sentence_ordinal,
            ar.id AS article_id
        FROM links l
        JOIN sentences s ON s.id = l.sentence_id
        JOIN articles ar ON ar.id = s.article_id
        JOIN report_targets rt ON rt.target_id = l.target_id
    """,
}


def upgrade() -> None:
    for name, query in VIEWS.items():  # in dependency order
        op.execute(f"CREATE VIEW {name} AS {query.strip()}")


def downgrade() -> None:
    for name in reversed(list(VIEWS)):
        op.execute(f"DROP VIEW IF EXISTS {name}")
