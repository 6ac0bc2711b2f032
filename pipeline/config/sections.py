"""The config sections: every setting and its default, in code; config.yaml overrides only what it sets."""
from __future__ import annotations

import codecs
import hashlib
import json
import re
from datetime import date
from typing import Any, Literal

from pydantic import ConfigDict, Field, field_validator

from pipeline.config.base import CONTENT_LABELS, META_LABELS, PATTERN_SECONDS, STEP_ORDER, Section
from pipeline.config.rules import Category


class ReadConfig(Section):
    """How bytes become text."""

    detect: bool = True  # use charset-normalizer when the bytes are not UTF-8/UTF-16 with BOM
    fallback_encoding: str = "cp1252"  # last resort; cp1252 decodes almost any byte sequence

    @field_validator("fallback_encoding")
    @classmethod
    def _known_codec(cls, value: str) -> str:
        try:
            codecs.lookup(value)
        except LookupError:
            raise ValueError(f"unknown encoding {value!r}; use a Python codec name such as 'cp1252' or 'latin-1'") from None
        return value


class RepairConfig(Section):
    """ftfy options plus whitespace clean-up; the defaults fix mojibake and leave typography alone."""

    model_config = ConfigDict(extra="forbid", frozen=True)  # hashable, so its ftfy config is built once

    fix_encoding: bool = True  # undo mojibake (UTF-8 read as cp1252 and the like)
    unescape_html: Literal["auto", True, False] = "auto"  # &amp; -> & unless the text looks like HTML
    uncurl_quotes: bool = False  # curly quotes are the author's, keep them
    fix_line_breaks: bool = True
    fix_character_width: bool = False  # full-width forms are meaningful in CJK text
    fix_latin_ligatures: bool = False
    remove_terminal_escapes: bool = True
    normalization: Literal["NFC", "NFKC", "NFD", "NFKD"] | None = "NFC"
    plain_spaces: bool = True  # non-breaking and other odd spaces become plain spaces
    remove_control: bool = True  # control characters carry no text
    collapse_spaces: bool = True  # runs of spaces inside a line become one


class SegmentConfig(Section):
    """How lines become paragraphs."""

    unwrap: bool = True  # join hard-wrapped lines back into paragraphs
    wrap_min: int = Field(40, ge=10)  # narrowest wrap width we recognise
    wrap_max: int = Field(100, ge=20)  # widest wrap width we recognise


class RepetitionConfig(Section):
    """Lines that recur across many files of one folder are boilerplate."""

    enabled: bool = True
    min_files: int = Field(4, ge=2)  # a line must appear in at least this many files...
    min_share: float = Field(0.25, gt=0, le=1)  # ...and in this share of the folder's files
    max_words: int = Field(40, ge=1)  # long lines repeat only when a file is duplicated


class ModelConfig(Section):
    """The packaged line model; when off (or not installed) the rule-and-context passes decide alone."""

    enabled: bool = True
    # P(article) at or above which a unit is kept. Low on purpose: losing article text costs more than
    # keeping a stray line; 0.2 had the best cross-validated container F1 and recall (bench/cv_lines.py).
    threshold: float = Field(0.2, gt=0, lt=1)
    path: str | None = None  # a model file trained by bench/train_lines.py instead of the packaged one
    # HTML inputs: the HTML line model (text and DOM features, bench/train_html.py). Its best grouped-CV F1 lies higher
    # than the text model's: the DOM tells boilerplate apart more surely.
    html_threshold: float = Field(0.4, gt=0, lt=1)
    html_path: str | None = None


class ClassifyConfig(Section):
    """Boilerplate categories and the thresholds of the content scorer."""

    categories: dict[str, Category] = {}
    repetition: RepetitionConfig = RepetitionConfig()
    model: ModelConfig = ModelConfig()
    # jusText's defaults, which were tuned on news pages: below length_low chars a line is "short".
    length_low: int = Field(70, ge=1)
    length_high: int = Field(200, ge=1)
    stopwords_low: float = Field(0.30, ge=0, le=1)
    stopwords_high: float = Field(0.32, ge=0, le=1)
    max_heading_words: int = Field(20, ge=1)

    @field_validator("categories")
    @classmethod
    def _category_names(cls, value: dict[str, Category]) -> dict[str, Category]:
        for name in value:
            if name in CONTENT_LABELS or name in META_LABELS:
                raise ValueError(f"{name!r} is a content label, not a boilerplate category")
            if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
                raise ValueError(f"category name {name!r} must be lower_snake_case")
        return value


class MetadataConfig(Section):
    """How title, authors, date and language are extracted."""

    date_order: Literal["MDY", "DMY", "YMD"] = "MDY"  # for ambiguous numeric dates such as 01/02/2022
    reference_date: date | None = None  # makes "3 hours ago" resolvable; None ignores relative dates
    words_per_minute: int = Field(230, ge=1)  # adult silent reading speed for non-fiction
    language_min_chars: int = Field(40, ge=1)  # below this, language is null rather than a guess


class WriteConfig(Section):
    """How articles are written."""

    format: Literal["json", "jsonl", "parquet"] = "json"  # one file per article, or shards of many
    # A shard is closed once it holds this many bytes of JSON records: 256 MiB keeps a shard quick to copy
    # and to read whole, while a million articles (~10 KB each) still make only about forty files.
    shard_bytes: int = Field(256 * 1024 * 1024, ge=1)
    indent: int | None = Field(1, ge=0)
    keep_removed: bool = True  # the audit trail: every removed line with category and rule
    # How `text` is written: plain lines (the default), or Markdown marking headings and list items, for search
    # indexes and language models that read structure. `paragraphs` keeps the types either way.
    text_format: Literal["plain", "markdown"] = "plain"


