"""`tracker recode`: stored articles coded again with the current configuration, one
article per transaction, idempotent, interrupt-safe, on both stores."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from tracker.db import make_engine
from tracker.schema import ArticleRun, CodingRun, Link, Plan, Position, Sentence, Target

DEV = Path(__file__).parent / "data" / "dev"
FIRST = [DEV / f"dev-0{n}.txt" for n in (1, 2, 3)]
LATER = [DEV / f"dev-0{n}.txt" for n in (4, 5)]
SECOND_PLAN = """
slug = "test-plan"
title = "A plan for the tests"
published = 2023-02-24
author = "China"

[plan_target]
slug = "plan"
phrases = ["test plan"]

[[points]]
number = 1
slug = "talks"
title = "Talks"
phrases = ["ceasefire", "peace talks"]
"""


def _edit_lexicon(folder: Path) -> None:
    with (folder / "lexicon.toml").open("a", encoding="utf-8") as handle:
        handle.write("\n# edited\n")


def _query(url: str, query) -> list:
    engine = make_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    engine.dispose()
    return rows


def _coding(url: str) -> dict[str, list]:
    """What the coder found, by content (no row or run ids)."""
    return {
        "links": sorted(
            _query(
                url,
                select(
                    Sentence.article_id, Sentence.ordinal, Link.target_id, Link.score, Link.phrase
                ).join(Sentence, Sentence.id == Link.sentence_id),
            )
        ),
        "positions": sorted(
            _query(
                url,
                select(
                    Sentence.article_id,
                    Sentence.ordinal,
                    Position.actor_id,
                    Position.target_id,
                    Position.stance,
                    Position.score,
                ).join(Sentence, Sentence.id == Position.sentence_id),
            ),
        ),
    }


def _article_runs(url: str) -> dict[int, int]:
    return dict(_query(url, select(ArticleRun.article_id, ArticleRun.run_id)))


def _row_runs(url: str) -> dict[int, set]:
    """Each article's run ids of its automatic links and positions."""
    runs: dict[int, set] = {}
    for table in (Link, Position):
        for article_id, run_id in _query(
            url,
            select(Sentence.article_id, table.run_id).join(
                Sentence, Sentence.id == table.sentence_id
            ),
        ):
            runs.setdefault(article_id, set()).add(run_id)
    return runs


def test_recode_gives_what_ingest_gave_and_is_idempotent(db_url, invoke):
    invoke("--db", db_url, "ingest", *FIRST)
    coded = _coding(db_url)
    sentences = _query(db_url, select(Sentence.id, Sentence.text).order_by(Sentence.id))
    assert coded["links"] and coded["positions"]
    out = invoke("--db", db_url, "recode").output
    assert out.startswith("re-coded 3 of 3 articles: ")
    assert _coding(db_url) == coded
    assert "re-coded 3 of 3" in invoke("--db", db_url, "recode", "--workers", "2").output
    assert _coding(db_url) == coded
    assert _query(db_url, select(Sentence.id, Sentence.text).order_by(Sentence.id)) == sentences
    runs = _query(db_url, select(CodingRun.id, CodingRun.command, CodingRun.articles))
    assert [(r.command, r.articles) for r in runs] == [("ingest", 3), ("recode", 3), ("recode", 3)]
    last = runs[-1].id
    assert set(_article_runs(db_url).values()) == {last}
    assert all(found == {last} for found in _row_runs(db_url).values())
    assert "re-coded 0 of 0" in invoke("--db", db_url, "recode", "--stale").output


HISTORY = Path(__file__).parent / "data" / "history"


def _by_content(url: str, source: str) -> list:
    """An article's positions by sentence text, actor name, target and stance: comparable
    across stores."""
    from tracker.schema import Actor, Article

    return sorted(
        _query(
            url,
            select(Sentence.text, Actor.name, Target.slug, Position.stance)
            .join(Sentence, Sentence.id == Position.sentence_id)
            .join(Article, Article.id == Sentence.article_id)
            .join(Actor, Actor.id == Position.actor_id)
            .join(Target, Target.id == Position.target_id)
            .where(Article.source.endswith(source)),
        )
    )


def test_an_article_codes_the_same_whatever_the_store_met_before(new_db_url, invoke):
    """The first article names a ministry spokesman the registry does not know, and the
    store records him, unconfirmed. Coding then loaded him as a known actor, so the second
    article coded one of his positions as oppose where a store that had not met him coded
    support, with the same configuration, and `recode --stale` saw nothing stale."""
    alone, after = new_db_url(), new_db_url()
    invoke("--db", alone, "ingest", HISTORY / "meets-again.txt")
    invoke("--db", after, "ingest", HISTORY / "introduces.txt")
    invoke("--db", after, "ingest", HISTORY / "meets-again.txt")
    mine = _by_content(alone, "meets-again.txt")
    assert len(mine) > 5 and _by_content(after, "meets-again.txt") == mine
    invoke("--db", after, "recode")
    assert _by_content(after, "meets-again.txt") == mine


