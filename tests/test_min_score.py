"""--min-score: positions the coder scored at least S, and those an analyst reviewed, in
`tracker position` and every report; `tracker evaluate` shows what each S keeps."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from test_evaluate import _small_gold

from tracker.evaluate import Evaluation, GoldCorpus, evaluate
from tracker.learn.crossval import Fold, by_score

DEV = Path(__file__).parent / "data" / "dev"
ARTICLES = sorted(DEV.glob("dev-0*.txt"))[:4]


def _jsonl(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def _positions(invoke, url: str, *args: str) -> list[dict]:
    return _jsonl(invoke("--db", url, "position", "--format", "jsonl", *args).output)


def _ingested(invoke, url: str, tmp_path: Path) -> list[dict]:
    for path in ARTICLES:
        shutil.copy(path, tmp_path / path.name)
    invoke("--db", url, "ingest", *(tmp_path / p.name for p in ARTICLES))
    rows = _positions(invoke, url)
    assert len({r["score"] for r in rows}) > 5  # scores that a threshold can split
    return rows


def _middle(rows: list[dict]) -> float:
    scores = sorted(r["score"] for r in rows)
    return round(scores[len(scores) // 2], 3)


def test_position_keeps_what_the_coder_scored_at_least_s(invoke, db_url, tmp_path):
    rows = _ingested(invoke, db_url, tmp_path)
    s = _middle(rows)
    kept = _positions(invoke, db_url, "--min-score", str(s))
    assert kept == [r for r in rows if r["score"] >= s]
    assert 0 < len(kept) < len(rows)
    assert _positions(invoke, db_url, "--min-score", "0") == rows
    assert _positions(invoke, db_url, "--min-score", "1") == [r for r in rows if r["score"] >= 1]


def test_a_reviewed_position_is_kept_whatever_its_score(invoke, db_url, tmp_path):
    rows = _ingested(invoke, db_url, tmp_path)
    s = _middle(rows)
    low = min(rows, key=lambda r: r["score"])
    assert low["score"] < s
    sheet = tmp_path / "sheet.csv"
    with sheet.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=[*low, "decision"])
        writer.writeheader()
        writer.writerow({**low, "decision": "confirm"})
    invoke("--db", db_url, "review", "import", sheet, "--reviewer", "ana")
    kept = _positions(invoke, db_url, "--min-score", str(s))
    assert low["key"] in {r["key"] for r in kept}
    assert all(r["score"] >= s or r["status"] != "auto" for r in kept)


@pytest.mark.parametrize("report", ["matrix", "evidence", "omissions", "contested"])
def test_reports_keep_what_position_keeps(invoke, db_url, tmp_path, report):
    rows = _ingested(invoke, db_url, tmp_path)
    s = _middle(rows)
    first = rows[0]
    args = ["--actor", first["actor"], "--target", first["target"]]
    args = args if report == "evidence" else []
    every = _jsonl(invoke("--db", db_url, "report", report, *args, "--format", "jsonl").output)
    kept = _jsonl(
        invoke(
            "--db", db_url, "report", report, *args, "--min-score", s, "--format", "jsonl"
        ).output
    )
    if report == "evidence":
        assert kept == [r for r in every if r["score"] >= s]
    else:
        assert kept != every
    if report == "matrix":  # the positions it counts are those `position` keeps
        assert sum(r["positions"] for r in every) == len(rows)
        assert sum(r["positions"] for r in kept) == len([r for r in rows if r["score"] >= s])


@pytest.mark.parametrize("value", ["nan", "1.5", "-0.1", "inf", "high", ""])
def test_a_score_outside_0_to_1_is_one_line(invoke, value):
    for command in (["position"], ["report", "matrix"]):
        result = invoke(*command, "--min-score", value, expect=1)
        assert "is not a score from 0 to 1" in result.output
        assert "Traceback" not in result.output


def _evaluation(scored: list[tuple[str, str, float, str]]) -> Evaluation:
    """Gold: Zelensky supports point 1 and China opposes point 2 in one sentence; the
    predictions as (actor, target, score, status)."""
    sentence = "Zelensky backed point one while China rejected point two."
    corpus = GoldCorpus(
        folder=Path("."),
        records=[
            {
                "article": "a.txt",
                "sentence": sentence,
                "links": ["1", "2"],
                "positions": [
                    {"actor": "Zelensky", "target": "1", "stance": "support"},
                    {"actor": "China", "target": "2", "stance": "oppose"},
                ],
            }
        ],
        actors={"Zelensky": {"affiliation": "Ukraine"}, "China": {"affiliation": "China"}},
        articles=[],
    )
    stances = {"1": "support", "2": "oppose", "3": "support"}
    positions = [
        {
            "source": "a.txt",
            "sentence": sentence,
            "target": target,
            "actor": actor,
            "stance": stances[target],
            "score": score,
            "status": status,
        }
        for actor, target, score, status in scored
    ]
    return evaluate(corpus, [], positions)


def test_evaluation_by_score_keeps_reviewed_and_best_scores():
    result = _evaluation(
        [
            ("Zelensky", "1", 0.9, "auto"),
            ("Zelensky", "1", 0.4, "auto"),  # the same position again: its best score counts
            ("China", "2", 0.3, "confirmed"),  # reviewed: kept at every threshold
            ("China", "3", 0.6, "auto"),  # extra
        ]
    )
    by = result.by_score((0.5, 0.7, 0.95))
    assert (by[0.5].tp, by[0.5].predicted, by[0.5].gold) == (2, 3, 2)
    assert (by[0.7].tp, by[0.7].predicted) == (2, 2)
    assert (by[0.95].tp, by[0.95].predicted) == (1, 1)
    assert result.measures["positions"].predicted == 3
    unscored = _evaluation([])
    assert unscored.by_score() == {}


def test_cross_validation_by_score_is_the_mean_over_folds():
    first = _evaluation([("Zelensky", "1", 0.9, "auto"), ("China", "3", 0.6, "auto")])
    second = _evaluation([("Zelensky", "1", 0.55, "auto"), ("China", "2", 0.8, "auto")])
    folds = [Fold(1, [], [], first), Fold(2, [], [], second)]
    rows = {r["min_score"]: r for r in by_score(folds)}
    assert rows[0.5]["positions"] == 4
    assert rows[0.5]["precision"] == pytest.approx((0.5 + 1.0) / 2)
    assert rows[0.7]["positions"] == 2
    assert rows[0.7]["recall"] == pytest.approx((0.5 + 0.5) / 2)
    assert rows[0.7]["f1"] == pytest.approx((2 / 3 + 2 / 3) / 2)


def test_evaluate_prints_what_each_min_score_keeps(invoke, tmp_path):
    gold = _small_gold(tmp_path / "gold")
    output = invoke("evaluate", gold, "--format", "table").output
    assert "positions kept at each --min-score (of " in output
    counts = [
        int(line.split()[3]) for line in output.splitlines() if line.startswith("  score >= ")
    ]
    assert len(counts) == 5 and counts == sorted(counts, reverse=True) and counts[0] > 0


def test_a_page_names_the_min_score_applied(invoke, db_url, tmp_path):
    """The page's Filters line showed a cell's three decimals: 0.500 for --min-score
    0.5000001, which keeps fewer positions than 0.5, and -0.000 for -0."""
    _ingested(invoke, db_url, tmp_path)
    for given, shown in (("0.5000001", "0.5000001"), ("-0", "0.0"), ("1e-3", "0.001")):
        page = invoke(
            "--db", db_url, "report", "coverage", "--min-score", given, "--format", "html"
        ).output
        assert f"Filters: min_score {shown}<" in page, given
