"""Reading articles: files, folders, standard input; the seed format, plain text, JSON Lines.

Every input becomes a stream of ``Article`` values or ``InputFailure`` values,
one per article, so one bad file or line never stops the rest of a batch.
Text is decoded strictly: UTF-8 (with or without a byte-order mark) or UTF-16
with a byte-order mark. Invalid UTF-8 is refused rather than silently altered,
because the stored sentences are evidence and must quote the source exactly;
so is text neither store can hold the same way (a NUL character, a lone
surrogate from a JSON escape). Only regular files are read: a FIFO or a device
is refused without opening it for a blocking read, and every path that cannot
be listed or read is a failure of its own, never skipped in silence. File names
that are not UTF-8 are shown and stored with their undecodable bytes escaped.
"""

from __future__ import annotations

import codecs
import datetime as dt
import errno
import hashlib
import json
import os
import re
import stat
import sys
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Protocol

from tracker.coder.text import INVISIBLE, has_any
from tracker.errors import TrackerError

JSONL_SUFFIXES = {".jsonl", ".ndjson"}
TEXT_SUFFIXES = {".txt", ".text"}
JSON_FILE = (
    "a .json file is neither of the formats tracker reads: save its articles as JSON Lines "
    "(.jsonl, one object a line) or as text"
)
EMPTY_JSONL = "no articles in the file (it is empty or blank)"
# The seed format's header, "date 2023-03-09": a value with a digit, or a word alone on the
# first line, is taken for a date ("date 9/3/2023" and "date tomorrow" on a line of their
# own are bad dates), while "date palms grow…" is an article's first words.
# Spaces and invisible characters before it ("\u200bdate 2023-03-01 …" copied from a page
# was an undated article whose first words were the header)
_LEAD = r"\A[\s" + "".join(INVISIBLE) + "]*"
_DATE_HEADER = re.compile(
    _LEAD + r"date[ \t\u00a0]+(\S*[0-9]\S*|\S+(?=[ \t\u00a0]*(?:\r?\n|\Z)))[ \t\u00a0]*"
)
# The same header as people also write it ("Date 2023-03-09", "date: 2023-03-09"): with a
# colon, whatever follows on the line is its date; without one, a value with a digit, so
# that "Date palms…" stays text. The value is the whole word, as in the seed format's
# header: "Date: 2023-03-09T10:00" and "date: 2023-03-09," are bad dates, where the date
# was taken and ", …" or "T10:00 …" stored as the first sentence's words
_DATE_HEADER_LOOSE = re.compile(
    _LEAD + r"date(?:[ \t\u00a0]*:[ \t\u00a0]*(\S+)|[ \t\u00a0]+(\S*[0-9]\S*))[ \t\u00a0]*",
    re.IGNORECASE,
)
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")  # ASCII digits: "２０２３" is no date
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
        digest = content_hash(self.text[self.body_start :], self.published)
        object.__setattr__(self, "content_hash", digest)  # once, not at every lookup


# What the content hash is taken of, tagged with this version of it (migration 0003 gave
# every stored article this hash, from its stored sentences).
HASH_VERSION = "tracker-article-2"
_UNSEEN: dict[int, None] = {ord(c): None for c in INVISIBLE}


def content_key(body: str, published: dt.date | None) -> str:
    """What makes an article the same article: its date and the text of its body as a
    reader sees it, its words in order. Not the spaces, line breaks and line endings
    between words (a trailing newline, a line's trailing spaces, Windows line endings,
    paragraphs wrapped anew), nor invisible characters (soft hyphens, zero-width spaces,
    see ``tracker.coder.text.INVISIBLE``), nor the Unicode normalisation form (compared in NFC).

    Only what the stored sentences keep goes in: the words outside a sentence are none,
    so the store can work out the key again from its sentences, as migration 0003 did. The
    parts are joined by NUL characters, which no article's text holds."""
    if has_any(body, INVISIBLE):
        body = body.translate(_UNSEEN)
    words = unicodedata.normalize("NFC", single_spaced(body))
    return f"{HASH_VERSION}\0{published.isoformat() if published else ''}\0{words}"


# What str.split() splits at besides " " and "\n" (every character whose isspace() is
# true): seldom in an article. The ASCII ones first.
OTHER_SPACES = (
    "\t\x0b\x0c\r\x1c\x1d\x1e\x1f",
    "\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000",
)
_ASCII_OTHERS = tuple(OTHER_SPACES[0])
_ALL_OTHERS = tuple("".join(OTHER_SPACES))


