"""The seed files are checked against a schema when loaded: a misspelt or unknown key, a
missing required key or a value of the wrong type is one line naming the file and the key."""

from __future__ import annotations

import json
import shutil
import tomllib
import unicodedata
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from tracker.coder.lexicon import load_lexicon
from tracker.errors import TrackerError
from tracker.resources import seeds_dir
from tracker.schema import Base
from tracker.seed_schema import ACTORS, LEXICON, PLAN, check, cue_problem
from tracker.seeds import check_seed_files, load_seeds

LEXICON_FILE, ACTORS_FILE, PLAN_FILE = "lexicon.toml", "actors.toml", "plans/china-2023.toml"

# (file, text in the real file, what replaces it, the key the error names, words in the error)
BROKEN = {
    "lexicon misspelt": (
        LEXICON_FILE,
        "linking_words = [",
        "linking_word = [",
        "linking_word",
        "in [stance] is not allowed; did you mean 'linking_words'?",
    ),
    "lexicon required removed": (
        LEXICON_FILE,
        "after_scope = 4\n",
        "",
        "after_scope",
        "is missing from [stance]",
    ),
    "lexicon wrong type": (
        LEXICON_FILE,
        "negation_scope = 3",
        'negation_scope = "3"',
        "negation_scope",
        "in [stance] must be an integer, not a string ('3')",
    ),
    "lexicon similarity as a share": (
        LEXICON_FILE,
        "word_similarity = 86",
        "word_similarity = 0.86",
        "word_similarity",
        "in [link] must be from 50 to 100 (a rapidfuzz ratio: 100 is the same word), not 0.86",
    ),
    "lexicon similarity past 100": (
        LEXICON_FILE,
        "name_similarity = 87",
        "name_similarity = 870",
        "name_similarity",
        "in [actors] must be from 50 to 100",
    ),
    "lexicon threshold past 1": (
        LEXICON_FILE,
        "link_threshold = 0.9",
        "link_threshold = 90",
        "link_threshold",
        "in [link] must be from 0 to 1 (a share of the phrase's words), not 90",
    ),
    "lexicon negative slack": (
        LEXICON_FILE,
        "window_slack = 2",
        "window_slack = -5",
        "window_slack",
        "in [link] must be from 0 to 50 (words), not -5",
    ),
    "lexicon days past any date": (
        LEXICON_FILE,
        "generic_plan_days = 180",
        "generic_plan_days = 999999999999",
        "generic_plan_days",
        "in [link] must be from 0 to 36500 (days), not 999999999999",
    ),
    "lexicon blank cue": (
        LEXICON_FILE,
        'support = [\n    "support",',
        'support = [\n    " ", "support",',
        "support",
        "in [stance]: item 1 is blank",
    ),
    "lexicon empty stopword": (
        LEXICON_FILE,
        'stopwords = ["the",',
        'stopwords = ["the", "",',
        "stopwords",
        "in [link]: item 2 is blank",
    ),
    "lexicon cue for and against": (
        LEXICON_FILE,
        'oppose = [\n    "oppose",',
        'oppose = [\n    "welcome", "oppose",',
        "oppose",
        "in [stance]: item 1 ('welcome') is in 'support' too (item 9, 'welcome'): a cue gives "
        "one stance",
    ),
    "lexicon cue mixed and against": (
        LEXICON_FILE,
        'mixed = [\n    "some of",',
        'mixed = [\n    "some of", "Rejected",',
        "mixed",
        "in [stance]: item 2 ('Rejected') is in 'oppose' too (item 6, 'reject'), as cues are "
        "matched: a cue gives one stance",
    ),
    "actor name padded": (
        ACTORS_FILE,
        'name = "Li Qiang"',
        'name = "Li Qiang "',
        "name",
        "('Li Qiang ') begins or ends with a space",
    ),
    "lexicon unknown kind": (
        LEXICON_FILE,
        '"the agency" = ["organisation"]',
        '"the agency" = ["organization"]',
        "the agency",
        "in [actors.anaphors]: item 1 must be one of",
    ),
    "lexicon unknown table": (
        LEXICON_FILE,
        "[segment]",
        "[segments]",
        "segments",
        "is not allowed; did you mean 'segment'?",
    ),
    "actors misspelt": (
        ACTORS_FILE,
        'gender = "male"',
        'gendre = "male"',
        "gendre",
        "in [[actors]] #2 ('Xi Jinping') is not allowed; did you mean 'gender'?",
    ),
    "actors required removed": (
        ACTORS_FILE,
        'kind = "state"\n',
        "",
        "kind",
        "is missing from [[actors]] #1 ('China')",
    ),
    "actors wrong type": (
        ACTORS_FILE,
        'aliases = ["Premier Li Qiang", "Chinese Premier Li Qiang"]',
        'aliases = "Premier Li Qiang"',
        "aliases",
        "in [[actors]] #3 ('Li Qiang') must be a list of strings, not a string",
    ),
    "actors role date as text": (
        ACTORS_FILE,
        "from = 2013-03-14",
        'from = "2013-03-14"',
        "from",
        "in roles #1 of [[actors]] #2 ('Xi Jinping') must be a date",
    ),
    "actors role misspelt": (
        ACTORS_FILE,
        'of = "China", from = 2013-03-14',
        'off = "China", from = 2013-03-14',
        "off",
        "is not allowed; did you mean 'of'?",
    ),
    "plan misspelt": (
        PLAN_FILE,
        'against = ["fanning',
        'againts = ["fanning',
        "againts",
        "in [[points]] #3 ('ceasefire') is not allowed; did you mean 'against'?",
    ),
    "actors alias with a NUL": (
        ACTORS_FILE,
        '"Xi", "Mr Xi",',
        '"Xi", "Mr\\u0000Xi",',
        "aliases",
        "in [[actors]] #2 ('Xi Jinping'): item 2 holds a NUL character",
    ),
    "plan title with a NUL": (
        PLAN_FILE,
        'title = "Respecting the sovereignty of all countries"',
        'title = "Respecting the\\u0000sovereignty of all countries"',
        "title",
        "in [[points]] #1 ('sovereignty') holds a NUL character",
    ),
    "actors name too long": (
        ACTORS_FILE,
        'name = "Xi Jinping"',
        'name = "Xi Jinping' + " Jr" * 70 + '"',
        "name",
        "in [[actors]] #2 ('Xi Jinping"
        + " Jr" * 15
        + " J…') is 220 characters long; the store keeps at most 200",
    ),
    "plan phrase too long": (
        PLAN_FILE,
        'phrases = ["reconstruction",',
        'phrases = ["reconstruction' + " again" * 40 + '",',
        "phrases",
        "in [[points]] #12 ('reconstruction'): item 1 is 254 characters long; "
        "the store keeps at most 200",
    ),
    "plan required removed": (
        PLAN_FILE,
        'title = "Reducing strategic risks"\n',
        "",
        "title",
        "is missing from [[points]] #8 ('strategic-risks')",
    ),
    "plan wrong type": (
        PLAN_FILE,
        "number = 3",
        'number = "3"',
        "number",
        "in [[points]] #3 ('ceasefire') must be an integer, not a string ('3')",
    ),
    "plan phrase not a string": (
        PLAN_FILE,
        'phrases = ["reconstruction",',
        'phrases = [12, "reconstruction",',
        "phrases",
        "in [[points]] #12 ('reconstruction'): item 1 must be a string, not an integer (12)",
    ),
}


