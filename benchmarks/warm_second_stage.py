"""The peak's second stage warm from the first stage's basis (what `planner.solve` does) against the same LP solved
cold with HiGHS's presolve, on a scaled instance (`instances.py`). Prints seconds and simplex iterations.

    .venv/bin/python benchmarks/warm_second_stage.py 100x200x15
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import highspy

sys.path.insert(0, str(Path(__file__).resolve().parent))
from instances import make_instance  # noqa: E402

from planner.inputs.load import load  # noqa: E402
from planner.model import build_model, derive  # noqa: E402


def main() -> None:
    import planner.solver.solve  # noqa: F401  the module (planner.solve the name is the function)

    S = sys.modules["planner.solve"]
    r, ms, y = map(int, sys.argv[1].split("x"))
    m = build_model(derive(load(make_instance(Path(tempfile.mkdtemp()) / "inst", r, ms, y))))
    lp = S._compile(m)
    t = time.perf_counter()
    S._prepare_peak(m, lp, None)
    print(f"first stage {time.perf_counter() - t:.2f} s", flush=True)
    t = time.perf_counter()
    sol = S._solve_lp(m, lp, None)
    warm = time.perf_counter() - t
    print(f"second stage, warm from the first stage's basis: {warm:.2f} s, "
          f"{lp.h.getInfo().simplex_iteration_count:,} iterations, objective {sol.objective:.6f}", flush=True)
    cold = highspy.Highs()
    cold.setOptionValue("output_flag", False)
    cold.passModel(lp.h.getLp())  # the same LP, the peak rows' limits as solved
    t = time.perf_counter()
    cold.run()
    info = cold.getInfo()
    print(f"second stage, cold with presolve: {time.perf_counter() - t:.2f} s, "
          f"{info.simplex_iteration_count:,} iterations, objective {info.objective_function_value:.6f}")


if __name__ == "__main__":
    main()
