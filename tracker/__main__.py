"""`python -m tracker` and the `tracker` command (``main``, pyproject's
[project.scripts]): the command line.

``tracker.cli`` imports click and every command's module, which takes a tenth of a
second; a Ctrl-C meanwhile printed Python's traceback. Here it ends as one at any later
moment does: its one line on standard error and status 130.
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
    cli()


if __name__ == "__main__":
    main()
