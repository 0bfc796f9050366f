"""Review sheets (export, import with line-numbered errors, all or nothing), the coder's
precision on reviewed positions, and reviewed articles as gold that evaluate and train read."""

from __future__ import annotations

import csv
import json

import pytest
from test_review import _ingest, _jsonl, _positions, _sheet, _sql, _write

from tracker.errors import TrackerError
from tracker.review_io import read_sheet


def _count(url: str) -> int:
    return _sql(url, "SELECT COUNT(*) FROM review_decisions")[0][0]


def test_a_sheet_with_bad_rows_changes_nothing_and_names_each_line(invoke, db_url, tmp_path):
    _ingest(invoke, db_url, tmp_path)
    rows = _sheet(invoke, db_url, tmp_path)
    good = dict(rows[0], decision="confirm")
    bad = [
        dict(rows[1], decision="correct", actor="Nobody At All"),
        dict(rows[2], decision="correct", target="99"),
        dict(rows[3], decision="correct", stance="neutral"),
        dict(rows[4], decision="maybe"),
        dict(rows[5], decision="add", key=""),  # good: the coder's own position, added
        dict(rows[5], decision="add", key="", sentence="Not a sentence of the store."),
        dict(rows[6], decision="reject", key="0123456789abcdef"),
        dict(rows[7], decision="add"),
        dict(
            rows[8],
            decision="confirm",
            stance="mixed" if rows[8]["stance"] != "mixed" else "oppose",
        ),
        dict(rows[0], decision="reject"),
    ]
    sheet = _write(tmp_path / "bad.csv", [good, *bad])
    result = invoke("--db", db_url, "review", "import", sheet, expect=1)
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert [e.split(":")[2] for e in errors] == ["3", "4", "5", "6", "8", "9", "10", "11", "12"]
    assert "no actor matches 'Nobody At All'" in errors[0]
    assert "no target '99'" in errors[1]
    assert "stance must be one of support, oppose, mixed, not 'neutral'" in errors[2]
    assert "unknown decision 'maybe'" in errors[3]
    assert "the sentence is not in the store" in errors[4]
    assert "no position with key '0123456789abcdef'" in errors[5]
    assert "an add row must have an empty key" in errors[6]
    assert "write 'correct'" in errors[7]
    assert "line 2 already decides this position" in errors[8]
    assert "nothing changed: 9 bad rows" in result.output
    assert _count(db_url) == 0  # the good rows were not applied either

    dry = invoke("--db", db_url, "review", "import", sheet, "--dry-run", expect=1)
    assert "dry run, nothing changed: would apply 1 confirm, 0 reject, 0 correct, 1 add" in (
        dry.output
    )
    assert _count(db_url) == 0
    skipped = invoke("--db", db_url, "review", "import", sheet, "--skip-bad", expect=1)
    assert "applied 1 confirm, 0 reject, 0 correct, 1 add; 0 unchanged; 9 bad" in skipped.output
    assert _count(db_url) == 2


