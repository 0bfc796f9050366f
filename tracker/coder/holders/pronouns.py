"""Pronouns and anaphors: who "he", "it", "the group", "the two ministers" and "the
chancellor" stand for.

Mentions are added before the rules run (``anaphors``), so every rule sees them as names;
"he said" is resolved inside ``reporting.reporting_verb``; a pronoun opening a sentence or
clause ("He rejected…", "It welcomed the talks") is the ``pronoun`` rule here.
"""

from __future__ import annotations

from operator import attrgetter
from typing import Final

from tracker.coder.actors import Mention
from tracker.coder.facts import ArticleContext, Holder, SentenceFacts
from tracker.coder.holders.base import Rules
from tracker.coder.text import Word

_BY_START: Final = attrgetter("start")


def pronoun(
    rules: Rules,
    facts: SentenceFacts,
    context: ArticleContext,
    actors: list[tuple[Mention, int]],
    lo: int,
    hi: int,
) -> list[Holder] | None:
    """ "He rejected…": the person "he" stands for; "It welcomed the talks": the bodies that
    spoke just before."""
    norms, lex = facts.norms, rules.lexicon
    if lo < len(norms) and rules.pronoun_gender(norms[lo]):
        resolved = resolve_pronoun(rules, norms[lo], facts, lo, context)
        if resolved is not None:
            return [Holder(resolved, norms[lo], "pronoun", "pronoun: subject")]
    if lo == 0 and len(norms) > 1 and norms[0] in lex.pronouns_bodies:
        if lex.support.at(facts.stems, 1) or lex.oppose.at(facts.stems, 1):
            return bodies(rules, context, norms[0], norms[1])
    return None


def bodies(
    rules: Rules,
    context: ArticleContext,
    pronoun: str,
    verb: str,
    speakers: list[Holder] | None = None,
) -> list[Holder]:
    """ "It" opening a sentence: the states, organisations or groups that spoke just before."""
    return [
        Holder(h.actor_id, pronoun, "pronoun", f"pronoun: {pronoun} {verb}")
        for h in (context.speakers if speakers is None else speakers)
        if rules.registry.actors[h.actor_id].kind != "person"
    ]


def resolve_pronoun(
    rules: Rules, word: str, facts: SentenceFacts, position: int, context: ArticleContext
) -> int | None:
    """The person a pronoun stands for: the nearest named earlier in this sentence who is
    not an object ("After meeting Mr Trump, he said…" is not Trump), else who spoke in the
    sentence before, else its subjects in their order (the main subject first, a "he" that
    opened it included), else who held positions lately, else the last person named. ("He
    welcomed the talks, crediting Josep Borrell. But a deal, he said, needed…": he is not
    Borrell.) Cross-validated positions F1 rose from 0.5855 to 0.5928 on the mean of six
    fold seeds (each step higher on the mean; the subjects in order and the opening "he"
    together higher on all six seeds). Leaving out this sentence's objects did not help
    then; once "meeting", "congratulating" and the like were object markers, positions rose
    from 0.6168 to 0.6175 (five seeds up)."""
    gender = rules.pronoun_gender(word)
    here = [
        a
        for m, a in facts.actors
        if m.end <= position
        and not rules.is_object(facts.norms, m, facts.actors)
        and not rules.in_object_apposition(facts.words, facts.norms, m)
    ]
    speakers = [h.actor_id for h in context.speakers]
    candidates = (
        here[::-1] + speakers + context.subjects + context.holders[::-1] + context.persons[::-1]
    )
    for actor_id in candidates:
        info = rules.registry.actors[actor_id]
        if info.kind == "person" and info.gender in (None, gender):
            return actor_id
    return None


def anaphors(
    rules: Rules,
    words: list[Word],
    norms: list[str],
    mentions: list[Mention],
    context: ArticleContext,
) -> list[Mention]:
    """ "the group said", "They pledged": the last actor of a fitting kind named before."""
    taken = {i for m in mentions for i in range(m.start, m.end)}
    found = []
    if context.plural and rules.lexicon.pronouns_plural:
        for i, norm in enumerate(norms):  # "They also pledged…": the sentence before's holders
            if norm in rules.lexicon.pronouns_plural and i not in taken:
                taken.add(i)
                for actor_id in context.plural:
                    found.append(Mention(i, i + 1, (actor_id,), "collective", norm))
    for start, end in rules.anaphors.find(norms):
        if taken & set(range(start, end)):
            continue
        kinds = rules.anaphor_kinds[tuple(norms[start:end])]
        for actor_id in reversed(context.holders):
            if rules.registry.actors[actor_id].kind in kinds:
                found.append(
                    Mention(start, end, (actor_id,), "anaphor", " ".join(norms[start:end]))
                )
                break
    for start, end in rules.collectives.find(norms):  # "the two ministers": the last two
        if taken & set(range(start, end)):
            continue
        surface = " ".join(norms[start:end])
        for actor_id in last_two(
            rules, rules.lexicon.collectives[tuple(norms[start:end])], context
        ):
            found.append(Mention(start, end, (actor_id,), "collective", surface))
    marks, _ = rules.norm_index.marks(norms)
    for i in range(1, len(norms)):  # "the chancellor said": the last one of them named
        if not marks[i] & rules.role_head_bit or i in taken:
            continue
        if norms[i - 1] not in rules.lexicon.definite_articles:
            continue
        if i + 1 < len(words) and words[i + 1].capital:
            continue  # "the chancellor Olaf Scholz": a name follows
        heads = rules.role_heads[norms[i]]
        for actor_id in reversed(context.persons):
            if actor_id in heads:
                surface = " ".join(norms[i - 1 : i + 1])
                found.append(Mention(i - 1, i + 1, (actor_id,), "anaphor", surface))
                break
    adjectives = rules.registry.adjectives
    for i in range(2, len(norms)):  # "the Chinese minister said": the last Chinese person
        state = adjectives.get(norms[i - 1])
        if (
            state is None
            or norms[i - 2] not in rules.lexicon.definite_articles
            or not rules.title_word(norms[i])
            or taken & {i - 2, i - 1, i}
            or (i + 1 < len(words) and words[i + 1].capital)
        ):
            continue
        state_name = rules.registry.actors[state].name
        for actor_id in reversed(context.persons):
            if rules.registry.actors[actor_id].affiliation == state_name:
                surface = " ".join(norms[i - 2 : i + 1])
                found.append(Mention(i - 2, i + 1, (actor_id,), "anaphor", surface))
                break
    return sorted(mentions + found, key=_BY_START) if found else mentions


def last_two(rules: Rules, kind: str, context: ArticleContext) -> list[int]:
    """The last two distinct actors of a kind named before; a person named stands for
    their state too ("Rubio … with Lavrov. The two governments agreed…")."""
    found: list[int] = []
    for actor_id in reversed(context.recent):
        info = rules.registry.actors[actor_id]
        if info.kind != kind and kind != "person":
            info = rules.registry.state_of(info) or info
        if info.kind == kind and info.id not in found:
            found.append(info.id)
            if len(found) == 2:
                return found
    return []
