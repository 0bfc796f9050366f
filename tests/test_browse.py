"""`tracker browse`: the Datasette metadata against the real schema, the reports as canned
queries (the same rows as `tracker report`), the datasette command line, the one-line
refusals, and Datasette itself serving a real store."""

from __future__ import annotations

import csv
import hashlib
import importlib.util
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import inspect

from tracker import browse, db
from tracker.reports import Report, list_reports

DEV = Path(__file__).parent / "data" / "dev"
HAS_DATASETTE = importlib.util.find_spec("datasette") is not None
needs_datasette = pytest.mark.skipif(
    not HAS_DATASETTE, reason="Datasette is not installed (pip install '.[browse]')"
)


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    """A SQLite store holding the dev corpus, shared by the tests that only read it."""
    path = tmp_path_factory.mktemp("browse") / "store.db"
    from click.testing import CliRunner

    from tracker.cli import cli

    result = CliRunner().invoke(cli, ["--db", str(path), "ingest", "-q", str(DEV)])
    assert result.exit_code == 0, result.output
    return path


# --------------------------------------------------------------------------- metadata


def _schema(tmp_path: Path) -> dict[str, list[str]]:
    """Every table and view of a freshly migrated store, with its columns."""
    engine = db.make_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
    db.upgrade(engine)
    schema = inspect(engine)
    names = schema.get_table_names() + schema.get_view_names()
    columns = {name: [c["name"] for c in schema.get_columns(name)] for name in names}
    engine.dispose()
    return columns


def _facet_columns(config: dict) -> list[str]:
    """The columns of a table's facets ("stance", or {"date": "published"})."""
    facets = config.get("facets", [])
    return [c for f in facets for c in ([f] if isinstance(f, str) else f.values())]


def _named_columns(config: dict) -> list[str]:
    """Every column a table's metadata names."""
    named = [config.get(key) for key in ("label_column", "sort", "sort_desc")]
    named += config.get("sortable_columns", []) + _facet_columns(config)
    named += list(config.get("columns", {}))
    named += config.get("plugins", {}).get(browse.PLUGIN, {}).get("hidden_columns", [])
    return [name for name in named if name is not None]


def test_metadata_names_only_what_a_fresh_store_has(tmp_path):
    schema = _schema(tmp_path)
    tables = browse.shipped_metadata()["databases"][browse.SHIPPED_DATABASE]["tables"]
    for table, config in tables.items():
        assert table in schema, f"metadata.json describes {table}, which the store lacks"
        for column in _named_columns(config):
            assert column in schema[table], f"metadata.json names {table}.{column}"


def test_metadata_covers_every_table_and_column(tmp_path):
    """A new table, view or column gets a description or is hidden: add it to
    tracker/datasette/metadata.json."""
    schema = _schema(tmp_path)
    tables = browse.shipped_metadata()["databases"][browse.SHIPPED_DATABASE]["tables"]
    for table, columns in schema.items():
        assert table in tables, f"{table} is not in tracker/datasette/metadata.json"
        config = tables[table]
        if config.get("hidden"):
            continue
        assert config.get("title") and config.get("description"), table
        described = set(config.get("columns", {}))
        hidden = set(config.get("plugins", {}).get(browse.PLUGIN, {}).get("hidden_columns", []))
        assert not described & hidden, table
        for column in columns:
            assert column in described | hidden | {"id"}, f"{table}.{column} has no description"
        visible = [config.get("sort"), config.get("sort_desc"), config.get("label_column")]
        visible += config.get("sortable_columns", []) + _facet_columns(config)
        assert not hidden & set(visible), f"{table}: a hidden column sorts, labels or facets"


def test_views_hide_their_internal_columns_and_tables_show_labels():
    tables = browse.shipped_metadata()["databases"][browse.SHIPPED_DATABASE]["tables"]
    hidden = tables["report_positions"]["plugins"][browse.PLUGIN]["hidden_columns"]
    assert {"kind_order", "target_slug", "sentence_ordinal", "position_id"} <= set(hidden)
    assert tables["sentences"]["label_column"] == "text"
    assert tables["actors"]["label_column"] == "name"
    assert tables["targets"]["label_column"] == "title"
    assert tables["alembic_version"]["hidden"] is True


