"""Savings of every measure from its priced components (data/derive/savings.csv), electricity excluded (issue 16).

A measure's `savings` column (data/measures.csv) is what one unit saves a year in resources other than electricity:
fuel, water, materials, gate fees, maintenance. Electricity a measure generates, saves or uses is stated only in MWh
(elec_gen_nonfossil, elec_demand, elec_import rows of data/effects.csv); what a MWh is worth comes out of the model's
electricity balance, so no measure carries a price of electricity.

savings.csv has one row per component of a measure: quantity per unit of the measure and year (negative for a
resource the measure uses more of) in quantity_unit, priced at price yuan per quantity_unit; quantity_low/high and
price_low/high where the data give a band (each defaults to the central value). Then

    savings      = sum of quantity x price
    savings_low  = sum over components of the smallest product of (quantity, quantity_low, quantity_high) and
                   (price, price_low, price_high): every band at its worst together, as the price bands of
                   qa_asm_cost_ranges were applied (a fuel saved at its low price, a fuel used at its high one)
    savings_high = the same with the largest products

A measure without rows saves nothing (0, 0, 0); a row with component `none` records that its savings were only
electricity. Where the data give no band of a component, its note says how price_low/high keep the measure's
shipped ratio of savings_low/high to savings (sv_asm_savings in sources.csv). The two import corridors are left as
they are (EXEMPT): they buy energy at a price (fixed_om) and save nothing else; the balance values the thermal MWh
they replace.

    python data/derive/savings.py          rewrite savings, savings_low, savings_high in data/measures.csv
    python data/derive/savings.py --check  exit 1 if data/measures.csv differs from what it would write

Only those three cells change; every other byte of measures.csv, row order included, is kept. A cell whose written
value is within 1e-9 (relative) of the computed one keeps its text.
"""

from __future__ import annotations

import csv
import io
import re
import sys
from collections import defaultdict
from pathlib import Path

DATA = Path(__file__).resolve().parents[1]
COMPONENTS = DATA / "derive" / "savings.csv"
MEASURES = DATA / "measures.csv"
EXEMPT = {"import_xinjiang_green", "import_sichuan_uhv"}
COLUMNS = ("savings", "savings_low", "savings_high")
ELECTRIC = re.compile(r"elec|[kmgt]wh|power", re.IGNORECASE)
COMPONENT_ID = re.compile(r"^[a-z][a-z0-9_]*$")


def _num(cell: str, default: float) -> float:
    return default if cell.strip() == "" else float(cell)


def read_components(path: Path = COMPONENTS) -> dict[str, list[dict]]:
    """Rows of savings.csv by measure, checked: ASCII ids, no electricity, numbers where numbers belong."""
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    by_measure: dict[str, list[dict]] = defaultdict(list)
    for i, r in enumerate(rows, start=2):
        where = f"{path.name} line {i} ({r['measure_id']}, {r['component']})"
        if not COMPONENT_ID.match(r["component"]):
            raise ValueError(f"{where}: component must be a lower-case ASCII id")
        if ELECTRIC.search(r["component"]) or ELECTRIC.search(r["quantity_unit"]):
            raise ValueError(f"{where}: electricity is priced by the model's balance, never a savings component")
        if r["measure_id"] in EXEMPT:
            raise ValueError(f"{where}: {r['measure_id']} is left as shipped (EXEMPT)")
        for k in ("quantity", "price"):
            float(r[k])
        for k in ("quantity_low", "quantity_high", "price_low", "price_high"):
            _num(r[k], 0.0)
        if not r["source_id"] or not r["note"]:
            raise ValueError(f"{where}: every component names its source and says where its numbers come from")
        by_measure[r["measure_id"]].append(r)
    return dict(by_measure)


def component_value(r: dict) -> tuple[float, float, float]:
    """Central, low and high yuan per unit-year of one component."""
    q, p = float(r["quantity"]), float(r["price"])
    qs = (q, _num(r["quantity_low"], q), _num(r["quantity_high"], q))
    ps = (p, _num(r["price_low"], p), _num(r["price_high"], p))
    products = [a * b for a in qs for b in ps]
    return q * p, min(products), max(products)


def savings(components: dict[str, list[dict]]) -> dict[str, tuple[float, float, float]]:
    out = {}
    for m, rows in components.items():
        values = [component_value(r) for r in rows]
        out[m] = tuple(sum(v[k] for v in values) for k in range(3))
    return out


def _fmt(x: float) -> str:
    text = f"{x:.12g}"
    return "0" if text in ("-0", "0") else text


def _cell(old: str, new: float) -> str:
    try:
        if abs(float(old) - new) <= 1e-9 * max(1.0, abs(new)):
            return old
    except ValueError:
        pass
    return _fmt(new)


def rewrite(text: str, components: dict[str, list[dict]]) -> str:
    """measures.csv text with the three savings cells of every measure derived from its components."""
    rows = list(csv.reader(io.StringIO(text)))
    header, body = rows[0], rows[1:]
    ids = [r[header.index("measure_id")] for r in body]
    unknown = sorted(set(components) - set(ids))
    if unknown:
        raise ValueError(f"savings.csv names measures that measures.csv does not have: {unknown}")
    value = savings(components)
    idx = [header.index(c) for c in COLUMNS]
    for r in body:
        m = r[header.index("measure_id")]
        if m in EXEMPT:
            continue
        for i, v in zip(idx, value.get(m, (0.0, 0.0, 0.0)), strict=True):
            r[i] = _cell(r[i], v)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, *body])
    return out.getvalue()


def main(argv: list[str]) -> int:
    check = "--check" in argv
    text = MEASURES.read_text(encoding="utf-8")
    new = rewrite(text, read_components())
    if new == text:
        return 0
    if check:
        old_rows, new_rows = csv.reader(io.StringIO(text)), csv.reader(io.StringIO(new))
        changed = [o[0] for o, n in zip(old_rows, new_rows, strict=False) if o != n]
        print(f"data/measures.csv differs from data/derive/savings.csv for: {', '.join(changed)}", file=sys.stderr)
        return 1
    MEASURES.write_text(new, encoding="utf-8", newline="")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
