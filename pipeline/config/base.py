"""What every config section shares: the base model that refuses unknown keys, and the names the config checks
against (labels, built-in categories, steps)."""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict

# Labels a line can get besides a boilerplate category; a category may not reuse them.
CONTENT_LABELS = ("body", "heading", "quote", "list_item")
META_LABELS = ("title", "dateline", "byline")
# The built-in boilerplate categories (config/catalogue.yaml), in the order the line model numbers them.
CATEGORIES = ("ad", "comment_prompt", "author_blurb", "related", "caption", "share", "newsletter",
              "navigation", "source_link", "page_meta", "legal", "junk")
STEP_ORDER = ("read", "repair", "segment", "classify", "metadata", "write")
# Default time one user pattern may spend on one line: a sane pattern needs microseconds, so 0.5 s only ever
# trips on catastrophic backtracking (e.g. `(a|aa)+$`).
PATTERN_SECONDS = 0.5


class Section(BaseModel):
    """Base of every config section: unknown keys are errors, not silently ignored."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)
