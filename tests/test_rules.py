"""Each speaker rule, by its id: it proposes a holder on a short sentence made for it, and
does not on one where it must not. The ids are those of ``tracker.coder.holders.registry.RULES``
(``holders.ids.RULE_IDS``), carried by every holder and draft as data; a coder that proposes
nothing fails every "fires" case."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracker.coder.candidates import SentenceProposals
from tracker.coder.facts import Draft, Holder
from tracker.coder.holders.ids import RULE_IDS, SPEECH_RULE_IDS
from tracker.coder.holders.registry import RULES, STAGES
from tracker.coder.holders.reporting import quoted_spans
from tracker.coder.link import PhraseMatch, TargetSpec
from tracker.coder.pipeline import Coder
from tracker.read import parse_text_article, read_file

DEV = Path(__file__).parent / "data" / "dev"

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
    "document_owner": "Moscow's own document demands the recognition of Crimea.",
    "praised": "Olaf Scholz praised Xi Jinping for opposing nuclear threats.",
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
    "document_owner": "The document demands a ceasefire.",
    "praised": "Olaf Scholz praised the ceasefire that Xi Jinping had proposed.",
}


@pytest.fixture(scope="module")
def coder(seeded_reference) -> Coder:
    return Coder(seeded_reference, "rules")


def made_by_rules(sentences: list[SentenceProposals]) -> list[Holder | Draft]:
    """Every holder (of a sentence or a clause) and every draft of the sentences."""
    made: list[Holder | Draft] = []
    for sentence in sentences:
        made += sentence.facts.holders + sentence.drafts
        for clause in sentence.facts.clause_holders.values():
            made += clause
    return made


def rules_fired(coder: Coder, text: str) -> set[str]:
    """The ids of the rules behind any holder or draft of the text's sentences."""
    sentences = coder.propose(parse_text_article("date 2023-03-01 " + text, "t.txt"))
    return {made.rule_id for made in made_by_rules(sentences)}


def test_every_rule_has_both_cases():
    assert set(FIRES) == set(DOES_NOT_FIRE) == {rule.id for rule in RULES} == RULE_IDS


def test_each_rule_is_registered_once():
    assert len({rule.id for rule in RULES}) == len(RULES)
    assert SPEECH_RULE_IDS <= RULE_IDS
    for rule in RULES:
        assert rule.stage in STAGES and callable(rule.function)


def test_every_holder_and_draft_of_the_dev_articles_has_a_registered_id(coder):
    made = []
    for path in sorted(DEV.glob("dev-*.txt")):
        for article in read_file(path):
            made += made_by_rules(coder.propose(article))
    assert made and all(m.rule_id in RULE_IDS for m in made)
    # the explanation begins with the label of the rule that made it: text for people,
    # matching the id it was made with
    labels = {rule.id: rule.label for rule in RULES}
    assert all(m.rule.startswith(labels[m.rule_id]) for m in made)
    # the speakers are those of the speech rules, decided by id
    holders = [m for m in made if isinstance(m, Holder)]
    assert {"reporting_verb", "pronoun"} <= {h.rule_id for h in holders if h.speaks}
    assert {"subject", "transcript_turn"} <= {h.rule_id for h in holders if not h.speaks}


# a real match: the compiled Draft checks its argument types before its rule id
MATCH = PhraseMatch(
    TargetSpec(2, "china-2023", "3", "point", (("ceasefire", 1),)), "ceasefire", 1, 1.0, 0, 1
)


@pytest.mark.parametrize("rule_id", ["other", "reporting verb", "Reporting_verb", ""])
def test_an_unregistered_rule_id_is_refused(rule_id):
    with pytest.raises(ValueError, match="unregistered holder rule id"):
        Holder(1, "Zelensky", rule_id, "reporting verb: X said")
    with pytest.raises(ValueError, match="unregistered holder rule id"):
        Draft(1, 2, "support", 0.9, "Zelensky", rule_id, "reporting verb: X said", [], MATCH)
    assert Holder(1, "Zelensky", "reporting_verb", "reporting verb: X said").speaks
    assert not Holder(1, "China", "subject", "subject").speaks


