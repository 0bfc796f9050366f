"""What every holder rule reads: the reference data (actors, cue words, the plans'
authors) and the pieces of grammar the rule families share ("A and B", a name governed by
a preposition, a sentence's subject, its relative clauses, a pronoun's gender).

The rules are functions of a ``Rules`` (``tracker.coder.holders.registry``); the
``Attributor`` that runs them is a ``Rules`` too.
"""

from __future__ import annotations

from collections.abc import Sequence

from tracker.coder.actors import Mention, Registry
from tracker.coder.facts import Holder, SentenceFacts
from tracker.coder.stance import Cue, FirstWords, Lexicon, PhraseSet
from tracker.coder.text import Word, normalise_phrase, stem


class Rules:
    def __init__(
        self,
        registry: Registry,
        lexicon: Lexicon,
        plan_author: dict[str, int | None],
        anaphors: dict[str, list[str]] | None = None,
    ) -> None:
        anaphors = anaphors or {}
        self.registry = registry
        self.lexicon = lexicon
        self.plan_author = plan_author  # plan slug -> author actor id
        self.anaphor_kinds = {normalise_phrase(k): set(v) for k, v in anaphors.items()}
        self.norm_index = FirstWords()  # the lists below are looked up in a sentence's norms
        self.anaphors = PhraseSet(
            [" ".join(k) for k in self.anaphor_kinds], stemmed=False, index=self.norm_index
        )
        self.collectives = PhraseSet(
            [" ".join(k) for k in lexicon.collectives], stemmed=False, index=self.norm_index
        )
        # "chancellor" -> who held such a title: the roles' own titles, not the forms that
        # end in the state's name ("leader of the Chinese foreign ministry" made "the
        # ministry" a person)
        self.role_heads: dict[str, set[int]] = {}
        for title, holders in registry.role_titles.items():
            self.role_heads.setdefault(title[-1], set()).update(holders)
        self.role_head_bit = self.norm_index.add_list(self.role_heads)

    def relative_clauses(self, facts: SentenceFacts) -> list[tuple[int, int]]:
        """Spans ", who … ," and ", which … ,": their verbs belong to the word before the comma."""
        if facts.relatives is not None:
            return facts.relatives
        spans: list[tuple[int, int]] = []
        facts.relatives = spans
        if self.lexicon.relative_pronouns.isdisjoint(facts.norms):
            return spans
        words, text = facts.words, facts.text
        for i, word in enumerate(words):
            if i == 0 or word.norm not in self.lexicon.relative_pronouns:
                continue
            if "," not in text[words[i - 1].end : word.start]:
                continue
            end = next(
                (
                    j
                    for j in range(i + 1, len(words))
                    if "," in text[words[j - 1].end : words[j].start]
                ),
                len(words),
            )
            spans.append((i, end))
        return spans

    def coordination_head(self, facts: SentenceFacts, mention: Mention) -> tuple[Mention, int]:
        """The first of "A and B" or "A, B and C" when the verb follows the last."""
        index = [m for m, _ in facts.actors].index(mention)
        joined = False  # by "and": commas before it join a list too
        while index > 0:
            previous, _ = facts.actors[index - 1]
            current = facts.actors[index][0]
            gap = facts.norms[previous.end : current.start]
            if gap[:1] == ["and"] and self.modifiers(gap[1:]):  # "Kyiv and its main allies"
                joined = True
            elif not (joined and self.listed(facts, previous, current)):
                break
            index -= 1
        return facts.actors[index]

    def listed(self, facts: SentenceFacts, previous: Mention, current: Mention) -> bool:
        """Only a comma between two names: "Brazil, Gabon" (not "Jane Roe, the Comoros
        president and AU chairman", an apposition)."""
        return previous.end == current.start and facts.words[current.start].gap == ","

    def modifiers(self, words: list[str]) -> bool:
        """At most two words that can stand before a name: "its", "its main", "other"."""
        lex = self.lexicon
        return len(words) <= 2 and all(
            w.isalpha() and w not in lex.object_markers and stem(w) not in lex.predicate_words
            for w in words
        )

    def pronoun_gender(self, word: str) -> str | None:
        if word in self.lexicon.pronouns_male:
            return "male"
        if word in self.lexicon.pronouns_female:
            return "female"
        return None

    def coordinated(
        self, facts: SentenceFacts, mention: Mention, actor_id: int, rule_id: str, rule: str
    ) -> list[Holder]:
        """The mention and those joined to it by "and": "China and Belarus said", all held
        by the rule ``rule_id`` (``rule``: its explanation); names joined by commas join
        when "and" closes the list ("Brazil, Gabon, Ghana and Mozambique called…": all
        four; cross-validated positions F1 +0.004 on the mean of six fold seeds, all six
        up, against the last two alone)."""
        holders = [Holder(actor_id, mention.surface, rule_id, rule)] + [
            Holder(a, m.surface, rule_id, rule)  # "the two ministers": each of them
            for m, a in facts.actors
            if m.via == "collective"
            and (m.start, m.end) == (mention.start, mention.end)
            and a != actor_id
        ]
        edge = mention.end
        listed: list[Holder] = []  # joined by commas: kept once "and" ends the list
        last = mention
        for other, other_id in facts.actors:
            if other.start < edge:
                continue
            if self.listed(facts, last, other):  # "Brazil, Gabon, Ghana and Mozambique"
                listed.append(Holder(other_id, other.surface, rule_id, rule + " (and)"))
                edge, last = other.end, other
                continue
            gap = facts.norms[edge : other.start]
            while len(gap) > 1 and gap[-1] != "and" and self.modifiers(gap[-1:]):
                gap = gap[:-1]  # "Kyiv and its main allies"
            if (
                gap
                and gap[-1] == "and"
                and len(gap) <= 6
                and not (set(gap) & self.lexicon.predicate_words)
                # no comma before the "and": "Jane Roe, the Comoros president and AU
                # chairman," is one person, not a list
                and not any(w.pause_before for w in facts.words[edge : edge + len(gap) - 1])
            ):
                holders += listed
                listed = []
                holders.append(Holder(other_id, other.surface, rule_id, rule + " (and)"))
                edge, last = other.end, other
            else:
                break
        if len(holders) > 1:  # "Russia, and President Putin in particular, has said": the
            people = {  # person is the more specific holder of the two
                self.registry.actors[h.actor_id].affiliation
                for h in holders
                if self.registry.actors[h.actor_id].kind == "person"
            }
            holders = [
                h
                for h in holders
                if self.registry.actors[h.actor_id].kind == "person"
                or self.registry.actors[h.actor_id].name not in people
            ]
        return holders

    def is_object(
        self, norms: list[str], mention: Mention, others: Sequence[tuple[Mention, int]] = ()
    ) -> bool:
        """Governed by a preposition: "to China", "of the International Atomic Energy Agency",
        or joined by "and" to a name that is: "with Volodymyr Zelensky and European leaders"."""
        i = mention.start - 1
        while i >= 0 and norms[i] in self.lexicon.determiners:
            i -= 1
        if i >= 0 and norms[i] in self.lexicon.object_markers:
            return True
        if i > 0 and norms[i] == "and":
            previous = next((m for m, _ in others if m.end == i), None)
            return previous is not None and self.is_object(norms, previous, others)
        return False

    def title_word(self, norm: str) -> bool:
        """The last word of a person's title or of a role's ("minister", "spokesman")."""
        return norm in self.registry.title_ends or norm in self.role_heads

    def in_object_apposition(self, words: list[Word], norms: list[str], mention: Mention) -> bool:
        """ "read out by his commerce minister, Wang Wentao, he warned": a name set off by
        commas right after a title that a preposition governs is that title, an object."""
        s = mention.start
        if s < 2 or mention.end >= len(words):
            return False
        if "," not in words[s].gap or "," not in words[mention.end].gap:
            return False
        if not self.title_word(norms[s - 1]):
            return False
        for j in range(s - 2, max(-1, s - 6), -1):
            if norms[j] in self.lexicon.object_markers:
                return True
            if "," in words[j + 1].gap:
                return False
        return False

    def is_subject(self, facts: SentenceFacts, mention: Mention) -> bool:
        """A subject stands before the predicate of its stretch, and a predicate follows it."""
        stems, predicates = facts.stems, self.lexicon.predicate_words
        breaks = facts.breaks
        stretch = mention.start
        while stretch > 0 and not breaks[stretch]:
            stretch -= 1
        if any(w in predicates for w in stems[stretch : mention.start]):
            return False
        return any(w in predicates for w in stems[mention.end : mention.end + 12])


