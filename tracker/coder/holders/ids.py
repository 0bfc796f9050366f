"""Every holder rule's stable id, as data: a ``Holder`` and a ``Draft`` carry the id of the
rule that made them, beside the explanation text shown to people, and nothing reads the id
back from that text.

Kept apart from ``registry`` (which pairs each id with its function and stage) so that
``tracker.coder.facts`` can check an id when a holder is made without importing the rules.
``registry`` refuses to load unless its rules are exactly these ids.
"""

from __future__ import annotations

from typing import Final

RULE_IDS: Final = frozenset(
    {
        "according_to",
        "reporting_verb",
        "subject",
        "pronoun",
        "reported_subject",
        "relative_clause",
        "transcript_turn",
        "quote_speaker",
        "plan_text",
        "agent",
        "document_owner",
        "praised",
    }
)

# The rules whose holder speaks ("according to X", "X said", "he said"): a speaker carries
# over to the next sentence and to a quotation beside it.
SPEECH_RULE_IDS: Final = frozenset({"according_to", "reporting_verb", "pronoun"})


def unregistered(rule_id: str) -> ValueError:
    """The error for a holder or draft made with an id no rule has."""
    return ValueError(f"unregistered holder rule id {rule_id!r}: see holders.registry.RULES")
