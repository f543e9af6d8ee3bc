"""Review-pack document: both languages carry the same numbers; the PDF has the Chinese item
names and the budget figures as text; a rendered page is not blank (no engine run needed)."""

from __future__ import annotations

import io
from collections import Counter

import numpy as np
import pandas as pd
import pypdfium2 as pdfium
import pytest
from PIL import Image

from actuary import dims
from actuary.report.document import (
    all_text,
    fmt,
    numbers_in,
    render_html,
    render_pdf,
    table_numbers,
)
from actuary.report.sections import build_document
from actuary.report.values import ReportValues


def fake_values() -> ReportValues:
    """Hand-made values (yuan) for a three-year projection of 50 paths."""
    rng = np.random.default_rng(3)
    years = (2026, 2027, 2028)
    items = [i.code for i in dims.ALL_ITEMS]
    paths = {c: rng.normal(1e8, 1e7, (50, 3)) for c in items}
    paths["months_of_payment"] = rng.normal(15, 2, (50, 3))
    budget = pd.DataFrame(
        {
            "prior_actual": 9.0e7,
            "expected_outturn": 9.5e7,
            "draft": 123_456_789.0,
            "change": 0.05,
            "p05": 1.0e8,
            "p50": 1.2e8,
            "p95": 1.4e8,
        },
        index=items,
    )
    return ReportValues(
        run_name="t",
        description="测试运行",
        run_file="t.toml",
        synthetic=True,
        as_of="2025-12-31",
        base_year=2025,
        current_year=2026,
        budget_year=2027,
        years=years,
        n_paths=50,
        seed=1,
        central="mean",
        quantiles=(0.05, 0.5, 0.95),
        scenario_names=("baseline",),
        scenario_descriptions={"baseline": ""},
        rate_policy={"rule": "keep"},
        data_folder="data/x",
        data_files=pd.DataFrame(
            {"file": ["a.csv"], "rows": [10], "columns": [3], "sha256": ["ab" * 32]}
        ),
        data_sources=["source one"],
        data_checks=pd.DataFrame(
            {"check_zh": ["检查"], "check_en": ["check"], "passed": [True], "detail": ["ok"]}
        ),
        reconciliation=pd.DataFrame(
            {
                "item": ["contributions"],
                "execution": [1e8],
                "comparison": [1e8],
                "source_zh": ["甲"],
                "source_en": ["a"],
                "difference": [0.0],
            }
        ),
        history=pd.DataFrame(
            {
                "revenue_total": [1e8, 1.1e8],
                "expenditure_total": [9e7, 1e8],
                "balance_close": [5e8, 5.1e8],
            },
            index=[2024, 2025],
        ),
        assumptions=pd.DataFrame(
            {
                "file_id": ["fund"],
                "key": ["reserve.ratio"],
                "value": [0.3],
                "unit": ["fraction"],
                "basis": ["judgement"],
                "source": [""],
                "note": ["假设"],
                "file": ["f"],
                "overridden_by": [""],
                "reason": [""],
            }
        ),
        adjustments=pd.DataFrame(columns=["origin", "target", "value", "year", "reason"]),
        parameters=pd.DataFrame(
            {
                "name": ["rates.x"],
                "description": ["d"],
                "unit": ["u"],
                "value": [0.2],
                "start": ["2020-01-01"],
                "source": ["s"],
                "confidence": ["assumption"],
            }
        ),
        fit_texts=[("economy", "AR(1) phi=0.5")],
        backtest=None,
        paths=paths,
        budget=budget,
        budget_regions=pd.DataFrame(
            {"revenue_total": [1e7], "expenditure_total": [9e6], "net_flow": [1e6]},
            index=["220100"],
        ),
        risk={"prob_deficit": 0.012, "prob_below_reserve": 0.25, "months_p50": 14.2},
        scenarios=pd.DataFrame(
            {
                "revenue": [1e8],
                "expenditure": [9e7],
                "balance": [5e8],
                "prob_deficit": [0.01],
                "months_p05": [10.0],
                "months_p50": [14.0],
                "months_p95": [18.0],
                "prob_below_reserve": [0.2],
            },
            index=["baseline"],
        ),
        rates={"multiplier": 0.8, "alpha": 0.9},
        sensitivity=pd.DataFrame(
            {
                "label_zh": ["工资增长"],
                "label_en": ["wage growth"],
                "target": ["economy.wage_growth.mean"],
                "unit": ["1/year"],
                "base_value": [0.05],
                "low_value": [0.03],
                "high_value": [0.06],
                "balance_low": [4e8],
                "balance_high": [6e8],
                "expenditure_low": [9e7],
                "expenditure_high": [1.1e8],
            }
        ),
        sensitivity_base={"balance_close": 5e8, "expenditure_total": 1e8},
        sensitivity_paths=50,
        change=pd.DataFrame(
            {"cause": ["data", "assumptions", "method", "policy"], "delta": [1e6, -2e6, 3e5, 0.0]}
        ),
        change_ends={"previous": 1.2e8, "current": 1.193e8},
        change_previous="old.toml",
        inputs=pd.DataFrame({"group": ["run"], "path": ["t.toml"], "sha256": ["cd" * 32]}),
    )


