"""Each encoding path of the `read` step: BOMs, strict UTF-8, detected legacy codecs, newline styles."""
from __future__ import annotations

import codecs

import pytest

from pipeline import clean_text
from pipeline.config import ReadConfig, load_config
from pipeline.document import Document
from pipeline.errors import InputError
from pipeline.steps.flow import Context, clean_bytes
from pipeline.steps.read.decode import normalise_newlines, read

FRENCH = "Le café était très réputé à Genève, où les élèves déjeunaient souvent. Ça coûte cher, dit-il.\n"
GERMAN = "Der Bär läuft über die Straße, und die Größe der Wiese ist wirklich schön.\n"
QUOTES = "He said \u201chello\u201d \u2014 it\u2019s fine, the caf\u00e9 is open\u2026\n"
POLISH = "Zażółć gęślą jaźń, powiedział człowiek w Łodzi.\n"
RUSSIAN = "Привет, как дела? Это тестовый текст на русском языке.\n"

# (label, bytes, expected text, accepted encoding names): the recorded encoding must be of the right family.
CASES = [
    ("utf-8", FRENCH.encode("utf-8"), FRENCH, {"utf-8"}),
    ("utf-8 with BOM", codecs.BOM_UTF8 + FRENCH.encode("utf-8"), FRENCH, {"utf-8-sig"}),
    ("utf-16 LE with BOM", codecs.BOM_UTF16_LE + FRENCH.encode("utf-16-le"), FRENCH, {"utf-16"}),
    ("utf-16 BE with BOM", codecs.BOM_UTF16_BE + FRENCH.encode("utf-16-be"), FRENCH, {"utf-16"}),
    ("cp1252 French", FRENCH.encode("cp1252"), FRENCH, {"cp1252"}),
    ("cp1252 typographic quotes", QUOTES.encode("cp1252"), QUOTES, {"cp1252"}),
    ("latin-1 German", GERMAN.encode("latin-1"), GERMAN, {"cp1252", "latin-1", "latin_1", "iso8859-1"}),
    ("cp1250 Polish", POLISH.encode("cp1250"), POLISH, {"cp1250", "iso8859_2"}),
    ("cp1251 Russian", RUSSIAN.encode("cp1251"), RUSSIAN, {"cp1251"}),
]


def _read(data: bytes, config: ReadConfig | None = None) -> Document:
    """The document after the read step."""
    return read(Document(path="x.txt", raw=data), config or ReadConfig())


@pytest.mark.parametrize(("label", "data", "text", "encodings"), CASES, ids=[c[0] for c in CASES])
def test_decoding(label: str, data: bytes, text: str, encodings: set[str]) -> None:
    """The text comes back exactly, and the encoding used is recorded."""
    doc = _read(data)
    assert doc.text == text
    assert doc.encoding in encodings


@pytest.mark.parametrize(("newline", "label"), [("\r\n", "CRLF"), ("\r", "lone CR"), ("\n", "LF")])
def test_newlines_become_lf(newline: str, label: str) -> None:
    """CRLF and lone CR are read as LF, also inside UTF-16."""
    source = f"First line.{newline}Second line.{newline}{newline}Third.{newline}"
    for data in (source.encode("utf-8"), codecs.BOM_UTF16_LE + source.encode("utf-16-le")):
        assert _read(data).text == "First line.\nSecond line.\n\nThird.\n"


@pytest.mark.parametrize("text", ["", "a", "a\r\nb", "a\rb", "\r\r\n\n", "a\n\r", "\r", "x\r\n\r"])
def test_normalise_newlines_is_two_replaces(text: str) -> None:
    """The fast path for text without CR changes nothing: CRLF then lone CR become LF."""
    assert normalise_newlines(text) == text.replace("\r\n", "\n").replace("\r", "\n")


def test_fallback_without_detection() -> None:
    """With detection off, undecodable UTF-8 falls back to the configured codec."""
    doc = _read(GERMAN.encode("latin-1"), ReadConfig(detect=False, fallback_encoding="latin-1"))
    assert (doc.text, doc.encoding) == (GERMAN, "latin-1")


@pytest.mark.parametrize("data", [b"\x00\x01\x02\x03binary", b"PK\x03\x04" + bytes(range(256))])
def test_binary_is_an_input_error(data: bytes) -> None:
    """NUL bytes outside UTF-16 mean a binary file: a typed error naming the file."""
    with pytest.raises(InputError, match="binary") as info:
        _read(data)
    assert info.value.path == "x.txt"


@pytest.mark.parametrize(("data", "family"), [
    (codecs.BOM_UTF16_LE + "Un article.\r\n".encode("utf-16-le"), "utf-16"),
    (GERMAN.replace("\n", "\r").encode("cp1252"), "cp1252"),
])
def test_source_encoding_in_article(data: bytes, family: str) -> None:
    """The archive record carries the encoding under `source.encoding`."""
    art = clean_bytes(data, "a.txt", Context(load_config(None)))
    assert art["source"]["encoding"] == family
    assert art["source"]["bytes"] == len(data)


def test_clean_text_is_utf8() -> None:
    """`clean_text` takes str, so its source is always UTF-8."""
    assert clean_text(FRENCH)["source"]["encoding"] == "utf-8"
