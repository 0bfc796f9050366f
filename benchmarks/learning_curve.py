"""How cross-validated accuracy grows with the number of hand-coded training articles.

    python benchmarks/learning_curve.py ../shared/corpus/dev ../shared/corpus/train
    python benchmarks/learning_curve.py --shares 0.5 1 --seeds 0 --folds 3 tests/data/dev

Cross-validation by article, as `tracker evaluate --cv`: each fold's model is trained on a
random share of the other folds' articles (never on the held-out fold) and scores the
held-out fold. Prints, per share, the number of training articles and the mean links and
positions F1 over every fold of every seed, then the gain in positions F1 per doubling of
the training articles, from the smallest share to the whole: what more hand-coded
articles would buy, if the trend held. Needs scikit-learn (pip install '.[learn]').
"""

from __future__ import annotations

import argparse
import math
import random
import sys
from pathlib import Path


def curve(
    folders: list[Path], shares: list[float], seeds: list[int], folds: int
) -> list[tuple[float, float, float, float]]:
    """(share, training articles, links F1, positions F1) per share, means over the folds."""
    from tracker.evaluate import evaluate
    from tracker.learn.corpus import code_gold, merge_corpora, subset
    from tracker.learn.crossval import decide_rows, folds_of
    from tracker.learn.fit import Settings, train

    coded = code_gold(merge_corpora(folders))
    names = coded.names
    out = []
    for share in shares:
        sizes, links, positions = [], [], []
        for seed in seeds:
            sample = random.Random(f"{seed}:{share}")  # the same draw on every run
            for held_out in folds_of(names, folds, seed):
                rest = [a for a in names if a not in set(held_out)]
                part = sorted(sample.sample(rest, max(2, round(share * len(rest)))))
                coded.decider.use(train(coded, part, Settings()))
                found_links, found_positions = decide_rows(coded, held_out)
                result = evaluate(
                    subset(coded.corpus, held_out),
                    found_links,
                    found_positions,
                    coded.plan,
                    coded.labels.align,
                )
                sizes.append(len(part))
                links.append(result.measures["links"].f1)
                positions.append(result.measures["positions"].f1)
        n = len(sizes)
        out.append((share, sum(sizes) / n, sum(links) / n, sum(positions) / n))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold", nargs="+", type=Path, help="gold folders (as tracker evaluate)")
    parser.add_argument("--shares", nargs="+", type=float, default=[0.25, 0.5, 0.75, 1.0])
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args(argv)
    if any(not 0 < s <= 1 for s in args.shares):
        parser.error("--shares are fractions of the training articles, above 0 and up to 1")
    rows = curve(args.gold, sorted(args.shares), args.seeds, args.folds)
    folds = len(args.seeds) * args.folds
    for share, size, links, positions in rows:
        print(
            f"share {share:.2f}: {size:.0f} training articles, links F1 {links:.4f}, "
            f"positions F1 {positions:.4f} (mean of {folds} folds)"
        )
    (_, first, _, low), (_, last, _, high) = rows[0], rows[-1]
    if last > first:
        gain = (high - low) / math.log2(last / first)
        print(f"per doubling of the training articles: {gain:+.4f} positions F1")
    return 0


if __name__ == "__main__":
    sys.exit(main())