def test_half_a_character_in_a_json_lines_sheet_is_a_bad_row(invoke, db_url, tmp_path):
    """JSON can escape half of a character ("\\ud83d" alone), which no database stores: it
    was a UnicodeEncodeError's traceback, from the very handler meant to report bad text."""
    _ingest(invoke, db_url, tmp_path)
    rows = _sheet(invoke, db_url, tmp_path)
    path = tmp_path / "half.jsonl"
    lines = [
        json.dumps({"key": rows[0]["key"], "decision": "confirm"}),
        json.dumps({"key": rows[1]["key"], "decision": "confirm", "note": "\ud83d"}),
        json.dumps({"key": "\ud83d", "decision": "confirm"}),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = invoke("--db", db_url, "review", "import", path, expect=1)
    assert [line for line in result.output.splitlines() if line.startswith("error:")] == [
        f"error: {path}:{n}: half a character: a lone \\ud800-\\udfff escape" for n in (2, 3)
    ]
    assert _count(db_url) == 0


def test_export_does_not_overwrite_a_sheet_being_filled_in(invoke, db_url, tmp_path):
    """A filled-in sheet was overwritten without a word by the next export to its name."""
    _ingest(invoke, db_url, tmp_path)
    rows = _sheet(invoke, db_url, tmp_path)
    path = _write(tmp_path / "mine.csv", [dict(rows[0], decision="confirm"), *rows[1:]])
    before = path.read_bytes()
    result = invoke("--db", db_url, "review", "export", path, expect=1)
    assert result.output == (
        f"Error: {path} holds 1 filled-in decision (import it first?): not overwritten "
        "(--force overwrites it)\n"
    )
    assert path.read_bytes() == before
    other = tmp_path / "notes.csv"
    other.write_text("my own notes\n", encoding="utf-8")
    assert (
        "exists and is no review sheet"
        in invoke("--db", db_url, "review", "export", other, expect=1).output
    )
    invoke("--db", db_url, "review", "import", path)
    invoke("--db", db_url, "review", "export", path, "--force")
    with path.open(encoding="utf-8", newline="") as handle:
        assert not any(r["decision"] for r in csv.DictReader(handle))


def test_a_sheet_exported_before_its_article_was_re_dated_still_applies(invoke, db_url, tmp_path):
    """A key covers the article's date; a sheet exported before ``articles set-date``
    holds the old keys, and its decisions land on the same positions now."""
    _ingest(invoke, db_url, tmp_path)
    rows = _sheet(invoke, db_url, tmp_path)
    article_id = _sql(db_url, "SELECT id FROM articles")[0][0]
    invoke("--db", db_url, "articles", "set-date", article_id, "2023-03-09")
    now = {
        (r["sentence"], r["actor"], r["target"]): r["key"] for r in _sheet(invoke, db_url, tmp_path)
    }
    assert not set(now.values()) & {r["key"] for r in rows}  # every key moved
    other = "oppose" if rows[2]["stance"] != "oppose" else "support"
    decided = [
        dict(rows[0], decision="confirm"),
        dict(rows[1], decision="reject"),
        dict(rows[2], decision="correct", stance=other),
    ]
    sheet = _write(tmp_path / "before.csv", decided)
    result = invoke("--db", db_url, "review", "import", sheet)
    assert "applied 1 confirm, 1 reject, 1 correct, 0 add" in result.output
    stored = _sql(db_url, "SELECT position_key, decision FROM review_decisions ORDER BY id")
    expected = [now[r["sentence"], r["actor"], r["target"]] for r in decided]
    assert stored == list(zip(expected, ["confirm", "reject", "correct"], strict=True))
    # the same sheet again: each row is the decision in force, nothing new
    again = invoke("--db", db_url, "review", "import", sheet)
    assert "3 unchanged" in again.output
    # a date the article never had gives no such key, as before
    wrong = _write(tmp_path / "wrong.csv", [dict(rows[3], decision="confirm", date="2020-01-01")])
    result = invoke("--db", db_url, "review", "import", wrong, expect=1)
    assert f"no position with key {rows[3]['key']!r}" in result.output


def test_a_nul_character_in_a_sheet_is_a_bad_row_on_every_backend(invoke, db_url, tmp_path):
    """SQLite stored a NUL in a note and PostgreSQL refused the whole sheet as a database
    error; now it is a bad row naming its line and column on both, and nothing changes."""
    _ingest(invoke, db_url, tmp_path)
    rows = _sheet(invoke, db_url, tmp_path)
    good = dict(rows[0], decision="confirm")
    nul = dict(rows[1], decision="reject", note="see\x00below")
    csv_sheet = _write(tmp_path / "nul.csv", [good, nul])
    jsonl_sheet = tmp_path / "nul.jsonl"
    jsonl_sheet.write_text("".join(json.dumps(r) + "\n" for r in (good, nul)), encoding="utf-8")
    for sheet, number in ((csv_sheet, 3), (jsonl_sheet, 2)):  # a CSV sheet has a header line
        result = invoke("--db", db_url, "review", "import", sheet, expect=1)
        errors = [line for line in result.output.splitlines() if line.startswith("error:")]
        assert errors == [f"error: {sheet}:{number}: column 'note' holds a NUL character (\\u0000)"]
        assert _count(db_url) == 0


def test_undated_positions_come_first_on_every_backend(invoke, db_url, tmp_path):
    """SQLite sorts NULL first by itself and PostgreSQL last: the same store gave the
    listing and the sheets in two orders."""
    for name, head in (
        ("late.txt", "date 2024-05-01\n"),
        ("none.txt", ""),
        ("early.txt", "date 2023-03-01\n"),
    ):
        (tmp_path / name).write_text(head + "China called for a ceasefire.\n", encoding="utf-8")
        invoke("--db", db_url, "ingest", tmp_path / name)
    listed = json.loads(invoke("--db", db_url, "position", "--format", "json").output)
    assert [r["date"] for r in listed] == [None, "2023-03-01", "2024-05-01"]
    sheet = tmp_path / "sheet.jsonl"
    invoke("--db", db_url, "review", "export", sheet)
    sheet_dates = [r["date"] for r in _jsonl(sheet.read_text(encoding="utf-8"))]
    assert sheet_dates == [None, "2023-03-01", "2024-05-01"]


def test_sheet_round_trip_in_json_lines_and_a_conflict_since_export(invoke, db_url, tmp_path):
    _ingest(invoke, db_url, tmp_path)
    path = tmp_path / "sheet.jsonl"
    output = invoke("--db", db_url, "review", "export", path).output
    rows = _jsonl(path.read_text(encoding="utf-8"))
    assert len(rows) > 1 and f"wrote {len(rows)} positions" in output  # the rows it wrote
    assert {"key", "source", "date", "sentence", "actor", "target", "stance", "score"} <= set(
        rows[0]
    )
    assert rows[0]["decision"] == "" and rows[0]["note"] == "" and rows[0]["revision"] == 0
    rows[0]["decision"] = "reject"
    rows[1]["decision"], rows[1]["actor"] = "correct", "Zelenskyy"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    other = tmp_path / "other.jsonl"
    other.write_text(json.dumps(dict(rows[0], decision="confirm")) + "\n", encoding="utf-8")
    invoke("--db", db_url, "review", "import", other, "--reviewer", "bob")
    result = invoke("--db", db_url, "review", "import", path, "--reviewer", "ana", expect=1)
    assert f"{path}:1: position {rows[0]['key']} was decided by bob at " in result.output
    assert _count(db_url) == 1
    invoke("--db", db_url, "review", "import", path, "--reviewer", "ana", "--skip-bad", expect=1)
    shown = {r["key"]: r for r in _positions(invoke, db_url)}
    assert shown[rows[0]["key"]]["status"] == "confirmed"  # bob's decision stands
    assert shown[rows[1]["key"]]["actor"] == "Volodymyr Zelensky"
    assert shown[rows[1]["key"]]["status"] == "corrected"


def test_unreviewed_and_filters_narrow_the_export(invoke, db_url, tmp_path):
    _ingest(invoke, db_url, tmp_path)
    rows = _sheet(invoke, db_url, tmp_path, "--actor", "Xi Jinping")
    assert rows and {r["actor"] for r in rows} == {"Xi Jinping"}
    sheet = _write(tmp_path / "one.csv", [dict(rows[0], decision="confirm")])
    invoke("--db", db_url, "review", "import", sheet)
    left = _sheet(invoke, db_url, tmp_path, "--actor", "Xi Jinping", "--unreviewed")
    assert len(left) == len(rows) - 1
    everything = _sheet(invoke, db_url, tmp_path, "--actor", "Xi Jinping")
    assert {r["status"] for r in everything} == {"auto", "confirmed"}
    assert next(r for r in everything if r["status"] == "confirmed")["revision"] == "1"


def test_unreadable_sheets_are_one_error_line(invoke, db_url, tmp_path):
    _ingest(invoke, db_url, tmp_path)
    cases = {
        "sheet.xlsx": (b"", "a review sheet is a .csv or a .jsonl file"),
        "latin.csv": ("key,decision\nx,r\u00e9ject\n".encode("latin-1"), "not UTF-8"),
        "nokey.csv": (b"source,decision\n", "no column 'key'"),
        "empty.csv": (b"", "empty sheet"),
    }
    for name, (data, message) in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        result = invoke("--db", db_url, "review", "import", path, expect=1)
        assert result.output.startswith("Error: ") and message in result.output
        assert len(result.output.splitlines()) == 1
    result = invoke("--db", db_url, "review", "import", tmp_path / "missing.csv", expect=1)
    assert "cannot read" in result.output
    result = invoke("--db", db_url, "review", "export", tmp_path / "x.txt", expect=1)
    assert (
        result.output == f"Error: {tmp_path / 'x.txt'}: a review sheet is a .csv or a .jsonl file\n"
    )


def test_csv_lines_count_cells_that_span_lines_and_formula_quotes_come_off(tmp_path):
    path = tmp_path / "s.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["key", "sentence", "decision"])
        writer.writerow(["a", "two\nlines", "confirm"])
        writer.writerow(["b", "'=SUM(A1)", "reject"])
        writer.writerow(["", "", ""])
        writer.writerow(["c", "'plain", "reject"])
    rows = list(read_sheet(path))
    assert [(n, r["key"]) for n, r in rows] == [(2, "a"), (4, "b"), (6, "c")]
    assert rows[1][1]["sentence"] == "=SUM(A1)" and rows[2][1]["sentence"] == "'plain"
    with pytest.raises(TrackerError):
        list(read_sheet(tmp_path / "s.ods"))


def test_stats_give_precision_overall_per_target_and_actor(invoke, db_url, tmp_path):
    _ingest(invoke, db_url, tmp_path)
    rows = _sheet(invoke, db_url, tmp_path)
    rows[0]["decision"] = "confirm"
    rows[1]["decision"] = "confirm"
    rows[2]["decision"] = "reject"
    rows[3]["decision"], rows[3]["stance"] = (
        "correct",
        "mixed" if rows[3]["stance"] != "mixed" else "oppose",
    )
    invoke("--db", db_url, "review", "import", _write(tmp_path / "d.csv", rows[:4]))
    stats = _jsonl(invoke("--db", db_url, "review", "stats").output)
    overall = stats[0]
    assert (overall["scope"], overall["reviewed"], overall["kept"]) == ("overall", 4, 2)
    assert (overall["rejected"], overall["corrected"], overall["precision"]) == (1, 1, 0.5)
    per_actor = {r["name"]: r for r in stats if r["scope"] == "actor"}
    assert sum(r["reviewed"] for r in per_actor.values()) == 4
    assert per_actor[rows[2]["actor"]]["rejected"] >= 1
    per_target = [r for r in stats if r["scope"] == "target"]
    assert sum(r["reviewed"] for r in per_target) == 4
    table = invoke("--db", db_url, "review", "stats", "--format", "table").output
    assert "added by hand (not found by the coder): 0" in table


def test_export_gold_is_read_by_evaluate_and_train(invoke, db_url, tmp_path):
    """Every position of the article reviewed, then written as gold: evaluate scores the
    coder against it with the precision the review measured, and train learns from it."""
    _ingest(invoke, db_url, tmp_path)
    rows = _sheet(invoke, db_url, tmp_path)
    for row in rows:
        row["decision"] = "confirm"
    rows[0]["decision"] = "reject"
    rows[1]["decision"] = "reject"
    sheet = _write(tmp_path / "all.csv", rows)
    invoke("--db", db_url, "review", "import", sheet)
    gold = tmp_path / "gold"
    result = invoke("--db", db_url, "review", "export-gold", gold)
    assert "wrote 1 articles" in result.output and "0 articles only partly" in result.output
    names = sorted(p.name for p in gold.iterdir())
    assert names[1:] == ["actors.json", "gold.jsonl"] and names[0].endswith(".txt")
    assert names[0].startswith("2023-03-02-")
    records = _jsonl((gold / "gold.jsonl").read_text(encoding="utf-8"))
    assert sum(len(r["positions"]) for r in records) == len(rows) - 2
    actors = json.loads((gold / "actors.json").read_text(encoding="utf-8"))
    assert "Xi Jinping" in actors and "Mr Xi" in actors["Xi Jinping"]["aliases"]

    stats = _jsonl(invoke("--db", db_url, "review", "stats").output)[0]
    scored = json.loads(invoke("evaluate", gold, "--format", "json").output)
    positions = next(r for r in scored if r["measure"] == "positions" and r["target"] == "all")
    assert positions["precision"] == pytest.approx(stats["precision"], abs=0.001)
    assert positions["recall"] == 1.0
    model = tmp_path / "model.json"
    assert "trained on 1 articles" in invoke("train", gold, "--out", model).output
    assert json.loads(model.read_text(encoding="utf-8"))


def test_export_gold_leaves_out_articles_partly_reviewed(invoke, db_url, tmp_path):
    _ingest(invoke, db_url, tmp_path)
    rows = _sheet(invoke, db_url, tmp_path)
    invoke(
        "--db",
        db_url,
        "review",
        "import",
        _write(tmp_path / "one.csv", [dict(rows[0], decision="confirm")]),
    )
    result = invoke("--db", db_url, "review", "export-gold", tmp_path / "g")
    assert result.output == (
        f"wrote nothing to {tmp_path / 'g'}: no article of plan china-2023 is fully reviewed "
        "(1 only partly reviewed; `tracker review --article ID` finishes one)\n"
    )
    # no empty gold.jsonl and actors.json: they made the folder "not empty", so the next
    # export needed --force, and evaluate refused the folder
    assert not (tmp_path / "g").exists()
    rest = [dict(r, decision="confirm") for r in rows[1:] if r["source"] == rows[0]["source"]]
    invoke("--db", db_url, "review", "import", _write(tmp_path / "rest.csv", rest))
    result = invoke("--db", db_url, "review", "export-gold", tmp_path / "g")
    assert result.output.startswith("wrote 1 articles (")
    result = invoke(
        "--db", db_url, "review", "export-gold", tmp_path / "g", "--plan", "x", expect=1
    )
    assert result.output.startswith("Error: no plan 'x'")


def test_export_gold_never_writes_over_a_folder_that_holds_something(invoke, db_url, tmp_path):
    """A hand-coded corpus's gold.jsonl (277 lines) became the 11 of an export, silently;
    a blank DIR (an unset variable) wrote into the current folder."""
    _ingest(invoke, db_url, tmp_path)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "gold.jsonl").write_text('{"hand": "coded"}\n', encoding="utf-8")
    result = invoke("--db", db_url, "review", "export-gold", corpus, expect=1)
    assert result.output == (
        f"Error: {corpus} is not empty: not written into (--force writes into it)\n"
    )
    assert (corpus / "gold.jsonl").read_text(encoding="utf-8") == '{"hand": "coded"}\n'
    assert sorted(p.name for p in corpus.iterdir()) == ["gold.jsonl"]
    blank = invoke("--db", db_url, "review", "export-gold", " ", expect=1)
    assert blank.output.startswith("Error: Invalid value for 'DIR': is empty")
    invoke("--db", db_url, "review", "export-gold", corpus, "--force")
    assert (corpus / "gold.jsonl").read_text(encoding="utf-8") == ""  # nothing reviewed yet
    assert (corpus / "actors.json").exists()


