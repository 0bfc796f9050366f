"""The registry's name finder, against the plain way of looking names up."""

from __future__ import annotations

import datetime as dt

from hypothesis import example, given
from hypothesis import strategies as st

from tracker.coder.actors import ActorInfo, Mention, Registry, build_registry
from tracker.coder.text import Word, words

ACTORS = [
    ActorInfo(1, "Joe Biden", "person", "United States"),
    ActorInfo(2, "United States", "state", None),
    ActorInfo(3, "Ukraine", "state", None),
    ActorInfo(4, "Volodymyr Zelensky", "person", "Ukraine"),
]
ALIASES = [
    (1, "Biden", "name"),
    (2, "U.S.", "name"),
    (3, "Ukrainian", "adjective"),
    (4, "Zelensky", "name"),
]
ROLES = [
    (1, "president", 2, dt.date(2021, 1, 20), dt.date(2025, 1, 20)),
    (4, "president", 3, dt.date(2019, 5, 20), None),
]
DAY = dt.date(2023, 3, 1)


def _longest_by_every_length(registry: Registry, found: list[Word], i: int) -> Mention | None:
    """The reference: each length a name or title has, longest first, cut at punctuation."""
    lengths = sorted({len(k) for k in list(registry.names) + list(registry.titles)}, reverse=True)
    norms = [w.norm for w in found]
    for n in lengths:
        if i + n > len(found) or any(w.pause_before for w in found[i + 1 : i + n]):
            continue
        key = tuple(norms[i : i + n])
        ids = registry.names.get(key)
        if ids and (key not in registry.capitalised or found[i].capital):
            return Mention(i, i + n, tuple(ids), "name", " ".join(key))
        roles = registry.titles.get(key)
        holders = [r.actor_id for r in roles or () if r.holds_on(DAY)]
        if holders:
            return Mention(i, i + n, tuple(dict.fromkeys(holders)), "title", " ".join(key))
    return None


vocabulary = st.sampled_from(
    [
        "Joe",
        "Biden",
        "biden",
        "the",
        "Ukrainian",
        "president",
        "of",
        "Ukraine",
        "said",
        ",",
        "Volodymyr",
        "Zelensky",
        "United",
        "States",
        "U.S.",
        "—",
    ]
)


def _fields(mention: Mention | None) -> tuple | None:
    if mention is None:
        return None
    return (mention.start, mention.end, mention.candidates, mention.via, mention.surface)


@given(st.lists(vocabulary, max_size=12))
@example(["the", "Ukrainian", "president", "Volodymyr", "Zelensky", "said"])
@example(["president", "of", ",", "Ukraine", "Joe", "Biden"])
def test_the_name_at_each_word_is_the_longest_there(pieces: list[str]) -> None:
    """_longest_at follows a tree of the names' words; the reference tries every length."""
    registry = build_registry(ACTORS, ALIASES, ROLES)
    found = words(" ".join(pieces))
    norms = [w.norm for w in found]
    for i in range(len(found)):
        assert _fields(registry._longest_at(found, norms, i, DAY)) == _fields(
            _longest_by_every_length(registry, found, i)
        )


def test_a_name_added_or_forgotten_is_found_or_not() -> None:
    registry = build_registry(ACTORS, ALIASES, ROLES)
    sentence = words("Brazil's President Lula da Silva met Joe Biden")
    assert [m.surface for m in registry.mentions(sentence, DAY)] == ["joe biden"]
    registry.new_actor("Lula da Silva", "Brazil")
    assert [m.surface for m in registry.mentions(sentence, DAY)] == ["lula da silva", "joe biden"]
    registry.forget_new()
    assert [m.surface for m in registry.mentions(sentence, DAY)] == ["joe biden"]


