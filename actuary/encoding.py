"""Decode the bytes of an input text file (CSV, TOML): UTF-8, else GB18030, else refuse.

Decision: files in GB18030/GBK are **detected and read**, not refused. Chinese government
systems and Excel on Chinese Windows save "CSV" in GBK (code page 936) by default, so refusing
would make every drafter re-save each export; GB18030 is a superset of GBK (and of GB2312), and
strict GB18030 decoding rarely succeeds on bytes that are not GB text, so the guess is safe.

Order: strict UTF-8 (a leading byte-order mark is dropped), else strict GB18030, else
:class:`actuary.errors.InputError` "not UTF-8 or GB18030: save as UTF-8" naming the file and
the first undecodable byte. The encoding used is returned so that callers can record it
(``ProvinceData.metadata["encodings"]``, the manifest). Line ends are left as they are (CRLF
files read like LF files through :mod:`csv`/pandas and :mod:`tomllib`).
"""

from __future__ import annotations

from os import PathLike
from pathlib import Path

from actuary.errors import InputError

__all__ = ["ENCODINGS", "decode_text", "read_text"]

#: Encodings tried, in order (names as :func:`decode_text` reports them).
ENCODINGS: tuple[str, ...] = ("utf-8", "gb18030")

_BOM = b"\xef\xbb\xbf"


def decode_text(raw: bytes, *, file: str | PathLike[str] | None = None) -> tuple[str, str]:
    """``(text, encoding)`` of ``raw``: ``"utf-8"`` (BOM dropped) or ``"gb18030"``.

    Raises :class:`InputError` naming ``file`` when neither decodes strictly.
    """
    body = raw[len(_BOM) :] if raw.startswith(_BOM) else raw
    try:
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        first = exc
    if body is raw:  # a UTF-8 BOM marks the file as UTF-8: do not guess another encoding
        try:
            return raw.decode("gb18030"), "gb18030"
        except UnicodeDecodeError:
            pass
    off = first.start + len(raw) - len(body)
    line = raw[:off].count(b"\n") + 1
    raise InputError(
        f"not UTF-8 or GB18030: save as UTF-8 (byte 0x{raw[off]:02x} at offset {off}, "
        f"line {line}, cannot be decoded)",
        file=file,
    )


def read_text(path: str | PathLike[str]) -> tuple[str, str]:
    """Read a text file with :func:`decode_text`: ``(text, encoding)``."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror or exc}", file=p) from None
    return decode_text(raw, file=p)
