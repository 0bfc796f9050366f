"""Linking sentences to targets by fuzzy phrase matching.

A phrase ("withdraw its troops") matches when each of its content words has a
similar word (rapidfuzz ratio over normalised words, so "withdraws", "troop"
and "Zaporizhia" match) within a short window of the sentence, in any order.
Word similarities are computed once per distinct word and cached, not once per
sentence and phrase: news text repeats its vocabulary, so the cache makes
linking cost grow with new words rather than with sentences.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final

from rapidfuzz import fuzz, process

from tracker.coder.text import CACHE_WORDS, Word, normalise_phrase, stem


@dataclass(frozen=True, slots=True)
class TargetSpec:
    """What the linker needs to know of a target."""

    id: int
    plan: str
    key: str  # "1".."12", a slug, or "plan"
    kind: str
    phrases: tuple[tuple[str, int], ...]  # (phrase, polarity)

    def __reduce__(self) -> tuple[type, tuple]:
        """Pickled as its constructor call, as ``ActorInfo`` is (and for its reason)."""
        return (TargetSpec, (self.id, self.plan, self.key, self.kind, self.phrases))


@dataclass(slots=True)  # __init__ by hand: compiled, unlike the generated one
class PhraseMatch:
    target: TargetSpec
    phrase: str
    polarity: int
    score: float  # 0..1
    start: int  # word index of the first matched word
    end: int  # word index after the last matched word

    def __init__(
        self, target: TargetSpec, phrase: str, polarity: int, score: float, start: int, end: int
    ) -> None:
        self.target = target
        self.phrase = phrase
        self.polarity = polarity
        self.score = score
        self.start = start
        self.end = end


@dataclass
class _Phrase:
    target: TargetSpec
    text: str
    polarity: int
    words: tuple[str, ...]


_NOTHING: Final[dict[str, float]] = {}  # read-only


@dataclass
class WordMatcher:
    """Similarity of sentence words to a fixed vocabulary, cached per distinct word."""

    vocabulary: Sequence[str]
    cutoff: float
    min_fuzzy_length: int = 5
    _cache: dict[str, dict[str, float]] = field(default_factory=dict)

    def similar(self, word: str) -> dict[str, float]:
        found = self._cache.get(word)
        if found is None:
            found = {}
            long_enough = len(word) >= self.min_fuzzy_length
            candidates = self._by_start.get(word[:2]) if long_enough else None
            if candidates:
                for choice, score, _ in process.extract(
                    word, candidates, scorer=fuzz.ratio, score_cutoff=self.cutoff, limit=None
                ):
                    found[choice] = score
            if word in self._vocabulary_set:
                found[word] = 100.0
            found = found or _NOTHING  # most words resemble nothing: one shared empty dict
            if len(self._cache) >= CACHE_WORDS:
                self._cache.clear()
            self._cache[word] = found
        return found

    def __post_init__(self) -> None:
        self._vocabulary_set = frozenset(self.vocabulary)
        self.vocabulary = sorted(w for w in self._vocabulary_set if len(w) >= self.min_fuzzy_length)
        # The vocabulary by first two letters. Inflections and spelling variants keep a
        # word's first letters ("nation" and "station" are not variants), so a word unseen
        # before is compared with its own bucket, not with the whole vocabulary.
        self._by_start: dict[str, list[str]] = {}
        for choice in self.vocabulary:
            self._by_start.setdefault(choice[:2], []).append(choice)


class Linker:
    def __init__(
        self,
        targets: Sequence[TargetSpec],
        stopwords: Sequence[str],
        word_similarity: float = 88,
        window_slack: int = 2,
    ) -> None:
        self.stopwords = frozenset(stopwords)
        self.window_slack = window_slack
        self.phrases: list[_Phrase] = []
        self.by_word: dict[str, list[_Phrase]] = defaultdict(list)
        vocabulary: set[str] = set()
        for target in targets:
            for text, polarity in target.phrases:
                content = tuple(stem(w) for w in normalise_phrase(text) if w not in self.stopwords)
                if not content:
                    continue
                phrase = _Phrase(target, text, polarity, content)
                self.phrases.append(phrase)
                self.by_word[content[0]].append(phrase)
                vocabulary.update(content)
        self.matcher = WordMatcher(sorted(vocabulary), cutoff=word_similarity)
        self.first_words = frozenset(self.by_word)

    def matches(self, sentence_words: list[Word]) -> list[PhraseMatch]:
        """Every phrase found in the sentence, with the words it spans."""
        stopwords, matcher = self.stopwords, self.matcher
        index = [i for i, w in enumerate(sentence_words) if w.norm not in stopwords]
        # The content positions that resemble some vocabulary word, and what they resemble;
        # distances stay counted in content words. Most positions resemble nothing.
        similar = [
            (k, options)
            for k, i in enumerate(index)
            if (options := matcher.similar(sentence_words[i].stem))
        ]
        found: list[PhraseMatch] = []
        present: set[str] = set()
        for _, options in similar:
            present.update(options)
        for first_word in sorted(self.first_words & present):  # a fixed order: same links
            for phrase in self.by_word[first_word]:
                if len(phrase.words) > 1 and not _all_in(phrase.words, present):
                    continue
                match = self._match_phrase(phrase, similar, index)
                if match:
                    found.append(match)
        return found

    def _match_phrase(
        self, phrase: _Phrase, similar: list[tuple[int, dict[str, float]]], index: list[int]
    ) -> PhraseMatch | None:
        first = phrase.words[0]
        if len(phrase.words) == 1:  # the best-scoring occurrence, the first on a tie
            best_score, best_k = -1.0, 0
            for k, options in similar:
                if first in options and options[first] > best_score:
                    best_score, best_k = options[first], k
            return PhraseMatch(
                phrase.target,
                phrase.text,
                phrase.polarity,
                best_score / 100,
                index[best_k],
                index[best_k] + 1,
            )
        width = len(phrase.words) + self.window_slack
        best: PhraseMatch | None = None
        for anchor, options in similar:
            if first not in options:
                continue
            total = options[first]
            used = {anchor}
            lo = hi = anchor
            for word in phrase.words[1:]:
                # the best-scoring other position in the window, the last on a tie
                score, at = -1.0, -1
                for k, other in similar:
                    if anchor - width < k < anchor + width and k not in used and word in other:
                        if other[word] >= score:
                            score, at = other[word], k
                if at < 0:
                    break
                total += score
                used.add(at)
                lo, hi = min(lo, at), max(hi, at)
            else:
                if hi - lo >= width:
                    continue
                score = total / len(phrase.words) / 100
                if best is None or score > best.score:
                    best = PhraseMatch(
                        phrase.target, phrase.text, phrase.polarity, score, index[lo], index[hi] + 1
                    )
        return best


def _all_in(words: tuple[str, ...], present: set[str]) -> bool:
    """``present.issuperset(words)``, compiled to a loop: the method call cost more than
    the check, on a few words."""
    for word in words:
        if word not in present:
            return False
    return True


def best_links(matches: list[PhraseMatch], threshold: float) -> dict[int, PhraseMatch]:
    """The strongest match per target, for targets that can be linked (not the plan).

    A match inside the name of a plan or initiative ("peace" in "peace plan")
    is part of that name, not a mention of the target's subject; a match that
    is the whole name ("the Grain Initiative", point 9's subject) mentions it.
    """
    names = [m for m in matches if m.target.kind == "plan"]
    best: dict[int, PhraseMatch] = {}
    ranks: dict[int, tuple[float, int, str]] = {}  # the rank of each target's best so far
    for match in matches:
        if match.target.kind == "plan" or match.score < threshold:
            continue
        if any(
            n.start <= match.start
            and match.end <= n.end
            and (n.start, n.end) != (match.start, match.end)
            for n in names
        ):
            continue
        rank = _rank(match)
        current = ranks.get(match.target.id)
        if current is None or rank > current:
            best[match.target.id], ranks[match.target.id] = match, rank
    return best


def _rank(match: PhraseMatch) -> tuple[float, int, str]:
    """Best score first; on a tie the longer phrase ("lift sanctions" over "sanctions")."""
    return (rounded(match.score, 6), match.end - match.start, match.phrase)


# round()'s results by digits and value. round(x, n) goes through a decimal string (about
# 2,000 machine instructions); a link score is a mean of a few word similarities, so few
# values come back again and again (under ten on the dev corpus and on 1,000 synthetic
# articles).
_ROUNDED: Final[dict[int, dict[float, float]]] = {}


def rounded(value: float, digits: int) -> float:
    """``round(value, digits)``, worked out once per value."""
    table = _ROUNDED.get(digits)
    if table is None:
        table = _ROUNDED[digits] = {}
    result = table.get(value)
    if result is None:
        result = round(value, digits)
        if len(table) >= CACHE_WORDS:
            table.clear()  # bounded memory, as the word caches
        table[value] = result
    return result
