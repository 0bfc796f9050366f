"""Holders: who holds a position in a sentence. One module per rule family:

* ``reporting``: "according to X", "X said" / "said X" (``according_to``, ``reporting_verb``)
* ``subjects``: the clause's subject, the subject of a reported clause, a relative clause's
  antecedent, the agent of "supported by X", and who is praised or thanked for a stance
  (``subject``, ``reported_subject``, ``relative_clause``, ``agent``, ``praised``)
* ``pronouns``: "he", "it", "the group", "the two ministers", "the chancellor" (``pronoun``)
* ``quotes``: a quotation without a speaker (``quote_speaker``)
* ``transcripts``: "Q: …" / "WANG: …" (``transcript_turn``)
* ``plan``: the plan's own text, held by its author (``plan_text``), and a document named
  after its owner as a clause's subject ("Moscow's document demands…"), or its parts after
  its owners put it forward ("Its first point asks…", ``document_owner``)

``base.Rules`` holds what they all read (the actors, the cue words, the plans' authors) and
the grammar they share; ``attributor.Attributor`` runs them; ``ids.RULE_IDS`` holds every
rule's stable id, and ``registry.RULES`` pairs each id with its function, the order they run
in and where.

Adding a rule that finds a sentence's or a clause's holders (the common case):

1. Write one function in the module of its family (or a new module), with this signature
   (``registry.SentenceRule``)::

       def my_rule(rules: Rules, facts: SentenceFacts, context: ArticleContext,
                   actors: list[tuple[Mention, int]], lo: int, hi: int) -> list[Holder] | None:

   It reads words ``lo`` to ``hi`` of ``facts`` (``actors``: the actors named there) and
   returns the holders, each a ``Holder(actor_id, mention, "my_rule", "my label: …")``
   (the rule passes its own id, then the explanation shown to people, which starts with
   the rule's label and is never read back), or None when it does not apply, so the next
   rule is tried. ``rules.coordinated(facts, mention, actor_id, "my_rule", "my label")``
   turns one mention into "X and Y".
2. Add the id to ``ids.RULE_IDS`` (and to ``ids.SPEECH_RULE_IDS`` if its holder speaks,
   as "X said" does) and register it with one line in ``registry.RULES``, at its place in
   the order of trust (the first rule that answers holds the sentence)::

       HolderRule("my_rule", "my label", "sentence", family.my_rule),

   The id is stable data: a ``Holder`` with an id not in ``ids.RULE_IDS`` is refused, the
   registry refuses to load unless ``RULES`` has exactly those ids, candidates carry it
   (``holder:my_rule``) and the learned model's features are named by it.
3. Add the id to ``FIRES`` and ``DOES_NOT_FIRE`` in ``tests/test_rules.py``: a short
   sentence where it must propose a holder, and one where it must not
   (``test_every_rule_has_both_cases`` fails until both exist).

Then retrain the model (``tracker train``) and keep the rule only if the cross-validated
figures (``tracker evaluate --cv 5``) rise. A rule of another stage (a whole article, one
target) is registered the same way and called where ``registry.STAGES`` says.
"""
