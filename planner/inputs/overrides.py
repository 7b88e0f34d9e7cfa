"""A case's overrides applied to the data tables: typed TOML values, existing rows changed, new rows checked."""

from __future__ import annotations

import pandas as pd

from ..base.errors import Problem
from .case import Case, _display
from .cells import convert, did_you_mean, magnitude_warning, override_value
from .schema import TABLES


def apply_overrides(name: str, df: pd.DataFrame, case: Case, tables: dict, problems: list[Problem],
                     warnings: list[Problem]) -> pd.DataFrame:
    table = TABLES[name]
    where = _display(case.path)
    rows = case.overrides.get(name, {})
    if not rows:
        return df
    df = df.copy()
    key_cols = table.key
    index = {tuple(r): i for i, r in zip(df.index, df[list(key_cols)].itertuples(index=False), strict=True)}
    new_rows = []
    for key, cols in rows.items():
        key_t = key if isinstance(key, tuple) else (key,)
        label = f"[{name}.{'.'.join(key_t)}]"
        typed = {}
        for col_name, value in cols.items():
            col = table.column(col_name)
            if col is None:  # refused when the case was read (case.py)
                continue
            v, err = override_value(col, value)
            if err:
                problems.append(Problem(f"{where}, {label}", col_name, err, field="key"))
            elif (w := magnitude_warning(col, v)):
                warnings.append(Problem(f"{where}, {label}", col_name, w, field="key"))
            typed[col_name] = v
        if key_t in index:
            for col_name, v in typed.items():
                df.at[index[key_t], col_name] = v
            df.at[index[key_t], "origin_"] = f"{where}, {label}"
            continue
        # not in the data: a misspelt id, or a new row (targets; potentials of known regions and measures)
        unknown = []
        for key_col, key_value in zip(key_cols, key_t, strict=True):
            ref = table.column(key_col).references
            if ref and ref.split(".")[0] in tables:
                ref_table, ref_col = ref.split(".")
                known = [v for v in tables[ref_table][ref_col] if v]
                if key_value not in known:
                    unknown.append(f"{ref_col} {key_value!r} is not in {ref_table}{did_you_mean(key_value, known)}")
        if name == "measures":
            known = [v for v in df["measure_id"] if v]
            problems.append(Problem(where, f"measures.{key_t[0]}", field="key", message=(
                f"unknown measure_id {key_t[0]!r}{did_you_mean(key_t[0], known)}; a case changes measures of the "
                "data, it does not add them")))
            continue
        if unknown:
            problems.append(Problem(where, f"{name}.{'.'.join(key_t)}", field="key", message=(
                "; ".join(unknown) + f"; {label} must name existing ids")))
            continue
        row = dict(zip(key_cols, key_t, strict=True))
        lacking = [c.name for c in table.columns if c.required and c.name not in row and c.name not in typed]
        for col in table.columns:
            if col.name not in row:
                row[col.name] = typed.get(col.name, col.default)
        if lacking:
            what = "a new target" if name == "targets" else f"a new {name} row"
            existing = [str(k[0]) if len(k) == 1 else ".".join(k) for k in index]
            hint = did_you_mean(".".join(key_t), existing).replace("; did you mean", " Did you mean")
            problems.append(Problem(f"{where}, {label}", ", ".join(lacking), field="key", message=(
                f"missing; {label} is not in the data, so it adds {what} and needs every required column: "
                + ", ".join(c.name for c in table.columns if c.required) + (f".{hint}" if hint else ""))))
        for key_col, key_value in zip(key_cols, key_t, strict=True):
            kc = table.column(key_col)
            _, err = convert(kc, key_value)
            if err:
                problems.append(Problem(f"{where}, {label}", key_col, err, field="key"))
        row["origin_"] = f"{where}, {label}"
        new_rows.append(row)
    if new_rows:
        df = pd.concat([df, pd.DataFrame(new_rows)], ignore_index=True)
    return df
