"""Training the decision models on hand-coded articles, and cross-validating them.

Candidates are proposed once per article (``Coder.propose``: model-independent); each
fold then trains on the other folds' articles and decides the held-out ones through the
same ``LearnedDecider.decide`` that ingest uses, so a cross-validated figure is the
figure of the coder as shipped, on articles its model never saw.

scikit-learn is imported only here (``pip install '.[learn]'``); coding needs only the
weights it writes.
"""

from __future__ import annotations

import random
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tracker.candidates import SentenceProposals
from tracker.decide import NO_POSITION, DecisionModel, LearnedDecider, LinearModel, rule_decisions
from tracker.errors import TrackerError
from tracker.evaluate import ActorMap, Aligner, Evaluation, GoldCorpus, Measure, evaluate, norm_text
from tracker.link import TargetSpec

MEASURES = ("links", "positions", "positions_by_affiliation", "positions_by_article")


@dataclass
class CodedGold:
    """The gold corpora's articles with their candidates, proposed once."""

    corpus: GoldCorpus
    plan: str
    targets: list[TargetSpec]
    decider: LearnedDecider
    articles: dict[str, list[SentenceProposals]] = field(default_factory=dict)
    rules: dict[str, tuple[list[dict], list[dict]]] = field(default_factory=dict)
    examples: dict[str, Examples] = field(default_factory=dict)

    @property
    def names(self) -> list[str]:
        return sorted(self.articles)

    def target_key(self, target_id: int) -> tuple[str, str]:
        target = self._by_id[target_id]
        return target.plan, target.key

    def __post_init__(self) -> None:
        self._by_id = {t.id: t for t in self.targets}
        self.labels = GoldLabels(self.corpus)


def merge_corpora(folders: Iterable[Path]) -> GoldCorpus:
    """Several gold folders as one corpus: records and articles added up, actor tables merged
    (aliases add up), as the accuracy scorer reads several tables."""
    corpora = [GoldCorpus.load(Path(f)) for f in folders]
    if not corpora:
        raise TrackerError("give at least one gold folder")
    names: dict[str, Path] = {}
    for corpus in corpora:
        for path in corpus.articles:
            if path.name in names and names[path.name] != path:
                raise TrackerError(f"{path}: an article of the same name is in {names[path.name]}")
            names[path.name] = path
    actors: dict[str, dict[str, Any]] = {}
    for corpus in corpora:
        for name, info in corpus.actors.items():
            known = actors.setdefault(name, {"affiliation": info.get("affiliation"), "aliases": []})
            known["aliases"] += [a for a in info.get("aliases", []) if a not in known["aliases"]]
    records = [r for corpus in corpora for r in corpus.records]
    return GoldCorpus(corpora[0].folder, records, actors, sorted(names.values()))


def subset(corpus: GoldCorpus, articles: Iterable[str]) -> GoldCorpus:
    keep = set(articles)
    return GoldCorpus(
        corpus.folder,
        [r for r in corpus.records if r["article"] in keep],
        corpus.actors,
        [p for p in corpus.articles if p.name in keep],
    )


def code_gold(corpus: GoldCorpus, plan: str = "china-2023") -> CodedGold:
    """Propose candidates for every gold article, on a throw-away seeded store's reference
    data (the shipped plans, actors and lexicon)."""
    from tracker.db import make_engine, prepare
    from tracker.pipeline import Coder, ReferenceData
    from tracker.read import InputFailure, read_file

    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'learn.db'}")
        prepare(engine)
        with engine.connect() as connection:
            reference = ReferenceData.load(connection)
        engine.dispose()
    coder = Coder(reference, decider="rules")
    keys = [t.key for t in reference.targets if t.plan == plan and t.kind != "plan"]
    if not keys:
        raise TrackerError(f"no plan {plan!r} in the seeds")
    decider = LearnedDecider(
        DecisionModel.empty(plan, keys), coder.proposer, reference.targets, reference.plan_authors
    )
    coded = CodedGold(corpus, plan, reference.targets, decider)
    for path in corpus.articles:
        for article in read_file(path):
            if isinstance(article, InputFailure):
                raise TrackerError(str(article))
            proposals = coder.propose(article)
            coded.articles[path.name] = proposals
            coded.rules[path.name] = _rows(coded, path.name, proposals, rule_decisions)
    return coded


def _rows(
    coded: CodedGold,
    article: str,
    proposals: list[SentenceProposals],
    decide: Callable[[SentenceProposals], Any],
) -> tuple[list[dict], list[dict]]:
    """Links and positions as the export rows the scorer reads."""
    links, positions = [], []
    for sp in proposals:
        decided = decide(sp)
        for target_id, _, _ in decided.links:
            plan, key = coded.target_key(target_id)
            links.append({"source": article, "sentence": sp.span.text, "plan": plan, "target": key})
        for finding in decided.findings:
            plan, key = coded.target_key(finding.target_id)
            info = sp.actors[finding.actor_id].info if finding.actor_id in sp.actors else None
            positions.append(
                {
                    "source": article,
                    "sentence": sp.span.text,
                    "plan": plan,
                    "target": key,
                    "actor": info.name if info else "",
                    "affiliation": info.affiliation if info else None,
                    "stance": finding.stance,
                }
            )
    return links, positions


