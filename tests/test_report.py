"""The outputs a planner reads: the workbook, the HTML report and the IAMC table of the shipped baseline case show
the numbers of the result tables; marginal costs are proven by re-solving; text is never a formula or markup; the
report renders in a headless browser with Chinese glyphs."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

import planner
from planner.analysis import analyse, tighten_check
from planner.base.safe import EXCEL_MAX
from planner.outputs.iamc import COLUMNS, write_iamc
from planner.outputs.report import write_report
from planner.outputs.workbook import clean_text, write_excel
from tests.tiny import effect, make_case, measure, potential, target

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "cases" / "baseline.toml"


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    out = tmp_path_factory.mktemp("baseline")
    res = planner.run(BASELINE)
    a = analyse(res)
    return {"res": res, "a": a, "book": write_excel(res, out / "baseline.xlsx", a),
            "html": write_report(a, out / "report.html"), "iamc": write_iamc(a, out / "baseline_iamc.csv"), "out": out}


def sheet(book: Path, name: str, header: int = 0) -> pd.DataFrame:
    df = pd.read_excel(book, sheet_name=name, header=header)
    df.columns = [str(c).split("\n")[0] for c in df.columns]
    return df


def test_marginal_costs_match_a_resolve_for_every_binding_target():
    """Each binding target with a marginal cost is tightened and loosened by a small step and re-solved: the reported
    marginal cost times the step lies between the two changes of the cost (the optimal cost is convex in a bound), and
    for the median target equals the tightened change within 2% (shares and reductions per percentage point; the peak
    per row). Where it does not, the vertex is degenerate or the step crosses a change of basis."""
    check = tighten_check(BASELINE)
    res = planner.run(BASELINE)
    binding = res.targets[(res.targets["status"] == "binding") & (res.targets["marginal_cost"].abs() > 1e-6)]
    assert set(check["target_id"]) == set(binding["target_id"])
    assert check["observed"].notna().all()
    assert check["bracketed"].all(), check[~check["bracketed"]]
    assert check["relative_error"].median() < 0.02, check.sort_values("relative_error").tail()


def test_workbook_targets_and_marginal_costs_equal_the_tables(outputs):
    res, a, book = outputs["res"], outputs["a"], outputs["book"]
    tg = sheet(book, "Targets")
    assert list(tg["Target id"]) == list(res.targets["target_id"])
    np.testing.assert_allclose(tg["Marginal cost (yuan of that year per unit)"].fillna(0),
                               res.targets["marginal_cost"].fillna(0), rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(tg["Level (unit)"], res.targets["level"], rtol=1e-12)
    mc = sheet(book, "Marginal costs", header=1)
    np.testing.assert_allclose(mc["Per percentage point, 万元 of the row's year"].fillna(0) * 1e4,
                               a.marginal["per_pp"].fillna(0), rtol=1e-9, atol=1e-6)
    np.testing.assert_allclose(mc[f"Per unit, yuan of {res.params.base_year} (present value)"].fillna(0),
                               a.marginal["marginal_cost_pv"].fillna(0), rtol=1e-9, atol=1e-9)


def test_workbook_costs_summary_and_allocation_equal_the_tables(outputs):
    res, a, book = outputs["res"], outputs["a"], outputs["book"]
    costs = sheet(book, "Costs")
    total = costs[costs["Year"] == "Total 合计"].iloc[0]
    assert total["Net cost, 亿元 (present value)"] * 1e8 == pytest.approx(res.solution.objective, rel=1e-9)
    assert total["Investment outlay, 亿元 (undiscounted)"] * 1e8 == pytest.approx(a.cost_totals["investment"])
    front = openpyxl.load_workbook(book, read_only=True)["Summary"]
    values = {r[0]: r[2] for r in front.iter_rows(values_only=True) if r[0]}
    key = next(k for k in values if str(k).startswith("Total discounted net cost"))
    assert isinstance(values[key], float) and values[key] * 1e8 == pytest.approx(res.solution.objective)
    alloc = sheet(book, "Allocation")
    assert alloc["Investment, 万元"].sum() * 1e4 == pytest.approx(res.allocation["investment"].sum(), rel=1e-9)
    assert alloc["Year"].map(type).eq(int).all() or alloc["Year"].dtype.kind in "if"
    mac = sheet(book, "MAC", header=1)
    co2e = mac[mac["Curve"] == "co2e"]
    np.testing.assert_allclose(co2e["Cost, yuan per unit cut (t CO2e or PE)"], a.mac["co2e"]["cost_per_unit_cut"])
    co = sheet(book, "Co-control", header=1)
    plan = co[co["Level"] == "plan"].iloc[0]
    ref = a.cocontrol[a.cocontrol["level"] == "plan"].iloc[0]
    assert plan["Synergy score"] == pytest.approx(ref["synergy_score"])
    assert plan["Els air (ΔAP/AP)/(ΔCO2/CO2)"] == pytest.approx(ref["els_air"])
    # cleaner air valued (issue 19): the MAC's health and social cost per unit cut, co-control's health value
    np.testing.assert_allclose(co2e["Health benefit of cleaner air, yuan per unit cut"],
                               a.mac["co2e"]["health_per_unit_cut"])
    np.testing.assert_allclose(co2e["Social cost (cost less health), yuan per unit cut"],
                               a.mac["co2e"]["social_cost_per_unit_cut"])
    assert plan["Health value of cleaner air, 万元/yr"] * 1e4 == pytest.approx(ref["health_value"], rel=1e-9)
    pays = co[(co["Level"] == "measure") & (co["Costs money, pays once health is counted"] == "yes 是")]
    assert set(pays["Group"]) == set(a.cocontrol[(a.cocontrol["level"] == "measure")
                                                 & a.cocontrol["pays_with_health"].astype(bool)]["key"]) != set()


def test_workbook_is_a_document(outputs):
    """Numbers as numbers with formats, percentages as %, print set-up, frozen headers and native charts."""
    book = openpyxl.load_workbook(outputs["book"])
    assert book.sheetnames[0] == "Summary"
    for name in ("Targets", "Marginal costs", "Reduced costs", "MAC", "Co-control", "Pathways", "Costs"):
        assert name in book.sheetnames
    tg = book["Targets"]
    header = [c.value.split("\n")[0] for c in tg[1]]
    pct_col = header.index("Required share or cut, %") + 1
    cells = [tg.cell(row=r, column=pct_col) for r in range(2, tg.max_row + 1)]
    shares = [c for c in cells if c.value is not None]
    assert shares and all(c.data_type == "n" and c.number_format == "0.00%" for c in shares)
    year = tg.cell(row=2, column=header.index("Year") + 1)
    assert year.data_type == "n" and year.number_format == "0"
    for ws in book.worksheets:
        assert ws.page_setup.orientation == "landscape", ws.title
        # fit to one page wide (fitToWidth 1 is the file format's default, so it may be left out) where that stays
        # legible, else printed at a legible scale across pages (issue 17; tests/test_reading.py)
        fit = ws.sheet_properties.pageSetUpPr is not None and ws.sheet_properties.pageSetUpPr.fitToPage
        assert (fit and ws.page_setup.fitToWidth in (None, 1)) or ws.page_setup.scale >= 75, ws.title
    assert book["Allocation"].print_title_rows == "$1:$1"
    assert book["Allocation"].freeze_panes == "A2"
    with zipfile.ZipFile(outputs["book"]) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
    assert len(charts) >= 3  # costs, MAC, pathways


def test_report_numbers_equal_the_tables(outputs):
    res, a = outputs["res"], outputs["a"]
    html = outputs["html"].read_text(encoding="utf-8")
    values = {k: float(v) for k, v in re.findall(r'data-key="([^"]+)" data-value="([^"]+)"', html)}
    assert values["objective"] == pytest.approx(res.solution.objective, rel=1e-12)
    assert values["investment"] == pytest.approx(res.allocation["investment"].sum(), rel=1e-12)
    assert values["net_no_regret_pv"] + values["net_targets_pv"] == pytest.approx(res.solution.objective)
    checked = 0
    for r in a.marginal.dropna(subset=["own_value"]).itertuples():
        assert values[f"mc:{r.target_id}:{r.year}"] == pytest.approx(r.own_value, rel=1e-12, abs=1e-12)
        checked += 1
    assert checked == len(res.targets)
    shown = 0  # a cut (key projects' abatement) shows what was cut, a cap or floor its level: never the other
    for r in res.targets.itertuples():
        if f"ach:{r.target_id}:{r.year}" in values:
            want = r.level if r.kind in ("cap", "floor") else r.achieved
            assert values[f"ach:{r.target_id}:{r.year}"] == pytest.approx(want, rel=1e-12), (r.target_id, r.year)
            shown += 1
    assert shown > 0 and values["ach:cod_key_projects_2025:2025"] == pytest.approx(17_280, rel=1e-9)
    for r in a.mac["co2e"].head(12).itertuples():
        assert values[f"mac:{r.region_id}:{r.measure_id}"] == pytest.approx(r.cost_per_unit_cut)
    inv = res.measures.set_index(["region_id", "measure_id"])["investment"]
    for key, v in values.items():
        if key.startswith("inv:"):
            _, r, m = key.split(":")
            assert v == pytest.approx(inv[(r, m)])


def _outside_scripts(html: str) -> str:
    return re.sub(r"<script\b[^>]*>.*?</script>", "", html, flags=re.S)


def _specs(html: str) -> dict:
    import json

    m = re.search(r'<script type="application/json" id="chart-specs">(.*?)</script>', html, flags=re.S)
    return json.loads(m.group(1))


def test_report_is_self_contained(outputs):
    """Nothing to fetch: no src or href outside the inlined scripts, no script loaded from a file; the Vega bundle is
    in the page and every chart's figure has its spec, with its data inline."""
    html = outputs["html"].read_text(encoding="utf-8")
    assert not re.search(r'(src|href)="(?!data:)', _outside_scripts(html))
    assert not re.search(r"<script\b[^>]*\bsrc=", html)
    assert "window.vegaEmbed=" in html  # the bundle, inlined
    figures = re.findall(r'<figure class="chart" id="chart-(\w+)"', html)
    specs = _specs(html)
    assert figures == list(specs) and len(figures) >= 8
    for key, spec in specs.items():
        values = spec["data"]["values"] if "data" in spec else [v for p in spec["concat"] for v in p["data"]["values"]]
        assert values, key
        assert "url" not in spec.get("data", {}), key
    assert "减污降碳" in html and "Marginal abatement cost" in html


