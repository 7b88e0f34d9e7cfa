"""One-at-a-time sensitivity of the reference case's headline to its main assumptions (docs/validation.md, tornado).

    .venv/bin/python scripts/sensitivity.py [cases/baseline.toml] [--markdown]

Each assumption is set to a low and a high value in a copy of data/ (the reference baseline re-derived by
data/derive/reference_baseline.py where the assumption is one of its drivers) and the case is solved again. Printed for
each: CO2 on the assessment basis (co2_official) in 2030, the peak year and level, the total discounted cost, the
peak's marginal cost (yuan/t, the ceiling's dearest year) and the marginal value of electricity in 2030. The rows are
sorted by the swing of 2030 CO2.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd

import planner
from planner.analysis import analyse

ROOT = Path(__file__).resolve().parents[1]
DERIVE = ROOT / "data" / "derive" / "reference_baseline.py"


def _csv(data: Path, name: str, change: Callable[[pd.DataFrame], pd.DataFrame]) -> None:
    path = data / f"{name}.csv"
    df = pd.read_csv(path, keep_default_na=False, dtype=str)
    change(df).to_csv(path, index=False, lineterminator="\n")


def _scale(parameter: str, factor: float) -> Callable[[Path], None]:
    def apply(data: Path) -> None:
        def change(df):
            rows = df["parameter"] == parameter
            df.loc[rows, "value"] = [repr(float(v) * factor) for v in df.loc[rows, "value"]]
            return df
        _csv(data, "electricity", change)
    return apply


def _set(parameter: str, value: float) -> Callable[[Path], None]:
    def apply(data: Path) -> None:
        def change(df):
            df.loc[df["parameter"] == parameter, "value"] = repr(value)
            return df
        _csv(data, "electricity", change)
    return apply


def _measure_column(low_or_high: str, columns: tuple[str, ...]) -> Callable[[Path], None]:
    """Every measure's capex (or savings) at its low or high value where the data gives one."""
    def apply(data: Path) -> None:
        def change(df):
            for c in columns:
                alt = df[f"{c}_{low_or_high}"]
                df[c] = alt.where(alt != "", df[c])
            return df
        _csv(data, "measures", change)
    return apply


def _no_sichuan(data: Path) -> None:
    def change(df):
        rows = df["measure_id"] == "import_sichuan_uhv"
        df.loc[rows, ["max_stock", "max_build"]] = "0"
        return df
    _csv(data, "potentials", change)


def _derive(**patch) -> Callable[[Path], None]:
    """Re-derive the reference baseline in the copy with module constants patched (e.g. E_ELEC_LATE)."""
    def apply(data: Path) -> None:
        spec = importlib.util.spec_from_file_location("reference_baseline_copy", DERIVE)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        mod.DATA = data
        for k, v in patch.items():
            setattr(mod, k, v)
        mod.main([])
    return apply


def _gdp(delta: float) -> Callable[[Path], None]:
    """GDP and industrial value added growing ``delta`` a year faster (or slower) after 2023, then re-derived."""
    def apply(data: Path) -> None:
        def change(df):
            rows = df["indicator_id"].isin(["gdp", "industrial_value_added"]) & (df["year"].astype(int) > 2023)
            years = df.loc[rows, "year"].astype(int)
            df.loc[rows, "value"] = [repr(float(v) * (1 + delta) ** (y - 2023))
                                     for v, y in zip(df.loc[rows, "value"], years, strict=True)]
            return df
        _csv(data, "baseline", change)
        _derive()(data)
    return apply


# (id, what, low, high): a change of the data copy, or a dict of case settings / target switches
ASSUMPTIONS: list[tuple[str, str, object, object]] = [
    ("electricity_elasticity", "electricity demand / GDP elasticity after 2025: 0.6 / 0.9 (0.75; 0.60 after 2030 "
     "moved alike)", _derive(E_ELEC_LATE={2026: 0.6, 2031: 0.48}), _derive(E_ELEC_LATE={2026: 0.9, 2031: 0.72})),
    ("gdp_growth", "GDP and industry growth after 2023: -1 / +1 point a year", _gdp(-0.01), _gdp(0.01)),
    ("import_factor", "imports on the assessment basis: 西南 grid 0.2268 / national 0.5306 t/MWh (华中 0.5271)",
     _set("import_co2_official", 0.2268), _set("import_co2_official", 0.5306)),
    ("coal_price", "coal price for power: -25% / +25% (950 yuan/tce from 2025)", _scale("coal_price", 0.75),
     _scale("coal_price", 1.25)),
    ("thermal_hours", "full-load hours of thermal capacity: 5,000 / 6,000 (5,500)", _set("thermal_max_hours", 5000.0),
     _set("thermal_max_hours", 6000.0)),
    ("capex", "every measure's capex at its low / high value", _measure_column("low", ("capex",)),
     _measure_column("high", ("capex",))),
    ("savings", "every measure's savings at its low / high value", _measure_column("low", ("savings",)),
     _measure_column("high", ("savings",))),
    ("discount_rate", "discount rate 5% / 10% (8%)", {"discount_rate": 0.05}, {"discount_rate": 0.10}),
    ("wind_pv_plan", "wind and PV: the city's plan / technical potentials (no plan limit)", None,
     {"targets": {"wind_pv_plan_limit": False}}),
    ("sichuan_uhv", "川渝 1000 kV imports: none / 15,000 GWh a year from 2025", _no_sichuan, None),
    ("co2_intensity_2025", "2025 CO2 intensity -18% (the national target, assumed for Chongqing): off / on",
     {"targets": {"co2_intensity_2025": False}}, None),
    ("key_projects", "14th-FYP key-project pollutant cuts: off / on", {"targets": {
        t: False for t in ("cod_key_projects_2025", "nh3n_key_projects_2025", "nox_key_projects_2025",
                           "vocs_key_projects_2025")}}, None),
]


