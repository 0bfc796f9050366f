"""`tracker evaluate` and `tracker train`: accuracy against hand-coded articles, and the
decision model learned from them.

Registered on the main group by ``tracker.cli``; parses and prints only, the work is in
``tracker.evaluate`` and ``tracker.learn``. The database stack and scikit-learn are
imported inside the commands so that ``tracker --help`` stays instant.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from tracker.cli_options import decider_option, no_blank_paths
from tracker.errors import TrackerError
from tracker.output import default_format, output_options, render


class _Folder(click.Path):
    """A folder; an empty path (which would be the current folder) is refused."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        no_blank_paths(ctx, param, (value,))
        return super().convert(value, param, ctx)


gold_dirs_argument = click.argument(
    "gold_dirs",
    nargs=-1,
    required=True,
    type=_Folder(file_okay=False, path_type=Path),
)


def _error_count(ctx: click.Context, param: click.Parameter, value: str) -> int:
    """--errors' value: a whole number from 0 up, else one error line (not a usage screen)."""
    try:
        number = int(value)
    except ValueError:
        number = -1
    if number < 0:
        raise TrackerError(f"--errors must be a whole number from 0 up, not {value!r}")
    return number


@click.command("evaluate")
@gold_dirs_argument
@click.option(
    "--errors",
    "errors",
    default="0",
    metavar="N",
    callback=_error_count,
    help="List up to N errors of each kind (missed and extra links and positions, wrong "
    "stances): article, target, actor, gold and predicted, sentence. In a table after the "
    "figures; in the other formats the errors alone.",
)
@click.option("--plan", default="china-2023", show_default=True, help="The plan the gold codes.")
@click.option(
    "--use-db",
    is_flag=True,
    help="Score what --db already holds instead of ingesting GOLD_DIRS into a throw-away database.",
)
@click.option(
    "--cv",
    "folds",
    type=click.IntRange(min=2),
    help="Cross-validate: split the articles into K folds, train on K-1, score the held-out one.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="How --cv shuffles articles.")
@decider_option
@output_options
@click.pass_context
def evaluate_command(
    ctx: click.Context,
    gold_dirs: tuple[Path, ...],
    errors: int,
    plan: str,
    use_db: bool,
    folds: int | None,
    seed: int,
    decider: str,
    fmt: str | None,
) -> None:
    """Score links and positions against hand-coded articles in GOLD_DIRS.

    Each folder holds articles (*.txt), gold lines (gold*.jsonl) and actor
    tables (actors*.json) in the annotation guide's format. Prints precision,
    recall and F1 overall and per target ("–" where there was no gold and no
    prediction), a stance confusion table and, with --errors N, the errors.
    With --use-db, a store that lacks some of the gold articles is warned about.
    With --cv K the figures are cross-validated: no article is scored by a
    model trained on it.
    """
    import tempfile

    from tracker import evaluate as scoring
    from tracker import queries
    from tracker.cli import _state  # here, not at import: tracker.cli imports this module
    from tracker.db import make_engine, prepare
    from tracker.ingest import ingest
    from tracker.learn.corpus import code_gold, merge_corpora
    from tracker.learn.crossval import cross_validation_report, cv_summary, score_lines
    from tracker.learn.fit import Settings

    corpus = merge_corpora(gold_dirs)
    for warning in scoring.gold_warnings(corpus):
        click.echo(warning, err=True)
    if folds:
        if use_db:
            raise TrackerError("--cv codes the gold articles itself: leave out --use-db")
        if errors:
            raise TrackerError("--errors lists the errors of one scoring: leave out --cv")
        coded = code_gold(corpus, plan)
        report = cross_validation_report(coded, folds, Settings(), decider, seed)
        if fmt in ("json", "jsonl"):  # a table by default, piped or not: it is a summary
            import json

            report.pop("rows")
            click.echo(json.dumps(report, ensure_ascii=False))
            return
        click.echo(render(report["rows"], fmt or "table"), nl=False)
        if fmt in (None, "table"):
            click.echo(cv_summary(report), nl=False)
        return
    with tempfile.TemporaryDirectory() as tmp:
        if use_db:
            engine = _state(ctx).engine(ctx)
        else:
            engine = make_engine(f"sqlite:///{Path(tmp) / 'evaluate.db'}")
            prepare(engine)
        with engine.connect() as connection:
            queries.check_plan(connection, plan)
            keys = queries.target_keys(connection, plan)
            retired = queries.target_keys(connection, plan, retired=True) - keys
            scoring.check_gold_targets(corpus, plan, keys, retired)
        if not use_db:
            corpus.require_texts()
            done = ingest(engine, [str(p) for p in corpus.articles], decider=decider)
            if done.failures:
                raise TrackerError(
                    f"{done.failures[0]}; a gold article that cannot be read cannot be scored"
                )
        gold = scoring.GoldArticles.of(corpus) if use_db else None
        with engine.connect() as connection:
            warning = scoring.missing_warning(gold, connection) if gold else None
            links, positions = scoring.stored_rows(connection)
        if not use_db:
            engine.dispose()
    if warning:
        click.echo(warning, err=True)
    if gold is not None:  # only the gold folders' articles are scored
        links, other_links = scoring.of_gold_articles(gold, links)
        positions, other_positions = scoring.of_gold_articles(gold, positions)
        others = len(other_links | other_positions)
        if others:
            click.echo(
                f"note: left out the links and positions of {others} stored articles that "
                "are not in the gold folders",
                err=True,
            )
        links, retired_links = scoring.live_rows(links, plan)
        positions, retired_positions = scoring.live_rows(positions, plan)
        if retired_links or retired_positions:
            click.echo(
                f"note: left out {retired_links} links and {retired_positions} positions on "
                "retired targets (taken out of the plan file, so no longer coded)",
                err=True,
            )
    result = scoring.evaluate(corpus, links, positions, plan=plan)
    fmt = default_format(fmt)
    if fmt != "table":
        rows = result.error_rows(errors) if errors else result.rows()
        click.echo(render(rows, fmt), nl=False)
        return
    click.echo(render(result.rows(blank="–"), fmt), nl=False)
    click.echo("\nstance confusion (positions by actor, target and sentence):")
    click.echo(render(scoring.confusion_rows(result.confusion), "table"), nl=False)
    if errors:
        click.echo(f"\nerrors (up to {errors} of each kind):")
        click.echo(render(result.error_rows(errors), "table"), nl=False)
    kept = result.by_score_rows()
    if kept:
        total = result.measures["positions"].predicted
        click.echo("\n" + "\n".join(score_lines(kept, total, "")))
    click.echo(result.score_line())


@click.command("train")
@gold_dirs_argument
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Where to write the model (JSON); point $TRACKER_MODEL at it, or copy it to "
    "model.json in your seeds folder ($TRACKER_SEEDS_DIR).",
)
@click.option("--plan", default="china-2023", show_default=True, help="The plan the gold codes.")
def train_command(gold_dirs: tuple[Path, ...], out: Path, plan: str) -> None:
    """Train the decision model on hand-coded articles in GOLD_DIRS.

    Needs scikit-learn (pip install '.[learn]'); coding with the model does not.
    Check the figures with `tracker evaluate --cv 5 GOLD_DIRS` first.
    """
    from tracker import evaluate as scoring
    from tracker.files import output_path
    from tracker.learn.corpus import code_gold, merge_corpora
    from tracker.learn.fit import Settings, train

    output_path(out)  # a folder or a missing one is said before the training, not after it
    corpus = merge_corpora(gold_dirs)
    for warning in scoring.gold_warnings(corpus):
        click.echo(warning, err=True)
    coded = code_gold(corpus, plan)
    model = train(coded, coded.names, Settings())
    model.save(out)
    stances = len(model.stances.weights) if model.stances is not None else 0
    click.echo(
        f"trained on {len(coded.names)} articles: {len(model.links.weights)} link features, "
        f"{len(model.positions.weights)} position features, {stances} stance features; "
        f"written to {out}"
    )
