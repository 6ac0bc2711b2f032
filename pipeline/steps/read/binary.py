"""Binary or text: known file signatures, BOM-less UTF-16/32, and the share of NUL and control bytes.

A NUL byte alone does not make a file binary: database dumps and some scrapers leave a few in good text,
and UTF-16/32 holds them in every ASCII character. A file is binary when it starts with a known signature,
or when its NUL and control bytes are more than MAX_CONTROL_SHARE of it.
"""
from __future__ import annotations

from charset_normalizer import from_bytes

# Leading bytes of binary formats that scrapes and dumps put among text files, with the name a reason gives.
SIGNATURES: dict[bytes, str] = {
    b"\x89PNG\r\n\x1a\n": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF87a": "a GIF image",
    b"GIF89a": "a GIF image",
    b"%PDF-": "a PDF document",
    b"PK\x03\x04": "a ZIP archive",
    b"\x1f\x8b": "gzip data",
    b"BZh": "bzip2 data",
    b"\xfd7zXZ\x00": "xz data",
    b"\x28\xb5\x2f\xfd": "zstd data",
    b"7z\xbc\xaf\x27\x1c": "a 7-Zip archive",
    b"\x7fELF": "an ELF executable",
    b"SQLite format 3\x00": "an SQLite database",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1": "an OLE2 file (old Microsoft Office)",
    b"wOFF": "a WOFF font",
    b"wOF2": "a WOFF2 font",
}
# What to do about a kind that is text in disguise.
HINTS = {"gzip data": "; name the file .gz to have it decompressed"}
# C0 control bytes that text does not hold (tab, LF, VT, FF, CR are text; ESC starts a terminal colour code).
_CONTROL = bytes([*range(0x00, 0x09), *range(0x0E, 0x1B), *range(0x1C, 0x20)])
# Over this share of NUL and control bytes a file is binary: random or compressed data has about 10%
# (26 of 256 byte values), a text with stray NULs from a dump about 0.1%.
MAX_CONTROL_SHARE = 0.01
_WIDE = frozenset({"utf_16", "utf_16_le", "utf_16_be", "utf_32", "utf_32_le", "utf_32_be"})


def signature(data: bytes) -> str | None:
    """The binary format `data` starts with ("a PNG image"), or None."""
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "a WebP image"
    return next((name for magic, name in SIGNATURES.items() if data.startswith(magic)), None)


def wide(data: bytes) -> tuple[str, str] | None:
    """Text and encoding of BOM-less UTF-16/32 (its NULs are halves of characters), else None."""
    if data.count(0) < len(data) // 4:  # Latin, Cyrillic or Greek in UTF-16 is about half NULs, binary far fewer
        return None
    best = from_bytes(data).best()
    if best is None or best.encoding not in _WIDE:
        return None
    return str(best), best.encoding


def control_share(data: bytes) -> float:
    """The share of NUL and other control bytes in `data`."""
    return (len(data) - len(data.translate(None, _CONTROL))) / max(len(data), 1)
