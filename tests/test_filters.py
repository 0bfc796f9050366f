"""--plan, --target and --actor name something that exists, or the command says what does.

An unknown plan or target, an empty or ambiguous actor name is one error line
and exit 1 in every command that takes it, never `(no rows)` or a silent choice.
"""

from __future__ import annotations

import json

import pytest

from tracker.resources import seeds_dir

SEED = seeds_dir() / "articles" / "seed.txt"
PLANS = "plans: china-2023"
TARGETS = "targets: 1-12, plan, troop-withdrawal"


@pytest.fixture
def store(db_url, invoke) -> str:
    """A store holding the seed article's links and positions."""
    invoke("--db", db_url, "ingest", SEED)
    return db_url


def _error(result) -> str:
    output = result.output.strip()
    assert result.exit_code == 1, (result.exit_code, output, result.exception)
    assert output.startswith("Error:") and len(output.splitlines()) == 1, output
    return output


def _rows(invoke, url: str, *args: str) -> list[dict]:
    output = invoke("--db", url, *args, "--format", "jsonl").output
    return [json.loads(line) for line in output.splitlines()]


# --------------------------------------------------------------------------- plans and targets


@pytest.mark.parametrize(
    "command, message",
    [
        (["position", "--plan", "nope"], f"no plan 'nope'; {PLANS}"),
        (["links", "--plan", "nope"], f"no plan 'nope'; {PLANS}"),
        (["points", "--plan", "nope"], f"no plan 'nope'; {PLANS}"),
        (["points", "--plan", ""], f"no plan ''; {PLANS}"),
        (["report", "matrix", "--plan", "nope"], f"no plan 'nope'; {PLANS}"),
        (["position", "--target", "13"], f"no target '13'; {TARGETS}"),
        (["links", "--target", "99"], f"no target '99'; {TARGETS}"),
        (["report", "coverage", "--target", "13"], f"no target '13'; {TARGETS}"),
        (["position", "--target", "nope"], f"no target 'nope'; {TARGETS}"),
        (["links", "--target", ""], f"no target ''; {TARGETS}"),
        (
            ["position", "--plan", "china-2023", "--target", "0"],
            f"no target '0' in plan 'china-2023'; {TARGETS}",
        ),
        (["position", "--plan", "nope", "--target", "3"], f"no plan 'nope'; {PLANS}"),
        # numbers no database column holds, and digits that are not ASCII
        (
            ["position", "--target", "99999999999999999999"],
            f"no target '99999999999999999999'; {TARGETS}",
        ),
        (["links", "--target", "9" * 40], "no target '" + "9" * 40 + f"'; {TARGETS}"),
        (
            ["report", "matrix", "--target", "99999999999999999999"],
            f"no target '99999999999999999999'; {TARGETS}",
        ),
        (["position", "--target", "²"], f"no target '²'; {TARGETS}"),
        (["links", "--target", "١٢"], f"no target '١٢'; {TARGETS}"),
    ],
    ids=lambda v: " ".join(v) if isinstance(v, list) else "",
)
def test_unknown_plans_and_targets_are_errors(invoke, store, command, message):
    assert _error(invoke("--db", store, *command, expect=None)) == f"Error: {message}"


def test_known_plans_and_targets_still_filter(invoke, store):
    every = _rows(invoke, store, "links")
    assert {r["target"] for r in _rows(invoke, store, "links", "--target", "2")} == {"2"}
    assert _rows(invoke, store, "links", "--plan", "china-2023") == every
    by_number = _rows(invoke, store, "position", "--target", "1")
    assert by_number and {r["target"] for r in by_number} == {"1"}
    assert _rows(invoke, store, "position", "--target", "sovereignty") == by_number
    assert _rows(invoke, store, "position", "--target", " 01") == by_number
    assert len(_rows(invoke, store, "points", "--plan", "china-2023")) == 14
    assert _rows(invoke, store, "position", "--target", "10") == []  # a known target, no rows


# --------------------------------------------------------------------------- actors


@pytest.mark.parametrize("command", [["position"], ["report", "matrix"], ["report", "timeline"]])
def test_an_empty_actor_name_is_an_error(invoke, store, command):
    for name in ("", "  "):
        output = _error(invoke("--db", store, *command, "--actor", name, expect=None))
        assert "--actor needs a name" in output
    for name in ("...", "%", "_"):  # given, so not "needs a name": no word of a name in it
        output = _error(invoke("--db", store, *command, "--actor", name, expect=None))
        assert f"--actor {name!r} holds no letter or digit of a name; names match as" in output


@pytest.mark.parametrize("name", ["Wang", "Mr Wang", "wang"])
@pytest.mark.parametrize("command", [["position"], ["report", "matrix"]])
def test_an_ambiguous_actor_name_lists_the_candidates(invoke, store, command, name):
    output = _error(invoke("--db", store, *command, "--actor", name, expect=None))
    assert (
        output
        == f"Error: --actor {name!r} could be 2 actors: Wang Wenbin, Wang Yi; give a full name"
    )


def test_a_title_alone_is_ambiguous(invoke, store):
    output = _error(invoke("--db", store, "position", "--actor", "President", expect=None))
    assert output.startswith("Error: --actor 'President' could be ")
    assert int(output.split("could be ")[1].split()[0]) >= 3  # Xi, Putin, Zelensky, …


@pytest.mark.parametrize(
    "name, actor",
    [
        ("Xi", "Xi Jinping"),
        ("Mr Xi", "Xi Jinping"),
        ("President Xi", "Xi Jinping"),
        ("Zelenskyy", "Volodymyr Zelensky"),
        ("Wang Yi", "Wang Yi"),
        ("China", "China"),
        ("Lukashenko", "Alexander Lukashenko"),
    ],
)
def test_a_name_for_one_actor_still_finds_it(invoke, store, name, actor):
    rows = _rows(invoke, store, "position", "--actor", name)
    assert {r["actor"] for r in rows} <= {actor}


def test_no_actor_option_means_every_actor(invoke, store):
    assert len({r["actor"] for r in _rows(invoke, store, "position")}) > 1


def test_a_target_slug_in_any_case_filters(invoke, store):
    lower = _rows(invoke, store, "position", "--target", "ceasefire")
    assert lower and _rows(invoke, store, "position", "--target", "CEASEFIRE") == lower


def test_a_long_name_is_cut_in_the_error_line(invoke, store):
    output = _error(invoke("--db", store, "position", "--actor", "x" * 100_000, expect=None))
    assert output.startswith("Error: no actor matches 'xxxx") and len(output) < 200


def test_a_missing_article_id_is_an_error_not_no_positions(invoke, store):
    output = _error(invoke("--db", store, "position", "--article", "99999", expect=None))
    assert output == "Error: no article with id 99999; `tracker articles` lists them"
    assert _rows(invoke, store, "position", "--article", "1")
