"""Stance: cue words, their negation, and how far they reach.

A target phrase's stance is the product of the cues that govern it, times the
phrase's polarity. The governing cues are those of the nearest stretch of the
phrase's clause that has any, read back from the phrase to the previous comma
or "and" (so "expressed worry about the crisis and interest in peace" gives
"interest", not "worry", to peace), plus a cue right after the phrase
("sanctions must stay", "Cold War thinking be abandoned"). Cues multiply
because they chain: "disagreed with the call to end unilateral sanctions" is
(-)(+)(-) times the (-) of "sanctions": oppose on a point that demands
stopping them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from tracker.coder.link import PhraseMatch
from tracker.coder.text import Word, WordNode, add_to_tree, normalise_phrase, stem

SOFT_BREAK_CHARS: Final = ",;:()[]"
_SOFT_BREAK_SET: Final = frozenset(SOFT_BREAK_CHARS)
# Sentences whose marks FirstWords keeps: more than most articles have, few enough to cost
# little memory.
RECENT_SENTENCES: Final = 256
HARM_REACH: Final = 4  # words between a harm and its object: "damage global energy security"


class FirstWords:
    """Which lists have an entry starting with each word, one bit per list, marked once per
    sentence for every list that shares it: a sentence is asked about by a dozen lists, and
    most of its words start an entry of none."""

    def __init__(self) -> None:
        self.bits: dict[str, int] = {}
        self.lists = 0
        self._last: list[str] | None = None  # the sentence marked last, kept while it lives
        self._marks: list[int] = []
        self._present = 0
        # The sentences marked lately, by id, each kept alive by its entry (so no other list
        # takes its id while it is here): the positions pass goes over an article's sentences
        # again after all of them were read, and would mark each one a second time.
        self._recent: dict[int, tuple[list[str], list[int], int]] = {}

    def add_list(self, first_words: Iterable[str]) -> int:
        """A new list's bit."""
        bit = 1 << self.lists
        self.lists += 1
        for word in first_words:
            self.bits[word] = self.bits.get(word, 0) | bit
        self._last = None
        self._recent.clear()
        return bit

    def marks(self, words: list[str]) -> tuple[list[int], int]:
        """Each word's bits, and all of them together."""
        if words is not self._last:
            known = self._recent.get(id(words))
            if known is not None and known[0] is words:
                self._marks, self._present = known[1], known[2]
            else:
                bits = self.bits
                self._marks = [bits.get(w, 0) for w in words]
                present = 0
                for mark in self._marks:
                    present |= mark
                self._present = present
                if len(self._recent) >= RECENT_SENTENCES:
                    self._recent.clear()
                self._recent[id(words)] = (words, self._marks, present)
            self._last = words
        return self._marks, self._present


class PhraseSet:
    """Multi-word entries of a lexicon list, looked up by their first word's stem.

    Lookups take the sentence's stems (``tracker.coder.text.stem``), so one base form
    in the lexicon matches every inflection. The lists that are looked up in the same
    words of a sentence (its stems, or its norms) share one ``FirstWords``.
    """

    def __init__(
        self, entries: Sequence[str], stemmed: bool = True, index: FirstWords | None = None
    ) -> None:
        self.by_first: dict[str, list[tuple[str, ...]]] = {}
        for entry in entries:
            key = tuple(stem(w) if stemmed else w for w in normalise_phrase(entry))
            if key:
                self.by_first.setdefault(key[0], []).append(key)
        self.tree: dict[str, WordNode] = {}  # the same entries, for the longest at a word
        for keys in self.by_first.values():
            for key in keys:
                add_to_tree(self.tree, key)
        self.index = index if index is not None else FirstWords()
        self.bit = self.index.add_list(self.by_first)
        # the last lookups, kept while their list lives: a sentence is asked about many times
        self._last_stems: list[str] | None = None
        self._last_spans: list[tuple[int, int]] = []
        self._last_spread_stems: list[str] | None = None
        self._last_spread: list[tuple[int, int]] = []

    def at(self, stems: list[str], i: int) -> int:
        """Length of the longest entry starting at word i, or 0."""
        node = self.tree.get(stems[i])
        longest, n = 0, 1
        while node is not None:
            if node.ends:
                longest = n
            if i + n >= len(stems):
                break
            node = node.next.get(stems[i + n])
            n += 1
        return longest

    def find(self, stems: list[str]) -> list[tuple[int, int]]:
        """The entries in the sentence, longest first, left to right, never overlapping."""
        if stems is self._last_stems:  # the same sentence again: each target asks
            return list(self._last_spans)
        spans: list[tuple[int, int]] = []
        self._last_stems, self._last_spans = stems, spans
        marks, present = self.index.marks(stems)
        bit = self.bit
        if not present & bit:  # most sentences
            return []
        after = 0
        for i in range(len(stems)):
            if i >= after and marks[i] & bit:
                n = self.at(stems, i)
                if n:
                    spans.append((i, i + n))
                    after = i + n
        return list(spans)

    def find_spread(self, stems: list[str], gap: int) -> list[tuple[int, int]]:
        """The entries found whole, and those whose words stand up to ``gap`` words apart
        ("could only work if"), sorted; overlaps kept."""
        if stems is self._last_spread_stems:
            return list(self._last_spread)
        found = self.find(stems)
        marks, present = self.index.marks(stems)
        bit = self.bit
        if gap and present & bit:
            for i, word in enumerate(stems):
                if not marks[i] & bit:
                    continue
                for key in self.by_first[word]:
                    j = i
                    for next_word in key[1:]:
                        window = stems[j + 1 : j + 2 + gap]
                        if next_word not in window:
                            break
                        j += 1 + window.index(next_word)
                    else:
                        found.append((i, j + 1))
        spread = sorted(set(found))
        self._last_spread_stems, self._last_spread = stems, spread
        return list(spread)

    def first_words(self) -> frozenset[str]:
        """The entries' first words: "call" of "call for" (not "the" of "not the time")."""
        return frozenset(self.by_first)


