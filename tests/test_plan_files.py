"""An analyst's own plan beside the shipped one: loaded, listed and coded, and every mistake
a plan file can hold that would merge, hide or drop targets is one error line naming the
file, before anything is written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

SECOND = """\
slug = "two-points"
title = "A plan of two points"
published = 2024-05-23
author = "China"

[plan_target]
phrases = ["two-point plan"]

[[points]]
number = 1
slug = "de-escalation"
title = "De-escalation"
phrases = ["de-escalation", "no expansion of the battlefield"]

[[points]]
number = 2
slug = "peace-conference"
title = "A peace conference"
phrases = ["peace conference"]
"""


@pytest.fixture
def with_plan(own_seeds):
    """The shipped seeds with a second plan file (``SECOND`` unless given), used by every
    command; returns the seeds folder."""

    def add(text: str = SECOND) -> Path:
        (own_seeds / "plans" / "two-points.toml").write_text(text, encoding="utf-8")
        return own_seeds

    return add


def test_a_second_plan_is_loaded_listed_and_coded(invoke, tmp_path, with_plan):
    with_plan()
    db = f"sqlite:///{tmp_path / 'two.db'}"
    text = "Mr Wang Yi called for de-escalation and for a peace conference."
    invoke("--db", db, "ingest", "-", input=f"date 2024-06-01\n{text}\n")
    points = invoke("--db", db, "points", "--plan", "two-points", "--format", "csv").output
    assert points.splitlines()[1:] == [
        "two-points,1,point,de-escalation,De-escalation,2,0",
        "two-points,2,point,peace-conference,A peace conference,1,0",
        "two-points,plan,plan,plan,A plan of two points,1,0",
    ]
    links = invoke("--db", db, "links", "--plan", "two-points", "--format", "json").output
    assert {"1", "2"} <= {row["target"] for row in json.loads(links)}


def test_an_unknown_target_lists_each_plan_s_own(invoke, tmp_path, with_plan):
    """With two plans, the numbers of both were run together ("1-12, plan, …") as if one
    plan had them all."""
    with_plan()
    db = f"sqlite:///{tmp_path / 'two.db'}"
    invoke("--db", db, "seed", "--no-articles")
    result = invoke("--db", db, "position", "--target", "13", expect=1)
    assert result.output == (
        "Error: no target '13'; targets: china-2023: 1-12, plan, troop-withdrawal; "
        "two-points: 1-2, plan\n"
    )
    result = invoke("--db", db, "position", "--target", "13", "--plan", "two-points", expect=1)
    assert result.output == "Error: no target '13' in plan 'two-points'; targets: 1-2, plan\n"


def _plan_error(invoke, tmp_path, with_plan, text: str) -> str:
    own = with_plan(text)
    path = tmp_path / "new.db"
    result = invoke("--db", f"sqlite:///{path}", "ingest", "-", input="Xi.", expect=1)
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output, result.output
    assert lines[0].startswith(f"Error: {own / 'plans' / 'two-points.toml'}"), lines[0]
    assert not path.exists()  # no half-made store
    return lines[0]


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        (
            "number = 2",
            "number = 1",
            ": [[points]] #2 ('peace-conference') and [[points]] #1 ('de-escalation') both have "
            "the number 1",
        ),
        ("number = 2", "number = 0", "point 0: point numbers go from 1 to 2147483647"),
        ("number = 2", f"number = {2**70}", "point numbers go from 1 to 2147483647"),
        ('slug = "peace-conference"', 'slug = "de-escalation"', "slug 'de-escalation' is already"),
        ('slug = "peace-conference"', 'slug = "plan"', "is already that of the plan as a whole"),
        (
            'slug = "peace-conference"',
            'slug = "De-escalation"',
            "point 2: slug 'De-escalation' is that of point 1 ('de-escalation') but for "
            "letter case",
        ),
        (
            'slug = "peace-conference"',
            'slug = "PLAN"',
            "is that of the plan as a whole ('plan') but",
        ),
        ('phrases = ["peace conference"]', 'phrases = [" "]', "has a blank phrase"),
        ('phrases = ["peace conference"]', "phrases = []", "no sentence could ever link to it"),
        (
            'phrases = ["peace conference"]',
            'phrases = ["peace conference", "All for all"]',
            "point 2 ('peace-conference'): the phrase 'All for all' is made of the lexicon's "
            "stopwords alone, which matching leaves out, so it can never match",
        ),
        (
            'phrases = ["two-point plan"]',
            'phrases = ["two-point plan"]\nnot_this_plan = ["—"]',
            "plan_target: the phrase '—' has no words, so it can never match",
        ),
        (
            'phrases = ["peace conference"]',
            'phrases = ["peace conference"]\nagainst = ["war", "Peace  Conference"]',
            "point 2 ('peace-conference'): the phrase 'Peace  Conference' is in both 'phrases' "
            "and 'against'; a phrase says what the point asks for or what it is against, not "
            "both",
        ),
        (
            'phrases = ["two-point plan"]',
            'phrases = ["two-point plan"]\nnot_this_plan = ["other plan", "Two-point plan"]',
            "plan_target: the phrase 'Two-point plan' is in 'not_this_plan' and names the plan "
            "too ('phrases' or 'generic')",
        ),
        ('title = "A peace conference"', 'title = " "', "point 2: its title is blank"),
        ('title = "A plan of two points"', 'title = ""', "the plan's title is blank"),
        (
            'phrases = ["peace conference"]',
            'phrases = ["peace conference "]',
            "item 1 ('peace conference ') begins or ends with a space",
        ),
        ('slug = "two-points"', 'slug = "china-2023"', "slug 'china-2023' is also that of"),
        ('author = "China"', 'author = "Chnia"', "the plan's author 'Chnia' is not in the actors"),
        (
            'phrases = ["two-point plan"]',
            'slug = "whole"\nphrases = ["two-point plan"]',
            "key 'slug' in [plan_target] must be 'plan' (exports and --target plan name the "
            "plan as a whole so), not a string ('whole')",
        ),
    ],
)
def test_a_plan_file_mistake_is_one_error_and_no_store(
    invoke, tmp_path, with_plan, old, new, words
):
    assert old in SECOND
    assert words in _plan_error(invoke, tmp_path, with_plan, SECOND.replace(old, new, 1))


def test_a_phrase_that_can_never_match_is_refused_by_seed(invoke, tmp_path, with_plan):
    """The linker leaves the lexicon's stopwords out of a phrase: "all for all" was loaded
    by `tracker seed` and never linked a sentence, with no word said."""
    own = with_plan()
    db = tmp_path / "two.db"
    invoke("--db", db, "seed", "--no-articles")
    path = own / "plans" / "two-points.toml"
    path.write_text(SECOND.replace('"peace conference"]', '"peace conference", "all for all"]'))
    result = invoke("--db", db, "seed", "--no-articles", expect=1)
    assert result.output == (
        f"Error: {path}: point 2 ('peace-conference'): the phrase 'all for all' is made of the "
        "lexicon's stopwords alone, which matching leaves out, so it can never match\n"
    )
    phrases = invoke("--db", db, "sql", "SELECT phrase FROM target_phrases", "--format", "csv")
    assert "all for all" not in phrases.output  # nothing loaded


def test_a_plan_file_not_in_utf8_is_one_error(invoke, tmp_path, with_plan):
    own = with_plan()
    latin = SECOND.replace("A peace conference", "Une conférence de paix")
    (own / "plans" / "two-points.toml").write_bytes(latin.encode("latin-1"))
    offset = latin.encode("latin-1").index("é".encode("latin-1"))
    result = invoke("--db", tmp_path / "x.db", "seed", "--no-articles", expect=1)
    assert result.output.strip().splitlines() == [
        f"Error: {own / 'plans' / 'two-points.toml'} is not UTF-8 text (byte 0xe9 at offset "
        f"{offset}); save it as UTF-8"
    ]


def test_a_plan_file_saved_with_a_byte_order_mark_is_read(invoke, tmp_path, with_plan):
    """Notepad's UTF-8 starts with a BOM: the file was "not valid TOML: Invalid statement
    (at line 1, column 1)". A byte that is not UTF-8 after it is named at its offset in
    the file."""
    own = with_plan()
    path = own / "plans" / "two-points.toml"
    path.write_bytes(b"\xef\xbb\xbf" + SECOND.encode("utf-8"))
    result = invoke("--db", tmp_path / "x.db", "seed", "--no-articles")
    assert "two-points" in result.output
    latin = b"\xef\xbb\xbf" + SECOND.replace("A peace", "Une paix é").encode("latin-1")
    path.write_bytes(latin)
    result = invoke("--db", tmp_path / "y.db", "seed", "--no-articles", expect=1)
    offset = latin.index(b"\xe9")
    assert f"(byte 0xe9 at offset {offset})" in result.output


def test_a_clash_with_a_stored_plan_writes_nothing(invoke, tmp_path, with_plan):
    """`tracker seed` on a store that has both plans: a file whose slug is the other's is
    refused before anything is written (it merged the two plans' targets)."""
    own = with_plan()
    db = tmp_path / "both.db"
    invoke("--db", db, "seed", "--no-articles")
    before = invoke("--db", db, "points", "--format", "csv").output
    path = own / "plans" / "two-points.toml"
    path.write_text(SECOND.replace('slug = "two-points"', 'slug = "china-2023"'), "utf-8")
    invoke("--db", db, "seed", "--no-articles", expect=1)
    assert invoke("--db", db, "points", "--format", "csv").output == before


def test_the_reports_mark_a_retired_point(invoke, tmp_path, with_plan):
    """Positions coded on a point before it was taken out of its plan file stay until their
    articles are coded again; the reports say the point is retired (the matrix in its rows
    and in the page's column head), so that a reader does not take them for the plan's
    current point of that number."""
    own = with_plan()
    db = tmp_path / "both.db"
    invoke(
        "--db", db, "ingest", "-", input="date 2024-06-01\nChina called for a peace conference.\n"
    )
    path = own / "plans" / "two-points.toml"
    path.write_text(SECOND.split("[[points]]\nnumber = 2")[0], encoding="utf-8")
    invoke("--db", db, "seed", "--no-articles")
    report = ("--db", db, "report", "matrix", "--plan", "two-points", "--format")
    rows = json.loads(invoke(*report, "json").output)
    assert {(r["target"], r["target_retired"]) for r in rows} >= {("2", 1)}
    assert all(r["target_retired"] == 0 for r in rows if r["target"] != "2")
    page = invoke(*report, "html").output
    heads = [h.split("</th>")[0] for h in page.split('<th class="target-head')[1:]]
    assert [h.startswith(" retired") for h in heads] == [
        '<span class="tnum">2</span>' in h for h in heads
    ]
    assert any('<span class="tretired">retired</span>' in h for h in heads)
    for name in ("actor", "timeline"):  # the reports that list an actor's targets
        listed = invoke("--db", db, "report", name, "--actor", "China", "--format", "json")
        assert {(r["target"], r["target_retired"]) for r in json.loads(listed.output)} >= {("2", 1)}
    # and those that list the sentences: the evidence of a cell, the positions themselves
    cell = ("--db", db, "report", "evidence", "--actor", "China", "--target", "2")
    evidence = json.loads(invoke(*cell, "--plan", "two-points", "--format", "json").output)
    assert evidence and {r["target_retired"] for r in evidence} == {1}
    listing = ("--db", db, "position", "--actor", "China", "--plan", "two-points")
    rows = json.loads(invoke(*listing, "--format", "json").output)
    assert {(r["target"], r["target_retired"]) for r in rows} >= {("2", 1)}
    assert all(r["target_retired"] == 0 for r in rows if r["target"] != "2")
    assert "target_retired" in invoke(*listing, "--format", "table").output.splitlines()[0]
    queue = ("--db", db, "review", "--list", "--actor", "China", "--plan", "two-points")
    assert "target_retired" in invoke(*queue, "--format", "table").output.splitlines()[0]
    path.write_text(SECOND, encoding="utf-8")  # put back: coded again, not retired
    invoke("--db", db, "seed", "--no-articles")
    assert {r["target_retired"] for r in json.loads(invoke(*report, "json").output)} == {0}
    rows = json.loads(invoke(*listing, "--format", "json").output)
    assert rows and {r["target_retired"] for r in rows} == {0}
    assert "target_retired" not in invoke(*listing, "--format", "table").output.splitlines()[0]
    assert "target_retired" not in invoke(*queue, "--format", "table").output.splitlines()[0]


def test_the_timeline_page_of_the_plan_as_a_whole_keeps_each_plan_apart(
    invoke, tmp_path, with_plan
):
    """`--target plan` names every plan as a whole: the page drew one chart of both plans'
    positions under the first one's title ("plan · The plan as a whole: 4 support, …") and
    its rows had no plan. Now a chart per plan, named with it, counts per plan, a Plan
    column; the table and CSV had them right."""
    with_plan()
    db = tmp_path / "both.db"
    texts = [
        "date 2023-03-02\nLukashenko backed China's 12-point plan.\n",
        "date 2024-06-01\nLavrov welcomed the two-point plan.\n",
    ]
    for number, text in enumerate(texts):
        (tmp_path / f"{number}.txt").write_text(text, encoding="utf-8")
    invoke("--db", db, "ingest", tmp_path / "0.txt", tmp_path / "1.txt")
    timeline = ("--db", db, "report", "timeline", "--target", "plan", "--format")
    rows = json.loads(invoke(*timeline, "json").output)
    assert [(r["actor"], r["plan"], r["stance"]) for r in rows] == [
        ("Alexander Lukashenko", "china-2023", "support"),
        ("Sergei Lavrov", "two-points", "support"),
    ]
    page = invoke(*timeline, "html").output
    charts = [c.split('"')[0] for c in page.split('aria-label="')[1:]]
    assert [c.split(";")[0] for c in charts] == [
        "china-2023 · plan · The plan as a whole: 1 support",
        "two-points · plan · A plan of two points: 1 support",
    ]
    assert '<p class="meta count">2 positions: 1 on china-2023, 1 on two-points</p>' in page
    heads = page.split('<table class="data timeline"')[1].split("</thead>")[0]
    assert heads.count("<th scope") == 7 and ">Plan</th><th" in heads
    cells = page.split("</thead>")[1].split("</tr>")[:2]
    assert ['<td class="plain">china-2023</td>' in c for c in cells] == [True, False]
    assert ['<td class="plain">two-points</td>' in c for c in cells] == [False, True]
    one = invoke(
        "--db",
        db,
        "report",
        "timeline",
        "--target",
        "plan",
        "--plan",
        "two-points",
        "--format",
        "html",
    ).output  # one plan: as before, no Plan column
    assert 'aria-label="plan · A plan of two points: 1 support' in one
    assert ">Plan</th>" not in one and '<p class="meta count">1 position</p>' in one


def test_a_number_a_retired_point_had_names_the_point_that_has_it_now(invoke, tmp_path, with_plan):
    """Point 2 taken out and point 1 renumbered 2: `--target 2` is the live point in every
    report, as in `position` (the reports matched the retired point's rows too), and the
    retired one is named by its slug."""
    own = with_plan()
    db = tmp_path / "both.db"
    text = "China called for a peace conference. Brazil called for de-escalation."
    invoke("--db", db, "ingest", "-", input=f"date 2024-06-01\n{text}\n")
    renumbered = SECOND.split("[[points]]\nnumber = 2")[0].replace("number = 1", "number = 2")
    (own / "plans" / "two-points.toml").write_text(renumbered, encoding="utf-8")
    invoke("--db", db, "seed", "--no-articles")
    plan = ("--db", db, "--plan", "two-points")

    def sentences(*command: str) -> set[tuple[str, int]]:
        rows = json.loads(invoke(*command, *plan, "--format", "json").output)
        return {(r["sentence"], r["target_retired"]) for r in rows}

    live = {("Brazil called for de-escalation.", 0)}
    for name in ("matrix", "timeline"):
        assert sentences("report", name, "--target", "2") == live, name
    assert sentences("report", "evidence", "--actor", "Brazil", "--target", "2") == live
    assert sentences("report", "timeline", "--target", "peace-conference") == {
        ("China called for a peace conference.", 1)
    }
    rows = json.loads(invoke("position", *plan, "--target", "2", "--format", "json").output)
    assert {r["sentence"] for r in rows} == {"Brazil called for de-escalation."}
    # the page: a column for each, the retired one marked, each cell under its own
    page = invoke("--db", db, "report", "matrix", "--plan", "two-points", "--format", "html")
    heads = [h.split("</th>")[0] for h in page.output.split('<th class="target-head')[1:]]
    numbered = [h for h in heads if '<span class="tnum">2</span>' in h]
    assert len(numbered) == 2
    assert [h.startswith(" retired") for h in numbered] == [False, True]
    assert "A peace conference" in numbered[1] and "De-escalation" in numbered[0]


def test_db_check_names_a_model_of_a_plan_whose_file_is_gone(
    invoke, tmp_path, with_plan, monkeypatch
):
    """A model trained for a plan whose file was removed (every point retired): `db check`
    said "decision model: ok"."""
    own = with_plan()
    db = tmp_path / "both.db"
    invoke("--db", db, "seed", "--no-articles")
    model = json.loads((own / "model.json").read_text(encoding="utf-8"))
    (tmp_path / "m.json").write_text(json.dumps(dict(model, plan="two-points")), "utf-8")
    monkeypatch.setenv("TRACKER_MODEL", str(tmp_path / "m.json"))
    assert "decision model: ok\n" in invoke("--db", db, "db", "check").output
    (own / "plans" / "two-points.toml").unlink()
    invoke("--db", db, "seed", "--no-articles")
    assert (
        "decision model: ok, but trained for plan 'two-points', which the store does not "
        "have, or has only retired" in invoke("--db", db, "db", "check").output
    )


def test_a_slug_another_plan_retired_names_the_live_point(invoke, tmp_path, with_plan):
    """A second plan's point slugged like a shipped one ("ceasefire"), then taken out of its
    file: `--target ceasefire` names the shipped plan's point, as a number names the live
    point; before, it was an error asking for --plan for as long as the store was kept."""
    own = with_plan(SECOND.replace('"peace-conference"', '"ceasefire"'))
    db = tmp_path / "both.db"
    text = "Brazil called for a ceasefire and a peace conference."
    invoke("--db", db, "ingest", "-", input=f"date 2024-06-01\n{text}\n")
    both = invoke("--db", db, "links", "--target", "ceasefire", expect=1).output
    assert "is a target of 2 plans (china-2023, two-points); add --plan SLUG" in both
    path = own / "plans" / "two-points.toml"
    path.write_text(SECOND.split("[[points]]\nnumber = 2")[0], encoding="utf-8")
    invoke("--db", db, "seed", "--no-articles")
    rows = json.loads(
        invoke("--db", db, "links", "--target", "ceasefire", "--format", "json").output
    )
    assert {(r["plan"], r["target"]) for r in rows} == {("china-2023", "3")}
    retired = ("--db", db, "links", "--target", "ceasefire", "--plan", "two-points")
    rows = json.loads(invoke(*retired, "--format", "json").output)
    assert {(r["plan"], r["target"]) for r in rows} == {("two-points", "2")}


def test_seed_names_the_points_whose_phrases_changed(invoke, tmp_path, with_plan):
    """Phrases edited after coding: `tracker seed` names each point whose phrases changed,
    and how, since what was coded with the old ones stays until it is coded again (it said
    nothing, and only `db check` hinted that the plan files had changed)."""
    own = with_plan()
    db = tmp_path / "both.db"
    invoke("--db", db, "seed", "--no-articles")
    path = own / "plans" / "two-points.toml"
    edited = SECOND.replace('"no expansion of the battlefield"', '"de-escalate", "calm"')
    path.write_text(edited, encoding="utf-8")
    assert "phrase" not in invoke("--db", db, "seed", "--no-articles").stderr  # nothing coded
    path.write_text(SECOND, encoding="utf-8")
    invoke("--db", db, "seed")  # the seed article: coded
    path.write_text(
        edited.replace('phrases = ["peace conference"]', 'against = ["peace conference"]'), "utf-8"
    )
    warnings = invoke("--db", db, "seed", "--no-articles").stderr.splitlines()
    changed = [w for w in warnings if "phrase" in w]
    assert changed == [
        f"warning: {path}: point 1 'de-escalation': 2 phrases added, 1 phrase taken out; the "
        "links and positions already coded with the old phrases stay until their articles are "
        "coded again (tracker recode --stale)",
        f"warning: {path}: point 2 'peace-conference': 1 phrase moved between lists; the "
        "links and positions already coded with the old phrases stay until their articles are "
        "coded again (tracker recode --stale)",
    ]
    assert "phrase" not in invoke("--db", db, "seed", "--no-articles").stderr  # unchanged
    path.write_text(path.read_text("utf-8").replace('"calm"', '"CALM"'), "utf-8")  # any case
    assert "phrase" not in invoke("--db", db, "seed", "--no-articles").stderr


def test_a_point_taken_out_of_the_file_is_retired(invoke, tmp_path, with_plan):
    """A point taken out of its plan file is retired when seeding: named once in a
    warning, no longer coded, listed as retired; what was coded on it stays until its
    article is coded again; put back, it is coded again. (It used to stay and be coded.)"""
    own = with_plan()
    db = tmp_path / "both.db"
    ingest = ("--db", db, "ingest", "-")

    def linked(target: str) -> set[str]:
        rows = invoke("--db", db, "links", "--plan", "two-points", "--target", target).output
        return {json.loads(line)["sentence"] for line in rows.splitlines()}

    def report(name: str) -> set[str]:
        rows = invoke("--db", db, "report", name, "--plan", "two-points", "--format", "json")
        return {row["target"] for row in json.loads(rows.output)}

    invoke(*ingest, input="date 2024-06-01\nChina called for a peace conference.\n")
    assert linked("peace-conference") == {"China called for a peace conference."}
    path = own / "plans" / "two-points.toml"
    path.write_text(SECOND.split("[[points]]\nnumber = 2")[0], encoding="utf-8")
    result = invoke("--db", db, "seed", "--no-articles")
    assert result.stderr.strip().splitlines() == [
        f"warning: {path}: point 2 'peace-conference' is no longer in the file: retired, so "
        "it is not coded from now on; the links and positions already coded on it stay "
        "until their articles are coded again (tracker recode --stale)"
    ]
    assert "warning:" not in invoke("--db", db, "seed", "--no-articles").stderr  # said once
    points = invoke("--db", db, "points", "--plan", "two-points", "--format", "json").output
    assert {r["slug"]: r["retired"] for r in json.loads(points)} == {
        "de-escalation": False,
        "peace-conference": True,
        "plan": False,
    }
    invoke(*ingest, input="date 2024-06-02\nBrazil called for a peace conference.\n")
    assert linked("peace-conference") == {"China called for a peace conference."}
    assert "2" in report("coverage")  # while what was coded on it remains
    # the other article was coded after the seed, by the configuration in force
    assert "re-coded 1 of 1" in invoke("--db", db, "recode", "--stale").output
    assert linked("peace-conference") == set()
    assert "2" not in report("coverage")
    assert "2" not in report("omissions")  # nobody holds it now, but nobody could
    path.write_text(SECOND, encoding="utf-8")
    assert "warning:" not in invoke("--db", db, "seed", "--no-articles").stderr
    invoke("--db", db, "recode", "--stale")
    assert len(linked("peace-conference")) == 2


def test_a_point_number_two_plans_have_needs_a_plan(invoke, tmp_path, with_plan):
    """Point 1 of one plan is not point 1 of another: `--target 1` with two plans that have
    a point 1 is an error naming both (it mixed them), and `--plan` settles it."""
    with_plan()
    db = f"sqlite:///{tmp_path / 'two.db'}"
    text = "Mr Wang Yi called for de-escalation and respect for sovereignty."
    invoke("--db", db, "ingest", "-", input=f"date 2024-06-01\n{text}\n")
    result = invoke("--db", db, "position", "--target", "1", expect=1)
    assert result.output.strip() == (
        "Error: --target 1 is a point of 2 plans (china-2023: sovereignty, "
        "two-points: de-escalation); add --plan SLUG"
    )
    rows = invoke("--db", db, "links", "--target", "1", "--plan", "two-points").output
    assert {json.loads(line)["plan"] for line in rows.splitlines()} == {"two-points"}
    invoke("--db", db, "position", "--target", "plan")  # a slug is the same target everywhere


def test_gold_of_another_plan_is_not_scored_against_this_one(invoke, tmp_path, with_plan):
    with_plan()
    gold = Path(__file__).parent / "data" / "dev"
    for extra in ((), ("--cv", "2")):
        result = invoke("evaluate", gold, "--plan", "two-points", *extra, expect=1)
        assert result.output.strip().startswith(
            "Error: the gold codes targets that plan 'two-points' does not have (3, 4, 5, 6, 7, "
        ), result.output
        assert "was it coded for another plan? (--plan SLUG)" in result.output


def test_a_generic_mention_never_names_a_plan_published_later(invoke, tmp_path, with_plan):
    """ "China's peace initiative" in an article of March 2023 is the plan of February 2023,
    not a plan by the same author of May 2024 (it linked to both)."""
    second = SECOND.replace(
        'phrases = ["two-point plan"]',
        'phrases = ["two-point plan"]\ngeneric = ["peace initiative", "initiative"]',
    )
    with_plan(second)
    db = f"sqlite:///{tmp_path / 'two.db'}"
    text = "Mr Lukashenko praised China's peace initiative."
    for day in ("2023-03-02", "2024-06-01"):
        invoke("--db", db, "ingest", "-", input=f"date {day}\n{text} ({day})\n")
    rows = invoke("--db", db, "position", "--target", "plan", "--format", "json").output
    linked = {(row["date"], row["plan"]) for row in json.loads(rows)}
    assert ("2023-03-02", "china-2023") in linked
    assert ("2023-03-02", "two-points") not in linked
    assert ("2024-06-01", "two-points") in linked  # on and after its day, it may be meant


def test_a_generic_word_another_actor_owns_is_not_the_plan(invoke, tmp_path, with_plan):
    """In the plan's first months "the proposal" is China's plan, but not "Kyiv's proposal"
    or "the Ukrainian plan"; and with a second plan, "China's plan" is China's, not the
    second plan's too (it was both)."""
    second = SECOND.replace(
        'phrases = ["two-point plan"]', 'phrases = ["two-point plan"]\ngeneric = ["plan"]'
    ).replace('author = "China"', 'author = "Ukraine"')
    with_plan(second)
    db = f"sqlite:///{tmp_path / 'owned.db'}"

    def plans(text: str, day: str) -> set[str]:
        invoke("--db", db, "ingest", "-q", "-", input=f"date {day}\n{text}\n")
        rows = invoke("--db", db, "position", "--target", "plan", "--format", "json").output
        return {row["plan"] for row in json.loads(rows) if row["sentence"] == text}

    assert plans("Hungary backed the proposal.", "2023-06-01") == {"china-2023"}
    assert plans("Hungary backed Kyiv's proposal.", "2023-06-01") == set()
    assert plans("Hungary backed the Ukrainian proposal.", "2023-06-02") == set()
    assert plans("Hungary backed China's proposal.", "2023-06-03") == {"china-2023"}
    assert plans("Belarus praised China's plan.", "2024-06-01") == {"china-2023"}
    assert plans("Poland backed Ukraine's plan.", "2024-06-02") == {"two-points"}


def test_a_renamed_point_stays_the_same_point(invoke, tmp_path, with_plan):
    """A point whose slug changed in its file is the same point renamed, with what was coded
    on it: not a new point beside a retired one, which left two targets with one number
    (the number named both, and review decisions on it were joined to each)."""
    own = with_plan()
    db = tmp_path / "both.db"
    text = "date 2024-06-01\nChina called for a peace conference.\n"
    invoke("--db", db, "ingest", "-", input=text)
    renamed = SECOND.replace('slug = "peace-conference"', 'slug = "talks"')
    (own / "plans" / "two-points.toml").write_text(renamed, encoding="utf-8")
    assert invoke("--db", db, "seed", "--no-articles").stderr.strip().splitlines() == [
        f"warning: {own / 'plans' / 'two-points.toml'}: point 2 'peace-conference' is now "
        "'talks': the same target, renamed"
    ]
    points = invoke("--db", db, "points", "--plan", "two-points", "--format", "csv").output
    assert [line.split(",")[:4] for line in points.splitlines()[1:]] == [
        ["two-points", "1", "point", "de-escalation"],
        ["two-points", "2", "point", "talks"],
        ["two-points", "plan", "plan", "plan"],
    ]
    by_number = invoke("--db", db, "links", "--plan", "two-points", "--target", "2").output
    assert "peace conference" in by_number  # kept, with no re-coding
    assert by_number == invoke("--db", db, "links", "--target", "talks").output
    result = invoke("--db", db, "links", "--target", "peace-conference", expect=1)
    assert result.output.startswith("Error: no target 'peace-conference'")


def test_review_decisions_move_with_a_renumbered_point(invoke, tmp_path, with_plan, empty_db_url):
    """Two points swap numbers after review: each confirmation or correction stays on its
    point. Decisions name points by number, so before, the correction of point 2 was shown
    on the point that took number 2 and the reviewed positions went back to `auto`."""
    from test_review import _sheet, _write

    own = with_plan()
    db = empty_db_url
    text = "Mr Wang Yi called for de-escalation and for a peace conference."
    invoke("--db", db, "ingest", "-", input=f"date 2024-06-01\n{text}\n")
    rows = {r["target"]: r for r in _sheet(invoke, db, tmp_path, "--plan", "two-points")}
    assert rows["1"]["actor"] == rows["2"]["actor"] == "Wang Yi"
    confirmed = dict(rows["1"], decision="confirm")
    corrected = dict(rows["2"], decision="correct", stance="oppose")
    invoke("--db", db, "review", "import", _write(tmp_path / "s.csv", [confirmed, corrected]))
    path = own / "plans" / "two-points.toml"
    swapped = SECOND.replace("number = 1", "number = 9").replace("number = 2", "number = 1")
    path.write_text(swapped.replace("number = 9", "number = 2"), encoding="utf-8")
    warnings = invoke("--db", db, "seed", "--no-articles").stderr
    assert (
        "point 'de-escalation' was number 1 and is now 2; 1 review decision on it moved" in warnings
    )

    def listed() -> set[tuple[str, str, str]]:
        out = invoke("--db", db, "position", "--plan", "two-points", "--format", "json").output
        return {(r["target"], r["stance"], r["status"]) for r in json.loads(out)}

    # de-escalation is 2 now, the peace conference 1
    assert listed() == {("2", "support", "confirmed"), ("1", "oppose", "corrected")}
    path.write_text(SECOND, encoding="utf-8")  # and back
    invoke("--db", db, "seed", "--no-articles")
    assert listed() == {("1", "support", "confirmed"), ("2", "oppose", "corrected")}


def test_a_renumber_onto_a_retired_point_s_decided_number_is_refused(invoke, tmp_path, with_plan):
    """Point 2 taken out and point 1 renumbered 2, while decisions name point 2 (the retired
    one's): decisions name points by number, so they would be read as the live point's (and
    where both have one on the same sentence and actor, their histories would merge). An
    error, and nothing is loaded."""
    from test_review import _sheet, _write

    own = with_plan()
    db = f"sqlite:///{tmp_path / 'two.db'}"
    text = "Mr Wang Yi called for de-escalation and for a peace conference."
    invoke("--db", db, "ingest", "-", input=f"date 2024-06-01\n{text}\n")
    rows = [
        dict(r, decision="confirm") for r in _sheet(invoke, db, tmp_path, "--plan", "two-points")
    ]
    invoke("--db", db, "review", "import", _write(tmp_path / "s.csv", rows))
    before = invoke("--db", db, "points", "--format", "csv").output
    path = own / "plans" / "two-points.toml"
    only = SECOND.split("[[points]]\nnumber = 2")[0].replace("number = 1", "number = 2")
    path.write_text(only, encoding="utf-8")
    result = invoke("--db", db, "seed", "--no-articles", expect=1)
    assert result.output.strip() == (
        f"Error: {path}: point 'de-escalation' would take number 2, which 'peace-conference', "
        "taken out of the file, still has, and review decisions name point 2: they could not "
        "be told apart; give it another number; nothing was loaded"
    )
    assert invoke("--db", db, "points", "--format", "csv").output == before


def test_a_decision_on_a_number_a_retired_point_shares_is_listed_once(
    invoke, tmp_path, with_plan, empty_db_url
):
    """Point 1 taken out, then point 2 renumbered 1 after review: its confirmation named
    number 1, which the retired point still has, and the position was listed twice, once
    as `corrected` onto the retired point (migration 0010)."""
    from test_review import _sheet, _write

    own = with_plan()
    db = empty_db_url
    text = "Mr Wang Yi called for de-escalation and for a peace conference."
    invoke("--db", db, "ingest", "-", input=f"date 2024-06-01\n{text}\n")
    rows = {r["target"]: r for r in _sheet(invoke, db, tmp_path, "--plan", "two-points")}
    sheet = _write(tmp_path / "c.csv", [dict(rows["2"], decision="confirm")])
    invoke("--db", db, "review", "import", sheet)
    path = own / "plans" / "two-points.toml"
    second_only = SECOND.split("[[points]]\n")
    path.write_text(second_only[0] + "[[points]]\n" + second_only[2], encoding="utf-8")
    invoke("--db", db, "seed", "--no-articles")  # point 1 retired
    path.write_text(path.read_text("utf-8").replace("number = 2", "number = 1"), "utf-8")
    invoke("--db", db, "seed", "--no-articles")  # the peace conference is point 1 now
    out = invoke("--db", db, "position", "--plan", "two-points", "--format", "json").output
    listed = sorted((r["target"], r["target_retired"], r["status"]) for r in json.loads(out))
    assert listed == [("1", 0, "confirmed"), ("1", 1, "auto")]


def test_a_renumbered_point_is_named_and_a_slug_of_another_kind_refused(
    invoke, tmp_path, with_plan
):
    own = with_plan()
    db = tmp_path / "both.db"
    invoke("--db", db, "seed", "--no-articles")
    path = own / "plans" / "two-points.toml"
    swapped = SECOND.replace("number = 1", "number = 9").replace("number = 2", "number = 1")
    path.write_text(swapped.replace("number = 9", "number = 2"), encoding="utf-8")
    warnings = invoke("--db", db, "seed", "--no-articles").stderr
    assert f"warning: {path}: point 'de-escalation' was number 1 and is now 2: " in warnings
    assert "so what they name point 1 now names another point" in warnings
    issue = '\n[[issues]]\nslug = "talks"\ntitle = "Talks"\nphrases = ["talks"]\n'
    path.write_text(SECOND + issue, encoding="utf-8")
    invoke("--db", db, "seed", "--no-articles")
    before = invoke("--db", db, "points", "--format", "csv").output
    path.write_text(SECOND.replace('slug = "peace-conference"', 'slug = "talks"'), "utf-8")
    result = invoke("--db", db, "seed", "--no-articles", expect=1)
    assert result.output.strip() == (
        f"Error: {path}: point 2 has the slug 'talks' of a stored issue target; give it "
        "another slug"
    )
    assert invoke("--db", db, "points", "--format", "csv").output == before


def test_a_plan_whose_file_is_gone_is_retired(invoke, tmp_path, with_plan):
    own = with_plan()
    db = tmp_path / "both.db"
    invoke("--db", db, "seed", "--no-articles")
    (own / "plans" / "two-points.toml").unlink()
    assert invoke("--db", db, "seed", "--no-articles").stderr.strip().splitlines() == [
        f"warning: {own / 'plans'}: no file has plan 'two-points' any more: its targets are "
        "retired, so they are not coded from now on; the links and positions already coded "
        "on them stay until their articles are coded again (tracker recode --stale)"
    ]
    points = invoke("--db", db, "points", "--format", "json").output
    assert {(r["plan"], r["retired"]) for r in json.loads(points)} == {
        ("china-2023", False),
        ("two-points", True),
    }
    assert "no problems found" in invoke("--db", db, "db", "check").output
    nothing = SECOND.split("[[points]]")[0]
    (own / "plans" / "two-points.toml").write_text(nothing, encoding="utf-8")
    result = invoke("--db", db, "seed", "--no-articles", expect=1)
    assert result.output.strip() == (
        f"Error: {own / 'plans' / 'two-points.toml'}: the plan has no [[points]]"
    )
    for path in (own / "plans").glob("*.toml"):
        path.unlink()
    result = invoke("--db", db, "seed", "--no-articles", expect=1)
    assert result.output.strip() == f"Error: no plans in {own / 'plans'}; nothing was loaded"


def test_an_undated_article_does_not_give_a_generic_mention_to_every_plan(
    invoke, tmp_path, with_plan
):
    """ "China's peace initiative" in an article with no date could be either plan by
    China: it names neither (it named both); a word only one plan has still names it,
    and so does its own name beside a word both have ("China's 12-point peace plan"). A
    plan's ``not_this_plan`` list keeps its own words off another plan's name, never that
    plan's own name off it ("six-point consensus" is in china-2023's list)."""
    second = SECOND.replace(
        'phrases = ["two-point plan"]',
        'phrases = ["two-point plan", "six-point consensus"]\n'
        'generic = ["peace initiative", "initiative", "peace plan", "plan"]',
    )
    with_plan(second)
    db = f"sqlite:///{tmp_path / 'two.db'}"

    def plans(text: str, header: str = "") -> set[str]:
        invoke("--db", db, "ingest", "-", input=f"{header}{text}\n")
        rows = invoke("--db", db, "position", "--target", "plan", "--format", "json").output
        return {row["plan"] for row in json.loads(rows) if row["sentence"] == text}

    assert plans("Mr Lukashenko praised China's peace initiative.") == set()
    assert plans("Mr Lukashenko praised the two-point plan.") == {"two-points"}
    assert plans("Mr Lukashenko praised China's 12-point peace plan.") == {"china-2023"}
    # another plan's own name is never this plan's generic word, dated or not
    assert plans("Mr Lukashenko praised the two-point plan again.", "date 2023-03-01\n") == {
        "two-points"
    }
    assert plans("Mr Lukashenko praised the 12-point plan.", "date 2024-06-01\n") == {"china-2023"}
    assert plans("Mr Lukashenko praised the six-point consensus.") == {"two-points"}


def test_db_check_counts_targets_the_plan_files_no_longer_match(invoke, tmp_path, with_plan):
    """A plan file edited without `tracker seed`, or a store taken down past 0006 and up
    again (which forgets which points are retired): `db check` counts the targets the store
    and the files disagree on, as a hint, and `tracker seed` brings it to 0."""
    own = with_plan()
    db = tmp_path / "both.db"
    invoke("--db", db, "seed", "--no-articles")

    def disagree() -> str:
        lines = invoke("--db", db, "db", "check").output.splitlines()
        return next(line for line in lines if line.startswith("targets the store and the plan"))

    assert disagree().endswith(": 0")
    path = own / "plans" / "two-points.toml"
    path.write_text(SECOND.split("[[points]]\nnumber = 2")[0], encoding="utf-8")
    assert disagree().endswith(": 1  (tracker seed loads the plan files)")
    invoke("--db", db, "seed", "--no-articles")
    assert disagree().endswith(": 0")
    invoke("--db", db, "db", "downgrade", "0005", "--yes")
    invoke("--db", db, "db", "upgrade")
    assert disagree().endswith(": 1  (tracker seed loads the plan files)")
    path.write_text("slug = ", encoding="utf-8")
    assert disagree().startswith("targets the store and the plan files disagree on: unknown: ")
    assert "no problems found" in invoke("--db", db, "db", "check").output


def test_gold_on_a_retired_point_is_named_as_such(invoke, tmp_path, own_seeds):
    """Scoring a store whose point 12 is retired against gold that codes point 12: one
    error line that says the point is retired (it asked whether the gold was coded for
    another plan)."""
    db = tmp_path / "retired.db"
    invoke("--db", db, "seed", "--no-articles")
    path = own_seeds / "plans" / "china-2023.toml"
    text = path.read_text(encoding="utf-8")
    start = text.index("[[points]]\nnumber = 12")
    end = text.find("[[", start + 10)
    path.write_text(text[:start] + (text[end:] if end != -1 else ""), encoding="utf-8")
    assert (
        "point 12 'reconstruction' is no longer in the file"
        in invoke("--db", db, "seed", "--no-articles").stderr
    )
    gold = Path(__file__).parent / "data" / "dev"
    result = invoke("--db", db, "evaluate", gold, "--use-db", expect=1)
    assert result.output.strip() == (
        "Error: the gold codes targets of plan 'china-2023' that are retired (12: taken out "
        "of its plan file, so no longer coded); put them back in the file and run `tracker "
        "seed`, or score gold that does not code them"
    )


def _two_plans_with_wang_yi(invoke, tmp_path: Path, with_plan) -> tuple[Path, str]:
    """The two-points plan beside the shipped one, and a store holding one sentence of Wang
    Yi's on both of its points: the seeds folder and the store's URL."""
    own = with_plan()
    db = f"sqlite:///{tmp_path / 'two.db'}"
    text = "Mr Wang Yi called for de-escalation and for a peace conference."
    invoke("--db", db, "ingest", "-", input=f"date 2024-06-01\n{text}\n")
    return own, db


def _retire_point_2(invoke, own: Path, db: str) -> None:
    """Point 2 of two-points taken out of its file, and the store seeded again."""
    path = own / "plans" / "two-points.toml"
    path.write_text(SECOND.split("[[points]]\nnumber = 2")[0], encoding="utf-8")
    invoke("--db", db, "seed", "--no-articles")


def test_no_position_is_added_on_a_retired_point(invoke, tmp_path, with_plan):
    """A review sheet may confirm or reject what was coded on a retired point, but not add a
    position on it or correct one onto it: the plan no longer has that point (both were
    accepted)."""
    from test_review import _sheet, _write

    own, db = _two_plans_with_wang_yi(invoke, tmp_path, with_plan)
    _retire_point_2(invoke, own, db)
    rows = {(r["plan"], r["target"]): r for r in _sheet(invoke, db, tmp_path)}
    on_retired, on_live = rows["two-points", "2"], rows["two-points", "1"]
    added = dict(on_live, decision="add", key="", target="2")
    moved = dict(on_live, decision="correct", target="2")
    sheet = _write(tmp_path / "bad.csv", [dict(on_retired, decision="confirm"), added, moved])
    result = invoke("--db", db, "review", "import", sheet, expect=1)
    retired = (
        "target '2' of plan 'two-points' is retired (taken out of its plan file); put it "
        "back in the file and run `tracker seed` to add positions on it"
    )
    assert result.output.count(retired) == 2, result.output
    sheet = _write(tmp_path / "good.csv", [dict(on_retired, decision="confirm")])
    assert "applied 1 confirm" in invoke("--db", db, "review", "import", sheet).output


def test_a_sheet_applied_before_its_point_was_retired_is_unchanged_again(
    invoke, tmp_path, with_plan
):
    """Importing the same sheet again changes nothing, also once the point it added a
    position on (or corrected one onto) is retired: it was a bad row saying to put the
    point back "to add positions on it", while the position was in force."""
    from test_review import _sheet, _write

    own, db = _two_plans_with_wang_yi(invoke, tmp_path, with_plan)
    rows = {(r["plan"], r["target"]): r for r in _sheet(invoke, db, tmp_path)}
    on_one = rows["two-points", "1"]
    added = dict(on_one, decision="add", key="", actor="Zelensky", target="2", stance="oppose")
    moved = dict(
        rows["china-2023", "3"], decision="correct", actor="Putin", plan="two-points", target="2"
    )
    sheet = _write(tmp_path / "sheet.csv", [added, moved])
    assert "1 correct, 1 add" in invoke("--db", db, "review", "import", sheet).output
    before = invoke("--db", db, "position", "--format", "jsonl").output
    _retire_point_2(invoke, own, db)
    result = invoke("--db", db, "review", "import", sheet)
    assert "applied 0 confirm, 0 reject, 0 correct, 0 add; 2 unchanged; 0 bad" in result.output
    after = invoke("--db", db, "position", "--format", "jsonl").output
    assert after.replace('"target_retired": 1', '"target_retired": 0') == before
    stance = dict(added, stance="mixed")  # a new decision on it is still refused
    result = invoke(
        "--db", db, "review", "import", _write(tmp_path / "new.csv", [stance]), expect=1
    )
    assert "target '2' of plan 'two-points' is retired" in result.output


def test_a_sheet_s_target_that_two_plans_have_is_named_as_plan_slash_target(
    invoke, tmp_path, with_plan
):
    """An add row whose plan cell is blank, on a point number both plans have: the error
    said "--target 1 is a point of 2 plans …; add --plan SLUG", an option a sheet has not.
    It says to write PLAN/TARGET, which the target cell now takes (as the prompt does)."""
    from test_review import _sheet, _write

    with_plan()
    db = f"sqlite:///{tmp_path / 'two.db'}"
    text = "Mr Wang Yi called for de-escalation and for a peace conference."
    invoke("--db", db, "ingest", "-", input=f"date 2024-06-01\n{text}\n")
    row = next(r for r in _sheet(invoke, db, tmp_path) if r["target"] == "1")
    add = dict(row, decision="add", key="", plan="", actor="Sergei Lavrov")
    sheet = _write(tmp_path / "add.csv", [add])
    result = invoke("--db", db, "review", "import", sheet, expect=1)
    assert result.output.splitlines()[0] == (
        f"error: {sheet}:2: target 1 is a point of 2 plans (china-2023: sovereignty, "
        "two-points: de-escalation); type it as PLAN/TARGET"
    )
    sheet = _write(tmp_path / "add.csv", [dict(add, target="two-points/1")])
    assert "applied 0 confirm, 0 reject, 0 correct, 1 add" in (
        invoke("--db", db, "review", "import", sheet).output
    )
    listed = invoke("--db", db, "position", "--actor", "Lavrov", "--format", "json")
    shown = json.loads(listed.output)
    assert [(r["plan"], r["target"], r["status"]) for r in shown] == [("two-points", "1", "manual")]


@pytest.mark.parametrize("name", ["._two-points.toml", ".old.toml"])
def test_a_plan_file_whose_name_starts_with_a_dot_is_passed_over(invoke, tmp_path, with_plan, name):
    """macOS writes `._two-points.toml` (not UTF-8) beside a file copied to some disks, and
    an editor leaves `.old.toml`: each was read as a plan (an error, or a slug given twice),
    where a shell's `*` passes them over, as ingest does in an article folder."""
    from tracker.provenance import seed_file_hashes

    own = with_plan()
    hashes = seed_file_hashes(own)
    hidden = own / "plans" / name
    hidden.write_bytes(b"\x00\x05\x16\x07Mac OS X \xff" if name[1] == "_" else SECOND.encode())
    db = tmp_path / "x.db"
    assert "plans china-2023, two-points" in invoke("--db", db, "seed", "--no-articles").output
    assert "no problems found" in invoke("--db", db, "db", "check").output
    assert seed_file_hashes(own) == hashes  # the record of what was seeded leaves it out


def test_generic_words_need_the_plan_s_published_date(invoke, tmp_path, with_plan):
    """Generic words name a plan only in the months after it was published (the lexicon's
    generic_plan_days): a plan with generic words and no `published` date was named by
    "the plan" forever. A plan with no generic words needs no date."""
    undated = SECOND.replace("published = 2024-05-23\n", "")
    generic = 'phrases = ["two-point plan"]\ngeneric = ["plan", "proposal"]'
    line = _plan_error(
        invoke, tmp_path, with_plan, undated.replace('phrases = ["two-point plan"]', generic)
    )
    assert line.endswith(
        "two-points.toml: key 'generic' in [plan_target] needs the plan's 'published' date: "
        "generic words name the plan only in the first months after it (the lexicon's "
        "generic_plan_days)"
    )
    with_plan(undated)
    invoke("--db", tmp_path / "undated.db", "seed", "--no-articles")


@pytest.mark.parametrize(
    "new",
    [
        'slug = "Two points"',
        'slug = "два-пункта"',
        'slug = "Peace-conference"',
        'slug = "peace conference"',
        'slug = "-peace"',
        'slug = "peace_conference"',
    ],
)
def test_a_slug_is_lower_case_ascii_letters_digits_and_hyphens(invoke, tmp_path, with_plan, new):
    """Slugs are typed (`--plan`, `--target`), and name targets in exports and gold files:
    "Peace-conference" was a second target beside "peace-conference" in another store, and
    "peace conference" or another script had to be quoted on every command line."""
    slug = new.split('"')[1]
    old, where = 'slug = "two-points"', f"({slug!r})"  # the plan's own slug
    if slug[0] in "P-p":  # the slug of point 2
        old, where = 'slug = "peace-conference"', f"in [[points]] #2 ({slug!r})"
    line = _plan_error(invoke, tmp_path, with_plan, SECOND.replace(old, new, 1))
    assert line.endswith(
        f"two-points.toml: key 'slug' {where} must be lower-case ASCII letters, digits and "
        "hyphens, not starting with a hyphen (like 'troop-withdrawal')"
    )


def test_interactive_review_target_of_two_plans(invoke, tmp_path, with_plan):
    """At the interactive review's target prompt (after +), a point number two plans have
    was an error telling the reviewer to "add --plan SLUG", an option that prompt has no
    place for: the error says to type PLAN/TARGET, and that is taken."""
    with_plan()
    db = f"sqlite:///{tmp_path / 'two.db'}"
    invoke("--db", db, "ingest", "-", input="date 2023-03-01\nZelensky supports a ceasefire.\n")
    keys = "+Kuleba\n1\n" + "+Kuleba\nchina-2023/1\ns" + "q"
    result = invoke("--db", db, "review", "--interactive", "--reviewer", "ana", input=keys)
    errors = [
        line[line.index("not saved") :]
        for line in result.output.splitlines()
        if "not saved" in line
    ]
    assert errors == [
        "not saved: target 1 is a point of 2 plans (china-2023: sovereignty, "
        "two-points: de-escalation); type it as PLAN/TARGET"
    ], result.output
    assert "saved: add Dmytro Kuleba support china-2023/1 (" in result.output
    assert "1 decisions saved" in result.output
    shown = json.loads(invoke("--db", db, "position", "--format", "json").output)
    added = [row for row in shown if row["status"] == "manual"]
    assert [(r["actor"], r["plan"], r["target"], r["stance"]) for r in added] == [
        ("Dmytro Kuleba", "china-2023", "1", "support")
    ]


def test_interactive_review_with_plan_takes_a_bare_target_as_that_plan_s(
    invoke, tmp_path, with_plan
):
    """In `review --plan two-points`, a number only china-2023 has live (two-points' point
    2 retired) was added on china-2023's point in silence: a bare target is the session's
    plan's, so the retired point is refused, and what is saved names its plan."""
    own, db = _two_plans_with_wang_yi(invoke, tmp_path, with_plan)
    _retire_point_2(invoke, own, db)
    keys = "+Kuleba\n2\n" + "+Kuleba\n1\no" + "q"
    args = ("review", "--interactive", "--reviewer", "ana", "--plan", "two-points")
    result = invoke("--db", db, *args, input=keys)
    assert "not saved: target '2' of plan 'two-points' is retired" in result.output
    assert "saved: add Dmytro Kuleba oppose two-points/1 (" in result.output
    shown = json.loads(invoke("--db", db, "position", "--format", "json").output)
    added = [row for row in shown if row["status"] == "manual"]
    assert [(r["actor"], r["plan"], r["target"], r["stance"]) for r in added] == [
        ("Dmytro Kuleba", "two-points", "1", "oppose")
    ]
