"""Every HTML report, drawn by headless Chromium (scripts/screenshot_reports.py), so that a
broken page is seen: each screenshot has the size asked for and the colours of a drawn
page, the matrix's script runs in the browser (filter, sort and the evidence dialog), and
the matrix prints to PDF. Skipped where Chromium is not installed (Debian: apt-get
install chromium)."""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
from html import unescape
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "screenshot_reports.py"
_spec = importlib.util.spec_from_file_location("screenshot_reports", SCRIPT)
assert _spec is not None and _spec.loader is not None
shots_script = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(shots_script)

CHROMIUM = shots_script.chromium()
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        CHROMIUM is None, reason="chromium is not on PATH (Debian: apt-get install chromium)"
    ),
]
WIDTH, HEIGHT = 1400, 1600
SUPPORT = (0xC8, 0xE6, 0xC9)  # a support cell's background (report.css --support)

# Run in the page once it has loaded: the tools and the dialog, as a reader uses them.
PROBE = """<script>
window.addEventListener("load", function () {
  var out = {}, find = document.getElementById("find"), stance = document.getElementById("stance");
  out.start = document.getElementById("shown").textContent;
  find.value = "ukraine"; find.dispatchEvent(new Event("input"));
  out.found = document.getElementById("shown").textContent;
  find.value = ""; find.dispatchEvent(new Event("input"));
  stance.value = "oppose"; stance.dispatchEvent(new Event("input"));
  out.oppose = document.getElementById("shown").textContent;
  stance.value = ""; stance.dispatchEvent(new Event("input"));
  document.getElementById("grouped").click();
  document.querySelector('th[data-sort="count"]').click();
  out.first = document.querySelector("tr.actor:not(.hidden)").getAttribute("data-name");
  var cell = document.querySelector("td.cell a");
  cell.click();
  var dialog = document.getElementById("evidence-dialog");
  out.open = dialog.open;
  out.sentence = dialog.querySelector("q").textContent;
  out.expected = document.getElementById(cell.getAttribute("href").slice(1))
    .querySelector("q").textContent;
  document.body.setAttribute("data-probe", JSON.stringify(out));
});
</script>"""


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("shots")
    assert shots_script.main(["--out", str(out), "--height", str(HEIGHT)]) == 0
    return out


def test_every_report_is_drawn(shots):
    for name in shots_script.REPORTS:
        data = (shots / f"{name}.png").read_bytes()
        assert shots_script.png_size(data) == (WIDTH, HEIGHT), name
        assert len(data) > shots_script.MIN_BYTES, name
        colours = shots_script.png_colours(data, enough=10**9)
        assert len(colours) > 100, f"{name}: {len(colours)} colours"  # text, badges, charts
        if name in ("matrix", "actor", "timeline-target", "evidence"):
            assert SUPPORT in colours, f"{name}: no support badge or cell drawn"


def test_a_blank_page_fails_the_check(tmp_path):
    page = tmp_path / "blank.html"
    page.write_text("<!DOCTYPE html><title>x</title>", "utf-8")
    png = tmp_path / "blank.png"
    shots_script.screenshot(CHROMIUM, page, png, 800, 600)
    assert shots_script.check_png(png, 800, 600) is not None


def test_the_matrix_tools_work_in_the_browser(shots):
    page = (shots / "matrix.html").read_text("utf-8")
    probe = shots / "probe.html"
    probe.write_text(page.replace("</body>", PROBE + "</body>"), "utf-8")
    dom = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--disable-gpu",
            "--no-sandbox",
            "--virtual-time-budget=5000",
            "--dump-dom",
            probe.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    found = re.search(r'data-probe="([^"]*)"', dom)
    assert found, "the probe did not run: a script error in the page?"
    result = json.loads(unescape(found.group(1)))
    total = re.fullmatch(r"(\d+) of (\d+) actors shown", result["start"])
    assert total and total.group(1) == total.group(2)
    found_count = int(result["found"].split()[0])
    assert 0 < found_count < int(total.group(1))  # Ukraine and its people
    assert 0 < int(result["oppose"].split()[0]) < int(total.group(1))
    assert result["first"] == "China"  # the most positions in the dev articles
    assert result["open"] is True and result["sentence"] == result["expected"]


def test_the_matrix_prints(shots):
    pdf = (shots / "matrix.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and len(pdf) > 50_000