@dataclass
class Lexicon:
    """The word lists of ``seeds/lexicon.toml``, compiled for lookup."""

    reporting: PhraseSet
    according_to: PhraseSet
    object_markers: frozenset[str]
    determiners: frozenset[str]
    passive_auxiliaries: frozenset[str]
    linking_words: frozenset[str]
    predicate_words: frozenset[str]
    auxiliaries: frozenset[str]
    plan_subjects: PhraseSet
    plan_pronouns: frozenset[str]
    plan_parts: frozenset[str]
    relative_pronouns: frozenset[str]
    documents: frozenset[str]
    complementizers: frozenset[str]
    agent_markers: frozenset[str]
    definite_articles: frozenset[str]
    generic_determiners: frozenset[str]
    support: PhraseSet
    oppose: PhraseSet
    mixed: PhraseSet
    negations: frozenset[str]
    neutral: PhraseSet
    negation_words: frozenset[str]  # unstemmed: "noting" stems to "not" but negates nothing
    negation_scope: int
    omissions: PhraseSet
    conditions: PhraseSet
    condition_gap: int  # words that may stand inside a condition: "only work if"
    pronouns_male: frozenset[str]
    pronouns_female: frozenset[str]
    pronouns_bodies: frozenset[str]
    pronouns_plural: frozenset[str]
    clause_breaks: frozenset[str]
    soft_breaks: frozenset[str]
    after_scope: int
    require_cue: bool
    harms: frozenset[str] = frozenset()  # stemmed cue texts that harm their object
    lacks: frozenset[str] = frozenset()  # stemmed cue texts that say what is missing
    mixed_adverbs: frozenset[str] = frozenset()  # stemmed mixed cues qualifying a verb ("in part")
    negation_bridges: frozenset[str] = frozenset()  # may stand between a negation and its cue
    collectives: dict[tuple[str, ...], str] = field(default_factory=dict)  # "the two ministers"
    document_verbs: frozenset[str] = frozenset()  # stemmed: what only a text does
    issuing: PhraseSet | None = None  # "put forward", "agreed": actors issuing a document
    praise_verbs: frozenset[str] = frozenset()  # stemmed: "praised X for…" gives X a stance
    # "peace must rest on X": the target before them is a condition's outcome, no stance
    outcome_conditions: PhraseSet | None = None
    # "conditions are not ripe, but we support…": an endorsement with a "not yet" is mixed
    not_yet: PhraseSet | None = None
    complement_markers: frozenset[str] = frozenset()  # "rejected X as unrealistic"
    cue_bits: int = field(init=False)  # the cue lists' bits in their FirstWords
    # (polarity, list), in the order a cue is looked for: mixed, then oppose, then support
    cue_lists: list[tuple[int, PhraseSet]] = field(init=False)

    def __post_init__(self) -> None:
        self.cue_bits = self.mixed.bit | self.oppose.bit | self.support.bit
        self.cue_lists = [(0, self.mixed), (-1, self.oppose), (1, self.support)]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Lexicon:
        speakers, stance, actors = data["speakers"], data["stance"], data["actors"]
        index = FirstWords()  # all of these are looked up in a sentence's stems

        def phrases(entries: Sequence[str]) -> PhraseSet:
            return PhraseSet(entries, index=index)

        support, oppose = phrases(stance["support"]), phrases(stance["oppose"])
        reporting = phrases(speakers["reporting_verbs"])
        return cls(
            reporting=reporting,
            according_to=phrases(speakers["according_to"]),
            object_markers=frozenset(speakers["object_markers"]),
            determiners=frozenset(speakers["determiners"]),
            passive_auxiliaries=frozenset(speakers["passive_auxiliaries"]),
            linking_words=frozenset(stance["linking_words"]),
            predicate_words=frozenset(stem(w) for w in speakers["auxiliaries"])
            | reporting.first_words()
            | support.first_words()
            | oppose.first_words(),
            auxiliaries=frozenset(stem(w) for w in speakers["auxiliaries"]),
            plan_subjects=phrases(speakers["plan_subjects"]),
            plan_pronouns=frozenset(speakers["plan_pronouns"]),
            plan_parts=frozenset(stem(w) for w in speakers["plan_parts"]),
            relative_pronouns=frozenset(speakers["relative_pronouns"]),
            documents=frozenset(speakers.get("documents", ())),
            complementizers=frozenset(speakers.get("complementizers", ())),
            agent_markers=frozenset(speakers.get("agent_markers", ())),
            definite_articles=frozenset(speakers.get("definite_articles", ())),
            generic_determiners=frozenset(speakers["generic_determiners"]),
            support=support,
            oppose=oppose,
            mixed=phrases(stance["mixed"]),
            neutral=phrases(stance.get("neutral", ())),
            negations=frozenset(stem(w) for n in stance["negations"] for w in normalise_phrase(n)),
            negation_words=frozenset(w for n in stance["negations"] for w in normalise_phrase(n)),
            negation_scope=int(stance["negation_scope"]),
            omissions=phrases(stance["omission_cues"]),
            outcome_conditions=phrases(stance.get("outcome_conditions", ())),
            not_yet=phrases(stance.get("not_yet_endorsements", ())),
            complement_markers=frozenset(w.lower() for w in stance.get("complement_markers", ())),
            conditions=phrases(stance["conditions"]),
            condition_gap=int(stance.get("condition_gap", 0)),
            pronouns_male=frozenset(actors["pronouns_male"]),
            pronouns_female=frozenset(actors["pronouns_female"]),
            pronouns_bodies=frozenset(actors.get("pronouns_bodies", ())),
            pronouns_plural=frozenset(actors.get("pronouns_plural", ())),
            clause_breaks=frozenset(stance["clause_breaks"]),
            soft_breaks=frozenset(stance["soft_breaks"]),
            after_scope=int(stance["after_scope"]),
            require_cue=bool(stance.get("require_cue", False)),
            negation_bridges=frozenset(stance.get("negation_bridges", ())),
            document_verbs=frozenset(stem(w) for w in speakers.get("document_verbs", ())),
            issuing=phrases(speakers.get("issuing_verbs", ())),
            praise_verbs=frozenset(stem(w) for w in speakers.get("praise_verbs", ())),
            collectives={normalise_phrase(k): v for k, v in actors.get("collectives", {}).items()},
            lacks=frozenset(
                " ".join(stem(w) for w in normalise_phrase(h)) for h in stance.get("lacks", ())
            ),
            harms=frozenset(
                " ".join(stem(w) for w in normalise_phrase(h)) for h in stance.get("harms", ())
            ),
            mixed_adverbs=frozenset(
                " ".join(stem(w) for w in normalise_phrase(h))
                for h in stance.get("mixed_adverbs", ())
            ),
        )


