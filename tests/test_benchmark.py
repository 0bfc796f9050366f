"""The benchmark script keeps working (its figures are read by people, not asserted here)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "benchmarks" / "ingest.py"


def test_synthetic_corpus_is_reproducible(tmp_path):
    sys.path.insert(0, str(SCRIPT.parent))
    try:
        import ingest as bench
    finally:
        sys.path.remove(str(SCRIPT.parent))
    first, second, other = tmp_path / "a.jsonl", tmp_path / "b.jsonl", tmp_path / "c.jsonl"
    bench.write_corpus(first, 30, seed=7)
    bench.write_corpus(second, 30, seed=7)
    bench.write_corpus(other, 30, seed=8)
    assert first.read_bytes() == second.read_bytes()
    assert first.read_bytes() != other.read_bytes()
    records = [json.loads(line) for line in first.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 30 and len({r["text"] for r in records}) == 30


def test_benchmark_prints_its_figures():
    out = subprocess.run(
        [sys.executable, str(SCRIPT), "--articles", "20", "--articles", "40", "--workers", "2"],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    ).stdout
    assert "20 articles" in out and "40 articles" in out
    sentences = int(re.findall(r"(\d+) sentences,", out)[-1])
    assert sentences > 40 * 5
    assert re.search(r"growth \(SQLite\): 2\.0x the articles \(20 to 40\) took \d+\.\dx", out)
    assert re.search(r"machine: a loop of ten million additions takes \d+\.\d\d s", out)
    for figure in ("sentences/s", "peak RSS", "largest worker", "re-ingest (all 40 skipped)"):
        assert figure in out


def test_learning_curve_prints_a_figure_per_share():
    """The learning-curve script runs its cross-validation on the dev copy and prints a
    line per share and the gain per doubling (its figures are read by people)."""
    script = ROOT / "benchmarks" / "learning_curve.py"
    dev = ROOT / "tests" / "data" / "dev"
    args = ["--shares", "0.5", "1", "--seeds", "0", "--folds", "3", str(dev)]
    out = subprocess.run(
        [sys.executable, str(script), *args], capture_output=True, text=True, check=True
    ).stdout
    lines = out.splitlines()
    assert len(lines) == 3, out
    for line, share in zip(lines, ("0.50", "1.00"), strict=False):
        found = re.fullmatch(
            rf"share {share}: (\d+) training articles, links F1 0\.\d{{4}}, "
            r"positions F1 0\.(\d{4}) \(mean of 3 folds\)",
            line,
        )
        assert found and int(found.group(1)) > 1 and int(found.group(2)) > 0, line
    assert re.fullmatch(
        r"per doubling of the training articles: [+-]\d\.\d{4} positions F1", lines[2]
    )


def test_unseen_people_takes_the_held_out_folds_people_out_of_the_registry():
    """The registry-ablated cross-validation runs on the dev copy, takes out people the
    held-out articles name, and scores positions lower without them than with them (the
    registry knows them by name; the rules for unknown names find fewer)."""
    script = ROOT / "benchmarks" / "unseen_people.py"
    dev = ROOT / "tests" / "data" / "dev"
    out = subprocess.run(
        [sys.executable, str(script), "--seeds", "0", "--folds", "3", str(dev)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    row = re.search(
        r"^\s+0  (0\.\d{4}) (0\.\d{4}) (0\.\d{4}) \| (0\.\d{4}) (0\.\d{4}) (0\.\d{4}) \| (\d+)$",
        out,
        re.M,
    )
    assert row, out
    full, reduced, taken_out = float(row.group(2)), float(row.group(5)), int(row.group(7))
    assert taken_out > 0 and 0 < reduced < full
