"""Linking: spelling variants and inflections match; several targets per sentence."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tracker.coder.lexicon import load_lexicon
from tracker.coder.link import Linker, TargetSpec, WordMatcher, best_links, rounded
from tracker.coder.text import words

TARGETS = [
    TargetSpec(1, "p", "3", "point", (("ceasefire", 1), ("cessation of hostilities", 1))),
    TargetSpec(2, "p", "troop-withdrawal", "issue", (("withdraw its troops", 1),)),
    TargetSpec(3, "p", "7", "point", (("Zaporizhzhia", 1), ("nuclear power plant", 1))),
    TargetSpec(4, "p", "10", "point", (("unilateral sanctions", -1),)),
]


def _links(sentence: str) -> dict[str, float]:
    linker = Linker(TARGETS, load_lexicon()["link"]["stopwords"])
    return {
        m.target.key: m.score for m in best_links(linker.matches(words(sentence)), 0.9).values()
    }


def test_inflections_and_spelling_variants():
    assert "troop-withdrawal" in _links("Russia withdraws its troops from the south.")
    assert "troop-withdrawal" in _links("They demanded that Russia withdraw troops.")
    assert "3" in _links("A cease-fire was agreed.")
    assert "7" in _links("Shelling near the Zaporizhia nuclear power plants continued.")


def test_several_targets_and_polarity():
    linker = Linker(TARGETS, load_lexicon()["link"]["stopwords"])
    found = best_links(
        linker.matches(words("A ceasefire and an end to unilateral sanctions.")), 0.9
    )
    keys = {m.target.key: m for m in found.values()}
    assert set(keys) == {"3", "10"}
    assert keys["10"].polarity == -1


def test_unrelated_sentences_do_not_link():
    assert _links("The minister travelled to Kazakhstan and Uzbekistan on Wednesday.") == {}
    assert _links("The plant's workers went home.") == {}


def test_word_matcher_compares_words_that_keep_their_first_letters():
    matcher = WordMatcher(["nation", "negotiation", "ceasefire", "sanction"], cutoff=80)
    assert set(matcher.similar("negotiations")) == {"negotiation"}
    assert set(matcher.similar("ceasfire")) == {"ceasefire"}  # a misspelling
    assert matcher.similar("station") == {}  # "nation" is near, but starts otherwise
    assert matcher.similar("sanction") == {"sanction": 100.0}
    assert matcher.similar("talks") == {}


@given(
    st.lists(st.floats(allow_nan=False, allow_infinity=False), max_size=20), st.sampled_from([3, 6])
)
def test_rounded_is_round_on_first_and_later_asks(values: list[float], digits: int) -> None:
    for value in values + values:
        assert rounded(value, digits) == round(value, digits)
