"""One-off migration (2026-11): move the grid-electricity part of every measure's effects into the balance.

Before, a measure that used or made grid electricity carried the consequences of coal power in its own rows, at the
data conventions (ma_data_conventions): 0.305 tce/MWh coal, 0.8113 t CO2/MWh, CEC 2020 thermal SO2 0.160, NOx 0.179,
PM 0.032 g/kWh, power-plant conversion loss 0.1821 tce/MWh in energy_industry. Now the measure says only how many MWh
of demand, local non-fossil generation or imports it adds (elec_demand, elec_gen_nonfossil, elec_import) and
planner/model/electricity.py derives the thermal consequences from data/electricity.csv.

For each measure and region group: g = co2_power / 0.8113 (MWh of grid thermal output per unit; captive_coal_to_grid:
+5,000 MWh bought from the grid per MW of captive coal retired; coal_unit_retrofit is a power plant itself and is left
alone). A row present before keeps only its own part: old - g * factor. A row absent before had no own part, except
energy_total of generators and imports, which gain their non-fossil energy (coal-equivalent method). Kept for the
record: running it again on migrated data changes nothing (it skips measures that already have elec_* rows).
"""

import csv
from collections import defaultdict
from pathlib import Path

PATH = Path(__file__).resolve().parents[1] / "effects.csv"
OLD = {"energy_coal": 0.305, "energy_total": 0.305, "co2": 0.8113, "co2_power": 0.8113, "so2": 0.00016,
       "nox": 0.000179, "key_industry_nox": 0.000179, "pm": 0.000032, "energy_industry": 0.1821}
GENERATION = {"pv_utility", "pv_distributed", "wind_onshore", "small_hydro", "biomass_power", "bld_rooftop_pv",
              "soil_pv_derelict_land", "wat_tailwater_hydro", "wst_waste_to_energy", "wst_landfill_gas"}
IMPORTS = {"import_xinjiang_green", "import_sichuan_hydro"}
SKIP = {"coal_unit_retrofit"}
FIXED = {"captive_coal_to_grid": 5000.0}
NOTE = "grid part moved to the electricity balance (data/derive/grid_effects.py)"


def main() -> None:
    with PATH.open(encoding="utf-8") as f:
        reader = csv.DictReader(f)
        fields, rows = reader.fieldnames, list(reader)
    groups = defaultdict(dict)
    for r in rows:
        groups[r["measure_id"], r["region_id"]][r["indicator_id"]] = r
    done = {m for (m, _), g in groups.items() if any(i.startswith("elec_") for i in g)}
    out = []
    emitted = set()
    for r in rows:
        m, reg = r["measure_id"], r["region_id"]
        if m in SKIP or m in done or "co2_power" not in {**groups[m, ""], **groups[m, reg]}:
            out.append(r)
            continue
        if (m, reg) in emitted:
            continue
        emitted.add((m, reg))
        general, own = groups[m, ""], groups[m, reg]
        merged = {**general, **own}
        g = FIXED.get(m, float(merged["co2_power"]["effect"]) / 0.8113)
        template = merged["co2_power"]
        new = {}
        for i, row in merged.items():
            value = old = float(row["effect"])
            if i in OLD:
                value -= g * OLD[i]
                if abs(value) < 1e-6 * abs(old):  # cancelled up to the rounding of the old rows
                    value = 0.0
            new[i] = (value, row)
        if "energy_total" not in merged and (m in GENERATION or m in IMPORTS) and "energy_nonfossil" in merged:
            new["energy_total"] = (float(merged["energy_nonfossil"]["effect"]), merged["energy_nonfossil"])
        kind = "elec_gen_nonfossil" if m in GENERATION else "elec_import" if m in IMPORTS else "elec_demand"
        new[kind] = (-g if kind != "elec_demand" else g, template)
        for i, (value, row) in new.items():
            if abs(value) < 1e-9 * max(1.0, abs(g)):
                continue
            if reg and i not in own and i in general and i not in OLD and not i.startswith("elec_") \
                    and i != "energy_total":
                continue  # the all-region row still holds
            note = f"{g:+,.6g} MWh/unit of grid electricity" if i.startswith("elec_") else \
                (row["note"] + "; " + NOTE if i in OLD or i == "energy_total" else row["note"])
            out.append({**row, "indicator_id": i, "effect": f"{value:.10g}", "region_id": reg, "note": note})
    with PATH.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        w.writeheader()
        w.writerows(out)


if __name__ == "__main__":
    main()
