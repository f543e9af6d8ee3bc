"""``actuary benefits CASE.toml [--format table|json]``: the benefits of one case.

Reads a TOML case file (strict keys, see :func:`actuary.benefits.load_case`), prices it with
:func:`actuary.benefits.assess` and prints either a table with Chinese labels or a JSON list of
item objects (keys ``item``, ``label_zh``, ``payer``, ``kind``, ``amount``, ``applies``,
``end_date``, ``note``, ``uses_assumption``, ``parameters``). Bad input → one line, exit 2.
"""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata

from actuary.benefits import Assessment, assess

__all__ = ["configure", "format_table", "run"]

_PAYER_ZH = {"fund": "基金", "employer": "单位"}
_KIND_ZH = {"one_off": "一次性", "monthly": "按月"}


def _width(text: str) -> int:
    """Display width: East Asian wide characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(1, width - _width(text))


def configure(parser: argparse.ArgumentParser) -> None:
    """Declare the arguments of ``actuary benefits``."""
    parser.add_argument("case", help="case file (TOML), e.g. actuary/examples/grade_3.toml")
    parser.add_argument(
        "--format",
        choices=("table", "json"),
        default="table",
        help="output format (default: table)",
    )


def format_table(a: Assessment) -> str:
    """Human-readable table of an assessment, with Chinese labels and sources."""
    c = a.case
    out = [
        f"工伤保险待遇测算 / benefit assessment: {c.file or 'case'}",
        f"  event {c.event_date}  outcome {c.outcome}  wage {c.monthly_wage:,.2f}  "
        f"area average {c.area_avg_monthly_wage:,.2f}",
        f"  本人工资 (art. 64 bounds 60-300 %): {a.wage_base:,.2f} 元/月"
        + (f"   statutory retirement date: {a.retirement_date}" if a.retirement_date else ""),
        "",
        f"  {'item':<22}{_pad('待遇项目', 22)}{'payer':<14}{'kind':<9}"
        f"{'amount (元)':>18}  end date",
    ]
    refs: dict[str, int] = {}
    notes: list[str] = []
    for ln in a.lines:
        if not ln.applies:
            continue
        marks = []
        for r in ln.parameters:
            key = f"{r.name} (from {r.start}, {r.confidence}): {r.source}"
            if key not in refs:
                refs[key] = len(refs) + 1
            marks.append(refs[key])
        flag = " *" if ln.assumption else ""
        unit = "/月" if ln.kind == "monthly" else ""
        amount = f"{ln.amount:,.2f}{unit}"
        label = _pad(ln.label_zh, 22)
        out.append(
            f"  {ln.item:<22}{label}{_pad(_PAYER_ZH[ln.payer] + ' ' + ln.payer, 14)}"
            f"{_pad(_KIND_ZH[ln.kind], 9)}{amount:>19}  {ln.end_date or '—'}{flag}"
        )
        if ln.note:
            notes.append(f"  {ln.item}: {ln.note}")
    na = [ln.item for ln in a.lines if not ln.applies]
    if na:
        out.append(f"  not applicable: {', '.join(na)}")
    if notes:
        out += ["", "Notes:", *notes]
    if any(ln.assumption for ln in a.lines):
        out += ["", "* uses a parameter tagged ASSUMPTION (not confirmed by a public source)."]
    if refs:
        out += ["", "Parameters used:"]
        out += [f"  [{i}] {k}" for k, i in refs.items()]
    return "\n".join(out)


def run(args: argparse.Namespace) -> int:
    """Assess the case file and print the result."""
    a = assess(args.case)
    if args.format == "json":
        json.dump(a.to_json(), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        print(format_table(a))
    return 0
