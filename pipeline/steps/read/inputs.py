"""Input kinds: one small reader per file kind, registered by extension, turning an input's bytes into records.

A record is one article to clean. Plain text, Markdown and HTML files hold one; JSON and JSON Lines scraper
exports hold one per object. `.gz` of any kind is decompressed first. Readers turn markup into plain lines
(block elements become lines) and leave every cleaning decision to the steps, so the audit stays ours; what
the input itself states about the article (an HTML page's meta tags, a record's keys) comes along as `given`.
"""
from __future__ import annotations

import gzip
import io
import json
import re
import zlib
from collections.abc import Callable
from pathlib import PurePosixPath
from typing import Any

from pipeline.config import Config, JsonKeys
from pipeline.document import DomPage
from pipeline.errors import BinaryInputError, InputError
from pipeline.steps.limits import document_limits
from pipeline.steps.read.binary import signature
from pipeline.steps.read.decode import decode, normalise_newlines
from pipeline.steps.read.markup import front_matter, html_dom, html_page, markdown_text
from pipeline.steps.read.records import Given, Record


Reader = Callable[[bytes, str, Config], list[Record]]


def kind(rel: str) -> str:
    """The reader name of an input: its extension without `.gz`, lower-cased; unknown ones read as plain text."""
    name = PurePosixPath(rel.lower())
    if name.suffix == ".gz":
        name = name.with_suffix("")
    ext = name.suffix.lstrip(".")
    return ext if ext in READERS else "txt"


def multi(rel: str) -> bool:
    """True for kinds that hold one article per record (their archive files go in a folder named after the input)."""
    return kind(rel) in MULTI


def records(rel: str, raw: bytes, config: Config) -> list[Record]:
    """The records of one input; raises InputError when the whole input is unusable."""
    if rel.lower().endswith(".gz"):
        raw = gunzip(raw, rel, config.limits.max_export_bytes if multi(rel) else config.limits.max_bytes)
    if multi(rel):
        return READERS[kind(rel)](raw, rel, config)
    with document_limits(raw, rel, config.limits):  # a page is parsed here: bounded like its cleaning
        return READERS[kind(rel)](raw, rel, config)


def gunzip(raw: bytes, rel: str, max_bytes: int) -> bytes:
    """Decompressed bytes, refusing more than `max_bytes` (a small .gz can expand to gigabytes)."""
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(raw)) as fh:
            data = fh.read(max_bytes + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise InputError(rel, f"not a valid gzip file: {exc}") from None
    if len(data) > max_bytes:
        raise InputError(rel, f"too large once decompressed: > {max_bytes:,} bytes (limits.max_bytes, or limits.max_export_bytes "
                             "for an export); split the file or raise the limit")
    return data


def _decoded(raw: bytes, rel: str, config: Config) -> tuple[str, str]:
    """Text and encoding of a markup file; the same reasons as the `read` step when it is no text."""
    try:
        text, encoding = decode(raw, config.read)
    except BinaryInputError as exc:
        raise BinaryInputError(rel, exc.reason, exc.kind) from None
    except (ValueError, UnicodeDecodeError, LookupError) as exc:
        raise InputError(rel, str(exc)) from None
    return normalise_newlines(text), encoding


def _plain(raw: bytes, rel: str, config: Config) -> list[Record]:
    """Plain text: the `read` step decodes it."""
    return [Record(raw=raw)]


def _markdown(raw: bytes, rel: str, config: Config) -> list[Record]:
    """Markdown: front matter as given metadata, the body as plain lines."""
    text, encoding = _decoded(raw, rel, config)
    meta, body = front_matter(text)
    given = pick(meta, config.sources.keys, "markdown.front_matter") if meta else {}
    return [Record(raw=raw, text=markdown_text(body), encoding=encoding, given=given)]


# <meta charset="..."> or <meta http-equiv="Content-Type" content="text/html; charset=...">, near the top.
_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_:.-]+)""", re.IGNORECASE)
# Labels browsers read as windows-1252 (the WHATWG Encoding Standard): pages labelled Latin-1 use its extra characters.
_WHATWG = {"iso-8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252", "us-ascii": "cp1252", "ascii": "cp1252"}


def _page_decoded(raw: bytes, rel: str, config: Config) -> tuple[str, str]:
    """A page's text: valid UTF-8 (or a BOM) wins, then the charset the page declares, then detection."""
    declared = _CHARSET.search(raw[:4096])
    if declared and not raw.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        try:
            text = raw.decode("utf-8")
            if b"\x00" not in raw and signature(raw) is None:  # what decode() would return: no second decoding
                return normalise_newlines(text), "utf-8"
        except UnicodeDecodeError:
            label = declared.group(1).decode("ascii").lower()
            codec = _WHATWG.get(label, label)
            try:
                return normalise_newlines(raw.decode(codec)), codec
            except (LookupError, UnicodeDecodeError):
                pass  # an unknown or wrong label: detect as for any file
    return _decoded(raw, rel, config)


