"""What an ingest shows while it runs: a progress bar on a terminal, and the elapsed time.

The bar counts articles settled (committed, skipped as already stored, or failed) out of
the articles in the inputs when they can be counted beforehand (files and folders; not
standard input), with the rate and the time left; beside it, how many are kept (committed)
and how many are coded (some of those wait for their batch to commit). It is drawn by tqdm,
imported only when a bar is shown, so that ``tracker --help`` and runs whose output is
not a terminal never load it.
"""

from __future__ import annotations

import os
import stat
import threading
from collections.abc import Iterable
from pathlib import Path
from time import monotonic
from typing import TYPE_CHECKING, Any, TextIO

from tracker.read import JSONL_SUFFIXES, InputFailure, PassedOver, walk

if TYPE_CHECKING:
    from tracker.ingest import Progress, Summary

# Seconds between two redraws of the bar: often enough to look alive, rarely enough to cost
# nothing next to coding.
REFRESH_SECONDS = 0.25


def format_elapsed(seconds: float) -> str:
    """``0.4 s``, ``12.3 s``, ``2 min 05 s``, ``1 h 02 min``: as long as it needs to be."""
    if seconds < 60:
        return f"{seconds:.1f} s"
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    return f"{minutes} min {secs:02d} s"


def count_inputs(paths: Iterable[str]) -> int | None:
    """How many articles (and failures) reading ``paths`` will give, or None when that
    cannot be known before reading (standard input).

    A text file is one article, a JSON Lines file one per line that is not blank; a path
    that cannot be read counts as the one failure it will be reported as. It reads the
    JSON Lines files once more (as bytes, a line at a time), so it is worth doing only
    when a bar is shown; the bar corrects its total at the end if the count was off."""
    total = 0
    for given in paths:
        if given == "-":
            return None
        path = Path(given)
        try:
            mode = path.stat().st_mode
        except OSError:
            total += 1
            continue
        if stat.S_ISDIR(mode):
            total += sum(_in_folder(item) for item in walk(path))
        else:
            total += _articles_in(path) if stat.S_ISREG(mode) else 1
    return total


def _in_folder(item: Path | InputFailure) -> int:
    """What an item of a folder adds to the total: a file its articles, a failure one, a
    file passed over with a warning none."""
    if isinstance(item, Path):
        return _articles_in(item)
    return 0 if isinstance(item, PassedOver) else 1


def _articles_in(path: Path) -> int:
    if path.suffix.lower() not in JSONL_SUFFIXES:
        return 1
    try:
        with path.open("rb") as handle:
            return sum(1 for line in handle if line.strip())
    except OSError:
        return 1


class ProgressBar:
    """A bar on ``stream`` fed with ``Progress`` snapshots (``update``), from any thread.

    ``write`` prints a line above the bar (a failure) without breaking it; ``close``
    takes the bar off the screen, leaving the summary line alone below what was written.
    """

    def __init__(self, stream: TextIO, total: int | None, *, dry_run: bool = False) -> None:
        from tqdm import tqdm

        tqdm.monitor_interval = 0  # no monitor thread: this class redraws on its own clock
        self._lock = threading.Lock()
        self._last = 0.0
        self._closed = False
        self._dry_run = dry_run
        sized = _size_known(stream)
        self._bar: Any = tqdm(
            total=total,
            file=stream,
            desc="ingest",
            unit=" articles",
            ncols=None if sized else FALLBACK_COLUMNS,
            nrows=None if sized else FALLBACK_ROWS,
            dynamic_ncols=sized,
            smoothing=0,  # the run's average rate: batches commit in jumps
            mininterval=float("inf"),  # redrawn by refresh() below, never by update()
            leave=False,
            bar_format="{desc} {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} "
            "[{elapsed}<{remaining}, {rate_fmt}{postfix}]"
            if total is not None
            else "{desc} {n_fmt}{unit} [{elapsed}, {rate_fmt}{postfix}]",
        )

    def update(self, progress: Progress) -> None:
        """Show ``progress``: at once when articles settled, otherwise (articles coded) at
        most every REFRESH_SECONDS."""
        with self._lock:
            if self._closed:
                return
            bar = self._bar
            if bar.total is not None and progress.done > bar.total:
                bar.total = progress.done  # the count beforehand was short
            moved = progress.done != bar.n  # a commit, skipped articles, a failure: shown now
            bar.update(progress.done - bar.n)
            kept = "" if self._dry_run else f"{progress.new} kept, "
            bar.set_postfix_str(
                f"{kept}{progress.coded} coded"
                + (f", {progress.skipped} skipped" if progress.skipped else "")
                + (f", {progress.failed} failed" if progress.failed else ""),
                refresh=False,
            )
            now = monotonic()
            if moved or now - self._last >= REFRESH_SECONDS:
                self._last = now
                bar.refresh()

    def write(self, line: str) -> None:
        with self._lock:
            if self._closed:
                self._bar.fp.write(line + "\n")
            else:
                self._bar.write(line, file=self._bar.fp)

    def close(self) -> None:
        with self._lock:
            if not self._closed:
                self._closed = True
                self._bar.close()


# The bar's size on a terminal that gives none (0 x 0: a pseudo-terminal whose size was
# never set, as some containers and editors' shells have), where tqdm would draw nothing.
FALLBACK_COLUMNS = 80
FALLBACK_ROWS = 24


def _size_known(stream: TextIO) -> bool:
    """Whether the terminal says how large it is (tqdm then follows it as it changes)."""
    try:
        size = os.get_terminal_size(stream.fileno())
        return size.columns > 0 and size.lines > 0
    except (AttributeError, OSError, ValueError):  # not a terminal: tqdm's own default
        return True


def bar_wanted(stream: TextIO, quiet: bool) -> bool:
    """A bar only for a person watching: ``stream`` is a terminal and -q was not given."""
    if quiet:
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or unusual stream
        return False


def interrupted_line(summary: Summary, dry_run: bool = False) -> str:
    """What an interrupted ingest says: how many articles it kept (committed, each whole),
    which is what the store gained."""
    took = format_elapsed(summary.elapsed)
    if dry_run:
        return f"interrupted; dry run, nothing was stored ({summary.coded} articles coded; {took})"
    return (
        f"interrupted; every article already committed is kept: {summary.new} articles kept "
        f"({summary.skipped} skipped, {summary.failed} failed; {took})"
    )
