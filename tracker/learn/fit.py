"""Fitting the decision models with scikit-learn, and writing them out as the plain
weights (``tracker.coder.decide.learned.LinearModel``) that coding reads without it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from tracker.coder.decide.learned import NO_POSITION, DecisionModel, LinearModel
from tracker.errors import TrackerError
from tracker.learn.corpus import CodedGold, Examples, examples


@dataclass
class Settings:
    """Chosen by 5-fold cross-validation over dev + train (see the README): link_c 0.3-10,
    position_c 0.03-3, min_count 2-3, L1 or L2 for links and the two thresholds were
    tried."""

    link_c: float = 3.0
    # 0.03-0.15 tried again once positions were learned on every matched target: 0.05-0.07
    # best (0.07 above 0.1 on five of six fold seeds, equal on the sixth)
    position_c: float = 0.07
    min_count: int = 2  # features seen fewer times in training are left out
    tolerance: float = 1e-3  # the position model's stopping tolerance
    # The link models' mix of L1 and L2 (elastic net; 1 is L1 alone): L1 keeps few weights,
    # so linking is a few look-ups a sentence (cross-validated links F1 0.865 against 0.856
    # with L2 alone); 0.8 kept links as they were (+0.0003) and raised positions F1 by
    # 0.0025 on the mean of six fold seeds (0.2, 0.5 and 0.9, and C 1, 5 and 10, tried)
    link_l1: float = 0.8
    # 0.4 until the fourteenth session's phrases; then 0.45 and 0.5 both raised links and
    # positions on the mean of six fold seeds (0.5: positions +0.0012, links +0.0005)
    link_threshold: float = 0.5
    position_threshold: float = 0.7
    # the stance model: C 0.3-10 and the weight of the rarer stances 1-4 were tried
    stance_c: float = 1.0
    # the stance model's mix of L1 and L2 (0: L2 alone, as before): 0.5 raised positions F1
    # by 0.002 on the mean of six fold seeds, five up (0.2 and 0.8, and C 0.5 and 2, tried)
    stance_l1: float = 0.5
    stance_weight: float = 1.5  # of oppose and mixed against support, which is 8 in 10


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
        mixed = 0.0 < settings.link_l1 < 1.0  # an elastic net: only saga fits one
        model = LogisticRegression(
            C=settings.link_c,
            l1_ratio=settings.link_l1,
            solver="saga" if mixed else "liblinear",
            max_iter=3000 if mixed else 2000,
            tol=1e-3 if mixed else 1e-4,
            random_state=0,  # both shuffle: the same gold gives the same model
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
    held = sorted({label for label in labels if label != NO_POSITION})
    if not held:  # the solver's own message named its class "none": a traceback
        raise TrackerError("the gold holds no positions to learn from (see the annotation guide)")
    if len(held) < 2:
        raise TrackerError(
            f"the gold's positions are all {held[0]}: the model needs positions of two "
            "stances or more to learn from"
        )
    if NO_POSITION not in labels:
        raise TrackerError("the gold needs candidates without a position to learn from")
    vocabulary = _vocabulary(rows, settings.min_count)
    names = sorted(vocabulary, key=vocabulary.__getitem__)
    model = LogisticRegression(C=settings.position_c, tol=settings.tolerance, max_iter=3000)
    model.fit(_matrix(rows, vocabulary), labels)
    return _linear_model(model, names), model, vocabulary


def _linear_model(model: Any, names: list[str]) -> LinearModel:
    """A fitted logistic regression as the weights coding reads: one column per class (a
    binary model's single column becomes the second class against the first, whose weights
    are zero), only the features with a weight."""
    classes = [str(c) for c in model.classes_]
    coef, intercept = model.coef_, model.intercept_
    if len(classes) == 2:
        bias = [0.0, float(intercept[0])]
        columns = [[0.0, float(w)] for w in coef[0]]
    else:
        bias = [float(b) for b in intercept]
        columns = [[float(coef[c][i]) for c in range(len(classes))] for i in range(len(names))]
    weights = {name: column for name, column in zip(names, columns, strict=True) if any(column)}
    return LinearModel(classes, bias, weights)


def fit_stances(
    rows: list[list[str]], labels: list[str], settings: Settings
) -> tuple[LinearModel | None, Any, dict[str, int]]:
    """One model over the gold positions' stances (support, oppose, mixed), which decides
    the stance of the candidates the position model keeps; none when the gold has a single
    stance."""
    LogisticRegression = _learner()
    vocabulary = _vocabulary(rows, settings.min_count)
    if len(set(labels)) < 2:
        return None, None, vocabulary
    names = sorted(vocabulary, key=vocabulary.__getitem__)
    weight = {s: (1.0 if s == "support" else settings.stance_weight) for s in set(labels)}
    mix: dict[str, Any] = {}  # L2 alone
    if settings.stance_l1 > 0.0:  # an elastic net: saga fits it
        mix = {"l1_ratio": settings.stance_l1, "solver": "saga", "tol": 1e-3, "random_state": 0}
    model = LogisticRegression(C=settings.stance_c, class_weight=weight, max_iter=3000, **mix)
    model.fit(_matrix(rows, vocabulary), labels)
    return _linear_model(model, names), model, vocabulary


def fit(ex: Examples, plan: str, keys: list[str], settings: Settings) -> DecisionModel:
    links, _, _ = fit_links(ex.link_rows, keys, settings)
    positions, _, _ = fit_positions(
        [features for features, _ in ex.position_rows],
        [label for _, label in ex.position_rows],
        settings,
    )
    stances, _, _ = fit_stances(
        [features for features, _ in ex.stance_rows],
        [label for _, label in ex.stance_rows],
        settings,
    )
    return DecisionModel(
        plan,
        links,
        positions,
        settings.link_threshold,
        settings.position_threshold,
        stances=stances,
    )


def train(coded: CodedGold, articles: list[str], settings: Settings) -> DecisionModel:
    labels = coded.labels
    keys = [t.key for t, _ in coded.decider.modelled]
    model = fit(examples(coded, labels, articles), coded.plan, keys, settings)
    model.trained_on = sorted(articles)
    return model
