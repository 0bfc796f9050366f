"""Scoring the coder against hand-coded articles (the annotation guide's gold format).

The measures follow the project's accuracy benchmark exactly, so that
``tracker evaluate`` and ``score.py`` print the same figures: a predicted
sentence is aligned to the gold sentence of its article it matches best (at
least 0.85 similar), actors are mapped onto gold names through the gold actor
table (aliases, then surnames), and affiliations are normalised.
"""

from __future__ import annotations

import difflib
import json
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tracker.errors import TrackerError, not_utf8
from tracker.output import Rows

if TYPE_CHECKING:
    from sqlalchemy import Connection

TARGETS = {"plan", "troop-withdrawal"} | {str(i) for i in range(1, 13)}
ALIGN_MIN = 0.85
STANCES = ("support", "oppose", "mixed")
# The --min-score thresholds whose figures `evaluate` prints (``Evaluation.by_score``)
SCORE_THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.9)
AFFILIATION_ALIASES = {
    "us": "united states",
    "usa": "united states",
    "u s": "united states",
    "united states of america": "united states",
    "america": "united states",
    "eu": "european union",
    "prc": "china",
    "people s republic of china": "china",
    "russian federation": "russia",
    "west": "west",
    "the west": "west",
}


def norm_text(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("“", '"').replace("”", '"').replace("’", "'").replace("‘", "'")
    return re.sub(r"\s+", " ", text).strip().lower()


def norm_name(name: str) -> str:
    name = unicodedata.normalize("NFKD", name)
    name = "".join(c for c in name if not unicodedata.combining(c))
    name = re.sub(r"[^a-z0-9 ]+", " ", name.lower())
    name = re.sub(r"\b(mr|mrs|ms|dr|president|the)\b", " ", name)
    return re.sub(r"\s+", " ", name).strip()


def norm_affiliation(name: str | None) -> str:
    normal = norm_name(name or "")
    return AFFILIATION_ALIASES.get(normal, normal)


@dataclass
class GoldCorpus:
    folder: Path
    records: list[dict[str, Any]]
    actors: dict[str, dict[str, Any]]
    articles: list[Path]

    @classmethod
    def load(cls, folder: Path) -> GoldCorpus:
        if not folder.is_dir():
            raise TrackerError(f"{folder}: not a folder")
        records: list[dict[str, Any]] = []
        for path in sorted(folder.glob("gold*.jsonl")):
            for number, line in enumerate(_text(path).splitlines(), 1):
                if line.strip():
                    try:
                        record = json.loads(line)
                    except json.JSONDecodeError as exc:
                        raise TrackerError(f"{path}:{number}: not valid JSON ({exc.msg})") from None
                    problem = gold_record_problem(record)
                    if problem:
                        raise TrackerError(f"{path}:{number}: {problem} (see the annotation guide)")
                    records.append(record)
        if not records:
            raise TrackerError(f"{folder}: no gold*.jsonl records (see the annotation guide)")
        actors: dict[str, dict[str, Any]] = {}
        for path in sorted(folder.glob("actors*.json")):
            try:
                table = json.loads(_text(path))
            except json.JSONDecodeError as exc:
                raise TrackerError(f"{path}: not valid JSON ({exc.msg})") from None
            problem = actor_table_problem(table)
            if problem:
                raise TrackerError(f"{path}: {problem} (see the annotation guide)")
            actors.update(table)
        unknown = sorted(
            {p["actor"] for r in records for p in r.get("positions", [])} - set(actors)
        )
        if unknown:  # scored as nobody's, every such position would count as missed
            shown = ", ".join(unknown[:3]) + (", …" if len(unknown) > 3 else "")
            raise TrackerError(
                f"{folder}: the gold names {len(unknown)} actor{'s' if len(unknown) > 1 else ''}"
                f" no actors*.json of the folder holds ({shown}); "
                "list them there (see the annotation guide)"
            )
        return cls(folder, records, actors, sorted(folder.glob("*.txt")))

    def require_texts(self) -> None:
        """An error when the gold codes articles the folders hold no text of: coding the
        folders would silently count all their gold as missed."""
        held = {p.name for p in self.articles}
        unheld = sorted({r["article"] for r in self.records} - held)
        if unheld:
            shown = ", ".join(unheld[:3]) + (", …" if len(unheld) > 3 else "")
            raise TrackerError(
                f"the gold codes {len(unheld)} article{'s' if len(unheld) > 1 else ''} the "
                f"folders do not hold ({shown}); "
                "put their text beside the gold, or score a store with --use-db"
            )


def gold_warnings(corpus: GoldCorpus) -> list[str]:
    """What the gold folders hold that would distort the figures without an error: an
    article with no gold lines is scored (and trained on) as holding no links and no
    positions (the guide: a sentence not listed has neither), so a file left in the folder
    uncoded lowers precision; a gold sentence that is not in its article's text can only
    be missed."""
    coded = {r["article"] for r in corpus.records}
    out = []
    bare = sorted(p.name for p in corpus.articles if p.name not in coded)
    if bare:
        many = len(bare) > 1
        out.append(  # the guide's "a sentence not listed has neither": a note, not an error
            f"note: {len(bare)} article{'s' if many else ''} of the gold folders "
            f"{'have' if many else 'has'} no gold lines ({_first(bare)}); "
            f"{'they are' if many else 'it is'} scored as holding no links and no positions "
            f"(move {'them' if many else 'it'} out of the folder if not coded)"
        )
    texts = {}
    for path in corpus.articles:
        if path.name in coded:
            try:
                texts[path.name] = " ".join(_text(path).split())
            except TrackerError:
                continue  # coding the folder says why it cannot be read, in its own words
    absent = [
        f"{r['article']}: “{_short(r['sentence'])}”"
        for r in corpus.records
        if r["article"] in texts and " ".join(r["sentence"].split()) not in texts[r["article"]]
    ]
    if absent:
        many = len(absent) > 1
        out.append(
            f"warning: {len(absent)} gold sentence{'s are' if many else ' is'} not in "
            f"{'their' if many else 'its'} article's text ({_first(absent)}); "
            f"{'they' if many else 'it'} can only be counted as missed"
        )
    return out


def _first(items: list[str]) -> str:
    return ", ".join(items[:3]) + (", …" if len(items) > 3 else "")


def _short(sentence: str) -> str:
    words = " ".join(sentence.split())
    return words if len(words) <= 40 else words[:39] + "…"


def _text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise not_utf8(path, exc) from None
    except OSError as exc:
        raise TrackerError(f"{path}: cannot read ({exc.strerror or exc})") from None


def _texts(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def gold_record_problem(record: Any) -> str | None:
    """What is wrong with one gold line, as the annotation guide defines it, or None: an
    object with the "article" and "sentence" it codes, "links" (target keys) and
    "positions" (objects with "actor", "target" and a "stance" of support, oppose or
    mixed). A line that is none of this was a KeyError's or a TypeError's traceback."""
    if not isinstance(record, dict):
        return "a gold line is a JSON object"
    for key in ("article", "sentence"):
        if not isinstance(record.get(key), str) or not record[key].strip():
            return f'"{key}" must be a non-empty string'
    if not _texts(record.get("links", [])):
        return '"links" must be a list of target keys (strings)'
    positions = record.get("positions", [])
    if not isinstance(positions, list):
        return '"positions" must be a list'
    for p in positions:
        if not isinstance(p, dict) or not all(
            isinstance(p.get(k), str) and p[k].strip() for k in ("actor", "target")
        ):
            return 'each position must be an object with "actor" and "target" strings'
        if p.get("stance") not in STANCES:
            allowed = ", ".join(STANCES)
            return f'a position\'s "stance" must be one of {allowed}, not {p.get("stance")!r}'
    return None


def actor_table_problem(table: Any) -> str | None:
    """What is wrong with an actors*.json table, or None: an object mapping each gold
    actor's name to an object with an optional "affiliation" (a string) and "aliases"
    (a list of strings)."""
    if not isinstance(table, dict):
        return "an actor table is a JSON object: name -> {affiliation, aliases}"
    for name, info in table.items():
        if not isinstance(info, dict):
            return f'actor {name!r}: an object with "affiliation" and "aliases"'
        if not isinstance(info.get("affiliation", ""), (str, type(None))):
            return f'actor {name!r}: "affiliation" must be a string'
        if not _texts(info.get("aliases", [])):
            return f'actor {name!r}: "aliases" must be a list of strings'
    return None


class ActorMap:
    """Maps a predicted actor name onto a gold canonical name, if it is one."""

    def __init__(self, actors: dict[str, dict[str, Any]]) -> None:
        self.exact: dict[str, str] = {}
        self.surname: dict[str, str] = {}
        self.affiliation: dict[str, str] = {}
        for canon, info in actors.items():
            self.affiliation[canon] = norm_affiliation(info.get("affiliation", canon))
            for name in [canon, *info.get("aliases", [])]:
                normal = norm_name(name)
                if normal:
                    self.exact.setdefault(normal, canon)
            words = norm_name(canon).split()
            if len(words) > 1:
                self.surname.setdefault(words[-1], canon)

    def canon(self, name: str) -> str:
        normal = norm_name(name)
        if normal in self.exact:
            return self.exact[normal]
        words = normal.split()
        if words and words[-1] in self.surname:
            return self.surname[words[-1]]
        return "?" + normal


class Aligner:
    """Finds the gold sentence a predicted sentence stands for."""

    def __init__(self, records: Iterable[dict[str, Any]]) -> None:
        self._keys: dict[tuple[str, str], tuple[str, str]] = {}  # a sentence has many rows
        self.by_article: dict[str, list[str]] = defaultdict(list)
        for record in records:
            self.by_article[record["article"]].append(norm_text(record["sentence"]))

    def key(self, article: str, sentence: str) -> tuple[str, str]:
        known = self._keys.get((article, sentence))
        if known is None:
            known = self._keys[(article, sentence)] = self._key(article, sentence)
        return known

    def _key(self, article: str, sentence: str) -> tuple[str, str]:
        normal = norm_text(sentence)
        best, best_ratio = None, 0.0
        for gold in self.by_article.get(article, []):
            if gold == normal:
                return (article, gold)
            matcher = difflib.SequenceMatcher(None, gold, normal, autojunk=False)
            # the quick ratios bound ratio() from above: a sentence they rule out could not
            # have been chosen, so the result is the scorer's, many times faster
            if matcher.real_quick_ratio() < max(ALIGN_MIN, best_ratio) or (
                matcher.quick_ratio() < max(ALIGN_MIN, best_ratio)
            ):
                continue
            ratio = matcher.ratio()
            if ratio > best_ratio:
                best, best_ratio = gold, ratio
        if best is not None and best_ratio >= ALIGN_MIN:
            return (article, best)
        return (article, normal)


@dataclass
class Measure:
    tp: int
    predicted: int
    gold: int

    @property
    def empty(self) -> bool:
        """Nothing to score: no gold and no prediction (the scorer's 1.0 says nothing)."""
        return not self.predicted and not self.gold

    @property
    def precision(self) -> float:
        return self.tp / self.predicted if self.predicted else (1.0 if not self.gold else 0.0)

    @property
    def recall(self) -> float:
        return self.tp / self.gold if self.gold else (1.0 if not self.predicted else 0.0)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @classmethod
    def of(cls, predicted: set, gold: set) -> Measure:
        return cls(len(predicted & gold), len(predicted), len(gold))


@dataclass
class Evaluation:
    measures: dict[str, Measure]
    per_target: dict[str, dict[str, Measure]]
    confusion: Counter
    errors: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # the predicted positions' scores (the coder's, a reviewed position has none) and the
    # gold positions, for the figures at each --min-score (``by_score``)
    position_scores: dict[tuple, float] = field(default_factory=dict)
    predicted_positions: set[tuple] = field(default_factory=set)
    gold_positions: set[tuple] = field(default_factory=set)

    def by_score(self, thresholds: Iterable[float] = SCORE_THRESHOLDS) -> dict[float, Measure]:
        """Positions F1 when only the positions the coder scored at least each threshold are
        kept (``--min-score``), with those an analyst reviewed kept whatever their score:
        how far a score can be trusted. Empty when no position has a score."""
        if not self.position_scores:
            return {}
        scores = self.position_scores
        return {
            t: Measure.of(
                {k for k in self.predicted_positions if scores.get(k, t) >= t},
                self.gold_positions,
            )
            for t in thresholds
        }

    def by_score_rows(self) -> list[dict[str, float]]:
        """``by_score`` as rows: the threshold, the positions kept, their precision, recall
        and F1 (``tracker evaluate`` prints them, ``--cv`` their means over the folds)."""
        return [
            {
                "min_score": t,
                "precision": m.precision,
                "recall": m.recall,
                "f1": m.f1,
                "positions": m.predicted,
            }
            for t, m in self.by_score().items()
        ]

    def rows(self, blank: str | None = None) -> list[dict[str, Any]]:
        """The measures overall, then per target. A measure with no gold and no prediction
        (a target nobody mentioned, positions on a target only ever linked) has ``blank``
        for its precision, recall and F1: there was nothing to get right or wrong."""
        out = []
        for name, m in self.measures.items():
            out.append(_row(name, "all", m, blank))
        for target in sorted(self.per_target, key=_target_order):
            for name, m in self.per_target[target].items():
                out.append(_row(name, target, m, blank))
        return out

    def error_rows(self, limit: int) -> Rows:
        """Up to ``limit`` errors of each kind, in ERROR_KINDS order, each in the article's
        order of sentences: what kind, where, and what the gold and the coder said."""
        rows = [row for kind in ERROR_KINDS for row in self.errors.get(kind, [])[:limit]]
        return Rows(rows, ERROR_COLUMNS)

    def score_line(self) -> str:
        """The accuracy scorer's last line, figure for figure (an empty measure is 1.000
        there, so it is here)."""
        return "SCORE " + " ".join(f"{k}={m.f1:.3f}" for k, m in self.measures.items())


def _row(measure: str, target: str, m: Measure, blank: str | None) -> dict[str, Any]:
    figures: dict[str, Any] = (
        dict.fromkeys(("precision", "recall", "f1"), blank)
        if m.empty
        else {
            "precision": round(m.precision, 3),
            "recall": round(m.recall, 3),
            "f1": round(m.f1, 3),
        }
    )
    return {
        "measure": measure,
        "target": target,
        **figures,
        "tp": m.tp,
        "predicted": m.predicted,
        "gold": m.gold,
    }


def _target_order(target: str) -> tuple[int, str]:
    return (int(target), "") if target.isdigit() else (100, target)


# The kinds of error `evaluate --errors N` lists, in this order. A "wrong stance" is a gold
# position whose actor, target and sentence the coder found with another stance: a missed
# and an extra position that are one error.
ERROR_KINDS = ("missed link", "extra link", "wrong stance", "missed position", "extra position")
ERROR_COLUMNS = ("error", "article", "target", "actor", "gold", "predicted", "sentence")
NONE = "none"  # no link or no position, as in the confusion table


def evaluate(
    corpus: GoldCorpus,
    links: list[dict],
    positions: list[dict],
    plan: str = "china-2023",
    align: Aligner | None = None,
) -> Evaluation:
    """``align``: an aligner over a corpus that holds these articles' records (an article's
    sentences align only to its own records), to reuse its memory across calls. Rows
    without a sentence (a position entered by hand without evidence) cannot be aligned to
    a gold sentence and are left out."""
    actor_map, align = ActorMap(corpus.actors), align or Aligner(corpus.records)
    shown = _Shown()
    gold_links, gold_pos, gold_aff, gold_art = set(), set(), set(), set()
    for record in corpus.records:
        key = shown.gold(record["article"], record["sentence"])
        gold_links |= {key + (t,) for t in record.get("links", [])}
        for p in record.get("positions", []):
            gold_pos.add(key + (p["actor"], p["target"], p["stance"]))
            affiliation = actor_map.affiliation.get(p["actor"], norm_affiliation(p["actor"]))
            gold_aff.add(key + (affiliation, p["target"], p["stance"]))
            gold_art.add((record["article"], p["actor"], p["target"], p["stance"]))
    pred_links, pred_pos, pred_aff, pred_art = set(), set(), set(), set()
    scores: dict[tuple, float] = {}
    for row in links:
        if not _scored(row, plan):
            continue
        article = Path(row["source"]).name
        key = shown.predicted(align.key(article, row["sentence"]), row["sentence"])
        pred_links.add(key + (str(row["target"]),))
    for row in positions:
        if not _scored(row, plan):
            continue
        article = Path(row["source"]).name
        key = shown.predicted(align.key(article, row["sentence"]), row["sentence"])
        actor = actor_map.canon(row.get("actor", ""))
        if actor.startswith("?"):  # not in the gold actor table: shown as the coder named it
            shown.actors.setdefault(actor, row.get("actor", ""))
        target, stance = str(row["target"]), row.get("stance")
        pred_pos.add(key + (actor, target, stance))
        score = row.get("score")
        if isinstance(score, (int, float)) and row.get("status") in (None, "auto"):
            found = key + (actor, target, stance)  # a position found twice: its best score
            scores[found] = max(scores.get(found, float(score)), float(score))
        affiliation = actor_map.affiliation.get(actor) or norm_affiliation(
            row.get("affiliation") or row.get("actor", "")
        )
        pred_aff.add(key + (affiliation, target, stance))
        pred_art.add((article, actor, target, stance))
    measures = {
        "links": Measure.of(pred_links, gold_links),
        "positions": Measure.of(pred_pos, gold_pos),
        "positions_by_affiliation": Measure.of(pred_aff, gold_aff),
        "positions_by_article": Measure.of(pred_art, gold_art),
    }
    per_target: dict[str, dict[str, Measure]] = {}
    for target in sorted(
        {t[-1] for t in gold_links | pred_links} | {t[-2] for t in gold_pos | pred_pos}
    ):
        per_target[target] = {
            "links": Measure.of(
                {x for x in pred_links if x[-1] == target},
                {x for x in gold_links if x[-1] == target},
            ),
            "positions": Measure.of(
                {x for x in pred_pos if x[-2] == target}, {x for x in gold_pos if x[-2] == target}
            ),
        }
    predicted_stance = {x[:-1]: x[-1] for x in pred_pos}  # a cell predicted twice keeps one
    confusion: Counter = Counter()
    for x in gold_pos:
        confusion[(x[-1], predicted_stance.get(x[:-1], NONE))] += 1
    gold_keys = {x[:-1] for x in gold_pos}
    for x in pred_pos:
        if x[:-1] not in gold_keys:
            confusion[("none", x[-1])] += 1
    errors = _errors(shown, gold_links, pred_links, gold_pos, pred_pos)
    return Evaluation(measures, per_target, confusion, errors, scores, pred_pos, gold_pos)


def _scored(row: dict, plan: str) -> bool:
    """Whether an export row is one the scorer reads: of the plan, on a known target, with
    the sentence that is its evidence."""
    return (
        row.get("plan") in (None, plan)
        and str(row.get("target")) in TARGETS
        and row.get("source") is not None
        and row.get("sentence") is not None
    )


class _Shown:
    """How an error is shown: a gold sentence as the gold has it (the keys hold it
    normalised), one the gold does not have as the coder stored it, an actor the gold
    table does not know by the coder's name; and the sentences' order in each article."""

    def __init__(self) -> None:
        self.texts: dict[tuple[str, str], str] = {}
        self.order: dict[tuple[str, str], int] = {}
        self.actors: dict[str, str] = {}

    def gold(self, article: str, sentence: str) -> tuple[str, str]:
        key = (article, norm_text(sentence))
        self.texts.setdefault(key, sentence)
        self.order.setdefault(key, len(self.order))
        return key

    def predicted(self, key: tuple[str, str], sentence: str) -> tuple[str, str]:
        self.texts.setdefault(key, sentence)
        return key

    def sort_key(self, item: tuple) -> tuple:
        article, normal = item[0], item[1]
        return (
            article,
            self.order.get((article, normal), len(self.order)),
            tuple(str(x) for x in item[1:]),
        )

    def row(
        self, kind: str, item: tuple, target: str, actor: str | None, gold: str, predicted: str
    ) -> dict[str, Any]:
        return {
            "error": kind,
            "article": item[0],
            "target": target,
            "actor": None if actor is None else self.actors.get(actor, actor),
            "gold": gold,
            "predicted": predicted,
            "sentence": self.texts.get((item[0], item[1]), item[1]),
        }


def _errors(
    shown: _Shown, gold_links: set, pred_links: set, gold_pos: set, pred_pos: set
) -> dict[str, list[dict[str, Any]]]:
    """Every error, by kind (ERROR_KINDS), each list in the articles' order of sentences."""
    out: dict[str, list[dict[str, Any]]] = {kind: [] for kind in ERROR_KINDS}
    for item in sorted(gold_links - pred_links, key=shown.sort_key):
        out["missed link"].append(shown.row("missed link", item, item[2], None, "link", NONE))
    for item in sorted(pred_links - gold_links, key=shown.sort_key):
        out["extra link"].append(shown.row("extra link", item, item[2], None, NONE, "link"))
    extra: dict[tuple, list[tuple]] = defaultdict(list)
    for item in sorted(pred_pos - gold_pos, key=shown.sort_key):
        extra[item[:-1]].append(item)
    for item in sorted(gold_pos - pred_pos, key=shown.sort_key):
        _, _, actor, target, stance = item
        other = extra.get(item[:-1])
        if other:
            predicted = other.pop(0)
            out["wrong stance"].append(
                shown.row("wrong stance", item, target, actor, stance, predicted[-1])
            )
        else:
            out["missed position"].append(
                shown.row("missed position", item, target, actor, stance, NONE)
            )
    for item in sorted((x for items in extra.values() for x in items), key=shown.sort_key):
        _, _, actor, target, stance = item
        out["extra position"].append(shown.row("extra position", item, target, actor, NONE, stance))
    return out


def confusion_rows(confusion: Counter) -> list[dict[str, Any]]:
    """Gold stance (rows) against predicted stance (columns); "none" is a missing position."""
    labels = (*STANCES, NONE)
    return [
        {"gold \\ predicted": gold, **{p: confusion.get((gold, p), 0) for p in labels}}
        for gold in labels
    ]


def check_gold_targets(
    corpus: GoldCorpus, plan: str, keys: set[str], retired: set[str] | None = None
) -> None:
    """An error when the gold codes targets the plan does not have: gold coded for another
    plan, scored against this one, would give figures that mean nothing; so would gold on
    ``retired`` targets (taken out of the plan's file), which the coder no longer codes."""
    coded = {t for r in corpus.records for t in r.get("links", [])}
    coded |= {p["target"] for r in corpus.records for p in r.get("positions", [])}
    missing = sorted(coded - keys - {"plan"}, key=_target_order)
    gone = [t for t in missing if t in (retired or set())]
    if gone and len(gone) == len(missing):
        raise TrackerError(
            f"the gold codes targets of plan {plan!r} that are retired ({', '.join(gone)}: "
            "taken out of its plan file, so no longer coded); put them back in the file "
            "and run `tracker seed`, or score gold that does not code them"
        )
    if missing:
        shown = ", ".join(missing[:8]) + (
            f" and {len(missing) - 8} more" if len(missing) > 8 else ""
        )
        raise TrackerError(
            f"the gold codes targets that plan {plan!r} does not have ({shown}): "
            "was it coded for another plan? (--plan SLUG)"
        )


def gold_article_names(corpus: GoldCorpus) -> set[str]:
    """The gold folders' articles by file name, as rows are matched to them."""
    return {p.name for p in corpus.articles} | {r["article"] for r in corpus.records}


@dataclass
class GoldArticles:
    """How a store's articles are matched to the gold's with ``--use-db``: by what makes an
    article the same article (its content hash, of its date and words; see
    ``tracker.read.content_key``) for every gold article whose text the folders hold, so
    that gold written by `review export-gold` (named by date and hash) finds the articles
    it was written from, and a stored article that only shares a gold file's name is not
    scored against its gold. A gold article with no text in the folders can only be
    matched by file name."""

    by_hash: dict[str, str]  # content hash -> the gold article's file name
    by_name: set[str]  # gold articles with no text to hash

    @classmethod
    def of(cls, corpus: GoldCorpus) -> GoldArticles:
        from tracker.read import Article, read_file

        by_hash: dict[str, str] = {}
        for path in corpus.articles:
            for article in read_file(path):
                if isinstance(article, Article):
                    by_hash[article.content_hash] = path.name
        return cls(by_hash, gold_article_names(corpus) - set(by_hash.values()))

    def name_of(self, row: dict[str, Any]) -> str | None:
        """The gold article a stored row (with ``article_hash``) is of, or None."""
        found = self.by_hash.get(row.get("article_hash") or "")
        if found is not None:
            return found
        name = Path(row["source"]).name if row.get("source") is not None else None
        return name if name in self.by_name else None


def stored_rows(connection: Connection) -> tuple[list[dict], list[dict]]:
    """The store's links and positions (as reviewed) as the scorer reads them, each with
    its article's ``article_id`` (None: no stored article), ``article_hash`` and
    ``target_retired`` (see ``live_rows``)."""
    from sqlalchemy import select

    from tracker.queries import TARGET_KEY
    from tracker.review_view import Filters, position_rows
    from tracker.schema import Article, Link, Plan, Sentence, Target

    query = (
        select(
            Article.id.label("article_id"),
            Article.content_hash.label("article_hash"),
            Article.source,
            Sentence.text.label("sentence"),
            Plan.slug.label("plan"),
            TARGET_KEY,
            Target.retired.label("target_retired"),
        )
        .select_from(Link)
        .join(Sentence, Sentence.id == Link.sentence_id)
        .join(Article, Article.id == Sentence.article_id)
        .join(Target, Target.id == Link.target_id)
        .join(Plan, Plan.id == Target.plan_id)
        .order_by(Article.id, Sentence.ordinal, Target.id)
    )
    links = [dict(row._mapping) for row in connection.execute(query)]
    return links, list(position_rows(connection, Filters()))


def live_rows(rows: list[dict], plan: str) -> tuple[list[dict], int]:
    """The rows on targets the plan files still have, and how many of ``plan``'s were on
    retired ones (taken out of the file): the coder no longer codes those, and gold may not
    code them (``check_gold_targets``), so what the store still holds on them would all be
    extra."""
    live = [row for row in rows if not row["target_retired"]]
    return live, sum(1 for row in rows if row["target_retired"] and row["plan"] == plan)


def missing_articles(gold: GoldArticles, connection: Connection) -> list[str]:
    """The gold folders' articles that the store does not hold (by content, or by file
    name for gold with no text): scoring the store counts all their gold as missed."""
    from sqlalchemy import select

    from tracker.schema import Article

    stored = set(connection.scalars(select(Article.content_hash)))
    missing = {name for digest, name in gold.by_hash.items() if digest not in stored}
    if gold.by_name:
        names = {Path(source).name for source in connection.scalars(select(Article.source))}
        missing |= gold.by_name - names
    return sorted(missing)


def of_gold_articles(gold: GoldArticles, rows: list[dict]) -> tuple[list[dict], set[int]]:
    """The rows of the gold folders' articles, each with ``source`` the gold article's file
    name (as the scorer matches rows to gold), and the ids of the other stored articles the
    rest came from: with ``--use-db`` a store may hold articles nobody coded, whose links
    and positions are no errors. A position added by hand with no stored sentence has a
    note for its source, no article: it is neither kept (the scorer skips it) nor counted."""
    kept: list[dict] = []
    others: set[int] = set()
    for row in rows:
        name = gold.name_of(row)
        if name is not None:
            kept.append({**row, "source": name})
        elif row.get("article_id") is not None:
            others.add(row["article_id"])
    return kept, others


def missing_warning(gold: GoldArticles, connection: Connection) -> str | None:
    """One line for standard error when the store lacks gold articles (else None): the
    figures then look worse than the coder is, for want of articles, not of skill."""
    missing = missing_articles(gold, connection)
    if not missing:
        return None
    names = ", ".join(missing[:3]) + (", …" if len(missing) > 3 else "")
    return (
        f"warning: the store lacks {len(missing)} of the gold folders' articles ({names}); "
        "their gold counts as missed"
    )
