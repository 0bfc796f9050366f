"""Ingest throughput: where the time goes, on a reproducible synthetic corpus.

    python benchmarks/ingest.py                      # 1,000 and 10,000 articles into SQLite
    python benchmarks/ingest.py --articles 100000    # one size
    python benchmarks/ingest.py --postgres postgresql://postgres@127.0.0.1/postgres --workers 2

The corpus recombines the dev corpus's paragraphs (tests/data/dev), varying
dates and spelling variants of names, and is written as JSON Lines, then
ingested through the real code path (tracker.ingest) into a fresh database.
Each size runs in its own process, so the peak memory printed is that run's.
Prints articles/s, sentences/s, peak RSS, database size, the time per stage,
and the time to re-ingest the same corpus (all skipped); with several sizes, how many
times longer each took than the one before.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from itertools import pairwise
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT / "tests" / "data" / "dev"
VARIANTS = {
    "Zelensky": ["Zelensky", "Zelenskyy", "Zelenskiy"],
    "Lukashenko": ["Lukashenko", "Lukashenka"],
    "Podolyak": ["Podolyak", "Podoliak"],
    "Peskov": ["Peskov"],
    "Wang Yi": ["Wang Yi"],
}


def paragraphs() -> list[str]:
    out = []
    for path in sorted(DEV.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        if text.lstrip().startswith("date "):
            text = text.lstrip().split(" ", 2)[2]
        out += [p.strip() for p in text.split("\n\n") if len(p.split()) > 8]
    return out


def write_corpus(path: Path, articles: int, seed: int) -> None:
    rng = random.Random(seed)
    pool = paragraphs()
    start = dt.date(2023, 2, 24)
    with path.open("w", encoding="utf-8") as out:
        for n in range(articles):
            body = "\n\n".join(rng.sample(pool, rng.randint(4, 8)))
            for name, spellings in VARIANTS.items():
                body = body.replace(name, rng.choice(spellings))
            day = start + dt.timedelta(days=rng.randrange(0, 1000))
            record = {
                "text": f"{body}\n\n(Article {n}.)",
                "date": day.isoformat(),
                "source": f"synthetic/{n:07d}",
            }
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


def peak_rss_mb() -> float:
    """This process's peak resident memory. VmHWM, not getrusage: the latter keeps the
    parent's peak across exec."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# Module-level code (names are globals), as the loop the README's earlier figures were
# compared by.
_MACHINE_LOOP = compile("total = 0\nfor n in range(10_000_000):\n    total += n\n", "loop", "exec")


def machine_seconds() -> float:
    """A fixed pure-Python loop (ten million additions), timed: the project's machines
    differ, and one machine's speed wanders from minute to minute, so figures are only
    comparable next to this one. The best of three runs."""
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        exec(_MACHINE_LOOP, {})
        best = min(best, time.perf_counter() - started)
    return best


def run_one(url: str, corpus: Path, workers: int) -> dict:
    """One ingest and one re-ingest in this process; what the parent prints."""
    from sqlalchemy import text

    from tracker import coder_is_compiled
    from tracker.db import make_engine, prepare
    from tracker.ingest import ingest

    engine = make_engine(url)
    prepare(engine)
    started = time.perf_counter()
    summary = ingest(engine, [str(corpus)], workers=workers)
    elapsed = time.perf_counter() - started
    started = time.perf_counter()
    again = ingest(engine, [str(corpus)], workers=workers)
    reingest = time.perf_counter() - started
    if engine.dialect.name == "sqlite":
        size = Path(engine.url.database).stat().st_size
    else:
        with engine.connect() as connection:
            size = connection.execute(text("SELECT pg_database_size(current_database())")).scalar()
    engine.dispose()
    return {
        "articles": summary.new,
        "sentences": summary.sentences,
        "links": summary.links,
        "positions": summary.positions,
        "seconds": elapsed,
        "reingest_seconds": reingest,
        "reingest_skipped": again.skipped,
        "db_bytes": size,
        "peak_rss_mb": peak_rss_mb(),
        # the largest worker process's peak (Linux reports ru_maxrss in KiB); 0 with none
        "worker_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        "stages": dict(summary.timings),
        "compiled": coder_is_compiled(),
    }


def report(label: str, r: dict) -> None:
    s = r["seconds"]
    print(f"== {label}")
    print(
        f"   {r['articles']} articles, {r['sentences']} sentences, {r['links']} links, "
        f"{r['positions']} positions in {s:.1f} s"
    )
    print(f"   {r['articles'] / s:,.0f} articles/s, {r['sentences'] / s:,.0f} sentences/s")
    print(
        "   coder: compiled with mypyc"
        if r["compiled"]
        else "   coder: pure Python (an editable install; `pip install .` compiles it)"
    )
    workers = f" (largest worker {r['worker_rss_mb']:.0f} MB)" if r.get("worker_rss_mb") else ""
    print(f"   peak RSS {r['peak_rss_mb']:.0f} MB{workers}, database {r['db_bytes'] / 1e6:.1f} MB")
    print(
        f"   re-ingest (all {r['reingest_skipped']} skipped): {r['reingest_seconds']:.1f} s, "
        f"{s / max(r['reingest_seconds'], 1e-9):.1f}x faster than the first ingest"
    )
    if r["stages"]:
        parts = ", ".join(f"{k} {v:.1f} s" for k, v in sorted(r["stages"].items()))
        print(f"   stages (one process): {parts}")


def postgres_database(server: str) -> tuple[str, callable]:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    base = make_url(server.replace("postgresql://", "postgresql+psycopg://", 1))
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    name = f"tracker_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name}"))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()

    return base.set(database=name).render_as_string(hide_password=False), drop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--articles",
        type=int,
        action="append",
        help="corpus size (repeatable; default 1000 and 10000)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--postgres", metavar="URL", help="also run on a fresh database there")
    parser.add_argument(
        "--run", nargs=3, metavar=("URL", "CORPUS", "WORKERS"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.run:
        url, corpus, workers = args.run
        print(json.dumps(run_one(url, Path(corpus), int(workers))))
        return
    print(f"machine: a loop of ten million additions takes {machine_seconds():.2f} s")
    seconds: dict[str, list[tuple[int, float]]] = {}  # by store: (articles, time) in order
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.articles or [1000, 10000]:
            corpus = Path(tmp) / f"corpus-{size}.jsonl"
            write_corpus(corpus, size, args.seed)
            targets = [("SQLite", f"sqlite:///{Path(tmp) / f'bench-{size}.db'}", None)]
            if args.postgres:
                url, drop = postgres_database(args.postgres)
                targets.append(("PostgreSQL", url, drop))
            for label, url, drop in targets:
                try:
                    out = subprocess.run(
                        [sys.executable, __file__, "--run", url, str(corpus), str(args.workers)],
                        check=True,
                        capture_output=True,
                        text=True,
                        env=os.environ.copy(),
                    ).stdout
                    result = json.loads(out.splitlines()[-1])
                    report(f"{label}, {size:,} articles, {args.workers} worker(s)", result)
                    seconds.setdefault(label, []).append((size, result["seconds"]))
                finally:
                    if drop:
                        drop()
            corpus.unlink()
    for label, runs in seconds.items():
        for (small, small_time), (large, large_time) in pairwise(runs):
            print(
                f"growth ({label}): {large / small:.1f}x the articles "
                f"({small:,} to {large:,}) took {large_time / small_time:.1f}x the time"
            )


if __name__ == "__main__":
    main()
