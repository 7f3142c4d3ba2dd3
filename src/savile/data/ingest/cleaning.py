"""Text at the boundary: decode a file's bytes, clean a value, read a number written any common way.

>>> clean_value("  <b>Sac</b> &eacute;t&eacute;,\\u00a0prêt-à-porter ")
'Sac été, prêt-à-porter'
>>> clean_text("Bonjour,<br>merci  pour\\r\\nvotre   message")
'Bonjour,\\nmerci pour\\nvotre message'
>>> [parse_number(s) for s in ("1 250,00", "1,250.00", "€1250", "12,5", "12x")]
[1250.0, 1250.0, 1250.0, 12.5, None]
"""

from __future__ import annotations

import html
import re
import unicodedata
from pathlib import Path

from savile.errors import DataError

__all__ = ["decode_bytes", "read_text", "clean_value", "clean_text", "parse_number", "number_text"]

# Tags that end a line or a block: they become a line break, so "a<br>b" stays two words.
_BLOCK_TAG = re.compile(r"<\s*/?\s*(?:br|p|div|li|ul|ol|tr|table|h[1-6]|blockquote)\b[^<>]*>", re.I)
# Any other tag (<b>, <span class=..>, </a>) is dropped in place; a bare "<" in text ("a < b") is
# not a tag because a tag name must follow it at once.
_TAG = re.compile(r"<!--.*?-->|<\s*/?\s*[A-Za-z][\w:-]*(?:\s[^<>]*)?/?>", re.S)
# Zero-width and control characters that survive .split() but are never meant as text.
_INVISIBLE = dict.fromkeys([0x200B, 0x200C, 0x2060, 0xFEFF, 0xAD] + [c for c in range(32) if c not in (9, 10)])
_CURRENCY = r"(?:[€$£¥]|CHF|EUR|USD|GBP|JPY|Fr\.?)"
_NUMBER = re.compile(rf"{_CURRENCY}?\s*([+-]?\d[\d\s.,'\u00a0\u202f]*?)\s*{_CURRENCY}?", re.I)


def decode_bytes(path: Path, data: bytes) -> str:
    """Text of a file: UTF-16 with a BOM, else UTF-8 (BOM or not), else Windows-1252.

    UTF-8 is tried strictly first: a cp1252 file almost never decodes as UTF-8 by accident, while
    any UTF-8 file would decode as cp1252 into mojibake ('prÃªt'). cp1252 is a superset of
    latin-1 for printable text, so latin-1 files read right too.
    """
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):  # Excel's "Unicode text" export
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise DataError(
            f"{path}: not UTF-8 or Windows-1252 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "re-save it as UTF-8."
        ) from None
    if "\x00" in text:
        raise DataError(f"{path}: holds NUL bytes, so it is binary or UTF-16 without a BOM; re-save it as UTF-8.")
    return text


def read_text(path: Path, what: str = "file") -> str:
    """A whole text file, decoded as `decode_bytes` does, with line ends made '\\n'."""
    if not path.is_file():
        raise DataError(f"{path}: {what} not found; check the path under sources.* in the config.")
    return decode_bytes(path, path.read_bytes()).replace("\r\n", "\n").replace("\r", "\n")


def _strip_markup(value: str, line_break: str) -> str:
    value = _BLOCK_TAG.sub(line_break, value)
    value = _TAG.sub("", value)
    return unicodedata.normalize("NFC", html.unescape(value)).translate(_INVISIBLE)


def clean_value(value: str) -> str:
    """One-line text: NFC, HTML tags stripped and entities unescaped, whitespace collapsed; accents kept."""
    return " ".join(_strip_markup(str(value), " ").split())


def clean_text(value: str) -> str:
    """Like clean_value but keeps line breaks: spaces collapse within lines, 3+ breaks become one blank line."""
    text = _strip_markup(str(value).replace("\r\n", "\n").replace("\r", "\n"), "\n")
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def parse_number(value: str) -> float | None:
    """A number written as '1250', '1 250,00', '1,250.00', '1.250,00', "1'250", '€1250' or '1250 EUR'; else None.

    With one kind of separator, a single one followed by exactly three digits groups thousands
    ('1,250' and '1.250' are 1250, as in a price list); any other single one is a decimal mark ('12,5').
    """
    match = _NUMBER.fullmatch(value.strip())
    if not match:
        return None
    body = re.sub(r"[\s'\u00a0\u202f]", "", match.group(1))
    if "," in body and "." in body:
        thousands, decimal = (",", ".") if body.rfind(".") > body.rfind(",") else (".", ",")
    elif body.count(",") + body.count(".") == 0:
        thousands, decimal = "", "."
    else:
        sep = "," if "," in body else "."
        single = body.count(sep) == 1 and not re.search(rf"\{sep}\d{{3}}$", body)
        thousands, decimal = ("", sep) if single else (sep, "")
    integer, _, fraction = body.partition(decimal) if decimal else (body, "", "")
    groups = integer.lstrip("+-").split(thousands) if thousands else [integer.lstrip("+-")]
    if (fraction and not fraction.isdigit()) or any(not g.isdigit() for g in groups):
        return None
    if len(groups) > 1 and any(len(g) != 3 for g in groups[1:]):
        return None  # '1,25,0' is not a thousands grouping
    digits = integer.replace(thousands, "") if thousands else integer
    return float(digits + ("." + fraction if fraction else ""))


def number_text(number: float) -> str:
    """A number as canonical text: no trailing '.0' on an integral value ('1250', '12.5')."""
    return str(int(number)) if number.is_integer() and abs(number) < 1e16 else repr(number)
