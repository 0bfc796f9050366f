"""Build hook: the wheel carries the coder's modules compiled by mypyc.

The coder is pure Python that spends its time in small loops over words; mypyc turns
the same typed source into C and roughly doubles ingest throughput
(benchmarks/ingest.py). The .py files stay in the wheel beside the compiled ones, and
everything still runs uncompiled:
- editable installs are never compiled, so an edit takes effect at once;
- TRACKER_PURE_PYTHON=1 builds a pure-Python wheel on purpose;
- if compiling fails (no C compiler, say), the build warns and falls back to pure Python.
`tracker --version` says which one is running (`compiled: yes` or `no`).

Why not hatch-mypyc: it compiles in place, leaving .so files in tracker/ that shadow
later edits of the .py files, and it compiles editable installs too.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

SETUP = """\
from setuptools import setup
from mypyc.build import mypycify

setup(
    name="tracker-compiled",
    ext_modules=mypycify({arguments!r}, opt_level="3", group_name="tracker"),
)
"""


class CompileCoder(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or version == "editable":
            return
        if os.environ.get("TRACKER_PURE_PYTHON"):
            self.app.display_info("TRACKER_PURE_PYTHON is set: the wheel stays pure Python")
            return
        modules: list[str] = self.config.get("compile", [])
        self._workdir = Path(tempfile.mkdtemp(prefix="tracker-mypyc-"))
        shutil.copytree(Path(self.root) / "tracker", self._workdir / "tracker")
        # Third-party libraries are typed as Any whatever the build environment holds: with
        # their stubs seen, mypyc would insert checks such as "a SQLAlchemy Row is a tuple"
        # that fail at run time, and the wheel would depend on how it was built.
        arguments = [
            "--ignore-missing-imports",
            "--no-site-packages",
            "--follow-imports=silent",
            *modules,
        ]
        (self._workdir / "setup.py").write_text(SETUP.format(arguments=arguments))
        run = subprocess.run(
            [sys.executable, "setup.py", "build_ext", "--inplace"],
            cwd=self._workdir,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        if run.returncode != 0:
            tail = "\n".join(run.stdout.splitlines()[-15:])
            self.app.display_warning(
                f"compiling the coder with mypyc failed; the wheel is pure Python (slower):\n{tail}"
            )
            return
        built = [
            path
            for pattern in ("*__mypyc.*", "tracker/**/*")
            for path in sorted(self._workdir.glob(pattern))
            if path.suffix in (".so", ".pyd")
        ]
        for path in built:
            build_data["force_include"][str(path)] = str(path.relative_to(self._workdir))
        build_data["pure_python"] = False
        build_data["infer_tag"] = True

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        workdir = getattr(self, "_workdir", None)
        if workdir is not None:
            shutil.rmtree(workdir, ignore_errors=True)