def single_spaced(text: str) -> str:
    """``" ".join(text.split())``: the words one space apart. A text with no spaces but
    " " and "\n" (most) is not cut into a list of words: a few passes of str.replace, a
    third of the time (a dev article: 14 against 30 to 50 µs)."""
    for space in _ASCII_OTHERS if text.isascii() else _ALL_OTHERS:
        if space in text:
            return " ".join(text.split())
    spaced = text.strip().replace("\n", " ")
    while "  " in spaced:
        spaced = spaced.replace("  ", " ")
    return spaced


def content_hash(body: str, published: dt.date | None) -> str:
    return hashlib.sha256(content_key(body, published).encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class InputFailure:
    source: str
    reason: str

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}"


@dataclass(frozen=True, slots=True)
class PassedOver(InputFailure):
    """A file of a folder that is not read, as the rule says, but looks as if it was meant to
    be: a warning, not a failure (nothing of it is counted)."""


class InputError(TrackerError):
    pass


def printable(name: str) -> str:
    """A path fit to print and to store: bytes of a file name that are not UTF-8 (which
    Python keeps as lone surrogates) written as ``\\xff``, everything else as it is."""
    try:
        return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a surrogate that stands for no byte
        return name.encode("utf-8", "backslashreplace").decode("utf-8")


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


def _not_regular(mode: int) -> str:
    kind = next((name for test, name in _KINDS if test(mode)), "a special file")
    return f"not a regular file ({kind})"


def _open_regular(path: Path) -> BinaryIO:
    """Open a regular file for reading, or raise InputError (OSError when it cannot be opened).

    Opened without blocking and checked on the open descriptor: opening a FIFO waits for
    a writer and reading it waits for ever, and a file can be replaced after a check by
    name.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise InputError(_not_regular(mode))
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _unstorable(value: str) -> str | None:
    """Why a string cannot be stored as it is on both stores, if it cannot."""
    if "\x00" in value:
        return f"holds a NUL character (\\u0000) at character {value.index(chr(0))}"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        return (
            f"holds a lone surrogate (\\u{ord(value[exc.start]):04x}) at character "
            f"{exc.start}: not valid Unicode"
        )
    return None


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
    except ValueError as exc:  # "month must be in 1..12", "day is out of range for month"
        raise InputError(f"bad date {value!r}: no such day ({exc})") from None


def _blank(text: str) -> bool:
    """Whether a reader sees nothing in ``text``: spaces, and invisible characters (zero-width
    spaces, soft hyphens) that the coder leaves out, as a page copied with nothing on it
    holds (such an article was stored with no sentence, which `db check` calls a problem)."""
    return not text.translate(_UNSEEN).strip() if has_any(text, INVISIBLE) else not text.strip()


def composed(text: str) -> str:
    """``text`` in NFC, the form a reader cannot tell from it: a name written with combining
    accents ("Erdog\u0306an", as macOS and some pages save it) was cut in two at the accent
    and matched no one, and the same article read again in NFC was a repeat (the content
    key compares in NFC), so it could not be mended by ingesting it again."""
    if text.isascii() or unicodedata.is_normalized("NFC", text):
        return text
    return unicodedata.normalize("NFC", text)


def parse_text_article(text: str, source: str) -> Article:
    """An article in the seed format: an optional ``date YYYY-MM-DD`` header, then the text."""
    if _blank(text):
        raise InputError("empty article")
    text = composed(text)
    published = None
    body_start = 0
    header = _DATE_HEADER.match(text) or _DATE_HEADER_LOOSE.match(text)
    if header:
        value = next(group for group in header.groups() if group)
        published = parse_date(value.translate(_UNSEEN))  # "2023-03-09\u200b"
        body_start = header.end()
        if _blank(text[body_start:]):
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
    if _blank(text):
        raise InputError("empty 'text'")
    for key in ("text", "date", "title", "url", "source"):
        value = record.get(key)
        if value is not None and not isinstance(value, str):
            raise InputError(f"'{key}' must be a string")
        problem = _unstorable(value) if value else None
        if problem:
            raise InputError(f"'{key}' {problem}")
    text = composed(text.replace("\r\n", "\n").replace("\r", "\n"))
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


def _line_too_large() -> str:
    """A JSON Lines line past the limit: its article may be far smaller (Python's
    json.dumps writes Cyrillic as \\u escapes, six bytes a letter), so "split it" alone
    misled."""
    return (
        f"a JSON Lines line larger than {MAX_ARTICLE_BYTES // (1024 * 1024)} MB; split its "
        "article, or write it without \\u escapes (json.dumps(..., ensure_ascii=False))"
    )


class _LineSource(Protocol):
    def readline(self, limit: int = -1, /) -> bytes: ...


def _lines(handle: _LineSource) -> Iterator[bytes | None]:
    """The file's lines, each read with a cap; None stands for a line over the cap."""
    while raw := handle.readline(MAX_ARTICLE_BYTES + 1):
        if len(raw) > MAX_ARTICLE_BYTES and not raw.endswith(b"\n"):
            while (rest := handle.readline(1024 * 1024)) and not rest.endswith(b"\n"):
                pass  # skip the rest of the oversized line without holding it
            yield None
        else:
            yield raw


