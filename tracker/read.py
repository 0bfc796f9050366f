"""Reading articles: files, folders, standard input; the seed format, plain text, JSON Lines.

Every input becomes a stream of ``Article`` values or ``InputFailure`` values,
one per article, so one bad file or line never stops the rest of a batch.
Text is decoded strictly: UTF-8 (with or without a byte-order mark) or UTF-16
with a byte-order mark. Invalid UTF-8 is refused rather than silently altered,
because the stored sentences are evidence and must quote the source exactly.
"""

from __future__ import annotations

import codecs
import datetime as dt
import hashlib
import json
import os
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from tracker.errors import TrackerError

JSONL_SUFFIXES = {".jsonl", ".ndjson"}
TEXT_SUFFIXES = {".txt", ".text"}
_DATE_HEADER = re.compile(r"\A\s*date[ \t]+(\S+)[ \t]*")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
# No news article comes near this; a larger input is a dump to split, and refusing it
# keeps memory bounded whatever the input.
MAX_ARTICLE_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Article:
    source: str
    text: str  # the decoded text, line endings normalised; offsets point into it
    body_start: int  # where the article's text begins after a date header
    published: dt.date | None
    title: str | None = None
    url: str | None = None

    content_hash: str = field(init=False, repr=False)  # what makes a repeat a repeat

    def __post_init__(self) -> None:
        digest = hashlib.sha256(self.text.encode("utf-8")).hexdigest()
        object.__setattr__(self, "content_hash", digest)  # once, not at every lookup


@dataclass(frozen=True, slots=True)
class InputFailure:
    source: str
    reason: str

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}"


class InputError(TrackerError):
    pass


def decode(data: bytes) -> str:
    """Decode bytes strictly; raise InputError with a reason a user can act on."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise InputError("not valid UTF-16 text") from None
    else:
        if b"\x00" in data[:8192]:
            raise InputError("binary file, not text")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputError(
                f"not valid UTF-8 (bad byte at offset {exc.start}); convert it to UTF-8 first"
            ) from None
    if "\x00" in text:
        raise InputError("binary file, not text")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def parse_date(value: str) -> dt.date:
    if not _ISO_DATE.match(value):
        raise InputError(f"bad date {value!r}: expected YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(f"bad date {value!r}: no such day") from None


def parse_text_article(text: str, source: str) -> Article:
    """An article in the seed format: an optional ``date YYYY-MM-DD`` header, then the text."""
    if not text.strip():
        raise InputError("empty article")
    published = None
    body_start = 0
    header = _DATE_HEADER.match(text)
    if header:
        published = parse_date(header.group(1))
        body_start = header.end()
        if not text[body_start:].strip():
            raise InputError("empty article (only a date header)")
    return Article(source=source, text=text, body_start=body_start, published=published)


def parse_jsonl_record(line: str, source: str) -> Article:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON ({exc.msg})") from None
    if not isinstance(record, dict):
        raise InputError("a JSON object is needed")
    text = record.get("text")
    if not isinstance(text, str):
        raise InputError("missing 'text'" if text is None else "'text' must be a string")
    if not text.strip():
        raise InputError("empty 'text'")
    for key in ("date", "title", "url", "source"):
        if record.get(key) is not None and not isinstance(record[key], str):
            raise InputError(f"'{key}' must be a string")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    published = parse_date(record["date"]) if record.get("date") else None
    return Article(
        source=record.get("source") or record.get("url") or source,
        text=text,
        body_start=0,
        published=published,
        title=record.get("title"),
        url=record.get("url"),
    )


def _read_bytes(handle: BinaryIO) -> bytes:
    data = handle.read(MAX_ARTICLE_BYTES + 1)
    if len(data) > MAX_ARTICLE_BYTES:
        raise InputError(_too_large())
    return data


def _too_large() -> str:
    return f"an article larger than {MAX_ARTICLE_BYTES // (1024 * 1024)} MB; split it"


def _lines(handle: BinaryIO) -> Iterator[bytes | None]:
    """The file's lines, each read with a cap; None stands for a line over the cap."""
    while raw := handle.readline(MAX_ARTICLE_BYTES + 1):
        if len(raw) > MAX_ARTICLE_BYTES and not raw.endswith(b"\n"):
            while (rest := handle.readline(1024 * 1024)) and not rest.endswith(b"\n"):
                pass  # skip the rest of the oversized line without holding it
            yield None
        else:
            yield raw