class DedupConfig(Section):
    """Exact and near-duplicate detection across the archive: MinHash/LSH (datasketch) over word n-grams of the text."""

    enabled: bool = True
    # Estimated Jaccard similarity of two texts' n-gram sets at or above which the later is a near duplicate.
    # 0.8 catches a republished story with a changed intro or footer, not two stories on the same event.
    threshold: float = Field(0.8, gt=0, lt=1)
    num_perm: int = Field(128, ge=16, le=1024)  # MinHash size: 128 estimates a Jaccard of 0.8 within +-0.07 (2 sigma)
    shingle_words: int = Field(5, ge=1)  # words per n-gram: 5 is the usual choice for web text (long enough to be rare)


_KEY = re.compile(r"^[^.\s]+(?:\.[^.\s]+)*$")  # a key, or a dotted path into nested objects ("meta.url")


class JsonKeys(Section):
    """Keys of a JSON/JSON Lines scraper export, each a list tried in order (a dotted key looks into nested objects).

    The defaults cover the common scrapers' names; the first key a record holds wins.
    """

    text: list[str] = ["text", "content", "body", "article", "maintext", "article_text"]
    title: list[str] = ["title", "headline"]
    url: list[str] = ["url", "link", "canonical_url", "source_url", "permalink"]
    date: list[str] = ["date", "published", "published_at", "date_published", "datePublished", "pubdate", "date_publish"]
    author: list[str] = ["author", "authors", "byline", "creator"]
    records: list[str] = ["articles", "items", "data", "results", "posts", "records"]  # an object holding the list

    @field_validator("text", "title", "url", "date", "author", "records", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @field_validator("text", "title", "url", "date", "author", "records")
    @classmethod
    def _keys_well_formed(cls, value: list[str]) -> list[str]:
        if not value:
            raise ValueError("needs at least one key")
        bad = [k for k in value if not _KEY.match(k)]
        if bad:
            raise ValueError(f"not a key or a dotted path: {', '.join(repr(k) for k in bad)} (no spaces, no empty parts)")
        return value


class SourcesConfig(Section):
    """How the input kinds are read."""

    keys: JsonKeys = JsonKeys()  # record keys of JSON/JSON Lines exports and Markdown front matter
    # What a record's text is written in. Scrapers often export the article's HTML ("<p>...</p>"); `auto` reads a
    # text holding HTML block or inline tags as HTML, anything else as plain text.
    record_markup: Literal["auto", "text", "html", "markdown"] = "auto"


class LimitsConfig(Section):
    """Per-document limits: a pathological input fails on its own instead of hanging or exhausting the run."""

    # A long-read article is ~100 KB of text; 8 MiB is 80x that, and the in-memory copies of one document
    # (bytes, text, lines, units: roughly 10x its size) stay well under a gigabyte per worker.
    max_bytes: int = Field(8 * 1024 * 1024, ge=1)
    # A long article has a few hundred lines; 100,000 is a book, a log or a dump, whose per-line
    # classification would take minutes and whose result would not be an article anyway.
    max_lines: int = Field(100_000, ge=1)
    # A JSON/JSON Lines export holds many articles: the limits above then apply to each record, and the file as a
    # whole may reach this size (read whole by one worker: roughly 4x this in memory at the peak).
    max_export_bytes: int = Field(256 * 1024 * 1024, ge=1)
    # A typical article takes ~10 ms; 60 s is thousands of times that, so only a hang ever reaches it.
    # Enforced with SIGALRM, so only in the main thread of a process (the runner and its workers are).
    max_seconds: float = Field(60.0, gt=0)
    # Seconds one search of one user pattern may take on one line (see Rule._timeout).
    pattern_seconds: float = Field(PATTERN_SECONDS, gt=0)


class Config(Section):
    """The whole configuration; every default lives here."""

    input: str = "seeds"
    output: str = "archive"
    # Every kind steps.read.inputs.READERS knows, plain or gzipped; other extensions, when included, are read as plain text.
    include: list[str] = [f"**/*.{ext}{gz}" for ext in ("txt", "md", "html", "htm", "json", "jsonl") for gz in ("", ".gz")]
    exclude: list[str] = []
    steps: list[str] = list(STEP_ORDER)
    workers: int = Field(0, ge=0)  # 0 means one per core
    read: ReadConfig = ReadConfig()
    repair: RepairConfig = RepairConfig()
    segment: SegmentConfig = SegmentConfig()
    classify: ClassifyConfig = ClassifyConfig()
    metadata: MetadataConfig = MetadataConfig()
    write: WriteConfig = WriteConfig()
    dedup: DedupConfig = DedupConfig()
    sources: SourcesConfig = SourcesConfig()
    limits: LimitsConfig = LimitsConfig()

    @field_validator("steps")
    @classmethod
    def _steps_known_and_ordered(cls, value: list[str]) -> list[str]:
        unknown = [s for s in value if s not in STEP_ORDER]
        if unknown:
            raise ValueError(f"unknown step(s) {', '.join(unknown)}; valid steps: {', '.join(STEP_ORDER)}")
        for required in ("read", "segment", "write"):
            if required not in value:
                raise ValueError(f"step {required!r} cannot be left out")
        if value != sorted(value, key=STEP_ORDER.index):
            raise ValueError(f"steps must keep the data-flow order {' -> '.join(STEP_ORDER)}")
        return value

    def sha256(self) -> str:
        """Fingerprint of the effective configuration, stored in every article.

        The archive format is left out: it changes where an article is stored, not what it says.
        """
        settings = self.model_dump(mode="json", exclude={"write": {"format", "shard_bytes"}})
        blob = json.dumps(settings, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()
