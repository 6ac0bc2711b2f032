"""The per-document flow: the steps, registered by the names config.yaml uses, run in order by `run_steps`."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from pipeline.config import Config
from pipeline.document import Document
from pipeline.errors import InputError
from pipeline.steps import memo
from pipeline.steps.classify import classify
from pipeline.steps.classify.line_model.predict import HTML_MODEL_FILE, LineModel, load_model
from pipeline.steps.classify.rules import Matcher
from pipeline.steps.limits import document_limits
from pipeline.steps.metadata import extract
from pipeline.steps.read import read
from pipeline.steps.read.inputs import records
from pipeline.steps.read.records import Record
from pipeline.steps.repair import repair
from pipeline.steps.segment import segment
from pipeline.steps.write import write


@dataclass
class Context:
    """What every step may need, built once per run: the config and the compiled rules."""

    config: Config
    matcher: Matcher = field(init=False)
    model: LineModel | None = field(init=False)
    html_model: LineModel | None = field(init=False)  # for HTML inputs (units with DOM context)
    config_sha256: str = field(init=False)

    def __post_init__(self) -> None:
        self.matcher = Matcher(self.config.classify.categories)
        settings = self.config.classify.model
        self.model = load_model(settings.threshold, settings.path) if settings.enabled else None
        self.html_model = load_model(settings.html_threshold, settings.html_path, HTML_MODEL_FILE) if settings.enabled else None
        self.config_sha256 = self.config.sha256()


Step = Callable[[Document, Context], Document]

STEPS: dict[str, Step] = {
    "read": lambda doc, ctx: read(doc, ctx.config.read),
    "repair": lambda doc, ctx: repair(doc, ctx.config.repair),
    "segment": lambda doc, ctx: segment(doc, ctx.config.segment),
    "classify": lambda doc, ctx: classify(doc, ctx.config.classify, ctx.matcher, ctx.model, ctx.html_model),
    "metadata": lambda doc, ctx: extract(doc, ctx.config.metadata),
    "write": lambda doc, ctx: write(doc, ctx.config, ctx.config_sha256),
}
LINE_STEPS = ("read", "repair", "segment")  # the steps that decide the units, not their verdicts


def run_steps(doc: Document, ctx: Context, steps: Iterable[str] | None = None) -> Document:
    """Runs `steps` (by default the config's) over one document, within its limits and its memo scope."""
    with document_limits(doc.raw, doc.path, ctx.config.limits), memo.document():
        for name in ctx.config.steps if steps is None else steps:
            doc = STEPS[name](doc, ctx)
    return doc


def process(doc: Document, ctx: Context) -> dict[str, Any]:
    """Runs the configured steps over one document and returns its archive record."""
    done = run_steps(doc, ctx)
    assert done.article is not None  # `write` cannot be left out of the steps (config)
    return done.article


def document(record: Record, path: str, repeated: frozenset[str] = frozenset()) -> Document:
    """The Document of one record of the input at `path`."""
    return Document(path=path, raw=record.raw, text=record.text, encoding=record.encoding, record=record.number,
                    given=record.given, repeated=repeated, dom=record.dom)


def clean_records(raw: bytes, path: str, ctx: Context, repeated: frozenset[str] = frozenset()
                  ) -> list[tuple[Record, dict[str, Any] | None, str | None]]:
    """Cleans every record of one input: (record, article or None, reason it failed or None) each, in order.

    Raises InputError when the input as a whole is unusable (not JSON, not gzip, ...)."""
    done: list[tuple[Record, dict[str, Any] | None, str | None]] = []
    for record in records(path, raw, ctx.config):
        if record.error is not None:
            done.append((record, None, record.error))
            continue
        try:
            done.append((record, process(document(record, path, repeated), ctx), None))
        except InputError as exc:
            done.append((record, None, exc.reason))
    return done


def clean_bytes(raw: bytes, path: str, ctx: Context, repeated: frozenset[str] = frozenset()) -> dict[str, Any]:
    """Cleans one input given as bytes, its kind told by the extension of `path`; raises InputError when it cannot
    be read or holds several records (see clean_records)."""
    found = records(path, raw, ctx.config)
    if len(found) != 1:
        raise InputError(path, f"holds {len(found)} records; clean them with clean_records")
    if found[0].error is not None:
        raise InputError(path, f"{found[0].location}: {found[0].error}")
    return process(document(found[0], path, repeated), ctx)