def test_report_charts_show_the_result_tables(outputs):
    """The charts' data are the analysis tables: the cost chart's net line is the yearly net cost in 亿元, the CO2
    pathway is the city's CO2 in Mt, each target's panel holds its path, and the MAC curve's bars are the measures'
    costs per tonne, side by side from zero."""
    a, res = outputs["a"], outputs["res"]
    specs = _specs(outputs["html"].read_text(encoding="utf-8"))
    net = {v["year"]: v["value"] for v in specs["costs"]["data"]["values"] if v["series"] == "净成本 Net"}
    assert net == pytest.approx(dict(zip(a.costs["year"], a.costs["net"] / 1e8, strict=True)), rel=1e-5)
    co2 = {v["year"]: v["value"] for v in specs["co2"]["data"]["values"] if v["series"] == "方案 With the plan"}
    basis = a.peak["indicator"]  # the chart shows CO2 on the peak target's basis (co2_official in the shipped data)
    ind = res.indicators[(res.indicators["region_id"] == "city") & (res.indicators["indicator_id"] == basis)]
    assert co2 == pytest.approx(dict(zip(ind["year"], ind["level"] / 1e6, strict=True)), rel=1e-5)
    assert len(specs["targets"]["concat"]) == a.pathways["target_id"].nunique()
    mac = specs["mac_co2e"]["data"]["values"]
    assert [v["cost"] for v in mac] == pytest.approx(list(a.mac["co2e"]["cost_per_unit_cut"]), rel=1e-5)
    assert mac[0]["x0"] == 0
    assert all(b["x0"] == pytest.approx(p["x1"], rel=1e-5) for p, b in zip(mac, mac[1:], strict=False))


