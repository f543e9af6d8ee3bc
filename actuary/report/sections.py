"""Build the bilingual review-pack document from one :class:`ReportValues`.

Sections follow the order of the ISSA actuarial guidelines for social-security valuations:
summary and opinion; data; methodology; assumptions; model fits and diagnostics; backtest;
projection results; the budget draft (with the analysis of change); rate scenarios; sensitivity;
risks and limitations; reproducibility. Every number is a :class:`~actuary.report.document.Num`
built here from the values, so the Chinese and English renderings carry the same figures.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from types import SimpleNamespace
from typing import Any, Final

import numpy as np
import pandas as pd

from actuary import dims
from actuary.output import figures
from actuary.output.units import WAN
from actuary.report.document import (
    Block,
    Bullets,
    Cell,
    Document,
    Figure,
    L,
    Lang,
    Num,
    Para,
    Section,
    Subheading,
    Table,
    para,
)
from actuary.report.values import ReportValues

UNIT_WAN: Final = L("万元", "万元, ten thousand yuan")

_CONFIDENCE: Final = {
    "confirmed": L("已核实", "confirmed"),
    "secondary": L("二手来源", "secondary source"),
    "assumption": L("假设（未经公开资料证实）", "assumption (not publicly confirmed)"),
}
_BASIS: Final = {
    "sourced": L("有出处", "sourced"),
    "standard": L("标准做法", "standard"),
    "judgement": L("判断", "judgement"),
}
_GROUPS: Final = {
    "run": L("运行文件", "run file"),
    "assumptions": L("假设文件", "assumption files"),
    "referenced": L("假设引用的文件", "files named by assumptions"),
    "scenarios": L("情景文件", "scenario files"),
    "data": L("数据文件", "data files"),
    "parameters": L("政策参数文件", "policy parameter files"),
    "previous": L("上次运行清单", "previous manifest"),
    "sensitivity": L("敏感性设定", "sensitivity settings"),
}
_CAUSES: Final = {
    "data": L("数据（新一年实际数与评估时点）", "data (new year of actuals, valuation date)"),
    "assumptions": L("假设", "assumptions"),
    "method": L("方法与模型", "method and model"),
    "policy": L("政策", "policy"),
}
_BT_COLS: Final = {
    "quantity": L("变量", "Quantity"),
    "horizon": L("步长（年）", "Horizon (years)"),
    "n": L("预测次数", "Forecasts"),
    "rmse_model": L("模型RMSE", "RMSE model"),
    "rmse_rw_drift": L("漂移随机游走RMSE", "RMSE random walk with drift"),
    "ratio": L("比值", "Ratio"),
    "cover_80": L("80%区间覆盖率", "80% interval coverage"),
    "cover_95": L("95%区间覆盖率", "95% interval coverage"),
}
_BT_QUANTITY: Final = {
    "avg_wage_province": L("全省平均工资（对数）", "Provincial average wage (log)"),
    "employment_province": L("城镇就业人数（对数）", "Urban employment (log)"),
    "national_disposable_income": L(
        "全国城镇居民人均可支配收入（对数）", "National urban disposable income (log)"
    ),
    "cpi_growth": L("CPI涨幅", "CPI growth"),
    "deposit_rate": L("一年期存款利率", "One-year deposit rate"),
    "covered_payroll": L("参保工资总额（对数）", "Covered payroll (log)"),
    "coverage_rate": L("参保率", "Coverage rate"),
    "collection_rate": L("征缴率", "Collection rate"),
}
FAN_ITEMS: Final = ("balance_close", "expenditure_total", "revenue_total", "months_of_payment")


def item_label(code: str) -> L:
    """Chinese and English label of a budget item code."""
    it = dims.ITEM_BY_CODE.get(code)
    return L(it.name_zh, it.name_en) if it else L(code)


def region_label(code: str) -> L:
    """Chinese and English name of a region code (``JL`` = the province)."""
    if code == dims.PROVINCE:
        return L("全省合计", "Province total")
    r = dims.REGION_BY_CODE.get(code)
    return L(r.name_zh, r.name_en) if r else L(code)


def wan(x: Any, digits: int = 1) -> Num:
    """A yuan amount shown in 万元."""
    try:
        v = float(x) / WAN
    except (TypeError, ValueError):
        v = float("nan")
    return Num(v, "money", digits)


def pct(x: Any, digits: int = 1) -> Num:
    """A fraction shown as a percentage."""
    return Num(x, "pct", digits)


def _val(x: Any) -> str:
    """An assumption or parameter value as text (tables and arrays compactly)."""
    if isinstance(x, dict):
        return "{" + ", ".join(f"{k}: {_val(v)}" for k, v in x.items()) + "}"
    if isinstance(x, list | tuple):
        return "[" + ", ".join(_val(v) for v in x) + "]"
    if isinstance(x, float):
        return f"{x:.6g}"
    return str(x)


def _tbl(
    caption: L,
    columns: Sequence[L | str],
    rows: Sequence[Sequence[Cell]],
    unit: L | str = "",
    widths: Sequence[float] | None = None,
    font_size: float = 8.0,
) -> Table:
    return Table(
        caption,
        tuple(columns),
        tuple(tuple(r) for r in rows),
        unit,
        tuple(widths) if widths else None,
        font_size,
    )


def _rows(df: pd.DataFrame | None, index: bool = True) -> list[Any]:
    """Rows of ``df`` as attribute records (``r.Index`` is the index when ``index``)."""
    if df is None:
        return []
    out = []
    for idx, rec in zip(df.index, df.to_dict("records"), strict=True):
        ns = SimpleNamespace(**{str(k): v for k, v in rec.items()})
        if index:
            ns.Index = idx
        out.append(ns)
    return out


def _cells(*cells: Cell) -> list[Cell]:
    """A table row."""
    return list(cells)


def _row(df: pd.DataFrame, key: Any) -> dict[str, Any]:
    """One row of ``df`` by index label, as a dict."""
    return {str(k): v for k, v in df.loc[key].items()}


def _q(paths: np.ndarray, q: float) -> np.ndarray:
    return np.quantile(paths, q, axis=0)


# --------------------------------------------------------------------------------------------
# sections
# --------------------------------------------------------------------------------------------


def _summary(v: ReportValues) -> Section:
    y = v.budget_year
    b = v.budget
    rev, exp_, bal = (_row(b, c) for c in ("revenue_total", "expenditure_total", "balance_close"))
    central = L("均值", "mean") if v.central == "mean" else L("中位数", "median")
    n_fail = int((~v.data_checks["passed"].astype(bool)).sum()) if len(v.data_checks) else 0
    n_checks = len(v.data_checks)
    n_unconf = len(_unconfirmed_params(v)) + len(_judgement(v))
    blocks: list[Block | Subheading] = [
        para(
            L(f"本报告对{v.description or v.run_name}（运行文件 ", "This report reviews "),
            L("", f"{v.description or v.run_name} (run file "),
            v.run_file,
            L(
                f"）的{y}年工伤保险基金预算草案进行第三方精算评估。预算草案取",
                f") and its {y} work-injury fund budget draft. Draft figures are the ",
            ),
            central,
            L("，随机模拟路径数 ", " of "),
            Num(v.n_paths, "int"),
            L("，随机种子 ", " simulated paths (seed "),
            Num(v.seed, "raw"),
            L("。", ")."),
        ),
        Subheading(L("主要结果", "Key results")),
        _tbl(
            L(
                f"表1 {y}年预算草案主要指标（全省）",
                f"Table 1 Key figures of the {y} draft (province)",
            ),
            [L("指标", "Figure"), L("草案", "Draft"), "P5", "P50", "P95"],
            [
                [item_label(c), wan(r["draft"]), wan(r["p05"]), wan(r["p50"]), wan(r["p95"])]
                for c, r in (
                    ("revenue_total", rev),
                    ("expenditure_total", exp_),
                    ("balance_close", bal),
                )
            ],
            unit=UNIT_WAN,
            widths=(3, 1.3, 1.3, 1.3, 1.3),
        ),
        Subheading(L("精算意见", "Actuarial opinion")),
        Bullets(
            (
                (
                    L("数据：执行了 ", "Data: "),
                    Num(n_checks, "int"),
                    L(" 项数据检查，未通过 ", " checks were run on the input data; "),
                    Num(n_fail, "int"),
                    L(" 项（见第2节）。", " failed (section 2)."),
                ),
                (
                    L(f"预算草案：{y}年基金收入合计 ", f"Budget draft: total revenue in {y} is "),
                    wan(rev["draft"]),
                    L(" 万元，支出合计 ", " (万元), total expenditure "),
                    wan(exp_["draft"]),
                    L(" 万元，年末滚存结余 ", ", closing balance "),
                    wan(bal["draft"]),
                    L(
                        " 万元；草案各数与随机模拟的中心值一致（第8节）。",
                        "; every draft figure equals the central value of the "
                        "simulation (section 8).",
                    ),
                ),
                (
                    L(
                        f"风险：{y}年末滚存结余为负的概率为 ",
                        f"Risk: the probability that the {y} closing balance is negative is ",
                    ),
                    pct(v.risk.get("prob_deficit"), 1),
                    L(
                        "，低于储备金要求的概率为 ",
                        ", that it falls below the reserve requirement ",
                    ),
                    pct(v.risk.get("prob_below_reserve"), 1),
                    L(
                        "；累计结余可支付月数中位数为 ",
                        "; the median months of payment capacity is ",
                    ),
                    Num(v.risk.get("months_p50"), "float", 1),
                    L("。", "."),
                ),
                (
                    L("假设：共有 ", "Assumptions: "),
                    Num(n_unconf, "int"),
                    L(
                        " 项假设或参数未经公开资料证实（依据为判断或标记为假设），逐项列于第11节；"
                        "其取值对结果的影响见第10节敏感性分析。",
                        " assumptions or parameters are not con"
                        "firmed by public sources (judgement or "
                        "tagged assumption); each is listed in "
                        "section 11, and the effect of the key "
                        "ones is shown in the sensitivity analysis (section 10).",
                    ),
                ),
                (
                    L(
                        "可重复性：本报告所有输出均可用 actuary verif"
                        "y 按清单（manifest.json）重新生成并逐一比对"
                        "（第12节）。",
                        "Reproducibility: every output can be reg"
                        "enerated and compared file by file with "
                        "actuary verify and the manifest (manifest.json, section 12).",
                    ),
                ),
            )
        ),
    ]
    if v.synthetic:
        blocks.append(
            para(
                L(
                    "注意：本报告使用内置的合成省份数据，仅用"
                    "于演示和测试，数字不代表吉林省的实际情况。",
                    "Note: this report runs on the embedded "
                    "synthetic province; it demonstrates the "
                    "method and its figures are not Jilin's actual figures.",
                ),
                style="warn",
            )
        )
    return Section("summary", L("摘要与精算意见", "Summary and actuarial opinion"), tuple(blocks))


def _data(v: ReportValues) -> Section:
    blocks: list[Block | Subheading] = [
        para(
            L("数据文件夹：", "Data folder: "),
            v.data_folder,
            L("；数据截至 ", "; data as of "),
            v.as_of or "–",
            L("。", "."),
        ),
        Subheading(L("数据来源", "Sources")),
        Bullets(tuple((s,) for s in v.data_sources) or ((L("（未说明）", "(not stated)"),),)),
        Subheading(L("数据文件", "Data files")),
        _tbl(
            L("表2 输入数据文件", "Table 2 Input data files"),
            [L("文件", "File"), L("行数", "Rows"), L("列数", "Columns"), "SHA-256"],
            [
                [r.file, Num(r.rows, "int"), Num(r.columns, "int"), str(r.sha256)[:16]]
                for r in _rows(v.data_files)
            ],
            widths=(3, 1, 1, 2.2),
        ),
        Subheading(L("已执行的数据检查", "Checks performed")),
        _tbl(
            L("表3 数据检查", "Table 3 Data checks"),
            [L("检查", "Check"), L("结果", "Result"), L("说明", "Detail")],
            [
                [
                    L(r.check_zh, r.check_en),
                    L("通过", "passed") if r.passed else L("未通过", "FAILED"),
                    str(r.detail),
                ]
                for r in _rows(v.data_checks)
            ],
            widths=(3, 1, 3),
        ),
        Subheading(
            L(
                f"与上年（{v.base_year}年）实际数的核对",
                f"Reconciliation with the previous year's ({v.base_year}) actuals",
            )
        ),
    ]
    if len(v.reconciliation):
        blocks.append(
            _tbl(
                L(
                    f"表4 {v.base_year}年实际数核对（全省）",
                    f"Table 4 Reconciliation of {v.base_year} actuals (province)",
                ),
                [
                    L("项目", "Item"),
                    L("执行数据", "Execution data"),
                    L("对照数", "Comparison"),
                    L("对照来源", "Comparison source"),
                    L("差额", "Difference"),
                ],
                [
                    [
                        item_label(r.item),
                        wan(r.execution),
                        wan(r.comparison),
                        L(r.source_zh, r.source_en),
                        wan(r.difference),
                    ]
                    for r in _rows(v.reconciliation)
                ],
                unit=UNIT_WAN,
                widths=(2.4, 1.3, 1.3, 2.4, 1.1),
            )
        )
    if len(v.history):
        h = v.history

        def hist_chart(lang: Lang) -> Any:
            zh = lang == "zh"
            series = {
                (item_label(c).get(lang)): h[c].to_numpy() / WAN
                for c in ("revenue_total", "expenditure_total", "balance_close")
                if c in h
            }
            return figures.line_chart(
                h.index.to_numpy(),
                series,
                title="基金收支与结余历史（全省）" if zh else "Fund history (province)",
                ylabel="万元" if zh else "10,000 yuan",
            )

        blocks.append(
            Figure(
                L(
                    "图1 历史收支与年末滚存结余",
                    "Figure 1 History of revenue, expenditure and closing balance",
                ),
                hist_chart,
            )
        )
    return Section("data", L("数据", "Data"), tuple(blocks))


def _method(v: ReportValues) -> Section:
    items = (
        (
            L(
                "经济与就业：平均工资增长、就业、CPI、存款利率"
                "、全国城镇居民人均可支配收入，按信息准则在单变量"
                "AR与VAR(1)之间选择，参数不确定性按估计分"
                "布逐路径抽取；覆盖率按地区×行业向目标饱和增长，"
                "征缴率随机波动。",
                "Economy and labour market: average wage growth, employment, CPI, deposit rate and "
                "national urban disposable income, chosen between univariate AR and VAR(1) by "
                "information criteria, with parameter uncer"
                "tainty drawn per path from the estimates; "
                "coverage by region × class saturating towards a target; a stochastic collection "
                "rate.",
            ),
        ),
        (
            L(
                "赔付：按行业×地区的工伤认定率广义线性模型（暴露"
                "量为参保人数，泊松与负二项比较）、伤残等级构成、"
                "医疗费用等非公式项目的严重度模型；公式待遇按政策"
                "参数以模拟工资计算；按事故年×发展年的已付三角形"
                "以链梯法得到支付模式；重大事故为复合过程；长期待"
                "遇（伤残津贴、护理费、供养亲属抚恤金、养老补差）"
                "按CL2010–2013生命表（含伤残加成假设）、法定退休年龄和年度调整逐队列预测。",
                "Claims: incidence GLM by class × region wi"
                "th covered workers as exposure (Poisson vs "
                "negative binomial), outcome mix by grade, severity of non-formula items; formula "
                "benefits priced from the policy parameters"
                " on simulated wages; chain-ladder payment "
                "patterns from paid triangles by accident × development year; major accidents as a "
                "compound process; long-term streams (disability allowance, nursing, survivors' "
                "pensions, pension top-up) by cohort with "
                "the CL 2010–2013 table (with a disability "
                "loading assumption), statutory retirement ages and yearly indexation.",
            ),
        ),
        (
            L(
                "基金测算：逐年滚动，年末滚存结余 = 年初滚存结余"
                " + 收入合计 − 支出合计，在每条路径、每年、每个"
                "统筹单位上校验；省级统收统支下各统筹单位上解净"
                "额，内部往来在全省合计中抵消；费率规则可在每年末"
                "设定下一年费率。",
                "Fund projection: a yearly roll-forward, closing balance = opening balance + total "
                "revenue − total expenditure, checked on every path, year and pooling unit; under "
                "provincial pooling (统收统支) each unit remit"
                "s its net flow and internal flows net out "
                "in the province total; a rate rule may set next year's rate at each year end.",
            ),
        ),
        (
            L(
                "随机数：一个种子，按每1,000条路径分块，"
                "每块每个模块一个子随机流，结果与并行方式无关。",
                "Random numbers: one seed, paths in fixed b"
                "locks of 1,000, one child stream per block "
                "and model component, so results do not depend on how the work is split.",
            ),
        ),
        (
            L("预算草案取模拟分布的", "The budget draft takes the "),
            L("均值" if v.central == "mean" else "中位数", v.central),
            L(
                "，并给出P5/P50/P95区间；金额以万元列示。",
                " of the simulated distribution, with the P5/P50/P95 range; amounts in 万元.",
            ),
        ),
    )
    return Section(
        "method",
        L("方法", "Methodology"),
        (
            para(
                L(
                    "模型的方程、选择理由和算例见 models/notes/ 下的技术说明。",
                    "Equations, choices and worked examples are in the technical notes under "
                    "models/notes/.",
                )
            ),
            Bullets(items),
        ),
    )


def _unconfirmed_params(v: ReportValues) -> pd.DataFrame:
    """Parameter values tagged ``assumption`` (all in force over the valuation horizon)."""
    if len(v.unconfirmed_parameters):
        return v.unconfirmed_parameters
    p = v.parameters
    out = p[p["confidence"] == "assumption"] if len(p) else p
    return out.assign(span=out["start"].astype(str) + " –") if len(out) else out


def _judgement(v: ReportValues) -> pd.DataFrame:
    """Model assumptions whose basis is judgement or whose note calls them an ASSUMPTION."""
    a = v.assumptions
    if not len(a):
        return a
    flagged = a["note"].astype(str).str.contains("ASSUMPTION") | a["source"].astype(
        str
    ).str.contains("ASSUMPTION")
    return a[(a["basis"] == "judgement") | flagged]


def _assumptions(v: ReportValues) -> Section:
    a = v.assumptions
    rows = [
        [
            r.file_id,
            r.key,
            _val(r.value),
            r.unit,
            _BASIS.get(r.basis, L(r.basis)),
            (r.source + ("；" if r.source and r.note else "") + r.note)
            + (f" [{r.overridden_by}: {r.reason}]" if r.overridden_by else ""),
        ]
        for r in _rows(a)
    ]
    blocks: list[Block | Subheading] = [
        para(
            L(
                "每个假设值均列出数值、单位、依据（有出处／标"
                "准做法／判断）及出处或说明；依据为“判断”的"
                "假设同时列入第11节。",
                "Every assumption value is listed with its unit, basis (sourced / standard / "
                "judgement) and source or note; those with basis 'judgement' are also listed in "
                "section 11.",
            )
        ),
        _tbl(
            L("表5 假设清单", "Table 5 Assumptions register"),
            [
                L("文件", "File"),
                L("键", "Key"),
                L("取值", "Value"),
                L("单位", "Unit"),
                L("依据", "Basis"),
                L("出处／说明", "Source / note"),
            ],
            rows,
            widths=(0.9, 2.2, 1.4, 1.3, 0.9, 5.0),
            font_size=6.5,
        ),
        Subheading(L("定性调整", "Qualitative adjustments (定性调整)")),
    ]
    if len(v.adjustments):
        blocks.append(
            _tbl(
                L(
                    "表6 定性调整与情景覆盖",
                    "Table 6 Qualitative adjustments and scenario overrides",
                ),
                [
                    L("来源", "Origin"),
                    L("目标", "Target"),
                    L("取值", "Value"),
                    L("年份", "Year"),
                    L("理由", "Reason"),
                ],
                [
                    [
                        r.origin,
                        r.target,
                        _val(r.value),
                        "" if r.year is None or r.year != r.year else str(int(r.year)),
                        r.reason,
                    ]
                    for r in _rows(v.adjustments)
                ],
                widths=(1.2, 2.4, 1.2, 0.7, 4.5),
                font_size=7,
            )
        )
    else:
        blocks.append(para(L("本次运行没有定性调整。", "The run makes no qualitative adjustment.")))
    blocks.append(
        Subheading(
            L(
                f"政策参数（{v.budget_year}-01-01 有效值）",
                f"Policy parameters (in force on {v.budget_year}-01-01)",
            )
        )
    )
    p = v.parameters
    blocks.append(
        _tbl(
            L("表7 政策参数", "Table 7 Policy parameters"),
            [
                L("参数", "Parameter"),
                L("取值", "Value"),
                L("单位", "Unit"),
                L("生效", "From"),
                L("可信度", "Confidence"),
                L("出处", "Source"),
            ],
            [
                [
                    r.name,
                    _val(r.value),
                    r.unit,
                    str(r.start),
                    _CONFIDENCE.get(r.confidence, L(r.confidence)),
                    r.source,
                ]
                for r in _rows(p)
            ],
            widths=(2.6, 1.8, 1.6, 1.1, 1.1, 3.6),
            font_size=6.5,
        )
    )
    return Section("assumptions", L("假设清单", "Assumptions register"), tuple(blocks))


def _fits(v: ReportValues) -> Section:
    blocks: list[Block | Subheading] = []
    for title, text in v.fit_texts:
        blocks.append(Subheading(L(title)))
        blocks.append(Para((text,), style="code"))
    if not blocks:
        blocks.append(para(L("（无模型拟合摘要）", "(no model fit summaries available)")))
    return Section("fits", L("模型拟合与诊断", "Model fits and diagnostics"), tuple(blocks))


def _backtest(v: ReportValues) -> Section:
    bt = v.backtest
    if bt is None or not len(bt):
        return Section(
            "backtest",
            L("回测", "Backtest"),
            (
                para(
                    L(
                        "本次运行未能得到回测结果（见第11节）。",
                        "No backtest results were available for this run (see section 11).",
                    )
                ),
            ),
        )
    cols: list[L | str] = [_BT_COLS.get(str(c), L(str(c))) for c in bt.columns]
    rows: list[list[Cell]] = []
    for rec in bt.to_dict("records"):
        row: list[Cell] = []
        for c, x in rec.items():
            if c == "quantity":
                row.append(_BT_QUANTITY.get(str(x), L(str(x))))
            elif c in ("cover_80", "cover_95"):
                row.append(pct(x, 0))
            elif isinstance(x, int | np.integer):
                row.append(Num(x, "int"))
            elif isinstance(x, float | np.floating):
                row.append(Num(x, "float", 4))
            else:
                row.append(str(x))
        rows.append(row)
    return Section(
        "backtest",
        L("回测", "Backtest"),
        (
            para(
                L(
                    "滚动起点样本外预测：以T年及以前的数据拟合，预测"
                    "T+1至T+3年，与带漂移的随机游走基准比较误差，"
                    "并统计80%和95%预测区间的覆盖率。",
                    "Rolling-origin out-of-sample forecasts: "
                    "fit on data up to year T, forecast T+1 … "
                    "T+3, compare errors with a random walk w"
                    "ith drift, and count how often the 80% "
                    "and 95% intervals cover the outcome.",
                )
            ),
            _tbl(L("表8 回测结果", "Table 8 Backtest results"), cols, rows, font_size=7),
        ),
    )


def _projection(v: ReportValues) -> Section:
    years = np.asarray(v.years)
    blocks: list[Block | Subheading] = [
        para(
            L(
                "以下为基准情景下全省合计的模拟分布：阴影为5%–95%和25%–75%分位区间，实线为中位数。",
                "Simulated distributions for the province, baseline scenario: shaded bands are "
                "the 5%–95% and 25%–75% ranges, the line the median.",
            )
        ),
    ]
    titles = {
        "balance_close": L("年末滚存结余", "Closing balance"),
        "expenditure_total": L("支出合计", "Total expenditure"),
        "revenue_total": L("收入合计", "Total revenue"),
        "months_of_payment": L("累计结余可支付月数", "Months of payment capacity"),
    }
    n = 2
    for code in FAN_ITEMS:
        if code not in v.paths:
            continue
        data = v.paths[code]
        money = code != "months_of_payment"
        hist = None
        if code in v.history:
            hist = (v.history.index.to_numpy(), v.history[code].to_numpy() / (WAN if money else 1))

        def make(
            lang: Lang,
            code: str = code,
            data: np.ndarray = data,
            money: bool = money,
            hist: Any = hist,
        ) -> Any:
            zh = lang == "zh"
            return figures.fan_chart(
                years,
                data / (WAN if money else 1.0),
                history=hist,
                history_label="实际" if zh else "actual",
                title=titles[code].get(lang) + ("（全省）" if zh else " (province)"),
                ylabel=("万元" if zh else "10,000 yuan") if money else ("月" if zh else "months"),
                median_label="中位数" if zh else "median",
                reference=(0.0, "") if code == "balance_close" else None,
            )

        blocks.append(
            Figure(
                L(
                    f"图{n} {titles[code].zh}扇形图",
                    f"Figure {n} Fan chart of {titles[code].get('en').lower()}",
                ),
                make,
            )
        )
        n += 1
    rows = []
    for i, y in enumerate(v.years):
        row: list[Cell] = [str(y)]
        for code in ("revenue_total", "expenditure_total", "balance_close"):
            if code in v.paths:
                d = v.paths[code][:, i]
                row += [wan(d.mean()), wan(np.quantile(d, 0.05)), wan(np.quantile(d, 0.95))]
        if "balance_close" in v.paths:
            row.append(pct(float((v.paths["balance_close"][:, i] < 0).mean()), 1))
        rows.append(row)
    cols: list[L | str] = [L("年份", "Year")]
    for code in ("revenue_total", "expenditure_total", "balance_close"):
        lab = item_label(code)
        cols += [L(lab.zh + " 均值", lab.get("en") + " mean"), "P5", "P95"]
    cols.append(L("结余为负概率", "Prob. of negative balance"))
    blocks.append(
        _tbl(
            L("表9 逐年预测（全省，基准情景）", "Table 9 Projection by year (province, baseline)"),
            cols,
            rows,
            unit=UNIT_WAN,
            font_size=6.5,
        )
    )
    return Section("projection", L("预测结果", "Projection results"), tuple(blocks))


def _budget(v: ReportValues) -> Section:
    y = v.budget_year
    b = v.budget
    order = [i.code for i in dims.ALL_ITEMS if i.code in b.index]
    rows: list[list[Cell]] = []
    for c in order:
        r = _row(b, c)
        is_months = c == "months_of_payment"

        def cell(x: Any, is_months: bool = is_months) -> Num:
            return Num(x, "float", 1) if is_months else wan(x)

        rows.append(
            [
                item_label(c),
                cell(r["prior_actual"]),
                cell(r["expected_outturn"]),
                cell(r["draft"]),
                pct(r["change"], 1),
                cell(r["p05"]),
                cell(r["p50"]),
                cell(r["p95"]),
            ]
        )
    blocks: list[Block | Subheading] = [
        para(
            L(
                f"预算草案按官方科目列示：上年（{v.base_year}年）"
                f"执行数、本年（{v.current_year}年）预计执行数、"
                f"{y}年草案（模拟",
                f"The draft in the official item layout: prior-year ({v.base_year}) actual, "
                f"current-year ({v.current_year}) expected "
                f"outturn, the {y} draft (the simulation's ",
            ),
            L("均值" if v.central == "mean" else "中位数", v.central),
            L(
                "）、增减率及P5/P50/P95区间。累计结余可支付月数以月为单位。",
                "), the change and the P5/P50/P95 range. Months of payment are in months.",
            ),
        ),
        _tbl(
            L(
                f"表10 {y}年工伤保险基金预算草案（全省）",
                f"Table 10 Work-injury fund budget draft {y} (province)",
            ),
            [
                L("项目", "Item"),
                L(f"{v.base_year}年执行数", f"{v.base_year} actual"),
                L(f"{v.current_year}年预计执行", f"{v.current_year} expected"),
                L(f"{y}年草案", f"{y} draft"),
                L("增减率", "Change"),
                "P5",
                "P50",
                "P95",
            ],
            rows,
            unit=UNIT_WAN,
            widths=(2.6, 1.2, 1.2, 1.2, 0.9, 1.2, 1.2, 1.2),
            font_size=7,
        ),
    ]
    exp_items = [c for c in dims.OUTGO_CODES if c in b.index]
    if exp_items:

        def bars(lang: Lang) -> Any:
            zh = lang == "zh"
            return figures.bar_chart(
                [item_label(c).get(lang) for c in exp_items],
                {
                    (f"{v.base_year}年执行数" if zh else f"{v.base_year} actual"): [
                        _row(b, c)["prior_actual"] / WAN for c in exp_items
                    ],
                    (f"{y}年草案" if zh else f"{y} draft"): [
                        _row(b, c)["draft"] / WAN for c in exp_items
                    ],
                },
                errors={
                    (f"{y}年草案" if zh else f"{y} draft"): (
                        [_row(b, c)["p05"] / WAN for c in exp_items],
                        [_row(b, c)["p95"] / WAN for c in exp_items],
                    )
                },
                title="支出科目：上年执行数与预算草案"
                if zh
                else "Expenditure items: actual and draft",
                ylabel="万元" if zh else "10,000 yuan",
            )

        blocks.append(
            Figure(
                L(
                    "图6 支出科目（误差线为P5–P95）",
                    "Figure 6 Expenditure items (whiskers: P5–P95)",
                ),
                bars,
            )
        )
    if len(v.budget_regions):
        blocks.append(Subheading(L("各统筹单位", "Pooling units")))
        blocks.append(
            _tbl(
                L(
                    f"表11 {y}年各统筹单位收支及上解净额",
                    f"Table 11 Pooling units in {y}: revenue, expenditure and net flow to the pool",
                ),
                [
                    L("统筹单位", "Unit"),
                    item_label("revenue_total"),
                    item_label("expenditure_total"),
                    L("净上解（+）/补助（−）", "Net remittance (+) / subsidy (−)"),
                ],
                [
                    [
                        region_label(str(r.Index)),
                        wan(r.revenue_total),
                        wan(r.expenditure_total),
                        wan(r.net_flow),
                    ]
                    for r in _rows(v.budget_regions)
                ],
                unit=UNIT_WAN,
                widths=(2.4, 1.5, 1.5, 1.8),
            )
        )
    blocks += _change_blocks(v)
    return Section("budget", L("预算草案", "Budget draft"), tuple(blocks))


def _change_blocks(v: ReportValues) -> list[Block | Subheading]:
    out: list[Block | Subheading] = [Subheading(L("变动分析", "Analysis of change"))]
    if v.change is None or not len(v.change):
        out.append(
            para(
                L(
                    "未提供上一次运行的清单（--previous），本次不做变动分析。",
                    "No previous run's manifest was given (--previous); no analysis of change.",
                )
            )
        )
        return out
    prev, cur = v.change_ends["previous"], v.change_ends["current"]
    metric = item_label(str(v.change_ends.get("metric_item", "expenditure_total")))
    steps: list[tuple[L, float]] = [
        (_CAUSES.get(str(r.cause), L(str(r.cause))), float(r.delta)) for r in _rows(v.change)
    ]

    def wf(lang: Lang) -> Any:
        zh = lang == "zh"
        return figures.waterfall_chart(
            "上次结果" if zh else "previous",
            prev / WAN,
            [(s[0].get(lang).split("（")[0].split(" (")[0], s[1] / WAN) for s in steps],
            "本次结果" if zh else "current",
            title=(metric.zh + "变动分析") if zh else f"Analysis of change: {metric.en}",
            ylabel="万元" if zh else "10,000 yuan",
        )

    out += [
        para(
            L("与上一次运行（", "Compared with the previous run ("),
            v.change_previous,
            L(
                "）相比，按原因依次替换输入并重新运行（数据→假设→方法→政策），得到各原因的贡献；"
                "各项贡献之和等于两次结果之差。",
                "), inputs are switched one group at a time and the model re-run (data → "
                "assumptions → method → policy); the contributions add up to the difference "
                "between the two results.",
            ),
        ),
        Figure(L("图7 变动分析瀑布图", "Figure 7 Analysis of change (waterfall)"), wf),
        _tbl(
            L("表12 变动分析", "Table 12 Analysis of change"),
            [L("原因", "Cause"), L("贡献", "Contribution")],
            [
                [L("上次结果", "Previous result"), wan(prev)],
                *(_cells(s[0], wan(s[1])) for s in steps),
                [L("本次结果", "Current result"), wan(cur)],
            ],
            unit=UNIT_WAN,
            widths=(3, 1.5),
        ),
    ]
    return out


_RATE_FIELDS: Final = (
    ("target_kind", L("目标类型", "Target"), "raw"),
    ("target_months", L("可支付月数下限", "Months of payment, lower bound"), "float1"),
    ("upper_months", L("可支付月数上限", "Months of payment, upper bound"), "float1"),
    ("alpha", L("概率要求", "Required probability"), "pct"),
    ("horizon", L("期限（年）", "Horizon (years)"), "int"),
    ("start_year", L("起始年", "First year"), "raw"),
    ("instrument", L("调整方式", "Instrument"), "raw"),
    ("multiplier", L("费率系数（档位）", "Rate multiplier (lattice)"), "float3"),
    ("multiplier_continuous", L("费率系数（连续解）", "Rate multiplier (continuous)"), "float3"),
    ("achieved_probability", L("重新测算的达标概率", "Re-projected probability"), "pct"),
    ("mc_standard_error", L("蒙特卡罗标准误", "Monte Carlo standard error"), "pct"),
    ("next_lower_level", L("下一档费率系数", "Next lower multiplier"), "float3"),
    ("next_lower_probability", L("下一档达标概率", "Probability at the next lower level"), "pct"),
    ("expected_surplus_yuan", L("期限内预期结余增加", "Expected surplus over the horizon"), "wan"),
    ("feasible", L("目标可达", "Target reachable"), "raw"),
    ("n_paths", L("路径数", "Paths"), "int"),
)


def _rate_rows(r: dict[str, Any]) -> list[list[Cell]]:
    """The rate solver's fields as labelled, formatted rows (multipliers and rates by class)."""
    rows: list[list[Cell]] = []
    for key, label, kind in _RATE_FIELDS:
        if key not in r or r[key] is None:
            continue
        x = r[key]
        cell: Cell
        if kind == "pct":
            cell = pct(x, 1)
        elif kind == "wan":
            cell = wan(x)
        elif kind == "int":
            cell = Num(x, "int")
        elif kind.startswith("float"):
            cell = Num(x, "float", int(kind[-1]))
        else:
            cell = str(x)
        rows.append([label, cell])
    for key in sorted(r):
        if key.startswith("multiplier.class_"):
            c = key.rsplit("_", 1)[1]
            rows.append(
                [L(f"费率系数：{c}类行业", f"Rate multiplier, class {c}"), Num(r[key], "float", 3)]
            )
    for key in sorted(r):
        if key.startswith("rate_pct.class_"):
            c = key.rsplit("_", 1)[1]
            rows.append(
                [
                    L(f"基准费率×系数：{c}类行业", f"Rate of payroll, class {c}"),
                    Num(float(r[key]) / 100.0, "pct", 2),
                ]
            )
    return rows