def _tree_entries(tree: dict, prefix: tuple[str, ...] = ()) -> set[tuple[str, ...]]:
    """Every entry a name tree holds, and every node without one that is not on the way
    to one (which ``remove_from_tree`` must not leave behind), marked with "!"."""
    out: set[tuple[str, ...]] = set()
    for word, node in tree.items():
        key = prefix + (word,)
        if node.ends:
            out.add(key)
        if not node.ends and not node.next:
            out.add(key + ("!",))
        out |= _tree_entries(node.next, key)
    return out


@given(st.lists(st.sampled_from(["Jane Roe", "Joe Roe", "Joe", "Biden Jane", "Joe Biden Roe"])))
@example(["Joe Biden Roe", "Joe"])
def test_forgetting_new_people_leaves_the_tree_as_it_was_built(names: list[str]) -> None:
    """New people are added to the name tree and taken out of it, not rebuilt each time:
    afterwards it holds exactly what a fresh registry's does, and the spelling-variant
    matcher was never rebuilt."""
    registry = build_registry(ACTORS, ALIASES, ROLES)
    built = _tree_entries(registry._name_tree())
    matcher = registry._fuzzy()
    for name in names:
        registry.new_actor(name, None)
    registry.mentions(words(" ".join(names)), DAY)
    registry.forget_new()
    assert _tree_entries(registry._name_tree()) == built
    assert registry._fuzzy() is matcher
    assert _tree_entries(build_registry(ACTORS, ALIASES, ROLES)._name_tree()) == built


def test_each_article_numbers_its_new_people_from_minus_one() -> None:
    registry = build_registry(ACTORS, ALIASES, ROLES)
    known = dict(registry.actors)
    assert registry.new_actor("Lula da Silva", "Brazil") == -1
    assert registry.new_actor("Jane Roe", None) == -2
    assert registry.new_actor("Lula da Silva", "Brazil") == -1  # met again: the same
    registry.forget_new()
    assert registry.actors == known
    assert registry.by_name("Jane Roe") is None
    assert registry.new_actor("Jane Roe", None) == -1
    sentence = words("Jane Roe met Lula da Silva")
    assert [m.candidates for m in registry.mentions(sentence, DAY)] == [(-1,)]


def _discovered(text: str) -> list[tuple[str, str | None]]:
    registry = build_registry(
        ACTORS,
        ALIASES,
        ROLES,
        person_titles=["spokeswoman", "representative", "foreign minister", "minister"],
        apposition_openers=["a", "an", "the"],
        place_words=["the", "in", "at", "on", "of"],
    )
    return _people(registry, text)


def _people(registry: Registry, text: str) -> list[tuple[str, str | None]]:
    """The unknown people ``discover`` finds in ``text``: name and affiliation."""
    sentence = words(text)
    found = registry.discover(text, sentence, registry.mentions(sentence, DAY))
    return [
        (registry.actors[m.candidates[0]].name, registry.actors[m.candidates[0]].affiliation)
        for m in found
    ]


def test_a_person_named_beside_a_title_between_commas_is_found() -> None:
    assert _discovered("Jane Roe, a Ukrainian foreign ministry spokeswoman, said so.") == [
        ("Jane Roe", "Ukraine")
    ]
    assert _discovered("The representative of Ukraine, Jane Roe, said so.") == [
        ("Jane Roe", "Ukraine")
    ]


def test_places_and_dates_beside_a_title_are_not_people() -> None:
    assert _discovered("Receiving him at Castel Gandolfo, the spokeswoman said so.") == []
    assert _discovered("In April, a Ukrainian spokeswoman said so.") == []
    assert _discovered("St Petersburg, evening — Kremlin spokeswoman Jane Roe said so.") == [
        ("Jane Roe", None)
    ]  # the title before her names her; the dateline's place is no one
    assert _discovered("Jane Roe, with a spokeswoman beside her, said so.") == []


