"""The same article is stored once, whatever its line endings, trailing spaces or Unicode
form; migration 0003 re-hashes a store and merges the copies it already holds."""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.util
import json
import sys
import unicodedata
from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from tracker import db
from tracker.ingest import ingest
from tracker.read import (
    OTHER_SPACES,
    content_hash,
    decode,
    parse_jsonl_record,
    parse_text_article,
    single_spaced,
)

ROOT = Path(__file__).resolve().parent.parent
DEV = Path(__file__).parent / "data" / "dev"
ORIGINAL = (DEV / "dev-01.txt").read_text(encoding="utf-8")


def _migration():
    path = ROOT / "migrations" / "versions" / "0003_article_hash_as_read.py"
    spec = importlib.util.spec_from_file_location("migration_0003", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _hash_of_file(data: str | bytes) -> str:
    raw = data if isinstance(data, bytes) else data.encode("utf-8")
    return parse_text_article(decode(raw), "x.txt").content_hash


def _variants(original: str) -> dict[str, bytes]:
    """The same article as a reader sees it, written differently."""
    lines = original.split("\n")
    return {
        "trailing newline": (original + "\n").encode("utf-8"),
        "no trailing newline": original.rstrip("\n").encode("utf-8"),
        "Windows line endings": original.replace("\n", "\r\n").encode("utf-8"),
        "old Mac line endings": original.replace("\n", "\r").encode("utf-8"),
        "trailing spaces": "\n".join(line + " \t" for line in lines).encode("utf-8"),
        "NFD": unicodedata.normalize("NFD", original).encode("utf-8"),
        "byte order mark": b"\xef\xbb\xbf" + original.encode("utf-8"),
        "soft hyphen": original.replace("Zelenskiy", "Zelen\u00adskiy").encode("utf-8"),
        "reflowed": original.replace("\n\n", "\n").encode("utf-8"),
    }


def test_what_a_reader_does_not_see_leaves_the_hash_as_it_is():
    original = ORIGINAL.replace("Kyiv", "Kyïv")  # something NFD decomposes
    expected = _hash_of_file(original)
    for name, data in _variants(original).items():
        assert _hash_of_file(data) == expected, name


def test_what_a_reader_sees_changes_the_hash():
    expected = _hash_of_file(ORIGINAL)
    assert _hash_of_file(ORIGINAL.replace("cautiously", "cautiosly")) != expected
    assert _hash_of_file(ORIGINAL.replace("12-point", "12 -point")) != expected
    assert _hash_of_file(ORIGINAL.replace("date 2023-02-24", "date 2023-02-25")) != expected
    assert _hash_of_file(ORIGINAL + "\nOne more sentence.") != expected


def test_the_date_header_is_the_article_date_in_any_format():
    body = ORIGINAL.split("date 2023-02-24 ", 1)[1]
    record = json.dumps({"text": body + "\n", "date": "2023-02-24", "title": "Kyiv"})
    from_jsonl = parse_jsonl_record(record, "a.jsonl")
    assert from_jsonl.content_hash == _hash_of_file(ORIGINAL)
    assert from_jsonl.content_hash == content_hash(body, dt.date(2023, 2, 24))
    undated = parse_jsonl_record(json.dumps({"text": body}), "a.jsonl")
    assert undated.content_hash != from_jsonl.content_hash


def test_ingest_stores_each_variant_once(invoke, db_url, tmp_path):
    first = tmp_path / "original.txt"
    first.write_text(ORIGINAL, encoding="utf-8")
    assert "1 new, 0 skipped" in invoke("--db", db_url, "ingest", first).output
    folder = tmp_path / "copies"
    folder.mkdir()
    variants = _variants(ORIGINAL)
    for n, data in enumerate(variants.values()):
        (folder / f"copy{n}.txt").write_bytes(data)
    result = invoke("--db", db_url, "ingest", folder)
    assert f"0 new, {len(variants)} skipped, 0 failed" in result.output


def _tricky_articles(folder: Path) -> list[Path]:
    folder.mkdir()
    texts = [p.read_text(encoding="utf-8") for p in sorted(DEV.glob("dev-*.txt"))]
    long_run = " ".join(t.split(" ", 3)[3] for t in texts).replace(".", "").replace("\n", " ")
    texts += [
        "date 2023-03-01 Kyiv said\u00a0no. \u200bBeijing\u00ad said yes.\u200b\n\nTogether  "
        "they  met.\u2028Again ʼtoday,\u2060 here.",
        "  \n\n  Leading blank lines.\tTabs\tbetween. Ends without a stop",
        long_run[:5000],
        "a," * 1200 + " comma run",
        "x" * 2500 + " after a run without spaces.",
        unicodedata.normalize("NFD", "Zelenskyy met Erdoğan. Kyïv agreed."),
    ]
    paths = []
    for n, body in enumerate(texts):
        path = folder / f"t{n:02d}.txt"
        path.write_text(body, encoding="utf-8")
        paths.append(path)
    return paths


def test_the_migration_finds_from_the_sentences_the_hash_ingest_gives(invoke, db_url, tmp_path):
    """The store holds no article text: the migration works the key out from the sentences,
    and must come to the hash reading the text gives."""
    paths = _tricky_articles(tmp_path / "in")
    invoke("--db", db_url, "ingest", *paths)
    engine = db.make_engine(db_url)
    with engine.connect() as connection:
        stored = dict(connection.execute(text("SELECT id, content_hash FROM articles")).all())
        worked_out = _migration()._new_hashes(connection)
    engine.dispose()
    assert len(stored) == len(paths)
    assert worked_out == stored


def _old_hash(data: bytes) -> str:
    """The hash revision 0002 stored: the text as decoded, line endings normalised."""
    return hashlib.sha256(decode(data).encode("utf-8")).hexdigest()


def _store_as_0002_did(engine, path: Path) -> int:
    """Ingest one file into a store at revision 0002 and give it the hash 0002 gave."""
    summary = ingest(engine, [str(path)])
    assert summary.new == 1, summary
    with engine.begin() as connection:
        article_id = connection.execute(text("SELECT MAX(id) FROM articles")).scalar_one()
        connection.execute(
            text("UPDATE articles SET content_hash = :h WHERE id = :id"),
            {"h": _old_hash(path.read_bytes()), "id": article_id},
        )
    return article_id


def _rows(engine, sql: str, **params) -> list[tuple]:
    with engine.connect() as connection:
        return [tuple(r) for r in connection.execute(text(sql), params)]


def _snapshot(engine) -> tuple:
    return tuple(
        _rows(engine, f"SELECT * FROM {table} ORDER BY id")
        for table in ("articles", "sentences", "links", "positions")
    )


def test_upgrade_merges_copies_and_keeps_manual_positions(invoke, db_url, tmp_path):
    # stored by this version, with 0002's hashes, then taken down to 0002 (ingest writes
    # the columns of the current head)
    engine = db.make_engine(db_url)
    folder = tmp_path / "in"
    folder.mkdir()
    original = folder / "original.txt"
    original.write_text(ORIGINAL, encoding="utf-8")
    other = folder / "other.txt"
    other.write_text((DEV / "dev-02.txt").read_text(encoding="utf-8"), encoding="utf-8")
    variants = _variants(ORIGINAL)
    copies = []
    for name in ("trailing spaces", "NFD", "reflowed"):
        path = folder / f"{name.replace(' ', '-')}.txt"
        path.write_bytes(variants[name])
        copies.append(path)

    kept = _store_as_0002_did(engine, original)
    copy_ids = [_store_as_0002_did(engine, copies[0])]
    unrelated = _store_as_0002_did(engine, other)
    copy_ids += [_store_as_0002_did(engine, path) for path in copies[1:]]
    assert _rows(engine, "SELECT COUNT(*) FROM articles") == [(5,)]

    # positions entered by hand: on a sentence of the copy with trailing spaces (sentences
    # as the original's), on one of the reflowed copy (sentences cut elsewhere), on none
    def sentence_of(article_id: int, ordinal: int) -> tuple[int, str]:
        return _rows(
            engine,
            "SELECT id, text FROM sentences WHERE article_id = :a AND ordinal = :o",
            a=article_id,
            o=ordinal,
        )[0]

    on_copy, on_copy_text = sentence_of(copy_ids[0], 3)
    on_reflowed, on_reflowed_text = sentence_of(copy_ids[2], 2)
    actor, target = _rows(
        engine, "SELECT (SELECT MIN(id) FROM actors), (SELECT MIN(id) FROM targets)"
    )[0]
    with engine.begin() as connection:
        for sentence_id, note in ((on_copy, "m1"), (on_reflowed, "m2"), (None, "m3")):
            connection.execute(
                text(
                    "INSERT INTO positions (actor_id, target_id, stance, sentence_id, score, "
                    "method, note) VALUES (:a, :t, 'support', :s, 1.0, 'manual', :n)"
                ),
                {"a": actor, "t": target, "s": sentence_id, "n": note},
            )
    auto = "SELECT COUNT(*) FROM positions p JOIN sentences s ON s.id = p.sentence_id "
    kept_auto = _rows(engine, auto + "WHERE s.article_id = :a AND p.method = 'auto'", a=kept)
    unrelated_auto = _rows(engine, auto + "WHERE s.article_id = :a", a=unrelated)
    engine.dispose()
    invoke("--db", db_url, "db", "downgrade", "0002", "--yes")

    invoke("--db", db_url, "db", "upgrade", "0003")
    engine = db.make_engine(db_url)
    with engine.connect() as connection:
        assert db.current_revision(connection) == "0003"
    articles = _rows(engine, "SELECT id, content_hash FROM articles ORDER BY id")
    assert articles == [
        (kept, _hash_of_file(ORIGINAL)),
        (unrelated, _hash_of_file(other.read_text(encoding="utf-8"))),
    ]
    for copy_id in copy_ids:
        assert _rows(engine, "SELECT COUNT(*) FROM sentences WHERE article_id = :a", a=copy_id) == [
            (0,)
        ]
    assert _rows(engine, auto + "WHERE s.article_id = :a AND p.method = 'auto'", a=kept) == (
        kept_auto
    )
    assert _rows(engine, auto + "WHERE s.article_id = :a", a=unrelated) == unrelated_auto
    manual = {
        note: (article_id, sentence)
        for note, article_id, sentence in _rows(
            engine,
            "SELECT p.note, s.article_id, s.text FROM positions p "
            "LEFT JOIN sentences s ON s.id = p.sentence_id WHERE p.method = 'manual'",
        )
    }
    assert manual["m1"] == (kept, on_copy_text)
    assert manual["m2"][0] == kept and on_reflowed_text.split()[0] in manual["m2"][1].split()
    assert manual["m3"] == (None, None)
    invoke("--db", db_url, "db", "upgrade")
    assert "no problems found" in invoke("--db", db_url, "db", "check").output
    result = invoke("--db", db_url, "ingest", original, *copies, other)
    assert "0 new, 5 skipped, 0 failed" in result.output

    invoke("--db", db_url, "db", "downgrade", "0003", "--yes")
    merged = _snapshot(engine)
    invoke("--db", db_url, "db", "downgrade", "0002", "--yes")
    with engine.connect() as connection:
        assert db.current_revision(connection) == "0002"
    assert _snapshot(engine) == merged  # nothing of the merged store is lost going down
    invoke("--db", db_url, "db", "upgrade", "0003")
    assert _snapshot(engine) == merged  # nor changed coming up again
    engine.dispose()


def test_upgrade_of_an_empty_store(invoke, db_url):
    invoke("--db", db_url, "db", "downgrade", "0002", "--yes")
    invoke("--db", db_url, "db", "upgrade")
    engine = db.make_engine(db_url)
    with engine.connect() as connection:
        assert db.current_revision(connection) == db.head_revision()
    engine.dispose()


def test_the_spaces_split_at_are_those_of_str_split():
    spaces = {chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()}
    assert set("".join(OTHER_SPACES)) | {" ", "\n"} == spaces
    assert all(c.isascii() for c in OTHER_SPACES[0])
    assert not any(c.isascii() for c in OTHER_SPACES[1])


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab é\n\t\r\xa0\u2028\u3000  \n\n"))))
@example("a  \n\n  b   ")
@example("\xa0a b")
def test_single_spaced_is_split_and_joined(value):
    assert single_spaced(value) == " ".join(value.split())