def _jsonl_lines(handle: _LineSource, source: str) -> Iterator[Article | InputFailure]:
    """A JSON Lines file's articles, line by line; a file with no line but blank ones is a
    failure, as an empty text file is, so that an empty export is not taken for success."""
    first = True
    blank = True
    for number, raw in enumerate(_lines(handle), 1):
        where = f"{source}:{number}"
        if raw is None:
            blank = False
            yield InputFailure(where, _line_too_large())
            continue
        try:
            line = raw.decode("utf-8-sig" if first else "utf-8")
        except UnicodeDecodeError:
            blank = False
            yield InputFailure(where, "not valid UTF-8")
            continue
        first = False
        if not line.strip():
            continue
        blank = False
        try:
            yield parse_jsonl_record(line, source)
        except InputError as exc:
            yield InputFailure(where, str(exc))
    if blank:
        yield InputFailure(source, EMPTY_JSONL)


def read_file(path: Path, source: str | None = None) -> Iterator[Article | InputFailure]:
    source = printable(source or str(path))
    if path.suffix.lower() == ".json":  # read as text, its JSON became an article's words
        yield InputFailure(source, JSON_FILE)
        return
    try:
        with _open_regular(path) as handle:
            if path.suffix.lower() in JSONL_SUFFIXES:
                yield from _jsonl_lines(handle, source)
                return
            data = _read_bytes(handle)
    except OSError as exc:
        yield InputFailure(source, _reason(exc))
        return
    except InputError as exc:
        yield InputFailure(source, str(exc))
        return
    try:
        yield parse_text_article(decode(data), source)
    except InputError as exc:
        yield InputFailure(source, str(exc))


def read_stdin(stream: BinaryIO | None = None) -> Iterator[Article | InputFailure]:
    """Standard input, read as a file is: JSON Lines when its first character (after spaces)
    is ``{``, read line by line, each line an article as big as a file's may be, each stored
    without waiting for the end of the input; otherwise one article, refused past the size
    of an article, never read whole into memory first."""
    stream = stream or sys.stdin.buffer
    head = _opening(stream)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        yield from _utf16_stdin(head, stream)
        return
    if head.endswith(b"{"):
        yield from _jsonl_lines(_Prefixed(head, stream), "<stdin>")
        return
    data = head + stream.read(MAX_ARTICLE_BYTES + 1 - len(head))
    if len(data) > MAX_ARTICLE_BYTES:
        yield InputFailure("<stdin>", _too_large())
        return
    try:
        yield parse_text_article(decode(data), "<stdin>")
    except InputError as exc:
        yield InputFailure("<stdin>", str(exc))


_SPACE_BYTES = frozenset(b" \t\r\n\x0b\x0c")


def _opening(stream: BinaryIO) -> bytes:
    """The first bytes of ``stream``: a UTF-8 byte-order mark, spaces, and the first byte
    that is none of these (the whole of a UTF-16 byte-order mark); at most an article's
    size."""
    head = bytearray()
    while len(head) <= MAX_ARTICLE_BYTES:
        byte = stream.read(1)
        if not byte:
            break
        head += byte
        if len(head) <= 3 and codecs.BOM_UTF8.startswith(head):
            continue
        if head[-1] not in _SPACE_BYTES:
            if len(head) == 1 and byte in (b"\xff", b"\xfe"):
                head += stream.read(1)
            break
    return bytes(head)


def _utf16_stdin(head: bytes, stream: BinaryIO) -> Iterator[Article | InputFailure]:
    """UTF-16 on standard input: one article, or JSON Lines, no larger than an article."""
    data = head + stream.read(MAX_ARTICLE_BYTES + 1 - len(head))
    if len(data) > MAX_ARTICLE_BYTES:
        yield InputFailure("<stdin>", _too_large())
        return
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


class _Prefixed:
    """``stream`` with ``head``, already read from it, put back in front: what
    ``_jsonl_lines`` reads lines from."""

    def __init__(self, head: bytes, stream: BinaryIO) -> None:
        self.head = head
        self.stream = stream

    def readline(self, limit: int = -1) -> bytes:
        if not self.head:
            return self.stream.readline(limit)
        end = self.head.find(b"\n") + 1
        if end:  # blank lines before the first record
            line, self.head = self.head[:end], self.head[end:]
            return line
        line, self.head = self.head, b""
        return line + self.stream.readline(limit - len(line) if limit >= 0 else -1)


