"""House style for every chart: fan chart, bar chart, tornado chart, waterfall, line chart.

Every function returns a :class:`matplotlib.figure.Figure` built without ``pyplot`` (no global
figure registry, no GUI backend, safe in tests and worker processes). :func:`to_png` turns a
figure into PNG bytes that are identical from run to run (fixed size, dpi and metadata), which
the review pack's manifest relies on.

Entry points for other modules::

    from actuary.output import figures
    figures.apply_style()                       # CJK font + house rcParams (idempotent)
    fig = figures.fan_chart(years, paths, title="基金年末滚存结余", ylabel="万元")
    figures.save_png(fig, out / "balance.png")

Callers pass labels already translated (Chinese or English); numbers are plotted as given, so
convert yuan to 万元 (``/ 1e4``) before plotting if the axis says 万元.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final, cast

import numpy as np
from cycler import cycler
from matplotlib import rcParams
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator, ScalarFormatter

from actuary.output.fonts import setup_fonts

#: Colours (colour-blind safe, Okabe-Ito based) used in this order.
PALETTE: Final[tuple[str, ...]] = (
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#009E73",  # green
    "#CC79A7",  # purple
    "#E69F00",  # orange
    "#56B4E9",  # sky
    "#F0E442",  # yellow
    "#000000",
)
#: Fill colour of fan-chart bands and of increases / decreases in waterfalls and tornados.
FAN_COLOUR: Final = "#0072B2"
UP_COLOUR: Final = "#D55E00"
DOWN_COLOUR: Final = "#009E73"
TOTAL_COLOUR: Final = "#7F7F7F"

#: Default quantiles of a fan chart: 5-95 % and 25-75 % bands and the median.
FAN_QUANTILES: Final = (0.05, 0.25, 0.5, 0.75, 0.95)

#: Resolution of PNG output (dots per inch).
DPI: Final = 110

_STYLE: Final[dict[str, Any]] = {
    "figure.figsize": (7.0, 3.8),
    "figure.dpi": DPI,
    "savefig.dpi": DPI,
    "font.size": 9.5,
    "axes.titlesize": 11,
    "axes.labelsize": 9.5,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.grid.axis": "y",
    "axes.axisbelow": True,
    "grid.color": "#DDDDDD",
    "grid.linewidth": 0.6,
    "legend.frameon": False,
    "legend.fontsize": 8.5,
    "axes.prop_cycle": cycler(color=list(PALETTE)),
    "axes.unicode_minus": False,  # ASCII hyphen-minus renders in every font
    "svg.hashsalt": "actuary",  # stable SVG ids
}


def apply_style() -> str:
    """Install the CJK font and the house rcParams; return the font family name.

    Idempotent and cheap after the first call; every chart function calls it.
    """
    family = setup_fonts()
    cast(Any, rcParams).update(_STYLE)
    return family


def new_figure(width: float = 7.0, height: float = 3.8) -> tuple[Figure, Axes]:
    """A figure with one axes in the house style (no pyplot)."""
    apply_style()
    fig = Figure(figsize=(width, height), dpi=DPI, layout="constrained")
    ax = fig.add_subplot()
    return fig, ax


def to_png(fig: Figure) -> bytes:
    """PNG bytes of ``fig``; identical across runs for identical figures (no date metadata)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None})
    return buf.getvalue()


def save_png(fig: Figure, path: str | Path) -> Path:
    """Write ``fig`` as a deterministic PNG file and return its path."""
    out = Path(path)
    out.write_bytes(to_png(fig))
    return out


def _tick(value: float, _pos: int) -> str:
    """Tick label with thousands separators (12,345) and at most two decimals."""
    if abs(value) >= 1000 or value == int(value):
        return f"{value:,.0f}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _finish(
    fig: Figure, ax: Axes, title: str, xlabel: str, ylabel: str, value_axis: str = "y"
) -> Figure:
    axis = ax.yaxis if value_axis == "y" else ax.xaxis
    if isinstance(axis.get_major_formatter(), ScalarFormatter):
        axis.set_major_formatter(FuncFormatter(_tick))
    if title:
        ax.set_title(title, loc="left")
    if xlabel:
        ax.set_xlabel(xlabel)
    if ylabel:
        ax.set_ylabel(ylabel)
    return fig


