"""Who holds a position in a sentence: the speaker rules run in order, and the positions
they find drafted.

For each sentence the holders are found in this order of trust (``registry.RULES``):
``according to X``; ``X said`` / ``said X`` around a reporting verb (with "he said"
resolved to the last person named); the sentence's subject (the first actor not governed
by a preposition, standing before the sentence's predicate); a pronoun opening it. Then a
relative clause gets its antecedent; after the article is read, transcript answers their
speaker and quotations without a speaker their neighbour's; per target, the plan itself
("the paper calls for", the plan's author) and the agent of "supported by X". Stances
come from ``tracker.coder.stance``.
"""

from __future__ import annotations

from operator import attrgetter
from typing import Final

from tracker.coder.facts import (
    ArticleContext,
    Draft,
    Finding,
    Holder,
    SentenceFacts,
    dedupe_findings,
)
from tracker.coder.holders.base import Rules, cue_words, dedupe, last_clause_from
from tracker.coder.holders.plan import (
    PLAN_MEMORY,
    named_document_owners,
    plan_pronoun,
    plan_text,
)
from tracker.coder.holders.pronouns import anaphors
from tracker.coder.holders.quotes import quote_speaker
from tracker.coder.holders.registry import SENTENCE_RULES
from tracker.coder.holders.subjects import RELATIVE_PLAN, agent, praised, relative_clause
from tracker.coder.holders.transcripts import dateline, transcript_turn, turn
from tracker.coder.link import PhraseMatch, rounded
from tracker.coder.stance import Cue, Stance, _linking, find_cues, soft_breaks, stance_of
from tracker.coder.text import Word, stem

OPEN_QUOTES: Final = '“‘«"'
COMPLEMENT_GAP: Final = 6  # words between a target and another in a prepositional phrase after it
_BY_START: Final = attrgetter("start")
# Rules (by id) whose holder, with no stance word in the sentence, is only described by it.
DESCRIBING_RULES: Final = frozenset(
    {"subject", "transcript_turn", "relative_clause", "reported_subject"}
)
# Rules (by id) that give a whole sentence its holders after the article is read.
SECOND_PASS_RULES: Final = frozenset({"transcript_turn", "quote_speaker"})


