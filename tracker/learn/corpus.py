"""The gold corpora as training material: folders merged, every article's candidates
proposed once (``Coder.propose``), the hand rules' rows kept for the baseline, and the
labelled rows a model is fitted on."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tracker.coder.candidates import SentenceProposals
from tracker.coder.decide.learned import NO_POSITION, DecisionModel, LearnedDecider
from tracker.coder.decide.rules import rule_decisions
from tracker.coder.link import TargetSpec
from tracker.errors import TrackerError
from tracker.evaluate import ActorMap, Aligner, GoldCorpus, check_gold_targets, norm_text

if TYPE_CHECKING:
    from tracker.coder.pipeline import ReferenceData


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
    _refuse_repeats(sorted(names.values()))
    actors: dict[str, dict[str, Any]] = {}
    for corpus in corpora:
        for name, info in corpus.actors.items():
            known = actors.setdefault(name, {"affiliation": info.get("affiliation"), "aliases": []})
            known["aliases"] += [a for a in info.get("aliases", []) if a not in known["aliases"]]
    records = [r for corpus in corpora for r in corpus.records]
    return GoldCorpus(corpora[0].folder, records, actors, sorted(names.values()))


def _refuse_repeats(paths: list[Path]) -> None:
    """An error for two article files that are one article (the same date and words):
    stored once, the copy's gold counted as missed and its file trained on as an article
    with no positions, silently."""
    from tracker.read import Article, read_file

    seen: dict[str, Path] = {}
    for path in paths:
        for article in read_file(path):
            if not isinstance(article, Article):
                continue  # coding the folder reports it
            first = seen.setdefault(article.content_hash, path)
            if first != path:
                raise TrackerError(
                    f"{path}: the same article as {first} (the same date and words); "
                    "keep one of them"
                )


def subset(corpus: GoldCorpus, articles: Iterable[str]) -> GoldCorpus:
    keep = set(articles)
    return GoldCorpus(
        corpus.folder,
        [r for r in corpus.records if r["article"] in keep],
        corpus.actors,
        [p for p in corpus.articles if p.name in keep],
    )


def seeded_reference() -> ReferenceData:
    """The reference data of a throw-away store seeded from the seeds folder (the shipped
    plans, actors and lexicon, or TRACKER_SEEDS_DIR's)."""
    from tracker.coder.pipeline import ReferenceData
    from tracker.db import make_engine, prepare

    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'learn.db'}")
        prepare(engine)
        with engine.connect() as connection:
            reference = ReferenceData.load(connection)
        engine.dispose()
    return reference


def code_gold(corpus: GoldCorpus, plan: str = "china-2023") -> CodedGold:
    """Propose candidates for every gold article, on a throw-away seeded store's reference
    data (the shipped plans, actors and lexicon)."""
    from tracker.coder.pipeline import Coder
    from tracker.read import InputFailure, read_file

    reference = seeded_reference()
    coder = Coder(reference, decider="rules")
    keys = [t.key for t in reference.targets if t.plan == plan and t.kind != "plan"]
    if not keys:
        raise TrackerError(f"no plan {plan!r} in the seeds")
    check_gold_targets(corpus, plan, set(keys))
    corpus.require_texts()
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
                    "score": finding.score,
                }
            )
    return links, positions


@dataclass
class Examples:
    link_rows: list[tuple[list[str], dict[str, list[str]], set[str]]] = field(default_factory=list)
    position_rows: list[tuple[list[str], str]] = field(default_factory=list)
    # the gold positions among the candidates, with the stance model's features
    stance_rows: list[tuple[list[str], str]] = field(default_factory=list)


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
        out.stance_rows += cached.stance_rows
    return out


def _article_examples(coded: CodedGold, labels: GoldLabels, article: str) -> Examples:
    from tracker.coder.features import link_features, sentence_features

    decider = coded.decider
    out = Examples()
    modelled = [t for t, _ in decider.modelled]
    for sp in coded.articles[article]:
        key = labels.key(article, sp.span.text)
        gold_links = labels.links.get(key, set())
        out.link_rows.append(
            (sentence_features(sp), {t.key: link_features(sp, t) for t in modelled}, gold_links)
        )
        # positions are learned on the targets the gold or the rules link, and on every
        # target a phrase matches at all: a match alone is no position, and the decision
        # meets such targets whenever the link model links one (cross-validated positions
        # F1 rose by 0.002 a fold seed, precision by 0.01, against gold and rule links only)
        linked = [
            t
            for t in modelled
            if t.key in gold_links or t.id in sp.facts.links or t.id in sp.matches
        ]
        for candidate in decider.position_candidates(sp, decider.position_targets(sp, linked)):
            info = sp.actors[candidate.actor_id].info
            stance = labels.stance(key, info.name, candidate.target.key)
            out.position_rows.append((candidate.features, stance))
            if stance != NO_POSITION:
                features = decider.features.stance(
                    sp, candidate.features, candidate.target, candidate.match
                )
                out.stance_rows.append((features, stance))
    return out