def test_without_apposition_openers_the_rule_is_off() -> None:
    registry = build_registry(ACTORS, ALIASES, ROLES, person_titles=["spokeswoman"])
    text = "Jane Roe, a Ukrainian spokeswoman, said so."
    sentence = words(text)
    assert registry.discover(text, sentence, registry.mentions(sentence, DAY)) == []


def _speaking(text: str) -> list[tuple[str, str | None]]:
    """The unknown people ``discover`` finds with only the speaker rule on."""
    registry = build_registry(
        ACTORS,
        ALIASES,
        ROLES,
        place_words=["the", "in", "at"],
        speech_verbs=["say", "said", "wrote", "told", "in a statement"],
        institution_words=["the", "of", "for", "and"],
    )
    return _people(registry, text)


def test_an_unknown_name_before_a_reporting_verb_is_a_person() -> None:
    assert _speaking("Jane Roe said the talks must go on.") == [("Jane Roe", None)]
    assert _speaking("The talks must go on, Jane Roe says.") == [("Jane Roe", None)]
    assert _speaking("Jane Roe, a Ukrainian newspaper's columnist, wrote that it would.") == [
        ("Jane Roe", "Ukraine")
    ]  # the state her description names is hers


def test_a_speaker_may_be_described_at_length_or_by_an_institution() -> None:
    assert _speaking(
        "Jane Roe, executive dean of the Institute for Financial Studies at Renmin "
        "University, told reporters that it would."
    ) == [("Jane Roe", None)]
    assert _speaking(
        "Jane Roe, who heads European studies at the institute, a think tank attached to "
        "the ministry, told a newspaper that it would."
    ) == [("Jane Roe", None)]
    assert _speaking("Jane Roe of the Center for Strategic Studies wrote that it would.") == [
        ("Jane Roe", None)
    ]
    assert _speaking("Jane Roe of the talks wrote nothing.") == []  # no institution
    assert _speaking("Jane Roe, the talks and the truce. Officials said so.") == []


def _with_particles(text: str) -> list[tuple[str, str | None]]:
    """The unknown people ``discover`` finds with the speaker, title and apposition rules
    on and the lexicon's name particles."""
    registry = build_registry(
        ACTORS,
        ALIASES,
        ROLES,
        person_titles=["spokeswoman", "president"],
        apposition_openers=["a", "an", "the"],
        place_words=["the", "in", "at"],
        speech_verbs=["say", "said", "wrote", "told"],
        name_particles=["de", "da", "van", "von", "der", "bin"],
    )
    return _people(registry, text)


def test_an_unknown_name_may_hold_lowercase_particles() -> None:
    assert _with_particles("Jane van der Roe said the talks must go on.") == [
        ("Jane van der Roe", None)
    ]
    assert _with_particles("Jane de Roe, a Ukrainian spokeswoman, said so.") == [
        ("Jane de Roe", "Ukraine")
    ]
    assert _with_particles("The talks will go on, President Luis da Silva Roe said.") == [
        ("Luis da Silva Roe", None)
    ]  # after a title: three capitalised words, the particle between them
    # a particle is inside a name, never at its end or its start
    assert _with_particles("Jane Roe de facto said so.") == []
    assert _with_particles("The plan of Jane van said so.") == []
    # without the list, "Jane van der Roe" holds no two capitalised words in a row
    assert _speaking("Jane van der Roe said so.") == []


def test_a_state_s_possessive_before_an_unknown_speaker_is_their_state() -> None:
    assert _with_particles("Ukraine's Jane Roe said the talks must go on.") == [
        ("Jane Roe", "Ukraine")
    ]
    assert _with_particles("The Kyiv Independent Jane Roe said so.") == []  # one long name


def test_names_that_do_not_speak_or_are_places_are_not_people() -> None:
    assert _speaking("Jane Roe met the president on Friday.") == []  # no reporting verb
    assert _speaking("Jane Roe, the talks and the truce were discussed, officials said.") == []
    assert _speaking("In Castel Gandolfo said the pope nothing.") == []  # a place
    assert _speaking("Joe Biden said so.") == []  # known: not new
    registry = build_registry(ACTORS, ALIASES, ROLES)  # no reporting verbs: the rule is off
    assert _people(registry, "Jane Roe said so.") == []