@pytest.mark.parametrize("rule", sorted(FIRES))
def test_the_rule_fires(coder, rule):
    assert rule in rules_fired(coder, FIRES[rule])


@pytest.mark.parametrize("rule", sorted(DOES_NOT_FIRE))
def test_the_rule_does_not_fire(coder, rule):
    assert rule not in rules_fired(coder, DOES_NOT_FIRE[rule])


@pytest.mark.parametrize(
    ("text", "owners"),
    [
        ("Kyiv's June memorandum asked for an exchange of prisoners.", ["Ukraine"]),
        ("The Indonesian proposal asks for a ceasefire.", ["Indonesia"]),
        # the document is not the subject: the clause's subject holds it
        ("Moscow rejected Kyiv's memorandum on a ceasefire.", []),
        # the owner stands too far from the document to own it
        ("Kyiv's long and detailed new memorandum asked for a ceasefire.", []),
    ],
)
def test_a_document_speaks_for_its_owner(coder, text, owners):
    assert held_by(coder, "document_owner", text) == [owners]


def held_by(coder: Coder, rule_id: str, text: str) -> list[list[str]]:
    """Per sentence, the actors the rule ``rule_id`` holds it for."""
    sentences = coder.propose(parse_text_article("date 2024-09-13 " + text, "t.txt"))
    return [
        [s.actors[h.actor_id].info.name for h in s.facts.holders if h.rule_id == rule_id]
        for s in sentences
    ]


def document_holders(coder: Coder, text: str) -> list[list[str]]:
    return held_by(coder, "document_owner", text)


def test_the_parts_of_a_document_put_forward_before_are_its_authors(coder):
    text = (
        "China and Brazil put forward a joint statement in May. "
        "Its first point asks all parties to observe a ceasefire. "
        "Further points ask for more humanitarian aid."
    )
    assert document_holders(coder, text) == [[], ["China", "Brazil"], ["China", "Brazil"]]


def test_a_document_agreed_by_two_governments_officials_is_their_states(coder):
    text = (
        "The text was agreed by Foreign Minister Wang Yi and Celso Amorim. "
        "The text asks for a ceasefire."
    )
    assert document_holders(coder, text)[1] == ["China", "Brazil"]


def test_one_authors_document_stays_theirs_for_a_few_sentences(coder):
    text = (
        "Volodymyr Zelensky presented his victory plan to parliament. "
        "The first point asks for an invitation to join NATO. "
        "Kyiv was quiet. Moscow was quiet. Minsk was quiet. Rome was quiet. "
        "The second point asks for long-range weapons."
    )
    holders = document_holders(coder, text)
    assert holders[1] == ["Volodymyr Zelensky"]
    assert holders[-1] == []  # too long after the plan was named


@pytest.mark.parametrize(
    ("text", "praised"),
    [
        ("Olaf Scholz praised Xi Jinping for opposing nuclear threats.", ["Xi Jinping"]),
        ("Kyiv welcomed the American proposal to extend the truce.", ["United States"]),
        ("Viktor Orban praised China's initiatives on the war.", ["China"]),
        ("Moscow appreciated the Vatican's efforts to end the war.", ["Holy See"]),
        ("Kyiv welcomed the truce.", []),
    ],
)
def test_who_is_praised_for_a_stance_holds_it_too(coder, text, praised):
    assert held_by(coder, "praised", text) == [praised]


def holders_of(coder: Coder, text: str) -> list[list[tuple[str, str]]]:
    """Per sentence, each holder's actor and the id of the rule that found it."""
    sentences = coder.propose(parse_text_article("date 2024-09-13 " + text, "t.txt"))
    return [
        [(s.actors[h.actor_id].info.name, h.rule_id) for h in s.facts.holders] for s in sentences
    ]


