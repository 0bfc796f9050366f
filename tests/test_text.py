"""Words and lexicon lookups: the primitives every stage reads sentences through."""

from __future__ import annotations

import re
import string

from hypothesis import example, given, settings
from hypothesis import strategies as st

from tracker.coder.stance import RECENT_SENTENCES, FirstWords, PhraseSet
from tracker.coder.text import normalise_word, stem, words


def test_words_normalise_and_keep_offsets() -> None:
    text = "Zelenskyy's adviser, Mykhailo Podolyak — said: “no.”"
    found = words(text)
    assert [w.norm for w in found] == ["zelenskyy", "adviser", "mykhailo", "podolyak", "said", "no"]
    assert [text[w.start : w.end] for w in found][:2] == ["Zelenskyy's", "adviser"]
    assert [w.capital for w in found] == [True, False, True, True, False, False]
    assert [w.possessive for w in found] == [True, False, False, False, False, False]
    # punctuation between two words marks a pause; a plain space does not
    assert [w.pause_before for w in found] == [False, False, True, False, True, True]


def test_words_fold_accents_hyphens_and_quotes() -> None:
    assert [w.norm for w in words("Zaporizhzhia’s cease-fire in Kyiv, U.S.-backed")] == [
        "zaporizhzhia",
        "ceasefire",
        "in",
        "kyiv",
        "us",
        "backed",
    ]
    assert [w.norm for w in words("Lula da Silva, Macrón")] == ["lula", "da", "silva", "macron"]


def test_words_same_result_when_a_surface_form_is_seen_again() -> None:
    """The surface-form cache must not carry one sentence's offsets or pauses into another."""
    first = words("China, Russia")
    second = words("Russia and China")
    assert [(w.norm, w.start, w.pause_before) for w in first] == [
        ("china", 0, False),
        ("russia", 7, True),
    ]
    assert [(w.norm, w.start, w.pause_before) for w in second] == [
        ("russia", 0, False),
        ("and", 7, False),
        ("china", 11, False),
    ]


@given(st.lists(st.sampled_from(["peace", "Kyiv", "talks", ",", " ", "  ", ";", "—", "(", ")"])))
def test_pause_is_punctuation_in_the_gap(pieces: list[str]) -> None:
    text = " ".join(pieces)
    found = words(text)
    for previous, word in zip(found, found[1:], strict=False):
        gap = text[previous.end : word.start]
        assert word.pause_before == any(c in ',;:()[]—–“”"' for c in gap)
        assert text[word.start : word.end].strip(string.punctuation)


@given(st.text(alphabet=st.sampled_from("aZé’'.-_ ,;\u0301\n1"), max_size=40))
def test_offsets_give_back_each_word_on_any_text(text: str) -> None:
    found = words(text)
    for word in found:
        assert word.norm and normalise_word(text[word.start : word.end]) == word.norm
        assert word.stem == stem(word.norm)
    assert all(a.end <= b.start for a, b in zip(found, found[1:], strict=False))


def _words_by_pattern_alone(text: str) -> list[tuple]:
    """The reference: every match of the word pattern over the whole text, as words() was
    first written; words() cuts at spaces first and must find exactly these."""
    found: list[tuple] = []
    previous_end = 0
    for match in re.finditer(r"[^\W_]+(?:[-‐'’.][^\W_]+)*(?:['’]s?)?", text):
        norm = normalise_word(match.group())
        if not norm:
            continue
        gap = text[previous_end : match.start()]
        pause = bool(found) and any(c in ',;:()[]—–“”"' for c in gap)
        found.append((norm, match.start(), match.end(), pause, gap.replace(" ", "")))
        previous_end = match.end()
    return found


@settings(max_examples=500)
@given(st.text(alphabet=st.sampled_from("aZ9é’'.-‐_ ,;“”‘—()!?…/\u0301\n\t\xa0"), max_size=60))
@example("“We said,” (Reuters). Kyiv’ U.S.-led Kyiv's a’s -5 well- — ")
def test_words_are_the_word_pattern_matches(text: str) -> None:
    assert [(w.norm, w.start, w.end, w.pause_before, w.gap) for w in words(text)] == (
        _words_by_pattern_alone(text)
    )


def test_phrase_set_finds_longest_entries_left_to_right_without_overlap() -> None:
    phrases = PhraseSet(["call for", "call", "for peace talks", "peace"])
    stems = [stem(w.norm) for w in words("They called for peace talks and peace")]
    assert phrases.find(stems) == [(1, 3), (3, 4), (6, 7)]
    assert phrases.at(stems, 1) == 2
    assert phrases.at(stems, 0) == 0
    assert phrases.find([stem(w.norm) for w in words("Nothing here at all")]) == []


def _find_by_scanning(entries: list[tuple[str, ...]], stems: list[str]) -> list[tuple[int, int]]:
    """The reference for PhraseSet.find: try every entry, longest first, at every word."""
    spans, i = [], 0
    ordered = sorted(entries, key=len, reverse=True)
    while i < len(stems):
        n = next((len(e) for e in ordered if tuple(stems[i : i + len(e)]) == e), 0)
        if n:
            spans.append((i, i + n))
        i += n or 1
    return spans


