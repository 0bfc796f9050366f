"""The command line: parses options, calls the library, prints. Nothing else lives here.

Heavy modules (SQLAlchemy, Alembic, rapidfuzz) are imported inside the
commands so that ``tracker --help`` stays instant.
"""

from __future__ import annotations

import codecs
import errno
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from click.exceptions import NoArgsIsHelpError

from tracker import coder_is_compiled
from tracker.cli_options import decider_option, no_blank_paths
from tracker.errors import (
    INTERRUPTED,
    INTERRUPTED_STATUS,
    InterruptLine,
    StoppedByError,
    TrackerError,
    is_interrupt,
    terminate_as_interrupt,
)
from tracker.output import (
    ARTICLE_ID,
    default_format,
    limit_option,
    min_score_option,
    output_options,
    printable,
    render,
)

if TYPE_CHECKING:
    from types import TracebackType

    from sqlalchemy import Engine


@dataclass
class State:
    url: str | None
    _engine: Engine | None = field(default=None, repr=False)
    # what opening in "write" mode seeded (a new store, or one with no plan): load_seeds's
    # summary, so that `tracker seed` does not load and record the same seeds a second time
    seeded: dict[str, Any] | None = field(default=None, repr=False)

    def engine(self, ctx: click.Context, *, mode: str = "read") -> Engine:
        """The database, opened on first use.

        ``mode`` is what the command does with it: "write" (ingest, seed) creates
        a missing store, brings it to the current schema and seeds it; "read"
        needs an existing store at the current revision and changes nothing (no
        write lock); "create" (db upgrade) opens it as it is, creating a missing
        SQLite file; "admin" (the other db commands) opens an existing one as it is;
        "dry-run" (ingest --dry-run) reads a store as "read" does, and with none yet
        opens a throw-away one with the seed plans and actors, so that a dry run never
        creates a store.
        """
        if self._engine is None:
            from tracker import db

            engine = db.make_engine(self.url)
            ctx.call_on_close(engine.dispose)
            if mode == "dry-run" and db.is_new_store(engine):
                import tempfile

                folder = ctx.with_resource(tempfile.TemporaryDirectory(prefix="tracker-"))
                engine = db.make_engine(f"sqlite:///{Path(folder) / 'dry-run.db'}")
                ctx.call_on_close(engine.dispose)
                mode = "write"
            if mode in ("read", "admin", "dry-run"):
                db.require_existing(engine)
            if mode in ("read", "dry-run"):
                db.check_ready(engine)
            elif mode == "write":
                self.seeded = db.prepare_or_leave_nothing(engine)
            self._engine = engine
        return self._engine


def _one_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return text[0] if text else exc.__class__.__name__


_NEGATIVE_NUMBER = re.compile(r"-[0-9]+(?:\.[0-9]*)?")


def _usage_line(exc: click.UsageError) -> str:
    """A usage error (a mistyped option, a bad value) as one line: click's message and
    where help is, instead of its usage block."""
    where = f"; see {exc.ctx.command_path} --help" if exc.ctx is not None else ""
    if isinstance(exc, click.NoSuchOption) and any(c.isspace() for c in exc.option_name):
        # text that starts with "-" ("-- a note\nSELECT …"), taken for an option
        shown = exc.option_name.split("\n")[0][:40]
        return f"'{shown}…' begins with '-' and was read as an option; give it after --" + where
    if isinstance(exc, click.NoSuchOption) and _NEGATIVE_NUMBER.fullmatch(exc.option_name):
        # "articles show -1": click's "No such option '-1'" reads as a typo of an option
        return f"{exc.option_name}: a negative number is no id or count" + where
    return exc.format_message().replace("\n", " ").rstrip(".") + where


def _first_database_error(exc: BaseException) -> BaseException:
    """The first database error of those raised while handling one another: on a full
    disk SQLite rolls the transaction back itself, so the clean-up that follows fails too
    ("no such savepoint"), and that last error would hide the cause."""
    from sqlalchemy.exc import SQLAlchemyError

    first, seen = exc, {id(exc)}
    earlier = exc.__context__
    while earlier is not None and id(earlier) not in seen:
        seen.add(id(earlier))
        if isinstance(earlier, SQLAlchemyError):
            first = earlier
        earlier = earlier.__context__
    return first


