"""Provenance: every coding run is recorded with the hashes of the data it coded with, and
every automatic link and position points to the run that found it (both stores)."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import func, select

from tracker.db import make_engine
from tracker.provenance import current_configuration
from tracker.resources import seeds_dir
from tracker.runs import start_run
from tracker.schema import Article, ArticleRun, CodingRun, Link, Position

DEV = Path(__file__).parent / "data" / "dev"
FIRST = [DEV / f"dev-0{n}.txt" for n in (1, 2, 3)]


def _rows(url: str, query) -> list:
    engine = make_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    engine.dispose()
    return rows


def test_ingest_records_its_run_and_every_row_points_to_it(db_url, invoke):
    invoke("--db", db_url, "ingest", *FIRST)
    configuration = current_configuration()
    (run,) = _rows(db_url, select(CodingRun))
    assert run.command == "ingest" and run.outcome == "finished" and run.articles == 3
    assert run.finished_at is not None and run.tracker_version == configuration.version
    assert run.configuration_hash == configuration.hash
    assert (run.lexicon_hash, run.plans_hash, run.actors_hash, run.model_hash) == (
        configuration.lexicon,
        configuration.plans,
        configuration.actors,
        configuration.model,
    )
    assert run.seeds_dir == str(seeds_dir())
    for table in (Link, Position):
        counts = dict(_rows(db_url, select(table.run_id, func.count()).group_by(table.run_id)))
        assert list(counts) == [run.id] and counts[run.id] > 0
    assert _rows(
        db_url, select(func.count()).select_from(ArticleRun).where(ArticleRun.run_id == run.id)
    ) == [(3,)]
    # a run that stores nothing leaves no row
    assert "0 new, 3 skipped" in invoke("--db", db_url, "ingest", *FIRST).output
    assert len(_rows(db_url, select(CodingRun))) == 1


def test_version_and_db_check_show_the_configuration(db_url, invoke):
    digest = current_configuration().hash
    version = invoke("--version").output
    assert version.startswith("tracker, version ") and f"configuration: {digest}\n" in version
    invoke("--db", db_url, "ingest", *FIRST)
    check = invoke("--db", db_url, "db", "check").output
    assert f"configuration: {digest}\n" in check
    assert "articles coded by another configuration: 0\n" in check
    assert check.endswith("no problems found\n")


def test_each_file_has_its_own_hash(own_seeds, tmp_path, monkeypatch):
    before = current_configuration()
    assert before.seeds_dir == str(own_seeds)
    assert before == current_configuration()  # the same files: the same hash
    with (own_seeds / "lexicon.toml").open("a", encoding="utf-8") as handle:
        handle.write("\n# one more line\n")
    lexicon = current_configuration()
    assert lexicon.hash != before.hash and lexicon.lexicon != before.lexicon
    assert (lexicon.plans, lexicon.actors, lexicon.model) == (
        before.plans,
        before.actors,
        before.model,
    )
    (own_seeds / "plans" / "other.toml").write_text('slug = "other"\n', encoding="utf-8")
    plans = current_configuration()
    assert plans.plans != lexicon.plans and plans.hash != lexicon.hash
    model = tmp_path / "model.json"
    model.write_bytes((own_seeds / "model.json").read_bytes() + b"\n")
    monkeypatch.setenv("TRACKER_MODEL", str(model))
    moved = current_configuration()
    assert moved.model != plans.model and moved.model_path == str(model)
    assert current_configuration("rules").model == "none"  # the rules read no model
    assert current_configuration("rules").hash != moved.hash


def test_db_check_names_a_model_that_does_not_load_or_fits_no_plan(
    db_url, invoke, tmp_path, monkeypatch
):
    """A truncated TRACKER_MODEL made every ingest fail while `db check` said "no problems
    found"; a model trained for a plan the store does not have loaded without a word."""
    assert "decision model: ok\n" in invoke("--db", db_url, "db", "check").output
    broken = tmp_path / "broken.json"
    shipped = (seeds_dir() / "model.json").read_text(encoding="utf-8")
    broken.write_text(shipped[: len(shipped) // 2], encoding="utf-8")
    monkeypatch.setenv("TRACKER_MODEL", str(broken))
    result = invoke("--db", db_url, "db", "check", expect=1)
    assert f"decision model: {broken}: not a tracker model (" in result.output
    assert result.output.rstrip().endswith("problem(s) found")
    other = tmp_path / "other.json"
    data = json.loads(shipped)
    other.write_text(json.dumps(dict(data, plan="other-plan")), encoding="utf-8")
    monkeypatch.setenv("TRACKER_MODEL", str(other))
    result = invoke("--db", db_url, "db", "check")
    assert "decision model: ok, but trained for plan 'other-plan', which the store" in (
        result.output
    )
    assert result.output.rstrip().endswith("no problems found")
    other.write_text(json.dumps(dict(data, plan=["a"])), encoding="utf-8")  # was a traceback
    result = invoke("--db", db_url, "db", "check", expect=1)
    assert "not a tracker model ('plan' must be the slug of the plan it was trained" in (
        result.output
    )
    other.write_text(json.dumps(dict(data, format=True)), encoding="utf-8")  # true == 1
    result = invoke("--db", db_url, "db", "check", expect=1)
    assert "not a tracker model (format True, expected" in result.output


def test_another_lexicon_makes_stored_articles_stale(db_url, invoke, own_seeds):
    invoke("--db", db_url, "ingest", *FIRST)
    with (own_seeds / "lexicon.toml").open("a", encoding="utf-8") as handle:
        handle.write("\n# edited\n")
    check = invoke("--db", db_url, "db", "check").output
    assert "articles coded by another configuration: 3  (tracker recode --stale" in check
    assert check.endswith("no problems found\n")  # a hint, not a problem
    again = invoke("--db", db_url, "ingest", *FIRST, DEV / "dev-04.txt").output
    assert "1 new, 3 skipped" in again
    assert (
        "3 already stored but coded by another configuration: run tracker recode --stale" in again
    )
    runs = _rows(db_url, select(CodingRun.configuration_hash).order_by(CodingRun.id))
    assert [r[0] for r in runs][1] == current_configuration().hash != runs[0][0]
    assert _rows(db_url, select(func.count()).select_from(Article)) == [(4,)]


def test_the_hint_after_an_ingest_with_the_rules_names_the_rules(db_url, invoke):
    """After `ingest --decider rules` of articles coded by the learned decider, the hint
    said `tracker recode --stale`, which (learned) finds nothing stale: it re-coded 0."""
    invoke("--db", db_url, "ingest", *FIRST)
    again = invoke("--db", db_url, "ingest", "--decider", "rules", *FIRST).output
    hint = "3 already stored but coded by another configuration: run tracker recode --stale"
    assert f"{hint} --decider rules\n" in again
    done = invoke("--db", db_url, "recode", "--stale", "--decider", "rules").output
    assert "re-coded 3 of 3 articles" in done


def test_db_check_counts_runs_that_never_recorded_their_end(db_url, invoke):
    """A run killed with kill -9 (or stopped by a full disk that refused its last write)
    stays `running`: `db check` says how many, as a hint, not a problem."""
    invoke("--db", db_url, "ingest", *FIRST)
    check = invoke("--db", db_url, "db", "check").output
    assert "coding runs still marked running: 0\n" in check
    engine = make_engine(db_url)
    start_run(engine, "ingest", current_configuration())  # what a killed ingest leaves
    engine.dispose()
    result = invoke("--db", db_url, "db", "check")
    assert "coding runs still marked running: 1  (running now, or stopped by kill -9" in (
        result.output
    )
    assert "no problems found" in result.output and result.exit_code == 0


def test_an_article_coded_before_the_seed_of_an_edited_plan_is_found_stale(
    db_url, invoke, own_seeds, tmp_path
):
    """Ingest codes with the store's plans but recorded the hash of the files on disk: an
    article ingested between an edit of a plan file and `tracker seed` passed for coded
    with the new phrases, and `recode --stale` never coded it again (migration 0007)."""
    plan = own_seeds / "plans" / "china-2023.toml"
    text = plan.read_text(encoding="utf-8")
    assert 'phrases = ["reconstruction",' in text
    plan.write_text(
        text.replace(
            'phrases = ["reconstruction",', 'phrases = ["zebra accord", "reconstruction",'
        ),
        encoding="utf-8",
    )
    article = tmp_path / "a.txt"
    article.write_text("date 2023-03-01\nWang Yi said China backs the zebra accord.\n")
    result = invoke("--db", db_url, "ingest", article)
    assert "1 new" in result.output and "0 links" in result.output
    assert result.output.rstrip().endswith(
        "warning: the plan or actor files changed since the store was last seeded; coding "
        "uses the store's plans and actors (tracker seed loads the files, then tracker "
        "recode --stale codes again what they change)"
    )
    check = invoke("--db", db_url, "db", "check").output
    assert "plan or actor files changed since the store was last seeded: yes" in check
    assert "articles coded by another configuration: 0\n" in check  # it holds the old plans
    invoke("--db", db_url, "seed", "--no-articles")
    check = invoke("--db", db_url, "db", "check").output
    assert "plan or actor files changed since the store was last seeded: no" in check
    assert "articles coded by another configuration: 1  (tracker recode --stale" in check
    recoded = invoke("--db", db_url, "recode", "--stale").output
    assert recoded.startswith("re-coded 1 of 1 articles: 1 links")
    links = invoke("--db", db_url, "links", "--format", "json").output
    assert '"phrase": "zebra accord"' in links
