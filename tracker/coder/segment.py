"""Sentence segmentation with character offsets into the original text.

A regular-expression splitter: linear in the text's length and about a hundred
times faster than pysbd, which the tests use as an oracle. A sentence ends at
. ! or ? (optionally followed by closing quotes or brackets) when the next
word starts a sentence, unless the dot ends a known abbreviation ("Mr",
"Feb", "U.S."), an initial ("Joseph R. Biden") or a number ("3.5"). Blank
lines always end a sentence. A run longer than MAX_SENTENCE_CHARS without an end (a
page with no full stops) is cut into pieces no longer than that, at a line break,
semicolon, comma or space: linking and attribution look at pairs of words within a
sentence, so an uncut run of 2 MB took minutes, and cut it takes a second.
"""

from __future__ import annotations

import re
import string
from functools import lru_cache
from typing import Final, NamedTuple

from tracker.coder.lexicon import load_lexicon
from tracker.coder.text import (
    INVISIBLE,
    has_any,
    in_text,
    one_word_stems,
    stem,
    without_invisible,
)


class Span(NamedTuple):
    start: int
    end: int
    text: str


# Builds a NamedTuple without calling the class: the class's generated __new__ runs
# interpreted (mypyc compiles the code that calls it, not it), which more than doubles the
# cost of a record (0.22 against 0.10 µs here); the coder makes several per sentence.
NEW_RECORD: Final = tuple.__new__


# Terminal punctuation then a capital (after up to two opening quotes), or a blank line:
#     [.!?]+['"’”»)\]]*(?=\s+['"“‘«(\[]{0,2}[^\W_a-zß-ÿ]|\s*$)  |  \n[ \t]*\n
# A "capital" is a digit or any letter but a lowercase one of ASCII or Latin-1: "Š", "Ł",
# "İ", Cyrillic and scripts without case start a sentence (A-Z and À-Ý alone ran
# "… plan. Šefčovič said …" into one sentence, and its holders with it).
# written to start with one character set, which the regex engine scans for quickly,
# then told apart by what that character was (three times faster, same matches).
_BOUNDARY: Final = re.compile(
    r"[.!?\n]"
    r"(?:(?<=[.!?])[.!?]*['\"’”»)\]]*(?=\s+['\"“‘«(\[]{0,2}[^\W_a-zß-ÿ]|\s*$)"
    r"|(?<=\n)[ \t]*\n)"
)
_LETTERS: Final = frozenset(string.ascii_letters)
_LETTERS_AND_DOTS: Final = _LETTERS | {"."}
WORD_REACH: Final = 24  # how far back from a dot its word may start
# The longest span a sentence may have; news sentences run to a few hundred characters
# (351 at most in the dev and train corpora).
MAX_SENTENCE_CHARS: Final = 1000
# Where an overlong run is cut, the best first: the last of these in the second half of the
# piece; failing all, the last space anywhere in it; failing that, at the limit itself.
_CUTS: Final = ("\n", ";", ",")


@lru_cache(maxsize=1)
def _abbreviations() -> frozenset[str]:
    return frozenset(a.lower().rstrip(".") for a in load_lexicon()["segment"]["abbreviations"])


def word_before(text: str, dot: int) -> str:
    """The letters and dots that end right before ``dot`` (within WORD_REACH characters, and
    starting with a letter), or "": what ``([A-Za-z][A-Za-z.]*)$`` finds in that window,
    found without the pattern's tries at every start."""
    lo = max(0, dot - WORD_REACH)
    end = dot - 1 if dot > lo and text[dot - 1] == "\n" else dot  # $ stands before a last \n
    start = end
    while start > lo and text[start - 1] in _LETTERS_AND_DOTS:
        start -= 1
    while start < end and text[start] not in _LETTERS:
        start += 1
    return text[start:end]


