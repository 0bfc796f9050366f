"""Candidates: what the rules propose, before anything is decided.

The speaker rules of ``tracker.coder.holders`` and the linker each say something about
a sentence: which targets its words resemble, who speaks, who is named, what the
hand rules would code. Here all of that is gathered per sentence, generously (every
target the linker matched at all, every actor named in the sentence or speaking
beside it), as candidates with named features. A decision step
(``tracker.coder.decide``) chooses which candidates become links and positions, by the
hand rules or by a model learned from hand-coded articles.

Each source of a candidate has a stable id (``tracker.coder.holders.registry.RULES``,
``ACTOR_SOURCES``): features are built from ids, never from display strings.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final

from tracker.coder.actors import ActorInfo, Mention, Registry
from tracker.coder.facts import Draft, SentenceFacts
from tracker.coder.link import PhraseMatch
from tracker.coder.segment import Span
from tracker.coder.stance import Lexicon, stance_of

# Where an actor candidate comes from, besides the holder rules.
ACTOR_SOURCES: Final[tuple[str, ...]] = (
    "named",  # named or referred to in the sentence
    "adjective",  # a state by its adjective: "a Ukrainian official"
    "named_before",  # named in the previous sentence
    "speaker_before",  # spoke in the previous sentence
    "speaker_after",  # speaks in the next sentence (a quotation before its attribution)
    "plan_author",  # the plan is the sentence's subject, or named in it
    "rule_position",  # the hand rules coded a position for this actor
)


# Sources that only add evidence to an actor proposed otherwise. Alone they made a third
# of all candidates, and the cross-validated decision chose none of them well: proposed on
# their own, positions F1 fell from 0.548 to 0.547 and coding took longer (the candidates'
# recall, 0.823 without them, was 0.869 with them).
WEAK_SOURCES: Final = frozenset({"named_before", "adjective"})


@dataclass(slots=True)
class ActorCandidate:
    """One actor who may hold a position in a sentence, and why."""

    info: ActorInfo
    sources: set[str] = field(default_factory=set)
    mention: Mention | None = None  # its first mention in the sentence, if named there
    surface: str = ""  # the words that name it, for explanations


@dataclass(slots=True)
class SentenceProposals:
    """Everything proposed for one sentence."""

    span: Span
    facts: SentenceFacts
    matches: dict[int, PhraseMatch]  # the best phrase match per target, any score
    drafts: list[Draft]  # what the hand rules would code
    actors: dict[int, ActorCandidate]  # by actor id
    position: int  # the sentence's place in the article
    article_sentences: int
    turn_speaker: bool  # inside a transcript answer


def best_matches(matches: list[PhraseMatch]) -> dict[int, PhraseMatch]:
    """The best-scoring phrase match per target, whatever its score."""
    best: dict[int, PhraseMatch] = {}
    for match in matches:
        current = best.get(match.target.id)
        if current is None or match.score > current.score:
            best[match.target.id] = match
    return best


class Proposer:
    """Gathers the candidates of an article's sentences from the rules' first pass."""

    def __init__(
        self, registry: Registry, lexicon: Lexicon, plan_author: dict[str, int | None]
    ) -> None:
        self.registry = registry
        self.lexicon = lexicon
        self.plan_author = plan_author

    def propose(
        self,
        spans: list[Span],
        facts: list[SentenceFacts],
        matches: list[list[PhraseMatch]],
        drafts: list[list[Draft]],
        with_actors: bool = True,
    ) -> list[SentenceProposals]:
        out: list[SentenceProposals] = []
        count = len(spans)
        for i, (span, f) in enumerate(zip(spans, facts, strict=True)):
            actors: dict[int, ActorCandidate] = {}
            if not with_actors:
                out.append(SentenceProposals(span, f, {}, drafts[i], actors, i, count, False))
                continue
            add = self._adder(actors)
            for mention, actor_id in f.actors:
                add(actor_id, "named", mention.surface, mention)
            for holder in f.holders:
                add(holder.actor_id, "holder:" + holder.rule_id, holder.mention)
            for clause in f.clause_holders.values():
                for holder in clause:
                    add(holder.actor_id, "clause_holder:" + holder.rule_id, holder.mention)
            for w in f.words:  # "a Ukrainian official", "the Chinese side": the state
                state = self.registry.adjectives.get(w.norm)
                if state is not None:
                    add(state, "adjective", w.norm)
            if i > 0:
                for holder in facts[i - 1].holders:
                    if holder.speaks:
                        add(holder.actor_id, "speaker_before", holder.mention)
                for mention, actor_id in facts[i - 1].actors:
                    add(actor_id, "named_before", mention.surface)
            if i + 1 < count:
                for holder in facts[i + 1].holders:
                    if holder.speaks:
                        add(holder.actor_id, "speaker_after", holder.mention)
            if f.plan_matches:
                for match in f.plan_matches:
                    author = self.plan_author.get(match.target.plan)
                    if author is not None:
                        add(author, "plan_author", match.phrase)
            for draft in drafts[i]:
                add(draft.actor_id, "rule_position", draft.mention)
                add(draft.actor_id, "rule:" + draft.rule_id, draft.mention)
            for actor_id in [a for a, c in actors.items() if c.sources <= WEAK_SOURCES]:
                del actors[actor_id]
            out.append(
                SentenceProposals(
                    span,
                    f,
                    best_matches(matches[i]),
                    drafts[i],
                    actors,
                    i,
                    count,
                    any("holder:transcript_turn" in a.sources for a in actors.values()),
                )
            )
        return out

    def _adder(self, actors: dict[int, ActorCandidate]) -> Callable[..., None]:
        """A function that records one more source of an actor candidate in ``actors``."""

        def add(actor_id: int, source: str, surface: str, mention: Mention | None = None) -> None:
            info = self.registry.actors.get(actor_id)
            if info is None:
                return
            candidate = actors.get(actor_id)
            if candidate is None:
                candidate = actors[actor_id] = ActorCandidate(info, set(), mention, surface)
            candidate.sources.add(source)
            if candidate.mention is None and mention is not None:
                candidate.mention = mention
                candidate.surface = surface

        return add

    def cue_stance(self, proposals: SentenceProposals, match: PhraseMatch) -> str | None:
        """The stance the sentence's cues take on a target, whoever holds it."""
        f = proposals.facts
        others = [m for m in f.links.values() if m is not match]
        result = stance_of(self.lexicon, f.norms, f.stems, f.breaks, f.cues, match, others)
        return result.stance