@pytest.mark.parametrize(
    ("reported", "holders"),
    [
        # the guide: when A reports B's stance, B holds it, after "he said" as after a name
        ("He said Russia had rejected the ceasefire.", [("Russia", "reported_subject")]),
        ("He said that Russia had rejected the ceasefire.", [("Russia", "reported_subject")]),
        # no stance verb of the subject's own: the speaker's
        ("He said Russia should accept the ceasefire.", [("Dmytro Kuleba", "pronoun")]),
    ],
)
def test_a_stance_reported_after_a_pronoun_is_its_subjects(coder, reported, holders):
    assert holders_of(coder, "Dmytro Kuleba spoke in Kyiv. " + reported)[1] == holders


@pytest.mark.parametrize(
    "text",
    [
        # the speaker of the sentence before, not the last person named in it
        "Dmytro Kuleba said talks must resume, thanking Josep Borrell. "
        "He added that a ceasefire was needed.",
        # the main subject of the sentence before, also when a "he" named it
        "Dmytro Kuleba spoke in Kyiv. He welcomed the talks, crediting Josep Borrell. "
        "A ceasefire, he added, was needed.",
    ],
)
def test_he_stands_for_the_last_speaker_or_subject_not_the_last_name(coder, text):
    assert holders_of(coder, text)[-1] == [("Dmytro Kuleba", "pronoun")]


def test_a_speakers_own_state_reported_after_a_pronoun_stays_the_speakers(coder):
    """ "Mao Ning said China welcomed…" is Mao Ning's (the guide's spokesperson convention),
    and so is "he said China supported…" after Wang Yi."""
    text = "Wang Yi spoke in Beijing. He said China supported a ceasefire."
    assert holders_of(coder, text)[1] == [("Wang Yi", "pronoun")]


@pytest.mark.parametrize(
    "text",
    [
        "Jana von der Linde, a German diplomat, said talks must resume.",
        "Germany's Jana von der Linde said talks must resume.",
    ],
)
def test_an_unknown_speaker_with_name_particles_holds_the_sentence(coder, text):
    """The shipped lexicon's ``name_particles`` make "Jana von der Linde" one unknown person,
    with the state named before her or in her description."""
    assert holders_of(coder, text) == [[("Jana von der Linde", "reporting_verb")]]
    sentences = coder.propose(parse_text_article("date 2023-03-01 " + text, "t.txt"))
    found = [c.info for c in sentences[0].actors.values() if c.info.name.startswith("Jana")]
    assert [(a.name, a.affiliation) for a in found] == [("Jana von der Linde", "Germany")]


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        # "Mr Li" is an alias of Li Mingjiang in the actor table; after Li Hui it is Li Hui
        ("Li Hui, the special envoy, visited Kyiv. Mr Li said talks must resume.", "Li Hui"),
        ("Li Mingjiang, an expert, spoke. Mr Li said talks must resume.", "Li Mingjiang"),
        # the last of two people whose names hold the word: the analyst, not the minister
        (
            "Wang Yi met Dmytro Kuleba. Wang Huiyao, an analyst, spoke. "
            "Mr Wang said talks must resume.",
            "Wang Huiyao",
        ),
        # no one of that name before: the alias decides
        ("Mr Li said talks must resume.", "Li Mingjiang"),
    ],
)
def test_a_one_word_name_is_the_last_person_named_with_it(coder, text, speaker):
    """A second mention by one word of the name ("Mr Li") is the person named last whose
    name holds it (the lexicon's ``honorifics``), before the actor table's own alias."""
    assert holders_of(coder, text)[-1] == [(speaker, "reporting_verb")]


@pytest.mark.parametrize(
    "text",
    [
        "The G7 will keep working to make Russia pay for the damage, it adds.",
        "The G7 will make Russia pay for the damage, and it says talks must resume.",
    ],
)
def test_it_before_a_reporting_verb_is_the_sentences_subject_not_the_last_name(coder, text):
    """ "…, it adds": "it" is the verb's subject, so no name before it speaks but the
    state, organisation or group the sentence opens with."""
    assert holders_of(coder, text)[0] == [("G7", "reporting_verb")]


