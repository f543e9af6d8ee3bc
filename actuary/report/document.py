"""A language-neutral report document and its two renderings: self-contained HTML and PDF.

The review pack is built once as a :class:`Document` — sections of headings, paragraphs, tables
and figures — whose text is *bilingual* (:class:`L`, Chinese and English side by side) and whose
numbers are :class:`Num` cells formatted by one function (:func:`fmt`). Rendering picks a
language; the numbers are the same objects in both, so the Chinese and English reports carry the
same figures by construction (and a test checks it on the rendered text).

- :func:`render_html` writes one HTML file with every chart embedded as a base64 PNG.
- :func:`render_pdf` writes the PDF with fpdf2 and the pip-installed CJK font
  (:mod:`actuary.output.fonts`); its metadata dates are fixed so identical inputs give
  identical bytes (the manifest and ``actuary verify`` rely on it).
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import io
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal

Lang = Literal["zh", "en"]
LANGS: Final[tuple[Lang, ...]] = ("zh", "en")

#: Fixed creation date written into the PDF metadata (reproducible bytes; the run's own date
#: is stated in the text from the data's ``as_of``, not from the clock).
PDF_EPOCH: Final = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True, slots=True)
class L:
    """Bilingual text: Chinese and English. ``L("x")`` is the same text in both."""

    zh: str
    en: str | None = None

    def get(self, lang: Lang) -> str:
        """The text in ``lang``."""
        if lang == "en" and self.en is not None:
            return self.en
        return self.zh


@dataclass(frozen=True, slots=True)
class Num:
    """A number in a table or a sentence; formatted identically in every language.

    ``kind`` is ``"int"`` (thousands separators, no decimals), ``"money"`` (万元 with
    ``digits`` decimals), ``"pct"`` (value is a fraction, shown ×100 with a % sign),
    ``"float"`` (``digits`` decimals) or ``"raw"`` (``str(value)``).
    """

    value: Any
    kind: str = "float"
    digits: int = 2

    def text(self) -> str:
        """The formatted number."""
        return fmt(self.value, self.kind, self.digits)


def fmt(value: Any, kind: str = "float", digits: int = 2) -> str:
    """Format a number for the report (one place for every rounding rule).

    Missing values (``None`` / NaN) print as an en dash.
    """
    if value is None:
        return "–"
    if kind == "raw" or isinstance(value, str | bool):
        return str(value)
    x = float(value)
    if math.isnan(x):
        return "–"
    if math.isinf(x):
        return "∞" if x > 0 else "-∞"
    if kind == "int":
        return f"{x:,.0f}"
    if kind == "pct":
        return f"{100 * x:,.{digits}f}%"
    # money and float: thousands separators and fixed decimals; avoid "-0.0"
    out = f"{x:,.{digits}f}"
    return out[1:] if out.startswith("-") and float(out.replace(",", "")) == 0 else out


Text = L | str
Cell = L | str | Num


def text_of(item: Cell, lang: Lang) -> str:
    """Render a cell or a text in ``lang``."""
    if isinstance(item, L):
        return item.get(lang)
    if isinstance(item, Num):
        return item.text()
    return str(item)


@dataclass(frozen=True, slots=True)
class Para:
    """A paragraph; ``parts`` are concatenated (bilingual text and numbers mixed)."""

    parts: tuple[Cell, ...]
    style: str = "body"  # body | note | warn | code

    def text(self, lang: Lang) -> str:
        """The paragraph in ``lang``."""
        return "".join(text_of(p, lang) for p in self.parts)


def para(*parts: Cell, style: str = "body") -> Para:
    """Shorthand for :class:`Para`."""
    return Para(tuple(parts), style)


@dataclass(frozen=True, slots=True)
class Bullets:
    """A bulleted list; each item is a tuple of parts like a paragraph."""

    items: tuple[tuple[Cell, ...], ...]


@dataclass(frozen=True, slots=True)
class Table:
    """A table with a caption and a unit line ("Every table states its units")."""

    caption: Text
    columns: tuple[Text, ...]
    rows: tuple[tuple[Cell, ...], ...]
    unit: Text = ""
    widths: tuple[float, ...] | None = None  # relative column widths (PDF)
    font_size: float = 8.0


@dataclass(frozen=True)
class Figure:
    """A chart drawn per language by ``make(lang) -> matplotlib Figure``; cached as PNG."""

    caption: Text
    make: Callable[[Lang], Any]
    width_mm: float = 165.0
    _png: dict[str, bytes] = field(default_factory=dict, compare=False, repr=False)

    def png(self, lang: Lang) -> bytes:
        """The PNG bytes of the chart in ``lang`` (drawn once per language)."""
        if lang not in self._png:
            from actuary.output.figures import to_png

            self._png[lang] = to_png(self.make(lang))
        return self._png[lang]


Block = Para | Bullets | Table | Figure


@dataclass(frozen=True, slots=True)
class Section:
    """A numbered section with optional sub-headings inside its blocks."""

    key: str
    title: L
    blocks: tuple[Block | Subheading, ...]


@dataclass(frozen=True, slots=True)
class Subheading:
    """A sub-heading inside a section."""

    title: L


@dataclass(frozen=True)
class Document:
    """The whole report: title block, sections in order."""

    title: L
    subtitle: L
    banner: L  # disclaimer shown on the cover and in every PDF footer
    sections: tuple[Section, ...]
    meta: dict[str, str] = field(default_factory=dict)


# --------------------------------------------------------------------------------------------
# HTML
# --------------------------------------------------------------------------------------------

_CSS = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",
"Helvetica Neue",Arial,sans-serif;max-width:60em;margin:2em auto;padding:0 1em;color:#222;
line-height:1.55;font-size:15px}
h1{font-size:1.7em;margin-bottom:.2em}h2{border-bottom:2px solid #0072B2;padding-bottom:.2em;
margin-top:2em}h3{margin-top:1.4em}
.subtitle{color:#555}.banner{background:#fff4e5;border-left:4px solid #E69F00;padding:.6em 1em}
table{border-collapse:collapse;margin:.4em 0 1.2em 0;font-size:.86em}
th,td{border:1px solid #ccc;padding:.25em .5em;vertical-align:top}th{background:#f0f4f8}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
caption{caption-side:top;text-align:left;font-weight:bold;padding:.3em 0}
.unit{font-weight:normal;color:#555}
figure{margin:1em 0}figure img{max-width:100%}figcaption{color:#444;font-size:.9em}
p.note{color:#555;font-size:.92em}p.warn{background:#fdecea;padding:.5em .8em;
border-left:4px solid #D55E00}p.code{font-family:monospace;background:#f6f6f6;padding:.5em;
white-space:pre-wrap;word-break:break-all;font-size:.85em}
nav ol{columns:2}
"""


