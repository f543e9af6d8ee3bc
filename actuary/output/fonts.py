"""The CJK font used by every chart and report: found in a pip-installed package, never the OS.

Chinese labels need a font with CJK glyphs. The OS may have none (CI machines, minimal
containers), so the font comes from a PyPI dependency: ``mplfonts`` ships *Noto Sans CJK SC
Regular* (Google / Adobe, SIL Open Font License 1.1) as an OpenType (CFF) file. Only that file
is used; nothing of ``mplfonts`` is imported, so its other fonts and its rc changes play no part.

- :func:`cjk_font_path` finds the file (``ACTUARY_CJK_FONT`` overrides it with a path to any
  TrueType / OpenType file with CJK glyphs).
- :func:`setup_fonts` registers it with matplotlib and makes it the first sans-serif family, so
  PNG charts render Chinese (idempotent; returns the family name).
- :func:`add_pdf_font` registers it with an ``fpdf.FPDF`` document (embedded as a subset).

Notes
-----
pypdf (7.x) extracts text from fpdf2's CFF CID fonts with a NUL byte before each character; the
PDF itself is correct (pdfium and poppler extract it cleanly). Tests extract with ``pypdfium2``.
"""

from __future__ import annotations

import functools
import importlib.util
import os
from pathlib import Path
from typing import Any, Final

#: Environment variable that points at a different CJK font file.
FONT_ENV: Final = "ACTUARY_CJK_FONT"

#: (package, path inside the package) of pip-installed CJK fonts, first found wins.
_CANDIDATES: Final[tuple[tuple[str, str], ...]] = (("mplfonts", "fonts/NotoSansCJKsc-Regular.otf"),)

#: Family name the PDF writer registers the font under.
PDF_FAMILY: Final = "cjk"


def cjk_font_path() -> Path:
    """Path of the CJK font file used by charts and the PDF.

    Returns
    -------
    pathlib.Path
        ``$ACTUARY_CJK_FONT`` when set, else Noto Sans CJK SC from the ``mplfonts`` package.

    Raises
    ------
    RuntimeError
        When no font file can be found (the dependency is missing from the environment).
    """
    override = os.environ.get(FONT_ENV)
    if override:
        path = Path(override)
        if not path.is_file():
            raise RuntimeError(f"{FONT_ENV}={override}: no such font file")
        return path
    for package, rel in _CANDIDATES:
        spec = importlib.util.find_spec(package)  # locates the package without importing it
        if spec is None or not spec.submodule_search_locations:
            continue
        for base in spec.submodule_search_locations:
            path = Path(base) / rel
            if path.is_file():
                return path
    raise RuntimeError(
        "no CJK font found: install the 'mplfonts' package (pip install mplfonts), "
        f"or set {FONT_ENV} to a TrueType/OpenType file with Chinese glyphs"
    )


@functools.cache
def setup_fonts() -> str:
    """Register the CJK font with matplotlib and put it first in the sans-serif list.

    Returns
    -------
    str
        The font's family name as matplotlib knows it (e.g. ``"Noto Sans CJK SC"``).
    """
    from matplotlib import font_manager, rcParams

    path = cjk_font_path()
    font_manager.fontManager.addfont(str(path))
    name: str = font_manager.FontProperties(fname=str(path)).get_name()
    rcParams["font.family"] = "sans-serif"
    rcParams["font.sans-serif"] = [name, *[f for f in rcParams["font.sans-serif"] if f != name]]
    return name


def add_pdf_font(pdf: Any, family: str = PDF_FAMILY) -> str:
    """Register the CJK font with an ``fpdf.FPDF`` document under ``family`` (regular only).

    fpdf2 embeds only the glyphs used. The font has one weight and no bold style is registered
    (each style is subset and embedded separately, which costs seconds with a CJK font);
    headings are set apart by size and colour instead.
    """
    path = cjk_font_path()
    kwargs = {"collection_font_number": 0} if path.suffix.lower() == ".ttc" else {}
    pdf.add_font(family, "", str(path), **kwargs)
    font = getattr(pdf, "fonts", {}).get(family)
    ttfont = getattr(font, "ttfont", None)
    if ttfont is not None:
        # Keep the font's own bounding boxes when fpdf2 saves the subset: recomputing them walks
        # every CFF charstring in Python (seconds for a CJK font) and the PDF does not need it.
        ttfont.recalcBBoxes = False
    return family
