"""Training the decision models on hand-coded articles, and cross-validating them.

Candidates are proposed once per article (``Coder.propose``: model-independent); each
fold then trains on the other folds' articles and decides the held-out ones through the
same ``LearnedDecider.decide`` that ingest uses, so a cross-validated figure is the
figure of the coder as shipped, on articles its model never saw.

scikit-learn is imported only in this package (``pip install '.[learn]'``); coding needs only the
weights it writes (``tracker.learn.fit``).

Modules: ``corpus`` (gold folders, their candidates proposed once, and the training rows),
``fit`` (the scikit-learn models, written out as weights), ``crossval`` (folds by article
and the figures ``tracker evaluate --cv`` prints).
"""
