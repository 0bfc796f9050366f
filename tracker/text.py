"""Words with offsets, normalised the same way for sentences, phrases and names."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

_WORD = re.compile(r"[^\W_]+(?:[-‐'’.][^\W_]+)*(?:['’]s?)?", re.UNICODE)
_FOLD = str.maketrans({"’": "'", "‘": "'", "‐": "-"})


@dataclass(frozen=True, slots=True)
class Word:
    norm: str  # lower case, no accents, no possessive, hyphens and dots joined
    start: int
    end: int
    capital: bool  # the surface form starts with a capital letter


@lru_cache(maxsize=200_000)
def normalise_word(surface: str) -> str:
    word = surface.translate(_FOLD).lower()
    if word.endswith("'s"):
        word = word[:-2]
    word = word.rstrip("'")
    if not word.isascii():
        word = unicodedata.normalize("NFKD", word)
        word = "".join(c for c in word if not unicodedata.combining(c))
    return word.replace("-", "").replace(".", "").replace("'", "")


def words(text: str) -> list[Word]:
    out = []
    for match in _WORD.finditer(text):
        surface = match.group()
        norm = normalise_word(surface)
        if norm:
            out.append(Word(norm, match.start(), match.end(), surface[0].isupper()))
    return out


def normalise_phrase(phrase: str) -> tuple[str, ...]:
    return tuple(w.norm for w in words(phrase))
