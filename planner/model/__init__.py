"""The Pyomo model, built in a fixed order: sets, variables, expressions, constraints, objective.

Each constraint family lives in its own module with its math in the docstring (`stock`, `indicators`, `health`,
`electricity`, `targets`, `bounds`, `cost`); this module only wires them. The full formulation is written out in
docs/formulation.md.
A user hook ``extra(model, params)`` runs after the build, before the solve, to add constraints of one's own.
"""

from __future__ import annotations

from collections.abc import Callable

import pyomo.core as pyo  # not pyomo.environ: its solver and transformation plugins cost 0.12 s of import
from pyomo.common.gc_manager import PauseGC

from ..inputs.load import Data
from . import bounds, cost, electricity, health, indicators, stock, targets
from .params import Params, crf, derive

__all__ = ["build_model", "Params", "crf", "derive"]


def build_model(
    data: Data | Params,
    elastic: bool = False,
    extra: Callable[[pyo.ConcreteModel, Params], None] | None = None,
) -> pyo.ConcreteModel:
    p = data if isinstance(data, Params) else derive(data)
    with PauseGC():  # as Pyomo's writers do: the cyclic collector would rescan every new model object, to no gain
        return _build(p, elastic, extra)


def _build(p: Params, elastic: bool, extra: Callable | None) -> pyo.ConcreteModel:
    m = pyo.ConcreteModel(name="planner")
    m.params = p
    m.R = pyo.Set(initialize=p.regions, ordered=True)
    m.M = pyo.Set(initialize=p.measures, ordered=True)
    m.I = pyo.Set(initialize=p.indicators, ordered=True)
    m.T = pyo.Set(initialize=p.years, ordered=True)
    m.RM = pyo.Set(initialize=p.pairs, dimen=2, ordered=True)

    stock.add_variables(m, p)
    electricity.add_variables(m, p)
    indicators.add_expressions(m, p)
    stock.add_constraints(m, p)
    bounds.add_constraints(m, p)
    health.add_constraints(m, p)
    electricity.add_constraints(m, p)
    targets.add_constraints(m, p, elastic=elastic)
    cost.add_objective(m, p, elastic=elastic)
    if extra is not None:
        extra(m, p)
    return m
