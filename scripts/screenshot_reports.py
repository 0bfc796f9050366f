#!/usr/bin/env python3
"""Screenshot every HTML report in headless Chromium, so that a broken page is seen.

Ingests the dev articles (tests/data/dev) into a new SQLite store in a temporary
folder, writes each built-in report as HTML with `tracker report ... --format html`,
and has Chromium (Debian's `chromium` package) take a PNG of each page, and a PDF of
the matrix (its print style sheet). Then it checks every PNG: the size Chromium was
asked for, and more than a handful of colours (a blank or unstyled page has one or
two). It exits 1 when a check fails.

    python scripts/screenshot_reports.py --out screenshots

Nothing here needs a network: the pages are files and fetch nothing.
"""

from __future__ import annotations

import argparse
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT / "tests" / "data" / "dev"
# name -> the `tracker report` arguments that write it
REPORTS: dict[str, list[str]] = {
    "matrix": ["matrix"],
    "coverage": ["coverage"],
    "contested": ["contested"],
    "omissions": ["omissions", "--actor", "China"],
    "actor": ["actor", "--actor", "China"],
    "timeline-target": ["timeline", "--target", "3"],
    "timeline-actor": ["timeline", "--actor", "Volodymyr Zelensky"],
    "evidence": ["evidence", "--actor", "China", "--target", "3"],
}
MIN_COLOURS = 16
MIN_BYTES = 10_000


def chromium() -> str | None:
    """Chromium's command, or None when it is not installed."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def tracker(*args: str) -> str:
    run = subprocess.run(
        [sys.executable, "-m", "tracker", *args], capture_output=True, text=True, cwd=ROOT
    )
    if run.returncode != 0:
        raise SystemExit(f"tracker {' '.join(args)} failed:\n{run.stdout}{run.stderr}")
    return run.stdout


def write_reports(store: str, out: Path) -> dict[str, Path]:
    """Ingest the dev articles into ``store`` and write each report's page into ``out``."""
    tracker("--db", store, "ingest", "-q", str(DEV))
    pages = {}
    for name, args in REPORTS.items():
        page = out / f"{name}.html"
        page.write_text(tracker("--db", store, "report", *args, "--format", "html"), "utf-8")
        pages[name] = page
    return pages


def screenshot(browser: str, page: Path, png: Path, width: int, height: int) -> None:
    base = [browser, "--headless", "--disable-gpu", "--no-sandbox", "--hide-scrollbars"]
    run = subprocess.run(
        [*base, f"--screenshot={png}", f"--window-size={width},{height}", page.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
    )
    if run.returncode != 0 or not png.exists():
        raise SystemExit(f"chromium could not screenshot {page}:\n{run.stderr[-2000:]}")


def print_pdf(browser: str, page: Path, pdf: Path) -> None:
    base = [browser, "--headless", "--disable-gpu", "--no-sandbox", "--no-pdf-header-footer"]
    run = subprocess.run(
        [*base, f"--print-to-pdf={pdf}", page.as_uri()], capture_output=True, text=True, timeout=120
    )
    if run.returncode != 0 or not pdf.exists():
        raise SystemExit(f"chromium could not print {page}:\n{run.stderr[-2000:]}")


def png_size(data: bytes) -> tuple[int, int]:
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG file")
    return struct.unpack(">II", data[16:24])


def png_colours(data: bytes, enough: int = 10_000) -> set[tuple[int, ...]]:
    """The distinct colours of an 8-bit RGB or RGBA PNG, read top down until ``enough``
    are found (a tiny decoder: zlib and the five PNG filters, no imaging library)."""
    width, height = png_size(data)
    depth, colour_type, interlace = data[24], data[25], data[28]
    if depth != 8 or colour_type not in (2, 6) or interlace:
        raise ValueError(f"unsupported PNG: depth {depth}, colour type {colour_type}")
    channels = 3 if colour_type == 2 else 4
    chunks, position = [], 8
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        if kind == b"IDAT":
            chunks.append(data[position + 8 : position + 8 + length])
        position += 12 + length
    raw = zlib.decompress(b"".join(chunks))
    stride = width * channels
    previous = bytearray(stride)
    colours: set[tuple[int, ...]] = set()
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        if kind == 1:
            for i in range(channels, stride):
                line[i] = (line[i] + line[i - channels]) & 255
        elif kind == 2:
            line = bytearray((a + b) & 255 for a, b in zip(line, previous, strict=True))
        elif kind == 3:
            for i in range(stride):
                left = line[i - channels] if i >= channels else 0
                line[i] = (line[i] + ((left + previous[i]) >> 1)) & 255
        elif kind == 4:
            for i in range(stride):
                a = line[i - channels] if i >= channels else 0
                b, c = previous[i], previous[i - channels] if i >= channels else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                best = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + best) & 255
        row = bytes(line)
        colours.update(row[i : i + 3] for i in range(0, stride, channels))  # type: ignore[misc]
        if len(colours) >= enough:
            break
        previous = line
    return {tuple(colour) for colour in colours}


def check_png(path: Path, width: int, height: int) -> str | None:
    """What is wrong with a screenshot, or None."""
    data = path.read_bytes()
    if len(data) < MIN_BYTES:
        return f"{path.name}: only {len(data)} bytes"
    if png_size(data) != (width, height):
        return f"{path.name}: {png_size(data)} pixels, not {(width, height)}"
    colours = len(png_colours(data, enough=MIN_COLOURS))
    if colours < MIN_COLOURS:
        return f"{path.name}: only {colours} colours (a blank page?)"
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("screenshots"), help="output folder")
    parser.add_argument("--width", type=int, default=1400)
    parser.add_argument("--height", type=int, default=2000)
    options = parser.parse_args(argv)
    browser = chromium()
    if browser is None:
        print("chromium is not installed (Debian: apt-get install chromium)", file=sys.stderr)
        return 2
    options.out.mkdir(parents=True, exist_ok=True)
    problems = []
    with tempfile.TemporaryDirectory(prefix="tracker-screens-") as work:
        pages = write_reports(f"sqlite:///{Path(work) / 'dev.db'}", options.out)
    for name, page in pages.items():
        png = options.out / f"{name}.png"
        screenshot(browser, page, png, options.width, options.height)
        problem = check_png(png, options.width, options.height)
        print(f"{png}: {problem or 'ok'}")
        if problem:
            problems.append(problem)
    print_pdf(browser, pages["matrix"], options.out / "matrix.pdf")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