def _rates(v: ReportValues) -> Section:
    s = v.scenarios
    y = v.budget_year
    blocks: list[Block | Subheading] = [
        para(
            L(
                f"各情景{y}年全省主要指标（情景为对假设的覆盖，见表6）。",
                f"Each scenario's {y} key figures for the province (scenarios are overlays on "
                "the assumptions, table 6).",
            )
        ),
        _tbl(
            L(f"表13 情景比较（{y}年）", f"Table 13 Scenario comparison ({y})"),
            [
                L("情景", "Scenario"),
                item_label("revenue_total"),
                item_label("expenditure_total"),
                item_label("balance_close"),
                L("结余为负概率", "Prob. of negative balance"),
                L("低于储备金概率", "Prob. below reserve"),
                L("可支付月数P5", "Months P5"),
                L("P50", "Months P50"),
                L("P95", "Months P95"),
            ],
            [
                [
                    str(r.Index)
                    + (
                        f"：{v.scenario_descriptions.get(str(r.Index), '')}"
                        if v.scenario_descriptions.get(str(r.Index))
                        else ""
                    ),
                    wan(r.revenue),
                    wan(r.expenditure),
                    wan(r.balance),
                    pct(r.prob_deficit, 1),
                    pct(getattr(r, "prob_below_reserve", float("nan")), 1),
                    Num(r.months_p05, "float", 1),
                    Num(r.months_p50, "float", 1),
                    Num(r.months_p95, "float", 1),
                ]
                for r in _rows(s)
            ],
            unit=UNIT_WAN,
            widths=(3, 1.3, 1.3, 1.3, 1, 1, 0.9, 0.9, 0.9),
            font_size=7,
        ),
    ]
    if v.rates:
        r = v.rates
        rows = _rate_rows(r)
        blocks += [
            Subheading(L("费率测算（以支定收、收支平衡）", "Rate solution (以支定收、收支平衡)")),
            Para((str(r.get("summary", "")),), style="code"),
            _tbl(
                L("表14 费率测算结果", "Table 14 Rate solver result"),
                [L("项目", "Field"), L("取值", "Value")],
                rows,
                widths=(2, 3),
            ),
        ]
    else:
        blocks.append(
            para(
                L(
                    "本次运行未求解费率（见第11节）。",
                    "No rate solution in this run (see section 11).",
                )
            )
        )
    return Section("rates", L("费率情景", "Rate scenarios"), tuple(blocks))


