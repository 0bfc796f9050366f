"""The decision step: which candidates become links and positions.

Two deciders read the same candidates (``tracker.candidates``):

* ``rules``: the hand rules' own verdicts (links above the linker's threshold, the
  attributor's positions): the baseline.
* ``learned``: linear models trained on hand-coded articles (``tracker train``) score
  each candidate from its named features (``tracker.features``). The weights are a data
  file (``seeds/model.json``), read here with the standard library: the training library
  is not needed to code.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from tracker.candidates import Proposer, SentenceProposals
from tracker.errors import TrackerError
from tracker.facts import Finding, dedupe_findings
from tracker.features import PositionFeatures, link_features, sentence_features
from tracker.link import PhraseMatch, TargetSpec, rounded

MODEL_FORMAT: Final = 1
NO_POSITION: Final = "none"


@dataclass
class LinearModel:
    """Weights per feature and class; a class's score is its bias plus the weights of the
    features present. Exactly what scikit-learn's ``decision_function`` computes for binary
    features (tests/test_learn.py checks it)."""

    classes: list[str]
    bias: list[float]
    weights: dict[str, list[float]]

    def scores(self, features: Iterable[str]) -> list[float]:
        total = list(self.bias)
        n = len(total)
        weights = self.weights
        for feature in features:
            w = weights.get(feature)
            if w is not None:
                for j in range(n):
                    total[j] += w[j]
        return total

    def column(self, j: int, features: Iterable[str], start: float) -> float:
        total = start
        weights = self.weights
        for feature in features:
            w = weights.get(feature)
            if w is not None:
                total += w[j]
        return total

    def to_json(self) -> dict[str, Any]:
        return {"classes": self.classes, "bias": self.bias, "weights": self.weights}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LinearModel:
        classes, bias, weights = data["classes"], data["bias"], data["weights"]
        if len(bias) != len(classes) or any(len(w) != len(classes) for w in weights.values()):
            raise ValueError("every weight row needs one value per class")
        return cls(list(classes), [float(b) for b in bias], weights)


def softmax(scores: list[float]) -> list[float]:
    top = max(scores)
    exps = [math.exp(s - top) for s in scores]
    total = sum(exps)
    return [e / total for e in exps]


def sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


@dataclass
class DecisionModel:
    """The link model (one binary column per target key) and the position model (classes
    none/support/oppose/mixed over actor-target candidates)."""

    plan: str
    links: LinearModel
    positions: LinearModel
    link_threshold: float = 0.5
    # a candidate becomes a position when the chance of "no position" is below this
    position_threshold: float = 0.5
    trained_on: list[str] | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "format": MODEL_FORMAT,
            "plan": self.plan,
            "link_threshold": self.link_threshold,
            "position_threshold": self.position_threshold,
            "trained_on": self.trained_on or [],
            "links": self.links.to_json(),
            "positions": self.positions.to_json(),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DecisionModel:
        if data.get("format") != MODEL_FORMAT:
            raise ValueError(f"format {data.get('format')!r}, expected {MODEL_FORMAT}")
        return cls(
            data["plan"],
            LinearModel.from_json(data["links"]),
            LinearModel.from_json(data["positions"]),
            float(data.get("link_threshold", 0.5)),
            float(data.get("position_threshold", 0.5)),
            list(data.get("trained_on", [])),
        )

    @classmethod
    def empty(cls, plan: str, keys: list[str]) -> DecisionModel:
        """A model that decides nothing: for proposing candidates before any training."""
        classes = ["mixed", NO_POSITION, "oppose", "support"]
        return cls(
            plan,
            LinearModel(list(keys), [0.0] * len(keys), {}),
            LinearModel(classes, [0.0] * len(classes), {}),
        )

    @classmethod
    def load(cls, path: Path) -> DecisionModel:
        try:
            return cls.from_json(json.loads(path.read_text(encoding="utf-8")))
        except OSError as exc:
            raise TrackerError(f"{path}: cannot read the model ({exc.strerror})") from None
        except (ValueError, KeyError, TypeError) as exc:
            raise TrackerError(f"{path}: not a tracker model ({exc})") from None

    def save(self, path: Path) -> None:
        text = json.dumps(self.to_json(), ensure_ascii=False, separators=(",", ":"))
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(text + "\n", encoding="utf-8")
        tmp.replace(path)


@dataclass
class PositionCandidate:
    actor_id: int
    target: TargetSpec
    match: PhraseMatch | None
    features: list[str]


CROSSED: Final = ("src:", "rule:", "possessive", "in_quote", "not_named", "first_named", "kind:")


def crosses(own: list[str], cue: str) -> list[str]:
    """Pairs of the candidate's main features, and each with the target's cue stance: a
    linear model cannot weigh "subject of a reporting verb, in a quotation" by itself."""
    main = [f for f in own if f.startswith(CROSSED) and "|" not in f]
    out = [f + "&" + cue for f in main]
    for i, a in enumerate(main):
        for b in main[i + 1 :]:
            out.append(a + "&" + b)
    return out


class Decisions:
    """A sentence's links and positions as decided."""

    __slots__ = ("links", "findings")

    def __init__(self, links: list[tuple[int, str, float]], findings: list[Finding]) -> None:
        self.links = links
        self.findings = findings