def _html(raw: bytes, rel: str, config: Config) -> list[Record]:
    """An HTML page: one line per block element; its meta tags as given metadata."""
    text, encoding = _page_decoded(raw, rel, config)
    # Strict UTF-8 with nothing changed (no NUL dropped, no CR replaced; the fallback's replacements put U+FFFD in):
    # the page's own bytes are the text's UTF-8, which the parser reads.
    same = encoding == "utf-8" and b"\x00" not in raw and b"\r" not in raw and "\ufffd" not in text
    body, given, page = html_page(text, raw if same else None)
    return [Record(raw=raw, text=body, encoding=encoding, given=given, dom=page)]


def _json(raw: bytes, rel: str, config: Config) -> list[Record]:
    """A JSON export: an array of article objects, an object holding such an array, or one article object."""
    text, encoding = _decoded(raw, rel, config)
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise InputError(rel, f"not valid JSON: {exc}") from None
    keys = config.sources.keys
    if isinstance(data, dict):
        nested = next((data[k] for k in keys.records if isinstance(data.get(k), list)), None)
        data = nested if nested is not None else [data]
    if not isinstance(data, list):
        raise InputError(rel, f"JSON holds a {type(data).__name__}; expected an array of article objects or an object")
    found = []
    for number, item in enumerate(data, start=1):
        blob = json.dumps(item, ensure_ascii=False, sort_keys=True).encode("utf-8")
        found.append(_article(item, blob, encoding, number, f"record {number}", keys, config.sources.record_markup))
    return _some(found, rel)


def _jsonl(raw: bytes, rel: str, config: Config) -> list[Record]:
    """JSON Lines: one article object per line; a broken line fails alone."""
    text, encoding = _decoded(raw, rel, config)
    found = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except ValueError as exc:
            found.append(Record(raw=line.encode("utf-8"), number=number, location=f"line {number}", error=f"not valid JSON: {exc}"))
            continue
        found.append(_article(item, line.encode("utf-8"), encoding, number, f"line {number}", config.sources.keys,
                              config.sources.record_markup))
    return _some(found, rel)


def _some(found: list[Record], rel: str) -> list[Record]:
    """`found`, unless the export holds no record at all."""
    if not found:
        raise InputError(rel, "holds no records")
    return found


def _article(item: Any, blob: bytes, encoding: str, number: int, location: str, keys: JsonKeys, markup: str) -> Record:
    """One record of an export: its text under one of the text keys, the other keys as given metadata."""
    record = Record(raw=blob, encoding=encoding, number=number, location=location)
    if not isinstance(item, dict):
        record.error = f"a {type(item).__name__}, not an article object"
        return record
    text = first(item, keys.text)
    if not isinstance(text, str) or not text.strip():
        record.error = f"no text: none of the keys {', '.join(keys.text)} holds a non-empty string (sources -> keys -> text)"
        return record
    record.text, record.dom = as_text(normalise_newlines(text), markup)
    record.given = pick(item, keys, "json")
    return record


_TAG = re.compile(r"</?(?:p|br|div|h[1-6]|li|ul|ol|blockquote|figure|figcaption|table|tr|td|span|a|strong|em|b|i|img)\b[^>]*>",
                  re.IGNORECASE)


def as_text(text: str, markup: str) -> tuple[str, DomPage | None]:
    """A record's text as plain lines, HTML and Markdown rendered like files of those kinds; HTML's DOM context."""
    if markup == "html" or (markup == "auto" and _TAG.search(text)):
        return html_dom(text)
    return (markdown_text(text) if markup == "markdown" else text), None


def first(item: dict[str, Any], names: list[str]) -> Any:
    """The value of the first of `names` that `item` holds (a dotted name looks into nested objects)."""
    for name in names:
        value: Any = item
        for part in name.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if value not in (None, "", []):
            return value
    return None


def pick(item: dict[str, Any], keys: JsonKeys, prefix: str) -> dict[str, list[Given]]:
    """Title, url, date and authors a record states, each with the key it came from, in the configured order."""
    given: dict[str, list[Given]] = {}
    for field_name, names in (("title", keys.title), ("url", keys.url), ("published", keys.date), ("authors", keys.author)):
        found = [Given(value, f"{prefix}:{name}") for name in names if (value := first(item, [name])) is not None]
        if found:
            given[field_name] = found
    return given


READERS: dict[str, Reader] = {
    "txt": _plain,
    "md": _markdown,
    "markdown": _markdown,
    "html": _html,
    "htm": _html,
    "json": _json,
    "jsonl": _jsonl,
    "ndjson": _jsonl,
}
MULTI = frozenset({"json", "jsonl", "ndjson"})