def test_the_metadata_takes_the_stores_name():
    metadata, skipped = browse.browse_metadata("my store")
    assert list(metadata["databases"]) == ["my store"]
    assert skipped == []
    assert "report_positions" in metadata["databases"]["my store"]["tables"]


# --------------------------------------------------------------------------- canned queries


def _canned(name: str) -> dict:
    return browse.canned_queries(list_reports()).queries[name]


def _plugin():
    """The Datasette plugin ``tracker browse`` loads, imported by file as Datasette does."""
    spec = importlib.util.spec_from_file_location(
        "tracker_browse_plugin", browse.plugins_dir() / "tracker_browse.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _run_canned(path: Path, name: str, fields: dict[str, str]) -> list[dict]:
    """A canned query as Datasette runs it: read-only, every field given, blank as ''."""
    query = _canned(name)
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    connection.row_factory = sqlite3.Row
    _plugin().prepare_connection(connection)  # as Datasette does for every connection
    try:
        values = {f: fields.get(f, "") for f in query["params"]}
        return [dict(row) for row in connection.execute(query["sql"], values)]
    finally:
        connection.close()


def test_every_builtin_report_is_a_canned_query():
    canned = browse.canned_queries(list_reports())
    assert canned.skipped == []
    assert set(canned.queries) == {r.name for r in list_reports()}
    matrix = canned.queries["matrix"]
    fields = ["plan", "actor", "target", "since", "until", "reviewed_only", "min_score"]
    assert matrix["params"] == fields
    assert matrix["title"].startswith("matrix: Actors × targets")
    assert "--" not in matrix["description"]  # options are fields there
    assert matrix["hide_sql"] is True
    assert canned.queries["evidence"]["params"] == fields
    assert "Needs actor and target." in canned.queries["evidence"]["description"]
    assert "Needs actor or target." in canned.queries["timeline"]["description"]


@pytest.mark.parametrize(
    "name, options",
    [
        ("matrix", {}),
        ("matrix", {"actor": "Zelenskyy", "plan": "china-2023"}),  # an alias
        ("matrix", {"target": "07"}),  # point 7
        ("matrix", {"since": "2023-03-01", "until": "2024-12-31"}),
        ("coverage", {}),
        ("coverage", {"target": "troop-withdrawal"}),
        ("contested", {}),
        ("contested", {"actor": "China"}),
        ("omissions", {"actor": "Xi Jinping"}),
        ("timeline", {"actor": "Volodymyr Zelensky"}),
        ("timeline", {"target": "plan", "since": "2023-02-25"}),
        ("actor", {"actor": "China", "until": "2023-03-01"}),
        ("evidence", {"actor": "Zelensky", "target": "plan"}),
        ("matrix", {"min-score": "0.8"}),
        ("evidence", {"actor": "Zelensky", "target": "plan", "min-score": "0.5"}),
    ],
)
def test_a_canned_query_gives_the_reports_rows(invoke, store, name, options):
    args = [arg for key, value in options.items() for arg in (f"--{key}", value)]
    expected = json.loads(invoke("--db", store, "report", name, *args, "--format", "json").output)
    assert expected, "pick options the dev corpus has rows for"
    fields = {key.replace("-", "_"): value for key, value in options.items()}
    assert _run_canned(store, name, fields) == expected


def test_reviewed_only_in_a_canned_query_is_the_reports_option(invoke, store, tmp_path):
    """A field with 1 counts only reviewed positions, as --reviewed-only does; blank, all."""
    store = Path(shutil.copy(store, tmp_path / "reviewed.db"))  # the shared one stays as is
    every = _run_canned(store, "matrix", {})
    assert _run_canned(store, "matrix", {"reviewed_only": ""}) == every
    sheet = tmp_path / "sheet.csv"
    invoke("--db", store, "review", "export", sheet, "--actor", "Zelensky")
    with sheet.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    rows[0]["decision"] = "confirm"
    with sheet.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerow(rows[0])
    invoke("--db", store, "review", "import", sheet, "--reviewer", "test")
    expected = json.loads(
        invoke("--db", store, "report", "matrix", "--reviewed-only", "--format", "json").output
    )
    assert expected and len(expected) < len(every)
    assert _run_canned(store, "matrix", {"reviewed_only": "1"}) == expected


def test_a_blank_field_filters_nothing_and_an_unknown_name_finds_nothing(store):
    every = _run_canned(store, "matrix", {})
    assert _run_canned(store, "matrix", {"actor": "  ", "plan": ""}) == every
    assert _run_canned(store, "matrix", {"actor": "Nobody At All"}) == []
    assert _run_canned(store, "matrix", {"plan": "no-such-plan"}) == []
    assert _run_canned(store, "evidence", {}) == []  # it needs an actor and a target


def test_an_alias_of_several_actors_finds_nothing_and_a_slug_any_case_finds_its_point(store):
    """`tracker report --actor 'Mr Wang'` refuses an alias two actors have; the form showed
    one of them as if he were all. A slug matches in any case, as --target does."""
    assert _run_canned(store, "matrix", {"actor": "Mr Wang"}) == []
    assert _run_canned(store, "matrix", {"actor": "Wang Yi"}) != []
    ceasefire = _run_canned(store, "matrix", {"target": "ceasefire"})
    assert ceasefire != [] and _run_canned(store, "matrix", {"target": " CeaseFire "}) == ceasefire


def test_the_actor_field_takes_any_letter_case_in_any_alphabet(invoke, store):
    """SQLite's lower() folds A to Z alone: "STÉPHANE DUJARRIC" and "élysée" found nobody
    in the form, where `tracker report --actor` finds them."""
    for name in ("Stéphane Dujarric", "Élysée"):
        expected = _run_canned(store, "actor", {"actor": name})
        assert expected, name
        for spelling in (name.upper(), name.lower()):
            assert _run_canned(store, "actor", {"actor": spelling}) == expected, spelling


def test_the_sql_keeps_its_with_clause_and_drops_comments():
    contested = _canned("contested")["sql"]
    assert contested.startswith("WITH RECURSIVE browse_args AS (")
    assert contested.count("RECURSIVE") == 1
    assert "--" not in contested
    evidence = _canned("evidence")["sql"]
    assert evidence.startswith("WITH browse_args AS (") and "\nSELECT" in evidence
    sql, fields = browse.datasette_sql("-- no parameters\nSELECT 1 AS one")
    assert (sql, fields) == ("SELECT 1 AS one", [])


def _user_report(folder: Path, name: str, sql: str) -> None:
    (folder / f"{name}.sql").write_text(sql, encoding="utf-8")


def test_own_reports_are_offered_and_those_that_cannot_be_say_why(tmp_path, store):
    _user_report(
        tmp_path,
        "stances",
        "-- Stances per actor\nSELECT actor, stance FROM "
        "report_positions WHERE (CAST(:actor_id AS INTEGER) IS NULL OR "
        "actor_id = :actor_id) ORDER BY position_id",
    )
    _user_report(tmp_path, "positions", "-- Shadows a table\nSELECT 1")
    _user_report(tmp_path, "explained", "-- A plan\nEXPLAIN QUERY PLAN SELECT :plan")
    _user_report(tmp_path, "odd", "-- Odd parameter\nSELECT :colour")
    _user_report(tmp_path, "writes", "-- Writes\nDELETE FROM positions")
    (tmp_path / "broken.sql").write_bytes(b"-- \xff\xfe not UTF-8\nSELECT 1")
    metadata, skipped = browse.browse_metadata("store", tmp_path, taken=["positions"])
    queries = metadata["databases"]["store"]["queries"]
    assert "stances" in queries and queries["stances"]["params"] == ["actor"]
    assert not {"positions", "explained", "odd", "writes", "broken"} & set(queries)
    reasons = {re.match(r"report (\w+)", line).group(1): line for line in skipped}
    assert set(reasons) == {"positions", "explained", "odd", "writes", "broken"}
    assert "a table or view has that name" in reasons["positions"]
    assert "does not start with SELECT, VALUES or WITH" in reasons["explained"]
    assert ":colour" in reasons["odd"]
    assert "DELETE" in reasons["writes"]
    assert "not UTF-8" in reasons["broken"]
    connection = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
    _plugin().prepare_connection(connection)
    rows = connection.execute(queries["stances"]["sql"], {"actor": "Zelenskyy"}).fetchall()
    connection.close()
    assert rows and {actor for actor, _ in rows} == {"Volodymyr Zelensky"}


# --------------------------------------------------------------------------- the command


def test_the_datasette_command_serves_the_store_read_only_with_the_metadata(tmp_path):
    command = browse.datasette_command(
        tmp_path / "x.db",
        tmp_path / "m.json",
        host="0.0.0.0",
        port=9001,
        extra=["--setting", "max_returned_rows", "5000"],
    )
    assert command[:5] == [sys.executable, "-m", "datasette", "serve", str(tmp_path / "x.db")]
    pairs = dict(zip(command, command[1:], strict=False))
    assert pairs["--metadata"] == str(tmp_path / "m.json")
    assert Path(pairs["--plugins-dir"], "tracker_browse.py").is_file()
    assert (pairs["--host"], pairs["--port"]) == ("0.0.0.0", "9001")
    assert not {"-i", "--immutable", "--open", "-o", "--create"} & set(command)
    assert command[-3:] == ["--setting", "max_returned_rows", "5000"]  # last: they win
    opened = browse.datasette_command(tmp_path / "x.db", tmp_path / "m.json", open_browser=True)
    assert "--open" in opened and "--port" in opened and "8001" in opened


def test_the_page_address_is_encoded_as_datasette_does():
    assert browse.url_of("127.0.0.1", 8001, "tracker") == "http://127.0.0.1:8001/tracker"
    assert browse.url_of("::1", 80, "my store.v2") == "http://[::1]:80/my+store~2Ev2"


def _error(result) -> str:
    lines = result.output.strip().splitlines()
    assert result.exit_code == 1 and len(lines) == 1, result.output
    assert lines[0].startswith("Error: ")
    return lines[0]


def test_postgresql_is_refused_naming_what_to_use(invoke):
    # No server answers there: the refusal needs no connection and no driver.
    url = "postgresql://someone@127.0.0.1:1/nothing"
    line = _error(invoke("--db", url, "browse", expect=1))
    assert "Datasette reads only SQLite" in line
    assert "tracker report" in line and "tracker sql" in line and "psql" in line
    assert "SELECT rights" in line


def test_a_missing_store_is_one_line_and_is_not_created(invoke, tmp_path):
    missing = tmp_path / "missing.db"
    line = _error(invoke("--db", missing, "browse", expect=1))
    assert line == (
        f"Error: no database at {missing}; check --db, or create one with `tracker ingest`, "
        "`tracker seed` or `tracker db upgrade`"
    )
    assert not missing.exists()


def test_an_empty_store_asks_for_db_upgrade(invoke, tmp_path):
    empty = tmp_path / "empty.db"
    sqlite3.connect(empty).close()
    line = _error(invoke("--db", empty, "browse", expect=1))
    assert "tracker db upgrade" in line


@pytest.mark.parametrize("port", ["abc", "-1", "65536", ""])
def test_a_bad_port_is_one_line(invoke, store, port):
    line = _error(invoke("--db", store, "browse", "--port", port, expect=1))
    assert line == f"Error: --port must be a number from 0 to 65535, not {port!r}"


def test_missing_datasette_says_how_to_install_it_from_this_project(store):
    code = (
        "import sys; sys.modules['datasette'] = None; "  # as if Datasette were not installed
        "from tracker.cli import cli; "
        f"cli(['--db', {str(store)!r}, 'browse'])"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 1, done
    lines = done.stderr.strip().splitlines()
    assert lines == [
        "Error: Datasette is not installed; run pip install '.[browse]' in the tracker "
        "source folder"
    ], done.stderr
    # never a PyPI project that is not this one's ('tracker' on PyPI is someone else's)
    assert re.findall(r"pip install (\S+)", lines[0]) == ["'.[browse]'"]


def test_a_missing_reports_folder_is_one_line(invoke, store, tmp_path):
    line = _error(invoke("--db", store, "browse", "--reports-dir", tmp_path / "nope", expect=1))
    assert line == f"Error: reports folder {tmp_path / 'nope'} does not exist or is not a folder"


@needs_datasette
@pytest.mark.slow
def test_datasette_refusing_its_arguments_is_an_error(invoke, store):
    port = str(_free_port())
    result = invoke("--db", store, "browse", "--port", port, "--", "--no-such-option", expect=1)
    assert result.output.strip().splitlines()[-1] == "Error: Datasette stopped with status 2"


@needs_datasette
def test_a_port_in_use_is_one_line(invoke, store):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        line = _error(invoke("--db", store, "browse", "--port", port, expect=1))
    assert line.startswith(f"Error: cannot serve on 127.0.0.1 port {port}: ")
    assert line.endswith("; choose another with --port")


@needs_datasette
def test_an_unknown_host_is_one_line(invoke, store):
    line = _error(invoke("--db", store, "browse", "--host", "no-such-host.invalid", expect=1))
    assert line.startswith("Error: cannot serve on host 'no-such-host.invalid': ")


# --------------------------------------------------------------------------- Datasette, live


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str):
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.load(response)


def _wait_until_up(process: subprocess.Popen, url: str, log: Path) -> None:
    """Poll until Datasette answers; fail with its output if it exits or never does."""
    deadline = time.monotonic() + 120  # a guard against hanging, not a measurement
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"tracker browse exited {process.returncode}:\n{log.read_text()}")
        try:
            _get(url)
            return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2)
    pytest.fail(f"Datasette did not answer at {url}:\n{log.read_text()}")


