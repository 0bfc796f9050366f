"""Review decisions: keyed by content, they survive re-coding and removal; the queue, undo,
the interactive keys, the views' status and --reviewed-only, two reviewers at once."""

from __future__ import annotations

import csv
import json
import shutil
import threading
from pathlib import Path

import pytest
from sqlalchemy import text

from tracker import db, review
from tracker.resources import seeds_dir

SEED = seeds_dir() / "articles" / "seed.txt"


def _ingest(invoke, url: str, tmp_path: Path) -> Path:
    path = tmp_path / "seed.txt"
    if not path.exists():
        shutil.copy(SEED, path)
    invoke("--db", url, "ingest", path)
    return path


def _jsonl(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def _positions(invoke, url: str, *args: str) -> list[dict]:
    return _jsonl(invoke("--db", url, "position", "--format", "jsonl", *args).output)


def _sheet(invoke, url: str, tmp_path: Path, *args: str) -> list[dict]:
    path = tmp_path / "out.csv"
    invoke("--db", url, "review", "export", path, *args)
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _write(path: Path, rows: list[dict]) -> Path:
    columns = list(rows[0])
    for row in rows:
        columns += [k for k in row if k not in columns]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


def _sql(url: str, query: str, **params) -> list[tuple]:
    engine = db.make_engine(url)
    with engine.begin() as connection:
        result = connection.execute(text(query), params)
        rows = [tuple(r) for r in result] if result.returns_rows else []
    engine.dispose()
    return rows


def _ref(url: str, key: str) -> review.PositionRef:
    engine = db.make_engine(url)
    with engine.connect() as connection:
        ref = review.ref_of_key(connection, key)
    engine.dispose()
    return ref


def _decide_some(invoke, url: str, tmp_path: Path) -> dict[str, dict]:
    """Confirm, reject and correct one position each, add one on a sentence and one with
    no sentence; returns the sheet rows decided, by decision."""
    rows = _sheet(invoke, url, tmp_path)
    confirm, reject, correct = rows[0], rows[1], rows[2]
    confirm["decision"] = "confirm"
    reject["decision"], reject["note"] = "reject", "not what he said"
    correct["decision"] = "correct"
    correct["stance"] = "oppose" if correct["stance"] != "oppose" else "support"
    add = {
        "key": "",
        "source": confirm["source"],
        "sentence": confirm["sentence"],
        "actor": "Zelenskyy",
        "target": "3",
        "stance": "mixed",
        "decision": "add",
    }
    outside = {
        "key": "",
        "source": "TV interview, 5 March",
        "date": "2023-03-05",
        "sentence": "",
        "actor": "Kuleba",
        "target": "troop-withdrawal",
        "stance": "support",
        "decision": "add",
    }
    sheet = _write(tmp_path / "decided.csv", [confirm, reject, correct, add, outside])
    result = invoke("--db", url, "review", "import", sheet, "--reviewer", "ana")
    assert "applied 1 confirm, 1 reject, 1 correct, 2 add; 0 unchanged; 0 bad" in result.output
    return {"confirm": confirm, "reject": reject, "correct": correct, "add": add}


def _view(url: str, invoke) -> list[tuple]:
    """What the reviewed store says, without row ids: key, status, actor, target, stance."""
    rows = _positions(invoke, url)
    return sorted((r["key"], r["status"], r["actor"], r["target"], r["stance"]) for r in rows)


def test_listings_count_positions_as_reviewed(invoke, db_url, tmp_path):
    """`tracker articles` and `tracker actors` count the positions in force: a rejection
    takes one off its article and actor, an addition on a sentence adds one."""
    _ingest(invoke, db_url, tmp_path)

    def counts() -> tuple[int, dict[str, int]]:
        articles = _jsonl(invoke("--db", db_url, "articles", "--format", "jsonl").output)
        actors = _jsonl(invoke("--db", db_url, "actors", "--format", "jsonl").output)
        return articles[0]["positions"], {a["name"]: a["positions"] for a in actors}

    article_before, actors_before = counts()
    assert article_before == len(_positions(invoke, db_url)) > 3
    decided = _decide_some(invoke, db_url, tmp_path)
    article_after, actors_after = counts()
    assert article_after == article_before - 1 + 1  # one rejected, one added on a sentence
    rejected = decided["reject"]["actor"]
    added = {"Volodymyr Zelensky": 1, "Dmytro Kuleba": 1}  # on a sentence, and with none
    for name, before in actors_before.items():
        expected = before - (name == rejected) + added.get(name, 0)
        assert actors_after[name] == expected, name


def test_decisions_survive_removal_and_reingest(invoke, db_url, tmp_path):
    path = _ingest(invoke, db_url, tmp_path)
    before = _positions(invoke, db_url)
    decided = _decide_some(invoke, db_url, tmp_path)
    after = _view(db_url, invoke)
    keys = {r[0] for r in after}
    assert decided["reject"]["key"] not in keys  # a rejection hides the position
    status = {r[0]: r[1] for r in after}
    assert status[decided["confirm"]["key"]] == "confirmed"
    assert status[decided["correct"]["key"]] == "corrected"
    assert sorted(r[1] for r in after).count("manual") == 2
    assert len(after) == len(before) - 1 + 2

    article_id = _sql(db_url, "SELECT id FROM articles")[0][0]
    invoke("--db", db_url, "articles", "remove", article_id, "--yes")
    assert _sql(db_url, "SELECT COUNT(*) FROM review_decisions") == [(5,)]  # history kept
    check = invoke("--db", db_url, "db", "check").output
    assert "positions with review decisions on articles no longer stored: 4  (kept" in check
    assert "no problems found" in check  # a hint, not a problem
    gone = _view(db_url, invoke)  # what an analyst asserted stays; the coder's is gone
    assert sorted(r[1] for r in gone) == ["confirmed", "corrected", "manual", "manual"]

    invoke("--db", db_url, "ingest", path)  # new row ids for everything
    assert _view(db_url, invoke) == after  # every decision re-attached by content
    check = invoke("--db", db_url, "db", "check").output
    assert "positions with review decisions on articles no longer stored: 0\n" in check


def test_decisions_survive_recoding(invoke, db_url, tmp_path):
    """A re-code deletes the article's automatic links and positions and writes them again
    (new ids); a position the coder no longer finds keeps its correction."""
    _ingest(invoke, db_url, tmp_path)
    decided = _decide_some(invoke, db_url, tmp_path)
    after = _view(db_url, invoke)
    columns = "actor_id, target_id, stance, sentence_id, score, method, explanation"
    engine = db.make_engine(db_url)
    with engine.begin() as connection:
        kept = connection.execute(text(f"SELECT {columns} FROM positions")).all()
        connection.execute(text("DELETE FROM positions"))
        connection.execute(text("DELETE FROM links"))
        for row in kept:
            connection.execute(
                text(f"INSERT INTO positions ({columns}) VALUES (:a, :t, :s, :se, :sc, :m, :e)"),
                {
                    "a": row[0],
                    "t": row[1],
                    "s": row[2],
                    "se": row[3],
                    "sc": row[4],
                    "m": row[5],
                    "e": json.dumps(row[6]) if isinstance(row[6], dict) else row[6],
                },
            )
    engine.dispose()
    assert _view(db_url, invoke) == after

    # the coder no longer finds the corrected or the rejected position
    corrected = decided["correct"]
    rejected = decided["reject"]
    for row in (corrected, rejected):
        _sql(
            db_url,
            "DELETE FROM positions WHERE id IN (SELECT p.id FROM positions p "
            "JOIN sentences s ON s.id = p.sentence_id JOIN actors a ON a.id = p.actor_id "
            "WHERE s.text = :s AND a.name = :a)",
            s=row["sentence"],
            a=row["actor"],
        )
    now = _view(db_url, invoke)
    assert [r for r in now if r[0] == corrected["key"]] == [
        (
            corrected["key"],
            "corrected",
            corrected["actor"],
            corrected["target"],
            corrected["stance"],
        )
    ]
    assert rejected["key"] not in {r[0] for r in now}


def test_decisions_follow_an_article_re_dated(invoke, db_url, tmp_path):
    """set-date changes the content hash, so the keys; the decisions move with them."""
    _ingest(invoke, db_url, tmp_path)
    _decide_some(invoke, db_url, tmp_path)
    before = _view(db_url, invoke)
    article_id = _sql(db_url, "SELECT id FROM articles")[0][0]
    invoke("--db", db_url, "articles", "set-date", article_id, "2023-03-09")
    after = _view(db_url, invoke)
    assert sorted(r[1:] for r in after) == sorted(r[1:] for r in before)
    assert len({r[0] for r in after} & {r[0] for r in before}) == 1  # the one with no sentence
    reviewed = _positions(invoke, db_url, "--reviewed-only")
    assert {r["date"] for r in reviewed} == {"2023-03-09", "2023-03-05"}  # the addition
    # without a sentence keeps its own; the decisions keep the new date for when the article
    # is gone (they kept the old one, so its positions fell outside --since once removed)
    invoke("--db", db_url, "articles", "remove", article_id, "--yes")
    dates = {r["date"] for r in _positions(invoke, db_url, "--reviewed-only")}
    assert dates == {"2023-03-09", "2023-03-05"}
    kept = _positions(invoke, db_url, "--reviewed-only", "--since", "2023-03-09")
    assert len(kept) == len([r for r in reviewed if r["date"] == "2023-03-09"]) > 0
    old_key = next(iter({r[0] for r in before} - {r[0] for r in after}))
    result = invoke("--db", db_url, "review", "history", old_key, expect=1)
    assert "a key changes when its article is re-dated or its point renumbered" in result.output


def test_re_dating_onto_a_reviewed_removed_copy_is_one_line(invoke, db_url, tmp_path):
    """The same text at two dates, both reviewed, the first removed, the second re-dated to
    the first's date: a UNIQUE constraint error from the database; now one line."""
    text = "Zelensky said he supports a ceasefire."
    for day in ("2023-03-01", "2023-03-02"):
        invoke("--db", db_url, "ingest", "-", input=f"date {day} {text}\n")
    rows = _sheet(invoke, db_url, tmp_path)
    assert len(rows) == 2
    sheet = _write(tmp_path / "d.csv", [dict(r, decision="confirm") for r in rows])
    invoke("--db", db_url, "review", "import", sheet)
    first, second = (i for (i,) in _sql(db_url, "SELECT id FROM articles ORDER BY published"))
    invoke("--db", db_url, "articles", "remove", first, "--yes")
    result = invoke("--db", db_url, "articles", "set-date", second, "2023-03-01", expect=1)
    assert result.output == (
        "Error: the same text dated 2023-03-01 was stored once and reviewed: its review "
        "decisions would take the same positions as this article's (their histories would "
        "merge); nothing was changed\n"
    )


def test_key_is_the_same_after_reingest(invoke, db_url, tmp_path):
    path = _ingest(invoke, db_url, tmp_path)
    keys = sorted(r["key"] for r in _positions(invoke, db_url))
    assert len(set(keys)) == len(keys)
    article_id = _sql(db_url, "SELECT id FROM articles")[0][0]
    invoke("--db", db_url, "articles", "remove", article_id, "--yes")
    invoke("--db", db_url, "ingest", path)
    assert sorted(r["key"] for r in _positions(invoke, db_url)) == keys


def test_queue_lists_unreviewed_lowest_score_first_with_filters(invoke, db_url, tmp_path):
    _ingest(invoke, db_url, tmp_path)
    queue = _jsonl(invoke("--db", db_url, "review", "--list").output)
    scores = [r["score"] for r in queue]
    assert scores == sorted(scores) and len(queue) == len(_positions(invoke, db_url))
    decided = _decide_some(invoke, db_url, tmp_path)
    keys = {r["key"] for r in _jsonl(invoke("--db", db_url, "review").output)}  # piped: list
    assert not keys & {d["key"] for d in decided.values()}
    assert len(keys) == len(queue) - 3
    only = _jsonl(invoke("--db", db_url, "review", "--actor", "Xi", "--limit", "2").output)
    assert len(only) == 2 and {r["actor"] for r in only} == {"Xi Jinping"}
    assert invoke("--db", db_url, "review", "--since", "2024-01-01").output == ""
    result = invoke("--db", db_url, "review", "--target", "99", expect=1)
    assert result.output.startswith("Error: no target '99'")


def test_reviewer_comes_from_option_environment_or_login(invoke, db_url, tmp_path, monkeypatch):
    _ingest(invoke, db_url, tmp_path)
    key = _positions(invoke, db_url)[0]["key"]
    rows = _sheet(invoke, db_url, tmp_path)
    row = next(r for r in rows if r["key"] == key)
    row["decision"] = "confirm"
    sheet = _write(tmp_path / "one.csv", [row])
    monkeypatch.setenv("TRACKER_REVIEWER", "bea")
    invoke("--db", db_url, "review", "import", sheet)
    assert _sql(db_url, "SELECT reviewer FROM review_decisions") == [("bea",)]
    result = invoke("--db", db_url, "review", "undo", key, "--reviewer", " ", expect=1)
    assert result.output == "Error: --reviewer needs a name (leave it out for your login name)\n"
    # a name longer than the store keeps: PostgreSQL refused it with a driver's error, and
    # SQLite kept it whole; both refuse it in one line now, before anything is written
    long = "z" * 300
    for args, named in (((), "TRACKER_REVIEWER"), (("--reviewer", long), "--reviewer")):
        monkeypatch.setenv("TRACKER_REVIEWER", long)
        result = invoke("--db", db_url, "review", "undo", key, *args, expect=1)
        assert result.output == (
            f"Error: {named} is 300 characters long; the store keeps at most 200\n"
        )
    assert _sql(db_url, "SELECT reviewer FROM review_decisions") == [("bea",)]
    monkeypatch.delenv("TRACKER_REVIEWER")
    assert review.reviewer_name() == review.reviewer_name(None) != ""


def test_undo_is_a_new_revision_and_history_keeps_all(invoke, db_url, tmp_path):
    _ingest(invoke, db_url, tmp_path)
    decided = _decide_some(invoke, db_url, tmp_path)
    key = decided["reject"]["key"]
    assert key not in {r["key"] for r in _positions(invoke, db_url)}
    assert "revision 2 (clear)" in invoke("--db", db_url, "review", "undo", key).output
    shown = {r["key"]: r["status"] for r in _positions(invoke, db_url)}
    assert shown[key] == "auto"  # back to unreviewed, and in the queue again
    assert key in {r["key"] for r in _jsonl(invoke("--db", db_url, "review").output)}
    history = _jsonl(invoke("--db", db_url, "review", "history", key).output)
    assert [(h["revision"], h["decision"]) for h in history] == [(1, "reject"), (2, "clear")]
    result = invoke("--db", db_url, "review", "history", "nokey", expect=1)
    assert result.output.startswith("Error: no decision on a position with key 'nokey' (a key ")


def test_undo_with_a_revision_refuses_a_decision_made_since(invoke, db_url, tmp_path):
    """Two analysts undoing one position a moment apart: the second undid the first's undo
    (a redo), and neither was told. With --revision N the second gets the conflict."""
    _ingest(invoke, db_url, tmp_path)
    key = _decide_some(invoke, db_url, tmp_path)["reject"]["key"]
    first = invoke("--db", db_url, "review", "undo", key, "--revision", "1", "--reviewer", "x1")
    assert "revision 2 (clear)" in first.output
    second = invoke(
        "--db", db_url, "review", "undo", key, "--revision", "1", "--reviewer", "x2", expect=1
    )
    assert second.output.startswith(f"Error: position {key} was decided by x1 at ")
    history = _jsonl(invoke("--db", db_url, "review", "history", key).output)
    assert [h["revision"] for h in history] == [1, 2]
    for bad in ("0", "two"):
        result = invoke("--db", db_url, "review", "undo", key, "--revision", bad, expect=None)
        assert result.exit_code != 0 and "Traceback" not in result.output


def test_interactive_keys(invoke, db_url, tmp_path):
    """c confirm, r reject, s + o change the stance, n skip, u undo, a + name change the
    actor, + adds a position on the sentence, q quit: each saved at once."""
    _ingest(invoke, db_url, tmp_path)
    queue = _jsonl(invoke("--db", db_url, "review", "--list").output)
    keys = "c" + "r" + "so" + "n" + "u" + "u" + "aBlinken\n" + "+Kuleba\n4\ns" + "q"
    result = invoke("--db", db_url, "review", "--interactive", "--reviewer", "ana", input=keys)
    assert f"[1/{len(queue)}]" in result.output and ">> " in result.output
    assert "why: actor" in result.output
    assert "3 decisions saved, 1 skipped, 2 undone" in result.output  # 5 made, 2 undone
    rows = _sql(
        db_url,
        "SELECT position_key, revision, decision, decided_actor, stance FROM review_decisions "
        "ORDER BY id",
    )
    made = [(k, rev, d) for k, rev, d, _, _ in rows]
    first, second, third = queue[0]["key"], queue[1]["key"], queue[2]["key"]
    assert made[:3] == [(first, 1, "confirm"), (second, 1, "reject"), (third, 1, "correct")]
    # u undid the stance change (third → clear), u again the rejection (second → clear);
    # the queue went back to the second, where a + Blinken corrected the actor
    assert made[3:5] == [(third, 2, "clear"), (second, 2, "clear")]
    assert rows[5][:4] == (second, 3, "correct", "Antony Blinken")
    assert rows[6][2:] == ("add", "Dmytro Kuleba", "support")
    status = {r["key"]: r["status"] for r in _positions(invoke, db_url)}
    assert status[first] == "confirmed" and status[second] == "corrected"
    assert status[third] == "auto"


def test_ctrl_c_and_ctrl_d_at_a_name_prompt(invoke, db_url, tmp_path, monkeypatch):
    """At the actor prompt (after a or +), click's prompt turned Ctrl-C and Ctrl-D into
    "Aborted!" and status 1: Ctrl-C interrupts as at the key prompts (status 130), Ctrl-D
    goes back as an empty line does, and at a key prompt ends the session as q does."""
    _ingest(invoke, db_url, tmp_path)
    ended = invoke("--db", db_url, "review", "--interactive", "--reviewer", "ana", input="a")
    assert "Aborted" not in ended.output
    assert ended.output.rstrip().endswith("0 decisions saved, 0 skipped, 0 undone")

    def ctrl_c(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr("builtins.input", ctrl_c)
    result = invoke(
        "--db", db_url, "review", "--interactive", "--reviewer", "ana", input="a", expect=130
    )
    assert "Aborted" not in result.output and "interrupted" in result.output
    assert _sql(db_url, "SELECT COUNT(*) FROM review_decisions") == [(0,)]


def test_a_decision_taken_meanwhile_is_refused_naming_who(db_url, invoke, tmp_path):
    """Reviewer A loaded the position; B decided it; A's decision is refused, one line."""
    _ingest(invoke, db_url, tmp_path)
    row = _positions(invoke, db_url)[0]
    ref = _ref(db_url, row["key"])
    mine, theirs = db.make_engine(db_url), db.make_engine(db_url)
    review.decide(theirs, review.Decision(ref, "reject"), "bob", 0)
    with pytest.raises(review.Conflict) as refused:
        confirm = review.Decision(ref, "confirm", row["stance"], ref.actor, ref.plan, ref.target)
        review.decide(mine, confirm, "ana", 0)
    message = str(refused.value)
    assert "decided by bob at " in message and "\n" not in message
    assert _sql(db_url, "SELECT reviewer, revision FROM review_decisions") == [("bob", 1)]
    # saying the same as what is in force changes nothing and is no conflict
    assert review.decide(mine, review.Decision(ref, "reject"), "ana", 0).unchanged
    mine.dispose()
    theirs.dispose()


def test_two_reviewers_racing_one_wins(db_url, invoke, tmp_path, monkeypatch):
    """Two real connections decide the same position from the same revision at once: the
    database lets one write; the other gets a Conflict naming the first, nothing lost."""
    monkeypatch.setenv("TRACKER_SQLITE_TIMEOUT", "60")
    _ingest(invoke, db_url, tmp_path)
    row = _positions(invoke, db_url)[0]
    first, second = db.make_engine(db_url), db.make_engine(db_url)
    ref = _ref(db_url, row["key"])
    outcome: dict[str, object] = {}

    def bob() -> None:
        try:
            outcome["bob"] = review.decide(second, review.Decision(ref, "reject"), "bob", 0)
        except review.Conflict as exc:
            outcome["bob"] = exc

    with db.writer(first).begin() as connection:  # ana's transaction is open …
        confirm = review.Decision(ref, "confirm", row["stance"], ref.actor, ref.plan, ref.target)
        review.record(connection, confirm, "ana", 0)
        racer = threading.Thread(target=bob)
        racer.start()  # … while bob decides from revision 0 too
    racer.join(timeout=120)
    assert isinstance(outcome["bob"], review.Conflict)
    assert "decided by ana" in str(outcome["bob"])
    rows = _sql(db_url, "SELECT reviewer, revision, decision FROM review_decisions")
    assert rows == [("ana", 1, "confirm")]
    first.dispose()
    second.dispose()


def test_reports_carry_status_and_take_reviewed_only(invoke, db_url, tmp_path):
    _ingest(invoke, db_url, tmp_path)
    decided = _decide_some(invoke, db_url, tmp_path)
    counts = dict(_sql(db_url, "SELECT status, COUNT(*) FROM report_positions GROUP BY status"))
    assert counts["confirmed"] == 1 and counts["corrected"] == 1 and counts["manual"] == 2
    reviewed = _positions(invoke, db_url, "--reviewed-only")
    assert sorted(r["status"] for r in reviewed) == ["confirmed", "corrected", "manual", "manual"]
    confirmed = decided["confirm"]
    evidence = _jsonl(
        invoke(
            "--db",
            db_url,
            "report",
            "evidence",
            "--actor",
            confirmed["actor"],
            "--target",
            confirmed["target"],
            "--reviewed-only",
            "--format",
            "jsonl",
        ).output
    )
    assert [e["sentence"] for e in evidence] == [confirmed["sentence"]]
    matrix = _jsonl(invoke("--db", db_url, "report", "matrix", "--reviewed-only").output)
    assert len(matrix) == 4
    explained = _positions(invoke, db_url, "--explain", "--reviewed-only")
    assert any("corrected by ana at " in r["explanation"] for r in explained)
    assert any(r["explanation"].startswith("entered by hand; added by ana") for r in explained)
    reports = tmp_path / "mine"
    reports.mkdir()
    (reports / "plain.sql").write_text("-- mine\nSELECT COUNT(*) AS n FROM report_positions\n")
    result = invoke(
        "--db", db_url, "report", "plain", "--reports-dir", reports, "--reviewed-only", expect=1
    )
    assert result.output == "Error: report plain does not use --reviewed-only\n"


def test_interactive_session_refuses_a_position_decided_meanwhile(db_url, invoke, tmp_path):
    """The queue is loaded; another reviewer decides its first position; the key pressed
    on it is refused with who and when, and the session goes on to the next."""
    from click.testing import CliRunner

    from tracker.cli_review_session import Session
    from tracker.review_view import Filters

    _ingest(invoke, db_url, tmp_path)
    mine, theirs = db.make_engine(db_url), db.make_engine(db_url)
    session = Session(mine, Filters(), "ana")
    first = session.rows[0]
    review.decide(theirs, review.Decision(_ref(db_url, first["key"]), "reject"), "bob", 0)
    with CliRunner().isolation(input="cc" + "q") as (out, _, _):
        session.run()
    shown = out.getvalue().decode("utf-8")
    assert f"not saved: position {first['key']} was decided by bob at " in shown
    assert "1 decisions saved, 0 skipped, 0 undone" in shown
    rows = _sql(db_url, "SELECT position_key, reviewer, decision FROM review_decisions ORDER BY id")
    assert rows == [(first["key"], "bob", "reject"), (session.rows[1]["key"], "ana", "confirm")]
    mine.dispose()
    theirs.dispose()


def test_articles_show_gives_positions_as_reviewed(invoke, db_url, tmp_path):
    _ingest(invoke, db_url, tmp_path)
    decided = _decide_some(invoke, db_url, tmp_path)
    article_id = _sql(db_url, "SELECT id FROM articles")[0][0]
    shown = json.loads(
        invoke("--db", db_url, "articles", "show", article_id, "--format", "json").output
    )
    listed = [
        (p["status"], p["actor"], p["stance"], p["plan"], p["target"])
        for s in shown["sentences"]
        for p in s["positions"]
    ]
    confirm, correct = decided["confirm"], decided["correct"]
    assert ("confirmed", confirm["actor"], confirm["stance"]) in [p[:3] for p in listed]
    assert ("corrected", correct["actor"], correct["stance"]) in [p[:3] for p in listed]
    assert ("manual", "Volodymyr Zelensky", "mixed", "china-2023", "3") in listed
    rejected = decided["reject"]
    own = next(s for s in shown["sentences"] if s["sentence"] == rejected["sentence"])
    assert (rejected["actor"], rejected["stance"], "china-2023", str(rejected["target"])) not in [
        (p["actor"], p["stance"], p["plan"], p["target"]) for p in own["positions"]
    ]
    as_csv = invoke("--db", db_url, "articles", "show", article_id, "--format", "csv").output
    assert "manual: Volodymyr Zelensky mixed china-2023/3" in as_csv  # the table's text


def test_interactive_review_without_a_terminal_is_one_line(invoke, db_url, tmp_path):
    """With no terminal to read keys from (cron, CI, a container: no /dev/tty), an
    interactive review is one error line and status 1, not a traceback."""
    import subprocess
    import sys

    _ingest(invoke, db_url, tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "tracker", "--db", db_url, "review", "--interactive"],
        input="c\nq\n",
        capture_output=True,
        text=True,
        start_new_session=True,  # no controlling terminal
        timeout=120,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        "Error: interactive review needs a terminal to read keys from; leave out "
        "--interactive to print the queue, or use review export and import"
    ]
    assert _sql(db_url, "SELECT count(*) FROM review_decisions") == [(0,)]


def test_the_queue_lists_what_a_reader_needs_with_a_header_even_empty(invoke, db_url, tmp_path):
    """As CSV it had no header line with no rows, and as JSON some forty columns of the
    view (row ids, hashes, explanations)."""
    from tracker.cli_review import QUEUE_LISTED

    _ingest(invoke, db_url, tmp_path)
    rows = _jsonl(invoke("--db", db_url, "review", "--list", "--format", "jsonl").output)
    assert rows and all(list(r) == QUEUE_LISTED for r in rows)
    empty = invoke("--db", db_url, "review", "--list", "--since", "2030-01-01", "--format", "csv")
    assert empty.output == ",".join(QUEUE_LISTED) + "\n"


def test_interactive_review_refuses_a_second_position_on_one_place(invoke, db_url, tmp_path):
    """Changing a position's actor to one who already holds a stance on its target in the
    sentence made two positions of one actor on one target in one sentence; it is not
    saved, with the key of the one already there, and the position stays up to decide."""
    _ingest(invoke, db_url, tmp_path)
    queue = _jsonl(invoke("--db", db_url, "review", "--list").output)
    at = next(
        i
        for i, row in enumerate(queue)
        if any(
            (o["sentence"], o["target"]) == (row["sentence"], row["target"])
            and o["actor"] != row["actor"]
            for o in queue
        )
    )
    mine = queue[at]
    theirs = next(
        o
        for o in queue
        if (o["sentence"], o["target"]) == (mine["sentence"], mine["target"])
        and o["actor"] != mine["actor"]
    )
    keys = "n" * at + "a" + theirs["actor"] + "\n" + "c" + "q"
    result = invoke("--db", db_url, "review", "--interactive", "--reviewer", "ana", input=keys)
    assert f"not saved: position {theirs['key']} already holds {theirs['actor']}'s" in (
        result.output
    )
    made = _sql(db_url, "SELECT position_key, decision FROM review_decisions")
    assert made == [(mine["key"], "confirm")]  # c then decided the same position


def test_interactive_prompt_errors_name_what_was_typed(invoke, db_url, tmp_path):
    """An actor typed at the prompt (after a or +) that fits several actors or none was
    reported as a command-line option ("--actor 'Wang' could be…"), which the reviewer
    never gave: the error names what was typed, and the position stays up."""
    _ingest(invoke, db_url, tmp_path)
    keys = "aWang\n" + "a%\n" + "+Wang\n" + "q"
    result = invoke("--db", db_url, "review", "--interactive", "--reviewer", "ana", input=keys)
    errors = [
        line[line.index("not saved") :]
        for line in result.output.splitlines()
        if "not saved" in line
    ]
    assert len(errors) == 3, result.output
    assert errors[0].startswith("not saved: actor 'Wang' could be ")
    assert errors[0].endswith("; give a full name") and "Wang Yi" in errors[0]
    assert errors[1].startswith("not saved: actor '%' holds no letter or digit of a name")
    assert errors[2] == errors[0]
    assert not any("--" in line for line in errors), errors
    assert "0 decisions saved" in result.output
    assert _sql(db_url, "SELECT COUNT(*) FROM review_decisions") == [(0,)]