def test_a_one_word_name_inside_a_longer_name_is_someone_else() -> None:
    registry = build_registry(ACTORS, ALIASES, ROLES)
    assert registry.mentions(words("Then Zelensky Huiyao spoke to the press."), DAY) == []
    assert [m.candidates for m in registry.mentions(words("Zelensky spoke."), DAY)] == [(4,)]
    assert [m.candidates for m in registry.mentions(words("Zelensky's Ukraine"), DAY)] == [
        (4,),
        (3,),
    ]  # a possessive ends the name
    assert [m.candidates for m in registry.mentions(words("Zelensky Welcomes Talks"), DAY)] == [
        (4,)
    ]  # a headline capitalises every word
    assert [m.candidates for m in registry.mentions(words("the U.S. Senate"), DAY)] == [
        (2,)
    ]  # a state's name is not a person's


def _named(registry: Registry, text: str) -> list[str]:
    return [registry.actors[m.candidates[0]].name for m in registry.mentions(words(text), DAY)]


def test_a_state_named_as_the_topic_of_a_noun_is_no_actor() -> None:
    """ "the Ukraine crisis" names a topic: Ukraine is no actor there (nor what "it" stands
    for after it), while "Ukraine's war" and "Ukraine, war…" still name Ukraine, and a
    person's name is never a topic."""
    registry = build_registry(ACTORS, ALIASES, ROLES, topic_nouns=["crisis", "war"])
    assert _named(registry, "Biden spoke about the Ukraine crisis") == ["Joe Biden"]
    assert _named(registry, "the Ukraine war goes on") == []
    assert _named(registry, "Ukraine's war goes on") == ["Ukraine"]
    assert _named(registry, "in Ukraine, war goes on") == ["Ukraine"]
    assert _named(registry, "the Zelensky war") == ["Volodymyr Zelensky"]
    # without the list every name is an actor
    plain = build_registry(ACTORS, ALIASES, ROLES)
    assert _named(plain, "the Ukraine crisis") == ["Ukraine"]


def test_a_lowercase_alias_keeps_its_article() -> None:
    """ "the bloc" names the EU, but "bloc confrontation" names no one; "the EU" is "EU"."""
    eu = ActorInfo(5, "European Union", "organisation", None)
    registry = build_registry(
        [*ACTORS, eu], [*ALIASES, (5, "the bloc", "name"), (5, "the EU", "name")], ROLES
    )
    assert _named(registry, "the bloc said so") == ["European Union"]
    assert _named(registry, "it opposes bloc confrontation") == []
    assert _named(registry, "EU leaders and the EU") == ["European Union", "European Union"]


def test_an_ambiguous_alias_inside_a_longer_name_is_that_name() -> None:
    """ "Mr Wang" is an alias of two people; "Mr Wang Yi" is one of them (it was no one:
    the shared alias, found first, hid the name that goes on past it)."""
    actors = [
        ActorInfo(1, "Wang Yi", "person", "China"),
        ActorInfo(2, "Wang Wenbin", "person", "China"),
    ]
    aliases = [(1, "Mr Wang", "name"), (2, "Mr Wang", "name")]
    registry = build_registry(actors, aliases, [])
    assert _named(registry, "Mr Wang Yi spoke.") == ["Wang Yi"]
    assert _named(registry, "Mr Wang Wenbin spoke.") == ["Wang Wenbin"]
    assert [m.candidates for m in registry.mentions(words("Mr Wang spoke."), DAY)] == [(1, 2)]
    [mention] = registry.mentions(words("Then Mr Wang Yi spoke."), DAY)
    assert (mention.start, mention.end) == (1, 4)  # the honorific is part of the mention