def _passed_over(path: Path) -> PassedOver | bool:
    """In a folder, a JSON Lines file counts as articles only if its first record has text:
    False when it does (or cannot be read, which read_file reports), True when not.

    Corpus folders also hold gold and metadata files in JSON Lines; those are passed over
    instead of failing line by line. One that holds an article after its first record (a
    metadata line put first) is passed over too, but with a ``PassedOver`` warning naming
    the line: it was passed over without a word.
    """
    try:
        with _open_regular(path) as handle:
            lines = enumerate(handle, 1)
            first = next((raw for _, raw in lines if raw.strip()), None)
            if first is None:  # blank lines alone: read_file fails it, as an empty file
                return False
            record = json.loads(first)
            if isinstance(record, dict) and "text" in record:
                return False
            for number, raw in lines:
                if b'"text"' in raw and _has_text(raw):
                    return PassedOver(
                        printable(str(path)),
                        'passed over: its first record has no "text" (as a gold or metadata '
                        f"file's), though line {number} holds an article; name the file itself "
                        "to ingest its articles",
                    )
    except (OSError, ValueError):  # InputError is a ValueError too
        return False  # let read_file report the problem
    return True


def _has_text(raw: bytes) -> bool:
    try:
        record = json.loads(raw)
    except ValueError:
        return False
    return isinstance(record, dict) and "text" in record


def _stat_failure(path: str, exc: OSError) -> InputFailure:
    """What a path that cannot be looked at is reported as."""
    if exc.errno == errno.ENOENT:
        reason = "broken symbolic link" if os.path.islink(path) else "no such file or directory"
    else:
        reason = _reason(exc)
    return InputFailure(printable(path), reason)


ARTICLE_SUFFIXES = TEXT_SUFFIXES | JSONL_SUFFIXES


def walk(root: Path) -> Iterator[Path | InputFailure]:
    """Article files under a folder, sorted, following symbolic links but never into a loop.

    Only regular files are yielded. What cannot be read is reported in its place: a folder
    that cannot be listed, an entry that cannot be looked at (a broken symbolic link, whatever
    its name, since it may have pointed to a folder), and a FIFO or device with an article's
    name. Hidden entries and files without an article's suffix are passed over, and so are
    JSON Lines files whose first record has no text (``_passed_over``), with a warning
    (``PassedOver``) when a later line holds an article.
    """
    seen: set[tuple[int, int]] = set()
    pending = [root]  # folders still to list, the next on top: depth first, as os.walk
    while pending:
        folder = pending.pop()
        try:
            info = folder.stat()
            key = (info.st_dev, info.st_ino)
            if key in seen:
                continue
            seen.add(key)
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError as exc:
            yield _stat_failure(str(folder), exc)
            continue
        subfolders: list[Path] = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                mode = entry.stat().st_mode  # through symbolic links
            except OSError as exc:
                yield _stat_failure(entry.path, exc)
                continue
            path = Path(entry.path)
            suffix = path.suffix.lower()
            if stat.S_ISDIR(mode):
                subfolders.append(path)
            elif suffix not in ARTICLE_SUFFIXES:
                continue
            elif not stat.S_ISREG(mode):
                yield InputFailure(printable(entry.path), _not_regular(mode))
            elif suffix in TEXT_SUFFIXES:
                yield path
            elif (passed := _passed_over(path)) is False:
                yield path
            elif isinstance(passed, PassedOver):
                yield passed
        pending.extend(reversed(subfolders))


def read_inputs(paths: Iterable[str]) -> Iterator[Article | InputFailure]:
    """All articles of the given paths, in order; ``-`` is standard input.

    A path named here is read whatever its suffix, but only if it is a folder or a
    regular file: a FIFO is refused, not waited on (standard input is ``-``).
    """
    stdin_read = False
    for given in paths:
        if given == "-":
            if stdin_read:  # "ingest - -": the second would read an empty stream
                yield InputFailure("-", "standard input is read once; give - one time")
            else:
                stdin_read = True
                yield from read_stdin()
            continue
        path = Path(given)
        try:
            mode = path.stat().st_mode
        except OSError as exc:
            yield _stat_failure(given, exc)
            continue
        if stat.S_ISDIR(mode):
            for item in walk(path):
                yield from read_file(item) if isinstance(item, Path) else [item]
        elif stat.S_ISREG(mode):
            yield from read_file(path, given)
        else:
            yield InputFailure(printable(given), _not_regular(mode))