def test_iamc_long_format(outputs):
    res = outputs["res"]
    df = pd.read_csv(outputs["iamc"])
    assert list(df.columns) == COLUMNS
    assert df[["model", "scenario", "region", "variable", "unit", "year", "value"]].notna().all().all()
    assert not df.duplicated(["model", "scenario", "region", "variable", "year"]).any()
    co2 = df[(df["scenario"] == "baseline") & (df["region"] == "Chongqing") & (df["variable"] == "Emissions|CO2")]
    ind = res.indicators[(res.indicators["region_id"] == "city") & (res.indicators["indicator_id"] == "co2")]
    assert co2.set_index("year")["value"].to_dict() == pytest.approx((ind.set_index("year")["level"] / 1e6).to_dict())
    assert set(df["scenario"]) == {"baseline", "baseline|No measures"}


def test_text_is_never_a_formula_nor_markup(tmp_path):
    """Names that look like formulas stay text in the workbook and are escaped in the report; control characters
    are stripped; text longer than a cell holds is cut with a visible marker."""
    evil = "=HYPERLINK(\"http://x\",\"y\")"
    case = make_case(tmp_path, measures=[measure("a", fixed_om=5, name_zh=evil, name_en="@SUM(A1)")],
                     effects=[effect("a", "co2", -1)], potentials=[potential("r1", "a", 40)],
                     targets=[{**target("cap90", "cap", "co2", 2022, 90), "name_zh": "<script>alert(1)</script>",
                               "name_en": "+1-2"}])
    res = planner.run(case)
    a = analyse(res)
    book = openpyxl.load_workbook(write_excel(res, tmp_path / "out" / "tiny.xlsx", a))
    found = {c.value: c.data_type for ws in book.worksheets for row in ws.iter_rows() for c in row
             if isinstance(c.value, str) and c.value in (evil, "@SUM(A1)", "+1-2")}
    assert found == {evil: "s", "@SUM(A1)": "s", "+1-2": "s"}
    html = write_report(a, tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert not list((tmp_path / "out").glob(".*tmp*"))
    assert clean_text("a\x00b\x07c\td") == "a\\x00b\\x07c\td"  # control characters escaped, visible
    long = clean_text("x" * 40000)
    assert len(long) == EXCEL_MAX and long.endswith("[... cut: 40,000 characters in full, a cell holds 32,767]")


def test_compare_writes_one_workbook_and_one_report(tmp_path):
    common = dict(measures=[measure("a", fixed_om=5), measure("b", fixed_om=12)],
                  effects=[effect("a", "co2", -1), effect("b", "co2", -2)],
                  potentials=[potential("r1", "a", 4), potential("r1", "b", 100)])
    one = make_case(tmp_path / "one", targets=[target("cap", "cap", "co2", 2022, 90)], name="one", **common)
    two = make_case(tmp_path / "two", targets=[target("cap", "cap", "co2", 2022, 80)], name="two", **common)
    out = subprocess.run([sys.executable, "-m", "planner.cli", "compare", str(one), str(two), "--out",
                          str(tmp_path / "cmp")], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    summary = sheet(tmp_path / "cmp" / "compare.xlsx", "Summary")
    # cap 90: a 4 t (20) + b 3 units (36) = 56; cap 80: a 4 t + b 8 units (96) = 116, all built in 2022
    assert list(summary["Case"]) == ["one", "two"]
    np.testing.assert_allclose(summary["Total discounted net cost, 亿元"] * 1e8, [56, 116])
    measures = sheet(tmp_path / "cmp" / "compare.xlsx", "Measures")
    assert measures.iloc[0]["Measure id"] == "b"  # b differs most between the cases: 36 against 96 yuan
    assert measures.iloc[0]["Largest difference, 亿元"] * 1e8 == pytest.approx(60)
    html = (tmp_path / "cmp" / "compare.html").read_text(encoding="utf-8")
    assert 'data-key="objective:two" data-value="116' in html


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def _screenshot(html: Path, png: Path, size: str) -> None:
    browser = _chromium()
    profile = png.parent / f"profile-{png.stem}"
    subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--hide-scrollbars", f"--user-data-dir={profile}", f"--screenshot={png}", f"--window-size={size}",
                    html.resolve().as_uri()], capture_output=True, timeout=180, check=False)


