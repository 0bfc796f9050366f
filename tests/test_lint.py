"""Style and types as CI checks them: ruff on the code, mypy on the modules compiled by mypyc
(with the build's own arguments, hatch_build.py), so that a type error is a red test and not
a wheel that silently falls back to pure Python."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CODE = [
    p
    for p in ("tracker", "tests", "benchmarks", "scripts", "hatch_build.py")
    if (ROOT / p).exists()
]


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True)


@pytest.mark.parametrize("check", [["check"], ["format", "--check"]], ids=["lint", "format"])
def test_ruff(check):
    if shutil.which("ruff") is None and _run(sys.executable, "-m", "ruff", "--version").returncode:
        pytest.skip("ruff is not installed (pip install '.[test]')")
    result = _run(sys.executable, "-m", "ruff", *check, *CODE)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_compiled_modules_type_check():
    pytest.importorskip("mypy", reason="mypy is not installed (pip install '.[test]')")
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    modules = config["tool"]["hatch"]["build"]["targets"]["wheel"]["hooks"]["custom"]["compile"]
    result = _run(
        sys.executable,
        "-m",
        "mypy",
        "--ignore-missing-imports",
        "--no-site-packages",
        "--follow-imports=silent",
        "--no-incremental",
        *modules,
    )
    assert result.returncode == 0, result.stdout + result.stderr