def _sensitivity(v: ReportValues) -> Section:
    s = v.sensitivity
    if not len(s):
        return Section(
            "sensitivity",
            L("敏感性分析", "Sensitivity analysis"),
            (para(L("未做敏感性分析。", "No sensitivity analysis was run.")),),
        )
    y = v.budget_year
    base_bal = v.sensitivity_base["balance_close"]
    base_exp = v.sensitivity_base["expenditure_total"]

    def tornado(lang: Lang) -> Any:
        zh = lang == "zh"
        return figures.tornado_chart(
            [L(r.label_zh, r.label_en).get(lang) for r in _rows(s)],
            s["balance_low"].to_numpy() / WAN,
            s["balance_high"].to_numpy() / WAN,
            base_bal / WAN,
            title=(
                f"{y}年末滚存结余的敏感性（全省）"
                if zh
                else f"Sensitivity of the {y} closing balance (province)"
            ),
            xlabel="万元" if zh else "10,000 yuan",
            low_label="低值" if zh else "low value",
            high_label="高值" if zh else "high value",
        )

    return Section(
        "sensitivity",
        L("敏感性分析", "Sensitivity analysis"),
        (
            para(
                L(
                    "每次只改变一个关键假设（取低值或高值），其余不变，以相同随机数（同一种子，",
                    "One key assumption at a time is set to its low or high value, all else equal, "
                    "with common random numbers (same seed, ",
                ),
                Num(v.sensitivity_paths, "int"),
                L(
                    " 条路径）经完整模型重新测算。基准：年末滚存结余 ",
                    " paths) through the full model. Base: closing balance ",
                ),
                wan(base_bal),
                L(" 万元，支出合计 ", ", total expenditure "),
                wan(base_exp),
                L(" 万元。", " (万元)."),
            ),
            Figure(L("图8 敏感性龙卷风图", "Figure 8 Tornado chart"), tornado),
            _tbl(
                L(
                    f"表15 单因素敏感性（{y}年，全省，模拟均值）",
                    f"Table 15 One-at-a-time sensitivity ({y}, province, simulated mean)",
                ),
                [
                    L("假设", "Assumption"),
                    L("单位", "Unit"),
                    L("基准值", "Base"),
                    L("低值", "Low"),
                    L("高值", "High"),
                    L("结余（低）", "Balance (low)"),
                    L("结余（高）", "Balance (high)"),
                    L("支出（低）", "Expenditure (low)"),
                    L("支出（高）", "Expenditure (high)"),
                ],
                [
                    [
                        L(r.label_zh, r.label_en),
                        r.unit,
                        _val(r.base_value),
                        _val(r.low_value),
                        _val(r.high_value),
                        wan(r.balance_low),
                        wan(r.balance_high),
                        wan(r.expenditure_low),
                        wan(r.expenditure_high),
                    ]
                    for r in _rows(s)
                ],
                unit=UNIT_WAN,
                widths=(2.4, 1.1, 0.9, 0.9, 0.9, 1.2, 1.2, 1.2, 1.2),
                font_size=6.5,
            ),
        ),
    )