@pytest.mark.skipif(_chromium() is None and os.environ.get("CI") != "true",
                    reason="no Chromium here (CI installs it through .ci/run; the README's set-up too)")
def test_report_renders_in_a_headless_browser_with_chinese_glyphs(outputs, tmp_path):
    """Chromium renders the report to a PNG (kept next to the report for a person to look at); the page is drawn
    (size, ink) and two different Chinese characters do not come out as the same empty box."""
    from PIL import Image

    assert _chromium() is not None, "Chromium is missing: run .ci/run or apt-get install chromium fonts-noto-cjk"
    png = outputs["out"] / "report.png"
    _screenshot(outputs["html"], png, "1280,3000")
    assert png.is_file() and png.stat().st_size > 50_000
    img = np.asarray(Image.open(png).convert("L"))
    assert img.shape == (3000, 1280)
    assert (img < 128).mean() > 0.01  # text and charts, not a blank page
    dom = subprocess.run([_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                          "--disable-background-networking", "--disable-component-update", "--disable-sync",
                          f"--user-data-dir={outputs['out'] / 'profile-dom'}", "--virtual-time-budget=20000",
                          "--dump-dom", outputs["html"].resolve().as_uri()], capture_output=True, text=True,
                         timeout=180).stdout
    drawn = re.findall(r'<figure class="chart[^"]*" id="chart-(\w+)"[^>]*data-drawn="1"', dom)
    assert drawn == list(_specs(outputs["html"].read_text(encoding="utf-8"))), "a chart was not drawn"
    assert "data-error=" not in dom
    assert dom.count("<svg") >= len(drawn) and 'class="mark-rect' in dom  # Vega's SVG, with bars
    glyphs = []
    for ch in ("减", "碳"):
        page = tmp_path / f"g{ord(ch)}.html"
        page.write_text(f'<html><head><meta charset="utf-8"><style>body{{margin:0;font:120px "Noto Sans CJK SC",'
                        f'sans-serif}}</style></head><body>{ch}</body></html>', encoding="utf-8")
        _screenshot(page, tmp_path / f"g{ord(ch)}.png", "200,200")
        glyphs.append(np.asarray(Image.open(tmp_path / f"g{ord(ch)}.png").convert("L")))
    assert all((g < 128).sum() > 200 for g in glyphs)  # ink on the page
    assert (glyphs[0] != glyphs[1]).mean() > 0.02  # different characters, not the same missing-glyph box


