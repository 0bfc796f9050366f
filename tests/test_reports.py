"""SQL reports and read-only SQL: exact rows on a small known store, on SQLite and PostgreSQL.

The store is built by hand: a plan of its own (``test-plan``: the plan as a
whole, points 1-3 and the issue ``withdrawal``), three actors of its own and
three articles (2023-02-24, 2023-03-10 and one undated), so that every report
has a known answer that does not depend on the coder or the seed files.
"""

from __future__ import annotations

import csv
import datetime as dt
import json

import pytest
from sqlalchemy import func, inspect, select, text

from tracker import readonly_sql, reports, sql_check
from tracker.db import make_engine
from tracker.errors import TrackerError
from tracker.schema import Actor, Article, Link, Plan, Position, Sentence, Target

BUILT_INS = {"matrix", "coverage", "actor", "timeline", "contested", "omissions", "evidence"}
VIEWS = {"report_targets", "report_actors", "report_positions", "report_links"}
PLAN = ("--plan", "test-plan")

ARTICLES = {
    "a1": (dt.date(2023, 2, 24), "First article", "https://example.org/a1"),
    "a2": (dt.date(2023, 3, 10), "Second article", None),
    "a3": (None, None, None),
}
SENTENCES = {
    "a1": [
        "Aland backs sovereignty.",
        "Bland rejects sovereignty talk.",
        'Cland calls the plan "good & bad" <really>.',
    ],
    "a2": [
        "Aland now rejects sovereignty.",
        "Bland wants a ceasefire.",
        "Cland backs sovereignty.",
    ],
    "a3": ["Bland repeats its call for a ceasefire.", "Aland demands withdrawal."],
}
# (actor, target, stance, (article, ordinal), score), in the order they are stored
POSITIONS = [
    ("Aland", "1", "support", ("a1", 0), 1.0),
    ("Aland", "1", "oppose", ("a2", 0), 0.7),
    ("Bland", "1", "oppose", ("a1", 1), 1.0),
    ("Bland", "2", "support", ("a2", 1), 1.0),
    ("Bland", "2", "support", ("a3", 0), 0.5),
    ("Cland", "plan", "mixed", ("a1", 2), 1.0),
    ("Aland", "withdrawal", "support", ("a3", 1), 1.0),
    ("Cland", "1", "support", ("a2", 2), 0.9),
]
# The coder never links the plan as a whole; one sentence is linked but holds no position.
LINKS = [
    (("a1", 0), "1"),
    (("a2", 0), "1"),
    (("a1", 1), "1"),
    (("a2", 1), "2"),
    (("a3", 0), "2"),
    (("a3", 1), "withdrawal"),
    (("a2", 2), "1"),
    (("a1", 0), "2"),
]


