"""The plan's own text: "the paper calls for…", "It also mentions…", "some of its points".
What the plan says stands for its author (the ``plan_text`` rule); "it" and "its" are the
plan named just before. Any document named after its owner speaks for the owner too
("Moscow's document demands…": the ``document_owner`` rule), and so do its parts a few
sentences after the owners put it forward ("China and Brazil issued a joint statement.
Its first point asks…"); several governments' document is their states'."""

from __future__ import annotations

from typing import Final

from tracker.coder.actors import Mention
from tracker.coder.facts import ArticleContext, Holder, SentenceFacts
from tracker.coder.holders.base import Rules
from tracker.coder.link import PhraseMatch
from tracker.coder.stance import Cue

PLAN_MEMORY: Final = 4  # sentences during which "it" can still mean the plan


def plan_text(rules: Rules, facts: SentenceFacts) -> str | None:
    """The plan as the sentence's subject: "It calls for…", "Its points include…"; the words
    that name it, or None."""
    lex = rules.lexicon
    for start, end in lex.plan_subjects.find(facts.stems):
        pronoun = facts.norms[start] in lex.plan_pronouns
        if pronoun and not facts.plan_just_named and not document_speaks(rules, facts, start):
            continue  # "it" is the plan only right after the plan was named
        if start > 0 and (  # "Russia welcomed the paper", "criticised it": its object
            facts.norms[start - 1] in lex.object_markers
            or lex.support.at(facts.stems, start - 1)
            or lex.oppose.at(facts.stems, start - 1)
        ):
            continue
        if end > 8 and (  # later on, only "its …" as a subject: "…, since its calls for…"
            not pronoun or end - start < 2
        ):
            continue
        if start <= 1 or end - start > 1:
            return " ".join(facts.norms[start:end])
    for match in facts.plan_matches:
        if match.phrase != "it" and match.start <= 2:
            return match.phrase
    if facts.plan_recent:  # "Further points ask…", "Its ninth point asks…"
        for i, stem_ in enumerate(facts.stems[:4]):
            if stem_ in lex.plan_parts:
                return " ".join(facts.norms[: i + 1])
    return None


def document_speaks(rules: Rules, facts: SentenceFacts, start: int) -> bool:
    """ "It also mentions nuclear safety" a few sentences after the plan was named: a
    sentence opening with "it" and a verb only a text does is the plan's, unless "it"
    already stands for a body that spoke."""
    lex, j = rules.lexicon, start + 1
    while j < len(facts.norms) and facts.stems[j] in lex.auxiliaries:
        j += 1  # "It also mentions", "It does speak of"
    return (
        start == 0
        and facts.plan_recent
        and j < len(facts.stems)
        and facts.stems[j] in lex.document_verbs
        and not any(h.mention == facts.norms[start] for h in facts.holders)
    )


def plan_pronoun(
    rules: Rules, norms: list[str], stems: list[str], cues: list[Cue], context: ArticleContext
) -> list[PhraseMatch]:
    """ "welcomed it", "some of its points": "it" is the plan named just before."""
    lex = rules.lexicon
    if context.plan is None:
        return []
    if context.since_plan < PLAN_MEMORY:
        for cue in cues:
            if cue.polarity == 0 and context.since_plan < 2 and cue.text not in lex.mixed_adverbs:
                # "some points are clear to me…", said right after the plan was named: a
                # partial judgement of the plan ("aimed in part at…" judges no part of it)
                return [PhraseMatch(context.plan.target, "it", 1, 0.8, cue.start, cue.end)]
        for cue in cues:
            for j in range(cue.end, min(len(norms), cue.end + 3)):
                if norms[j] not in lex.plan_pronouns:
                    continue
                # "welcomed it" names the plan; "its" only with a part of it: "its points"
                part = j + 1 < len(norms) and stems[j + 1] in lex.plan_parts
                if norms[j] == "it" or part:
                    return [PhraseMatch(context.plan.target, "it", 1, 0.9, j, j + 1)]
    for cue in cues:  # a partial view of its parts: the plan, however long ago it was named
        if cue.polarity:
            continue
        j = cue.end
        if any(w in lex.plan_parts for w in stems[cue.start : cue.end]):
            return [PhraseMatch(context.plan.target, "it", 1, 0.8, cue.start, cue.end)]
        if (  # "agreed with some of its elements"
            j + 1 < len(norms) and norms[j] in lex.plan_pronouns and stems[j + 1] in lex.plan_parts
        ):
            return [PhraseMatch(context.plan.target, "it", 1, 0.8, j, j + 1)]
    return []


# Words that may stand between an owner and its document: "Kyiv's June memorandum",
# "Moscow's own 12-point plan".
OWNER_GAP: Final = 3
DOCUMENT_MEMORY: Final = 4  # sentences during which "the text" is the document named before


