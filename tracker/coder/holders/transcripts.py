"""Transcripts: "Q: …" / "WANG: …". An answer's sentences are the speaker's, and they hold
what the sentence's subject holds when that subject is the speaker's own state ("China
supports…" said by Wang Yi). A dateline ("MOSCOW — …") ends the transcript."""

from __future__ import annotations

import re
from typing import Final

from tracker.coder.facts import Holder, SentenceFacts
from tracker.coder.holders.base import Rules, dedupe

# "TALLINN/NEW YORK, Feb. 24 — …", "BRUSSELS, July 4 — …", "Istanbul, later — …": places
# and times before a dash.
DATELINE: Final = re.compile(
    r"\s*[A-Z][\w./’']*(?:[ /][A-Z][\w./’']*)*(?:,? (?:[A-Z][a-z]{2,8}\.? \d{1,2}|\d{1,2}|"
    r"later|late evening|afternoon|morning|evening|earlier))*,?\s[—–]\s"
)
TURN_LABEL: Final = re.compile(
    r"\s*([A-Z][A-Za-z .'’-]{0,40}):\s"
)  # "Q: …", "ZELENSKIY: …" in transcripts
QUESTION_LABELS: Final = frozenset({"q", "question"})
_DASHES: Final = "—–"


def transcript_turn(rules: Rules, sentences: list[SentenceFacts]) -> None:
    """The speaker of each answer holds its sentences (after every sentence was read)."""
    speaker: int | None = None
    for facts in sentences:
        if dateline(facts.text):
            speaker = None  # "BACKGROUND — …", "MOSCOW — …": the transcript is over
        if facts.turn is not None:
            speaker = facts.turn if isinstance(facts.turn, int) else None
            if facts.turn == "question":  # the journalist's words hold nothing, but
                facts.holders = [h for h in facts.holders if h.speaks]  # "Trump has called"
                continue
        if speaker is None:
            continue
        info = rules.registry.actors[speaker]
        mention = info.name
        if not facts.holders:
            facts.holders = [Holder(speaker, mention, "transcript_turn", "transcript turn")]
        else:
            facts.holders = dedupe(
                [
                    Holder(speaker, mention, "transcript_turn", "transcript turn")
                    if rules.registry.actors[h.actor_id].name == info.affiliation
                    else h
                    for h in facts.holders
                ]
            )


def turn(facts: SentenceFacts) -> str | int | None:
    """Who speaks from this sentence on: an actor's id, "question", or None (no label)."""
    # the pattern backtracks over every capitalised word; most sentences have no colon
    label = TURN_LABEL.match(facts.text) if ":" in facts.text else None
    if not label:
        return None
    if label.group(1).strip().lower() in QUESTION_LABELS:
        return "question"
    end = label.end(1)
    for mention, actor_id in facts.actors:
        if facts.words[mention.start].start < end:
            return actor_id
    return None


def dateline(text: str) -> re.Match[str] | None:
    """DATELINE's match; a sentence with no dash has none, and the pattern backtracks over
    every capitalised word before it finds that out."""
    if _DASHES[0] not in text and _DASHES[1] not in text:
        return None
    return DATELINE.match(text)