def fan_chart(
    years: Sequence[int] | np.ndarray,
    paths: np.ndarray,
    *,
    quantiles: Sequence[float] = FAN_QUANTILES,
    history: tuple[Sequence[int], Sequence[float]] | None = None,
    title: str = "",
    xlabel: str = "",
    ylabel: str = "",
    series_label: str = "",
    history_label: str = "",
    band_label: str = "{lo:.0%}–{hi:.0%}",
    median_label: str = "P50",
    reference: tuple[float, str] | None = None,
) -> Figure:
    r"""Fan chart: the median and nested quantile bands of simulated paths over years.

    Parameters
    ----------
    years
        The x values, length ``T``.
    paths
        Array ``(n_paths, T)``; quantiles are taken over axis 0 (``np.quantile``, linear).
    quantiles
        Odd-length, symmetric list; pairs ``(q_i, q_{n-1-i})`` become bands, the middle one the
        median line.
    history
        Optional observed ``(years, values)`` drawn as a black line before the fan.
    band_label
        Format of band legend entries (``lo``, ``hi`` are the quantiles).
    reference
        Optional horizontal line ``(value, label)`` (e.g. a zero balance or a target).
    """
    data = np.asarray(paths, dtype=float)
    if data.ndim == 1:
        data = data[None, :]
    qs = sorted(quantiles)
    fig, ax = new_figure()
    x = np.asarray(years)
    qv = np.quantile(data, qs, axis=0)
    n = len(qs)
    handles: list[Any] = []
    for i in range(n // 2):
        alpha = 0.18 + 0.22 * i / max(n // 2 - 1, 1)
        ax.fill_between(x, qv[i], qv[n - 1 - i], color=FAN_COLOUR, alpha=alpha, linewidth=0)
        handles.append(
            Patch(
                color=FAN_COLOUR, alpha=alpha, label=band_label.format(lo=qs[i], hi=qs[n - 1 - i])
            )
        )
    if n % 2 == 1:
        (line,) = ax.plot(x, qv[n // 2], color=FAN_COLOUR, linewidth=1.8, label=median_label)
        handles.append(line)
    if history is not None:
        (h,) = ax.plot(
            np.asarray(history[0]),
            np.asarray(history[1], dtype=float),
            color="black",
            linewidth=1.4,
            marker="o",
            markersize=2.5,
            label=history_label or "history",
        )
        handles.insert(0, h)
    if reference is not None:
        ax.axhline(reference[0], color="#999999", linewidth=0.9, linestyle="--")
        if reference[1]:
            ax.annotate(
                reference[1],
                (x[0], reference[0]),
                fontsize=8,
                color="#666666",
                xytext=(2, 3),
                textcoords="offset points",
            )
    if series_label:
        ax.text(
            0.99,
            0.98,
            series_label,
            transform=ax.transAxes,
            ha="right",
            va="top",
            fontsize=8.5,
            color="#444444",
        )
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(handles=handles, loc="upper left", ncols=min(len(handles), 4))
    return _finish(fig, ax, title, xlabel, ylabel)


def bar_chart(
    labels: Sequence[str],
    values: Mapping[str, Sequence[float]] | Sequence[float],
    *,
    title: str = "",
    xlabel: str = "",
    ylabel: str = "",
    horizontal: bool = False,
    errors: Mapping[str, tuple[Sequence[float], Sequence[float]]] | None = None,
    value_format: str | None = None,
) -> Figure:
    """Bar chart; grouped bars when ``values`` maps series names to values.

    ``errors`` maps a series to ``(low, high)`` arrays drawn as whiskers (e.g. P5 / P95);
    ``value_format`` (e.g. ``"{:,.0f}"``) writes each value at the end of its bar.
    """
    series: dict[str, np.ndarray] = (
        {k: np.asarray(v, dtype=float) for k, v in values.items()}
        if isinstance(values, Mapping)
        else {"": np.asarray(values, dtype=float)}
    )
    height = max(3.0, 0.32 * len(labels) * max(len(series), 1) + 1.2) if horizontal else 3.8
    fig, ax = new_figure(height=height)
    pos = np.arange(len(labels), dtype=float)
    width = 0.8 / len(series)
    for i, (name, vals) in enumerate(series.items()):
        offs = pos - 0.4 + width * (i + 0.5)
        err = None
        if errors and name in errors:
            lo, hi = (np.asarray(a, dtype=float) for a in errors[name])
            err = np.vstack([vals - lo, hi - vals])
        kw: dict[str, Any] = {"label": name or None, "color": PALETTE[i % len(PALETTE)]}
        if horizontal:
            bars = ax.barh(offs, vals, height=width, xerr=err, **kw)
        else:
            bars = ax.bar(offs, vals, width=width, yerr=err, **kw)
        if value_format:
            ax.bar_label(
                bars, labels=[value_format.format(v) for v in vals], fontsize=7.5, padding=2
            )
    if horizontal:
        ax.set_yticks(pos, list(labels))
        ax.invert_yaxis()
        ax.grid(axis="x")
        ax.grid(axis="y", visible=False)
    else:
        ax.set_xticks(pos, list(labels))
        if max((len(s) for s in labels), default=0) > 6:
            ax.tick_params(axis="x", labelrotation=30)
    if len(series) > 1:
        ax.legend()
    return _finish(fig, ax, title, xlabel, ylabel, "x" if horizontal else "y")


def tornado_chart(
    labels: Sequence[str],
    low: Sequence[float] | np.ndarray,
    high: Sequence[float] | np.ndarray,
    base: float,
    *,
    title: str = "",
    xlabel: str = "",
    low_label: str = "low",
    high_label: str = "high",
) -> Figure:
    """Tornado chart of one-at-a-time sensitivities, widest bar on top.

    ``low[i]`` / ``high[i]`` are the result with assumption ``i`` set to its low / high value;
    bars run from ``base`` to each result.
    """
    lo = np.asarray(low, dtype=float)
    hi = np.asarray(high, dtype=float)
    order = np.argsort(-np.abs(hi - lo), kind="stable")
    fig, ax = new_figure(height=max(2.6, 0.42 * len(labels) + 1.3))
    pos = np.arange(len(labels), dtype=float)
    ax.barh(pos, lo[order] - base, left=base, color=DOWN_COLOUR, height=0.6, label=low_label)
    ax.barh(pos, hi[order] - base, left=base, color=UP_COLOUR, height=0.6, label=high_label)
    ax.axvline(base, color="black", linewidth=0.9)
    ax.set_yticks(pos, [labels[i] for i in order])
    ax.invert_yaxis()
    ax.grid(axis="x")
    ax.grid(axis="y", visible=False)
    ax.legend(loc="lower right")
    return _finish(fig, ax, title, xlabel, "", "x")


def waterfall_chart(
    start_label: str,
    start: float,
    steps: Sequence[tuple[str, float]],
    end_label: str,
    *,
    title: str = "",
    ylabel: str = "",
    value_format: str = "{:,.0f}",
) -> Figure:
    """Waterfall from ``start`` through signed ``steps`` to their total ``start + Σ steps``."""
    labels = [start_label, *(s[0] for s in steps), end_label]
    deltas = np.array([s[1] for s in steps], dtype=float)
    end = start + float(deltas.sum())
    fig, ax = new_figure(width=7.0, height=3.8)
    bottoms = np.concatenate([[0.0], start + np.concatenate([[0.0], np.cumsum(deltas)[:-1]]), [0]])
    heights = np.concatenate([[start], deltas, [end]])
    colours = (
        [TOTAL_COLOUR] + [UP_COLOUR if d >= 0 else DOWN_COLOUR for d in deltas] + [TOTAL_COLOUR]
    )
    pos = np.arange(len(labels), dtype=float)
    bars = ax.bar(pos, heights, bottom=bottoms, color=colours, width=0.6)
    texts = [value_format.format(start)]
    texts += [("+" if d >= 0 else "") + value_format.format(d) for d in deltas]
    texts += [value_format.format(end)]
    ax.bar_label(bars, labels=texts, fontsize=7.5, padding=2)
    for i in range(len(labels) - 1):
        level = bottoms[i] + heights[i]  # running total after bar i
        ax.plot([pos[i] + 0.3, pos[i + 1] - 0.3], [level, level], color="#999999", linewidth=0.7)
    ax.set_xticks(pos, labels)
    if max(len(s) for s in labels) > 6:
        ax.tick_params(axis="x", labelrotation=20)
    lo_v = float(min(0.0, (bottoms + np.minimum(heights, 0)).min()))
    hi_v = float((bottoms + np.maximum(heights, 0)).max())
    span = hi_v - lo_v or 1.0
    if lo_v >= 0 and min(start, end) > 0.5 * hi_v:  # zoom: changes are small beside the totals
        ax.set_ylim(min(bottoms[1:-1].min(), start, end) - 0.15 * span, hi_v + 0.05 * span)
    return _finish(fig, ax, title, "", ylabel)


def line_chart(
    x: Sequence[float] | np.ndarray,
    series: Mapping[str, Sequence[float] | np.ndarray],
    *,
    title: str = "",
    xlabel: str = "",
    ylabel: str = "",
    styles: Mapping[str, Mapping[str, Any]] | None = None,
) -> Figure:
    """Lines sharing one x axis (observed vs fitted, backtest forecasts vs actuals)."""
    fig, ax = new_figure()
    xs = np.asarray(x)
    for name, ys in series.items():
        kw: dict[str, Any] = dict((styles or {}).get(name, {}))
        ax.plot(xs, np.asarray(ys, dtype=float), label=name, linewidth=1.4, **kw)
    if np.issubdtype(xs.dtype, np.integer):
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend()
    return _finish(fig, ax, title, xlabel, ylabel)
