"""The coder's speaker and stance rules, one behaviour per test, on made-up sentences.

These test the hand rules' own verdicts (``--decider rules``): the learned decision reads
them as candidates and features, and is tested in tests/test_learn.py."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.coder.facts import Draft, dedupe_findings, explanation_json
from tracker.coder.link import PhraseMatch, TargetSpec
from tracker.coder.pipeline import CodedArticle, Coder
from tracker.read import Article, parse_text_article


@dataclass
class SeededCoder:
    """The coder with the seeds' reference data, and the targets' keys for the read-out."""

    coder: Coder
    target_keys: dict[int, str]

    def code(self, article: Article) -> CodedArticle:
        return self.coder.code(article)


@pytest.fixture(scope="module")
def coder(seeded_reference) -> SeededCoder:
    return SeededCoder(
        Coder(seeded_reference, "rules"), {t.id: t.key for t in seeded_reference.targets}
    )


def positions(coder: SeededCoder, text: str) -> list[set[tuple[str, str, str]]]:
    """Per sentence: (actor name, target, stance) of each position found."""
    coded = coder.code(parse_text_article(text, "test.txt"))
    targets = coder.target_keys
    return [
        {
            (coder.coder.registry.actors[f.actor_id].name, targets[f.target_id], f.stance)
            for f in sentence.findings
        }
        for sentence in coded.sentences
    ]


def test_a_name_joined_by_and_to_an_object_is_an_object_too(coder):
    text = (
        "date 2025-10-30 The Group of Friends for Peace met at the UN. "
        "It welcomed the meetings with Volodymyr Zelensky and European leaders, "
        "and urged all sides to keep up the talks."
    )
    found = positions(coder, text)[1]
    assert not {a for a, _, _ in found} & {"Volodymyr Zelensky", "European leaders"}


def test_a_dateline_ends_a_transcript_turn(coder):
    text = (
        "date 2025-03-07 Q: How does China see the war?\n\n"
        "WANG: China supports a ceasefire.\n\n"
        "BACKGROUND — China's foreign ministry said separately that peace talks must resume."
    )
    found = positions(coder, text)
    assert ("Wang Yi", "3", "support") in found[1]
    assert found[2] == {("China", "4", "support")}


def test_a_title_in_apposition_to_a_name_is_that_name(coder):
    # On this date the title belongs to Borrell's successor: the name given wins.
    text = (
        "date 2025-03-01 The EU's foreign policy chief, Josep Borrell, said a ceasefire must come."
    )
    assert positions(coder, text)[0] == {("Josep Borrell", "3", "support")}


def test_a_name_after_a_dateline_dash_is_not_part_of_the_dateline(coder):
    text = "date 2023-02-25 Moscow — Russia's foreign ministry welcomes the paper."
    assert positions(coder, text)[0] == {("Russia", "plan", "support")}


def test_worried_about_is_a_stance(coder):
    text = "date 2025-10-30 Mr Fu said members were worried about unilateral sanctions."
    assert positions(coder, text)[0] == {("Fu Cong", "10", "support")}


def test_a_basis_for_talks_is_support_on_the_plan_and_the_talks(coder):
    # the guide: "The plan can be a basis for talks": support on plan and on 4
    text = "date 2023-03-05 Macron said the Chinese plan could be a basis for talks."
    assert positions(coder, text)[0] == {
        ("Emmanuel Macron", "plan", "support"),
        ("Emmanuel Macron", "4", "support"),
    }
    # negated, the plan is rejected (whether the talks are is another question)
    text = "date 2023-03-05 Macron said the Chinese plan was not a basis for talks."
    assert ("Emmanuel Macron", "plan", "oppose") in positions(coder, text)[0]


def test_a_preposition_right_after_a_phrase_does_not_predicate_on_it(coder):
    # "against" here names whom the sanctions hit; it is no second "oppose".
    text = "date 2023-03-03 China opposes unilateral sanctions against Belarus."
    assert positions(coder, text)[0] == {("China", "10", "support")}


def test_a_cue_after_as_describes_the_target_and_does_not_turn_the_verb_round(coder):
    # reject × unrealistic multiplied to support; a cue after "as" says what the verb says
    text = (
        "date 2023-03-10 Russian Foreign Minister Sergei Lavrov rejected the 12-point paper "
        "as unrealistic. Mr Lavrov said sanctions must be lifted."
    )
    found = positions(coder, text)
    assert found[0] == {("Sergei Lavrov", "plan", "oppose")}
    # without "as", a predicate still turns the cue before it: "sanctions must be lifted"
    assert found[1] == {("Sergei Lavrov", "10", "support")}


def test_praise_and_criticism_by_different_holders_is_not_mixed(coder):
    text = (
        "date 2023-02-25 Moscow welcomed the paper, while Kyiv rejected its call to end sanctions."
    )
    found = positions(coder, text)[0]
    assert ("Russia", "plan", "support") in found
    assert not any(stance == "mixed" for _, _, stance in found)


def test_what_a_condition_asks_for_is_demanded_and_what_it_binds_is_mixed(coder):
    text = "date 2025-03-26 The Kremlin said the truce would start only once sanctions were lifted."
    assert positions(coder, text)[0] == {("Russia", "3", "mixed"), ("Russia", "10", "support")}


def test_he_is_the_person_just_named_as_subject_before_the_last_speaker(coder):
    text = (
        "date 2023-02-28 Spokesman Wang Wenbin said China supports peace talks. "
        "Mr Blinken travelled to Uzbekistan on Wednesday. "
        "He said sovereignty must be respected."
    )
    assert positions(coder, text)[2] == {("Antony Blinken", "1", "support")}


def test_a_long_relative_clause_does_not_part_a_speaker_from_the_verb(coder):
    text = (
        "date 2025-03-27 The Group of Friends for Peace, which China set up at the UN with "
        "Brazil and other Global South countries, said humanitarian aid should be increased."
    )
    assert positions(coder, text)[0] == {("Group of Friends for Peace", "5", "support")}


def test_a_relative_clause_with_a_stance_word_is_its_antecedents(coder):
    text = (
        "date 2023-03-01 Nor does it cost anything with Moscow, which welcomed the paper. "
        "The shift moved Washington away from Kyiv and its European backers, who want a "
        "ceasefire first."
    )
    first, second = positions(coder, text)
    assert first == {("Russia", "plan", "support")}
    assert second == {("Ukraine", "3", "support"), ("European leaders", "3", "support")}


def test_a_relative_clause_on_the_plan_is_the_plans_and_the_reporters(coder):
    text = (
        "date 2023-02-26 Jake Sullivan told CNN that Beijing could have stopped after the first "
        "point of its paper, which calls for respecting the sovereignty of all nations."
    )
    found = positions(coder, text)[0]
    assert {("China", "1", "support"), ("Jake Sullivan", "1", "support")} <= found


def test_a_relative_clause_on_another_document_is_its_owners(coder):
    # the guide: an initiative's content gives its authors positions on the points
    text = (
        "date 2024-05-02 The envoy met officials in Jakarta to discuss Indonesia's proposal, "
        "which calls for a ceasefire along the current lines."
    )
    assert ("Indonesia", "3", "support") in positions(coder, text)[0]


def test_they_can_stand_for_an_organisation_that_spoke_before(coder):
    text = (
        "date 2023-02-25 The G7 demanded that Russia withdraw its troops. "
        "They pledged to step up the sanctions on Moscow."
    )
    assert positions(coder, text)[1] == {("G7", "10", "oppose")}


def test_widening_the_battlefield_is_what_the_ceasefire_point_is_against(coder):
    # the annotation guide's Conventions: restraint and widening the battlefield link to 3
    text = (
        "date 2025-10-30 China asked the parties to show restraint, without widening the "
        "battlefield."
    )
    assert positions(coder, text)[0] == {("China", "3", "support")}


def test_nato_membership_and_blocs_are_what_point_two_is_against(coder):
    # the annotation guide's Conventions: Ukraine's NATO membership and military blocs link
    # to 2; rejecting the membership or blocs is support on 2
    text = (
        "date 2024-07-10 Moscow rejected Ukraine's membership. "
        "Beijing rejected a new Cold War. "
        "Moscow warned against military blocs."
    )
    found = positions(coder, text)
    assert ("Russia", "2", "support") in found[0]
    assert ("China", "2", "support") in found[1]
    assert ("Russia", "2", "support") in found[2]


def test_a_question_can_report_a_named_speakers_position(coder):
    text = (
        "date 2025-03-07 Q: President Trump has called for a ceasefire. What is your view?\n\n"
        "WANG: China supports dialogue."
    )
    assert ("Donald Trump", "3", "support") in positions(coder, text)[0]


def test_restated_reports_speech(coder):
    text = (
        "date 2025-02-24 China's ambassador Fu Cong spoke at the UN. "
        "He restated what Beijing calls its principles: respect for the sovereignty of all "
        "countries."
    )
    assert positions(coder, text)[1] == {("Fu Cong", "1", "support")}


def test_a_document_speaks_for_its_author_from_its_own_verb(coder):
    text = (
        "date 2025-02-25 The United States voted on Monday against a UN General Assembly "
        "resolution demanding that Moscow withdraw its troops."
    )
    assert positions(coder, text)[0] == {("UN General Assembly", "troop-withdrawal", "support")}


def test_it_opening_a_sentence_is_the_body_that_spoke_before(coder):
    text = (
        "date 2023-02-26 There was no alternative to dialogue, the Kazakh foreign ministry said. "
        "It called on the parties to stop the fighting. "
        "It welcomed all efforts towards peace talks."
    )
    found = positions(coder, text)
    assert found[1] == {("Kazakhstan", "3", "support")}
    assert found[2] == {("Kazakhstan", "4", "support")}


def test_it_after_a_person_spoke_is_not_that_person(coder):
    text = (
        "date 2023-02-26 Mr Zelensky said he would study the paper. "
        "It called on the parties to stop the fighting."
    )
    assert ("Volodymyr Zelensky", "3", "support") not in positions(coder, text)[1]


def test_a_name_and_its_qualified_partners_hold_together(coder):
    text = "date 2025-10-22 Ukraine and its main European allies backed a ceasefire."
    assert positions(coder, text)[0] == {
        ("Ukraine", "3", "support"),
        ("European leaders", "3", "support"),
    }


def test_a_question_put_to_a_speaker_is_not_the_named_state_speaking(coder):
    text = (
        "date 2025-11-25 Asked whether China could act as a guarantor under a future peace "
        "deal, she said only that its position was clear."
    )
    assert not any(actor == "China" for actor, _, _ in positions(coder, text)[0])


def test_its_calls_later_in_the_sentence_speak_for_the_plan(coder):
    text = (
        "date 2023-02-26 Kazakhstan backed the Chinese paper on Saturday, noting that its calls "
        "for respecting sovereignty matched its own views."
    )
    assert ("China", "1", "support") in positions(coder, text)[0]


def test_the_plan_named_as_an_object_late_in_the_sentence_is_not_its_subject(coder):
    text = (
        "date 2023-02-26 Reactions split along familiar lines as Moscow welcomed the paper, "
        "while Kyiv disagreed with its call to end unilateral sanctions."
    )
    assert not any(actor == "China" for actor, _, _ in positions(coder, text)[0])


def test_noting_is_not_a_negation(coder):
    text = "date 2023-02-26 Kazakhstan noted that it supports a ceasefire."
    assert positions(coder, text)[0] == {("Kazakhstan", "3", "support")}


def test_some_of_its_points_is_the_plan_even_well_after_it_was_named(coder):
    text = (
        "date 2023-02-24 China published its 12-point paper on Friday. "
        "Kyiv reacted cautiously. Officials met in Brussels. Moscow said little. "
        "Markets were calm. Mr Kuleba said Ukraine agreed with some of its elements."
    )
    assert ("Dmytro Kuleba", "plan", "mixed") in positions(coder, text)[-1]


def test_some_points_is_a_partial_view_of_the_plan(coder):
    text = (
        "date 2023-02-24 China published its 12-point paper on Friday. "
        "Kyiv reacted cautiously. Markets were calm. "
        "Mr Kuleba said some points were acceptable."
    )
    assert ("Dmytro Kuleba", "plan", "mixed") in positions(coder, text)[-1]


@pytest.mark.parametrize(
    ("after", "plan"),
    [
        ("Mr Kuleba said some of it was acceptable.", True),
        # an adverb qualifies the verb and judges no part of the plan named before
        ("Mr Peskov called the strike sabotage aimed in part at cutting off water.", False),
        ("Mr Peskov said the strike had partly cut off water.", False),
    ],
)
def test_a_partial_view_right_after_the_plan_is_of_the_plan(coder, after, plan):
    text = "date 2023-02-24 China published its 12-point paper on Friday. " + after
    assert any(target == "plan" for _, target, _ in positions(coder, text)[-1]) is plan


@pytest.mark.parametrize(
    ("text", "plan"),
    [
        # "China's position" is China's stance, not its position paper (9 of 10 in the
        # hand-coded articles)
        ("Mao Ning said China's position on the crisis was consistent and clear.", False),
        ("Mao Ning urged the parties to view China's position correctly.", False),
        ("Kazakhstan said China's position paper deserved support.", True),
    ],
)
def test_chinas_position_is_no_plan_unless_a_paper(coder, text, plan):
    coded = positions(coder, "date 2023-03-01 " + text)[0]
    assert any(target == "plan" for _, target, _ in coded) is plan


def test_a_new_that_clause_does_not_take_the_cues_of_the_one_before(coder):
    text = (
        "date 2025-03-07 Wang Yi said the war could have been prevented and that the "
        "legitimate security concerns of all countries must be addressed."
    )
    assert positions(coder, text)[0] == {("Wang Yi", "2", "support")}


def test_never_turns_the_next_cue_round_without_counting_twice(coder):
    text = "date 2025-03-07 Mr Putin said Moscow has never refused dialogue."
    assert positions(coder, text)[0] == {("Vladimir Putin", "4", "support")}


def test_not_x_but_y_is_a_contrast_not_a_rejection(coder):
    text = "date 2025-02-25 Ms Shea said the resolution was not a peace deal but a path to it."
    assert positions(coder, text)[0] == {("Dorothy Shea", "4", "support")}


def test_a_reported_subject_with_its_own_stance_verb_holds_it(coder):
    text = (
        "date 2025-03-25 The White House said Russia and Ukraine had each agreed to a ceasefire "
        "at sea."
    )
    assert positions(coder, text)[0] == {("Russia", "3", "support"), ("Ukraine", "3", "support")}


def test_a_speaker_reporting_their_own_state_keeps_the_position(coder):
    text = (
        "date 2025-03-19 Foreign ministry spokeswoman Mao Ning said China welcomed all efforts "
        "towards a ceasefire."
    )
    assert positions(coder, text)[0] == {("Mao Ning", "3", "support")}


def test_a_media_report_is_not_mediation(coder):
    text = (
        "date 2023-02-27 He declined to comment on a media report about drones. "
        "China offered to mediate between Russia and Ukraine."
    )
    coded = coder.code(parse_text_article(text, "test.txt"))
    keys = [{coder.target_keys[m.target_id] for m in s.links} for s in coded.sentences]
    assert keys == [set(), {"4"}]


def test_the_agents_of_a_stance_participle_hold_the_target_before_it(coder):
    text = (
        "date 2025-05-16 Moscow ignored the demand for a ceasefire, supported by Ukraine and "
        "the Europeans."
    )
    found = positions(coder, text)[0]
    assert {("Ukraine", "3", "support"), ("European leaders", "3", "support")} <= found


def test_a_speaker_in_a_later_clause_does_not_hold_an_earlier_one(coder):
    text = (
        "date 2023-02-27 The paper opens with a call to respect the sovereignty of all "
        "countries, but it does not say how that applies to the regions Russia claims."
    )
    assert not any(actor == "Russia" for actor, _, _ in positions(coder, text)[0])


def test_a_negated_predicate_after_the_target_turns_it_round(coder):
    text = (
        "date 2023-02-27 The Kremlin said the conditions for a peaceful settlement were not "
        "yet in place."
    )
    assert positions(coder, text)[0] == {("Russia", "4", "oppose")}


def test_occupation_and_annexation_are_what_sovereignty_is_against(coder):
    text = (
        "date 2025-08-20 Ukraine rejected the annexation. "
        "Mr Merz said legal recognition of Russia's occupation was not up for debate."
    )
    first, second = positions(coder, text)
    assert first == {("Ukraine", "1", "support")}
    assert second == {("Friedrich Merz", "1", "support")}


def test_a_neutral_verb_shields_the_target_from_an_earlier_cue(coder):
    text = (
        "date 2023-02-25 China published a 12-point paper. "
        "Mr Zelensky said he hoped to meet Xi Jinping to discuss the proposals."
    )
    assert ("Volodymyr Zelensky", "plan", "support") not in positions(coder, text)[1]


def test_a_body_naming_itself_takes_no_stance_on_itself(coder):
    text = "date 2025-10-29 Repairs of the damaged lines started, the IAEA said."
    assert positions(coder, text)[0] == set()


def test_a_condition_may_have_words_inside_it(coder):
    text = (
        "date 2025-03-26 Mr Peskov said a Black Sea grain arrangement could only work if the "
        "old conditions were met."
    )
    assert positions(coder, text)[0] == {("Dmitry Peskov", "9", "mixed")}


def test_recognising_what_a_point_is_against_opposes_it(coder):
    text = (
        "date 2023-02-24 Ms Zakharova says peace would mean recognising the new territorial "
        "realities."
    )
    assert ("Maria Zakharova", "1", "oppose") in positions(coder, text)[0]


def test_tightening_sanctions_opposes_ending_them(coder):
    text = "date 2025-02-24 Ms von der Leyen said the EU would increase sanctions on Russia."
    assert positions(coder, text)[0] == {("Ursula von der Leyen", "10", "oppose")}


def test_a_cue_that_names_the_plan_judges_it(coder):
    text = (
        "date 2023-02-24 Ms von der Leyen said the document set out not a peace plan, but "
        "principles."
    )
    assert ("Ursula von der Leyen", "plan", "oppose") in positions(coder, text)[0]


def test_according_to_someones_account_names_a_source_not_the_speaker(coder):
    text = (
        "date 2023-03-03 Belarusian Foreign Minister Sergei Aleinik said his country supported "
        "the document, according to China's account of the conversation."
    )
    assert positions(coder, text)[0] == {("Sergei Aleinik", "plan", "support")}


def test_the_subject_of_a_relative_clause_after_the_target_holds_it(coder):
    text = (
        "date 2025-08-16 The summit ended without the ceasefire the U.S. president had been "
        "seeking."
    )
    assert positions(coder, text)[0] == {("Donald Trump", "3", "support")}


def test_imploring_is_a_call(coder):
    text = "date 2025-02-24 Washington implored an end to the fighting."
    assert positions(coder, text)[0] == {("United States", "3", "support")}


def test_the_title_alone_is_the_last_person_named_with_it(coder):
    text = (
        "date 2023-02-26 German Chancellor Olaf Scholz visited India on Saturday. "
        "The chancellor said peace talks must resume."
    )
    assert positions(coder, text)[1] == {("Olaf Scholz", "4", "support")}


def test_calling_something_unfriendly_opposes_it(coder):
    text = "date 2025-10-23 President Vladimir Putin called the U.S. sanctions an unfriendly act."
    assert positions(coder, text)[0] == {("Vladimir Putin", "10", "support")}


def test_who_speaks_of_harm_to_a_target_defends_it(coder):
    text = (
        "date 2025-10-24 Beijing said the listings would damage global energy security "
        "and undermine international law."
    )
    assert positions(coder, text)[0] == {("China", "11", "support"), ("China", "1", "support")}


def test_a_negation_bears_on_the_verb_after_it_not_on_a_cue_beyond(coder):
    text = (
        "date 2023-02-25 A global player doesn't offer an unrealistic plan, Mykhailo Podolyak "
        "wrote. Mr Zelensky demanded that the assets themselves, not just the interest on "
        "them, be spent on reconstruction."
    )
    first, second = positions(coder, text)
    assert first == {("Mykhailo Podolyak", "plan", "oppose")}
    assert second == {("Volodymyr Zelensky", "12", "support")}


def test_what_a_critic_misses_in_the_plan_the_critic_wants(coder):
    text = (
        "date 2023-02-26 The plan contained useful points, Olaf Scholz said, but important "
        "elements were missing, above all the withdrawal of Russian troops."
    )
    found = positions(coder, text)[0]
    assert ("Olaf Scholz", "troop-withdrawal", "support") in found
    assert not any(actor == "China" for actor, _, _ in found)


def test_it_can_skip_one_sentence_with_no_speaker(coder):
    text = (
        "date 2025-02-25 A UN General Assembly resolution demanding a ceasefire passed on Monday. "
        "The text was adopted with 93 votes. "
        "It calls for the withdrawal of Russian forces."
    )
    assert positions(coder, text)[2] == {("UN General Assembly", "troop-withdrawal", "support")}


def test_a_person_joined_to_their_own_state_is_the_more_specific_holder(coder):
    text = (
        "date 2025-03-07 Russia, and President Putin in particular, has said that Moscow "
        "supports peace talks."
    )
    assert positions(coder, text)[0] == {("Vladimir Putin", "4", "support")}


def test_the_two_ministers_are_the_last_two_people_named(coder):
    text = (
        "date 2023-03-01 Chinese Foreign Minister Qin Gang spoke to Belarusian Foreign Minister "
        "Sergei Aleinik on Friday. "
        "The Belarusian foreign ministry said the two ministers had agreed that peace talks "
        "must resume. "
        "Marco Rubio met Sergei Lavrov in Riyadh. "
        "The two governments agreed to work towards a settlement."
    )
    found = positions(coder, text)
    assert found[1] == {("Qin Gang", "4", "support"), ("Sergei Aleinik", "4", "support")}
    assert found[3] == {("United States", "4", "support"), ("Russia", "4", "support")}


def test_the_two_sides_are_the_states_of_the_last_two_named(coder):
    # the guide: "the two sides" of talks are states when the sides are states; a person
    # named stands for their state, as for "the two governments"
    text = (
        "date 2025-03-12 Marco Rubio met Andrii Sybiha in Jeddah. "
        "The two sides agreed that peace talks must resume."
    )
    assert positions(coder, text)[1] == {
        ("United States", "4", "support"),
        ("Ukraine", "4", "support"),
    }


def test_a_reporting_verb_in_a_relative_clause_takes_no_name_from_before_it(coder):
    text = (
        "date 2025-03-07 The Ukraine crisis, which some call the largest conflict since the end "
        "of the Cold War, is now in its fourth year."
    )
    assert positions(coder, text)[0] == set()


def test_an_initiative_whose_whole_name_is_a_targets_phrase_links_it(coder):
    text = "date 2025-03-27 Turkey said the grain initiative must be revived."
    assert positions(coder, text)[0] == {("Turkey", "9", "support")}


def test_what_a_text_leaves_out_is_no_ones_position(coder):
    text = (
        "date 2023-02-25 It does not ask Russia to withdraw its forces and is silent on the "
        "regions Moscow claims to have annexed."
    )
    assert positions(coder, text)[0] == set()


def test_what_sanctions_bear_on_takes_no_stance_of_its_own(coder):
    text = (
        "date 2025-05-16 Mr Zelensky said the world must respond with sanctions on Russia's "
        "energy sector."
    )
    assert positions(coder, text)[0] == {("Volodymyr Zelensky", "10", "oppose")}


def test_it_with_a_verb_only_a_text_does_is_the_plan_named_a_little_before(coder):
    text = (
        "date 2023-02-24 Q: China released a 12-point document today. What do you make of it? "
        "ZELENSKIY: I have read it carefully. "
        "It also mentions nuclear safety."
    )
    assert ("China", "7", "support") in positions(coder, text)[3]


def test_the_explanation_quotes_cues_as_the_sentence_words(coder):
    text = "date 2023-02-25 Volodymyr Zelensky said he agreed with some of the paper's points."
    coded = coder.code(parse_text_article(text, "test.txt"))
    explanations = [json.loads(f.explanation) for s in coded.sentences for f in s.findings]
    assert explanations, "the sentence should give Zelensky a position on the plan"
    assert all("some of" in e["cues"] for e in explanations)


@given(
    st.text(max_size=12),
    st.text(max_size=12),
    st.lists(st.text(max_size=8), max_size=3),
    st.text(max_size=12),
    st.floats(min_value=0, max_value=1),
    st.sampled_from([-1, 0, 1, 2]),
)
def test_explanation_is_what_json_dumps_writes(mention, rule, cues, phrase, score, polarity):
    target = TargetSpec(1, "china-2023", "1", "point", ())
    match = PhraseMatch(target, phrase, polarity, score, 0, 1)
    written = explanation_json(mention, rule, cues, match)
    assert written == json.dumps(
        {
            "mention": mention,
            "speaker_rule": rule,
            "cues": cues,
            "link": phrase,
            "link_score": round(score, 3),
            "phrase_polarity": polarity,
        }
    )


def test_dedupe_keeps_the_best_draft_per_actor_and_target_the_first_on_a_tie():
    target = TargetSpec(1, "china-2023", "1", "point", ())
    other = TargetSpec(2, "china-2023", "2", "point", ())
    weak = PhraseMatch(target, "sovereignty", 1, 0.91, 0, 1)
    strong = PhraseMatch(target, "territorial integrity", 1, 0.99, 2, 4)
    other_match = PhraseMatch(other, "dialogue", 1, 0.9, 5, 6)
    drafts = [
        Draft(7, 1, "support", 0.637, "kyiv", "subject", "subject", [], weak),
        Draft(
            7,
            1,
            "oppose",
            0.99,
            "zelensky",
            "reporting_verb",
            "reporting verb: X said",
            ["reject"],
            strong,
        ),
        Draft(7, 2, "support", 0.9, "zelensky", "subject", "subject", ["back"], other_match),
        Draft(
            7, 1, "support", 0.99, "kyiv", "subject", "subject", ["back"], strong
        ),  # a tie: not kept
        Draft(8, 1, "support", 0.5, "china", "plan_text", "the plan says", [], weak),
    ]
    findings = dedupe_findings(drafts)
    assert [(f.actor_id, f.target_id, f.stance, f.score) for f in findings] == [
        (7, 1, "oppose", 0.99),
        (7, 2, "support", 0.9),
        (8, 1, "support", 0.5),
    ]
    assert json.loads(findings[0].explanation) == {
        "mention": "zelensky",
        "speaker_rule": "reporting verb: X said",
        "cues": ["reject"],
        "link": "territorial integrity",
        "link_score": 0.99,
        "phrase_polarity": 1,
    }


def test_calling_for_tariffs_on_buyers_is_against_the_supply_chain_point(coder):
    # the annotation guide's Conventions: cutting trade with Russia (tariffs on buyers)
    # links to 11, and calling for it is oppose on 11 (tariffs are sanctions too: point 10)
    text = "date 2025-07-15 Donald Trump called for tariffs of 100 per cent on its trade partners."
    assert ("Donald Trump", "11", "oppose") in positions(coder, text)[0]
