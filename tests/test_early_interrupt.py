"""Ctrl-C at the start of a command, or at its very end, ends it as at any other moment:
the one interrupted line on standard error and status 130.

It printed click's "Aborted!" and status 1 while the first group imported SQLAlchemy (a
tenth of a second or two after the start) and while the arguments were parsed, and
Python's traceback while ``tracker.cli`` was imported. A real SIGINT is sent at each of
those moments: the command runs in a subprocess whose import of a given module (or whose
engine's ``dispose``) sends the process SIGINT and waits for it, so the moment is the
same on every run.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap

import pytest

# the README's line for an interrupted command
INTERRUPTED = (
    "interrupted; what was being written was rolled back, and what was committed before is kept"
)

# Runs ``tracker ARGS`` as the `tracker` command does (pyproject's [project.scripts]),
# after arranging a SIGINT at a moment: "import:MODULE" when MODULE is first imported,
# "dispose" when the engine is disposed (the context closing, after the output).
CHILD = textwrap.dedent(
    """
    import os, signal, sys, time

    moment, args = sys.argv[1], sys.argv[2:]

    def interrupt():
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(10)  # the signal's KeyboardInterrupt comes here, at once

    if moment.startswith("import:"):
        wanted = moment.removeprefix("import:")

        class Trap:
            def find_spec(self, name, path=None, target=None):
                if name == wanted:
                    sys.meta_path.remove(self)
                    interrupt()
                return None

        sys.meta_path.insert(0, Trap())
    else:
        from sqlalchemy.engine import Engine

        dispose = Engine.dispose

        def interrupting(self, *a, **k):
            Engine.dispose = dispose
            interrupt()

        Engine.dispose = interrupting
    sys.argv = ["tracker", *args]
    from tracker.__main__ import main

    main()
    """
)


def _run(moment: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", CHILD, moment, *args],
        capture_output=True,
        text=True,
        timeout=60,
        # a shell's background job ignores SIGINT; the tracker here must not
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("store") / "t.db"
    made = subprocess.run(
        [sys.executable, "-m", "tracker", "--db", str(path), "db", "upgrade"],
        capture_output=True,
        text=True,
    )
    assert made.returncode == 0, made.stderr
    return str(path)


@pytest.mark.parametrize(
    "moment, args",
    [
        ("import:click", ["points"]),  # tracker.cli being imported
        ("import:sqlalchemy", ["points"]),  # the first group's import, before any command
        ("import:sqlalchemy", ["db", "current"]),  # the same, under a group of commands
        ("import:tracker.provenance", ["--version"]),  # while the arguments are parsed
    ],
    ids=["importing-the-cli", "first-group", "nested-group", "parsing"],
)
def test_an_early_ctrl_c_is_the_interrupted_line(store, moment, args):
    result = _run(moment, "--db", store, *args)
    assert (result.returncode, result.stderr) == (130, INTERRUPTED + "\n"), result.stderr
    assert result.stdout == ""


def test_a_ctrl_c_as_the_command_closes_is_the_interrupted_line(store):
    """After the listing is out, while the engine is disposed (in the command's own
    context, which its group closes: this one already ended so, and is kept so)."""
    result = _run("dispose", "--db", store, "points", "--format", "csv")
    assert (result.returncode, result.stderr) == (130, INTERRUPTED + "\n"), result.stderr
    assert result.stdout.startswith("plan,target,kind,slug,title,")


def test_without_a_ctrl_c_the_child_runs_the_command(store):
    """The harness itself: with a moment that never comes, the command runs as usual."""
    result = _run("import:no.such.module", "--db", store, "db", "current")
    assert (result.returncode, result.stderr) == (0, ""), result.stderr
    assert result.stdout.startswith("current: ")


def test_the_tracker_command_runs_the_main_tested_here():
    """pyproject's `tracker` script is ``tracker.__main__:main``, the function the child
    runs, which turns a Ctrl-C during the import of the command line into the line."""
    import importlib
    import tomllib
    from pathlib import Path

    pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
    entry = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["scripts"]
    module, _, name = entry["tracker"].partition(":")
    from tracker.__main__ import main

    assert getattr(importlib.import_module(module), name) is main
