"""Charts of an analysed case, drawn with matplotlib and returned as PNG bytes for the HTML report.

Chinese labels need a CJK font: the Noto Sans CJK SC font shipped inside the PyPI package ``mplfonts`` (a dependency,
so no download at run time) is registered with matplotlib's font manager; matplotlib's default font has no CJK
glyphs and would draw empty boxes. Every chart reads the analysis tables only.
"""

from __future__ import annotations

import functools
import io
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

YI = 1e8
COLOURS = {  # co-benefit of a measure on the MAC curves
    "cuts air and water pollution": "#1b7837", "cuts air pollution": "#5aae61", "cuts water pollution": "#4393c3",
    "no pollution effect": "#bababa", "adds pollution": "#d6604d",
    "also cuts CO2e": "#1b7837", "no CO2e effect": "#bababa", "adds CO2e": "#d6604d",
}
CO_ZH = {"cuts air and water pollution": "同时削减大气和水污染物", "cuts air pollution": "削减大气污染物",
         "cuts water pollution": "削减水污染物", "no pollution effect": "不影响污染物", "adds pollution": "增加污染物",
         "also cuts CO2e": "同时减碳", "no CO2e effect": "不影响碳排放", "adds CO2e": "增加碳排放"}
PALETTE = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f",
           "#bab0ac", "#86bcb6", "#8cd17d"]


@functools.cache
def cjk_font() -> str | None:
    """Register the CJK font shipped by mplfonts and make it matplotlib's default; return its family name."""
    try:
        import mplfonts
    except ImportError:  # pragma: no cover - a dependency; charts still draw, Chinese as boxes
        return None
    path = Path(mplfonts.__file__).parent / "fonts" / "NotoSansCJKsc-Regular.otf"
    if not path.is_file():
        return None
    font_manager.fontManager.addfont(str(path))
    name = font_manager.FontProperties(fname=str(path)).get_name()
    plt.rcParams["font.family"] = ["DejaVu Sans", name]  # Latin and digits from DejaVu (fast), CJK falls back
    plt.rcParams["axes.unicode_minus"] = False
    return name


def warm_up() -> None:
    """Load the fonts and draw once (the first figure pays for the font files): for a worker waiting for charts."""
    cjk_font()
    fig, ax = _fig(2, 1)
    _title(ax, "预热 warm-up 0123456789")
    _png(fig)


def _png(fig) -> bytes:
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a glyph missing from a font must not print warnings into the console
        fig.savefig(buf, format="png", dpi=110)  # laid out by the figure's own engine: one draw, not two
    plt.close(fig)
    return buf.getvalue()


def safe(text) -> str:
    """Text from the data as a literal label: matplotlib would read ``$...$`` as mathematics (and fail on a lone
    ``$``)."""
    return str(text).replace("$", r"\$")


def zh_number(v: float) -> str:
    """A tick label as Chinese planners write large numbers: 2.8亿, 3万."""
    a = abs(v)
    if a >= 1e8:
        return f"{v / 1e8:.4g}亿"
    if a >= 1e4:
        return f"{v / 1e4:.4g}万"
    return f"{v:,.4g}"


def _title(ax, text: str, **kw) -> None:
    """The axes title at its usual place (1.0, above the axes): given explicitly, so matplotlib does not measure every
    tick label at each draw to see whether the title must move up (it never must here: no ticks on top)."""
    ax.set_title(text, y=1.0, **kw)


def _legend(ax, **kw) -> None:
    if ax.get_legend_handles_labels()[0]:
        ax.legend(**kw)


def _fig(w=9.0, h=4.2):
    cjk_font()
    fig, ax = plt.subplots(figsize=(w, h), layout="constrained")
    ax.grid(axis="y", alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)
    return fig, ax


