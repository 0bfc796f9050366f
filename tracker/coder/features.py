"""Named features of candidates, the input of the learned decision.

A feature is a string that is present or not (value 1): "src:holder:reporting_verb",
"kind:person", "cue:oppose". Numbers enter as buckets ("m:0.9"). Plain strings keep
the model a readable table (feature -> weight) that an analyst can inspect, and the
scoring path a few dictionary look-ups.
"""

from __future__ import annotations

from tracker.coder.actors import ActorInfo
from tracker.coder.candidates import ActorCandidate, Proposer, SentenceProposals
from tracker.coder.link import PhraseMatch, TargetSpec


def bucket(value: float) -> str:
    """A link score as one of a few named steps. (Written out: mypyc left a module-level
    tuple of these unset when it was read inside a function.)"""
    if value >= 0.99:
        return "0.99"
    if value >= 0.95:
        return "0.95"
    if value >= 0.9:
        return "0.9"
    if value >= 0.85:
        return "0.85"
    if value >= 0.8:
        return "0.8"
    if value >= 0.7:
        return "0.7"
    if value >= 0.6:
        return "0.6"
    return "low"


def _near(distance: int) -> str:
    if distance <= 2:
        return "0-2"
    if distance <= 5:
        return "3-5"
    if distance <= 10:
        return "6-10"
    return "11+"


def sentence_features(sp: SentenceProposals) -> list[str]:
    """Features of the sentence shared by every target: its word stems."""
    stems = sp.facts.stems
    seen: set[str] = set()
    out: list[str] = []
    for s in stems:  # word pairs were tried too: cross-validated links fell (0.856 to 0.841)
        feature = "w:" + s
        if feature not in seen:
            seen.add(feature)
            out.append(feature)
    if sp.facts.plan_matches:
        out.append("plan_named")
    return out


def link_features(sp: SentenceProposals, target: TargetSpec) -> list[str]:
    """Features of one target in the sentence (its best phrase match), beside the shared ones."""
    match = sp.matches.get(target.id)
    if match is None:
        return ["m:none"]
    out = ["m:" + bucket(match.score), "p:" + match.phrase]
    if target.id in sp.facts.links:
        out.append("m:rule_link")
    if match.polarity < 0:
        out.append("m:against")
    return out


# How many words an omission cue may stand before the target's phrase it leaves out.
OMISSION_REACH = 8
# Auxiliaries, negations and adverbs that may stand between an actor named and its stance
# verb ("has also backed", "did not support").
CUE_REACH = 3
# How many words may stand between a target's phrase and an outcome condition after it
# ("Peace, he argued, should rest on").
CONDITION_REACH = 4
# Words on either side of a target's phrase that the stance model reads (3 to 10 tried:
# 4 best, by 0.002 of cross-validated positions F1 over 6).
STANCE_WINDOW = 4
# Features the stance model also reads crossed with the target's key: "reject" before
# "ceasefire" is not "reject" before "sovereignty".
_CROSSED_WITH_TARGET = ("cuew", "near:", "after:")


def target_name(target: TargetSpec) -> str:
    """A target as the features that are crossed with it name it: a point or an issue with
    its plan ("china-2023:1"), since one plan's point 1 is not another's, and a plan as a
    whole as "plan", which every plan shares: positions on a plan as a whole read alike,
    whoever wrote it. A plan of an analyst's own thus gets the shipped model's weights for
    what a sentence says of a plan, and none of its weights for the shipped plan's points."""
    return "plan" if target.kind == "plan" else target.plan + ":" + target.key


def side_feature(info: ActorInfo, target: TargetSpec) -> str:
    """The side the actor speaks for (a person's affiliation; a state or organisation is
    its own) with the target: "side:Russia|china-2023:troop-withdrawal". Where the words
    leave it open, who speaks weighs whether a sentence is that actor's position, and on
    which side: a state's officials hold their government's line from one article to the
    next. The weights are learned from the hand-coded articles like every other feature,
    so they follow the registry's affiliations, not a list in the code. A person the
    registry does not know has the state their description names ("Jane Roe, a Chinese
    envoy"), else their own name, which weighs nothing unless training saw it twice. The
    target is named with its plan: a side's line on one plan's point 1 says nothing of
    another plan's point 1, so a plan of an analyst's own gets no weight from a model
    trained on another plan's articles.

    Cross-validated positions F1 rose from 0.6499 to 0.6560 on the mean of fold seeds 0 to
    5 (all six up), by affiliation 0.6719 to 0.6790. Trained on earlier articles and scored
    on later ones, as a stance that changes over time would test it, it rose in three
    splits of four (from 2024-01, 2024-07 and 2025-07 on; fell by 0.004 from 2025-01 on).
    Tried beside it and left out: the side alone (0.6546), the actor with the target
    (0.6559), the side and target crossed with the target's cue stance (0.6555)."""
    # the plan's name even for a plan as a whole (not ``target_name``): sentences about any
    # plan read alike, but a side's line on one plan is not its line on another
    return "side:" + (info.affiliation or info.name) + "|" + target.plan + ":" + target.key