def _build(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as connection:

        def add(table, **values) -> int:
            return connection.execute(
                table.__table__.insert().values(**values)
            ).inserted_primary_key[0]

        actors = {
            name: add(Actor, name=name, kind=kind, affiliation=affiliation, confirmed=True)
            for name, kind, affiliation in [
                ("Aland", "state", "Aland"),
                ("Bland", "state", "Bland"),
                ("Cland", "person", "Aland"),
            ]
        }
        plan_id = add(Plan, slug="test-plan", title="A plan for the tests")
        targets = {}
        for kind, number, slug, title in [
            ("plan", None, "plan", "The test plan as a whole"),
            ("point", 1, "sovereignty", "Sovereignty"),
            ("point", 2, "ceasefire", "Ceasefire"),
            ("point", 3, "sanctions", "Sanctions"),
            ("issue", None, "withdrawal", "Troop withdrawal"),
        ]:
            key = str(number) if number else slug
            targets[key] = add(
                Target,
                plan_id=plan_id,
                kind=kind,
                number=number,
                slug=slug,
                title=title,
                description="",
            )
        sentences = {}
        for key, (published, title, url) in ARTICLES.items():
            article_id = add(
                Article,
                source=f"{key}.txt",
                title=title,
                url=url,
                published=published,
                content_hash=f"test-{key}",
            )
            start = 0
            for ordinal, sentence in enumerate(SENTENCES[key]):
                sentences[(key, ordinal)] = add(
                    Sentence,
                    article_id=article_id,
                    ordinal=ordinal,
                    start=start,
                    end=start + len(sentence),
                    text=sentence,
                )
                start += len(sentence) + 1
        for sentence, target in LINKS:
            add(
                Link,
                sentence_id=sentences[sentence],
                target_id=targets[target],
                score=1.0,
                method="fuzzy",
                phrase=None,
            )
        for actor, target, stance, sentence, score in POSITIONS:
            add(
                Position,
                actor_id=actors[actor],
                target_id=targets[target],
                stance=stance,
                sentence_id=sentences[sentence],
                score=score,
                method="auto",
            )
    engine.dispose()


@pytest.fixture
def known(db_url) -> str:
    _build(db_url)
    return db_url


def _report(invoke, url: str, *args: str) -> list[dict]:
    return json.loads(invoke("--db", url, "report", *args, "--format", "json").output)


def _error(invoke, *args: str) -> str:
    output = invoke(*args, expect=1).output.strip()
    assert output.startswith("Error:") and len(output.splitlines()) == 1, output
    return output


def _matrix_row(
    actor, affiliation, target, title, stance, evidence, positions, changed, date, sentence
):
    return {
        "actor": actor,
        "affiliation": affiliation,
        "plan": "test-plan",
        "target": target,
        "target_title": title,
        "target_retired": 0,
        "stance": stance,
        "evidence": evidence,
        "positions": positions,
        "changed": changed,
        "last_date": date,
        "sentence": sentence,
    }


MATRIX = [
    _matrix_row(
        "Aland",
        "Aland",
        "1",
        "Sovereignty",
        "oppose",
        1,
        2,
        1,
        "2023-03-10",
        "Aland now rejects sovereignty.",
    ),
    _matrix_row(
        "Aland",
        "Aland",
        "withdrawal",
        "Troop withdrawal",
        "support",
        1,
        1,
        0,
        None,
        "Aland demands withdrawal.",
    ),
    _matrix_row(
        "Bland",
        "Bland",
        "1",
        "Sovereignty",
        "oppose",
        1,
        1,
        0,
        "2023-02-24",
        "Bland rejects sovereignty talk.",
    ),
    _matrix_row(
        "Bland",
        "Bland",
        "2",
        "Ceasefire",
        "support",
        2,
        2,
        0,
        "2023-03-10",
        "Bland wants a ceasefire.",
    ),
    _matrix_row(
        "Cland",
        "Aland",
        "plan",
        "The test plan as a whole",
        "mixed",
        1,
        1,
        0,
        "2023-02-24",
        'Cland calls the plan "good & bad" <really>.',
    ),
    _matrix_row(
        "Cland",
        "Aland",
        "1",
        "Sovereignty",
        "support",
        1,
        1,
        0,
        "2023-03-10",
        "Cland backs sovereignty.",
    ),
]


# --------------------------------------------------------------------------- the views


def test_views_are_visible_to_sql_clients(known, invoke):
    engine = make_engine(known)
    with engine.connect() as connection:
        assert VIEWS <= set(inspect(connection).get_view_names())
        rows = connection.execute(
            text("SELECT actor, target, stance FROM report_positions ORDER BY position_id")
        ).all()
    engine.dispose()
    assert [tuple(r) for r in rows] == [(a, t, s) for a, t, s, _, _ in POSITIONS]
    invoke("--db", known, "db", "downgrade", "0001", "--yes")
    engine = make_engine(known)
    with engine.connect() as connection:
        assert not VIEWS & set(inspect(connection).get_view_names())
    engine.dispose()
    invoke("--db", known, "db", "upgrade")
    assert len(_report(invoke, known, "matrix")) == len(MATRIX)


# --------------------------------------------------------------------------- each report


def test_matrix(known, invoke):
    assert _report(invoke, known, "matrix", *PLAN) == MATRIX
    assert _report(invoke, known, "matrix") == MATRIX  # the seeded plan has no positions
    assert _report(invoke, known, "matrix", "--actor", "bland") == MATRIX[2:4]


def test_matrix_in_a_period(known, invoke):
    assert _report(invoke, known, "matrix", *PLAN, "--until", "2023-02-28") == [
        _matrix_row(
            "Aland",
            "Aland",
            "1",
            "Sovereignty",
            "support",
            1,
            1,
            0,
            "2023-02-24",
            "Aland backs sovereignty.",
        ),
        MATRIX[2],
        MATRIX[4],
    ]
    assert _report(invoke, known, "matrix", *PLAN, "--since", "2023-03-01") == [
        _matrix_row(
            "Aland",
            "Aland",
            "1",
            "Sovereignty",
            "oppose",
            1,
            1,
            0,
            "2023-03-10",
            "Aland now rejects sovereignty.",
        ),
        _matrix_row(
            "Bland",
            "Bland",
            "2",
            "Ceasefire",
            "support",
            1,
            1,
            0,
            "2023-03-10",
            "Bland wants a ceasefire.",
        ),
        MATRIX[5],
    ]


def _coverage(target, title, sentences, articles, positions, for_, against, mixed):
    return {
        "plan": "test-plan",
        "target": target,
        "target_title": title,
        "sentences": sentences,
        "articles": articles,
        "positions": positions,
        "actors_for": for_,
        "actors_against": against,
        "actors_mixed": mixed,
    }


def test_coverage(known, invoke):
    assert _report(invoke, known, "coverage", *PLAN) == [
        _coverage("plan", "The test plan as a whole", 1, 1, 1, 0, 0, 1),
        _coverage("1", "Sovereignty", 4, 2, 4, 1, 2, 0),
        _coverage("2", "Ceasefire", 3, 3, 2, 1, 0, 0),
        _coverage("3", "Sanctions", 0, 0, 0, 0, 0, 0),
        _coverage("withdrawal", "Troop withdrawal", 1, 1, 1, 1, 0, 0),
    ]
    assert _report(invoke, known, "coverage", *PLAN, "--since", "2023-03-01") == [
        _coverage("plan", "The test plan as a whole", 0, 0, 0, 0, 0, 0),
        _coverage("1", "Sovereignty", 2, 1, 2, 1, 1, 0),
        _coverage("2", "Ceasefire", 1, 1, 1, 1, 0, 0),
        _coverage("3", "Sanctions", 0, 0, 0, 0, 0, 0),
        _coverage("withdrawal", "Troop withdrawal", 0, 0, 0, 0, 0, 0),
    ]
    assert _report(invoke, known, "coverage", *PLAN, "--target", "ceasefire") == [
        _coverage("2", "Ceasefire", 3, 3, 2, 1, 0, 0),
    ]


def test_actor_profile(known, invoke):
    common = {"actor": "Aland", "affiliation": "Aland", "plan": "test-plan"}
    assert _report(invoke, known, "actor", "--actor", "Aland", *PLAN) == [
        {
            **common,
            "target": "1",
            "target_title": "Sovereignty",
            "target_retired": 0,
            "stance": "oppose",
            "changed": 1,
            "first_date": "2023-02-24",
            "last_date": "2023-03-10",
            "evidence": 1,
            "positions": 2,
            "support": 1,
            "oppose": 1,
            "mixed": 0,
        },
        {
            **common,
            "target": "withdrawal",
            "target_title": "Troop withdrawal",
            "target_retired": 0,
            "stance": "support",
            "changed": 0,
            "first_date": None,
            "last_date": None,
            "evidence": 1,
            "positions": 1,
            "support": 1,
            "oppose": 0,
            "mixed": 0,
        },
    ]


def _event(date, actor, target, title, stance, previous, changed, score, sentence, source):
    affiliation = "Bland" if actor == "Bland" else "Aland"
    return {
        "date": date,
        "actor": actor,
        "affiliation": affiliation,
        "plan": "test-plan",
        "target": target,
        "target_title": title,
        "target_retired": 0,
        "stance": stance,
        "previous_stance": previous,
        "changed": changed,
        "score": score,
        "method": "auto",
        "sentence": sentence,
        "source": source,
    }


def test_timeline(known, invoke):
    aland = [
        _event(
            None,
            "Aland",
            "withdrawal",
            "Troop withdrawal",
            "support",
            None,
            0,
            1.0,
            "Aland demands withdrawal.",
            "a3.txt",
        ),
        _event(
            "2023-02-24",
            "Aland",
            "1",
            "Sovereignty",
            "support",
            None,
            0,
            1.0,
            "Aland backs sovereignty.",
            "a1.txt",
        ),
        _event(
            "2023-03-10",
            "Aland",
            "1",
            "Sovereignty",
            "oppose",
            "support",
            1,
            0.7,
            "Aland now rejects sovereignty.",
            "a2.txt",
        ),
    ]
    assert _report(invoke, known, "timeline", "--actor", "Aland", *PLAN) == aland
    # the change is measured against the whole history, also before --since
    assert _report(invoke, known, "timeline", "--actor", "Aland", "--since", "2023-03-01") == [
        aland[2]
    ]
    assert _report(invoke, known, "timeline", "--target", "1", *PLAN) == [
        aland[1],
        _event(
            "2023-02-24",
            "Bland",
            "1",
            "Sovereignty",
            "oppose",
            None,
            0,
            1.0,
            "Bland rejects sovereignty talk.",
            "a1.txt",
        ),
        aland[2],
        _event(
            "2023-03-10",
            "Cland",
            "1",
            "Sovereignty",
            "support",
            None,
            0,
            0.9,
            "Cland backs sovereignty.",
            "a2.txt",
        ),
    ]


def _contested(support, supporters, oppose, opponents):
    return {
        "plan": "test-plan",
        "target": "1",
        "target_title": "Sovereignty",
        "target_retired": 0,
        "supporters": supporters,
        "support": support,
        "opponents": opponents,
        "oppose": oppose,
        "mixed": 0,
        "mixed_actors": None,
    }


def test_contested(known, invoke):
    assert _report(invoke, known, "contested", *PLAN) == [_contested("Cland", 1, "Aland, Bland", 2)]
    assert _report(invoke, known, "contested", *PLAN, "--until", "2023-02-28") == [
        _contested("Aland", 1, "Bland", 1)
    ]
    assert _report(invoke, known, "contested", *PLAN, "--since", "2023-03-01") == [
        _contested("Cland", 1, "Aland", 1)
    ]
    assert _report(invoke, known, "contested", *PLAN, "--target", "2") == []


def _omitted(scope, actor, target, title):
    return {
        "scope": scope,
        "actor": actor,
        "plan": "test-plan",
        "target": target,
        "target_title": title,
    }


def test_omissions(known, invoke):
    plan = ("plan", "The test plan as a whole")
    two, three = ("2", "Ceasefire"), ("3", "Sanctions")
    withdrawal = ("withdrawal", "Troop withdrawal")
    assert _report(invoke, known, "omissions", *PLAN) == [
        _omitted("nobody", None, *three),
        _omitted("actor", "Aland", *plan),
        _omitted("actor", "Aland", *two),
        _omitted("actor", "Aland", *three),
        _omitted("actor", "Bland", *plan),
        _omitted("actor", "Bland", *three),
        _omitted("actor", "Bland", *withdrawal),
        _omitted("actor", "Cland", *two),
        _omitted("actor", "Cland", *three),
        _omitted("actor", "Cland", *withdrawal),
    ]
    assert _report(
        invoke, known, "omissions", *PLAN, "--actor", "Bland", "--since", "2023-03-01"
    ) == [
        _omitted("nobody", None, *plan),
        _omitted("nobody", None, *three),
        _omitted("nobody", None, *withdrawal),
        _omitted("actor", "Bland", *plan),
        _omitted("actor", "Bland", "1", "Sovereignty"),
        _omitted("actor", "Bland", *three),
        _omitted("actor", "Bland", *withdrawal),
    ]


def test_evidence(known, invoke):
    expected = [
        {
            "date": None,
            "actor": "Bland",
            "plan": "test-plan",
            "target": "2",
            "target_retired": 0,
            "stance": "support",
            "score": 0.5,
            "method": "auto",
            "sentence": "Bland repeats its call for a ceasefire.",
            "source": "a3.txt",
            "article_title": None,
            "url": None,
        },
        {
            "date": "2023-03-10",
            "actor": "Bland",
            "plan": "test-plan",
            "target": "2",
            "target_retired": 0,
            "stance": "support",
            "score": 1.0,
            "method": "auto",
            "sentence": "Bland wants a ceasefire.",
            "source": "a2.txt",
            "article_title": "Second article",
            "url": None,
        },
    ]
    assert _report(invoke, known, "evidence", "--actor", "Bland", "--target", "2", *PLAN) == (
        expected
    )
    # a slug in any case names the point, as for `position`
    for slug in ("ceasefire", "CeaseFire"):
        assert _report(invoke, known, "evidence", "--actor", "Bland", "--target", slug, *PLAN) == (
            expected
        )
    # two plans have a point "ceasefire": without --plan that is two points, as a number is
    assert "is a target of 2 plans (china-2023, test-plan); add --plan SLUG" in _error(
        invoke, "--db", known, "report", "evidence", "--actor", "Bland", "--target", "ceasefire"
    )


def test_report_options_are_checked(known, invoke):
    assert "needs --target" in _error(
        invoke, "--db", known, "report", "evidence", "--actor", "Aland"
    )
    assert "needs --actor or --target" in _error(invoke, "--db", known, "report", "timeline")
    assert "does not use --actor" in _error(
        invoke, "--db", known, "report", "coverage", "--actor", "Aland"
    )
    assert "no report named" in _error(invoke, "--db", known, "report", "nosuchreport")
    assert "no plan" in _error(invoke, "--db", known, "report", "matrix", "--plan", "nope")
    assert "no target" in _error(invoke, "--db", known, "report", "matrix", "--target", "99")
    assert "no actor" in _error(invoke, "--db", known, "report", "matrix", "--actor", "Nobody Xyz")
    assert "YYYY-MM-DD" in _error(invoke, "--db", known, "report", "matrix", "--since", "March")


# --------------------------------------------------------------------------- listing, user reports


def test_list_shows_every_built_in_with_its_description(invoke, tmp_path):
    rows = json.loads(invoke("report", "--list", "--format", "json").output)
    listed = {row["name"]: row for row in rows}
    assert BUILT_INS <= set(listed)
    for name in BUILT_INS:
        assert listed[name]["description"].strip(), name
        assert listed[name]["origin"] == "built-in"
    table = invoke("report", "--list", "--format", "table").output
    for name in BUILT_INS:
        assert listed[name]["description"] in table


USER_REPORT = """\
-- Positions per actor (my own report)
SELECT actor, COUNT(*) AS positions
FROM report_positions
WHERE (CAST(:plan AS TEXT) IS NULL OR plan = :plan)
GROUP BY actor
ORDER BY actor
"""


def test_user_reports_folder(known, invoke, tmp_path, monkeypatch):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "per_actor.sql").write_text(USER_REPORT, encoding="utf-8")
    (mine / "evil.sql").write_text("-- Deletes everything\nDELETE FROM positions\n")
    expected = [
        {"actor": "Aland", "positions": 3},
        {"actor": "Bland", "positions": 3},
        {"actor": "Cland", "positions": 2},
    ]
    rows = json.loads(invoke("report", "--list", "--reports-dir", mine, "--format", "json").output)
    listed = {row["name"]: row for row in rows}
    assert listed["per_actor"]["description"] == "Positions per actor (my own report)"
    assert listed["per_actor"]["origin"] == str(mine / "per_actor.sql")
    assert BUILT_INS <= set(listed)
    assert _report(invoke, known, "per_actor", "--reports-dir", mine, *PLAN) == expected
    assert "refused" in _error(invoke, "--db", known, "report", "evil", "--reports-dir", mine)
    monkeypatch.setenv("TRACKER_REPORTS_DIR", str(mine))
    assert _report(invoke, known, "per_actor") == expected
    assert "per_actor" in invoke("report", "--list").output
    monkeypatch.setenv("TRACKER_REPORTS_DIR", str(tmp_path / "missing"))
    assert "does not exist" in _error(invoke, "report", "--list")
    _count_positions(known, expected=len(POSITIONS))


