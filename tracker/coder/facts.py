"""What the attributor knows of a sentence and of an article, and what it finds.

Plain records, kept apart from the rules in ``tracker.coder.holders``. The ones built for
every sentence or word have their ``__init__`` written out: mypyc compiles it, where a
dataclass's generated one runs interpreted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from json.encoder import encode_basestring_ascii as _json_string
from typing import NamedTuple

from tracker.coder.actors import Mention
from tracker.coder.holders.ids import RULE_IDS, SPEECH_RULE_IDS, unregistered
from tracker.coder.link import PhraseMatch, rounded
from tracker.coder.segment import NEW_RECORD
from tracker.coder.stance import Cue
from tracker.coder.text import Word


class Finding(NamedTuple):  # a tuple: cheap to send back from a worker process
    actor_id: int
    target_id: int
    stance: str
    score: float
    # JSON text as stored (explanation_json), encoded by the coder: in the worker processes
    # when there are several, and a string is cheaper to send back than a dict
    explanation: str


@dataclass(slots=True)  # __init__ by hand: compiled, unlike the generated one
class Draft:
    """A finding before its explanation is written. A sentence often gives the same actor
    and target more than once, and only the best is kept: the JSON text is written for
    that one alone (``dedupe_findings``). Not a NamedTuple: its __new__ runs interpreted."""

    actor_id: int
    target_id: int
    stance: str
    score: float
    mention: str
    rule_id: str  # the holder's rule (holders.ids.RULE_IDS)
    rule: str  # its explanation ("reporting verb: X said"), shown, never parsed
    cues: list[str]
    match: PhraseMatch

    def __init__(
        self,
        actor_id: int,
        target_id: int,
        stance: str,
        score: float,
        mention: str,
        rule_id: str,
        rule: str,
        cues: list[str],
        match: PhraseMatch,
    ) -> None:
        if rule_id not in RULE_IDS:
            raise unregistered(rule_id)
        self.actor_id = actor_id
        self.target_id = target_id
        self.stance = stance
        self.score = score
        self.mention = mention
        self.rule_id = rule_id
        self.rule = rule
        self.cues = cues
        self.match = match


@dataclass(slots=True)  # __init__ by hand: compiled, unlike the generated one
class Holder:
    """Who holds what a sentence (or a clause) says, and by which rule: ``rule_id`` is the
    rule's stable id (holders.ids.RULE_IDS; anything else is refused here), ``rule`` the
    explanation shown to people ("reporting verb: X said"), which no code reads back."""

    actor_id: int
    mention: str
    rule_id: str
    rule: str
    verb: int = -1  # the reporting verb's word, when cues before it are not the holder's

    def __init__(
        self, actor_id: int, mention: str, rule_id: str, rule: str, verb: int = -1
    ) -> None:
        if rule_id not in RULE_IDS:
            raise unregistered(rule_id)
        self.actor_id = actor_id
        self.mention = mention
        self.rule_id = rule_id
        self.rule = rule
        self.verb = verb

    @property
    def speaks(self) -> bool:
        return self.rule_id in SPEECH_RULE_IDS


@dataclass
class SentenceFacts:
    """What the first pass learns of a sentence; the second pass may add quote speakers."""

    text: str
    words: list[Word]
    norms: list[str]
    stems: list[str]
    cues: list[Cue]  # stance cues, found once per sentence
    breaks: list[bool]  # where a new stretch of a clause starts (commas, "and")
    actors: list[tuple[Mention, int]]  # resolved mentions
    holders: list[Holder]
    quoted: bool  # starts inside a quotation
    links: dict[int, PhraseMatch]
    plan_matches: list[PhraseMatch]
    clause_holders: dict[int, list[Holder]] = field(default_factory=dict)  # by first word
    plan_just_named: bool = False  # the plan was named in this or the previous sentence
    plan_recent: bool = False  # the plan was named a few sentences ago at most
    turn: str | int | None = None  # transcripts: "question", or the actor whose answer starts here
    relatives: list[tuple[int, int]] | None = None  # relative clauses, found on first use

    def __init__(  # by hand: compiled, unlike the generated one
        self,
        text: str,
        words: list[Word],
        norms: list[str],
        stems: list[str],
        cues: list[Cue],
        breaks: list[bool],
        actors: list[tuple[Mention, int]],
        holders: list[Holder],
        quoted: bool,
        links: dict[int, PhraseMatch],
        plan_matches: list[PhraseMatch],
    ) -> None:
        self.text = text
        self.words = words
        self.norms = norms
        self.stems = stems
        self.cues = cues
        self.breaks = breaks
        self.actors = actors
        self.holders = holders
        self.quoted = quoted
        self.links = links
        self.plan_matches = plan_matches
        self.clause_holders = {}
        self.plan_just_named = False
        self.plan_recent = False
        self.turn = None
        self.relatives = None


@dataclass
class ArticleContext:
    """What carries from one sentence to the next in an article."""

    day: dt.date | None
    recent: list[int] = field(default_factory=list)
    holders: list[int] = field(default_factory=list)  # who held positions, latest last
    persons: list[int] = field(default_factory=list)
    subjects: list[int] = field(default_factory=list)  # people named as subjects just before
    speakers: list[Holder] = field(default_factory=list)  # who spoke in the sentence before
    earlier: list[Holder] = field(default_factory=list)  # who spoke in the one before that
    plural: list[int] = field(default_factory=list)  # the sentence before's holders, if 2+
    plan: PhraseMatch | None = None
    since_plan: int = 0
    document_owners: list[int] = field(default_factory=list)  # of the last document named
    since_document: int = 0

    def resolve(self, mention: Mention) -> int | None:
        if len(mention.candidates) == 1:
            return mention.candidates[0]
        for actor_id in reversed(self.recent):
            if actor_id in mention.candidates:
                return actor_id
        return None


def explanation_json(mention: str, rule: str, cues: list[str], match: PhraseMatch) -> str:
    """What json.dumps gives for a finding's explanation, written out with the json module's
    own string escaping: json.dumps's set-up on every call cost 6% of all coding time."""
    return (
        f'{{"mention": {_json_string(mention)}, "speaker_rule": {_json_string(rule)}, '
        f'"cues": [{", ".join([_json_string(c) for c in cues])}], '
        f'"link": {_json_string(match.phrase)}, '
        f'"link_score": {float.__repr__(rounded(match.score, 3))}, '
        f'"phrase_polarity": {int.__repr__(match.polarity)}}}'
    )


def dedupe_findings(drafts: list[Draft]) -> list[Finding]:
    """The best-scoring draft per actor and target (the first on a tie), as findings."""
    best: dict[tuple[int, int], Draft] = {}
    for draft in drafts:
        key = (draft.actor_id, draft.target_id)
        if key not in best or draft.score > best[key].score:
            best[key] = draft
    return [
        NEW_RECORD(
            Finding,
            (
                d.actor_id,
                d.target_id,
                d.stance,
                d.score,
                explanation_json(d.mention, d.rule, d.cues, d.match),
            ),
        )
        for d in best.values()
    ]
