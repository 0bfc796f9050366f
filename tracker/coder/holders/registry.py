"""Every holder rule by its stable id, and the order the sentence rules are tried in.

An id is data: each rule passes its id to every ``Holder`` it makes (``Holder`` refuses an
id not in ``ids.RULE_IDS``, and this module refuses to load unless RULES has exactly those
ids), candidates and features carry it (``holder:reporting_verb``), and
``tests/test_rules.py`` tests each id. The explanation text ("reporting verb: X said") is
for people only. See ``tracker.coder.holders`` for how to add one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final, cast

from tracker.coder.actors import Mention
from tracker.coder.facts import ArticleContext, Holder, SentenceFacts
from tracker.coder.holders import plan, pronouns, quotes, reporting, subjects, transcripts
from tracker.coder.holders.base import Rules
from tracker.coder.holders.ids import RULE_IDS, SPEECH_RULE_IDS

# A sentence rule reads words lo to hi of a sentence (with the actors named there) and
# returns its holders, or None when it does not apply and the next rule is tried.
SentenceRule = Callable[
    [Rules, SentenceFacts, ArticleContext, list[tuple[Mention, int]], int, int],
    list[Holder] | None,
]


@dataclass(frozen=True)
class HolderRule:
    id: str  # stable: holders, drafts, candidates and features carry it
    label: str  # how the rule's explanation text begins (for people; never parsed)
    stage: str  # where it runs: one of STAGES
    function: Callable[..., object]  # the rule


STAGES: Final = {
    "sentence": "tried on each sentence and clause in the order of RULES, each a SentenceRule; "
    "the first that answers holds it (Attributor.holders)",
    "within": "called by another rule's function (reported_subject: by reporting_verb)",
    "clause": "after a sentence's holders are known, a relative clause gets its own "
    "(Attributor.read_sentence)",
    "article": "after every sentence of the article is read, transcripts then quotes "
    "(Attributor.fill_quote_speakers)",
    "target": "per target the sentence names, when positions are drafted (Attributor.drafts)",
    "beside": "after a sentence's holders are known, adds holders beside them "
    "(Attributor.read_sentence)",
}

RULES: Final[tuple[HolderRule, ...]] = (
    HolderRule("according_to", "according to", "sentence", reporting.according_to),
    HolderRule("reporting_verb", "reporting verb", "sentence", reporting.reporting_verb),
    HolderRule("document_owner", "document", "sentence", plan.document_owner),
    HolderRule("subject", "subject", "sentence", subjects.subject),
    HolderRule("pronoun", "pronoun", "sentence", pronouns.pronoun),
    HolderRule("reported_subject", "reported subject", "within", subjects.reported_subject),
    HolderRule("relative_clause", "relative", "clause", subjects.relative_clause),
    HolderRule("transcript_turn", "transcript turn", "article", transcripts.transcript_turn),
    HolderRule("quote_speaker", "quote", "article", quotes.quote_speaker),
    HolderRule("plan_text", "the plan says", "target", plan.plan_text),
    HolderRule("agent", "agent", "target", subjects.agent),
    HolderRule("praised", "praised", "beside", subjects.praised),
)

# The sentence rules in their order of trust.
SENTENCE_RULES: Final[tuple[SentenceRule, ...]] = tuple(
    cast(SentenceRule, rule.function) for rule in RULES if rule.stage == "sentence"
)

_IDS: Final = [rule.id for rule in RULES]
if len(_IDS) != len(set(_IDS)) or set(_IDS) != RULE_IDS:  # not an assert: kept under -O
    raise RuntimeError("holders.registry.RULES must list each id of holders.ids.RULE_IDS once")

__all__ = ["RULES", "RULE_IDS", "SENTENCE_RULES", "SPEECH_RULE_IDS", "STAGES", "HolderRule"]
