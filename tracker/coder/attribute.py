"""Who holds a position in a sentence: the coder's speaker rules.

For each sentence the holders are found in this order of trust:
``according to X``; ``X said`` / ``said X`` around a reporting verb (with
"he said" resolved to the last person named); the sentence's subject (the
first actor not governed by a preposition, standing before the sentence's
predicate); a quotation without a speaker, resolved to the speaker of its
neighbouring sentence; and the plan itself ("the paper calls for"), which
stands for the plan's author. Stances come from ``tracker.coder.stance``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from operator import attrgetter
from typing import Final

from tracker.coder.actors import Mention, Registry
from tracker.coder.facts import (
    ArticleContext,
    Draft,
    Finding,
    Holder,
    SentenceFacts,
    dedupe_findings,
)
from tracker.coder.link import PhraseMatch, rounded
from tracker.coder.stance import (
    Cue,
    FirstWords,
    Lexicon,
    PhraseSet,
    Stance,
    _linking,
    find_cues,
    soft_breaks,
    stance_of,
)
from tracker.coder.text import Word, normalise_phrase, stem

OPEN_QUOTES: Final = '“‘«"'
PLAN_MEMORY: Final = 4  # sentences during which "it" can still mean the plan
COMPLEMENT_GAP: Final = 6  # words between a target and another in a prepositional phrase after it
# "TALLINN/NEW YORK, Feb. 24 — …", "Istanbul, later — …": places and times before a dash.
DATELINE: Final = re.compile(
    r"\s*[A-Z][\w./’']*(?:[ /][A-Z][\w./’']*)*(?:,? (?:[A-Z][a-z]{2}\.? \d{1,2}|\d{1,2}|"
    r"later|late evening|afternoon|morning|evening|earlier))*,?\s[—–]\s"
)
TURN_LABEL: Final = re.compile(
    r"\s*([A-Z][A-Za-z .'’-]{0,40}):\s"
)  # "Q: …", "ZELENSKIY: …" in transcripts
QUESTION_LABELS: Final = frozenset({"q", "question"})
_DASHES: Final = "—–"
_BY_START: Final = attrgetter("start")


class Attributor:
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
        self.role_heads: dict[str, set[int]] = {}  # "chancellor" -> who held such a title
        for title, roles in registry.titles.items():
            self.role_heads.setdefault(title[-1], set()).update(r.actor_id for r in roles)
        self.role_head_bit = self.norm_index.add_list(self.role_heads)

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
        mentions = self._anaphors(words, norms, mentions, context)
        dateline = _dateline(text)
        for mention in mentions:
            if dateline and words[mention.start].start < dateline.end():
                continue  # a dateline names a place, not a speaker
            actor_id = context.resolve(mention)
            if actor_id is not None:
                resolved.append((mention, actor_id))
        plan_matches = [
            m
            for m in plan_matches
            if not (m.start and norms[m.start - 1] in self.lexicon.generic_determiners)
        ] or self._plan_pronoun(norms, stems, cues, context)
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
        facts.turn = self._turn(facts)
        facts.plan_just_named = bool(plan_matches) or (
            context.plan is not None and context.since_plan < 1
        )
        facts.plan_recent = context.plan is not None and context.since_plan < PLAN_MEMORY
        facts.holders = _dedupe(self._holders(facts, context))
        starts = [i for i, n in enumerate(norms) if i and n in self.lexicon.clause_breaks]
        if starts:  # "China has welcomed the talks, while Kyiv says…": each clause its own
            bounds = [0, *starts, len(norms)]
            facts.clause_holders = {
                lo: _dedupe(self._holders(facts, context, lo, hi))
                for lo, hi in zip(bounds, bounds[1:], strict=False)
            }
        self._relative_holders(facts)
        context.earlier = context.speakers
        context.speakers = [h for h in facts.holders if h.speaks]
        context.holders += [h.actor_id for h in facts.holders]
        context.subjects = [  # "Mr Blinken travelled to…. He said…": he is Blinken
            actor_id
            for mention, actor_id in resolved
            if self.registry.actors[actor_id].kind == "person"
            and mention.via != "anaphor"
            and not self._is_object(norms, mention, resolved)
            and not words[mention.end - 1].possessive
        ]
        for _, actor_id in resolved:
            context.recent.append(actor_id)
            if self.registry.actors[actor_id].kind == "person":
                context.persons.append(actor_id)
        if plan_matches and plan_matches[0].phrase != "it":
            context.plan, context.since_plan = plan_matches[0], 0
        else:
            context.since_plan += 1
        return facts

    def _relative_holders(self, facts: SentenceFacts) -> None:
        """ "Moscow, which welcomed the paper, …": a relative clause with a stance word is its
        antecedent's, and the sentence's holders take over again after it."""
        for lo, hi in self._relative_clauses(facts):
            antecedent = [
                (m, a)
                for m, a in facts.actors
                if m.end == lo and not facts.words[m.end - 1].possessive
            ]
            if not any(lo <= c.start < hi and c.polarity for c in facts.cues):
                continue
            # a speaker reporting the clause holds it too: "he told CNN that its paper, which…"
            speakers = [
                h
                for h in facts.holders
                if h.speaks and not h.rule.startswith("reporting verb: X, ")  # another clause's
            ]
            plans = [m for m in facts.plan_matches if m.end == lo and m.phrase != "it"]
            author = self.plan_author.get(plans[0].target.plan) if plans else None
            if author is not None:  # "its paper, which calls for…": what the plan says
                rule = "relative: the plan says"
                _hold_span(facts, lo, hi, [Holder(author, plans[0].phrase, rule)] + speakers)
                continue
            if not antecedent:
                continue
            mention, actor_id = antecedent[-1]
            if any(h.actor_id == actor_id and h.speaks for h in facts.holders):
                continue  # "Zelensky, who had said…": already the sentence's speaker
            rule = f"relative: X, {facts.norms[lo]} …"
            head, head_id = self._coordination_head(facts, mention)  # "Kyiv and its backers, who"
            _hold_span(
                facts, lo, hi, _dedupe(self._coordinated(facts, head, head_id, rule) + speakers)
            )

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

    def _anaphors(
        self, words: list[Word], norms: list[str], mentions: list[Mention], context: ArticleContext
    ) -> list[Mention]:
        """ "the group said", "They pledged": the last actor of a fitting kind named before."""
        taken = {i for m in mentions for i in range(m.start, m.end)}
        found = []
        for start, end in self.anaphors.find(norms):
            if taken & set(range(start, end)):
                continue
            kinds = self.anaphor_kinds[tuple(norms[start:end])]
            for actor_id in reversed(context.holders):
                if self.registry.actors[actor_id].kind in kinds:
                    found.append(
                        Mention(start, end, (actor_id,), "anaphor", " ".join(norms[start:end]))
                    )
                    break
        for start, end in self.collectives.find(norms):  # "the two ministers": the last two
            if taken & set(range(start, end)):
                continue
            surface = " ".join(norms[start:end])
            for actor_id in self._last_two(
                self.lexicon.collectives[tuple(norms[start:end])], context
            ):
                found.append(Mention(start, end, (actor_id,), "collective", surface))
        marks, _ = self.norm_index.marks(norms)
        for i in range(1, len(norms)):  # "the chancellor said": the last one of them named
            if not marks[i] & self.role_head_bit or i in taken:
                continue
            if norms[i - 1] not in self.lexicon.definite_articles:
                continue
            if i + 1 < len(words) and words[i + 1].capital:
                continue  # "the chancellor Olaf Scholz": a name follows
            heads = self.role_heads[norms[i]]
            for actor_id in reversed(context.persons):
                if actor_id in heads:
                    surface = " ".join(norms[i - 1 : i + 1])
                    found.append(Mention(i - 1, i + 1, (actor_id,), "anaphor", surface))
                    break
        return sorted(mentions + found, key=_BY_START) if found else mentions

    def _last_two(self, kind: str, context: ArticleContext) -> list[int]:
        """The last two distinct actors of a kind named before; a person named stands for
        their state too ("Rubio … with Lavrov. The two governments agreed…")."""
        found: list[int] = []
        for actor_id in reversed(context.recent):
            info = self.registry.actors[actor_id]
            if info.kind != kind and kind != "person" and info.kind == "person":
                state = self.registry.by_name(info.affiliation or "")
                info = state if state is not None else info
            if info.kind == kind and info.id not in found:
                found.append(info.id)
                if len(found) == 2:
                    return found
        return []

    def _turn(self, facts: SentenceFacts) -> str | int | None:
        # the pattern backtracks over every capitalised word; most sentences have no colon
        label = TURN_LABEL.match(facts.text) if ":" in facts.text else None
        if not label:
            return None
        if label.group(1).strip().lower() in QUESTION_LABELS:
            return "question"
        end = label.end(1)
        for mention, actor_id in facts.actors:
            if facts.words[mention.start].start < end:
                return actor_id
        return None

    def _plan_pronoun(
        self, norms: list[str], stems: list[str], cues: list[Cue], context: ArticleContext
    ) -> list[PhraseMatch]:
        """ "welcomed it", "some of its points": "it" is the plan named just before."""
        if context.plan is None:
            return []
        if context.since_plan < PLAN_MEMORY:
            for cue in cues:
                if cue.polarity == 0 and context.since_plan < 2:
                    # "some points are clear to me…", said right after the plan was named: a
                    # partial judgement of the plan
                    return [PhraseMatch(context.plan.target, "it", 1, 0.8, cue.start, cue.end)]
            for cue in cues:
                for j in range(cue.end, min(len(norms), cue.end + 3)):
                    if norms[j] not in self.lexicon.plan_pronouns:
                        continue
                    # "welcomed it" names the plan; "its" only with a part of it: "its points"
                    part = j + 1 < len(norms) and stems[j + 1] in self.lexicon.plan_parts
                    if norms[j] == "it" or part:
                        return [PhraseMatch(context.plan.target, "it", 1, 0.9, j, j + 1)]
        for cue in cues:  # a partial view of its parts: the plan, however long ago it was named
            if cue.polarity:
                continue
            j = cue.end
            if any(w in self.lexicon.plan_parts for w in stems[cue.start : cue.end]):
                return [PhraseMatch(context.plan.target, "it", 1, 0.8, cue.start, cue.end)]
            if (  # "agreed with some of its elements"
                j + 1 < len(norms)
                and norms[j] in self.lexicon.plan_pronouns
                and stems[j + 1] in self.lexicon.plan_parts
            ):
                return [PhraseMatch(context.plan.target, "it", 1, 0.8, j, j + 1)]
        return []

    def _holders(
        self, facts: SentenceFacts, context: ArticleContext, lo: int = 0, hi: int | None = None
    ) -> list[Holder]:
        """The holders of the sentence, or of its clause from word lo to word hi."""
        norms, stems, lex = facts.norms, facts.stems, self.lexicon
        hi = len(norms) if hi is None else hi
        actors = [(m, a) for m, a in facts.actors if lo <= m.start < hi]
        for _, end in lex.according_to.find(stems):
            for mention, actor_id in actors:
                if end <= mention.start <= end + 2:
                    if facts.words[mention.end - 1].possessive:
                        break  # "according to China's account, X said…": a source, not X
                    return self._coordinated(facts, mention, actor_id, "according to")
        relatives = self._relative_clauses(facts)
        for start, end in lex.reporting.find(stems):
            if not lo <= start < hi:
                continue
            if start > 0 and facts.words[start].capital:
                continue  # "Secretary of State Antony Blinken": a title, not a verb
            if start > 0 and norms[start - 1] in lex.passive_auxiliaries:
                continue  # "the truce was announced", "he was responding": no speaker here
            verb = norms[start]
            if start == 1 and norms[0] in lex.pronouns_bodies:  # "It called on the parties…"
                bodies = self._bodies(context, norms[0], verb)
                if not bodies and not context.speakers and not facts.plan_just_named:
                    # "…, a resolution demanding…. The text was adopted…. It calls…": a
                    # sentence with no speaker between does not end what "it" stands for
                    bodies = self._bodies(context, norms[0], verb, context.earlier)
                if bodies:
                    return bodies
            if start > 1 and norms[start - 1] in lex.documents:
                author = [(m, a) for m, a in actors if start - 1 <= m.end <= start]
                if author:  # "a UN General Assembly resolution demanding…": its author's
                    mention, actor_id = author[0]
                    rule = f"reporting verb: X {norms[start - 1]} {verb}"
                    return [Holder(actor_id, mention.surface, rule, start)]
            relative = next((r for r in relatives if r[0] < start < r[1]), None)
            # "Zelensky, who had said…": the antecedent speaks; "the crisis, which some call…":
            # no name before the clause does
            floor = relative[0] if relative is not None else -1
            if relative is not None:
                antecedent = [(m, a) for m, a in actors if m.end == relative[0]]
                if antecedent:
                    mention, actor_id = antecedent[0]
                    return [
                        Holder(
                            actor_id,
                            mention.surface,
                            f"reporting verb: X, {norms[relative[0]]} {verb}",
                        )
                    ]
            pronoun = next(
                (j for j in range(max(0, start - 2), start) if self._pronoun_gender(norms[j])), None
            )
            if pronoun is not None:  # "he said"
                resolved = self._resolve_pronoun(norms[pronoun], facts, pronoun, context)
                if resolved is not None:
                    return [Holder(resolved, norms[pronoun], f"pronoun: {norms[pronoun]} {verb}")]
                continue
            before = [  # "Mr Zelenskiy said", "Zelensky, the president of Ukraine, said"
                (m, a)
                for m, a in actors
                if floor < m.start
                and m.end <= start
                and start - m.end - _inside(relatives, m.end, start) <= 12
                and not self._is_object(norms, m, actors)
                and not facts.words[m.end - 1].possessive
                and not any(r[0] < m.start < r[1] <= start for r in relatives)
            ]
            if before:
                mention, actor_id = self._speaker_before(facts, before, start)
                first = self._coordination_head(facts, mention)
                reported = self._reported_subject(facts, actors, end, hi, actor_id)
                if reported:
                    return reported
                holders = self._coordinated(facts, first[0], first[1], f"reporting verb: X {verb}")
                return [Holder(h.actor_id, h.mention, h.rule, start) for h in holders]
            gap = facts.text[facts.words[start - 1].end : facts.words[start].start] if start else ""
            if start == 0 or any(c in gap for c in ",”\"'’"):
                for mention, actor_id in actors:  # "…,” said Mr Zelenskiy"
                    if (
                        end <= mention.start <= end + 1
                        and all(n in lex.determiners for n in norms[end : mention.start])
                        and not facts.words[mention.end - 1].possessive
                    ):  # not "Asked whether China…": a question put, not China speaking
                        return [Holder(actor_id, mention.surface, f"reporting verb: {verb} X")]
        for mention, actor_id in actors:
            if self._is_object(norms, mention, actors) or facts.words[mention.end - 1].possessive:
                continue
            if self._is_subject(facts, mention):
                return self._coordinated(facts, mention, actor_id, "subject")
            break
        if lo < len(norms) and self._pronoun_gender(norms[lo]):
            resolved = self._resolve_pronoun(norms[lo], facts, lo, context)
            if resolved is not None:
                return [Holder(resolved, norms[lo], "pronoun: subject")]
        if lo == 0 and len(norms) > 1 and norms[0] in lex.pronouns_bodies:
            if lex.support.at(stems, 1) or lex.oppose.at(stems, 1):  # "It welcomed the talks"
                return self._bodies(context, norms[0], norms[1])
        return []

    def _bodies(
        self,
        context: ArticleContext,
        pronoun: str,
        verb: str,
        speakers: list[Holder] | None = None,
    ) -> list[Holder]:
        """ "It" opening a sentence: the states, organisations or groups that spoke just before."""
        return [
            Holder(h.actor_id, pronoun, f"pronoun: {pronoun} {verb}")
            for h in (context.speakers if speakers is None else speakers)
            if self.registry.actors[h.actor_id].kind != "person"
        ]

    def _reported_subject(
        self,
        facts: SentenceFacts,
        actors: list[tuple[Mention, int]],
        end: int,
        hi: int,
        speaker: int,
    ) -> list[Holder]:
        """ "the White House said Russia and Ukraine had agreed to…": a named subject of the
        reported clause with a stance verb of its own holds it, unless it is the speaker or
        the speaker's own state ("Mao Ning said China welcomed…" stays Mao Ning's)."""
        lex, norms, stems = self.lexicon, facts.norms, facts.stems
        start = end + (end < hi and norms[end] in lex.complementizers)
        first = next(((m, a) for m, a in actors if m.start == start), None)
        if first is None or first[0].via == "anaphor" or facts.words[first[0].end - 1].possessive:
            return []
        holders = self._coordinated(facts, first[0], first[1], "reported subject")
        j = first[0].end
        for holder in holders[1:]:
            j = max(j, next((m.end for m, a in actors if a == holder.actor_id and m.start >= j), j))
        while j < hi and (  # "had each agreed", "has also welcomed", "fully backed"
            norms[j] in lex.determiners or stems[j] in lex.auxiliaries or norms[j].endswith("ly")
        ):
            j += 1
        if j >= hi or not (lex.support.at(stems, j) or lex.oppose.at(stems, j)):
            return []  # "Ukraine should be a party to…": no act of the subject's own
        info = self.registry.actors[speaker]
        own = {speaker} | {
            a.id for a in self.registry.actors.values() if a.name == info.affiliation
        }
        if any(h.actor_id in own for h in holders):
            return []
        return holders

    def _speaker_before(
        self, facts: SentenceFacts, before: list[tuple[Mention, int]], verb: int
    ) -> tuple[Mention, int]:
        """The nearest name before the verb, unless an apposition stands between a name and it:
        "Li Mingjiang, an expert at Nanyang Technological University, called…" is Li's."""
        verb_start = facts.words[verb].start
        for k, (mention, actor_id) in enumerate(before):
            gap = facts.text[facts.words[mention.end - 1].end : verb_start].strip()
            if gap.startswith(",") and gap.endswith(",") and gap.count(",") == 2:
                following = before[k + 1] if k + 1 < len(before) else None
                if (
                    mention.via == "title"
                    and following is not None
                    and following[0].start == mention.end
                    and self.registry.actors[following[1]].kind == "person"
                ):  # "the EU's foreign policy chief, Josep Borrell, wrote": the name, not the
                    return following  # title's holder at the article's date
                return mention, actor_id
        return before[-1]

    def _relative_clauses(self, facts: SentenceFacts) -> list[tuple[int, int]]:
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

    def _coordination_head(self, facts: SentenceFacts, mention: Mention) -> tuple[Mention, int]:
        """The first of "A and B" when the verb follows B."""
        index = [m for m, _ in facts.actors].index(mention)
        while index > 0:
            previous, _ = facts.actors[index - 1]
            gap = facts.norms[previous.end : facts.actors[index][0].start]
            if gap[:1] != ["and"] or not self._modifiers(gap[1:]):  # "Kyiv and its main allies"
                break
            index -= 1
        return facts.actors[index]

    def _modifiers(self, words: list[str]) -> bool:
        """At most two words that can stand before a name: "its", "its main", "other"."""
        lex = self.lexicon
        return len(words) <= 2 and all(
            w.isalpha() and w not in lex.object_markers and stem(w) not in lex.predicate_words
            for w in words
        )

    def _pronoun_gender(self, word: str) -> str | None:
        if word in self.lexicon.pronouns_male:
            return "male"
        if word in self.lexicon.pronouns_female:
            return "female"
        return None

    def _resolve_pronoun(
        self, word: str, facts: SentenceFacts, position: int, context: ArticleContext
    ) -> int | None:
        """The person a pronoun stands for: named earlier in this sentence, else the last
        person who spoke (the article's current speaker), else the last person named."""
        gender = self._pronoun_gender(word)
        here = [a for m, a in facts.actors if m.end <= position]
        candidates = (
            here[::-1] + context.subjects[::-1] + context.holders[::-1] + context.persons[::-1]
        )
        for actor_id in candidates:
            info = self.registry.actors[actor_id]
            if info.kind == "person" and info.gender in (None, gender):
                return actor_id
        return None

    def _coordinated(
        self, facts: SentenceFacts, mention: Mention, actor_id: int, rule: str
    ) -> list[Holder]:
        """The mention and those joined to it by "and": "China and Belarus said"."""
        holders = [Holder(actor_id, mention.surface, rule)] + [
            Holder(a, m.surface, rule)  # "the two ministers": each of them
            for m, a in facts.actors
            if m.via == "collective"
            and (m.start, m.end) == (mention.start, mention.end)
            and a != actor_id
        ]
        edge = mention.end
        for other, other_id in facts.actors:
            if other.start < edge:
                continue
            gap = facts.norms[edge : other.start]
            while len(gap) > 1 and gap[-1] != "and" and self._modifiers(gap[-1:]):
                gap = gap[:-1]  # "Kyiv and its main allies"
            if (
                gap
                and gap[-1] == "and"
                and len(gap) <= 6
                and not (set(gap) & self.lexicon.predicate_words)
            ):
                holders.append(Holder(other_id, other.surface, rule + " (and)"))
                edge = other.end
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

    def _is_object(
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
            return previous is not None and self._is_object(norms, previous, others)
        return False

    def _is_subject(self, facts: SentenceFacts, mention: Mention) -> bool:
        """A subject stands before the predicate of its stretch, and a predicate follows it."""
        stems, predicates = facts.stems, self.lexicon.predicate_words
        breaks = facts.breaks
        stretch = mention.start
        while stretch > 0 and not breaks[stretch]:
            stretch -= 1
        if any(w in predicates for w in stems[stretch : mention.start]):
            return False
        return any(w in predicates for w in stems[mention.end : mention.end + 12])

    # -- second pass: quotations ----------------------------------------------

    def fill_quote_speakers(self, sentences: list[SentenceFacts]) -> None:
        """A quotation with no speaker takes the speaker of its neighbouring sentence.

        In a transcript ("Q: …" / "WANG: …"), the answer's sentences are the
        speaker's: they hold what the sentence's subject holds when that
        subject is the speaker's own state ("China supports…" said by Wang Yi).
        """
        speaker: int | None = None
        for facts in sentences:
            if _dateline(facts.text):
                speaker = None  # "BACKGROUND — …", "MOSCOW — …": the transcript is over
            if facts.turn is not None:
                speaker = facts.turn if isinstance(facts.turn, int) else None
                if facts.turn == "question":  # the journalist's words hold nothing, but
                    facts.holders = [h for h in facts.holders if h.speaks]  # "Trump has called"
                    continue
            if speaker is None:
                continue
            info = self.registry.actors[speaker]
            mention = info.name
            if not facts.holders:
                facts.holders = [Holder(speaker, mention, "transcript turn")]
            else:
                facts.holders = _dedupe(
                    [
                        Holder(speaker, mention, "transcript turn")
                        if self.registry.actors[h.actor_id].name == info.affiliation
                        else h
                        for h in facts.holders
                    ]
                )
        for i, facts in enumerate(sentences):
            if facts.holders or not facts.quoted:
                continue
            following = [s for s in sentences[i + 1 : i + 3]]
            preceding = sentences[i - 1 : i] if i else []
            for other in following + preceding:
                speakers = [h for h in other.holders if h.speaks]
                if speakers and (other in preceding or other.quoted):
                    facts.holders = [Holder(h.actor_id, h.mention, "quote") for h in speakers]
                    break

    # -- positions ---------------------------------------------------------------

    def positions(self, facts: SentenceFacts) -> list[Finding]:
        return dedupe_findings(self.drafts(facts))

    def drafts(self, facts: SentenceFacts) -> list[Draft]:
        """Every position the rules find in the sentence, before the best per actor and
        target is kept: the candidates the decision step reads."""
        targets: list[PhraseMatch] = list(facts.links.values()) + facts.plan_matches
        if not targets:
            return []
        plan_subject = self._plan_subject(facts)
        cues = facts.cues
        breaks = facts.breaks
        others = list(facts.links.values())
        findings: list[Draft] = []
        for match in targets:
            author = self.plan_author.get(match.target.plan)
            holders = self._holders_of(facts, match)
            if plan_subject and author is not None and match.target.kind != "plan":
                holders.append(Holder(author, plan_subject, "the plan says"))
            findings += self._agents(facts, match)
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
                    holder.rule.endswith("the plan says")
                    or not any(c.text in self.lexicon.lacks for c in result.cues)
                ):  # "it does not ask Russia to withdraw": what a text leaves out is no
                    continue  # one's position; "elements were missing: X" is the critic's
                if not result.cues and holder.rule.startswith(
                    ("subject", "transcript", "relative", "reported subject")
                ):
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
                        holder.rule,
                        [_cue_words(facts, c) for c in result.cues],
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

    def _agents(self, facts: SentenceFacts, match: PhraseMatch) -> list[Draft]:
        """ "a ceasefire … supported by Ukraine and the Europeans": the agents of a stance
        participle after the target hold it."""
        norms, lex = facts.norms, self.lexicon
        for cue in facts.cues:
            if not cue.polarity or not match.end <= cue.start <= match.end + 6:
                continue
            if any(n in lex.clause_breaks for n in norms[match.end : cue.start]):
                break
            if cue.end < len(norms) and norms[cue.end] in lex.agent_markers:
                agent = next(
                    ((m, a) for m, a in facts.actors if cue.end < m.start <= cue.end + 2), None
                )
            else:  # "the ceasefire the U.S. president had been seeking": a relative clause
                agent = next(
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
                if agent is None:
                    continue
            if agent is None:
                return []
            value = match.polarity * cue.value
            return [
                Draft(
                    h.actor_id,
                    match.target.id,
                    "support" if value > 0 else "oppose",
                    rounded(match.score, 3),
                    h.mention,
                    h.rule,
                    [_cue_words(facts, cue)],
                    match,
                )
                for h in self._coordinated(
                    facts, agent[0], agent[1], f"agent: {norms[cue.start]} by X"
                )
            ]
        return []

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
        clause = _last_clause_from(facts, match.start)
        own = facts.clause_holders.get(clause) if clause is not None else None
        if own and own[0].rule.startswith("relative"):
            return list(own)
        if own and facts.holders and not facts.holders[0].rule.startswith(("transcript", "quote")):
            return list(own)
        later = -1  # the first clause after the target's
        for lo in facts.clause_holders:
            if lo > match.start and (later < 0 or lo < later):
                later = lo
        if later >= 0:  # "X said…" in a later clause speaks for that clause, not this one
            return [h for h in facts.holders if not h.verb >= later]
        return list(facts.holders)

    def _document_speaks(self, facts: SentenceFacts, start: int) -> bool:
        """ "It also mentions nuclear safety" a few sentences after the plan was named: a
        sentence opening with "it" and a verb only a text does is the plan's, unless "it"
        already stands for a body that spoke."""
        lex, j = self.lexicon, start + 1
        while j < len(facts.norms) and facts.stems[j] in lex.auxiliaries:
            j += 1  # "It also mentions", "It does speak of"
        return (
            start == 0
            and facts.plan_recent
            and j < len(facts.stems)
            and facts.stems[j] in lex.document_verbs
            and not any(h.mention == facts.norms[start] for h in facts.holders)
        )

    def _plan_subject(self, facts: SentenceFacts) -> str | None:
        """The plan as the sentence's subject: "It calls for…", "Its points include…"."""
        lex = self.lexicon
        for start, end in lex.plan_subjects.find(facts.stems):
            pronoun = facts.norms[start] in lex.plan_pronouns
            if pronoun and not facts.plan_just_named and not self._document_speaks(facts, start):
                continue  # "it" is the plan only right after the plan was named
            if end > 8 and (  # later on, only "its …" as a subject: "…, since its calls for…"
                not pronoun
                or end - start < 2
                or facts.norms[start - 1] in lex.object_markers
                or lex.support.at(facts.stems, start - 1)
                or lex.oppose.at(facts.stems, start - 1)
            ):
                continue
            if start <= 1 or end - start > 1:
                return " ".join(facts.norms[start:end])
        for match in facts.plan_matches:
            if match.phrase != "it" and match.start <= 2:
                return match.phrase
        if facts.plan_recent:  # "Further points ask…", "Its ninth point asks…"
            for i, stem_ in enumerate(facts.stems[:4]):
                if stem_ in self.lexicon.plan_parts:
                    return " ".join(facts.norms[: i + 1])
        return None


def _dateline(text: str) -> re.Match[str] | None:
    """DATELINE's match; a sentence with no dash has none, and the pattern backtracks over
    every capitalised word before it finds that out."""
    if _DASHES[0] not in text and _DASHES[1] not in text:
        return None
    return DATELINE.match(text)


def _inside(spans: list[tuple[int, int]], lo: int, hi: int) -> int:
    """How many words from lo to hi are in the spans (relative clauses between)."""
    return sum(end - start for start, end in spans if lo <= start and end <= hi)


def _hold_span(facts: SentenceFacts, lo: int, hi: int, holders: list[Holder]) -> None:
    """Words lo to hi are held by these; after hi, whoever held the words before lo resumes."""
    outer = _last_clause_from(facts, lo)
    after = facts.clause_holders[outer] if outer is not None else facts.holders
    facts.clause_holders[lo] = holders
    if hi < len(facts.norms):
        facts.clause_holders.setdefault(hi, list(after))


def _last_clause_from(facts: SentenceFacts, position: int) -> int | None:
    """The first word of the last clause with holders of its own that starts at or before
    ``position``. A loop: max() with a default is a call into the interpreter."""
    found: int | None = None
    for lo in facts.clause_holders:
        if lo <= position and (found is None or lo > found):
            found = lo
    return found


def _cue_words(facts: SentenceFacts, cue: Cue) -> str:
    """The cue as the sentence words it ("some of"), not as the stems it was matched by."""
    return ("not " if cue.negated else "") + " ".join(facts.norms[cue.start : cue.end])


def _dedupe(holders: list[Holder]) -> list[Holder]:
    seen: set[int] = set()
    out = []
    for holder in holders:
        if holder.actor_id not in seen:
            seen.add(holder.actor_id)
            out.append(holder)
    return out