def _database_line(exc: BaseException) -> str:
    from sqlalchemy.exc import DBAPIError

    exc = _first_database_error(exc)
    message = _one_line(exc)
    if isinstance(exc, DBAPIError) and "database is locked" in message:
        message = (
            "the SQLite file is locked by another program; nothing was written, "
            "try again when it is done (TRACKER_SQLITE_TIMEOUT sets the wait)"
        )
    elif isinstance(exc, DBAPIError) and (
        "unable to open database file" in message or "readonly database" in message
    ):  # SQLite reads a WAL store by writing its -shm file beside it
        message += (
            "; if the file or its folder is read-only, a command that only reads can open it "
            "as it is: --db 'sqlite:///file:PATH?immutable=1&uri=true'"
        )
    elif isinstance(exc, DBAPIError) and ("disk is full" in message or "disk I/O" in message):
        # SQLite says "disk I/O error" when a full disk refuses its journal's pages
        hint = " (is the disk full?)" if "disk I/O" in message else ""
        message += hint + "; what was committed before is kept"
    return f"database error: {message}"


def _not_utf8_line(exc: UnicodeEncodeError) -> str:
    """Text from the command line, the environment or a file name that was not UTF-8:
    Python keeps its bytes as lone surrogates, which no database or driver takes."""
    text = exc.object if isinstance(exc.object, str) else ""
    try:  # the bytes that were not UTF-8, as \xff
        shown = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a surrogate no byte makes (a JSON escape): as \ud83d
        shown = text.encode("utf-8", "backslashreplace").decode("utf-8")
    if len(shown) > 60:
        shown = shown[:57] + "..."
    return f"'{shown}' is not UTF-8 text; give it as UTF-8"


def _encoding_line(exc: UnicodeEncodeError) -> str:
    """Output in an encoding that lacks a stored character (a Latin-1 locale; Windows
    redirecting to a file in cp1252): the stored text is kept as written, so the output
    must be able to carry it. In ASCII, since the error goes where the output went."""
    char = exc.object[exc.start : exc.start + 1] if isinstance(exc.object, str) else ""
    return (
        f"the output's encoding ({exc.encoding}) has no {ascii(char)}: set "
        "PYTHONIOENCODING=utf-8, or use a UTF-8 locale (LANG=C.UTF-8)"
    )


class TrackerGroup(click.Group):
    """Turns the errors a user can cause into one line and a non-zero exit."""

    def invoke(self, ctx: click.Context) -> Any:
        from sqlalchemy.exc import SQLAlchemyError

        try:
            return super().invoke(ctx)
        except NoArgsIsHelpError:  # a group named alone: its help, as click prints it
            raise
        except click.UsageError as exc:
            raise click.ClickException(_usage_line(exc)) from None
        except TrackerError as exc:
            raise click.ClickException(str(exc)) from None
        except StoppedByError as exc:  # an ingest's summary is printed by its command
            raise click.ClickException(_database_line(exc.error)) from None
        except SQLAlchemyError as exc:
            if is_interrupt(exc):  # a clean-up that a Ctrl-C made fail: the Ctrl-C's line
                raise _interrupted() from None
            raise click.ClickException(_database_line(exc)) from None
        except InterruptLine as exc:  # a Ctrl-C that says what it left in a line of its own
            click.echo(str(exc), err=True)
            raise click.exceptions.Exit(INTERRUPTED_STATUS) from None
        except UnicodeEncodeError as exc:
            if exc.reason == "surrogates not allowed":
                raise click.ClickException(_not_utf8_line(exc)) from None
            if codecs.lookup(exc.encoding).name != "utf-8":  # the output's, not the text's
                raise click.ClickException(_encoding_line(exc)) from None
            raise  # not the user's text: a bug
        except KeyboardInterrupt:
            raise _interrupted() from None


def _came_of_interrupt(exc: BaseException) -> bool:
    """``is_interrupt``, but never for click's own ends of a command (its exit, as after an
    ingest's interrupted line, and its one-line errors), which say what they have to."""
    if isinstance(exc, (click.exceptions.Exit, click.ClickException, SystemExit)):
        return False
    return is_interrupt(exc)


def _interrupted() -> click.exceptions.Exit:
    """Ctrl-C or SIGTERM, wherever it came: its one line on standard error, and the exit
    (status 130) to raise. Click's own "Aborted!" and status 1 are never shown."""
    click.echo(INTERRUPTED, err=True)
    return click.exceptions.Exit(INTERRUPTED_STATUS)