def _broken_copy(tmp_path: Path, name: str) -> tuple[Path, str]:
    """A copy of the real seeds folder with one file broken; the error line it should give."""
    file, old, new, key, words = BROKEN[name]
    own = tmp_path / "seeds"
    shutil.copytree(seeds_dir(), own)
    text = (own / file).read_text(encoding="utf-8")
    assert old in text, f"the real {file} no longer contains {old!r}"
    (own / file).write_text(text.replace(old, new, 1), encoding="utf-8")
    return own, f"{own / file}: key '{key}' "


def test_the_real_seed_files_validate():
    folder = seeds_dir()
    for path, schema in [(folder / LEXICON_FILE, LEXICON), (folder / ACTORS_FILE, ACTORS)] + [
        (p, PLAN) for p in sorted((folder / "plans").glob("*.toml"))
    ]:
        with path.open("rb") as handle:
            check(path, tomllib.load(handle), schema)
    check_seed_files(folder)  # and what the loaders check beyond the schema
    with (folder / LEXICON_FILE).open("rb") as handle:
        assert cue_problem(tomllib.load(handle)) == ""


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_a_broken_seed_file_through_the_loader(name, tmp_path, monkeypatch):
    own, start = _broken_copy(tmp_path, name)
    words = BROKEN[name][4]
    monkeypatch.setenv("TRACKER_SEEDS_DIR", str(own))
    with pytest.raises(TrackerError) as caught:
        if BROKEN[name][0] == LEXICON_FILE:
            load_lexicon()
        else:
            engine = create_engine("sqlite://")
            Base.metadata.create_all(engine)
            with engine.begin() as connection:
                load_seeds(connection)
    message = str(caught.value)
    assert message.startswith(start) and words in message
    assert len(message.splitlines()) == 1


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_a_broken_seed_file_through_the_cli(name, invoke, tmp_path, monkeypatch):
    own, start = _broken_copy(tmp_path, name)
    words = BROKEN[name][4]
    monkeypatch.setenv("TRACKER_SEEDS_DIR", str(own))
    db = f"sqlite:///{tmp_path / 'broken.db'}"
    result = invoke("--db", db, "ingest", "-", input="Mr Xi backed a ceasefire.", expect=1)
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"Error: {start}") and words in lines[0]
    assert "Traceback" not in result.output