def _risks(v: ReportValues) -> Section:
    up = _unconfirmed_params(v)
    judg = _judgement(v)
    blocks: list[Block | Subheading] = [
        Subheading(
            L(
                "未经证实的政策参数（可信度：假设）",
                "Unconfirmed policy parameters (confidence: assumption)",
            )
        ),
        _tbl(
            L("表16 标记为假设的政策参数", "Table 16 Policy parameters tagged assumption"),
            [
                L("参数", "Parameter"),
                L("说明", "Description"),
                L("取值", "Value"),
                L("有效期", "In force"),
                L("出处／说明", "Source / note"),
            ],
            [[r.name, r.description, _val(r.value), r.span, r.source] for r in _rows(up)],
            widths=(2.2, 3, 1.6, 1.6, 3),
            font_size=6.5,
        )
        if len(up)
        else para(L("无。", "None.")),
        Subheading(L("未经证实的模型假设", "Unconfirmed model assumptions")),
        _tbl(
            L(
                "表17 依据为判断或注明为假设（ASSUMPTION）的模型假设",
                "Table 17 Model assumptions with basis 'judgement' or marked ASSUMPTION",
            ),
            [L("文件", "File"), L("键", "Key"), L("取值", "Value"), L("说明", "Note")],
            [[r.file_id, r.key, _val(r.value), r.note or r.source] for r in _rows(judg)],
            widths=(0.9, 2.2, 1.4, 5),
            font_size=6.5,
        )
        if len(judg)
        else para(L("无。", "None.")),
        Subheading(L("其他局限", "Other limitations")),
        Bullets(
            tuple(
                [
                    (
                        L(
                            "数据为合成数据，结果仅示范方法。",
                            "The data are synthetic: the results illustrate the method only.",
                        ),
                    )
                ]
                * int(v.synthetic)
                + [
                    (
                        L(
                            "短序列的参数估计不确定性大；扇形图已计入参"
                            "数不确定性，但模型形式本身的不确定性未计入。",
                            "Parameter estimates from short series "
                            "are uncertain; the fan charts include "
                            "parameter uncertainty but not the uncertainty of the model form.",
                        ),
                    ),
                    (
                        L(
                            "政策在预测期内按当前参数和所选费率规则延续，未考虑未公布的政策变化。",
                            "Policy follows the current parameter"
                            "s and the chosen rate rule over the "
                            "horizon; unannounced policy changes are not modelled.",
                        ),
                    ),
                    (
                        L(
                            "敏感性分析路径数较少，其数值的蒙特卡罗误差"
                            "大于主结果，但采用相同随机数，比较仍有效。",
                            "The sensitivity runs use fewer paths,"
                            " so their Monte Carlo error is larger "
                            "than the main results', but they shar"
                            "e random numbers, so comparisons hold.",
                        ),
                    ),
                ]
                + [(L("未能计算：", "Not computed: "), n) for n in v.notes]
            )
        ),
    ]
    return Section("risks", L("风险与局限", "Risks and limitations"), tuple(blocks))