def test_an_export_that_fails_leaves_the_sheet_as_it_was(invoke, db_url, tmp_path):
    """`review export FILE --force` with a filter that names no actor emptied a sheet being
    filled in before it failed: the file is replaced only once the export is whole."""
    _ingest(invoke, db_url, tmp_path)
    sheet = tmp_path / "s.csv"
    invoke("--db", db_url, "review", "export", sheet)
    before = sheet.read_bytes()
    sheet.chmod(0o640)
    for bad in (["--actor", "Nobody At All"], ["--plan", "nope"]):
        invoke("--db", db_url, "review", "export", sheet, "--force", *bad, expect=1)
        assert sheet.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if ".tmp" in p.name) == []
    link = tmp_path / "link.csv"
    link.symlink_to(sheet)
    invoke("--db", db_url, "review", "export", link, "--force", "--target", "4")
    assert link.is_symlink() and sheet.read_bytes() != before  # written through the link
    assert sheet.stat().st_mode & 0o777 == 0o640  # and the file keeps its permissions


def test_a_sheet_without_its_revision_column_never_overrules_another_reviewer(
    invoke, db_url, tmp_path
):
    """Analysts delete columns that look like noise; without `revision`, alice's sheet
    superseded bob's decision with no word. Such rows decide only undecided positions."""
    _ingest(invoke, db_url, tmp_path)
    rows = _sheet(invoke, db_url, tmp_path)
    bob = _write(tmp_path / "bob.csv", [dict(rows[0], decision="confirm")])
    invoke("--db", db_url, "review", "import", bob, "--reviewer", "bob")
    bare = [
        {"key": rows[0]["key"], "decision": "reject"},
        {"key": rows[1]["key"], "decision": "reject"},
    ]
    alice = _write(tmp_path / "alice.csv", bare)
    result = invoke("--db", db_url, "review", "import", alice, "--reviewer", "ana", expect=1)
    assert f"alice.csv:2: position {rows[0]['key']} was decided by bob at " in result.output
    assert _count(db_url) == 1
    invoke("--db", db_url, "review", "import", alice, "--reviewer", "ana", "--skip-bad", expect=1)
    shown = {r["key"]: r["status"] for r in _positions(invoke, db_url)}
    assert shown[rows[0]["key"]] == "confirmed"  # bob's decision stands
    assert rows[1]["key"] not in shown  # rejected: left out of the positions