def test_stale_recodes_only_articles_of_another_configuration(db_url, invoke, own_seeds):
    invoke("--db", db_url, "ingest", *FIRST)
    old = _article_runs(db_url)
    _edit_lexicon(own_seeds)
    invoke("--db", db_url, "ingest", *LATER)
    before = _article_runs(db_url)
    fresh = {a: r for a, r in before.items() if a not in old}
    assert len(fresh) == 2
    out = invoke("--db", db_url, "recode", "--stale").output
    assert out.startswith("re-coded 3 of 3 articles")
    after = _article_runs(db_url)
    assert {a: after[a] for a in fresh} == fresh  # untouched
    (new_run,) = {after[a] for a in old}
    assert new_run not in old.values() and new_run not in fresh.values()
    assert "re-coded 0 of 0" in invoke("--db", db_url, "recode", "--stale").output
    check = invoke("--db", db_url, "db", "check").output
    assert "articles coded by another configuration: 0\n" in check


def test_recode_says_how_the_positions_changed(db_url, invoke, own_seeds):
    """The summary counts the positions new, with another stance and no longer found
    against the ones they replaced (it gave only totals, so an analyst could not tell
    whether a lexicon edit changed anything)."""
    text = "date 2024-03-01\nPoland said it supports a ceasefire. Brazil called for peace talks.\n"
    invoke("--db", db_url, "ingest", "-", input=text)
    same = invoke("--db", db_url, "recode").output
    assert "positions (0 new, 0 with another stance; 0 no longer found)" in same
    before = {
        (r["actor"], r["target"], r["stance"])
        for r in json.loads(invoke("--db", db_url, "position", "--format", "json").output)
    }
    assert ("Poland", "3", "support") in before
    plan = own_seeds / "plans" / "china-2023.toml"
    head, point_4 = plan.read_text(encoding="utf-8").split("number = 4\n", 1)
    start, end = point_4.index("phrases = ["), point_4.index("]\n", point_4.index("phrases = ["))
    point_4 = point_4[:start] + 'phrases = ["xyzzy"' + point_4[end:]  # talks no longer link
    plan.write_text(head + "number = 4\n" + point_4, encoding="utf-8")
    invoke("--db", db_url, "seed", "--no-articles")
    out = invoke("--db", db_url, "recode", "--stale").output
    after = {
        (r["actor"], r["target"], r["stance"])
        for r in json.loads(invoke("--db", db_url, "position", "--format", "json").output)
    }
    gone = len(before - after)
    assert gone and f"; {gone} no longer found)" in out, (out, before - after)


def test_recode_keeps_what_was_entered_by_hand(db_url, invoke):
    invoke("--db", db_url, "ingest", *FIRST)
    engine = make_engine(db_url)
    with engine.begin() as connection:
        sentence_id = connection.execute(select(func.min(Sentence.id))).scalar_one()
        target_id, actor_id = connection.execute(
            text("SELECT target_id, actor_id FROM positions ORDER BY id LIMIT 1")
        ).one()
        for evidence in (sentence_id, None):
            connection.execute(
                Position.__table__.insert().values(
                    actor_id=actor_id,
                    target_id=target_id,
                    stance="mixed",
                    sentence_id=evidence,
                    method="manual",
                    note="by hand",
                )
            )
    engine.dispose()
    invoke("--db", db_url, "recode")
    manual = _query(
        db_url, select(Position.sentence_id, Position.run_id).where(Position.method == "manual")
    )
    assert sorted(manual, key=str) == sorted([(sentence_id, None), (None, None)], key=str)


def test_a_plan_seeded_later_is_filled_by_recode(db_url, invoke, own_seeds):
    """The issue's case: a second plan added with `tracker seed`, then `tracker recode`."""
    invoke("--db", db_url, "ingest", *FIRST)
    china = _coding(db_url)
    (own_seeds / "plans" / "test-plan.toml").write_text(SECOND_PLAN, encoding="utf-8")
    invoke("--db", db_url, "seed", "--no-articles")
    new_targets = select(Target.id).join(Plan, Plan.id == Target.plan_id)
    new_targets = new_targets.where(Plan.slug == "test-plan")
    in_new_plan = select(func.count()).select_from(Link).where(Link.target_id.in_(new_targets))
    assert _query(db_url, in_new_plan) == [(0,)]
    assert "articles: 0 new, 3 skipped" in invoke("--db", db_url, "ingest", *FIRST).output
    out = invoke("--db", db_url, "recode", "--stale", "--plan", "test-plan").output
    assert out.startswith("re-coded 3 of 3")
    filled = _query(db_url, in_new_plan)[0][0]
    assert filled > 0
    after = _coding(db_url)
    china_targets = {
        t for (t,) in _query(db_url, select(Target.id).where(Target.id.not_in(new_targets)))
    }
    assert [r for r in after["links"] if r[2] in china_targets] == china["links"]
    # --plan re-codes only that plan: the articles stay stale for the rest
    assert "re-coded 3 of 3" in invoke("--db", db_url, "recode", "--stale").output
    assert _query(db_url, in_new_plan)[0][0] == filled


