"""Which configuration codes: the hashes of the coder's data, and the runs that used them.

What the coder finds depends on the tracker's version, the decider, and four data files
an analyst may edit or replace: the lexicon, the plans, the actor registry (all in the
seeds folder, ``$TRACKER_SEEDS_DIR`` or the shipped one) and the decision model
(``$TRACKER_MODEL``, else the seeds folder's, else the shipped one). Each is hashed from
its bytes, so a copy with one word changed is another configuration and the same files
anywhere are the same one. Hashes are remembered per process by path, size and
modification time: a process pays for reading each file once.

Plans and actors reach the coder through the store (``tracker seed`` loads them), so a run
records the hashes of the files the store was last seeded with (``coding_configuration``,
which reads the ``seedings`` table), not of the files on disk: after editing them, run
``tracker seed``, and ``tracker recode --stale`` finds every article coded before.

Only ``coding_configuration`` touches the store (``tracker.runs`` records the runs), so
``tracker --version`` stays quick.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from tracker import __version__
from tracker.resources import model_path, plan_files, seeds_dir

if TYPE_CHECKING:
    from sqlalchemy import Connection

CONFIGURATION_VERSION = "tracker-configuration-1"  # what the hash is taken of
MISSING = "missing"  # the part's hash when its file is not there
NO_MODEL = "none"  # the model's hash when the decider reads none

_digests: dict[tuple[str, int, int], str] = {}


def file_digest(path: Path) -> str:
    """SHA-256 of a file's bytes, or ``MISSING``; remembered by path, size and mtime."""
    try:
        info = path.stat()
    except OSError:
        return MISSING
    key = (str(path.resolve()), info.st_size, info.st_mtime_ns)
    found = _digests.get(key)
    if found is None:
        try:
            found = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            return MISSING
        _digests[key] = found
    return found


def _plans_digest(seeds: Path) -> str:
    """One hash of every plan file of a seeds folder, by name in the order the seeder loads
    them (the files it passes over left out)."""
    files = plan_files(seeds)
    joined = "".join(f"{p.name}\0{file_digest(p)}\n" for p in files)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Configuration:
    """What the coder codes with; ``hash`` identifies it (64 hex digits)."""

    version: str
    decider: str
    seeds_dir: str
    model_path: str | None  # None when the decider reads no model
    lexicon: str
    plans: str
    actors: str
    model: str

    @property
    def hash(self) -> str:
        parts = (
            CONFIGURATION_VERSION,
            self.version,
            self.decider,
            self.lexicon,
            self.plans,
            self.actors,
            self.model,
        )
        return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()

    def parts(self) -> dict[str, str]:
        return {
            "lexicon": self.lexicon,
            "plans": self.plans,
            "actors": self.actors,
            "model": self.model,
        }

    def describe(self) -> str:
        """Two lines: the hash, then the first 12 digits of each part's."""
        parts = ", ".join(f"{name} {digest[:12]}" for name, digest in self.parts().items())
        return f"configuration: {self.hash}\n  ({self.decider} decider; {parts})"


def seed_file_hashes(folder: Path) -> tuple[str, str]:
    """The hashes of a seeds folder's plan files and actor file."""
    return _plans_digest(folder), file_digest(folder / "actors.toml")


@dataclass(frozen=True)
class CodingConfiguration:
    """What a run codes with: ``configuration`` (its plans and actors those the store was
    last seeded with), and whether the files on disk have changed since that seeding."""

    configuration: Configuration
    files_changed: bool


FILES_CHANGED = (
    "warning: the plan or actor files changed since the store was last seeded; coding "
    "uses the store's plans and actors (tracker seed loads the files, then tracker recode "
    "--stale codes again what they change)"
)


def coding_configuration(connection: Connection, decider: str = "learned") -> CodingConfiguration:
    """The configuration a run on this store codes with. The coder reads plans and actors
    from the store, so their hashes are those of the latest seeding (migration 0007), not
    the files': an article coded between an edit of a plan file and ``tracker seed`` was
    recorded as coded with the new plans, and ``recode --stale`` never found it. A store
    with no seeding recorded is taken to hold the files, as before."""
    from sqlalchemy import select

    from tracker.schema import Seeding

    files = current_configuration(decider)
    latest = connection.execute(
        select(Seeding.plans_hash, Seeding.actors_hash).order_by(Seeding.id.desc()).limit(1)
    ).first()
    if latest is None:
        return CodingConfiguration(files, False)
    held = replace(files, plans=latest.plans_hash, actors=latest.actors_hash)
    return CodingConfiguration(held, (files.plans, files.actors) != tuple(latest))


def current_configuration(decider: str = "learned") -> Configuration:
    """The configuration the coder would use now, from the files it would read."""
    seeds = seeds_dir()
    model = model_path() if decider == "learned" else None
    return Configuration(
        version=__version__,
        decider=decider,
        seeds_dir=str(seeds),
        model_path=str(model) if model is not None else None,
        lexicon=file_digest(seeds / "lexicon.toml"),
        plans=_plans_digest(seeds),
        actors=file_digest(seeds / "actors.toml"),
        model=file_digest(model) if model is not None else NO_MODEL,
    )