def _jsonl_lines(handle: BinaryIO, source: str) -> Iterator[Article | InputFailure]:
    first = True
    for number, raw in enumerate(_lines(handle), 1):
        where = f"{source}:{number}"
        if raw is None:
            yield InputFailure(where, _too_large())
            continue
        try:
            line = raw.decode("utf-8-sig" if first else "utf-8")
        except UnicodeDecodeError:
            yield InputFailure(where, "not valid UTF-8")
            continue
        first = False
        if not line.strip():
            continue
        try:
            yield parse_jsonl_record(line, source)
        except InputError as exc:
            yield InputFailure(where, str(exc))


def read_file(path: Path, source: str | None = None) -> Iterator[Article | InputFailure]:
    source = source or str(path)
    try:
        with path.open("rb") as handle:
            if path.suffix.lower() in JSONL_SUFFIXES:
                yield from _jsonl_lines(handle, source)
                return
            data = _read_bytes(handle)
    except OSError as exc:
        yield InputFailure(source, exc.strerror or str(exc))
        return
    except InputError as exc:
        yield InputFailure(source, str(exc))
        return
    try:
        yield parse_text_article(decode(data), source)
    except InputError as exc:
        yield InputFailure(source, str(exc))


def read_stdin(stream: BinaryIO | None = None) -> Iterator[Article | InputFailure]:
    """Standard input: JSON Lines when the first character is ``{``, otherwise one article."""
    stream = stream or sys.stdin.buffer
    data = stream.read()
    try:
        text = decode(data)
    except InputError as exc:
        yield InputFailure("<stdin>", str(exc))
        return
    if text.lstrip().startswith("{"):
        for number, line in enumerate(text.split("\n"), 1):
            if line.strip():
                try:
                    yield parse_jsonl_record(line, "<stdin>")
                except InputError as exc:
                    yield InputFailure(f"<stdin>:{number}", str(exc))
        return
    try:
        yield parse_text_article(text, "<stdin>")
    except InputError as exc:
        yield InputFailure("<stdin>", str(exc))


def _looks_like_articles(path: Path) -> bool:
    """In a folder, a JSON Lines file counts as articles only if its first record has text.

    Corpus folders also hold gold and metadata files in JSON Lines; those are
    passed over (and reported) instead of failing line by line.
    """
    try:
        with path.open("rb") as handle:
            for raw in handle:
                if raw.strip():
                    record = json.loads(raw)
                    return isinstance(record, dict) and "text" in record
    except (OSError, ValueError):
        return True  # let read_file report the problem
    return True


def walk(root: Path) -> Iterator[Path | InputFailure]:
    """Article files under a folder, sorted, without following symbolic links into loops."""
    seen: set[tuple[int, int]] = set()
    for folder, subfolders, files in os.walk(root, followlinks=True, onerror=None):
        stat = os.stat(folder)
        key = (stat.st_dev, stat.st_ino)
        if key in seen:
            subfolders[:] = []
            continue
        seen.add(key)
        subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
        for name in sorted(files):
            if name.startswith("."):
                continue
            path = Path(folder) / name
            suffix = path.suffix.lower()
            if suffix in TEXT_SUFFIXES:
                yield path
            elif suffix in JSONL_SUFFIXES:
                if _looks_like_articles(path):
                    yield path


def read_inputs(paths: Iterable[str]) -> Iterator[Article | InputFailure]:
    """All articles of the given paths, in order; ``-`` is standard input."""
    for given in paths:
        if given == "-":
            yield from read_stdin()
            continue
        path = Path(given)
        if path.is_dir():
            for item in walk(path):
                yield from read_file(item) if isinstance(item, Path) else [item]
        elif path.exists():
            yield from read_file(path, given)
        elif path.is_symlink():
            yield InputFailure(given, "broken symbolic link")
        else:
            yield InputFailure(given, "no such file or directory")