class RootContext(click.Context):
    """The context of ``tracker`` itself, which every command runs inside: a Ctrl-C that
    no group's ``invoke`` turned into its line (one during the import of SQLAlchemy that
    the first group does before its handlers, a tenth of a second or two after the start,
    or while this context closes) came to click as "Aborted!" and status 1; here it ends
    as any other."""

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        tb: TracebackType | None,
    ) -> bool | None:
        try:
            suppressed = super().__exit__(exc_type, exc_value, tb)
        except BaseException as exc:
            if not _came_of_interrupt(exc):
                raise
            if isinstance(exc_value, click.exceptions.Exit) and (
                exc_value.exit_code == INTERRUPTED_STATUS
            ):
                raise exc_value from None  # interrupted already, and said so
            raise _interrupted() from None
        if exc_value is not None and _came_of_interrupt(exc_value):
            raise _interrupted() from None  # SQLAlchemy's assertion after a COMMIT, say
        return suppressed


# Errors of a write to a file already open, which names no file: standard output sent to
# a full disk or /dev/full (ENOSPC), over quota, past the size limit, or a device error.
WRITE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO})


def _null_stdout() -> None:
    """Point standard output at the null device, so that the exit's own flush of what is
    left in its buffer does not fail again after the one line that says why."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError):
        pass


class RootGroup(TrackerGroup):
    """``tracker``: also takes ``--db URL`` after the subcommand (``tracker position --db
    x.db``), by moving it before the subcommand's name; the last --db given wins."""

    context_class = RootContext

    def main(self, *args: Any, **kwargs: Any) -> Any:
        """A write that fails (``tracker articles > /dev/full``, a full disk) is one line
        and status 1 for every command, ``--help`` and ``--version`` included; click itself
        handles only a reader that went away (EPIPE)."""
        try:
            return super().main(*args, **kwargs)
        except OSError as exc:
            if exc.errno not in WRITE_ERRNOS or exc.filename is not None:
                raise
            _null_stdout()
            click.echo(f"Error: cannot write: {exc.strerror or exc}", err=True)
            sys.exit(1)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, _db_first(args))

    def invoke(self, ctx: click.Context) -> Any:
        import signal
        import threading

        if (
            threading.current_thread() is threading.main_thread()
            and signal.getsignal(signal.SIGTERM) == signal.SIG_DFL
        ):
            signal.signal(signal.SIGTERM, terminate_as_interrupt)
            ctx.call_on_close(lambda: signal.signal(signal.SIGTERM, signal.SIG_DFL))
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            # the reader stopped reading (`tracker db check | head -1`): no error of the
            # command's, so status 0 whenever it happens (click's own handling gave 1, or 0
            # when the output fitted in the pipe first, at random)
            _null_stdout()
            ctx.exit(0)

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except NoArgsIsHelpError:
            raise
        except click.UsageError as exc:  # tracker's own options: one line too
            raise click.ClickException(_usage_line(exc)) from None
        except BaseException as exc:  # a Ctrl-C while parsing, or in --version
            if not _came_of_interrupt(exc):
                raise
            raise _interrupted() from None


def _db_first(args: list[str]) -> list[str]:
    """``args`` with every ``--db URL`` / ``--db=URL`` moved to the front, in order (up to a
    ``--``, after which everything is an argument)."""
    moved: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            rest += args[i:]
            break
        if arg == "--db" and i + 1 < len(args):
            moved += args[i : i + 2]
            i += 2
            continue
        if arg == "--db":  # last, with no value: as before a command, not "No such option"
            raise click.BadOptionUsage("--db", "Option '--db' requires an argument.")
        if arg.startswith("--db="):
            moved.append(arg)
        else:
            rest.append(arg)
        i += 1
    return moved + rest


@click.group(cls=RootGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    "url",
    envvar="TRACKER_DATABASE_URL",
    metavar="URL",
    help="Database URL (default: sqlite:///tracker.db; env TRACKER_DATABASE_URL).",
)
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=lambda ctx, param, value: _print_version(ctx, value),
    help="Show the version and the coder's configuration hash, then exit.",
)
@click.pass_context
def cli(ctx: click.Context, url: str | None) -> None:
    """Track who supports, opposes or half-supports each point of a peace plan."""
    ctx.obj = State(url)


