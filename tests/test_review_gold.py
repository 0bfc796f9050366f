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