def _h(s: str) -> str:
    return html.escape(s, quote=True)


def render_html(doc: Document, lang: Lang) -> str:
    """The report as one self-contained HTML page (charts embedded as base64 PNG)."""
    out: list[str] = [
        "<!DOCTYPE html>",
        f'<html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">',
        f"<title>{_h(doc.title.get(lang))}</title><style>{_CSS}</style></head><body>",
        f"<h1>{_h(doc.title.get(lang))}</h1>",
        f'<p class="subtitle">{_h(doc.subtitle.get(lang))}</p>',
        f'<p class="banner">{_h(doc.banner.get(lang))}</p>',
        "<nav><ol>",
    ]
    for s in doc.sections:
        out.append(f'<li><a href="#{s.key}">{_h(s.title.get(lang))}</a></li>')
    out.append("</ol></nav>")
    for i, s in enumerate(doc.sections, start=1):
        out.append(f'<section id="{s.key}"><h2>{i}. {_h(s.title.get(lang))}</h2>')
        for b in s.blocks:
            out.append(_html_block(b, lang))
        out.append("</section>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def _html_block(b: Block | Subheading, lang: Lang) -> str:
    if isinstance(b, Subheading):
        return f"<h3>{_h(b.title.get(lang))}</h3>"
    if isinstance(b, Para):
        return f'<p class="{b.style}">{_h(b.text(lang))}</p>'
    if isinstance(b, Bullets):
        items = "".join(
            "<li>" + _h("".join(text_of(p, lang) for p in it)) + "</li>" for it in b.items
        )
        return f"<ul>{items}</ul>"
    if isinstance(b, Table):
        unit = text_of(b.unit, lang)
        cap = _h(text_of(b.caption, lang)) + (
            f' <span class="unit">({_h(unit)})</span>' if unit else ""
        )
        head = "".join(f"<th>{_h(text_of(c, lang))}</th>" for c in b.columns)
        body = []
        for row in b.rows:
            cells = "".join(
                f'<td class="num">{_h(c.text())}</td>'
                if isinstance(c, Num)
                else f"<td>{_h(text_of(c, lang))}</td>"
                for c in row
            )
            body.append(f"<tr>{cells}</tr>")
        return (
            f"<table><caption>{cap}</caption><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table>"
        )
    data = base64.b64encode(b.png(lang)).decode("ascii")
    cap = _h(text_of(b.caption, lang))
    return (
        f'<figure><img alt="{cap}" src="data:image/png;base64,{data}">'
        f"<figcaption>{cap}</figcaption></figure>"
    )


# --------------------------------------------------------------------------------------------
# PDF
# --------------------------------------------------------------------------------------------


def _pdf_class() -> type:
    from fpdf import FPDF

    class _ReportPDF(FPDF):  # type: ignore[misc]
        footer_text: str = ""

        def footer(self) -> None:
            self.set_y(-12)
            self.set_font("cjk", size=7)
            self.set_text_color(110, 110, 110)
            self.cell(0, 5, f"{self.footer_text}    {self.page_no()}", align="C")
            self.set_text_color(0, 0, 0)

    return _ReportPDF


def render_pdf(doc: Document, lang: Lang) -> bytes:
    """The report as PDF bytes (A4, CJK font embedded as a subset, fixed metadata dates)."""
    from fpdf.enums import WrapMode

    from actuary.output.fonts import add_pdf_font

    pdf = _pdf_class()(orientation="P", unit="mm", format="A4")
    add_pdf_font(pdf)
    pdf.set_creation_date(PDF_EPOCH)
    pdf.set_title(doc.title.get(lang))
    pdf.set_author("actuary")
    pdf.set_creator("actuary")
    pdf.set_producer("actuary / fpdf2")
    pdf.set_lang("zh-CN" if lang == "zh" else "en")
    pdf.footer_text = doc.banner.get(lang)[:90]
    pdf.set_auto_page_break(auto=True, margin=16)
    pdf.set_margins(18, 16, 18)
    wrap = WrapMode.CHAR if lang == "zh" else WrapMode.WORD
    width = pdf.w - pdf.l_margin - pdf.r_margin

    pdf.add_page()
    pdf.set_font("cjk", size=20)
    pdf.ln(30)
    pdf.multi_cell(width, 10, doc.title.get(lang), align="C", wrapmode=wrap)
    pdf.ln(4)
    pdf.set_font("cjk", size=11)
    pdf.multi_cell(width, 6, doc.subtitle.get(lang), align="C", wrapmode=wrap)
    pdf.ln(8)
    pdf.set_fill_color(255, 244, 229)
    pdf.multi_cell(width, 6, doc.banner.get(lang), fill=True, wrapmode=wrap)
    pdf.ln(10)
    pdf.set_font("cjk", size=12)
    pdf.cell(width, 7, "目录" if lang == "zh" else "Contents", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=10)
    for i, s in enumerate(doc.sections, start=1):
        pdf.cell(width, 6, f"{i}. {s.title.get(lang)}", new_x="LMARGIN", new_y="NEXT")

    for i, s in enumerate(doc.sections, start=1):
        pdf.add_page()
        pdf.start_section(f"{i}. {s.title.get(lang)}")
        pdf.set_font("cjk", size=15)
        pdf.set_text_color(0, 84, 140)
        pdf.multi_cell(width, 8, f"{i}. {s.title.get(lang)}", wrapmode=wrap)
        pdf.set_text_color(0, 0, 0)
        pdf.ln(2)
        for b in s.blocks:
            _pdf_block(pdf, b, lang, width, wrap)
    return bytes(pdf.output())


def _pdf_block(pdf: Any, b: Block | Subheading, lang: Lang, width: float, wrap: Any) -> None:
    if isinstance(b, Subheading):
        if pdf.get_y() > pdf.h - 60:  # keep a sub-heading with what follows
            pdf.add_page()
        pdf.ln(2)
        pdf.set_font("cjk", size=12)
        pdf.multi_cell(width, 7, b.title.get(lang), wrapmode=wrap)
        pdf.ln(1)
        return
    if isinstance(b, Para):
        size = {"note": 8.5, "code": 7.5}.get(b.style, 10.0)
        pdf.set_font("cjk", size=size)
        if b.style == "warn":
            pdf.set_fill_color(253, 236, 234)
        text = b.text(lang)
        if lang == "zh" and b.style != "code":
            text = prewrap(pdf, text, width - 4)
        pdf.multi_cell(
            width,
            size * 0.55,
            text,
            fill=b.style == "warn",
            wrapmode=wrap if b.style != "code" else _char_wrap(),
            new_x="LMARGIN",
            new_y="NEXT",
        )
        pdf.ln(1.5)
        return
    if isinstance(b, Bullets):
        pdf.set_font("cjk", size=10)
        for it in b.items:
            pdf.set_x(pdf.l_margin + 3)
            text = "• " + "".join(text_of(p, lang) for p in it)
            if lang == "zh":
                text = prewrap(pdf, text, width - 7)
            pdf.multi_cell(
                width - 3,
                5.5,
                text,
                wrapmode=wrap,
                new_x="LMARGIN",
                new_y="NEXT",
            )
        pdf.ln(1.5)
        return
    if isinstance(b, Table):
        _pdf_table(pdf, b, lang, width, wrap)
        return
    png = b.png(lang)
    from PIL import Image

    with Image.open(io.BytesIO(png)) as im:
        ratio = im.height / im.width
    w = min(b.width_mm, width)
    h = w * ratio
    if pdf.get_y() + h + 10 > pdf.h - pdf.b_margin:
        pdf.add_page()
    pdf.image(io.BytesIO(png), x=pdf.l_margin + (width - w) / 2, w=w, h=h)
    pdf.set_font("cjk", size=8.5)
    pdf.multi_cell(
        width,
        4.5,
        text_of(b.caption, lang),
        align="C",
        wrapmode=wrap,
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(3)


_TOKEN = re.compile(r"[A-Za-z0-9_.,%:/+\-−()（）@'\\]+ ?|\s|.", re.S)
_NO_LINE_START = set("，。、；：！？）》」』】%,.;:!?)")


def prewrap(pdf: Any, text: str, width: float) -> str:
    """Break mixed Chinese / Latin text into lines that fit ``width`` (mm) at the current font.

    Chinese may break between any two characters, but a run of Latin letters, digits and
    number punctuation (``12,345.6``, ``manifest.json``) stays whole, and closing punctuation
    never starts a line (a light form of 禁则). The lines are joined with newlines, so fpdf2
    does no further breaking (its character mode would split numbers across lines).
    """
    out: list[str] = []
    for para_ in text.split("\n"):
        line, w = "", 0.0
        for tok in _TOKEN.findall(para_):
            tw = pdf.get_string_width(tok)
            if line and w + tw > width and tok[0] not in _NO_LINE_START and not tok.isspace():
                out.append(line.rstrip())
                line, w = "", 0.0
            line += tok
            w += tw
        out.append(line.rstrip())
    return "\n".join(out)


def _char_wrap() -> Any:
    from fpdf.enums import WrapMode

    return WrapMode.CHAR


def _pdf_table(pdf: Any, t: Table, lang: Lang, width: float, wrap: Any) -> None:
    cap = text_of(t.caption, lang)
    unit = text_of(t.unit, lang)
    if pdf.get_y() > pdf.h - 45:
        pdf.add_page()
    pdf.set_font("cjk", size=9.5)
    pdf.multi_cell(
        width,
        5,
        cap + (f"（{unit}）" if unit and lang == "zh" else f" ({unit})" if unit else ""),
        wrapmode=wrap,
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_font("cjk", size=t.font_size)
    pdf.set_fill_color(255, 255, 255)
    ncol = len(t.columns)
    widths = t.widths or tuple(1.0 for _ in range(ncol))
    numeric = [any(isinstance(r[j], Num) for r in t.rows) if t.rows else False for j in range(ncol)]
    align = tuple("RIGHT" if numeric[j] else "LEFT" for j in range(ncol))
    with pdf.table(
        width=width,
        col_widths=widths,
        text_align=align,
        line_height=t.font_size * 0.5,
        headings_style=_headings_style(),
        first_row_as_headings=True,
        wrapmode=wrap,
        padding=0.8,
    ) as table:
        row = table.row()
        for head in t.columns:
            row.cell(text_of(head, lang))
        for r in t.rows:
            row = table.row()
            for cell in r:
                row.cell(text_of(cell, lang))
    pdf.ln(3)


def _headings_style() -> Any:
    from fpdf.fonts import FontFace

    return FontFace(emphasis="", fill_color=(235, 241, 247))


def numbers_in(text: str) -> list[str]:
    """Every number token in ``text`` (digits with separators), for language-parity checks."""

    return re.findall(r"-?\d{1,3}(?:,\d{3})+(?:\.\d+)?%?|-?\d+(?:\.\d+)?%?", text)


def all_text(doc: Document, lang: Lang) -> str:
    """Plain text of the document in ``lang`` (what a reader sees, without charts)."""
    lines = [doc.title.get(lang), doc.subtitle.get(lang), doc.banner.get(lang)]
    for s in doc.sections:
        lines.append(s.title.get(lang))
        for b in s.blocks:
            if isinstance(b, Subheading):
                lines.append(b.title.get(lang))
            elif isinstance(b, Para):
                lines.append(b.text(lang))
            elif isinstance(b, Bullets):
                lines.extend("".join(text_of(p, lang) for p in it) for it in b.items)
            elif isinstance(b, Table):
                lines.append(text_of(b.caption, lang))
                lines.append(" | ".join(text_of(c, lang) for c in b.columns))
                lines.extend(" | ".join(text_of(c, lang) for c in r) for r in b.rows)
            else:
                lines.append(text_of(b.caption, lang))
    return "\n".join(lines)


def table_numbers(doc: Document) -> list[str]:
    """Every :class:`Num` of the document, formatted, in order (identical for all languages)."""
    out: list[str] = []
    for s in doc.sections:
        for b in s.blocks:
            if isinstance(b, Table):
                out.extend(c.text() for r in b.rows for c in r if isinstance(c, Num))
            elif isinstance(b, Para):
                out.extend(p.text() for p in b.parts if isinstance(p, Num))
    return out


def seq(items: Sequence[Cell], sep: str = ", ") -> tuple[Cell, ...]:
    """Parts joined by ``sep`` (for building sentences from lists)."""
    out: list[Cell] = []
    for i, it in enumerate(items):
        if i:
            out.append(sep)
        out.append(it)
    return tuple(out)