class PositionFeatures:
    """The features of an (actor, target) candidate in a sentence."""

    def __init__(self, proposer: Proposer) -> None:
        self.proposer = proposer

    def sentence(self, sp: SentenceProposals) -> list[str]:
        f = sp.facts
        out = [
            "n_named:" + str(min(len(f.actors), 4)),
            "n_actors:" + str(min(len(sp.actors), 5)),
        ]
        if f.quoted:
            out.append("quoted")
        if sp.turn_speaker:
            out.append("transcript")
        for cue in f.cues:
            out.append(("cuew:" if not cue.negated else "cuew_neg:") + cue.text)
        if any(c.negated for c in f.cues):
            out.append("negated_cue")
        if sp.position == 0:
            out.append("first_sentence")
        return out

    def target(
        self, sp: SentenceProposals, target: TargetSpec, match: PhraseMatch | None
    ) -> list[str]:
        key = target_name(target)
        out = ["t:" + key]
        if match is not None:
            cue = self.proposer.cue_stance(sp, match) if match.target.kind != "plan" else None
            out.append("cue:" + (cue or "none"))
            out.append("t:" + key + "|cue:" + (cue or "none"))
            out.append("tm:" + bucket(match.score))
            if match.polarity < 0:
                out.append("against_phrase")
            if self.omitted(sp, match):
                out.append("omitted")
        else:
            out.append("cue:nomatch")
        stances = sorted({d.stance for d in sp.drafts if d.target_id == target.id})
        out.append("rule_any:" + ("|".join(stances) if stances else "none"))
        return out

    def omitted(self, sp: SentenceProposals, match: PhraseMatch) -> bool:
        """An omission cue shortly before the target's phrase ("does not ask Russia to
        withdraw its troops"): the guide gives what a text leaves out to no one. It governs
        the target in its own stretch of the clause, not one past a comma or an "and" ("for
        not demanding a withdrawal, also backed prisoner exchanges")."""
        breaks = sp.facts.breaks
        for _, end in self.proposer.lexicon.omissions.find(sp.facts.stems):
            if (
                end <= match.start
                and match.start - end <= OMISSION_REACH
                and True not in breaks[end : match.start + 1]
            ):
                return True
        return False

    def conditioned(self, sp: SentenceProposals, match: PhraseMatch) -> bool:
        """The target's phrase is the outcome of a condition ("peace must rest on X",
        "peace would only be possible if X", "peace, he argued, should rest on X"): an
        outcome condition within a few words after it. The guide gives such a sentence's
        holder a position on X and none on the outcome."""
        conditions = self.proposer.lexicon.outcome_conditions
        if conditions is None:
            return False
        for start, _ in conditions.find(sp.facts.stems):
            if match.end <= start <= match.end + CONDITION_REACH:
                return True
        return False

    def actor(
        self,
        sp: SentenceProposals,
        candidate: ActorCandidate,
        target: TargetSpec,
        match: PhraseMatch | None,
        author: int | None,
    ) -> list[str]:
        """All of an (actor, target) candidate's own features: the plain form of
        ``actor_part`` (the same for every target) and ``pair``."""
        return self.actor_part(sp, candidate) + self.pair(sp, candidate, target, match, author)

    def actor_part(self, sp: SentenceProposals, candidate: ActorCandidate) -> list[str]:
        """The actor's features that do not depend on the target."""
        info = candidate.info
        out = ["kind:" + info.kind]
        for source in sorted(candidate.sources):
            out.append("src:" + source)
            out.append("src:" + source + "|kind:" + info.kind)
        if len(candidate.sources) == 1:
            out.append("only:" + next(iter(candidate.sources)))
        mention = candidate.mention
        if mention is not None:
            words = sp.facts.words
            stems = sp.facts.stems
            out.append("via:" + mention.via)
            out.append("prev:" + (stems[mention.start - 1] if mention.start else "^"))
            out.append("next:" + (stems[mention.end] if mention.end < len(stems) else "$"))
            for s in stems[mention.end + 1 : mention.end + 4]:
                out.append("after3:" + s)
            for s in stems[max(0, mention.start - 4) : max(0, mention.start - 1)]:
                out.append("before3:" + s)
            text = sp.facts.text
            opened = text.count("“", 0, words[mention.start].start) + text.count(
                '"', 0, words[mention.start].start
            )
            closed = text.count("”", 0, words[mention.start].start)
            if opened > closed and (opened - closed) % 2 == 1 or sp.facts.quoted:
                out.append("in_quote")
            if words[mention.end - 1].possessive:
                out.append("possessive")
            if mention.start == 0:
                out.append("starts_sentence")
            elif self.opens_reported_clause(sp, mention.start):
                out.append("after_reporting_verb")
            first = sp.facts.actors[0][0] if sp.facts.actors else None
            if first is mention:
                out.append("first_named")
            verb = self.cue_after(sp, mention.end)
            if verb is not None:
                out.append("cue_after_mention:" + verb)
                if candidate.sources == {"named"}:
                    out.append("cue_after_mention:" + verb + "|only_named")
        else:
            out.append("not_named")
        others = [c.info for c in sp.actors.values() if c.info.id != info.id]
        if info.kind == "person":
            if any(o.kind != "person" and o.name == info.affiliation for o in others):
                out.append("own_state_present")
        elif any(o.kind == "person" and o.affiliation == info.name for o in others):
            out.append("own_person_present")
        return out

    def cue_after(self, sp: SentenceProposals, end: int) -> str | None:
        """The polarity ("+", "-" or "~" for mixed, then "neg" when negated) of a stance cue
        that follows a mention as its verb would, past the actors coordinated with it,
        auxiliaries, negations and adverbs ("the United States has also backed", "Russia
        and Ukraine have rejected", "Beijing did not support"): the actor named is the
        subject of a stance, wherever it stands in the sentence. A feature of what the
        rules' holders miss: the subject of a clause that is not the sentence's first, or
        in a relative clause after the target. Cross-validated positions F1 rose by 0.0010
        on the mean of six fold seeds (five up, one down by 0.0004)."""
        lexicon = self.proposer.lexicon
        facts = sp.facts
        norms, stems = facts.norms, facts.stems
        j = end
        while j + 1 < len(norms) and norms[j] in lexicon.soft_breaks:  # "Russia and Ukraine"
            nxt = next((m.end for m, _ in facts.actors if m.start in (j + 1, j + 2)), None)
            if nxt is None:
                break
            j = end = nxt
        while (
            j < len(norms)
            and j < end + CUE_REACH
            and (
                stems[j] in lexicon.auxiliaries
                or norms[j] in lexicon.negation_words
                or norms[j].endswith("ly")
            )
        ):
            j += 1
        for cue in facts.cues:
            if cue.start == j:
                sign = "+" if cue.polarity > 0 else "-" if cue.polarity < 0 else "~"
                return sign + ("neg" if cue.negated else "")
        return None

    def opens_reported_clause(self, sp: SentenceProposals, start: int) -> bool:
        """Word ``start`` begins a clause that a reporting verb introduces ("he said China
        had…", "told reporters that Kyiv…"): the guide gives a reported stance to whom it
        reports, and the rule ``reported_subject`` finds only those with a stance verb.
        Cross-validated positions F1 rose by 0.0008 on the mean of six fold seeds (five up,
        one equal)."""
        lexicon = self.proposer.lexicon
        norms = sp.facts.norms
        for _, end in lexicon.reporting.find(sp.facts.stems):  # cached for the sentence
            if start == end or (start == end + 1 and norms[end] in lexicon.complementizers):
                return True
        return False

    def pair(
        self,
        sp: SentenceProposals,
        candidate: ActorCandidate,
        target: TargetSpec,
        match: PhraseMatch | None,
        author: int | None,
    ) -> list[str]:
        """The features of the actor with this target."""
        info = candidate.info
        out = [side_feature(info, target)]
        best = None
        other = False
        for d in sp.drafts:
            if d.target_id == target.id:
                if d.actor_id != info.id:
                    other = True
                elif best is None or d.score > best.score:
                    best = d
        if best is not None:
            out.append("rule:" + best.stance)
            out.append("rule:" + best.stance + "|t:" + target_name(target))
        else:
            out.append("rule:none")
            if other:
                out.append("rule:other_actor")
        mention = candidate.mention
        if mention is not None and match is not None:
            if mention.end <= match.start:
                out.append("before_target:" + _near(match.start - mention.end))
            elif mention.start >= match.end:
                out.append("after_target:" + _near(mention.start - match.end))
            else:
                out.append("inside_target")
        if author is not None and info.id == author:
            out.append("is_author")
            out.append("is_author|t:" + ("plan" if target.kind == "plan" else "point"))
            if match is not None and self.omitted(sp, match):
                out.append("is_author|omitted")
        return out

    def stance(
        self,
        sp: SentenceProposals,
        features: list[str],
        target: TargetSpec,
        match: PhraseMatch | None,
    ) -> list[str]:
        """The stance model's features of a kept candidate: its own, the word stems just
        before and after its target's phrase, and those and its cue words with the target.
        (Tried and left out: the sentence's words, a general sentiment lexicon.)"""
        return features + self.stance_context(sp, features, target, match)

    def stance_context(
        self,
        sp: SentenceProposals,
        features: list[str],
        target: TargetSpec,
        match: PhraseMatch | None,
    ) -> list[str]:
        """What ``stance`` adds to a candidate's features: the words around the target's
        phrase, and those and the cue words crossed with the target. It depends on the
        sentence and the target alone (no actor's feature is crossed), so a target's is
        made once for all its candidates."""
        out: list[str] = []
        if match is not None:
            stems = sp.facts.stems
            for s in stems[max(0, match.start - STANCE_WINDOW) : match.start]:
                out.append("near:" + s)
            for s in stems[match.end : match.end + STANCE_WINDOW]:
                out.append("after:" + s)
        suffix = "|" + target_name(target)
        crossed = [f + suffix for f in features if f.startswith(_CROSSED_WITH_TARGET)]
        crossed += [f + suffix for f in out]
        return out + crossed