class Attributor(Rules):
    """Runs the holder rules over an article's sentences and drafts the positions they find."""

    # -- first pass: holders ------------------------------------------------

    def read_sentence(
        self,
        text: str,
        words: list[Word],
        links: dict[int, PhraseMatch],
        plan_matches: list[PhraseMatch],
        context: ArticleContext,
        inside_quote: bool,
    ) -> SentenceFacts:
        norms = [w.norm for w in words]
        stems = [w.stem for w in words]
        cues = [
            c
            if not c.negated or self._negated(norms, c.start)
            else Cue(c.start, c.end, c.polarity, c.text)
            for c in find_cues(self.lexicon, stems, [w.capital for w in words])
        ]  # "noting that…" stems to "not": only a negation word itself negates
        resolved = []
        mentions = self.registry.mentions(words, context.day)  # in order
        introduced = self.registry.discover(text, words, mentions)
        if introduced:
            mentions = sorted(mentions + introduced, key=_BY_START)
        mentions = anaphors(self, words, norms, mentions, context)
        dateline_ = dateline(text)
        for mention in mentions:
            if dateline_ and words[mention.start].start < dateline_.end():
                continue  # a dateline names a place, not a speaker
            word = self.registry.one_word_name(words, mention)
            actor_id = None if word is None else self.registry.named_by_word(word, context.recent)
            if actor_id is None:
                actor_id = self.registry.named_title_holder(mention, context.recent)
            if actor_id is None:
                actor_id = context.resolve(mention)
            if actor_id is not None:
                resolved.append((mention, actor_id))
        plan_matches = [
            m
            for m in plan_matches
            if not (m.start and norms[m.start - 1] in self.lexicon.generic_determiners)
        ] or plan_pronoun(self, norms, stems, cues, context)
        stripped = text.lstrip()
        facts = SentenceFacts(
            text=text,
            words=words,
            norms=norms,
            stems=stems,
            cues=cues,
            breaks=soft_breaks(self.lexicon, words),
            actors=resolved,
            holders=[],
            quoted=inside_quote or stripped[:1] in OPEN_QUOTES,
            links=links,
            plan_matches=plan_matches,
        )
        facts.turn = turn(facts)
        facts.plan_just_named = bool(plan_matches) or (
            context.plan is not None and context.since_plan < 1
        )
        facts.plan_recent = context.plan is not None and context.since_plan < PLAN_MEMORY
        facts.holders = dedupe(self.holders(facts, context) + praised(self, facts))
        starts = [i for i, n in enumerate(norms) if i and n in self.lexicon.clause_breaks]
        if starts:  # "China has welcomed the talks, while Kyiv says…": each clause its own
            bounds = [0, *starts, len(norms)]
            facts.clause_holders = {
                lo: dedupe(self.holders(facts, context, lo, hi))
                for lo, hi in zip(bounds, bounds[1:], strict=False)
            }
        relative_clause(self, facts)
        context.earlier = context.speakers
        context.speakers = [h for h in facts.holders if h.speaks]
        context.holders += [h.actor_id for h in facts.holders]
        held = list(dict.fromkeys(h.actor_id for h in facts.holders if h.rule_id != "praised"))
        context.plural = held if len(held) > 1 else []
        subjects = [  # "He welcomed…. He said…": he is still the same
            h.actor_id for h in facts.holders if h.rule_id == "pronoun"
        ] + [  # "Mr Blinken travelled to…. He said…": he is Blinken
            actor_id
            for mention, actor_id in resolved
            if self.registry.actors[actor_id].kind == "person"
            and mention.via != "anaphor"
            and not self.is_object(norms, mention, resolved)
            and not words[mention.end - 1].possessive
        ]
        if subjects or resolved or facts.holders:
            # a sentence that names no one ("“I will try to be polite.”") leaves "he" as it was
            context.subjects = subjects
        for _, actor_id in resolved:
            context.recent.append(actor_id)
            if self.registry.actors[actor_id].kind == "person":
                context.persons.append(actor_id)
        owners = named_document_owners(self, facts)
        if owners:
            context.document_owners, context.since_document = owners, 0
        else:
            context.since_document += 1
        if plan_matches and plan_matches[0].phrase != "it":
            context.plan, context.since_plan = plan_matches[0], 0
        else:
            context.since_plan += 1
        return facts

    def _negated(self, norms: list[str], start: int) -> bool:
        """A negation word shortly before the cue, with no verb of its own between them:
        "you don't offer an unrealistic plan" negates the offer, not "unrealistic"."""
        lex = self.lexicon
        for j in range(max(0, start - lex.negation_scope), start):
            if norms[j] in lex.negation_words and all(
                _linking(lex, w) or stem(w) in lex.auxiliaries or w in lex.negation_bridges
                for w in norms[j + 1 : start]
            ):
                return True
        return False

    def holders(
        self, facts: SentenceFacts, context: ArticleContext, lo: int = 0, hi: int | None = None
    ) -> list[Holder]:
        """The holders of the sentence, or of its clause from word lo to word hi: those of
        the first sentence rule that answers."""
        hi = len(facts.norms) if hi is None else hi
        actors = [(m, a) for m, a in facts.actors if lo <= m.start < hi]
        for rule in SENTENCE_RULES:
            found = rule(self, facts, context, actors, lo, hi)
            if found is not None:
                return found
        return []

    # -- second pass: transcripts and quotations ---------------------------------

    def fill_quote_speakers(self, sentences: list[SentenceFacts]) -> None:
        """Transcript answers take their speaker, then a quotation with no speaker takes
        the speaker of its neighbouring sentence."""
        transcript_turn(self, sentences)
        quote_speaker(sentences)

    # -- positions ---------------------------------------------------------------

    def positions(self, facts: SentenceFacts) -> list[Finding]:
        return dedupe_findings(self.drafts(facts))

    def drafts(self, facts: SentenceFacts) -> list[Draft]:
        """Every position the rules find in the sentence, before the best per actor and
        target is kept: the candidates the decision step reads."""
        targets: list[PhraseMatch] = list(facts.links.values()) + facts.plan_matches
        if not targets:
            return []
        plan_subject = plan_text(self, facts)
        cues = facts.cues
        breaks = facts.breaks
        others = list(facts.links.values())
        findings: list[Draft] = []
        for match in targets:
            author = self.plan_author.get(match.target.plan)
            holders = self._holders_of(facts, match)
            if plan_subject and author is not None and match.target.kind != "plan":
                holders.append(Holder(author, plan_subject, "plan_text", "the plan says"))
            findings += agent(self, facts, match)
            if not holders:
                continue
            others_here = [m for m in others if m is not match]
            own = self._own_cues(facts, match, holders) if match.target.kind == "plan" else cues
            stances: dict[int, Stance] = {}
            for holder in holders:
                # "voted against a resolution demanding…": its stance starts at its verb
                verb = holder.verb if 0 <= holder.verb < match.start else -1
                if verb not in stances:
                    stances[verb] = stance_of(
                        self.lexicon,
                        facts.norms,
                        facts.stems,
                        breaks,
                        [c for c in own if c.start >= verb],
                        match,
                        others_here,
                    )
                result = stances[verb]
                if result.stance is None:
                    continue
                if result.omission and (
                    holder.rule_id == "plan_text"
                    or holder.rule == RELATIVE_PLAN  # a relative clause on the plan
                    or not any(c.text in self.lexicon.lacks for c in result.cues)
                ):  # "it does not ask Russia to withdraw": what a text leaves out is no
                    continue  # one's position; "elements were missing: X" is the critic's
                if not result.cues and holder.rule_id in DESCRIBING_RULES:
                    continue  # a subject with no stance word is description, not a position
                if not result.cues and self._complement(facts, match, others_here):
                    continue  # "sanctions on Russia's energy sector": where the sanctions bite
                if holder.actor_id == author and match.target.kind == "plan":
                    continue  # the author backing its own plan is not news
                if self.registry.actors[holder.actor_id].kind != "person" and any(
                    a == holder.actor_id and m.start < match.end and match.start < m.end
                    for m, a in facts.actors
                ):
                    continue  # "…, the IAEA said": naming the speaker is no stance on it
                findings.append(
                    Draft(
                        holder.actor_id,
                        match.target.id,
                        result.stance,
                        rounded(match.score * (1.0 if result.cues else 0.7), 3),
                        holder.mention,
                        holder.rule_id,
                        holder.rule,
                        [cue_words(facts, c) for c in result.cues],
                        match,
                    )
                )
        return findings

    def _complement(
        self, facts: SentenceFacts, match: PhraseMatch, others: list[PhraseMatch]
    ) -> bool:
        """The target names what something a point is against bears on: "sanctions on
        Russia's energy sector" (a prepositional phrase after the other, no "and" between)."""
        lex = self.lexicon
        for other in others:
            gap = facts.norms[other.end : match.start]
            if (
                other.polarity < 0
                and other.end <= match.start
                and len(gap) <= COMPLEMENT_GAP
                and not lex.object_markers.isdisjoint(gap)
                and lex.soft_breaks.isdisjoint(gap)
                and lex.clause_breaks.isdisjoint(gap)
                and not any(stem(w) in lex.auxiliaries for w in gap)  # one noun phrase
            ):
                return True
        return False

    @staticmethod
    def _own_cues(facts: SentenceFacts, match: PhraseMatch, holders: list[Holder]) -> list[Cue]:
        """The cues minus those of clauses held by others: "Moscow welcomed the paper, while
        Kyiv disagreed with it" is not a mixed view of anyone's."""
        ids = {h.actor_id for h in holders}
        bounds = [*sorted(facts.clause_holders), len(facts.norms)]
        foreign = [
            (lo, hi)
            for lo, hi in zip(bounds, bounds[1:], strict=False)
            if not lo <= match.start < hi
            and facts.clause_holders[lo]
            and not ids & {h.actor_id for h in facts.clause_holders[lo]}
        ]
        return [c for c in facts.cues if not any(lo <= c.start < hi for lo, hi in foreign)]

    @staticmethod
    def _holders_of(facts: SentenceFacts, match: PhraseMatch) -> list[Holder]:
        """The holders of the target's clause when it has its own, else the sentence's."""
        clause = last_clause_from(facts, match.start)
        own = facts.clause_holders.get(clause) if clause is not None else None
        if own and own[0].rule_id == "relative_clause":
            return list(own)
        if own and facts.holders and facts.holders[0].rule_id not in SECOND_PASS_RULES:
            return list(own)
        later = -1  # the first clause after the target's
        for lo in facts.clause_holders:
            if lo > match.start and (later < 0 or lo < later):
                later = lo
        if later >= 0:  # "X said…" in a later clause speaks for that clause, not this one
            return [h for h in facts.holders if not h.verb >= later]
        return list(facts.holders)