@pytest.fixture(scope="module")
def doc_pdfs() -> dict[str, bytes]:
    doc = build_document(fake_values())
    return {lang: render_pdf(doc, lang) for lang in ("zh", "en")}


def test_number_format_rules() -> None:
    # hand-written expectations of the formatting rules in the docstring of fmt
    assert fmt(123456789.0 / 1e4, "money", 1) == "12,345.7"
    assert fmt(0.0123, "pct", 1) == "1.2%"
    assert fmt(-0.00001, "money", 1) == "0.0"
    assert fmt(float("nan")) == "–"
    assert fmt(1234, "int") == "1,234"


def test_both_languages_carry_the_same_numbers() -> None:
    doc = build_document(fake_values())
    zh, en = all_text(doc, "zh"), all_text(doc, "en")
    assert zh != en
    assert Counter(numbers_in(zh)) == Counter(numbers_in(en))
    # the budget draft 123,456,789 yuan = 12,345.7 万元 appears in both
    assert "12,345.7" in numbers_in(zh)
    assert "12,345.7" in table_numbers(doc)


def test_html_is_self_contained_and_same_numbers() -> None:
    doc = build_document(fake_values())
    html_zh, html_en = render_html(doc, "zh"), render_html(doc, "en")
    for h in (html_zh, html_en):
        assert "data:image/png;base64," in h
        assert 'src="http' not in h and 'href="http' not in h
    assert "工伤保险费收入" in html_zh
    assert "Contribution revenue" in html_en


def _pdf_text(data: bytes) -> str:
    pdf = pdfium.PdfDocument(data)
    return "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))


def test_pdf_text_has_chinese_item_names_and_budget_figures(doc_pdfs: dict[str, bytes]) -> None:
    text = _pdf_text(doc_pdfs["zh"]).replace("\r", "")
    for item in ("工伤保险费收入", "工伤医疗待遇支出", "伤残待遇支出", "年末滚存结余"):
        assert item in text
    assert "12,345.7" in text  # the draft figure in 万元
    en = _pdf_text(doc_pdfs["en"])
    assert "Medical benefits" in en
    assert "12,345.7" in en


def test_pdf_page_renders_not_blank(doc_pdfs: dict[str, bytes]) -> None:
    pdf = pdfium.PdfDocument(doc_pdfs["zh"])
    img = pdf[1].render(scale=1.0).to_pil().convert("L")
    px = np.asarray(img, dtype=float)
    assert px.std() > 5
    assert (px < 128).mean() > 0.005  # some dark (text) pixels
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    assert Image.open(io.BytesIO(buf.getvalue())).size == img.size


def test_pdf_bytes_are_reproducible() -> None:
    a = render_pdf(build_document(fake_values()), "zh")
    b = render_pdf(build_document(fake_values()), "zh")
    assert a == b