@pytest.mark.parametrize(
    "name",
    [
        "../outside",
        "..",
        "mine/../outside",
        "a/b",
        "a\\b",
        "/etc/passwd",
        "outside.sql",
        ".hidden",
        "..\\outside",
    ],
)
def test_report_names_cannot_leave_the_report_folders(invoke, tmp_path, name):
    mine = tmp_path / "mine"
    mine.mkdir()
    (tmp_path / "outside.sql").write_text("-- Not a report\nSELECT 1 AS x\n")
    url = f"sqlite:///{tmp_path / 'unused.db'}"
    output = _error(invoke, "--db", url, "report", name, "--reports-dir", mine)
    assert "bad report name" in output
    with pytest.raises(TrackerError, match="bad report name"):
        reports.get_report(name, mine)
    assert not (tmp_path / "unused.db").exists()  # refused before the store was opened


# --------------------------------------------------------------------------- output formats


def test_markdown_and_the_listing_formats(known, invoke):
    lines = invoke("--db", known, "report", "coverage", *PLAN, "--format", "markdown").output
    lines = lines.splitlines()
    assert lines[0].startswith("| plan | target | target_title | sentences |")
    assert lines[1].startswith("| --- |") and len(lines) == 2 + 5
    assert lines[3] == "| test-plan | 1 | Sovereignty | 4 | 2 | 4 | 1 | 2 | 0 |"
    from tracker.report_html import render_markdown

    stored = "<script>alert(1)</script> **not bold** `x` [a](javascript:b) a|b 0.5 & c"
    assert render_markdown([{"sentence": stored}]).splitlines()[2] == (
        "| \\<script\\>alert(1)\\</script\\> \\*\\*not bold\\*\\* \\`x\\` "
        "\\[a\\](javascript:b) a\\|b 0.5 \\& c |"
    )
    csv = invoke("--db", known, "report", "contested", *PLAN, "--format", "csv").output
    assert csv.splitlines()[1] == 'test-plan,1,Sovereignty,0,1,Cland,2,"Aland, Bland",0,'
    jsonl = invoke("--db", known, "report", "matrix", *PLAN, "--format", "jsonl").output
    assert [json.loads(line) for line in jsonl.splitlines()] == MATRIX