def test_dates_choose_the_articles(db_url, invoke, tmp_path):
    for day in ("2023-01-10", "2023-02-10", "2023-03-10"):
        body = (DEV / "dev-01.txt").read_text(encoding="utf-8").split(" ", 2)[2]
        (tmp_path / f"{day}.txt").write_text(f"date {day} {body}", encoding="utf-8")
    invoke("--db", db_url, "ingest", tmp_path)
    out = invoke("--db", db_url, "recode", "--since", "2023-02-01", "--until", "2023-02-28")
    assert out.output.startswith("re-coded 1 of 1")
    assert "re-coded 2 of 2" in invoke("--db", db_url, "recode", "--since", "2023-02-10").output
    assert "re-coded 1 of 1" in invoke("--db", db_url, "recode", "--until", "2023-01-31").output


@pytest.mark.parametrize(
    "args, message",
    [
        (["--since", "yesterday"], "--since must be a date YYYY-MM-DD"),
        (["--until", "2023-02-30"], "--until '2023-02-30' is no such day"),
        (["--since", "2023-03-01", "--until", "2023-01-01"], "is after --until"),
        (["--plan", "nope"], "no plan 'nope' in the store (plans: china-2023)"),
        (["--workers", "0"], "--workers must be a whole number from 1 to 64, not '0'"),
        (["--workers", "x"], "--workers must be a whole number from 1 to 64, not 'x'"),
        (["--workers", "65"], "--workers must be a whole number from 1 to 64, not '65'"),
    ],
)
def test_bad_input_is_one_line(db_url, invoke, args, message):
    invoke("--db", db_url, "ingest", FIRST[0])
    before = _coding(db_url)
    result = invoke("--db", db_url, "recode", *args, expect=1)
    assert result.output.startswith("Error: ") and message in result.output
    assert result.output.count("\n") == 1
    assert _coding(db_url) == before
    assert [r.command for r in _query(db_url, select(CodingRun.command))] == ["ingest"]


def test_recode_needs_an_existing_store(tmp_path, invoke):
    missing = tmp_path / "none.db"
    result = invoke("--db", f"sqlite:///{missing}", "recode", expect=1)
    assert result.output.startswith("Error: ") and result.output.count("\n") == 1
    assert not missing.exists()


def _corpus(folder: Path, count: int) -> Path:
    sources = sorted(DEV.glob("dev-*.txt"))
    folder.mkdir(parents=True)
    for n in range(count):
        body = sources[n % len(sources)].read_text(encoding="utf-8")
        (folder / f"a{n:04d}.txt").write_text(f"{body}\n\nCopy {n}.\n", encoding="utf-8")
    return folder


def _recoded(url: str) -> int:
    latest = select(func.max(CodingRun.id)).where(CodingRun.command == "recode")
    query = (
        select(func.count())
        .select_from(ArticleRun)
        .where(ArticleRun.run_id == latest.scalar_subquery())
    )
    return _query(url, query)[0][0]


@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGTERM])
def test_interrupted_recode_leaves_each_article_old_or_new(db_url, invoke, tmp_path, how):
    count = 150
    invoke("--db", db_url, "ingest", "-q", "--workers", "2", _corpus(tmp_path / "in", count))
    coded = _coding(db_url)
    (ingest_run,) = set(_article_runs(db_url).values())
    process = subprocess.Popen(
        [sys.executable, "-m", "tracker", "--db", db_url, "recode"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while _recoded(db_url) < 3:
        assert process.poll() is None, "recode ended before it could be interrupted"
        assert time.monotonic() < deadline
        time.sleep(0.05)
    process.send_signal(how)
    out, err = process.communicate(timeout=120)
    assert process.returncode == 130, err
    assert "Traceback" not in err
    runs = _article_runs(db_url)
    (recode_run,) = set(runs.values()) - {ingest_run}
    recoded = sum(run == recode_run for run in runs.values())
    assert 0 < recoded < count
    assert out.startswith(f"interrupted: re-coded {recoded} of {count} articles; ")
    # every article wholly old or wholly new: its rows and its run agree
    for article_id, found in _row_runs(db_url).items():
        assert found == {runs[article_id]}
    assert _coding(db_url) == coded
    assert _query(db_url, select(CodingRun.outcome).where(CodingRun.id == recode_run)) == [
        ("interrupted",)
    ]
    assert "no problems found" in invoke("--db", db_url, "db", "check").output


def test_two_recodes_at_once_leave_each_article_whole(db_url, invoke, tmp_path):
    """Each article is locked while it is re-coded: two runs at once take turns on it."""
    invoke("--db", db_url, "ingest", "-q", "--workers", "2", _corpus(tmp_path / "in", 40))
    coded = _coding(db_url)
    command = [sys.executable, "-m", "tracker", "--db", db_url, "recode"]
    processes = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    for process in processes:
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
        assert out.startswith("re-coded 40 of 40 articles")
    runs = _article_runs(db_url)
    for article_id, found in _row_runs(db_url).items():
        assert found == {runs[article_id]}
    assert _coding(db_url) == coded
    assert "no problems found" in invoke("--db", db_url, "db", "check").output