# -- examples -----------------------------------------------------------------------


@dataclass
class Examples:
    link_rows: list[tuple[list[str], dict[str, list[str]], set[str]]] = field(default_factory=list)
    position_rows: list[tuple[list[str], str]] = field(default_factory=list)


class GoldLabels:
    """The gold answer for a proposed sentence, link or (actor, target) candidate."""

    def __init__(self, corpus: GoldCorpus) -> None:
        self.actor_map = ActorMap(corpus.actors)
        self.align = Aligner(corpus.records)
        self.links: dict[tuple[str, str], set[str]] = {}
        self.positions: dict[tuple[str, str, str, str], str] = {}
        for record in corpus.records:
            key = (record["article"], norm_text(record["sentence"]))
            self.links.setdefault(key, set()).update(record.get("links", []))
            for p in record.get("positions", []):
                self.positions[key + (p["actor"], p["target"])] = p["stance"]

    def key(self, article: str, text: str) -> tuple[str, str]:
        return self.align.key(article, text)

    def stance(self, key: tuple[str, str], actor_name: str, target: str) -> str:
        return self.positions.get(key + (self.actor_map.canon(actor_name), target), NO_POSITION)


def examples(coded: CodedGold, labels: GoldLabels, articles: Iterable[str]) -> Examples:
    """The training rows of some articles (each article's rows are worked out once)."""
    out = Examples()
    for article in articles:
        cached = coded.examples.get(article)
        if cached is None:
            cached = coded.examples[article] = _article_examples(coded, labels, article)
        out.link_rows += cached.link_rows
        out.position_rows += cached.position_rows
    return out


def _article_examples(coded: CodedGold, labels: GoldLabels, article: str) -> Examples:
    from tracker.features import link_features, sentence_features

    decider = coded.decider
    out = Examples()
    modelled = [t for t, _ in decider.modelled]
    for sp in coded.articles[article]:
        key = labels.key(article, sp.span.text)
        gold_links = labels.links.get(key, set())
        out.link_rows.append(
            (sentence_features(sp), {t.key: link_features(sp, t) for t in modelled}, gold_links)
        )
        # positions are learned on the targets the gold or the rules link: where they are
        linked = [t for t in modelled if t.key in gold_links or t.id in sp.facts.links]
        for candidate in decider.position_candidates(sp, decider.position_targets(sp, linked)):
            info = sp.actors[candidate.actor_id].info
            out.position_rows.append(
                (candidate.features, labels.stance(key, info.name, candidate.target.key))
            )
    return out


# -- fitting ------------------------------------------------------------------------


@dataclass
class Settings:
    """Chosen by 5-fold cross-validation over dev + train (see the README): link_c 0.3-10,
    position_c 0.03-3, min_count 2-3, L1 or L2 for links and the two thresholds were
    tried."""

    link_c: float = 3.0
    position_c: float = 0.1
    min_count: int = 2  # features seen fewer times in training are left out
    tolerance: float = 1e-3  # the position model's stopping tolerance
    # L1 for the link models: 466 of some 20,000 features keep a weight, so linking is a few
    # look-ups a sentence; cross-validated links F1 0.865 against 0.856 with L2, positions
    # 0.547 against 0.548
    link_l1: float = 1.0
    link_threshold: float = 0.4
    position_threshold: float = 0.7


def _learner() -> Any:
    try:
        from sklearn.linear_model import LogisticRegression
    except ImportError:
        raise TrackerError(
            "training needs scikit-learn: pip install '.[learn]' (or pip install scikit-learn)"
        ) from None
    return LogisticRegression


def _vocabulary(rows: Iterable[list[str]], min_count: int) -> dict[str, int]:
    counts: dict[str, int] = {}
    for features in rows:
        for f in set(features):
            counts[f] = counts.get(f, 0) + 1
    kept = sorted(f for f, n in counts.items() if n >= min_count)
    return {f: i for i, f in enumerate(kept)}


def _matrix(rows: list[list[str]], vocabulary: dict[str, int]) -> Any:
    from scipy.sparse import csr_matrix

    indptr, indices, data = [0], [], []
    for features in rows:
        counts: dict[int, float] = {}
        for f in features:  # a feature present twice counts twice, as in the scoring path
            i = vocabulary.get(f)
            if i is not None:
                counts[i] = counts.get(i, 0.0) + 1.0
        for i in sorted(counts):
            indices.append(i)
            data.append(counts[i])
        indptr.append(len(indices))
    return csr_matrix((data, indices, indptr), shape=(len(rows), len(vocabulary)))


