"""The `changed` flag of the matrix, actor and timeline reports compares dated positions only,
and the reports say so, on SQLite and PostgreSQL.

An undated article cannot be placed in time: its stance is neither before nor after a dated
one, so a difference with it is no change of mind. The store is built by hand (an actor, a
point, articles with and without a date) so that the answer does not depend on the coder.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tracker.db import make_engine

NOTE = (
    "`changed` compares dated positions only: a position from an undated article never "
    "counts as a change, since when it was taken is unknown."
)


def _store(url: str, positions: list[tuple[dt.date | None, str]]) -> None:
    """Aland's positions on point 1 of a plan of its own, one article each, in this order."""
    from tracker.schema import Actor, Article, Plan, Position, Sentence, Target

    engine = make_engine(url)
    with engine.begin() as connection:

        def add(table, **values) -> int:
            return connection.execute(
                table.__table__.insert().values(**values)
            ).inserted_primary_key[0]

        actor = add(Actor, name="Aland", kind="state", affiliation="Aland", confirmed=True)
        plan = add(Plan, slug="test-plan", title="A plan for the tests")
        target = add(
            Target,
            plan_id=plan,
            kind="point",
            number=1,
            slug="sovereignty",
            title="Sovereignty",
            description="",
        )
        for n, (published, stance) in enumerate(positions):
            text = f"Aland takes a stance, {stance}, in article {n}."
            article = add(Article, source=f"a{n}.txt", published=published, content_hash=f"t{n}")
            sentence = add(
                Sentence, article_id=article, ordinal=0, start=0, end=len(text), text=text
            )
            add(
                Position,
                actor_id=actor,
                target_id=target,
                stance=stance,
                sentence_id=sentence,
                score=1.0,
                method="auto",
            )
    engine.dispose()


def _rows(invoke, url: str, report: str, *args: str) -> list[dict]:
    args = ("--actor", "Aland", *args) if report != "matrix" else args
    output = invoke("--db", url, "report", report, "--plan", "test-plan", *args, "--format", "json")
    return json.loads(output.output)


FEB, MAR = dt.date(2023, 2, 24), dt.date(2023, 3, 10)


def test_an_undated_position_is_no_change(db_url, invoke):
    _store(db_url, [(FEB, "support"), (None, "oppose")])
    [cell] = _rows(invoke, db_url, "matrix")
    assert (cell["stance"], cell["positions"], cell["changed"]) == ("support", 2, 0)
    [profile] = _rows(invoke, db_url, "actor")
    assert (profile["stance"], profile["oppose"], profile["changed"]) == ("support", 1, 0)
    timeline = _rows(invoke, db_url, "timeline")
    assert [(r["date"], r["stance"], r["previous_stance"], r["changed"]) for r in timeline] == [
        (None, "oppose", None, 0),
        ("2023-02-24", "support", None, 0),
    ]


def test_dated_positions_that_differ_are_a_change_whatever_lies_between(db_url, invoke):
    _store(db_url, [(FEB, "support"), (None, "oppose"), (MAR, "oppose"), (None, "support")])
    [cell] = _rows(invoke, db_url, "matrix")
    assert (cell["stance"], cell["positions"], cell["changed"]) == ("oppose", 4, 1)
    assert _rows(invoke, db_url, "actor")[0]["changed"] == 1
    timeline = _rows(invoke, db_url, "timeline")
    assert [(r["date"], r["stance"], r["previous_stance"], r["changed"]) for r in timeline] == [
        (None, "oppose", None, 0),
        (None, "support", None, 0),
        ("2023-02-24", "support", None, 0),
        ("2023-03-10", "oppose", "support", 1),
    ]
    # within a period that holds one dated position, nothing changed
    [cell] = _rows(invoke, db_url, "matrix", "--since", "2023-03-01")
    assert (cell["positions"], cell["changed"]) == (1, 0)


def test_two_undated_positions_that_differ_are_no_change(db_url, invoke):
    _store(db_url, [(None, "support"), (None, "oppose")])
    [cell] = _rows(invoke, db_url, "matrix")
    assert (cell["positions"], cell["changed"]) == (2, 0)


@pytest.mark.parametrize("report", ["matrix", "actor", "timeline"])
def test_the_reports_say_so(db_url, invoke, report):
    _store(db_url, [(FEB, "support"), (None, "oppose")])
    args = ("--actor", "Aland") if report != "matrix" else ()
    run = ("--db", db_url, "report", report, *args)
    table = invoke(*run, "--format", "table").output
    assert table.rstrip("\n").splitlines()[-1] == f"note: {NOTE}"
    markdown = invoke(*run, "--format", "markdown").output
    assert markdown.rstrip("\n").splitlines()[-1] == f"_Note: {NOTE}_"
    page = invoke(*run, "--format", "html").output
    assert "compares dated positions only" in page
    for machine in ("csv", "json", "jsonl"):
        assert "note" not in invoke(*run, "--format", machine).output.lower()


def test_a_report_of_ones_own_can_carry_a_note(tmp_path, db_url, invoke):
    (tmp_path / "mine.sql").write_text(
        "-- My report\n"
        "-- note: the first half of the note,\n"
        "-- and its second half.\n"
        "-- Options: none.\n"
        "SELECT 1 AS one\n",
        encoding="utf-8",
    )
    run = ("--db", db_url, "report", "mine", "--reports-dir", tmp_path, "--format", "table")
    lines = invoke(*run).output.rstrip("\n").splitlines()
    assert lines[-1] == "note: the first half of the note, and its second half."
    assert sum(line.startswith("note:") for line in lines) == 1