def _print_version(ctx: click.Context, value: bool) -> None:
    """The version, whether the coder is compiled, and the configuration's hash (of the
    lexicon, plans, actors and model files the coder would read: ``tracker.provenance``)."""
    if not value or ctx.resilient_parsing:
        return
    from importlib.metadata import version

    from tracker.provenance import current_configuration

    compiled = "yes" if coder_is_compiled() else "no"
    click.echo(f"tracker, version {version('tracker')} (compiled: {compiled})")
    click.echo(current_configuration().describe())
    ctx.exit()


def _state(ctx: click.Context) -> State:
    return ctx.find_object(State)


@cli.group(cls=TrackerGroup)
def db() -> None:
    """Manage the database schema (Alembic migrations)."""


@db.command("upgrade")
@click.argument("revision", default="head")
@click.pass_context
def db_upgrade(ctx: click.Context, revision: str) -> None:
    """Upgrade the schema to REVISION (default: head); a new store at head is seeded.

    Creates the store when it does not exist, like `tracker ingest` and `tracker seed`.
    """
    from tracker import db as database

    engine = _state(ctx).engine(ctx, mode="create")
    with database.telling_interrupts(engine):  # rolled back or committed: which, and where
        with database.leaving_nothing(engine):  # a revision mistyped on a new file: no file
            if database.is_new_store(engine) and revision in ("head", database.head_revision()):
                from tracker.seeds import check_seed_files

                check_seed_files()  # a broken seed file: no store migrated but never seeded
            older = database.revisions_undone(engine, revision)  # the store is past REVISION
            # what this run loaded, decided under the schema lock: two first upgrades at
            # once both said they had seeded the store (one had)
            loaded = database.upgrade(engine, revision, seed_new=True)
        current = _current(ctx)
        seeded = current == database.head_revision() and bool(
            loaded is not None or database.seed_if_empty(engine)
        )
        click.echo(
            f"database at revision {current or 'base'}"
            + ("; loaded the seed plans and actors" if seeded else "")
            + (
                f"; {revision} is older, so nothing was changed (db downgrade goes back)"
                if older
                else ""
            )
        )
        engine.dispose()  # closing the file (SQLite checkpoints it) is the migration's end too


@db.command("downgrade")
@click.argument("revision")
@click.option("--yes", is_flag=True, help="Do not ask before undoing migrations.")
@click.pass_context
def db_downgrade(ctx: click.Context, revision: str, yes: bool) -> None:
    """Downgrade the schema to REVISION, after asking: it removes the tables and columns
    of the migrations it undoes, with their data ("base" removes every table)."""
    from tracker import db as database

    engine = _state(ctx).engine(ctx, mode="admin")
    undone = database.revisions_undone(engine, revision)
    if not yes and undone:
        where = engine.url.render_as_string(hide_password=True)
        if database.reaches_base(undone):
            what = "removes every table and all the data"
        else:
            steps = ", ".join(f"{rev} ({title})" if title else rev for rev, title in undone)
            what = _downgrade_text(steps, [rev for rev, _ in undone])
        try:
            click.confirm(f"downgrading to {revision} {what} in {where}; continue?", abort=True)
        except click.Abort:
            raise TrackerError(
                "not confirmed; nothing was changed (--yes skips the question)"
            ) from None
    with database.telling_interrupts(engine):  # rolled back or committed: which, and where
        database.downgrade(engine, revision)
        click.echo(f"database at revision {_current(ctx) or 'base'}")
        engine.dispose()  # closing the file (SQLite checkpoints it) is the migration's end too


def _downgrade_text(steps: str, revisions: list[str]) -> str:
    """What a downgrade undoing ``revisions`` (named in ``steps``) does to the data: the
    migrations that remove none (views only; 0003, whose hashes and merges stay) are said
    to, and the others' additions go with their data."""
    from tracker import db as database

    notes = database.downgrade_notes(revisions)
    views = [rev for rev in revisions if notes.get(rev) is database.VIEWS]
    with_data = [rev for rev in revisions if rev not in notes]
    if not with_data and len(views) == len(revisions):
        change = "changes" if len(views) == 1 else "change"
        return f"undoes {steps}, which {change} views only (no stored data is removed),"
    said = []
    if views:
        said.append(f"{', '.join(views)} {'change' if len(views) > 1 else 'changes'} views only")
    said += [f"{rev} {note}" for rev, note in notes.items() if note is not database.VIEWS]
    if not with_data:
        return f"undoes {steps}, which remove no stored data ({'; '.join(said)}),"
    they = "it" if len(revisions) == 1 else "they"
    added = ", ".join(with_data) if said else they
    return f"undoes {steps} and removes what {added} added, with its data" + (
        f" ({'; '.join(said)})," if said else ","
    )


