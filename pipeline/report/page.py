"""`pipeline report`: one self-contained HTML page of an archive, for the person tuning the rules.

The page holds counts per category and per rule, and every article's lines in input order: removed lines struck
through with their category and rule, kept paragraphs plain. The archive records each removed line's number but
not the kept paragraphs', so the input view is rebuilt by reading the input again (read, repair and segment only)
and is used only when it agrees with the archive line for line; otherwise the kept text and the removed lines are
shown apart. Scraped text is untrusted: the template escapes it, the data goes in as JSON with `<` escaped, the
script writes text with `textContent` only, and a Content-Security-Policy allows no network and no other script.
"""
from __future__ import annotations

import base64
import hashlib
import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup

from pipeline.archive.parquet import read_parquet
from pipeline.archive.shards import SHARD, read_jsonl
from pipeline.config import META_LABELS, Config
from pipeline.document import Document, Unit
from pipeline.errors import InputError, PipelineError, UsageError
from pipeline.steps.flow import LINE_STEPS, Context, run_steps
from pipeline.steps.read.inputs import records
from pipeline.steps.read.records import Record

META = frozenset(META_LABELS)  # removed from the text because they became metadata


def archive_articles(archive: Path) -> Iterator[dict[str, Any]]:
    """The archive's articles in input order, whatever its format (files, JSON Lines or Parquet shards)."""
    index = archive / "index.jsonl"
    if not index.is_file():
        raise UsageError(f"{archive} is not an archive (no index.jsonl); write one with `pipeline run`")
    shards: dict[str, Iterator[dict[str, Any]]] = {}
    for line in index.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        name = row["archive_path"]
        try:
            if SHARD.match(name):  # a shard holds its index rows' articles in the same order
                art = next(shards.setdefault(name, _shard(archive / name)))
            else:
                art = json.loads((archive / name).read_text(encoding="utf-8"))
        except (OSError, ValueError, StopIteration) as exc:
            raise InputError(name, f"cannot read the article of {row['path']}: {exc or 'shard too short'}") from None
        if art.get("id") != row["id"]:
            raise InputError(name, f"holds article {art.get('id')} where index.jsonl expects {row['id']}")
        yield art


def _shard(path: Path) -> Iterator[dict[str, Any]]:
    """The records of one shard."""
    if path.suffix == ".parquet":
        return read_parquet(path)
    return read_jsonl(path)


