"""Cross-validation as on new articles: the held-out fold's people taken out of the registry.

    python benchmarks/unseen_people.py ../shared/corpus/dev ../shared/corpus/train
    python benchmarks/unseen_people.py --seeds 0 --folds 3 tests/data/dev

`tracker evaluate --cv` scores each held-out fold with a model that never saw it, but with
the shipped actor registry (`seeds/actors.toml`), which was written with every article of
the corpora in view: a person first met in a held-out article is already known by name,
aliases, gender and affiliation. On a new article, the people no one has added yet are
found only by the rules for unknown names ("Jane Roe, a Chinese envoy, said"). This
measures that case: for each fold, every person of the registry whom the coder finds in
none of the training folds' articles is taken out (with their aliases and roles) before
the held-out articles are coded; states, organisations and groups stay, since a registry
of them does not depend on the articles. Training is as in `--cv`. Prints, per fold seed,
links and positions F1 with the full registry and with the reduced one, and how many of
the people taken out the full registry finds in the held-out articles (per fold). Needs
scikit-learn (pip install '.[learn]').
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path


def without(reference, people: set[int]):
    """The reference data with these actors gone, with their aliases and roles."""
    return dataclasses.replace(
        reference,
        actors=[a for a in reference.actors if a.id not in people],
        aliases=[a for a in reference.aliases if a[0] not in people],
        roles=[r for r in reference.roles if r[0] not in people],
    )


def unseen(coded, reference, trained_on: list[str]) -> set[int]:
    """The registry's people whom the coder finds in none of these articles."""
    found = {
        actor_id
        for article in trained_on
        for sp in coded.articles[article]
        for actor_id in sp.actors
    }
    return {a.id for a in reference.actors if a.kind == "person" and a.id not in found}


def run(folders: list[Path], seeds: list[int], k: int) -> list[tuple]:
    from tracker.coder.pipeline import Coder
    from tracker.evaluate import evaluate
    from tracker.learn.corpus import code_gold, merge_corpora, seeded_reference, subset
    from tracker.learn.crossval import decide_rows, folds_of
    from tracker.learn.fit import Settings, train
    from tracker.read import read_file

    corpus = merge_corpora(folders)
    coded = code_gold(corpus)
    reference = seeded_reference()
    paths = {p.name: p for p in corpus.articles}
    out = []
    for seed in seeds:
        full, reduced, removed = [], [], []
        for held_out in folds_of(coded.names, k, seed):
            trained_on = [a for a in coded.names if a not in set(held_out)]
            coded.decider.use(train(coded, trained_on, Settings()))
            gold = subset(coded.corpus, held_out)
            links, positions = decide_rows(coded, held_out)
            full.append(evaluate(gold, links, positions, coded.plan, coded.labels.align))
            people = unseen(coded, reference, trained_on)
            met = {i for a in held_out for sp in coded.articles[a] for i in sp.actors}
            removed.append(len(people & met))
            coder = Coder(without(reference, people), decider="rules")
            kept = {a: coded.articles[a] for a in held_out}
            try:
                for name in held_out:
                    coded.articles[name] = [
                        sp for article in read_file(paths[name]) for sp in coder.propose(article)
                    ]
                links, positions = decide_rows(coded, held_out)
            finally:
                coded.articles.update(kept)
            reduced.append(evaluate(gold, links, positions, coded.plan, coded.labels.align))

        def mean(results, measure):
            return sum(r.measures[measure].f1 for r in results) / len(results)

        out.append(
            (
                seed,
                mean(full, "links"),
                mean(full, "positions"),
                mean(full, "positions_by_affiliation"),
                mean(reduced, "links"),
                mean(reduced, "positions"),
                mean(reduced, "positions_by_affiliation"),
                sum(removed) / len(removed),
            )
        )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="+", type=Path, help="hand-coded gold folders")
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args(argv)
    rows = run(args.folders, args.seeds, args.folds)
    print("seed  registry: links positions by-affiliation | unseen people out: links positions")
    print("      by-affiliation | people out that the held-out articles name, per fold")
    for seed, fl, fp, fa, rl, rp, ra, n in rows:
        print(f"{seed:>4}  {fl:.4f} {fp:.4f} {fa:.4f} | {rl:.4f} {rp:.4f} {ra:.4f} | {n:.0f}")
    if len(rows) > 1:
        means = [sum(r[i] for r in rows) / len(rows) for i in range(1, 8)]
        print("mean  " + " ".join(f"{m:.4f}" for m in means[:3]) + " | ", end="")
        print(" ".join(f"{m:.4f}" for m in means[3:6]) + f" | {means[6]:.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