def inside(spans: list[tuple[int, int]], lo: int, hi: int) -> int:
    """How many words from lo to hi are in the spans (relative clauses between)."""
    return sum(end - start for start, end in spans if lo <= start and end <= hi)


def hold_span(facts: SentenceFacts, lo: int, hi: int, holders: list[Holder]) -> None:
    """Words lo to hi are held by these; after hi, whoever held the words before lo resumes."""
    outer = last_clause_from(facts, lo)
    after = facts.clause_holders[outer] if outer is not None else facts.holders
    facts.clause_holders[lo] = holders
    if hi < len(facts.norms):
        facts.clause_holders.setdefault(hi, list(after))


def last_clause_from(facts: SentenceFacts, position: int) -> int | None:
    """The first word of the last clause with holders of its own that starts at or before
    ``position``. A loop: max() with a default is a call into the interpreter."""
    found: int | None = None
    for lo in facts.clause_holders:
        if lo <= position and (found is None or lo > found):
            found = lo
    return found


def cue_words(facts: SentenceFacts, cue: Cue) -> str:
    """The cue as the sentence words it ("some of"), not as the stems it was matched by."""
    return ("not " if cue.negated else "") + " ".join(facts.norms[cue.start : cue.end])


def dedupe(holders: list[Holder]) -> list[Holder]:
    seen: set[int] = set()
    out = []
    for holder in holders:
        if holder.actor_id not in seen:
            seen.add(holder.actor_id)
            out.append(holder)
    return out
