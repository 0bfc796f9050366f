"""Seed data: reloading keeps analysts' data, an analyst's own seeds folder, bad files."""

from __future__ import annotations

import json
import shutil

from tracker.resources import seeds_dir

SEED = seeds_dir() / "articles" / "seed.txt"


def _jsonl(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def test_reseeding_keeps_articles_and_positions(invoke, db_url):
    invoke("--db", db_url, "ingest", SEED)
    before = _jsonl(invoke("--db", db_url, "position", "--format", "jsonl").output)
    result = invoke("--db", db_url, "seed", "--no-articles")
    assert "seeded" in result.output and "china-2023" in result.output
    after = _jsonl(invoke("--db", db_url, "position", "--format", "jsonl").output)
    assert after == before
    assert "0 new, 1 skipped" in invoke("--db", db_url, "seed").output


def test_an_analysts_own_seeds_folder(invoke, tmp_path, monkeypatch):
    own = tmp_path / "seeds"
    shutil.copytree(seeds_dir(), own)
    plan = (own / "plans" / "china-2023.toml").read_text(encoding="utf-8")
    (own / "plans" / "china-2023.toml").write_text(
        plan.replace('phrases = ["reconstruction",', 'phrases = ["reconstruction", "orchard",'),
        encoding="utf-8",
    )
    monkeypatch.setenv("TRACKER_SEEDS_DIR", str(own))
    db = f"sqlite:///{tmp_path / 'own.db'}"
    invoke("--db", db, "ingest", "-", input="Mr Xi said the orchard must be replanted.")
    links = _jsonl(invoke("--db", db, "links", "--format", "jsonl").output)
    assert [(r["target"], r["phrase"]) for r in links] == [("12", "orchard")]


def test_broken_seed_files_are_one_line_errors(invoke, tmp_path, monkeypatch):
    own = tmp_path / "seeds"
    shutil.copytree(seeds_dir(), own)
    (own / "lexicon.toml").write_text("[link\nbroken", encoding="utf-8")
    monkeypatch.setenv("TRACKER_SEEDS_DIR", str(own))
    result = invoke("--db", f"sqlite:///{tmp_path / 'x.db'}", "ingest", SEED, expect=1)
    assert "lexicon.toml is not valid TOML" in result.output
    assert len(result.output.strip().splitlines()) == 1
    (own / "lexicon.toml").write_text((seeds_dir() / "lexicon.toml").read_text(), encoding="utf-8")
    (own / "actors.toml").write_text('[[actors]]\nname = "X"\nkind = "robot"\n', encoding="utf-8")
    result = invoke("--db", f"sqlite:///{tmp_path / 'y.db'}", "seed", expect=1)
    assert "actors.toml: key 'kind' in [[actors]] #1 ('X') must be one of" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_a_missing_or_broken_seeds_folder_leaves_no_half_made_store(invoke, tmp_path, monkeypatch):
    """The seed files are checked before a new store is made from them: a missing folder
    (a mistyped TRACKER_SEEDS_DIR) or a broken file is one error, and no store is left
    with the schema but no plans."""
    path = tmp_path / "new.db"
    own = tmp_path / "own"
    shutil.copytree(seeds_dir(), own)
    monkeypatch.setenv("TRACKER_SEEDS_DIR", str(tmp_path / "nonexist"))
    result = invoke("--db", path, "ingest", "-", input="Ukraine wants peace.", expect=1)
    assert result.output.splitlines() == [
        f"Error: no seeds folder at TRACKER_SEEDS_DIR={tmp_path / 'nonexist'}; nothing was created"
    ]
    assert not path.exists()
    (own / "plans" / "china-2023.toml").write_text("[plan]\nslugg = 'x'\n", encoding="utf-8")
    monkeypatch.setenv("TRACKER_SEEDS_DIR", str(own))
    result = invoke("--db", path, "ingest", "-", input="Ukraine wants peace.", expect=1)
    assert result.output.startswith("Error: ") and len(result.output.splitlines()) == 1
    assert "china-2023.toml" in result.output
    assert not path.exists()


def test_seeds_and_model_folders_written_with_a_tilde_are_the_home_folder(monkeypatch, tmp_path):
    """As written in a profile ("~/seeds"): the seeds folder was "no plans in ~/seeds/plans"
    and `--version` showed the lexicon missing."""
    from tracker.resources import model_path, seeds_dir

    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("TRACKER_SEEDS_DIR", "~/seeds")
    monkeypatch.setenv("TRACKER_MODEL", "~/model.json")
    assert seeds_dir() == tmp_path / "seeds" and model_path() == tmp_path / "model.json"


def test_an_actor_taken_out_of_the_file_is_no_longer_recognised(invoke, tmp_path, own_seeds):
    """A renamed actor ("Volodymyr Zelensky" to "Volodymyr Zelenskyy") kept its old self,
    aliases and all, so every alias named two actors and new mentions coded no one. Seeding
    now says it is no longer in the file and stops recognising it; what was coded stays."""
    db = tmp_path / "renamed.db"
    text = "Volodymyr Zelensky said he supports a ceasefire."
    invoke("--db", db, "ingest", "-q", "-", input=f"date 2023-08-01\n{text}\n")
    actors = own_seeds / "actors.toml"
    actors.write_text(
        actors.read_text(encoding="utf-8").replace(
            'name = "Volodymyr Zelensky"', 'name = "Volodymyr Zelenskyy"', 1
        ),
        encoding="utf-8",
    )
    result = invoke("--db", db, "seed", "--no-articles")
    assert result.stderr.strip().splitlines() == [
        f"warning: {actors}: actor 'Volodymyr Zelensky' is no longer in the file: not "
        "recognised from now on; the positions already coded for it stay until their "
        "articles are coded again (tracker recode --stale)"
    ]
    assert "warning:" not in invoke("--db", db, "seed", "--no-articles").stderr  # said once
    again = "Zelensky said he supports a ceasefire."
    invoke("--db", db, "ingest", "-q", "-", input=f"date 2023-08-02\n{again}\n")
    rows = json.loads(invoke("--db", db, "position", "--format", "json").output)
    holders = {(r["sentence"], r["actor"]) for r in rows}
    assert (again, "Volodymyr Zelenskyy") in holders
    assert (text, "Volodymyr Zelensky") in holders  # coded before: it stays
    invoke("--db", db, "recode", "--stale")
    rows = json.loads(invoke("--db", db, "position", "--format", "json").output)
    assert {r["actor"] for r in rows if r["sentence"] == text} == {"Volodymyr Zelenskyy"}


def test_an_actor_renamed_with_an_accent_is_still_named_by_either_spelling(
    invoke, tmp_path, own_seeds
):
    """Renamed "Recep Tayyip Erdogan" to "Recep Tayyip Erdoğan", the removed actor stayed in
    the store under a name matching the new one once accents are folded: every --actor,
    either spelling, was "could be 2 actors" for good. The name typed, else the actor the
    file still has, is the one meant; Zelensky after the README's rename likewise."""
    db = tmp_path / "renamed.db"
    for day, name in (("01", "Recep Tayyip Erdogan"), ("02", "Volodymyr Zelensky")):
        text = f"{name} said Russia must withdraw its troops."
        invoke("--db", db, "ingest", "-q", "-", input=f"date 2023-08-{day}\n{text}\n")
    actors = own_seeds / "actors.toml"
    edited = actors.read_text(encoding="utf-8")
    edited = edited.replace('name = "Recep Tayyip Erdogan"', 'name = "Recep Tayyip Erdoğan"', 1)
    edited = edited.replace(
        '"Recep Tayyip Erdoğan", "Erdogan"', '"Recep Tayyip Erdogan", "Erdogan"'
    )
    edited = edited.replace('name = "Volodymyr Zelensky"', 'name = "Volodymyr Zelenskyy"', 1)
    actors.write_text(edited, encoding="utf-8")
    invoke("--db", db, "seed", "--no-articles")
    for typed, actor in (
        ("Recep Tayyip Erdoğan", "Recep Tayyip Erdoğan"),
        ("recep tayyip erdoğan", "Recep Tayyip Erdoğan"),
        ("Recep Tayyip Erdogan", "Recep Tayyip Erdogan"),  # the old name typed: the old actor
        ("Erdogan", "Recep Tayyip Erdoğan"),  # an alias: the actor the file has
        ("Zelensky", "Volodymyr Zelenskyy"),
    ):
        rows = json.loads(
            invoke("--db", db, "position", "--actor", typed, "--format", "json").output
        )
        assert {r["actor"] for r in rows} <= {actor}, typed
    invoke("--db", db, "recode", "--stale")
    rows = json.loads(
        invoke("--db", db, "position", "--actor", "Erdogan", "--format", "json").output
    )
    assert [r["actor"] for r in rows] == ["Recep Tayyip Erdoğan"]
    result = invoke("--db", db, "position", "--actor", "Wang", expect=1)  # still ambiguous
    assert "could be" in result.output


def test_seed_ingests_every_article_file_of_the_seeds_folder(invoke, tmp_path, own_seeds):
    """`articles/` is read as ingest reads a folder: a `.jsonl` feed there was passed over."""
    line = {"text": "Zelensky said Ukraine supports a ceasefire.", "date": "2024-01-11"}
    (own_seeds / "articles" / "feed.jsonl").write_text(json.dumps(line) + "\n", encoding="utf-8")
    output = invoke("--db", tmp_path / "fed.db", "seed").output
    assert "articles: 2 new, 0 skipped, 0 failed" in output


def test_seed_names_what_its_articles_folder_could_not_read(invoke, tmp_path, own_seeds):
    """A file of the seeds' articles that fails, or a `.jsonl` file passed over, is named on
    standard error as `tracker ingest` names it, and a failure exits 1; before, only the
    summary's count said so."""
    folder = own_seeds / "articles"
    (folder / "broken.txt").write_bytes(b"\xff\xfe\x00not text")
    lines = [{"title": "no text"}, {"text": "Zelensky said Ukraine supports a ceasefire."}]
    (folder / "feed.jsonl").write_text("\n".join(map(json.dumps, lines)) + "\n", "utf-8")
    result = invoke("--db", tmp_path / "fed.db", "seed", expect=1)
    assert "articles: 1 new, 0 skipped, 1 failed" in result.stdout
    errors = result.stderr.splitlines()
    assert any(e.startswith("error: ") and "broken.txt" in e for e in errors), errors
    assert any(e.startswith("warning: ") and "feed.jsonl" in e for e in errors), errors


def test_an_articles_entry_that_is_no_folder_is_named(invoke, tmp_path, own_seeds):
    """A broken link or a file where `articles/` should be was passed over: `articles: 0
    new` and exit 0."""
    shutil.rmtree(own_seeds / "articles")
    (own_seeds / "articles").symlink_to(tmp_path / "nowhere")
    result = invoke("--db", tmp_path / "a.db", "seed", expect=1)
    assert result.output.splitlines()[-1] == (
        f"Error: {own_seeds / 'articles'}: not a folder (a file, or a link to nothing)"
    )
    assert "articles: 0 new" not in result.output


def test_a_seeds_folder_that_does_not_exist_is_named_as_such(invoke, tmp_path, monkeypatch):
    """A mistyped TRACKER_SEEDS_DIR on a store that exists was "no plans in …/plans" for
    `seed`, and "cannot read …/lexicon.toml" for `ingest`: the folder itself is missing."""
    db = tmp_path / "store.db"
    invoke("--db", db, "seed", "--no-articles")
    missing = tmp_path / "nonexist"
    monkeypatch.setenv("TRACKER_SEEDS_DIR", str(missing))
    result = invoke("--db", db, "seed", "--no-articles", expect=1)
    assert result.output.splitlines() == [
        f"Error: no seeds folder at TRACKER_SEEDS_DIR={missing}; nothing was loaded"
    ]
    result = invoke("--db", db, "ingest", "-", input="Mr Xi backed a ceasefire.", expect=1)
    assert result.output.splitlines() == [f"Error: no seeds folder at TRACKER_SEEDS_DIR={missing}"]


def _seedings(url: str) -> int:
    from sqlalchemy import func, select

    from tracker.db import make_engine
    from tracker.schema import Seeding

    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(select(func.count()).select_from(Seeding)).scalar_one()
    finally:
        engine.dispose()


def test_one_seed_command_records_one_seeding(invoke, empty_db_url):
    """`tracker seed` on a new store seeded it as it was made and then loaded the seeds
    again, recording two seedings for one command; each command records one."""
    result = invoke("--db", empty_db_url, "seed", "--no-articles")
    assert result.output.startswith("seeded ") and "plans china-2023" in result.output
    assert _seedings(empty_db_url) == 1
    invoke("--db", empty_db_url, "seed", "--no-articles")
    assert _seedings(empty_db_url) == 2


def test_a_new_store_made_by_ingest_or_db_upgrade_records_one_seeding(invoke, tmp_path):
    for name, command in (("ingest", ("ingest", SEED)), ("upgrade", ("db", "upgrade"))):
        url = f"sqlite:///{tmp_path / name}.db"
        invoke("--db", url, *command)
        assert _seedings(url) == 1, name
