"""Named features of the candidates (``tracker.coder.features``) that the learned decision
reads: each is present where its docstring says, and absent elsewhere."""

from __future__ import annotations

import pytest

from tracker.coder.actors import ActorInfo
from tracker.coder.decide.learned import DecisionModel
from tracker.coder.features import PositionFeatures, side_feature, target_name
from tracker.coder.link import TargetSpec
from tracker.coder.pipeline import Coder
from tracker.read import parse_text_article
from tracker.resources import model_path


@pytest.fixture(scope="module")
def coder(seeded_reference) -> Coder:
    return Coder(seeded_reference, "rules")


def actor_features(coder: Coder, text: str) -> dict[str, list[str]]:
    """The last sentence's actor candidates, each with its actor features."""
    sentence = coder.propose(parse_text_article("date 2024-09-13 " + text, "t.txt"))[-1]
    features = PositionFeatures(coder.proposer)
    return {c.info.name: features.actor_part(sentence, c) for c in sentence.actors.values()}


@pytest.mark.parametrize(
    ("text", "opens"),
    [
        ("Dmytro Kuleba said China had reaffirmed its respect for sovereignty.", "China"),
        ("Dmytro Kuleba told reporters that China respected sovereignty.", "China"),
        (
            "Wang Yi spoke in Beijing. He said Russia had reaffirmed its interest in talks.",
            "Russia",
        ),
    ],
)
def test_the_subject_of_a_reported_clause_is_marked(coder, text, opens):
    marked = {
        name
        for name, features in actor_features(coder, text).items()
        if "after_reporting_verb" in features
    }
    assert marked == {opens}


@pytest.mark.parametrize(
    "text",
    [
        "China said it respected the sovereignty of Ukraine.",
        "Dmytro Kuleba said the talks with China had been useful.",
    ],
)
def test_no_reported_clause_no_mark(coder, text):
    features = actor_features(coder, text)
    assert features  # the actors are candidates
    assert not any("after_reporting_verb" in f for f in features.values())


@pytest.mark.parametrize(
    ("text", "subjects"),
    [
        # a stance verb after a name, past auxiliaries and adverbs, wherever it stands
        (
            "Kyiv has pressed Moscow to accept a truce, an idea the United States has also backed.",
            {"United States": "+"},
        ),
        ("Both Russia and Ukraine have rejected a ceasefire.", {"Russia": "-", "Ukraine": "-"}),
        ("Sergei Lavrov said Beijing did not support a truce.", {"China": "+neg"}),
    ],
)
def test_the_subject_of_a_stance_verb_is_marked(coder, text, subjects):
    marked = {
        name: f.split(":", 1)[1]
        for name, features in actor_features(coder, text).items()
        for f in features
        if f.startswith("cue_after_mention:") and "|" not in f
    }
    assert marked == subjects


def test_a_name_before_no_stance_verb_is_not_marked(coder):
    features = actor_features(coder, "Kyiv met Moscow's envoy to discuss a ceasefire.")
    assert features
    assert not any(f.startswith("cue_after_mention") for fs in features.values() for f in fs)


def target_features(coder: Coder, text: str, key: str) -> list[str]:
    """The last sentence's features of the target ``key`` (a point's number or a slug)."""
    sentence = coder.propose(parse_text_article("date 2023-03-01 " + text, "t.txt"))[-1]
    match = next(m for m in sentence.matches.values() if m.target.key == key)
    return PositionFeatures(coder.proposer).target(sentence, match.target, match)


@pytest.mark.parametrize(
    ("text", "omitted"),
    [
        ("The paper does not ask Russia to withdraw its troops.", True),
        ("The paper calls for a ceasefire but not for a Russian withdrawal.", True),
        ("The paper asks Russia to withdraw its troops.", False),
        # the guide's "troops/forces/soldiers" leaving, said without "withdraw"
        ("The paper does not ask Russian troops to leave Ukraine.", True),
        ("It contains no demand that Russian forces leave Ukraine.", True),
        ("Neither document asks Russia to withdraw its troops.", True),
        ("The paper demands that Russian soldiers leave Ukraine.", False),
        # an omission far before the target leaves it out no more
        (
            "The paper does not mention the grain deal, and Ukraine said it would keep "
            "fighting until Russia agreed to withdraw its troops.",
            False,
        ),
    ],
)
def test_a_target_an_omission_cue_leaves_out_is_marked(coder, text, omitted):
    assert ("omitted" in target_features(coder, text, "troop-withdrawal")) is omitted


@pytest.mark.parametrize(
    ("text", "omitted"),
    [
        # the omission governs the target after it in its own stretch, not one past a comma
        (
            "The paper was criticised for not demanding a withdrawal, but backed prisoner "
            "exchanges.",
            False,
        ),
        ("The paper does not call for prisoner exchanges.", True),
    ],
)
def test_an_omission_stops_at_a_break(coder, text, omitted):
    assert ("omitted" in target_features(coder, text, "6")) is omitted


@pytest.fixture(scope="module")
def learned(seeded_reference) -> tuple[Coder, dict[int, str]]:
    return Coder(seeded_reference, "learned"), {t.id: t.key for t in seeded_reference.targets}


