"""Subjects: the actor a clause is about holds what it says.

``subject``: the first actor not governed by a preposition, standing before the clause's
predicate ("China supports a ceasefire"); ``reported_subject``: a named subject of a
reported clause with a stance verb of its own ("The White House said Russia and Ukraine
had agreed to…"); ``relative_clause``: "Moscow, which welcomed the ceasefire, …";
``agent``: "a ceasefire, supported by Ukraine, …"; ``praised``: "Scholz praised Xi for
opposing nuclear threats" (Xi too).
"""

from __future__ import annotations

from typing import Final

from tracker.coder.actors import Mention
from tracker.coder.facts import ArticleContext, Draft, Holder, SentenceFacts
from tracker.coder.holders.base import Rules, cue_words, dedupe, hold_span
from tracker.coder.holders.plan import document_owners
from tracker.coder.link import PhraseMatch, rounded
from tracker.coder.text import stem

# Two variants within one rule, told apart by their explanation (the rule id is the same):
# the speaker of a relative clause ("Zelensky, who had said…", a ``reporting_verb`` holder),
# and the plan's author holding a relative clause on the plan (a ``relative_clause`` holder).
RELATIVE_SPEAKER: Final = "reporting verb: X, "
RELATIVE_PLAN: Final = "relative: the plan says"


def subject(
    rules: Rules,
    facts: SentenceFacts,
    context: ArticleContext,
    actors: list[tuple[Mention, int]],
    lo: int,
    hi: int,
) -> list[Holder] | None:
    """The clause's first actor that is not an object or a possessive, if it is a subject."""
    for mention, actor_id in actors:
        if rules.is_object(facts.norms, mention, actors) or facts.words[mention.end - 1].possessive:
            continue
        if rules.is_subject(facts, mention):
            return rules.coordinated(facts, mention, actor_id, "subject", "subject")
        break
    return None


def reported_subject(
    rules: Rules,
    facts: SentenceFacts,
    actors: list[tuple[Mention, int]],
    end: int,
    hi: int,
    speaker: int,
) -> list[Holder]:
    """ "the White House said Russia and Ukraine had agreed to…": a named subject of the
    reported clause with a stance verb of its own holds it, unless it is the speaker or
    the speaker's own state ("Mao Ning said China welcomed…" stays Mao Ning's)."""
    lex, norms, stems = rules.lexicon, facts.norms, facts.stems
    start = end + (end < hi and norms[end] in lex.complementizers)
    first = next(((m, a) for m, a in actors if m.start == start), None)
    if first is None or first[0].via == "anaphor" or facts.words[first[0].end - 1].possessive:
        return []
    holders = rules.coordinated(facts, first[0], first[1], "reported_subject", "reported subject")
    j = first[0].end
    for holder in holders[1:]:
        j = max(j, next((m.end for m, a in actors if a == holder.actor_id and m.start >= j), j))
    while j < hi and (  # "had each agreed", "has also welcomed", "fully backed"
        norms[j] in lex.determiners or stems[j] in lex.auxiliaries or norms[j].endswith("ly")
    ):
        j += 1
    if j >= hi or not (lex.support.at(stems, j) or lex.oppose.at(stems, j)):
        return []  # "Ukraine should be a party to…": no act of the subject's own
    info = rules.registry.actors[speaker]
    own = {speaker} | {a.id for a in rules.registry.actors.values() if a.name == info.affiliation}
    if any(h.actor_id in own for h in holders):
        return []
    return holders