@db.command("current")
@click.pass_context
def db_current(ctx: click.Context) -> None:
    """Print the schema's revision and the newest this version knows."""
    from tracker import db as database

    with _state(ctx).engine(ctx, mode="admin").connect() as connection:
        current = database.current_revision(connection)
        foreign = database.is_foreign(connection)
    empty = "none (tables, but no tracker revision: not a tracker database)" if foreign else ""
    click.echo(f"current: {current or empty or 'none (empty database)'}")
    click.echo(f"head:    {database.head_revision()}")


@db.command("check")
@click.pass_context
def db_check(ctx: click.Context) -> None:
    """Check the store's integrity: revision, orphan rows, articles without sentences."""
    from tracker import doctor
    from tracker.provenance import coding_configuration, current_configuration
    from tracker.resources import missing_seeds_folder, seeds_dir

    if not seeds_dir().is_dir():  # every hint below compares the store with its files
        raise TrackerError(missing_seeds_folder(seeds_dir()))
    engine = _state(ctx).engine(ctx, mode="admin")
    revision, head, findings = doctor.check(engine)
    problems = 0
    if revision != head:
        problems += 1
        click.echo(f"revision: {revision or 'none'} (this version's head is {head}): PROBLEM")
    else:
        click.echo(f"revision: {revision} (head): ok")
    for finding in findings:
        problems += not finding.ok
        click.echo(f"{finding.check}: {finding.count}" + ("" if finding.ok else "  PROBLEM"))
    coding = None
    if revision == head:  # the store's plans and actors, as a run codes with them
        with engine.connect() as connection:
            coding = coding_configuration(connection)
    configuration = coding.configuration if coding is not None else current_configuration()
    click.echo(configuration.describe())
    model = doctor.model_problem(engine if coding is not None else None)
    problems += model.endswith("PROBLEM")
    click.echo(f"decision model: {model}")
    if coding is not None:  # not a problem: a hint
        stale = doctor.stale_articles(engine, configuration.hash)
        click.echo(
            f"articles coded by another configuration: {stale}"
            + ("  (tracker recode --stale codes them again)" if stale else "")
        )
        orphaned = doctor.decisions_without_article(engine)
        click.echo(
            f"positions with review decisions on articles no longer stored: {orphaned}"
            + ("  (kept in their history: tracker review history KEY)" if orphaned else "")
        )
        try:
            unlike = str(doctor.targets_unlike_files(engine))
            unlike += "  (tracker seed loads the plan files)" if unlike != "0" else ""
        except TrackerError as exc:  # a plan file that cannot be read is the seed's error
            unlike = f"unknown: {exc}"
        click.echo(f"targets the store and the plan files disagree on: {unlike}")
        changed = "yes  (tracker seed loads them)" if coding.files_changed else "no"
        click.echo(f"plan or actor files changed since the store was last seeded: {changed}")
        unfinished = doctor.unfinished_runs(engine)
        click.echo(
            f"coding runs still marked running: {unfinished}"
            + (
                "  (running now, or stopped by kill -9 or a full disk before recording"
                " their end; what they committed is whole)"
                if unfinished
                else ""
            )
        )
    click.echo("no problems found" if not problems else f"{problems} problem(s) found")
    if problems:
        ctx.exit(1)


def _current(ctx: click.Context) -> str | None:
    from tracker import db as database

    with _state(ctx).engine(ctx, mode="admin").connect() as connection:
        return database.current_revision(connection)


