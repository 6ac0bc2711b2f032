"""The configuration: every default in code (sections.py, rules.py, base.py), the user's YAML and the packaged rule
catalogue merged over it and validated (load.py)."""
from __future__ import annotations

from pipeline.config.base import CATEGORIES, CONTENT_LABELS, META_LABELS, PATTERN_SECONDS, STEP_ORDER, Section
from pipeline.config.load import build_config, builtin_catalogue, load_config
from pipeline.config.rules import Category, Rule
from pipeline.config.sections import (
    ClassifyConfig, Config, DedupConfig, JsonKeys, LimitsConfig, MetadataConfig, ModelConfig, ReadConfig, RepairConfig,
    RepetitionConfig, SegmentConfig, SourcesConfig, WriteConfig,
)

__all__ = [
    "CATEGORIES", "CONTENT_LABELS", "META_LABELS", "PATTERN_SECONDS", "STEP_ORDER", "Category", "ClassifyConfig", "Config", "DedupConfig",
    "JsonKeys", "LimitsConfig", "MetadataConfig", "ModelConfig", "ReadConfig", "RepairConfig", "RepetitionConfig", "Rule",
    "Section", "SegmentConfig", "SourcesConfig", "WriteConfig", "build_config", "builtin_catalogue", "load_config",
]
