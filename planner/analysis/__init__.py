"""Analysis of a solved case: why the plan looks the way it does.

`analyse(result)` reads the result tables (and the solver's duals and reduced costs kept on the solution) and returns
an `Analysis` of plain pandas tables that the workbook, the HTML report, the IAMC export and the console summary
all read, so every number is computed once:

- `marginal`: each target row's marginal cost, per unit and in the target's own terms (`marginal.py`);
- `reduced`, `reasons`: each measure's reduced cost and why each deployed measure is in the plan (`measures.py`);
- `costs`, `cost_totals`: investment, O&M, savings, net per year and discounted, no-regret apart (`costs.py`);
- `mac`: MAC curves in CO2e, air- and water-pollutant equivalents (`mac.py`);
- `cocontrol`: quadrants, elasticities, unit co-control cost, synergy score (`cocontrol.py`);
- `pathways`, `peak`, `sectors`: targets over time in their own terms, the CO2 peak, sector cuts (`pathways.py`);
- `air`, `health`: PM2.5 by region and year, deaths, avoided deaths and their value (`health.py`), where the data has
  a source-receptor relation and a health account.

Formulas and sources: docs/report.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ..results.tables import Result
from .cocontrol import cocontrol
from .common import PCT_KINDS, YI, Context
from .costs import cost_by_year, cost_summary
from .health import health_account
from .mac import mac_table
from .marginal import marginal_costs, tighten_check
from .measures import drivers, reasons, reduced_costs
from .pathways import co2_peak, sector_cuts, target_pathways

__all__ = ["Analysis", "analyse", "tighten_check", "Context", "PCT_KINDS", "YI"]


@dataclass
class Analysis:
    result: Result
    ctx: Context
    marginal: pd.DataFrame
    reduced: pd.DataFrame
    reasons: pd.DataFrame
    costs: pd.DataFrame
    cost_totals: dict
    mac: dict[str, pd.DataFrame]
    cocontrol: pd.DataFrame
    pathways: pd.DataFrame
    peak: dict
    sectors: pd.DataFrame
    drivers: pd.Series
    notes: dict = field(default_factory=dict)
    air: pd.DataFrame | None = None  # PM2.5, deaths, avoided deaths and value by region and year (health.py)
    health: dict = field(default_factory=dict)  # the health account's headline figures

    @property
    def binding(self) -> pd.DataFrame:
        """Binding rows with a non-zero marginal cost, dearest first (present value)."""
        m = self.marginal
        m = m[(m["status"] == "binding") & (m["marginal_cost_pv"].abs() > 1e-9)]
        return m.sort_values("marginal_cost_pv", ascending=False)


def analyse(result: Result) -> Analysis:
    ctx = Context(result)
    health = health_account(ctx)
    marginal = marginal_costs(result, ctx)
    by_year = cost_by_year(ctx)
    why = reasons(ctx, marginal)
    return Analysis(
        result=result, ctx=ctx, marginal=marginal, reduced=reduced_costs(ctx), reasons=why, drivers=drivers(why),
        costs=by_year, cost_totals=cost_summary(ctx, by_year),
        mac={k: mac_table(ctx, k) for k in ("co2e", "air", "water")},
        cocontrol=cocontrol(ctx), pathways=target_pathways(ctx), peak=co2_peak(ctx), sectors=sector_cuts(ctx),
        air=health.table, health=health.summary,
    )
