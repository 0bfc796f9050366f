"""Words with offsets, normalised the same way for sentences, phrases and names."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

# Split with the word as a group: [gap, word, gap, word, ..., gap], plain strings whose
# lengths give the offsets. Cheaper than a match object per word.
_WORDS_AND_GAPS: Final = re.compile(r"([^\W_]+(?:[-‐'’.][^\W_]+)*(?:['’]s?)?)", re.UNICODE)
_PAUSES: Final = frozenset(',;:()[]—–“”"')
_POSSESSIVE: Final = ("'s", "’s", "s'", "s’")
_FOLD: Final = str.maketrans({"’": "'", "‘": "'", "‐": "-"})


@dataclass(slots=True)
class Word:
    """A sentence makes dozens of these. The __init__ is written out so that mypyc compiles
    it (the dataclass one would run interpreted): compiled, this is the cheapest to build."""

    norm: str  # lower case, no accents, no possessive, hyphens and dots joined
    stem: str  # stem(norm), for the lexicon's lists and the linker
    start: int
    end: int
    capital: bool  # the surface form starts with a capital letter
    possessive: bool  # "Ukraine's": a modifier, not a subject
    pause_before: bool  # punctuation separates it from the previous word

    def __init__(
        self,
        norm: str,
        stem: str,
        start: int,
        end: int,
        capital: bool,
        possessive: bool,
        pause_before: bool,
    ) -> None:
        self.norm = norm
        self.stem = stem
        self.start = start
        self.end = end
        self.capital = capital
        self.possessive = possessive
        self.pause_before = pause_before


# Distinct words each per-word cache holds (here and in tracker.link). A full cache starts
# again, so memory grows with an archive's vocabulary only up to this, then stays flat.
CACHE_WORDS: Final = 100_000


@lru_cache(maxsize=CACHE_WORDS)
def normalise_word(surface: str) -> str:
    word = surface.translate(_FOLD).lower()
    if word.endswith("'s"):
        word = word[:-2]
    word = word.rstrip("'")
    if not word.isascii():
        word = unicodedata.normalize("NFKD", word)
        word = "".join(c for c in word if not unicodedata.combining(c))
    return word.replace("-", "").replace(".", "").replace("'", "")


# surface -> norm, stem, capital, possessive: each worked out once per distinct surface form
_surfaces: Final[dict[str, tuple[str, str, bool, bool]]] = {}


def words(text: str) -> list[Word]:
    """The words of ``text`` with their offsets.

    A word never spans a space, so the text is cut at spaces first (one C call) and only
    the pieces that are not a plain run of letters and digits ("said,", "“We", "U.S.-led")
    go through the word pattern: the same words, for a third of the pattern's work.
    """
    out: list[Word] = []
    gap = ""  # what lies between the previous word kept and this one, spaces left out
    start = 0  # where the current space-separated piece begins
    for piece in text.split(" "):
        if piece.isalnum():  # most pieces: one whole word
            known = _surface(piece)
            if known is not None:
                pause = bool(gap) and bool(out) and not _PAUSES.isdisjoint(gap)
                out.append(
                    Word(known[0], known[1], start, start + len(piece), known[2], known[3], pause)
                )
                gap = ""
            else:
                gap += piece
            start += len(piece) + 1
            continue
        parts = _WORDS_AND_GAPS.split(piece)
        gap += parts[0]
        end = start + len(parts[0])
        for i in range(1, len(parts), 2):
            surface = parts[i]
            begin = end
            end = begin + len(surface)
            known = _surface(surface)
            if known is None:  # nothing left of it: part of the gap
                gap += surface + parts[i + 1]
                end += len(parts[i + 1])
                continue
            pause = bool(gap) and bool(out) and not _PAUSES.isdisjoint(gap)
            out.append(Word(known[0], known[1], begin, end, known[2], known[3], pause))
            gap = parts[i + 1]
            end += len(gap)
        start += len(piece) + 1
    return out


def _surface(surface: str) -> tuple[str, str, bool, bool] | None:
    """Norm, stem, capital and possessive of a surface form, or None when its norm is
    empty; worked out once per distinct surface form."""
    known = _surfaces.get(surface)
    if known is None:
        norm = normalise_word(surface)
        if not norm:
            return None
        known = (norm, stem(norm), surface[0].isupper(), surface.endswith(_POSSESSIVE))
        if len(_surfaces) >= CACHE_WORDS:
            _surfaces.clear()  # bounded memory on any archive; refills with what recurs
        _surfaces[surface] = known
    return known


def normalise_phrase(phrase: str) -> tuple[str, ...]:
    return tuple(w.norm for w in words(phrase))


_SUFFIXES: Final = ("ings", "ing", "edly", "ed", "es", "s", "e")


@lru_cache(maxsize=CACHE_WORDS)
def stem(word: str) -> str:
    """A light stem for cue lists: "urged", "urges" and "urge" all give "urg"."""
    if len(word) <= 3:
        return word
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiouls":
        word = word[:-1]  # "stopping" → "stopp" → "stop"
    return word