def _appendix(v: ReportValues) -> Section:
    pkg = v.versions.get("package", {})
    libs = v.versions.get("libraries", {})
    rows: list[list[Cell]] = [
        _cells(L("命令", "Command"), v.command),
        _cells(L("程序包版本", "Package version"), str(pkg.get("version", ""))),
        _cells(
            L("Git提交", "Git commit"),
            L(
                "见 manifest.json（package.commit、package.dirty）",
                "see manifest.json (package.commit, package.dirty)",
            ),
        ),
        _cells(L("Python", "Python"), str(v.versions.get("python", ""))),
        _cells(L("随机种子", "Seed"), Num(v.seed, "raw")),
        _cells(L("路径数", "Paths"), Num(v.n_paths, "int")),
    ]
    rows += [_cells(str(k), str(val)) for k, val in libs.items() if val]
    inputs = v.inputs
    return Section(
        "appendix",
        L("可重复性附录", "Reproducibility appendix"),
        (
            para(
                L(
                    "用 actuary verify 输出目录/manifest."
                    "json 可重新运行本命令并逐个比对输出文件；输入文件的哈希值"
                    "如与下表不同，verify 会指出该文件。",
                    "actuary verify OUT/manifest.json re-run"
                    "s this command and compares each output "
                    "file; an input whose hash differs from the table below is named.",
                )
            ),
            _tbl(
                L("表18 运行环境", "Table 18 Environment"),
                [L("项目", "Field"), L("取值", "Value")],
                rows,
                widths=(1.5, 4),
            ),
            _tbl(
                L("表19 输入文件及SHA-256", "Table 19 Input files and SHA-256"),
                [L("类别", "Group"), L("文件", "File"), "SHA-256"],
                [
                    [_GROUPS.get(str(r.group), L(str(r.group))), str(r.path), str(r.sha256)]
                    for r in _rows(inputs)
                ],
                widths=(1.2, 3.2, 4.6),
                font_size=6,
            ),
        ),
    )