def test_a_name_reported_by_one_verb_is_not_the_subject_of_the_next(coder):
    """ "The communiqué demanded that Russia withdraw…, and said…": Russia is in what the
    first verb reports; the subject of "and said" is that of "demanded"."""
    text = "The communiqué demanded that Russia withdraw its forces, and said talks must resume."
    assert ("Russia", "reporting_verb") not in holders_of(coder, text)[0]
    # without "and", a name before the verb still speaks
    assert holders_of(coder, "After the talks Russia said the truce must hold.")[0] == [
        ("Russia", "reporting_verb")
    ]


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("Johann Wadephul met Wang Yi. The Chinese minister said talks must resume.", "Wang Yi"),
        (
            "Wang Yi met Johann Wadephul. The German minister said talks must resume.",
            "Johann Wadephul",
        ),
        (
            "Wang Yi met Dmytro Kuleba. The Ukrainian diplomat said talks must resume.",
            "Dmytro Kuleba",
        ),
    ],
)
def test_the_nationality_and_title_stand_for_the_last_person_of_that_state(coder, text, speaker):
    """ "The Chinese minister said": the last person named who speaks for China, not the
    last person named."""
    assert holders_of(coder, text)[1] == [(speaker, "reporting_verb")]


def test_eu_leaders_are_the_european_council_not_the_union(coder):
    """The heads of state or government at a summit are the European Council (an actor of
    its own, affiliated to the EU), as "G7 leaders" are the G7; its president is a person."""
    text = (
        "EU leaders called for a ceasefire. The European Council president said talks must resume."
    )
    assert holders_of(coder, text) == [
        [("European Council", "reporting_verb")],
        [("Charles Michel", "reporting_verb")],
    ]


def test_a_participle_after_a_comma_is_the_subjects_not_the_name_after_it(coder):
    """ "…, saying Ukraine must…": the name after "saying" is what is said, not who says
    it (unlike "…,” said Mr Zelenskiy"); the speaker is the clause's subject, however far."""
    text = (
        "Dmytro Kuleba thanked Turkey for its long mediation on grain shipments and on "
        "prisoner exchanges in the spring, saying Ukraine must first set out its terms."
    )
    assert holders_of(coder, text)[0][0] == ("Dmytro Kuleba", "reporting_verb")


def test_a_name_after_a_participle_of_meeting_is_an_object(coder):
    """ "After meeting Volodymyr Zelensky, the minister said…": Zelensky is met, he does not
    speak (the lexicon's ``object_markers`` hold "meeting" as they hold "met")."""
    text = "After meeting Volodymyr Zelensky in Kyiv, the minister said talks must resume."
    assert ("Volodymyr Zelensky", "reporting_verb") not in holders_of(coder, text)[0]
    text = "After the summit in Kyiv, Volodymyr Zelensky said talks must resume."
    assert holders_of(coder, text)[0] == [("Volodymyr Zelensky", "reporting_verb")]


def test_he_is_not_the_object_named_before_it(coder):
    """ "Congratulating Donald Trump, he praised…": he is the speaker of the sentence before,
    not the person he congratulated."""
    text = (
        "Volodymyr Zelensky spoke in Kyiv. "
        "Congratulating Donald Trump on his victory, he said a just peace was closer."
    )
    holders = holders_of(coder, text)[1]
    assert ("Volodymyr Zelensky", "pronoun") in holders
    assert ("Donald Trump", "pronoun") not in holders


def test_a_title_is_the_holder_the_article_named_before_the_one_of_its_date(coder):
    """An article of September 2024 looking back: "Ukraine's foreign minister" after Dmytro
    Kuleba is named is Kuleba, though Andrii Sybiha held the title on the article's date;
    with no holder named, the date decides."""
    sentences = coder.propose(
        parse_text_article(
            "date 2024-09-13 Dmytro Kuleba flew to Guangzhou in July. "
            "Ukraine's foreign minister said talks must resume.",
            "t.txt",
        )
    )
    last = sentences[-1]
    assert [(last.actors[h.actor_id].info.name, h.rule_id) for h in last.facts.holders] == [
        ("Dmytro Kuleba", "reporting_verb")
    ]
    assert holders_of(coder, "Ukraine's foreign minister said talks must resume.")[0] == [
        ("Andrii Sybiha", "reporting_verb")
    ]


