"""The coder: article text in, links and positions out, in the order the steps run.

``text`` (words and their normal forms) → ``segment`` (sentences) → ``link`` (which plan
targets a sentence names) → ``actors`` (who is named) → ``holders`` (who speaks or holds a
view: the speaker rules) and ``stance`` (support, opposition, a mixed view) → ``facts``
(what one sentence holds) → ``candidates`` (every link and position the rules propose) →
``features`` (named features of each candidate) → ``decide`` (which candidates become
links and positions: the hand rules or the learned model). ``pipeline`` runs the steps
per article; ``lexicon`` reads the cue words they share from ``seeds/lexicon.toml``.
Training lives apart, in ``tracker.learn``.
"""
