"""The coder's word lists, read from ``seeds/lexicon.toml``."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any

from tracker.errors import TrackerError, utf8_text
from tracker.resources import missing_seeds_folder, seeds_dir
from tracker.seed_schema import LEXICON, check, cue_problem


def lexicon_path() -> Path:
    return seeds_dir() / "lexicon.toml"


def read_toml(path: Path) -> dict[str, Any]:
    """A data file an analyst may have edited: a mistake in it is a one-line error."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise TrackerError(f"cannot read {path}: {exc.strerror}") from None
    # TOML is UTF-8; a byte-order mark was "Invalid statement (at line 1, column 1)"
    text = utf8_text(data, path)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TrackerError(f"{path} is not valid TOML: {exc}") from None


@lru_cache(maxsize=4)
def _load(path: Path) -> dict[str, Any]:
    """The lexicon file, checked: its keys (the schema), then a cue in two stance lists."""
    data = check(path, read_toml(path), LEXICON)
    problem = cue_problem(data)
    if problem:
        raise TrackerError(f"{path}: {problem}")
    return data


def load_lexicon() -> dict[str, Any]:
    path = lexicon_path()
    if not path.parent.is_dir():
        raise TrackerError(missing_seeds_folder(path.parent))
    return _load(path)
