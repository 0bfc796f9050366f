"""Text as news pages give it: invisible characters (soft hyphens, zero-width spaces and
joiners, word joiners, byte order marks), non-breaking spaces, modifier-letter apostrophes
and every kind of quote. Names, cues and plan phrases match through them as in the plain
sentence; the sentences are stored as they were written, offsets into the article's text."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from tracker.coder.pipeline import Coder
from tracker.db import make_engine
from tracker.read import parse_text_article
from tracker.schema import Article, Sentence

DATE = "date 2023-02-25 "
# "|" stands inside a word (a name, a cue, a phrase), "_" for a space between the words of a
# name or phrase, "^" for an apostrophe.
SENTENCES = [
    "Xi Jin|ping cal|led for a cease|fire and back|ed peace_talks.",
    "Zel|ensky said China^s 12-point pa|per lacks cred|ibility.",
    "China^s foreign_min|istry said a cease|fire must come.",
    "Ukraine^s foreign minister Dmytro Kule|ba said sanc|tions on Russia must stay.",
    "The IAEA^s chief Rafael Gros|si urged protection of the Zapo|rizhzhia nuclear_power_plant.",
    "Mr_Xi said China^s position paper sup|ports the UN_Char|ter.",
    "Wang_Yi and Sergei Lav|rov op|posed uni|lateral_sanctions, the for|eign_min|istry said.",
]
# soft hyphen, zero-width space, non-joiner, joiner, word joiner, byte order mark
INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
NBSP, NARROW_NBSP, MODIFIER_APOSTROPHE = "\u00a0", "\u202f", "\u02bc"


def _written(template: str, inside: str = "", space: str = " ", apostrophe: str = "’") -> str:
    return template.replace("|", inside).replace("_", space).replace("^", apostrophe)


VARIANTS = {
    **{f"U+{ord(c):04X} inside words": {"inside": c} for c in INVISIBLE},
    "U+00A0 between words": {"space": NBSP},
    "U+202F between words": {"space": NARROW_NBSP},
    "U+02BC apostrophe": {"apostrophe": MODIFIER_APOSTROPHE},
    "straight apostrophe": {"apostrophe": "'"},
    "all at once": {"inside": "\u200b\u00ad\u2060", "space": NBSP, "apostrophe": "ʼ"},
}


@pytest.fixture(scope="module")
def coder(seeded_reference) -> Coder:
    return Coder(seeded_reference)


def _coded(coder: Coder, text: str) -> list[tuple]:
    """Per sentence: its links and its positions, everything the coder says of them."""
    coded = coder.code(parse_text_article(text, "page.txt"))
    actors = coder.registry.actors
    return [
        (
            sorted(s.links),
            sorted((actors[f.actor_id].name, *f[1:]) for f in s.findings),
        )
        for s in coded.sentences
    ]


def test_the_plain_sentences_give_links_and_positions(coder):
    coded = _coded(coder, DATE + " ".join(_written(t) for t in SENTENCES))
    assert len(coded) == len(SENTENCES)
    assert sum(len(links) for links, _ in coded) >= 6
    assert sum(len(positions) for _, positions in coded) >= 8


@pytest.mark.parametrize(
    ("template", "variant"),
    [
        (t, v)
        for t in SENTENCES
        for v in sorted(VARIANTS)
        if _written(t, **VARIANTS[v]) != _written(t)  # the sentence has a place for it
    ],
)
def test_a_sentence_as_a_page_gives_it_is_coded_as_the_plain_one(coder, template, variant):
    written = _written(template, **VARIANTS[variant])
    assert _coded(coder, DATE + written) == _coded(coder, DATE + _written(template))


@pytest.mark.parametrize(
    "quoted",
    [
        "Zelensky said the “peace plan” lacks credibility. Xi said a ‘ceasefire’ must come.",
        "Zelensky said the \"peace plan\" lacks credibility. Xi said a 'ceasefire' must come.",
        "Zelensky said the «peace plan» lacks credibility. Xi said a ceasefire must come.",
    ],
)
def test_quotes_round_a_phrase_do_not_hide_it(coder, quoted):
    plain = "Zelensky said the peace plan lacks credibility. Xi said a ceasefire must come."
    coded = _coded(coder, DATE + quoted)
    assert coded == _coded(coder, DATE + plain)
    assert all(positions for _, positions in coded)


def test_a_zero_width_space_after_a_full_stop_still_ends_the_sentence(coder):
    plain = "Zelensky said a ceasefire must come. Xi backed peace talks."
    for written in (
        "Zelensky said a ceasefire must come.\u200b Xi backed peace talks.",
        "Zelensky said a ceasefire must come. \ufeffXi backed peace talks.",
    ):
        assert _coded(coder, DATE + written) == _coded(coder, DATE + plain)


def test_a_person_met_through_a_title_is_named_as_a_reader_reads_the_name(coder):
    coded = coder.code(
        parse_text_article(
            DATE + "Brazil\u02bcs envoy Jo\u00adsé\u00a0Ramos Fi\u200bgueira said a ceasefire must "
            "come.",
            "page.txt",
        )
    )
    assert [coded.new_actors[f.actor_id].name for f in coded.sentences[0].findings] == [
        "José Ramos Figueira"
    ]


def test_sentences_are_stored_as_written_with_their_offsets(invoke, db_url):
    written = DATE + " ".join(_written(t, **VARIANTS["all at once"]) for t in SENTENCES)
    plain = DATE.replace("25", "26") + " ".join(_written(t) for t in SENTENCES)
    invoke("--db", db_url, "ingest", "-", input=written.encode("utf-8"))
    invoke("--db", db_url, "ingest", "-", input=plain.encode("utf-8"))
    engine = make_engine(db_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                select(Article.published, Sentence.start, Sentence.end, Sentence.text)
                .join(Sentence, Sentence.article_id == Article.id)
                .order_by(Article.published, Sentence.ordinal)
            ).all()
    finally:
        engine.dispose()
    stored = [(start, end, text) for day, start, end, text in rows if day.day == 25]
    assert [text for _, _, text in stored] == [
        _written(t, **VARIANTS["all at once"]) for t in SENTENCES
    ]
    assert all(written[start:end] == text for start, end, text in stored)

    for command in ("links", "position"):
        output = invoke("--db", db_url, command, "--format", "jsonl").output
        by_day: dict[str, list[str]] = {}
        for line in filter(str.strip, output.splitlines()):
            record = json.loads(line)
            record.pop("sentence")
            record.pop("key", None)  # a position's key names its article: differs
            by_day.setdefault(record.pop("date"), []).append(json.dumps(record, sort_keys=True))
        assert by_day["2023-02-25"] and sorted(by_day["2023-02-25"]) == sorted(by_day["2023-02-26"])
