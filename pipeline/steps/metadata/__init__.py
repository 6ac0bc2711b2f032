"""Step `metadata`: the header lines labelled (title, byline, dateline), the fields read from them, then the values
the input states itself put over them."""
from __future__ import annotations

from pipeline.config import MetadataConfig
from pipeline.document import Document
from pipeline.steps.metadata.fields import fold, metadata
from pipeline.steps.metadata.header import label_header
from pipeline.steps.metadata.stated import apply_given


def extract(doc: Document, config: MetadataConfig) -> Document:
    """Labels the header among the units classify kept or removed, then fills `doc.meta` and `doc.meta_source`."""
    label_header(doc.units, config, doc.language, stated_headline(doc))
    return apply_given(metadata(doc, config), config)


def stated_headline(doc: Document) -> int | None:
    """Index of the unit holding the page's headline heading (the <h1> its <title> agrees with), for HTML inputs."""
    if doc.dom is None:
        return None
    for stated in doc.given.get("title", []):
        if stated.rule.startswith("html.h") and isinstance(stated.value, str):
            want = fold(stated.value)
            return next((i for i, u in enumerate(doc.units) if fold(u.text) == want), None)
    return None


__all__ = ["extract"]