def cost_chart(costs: pd.DataFrame) -> bytes:
    fig, ax = _fig()
    y = costs["year"]
    ax.bar(y, costs["capital_charge"] / YI, color="#4e79a7", label="资本年金 Capital charge")
    ax.bar(y, costs["om"] / YI, bottom=costs["capital_charge"] / YI, color="#76b7b2", label="运维 O&M")
    ax.bar(y, -costs["savings"] / YI, color="#59a14f", label="节约 Savings (−)")
    ax.plot(y, costs["net"] / YI, color="black", marker="o", label="净成本 Net")
    ax.axhline(0, color="black", lw=0.8)
    ax.set_ylabel("亿元/年 (100 million yuan per year)")
    _title(ax, "年度成本构成 Annual cost split")
    _legend(ax, fontsize=8, ncol=4, loc="upper left")
    return _png(fig)


def stacked_chart(wide: pd.DataFrame, x: str, title: str, ylabel: str, scale: float = 1.0,
                  names: dict | None = None) -> bytes:
    """Stacked bars of every column but ``x`` (e.g. investment by sector per year)."""
    fig, ax = _fig()
    names = names or {}
    pos = neg = pd.Series(0.0, index=wide.index)
    cols = [c for c in wide.columns if c != x and wide[c].abs().sum() > 0]
    for j, c in enumerate(cols):
        v = wide[c] / scale
        base = pos.where(v >= 0, neg)
        ax.bar(wide[x].astype(str), v, bottom=base, color=PALETTE[j % len(PALETTE)], label=safe(names.get(c, c)))
        pos, neg = pos + v.clip(lower=0), neg + v.clip(upper=0)
    _title(ax, title)
    ax.set_ylabel(ylabel)
    _legend(ax, fontsize=8, ncol=3, loc="upper left")
    if len(wide) > 8:
        ax.tick_params(axis="x", labelrotation=45)
    return _png(fig)


def pathway_chart(ind: pd.DataFrame, indicator: str, label: str, unit: str, scale: float = 1.0,
                  peak_year: int | None = None) -> bytes:
    fig, ax = _fig()
    c = ind[(ind["region_id"] == "city") & (ind["indicator_id"] == indicator)].sort_values("year")
    ax.plot(c["year"], c["baseline"] / scale, color="#999999", ls="--", marker=".", label="基准情景 Baseline")
    ax.plot(c["year"], c["level"] / scale, color="#e15759", marker="o", label="方案 With the plan")
    if peak_year is not None:
        ax.axvline(peak_year, color="#e15759", alpha=0.3)
        ax.annotate(f"达峰 peak {peak_year}", (peak_year, float(c.set_index("year").at[peak_year, "level"]) / scale),
                    textcoords="offset points", xytext=(5, 8), fontsize=9)
    _title(ax, label)
    ax.set_ylabel(unit)
    _legend(ax, fontsize=8)
    return _png(fig)


def targets_chart(paths: pd.DataFrame, names: dict, pct_kinds) -> bytes:
    """Small multiples: each target in its own terms over time, baseline against plan, the requirement marked."""
    cjk_font()
    ids = list(dict.fromkeys(paths["target_id"]))
    n = len(ids)
    cols = 4
    rows = max(1, -(-n // cols))
    fig = plt.figure(figsize=(12, 2.4 * rows))
    grid = fig.add_gridspec(rows, cols)
    axes = [fig.add_subplot(grid[j // cols, j % cols]) for j in range(n)]  # no empty panels to create and hide
    for ax, k in zip(axes, ids, strict=True):
        g = paths[paths["target_id"] == k]
        pct = g["kind"].iloc[0] in pct_kinds
        f = 100.0 if pct else 1.0
        ax.plot(g["year"], g["baseline"] * f, color="#999999", ls="--", lw=1)
        ax.plot(g["year"], g["level"] * f, color="#4e79a7", lw=1.6)
        req = g.dropna(subset=["required"])
        ax.scatter(req["year"], req["required"].astype(float) * f, color="#e15759", zorder=3, s=18)
        _title(ax, safe(names.get(k, k)[:18]), fontsize=8)
        ax.tick_params(labelsize=7)
        ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True, nbins=4))
        if pct:
            span = float(np.nanmax(g[["baseline", "level"]].to_numpy(dtype=float)) * f
                         - np.nanmin(g[["baseline", "level"]].to_numpy(dtype=float)) * f) if len(g) else 0.0
            digits = 0 if span >= 5 else 1 if span >= 0.5 else 2
            ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _, d=digits: f"{v:.{d}f}%"))
        else:
            ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: zh_number(v)))
        ax.spines[["top", "right"]].set_visible(False)
    fig.suptitle("各目标进程(灰虚线: 基准; 蓝线: 方案; 红点: 要求) Targets over time in their own terms", fontsize=10)
    fig.subplots_adjust(left=0.05, right=0.99, bottom=0.04, top=1 - 0.35 / rows, hspace=0.55, wspace=0.28)
    return _png(fig)


