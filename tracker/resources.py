"""Where the migrations and seed data live.

An installed wheel carries copies of the top-level ``migrations/`` and
``seeds/`` folders under ``tracker/_data`` (hatch copies them at build time);
a source checkout or an editable install uses the repository's folders.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

SEEDS_ENV = "TRACKER_SEEDS_DIR"

_PACKAGE_DATA = Path(str(resources.files("tracker"))) / "_data"
_REPOSITORY = Path(__file__).resolve().parent.parent


def _data_dir(name: str) -> Path:
    for base in (_PACKAGE_DATA, _REPOSITORY):
        candidate = base / name
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"the tracker's {name}/ folder is missing from the installation")


def migrations_dir() -> Path:
    return _data_dir("migrations")


def seeds_dir() -> Path:
    """The shipped seeds, or an analyst's own folder of the same layout ($TRACKER_SEEDS_DIR)."""
    own = os.environ.get(SEEDS_ENV)  # "~/seeds" as written in a profile: expanded, as
    return Path(own).expanduser().absolute() if own else _data_dir("seeds")  # --db is


def missing_seeds_folder(folder: Path) -> str:
    """The error for a seeds folder that does not exist, named by what set it: a mistyped
    TRACKER_SEEDS_DIR was "no plans in …/plans", or "cannot read …/lexicon.toml", as if
    the folder were there and held nothing."""
    own = os.environ.get(SEEDS_ENV)
    return f"no seeds folder at {SEEDS_ENV}={own}" if own else f"no seeds folder at {folder}"


def plan_files(folder: Path) -> list[Path]:
    """The plan files of a seeds folder, by name: ``plans/*.toml`` as a shell's ``*`` sees
    it. A name starting with a dot is passed over, as ingest passes it over in an article
    folder: macOS's ``._x.toml`` beside each file copied to some disks, an editor's
    ``.old.toml``, were read as plans (not UTF-8, or a slug given twice)."""
    plans = folder / "plans"
    found = plans.glob("*.toml") if plans.is_dir() else []
    return sorted(path for path in found if not path.name.startswith("."))


MODEL_ENV = "TRACKER_MODEL"


def model_path() -> Path:
    """The decision model: $TRACKER_MODEL, else ``model.json`` in the seeds folder, else the
    shipped one (an analyst's own seeds folder need not carry a model)."""
    own = os.environ.get(MODEL_ENV)
    if own:
        return Path(own).expanduser().absolute()
    candidate = seeds_dir() / "model.json"
    return candidate if candidate.is_file() else _data_dir("seeds") / "model.json"