@cli.command()
@click.option("--articles/--no-articles", default=True, help="Also ingest the seed articles.")
@click.pass_context
def seed(ctx: click.Context, articles: bool) -> None:
    """Load (or reload) the plans, actors and seed articles of the seeds folder (the
    shipped seeds/, or $TRACKER_SEEDS_DIR).

    An upsert: plans, points and actors are added or updated by slug or name, and nothing
    stored is deleted; a point its plan file no longer has is retired (no longer coded;
    what was coded on it stays), as is every target of a plan whose file is gone, and an
    actor the actors file no longer has is no longer recognised, each with a warning; a
    point whose slug changed keeps its number and is renamed."""
    from tracker.db import writer
    from tracker.ingest import ingest
    from tracker.seeds import load_seeds, seed_articles

    state = _state(ctx)
    engine = state.engine(ctx, mode="write")
    loaded = state.seeded  # a new store: seeded as it was made, in the same transaction
    if loaded is None:
        with writer(engine).begin() as connection:
            loaded = load_seeds(connection)
    click.echo(f"seeded {loaded['actors']} actors and plans {', '.join(loaded['plans'])}")
    for line in loaded["warnings"]:
        click.echo(f"warning: {line}", err=True)
    if articles:  # read as `tracker ingest` reads a folder, and reported the same way

        def report(problem, kind: str = "error") -> None:
            click.echo(f"{kind}: " + printable(str(problem)), err=True)

        summary = ingest(
            engine,
            [str(p) for p in seed_articles()],
            on_failure=report,
            on_warning=lambda passed: report(passed, "warning"),
        )
        click.echo(summary.line())
        if summary.failed:
            ctx.exit(1)


@cli.command("ingest")
@click.argument("paths", nargs=-1, required=True, callback=no_blank_paths)
@click.option("--strict", is_flag=True, help="Stop at the first input that fails.")
@click.option(
    "--dry-run",
    is_flag=True,
    help="Read and code the articles without storing them (nor creating a store).",
)
@click.option(
    "-q", "--quiet", is_flag=True, help="Print only the error lines and the summary line."
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Code articles in this many processes (one writer; same result as 1).",
)
@decider_option
@click.pass_context
def ingest_command(
    ctx: click.Context,
    paths: tuple[str, ...],
    strict: bool,
    dry_run: bool,
    quiet: bool,
    workers: int,
    decider: str,
) -> None:
    """Ingest articles from files, folders (recursively) or - (standard input).

    Text files may start with a `date YYYY-MM-DD` header; .jsonl files hold one
    article per line with "text" and optional "date", "title", "url", "source".
    Articles already stored (same content) are skipped.
    """
    from tracker.ingest import Interrupted, ingest
    from tracker.progress import ProgressBar, bar_wanted, count_inputs, interrupted_line

    engine = _state(ctx).engine(ctx, mode="dry-run" if dry_run else "write")
    bar = None
    if bar_wanted(sys.stderr, quiet):
        bar = ProgressBar(sys.stderr, count_inputs(paths), dry_run=dry_run)

    def report(failure, kind: str = "error") -> None:
        line = f"{kind}: " + printable(str(failure))  # one line, even for a name with a newline
        if bar is not None:
            bar.write(line)
        else:
            click.echo(line, err=True)

    try:
        summary = ingest(
            engine,
            paths,
            workers=workers,
            on_failure=report,
            on_warning=lambda passed: report(passed, "warning"),
            on_progress=bar.update if bar is not None else None,
            strict=strict,
            dry_run=dry_run,
            decider=decider,
        )
    except Interrupted as stop:
        if bar is not None:
            bar.close()
        click.echo(interrupted_line(stop.summary, dry_run), err=True)
        ctx.exit(130)
    except StoppedByError as stopped:  # the summary of what was done, then the cause
        if bar is not None:
            bar.close()
        done = stopped.summary
        if done.new or done.skipped or done.failed:
            click.echo(("dry run: " if dry_run else "") + done.line())
        raise
    finally:
        if bar is not None:
            bar.close()
    click.echo(("dry run: " if dry_run else "") + summary.line())
    if summary.failed:
        ctx.exit(1)


@cli.command()
@click.option("--plan", help="Only this plan's targets (slug).")
@click.option("--target", help="Only this target: a point number, a slug or 'troop-withdrawal'.")
@limit_option
@output_options
@click.pass_context
def links(
    ctx: click.Context, plan: str | None, target: str | None, limit: int | None, fmt: str | None
) -> None:
    """List the links between sentences and targets."""
    from tracker import queries

    with _state(ctx).engine(ctx).connect() as connection:
        rows = queries.links(connection, plan=plan, target=target, limit=limit)
    click.echo(render(rows, fmt), nl=False)


