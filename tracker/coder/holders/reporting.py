"""Reporting verbs and "according to": who speaks.

``according to X``; ``X said`` / ``said X`` around a reporting verb, with the speaker's
title and apposition skipped ("Li Mingjiang, an expert at …, called"), "he said" resolved
to a person (``pronouns``), a document speaking for its author ("a UN resolution
demanding"), and a named subject of the reported clause taking over when it has a stance
verb of its own (``subjects.reported_subject``), after a named speaker or "he said".
"""

from __future__ import annotations

from tracker.coder.actors import Mention
from tracker.coder.facts import ArticleContext, Holder, SentenceFacts
from tracker.coder.holders.base import Rules, inside
from tracker.coder.holders.plan import DOCUMENT_MEMORY
from tracker.coder.holders.pronouns import bodies, resolve_pronoun
from tracker.coder.holders.subjects import RELATIVE_SPEAKER, reported_subject


def according_to(
    rules: Rules,
    facts: SentenceFacts,
    context: ArticleContext,
    actors: list[tuple[Mention, int]],
    lo: int,
    hi: int,
) -> list[Holder] | None:
    """ "According to Beijing, …": the name right after "according to", unless another
    actor after it has a reporting verb ("according to X, Y told…" is Y's, whom X reports;
    cross-validated positions F1 0.6195 → 0.6215, all six fold seeds up; tried before the
    names set off after an object's title were told apart, it had not helped)."""
    for _, end in rules.lexicon.according_to.find(facts.stems):
        for mention, actor_id in actors:
            if end <= mention.start <= end + 2:
                if facts.words[mention.end - 1].possessive:
                    break  # "according to China's account, X said…": a source, not X
                if any(
                    m.start >= mention.end and verb > m.start
                    for verb, _ in rules.lexicon.reporting.find(facts.stems)
                    for m, _ in actors
                    if not rules.in_object_apposition(facts.words, facts.norms, m)
                ):
                    return None  # "according to X, Y told…": Y's, whom X reports (the guide)
                return rules.coordinated(facts, mention, actor_id, "according_to", "according to")
    return None


