"""Air quality and health of a solved case: PM2.5 by region and year, the deaths it causes, the deaths the plan avoids
and their value; what a measure's cleaner air is worth.

For every region r (and the city: the population-weighted mean of PM2.5, the sum of deaths) and year y, from the
levels of the result (`planner.inputs.airquality`: ``C = B + Σ a · E``, exact, not linearised)::

    deaths_baseline[r, y] = M[r, y] · AF(C0[r, y])        deaths[r, y] = M[r, y] · AF(C[r, y])
    avoided[r, y]         = deaths_baseline - deaths      value[r, y] = VSL · avoided   (yuan of the base year)

with AF the GEMM's attributable fraction and M the NCD+LRI deaths of adults 25+ (`planner.model.health`). The
summary adds the avoided deaths over the model years, their discounted value (present value in the base year, at the
case's discount rate, as every cost) and, for the least-social-cost objective, the LP's linearised benefit beside the
exact one.

**A measure's air-quality benefit** (MAC curves and co-control, `benefit_per_unit`): one unit standing in region r
changes the PM2.5 of every receptor region r' by ``Δc[r']`` (`Params.flows`: its own precursors and, through the
grid, those of thermal output), worth ``-Σ_r' Δc[r'] · VSL · M[r', Y] · AF'(C[r', Y])`` yuan a year in the report
year Y, at the plan's concentrations: the value of the next unit.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from ..inputs.airquality import PM25
from ..inputs.load import CITY
from ..model.health import Gemm, exposed_deaths, gemm, social_coefficients
from .common import Context

AIR_COLUMNS = ["region_id", "year", "pm25_baseline", "pm25", "deaths_baseline", "deaths", "avoided_deaths",
               "value_yuan"]


@dataclass
class HealthAccount:
    """The health account of one result (None-safe: ``available`` is false without the data)."""

    ctx: Context

    @property
    def available(self) -> bool:
        p = self.ctx.p
        return (p.air is not None and PM25 in p.air.indicators and p.health is not None and p.health.complete)

    @cached_property
    def gemm(self) -> Gemm:
        return gemm(self.ctx.p.health.central)

    @cached_property
    def vsl(self) -> float:
        return self.ctx.p.health.central["vsl"]

    @cached_property
    def years(self) -> list[int]:
        p = self.ctx.p
        return list(range(p.base_year, p.years[-1] + 1))

    @cached_property
    def exposed(self) -> dict[tuple[str, int], float]:
        p = self.ctx.p
        return exposed_deaths(p.health, p.air.weights, p.regions, self.years)

    def concentration(self, r: str, y: int, plan: bool = True) -> float:
        return float(self.ctx.indicator_values[r, PM25, y][1 if plan else 0])

    def benefit_per_unit(self, r: str, m: str, year: int) -> float:
        """Yuan a year that one unit of m standing in r is worth through cleaner air in ``year`` (at the plan's
        concentrations); 0 without a health account."""
        if not self.available:
            return 0.0
        flow = self.ctx.p.flows.get((r, m), {})
        out = 0.0
        for (rr, i), dc in flow.items():
            if i == PM25:
                out -= dc * self.vsl * self.exposed[rr, year] * self.gemm.slope(self.concentration(rr, year))
        return out

    @cached_property
    def table(self) -> pd.DataFrame:
        """One row per region (and the city) and year: PM2.5 baseline and plan, deaths, avoided deaths, value."""
        if not self.available:
            return pd.DataFrame(columns=AIR_COLUMNS)
        p, g = self.ctx.p, self.gemm
        recs = []
        for y in self.years:
            city = dict.fromkeys(AIR_COLUMNS[2:], 0.0)
            for r in p.regions:
                c0, c1 = self.concentration(r, y, plan=False), self.concentration(r, y)
                d0, d1 = self.exposed[r, y] * g.af(c0), self.exposed[r, y] * g.af(c1)
                row = {"pm25_baseline": c0, "pm25": c1, "deaths_baseline": d0, "deaths": d1,
                       "avoided_deaths": d0 - d1, "value_yuan": self.vsl * (d0 - d1)}
                recs.append({"region_id": r, "year": y, **row})
                w = p.air.weights.get(r, 0.0)
                for k, v in row.items():
                    city[k] += w * v if k.startswith("pm25") else v
            recs.append({"region_id": CITY, "year": y, **city})
        return pd.DataFrame.from_records(recs, columns=AIR_COLUMNS)

    @cached_property
    def summary(self) -> dict:
        """Headline figures: avoided deaths over the model years and in the report years, their value (present
        value), the city's PM2.5 in the report years, and the LP's linearised benefit for a social objective."""
        if not self.available:
            return {}
        p = self.ctx.p
        t = self.table
        city = t[t["region_id"] == CITY].set_index("year")
        model = city.loc[p.years]
        df = np.array([p.df[y] for y in p.years])
        out = {
            "years": f"{p.years[0]}-{p.years[-1]}",
            "avoided_deaths": float(model["avoided_deaths"].sum()),
            "value_pv_yuan": float((model["value_yuan"].to_numpy() * df).sum()),
            "vsl_yuan": self.vsl,
            "by_year": {int(y): {"pm25_baseline": float(city.at[y, "pm25_baseline"]), "pm25": float(city.at[y, "pm25"]),
                                 "avoided_deaths": float(city.at[y, "avoided_deaths"]),
                                 "value_yuan": float(city.at[y, "value_yuan"])}
                        for y in (2025, 2030, p.years[-1]) if y in city.index},
            "observed": dict(p.health.observed), "observed_max": dict(p.health.observed_max),
        }
        if p.objective == "social":
            coef, _ = social_coefficients(p)
            out["linear_value_pv_yuan"] = float(sum(
                h * (self.concentration(r, t_) - p.baseline[r, c, t_]) for (r, c, t_), h in coef.items()) * -1.0)
        return out


def health_account(ctx: Context) -> HealthAccount:
    acc = ctx.__dict__.get("_health")
    if acc is None:
        acc = ctx.__dict__["_health"] = HealthAccount(ctx)
    return acc


__all__ = ["AIR_COLUMNS", "HealthAccount", "health_account"]