@cli.command()
@click.option("--actor", help="An actor's name, alias or spelling variant.")
@click.option("--target", help="A point number, a slug, 'plan' or 'troop-withdrawal'.")
@click.option("--plan", help="Only this plan's targets (slug).")
@click.option("--since", metavar="DATE", help="Only articles published on or after DATE.")
@click.option("--until", metavar="DATE", help="Only articles published on or before DATE.")
@click.option("--article", type=ARTICLE_ID, metavar="ID", help="Only this article (its id).")
@click.option(
    "--reviewed-only", is_flag=True, help="Only positions confirmed, corrected or added by hand."
)
@min_score_option
@click.option("--explain", is_flag=True, help="Show why the coder found each position.")
@limit_option
@output_options
@click.pass_context
def position(
    ctx: click.Context,
    actor: str | None,
    target: str | None,
    plan: str | None,
    since: str | None,
    until: str | None,
    article: int | None,
    reviewed_only: bool,
    min_score: float | None,
    explain: bool,
    limit: int | None,
    fmt: str | None,
) -> None:
    """List actors' positions with the sentence, article and date behind each.

    As reviewed (`tracker review`): rejected positions are left out, corrections and
    additions shown; `status` is auto, confirmed, corrected or manual, `key` names the
    position in a review sheet. --explain adds the decision and who made it.
    """
    from tracker import queries

    with _state(ctx).engine(ctx).connect() as connection:
        rows = queries.positions(
            connection,
            actor=actor,
            target=target,
            plan=plan,
            explain=explain,
            limit=limit,
            since=since,
            until=until,
            article=article,
            reviewed_only=reviewed_only,
            min_score=min_score,
        )
    fmt = default_format(fmt)
    columns = None
    if fmt == "table" and rows:
        from tracker.review_view import with_retired

        columns = ["date", "actor", "plan", "target", "stance", "status", "sentence", "source"]
        columns = with_retired(columns, rows)
        if explain:
            columns.append("explanation")
    click.echo(render(rows, fmt, columns), nl=False)


@cli.command()
@limit_option
@output_options
@click.pass_context
def actors(ctx: click.Context, limit: int | None, fmt: str | None) -> None:
    """List the actors the registry knows."""
    from tracker import queries

    with _state(ctx).engine(ctx).connect() as connection:
        rows = queries.actors(connection, limit=limit)
    click.echo(render(rows, fmt), nl=False)


@cli.command()
@click.option("--plan", help="Only this plan (slug).")
@limit_option
@output_options
@click.pass_context
def points(ctx: click.Context, plan: str | None, limit: int | None, fmt: str | None) -> None:
    """List the plans' points and the other targets."""
    from tracker import queries

    with _state(ctx).engine(ctx).connect() as connection:
        rows = queries.points(connection, plan=plan, limit=limit)
    click.echo(render(rows, fmt), nl=False)


def _register_reports() -> None:
    """The report commands live in their own module; they share this group's state."""
    from tracker.cli_reports import report_command, sql_command

    cli.add_command(report_command, "report")
    cli.add_command(sql_command, "sql")


_register_reports()


def _register_articles() -> None:
    """`tracker articles` lives in its own module; it shares this group's state."""
    from tracker.cli_articles import articles_group

    cli.add_command(articles_group, "articles")


_register_articles()


def _register_browse() -> None:
    """`tracker browse` lives in its own module; it shares this group's state."""
    from tracker.cli_browse import browse_command

    cli.add_command(browse_command, "browse")


_register_browse()


def _register_recode() -> None:
    """`tracker recode` lives in its own module; it shares this group's state."""
    from tracker.cli_recode import recode_command

    cli.add_command(recode_command, "recode")


_register_recode()


def _register_review() -> None:
    """`tracker review` lives in its own module; it shares this group's state."""
    from tracker.cli_review import review_group

    cli.add_command(review_group, "review")


_register_review()


def _register_learn() -> None:
    """`tracker evaluate` and `tracker train` live in their own module; they share this
    group's state."""
    from tracker.cli_learn import evaluate_command, train_command

    cli.add_command(evaluate_command, "evaluate")
    cli.add_command(train_command, "train")


_register_learn()