def headline(res) -> dict:
    a = analyse(res)
    ind = res.indicators[res.indicators["region_id"] == "city"].set_index(["indicator_id", "year"])["level"]
    peak = a.peak or {}
    t = res.targets
    pk = t[(t["kind"] == "peak") & (t["year"] > 2030)]  # the ceiling rows after the plan's peak year
    el = res.electricity.set_index("year")
    share = ind["energy_nonfossil"] / ind["energy_total"]
    return {"co2_official_2030_mt": ind[("co2_official", 2030)] / 1e6,
            "co2_territorial_2030_mt": ind[("co2", 2030)] / 1e6,
            "peak_year": peak.get("plan_year"), "peak_mt": (peak.get("plan_level") or float("nan")) / 1e6,
            "objective_yi": res.solution.objective / 1e8,
            "peak_price": float(pk["marginal_cost"].abs().max()) if len(pk) else float("nan"),
            "elec_value_2030": float(el.at[2030, "marginal_value"]),
            "nonfossil_2030": float(share[2030])}


def solve(case: Path, change, tmp: Path, tag: str) -> dict:
    data = tmp / tag
    shutil.copytree(ROOT / "data", data)
    settings, switches = {}, {}
    if callable(change):
        change(data)
    elif isinstance(change, dict):
        switches = change.get("targets", {})
        settings = {k: v for k, v in change.items() if k != "targets"}
    lines = [f'extends = "{case.resolve()}"', f'name = "{tag}"', f'data = "{data}"']
    lines += [f"{k} = {v!r}" for k, v in settings.items()]
    for t, on in switches.items():
        lines += [f"[targets.{t}]", f"enabled = {str(on).lower()}"]
    path = tmp / f"{tag}.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    try:
        res = planner.run(path)
    except planner.InfeasibleError as e:  # the diagnosis's first relaxation says which target cannot hold
        first = next((ln.strip() for ln in str(e).splitlines()[1:] if ln.strip()), "")
        return {"status": "infeasible", "diagnosis": first}
    if res.summary["status"] != "optimal":
        return {"status": res.summary["status"]}
    return headline(res)


def main(argv: list[str]) -> int:
    case = Path(next((a for a in argv if not a.startswith("--")), ROOT / "cases" / "baseline.toml"))
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        central = solve(case, None, tmp, "central")
        for key, what, low, high in ASSUMPTIONS:
            for side, change in (("low", low), ("high", high)):
                r = central if change is None else solve(case, change, tmp, f"{key}_{side}")
                rows.append({"assumption": key, "what": what, "side": side, **r})
                print(f"{key:<24}{side:<5}", {k: (round(v, 1) if isinstance(v, float) else v) for k, v in r.items()},
                      file=sys.stderr, flush=True)
    df = pd.DataFrame(rows)
    swing = df.groupby("assumption")["co2_official_2030_mt"].agg(lambda s: s.max() - s.min())
    df["swing"] = df["assumption"].map(swing)
    df = df.sort_values(["swing", "assumption", "side"], ascending=[False, True, False])
    for r in rows:
        if r.get("status") == "infeasible":
            print(f"{r['assumption']} {r['side']}: infeasible: {r['diagnosis']}")
    print("central:", {k: (round(v, 2) if isinstance(v, float) else v) for k, v in central.items()})
    if "--markdown" in argv:
        print("\n| assumption (low / high) | CO2 2030, Mt (official) | territorial | peak year | total cost, 亿元 | "
              "peak price, yuan/t | electricity value 2030, yuan/MWh | non-fossil 2030 |")
        print("|---|---|---|---|---|---|---|---|")
        for _, g in df.groupby("assumption", sort=False):
            lo, hi = g[g["side"] == "low"].iloc[0], g[g["side"] == "high"].iloc[0]

            def pair(c, f, lo=lo, hi=hi):
                return " / ".join("infeasible" if r.get("status") == "infeasible" else format(r[c], f)
                                  for r in (lo, hi))
            print(f"| {lo['what']} | {pair('co2_official_2030_mt', '.1f')} | "
                  f"{pair('co2_territorial_2030_mt', '.1f')} | {pair('peak_year', '.0f')} | "
                  f"{pair('objective_yi', ',.1f')} | "
                  f"{pair('peak_price', ',.0f')} | {pair('elec_value_2030', ',.0f')} | "
                  f"{pair('nonfossil_2030', '.1%')} |")
    else:
        print(df.drop(columns=["what"]).to_string(index=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
