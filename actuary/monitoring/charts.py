"""Charts of execution monitoring, with Chinese labels.

- :func:`execution_curves`: cumulative execution of one item by region (small multiples)
  against the seasonal pacing band of the budget;
- :func:`deviation_heatmap`: region × item heat map of the pace ratio − 1 (cumulative against
  where the budget's seasonal pacing says it should be).

Both take the frames they draw (``MonitorResult.curves`` / ``.execution``) and the month, not
the result object, so this module does not depend on :mod:`actuary.monitoring.monitor`.

The CJK font and house style come from :func:`actuary.output.figures.apply_style` (one call,
:func:`_setup`), PNGs are written with :func:`actuary.output.figures.save_png` (byte-stable).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.colors import TwoSlopeNorm
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from actuary import dims
from actuary.monitoring.execution import item_name, region_name
from actuary.output import figures
from actuary.output.units import to_wan, unit_label

__all__ = ["deviation_heatmap", "execution_curves"]


def _setup() -> None:
    """The one font/style setup call of this module."""
    figures.apply_style()


def execution_curves(
    curves: pd.DataFrame,
    path: str | Path,
    *,
    year: int,
    month: int,
    pace_level: float,
    item: str = "contributions",
    region: str | None = None,
) -> Path:
    """Small multiples of cumulative execution against the pacing band (万元): one ``item`` by
    region, or (``region`` given) one region by item.

    ``curves`` is ``MonitorResult.curves`` (region, item, month, cumulative, pace, pace_lower,
    pace_upper; yuan); ``year``/``month`` the monitored month, ``pace_level`` the band's level.
    """
    _setup()
    if region is None:
        c = curves[curves["item"] == item]
        panels = [r for r in [*dims.REGION_CODES, dims.PROVINCE] if r in set(c["region"])]
        panels += sorted(set(c["region"]) - set(panels))
        key, title_of = "region", region_name
        title = f"{item_name(item)}累计执行与预算进度区间"
    else:
        c = curves[(curves["region"] == region) & np.isfinite(curves["pace"])]
        order = [*dims.REVENUE_CODES, *dims.EXPENDITURE_CODES]
        panels = [i for i in order if i in set(c["item"])]
        key, title_of = "item", item_name
        title = f"{region_name(region)}分项目累计执行与预算进度区间"
    regions = panels
    n = max(len(regions), 1)
    ncol = 4
    nrow = math.ceil(n / ncol)
    fig = Figure(figsize=(11.0, 2.3 * nrow + 0.6), dpi=figures.DPI, layout="constrained")
    axes = fig.subplots(nrow, ncol, squeeze=False, sharex=True)
    months = np.arange(1, 13)
    for k, reg in enumerate(regions):
        ax = axes[k // ncol][k % ncol]
        g = c[c[key] == reg].sort_values("month")
        ax.fill_between(
            months,
            to_wan(g["pace_lower"]),
            to_wan(g["pace_upper"]),
            color=figures.FAN_COLOUR,
            alpha=0.18,
            linewidth=0,
            label=f"进度区间（{pace_level:.0%}）",
        )
        ax.plot(
            months,
            to_wan(g["pace"]),
            color=figures.FAN_COLOUR,
            linewidth=1.0,
            linestyle="--",
            label="预算 × 历史累计占比",
        )
        ax.plot(
            months,
            to_wan(g["cumulative"]),
            color=figures.UP_COLOUR,
            linewidth=1.8,
            marker="o",
            markersize=2.5,
            label="累计执行",
        )
        ax.set_title(title_of(reg), loc="left", fontsize=9.5)
        ax.set_xticks([1, 3, 6, 9, 12])
    for k in range(len(regions), nrow * ncol):
        axes[k // ncol][k % ncol].set_visible(False)
    handles, labels = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=3)
    fig.suptitle(
        f"{title}（{year}年1–{month}月，{unit_label('wan')}）",
        x=0.01,
        horizontalalignment="left",
    )
    return figures.save_png(fig, path)


def deviation_heatmap(execution: pd.DataFrame, path: str | Path, *, year: int, month: int) -> Path:
    """Heat map of region × item deviation of the cumulative from the budget pacing.

    ``execution`` is ``MonitorResult.execution`` (region, item, pace_ratio, …).
    """
    _setup()
    t = execution
    t = t[np.isfinite(t["pace_ratio"])]
    regions = [r for r in [*dims.REGION_CODES, dims.PROVINCE] if r in set(t["region"])]
    regions += sorted(set(t["region"]) - set(regions))
    item_order = [
        *dims.REVENUE_CODES,
        *dims.EXPENDITURE_CODES,
        "revenue_total",
        "expenditure_total",
    ]
    items = [i for i in item_order if i in set(t["item"])]
    mat = (
        t.pivot_table(index="region", columns="item", values="pace_ratio", aggfunc="first")
        .reindex(index=regions, columns=items)
        .to_numpy(dtype=float)
        - 1.0
    )
    fig = Figure(
        figsize=(max(6.5, 2.5 + 0.75 * len(items)), max(3.5, 1.6 + 0.42 * len(regions))),
        dpi=figures.DPI,
        layout="constrained",
    )
    ax = fig.add_subplot()
    lim = 0.3
    im = ax.imshow(
        np.clip(mat, -lim, lim),
        cmap="RdBu",
        aspect="auto",
        norm=TwoSlopeNorm(vmin=-lim, vcenter=0.0, vmax=lim),
    )
    ax.set_xticks(range(len(items)), [item_name(i) for i in items], rotation=45, ha="right")
    ax.set_yticks(range(len(regions)), [region_name(r) for r in regions])
    ax.grid(False)
    for i in range(mat.shape[0]):
        for j in range(mat.shape[1]):
            v = mat[i, j]
            if np.isfinite(v):
                ax.text(
                    j,
                    i,
                    f"{v:+.0%}",
                    ha="center",
                    va="center",
                    fontsize=7,
                    color="white" if abs(v) > 0.18 else "black",
                )
    cb = fig.colorbar(im, ax=ax, shrink=0.8, format=PercentFormatter(xmax=1.0, decimals=0))
    cb.set_label("累计执行 ÷ 预算进度 − 1")
    ax.set_title(f"各地区分项目执行偏离（{year}年1–{month}月）", loc="left")
    return figures.save_png(fig, path)
