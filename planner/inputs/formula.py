"""Indicators computed from others (indicators.csv ``formula``), read without Pyomo.

A formula is a sum of terms, each ``[number *] [parameter *] indicator``, joined by ``+`` or ``-``::

    co2_energy    = co2 - co2_process
    co2_official  = co2_energy + import_co2_official * elec_import

A parameter is a city parameter of data/electricity.csv, by year (interpolated as the grid's parameters are).
`parse` turns the text into terms or says what was expected; `planner.model.params.derive` computes the derived
indicator's baseline, effects and grid factor from its terms, so a derived indicator has no baseline or effect rows of
its own and every target, table and study reads it like any other.
"""

from __future__ import annotations

import re

TERM = re.compile(r"^(?:(?P<num>\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)\s*\*\s*)?(?:(?P<par>[a-z][a-z0-9_]*)\s*\*\s*)?"
                  r"(?P<ind>[a-z][a-z0-9_]*)$")


def parse(text: str) -> tuple[list[tuple[float, str | None, str]], str | None]:
    """[(coefficient, parameter or None, indicator)] of a formula, or the problem with it."""
    body = text.strip()
    if not body:
        return [], "expected a formula such as 'co2 - co2_process', got an empty cell"
    pieces = re.split(r"\s*(?<![0-9][eE])([+-])\s*", body)  # not the sign of an exponent (1e-3)
    if pieces[0] == "":
        pieces = pieces[1:]
    else:
        pieces = ["+", *pieces]
    terms = []
    for sign, term in zip(pieces[0::2], pieces[1::2], strict=False):
        if not term:
            return [], f"expected a term after {sign!r} in {text!r}"
        m = TERM.match(term)
        if not m or sign not in "+-":
            return [], (f"expected terms like 'indicator', '2 * indicator' or 'parameter * indicator' joined by + "
                        f"or -, got {term!r}")
        coef = float(m["num"]) if m["num"] else 1.0
        terms.append((coef if sign == "+" else -coef, m["par"], m["ind"]))
    if len(pieces) % 2:
        return [], f"expected a term after the last sign in {text!r}"
    return terms, None
