"""Step `metadata`: the header lines labelled (title, byline, dateline), the fields read from them, then the values
the input states itself put over them."""
from __future__ import annotations

from pipeline.config import MetadataConfig
from pipeline.document import Document
from pipeline.steps.metadata.fields import metadata
from pipeline.steps.metadata.header import label_header
from pipeline.steps.metadata.stated import apply_given


def extract(doc: Document, config: MetadataConfig) -> Document:
    """Labels the header among the units classify kept or removed, then fills `doc.meta` and `doc.meta_source`."""
    label_header(doc.units, config, doc.language)
    return apply_given(metadata(doc, config), config)


__all__ = ["extract"]