def test_a_sentence_naming_no_one_leaves_he_as_it_was(coder):
    """ "Kuleba answered later. “I will be polite.” … he said": the quotation between names
    no one, so "he" is still the subject named before it, not an earlier speaker."""
    text = (
        "Wang Yi said talks must resume. Dmytro Kuleba answered from another panel later. "
        "“I will try to be polite. It sounds like a Russian plan,” he said."
    )
    assert ("Dmytro Kuleba", "pronoun") in holders_of(coder, text)[-1]


def test_a_name_set_off_after_an_object_title_is_an_object(coder):
    """ "read out by his commerce minister, Wang Wentao, he warned": Wang Wentao is the
    title after "by", not who "he" is; "At the summit, Xi Jinping, the Chinese president,
    said" still speaks (no title before the commas)."""
    text = (
        "Xi Jinping did not attend. In a speech read out by his foreign minister, Wang Yi, "
        "he warned that talks must resume."
    )
    assert holders_of(coder, text)[1] == [("Xi Jinping", "pronoun")]
    text = "At the summit, Xi Jinping, the Chinese president, said talks must resume."
    assert holders_of(coder, text)[0] == [("Xi Jinping", "reporting_verb")]


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        # 2023-04-02: Zbigniew Rau was Poland's foreign minister; the sentence names another
        ("Poland's foreign minister, Radosław Sikorski, rejected the peace plan.", "subject"),
        (
            "Poland's foreign minister, Radosław Sikorski, said the plan was flawed.",
            "reporting_verb",
        ),
    ],
)
def test_a_person_named_after_a_title_between_commas_is_the_holder_not_the_titles(
    coder, text, rule
):
    """The guide's most specific holder: the person the sentence names for the title, not
    whoever held the title on the article's date."""
    sentences = coder.propose(parse_text_article("date 2023-04-02 " + text, "t.txt"))
    assert [
        (s.actors[h.actor_id].info.name, h.rule_id) for s in sentences for h in s.facts.holders
    ] == [("Radosław Sikorski", rule)]


def test_according_to_a_source_another_speaker_holds_what_they_said(coder):
    """ "According to X, Y told…": X reports Y, so Y holds it (the guide: when A reports
    B's stance, B holds it); with no other speaker, X still does."""
    text = (
        "According to China's UN ambassador, Zhang Jun, Mr Xi also told fellow leaders "
        "that peace talks must resume."
    )
    assert holders_of(coder, text)[0] == [("Xi Jinping", "reporting_verb")]
    assert holders_of(coder, "According to Beijing, peace talks must resume.")[0] == [
        ("China", "according_to")
    ]
    # the other speaker right after the source's comma
    assert holders_of(coder, "According to Beijing, Mr Xi told leaders that talks must resume.")[
        0
    ] == [("Xi Jinping", "reporting_verb")]


def test_it_does_not_stand_for_a_state_named_as_a_topic(coder):
    """ "the Ukraine crisis" names no actor: the "it" after it is China, the state named
    before, not Ukraine (the lexicon's ``topic_nouns``)."""
    text = "China did not create the Ukraine crisis, it said, and it wanted talks."
    assert holders_of(coder, text)[0] == [("China", "reporting_verb")]


def test_a_name_inside_a_whose_clause_does_not_speak(coder):
    """ "X, whose government has long regarded Russia as…, said…": the clause is X's, as
    after "who" and "which" (the lexicon's ``relative_pronouns``), however long it is."""
    text = (
        "Cyril Ramaphosa, whose government has long regarded Russia as a historical ally from "
        "the struggle against apartheid, said talks must resume."
    )
    assert holders_of(coder, text)[0] == [("Cyril Ramaphosa", "reporting_verb")]