def _is_abbreviation(text: str, dot: int) -> bool:
    """True when the dot at ``dot`` closes an abbreviation or an initial, not a sentence."""
    word = word_before(text, dot)
    if not word:
        return False
    if len(word) == 1 and word.isupper():  # an initial: "Joseph R. Biden"
        return True
    if "." in word:  # "U.S", "e.g"
        return word.lower() in _abbreviations() or len(word.replace(".", "")) <= 3
    return word.lower() in _abbreviations()


@lru_cache(maxsize=1)
def _reporting_verbs() -> frozenset[str]:
    return one_word_stems(load_lexicon()["speakers"]["reporting_verbs"])


def _attribution_follows(text: str, position: int) -> bool:
    """A quotation ending in ? or ! and then "Mr Biden said" or "he asked" goes on."""
    window = text[position : position + 60]
    words = re.findall(r"[\w’'.-]+", window)[:5]
    verbs = _reporting_verbs()
    for word in words:
        if stem(word.rstrip(".!?").lower()) in verbs:
            return True
        if word.endswith((".", "!", "?")):
            return False
    return False


def boundaries(text: str, start: int = 0) -> list[re.Match[str]]:
    """What ``_BOUNDARY.finditer(text, start)`` finds. Every boundary starts with one of
    . ! ? or a newline: str.find jumps to each of those, and the pattern is only tried there,
    which is several times faster than the pattern's own scan of the text."""
    found: list[re.Match[str]] = []
    marks = ".!?\n"
    following = [text.find(mark, start) for mark in marks]  # the next of each, -1: none left
    while True:
        at = -1
        for position in following:
            if position >= 0 and (at < 0 or position < at):
                at = position
        if at < 0:
            return found
        match = _BOUNDARY.match(text, at)
        resume = at + 1
        if match is not None:
            found.append(match)
            resume = match.end()
        for k in range(len(marks)):
            if 0 <= following[k] < resume:
                following[k] = text.find(marks[k], resume)


def split_sentences(text: str, start: int = 0) -> list[Span]:
    """The sentences of ``text[start:]`` with offsets into ``text``."""
    if has_any(text, INVISIBLE):  # "said.\u200b The": split as a reader sees it
        return _split_seen_through(text, start)
    spans: list[Span] = []
    position = start
    for match in boundaries(text, start):
        first = match.group()[0]
        if first == "." and _is_abbreviation(text, match.start()):
            continue
        if first in "?!" and match.group()[-1] in '”"’' and _attribution_follows(text, match.end()):
            continue  # “…how could it be any good?” Mr Biden said: one sentence
        end = match.start() if first == "\n" else match.end()
        _add_trimmed(spans, text, position, end)
        position = match.end()
    _add_trimmed(spans, text, position, len(text))
    return spans


def _split_seen_through(text: str, start: int) -> list[Span]:
    """The sentences of ``text`` without its invisible characters (soft hyphens, zero-width
    spaces…), each with the offsets and the text, invisible characters and all, it has in
    ``text``: sentences are kept as they were written."""
    plain, places = without_invisible(text)
    spans: list[Span] = []
    for span in split_sentences(plain, len(without_invisible(text[:start])[0])):
        begin, end = in_text(places, span.start, span.end)
        spans.append(NEW_RECORD(Span, (begin, end, text[begin:end])))
    return spans


def _add_trimmed(spans: list[Span], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    while end - start > MAX_SENTENCE_CHARS:  # rare: only a run with no sentence end
        cut = cut_before(text, start, start + MAX_SENTENCE_CHARS)
        _add_trimmed(spans, text, start, cut)
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        spans.append(NEW_RECORD(Span, (start, end, text[start:end])))


def cut_before(text: str, start: int, limit: int) -> int:
    """Where to end a piece of ``text`` that starts at ``start`` and may reach ``limit``:
    after the last line break, semicolon or comma in the second half of the piece (tried in
    that order), else at the last space, else at ``limit``. Always past ``start``."""
    half = start + (limit - start) // 2
    for mark in _CUTS:
        at = text.rfind(mark, half, limit)
        if at >= 0:
            return at + 1
    at = limit - 1
    while at > start and not text[at].isspace():
        at -= 1
    return at if at > start else limit
