"""Sentence segmentation: abbreviations, decimals, quotes, and exact offsets."""

from __future__ import annotations

import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from tracker.coder.segment import _BOUNDARY, WORD_REACH, boundaries, split_sentences, word_before


def _texts(text: str) -> list[str]:
    return [s.text for s in split_sentences(text)]


def test_titles_abbreviations_and_decimals():
    text = (
        "Mr Xi met Dr Li in Feb. 2023 at the U.S. embassy. Growth was 3.5 per cent. "
        "Joseph R. Biden spoke next! Did he? Yes."
    )
    assert _texts(text) == [
        "Mr Xi met Dr Li in Feb. 2023 at the U.S. embassy.",
        "Growth was 3.5 per cent.",
        "Joseph R. Biden spoke next!",
        "Did he?",
        "Yes.",
    ]


def test_typographic_quotes_close_sentences():
    text = (
        "“As far as we know, China respects territorial integrity. This means more,” he said. "
        "Next one."
    )
    assert _texts(text) == [
        "“As far as we know, China respects territorial integrity.",
        "This means more,” he said.",
        "Next one.",
    ]
    assert _texts("He said: “We share the views of Beijing.” Moscow agreed.") == [
        "He said: “We share the views of Beijing.”",
        "Moscow agreed.",
    ]


def test_a_question_quoted_then_attributed_is_one_sentence():
    text = "“How could it be any good?” Mr Biden said on Friday. “Why?” Nobody answered."
    assert _texts(text) == [
        "“How could it be any good?” Mr Biden said on Friday.",
        "“Why?”",
        "Nobody answered.",
    ]


def test_blank_lines_end_sentences_and_offsets_point_into_the_text():
    text = " date 2023-03-02 Headline without a stop\n\nFirst body sentence. Second one."
    spans = list(split_sentences(text, start=17))
    assert [s.text for s in spans] == [
        "Headline without a stop",
        "First body sentence.",
        "Second one.",
    ]
    for span in spans:
        assert text[span.start : span.end] == span.text


alphabet = st.sampled_from(list("abcXYZ .!?\n“”\"'’0123 Mr.Feb"))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=alphabet, max_size=300) | st.text(max_size=200))
def test_any_text_segments_exactly(text):
    spans = list(split_sentences(text))
    last = 0
    # trimmed like spaces round a sentence: soft hyphens, zero-width characters, BOMs
    invisible = str.maketrans("", "", "\u00ad\u200b\u200c\u200d\u2060\ufeff")
    for span in spans:
        assert text[span.start : span.end] == span.text
        assert span.start >= last and span.text == span.text.strip() and span.text
        assert not text[last : span.start].translate(invisible).strip()  # only what was trimmed
        last = span.end
    covered = "".join(s.text for s in spans)
    assert "".join(covered.translate(invisible).split()) == "".join(
        text.translate(invisible).split()
    )


@given(st.text(alphabet=st.sampled_from(".!?\n \t'\"’”»)]A0aÀéŠšД中_“‘«(["), max_size=14))
def test_boundary_pattern_matches_its_plain_form(text: str) -> None:
    """The boundary pattern is written for speed; its plain form is the reference."""
    plain = re.compile(r"[.!?]+['\"’”»)\]]*(?=\s+['\"“‘«(\[]{0,2}[^\W_a-zß-ÿ]|\s*$)|\n[ \t]*\n")
    assert [m.span() for m in _BOUNDARY.finditer(text)] == [m.span() for m in plain.finditer(text)]


@given(st.text(alphabet=st.sampled_from("aZq. \n,1"), max_size=40), st.integers(0, 40))
@example("Mr.", 2)
@example("U.S.\n.", 5)
def test_word_before_a_dot_is_what_the_pattern_finds(text: str, dot: int) -> None:
    """word_before scans back by hand; the pattern it replaces is the reference."""
    dot = min(dot, len(text))
    match = re.compile(r"([A-Za-z][A-Za-z.]*)$").search(text, max(0, dot - WORD_REACH), dot)
    assert word_before(text, dot) == (match.group(1) if match else "")


@given(
    st.text(alphabet=st.sampled_from(".!?\n \t'\"’”»)]A0aÀ“‘«(["), max_size=30), st.integers(0, 5)
)
@example("Mr. A. B.\n\n C", 0)
def test_boundaries_are_what_the_pattern_finds_scanning(text: str, start: int) -> None:
    """boundaries() tries the pattern only where a boundary can start; the pattern's own
    scan of the whole text is the reference."""
    assert [m.span() for m in boundaries(text, start)] == [
        m.span() for m in _BOUNDARY.finditer(text, start)
    ]


@settings(max_examples=300)
@given(
    st.lists(st.sampled_from(["Mr Xi", "said", "it.", "Yes!", "U.S.", "3.5", "“No.”", "\n\n"])),
    st.lists(
        st.tuples(st.integers(0, 80), st.sampled_from("\u00ad\u200b\u200c\u200d\u2060\ufeff")),
        max_size=5,
    ),
)
@example(["said", "it.", "Yes!"], [(8, "\u200b"), (9, "\ufeff")])
def test_invisible_characters_do_not_change_the_sentences(
    pieces: list[str], inserts: list[tuple[int, str]]
) -> None:
    """Zero-width spaces, soft hyphens and the like, even right after a full stop: the same
    sentences as without them, each the text as written between its offsets."""
    clean = " ".join(pieces)
    written, lands = "", []
    for i in range(len(clean) + 1):
        written += "".join(c for at, c in inserts if min(at, len(clean)) == i)
        lands.append(len(written))
        written += clean[i : i + 1]
    found = split_sentences(written)
    assert [(s.start, s.end) for s in found] == [
        (lands[s.start], lands[s.end - 1] + 1) for s in split_sentences(clean)
    ]
    assert all(written[s.start : s.end] == s.text for s in found)


def test_a_sentence_may_start_with_any_capital_or_a_script_without_case() -> None:
    """A-Z and À-Ý alone ran "… plan. Šefčovič said …" into one sentence, and coded its
    holders together (Russia came out supporting a ceasefire the EU backed)."""
    text = (
        "Russia rejected the 12-point plan. Šefčovič said the EU supports a ceasefire. "
        "Łukaszenka backed the plan. İlham Aliyev agreed. Путин промолчал. 中国表示支持. "
        "Mr. Wang spoke. He said the plan, e.g. élan and all, holds."
    )
    assert [s.text for s in split_sentences(text)] == [
        "Russia rejected the 12-point plan.",
        "Šefčovič said the EU supports a ceasefire.",
        "Łukaszenka backed the plan.",
        "İlham Aliyev agreed.",
        "Путин промолчал.",
        "中国表示支持.",
        "Mr. Wang spoke.",
        "He said the plan, e.g. élan and all, holds.",
    ]
