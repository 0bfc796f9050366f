"""Words with offsets, normalised the same way for sentences, phrases and names."""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

# Split with the word as a group: [gap, word, gap, word, ..., gap], plain strings whose
# lengths give the offsets. Cheaper than a match object per word.
_WORDS_AND_GAPS: Final = re.compile(r"([^\W_]+(?:[-‐'’.][^\W_]+)*(?:['’]s?)?)", re.UNICODE)
_PAUSES: Final = frozenset(',;:()[]—–“”"')
_POSSESSIVE: Final = ("'s", "’s", "s'", "s’")
# Text copied from news pages carries characters a reader does not see, or does not tell
# from plainer ones: the soft hyphen, zero-width space, non-joiner and joiner, word joiner and
# byte order mark, which would cut a word in two ("Zel\u200bensky"), and the modifier letter
# apostrophe, which the word pattern reads as a letter ("Chinaʼs" one word, not "China" and a
# possessive). Words are made from the text without the first and with ’ for the second;
# their offsets stay those of the text as written. (Non-breaking and other unusual spaces
# need nothing: like any space but " ", the word pattern parts words at them.)
INVISIBLE: Final = ("\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff")
UNSEEN: Final = (*INVISIBLE, "\u02bc")
_INVISIBLE_CHAR: Final = re.compile(f"[{''.join(INVISIBLE)}]")
_GONE: Final = str.maketrans({c: None for c in INVISIBLE})
_SEEN: Final = str.maketrans({"\u02bc": "’", **{c: None for c in INVISIBLE}})
_FOLD: Final = str.maketrans(
    {"’": "'", "‘": "'", "‐": "-", "\u02bc": "'", **{c: None for c in INVISIBLE}}
)


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
    gap: str  # what stands between the previous word and this one, spaces left out

    def __init__(
        self,
        norm: str,
        stem: str,
        start: int,
        end: int,
        capital: bool,
        possessive: bool,
        pause_before: bool,
        gap: str = "",
    ) -> None:
        self.norm = norm
        self.stem = stem
        self.start = start
        self.end = end
        self.capital = capital
        self.possessive = possessive
        self.pause_before = pause_before
        self.gap = gap


class WordNode:
    """A tree of word sequences (names, titles, cue phrases) by their words: a sentence is
    followed only as far as some entry goes on, and each node says whether one ends there."""

    def __init__(self) -> None:
        self.next: dict[str, WordNode] = {}
        self.ends = False


def add_to_tree(tree: dict[str, WordNode], entry: Sequence[str]) -> None:
    children, last = tree, None
    for word in entry:
        last = children.get(word)
        if last is None:
            last = children[word] = WordNode()
        children = last.next
    if last is not None:
        last.ends = True


def remove_from_tree(tree: dict[str, WordNode], entry: Sequence[str]) -> None:
    """Undo ``add_to_tree`` for an entry no longer wanted: it no longer ends where it did,
    and the nodes only it used are dropped."""
    path: list[tuple[dict[str, WordNode], str]] = []
    children = tree
    for word in entry:
        node = children.get(word)
        if node is None:
            return  # not in the tree
        path.append((children, word))
        children = node.next
    if not path:
        return
    parent, word = path[-1]
    parent[word].ends = False
    for parent, word in reversed(path):
        node = parent[word]
        if node.ends or node.next:
            break
        del parent[word]


# Distinct words each per-word cache holds (here and in tracker.coder.link). A full cache starts
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
        # the dotless ı has no accent to drop, while "KALIN" lowers to "kalin": "Kalın" and
        # its capitals were two names
        word = word.replace("ı", "i")
    return word.replace("-", "").replace(".", "").replace("'", "")


# Punctuation that may stand round a plain word ("“We", "said,", "(Reuters)."): stripped,
# the rest is the word. Apostrophes are not here: a word ends with its possessive.
_EDGES: Final = ',.;:!?"“”‘()[]{}«»<>—–-‐…/*'

# Each surface form worked out once: norm ("" when nothing of it is left), stem, capital,
# possessive. Tuples of plain values, which the garbage collector does not track: a cache
# of objects would be walked by each of its full passes, more often as the cache grows.
_surfaces: Final[dict[str, tuple[str, str, bool, bool]]] = {}