def relative_clause(rules: Rules, facts: SentenceFacts) -> None:
    """ "Moscow, which welcomed the paper, …": a relative clause with a stance word is its
    antecedent's, and the sentence's holders take over again after it. After a document
    ("its paper, which calls for…", "Kyiv's formula, which demands…") it is the owner's."""
    for lo, hi in rules.relative_clauses(facts):
        antecedent = [
            (m, a) for m, a in facts.actors if m.end == lo and not facts.words[m.end - 1].possessive
        ]
        if not any(lo <= c.start < hi and c.polarity for c in facts.cues):
            continue
        # a speaker reporting the clause holds it too: "he told CNN that its paper, which…"
        speakers = [
            h
            for h in facts.holders
            if h.speaks and not h.rule.startswith(RELATIVE_SPEAKER)  # another clause's
        ]
        plans = [m for m in facts.plan_matches if m.end == lo and m.phrase != "it"]
        author = rules.plan_author.get(plans[0].target.plan) if plans else None
        if author is not None:  # "its paper, which calls for…": what the plan says
            holder = Holder(author, plans[0].phrase, "relative_clause", RELATIVE_PLAN)
            hold_span(facts, lo, hi, [holder] + speakers)
            continue
        if not antecedent:
            owners = document_antecedent(rules, facts, lo)
            if owners:  # "Kyiv's peace formula, which calls for…": what the document says
                rule = f"relative: X's {facts.norms[lo - 1]}, {facts.norms[lo]} …"
                holders = [Holder(a, surface, "relative_clause", rule) for a, surface in owners]
                hold_span(facts, lo, hi, dedupe(holders + speakers))
            continue
        mention, actor_id = antecedent[-1]
        if any(h.actor_id == actor_id and h.speaks for h in facts.holders):
            continue  # "Zelensky, who had said…": already the sentence's speaker
        rule = f"relative: X, {facts.norms[lo]} …"
        head, head_id = rules.coordination_head(facts, mention)  # "Kyiv and its backers, who"
        hold_span(
            facts,
            lo,
            hi,
            dedupe(rules.coordinated(facts, head, head_id, "relative_clause", rule) + speakers),
        )


def document_antecedent(rules: Rules, facts: SentenceFacts, lo: int) -> list[tuple[int, str]]:
    """The owners of a document that a relative clause at word ``lo`` follows ("Kyiv's peace
    formula, which…", "the Indonesian proposal, which…"): the guide gives the content of an
    initiative to its authors."""
    if lo == 0 or facts.norms[lo - 1] not in rules.lexicon.documents:
        return []
    return document_owners(rules, facts, facts.actors, 0, lo - 1)


def agent(rules: Rules, facts: SentenceFacts, match: PhraseMatch) -> list[Draft]:
    """ "a ceasefire … supported by Ukraine and the Europeans": the agents of a stance
    participle after the target hold it."""
    norms, lex = facts.norms, rules.lexicon
    for cue in facts.cues:
        if not cue.polarity or not match.end <= cue.start <= match.end + 6:
            continue
        if any(n in lex.clause_breaks for n in norms[match.end : cue.start]):
            break
        if cue.end < len(norms) and norms[cue.end] in lex.agent_markers:
            found = next(
                ((m, a) for m, a in facts.actors if cue.end < m.start <= cue.end + 2), None
            )
        else:  # "the ceasefire the U.S. president had been seeking": a relative clause
            found = next(
                (
                    (m, a)
                    for m, a in facts.actors
                    if match.end <= m.start <= match.end + 1
                    and m.end < cue.start
                    and all(
                        n in lex.determiners
                        or stem(n) in lex.auxiliaries
                        or n in lex.passive_auxiliaries
                        for n in norms[match.end : m.start] + norms[m.end : cue.start]
                    )
                ),
                None,
            )
            if found is None:
                continue
        if found is None:
            return []
        value = match.polarity * cue.value
        return [
            Draft(
                h.actor_id,
                match.target.id,
                "support" if value > 0 else "oppose",
                rounded(match.score, 3),
                h.mention,
                h.rule_id,
                h.rule,
                [cue_words(facts, cue)],
                match,
            )
            for h in rules.coordinated(
                facts, found[0], found[1], "agent", f"agent: {norms[cue.start]} by X"
            )
        ]
    return []


# Words that may stand between a verb of praise and the one praised: "thanked his guest",
# "welcomed the American proposal", "praised China's".
PRAISED_REACH: Final = 3


def praised(rules: Rules, facts: SentenceFacts) -> list[Holder]:
    """ "Scholz praised Xi for opposing nuclear threats", "welcomed Mr Trump's efforts to end
    the war": who is praised or thanked for a stance holds it too (the guide: praise and
    thanks are the speaker's endorsement, and the praised keep their own)."""
    stems, norms = facts.stems, facts.norms
    verbs = rules.lexicon.praise_verbs
    adjectives = rules.registry.adjectives
    out: list[Holder] = []
    for i, s in enumerate(stems):
        if s not in verbs:
            continue
        reach = range(i + 1, min(len(norms), i + 1 + PRAISED_REACH))
        found = next(((m, a) for m, a in facts.actors if m.start in reach), None)
        if found is not None:
            out.append(Holder(found[1], found[0].surface, "praised", f"praised: {norms[i]} X"))
            continue
        for k in reach:
            owner = adjectives.get(norms[k])
            if owner is not None:  # "welcomed the American proposal"
                out.append(Holder(owner, norms[k], "praised", f"praised: {norms[i]} X"))
                break
    return out
