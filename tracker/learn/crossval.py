"""Cross-validation by article: each fold's model is trained on the other folds' articles
and decides the held-out ones through the same ``LearnedDecider.decide`` that ingest uses;
the figures ``tracker evaluate --cv K`` prints."""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from tracker.errors import TrackerError
from tracker.evaluate import Evaluation, Measure, evaluate
from tracker.learn.corpus import CodedGold, GoldLabels, _rows, subset
from tracker.learn.fit import Settings, train

MEASURES = ("links", "positions", "positions_by_affiliation", "positions_by_article")


@dataclass
class Fold:
    number: int
    trained_on: list[str]  # the articles the fold's model was trained on, as it records them
    scored: list[str]
    evaluation: Evaluation


def folds_of(articles: list[str], k: int, seed: int = 0) -> list[list[str]]:
    """K groups of articles of near-equal size, shuffled with a fixed seed."""
    if k < 2 or k > len(articles):
        raise TrackerError(
            f"--cv {k}: need 2 to {len(articles)} folds for {len(articles)} articles"
        )
    shuffled = sorted(articles)
    random.Random(seed).shuffle(shuffled)
    return [sorted(shuffled[i::k]) for i in range(k)]


def decide_rows(coded: CodedGold, articles: list[str]) -> tuple[list[dict], list[dict]]:
    links: list[dict] = []
    positions: list[dict] = []
    for article in articles:
        ls, ps = _rows(coded, article, coded.articles[article], coded.decider.decide)
        links += ls
        positions += ps
    return links, positions


def cross_validate(
    coded: CodedGold, k: int, settings: Settings, decider: str = "learned", seed: int = 0
) -> list[Fold]:
    out = []
    names = coded.names
    for number, held_out in enumerate(folds_of(names, k, seed), 1):
        trained_on = [a for a in names if a not in set(held_out)]
        if decider == "learned":
            model = train(coded, trained_on, settings)
            trained_on = list(model.trained_on or ())
            if set(trained_on) & set(held_out):
                raise AssertionError("a fold's model saw an article it scores")
            coded.decider.use(model)
            links, positions = decide_rows(coded, held_out)
        else:
            links = [row for a in held_out for row in coded.rules[a][0]]
            positions = [row for a in held_out for row in coded.rules[a][1]]
        result = evaluate(
            subset(coded.corpus, held_out), links, positions, coded.plan, coded.labels.align
        )
        out.append(Fold(number, trained_on, held_out, result))
    return out


def mean_measures(folds: list[Fold]) -> dict[str, dict[str, float]]:
    out = {}
    for name in MEASURES:
        ms: list[Measure] = [f.evaluation.measures[name] for f in folds]
        out[name] = {
            "precision": sum(m.precision for m in ms) / len(ms),
            "recall": sum(m.recall for m in ms) / len(ms),
            "f1": sum(m.f1 for m in ms) / len(ms),
        }
    return out


def candidate_recall(coded: CodedGold, articles: Iterable[str]) -> dict[str, float]:
    """The share of gold links and positions present among the candidates (the ceiling of
    any decision): links among the modelled targets (all of them are candidates), positions
    among (actor, target) candidates on the gold-linked targets."""
    labels = GoldLabels(coded.corpus)
    decider = coded.decider
    modelled = [t for t, _ in decider.modelled]
    found: set[tuple] = set()
    articles = list(articles)
    for article in articles:
        for sp in coded.articles[article]:
            key = labels.key(article, sp.span.text)
            gold_links = labels.links.get(key, set())
            linked = [t for t in modelled if t.key in gold_links]
            for c in decider.position_candidates(sp, decider.position_targets(sp, linked)):
                name = labels.actor_map.canon(sp.actors[c.actor_id].info.name)
                if key + (name, c.target.key) in labels.positions:
                    found.add(key + (name, c.target.key))
    keep = set(articles)
    gold = {k for k in labels.positions if k[0] in keep}
    return {"positions": len(found & gold) / len(gold) if gold else 1.0}