@dataclass(slots=True)  # __init__ by hand: compiled, unlike the generated one
class Cue:
    start: int
    end: int
    polarity: int  # +1 support, -1 oppose, 0 mixed
    text: str
    negated: bool = False

    def __init__(
        self, start: int, end: int, polarity: int, text: str, negated: bool = False
    ) -> None:
        self.start = start
        self.end = end
        self.polarity = polarity
        self.text = text
        self.negated = negated

    @property
    def value(self) -> int:
        return -self.polarity if self.negated else self.polarity


@dataclass(slots=True)  # __init__ by hand: compiled, unlike the generated one
class Stance:
    stance: str | None  # None: no position
    cues: tuple[Cue, ...]
    omission: bool

    def __init__(self, stance: str | None, cues: tuple[Cue, ...], omission: bool) -> None:
        self.stance = stance
        self.cues = cues
        self.omission = omission


def find_cues(lexicon: Lexicon, stems: list[str], capitals: list[bool] | None = None) -> list[Cue]:
    """Stance cues in order; a capitalised word inside the sentence is a name, not a cue."""
    cues: list[Cue] = []
    marks, present = lexicon.support.index.marks(stems)
    cue_bits = lexicon.cue_bits
    if not present & cue_bits:
        return cues
    i = 0
    while i < len(stems):
        if not marks[i] & cue_bits or (capitals is not None and i > 0 and capitals[i]):
            i += 1
            continue
        for polarity, phrases in lexicon.cue_lists:
            n = phrases.at(stems, i)
            if n:
                lo = max(0, i - lexicon.negation_scope)
                negated = any(stems[j] in lexicon.negations for j in range(lo, i))
                cues.append(Cue(i, i + n, polarity, " ".join(stems[i : i + n]), negated))
                i += n
                break
        else:
            i += 1
    return cues


