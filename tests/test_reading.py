"""For the person reading it (issue 17): the report reads at phone width, the workbook prints legibly, charts fit their
data, Chinese stands beside English, and no output holds the machine's paths. One `planner run` of the shipped case,
from a folder other than the case's, feeds every test here."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import openpyxl
import pytest

from planner.outputs.workbook import MIN_SCALE, PAGE_WIDTH

ROOT = Path(__file__).resolve().parents[1]
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """`planner run` of the shipped case, its case file named by its absolute path, from another folder."""
    cwd = tmp_path_factory.mktemp("elsewhere")
    out = subprocess.run([sys.executable, "-m", "planner", "run", str(ROOT / "cases" / "baseline.toml"), "--out",
                          str(cwd / "out")], cwd=cwd, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    return {"cwd": cwd, "out": cwd / "out", "book": cwd / "out" / "baseline.xlsx", "html": cwd / "out" / "report.html",
            "iamc": cwd / "out" / "baseline_iamc.csv"}


def texts(path: Path) -> str:
    """Everything a file holds as text (a workbook: every XML part)."""
    if path.suffix == ".xlsx":
        with zipfile.ZipFile(path) as z:
            return "\n".join(z.read(n).decode("utf-8", errors="replace") for n in z.namelist())
    return path.read_text(encoding="utf-8")


def test_no_output_holds_the_runs_absolute_paths(run):
    for path in (run["book"], run["html"], run["iamc"]):
        text = texts(path)
        for local in (str(ROOT), str(run["cwd"]), str(Path.home())):
            assert local not in text, (path.name, local)
    summary = {r[0].value: r[2].value for r in openpyxl.load_workbook(run["book"])["Summary"].iter_rows()}
    assert summary["Case chain (parent first)"] == "baseline.toml"
    assert "Input file sha256: ../data/measures.csv" in summary  # relative to the case file, with its hash


def test_the_workbook_prints_legibly(run):
    """Every table prints at MIN_SCALE or more (fit to the page width only where that keeps it), its header rows
    repeated on every page and, across pages, the row's names."""
    book = openpyxl.load_workbook(run["book"])
    for ws in book.worksheets:
        setup = ws.page_setup
        fit = ws.sheet_properties.pageSetUpPr is not None and ws.sheet_properties.pageSetUpPr.fitToPage
        if fit:
            assert setup.fitToHeight == 0, ws.title  # fit to the width, never the rows squeezed onto one page
            area = ws.print_area or ""
            last = re.findall(r"\$([A-Z]+)\$\d+", area)
            cols = range(1, openpyxl.utils.column_index_from_string(last[-1]) + 1) if last else range(1, 4)
            width = sum((ws.column_dimensions[openpyxl.utils.get_column_letter(c)].width or 8.43) for c in cols)
            assert PAGE_WIDTH / width * 100 >= MIN_SCALE - 1, (ws.title, width)
        else:
            assert setup.scale is not None and setup.scale >= MIN_SCALE, (ws.title, setup.scale)
        assert ws.print_title_rows, ws.title
    assert book["MAC"].max_row > 100 and not book["MAC"].sheet_properties.pageSetUpPr.fitToPage


def test_the_excel_charts_fit_their_data(run):
    """The MAC chart is on a logarithmic cost axis (cost and saving apart); the cost chart's bars include the savings,
    below zero, so that they add up to the net line."""
    with zipfile.ZipFile(run["book"]) as z:
        charts = [z.read(n).decode("utf-8") for n in sorted(z.namelist()) if n.startswith("xl/charts/chart")]
    mac = next(c for c in charts if "MAC curve CO2e" in c)
    assert '<c:logBase val="10"/>' in mac and "Saving 节约" in mac
    costs = next(c for c in charts if "Annual cost" in c)
    assert "Savings 节约 (−)" in costs
    ws = openpyxl.load_workbook(run["book"])["Costs"]
    header = {c.value: c.column for c in ws[1] if c.value}
    savings = [ws.cell(row=r, column=header["Savings 节约 (−)"]).value for r in range(2, 17)]
    assert all(v <= 0 for v in savings) and any(v < 0 for v in savings)


def test_the_workbook_is_chinese_beside_english(run):
    book = openpyxl.load_workbook(run["book"])
    ws = book["Measures"]
    header = [str(c.value) for c in ws[1]]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    sector = [r[header.index("Sector\n领域")] for r in rows]
    assert all(CJK.search(s) and re.search(r"[a-z]", s) for s in sector), sector[:5]
    reason_zh = [r[header.index("Why it is in the plan (Chinese)\n部署原因")] for r in rows]
    reason_en = [r[header.index("Why it is in the plan\n部署原因(英文)")] for r in rows]
    assert all(CJK.search(z) for z in reason_zh) and all(e and e.isascii() is not None for e in reason_en)
    electricity = book["Electricity"]
    heads = [str(c.value) for c in electricity[2] if c.value]
    assert heads and all(CJK.search(h) and re.search(r"[A-Za-z]", h) for h in heads), heads
    cuts = [str(c.value) for c in book["Sector cuts"][1] if c.value][1:]
    assert all(CJK.search(h.split("\n")[1]) for h in cuts), cuts