def fit_links(
    link_rows: list[tuple[list[str], dict[str, list[str]], set[str]]],
    keys: list[str],
    settings: Settings,
) -> tuple[LinearModel, list[Any], dict[str, int]]:
    """One binary model per target over the sentence's features and the target's own; the
    weights as one table (feature -> a weight per target), with the fitted estimators."""
    LogisticRegression = _learner()
    all_rows = [shared + own for shared, per_target, _ in link_rows for own in per_target.values()]
    vocabulary = _vocabulary(all_rows, settings.min_count)
    names = sorted(vocabulary, key=vocabulary.__getitem__)
    weights: dict[str, list[float]] = {}
    bias: list[float] = []
    estimators: list[Any] = []
    for j, key in enumerate(keys):
        rows = [shared + per_target[key] for shared, per_target, _ in link_rows]
        y = [key in gold for _, _, gold in link_rows]
        if not any(y):  # never linked in the gold: never linked
            bias.append(-30.0)
            estimators.append(None)
            continue
        model = LogisticRegression(
            C=settings.link_c, l1_ratio=settings.link_l1, solver="liblinear", max_iter=2000
        )
        model.fit(_matrix(rows, vocabulary), y)
        estimators.append(model)
        bias.append(float(model.intercept_[0]))
        for i, w in enumerate(model.coef_[0]):
            if w != 0.0:
                weights.setdefault(names[i], [0.0] * len(keys))[j] = float(w)
    return LinearModel(list(keys), bias, weights), estimators, vocabulary


def fit_positions(
    rows: list[list[str]], labels: list[str], settings: Settings
) -> tuple[LinearModel, Any, dict[str, int]]:
    """One multinomial model over the (actor, target) candidates: none, support, oppose,
    mixed."""
    LogisticRegression = _learner()
    vocabulary = _vocabulary(rows, settings.min_count)
    names = sorted(vocabulary, key=vocabulary.__getitem__)
    model = LogisticRegression(C=settings.position_c, tol=settings.tolerance, max_iter=3000)
    model.fit(_matrix(rows, vocabulary), labels)
    classes = [str(c) for c in model.classes_]
    if NO_POSITION not in classes or len(classes) < 3:
        raise TrackerError("the gold needs candidates with and without positions to learn from")
    weights: dict[str, list[float]] = {}
    coef = model.coef_
    for i, name in enumerate(names):
        column = [float(coef[c][i]) for c in range(len(classes))]
        if any(column):
            weights[name] = column
    return LinearModel(classes, [float(b) for b in model.intercept_], weights), model, vocabulary


def fit(ex: Examples, plan: str, keys: list[str], settings: Settings) -> DecisionModel:
    links, _, _ = fit_links(ex.link_rows, keys, settings)
    positions, _, _ = fit_positions(
        [features for features, _ in ex.position_rows],
        [label for _, label in ex.position_rows],
        settings,
    )
    return DecisionModel(
        plan, links, positions, settings.link_threshold, settings.position_threshold
    )


def train(coded: CodedGold, articles: list[str], settings: Settings) -> DecisionModel:
    labels = coded.labels
    keys = [t.key for t, _ in coded.decider.modelled]
    model = fit(examples(coded, labels, articles), coded.plan, keys, settings)
    model.trained_on = sorted(articles)
    return model


# -- cross-validation ---------------------------------------------------------------


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
                if m.predicted or m.gold:
                    per_target.setdefault(target, {}).setdefault(name, []).append(m.f1)
    report["per_target"] = {
        t: {name: sum(v) / len(v) for name, v in by.items()} for t, by in per_target.items()
    }
    report["candidate_recall"] = candidate_recall(coded, coded.names)
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


def cv_summary(report: dict[str, Any]) -> str:
    """Per-target means, the candidates' recall, then the mean figures: last, where a
    reader of the end of the output finds them."""
    lines = ["", "per target (mean F1 over the folds):"]
    for target in sorted(report["per_target"], key=lambda t: (not t.isdigit(), t.zfill(3))):
        by = report["per_target"][target]
        link = f"{by['links']:.3f}" if "links" in by else "–"  # the plan is never a link
        position = f"{by['positions']:.3f}" if "positions" in by else "–"
        lines.append(f"  {target:17s} links {link:5s}  positions {position}")
    recall = report["candidate_recall"]
    lines.append(f"candidate recall: positions {recall['positions']:.3f}")
    lines.append(f"cross-validated ({len(report['folds'])} folds by article, {report['decider']}):")
    for name in MEASURES:
        m = report[name]
        lines.append(f"{name:26s} P={m['precision']:.3f} R={m['recall']:.3f} F1={m['f1']:.3f}")
    return "\n".join(lines) + "\n"
