"""Shared figure style: the pip-installed CJK font renders Chinese; PNG output is stable."""

from __future__ import annotations

import io
import warnings

import numpy as np
import pytest
from fontTools.ttLib import TTFont
from PIL import Image

from actuary.output import figures
from actuary.output.fonts import FONT_ENV, cjk_font_path, setup_fonts

CHINESE = "工伤保险基金年末滚存结余医疗待遇伤残工亡"


def test_font_comes_from_a_pip_package_and_has_the_glyphs() -> None:
    path = cjk_font_path()
    assert "site-packages" in str(path) or "dist-packages" in str(path)
    with TTFont(str(path), lazy=True) as font:
        cmap = font["cmap"].getBestCmap()
    missing = [c for c in CHINESE + "0123456789,.万元" if ord(c) not in cmap]
    assert missing == []


def test_missing_override_is_reported(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setenv(FONT_ENV, str(tmp_path / "nope.ttf"))
    with pytest.raises(RuntimeError, match="no such font file"):
        cjk_font_path()


def _png_array(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("L"), dtype=float)


def test_chinese_labels_render_without_missing_glyphs() -> None:
    # matplotlib warns "Glyph ... missing from font(s)" when it falls back to tofu boxes.
    setup_fonts()
    rng = np.random.default_rng(1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = figures.fan_chart(
            range(2026, 2031),
            rng.normal(size=(200, 5)).cumsum(axis=1),
            title=CHINESE,
            ylabel="万元",
            history=([2024, 2025], [0.0, 0.1]),
            history_label="实际",
        )
        png = figures.to_png(fig)
    pixels = _png_array(png)
    assert pixels.std() > 10  # not blank
    # The title strip (top ~8 % of the image) holds dark text pixels.
    assert (pixels[: pixels.shape[0] // 12] < 100).sum() > 200


def test_png_bytes_are_identical_across_runs() -> None:
    def make() -> bytes:
        return figures.to_png(
            figures.waterfall_chart("上年", 100.0, [("数据", 5.0), ("假设", -3.0)], "本年")
        )

    assert make() == make()


def test_tornado_orders_widest_first_and_waterfall_total() -> None:
    fig = figures.tornado_chart(["窄", "宽"], [9.0, 5.0], [11.0, 15.0], 10.0)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels == ["宽", "窄"]
    fig = figures.waterfall_chart("start", 100.0, [("a", 5.0), ("b", -3.0)], "end")
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert texts[-1] == "102"  # 100 + 5 - 3