# --------------------------------------------------------------------------- ad-hoc SQL


def _snapshot(url: str) -> dict:
    engine = make_engine(url)
    with engine.connect() as connection:
        state = {
            table.__tablename__: connection.execute(
                select(func.count()).select_from(table)
            ).scalar()
            for table in (Actor, Article, Sentence, Link, Position, Plan, Target)
        }
        state["names"] = connection.execute(select(Actor.name).order_by(Actor.id)).scalars().all()
        state["views"] = sorted(inspect(connection).get_view_names())
        state["tables"] = sorted(inspect(connection).get_table_names())
        if connection.dialect.name == "sqlite":
            state["user_version"] = connection.exec_driver_sql("PRAGMA user_version").scalar()
            state["databases"] = [
                row[1] for row in connection.exec_driver_sql("PRAGMA database_list")
            ]
    engine.dispose()
    return state


def _count_positions(url: str, expected: int) -> None:
    engine = make_engine(url)
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(Position)).scalar() == expected
    engine.dispose()


def test_sql_runs_queries_with_parameters(known, invoke):
    query = (
        "SELECT actor, stance FROM report_positions "
        "WHERE target = :t AND plan = :p ORDER BY position_id"
    )
    rows = json.loads(
        invoke(
            "--db", known, "sql", query, "-p", "t=1", "-p", "p=test-plan", "--format", "json"
        ).output
    )
    assert rows == [
        {"actor": "Aland", "stance": "support"},
        {"actor": "Aland", "stance": "oppose"},
        {"actor": "Bland", "stance": "oppose"},
        {"actor": "Cland", "stance": "support"},
    ]
    # comments, a trailing semicolon and colons or semicolons inside strings are fine
    piped = invoke(
        "--db",
        known,
        "sql",
        "-",
        "--format",
        "json",
        input="-- how many?\nSELECT COUNT(*) AS n, 'a;b:c' AS s FROM positions; -- done\n",
    ).output
    assert json.loads(piped) == [{"n": len(POSITIONS), "s": "a;b:c"}]
    assert "needs :t" in _error(invoke, "--db", known, "sql", "SELECT :t AS x")
    assert "has no :x" in _error(invoke, "--db", known, "sql", "SELECT 1 AS y", "-p", "x=1")
    assert _error(invoke, "--db", known, "sql", "SELECT * FROM no_such_table").startswith(
        "Error: SQL error:"
    )