def test_a_stale_confirm_of_a_position_corrected_since_is_a_conflict(invoke, db_url, tmp_path):
    """Bob corrected the stance; Ana's sheet, exported before, confirms the row as it was.
    It was refused as "the row's actor, target or stance was edited", which nobody did:
    it is the conflict a stale reject or correct gets, and nothing is saved."""
    _ingest(invoke, db_url, tmp_path)
    rows = _sheet(invoke, db_url, tmp_path)
    row, key = rows[0], rows[0]["key"]
    other = next(s for s in ("support", "oppose", "mixed") if s != row["stance"])
    fixed = _write(tmp_path / "bob.csv", [dict(row, decision="correct", stance=other)])
    invoke("--db", db_url, "review", "import", fixed, "--reviewer", "bob")
    stale = _write(tmp_path / "stale.csv", [dict(row, decision="confirm")])
    result = invoke("--db", db_url, "review", "import", stale, "--reviewer", "ana", expect=1)
    assert f"stale.csv:2: position {key} was decided by bob at " in result.output
    assert "(correct) since you loaded it" in result.output and "edited" not in result.output
    shown = {r["key"]: r["stance"] for r in _positions(invoke, db_url)}
    assert shown[key] == other


def test_a_rejected_position_confirmed_in_a_sheet_is_taken_back_or_a_conflict(
    invoke, db_url, tmp_path
):
    """The unedited row of a rejected position, confirmed, was refused as "edited": a
    rejection decides no actor, so the row was compared with nothing."""
    _ingest(invoke, db_url, tmp_path)
    rows = _sheet(invoke, db_url, tmp_path)
    key = rows[0]["key"]
    invoke(
        "--db",
        db_url,
        "review",
        "import",
        _write(tmp_path / "r.csv", [dict(rows[0], decision="reject")]),
        "--reviewer",
        "bob",
    )
    stale = _write(tmp_path / "stale.csv", [dict(rows[0], decision="confirm")])
    result = invoke("--db", db_url, "review", "import", stale, "--reviewer", "ana", expect=1)
    assert f"stale.csv:2: position {key} was decided by bob at " in result.output
    assert "(reject) since you loaded it" in result.output
    seen = _write(tmp_path / "seen.csv", [dict(rows[0], decision="confirm", revision="1")])
    result = invoke("--db", db_url, "review", "import", seen, "--reviewer", "ana")
    assert "applied 1 confirm, 0 reject" in result.output
    shown = {r["key"]: r["status"] for r in _positions(invoke, db_url)}
    assert shown[key] == "confirmed"