def rule_decisions(sp: SentenceProposals) -> Decisions:
    """The hand rules' verdicts, as the coder made them before candidates existed."""
    return Decisions(
        [(m.target.id, m.phrase, m.score) for m in sp.facts.links.values()],
        dedupe_findings(sp.drafts),
    )


class LearnedDecider:
    def __init__(
        self,
        model: DecisionModel,
        proposer: Proposer,
        targets: list[TargetSpec],
        plan_author: dict[str, int | None],
    ) -> None:
        self.proposer = proposer
        self.features = PositionFeatures(proposer)
        self.plan_author = plan_author
        self.targets = targets
        self.use(model)

    def use(self, model: DecisionModel) -> None:
        """Decide with another model (cross-validation swaps one in per fold)."""
        self.model = model
        key_index = {k: j for j, k in enumerate(model.links.classes)}
        # the targets the link model knows; other plans' targets keep the rules' links
        self.modelled: list[tuple[TargetSpec, int]] = [
            (t, key_index[t.key])
            for t in self.targets
            if t.plan == model.plan and t.kind != "plan" and t.key in key_index
        ]
        self.modelled_ids = {t.id for t, _ in self.modelled}
        self.position_classes = model.positions.classes
        self.none_index = self.position_classes.index(NO_POSITION)

    # -- links ------------------------------------------------------------------

    def link_probabilities(self, sp: SentenceProposals) -> list[tuple[TargetSpec, float]]:
        shared = sentence_features(sp)
        model = self.model.links
        base = model.scores(shared)
        return [
            (t, sigmoid(model.column(j, link_features(sp, t), base[j]))) for t, j in self.modelled
        ]

    # -- positions ----------------------------------------------------------------

    def position_targets(
        self, sp: SentenceProposals, linked: Iterable[TargetSpec]
    ) -> list[tuple[TargetSpec, PhraseMatch | None]]:
        """The targets a position may be on: the linked ones, and a plan named or coded."""
        out: list[tuple[TargetSpec, PhraseMatch | None]] = [
            (t, sp.matches.get(t.id)) for t in linked
        ]
        plans: dict[int, PhraseMatch | None] = {m.target.id: m for m in sp.facts.plan_matches}
        for draft in sp.drafts:
            if draft.match.target.kind == "plan" and draft.match.target.id not in plans:
                plans[draft.match.target.id] = draft.match
        for match in plans.values():
            if match is not None:
                out.append((match.target, match))
        return out

    def position_candidates(
        self, sp: SentenceProposals, targets: list[tuple[TargetSpec, PhraseMatch | None]]
    ) -> list[PositionCandidate]:
        if not sp.actors or not targets:
            return []
        shared = self.features.sentence(sp)
        out = []
        for target, match in targets:
            author = self.plan_author.get(target.plan)
            about = self.features.target(sp, target, match)
            cue = next((f for f in about if f.startswith("cue:")), "cue:none")
            for candidate in sp.actors.values():
                own = self.features.actor(sp, candidate, target, match, author)
                features = shared + about + own + crosses(own, cue)
                out.append(PositionCandidate(candidate.info.id, target, match, features))
        return out

    def decide_positions(
        self, candidates: list[PositionCandidate]
    ) -> list[tuple[PositionCandidate, str, float, list[float]]]:
        out = []
        model = self.model.positions
        none, threshold = self.none_index, self.model.position_threshold
        for candidate in candidates:
            scores = model.scores(candidate.features)
            probabilities = softmax(scores)
            if probabilities[none] >= threshold:
                continue
            best = max((j for j in range(len(scores)) if j != none), key=scores.__getitem__)
            out.append((candidate, self.position_classes[best], probabilities[best], scores))
        return out

    def explain(self, candidate: PositionCandidate, stance: str, top: int = 5) -> list[str]:
        """The features that weighed most for the stance chosen, against "none"."""
        j = self.position_classes.index(stance)
        weights = self.model.positions.weights
        ranked = sorted(
            (
                (weights[f][j] - weights[f][self.none_index], f)
                for f in set(candidate.features)
                if f in weights
            ),
            reverse=True,
        )
        return [f"{f} {w:+.2f}" for w, f in ranked[:top]]

    def decide(self, sp: SentenceProposals) -> Decisions:
        linked: list[TargetSpec] = []
        links: list[tuple[int, str, float]] = []
        for target, p in self.link_probabilities(sp):
            if p >= self.model.link_threshold:
                linked.append(target)
                match = sp.matches.get(target.id)
                links.append((target.id, match.phrase if match else "", rounded(p, 3)))
        for match in sp.facts.links.values():  # other plans: the rules' links
            if match.target.id not in self.modelled_ids:
                links.append((match.target.id, match.phrase, match.score))
                linked.append(match.target)
        candidates = self.position_candidates(sp, self.position_targets(sp, linked))
        findings = []
        for candidate, stance, probability, _ in self.decide_positions(candidates):
            actor = sp.actors[candidate.actor_id]
            explanation = {
                "decider": "learned",
                "mention": actor.surface or actor.info.name,
                "rules": sorted(actor.sources),
                "features": self.explain(candidate, stance),
                "link": candidate.match.phrase if candidate.match else "",
                "link_score": rounded(candidate.match.score, 3) if candidate.match else None,
            }
            findings.append(
                Finding(
                    candidate.actor_id,
                    candidate.target.id,
                    stance,
                    rounded(probability, 3),
                    json.dumps(explanation, ensure_ascii=False),
                )
            )
        return Decisions(links, findings)
