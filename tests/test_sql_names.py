"""Names past ASCII in `tracker sql` and reports: both databases take them, so tracker does too."""

from __future__ import annotations

import json

import pytest

from tracker import sql_check
from tracker.errors import TrackerError


def _rows(result) -> list[dict]:
    assert result.exit_code == 0, (result.output, result.exception)
    return [json.loads(line) for line in result.output.splitlines()]


@pytest.mark.parametrize(
    "sql, expected",
    [
        ("SELECT 1 AS é", {"é": 1}),
        ("SELECT 1 AS é, 2 AS ü_2", {"é": 1, "ü_2": 2}),
        ("SELECT 1 AS 名前", {"名前": 1}),
        ("SELECT 1 AS x٣", {"x٣": 1}),  # a digit that is not ASCII, inside a name
        ("SELECT 1 AS ınsert", {"ınsert": 1}),  # dotless i: a name, not INSERT
        ("SELECT 'ä' AS \"ö\"", {"ö": "ä"}),
        ("SELECT é FROM (SELECT 3 AS é) AS ñ WHERE ñ.é = 3", {"é": 3}),
    ],
)
def test_non_ascii_names(invoke, db_url, sql, expected):
    assert _rows(invoke("--db", db_url, "sql", sql)) == [expected]
    assert _rows(invoke("--db", db_url, "sql", "-", input=sql)) == [expected]


def test_a_non_ascii_parameter(invoke, db_url):
    result = invoke("--db", db_url, "sql", "SELECT CAST(:año AS TEXT) AS ñ", "-p", "año=2023")
    assert _rows(result) == [{"ñ": "2023"}]


def test_a_report_with_non_ascii_names(invoke, db_url, tmp_path):
    (tmp_path / "names.sql").write_text(
        "-- Ünïcode names\nSELECT COUNT(*) AS zählung FROM report_targets AS größe\n",
        encoding="utf-8",
    )
    result = invoke("--db", db_url, "report", "names", "--reports-dir", tmp_path)
    assert _rows(result) == [{"zählung": 14}]


@pytest.mark.parametrize(
    "sql",
    [
        "DELETE FROM é",
        "SELECT 1 AS é; DELETE FROM articles",
        "WITH é AS (SELECT 1) INSERT INTO x SELECT * FROM é",
        "é",
    ],
)
def test_writes_are_still_refused_around_such_names(invoke, db_url, sql):
    result = invoke("--db", db_url, "sql", sql, expect=1)
    assert result.output.startswith("Error: refused:") and len(result.output.splitlines()) == 1


def test_a_dollar_quote_tag_may_be_non_ascii():
    """PostgreSQL reads $é$ … $é$ as one string, so its text is not SQL to check."""
    statement = sql_check.check_readonly("SELECT $é$ DELETE ; $é$ AS x", "postgresql")
    assert statement.sql == "SELECT $é$ DELETE ; $é$ AS x"
    with pytest.raises(TrackerError, match="DELETE would write"):
        sql_check.check_readonly("SELECT $é$x$é$ AS x, 1 DELETE", "postgresql")


def test_tracker_sql_lexes_the_query_as_the_store_s_database(invoke, db_url):
    """On PostgreSQL, `$$a;b$$` and `$t$delete$t$` are strings, and `tracker sql` ran them
    through the check as both databases read SQL, refusing them as two statements or a
    write; SQLite reads `$$` as no quote, and still refuses them."""
    queries = {"SELECT $$a;b$$ AS x": "a;b", "SELECT $t$delete me$t$ AS x": "delete me"}
    for query, value in queries.items():
        if db_url.startswith("postgresql"):
            assert _rows(invoke("--db", db_url, "sql", query, "--format", "jsonl")) == [
                {"x": value}
            ]
        else:  # refused by the check or by SQLite itself
            assert invoke("--db", db_url, "sql", query, expect=1).output.startswith("Error: ")
    assert (
        "Error: refused: 2 statements"
        in invoke("--db", db_url, "sql", "SELECT 1; DELETE FROM actors", expect=1).output
    )


def test_a_parameter_postgresql_cannot_type_is_named(invoke, db_url):
    """`(:kind IS NULL OR kind = :kind)` runs on SQLite; PostgreSQL cannot tell the type of
    a parameter first compared with NULL, and said only "$1"."""
    query = "SELECT COUNT(*) AS n FROM actors WHERE (:kind IS NULL OR kind = :kind)"
    if db_url.startswith("sqlite"):
        found = invoke("--db", db_url, "sql", query, "-p", "kind=state", "--format", "json")
        assert json.loads(found.output)[0]["n"] > 0
        return
    result = invoke("--db", db_url, "sql", query, "-p", "kind=state", expect=1)
    assert result.output == (
        "Error: SQL error: could not determine data type of parameter $1 (:kind): PostgreSQL "
        "needs its type; write CAST(:kind AS TEXT), or INTEGER or DATE, where it is first used\n"
    )


def test_a_query_on_standard_input_is_read_as_a_report_file_is(invoke, db_url):
    """A query saved by Notepad starts with a byte-order mark: it was refused as "not
    \ufeffSELECT", the mark invisible in the message; bytes that are not UTF-8 were shown
    as "\\udcff"."""
    query = "SELECT 1 AS é".encode()
    assert _rows(invoke("--db", db_url, "sql", "-", input=b"\xef\xbb\xbf" + query)) == [{"é": 1}]
    result = invoke("--db", db_url, "sql", "-", input=b"SELECT \xff\xfe", expect=1)
    assert result.output == (
        "Error: standard input is not UTF-8 text (byte 0xff at offset 7); save it as UTF-8\n"
    )