def test_an_object_before_which_does_not_speak(coder):
    """ "a report on Ukraine, which says…": Ukraine is the object of "on", not what the
    clause is about; a subject before "which" still speaks ("Moscow, which said…")."""
    object_first = "Kuleba read a report on Ukraine, which says talks must resume."
    assert ("Ukraine", "reporting_verb") not in holders_of(coder, object_first)[0]
    subject_first = "Moscow, which says talks must resume, sent a delegation."
    assert holders_of(coder, subject_first)[0] == [("Russia", "reporting_verb")]


def test_a_quotation_ends_at_a_sentence_not_quoted(coder):
    """A quotation with no speaker is the previous speaker's when the next sentence is not
    quoted: the quotation after that is another one ("…,” he said), not its end."""
    text = (
        "“This war must end,” Cyril Ramaphosa told reporters. "
        "“We argue that there must be de-escalation.” "
        "Volodymyr Zelensky was unmoved. "
        "“We need a withdrawal of Russian troops,” he said."
    )
    assert holders_of(coder, text)[1] == [("Cyril Ramaphosa", "quote_speaker")]


@pytest.mark.parametrize(
    ("text", "spans"),
    [
        ("“A truce,” he said.", [(0, 9)]),
        ("No peace without Russia,” he said.", [(0, 24)]),  # opened a sentence before
        ("He said: “We must talk.", [(9, 23)]),  # closes a sentence after
        ('He said "no" twice and "yes" once.', [(8, 11), (23, 27)]),
        ('No peace," he said.', []),  # a straight mark pairs inside the sentence only
    ],
)
def test_quoted_spans(text, spans):
    assert quoted_spans(text) == spans


def test_a_quotation_across_sentences_is_its_speakers(coder):
    """ "“A. B,” X said": "say" and names inside the quotation's second sentence are
    quoted, although its opening mark is in the sentence before; X speaks both."""
    text = (
        "“We must find a way to include Russia. "
        "There will be no peace if Russia does not have its say,” "
        "Volodymyr Zelensky told reporters."
    )
    assert holders_of(coder, text) == [
        [("Volodymyr Zelensky", "quote_speaker")],
        [("Volodymyr Zelensky", "reporting_verb")],
    ]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # a list closed by "and" holds together
        (
            "Brazil, Gabon, Ghana and Mozambique called for a ceasefire.",
            ["Brazil", "Gabon", "Ghana", "Mozambique"],
        ),
        (
            "The leaders of Brazil, India and China said talks must resume.",
            ["Brazil", "India", "China"],
        ),
        # commas without a closing "and" make no list
        ("In Moscow, Vladimir Putin said talks must resume.", ["Vladimir Putin"]),
        ("Brazil, Ghana called for a ceasefire.", ["Ghana"]),
        # an apposition is no list: one person, whatever it names
        (
            "Dmytro Kuleba, the Ukrainian minister and current African Union envoy, said talks "
            "must resume.",
            ["Dmytro Kuleba"],
        ),
    ],
)
def test_a_list_of_names_closed_by_and_holds_together(coder, text, names):
    assert [name for name, _ in holders_of(coder, text)[0]] == names


def test_a_reporting_verb_inside_a_quotation_yields_to_the_speaker_outside(coder):
    """ "“China calls for a ceasefire,” Wang Yi said" is Wang Yi's (the guide: a minister
    speaking for a government is the actor, also when they say "China believes…")."""
    text = "“China calls for a ceasefire,” Wang Yi said on Monday."
    assert holders_of(coder, text)[0] == [("Wang Yi", "reporting_verb")]
    # with no speaker outside it, the quotation's own verb still counts
    assert holders_of(coder, "“China calls for a ceasefire.”")[0] == [("China", "reporting_verb")]


@pytest.mark.parametrize("month", ["Feb.", "July", "Sept.", "November"])
def test_a_dateline_names_no_actor_whatever_the_month(coder, month):
    """ "BRUSSELS, July 4 — The European Union's foreign policy chief pressed…": the
    dateline's place is no one, however the month is written."""
    text = f"BRUSSELS, {month} 4 — Kaja Kallas pressed China to back a ceasefire."
    assert holders_of(coder, text)[0] == [("Kaja Kallas", "subject")]