XI = """
[[actors]]
name = "Xi Jinping"
kind = "state"
"""


@pytest.mark.parametrize(
    ("added", "words"),
    [
        (XI, "actor 'Xi Jinping' is given twice ([[actors]] #"),
        (
            '\n[[actors]]\nname = "Jane Roe"\nkind = "person"\naliases = ["Roe", " "]\n',
            "actor 'Jane Roe' has a blank entry in aliases",
        ),
        ('\n[[actors]]\nname = " "\nkind = "person"\n', "has a blank name"),
        (
            '\n[[actors]]\nname = "Jane Roe"\nkind = "person"\nroles = [{ titles = ["envoy"], '
            "from = 2024-05-01, to = 2023-01-01 }]\n",
            "a role of 'Jane Roe' ends (2023-01-01) before it begins (2024-05-01)",
        ),
        (
            '\n[[actors]]\nname = "Jane Roe"\nkind = "person"\naffiliation = "Chnia"\n',
            "the affiliation 'Chnia' of 'Jane Roe' is no actor; did you mean 'China'?",
        ),
    ],
    ids=["a name twice", "a blank alias", "a blank name", "a role backwards", "a misspelt state"],
)
def test_an_actors_file_mistake_changes_no_actor(invoke, tmp_path, monkeypatch, added, words):
    """A name given twice was taken: the second entry wiped the first one's aliases and
    roles (Xi Jinping lost seven aliases and six roles), with exit status 0."""
    db = f"sqlite:///{tmp_path / 'store.db'}"
    invoke("--db", db, "seed", "--no-articles")
    before = invoke("--db", db, "actors", "--format", "json").output
    own = tmp_path / "seeds"
    shutil.copytree(seeds_dir(), own)
    with (own / ACTORS_FILE).open("a", encoding="utf-8") as handle:
        handle.write(added)
    monkeypatch.setenv("TRACKER_SEEDS_DIR", str(own))
    for store in (db, f"sqlite:///{tmp_path / 'new.db'}"):  # a reload, and a new store
        result = invoke("--db", store, "seed", "--no-articles", expect=1)
        assert result.output.startswith(f"Error: {own / ACTORS_FILE}: ") and words in result.output
        assert len(result.output.splitlines()) == 1
    assert invoke("--db", db, "actors", "--format", "json").output == before
    assert not (tmp_path / "new.db").exists()


def _add_actor(folder: Path, entry: str) -> Path:
    """The actors file of ``folder`` with one more ``[[actors]]`` entry; returns the file."""
    path = folder / ACTORS_FILE
    with path.open("a", encoding="utf-8") as handle:
        handle.write(f"\n[[actors]]\n{entry}\n")
    return path


def _one_error(invoke, tmp_path: Path) -> str:
    """The one error line `tracker seed` gives on a new store, which it leaves unmade."""
    store = tmp_path / "new.db"
    result = invoke("--db", store, "seed", "--no-articles", expect=1)
    assert len(result.output.splitlines()) == 1 and "Traceback" not in result.output
    assert not store.exists()
    return result.output.strip()


@pytest.mark.parametrize(
    "alias", ["Russia", "russia", "the Russia", "Russia's", "Rússia", "Rus-sia", "R.ussia"]
)
def test_an_alias_that_is_another_actors_name_is_refused(invoke, tmp_path, own_seeds, alias):
    """`aliases = ["Russia"]` on a person made every "Russia" that person's mention too, and
    Russia's positions vanished; the names are compared as the coder matches them."""
    entry = f'name = "Jane Roe"\nkind = "person"\naliases = ["Roe", "{alias}"]'
    path = _add_actor(own_seeds, entry)
    line = _one_error(invoke, tmp_path)
    assert line.startswith(f"Error: {path}: key 'aliases' in [[actors]] #514 ('Jane Roe'): ")
    assert f"item 2 ({alias!r}) is the name of actor 'Russia' ([[actors]] #" in line


