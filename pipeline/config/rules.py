"""The schema of a boilerplate rule and of a category of rules, as the catalogue and config.yaml write them."""
from __future__ import annotations

import re
from typing import Any, Literal

import regex
from pydantic import Field, PrivateAttr, ValidationInfo, field_validator, model_validator

from pipeline.config.base import PATTERN_SECONDS, Section


class Rule(Section):
    """One boilerplate rule: a kind plus its data."""

    name: str = Field(pattern=r"^[a-z0-9_]+$")
    kind: Literal["exact", "prefix", "contains", "pattern"]
    phrases: list[str] = []
    pattern: str | None = None
    max_words: int | None = Field(None, ge=1)  # longer lines never match: prose mentioning a phrase is not boilerplate
    ends_article: bool = False  # what follows this line, after the body, is boilerplate too
    # A rule of the reviewed built-in catalogue keeps the standard `re` engine; set by build_config, never by a
    # config file, and left out of the config's digest (which it does not change).
    builtin: bool = Field(False, exclude=True)
    # Seconds one search may take; user patterns run on the `regex` engine with this timeout, so a pattern that
    # backtracks catastrophically fails its document instead of hanging the run (set by build_config).
    _timeout: float = PrivateAttr(PATTERN_SECONDS)

    @model_validator(mode="before")
    @classmethod
    def _builtin_not_given(cls, data: Any, info: ValidationInfo) -> Any:
        if isinstance(data, dict) and "builtin" in data and not (info.context or {}).get("package"):
            raise ValueError("'builtin' is set by the package for its own catalogue, not by a config file")
        return data

    @field_validator("pattern")
    @classmethod
    def _pattern_compiles(cls, value: str | None) -> str | None:
        if value is None:
            return value
        try:
            compiled = re.compile(value, re.IGNORECASE)
            regex.compile(value, regex.IGNORECASE)
        except (re.error, regex.error) as exc:
            raise ValueError(f"pattern does not compile: {exc}") from None
        if compiled.search(""):
            raise ValueError("pattern matches the empty string, so it would match every line")
        return value

    @model_validator(mode="after")
    def _data_fits_kind(self) -> Rule:
        if self.kind == "pattern":
            if not self.pattern:
                raise ValueError("a 'pattern' rule needs a non-empty 'pattern'")
        elif not [p for p in self.phrases if p.strip()]:
            raise ValueError(f"a '{self.kind}' rule needs a non-empty 'phrases' list (an empty one would match everything)")
        return self


class Category(Section):
    """A boilerplate category: switchable, with rules added to (or removed from) the built-in catalogue."""

    enabled: bool = True
    rules: list[Rule] = []
    disable: list[str] = []  # names of built-in rules to switch off