def words(text: str) -> list[Word]:
    """The words of ``text`` with their offsets.

    A word never spans a space, so the text is cut at spaces first (one C call). A piece
    that is a plain run of letters and digits is a word; so is one that is such a run
    once the punctuation round it is stripped ("said,", "“We"); only what remains
    ("U.S.-led", "Kyiv's") goes through the word pattern, which costs more than the rest.
    """
    if has_any(text, UNSEEN):  # seldom true
        return _words_seen_through(text)
    out: list[Word] = []
    gap = ""  # what lies between the previous word kept and this one, spaces left out
    start = 0  # where the current space-separated piece begins
    for piece in text.split(" "):
        core, lead, trail = piece, "", ""
        if not piece.isalnum():
            left = piece.lstrip(_EDGES)
            core = left.rstrip(_EDGES)
            if not core:  # punctuation alone: "—", or nothing between two spaces
                gap += piece
                start += len(piece) + 1
                continue
            if not core.isalnum():  # "U.S.-led", "Kyiv's": the pattern's work
                gap = _pattern_words(out, piece, start, gap)
                start += len(piece) + 1
                continue
            lead = piece[: len(piece) - len(left)]
            trail = left[len(core) :]
        # one plain word, and the punctuation round it in the gaps
        norm, stem_, capital, possessive = _surface(core)
        if norm:
            if lead:
                gap += lead
            pause = bool(gap) and bool(out) and not _PAUSES.isdisjoint(gap)
            begin = start + len(lead)
            out.append(Word(norm, stem_, begin, begin + len(core), capital, possessive, pause, gap))
            gap = trail
        else:
            gap += piece
        start += len(piece) + 1
    return out


def has_any(text: str, characters: tuple[str, ...]) -> bool:
    """Whether ``text`` holds any of ``characters``: a substring search for each, five times
    faster than a pattern of them (seven characters in a sentence of the corpus not all
    ASCII: 0.12 against 0.56 µs); none for a text all ASCII (O(1))."""
    if text.isascii():
        return False
    for character in characters:
        if character in text:
            return True
    return False


def plain_text(text: str) -> str:
    """``text`` as a reader sees it: without invisible characters, the modifier letter
    apostrophe as ’. The same string when there is nothing to change (the common case)."""
    return text.translate(_SEEN) if has_any(text, UNSEEN) else text


def without_invisible(text: str) -> tuple[str, list[int]]:
    """``text`` without its invisible characters, and the places in what is left where they
    stood: what stands at ``a:b`` there stands at ``in_text(places, a, b)`` in ``text``,
    with the invisible characters inside it and none of those round it."""
    places = [m.start() - n for n, m in enumerate(_INVISIBLE_CHAR.finditer(text))]
    return text.translate(_GONE), places


def in_text(places: list[int], start: int, end: int) -> tuple[int, int]:
    """Offsets ``start:end`` (``end > start``) of the text without invisible characters,
    as offsets into the text with them (see ``without_invisible``)."""
    return start + bisect_right(places, start), end + bisect_right(places, end - 1)


def _words_seen_through(text: str) -> list[Word]:
    """The words of ``plain_text(text)``, with offsets into ``text``."""
    plain = text.translate(_SEEN)
    found = words(plain)
    if len(plain) == len(text):
        return found  # only apostrophes replaced: the offsets are the text's
    places = without_invisible(text)[1]
    for word in found:
        word.start, word.end = in_text(places, word.start, word.end)
    return found


def _pattern_words(out: list[Word], piece: str, start: int, gap: str) -> str:
    """Adds the words the pattern finds in ``piece`` (at ``start``); returns the gap after."""
    parts = _WORDS_AND_GAPS.split(piece)
    gap += parts[0]
    end = start + len(parts[0])
    for i in range(1, len(parts), 2):
        surface = parts[i]
        begin = end
        end = begin + len(surface)
        norm, stem_, capital, possessive = _surface(surface)
        if not norm:  # nothing left of it: part of the gap
            gap += surface + parts[i + 1]
            end += len(parts[i + 1])
            continue
        pause = bool(gap) and bool(out) and not _PAUSES.isdisjoint(gap)
        out.append(Word(norm, stem_, begin, end, capital, possessive, pause, gap))
        gap = parts[i + 1]
        end += len(gap)
    return gap


def _surface(surface: str) -> tuple[str, str, bool, bool]:
    """What ``surface`` gives its words, worked out once per distinct surface form."""
    known = _surfaces.get(surface)
    if known is None:
        norm = normalise_word(surface)
        known = (
            norm,
            stem(norm) if norm else "",
            surface[0].isupper(),
            surface.endswith(_POSSESSIVE),
        )
        if len(_surfaces) >= CACHE_WORDS:
            _surfaces.clear()  # bounded memory on any archive; refills with what recurs
        _surfaces[surface] = known
    return known


def normalise_phrase(phrase: str) -> tuple[str, ...]:
    return tuple(w.norm for w in words(phrase))


def one_word_stems(entries: Iterable[str]) -> frozenset[str]:
    """The stems of a word list's one-word entries ("said", not "told reporters"), to compare
    with a sentence word's ``stem``: the reporting verbs, for the sentence splitter and for
    finding unknown speakers."""
    return frozenset(stem(entry.lower()) for entry in entries if " " not in entry.strip())


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