def test_an_electricity_table_gets_its_own_sheet(tmp_path):
    """Where the model has a grid (Result.electricity), the workbook shows it; every number as a number."""
    case = make_case(tmp_path, measures=[measure("a", fixed_om=5)], effects=[effect("a", "co2", -1)],
                     potentials=[potential("r1", "a", 40)], targets=[target("cap90", "cap", "co2", 2022, 90)])
    res = planner.run(case)
    res.electricity = pd.DataFrame({"year": [2021, 2022], "demand": [10.0, 12.0], "factor_territorial": [0.5, 0.4]})
    book = openpyxl.load_workbook(write_excel(res, tmp_path / "out.xlsx"))
    ws = book["Electricity"]
    assert [c.value for c in ws[3]] == [2021, 10, 0.5] and [c.value for c in ws[4]] == [2022, 12, 0.4]


def test_workbook_indicators_equal_the_table(outputs):
    res, book = outputs["res"], outputs["book"]
    ind = sheet(book, "Indicators")
    ref = res.indicators.set_index(["region_id", "indicator_id", "year"])
    assert len(ind) == 2 * len(ref.index.droplevel("year").unique())
    for row in ind.sample(40, random_state=1).itertuples(index=False):
        r, i, series = row[0], row[2], row[6]
        col = "baseline" if series.endswith("baseline") else "level"
        for y in (2020, 2025, 2030, 2035):
            assert getattr(row, f"_{7 + y - 2020}") == pytest.approx(ref.at[(r, i, y), col], rel=1e-12, abs=1e-9)