def test_a_sheet_with_a_column_given_twice_is_refused(invoke, db_url, tmp_path):
    """Two `decision` columns (one pasted in beside the other): the last one's cells were
    read, the first one's decisions dropped without a word."""
    _ingest(invoke, db_url, tmp_path)
    rows = _sheet(invoke, db_url, tmp_path)
    path = tmp_path / "twice.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([*rows[0], "Decision "])
        writer.writerow([*dict(rows[0], decision="confirm").values(), ""])
    result = invoke("--db", db_url, "review", "import", path, expect=1)
    assert result.output == f"Error: {path}: the column 'decision' is given twice; keep one\n"
    assert _count(db_url) == 0


def test_a_key_a_spreadsheet_reads_as_a_number_is_written_as_text(invoke, db_url, tmp_path):
    """About one key in a thousand is all digits, or digits, an e and digits: a
    spreadsheet dropped its leading 0 or read it as 4.04E+89, and the re-saved row named no
    position. A CSV sheet writes such a key with a leading ', which import takes off."""
    from tracker.review_io import _key_cell

    assert _key_cell("0662948408079616") == "'0662948408079616"
    assert _key_cell("4041827280017e86") == "'4041827280017e86"
    assert _key_cell("4147b85aba99e52a") == "4147b85aba99e52a"
    _ingest(invoke, db_url, tmp_path)
    rows = _sheet(invoke, db_url, tmp_path)
    quoted = dict(rows[0], key="'" + rows[0]["key"], decision="confirm")
    result = invoke("--db", db_url, "review", "import", _write(tmp_path / "q.csv", [quoted]))
    assert "applied 1 confirm" in result.output