def cross_validation_report(
    coded: CodedGold, k: int, settings: Settings, decider: str = "learned", seed: int = 0
) -> dict[str, Any]:
    """Per-fold and mean figures, per-target means and the candidates' recall, as one object
    (``tracker evaluate --cv K --format json``)."""
    folds = cross_validate(coded, k, settings, decider, seed)
    report: dict[str, Any] = dict(mean_measures(folds))
    report["decider"] = decider
    report["folds"] = [
        {
            "fold": f.number,
            "articles": f.scored,
            **{
                name: {
                    "precision": f.evaluation.measures[name].precision,
                    "recall": f.evaluation.measures[name].recall,
                    "f1": f.evaluation.measures[name].f1,
                }
                for name in MEASURES
            },
        }
        for f in folds
    ]
    per_target: dict[str, dict[str, list[float]]] = {}
    for f in folds:
        for target, measures in f.evaluation.per_target.items():
            for name, m in measures.items():
                scored = per_target.setdefault(target, {}).setdefault(name, [])
                if m.predicted or m.gold:
                    scored.append(m.f1)
    # a measure with nothing to score in any fold (the plan as a whole is never a link) is
    # null, as in the figures of one evaluation, not left out
    report["per_target"] = {
        t: {name: (sum(v) / len(v) if v else None) for name, v in by.items()}
        for t, by in per_target.items()
    }
    report["candidate_recall"] = candidate_recall(coded, coded.names)
    report["positions_by_score"] = by_score(folds)
    report["positions_predicted"] = sum(f.evaluation.measures["positions"].predicted for f in folds)
    report["rows"] = [
        {
            "fold": str(f["fold"]),
            "articles": len(f["articles"]),
            **{f"{name}_f1": round(f[name]["f1"], 3) for name in MEASURES},
        }
        for f in report["folds"]
    ] + [
        {
            "fold": "mean",
            "articles": len(coded.names),
            **{f"{name}_f1": round(report[name]["f1"], 3) for name in MEASURES},
        }
    ]
    return report


def by_score(folds: list[Fold]) -> list[dict[str, float]]:
    """Positions at each ``--min-score`` threshold, the mean over the folds as for the
    figures (the positions kept, summed): how much precision a higher threshold buys, and
    at what cost in recall."""
    per_fold = [f.evaluation.by_score_rows() for f in folds]
    if not all(per_fold):
        return []
    return [
        {
            "min_score": rows[0]["min_score"],
            **{k: sum(r[k] for r in rows) / len(rows) for k in ("precision", "recall", "f1")},
            "positions": sum(r["positions"] for r in rows),
        }
        for rows in zip(*per_fold, strict=True)
    ]


def score_lines(rows: list[dict[str, float]], total: int, across: str) -> list[str]:
    """The lines that show ``by_score``'s rows (or one evaluation's, ``across`` "")."""
    if not rows:
        return []
    lines = [f"positions kept at each --min-score{across} (of {total} positions):"]
    for r in rows:
        lines.append(
            f"  score >= {r['min_score']:.1f}  {r['positions']:5d} positions  "
            f"P={r['precision']:.3f} R={r['recall']:.3f} F1={r['f1']:.3f}"
        )
    return lines


def cv_summary(report: dict[str, Any]) -> str:
    """Per-target means, the candidates' recall, then the mean figures: last, where a
    reader of the end of the output finds them."""
    lines = ["", "per target (mean F1 over the folds):"]
    for target in sorted(report["per_target"], key=lambda t: (not t.isdigit(), t.zfill(3))):
        by = report["per_target"][target]
        # a measure with nothing to score (the plan is never a link) is a dash
        link = f"{by['links']:.3f}" if by.get("links") is not None else "–"
        position = f"{by['positions']:.3f}" if by.get("positions") is not None else "–"
        lines.append(f"  {target:17s} links {link:5s}  positions {position}")
    recall = report["candidate_recall"]
    lines.append(f"candidate recall: positions {recall['positions']:.3f}")
    lines += score_lines(
        report["positions_by_score"], report["positions_predicted"], " (means over the folds)"
    )
    lines.append(f"cross-validated ({len(report['folds'])} folds by article, {report['decider']}):")
    for name in MEASURES:
        m = report[name]
        lines.append(f"{name:26s} P={m['precision']:.3f} R={m['recall']:.3f} F1={m['f1']:.3f}")
    return "\n".join(lines) + "\n"