SECTION_BUILDERS: Final[tuple[Callable[[ReportValues], Section], ...]] = (
    _summary,
    _data,
    _method,
    _assumptions,
    _fits,
    _backtest,
    _projection,
    _budget,
    _rates,
    _sensitivity,
    _risks,
    _appendix,
)


def build_document(v: ReportValues) -> Document:
    """The review pack as a bilingual :class:`Document`."""
    y = v.budget_year
    synthetic = L("（合成数据）", " (synthetic data)") if v.synthetic else L("")
    title = L(
        f"工伤保险基金{y}年预算草案第三方精算评估报告",
        f"Work-injury insurance fund: third-party actuarial review of the {y} budget draft",
    )
    subtitle = L(
        f"{v.description or v.run_name}{synthetic.zh}；数据截至 {v.as_of}；"
        f"{v.n_paths:,} 条模拟路径，种子 {v.seed}",
        f"{v.description or v.run_name}{synthetic.en}; data as of {v.as_of}; "
        f"{v.n_paths:,} simulated paths, seed {v.seed}",
    )
    banner = L(
        "草稿：假设状态为草案，须经复核后方可使用。"
        + ("数据为合成数据，不代表实际情况。" if v.synthetic else ""),
        "DRAFT: the assumptions are in draft status and must be reviewed before use."
        + (" Synthetic data: not actual figures." if v.synthetic else ""),
    )
    return Document(title, subtitle, banner, tuple(b(v) for b in SECTION_BUILDERS))