def test_a_confirmed_position_keeps_its_method_once_its_article_is_removed(
    invoke, db_url, tmp_path
):
    """The view showed a confirmed position of the coder's as `manual` (entered by hand)
    once its article was gone (migration 0008); an addition stays `manual`."""
    _ingest(invoke, db_url, tmp_path)
    rows = _sheet(invoke, db_url, tmp_path)
    added = dict(rows[1], key="", decision="add", actor="Dmytro Kuleba")
    sheet = _write(tmp_path / "c.csv", [dict(rows[0], decision="confirm"), added])
    invoke("--db", db_url, "review", "import", sheet)
    article = _sql(db_url, "SELECT id FROM articles")[0][0]
    invoke("--db", db_url, "articles", "remove", article, "--yes")
    shown = _positions(invoke, db_url, "--reviewed-only")
    methods = {(r["actor"], r["status"]): r["method"] for r in shown}
    assert methods[(rows[0]["actor"], "confirmed")] == "auto"
    assert methods[("Dmytro Kuleba", "manual")] == "manual"
    invoke("--db", db_url, "db", "downgrade", "0007", "--yes")
    invoke("--db", db_url, "db", "upgrade")
    assert _positions(invoke, db_url, "--reviewed-only") == shown


def test_a_decided_position_s_status_says_whether_it_is_the_coder_s(invoke, db_url, tmp_path):
    """A stance corrected and the corrected position confirmed later was `confirmed`, and the
    coder's own position added by hand `manual`, while `review stats` counted the first as
    corrected and the second as kept (migration 0009): the status now says the same."""
    _ingest(invoke, db_url, tmp_path)
    rows = _sheet(invoke, db_url, tmp_path)
    first, second = rows[0], rows[1]
    other = next(s for s in ("support", "oppose", "mixed") if s != first["stance"])
    corrected = dict(first, decision="correct", stance=other)
    again = dict(second, key="", decision="add")  # what the coder found, added by hand
    invoke("--db", db_url, "review", "import", _write(tmp_path / "a.csv", [corrected, again]))
    confirmed = next(r for r in _sheet(invoke, db_url, tmp_path) if r["key"] == first["key"])
    sheet = _write(tmp_path / "b.csv", [dict(confirmed, decision="confirm")])
    invoke("--db", db_url, "review", "import", sheet)
    status = {r["key"]: r["status"] for r in _positions(invoke, db_url, "--reviewed-only")}
    assert status == {first["key"]: "corrected", second["key"]: "confirmed"}
    stats = json.loads(invoke("--db", db_url, "review", "stats", "--format", "json").output)
    overall = next(r for r in stats if r["scope"] == "overall")
    assert (overall["kept"], overall["corrected"], overall["added"]) == (1, 1, 0)
    # once the article is removed, the confirmed correction stays a correction (0010)
    article = _sql(db_url, "SELECT id FROM articles")[0][0]
    invoke("--db", db_url, "articles", "remove", article, "--yes")
    status = {r["key"]: r["status"] for r in _positions(invoke, db_url, "--reviewed-only")}
    assert status[first["key"]] == "corrected"
    stats = json.loads(invoke("--db", db_url, "review", "stats", "--format", "json").output)
    overall = next(r for r in stats if r["scope"] == "overall")
    assert overall["corrected"] == 1
    _ingest(invoke, db_url, tmp_path)  # back, for the downgrade below
    invoke("--db", db_url, "db", "downgrade", "0008", "--yes")  # the status by kind again
    query = "SELECT position_key, status FROM report_positions WHERE status <> 'auto'"
    assert dict(_sql(db_url, query)) == {first["key"]: "confirmed", second["key"]: "manual"}
    invoke("--db", db_url, "db", "upgrade")
    assert dict(_sql(db_url, query)) == {first["key"]: "corrected", second["key"]: "confirmed"}


def _two_actors_on_one_target(rows: list[dict]) -> tuple[dict, dict]:
    """Two rows of a sheet on one sentence and target, held by different actors."""
    by_place: dict[tuple, list[dict]] = {}
    for row in rows:
        by_place.setdefault((row["sentence"], row["target"]), []).append(row)
    pairs = (found for found in by_place.values() if len({r["actor"] for r in found}) > 1)
    first, other = next(pairs)[:2]
    return first, other


