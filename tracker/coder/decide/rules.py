"""The hand rules' decision: links above the linker's threshold and the attributor's
positions, as the coder made them before candidates existed; the baseline
(``--decider rules``) and the shape every decider returns."""

from __future__ import annotations

from tracker.coder.candidates import SentenceProposals
from tracker.coder.facts import Finding, dedupe_findings


class Decisions:
    """A sentence's links and positions as decided."""

    __slots__ = ("links", "findings")

    def __init__(self, links: list[tuple[int, str, float]], findings: list[Finding]) -> None:
        self.links = links
        self.findings = findings


def rule_decisions(sp: SentenceProposals) -> Decisions:
    """The hand rules' verdicts, as the coder made them before candidates existed."""
    return Decisions(
        [(m.target.id, m.phrase, m.score) for m in sp.facts.links.values()],
        dedupe_findings(sp.drafts),
    )