def mac_chart(mac: pd.DataFrame, title: str, xlabel: str, ylabel: str, xscale: float) -> bytes:
    """Bars as wide as each measure's abatement at potential, as high as its cost per unit cut, coloured by
    co-benefit; the part the plan deploys in the report year is solid, the rest pale."""
    fig, ax = _fig(10, 4.6)
    w = mac["potential"].to_numpy(dtype=float) / xscale
    x = np.concatenate([[0.0], np.cumsum(w)[:-1]])  # each bar starts where the one before ends
    h = mac["cost_per_unit_cut"].to_numpy(dtype=float)
    colour = [COLOURS.get(c, "#bababa") for c in mac["co_benefit"]]
    d = np.minimum(mac["deployed"].to_numpy(dtype=float), mac["potential"].to_numpy(dtype=float)) / xscale
    ax.bar(x, h, width=w, align="edge", color=colour, alpha=0.3, edgecolor="none")  # one call: all the bars
    on = d > 0
    if on.any():
        ax.bar(x[on], h[on], width=d[on], align="edge", color=[c for c, o in zip(colour, on, strict=True) if o],
               edgecolor="none")
    ax.axhline(0, color="black", lw=0.8)
    kinds = list(dict.fromkeys(mac["co_benefit"]))
    ax.legend(handles=[Patch(color=COLOURS.get(k, "#bababa"), label=f"{CO_ZH.get(k, k)} {k}") for k in kinds]
              + [Patch(color="#888888", alpha=0.3, label="未部署潜力 potential not deployed")], fontsize=8)
    lo, hi = mac["cost_per_unit_cut"].quantile(0.03), mac["cost_per_unit_cut"].quantile(0.97)
    if len(mac) > 10 and hi > lo:
        pad = (hi - lo) * 0.15
        ax.set_ylim(lo - pad, hi + pad)
    _title(ax, title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    return _png(fig)


def cocontrol_chart(co: pd.DataFrame, names: dict) -> bytes:
    """The co-control coordinate system: x = CO2 cut, y = pollution-equivalent cut, both as % of the baseline."""
    fig, ax = _fig(8, 6)
    ax.grid(alpha=0.3)
    ax.axhline(0, color="black", lw=0.8)
    ax.axvline(0, color="black", lw=0.8)
    styles = {"sector": ("#4e79a7", "o", 60), "region": ("#e15759", "s", 70), "plan": ("black", "*", 200)}
    for level, (colour, marker, size) in styles.items():
        g = co[co["level"] == level]
        ax.scatter(g["co2_cut_rel"] * 100, g["pollution_cut_rel"] * 100, c=colour, marker=marker, s=size,
                   label={"sector": "领域 sector", "region": "区域 region", "plan": "全市方案 plan"}[level], zorder=3)
        for r in g.itertuples():
            ax.annotate(safe(names.get(r.key, r.key)), (r.co2_cut_rel * 100, r.pollution_cut_rel * 100), fontsize=8,
                        textcoords="offset points", xytext=(4, 4))
    ax.set_xlabel("CO2 削减(占基准 %) CO2 cut, % of baseline")
    ax.set_ylabel("污染当量削减(占基准 %) pollution-equivalent cut, % of baseline")
    _title(ax, "协同控制坐标系 Co-control coordinate system (I: 协同 both cut)")
    _legend(ax, fontsize=8)
    return _png(fig)