def test_chart_labels_from_the_data_are_literal_text():
    """A name with dollar signs, markup or a closing script tag is data to the chart: it reaches Vega as the same
    text, and the page's JSON cannot end its script element."""
    import json

    from planner.outputs import charts

    name = '区域 $x^$ </script><script>alert(1)</script> & "q"'
    spec = charts.stacked_chart(pd.DataFrame({"year": [2021, 2022], "r$1": [1.0, 2.0]}), "year", "t", "y",
                                names={"r$1": name})
    assert {v["series"] for v in spec["data"]["values"]} == {name}
    text = charts.spec_json({"s": spec})
    assert "</script" not in text and "<" not in text and "&" not in text
    assert json.loads(text)["s"]["data"]["values"][0]["series"] == name


def test_report_says_which_pollutant_still_rises_and_why(tmp_path):
    """vocs rises from 100 (2020) to 120 (2022) and no target speaks of it: the summary says it ends 20% above 2020
    and that no target binds on it; co2, capped, does not appear."""
    from tests.tiny import indicator

    case = make_case(tmp_path, indicators=[indicator("co2"), indicator("vocs")],
                     baseline=[{"region_id": "r1", "indicator_id": i, "year": y, "value": v, "source_id": "src"}
                               for i, vals in (("co2", (100, 100)), ("vocs", (100, 120)))
                               for y, v in zip((2020, 2022), vals, strict=True)],
                     measures=[measure("a", fixed_om=5)], effects=[effect("a", "co2", -1)],
                     potentials=[potential("r1", "a", 20)], targets=[target("cap90", "cap", "co2", 2022, 90)])
    a = analyse(planner.run(case))
    from planner.outputs.report import summary_facts

    rising = summary_facts(a)["rising"]
    assert [(r["indicator_id"], round(r["rise"], 9), r["binding"]) for r in rising] == [("vocs", 0.2, [])]
    html = write_report(a, tmp_path / "report.html").read_text(encoding="utf-8")
    assert "vocs ends 20.0% above 2020 in 2022: no target of this case binds on it" in html


def test_main_measures_are_each_measures_total_over_the_regions(outputs):
    """The summary's main measures are the six with the most investment summed over every region, largest first (they
    were once summed over the eight largest region-measure pairs only: wind showed 172.8亿 of its 216亿)."""
    from planner.outputs.report import summary_facts

    res = outputs["res"]
    totals = res.measures.groupby("measure_id")["investment"].sum().sort_values(ascending=False).head(6)
    main = summary_facts(outputs["a"])["main_measures"]
    assert [m["measure_id"] for m in main] == list(totals.index)
    assert [m["investment"] for m in main] == pytest.approx(list(totals))