def document_owner(
    rules: Rules,
    facts: SentenceFacts,
    context: ArticleContext,
    actors: list[tuple[Mention, int]],
    lo: int,
    hi: int,
) -> list[Holder] | None:
    """ "Moscow's document demands…", "the Indonesian proposal asks for…": a document named
    after its owner, as the clause's subject, speaks for the owner (the guide: another
    initiative's content gives its authors positions on the points). A document or a part
    of one with no owner of its own ("The memorandum asks…", "Its first point asks…") is
    the one named up to DOCUMENT_MEMORY sentences before (``named_document_owners``), and
    so is an "it" opening the sentence right after ("Moscow's memorandum goes further. It
    also wants…")."""
    norms, stems, lex = facts.norms, facts.stems, rules.lexicon
    predicates = lex.predicate_words
    if (
        lo == 0
        and context.document_owners
        and context.since_document == 0
        and len(norms) > 1
        and norms[0] in lex.pronouns_bodies
        and any(s in predicates for s in stems[1:4])
    ):  # "Moscow's memorandum goes further. It also wants…": the document just named
        return [
            Holder(a, norms[0], "document_owner", "document: it, the one named just before")
            for a in context.document_owners
        ]
    for j in range(lo, min(hi, lo + 2 * OWNER_GAP + 2)):
        if norms[j] in lex.documents or stems[j] in lex.plan_parts:
            break
        if stems[j] in predicates:
            return None  # a predicate before any document: not the subject
    else:
        return None
    if not any(s in predicates for s in stems[j + 1 : min(hi, j + 13)]):
        return None
    owners = document_owners(rules, facts, actors, lo, j) if norms[j] in lex.documents else []
    if (
        not owners
        and context.document_owners
        and context.since_document < DOCUMENT_MEMORY
        and j - lo <= 2
        and not any(lo <= m.start < j for m, _ in actors)
    ):  # "Kyiv's memorandum … . The memorandum asks…", "Its first point asks…"
        return [
            Holder(a, norms[j], "document_owner", f"document: the {norms[j]} named before")
            for a in context.document_owners
        ]
    if not owners:
        return None
    return [
        Holder(a, surface, "document_owner", f"document: X {norms[j]}") for a, surface in owners
    ]


def document_owners(
    rules: Rules, facts: SentenceFacts, actors: list[tuple[Mention, int]], lo: int, j: int
) -> list[tuple[int, str]]:
    """Who the document named by word j belongs to, with the words that name them: an
    actor named right before it ("a UN General Assembly resolution") or a few words before
    it with a possessive ("Kyiv's June memorandum"), or a state's adjective ("the Ukrainian
    draft")."""
    owners = [
        (a, m.surface)
        for m, a in actors
        if lo <= m.start
        and m.end <= j <= m.end + OWNER_GAP
        and (m.end == j or facts.words[m.end - 1].possessive)
    ]
    adjectives = rules.registry.adjectives
    for k in range(max(lo, j - OWNER_GAP), j):
        owner = adjectives.get(facts.norms[k])
        if owner is not None and all(a != owner for a, _ in owners):
            owners.append((owner, facts.norms[k]))
    return owners


def named_document_owners(rules: Rules, facts: SentenceFacts) -> list[int]:
    """Who put forward the document the sentence names: its owner ("Kyiv's memorandum",
    "the Indonesian proposal"), or the actors of an issuing verb with a document or plan
    after it ("China and Brazil put forward a joint statement"; "the text was agreed by Wang
    Yi and Celso Amorim")."""
    lex, norms = rules.lexicon, facts.norms
    found: list[int] = []
    for j, norm in enumerate(norms):
        if norm in lex.documents:
            owners = document_owners(rules, facts, facts.actors, 0, j)
            if owners:
                found = [a for a, _ in owners]
    if found or lex.issuing is None:
        return found
    for start, end in lex.issuing.find(facts.stems):
        named = any(
            norms[k] in lex.documents or facts.stems[k] in lex.plan_parts
            for k in range(end, min(len(norms), end + 8))
        ) or any(end <= m.start < end + 8 for m in facts.plan_matches)
        passive = start > 0 and norms[start - 1] in lex.passive_auxiliaries
        if passive:  # "the text was agreed … by X and Y"
            by = next((k for k in range(end, min(len(norms), end + 6)) if norms[k] == "by"), None)
            first = next(
                ((m, a) for m, a in facts.actors if by is not None and m.start == by + 1), None
            )
            named = named or any(norms[k] in lex.documents for k in range(max(0, start - 4), start))
        else:
            before = [
                (m, a)
                for m, a in facts.actors
                if m.end <= start
                and not rules.is_object(norms, m, facts.actors)
                and not facts.words[m.end - 1].possessive
            ]
            first = rules.coordination_head(facts, before[0][0]) if before else None
        if named and first is not None:
            holders = rules.coordinated(facts, first[0], first[1], "document_owner", "document")
            return joint([h.actor_id for h in holders], rules)
    return []


def joint(owners: list[int], rules: Rules) -> list[int]:
    """A document several governments' officials issued is their states' (the guide: a
    joint statement is held by each state that issued it, even when the article names the
    officials); one author's stays theirs ("Zelensky presented his plan")."""
    if len(owners) < 2:
        return owners
    out: list[int] = []
    for actor_id in owners:
        state = rules.registry.state_of(rules.registry.actors[actor_id])
        chosen = state.id if state is not None else actor_id
        if chosen not in out:
            out.append(chosen)
    return out