def _digest(path: Path) -> list[str]:
    """The store's file and its write-ahead log, as they are on disk."""
    files = [path, path.with_name(path.name + "-wal")]
    return [hashlib.sha256(f.read_bytes()).hexdigest() for f in files if f.exists()]


@needs_datasette
@pytest.mark.slow
def test_datasette_serves_the_store_read_only_and_sees_new_articles(invoke, tmp_path):
    path = tmp_path / "live.db"
    invoke("--db", path, "ingest", "-q", DEV)
    port = _free_port()
    log = tmp_path / "browse.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "tracker", "--db", str(path), "browse", "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: Datasette and it, nothing else
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(process, f"{base}/-/versions.json", log)
        site = _get(f"{base}/live.json")
        assert {q["name"] for q in site["queries"]} == {r.name for r in list_reports()}
        hidden = {t["name"] for t in site["tables"] if t["hidden"]}
        assert "alembic_version" in hidden

        rows = _get(f"{base}/live/report_positions.json?_shape=array&_size=max")
        with sqlite3.connect(path) as connection:
            count = connection.execute("SELECT COUNT(*) FROM positions").fetchone()[0]
        assert len(rows) == count > 0
        assert {"actor", "stance", "sentence", "date", "target"} <= set(rows[0])
        assert not {"kind_order", "target_slug", "sentence_ordinal", "position_id"} & set(rows[0])
        every = _get(f"{base}/live/report_positions.json?_shape=array&_size=1&_internal=1")
        assert "kind_order" in every[0]

        labelled = _get(f"{base}/live/positions.json?_shape=array&_labels=on&_size=1")[0]
        with sqlite3.connect(path) as connection:
            text = connection.execute(
                "SELECT text FROM sentences WHERE id = ?", (labelled["sentence_id"]["value"],)
            ).fetchone()[0]
        assert labelled["sentence_id"]["label"] == text  # a sentence shows as its text

        matrix = _get(f"{base}/live/matrix.json?_shape=array&actor=Zelenskyy")
        report = invoke(
            "--db", path, "report", "matrix", "--actor", "Zelenskyy", "--format", "json"
        ).output
        assert matrix == json.loads(report) != []

        # A report's date field that is no date is refused as `report --since` refuses it,
        # in the format asked for; a blank one filters nothing; table pages are untouched.
        with pytest.raises(urllib.error.HTTPError) as refused:
            _get(f"{base}/live/matrix.json?_shape=array&since=2024-13-01")
        assert refused.value.code == 400
        assert json.load(refused.value)["error"] == (
            "since must be a date YYYY-MM-DD, not '2024-13-01'"
        )
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"{base}/live/timeline?target=plan&until=last+week")
        assert refused.value.code == 400
        assert "until must be a date YYYY-MM-DD, not &#x27;last week&#x27;" in (
            refused.value.read().decode()
        )
        assert _get(f"{base}/live/matrix.json?_shape=array&since=+") == _get(
            f"{base}/live/matrix.json?_shape=array"
        )
        assert isinstance(_get(f"{base}/live/articles.json?_shape=array&since=x"), list)

        # Not immutable: an article ingested while it runs shows at once.
        articles = _get(f"{base}/live.json?sql=SELECT+COUNT(*)+AS+n+FROM+articles&_shape=array")
        fresh = tmp_path / "fresh.txt"
        fresh.write_text("date 2024-05-01\nZelensky said the plan was not credible.\n")
        invoke("--db", path, "ingest", "-q", fresh)
        again = _get(f"{base}/live.json?sql=SELECT+COUNT(*)+AS+n+FROM+articles&_shape=array")
        assert again[0]["n"] == articles[0]["n"] + 1
        after_ingest = _digest(path)

        process.send_signal(signal.SIGINT)  # Ctrl-C
        assert process.wait(timeout=60) == 0, log.read_text()
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                pass
        try:  # whatever is left of the group this test started (Datasette, if tracker died)
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait()
    server = re.search(r"Started server process \[(\d+)\]", log.read_text())
    assert server, log.read_text()
    assert not _alive(int(server.group(1)))
    with socket.socket() as probe:  # the port is free again
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind(("127.0.0.1", port))
    assert _digest(path) == after_ingest  # Datasette wrote nothing, not even a checkpoint


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _plugin():
    spec = importlib.util.spec_from_file_location(
        "tracker_browse_plugin", browse.plugins_dir() / "tracker_browse.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@needs_datasette
@pytest.mark.parametrize(
    "query, problem",
    [
        ("since=2024-01-31&until=2024-12-31", None),
        ("since=&until=+", None),  # blank: filters nothing
        ("actor=x&date=yesterday", None),  # not a date field
        ("since=2024-02-30", "since must be a date YYYY-MM-DD, not '2024-02-30'"),
        ("until=2024%2F01%2F01", "until must be a date YYYY-MM-DD, not '2024/01/01'"),
        ("since=2024", "since must be a date YYYY-MM-DD, not '2024'"),
        ("since=2024-01-01&until=soon", "until must be a date YYYY-MM-DD, not 'soon'"),
    ],
)
def test_a_date_field_that_is_no_date_is_named(query, problem):
    found = _plugin().bad_date(query)
    assert found == problem


def test_reports_that_fail_to_load_are_reported_not_fatal():
    broken = Report("x", "unreadable", "somewhere", "", error="cannot read report x")
    canned = browse.canned_queries([broken])
    assert canned.queries == {} and canned.skipped == ["report x (somewhere): cannot read report x"]


@pytest.mark.parametrize(
    "host, local",
    [
        ("127.0.0.1", True),
        ("127.0.0.2", True),
        ("::1", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.5", False),
        ("example.org", False),
    ],
)
def test_only_loopback_counts_as_this_machine_only(host, local):
    assert browse.is_local(host) is local
