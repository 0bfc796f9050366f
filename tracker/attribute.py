"""Who holds a position in a sentence, and which stance: the coder's rules.

For each sentence the coder finds its holders (in this order of trust):
``according to X``; ``X said`` / ``said X`` around a reporting verb; the
sentence's subject (the first actor not governed by a preposition); a
pronoun subject ("he said") resolved to the last person named; a quotation
without a speaker, resolved to the speaker of the neighbouring sentence; and
the plan itself ("the paper calls for"), which stands for the plan's author.

For each target the sentence is about, the stance is the polarity of the
nearest stance cue in the target's clause (turned round by a negation in
scope), multiplied by the polarity of the target phrase: supporting
"unilateral sanctions" opposes a point that demands stopping them. Partial
cues ("some of", "not bad") make a stance on the plan mixed. A negated request
made by the plan ("does not ask Moscow to withdraw") is an omission, not a
position.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from tracker.actors import Mention, Registry
from tracker.link import PhraseMatch
from tracker.text import Word, normalise_phrase

OPEN_QUOTES = "“‘«"
CLOSE_QUOTES = "”’»"
CLAUSE_BREAKS = {"but", "however", "while", "whereas", "although", "though", "yet"}


@dataclass(frozen=True, slots=True)
class Finding:
    actor_id: int
    target_id: int
    stance: str
    score: float
    explanation: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Holder:
    actor_id: int
    mention: str
    rule: str


@dataclass
class Cue:
    start: int
    end: int
    polarity: int  # +1 support, -1 oppose, 0 mixed
    text: str
    negated: bool = False


class PhraseSet:
    """Multi-word entries of a lexicon list, looked up by their first word."""

    def __init__(self, entries: Sequence[str]) -> None:
        self.by_first: dict[str, list[tuple[str, ...]]] = {}
        for entry in entries:
            key = normalise_phrase(entry)
            if key:
                self.by_first.setdefault(key[0], []).append(key)
        for keys in self.by_first.values():
            keys.sort(key=len, reverse=True)

    def at(self, norms: Sequence[str], i: int) -> int:
        """Length of the longest entry starting at word i, or 0."""
        for key in self.by_first.get(norms[i], ()):
            if tuple(norms[i : i + len(key)]) == key:
                return len(key)
        return 0

    def find(self, norms: Sequence[str]) -> list[tuple[int, int]]:
        spans, i = [], 0
        while i < len(norms):
            n = self.at(norms, i)
            if n:
                spans.append((i, i + n))
                i += n
            else:
                i += 1
        return spans


@dataclass
class Lexicon:
    reporting: PhraseSet
    according_to: PhraseSet
    object_markers: frozenset[str]
    plan_subjects: PhraseSet
    support: PhraseSet
    oppose: PhraseSet
    mixed: PhraseSet
    negations: frozenset[str]
    negation_scope: int
    omissions: PhraseSet
    pronouns_person: frozenset[str]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Lexicon:
        speakers, stance, actors = data["speakers"], data["stance"], data["actors"]
        return cls(
            reporting=PhraseSet(speakers["reporting_verbs"]),
            according_to=PhraseSet(speakers["according_to"]),
            object_markers=frozenset(speakers["object_markers"]),
            plan_subjects=PhraseSet(speakers["plan_subjects"]),
            support=PhraseSet(stance["support"]),
            oppose=PhraseSet(stance["oppose"]),
            mixed=PhraseSet(stance["mixed"]),
            negations=frozenset(w for n in stance["negations"] for w in normalise_phrase(n)),
            negation_scope=int(stance["negation_scope"]),
            omissions=PhraseSet(stance["omission_cues"]),
            pronouns_person=frozenset(actors["pronouns_person"]),
        )


@dataclass
class SentenceFacts:
    """What the first pass learns of a sentence; the second pass fills in holders."""

    text: str
    words: list[Word]
    norms: list[str]
    mentions: list[Mention]
    actors: list[tuple[Mention, int]]  # resolved mentions
    holders: list[Holder]
    quoted: bool  # starts inside a quotation
    closes_quote: bool
    pronoun_subject: bool
    links: dict[int, PhraseMatch]
    plan_matches: list[PhraseMatch]  # mentions of a plan as a whole


@dataclass
class ArticleContext:
    """What carries from one sentence to the next in an article."""

    day: dt.date | None
    last_person: int | None = None
    recent: list[int] = field(default_factory=list)

    def resolve(self, mention: Mention) -> int | None:
        if len(mention.candidates) == 1:
            return mention.candidates[0]
        for actor_id in reversed(self.recent):
            if actor_id in mention.candidates:
                return actor_id
        return None

    def remember(self, actor_id: int, is_person: bool) -> None:
        self.recent.append(actor_id)
        if is_person:
            self.last_person = actor_id


class Attributor:
    def __init__(
        self, registry: Registry, lexicon: Lexicon, plan_author: dict[str, int | None]
    ) -> None:
        self.registry = registry
        self.lexicon = lexicon
        self.plan_author = plan_author  # plan slug -> author actor id

    # -- first pass -------------------------------------------------------

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
        mentions = self.registry.mentions(words, context.day)
        resolved: list[tuple[Mention, int]] = []
        for mention in mentions:
            actor_id = context.resolve(mention)
            if actor_id is not None:
                resolved.append((mention, actor_id))
        stripped = text.lstrip()
        quoted = inside_quote or stripped[:1] in OPEN_QUOTES or stripped[:1] == '"'
        facts = SentenceFacts(
            text=text,
            words=words,
            norms=norms,
            mentions=mentions,
            actors=resolved,
            holders=[],
            quoted=quoted,
            closes_quote=any(q in text for q in CLOSE_QUOTES) or text.count('"') % 2 == 1,
            pronoun_subject=False,
            links=links,
            plan_matches=plan_matches,
        )
        facts.holders = self._explicit_holders(facts, context)
        for mention, actor_id in resolved:
            info = self.registry.actors[actor_id]
            context.remember(actor_id, info.kind == "person")
        return facts

    def _explicit_holders(self, facts: SentenceFacts, context: ArticleContext) -> list[Holder]:
        norms, lex = facts.norms, self.lexicon
        # "according to X"
        for start, end in lex.according_to.find(norms):
            for mention, actor_id in facts.actors:
                if mention.start >= end and mention.start - end <= 2:
                    return [Holder(actor_id, mention.surface, "according to")]
        reporting = lex.reporting.find(norms)
        holders: list[Holder] = []
        # "X (, apposition,) said" and "said X"
        for start, _end in reporting:
            before = [m for m in facts.actors if m[0].end <= start and start - m[0].end <= 8]
            after = [m for m in facts.actors if m[0].start >= _end and m[0].start - _end <= 1]
            if after and (start == 0 or facts.norms[start - 1] not in ("he", "she")):
                mention, actor_id = after[0]
                holders.append(Holder(actor_id, mention.surface, f"{norms[start]} X"))
            elif before and not self._is_object(facts, before[-1][0]):
                holders.extend(self._coordinated(facts, before, f"X {norms[start]}"))
            elif start > 0 and norms[start - 1] in lex.pronouns_person and context.last_person:
                facts.pronoun_subject = True
                holders.append(Holder(context.last_person, norms[start - 1], "pronoun"))
            if holders:
                return _dedupe(holders)
        # the subject: the first actor not governed by a preposition
        for mention, actor_id in facts.actors:
            if self._is_object(facts, mention) or self._inside_quote_marks(facts, mention):
                continue
            return _dedupe(self._coordinated(facts, [(mention, actor_id)], "subject"))
        if norms[:1] and norms[0] in lex.pronouns_person and context.last_person:
            facts.pronoun_subject = True
            return [Holder(context.last_person, norms[0], "pronoun")]
        return []

    def _coordinated(
        self, facts: SentenceFacts, chosen: list[tuple[Mention, int]], rule: str
    ) -> list[Holder]:
        """The chosen mention and those joined to it by "and": "China and Belarus said"."""
        mention, actor_id = chosen[-1] if rule != "subject" else chosen[0]
        holders = [Holder(actor_id, mention.surface, rule)]
        for other, other_id in facts.actors:
            gap = facts.norms[mention.end : other.start] if other.start >= mention.end else None
            if gap is not None and other is not mention and gap[-1:] == ["and"] and len(gap) <= 6:
                holders.append(Holder(other_id, other.surface, rule + " (and)"))
            gap_back = facts.norms[other.end : mention.start] if other.end <= mention.start else None
            if gap_back == ["and"]:
                holders.append(Holder(other_id, other.surface, rule + " (and)"))
        return holders

    def _is_object(self, facts: SentenceFacts, mention: Mention) -> bool:
        return mention.start > 0 and facts.norms[mention.start - 1] in self.lexicon.object_markers

    @staticmethod
    def _inside_quote_marks(facts: SentenceFacts, mention: Mention) -> bool:
        start = facts.words[mention.start].start
        before = facts.text[:start]
        return before.count("“") > before.count("”")

    # -- second pass ------------------------------------------------------

    def fill_quote_speakers(self, sentences: list[SentenceFacts]) -> None:
        """A quotation with no speaker takes the speaker of its neighbouring sentence."""
        for i, facts in enumerate(sentences):
            if facts.holders or not facts.quoted:
                continue
            neighbours = sentences[i + 1 : i + 3] + sentences[max(0, i - 1) : i][::-1]
            for other in neighbours:
                if other.holders and (other.quoted or other.closes_quote or other is sentences[i - 1]):
                    facts.holders = [Holder(h.actor_id, h.mention, "quote") for h in other.holders]
                    break

    def positions(self, facts: SentenceFacts) -> list[Finding]:
        targets: list[PhraseMatch] = list(facts.links.values()) + facts.plan_matches
        if not targets:
            return []
        plan_subject = self._plan_subject(facts)
        cues = self._cues(facts.norms)
        findings: list[Finding] = []
        for match in targets:
            author = self.plan_author.get(match.target.plan)
            holders = list(facts.holders)
            if plan_subject is not None and author is not None and match.target.kind != "plan":
                surface = " ".join(facts.norms[plan_subject[0] : plan_subject[1]])
                holders.append(Holder(author, surface, "the plan says"))
            if not holders:
                continue
            stance, cue, omission = self._stance(facts, cues, match)
            if stance is None:
                continue
            for holder in holders:
                if omission and holder.rule == "the plan says":
                    continue
                if holder.actor_id == author and match.target.kind == "plan":
                    continue  # the author backing its own plan is not news
                findings.append(
                    Finding(
                        holder.actor_id,
                        match.target.id,
                        stance,
                        round(match.score * (1.0 if cue else 0.7), 3),
                        {
                            "mention": holder.mention,
                            "speaker_rule": holder.rule,
                            "cue": cue.text if cue else None,
                            "negated": bool(cue and cue.negated),
                            "link": match.phrase,
                            "link_score": round(match.score, 3),
                            "phrase_polarity": match.polarity,
                        },
                    )
                )
        return _dedupe_findings(findings)

    def _plan_subject(self, facts: SentenceFacts) -> tuple[int, int] | None:
        spans = self.lexicon.plan_subjects.find(facts.norms[:6])
        if spans and spans[0][0] <= 1:
            return spans[0]
        return None

    def _cues(self, norms: list[str]) -> list[Cue]:
        lex = self.lexicon
        cues: list[Cue] = []
        i = 0
        while i < len(norms):
            for polarity, phrases in ((0, lex.mixed), (-1, lex.oppose), (1, lex.support)):
                n = phrases.at(norms, i)
                if n:
                    negated = any(
                        norms[j] in lex.negations for j in range(max(0, i - lex.negation_scope), i)
                    )
                    cues.append(Cue(i, i + n, polarity, " ".join(norms[i : i + n]), negated))
                    i += n
                    break
            else:
                i += 1
        return cues

    def _clause(self, norms: list[str], position: int) -> tuple[int, int]:
        lo = position
        while lo > 0 and norms[lo - 1] not in CLAUSE_BREAKS:
            lo -= 1
        hi = position
        while hi < len(norms) and norms[hi] not in CLAUSE_BREAKS:
            hi += 1
        return lo, hi

    def _stance(
        self, facts: SentenceFacts, cues: list[Cue], match: PhraseMatch
    ) -> tuple[str | None, Cue | None, bool]:
        norms = facts.norms
        if match.target.kind == "plan":
            mixed = [c for c in cues if c.polarity == 0]
            polar = {(-c.polarity if c.negated else c.polarity) for c in cues if c.polarity}
            if mixed or polar == {1, -1}:
                return "mixed", (mixed[0] if mixed else cues[0]), False
            if not polar:
                return None, None, False
            value = polar.pop()
            cue = next(c for c in cues if c.polarity)
            return ("support" if value > 0 else "oppose"), cue, False
        lo, hi = self._clause(norms, match.start)
        omission = any(lo <= s < match.start for s, _ in self.lexicon.omissions.find(norms))
        before = [c for c in cues if lo <= c.start < match.start and c.polarity and c.end <= match.start]
        after = [c for c in cues if match.end <= c.start < hi and c.polarity]
        cue = before[-1] if before else (after[0] if after else None)
        value = 1
        if cue is not None:
            value = -cue.polarity if cue.negated else cue.polarity
        value *= match.polarity
        return ("support" if value > 0 else "oppose"), cue, omission


def _dedupe(holders: list[Holder]) -> list[Holder]:
    seen: set[int] = set()
    out = []
    for holder in holders:
        if holder.actor_id not in seen:
            seen.add(holder.actor_id)
            out.append(holder)
    return out


def _dedupe_findings(findings: list[Finding]) -> list[Finding]:
    best: dict[tuple[int, int], Finding] = {}
    for finding in findings:
        key = (finding.actor_id, finding.target_id)
        if key not in best or finding.score > best[key].score:
            best[key] = finding
    return list(best.values())