WRITES = [
    "DELETE FROM positions",
    "delete from positions where 1 = 1",
    "UPDATE actors SET name = 'changed'",
    "INSERT INTO plans (slug, title) VALUES ('x', 'y')",
    "DROP TABLE positions",
    "DROP VIEW report_positions",
    "CREATE TABLE sneaky (x INTEGER)",
    "ALTER TABLE actors ADD COLUMN sneaky INTEGER",
    "ATTACH DATABASE 'ATTACHED' AS sneaky",
    "PRAGMA user_version = 5",
    "PRAGMA query_only = OFF",
    "VACUUM",
    "SELECT 1; DELETE FROM positions",
    "SELECT 1;\nDROP TABLE positions;",
    "/* harmless */ SELECT 1 ; -- then\n UPDATE actors SET name = 'x'",
    "WITH doomed AS (SELECT id FROM positions) DELETE FROM positions",
    "WITH d AS (DELETE FROM positions RETURNING id) SELECT COUNT(*) FROM d",
    "SELECT * INTO sneaky FROM positions",
    "EXPLAIN ANALYZE DELETE FROM positions",
    "COMMIT",
    "BEGIN; DELETE FROM positions; COMMIT",
    "-- only a comment",
]


def test_sql_is_read_only(known, invoke, tmp_path):
    before = _snapshot(known)
    attached = tmp_path / "attached.db"
    for statement in WRITES:
        statement = statement.replace("ATTACHED", str(attached))
        output = _error(invoke, "--db", known, "sql", "--", statement)
        assert "refused" in output or "no SQL" in output, (statement, output)
    assert _snapshot(known) == before
    assert not attached.exists()


