"""The shipped actor registry (seeds/actors.toml) as data: complete, unambiguous, and
its names do not swallow other words through the fuzzy spelling match."""

from __future__ import annotations

import datetime as dt
import tomllib
from collections import defaultdict

import pytest

from tracker.coder.actors import ActorInfo, Registry, _strip_article, build_registry
from tracker.coder.lexicon import load_lexicon
from tracker.coder.text import normalise_phrase, words
from tracker.resources import seeds_dir

# The 193 UN member states by the registry's canonical names.
UN_MEMBERS = tuple(
    name.strip()
    for line in """
Afghanistan; Albania; Algeria; Andorra; Angola; Antigua and Barbuda; Argentina; Armenia
Australia; Austria; Azerbaijan; Bahamas; Bahrain; Bangladesh; Barbados; Belarus; Belgium
Belize; Benin; Bhutan; Bolivia; Bosnia and Herzegovina; Botswana; Brazil; Brunei; Bulgaria
Burkina Faso; Burundi; Cape Verde; Cambodia; Cameroon; Canada; Central African Republic
Chad; Chile; China; Colombia; Comoros; Republic of the Congo
Democratic Republic of the Congo; Costa Rica; Ivory Coast; Croatia; Cuba; Cyprus
Czech Republic; Denmark; Djibouti; Dominica; Dominican Republic; Ecuador; Egypt
El Salvador; Equatorial Guinea; Eritrea; Estonia; Eswatini; Ethiopia; Fiji; Finland
France; Gabon; Gambia; Georgia; Germany; Ghana; Greece; Grenada; Guatemala; Guinea
Guinea-Bissau; Guyana; Haiti; Honduras; Hungary; Iceland; India; Indonesia; Iran; Iraq
Ireland; Israel; Italy; Jamaica; Japan; Jordan; Kazakhstan; Kenya; Kiribati; Kuwait
Kyrgyzstan; Laos; Latvia; Lebanon; Lesotho; Liberia; Libya; Liechtenstein; Lithuania
Luxembourg; Madagascar; Malawi; Malaysia; Maldives; Mali; Malta; Marshall Islands
Mauritania; Mauritius; Mexico; Micronesia; Moldova; Monaco; Mongolia; Montenegro; Morocco
Mozambique; Myanmar; Namibia; Nauru; Nepal; Netherlands; New Zealand; Nicaragua; Niger
Nigeria; North Korea; North Macedonia; Norway; Oman; Pakistan; Palau; Panama
Papua New Guinea; Paraguay; Peru; Philippines; Poland; Portugal; Qatar; South Korea
Romania; Russia; Rwanda; Saint Kitts and Nevis; Saint Lucia
Saint Vincent and the Grenadines; Samoa; San Marino; São Tomé and Príncipe; Saudi Arabia
Senegal; Serbia; Seychelles; Sierra Leone; Singapore; Slovakia; Slovenia; Solomon Islands
Somalia; South Africa; South Sudan; Spain; Sri Lanka; Sudan; Suriname; Sweden; Switzerland
Syria; Tajikistan; Tanzania; Thailand; East Timor; Togo; Tonga; Trinidad and Tobago
Tunisia; Turkey; Turkmenistan; Tuvalu; Uganda; Ukraine; United Arab Emirates
United Kingdom; United States; Uruguay; Uzbekistan; Vanuatu; Venezuela; Vietnam; Yemen
Zambia; Zimbabwe
""".splitlines()
    for name in line.split(";")
    if name.strip()
)


@pytest.fixture(scope="module")
def entries() -> list[dict]:
    with open(seeds_dir() / "actors.toml", "rb") as f:
        return tomllib.load(f)["actors"]


@pytest.fixture(scope="module")
def registry(entries) -> Registry:
    ids = {e["name"]: i for i, e in enumerate(entries, 1)}
    actors = [
        ActorInfo(ids[e["name"]], e["name"], e["kind"], e.get("affiliation"), e.get("gender"))
        for e in entries
    ]
    aliases = [(ids[e["name"]], a, "name") for e in entries for a in e.get("aliases", [])]
    aliases += [(ids[e["name"]], a, "adjective") for e in entries for a in e.get("adjectives", [])]
    roles = [
        (ids[e["name"]], title, ids.get(r.get("of")), r.get("from"), r.get("to"))
        for e in entries
        for r in e.get("roles", [])
        for title in r["titles"]
    ]
    similarity = load_lexicon()["actors"]["name_similarity"]
    return build_registry(actors, aliases, roles, name_similarity=similarity)


def _named(registry: Registry, text: str, day: dt.date = dt.date(2023, 3, 1)) -> list[str]:
    return [registry.actors[m.candidates[0]].name for m in registry.mentions(words(text), day)]


def test_every_un_member_state_and_both_observers_are_listed(entries):
    assert len(UN_MEMBERS) == len(set(UN_MEMBERS)) == 193
    kinds = {e["name"]: e["kind"] for e in entries}
    assert [m for m in UN_MEMBERS if kinds.get(m) != "state"] == []
    assert kinds["Palestine"] == "state" and "Holy See" in kinds


def test_a_name_or_alias_names_one_actor_only(entries):
    owners: defaultdict[tuple[str, ...], set[str]] = defaultdict(set)
    for e in entries:
        for alias in [e["name"], *e.get("aliases", [])]:
            owners[_strip_article(normalise_phrase(alias))].add(e["name"])
    shared = {key: names for key, names in owners.items() if len(names) > 1}
    assert shared == {("mr", "wang"): {"Wang Yi", "Wang Wenbin"}}  # documented in the file


@pytest.mark.parametrize(
    ("text", "named"),
    [
        (
            "Accra and the UAE backed it, the Emirati government said.",
            ["Ghana", "United Arab Emirates", "United Arab Emirates"],
        ),
        (
            "BRICS leaders and the Shanghai Cooperation Organization met.",
            ["BRICS", "Shanghai Cooperation Organisation"],
        ),
        (
            "The Democratic Republic of the Congo and Guinea-Bissau voted.",
            ["Democratic Republic of the Congo", "Guinea-Bissau"],
        ),
        ("South Sudan and Papua New Guinea abstained.", ["South Sudan", "Papua New Guinea"]),
        # known words are never read as close spellings of a state's name
        ("Jeffrey Sachs of Columbia University spoke.", ["Columbia University"]),
        ("The District of Columbia and British Columbia.", []),
        ("Dominic Cummings spoke.", []),
        ("Dominica and the Dominican Republic.", ["Dominica", "Dominican Republic"]),
    ],
)
def test_states_and_organisations_are_found_by_their_names(registry, text, named):
    assert _named(registry, text) == named


def test_communist_stays_a_title_word_and_is_not_read_as_community(registry):
    assert _named(registry, "Communist Party leader Xi said so.") == ["Xi Jinping"]
