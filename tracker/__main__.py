"""`python -m tracker` and the `tracker` command (``main``, pyproject's
[project.scripts]): the command line.

``tracker.cli`` imports click and every command's module, which takes a tenth of a
second; a Ctrl-C meanwhile printed Python's traceback. Here it ends as one at any later
moment does: its one line on standard error and status 130. Once the command has ended,
Ctrl-C is ignored while the interpreter shuts down.
"""

import sys


def main() -> None:
    try:
        from tracker.cli import cli
    except BaseException as exc:  # nothing imported before: the window stays as short as it can
        from tracker.errors import INTERRUPTED, INTERRUPTED_STATUS, is_interrupt

        if not is_interrupt(exc):
            raise
        print(INTERRUPTED, file=sys.stderr)
        sys.exit(INTERRUPTED_STATUS)
    try:
        cli()  # always ends with SystemExit, its status
    finally:
        # the command has ended and said so: a Ctrl-C in the interpreter's last moments
        # (threading's shutdown) printed "Exception ignored" and a traceback, with nothing
        # left to stop
        import signal

        signal.signal(signal.SIGINT, signal.SIG_IGN)


if __name__ == "__main__":
    main()