def test_the_transaction_itself_is_read_only(known):
    """Behind the statement check, the database refuses writes too, and the guard is undone."""
    before = _snapshot(known)
    engine = make_engine(known)
    for statement in ("DELETE FROM positions", "UPDATE actors SET name = 'changed'"):
        with readonly_sql.readonly_connection(engine) as connection:
            with pytest.raises(Exception, match="(?i)read-?only"):
                connection.execute(text(statement))
    if engine.dialect.name == "postgresql":  # a function that writes, inside a SELECT
        with pytest.raises(TrackerError, match="refused: the query tried to write"):
            readonly_sql.run_readonly_sql(engine, "SELECT nextval('positions_id_seq') AS n")
    else:
        with engine.connect() as connection:  # the pooled connection writes again
            assert connection.exec_driver_sql("PRAGMA query_only").scalar() == 0
    with engine.begin() as connection:  # ordinary commands still write
        connection.execute(
            Actor.__table__.insert().values(name="Dland", kind="state", confirmed=True)
        )
    engine.dispose()
    after = _snapshot(known)
    assert after["actors"] == before["actors"] + 1
    assert {k: v for k, v in after.items() if k not in ("actors", "names")} == {
        k: v for k, v in before.items() if k not in ("actors", "names")
    }


@pytest.mark.parametrize(
    "statement",
    [
        "SELECT 1",
        "  select 1 ;  ",
        "(SELECT 1) UNION (SELECT 2)",
        "WITH x AS (SELECT 1 AS a) SELECT a FROM x",
        "VALUES (1), (2)",
        "EXPLAIN SELECT 1",
        "SELECT 'DELETE; DROP' AS harmless",
        'SELECT 1 AS "update"',
        "SELECT replace('a', 'a', 'b')",
    ],
)
def test_read_only_check_lets_reads_through(statement):
    assert sql_check.check_readonly(statement).sql


