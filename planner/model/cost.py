"""Objective: total discounted net cost of the measures standing in the model years, and of the thermal output they
change on the city grid::

    min sum_t df[t] * ( sum_{r, m} stock[r, m, t] * (capex[m] * crf(rate, lifetime[m]) + fixed_om[m] - savings[m])
                        + c_th[t] * thermal_change[t] )

    df[t] = (1 + rate) ** -(t - base_year),   crf(r, n) = r / (1 - (1 + r) ** -n)

``c_th[t]`` is the variable cost of a MWh of thermal output (`planner.inputs.grid`: coal and gas burned per MWh at
their prices, plus O&M besides fuel), so what a measure that generates, saves or imports electricity is worth comes
out of the balance (`electricity.py`), never out of its ``savings``: a MWh less of thermal output saves c_th[t], and
what it does to the targets (CO2, coal, the peak) their duals price. Without prices in the data c_th is 0.

Investment enters as the annuity of each unit standing, so a unit built late in the horizon pays only for the years
it stands inside it (no salvage value needed). Written directly in ``build``: the coefficient of
``build[r, m, tau]`` is ``unit_cost[m] * sum(df[t] for t in T if tau <= t < tau + lifetime[m])``. Net savings may
make ``unit_cost`` negative: such "no-regret" measures are deployed up to their potential with no target asking.

With ``objective = "social"`` (a case setting) the objective also holds the valued health benefit of cleaner air,
linearised around the baseline's concentrations (`planner.model.health`, `social_terms`): least social cost.

In elastic mode (infeasibility diagnosis) the objective is instead the sum of the target slacks, each divided by
its row's baseline level (`targets.row_scale`), so the answer is the smallest relative relaxation of the targets.
"""

from __future__ import annotations

import pyomo.core as pyo  # not pyomo.environ: its solver and transformation plugins cost 0.12 s of import
from pyomo.core.expr.numeric_expr import LinearExpression

from .health import social_coefficients
from .params import Params
from .targets import row_scale


def build_coefficient(p: Params, ms: str, tau: int) -> float:
    life = p.lifetime[ms]
    return p.unit_cost[ms] * sum(p.df[t] for t in p.years if tau <= t < tau + life)


def add_objective(m: pyo.ConcreteModel, p: Params, elastic: bool = False) -> None:
    if elastic:
        by_id = {t["target_id"]: t for t in p.targets}
        m.cost = pyo.Objective(
            expr=pyo.quicksum(m.slack[k, y] / row_scale(p, by_id[k], y) for k, y in m.KY), sense=pyo.minimize
        )
        return
    coef = {(ms, tau): build_coefficient(p, ms, tau) for ms in p.measures for tau in p.years}
    keys = [(r, ms, tau) for r, ms in p.pairs for tau in p.years]
    coefs, variables = [coef[ms, tau] for _, ms, tau in keys], [m.build[k] for k in keys]
    for t, c in thermal_coefficients(p).items():
        coefs.append(c)
        variables.append(m.thermal_change[t])
    constant = 0.0
    if p.objective == "social":  # minus the valued health benefit, linearised (planner/model/health.py)
        constant = social_terms(m, p, coefs, variables)
    m.cost = pyo.Objective(expr=LinearExpression(constant=constant, linear_coefs=coefs, linear_vars=variables),
                           sense=pyo.minimize)


def social_terms(m: pyo.ConcreteModel, p: Params, coefs: list, variables: list) -> float:
    """Append the least-social-cost terms ``h[r, c, t] · C[r, t]`` to the objective's coefficients and variables,
    each concentration level written out in its own terms (`Params.lp_terms`: stock, and thermal output through
    ``thermal_change``), and return the constant ``-Σ h · C0`` (`planner.model.health.social_coefficients`).
    The terms sit on ``stock`` columns, so the compiled path re-builds a point that changes a cost
    (`planner.solver.compiled`: ``cost_in_place`` is false)."""
    coef, constant = social_coefficients(p)
    for (r, c, t), h in coef.items():
        terms, grid = p.lp_terms(r, c)
        constant += h * p.baseline[r, c, t]  # the level's constant: C = C0 + Σ e · x
        for rb, ms, e in terms:
            coefs.append(h * e)
            variables.append(m.stock[rb, ms, t])
        if grid:
            coefs.append(h * grid)
            variables.append(m.thermal_change[t])
    return constant


def thermal_coefficients(p: Params) -> dict[int, float]:
    """The objective coefficient of ``thermal_change[t]``: df[t] * c_th[t] (none without a priced grid)."""
    if p.grid is None or not p.grid.cost:
        return {}
    return {t: p.df[t] * p.grid.cost[t] for t in p.years if p.grid.cost.get(t)}
