"""Step `read`: bytes to text, recording the encoding that was used."""
from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

from pipeline.config import ReadConfig
from pipeline.document import Document
from pipeline.errors import BinaryInputError, InputError
from pipeline.steps.read.binary import HINTS, MAX_CONTROL_SHARE, control_share, signature, wide

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def decode(data: bytes, config: ReadConfig) -> tuple[str, str]:
    """Returns (text, encoding name): BOM first, then strict UTF-8, then a charset detector, then the fallback.

    Raises BinaryInputError (without a path) for bytes that are no text; stray NUL bytes are dropped."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            text = data.decode(name, errors="replace")
            if text.count("\ufffd") <= len(text) // 100:  # a file cut mid-character or a stray byte: keep the text
                return text, name
            break  # too broken to be that encoding after all: read it as if there were no BOM
    kind = signature(data)
    if kind:
        raise BinaryInputError("", f"binary content: {kind}; not a text file{HINTS.get(kind, '')}", kind)
    if b"\x00" in data:
        return _with_nuls(data, config)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if config.detect:
        detected = _detect(data, config.fallback_encoding)
        if detected is not None:
            return detected
    return data.decode(config.fallback_encoding, errors="replace"), config.fallback_encoding


def _with_nuls(data: bytes, config: ReadConfig) -> tuple[str, str]:
    """Bytes holding NULs: UTF-16/32 without a BOM, or a text with a few stray NULs (dropped), else binary."""
    found = wide(data)
    if found is not None:
        return found
    share = control_share(data)
    if share > MAX_CONTROL_SHARE:
        raise BinaryInputError("", f"binary content: {share:.1%} NUL and control bytes (text has at most "
                                   f"{MAX_CONTROL_SHARE:.0%}); not a text file")
    data = data.replace(b"\x00", b"")  # the article's source.nul_bytes says how many
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    detected = _detect(data, config.fallback_encoding)
    if detected is None:
        raise BinaryInputError("", "binary content: NUL bytes, and the rest is no text in any encoding; not a text file")
    return detected


def _detect(data: bytes, fallback: str) -> tuple[str, str] | None:
    """The detector's pick; on a tie the fallback wins (short Western text often ties cp1250 with cp1252)."""
    matches = from_bytes(data)
    best = matches.best()
    if best is None or not best.encoding:
        return None
    wanted = codecs.lookup(fallback).name
    for match in matches:
        if match.chaos <= best.chaos and any(_codec_name(n) == wanted for n in match.could_be_from_charset):
            return data.decode(fallback), fallback
    return str(best), best.encoding


def _codec_name(name: str) -> str:
    """Python's canonical name of a codec, so 'latin_1' and 'latin-1' compare equal."""
    try:
        return codecs.lookup(name).name
    except LookupError:
        return name


def normalise_newlines(text: str) -> str:
    """CRLF and lone CR become LF."""
    if "\r" not in text:  # most files: one scan for the character instead of two failed replaces
        return text
    text = text.replace("\r\n", "\n")
    return text.replace("\r", "\n") if "\r" in text else text


def read(doc: Document, config: ReadConfig) -> Document:
    """Decodes `doc.raw` into `doc.text`, unless an input reader already gave the text (Markdown, HTML, records)."""
    if doc.encoding:
        text, encoding = doc.text, doc.encoding
    else:
        try:
            text, encoding = decode(doc.raw, config)
        except BinaryInputError as exc:
            raise BinaryInputError(doc.path, exc.reason, exc.kind) from None
        except (ValueError, UnicodeDecodeError, LookupError) as exc:
            raise InputError(doc.path, str(exc)) from None
    if not text.strip():
        raise InputError(doc.path, ("blank: no text once the markup is removed" if doc.encoding else
                                    "blank: the file holds only whitespace") if doc.raw else "empty file")
    doc.text = normalise_newlines(text)
    doc.encoding = encoding
    return doc