def _free_actor(rows: list[dict], row: dict) -> str:
    """An actor holding no position on the row's sentence and target."""
    there = {
        r["actor"] for r in rows if (r["sentence"], r["target"]) == (row["sentence"], row["target"])
    }
    return next(a for a in ("Dmytro Kuleba", "Antony Blinken", "Josep Borrell") if a not in there)


def _repeated_places(invoke, url: str) -> list[tuple]:
    """(sentence, actor, plan, target) held by more than one position in force."""
    from collections import Counter

    places = Counter(
        (r["sentence"], r["actor"], r["plan"], r["target"]) for r in _positions(invoke, url)
    )
    return [place for place, count in places.items() if count > 1]


def test_review_never_puts_two_positions_on_one_sentence_actor_and_target(invoke, db_url, tmp_path):
    """A correction onto another position's actor and target, an addition of a position a
    correction already put there, and an addition and a correction landing on one place in
    the same sheet were all applied with "0 bad": `position`, the reports and export-gold
    then held the same position twice. Each is a bad row naming the position already there."""
    _ingest(invoke, db_url, tmp_path)
    rows = _sheet(invoke, db_url, tmp_path)
    first, other = _two_actors_on_one_target(rows)
    onto = dict(first, decision="correct", actor=other["actor"], stance=other["stance"])
    sheet = _write(tmp_path / "onto.csv", [onto])
    result = invoke("--db", db_url, "review", "import", sheet, expect=1)
    assert f"error: {sheet}:2: position {other['key']} already holds {other['actor']}'s" in (
        result.output
    )
    assert _count(db_url) == 0

    moved_to = _free_actor(rows, first)
    moved = dict(first, decision="correct", actor=moved_to)
    invoke("--db", db_url, "review", "import", _write(tmp_path / "moved.csv", [moved]))
    again = dict(first, key="", decision="add", actor=moved_to)
    third = next(
        r for r in rows if (r["sentence"], r["target"]) != (first["sentence"], first["target"])
    )
    newcomer = _free_actor(rows, third)
    added = dict(third, key="", decision="add", actor=newcomer, stance="mixed")
    onto_added = dict(third, decision="correct", actor=newcomer)
    sheet = _write(tmp_path / "again.csv", [again, added, onto_added])
    result = invoke("--db", db_url, "review", "import", sheet, "--skip-bad", expect=1)
    assert "applied 0 confirm, 0 reject, 0 correct, 1 add; 0 unchanged; 2 bad" in result.output
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert errors[0].startswith(f"error: {sheet}:2: position {first['key']} already holds")
    added_key = next(r["key"] for r in _positions(invoke, db_url) if r["actor"] == newcomer)
    assert errors[1].startswith(f"error: {sheet}:4: position {added_key} already holds")
    assert _repeated_places(invoke, db_url) == []


def test_export_gold_writes_an_actor_and_target_once_per_sentence(
    invoke, db_url, tmp_path, monkeypatch
):
    """A store reviewed before review refused a second position on one place holds two;
    export-gold wrote both, gold the annotation guide's format does not allow. The same
    stance twice is written once; two stances leave the article out, said on its own line."""
    from tracker import review

    _ingest(invoke, db_url, tmp_path)
    rows = _sheet(invoke, db_url, tmp_path)
    first, other = _two_actors_on_one_target(rows)
    decided = [dict(r, decision="confirm") for r in rows if r["key"] != first["key"]]
    onto = dict(first, decision="correct", actor=other["actor"], stance=other["stance"])
    monkeypatch.setattr(review, "check_no_duplicate", lambda *a: None, raising=False)
    invoke("--db", db_url, "review", "import", _write(tmp_path / "old.csv", [*decided, onto]))
    assert len(_repeated_places(invoke, db_url)) == 1
    gold = tmp_path / "gold"
    result = invoke("--db", db_url, "review", "export-gold", gold)
    assert "wrote 1 articles" in result.output
    records = _jsonl((gold / "gold.jsonl").read_text(encoding="utf-8"))
    for record in records:
        places = [(p["actor"], p["target"]) for p in record["positions"]]
        assert len(places) == len(set(places)), record
    assert sum(len(r["positions"]) for r in records) == len(rows) - 1

    stance = next(s for s in ("support", "oppose", "mixed") if s != other["stance"])
    row = next(r for r in _sheet(invoke, db_url, tmp_path) if r["key"] == first["key"])
    again = _write(tmp_path / "two.csv", [dict(row, decision="correct", stance=stance)])
    invoke("--db", db_url, "review", "import", again)
    result = invoke("--db", db_url, "review", "export-gold", gold, "--force")
    assert "wrote 0 articles" in result.output
    assert "left out 1 articles where one actor holds two stances on a target" in result.output