@pytest.mark.parametrize(
    "text",
    [
        "China's 12-point paper calls for a ceasefire, but it does not ask Russia to withdraw "
        "its troops from Ukraine.",
        "Beijing's paper asks for a ceasefire and for talks, but nowhere asks Russia to pull "
        "its forces out.",
    ],
)
def test_what_the_plan_leaves_out_is_not_its_authors_position(learned, text):
    """The guide: "the plan does not demand a withdrawal" gives China no position on
    troop-withdrawal; the learned decision drops the plan author's candidate on a target an
    omission cue leaves out (``LearnedDecider.left_out``), whatever its weights say."""
    coder, keys = learned
    coded = coder.code(parse_text_article("date 2023-06-01 " + text, "t.txt"))
    found = {
        (coder.registry.actors[f.actor_id].name, keys[f.target_id])
        for s in coded.sentences
        for f in s.findings
    }
    assert ("China", "troop-withdrawal") not in found
    assert ("China", "3") in found  # what it does ask for stays the author's


@pytest.mark.parametrize(
    ("text", "conditioned"),
    [
        ("Borrell said peace must rest on the UN Charter.", True),
        ("Peace, he argued, should rest on the resolution of the UN General Assembly.", True),
        ("Macron said peace would only be possible if Russian troops withdrew.", True),
        ("Zelensky said a just peace lies in restoring territorial integrity.", True),
        ("Putin said he wanted peace based on justice.", False),
        ("China supports peace and urged all sides to respect the UN Charter.", False),
    ],
)
def test_a_target_that_is_a_conditions_outcome_is_marked(coder, text, conditioned):
    sentence = coder.propose(parse_text_article("date 2024-09-13 " + text, "t.txt"))[-1]
    match = next(m for m in sentence.matches.values() if m.target.key == "4")
    assert PositionFeatures(coder.proposer).conditioned(sentence, match) is conditioned


@pytest.mark.parametrize(
    "text",
    [
        "Mr Macron said peace would only be possible if Russian troops withdrew from Ukraine.",
        "Josep Borrell said peace must rest on respect for Ukraine's territorial integrity.",
    ],
)
def test_the_outcome_of_a_condition_is_no_position(learned, text):
    """The guide: "peace must rest on X" gives support on X and no position on peace
    (``LearnedDecider.outcomes_of_conditions``), whatever the weights say of "peace"."""
    coder, keys = learned
    coded = coder.code(parse_text_article("date 2023-06-01 " + text, "t.txt"))
    found = {keys[f.target_id] for s in coded.sentences for f in s.findings}
    assert "4" not in found
    assert found & {"troop-withdrawal", "1"}  # the condition itself stays a position


@pytest.mark.parametrize(
    ("text", "stance"),
    [
        (
            "Although the conditions are not yet ripe, Mao Ning said, China supports all "
            "efforts conducive to peace talks.",
            "mixed",
        ),
        (
            "Wang Yi said conditions were not ripe for talks, but China supported all efforts "
            "conducive to peace talks.",
            "mixed",
        ),
        ("Mao Ning said China supports all efforts conducive to peace talks.", "support"),
    ],
)
def test_an_endorsement_with_a_not_yet_is_mixed(learned, text, stance):
    """The guide: an endorsement that comes with a "not yet" ("conditions are not ripe, but
    we support all efforts") is `mixed` (``LearnedDecider.not_yet_mixed``); without one the
    same words are `support`."""
    coder, keys = learned
    coded = coder.code(parse_text_article("date 2024-09-13 " + text, "t.txt"))
    found = {(keys[f.target_id], f.stance) for s in coded.sentences for f in s.findings}
    assert ("4", stance) in found
    assert ("4", "support" if stance == "mixed" else "mixed") not in found


def test_the_side_an_actor_speaks_for_is_crossed_with_the_target(coder):
    """A person's side is their affiliation, a state's itself; each with the target."""
    text = "Dmitry Peskov said Ukraine demanded the withdrawal of Russian troops."
    sentence = coder.propose(parse_text_article("date 2024-09-13 " + text, "t.txt"))[-1]
    features = PositionFeatures(coder.proposer)
    match = next(m for m in sentence.matches.values() if m.target.key == "troop-withdrawal")
    sides = {
        c.info.name: [
            f
            for f in features.pair(sentence, c, match.target, match, None)
            if f.startswith("side:")
        ]
        for c in sentence.actors.values()
    }
    assert sides == {
        "Dmitry Peskov": ["side:Russia|china-2023:troop-withdrawal"],
        "Ukraine": ["side:Ukraine|china-2023:troop-withdrawal"],
    }


def test_what_is_learned_of_a_point_stays_with_its_plan():
    """The shipped model weighs Russia's side on the shipped plan's point 1 (sovereignty),
    and how often point 1 holds a position, but not on point 1 of a plan of an analyst's
    own, which is about something else; what it learned of a plan as a whole applies to
    every plan."""
    weights = DecisionModel.load(model_path()).positions.weights
    russia = ActorInfo(1, "Russia", "state", None)
    shipped, own = (
        TargetSpec(1, "china-2023", "1", "point", ()),
        TargetSpec(2, "my-plan", "1", "point", ()),
    )
    assert side_feature(russia, shipped) in weights
    assert side_feature(russia, own) not in weights
    assert "t:" + target_name(shipped) in weights
    assert "t:" + target_name(own) not in weights
    assert "t:" + target_name(TargetSpec(3, "my-plan", "plan", "plan", ())) in weights