def test_read_only_check_finds_parameters():
    statement = sql_check.check_readonly(
        "SELECT :a, ':b', \"x:c\" -- :d\n FROM t WHERE y = :a AND z::text = :e /* :f */"
    )
    assert statement.parameters == ["a", "e"]


def test_statements_are_split_as_each_database_reads_them():
    nested = "SELECT 1 AS one /* a /* nested */ comment; DELETE FROM positions */"
    escaped = "SELECT E'\\'; DELETE FROM positions; --' AS s"
    bracketed = "SELECT 1 AS [a;b]"
    assert sql_check.check_readonly(nested, "postgresql").sql
    assert sql_check.check_readonly(escaped, "postgresql").sql
    assert sql_check.check_readonly(bracketed, "sqlite").sql
    for statement, dialect in [(nested, "sqlite"), (escaped, "sqlite"), (bracketed, "postgresql")]:
        with pytest.raises(TrackerError, match="refused"):
            sql_check.check_readonly(statement, dialect)
        with pytest.raises(TrackerError, match="refused"):
            sql_check.check_readonly(statement)  # without a dialect the text must pass as both


def test_quoting_reaches_the_database_whole(known):
    engine = make_engine(known)
    if engine.dialect.name == "postgresql":
        query = "SELECT E'\\'; DELETE FROM positions; --' AS s, $q$;:x$q$ AS d /* /* */ ; */"
        expected = [{"s": "'; DELETE FROM positions; --", "d": ";:x"}]
    else:
        query = "SELECT ';DELETE FROM positions; --' AS s, ';:x' AS [d;e] /* ; */"
        expected = [{"s": ";DELETE FROM positions; --", "d;e": ";:x"}]
    rows = readonly_sql.run_readonly_sql(engine, query)
    engine.dispose()
    assert rows == expected
    _count_positions(known, expected=len(POSITIONS))


