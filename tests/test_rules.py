"""Each speaker rule, by its id: it proposes a holder on a short sentence made for it, and
does not on one where it must not. The ids are those of ``tracker.coder.holders.registry.RULES``;
a coder that proposes nothing fails every "fires" case."""

from __future__ import annotations

import pytest

from tracker.coder.candidates import rule_id
from tracker.coder.holders.registry import RULES, STAGES
from tracker.coder.pipeline import Coder
from tracker.read import parse_text_article

FIRES = {
    "according_to": "According to Beijing, a ceasefire must come first.",
    "reporting_verb": "Volodymyr Zelensky said a ceasefire would only help Russia.",
    "pronoun": "Volodymyr Zelensky spoke in Kyiv. He said a ceasefire would only help Russia.",
    "subject": "China supports a ceasefire.",
    "reported_subject": "The White House said Russia and Ukraine had agreed to a ceasefire.",
    "relative_clause": "Moscow, which welcomed the ceasefire, sent a delegation to Riyadh.",
    "transcript_turn": "Q: What about talks?\n\nWANG: We support talks. A truce must come first.",
    "quote_speaker": "“We want a ceasefire,” said Volodymyr Zelensky. “A truce now would help.”",
    "plan_text": "China's 12-point paper calls for a ceasefire.",
    "agent": "The ceasefire, supported by Ukraine, began on Monday.",
}
DOES_NOT_FIRE = {
    "according_to": "A ceasefire must come first, Beijing said.",
    "reporting_verb": "A ceasefire was announced in Kyiv.",
    "pronoun": "The ceasefire held. It was announced on Monday.",
    "subject": "Talks about a ceasefire with China continued.",
    "reported_subject": "Volodymyr Zelensky said a ceasefire would only help Russia.",
    "relative_clause": "Moscow welcomed the ceasefire.",
    "transcript_turn": "Wang Yi said China supports peace talks.",
    "quote_speaker": "A ceasefire now would be welcome, officials in Kyiv think.",
    "plan_text": "China calls for a ceasefire.",
    "agent": "Ukraine supported the ceasefire.",
}


@pytest.fixture(scope="module")
def coder(seeded_reference) -> Coder:
    return Coder(seeded_reference, "rules")


def rules_fired(coder: Coder, text: str) -> set[str]:
    """The rule ids behind any candidate holder of the text's sentences."""
    fired = set()
    for sentence in coder.propose(parse_text_article("date 2023-03-01 " + text, "t.txt")):
        for candidate in sentence.actors.values():
            for source in candidate.sources:
                kind, _, rule = source.partition(":")
                if kind in ("holder", "clause_holder", "rule"):
                    fired.add(rule)
    return fired


def test_every_rule_has_both_cases():
    assert set(FIRES) == set(DOES_NOT_FIRE) == {rule.id for rule in RULES}


def test_each_rule_is_registered_once_and_read_back_from_its_label():
    assert len({rule.id for rule in RULES}) == len(RULES)
    for rule in RULES:
        assert rule.stage in STAGES and callable(rule.function)
        assert rule_id(rule.label + ": X said") == rule.id
        assert rule_id(rule.label + " (and): X said") == rule.id


@pytest.mark.parametrize("rule", sorted(FIRES))
def test_the_rule_fires(coder, rule):
    assert rule in rules_fired(coder, FIRES[rule])


@pytest.mark.parametrize("rule", sorted(DOES_NOT_FIRE))
def test_the_rule_does_not_fire(coder, rule):
    assert rule not in rules_fired(coder, DOES_NOT_FIRE[rule])