def test_a_surname_or_an_alias_two_actors_share_is_allowed(invoke, tmp_path, own_seeds):
    """Only another actor's canonical name is refused: a bare surname two people share
    ("Mr Wang") and another actor's alias ("Kremlin") stay allowed, as the actors file says."""
    _add_actor(own_seeds, 'name = "Jane Wang"\nkind = "person"\naliases = ["Mr Wang", "Kremlin"]')
    invoke("--db", tmp_path / "new.db", "seed", "--no-articles")


@pytest.mark.parametrize(
    "second",
    [
        "josé roe",
        "JOSÉ ROE",
        unicodedata.normalize("NFD", "José Roe"),
        "José\u00a0Roe",  # a page's non-breaking space: the coder matched the two alike
        "Jose Roe",
        "José. Roe",
        "Jo\u200bsé Roe",
    ],
    ids=["lower case", "upper case", "NFD", "no-break space", "no accent", "dot", "zero width"],
)
def test_a_name_given_twice_but_for_case_or_unicode_form_is_refused(
    invoke, tmp_path, own_seeds, second
):
    """ "José Roe" and "josé roe" (or "José Roe" with its é as e and an accent, as macOS
    writes it) were two actors, stored apart, that the coder could not tell apart."""
    _add_actor(own_seeds, 'name = "José Roe"\nkind = "person"')
    path = _add_actor(own_seeds, f'name = "{second}"\nkind = "person"')
    assert _one_error(invoke, tmp_path) == (
        f"Error: {path}: actor {second!r} is given twice ([[actors]] #515): [[actors]] #514 "
        "is 'José Roe', which differs from it only in what matching leaves out (letter case, "
        "accents, spaces, dots, hyphens, Unicode form)"
    )


def test_a_padded_name_is_shown_once(invoke, tmp_path, own_seeds):
    """It was "key 'name' in [[actors]] #514 (' Jane Roe') (' Jane Roe') begins or ends
    with a space": the entry's label and the value are the same string."""
    path = _add_actor(own_seeds, 'name = " Jane Roe"\nkind = "person"')
    assert _one_error(invoke, tmp_path) == (
        f"Error: {path}: key 'name' in [[actors]] #514 (' Jane Roe') begins or ends with a space"
    )


def test_a_long_value_is_cut_in_an_error_line(invoke, tmp_path, own_seeds):
    """A value echoed in an error line is cut to about 60 characters, with an ellipsis: a
    padded alias of 190 characters filled the terminal with it."""
    alias = "Jane " + "Roe " * 46
    path = _add_actor(own_seeds, f'name = "Jane Roe"\nkind = "person"\naliases = ["{alias}"]')
    shown = repr(alias[:57] + "…")
    assert _one_error(invoke, tmp_path) == (
        f"Error: {path}: key 'aliases' in [[actors]] #514 ('Jane Roe'): item 1 ({shown}) "
        "begins or ends with a space"
    )
    assert len(shown) == 60


@pytest.mark.parametrize("titles", ['[" "]', '[""]', "[]"], ids=["space", "empty", "none"])
def test_a_role_with_a_blank_title_or_none_is_refused(invoke, tmp_path, own_seeds, titles):
    """A blank title loaded in silence and made the state's adjective that person: "A German
    diplomat said Berlin supports peace talks" was Jane Roe's position."""
    path = _add_actor(
        own_seeds,
        'name = "Jane Roe"\nkind = "person"\naffiliation = "Germany"\n'
        f'roles = [{{ titles = {titles}, of = "Germany", from = 2023-01-01 }}]',
    )
    words = "no titles" if titles == "[]" else "a blank title"
    assert _one_error(invoke, tmp_path) == f"Error: {path}: a role of 'Jane Roe' has {words}"


def test_a_dotless_i_matches_its_capitals(invoke, tmp_path, own_seeds):
    """ "Kalın" lowered stays "kalın" while "KALIN" lowers to "kalin": the all-caps byline
    and the name written without Turkish letters were other people than the registry's."""
    _add_actor(
        own_seeds,
        'name = "İbrahim Kalın"\nkind = "person"\naffiliation = "Turkey"\naliases = ["Kalın"]',
    )
    db = tmp_path / "k.db"
    for day, text in (
        ("01", "İBRAHİM KALIN said Turkey supports a ceasefire."),
        ("02", "Ibrahim Kalin said Turkey supports a ceasefire."),
        ("03", "Mr Kalin said Turkey supports a ceasefire."),
    ):
        invoke("--db", db, "ingest", "-q", "-", input=f"date 2023-08-{day}\n{text}\n")
    rows = [json.loads(line) for line in invoke("--db", db, "position").output.splitlines()]
    assert {r["actor"] for r in rows} == {"İbrahim Kalın"}, rows
    assert len({r["sentence"] for r in rows}) == 3