def test_the_document_that_says_is_the_one_named_before(coder):
    """ "…, the statement says": the statement named before, whose owner holds it; with no
    document named before, no one."""
    issued = "The White House released a statement after the talks. "
    says = "Any deal must uphold Ukraine's sovereignty, the statement says."
    assert holders_of(coder, issued + says)[1] == [("United States", "document_owner")]
    assert holders_of(coder, "The talks ended. " + says)[1] == []


@pytest.mark.parametrize("institution", ["The ministry", "The foreign ministry", "The government"])
def test_an_institution_is_no_person_who_leads_it(coder, institution):
    """ "The ministry said" is never a person: a role's title names its state ("leader of
    the Chinese foreign ministry"), but only the title itself makes an anaphor ("the
    leader"); the guide gives an institution's words to its state."""
    text = f"Xi Jinping met Vladimir Putin in Moscow. {institution} said talks must resume."
    kinds = {coder.registry.by_name(name).kind for name, _ in holders_of(coder, text)[1]}
    assert "person" not in kinds


def test_a_role_title_still_stands_for_the_last_one_named(coder):
    text = "Olaf Scholz spoke in Berlin. The chancellor said talks must resume."
    assert holders_of(coder, text)[1] == [("Olaf Scholz", "reporting_verb")]


def test_they_stands_for_the_holders_of_the_sentence_before(coder):
    """ "France and Germany said…. They pledged…": "they" is each holder of the sentence
    before when it had two or more (not whom they praised); with one, or none, "they" stays
    the last group named."""
    text = (
        "France and Germany praised Mr Trump's efforts and said borders must not be changed "
        "by force. They also pledged to keep tightening sanctions."
    )
    assert sorted(holders_of(coder, text)[1]) == [
        ("France", "reporting_verb"),
        ("Germany", "reporting_verb"),
    ]
    text = "The G7 met in Hiroshima. They pledged to keep tightening sanctions."
    assert holders_of(coder, text)[1] == [("G7", "reporting_verb")]


def test_it_after_a_document_named_just_before_is_its_owners(coder):
    """ "Moscow's memorandum goes further. It also wants…": "it" opening the next sentence is
    the document, so its owner holds what it asks; two sentences on, it is not."""
    text = (
        "Moscow's memorandum of June goes much further. It also wants all sanctions lifted. "
        "Talks resumed. It also wants all sanctions lifted."
    )
    holders = holders_of(coder, text)
    assert holders[1] == [("Russia", "document_owner")]
    assert ("Russia", "document_owner") not in holders[3]


@pytest.mark.parametrize(
    "text",
    [
        "Russia has welcomed the paper but said a ceasefire must come first.",
        "Ukraine criticised the paper and said a ceasefire would only help Russia.",
    ],
)
def test_the_plan_as_an_object_does_not_speak(coder, text):
    """ "Russia has welcomed the paper but said…": the paper is what Russia welcomed, not
    the subject that says the rest; plan_text is for the plan as the subject."""
    assert "plan_text" not in rules_fired(coder, text)
    assert "plan_text" in rules_fired(coder, "The paper calls for a ceasefire.")


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("“The West must lift its sanctions on Russia,” said Sergei Lavrov.", "Sergei Lavrov"),
        ("“Russia must withdraw its troops,” said Zelensky.", "Volodymyr Zelensky"),
        ("“China calls for a truce,” Mr Xi said.", "Xi Jinping"),
    ],
)
def test_a_name_inside_a_quotation_does_not_speak_the_verb_after_it(coder, text, speaker):
    """ "“The West must lift its sanctions,” said Lavrov": the names in the quotation stood
    within reach before "said" and were taken for its subject, so the West held Lavrov's
    stance; a name inside a quotation is not the speaker of a verb outside it."""
    assert holders_of(coder, text)[0] == [(speaker, "reporting_verb")]


def test_a_name_before_a_verb_inside_the_same_quotation_still_speaks(coder):
    """Inside one quotation the name before the verb is its subject, as anywhere."""
    text = "He told reporters: “Russia said it wants talks, but it does not.”"
    assert "Russia" in {name for name, _ in holders_of(coder, text)[0]}