def reporting_verb(
    rules: Rules,
    facts: SentenceFacts,
    context: ArticleContext,
    actors: list[tuple[Mention, int]],
    lo: int,
    hi: int,
) -> list[Holder] | None:
    """The speaker of the first reporting verb of words lo to hi that has one."""
    norms, stems, lex = facts.norms, facts.stems, rules.lexicon
    relatives = rules.relative_clauses(facts)
    verbs = [(s, e) for s, e in lex.reporting.find(stems) if lo <= s < hi]
    text = facts.text
    quoting = '"' in text or "“" in text or "”" in text
    quotes = quoted_spans(text) if verbs and quoting else []
    words = facts.words
    if quotes and len(verbs) > 1:  # "“China calls for a truce,” Mr Xi said": the speaker's
        outside = [v for v in verbs if not any(a <= words[v[0]].start < b for a, b in quotes)]
        if outside:
            verbs = outside
    first_verb = verbs[0][0] if verbs else 0
    for start, end in verbs:
        if start > 0 and facts.words[start].capital:
            continue  # "Secretary of State Antony Blinken": a title, not a verb
        if start > 0 and norms[start - 1] in lex.passive_auxiliaries:
            continue  # "the truce was announced", "he was responding": no speaker here
        verb = norms[start]
        if start == 1 and norms[0] in lex.pronouns_bodies:  # "It called on the parties…"
            found = bodies(rules, context, norms[0], verb)
            if not found and not context.speakers and not facts.plan_just_named:
                # "…, a resolution demanding…. The text was adopted…. It calls…": a
                # sentence with no speaker between does not end what "it" stands for
                found = bodies(rules, context, norms[0], verb, context.earlier)
            if found:
                return found
        if start > 1 and norms[start - 1] in lex.documents:
            author = [(m, a) for m, a in actors if start - 1 <= m.end <= start]
            if author:  # "a UN General Assembly resolution demanding…": its author's
                mention, actor_id = author[0]
                rule = f"reporting verb: X {norms[start - 1]} {verb}"
                return [Holder(actor_id, mention.surface, "reporting_verb", rule, start)]
            if (
                norms[start - 2] in lex.definite_articles
                and context.document_owners
                and context.since_document < DOCUMENT_MEMORY
            ):  # "…, the statement says": the document named before, its owners'
                rule = f"document: the {norms[start - 1]} named before"
                return [
                    Holder(a, norms[start - 1], "document_owner", rule)
                    for a in context.document_owners
                ]
        relative = next((r for r in relatives if r[0] < start < r[1]), None)
        # "Zelensky, who had said…": the antecedent speaks; "the crisis, which some call…":
        # no name before the clause does
        floor = relative[0] if relative is not None else -1
        if relative is not None:
            antecedent = [  # not "the paper on Ukraine, which argues…"
                (m, a)
                for m, a in actors
                if m.end == relative[0] and not rules.is_object(norms, m, actors)
            ]
            if antecedent:
                mention, actor_id = antecedent[0]
                return [
                    Holder(
                        actor_id,
                        mention.surface,
                        "reporting_verb",
                        f"{RELATIVE_SPEAKER}{norms[relative[0]]} {verb}",
                    )
                ]
        pronoun = next(
            (j for j in range(max(0, start - 2), start) if rules.pronoun_gender(norms[j])), None
        )
        if pronoun is not None:  # "he said"
            resolved = resolve_pronoun(rules, norms[pronoun], facts, pronoun, context)
            if resolved is not None:
                # "he said Russia had rejected…": as after a named speaker (below)
                reported = reported_subject(rules, facts, actors, end, hi, resolved)
                if reported:
                    return reported
                rule = f"pronoun: {norms[pronoun]} {verb}"
                return [Holder(resolved, norms[pronoun], "pronoun", rule)]
            continue
        before = [  # "Mr Zelenskiy said", "Zelensky, the president of Ukraine, said"
            (m, a)
            for m, a in actors
            if floor < m.start
            and m.end <= start
            and start - m.end - inside(relatives, m.end, start) <= 12
            and not rules.is_object(norms, m, actors)
            and not rules.in_object_apposition(facts.words, norms, m)
            and not facts.words[m.end - 1].possessive
            and not any(r[0] < m.start < r[1] <= start for r in relatives)
            # "X demanded that Russia withdraw…, and said…": the names after the first verb
            # are in what it reports, not the subject of the verb coordinated with it
            and not (norms[start - 1] == "and" and first_verb < m.start)
            # "“The West must lift its sanctions,” said Lavrov": a name inside a quotation
            # is not the speaker of a verb outside it
            and not _quoted_apart(quotes, words[m.start].start, words[start].start)
        ]
        if (
            before
            and norms[start - 1] in lex.pronouns_bodies
            and ("," in facts.words[start - 1].gap or norms[start - 2] in ("and", "but"))
        ):  # "The G7 will make Russia pay…, it adds": "it" is the sentence's subject, the
            # first state, organisation or group named, not the last name before it (but
            # "the minister who chaired it said": there "it" is an object)
            before = [(m, a) for m, a in before if rules.registry.actors[a].kind != "person"]
            if not before:
                continue
            mention, actor_id = before[0]
        elif before:
            mention, actor_id = speaker_before(rules, facts, before, start)
        if before:
            first = rules.coordination_head(facts, mention)
            reported = reported_subject(rules, facts, actors, end, hi, actor_id)
            if reported:
                return reported
            holders = rules.coordinated(
                facts, first[0], first[1], "reporting_verb", f"reporting verb: X {verb}"
            )
            return [Holder(h.actor_id, h.mention, h.rule_id, h.rule, start) for h in holders]
        gap = facts.text[facts.words[start - 1].end : facts.words[start].start] if start else ""
        if start and verb.endswith("ing") and "," in gap:
            # "The president thanked Turkey …, saying Ukraine must…": the participle's
            # speaker is the clause's subject, however far; the name after it is reported
            subject = next(
                (
                    (m, a)
                    for m, a in actors
                    if floor < m.start <= lo + 1
                    and not rules.is_object(norms, m, actors)
                    and not facts.words[m.end - 1].possessive
                ),
                None,
            )
            if subject is not None:
                mention, actor_id = subject
                rule = f"reporting verb: X …, {verb}"
                return [Holder(actor_id, mention.surface, "reporting_verb", rule, start)]
            continue
        if start == 0 or any(c in gap for c in ",”\"'’"):
            for mention, actor_id in actors:  # "…,” said Mr Zelenskiy"
                if (
                    end <= mention.start <= end + 1
                    and all(n in lex.determiners for n in norms[end : mention.start])
                    and not facts.words[mention.end - 1].possessive
                ):  # not "Asked whether China…": a question put, not China speaking
                    rule = f"reporting verb: {verb} X"
                    return [Holder(actor_id, mention.surface, "reporting_verb", rule)]
    return None


def _quoted_apart(quotes: list[tuple[int, int]], name: int, verb: int) -> bool:
    """Whether offset ``name`` lies inside a quotation and offset ``verb`` outside it."""
    for a, b in quotes:
        if a <= name < b:
            return not a <= verb < b
    return False


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """The character spans inside curly or straight double quotation marks. A quotation
    runs across sentences ("“We must talk. There will be no peace without Russia,” Mr
    Cassis said"): a closing curly mark with none open closes one that opened before the
    sentence, and an opening curly mark never closed runs to its end. (A straight mark
    cannot tell which it is, and only ever pairs inside the sentence.)"""
    spans: list[tuple[int, int]] = []
    opened: int | None = None
    curly = False
    for i, c in enumerate(text):
        if c == "“" or (c == '"' and opened is None):
            opened, curly = i, c == "“"
        elif (c == "”" or c == '"') and opened is not None:
            spans.append((opened, i))
            opened = None
        elif c == "”" and not spans:
            spans.append((0, i))
    if opened is not None and curly:
        spans.append((opened, len(text)))
    return spans


def speaker_before(
    rules: Rules, facts: SentenceFacts, before: list[tuple[Mention, int]], verb: int
) -> tuple[Mention, int]:
    """The nearest name before the verb, unless an apposition stands between a name and it:
    "Li Mingjiang, an expert at Nanyang Technological University, called…" is Li's."""
    verb_start = facts.words[verb].start
    for k, (mention, actor_id) in enumerate(before):
        gap = facts.text[facts.words[mention.end - 1].end : verb_start].strip()
        if gap.startswith(",") and gap.endswith(",") and gap.count(",") == 2:
            following = before[k + 1] if k + 1 < len(before) else None
            if (
                mention.via == "title"
                and following is not None
                and following[0].start == mention.end
                and rules.registry.actors[following[1]].kind == "person"
            ):  # "the EU's foreign policy chief, Josep Borrell, wrote": the name, not the
                return following  # title's holder at the article's date
            return mention, actor_id
    return before[-1]