def run_info(archive: Path) -> dict[str, Any]:
    """The run's own record (run.jsonl), or an empty one when it is missing."""
    try:
        return json.loads((archive / "run.jsonl").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


class Sources:
    """Reads inputs again to rebuild the units each article was cut into."""

    def __init__(self, root: Path | None, config: Config) -> None:
        self.root, self.config = root, config
        self.ctx = Context(config)
        self._last: tuple[str, list[Record]] = ("", [])  # exports hold many articles in a row: read each once

    def units(self, source: dict[str, Any]) -> list[Unit] | None:
        """The units of the input `source` names, or None when it is gone or its bytes changed."""
        record = self._record(source["path"], source.get("record"))
        if record is None or hashlib.sha256(record.raw).hexdigest() != source["sha256"]:
            return None
        doc = Document(path=source["path"], raw=record.raw, text=record.text, encoding=record.encoding)
        try:
            doc = run_steps(doc, self.ctx, [step for step in self.config.steps if step in LINE_STEPS])
        except PipelineError:
            return None
        return doc.units

    def _record(self, path: str, number: int | None) -> Record | None:
        """The record of the input at `path` (`number` for exports), or None."""
        if self.root is None:
            return None
        if self._last[0] != path:
            try:
                self._last = (path, records(path, (self.root / path).read_bytes(), self.config))
            except (OSError, PipelineError):
                self._last = (path, [])
        return next((r for r in self._last[1] if r.number == number and r.error is None), None)


def lines_view(art: dict[str, Any], units: list[Unit] | None) -> list[list[Any]] | None:
    """`[first line, last line, status, text, label, rule]` per unit when `units` agree with the article, else None.

    status is `k` (kept; label is the paragraph type), `m` (became metadata) or `r` (removed)."""
    if units is None:
        return None
    removed = {r["line"]: r for r in art["removed"]}
    kept = iter(art["paragraphs"])
    out: list[list[Any]] = []
    for unit in units:
        span = [unit.line, unit.line + unit.nlines - 1]
        gone = removed.pop(unit.line, None)
        if gone is not None:
            if gone["text"] != unit.text:
                return None
            out.append([*span, "m" if gone["category"] in META else "r", unit.text, gone["category"], gone["rule"]])
            continue
        para = next(kept, None)
        if para is None or para["text"] != unit.text:
            return None
        out.append([*span, "k", unit.text, para["type"], ""])
    return out if not removed and next(kept, None) is None else None


def apart_view(art: dict[str, Any]) -> list[list[Any]]:
    """The kept paragraphs, then the removed lines by number: the view when the input cannot be read again."""
    kept = [[None, None, "k", p["text"], p["type"], ""] for p in art["paragraphs"]]
    gone = [[r["line"], r["line"], "m" if r["category"] in META else "r", r["text"], r["category"], r["rule"]]
            for r in sorted(art["removed"], key=lambda r: r["line"])]
    return kept + gone


@dataclass
class Summary:
    """What the page counts: removals per category and rule, articles, how many got the input view."""

    articles: int = 0
    exact: int = 0  # articles shown line by line in input order
    lines: Counter[str] = field(default_factory=Counter)  # removed lines per category
    articles_by_category: Counter[str] = field(default_factory=Counter)
    rule_lines: Counter[str] = field(default_factory=Counter)
    rule_articles: Counter[str] = field(default_factory=Counter)
    rule_category: dict[str, str] = field(default_factory=dict)

    def add(self, art: dict[str, Any], exact: bool) -> None:
        """Counts one article."""
        self.articles += 1
        self.exact += exact
        by_category = category_counts(art)  # present even when the audit trail is off
        self.lines.update(by_category)
        self.articles_by_category.update(c for c, n in by_category.items() if n)
        rules = Counter(r["rule"] for r in art["removed"])
        self.rule_lines.update(rules)
        self.rule_articles.update(rules.keys())
        self.rule_category.update((r["rule"], r["category"]) for r in art["removed"])

    def categories(self) -> list[tuple[str, int, int]]:
        """(category, lines, articles), most lines first."""
        return [(c, n, self.articles_by_category[c]) for c, n in self.lines.most_common()]

    def rules(self) -> list[tuple[str, str, int, int]]:
        """(rule, category, lines, articles), most lines first."""
        return [(r, self.rule_category[r], n, self.rule_articles[r]) for r, n in self.rule_lines.most_common()]


def category_counts(art: dict[str, Any]) -> dict[str, int]:
    """An article's removed lines per category, as a dict."""
    return {item["category"]: item["count"] for item in art["stats"]["removed_by_category"]}


def entry(art: dict[str, Any], view: list[list[Any]], exact: bool) -> dict[str, Any]:
    """One article as the page's script reads it."""
    record = art["source"].get("record")
    return {
        "id": art["id"], "path": art["source"]["path"] + (f" #{record}" if record is not None else ""),
        "title": art["title"], "url": art.get("url"), "words": art["stats"]["words"], "dup": art.get("duplicate_of"),
        "cats": category_counts(art), "rules": sorted({r["rule"] for r in art["removed"]}),
        "exact": exact, "lines": view,
    }


def entries(archive: Path, config: Config, summary: Summary, input_dir: Path | None = None) -> Iterator[dict[str, Any]]:
    """The page entry of every article of `archive`, counted into `summary`; inputs are read again from
    `input_dir` (default: the run's input folder, as run.jsonl records it)."""
    recorded = run_info(archive).get("input")
    root = input_dir or (Path(recorded) if recorded else None)
    sources = Sources(root if root is not None and root.is_dir() else None, config)
    for art in archive_articles(archive):
        view = lines_view(art, sources.units(art["source"]))
        summary.add(art, view is not None)
        yield entry(art, view if view is not None else apart_view(art), view is not None)


def collect(archive: Path, config: Config, input_dir: Path | None = None) -> tuple[Summary, list[dict[str, Any]]]:
    """The counts and every page entry of `archive`."""
    summary = Summary()
    return summary, list(entries(archive, config, summary, input_dir))


def _asset(name: str) -> str:
    """A file shipped in pipeline/templates."""
    return resources.files("pipeline.report").joinpath("templates", name).read_text(encoding="utf-8")


_DATA = "<articles-json>"  # where the articles' JSON goes: autoescape turns any such text of the data into &lt;...


def render(archive: Path, summary: Summary, run: dict[str, Any]) -> tuple[str, str]:
    """The HTML page around the articles' JSON array: the part before it and the part after."""
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    script = _asset("report.js")
    script_hash = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    page = env.from_string(_asset("report.html")).render(
        archive=str(archive), run=run, summary=summary, articles=Markup(_DATA),
        style=Markup(_asset("report.css")), script=Markup(script), script_hash=script_hash)  # our own files, as is
    head, tail = page.split(_DATA)
    return head, tail


def as_json(entry: dict[str, Any]) -> str:
    """An entry as JSON that is safe inside a <script> element: `<`, `>`, `&` and `'` are \\u escapes, so no
    text can close the element or open a comment."""
    return str(htmlsafe_json_dumps(entry, ensure_ascii=False, separators=(",", ":")))


def write_report(archive: str | Path, output: str | Path, config: Config, input_dir: str | Path | None = None) -> Summary:
    """Writes the report page of `archive` to `output`; returns what it counted."""
    archive = Path(archive)
    if not archive.is_dir():
        raise UsageError(f"archive folder not found: {archive}")
    summary = Summary()
    # UTF-8 JSON, not dicts, is kept until the counts at the top of the page are known: a fraction of the memory
    data = [as_json(e).encode("utf-8") for e in entries(archive, config, summary, Path(input_dir) if input_dir else None)]
    head, tail = render(archive, summary, run_info(archive))
    try:
        with open(output, "wb") as fh:
            fh.write(head.encode("utf-8") + b"[")
            for number, chunk in enumerate(data):
                fh.write(b",\n" + chunk if number else chunk)
            fh.write(b"]" + tail.encode("utf-8"))
    except OSError as exc:
        raise UsageError(f"cannot write {output}: {exc.strerror or exc}") from None
    return summary


__all__ = ["Summary", "archive_articles", "collect", "entries", "lines_view", "render", "write_report"]