def test_the_reports_tooltips_name_regions_and_write_plain_numbers(run):
    page = run["html"].read_text(encoding="utf-8")
    specs = json.loads(re.search(r'<script type="application/json" id="chart-specs">(.*?)</script>', page,
                                 re.S).group(1))
    formats = {t.get("format") for s in specs.values() for t in _tooltips(s) if t.get("format")}
    assert formats and not any(f.endswith("g") for f in formats), formats  # 425,600, never 4.256e+5
    regions = {v["region"] for v in specs["mac_co2e"]["data"]["values"]}
    assert all(CJK.search(r) and re.search(r"[a-z]", r) for r in regions), regions
    reasons = re.findall(r'<td>([^<]*)<br><span class="note">(needed for|pays for itself|no binding|required)', page)
    assert reasons and all(CJK.search(zh) for zh, _ in reasons)


def _tooltips(spec):
    if isinstance(spec, dict):
        for k, v in spec.items():
            if k == "tooltip" and isinstance(v, list):
                yield from (t for t in v if isinstance(t, dict))
            else:
                yield from _tooltips(v)
    elif isinstance(spec, list):
        for v in spec:
            yield from _tooltips(v)


PROBE = """<script>
window.addEventListener('load', function () {
  var tries = 0;
  function check() {
    var figs = Array.from(document.querySelectorAll('figure.chart'));
    var waiting = figs.some(function (f) { return !f.hasAttribute('data-drawn') && !f.hasAttribute('data-error'); });
    if (waiting && ++tries < 150) { setTimeout(check, 200); return; }
    var out = {width: window.innerWidth, scroll: document.documentElement.scrollWidth, charts: {}};
    figs.forEach(function (f) {
      out.charts[f.id] = {drawn: f.getAttribute('data-drawn'),
                          marks: f.querySelectorAll('.mark-rect path, .mark-symbol path, .mark-line path').length};
    });
    window.parent.postMessage(JSON.stringify(out), '*');
  }
  check();
});
</script>"""


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def at_width(page: Path, width: int, tmp: Path) -> dict:
    """The page drawn by headless Chromium in a frame ``width`` pixels wide (a window is at least 500): its width,
    the width of its content, and each chart's state and number of marks."""
    text = page.read_text(encoding="utf-8")
    end = text.rindex("</body>")
    (tmp / "probe.html").write_text(text[:end] + PROBE + text[end:], encoding="utf-8")
    (tmp / "frame.html").write_text(
        f'<html><body><iframe src="probe.html" style="width:{width}px;height:844px;border:0"></iframe><script>'
        'window.addEventListener("message", function (e) { document.body.setAttribute("data-probe", e.data); });'
        "</script></body></html>", encoding="utf-8")
    dom = subprocess.run([_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                          "--disable-background-networking", "--disable-component-update", "--disable-sync",
                          f"--user-data-dir={tmp / 'profile'}", "--window-size=1280,900",
                          "--virtual-time-budget=40000", "--dump-dom", (tmp / "frame.html").resolve().as_uri()],
                         capture_output=True, text=True, timeout=300).stdout
    found = re.search(r'data-probe="([^"]*)"', dom)
    assert found, dom[-2000:]
    return json.loads(html.unescape(found.group(1)))


@pytest.mark.skipif(_chromium() is None and os.environ.get("CI") != "true",
                    reason="no Chromium here (CI installs it through .ci/run; the README's set-up too)")
def test_the_report_reads_at_phone_width(run, tmp_path):
    """At 390 px the page does not scroll sideways (wide tables scroll in their own box) and every chart is drawn
    with its marks (bars, points, lines)."""
    assert _chromium() is not None, "Chromium is missing: run .ci/run or apt-get install chromium fonts-noto-cjk"
    seen = at_width(run["html"], 390, tmp_path)
    assert seen["width"] == 390
    assert seen["scroll"] <= seen["width"], seen["scroll"]
    assert len(seen["charts"]) >= 8
    for key, chart in seen["charts"].items():
        assert chart["drawn"] == "1" and chart["marks"] > 0, (key, chart)


def test_the_notebook_extra_installs_jupyterlab():
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    assert any(d.lower().startswith("jupyterlab") for d in extras["notebook"])