def soft_breaks(lexicon: Lexicon, words: list[Word]) -> list[bool]:
    """For each word: does a new stretch of the clause start here (after a comma, at "and")?"""
    soft = lexicon.soft_breaks
    return [
        i == 0 or (word.gap != "" and not _SOFT_BREAK_SET.isdisjoint(word.gap)) or word.norm in soft
        for i, word in enumerate(words)
    ]


def _linking(lexicon: Lexicon, word: str) -> bool:
    """Words that may stand between a phrase and a cue that predicates on it."""
    return word in lexicon.linking_words or word in lexicon.determiners or word.endswith("ly")


def clause(lexicon: Lexicon, norms: list[str], position: int) -> tuple[int, int]:
    lo = position
    while lo > 0 and norms[lo - 1] not in lexicon.clause_breaks:
        lo -= 1
    hi = position
    while hi < len(norms) and norms[hi] not in lexicon.clause_breaks:
        hi += 1
    return lo, hi


def stance_of(
    lexicon: Lexicon,
    norms: list[str],
    stems: list[str],
    breaks: list[bool],
    cues: list[Cue],
    match: PhraseMatch,
    others: Sequence[PhraseMatch],
) -> Stance:
    """The stance the sentence takes on one target phrase (see the module's docstring)."""
    lo, hi = clause(lexicon, norms, match.start)
    clause_end = hi
    hi = min(hi, match.end + lexicon.after_scope)
    # Another target bounds the stretch read. A loop: max() of a list is a call into the
    # interpreter, max() of two ints compiles.
    for other in others:
        if other.end <= match.start:
            lo = max(lo, other.end)
        if other.start >= match.end:
            hi = min(hi, other.start)
    polar = [c for c in cues if c.polarity and not (c.start < match.end and match.start < c.end)]
    before = [c for c in polar if lo <= c.start and c.end <= match.start]
    chain: list[Cue] = []
    lacking = False
    if before:
        stretch = before[-1].start
        while stretch > lo and not breaks[stretch]:
            stretch -= 1
        chain = [c for c in before if c.start >= stretch]
        # "…the war could have been prevented and that security should be mutual": a new
        # "that" clause after a break does not take the cues of the one before
        if any(
            breaks[j]
            and (
                norms[j] in lexicon.complementizers
                or (
                    norms[j] in lexicon.soft_breaks
                    and j + 1 < len(norms)
                    and norms[j + 1] in lexicon.complementizers
                )
            )
            for j in range(before[-1].end, match.start)
        ):
            chain = []
        # "hoped to meet Xi to discuss the proposals": the hope is for the meeting; a
        # neutral verb between a cue and the target takes no side on the target
        if any(before[-1].end <= s < match.start for s, _ in lexicon.neutral.find(stems)):
            chain = []
        # "would damage global energy security", "will weaken the Charter": who speaks of harm
        # done to the target defends it, whatever the words before say of the harm
        harm = before[-1]
        if (
            chain
            and harm.text in lexicon.harms
            and match.start - harm.end <= HARM_REACH
            and True not in breaks[harm.end : match.start + 1]
        ):
            chain = [Cue(harm.start, harm.end, 1, harm.text)]
        # "important elements were missing, first and foremost the withdrawal of troops": who
        # misses the target wants it, and the text it is missing from says nothing of it
        if chain and before[-1].text in lexicon.lacks:
            chain, lacking = [Cue(before[-1].start, before[-1].end, 1, before[-1].text)], True
    after = [  # a predicate on the phrase: "sanctions are an important tool", "must stay"
        # (a preposition right after it is not: "sanctions against Russia")
        c
        for c in polar
        if match.end <= c.start < hi
        and not (c.start == match.end and norms[c.start] in lexicon.object_markers)
        and True not in breaks[match.end : c.start + 1]
        and all(_linking(lexicon, w) for w in norms[match.end : c.start])
    ]
    omission = lacking or any(lo <= s < match.start for s, _ in lexicon.omissions.find(stems))
    # A negation in the phrase's own stretch that no cue took: "no settlement could leave
    # troops", "has no intention of joining an arms race". It governs the phrase alone.
    own = match.start
    while own > lo and not breaks[own]:
        own -= 1
    taken = {j for c in chain for j in range(c.start - lexicon.negation_scope, c.start)}
    taken |= {j for c in cues for j in range(c.start, c.end)}  # "no alternative" is one cue
    near = max(own, match.start - lexicon.negation_scope - 2)
    bare = [
        j for j in range(near, match.start) if norms[j] in lexicon.negation_words and j not in taken
    ]
    if any(n in lexicon.clause_breaks for n in norms[match.end : match.end + 3]):
        bare = []  # "not a peace deal but a path to peace": a contrast, not a rejection
    if bare and not any(c.start >= own for c in chain):
        chain = []
    # "rejected the paper as unrealistic": a cue after "as" describes the target as the verb
    # before it judges it, and would turn that verb round if the two were multiplied
    if not (chain and after and norms[match.end] in lexicon.complement_markers):
        chain += after[:1]
    if not after:  # "the conditions for a settlement were not yet in place": a negated predicate
        for j in range(match.end, hi):
            if breaks[j] or not _linking(lexicon, norms[j]):
                break
            if norms[j] in lexicon.negation_words and j not in taken:
                bare.append(j)
                break
    # "never refused": "never" turns "refused" round and is not a cue of its own as well
    chain = [
        c
        for c in chain
        if not (
            c.end - c.start == 1
            and norms[c.start] in lexicon.negation_words
            and any(
                d.negated and d.start > c.start and d.start - c.start <= lexicon.negation_scope
                for d in chain
            )
        )
    ]
    if match.target.kind == "plan":
        mixed = [c for c in cues if c.polarity == 0]
        if mixed:
            return Stance("mixed", tuple(mixed[:1]), omission)
        values = {c.value for c in polar}
        if {1, -1} <= values and len({clause(lexicon, norms, c.start) for c in polar}) > 1:
            # praise in one clause and criticism in another: "useful, but not a peace plan"
            return Stance("mixed", tuple(polar), omission)
        if not chain:  # "set out 'not a peace plan'": a cue that names the plan judges it
            chain = [
                c for c in cues if c.polarity and c.start <= match.start and match.end <= c.end
            ][:1]
        if not chain:
            return Stance(None, (), omission)
    elif conditions := [
        (s, e)
        for s, e in lexicon.conditions.find_spread(stems, lexicon.condition_gap)
        if lo <= s < clause_end
    ]:  # "could only work if the same conditions were met": conditional support is mixed
        start, end = conditions[0]
        if start < match.start and not chain:  # "…only once sanctions were lifted": the
            demand = Cue(start, end, 1, " ".join(stems[start:end]))  # condition demands it
            value = match.polarity * (-1) ** len(bare)
            return Stance("support" if value > 0 else "oppose", (demand,), omission)
        return Stance("mixed", (Cue(start, end, 0, " ".join(stems[start:end])),), omission)
    elif not chain and (lexicon.require_cue or (match.polarity < 0 and not bare)):
        # naming what a point is against ("sanctions") with no stance word takes no side
        return Stance(None, (), omission)
    value = match.polarity * (-1) ** len(bare)
    for cue in chain:
        value *= cue.value
    return Stance("support" if value > 0 else "oppose", tuple(chain), omission)
