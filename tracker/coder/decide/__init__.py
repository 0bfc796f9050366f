"""The decision step: which candidates become links and positions.

Two deciders read the same candidates (``tracker.coder.candidates``):

* ``rules.py``: the hand rules' own verdicts (links above the linker's threshold, the
  attributor's positions): the baseline.
* ``learned.py``: linear models trained on hand-coded articles (``tracker train``) score
  each candidate from its named features (``tracker.coder.features``). The weights are a
  data file (``seeds/model.json``), read with the standard library: the training library
  is not needed to code.
"""