@pytest.mark.parametrize("fmt", ["csv", "json", "jsonl"])
def test_stats_carry_the_additions_in_every_format(invoke, db_url, tmp_path, fmt):
    """Only the table said how many positions were added by hand (the coder missed them):
    CSV, JSON and JSON Lines left the figure out. Each row has it, per target and actor."""
    _ingest(invoke, db_url, tmp_path)
    rows = _sheet(invoke, db_url, tmp_path)
    added = dict(rows[0], key="", decision="add", actor=_free_actor(rows, rows[0]))
    invoke("--db", db_url, "review", "import", _write(tmp_path / "a.csv", [added]))
    output = invoke("--db", db_url, "review", "stats", "--format", fmt).output
    if fmt == "csv":
        stats = list(csv.DictReader(output.splitlines()))
    else:
        stats = json.loads(output) if fmt == "json" else _jsonl(output)
    by = {(r["scope"], r["name"]): r for r in stats}
    assert int(by["overall", "all"]["added"]) == 1
    assert int(by["actor", added["actor"]]["added"]) == 1
    assert int(by["target", f"{added['plan']}/{added['target']}"]["added"]) == 1
    table = invoke("--db", db_url, "review", "stats", "--format", "table").output
    assert "added by hand (not found by the coder): 1" in table


def test_a_correct_row_that_corrects_nothing_or_a_blank_cell_is_a_bad_row(invoke, db_url, tmp_path):
    """A `correct` row left as exported was applied as `applied 1 confirm`, and a blank
    actor or stance in a `correct` or `confirm` row was read as the position's own: what
    the analyst meant is not known, so each is a bad row and the sheet changes nothing."""
    _ingest(invoke, db_url, tmp_path)
    rows = _sheet(invoke, db_url, tmp_path)
    bad = [
        dict(rows[0], decision="correct"),
        dict(rows[1], decision="correct", stance=""),
        dict(rows[2], decision="correct", actor=" "),
        dict(rows[3], decision="confirm", actor="", stance=""),
        dict(rows[4], decision="correct", target=""),
    ]
    good = dict(
        rows[5], decision="correct", stance="mixed" if rows[5]["stance"] != "mixed" else "oppose"
    )
    sheet = _write(tmp_path / "bad.csv", [*bad, good])
    result = invoke("--db", db_url, "review", "import", sheet, expect=1)
    assert [line for line in result.output.splitlines() if line.startswith("error:")] == [
        f"error: {sheet}:2: a correct row changes the actor, target or stance, and this one "
        "changes none; write 'confirm' to keep the position as it is",
        f"error: {sheet}:3: the stance cell is blank; a correct row needs one (as exported, "
        "or corrected)",
        f"error: {sheet}:4: the actor cell is blank; a correct row needs one (as exported, "
        "or corrected)",
        f"error: {sheet}:5: the actor cell is blank; a confirm row needs one (as exported)",
        f"error: {sheet}:6: the target cell is blank; a correct row needs one (as exported, "
        "or corrected)",
    ]
    assert "nothing changed: 5 bad rows" in result.output
    assert _count(db_url) == 0

    once = _write(tmp_path / "good.csv", [good])
    assert "applied 0 confirm, 0 reject, 1 correct" in (
        invoke("--db", db_url, "review", "import", once).output
    )
    again = invoke("--db", db_url, "review", "import", once).output  # the same correction
    assert "applied 0 confirm, 0 reject, 0 correct, 0 add; 1 unchanged; 0 bad" in again
    bare = _write(tmp_path / "bare.csv", [{"key": rows[0]["key"], "decision": "confirm"}])
    assert "applied 1 confirm" in invoke("--db", db_url, "review", "import", bare).output


def test_an_add_row_s_errors_name_the_sheet_s_columns_not_options(invoke, db_url, tmp_path):
    """A sheet's bad rows spoke of the command line and of Python: "stance must be one of
    support, oppose, mixed, not None" for a blank stance, "--actor needs a name (leave it
    out for every actor)" for a blank actor, "--actor 'Wang' could be 2 actors" for one
    that fits two; the sheet has no --actor, and leaving the actor out is no choice there."""
    _ingest(invoke, db_url, tmp_path)
    rows = _sheet(invoke, db_url, tmp_path)
    add = dict(rows[0], key="", decision="add", status="", revision="", score="")
    sheet = _write(
        tmp_path / "add.csv",
        [
            dict(add, stance=""),
            dict(add, actor=""),
            dict(add, actor="Wang"),
            dict(add, target=" "),
            dict(add, actor="%"),
        ],
    )
    result = invoke("--db", db_url, "review", "import", sheet, expect=1)
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert errors == [
        f"error: {sheet}:2: the stance cell is blank; an add row needs one (support, oppose "
        "or mixed)",
        f"error: {sheet}:3: the actor cell is blank; an add row needs one",
        f"error: {sheet}:4: actor 'Wang' could be 2 actors: Wang Wenbin, Wang Yi; give a full name",
        f"error: {sheet}:5: the target cell is blank; an add row needs one",
        f"error: {sheet}:6: actor '%' holds no letter or digit of a name; names match as "
        "words, with no wildcards (`tracker actors` lists them)",
    ]
    assert "--" not in result.output.replace("--skip-bad", "") and "None" not in result.output
    assert _count(db_url) == 0