def _spread_by_scanning(
    entries: list[tuple[str, ...]], stems: list[str], gap: int
) -> list[tuple[int, int]]:
    """The reference for find_spread: with a gap, also each entry from every word it starts
    with, each next word taken at its first place at most gap words after the one before."""
    found = set(_find_by_scanning(entries, stems))
    for entry in entries if gap else []:
        for i in (i for i, word in enumerate(stems) if word == entry[0]):
            at: int | None = i
            for word in entry[1:]:
                reach = range(at + 1, min(len(stems), at + 2 + gap))
                at = next((j for j in reach if stems[j] == word), None)
                if at is None:
                    break
            if at is not None:
                found.add((i, at + 1))
    return sorted(found)


lists = st.lists(st.lists(st.sampled_from("abcd"), min_size=1, max_size=3), max_size=5)


@given(lists, lists, st.lists(st.sampled_from("abcde"), max_size=12), st.integers(0, 2))
@example([], [["a"], ["a", "a"]], ["a", "a"], 0)
@example([], [["a"], ["a", "a"]], ["a", "b", "a"], 1)
def test_phrase_sets_sharing_first_words_find_their_own_entries(
    first: list[list[str]], second: list[list[str]], sentence: list[str], gap: int
) -> None:
    index = FirstWords()
    one = PhraseSet([" ".join(e) for e in first], stemmed=False, index=index)
    two = PhraseSet([" ".join(e) for e in second], stemmed=False, index=index)
    for phrases, entries in ((one, first), (two, second), (one, first)):  # asked again: cached
        expected = _find_by_scanning([tuple(e) for e in entries], sentence)
        assert phrases.find(sentence) == expected
        assert phrases.find_spread(sentence, gap) == _spread_by_scanning(
            [tuple(e) for e in entries], sentence, gap
        )
    assert one.find(list(sentence)) == _find_by_scanning([tuple(e) for e in first], sentence)


@given(st.lists(st.lists(st.sampled_from("abcdef"), max_size=6), min_size=1, max_size=8))
def test_marks_asked_again_after_other_sentences_are_each_sentences_own(
    sentences: list[list[str]],
) -> None:
    """The positions pass asks for the marks of an article's sentences a second time, after
    all of them were marked; equal sentences in different lists keep their own entries."""
    index = FirstWords()
    index.add_list(["a", "b"])
    index.add_list(["b", "c", "d"])

    def plain(sentence: list[str]) -> tuple[list[int], int]:
        marks = [index.bits.get(w, 0) for w in sentence]
        present = 0
        for mark in marks:
            present |= mark
        return marks, present

    for sentence in sentences:
        assert index.marks(sentence) == plain(sentence)
    for sentence in reversed(sentences):
        assert index.marks(sentence) == plain(sentence)


def test_marks_stay_right_past_the_number_of_sentences_kept() -> None:
    index = FirstWords()
    index.add_list(["peace"])
    sentences = [["peace"] if n % 3 == 0 else ["war"] for n in range(RECENT_SENTENCES * 2 + 5)]
    for sentence in sentences:
        index.marks(sentence)
    for n, sentence in enumerate(sentences):
        assert index.marks(sentence) == (([1], 1) if n % 3 == 0 else ([0], 0))
    index.marks(sentences[1])
    index.add_list(["war"])  # a new list: the kept marks are stale
    assert index.marks(sentences[1]) == ([2], 2)


def _insert(clean: str, inserts: list[tuple[int, str]]) -> tuple[str, list[int]]:
    """``clean`` with characters inserted before the given offsets; where each of its
    characters (and its end) lands in the result."""
    written, lands = "", []
    for i in range(len(clean) + 1):
        written += "".join(c for at, c in inserts if min(at, len(clean)) == i)
        lands.append(len(written))
        written += clean[i : i + 1]
    return written, lands


@settings(max_examples=300)
@given(
    st.text(alphabet=st.sampled_from("aZ9é’'.-‐_ ,;“”‘—()!?…/\u0301\n\xa0"), max_size=50),
    st.lists(
        st.tuples(st.integers(0, 50), st.sampled_from("\u00ad\u200b\u200c\u200d\u2060\ufeff")),
        max_size=6,
    ),
)
@example("Zelensky's cease-fire", [(3, "\u200b"), (5, "\u00ad"), (0, "\ufeff"), (21, "\u2060")])
def test_words_see_through_invisible_characters(clean: str, inserts: list[tuple[int, str]]):
    """Soft hyphens, zero-width characters and byte order marks anywhere in a text: the same
    words as without them, at the offsets of the text as written."""
    written, lands = _insert(clean, inserts)
    assert [
        (w.norm, w.stem, w.capital, w.possessive, w.pause_before, w.gap, w.start, w.end)
        for w in words(written)
    ] == [
        (
            w.norm,
            w.stem,
            w.capital,
            w.possessive,
            w.pause_before,
            w.gap,
            lands[w.start],
            lands[w.end - 1] + 1,
        )
        for w in words(clean)
    ]


def test_a_modifier_letter_apostrophe_is_an_apostrophe() -> None:
    plain, written = "China’s plan, Kyiv’ s", "Chinaʼs plan, Kyivʼ s"
    assert [(w.norm, w.possessive, w.start, w.end) for w in words(written)] == [
        (w.norm, w.possessive, w.start, w.end) for w in words(plain)
    ]
    assert words(written)[0].norm == "china" and words(written)[0].possessive