def test_a_position_added_by_hand_on_a_later_sentence_is_the_latest(invoke, db_url, tmp_path):
    """Of two positions of one date, the later sentence's is the latest, also when an
    analyst added it by hand (it has no position id: it sorted first on SQLite and last on
    PostgreSQL, so the matrix showed the older stance and the timeline a change backwards)."""
    text = "Zelensky said Ukraine wanted a ceasefire.\n\nThe talks went on in Geneva.\n"
    invoke("--db", db_url, "ingest", "-q", "-", input=f"date 2024-03-01\n{text}")
    sheet = tmp_path / "added.csv"
    rows = [
        {
            "key": "",
            "source": "<stdin>",
            "date": "2024-03-01",
            "sentence": "The talks went on in Geneva.",
            "actor": "Zelensky",
            "plan": "china-2023",
            "target": "3",
            "stance": "mixed",
            "decision": "add",
        }
    ]
    with sheet.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    invoke("--db", db_url, "review", "import", sheet, "--reviewer", "test")
    cell = ("--actor", "Zelensky", "--target", "3")
    matrix = _report(invoke, db_url, "matrix", *cell)
    assert [(r["stance"], r["sentence"], r["changed"]) for r in matrix] == [
        ("mixed", "The talks went on in Geneva.", 1)
    ]
    timeline = _report(invoke, db_url, "timeline", *cell)
    assert [(r["stance"], r["previous_stance"]) for r in timeline] == [
        ("support", None),
        ("mixed", "support"),
    ]
    evidence = _report(invoke, db_url, "evidence", *cell)
    assert [r["stance"] for r in evidence] == ["support", "mixed"]
