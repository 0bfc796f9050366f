"""Reviewed articles written as gold by `review export-gold`: the article files hold the
stored articles' text, so that `evaluate --use-db` finds them in the store they came from."""

from __future__ import annotations

import json

import pytest
from test_review import _jsonl, _sheet, _write

TALKS = "Russia welcomed the talks. Lavrov said Moscow welcomed China's 12-point position paper."


def _confirm_all(invoke, url: str, tmp_path) -> int:
    rows = _sheet(invoke, url, tmp_path)
    for row in rows:
        row["decision"] = "confirm"
    invoke("--db", url, "review", "import", _write(tmp_path / "all.csv", rows))
    return len(rows)


def _retire_point_one(invoke, url: str, tmp_path, own_seeds) -> tuple[int, int]:
    """The seed article ingested, all its positions confirmed, then point 1 taken out of
    the plan file, seeded and re-coded; (positions confirmed, those on point 1)."""
    source = tmp_path / "seed.txt"
    source.write_text((own_seeds / "articles" / "seed.txt").read_text(encoding="utf-8"))
    invoke("--db", url, "ingest", source)
    confirmed = _confirm_all(invoke, url, tmp_path)
    before = _jsonl(invoke("--db", url, "review", "stats").output)
    on_one = next(r for r in before if r["name"] == "china-2023/1")["kept"]
    assert on_one > 0 and before[0]["kept"] == confirmed

    plan = own_seeds / "plans" / "china-2023.toml"
    text = plan.read_text(encoding="utf-8")
    start, end = text.index("[[points]]\nnumber = 1\n"), text.index("[[points]]\nnumber = 2\n")
    plan.write_text(text[:start] + text[end:], encoding="utf-8")
    invoke("--db", url, "seed", "--no-articles")
    invoke("--db", url, "recode", "--stale")
    shown = _jsonl(invoke("--db", url, "position", "--format", "jsonl").output)
    assert sum(1 for r in shown if r["target_retired"]) == on_one
    assert {r["status"] for r in shown} == {"confirmed"} and len(shown) == confirmed
    return confirmed, on_one


@pytest.mark.parametrize(
    "name, body",
    [
        ("talks.txt", f"date 2023-03-15 {TALKS}\n"),
        ("talks.jsonl", json.dumps({"text": TALKS, "date": "2023-03-15"}) + "\n"),
    ],
)
def test_export_gold_writes_the_stored_article_as_it_was_read(invoke, db_url, tmp_path, name, body):
    """A JSON Lines article's offsets start at 0 (its date is a field), a text file's count
    its date header: the header was put in front of the JSON Lines sentences without
    moving them, so they ran together ("talks.Lavrov"), the text was another article's,
    and `evaluate --use-db` warned that the store lacked it and scored its gold as missed."""
    source = tmp_path / name
    source.write_text(body, encoding="utf-8")
    invoke("--db", db_url, "ingest", source)
    confirmed = _confirm_all(invoke, db_url, tmp_path)
    assert confirmed == 2
    gold = tmp_path / "gold"
    invoke("--db", db_url, "review", "export-gold", gold)
    (article,) = gold.glob("*.txt")
    assert article.read_text(encoding="utf-8") == f"date 2023-03-15 {TALKS}\n"

    again = invoke("--db", db_url, "ingest", article)  # the same date and words: a repeat
    assert "articles: 0 new, 1 skipped, 0 failed" in again.output
    result = invoke("--db", db_url, "evaluate", "--use-db", gold, "--format", "jsonl")
    assert "lacks" not in result.output
    scored = _jsonl(result.stdout)
    positions = next(r for r in scored if r["measure"] == "positions" and r["target"] == "all")
    assert (positions["tp"], positions["gold"], positions["recall"]) == (2, 2, 1.0)


def test_positions_on_a_retired_point_stay_counted_and_out_of_the_gold(
    invoke, db_url, tmp_path, own_seeds
):
    """Point 1 taken out of the plan file, seeded and re-coded: its confirmed positions stay
    in force (`tracker position` lists them, retired), but `review stats` stopped counting
    them once the coder no longer found them, and `export-gold` wrote them, so that
    `evaluate --use-db` refused the gold ("the gold codes targets … that are retired")."""
    confirmed, on_one = _retire_point_one(invoke, db_url, tmp_path, own_seeds)
    after = _jsonl(invoke("--db", db_url, "review", "stats").output)
    assert after[0]["reviewed"] == after[0]["kept"] == confirmed  # as `position` lists them
    assert next(r for r in after if r["name"] == "china-2023/1")["kept"] == on_one

    gold = tmp_path / "gold"
    result = invoke("--db", db_url, "review", "export-gold", gold)
    assert result.stdout.startswith("wrote 1 articles (")
    assert f"{confirmed - on_one} positions)" in result.stdout
    assert result.stderr == (
        f"warning: left out {on_one} positions on retired targets (taken out of the plan "
        "file, so no longer coded; evaluate refuses gold on them)\n"
    )
    records = _jsonl((gold / "gold.jsonl").read_text(encoding="utf-8"))
    assert all(p["target"] != "1" for r in records for p in r["positions"])
    assert all("1" not in r["links"] for r in records)
    scored = invoke("--db", db_url, "evaluate", "--use-db", gold, "--format", "jsonl")
    positions = next(
        r for r in _jsonl(scored.stdout) if r["measure"] == "positions" and r["target"] == "all"
    )
    assert positions["recall"] == 1.0 and positions["gold"] == confirmed - on_one


def test_evaluate_use_db_leaves_out_the_store_s_positions_on_retired_points(
    invoke, db_url, tmp_path, own_seeds
):
    """Gold may not code a retired point (evaluate refuses it), and the coder no longer
    codes one, but `evaluate --use-db` counted the positions the store still holds on it
    (confirmed before the point was retired) as extra: the store's own reviewed gold
    scored precision 0.72 against itself. They are left out, with a note."""
    confirmed, on_one = _retire_point_one(invoke, db_url, tmp_path, own_seeds)
    gold = tmp_path / "gold"
    invoke("--db", db_url, "review", "export-gold", gold)
    scored = invoke("--db", db_url, "evaluate", "--use-db", gold, "--format", "jsonl")
    assert scored.stderr == (
        f"note: left out 0 links and {on_one} positions on retired targets (taken out of the "
        "plan file, so no longer coded)\n"
    )
    rows = {(r["measure"], r["target"]): r for r in _jsonl(scored.stdout)}
    positions = rows["positions", "all"]
    assert (positions["precision"], positions["recall"]) == (1.0, 1.0)
    assert positions["predicted"] == confirmed - on_one
    assert ("positions", "1") not in rows or rows["positions", "1"]["predicted"] == 0
