"""One electricity balance for the city grid: thermal output follows from demand, local non-fossil generation and
imports, and the CO2, coal and air pollutants of thermal power follow from thermal output.

For every model year t (sums over all regions r)::

    thermal[t] = sum_r elec_demand[r, t] - elec_gen_nonfossil[r, t] - elec_import[r, t]

A measure says only what it does to electricity: ``e_d`` more demand (electric buses, shore power, heat pumps; negative
for efficiency), ``e_g`` more local non-fossil generation (PV, wind, hydro, biomass), ``e_x`` more imports. Its change
of thermal output per unit standing is ``delta[r, m] = e_d - e_g - e_x``, wherever it stands, and the grid books that
change to every region r' by the region's share of thermal generation ``s[r']`` (the plants are where they are)::

    elec_thermal[r'] += s[r'] * delta[r, m]
    i[r']            += s[r'] * f[i] * delta[r, m]       for every indicator i that thermal output moves

with ``f`` from data/electricity.csv: ``thermal_co2`` (co2, co2_power), ``thermal_coal`` (energy_coal),
``thermal_gas`` (energy_gas; 0 if not given), their sum (energy_total), ``thermal_energy_industry`` (energy_industry:
the conversion loss of power plants, which are industry), ``thermal_so2``, ``thermal_nox`` (nox, key_industry_nox:
power is a key industry), ``thermal_pm``. The sign of a measure
(an electric bus cuts CO2 or adds it) thus comes out of the balance, not out of the data. Imports carry their own
factor ``import_co2`` into the consumption-based emission factor of electricity (results), never into the city's
territorial CO2.

In the LP the grid's part of every level goes through one variable per year, the change of city thermal output
that the measures make (constraint ``thermal_balance``)::

    thermal_change[t] = sum_{(r, m)} delta[r, m] * stock[r, m, t]
    level[r', i, t]  += s[r'] * f[i] * thermal_change[t]      (`indicators.py`)

the same numbers as booking every measure to every region, with one term per region instead of one per region and
measure anywhere (which made the LP grow as the square of the regions).

Thermal output never falls below the must-run floor (constraint ``thermal_floor``), every model year t::

    sum_r level[r, elec_thermal, t] >= must_run[t]

so no region's power CO2 can go negative and renewables cannot displace more thermal power than there is. With
``thermal_max_hours`` in the data, thermal output never exceeds what the thermal capacity standing can generate
(constraint ``thermal_capacity_limit``), every model year t::

    sum_r level[r, elec_thermal, t] <= thermal_max_hours * sum_r level[r, thermal_capacity, t]

``thermal_capacity`` (MW) is the fleet in service or committed in the baseline; a measure that builds new thermal
capacity adds to it (`coal_power_new`, with its capex), so new capacity is bought only where demand needs it, and a
measure that cuts thermal output can save it.

**What electricity is worth.** Thermal output has a cost in the objective (`cost.py`: c_th[t] per MWh), and every
measure states only the MWh it generates, saves, uses or imports (imports through the corridors' own measures, with
their prices and limits). The dual of ``thermal_balance[t]``, divided by df[t], is therefore the marginal value of a
MWh of electricity to the city in year t (yuan/MWh of that year): c_th[t], plus what the capacity row and the
targets that thermal output moves (CO2, coal, the peak) add at the margin, less the must-run floor's dual. The
results report it beside the benchmark tariff (`planner.results.tables.electricity_table`).
"""

from __future__ import annotations

import pyomo.core as pyo  # not pyomo.environ: its solver and transformation plugins cost 0.12 s of import
from pyomo.core.expr.numeric_expr import LinearExpression

from ..inputs.grid import (  # noqa: F401  the grid's names, as the model and its users have read them from here
    BALANCE,
    CAPACITY,
    DEMAND,
    FACTORS,
    GENERATION,
    IMPORT,
    MOVED_BY_THERMAL,
    OPTIONAL,
    REQUIRED,
    THERMAL,
    Grid,
    check,
    read_grid,
)


def add_variables(m: pyo.ConcreteModel, p) -> None:
    if p.grid is not None:
        m.thermal_change = pyo.Var(m.T)  # MWh/yr; free: measures raise it (demand) or lower it (generation, imports)
        if any(p.accumulates[i] for i in p.thermal_moved):
            m.thermal_stood = pyo.Var(m.T)  # running sum of thermal_change, for an accumulating indicator


def add_constraints(m: pyo.ConcreteModel, p) -> None:
    if p.grid is None:
        return
    pairs = list(p.thermal_delta.items())
    m.thermal_balance = pyo.Constraint(m.T, rule=lambda _, t: m.thermal_change[t] == LinearExpression(
        constant=0.0, linear_coefs=[d for _, d in pairs], linear_vars=[m.stock[r, ms, t] for (r, ms), _ in pairs]))
    if hasattr(m, "thermal_stood"):
        first = p.years[0]
        m.thermal_stood_balance = pyo.Constraint(m.T, rule=lambda _, t: m.thermal_stood[t] == m.thermal_change[t]
                                                 + (m.thermal_stood[t - 1] if t > first else 0.0))
    m.thermal_floor = pyo.Constraint(
        m.T, rule=lambda _, t: pyo.quicksum(m.level[r, THERMAL, t] for r in p.regions) >= p.grid.must_run[t])
    if p.grid.max_hours is not None and CAPACITY in p.indicators:
        m.thermal_capacity_limit = pyo.Constraint(m.T, rule=lambda _, t: pyo.quicksum(
            m.level[r, THERMAL, t] for r in p.regions) <= p.grid.max_hours * pyo.quicksum(
            m.level[r, CAPACITY, t] for r in p.regions))
