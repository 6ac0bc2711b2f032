"""The configuration: every default in code (sections.py), the user's YAML over it and the rule catalogue (load.py)."""
from __future__ import annotations

from pipeline.config.load import build_config, builtin_catalogue, load_config
from pipeline.config.sections import (
    CATEGORIES, CONTENT_LABELS, META_LABELS, PATTERN_SECONDS, STEP_ORDER, Category, ClassifyConfig, Config, DedupConfig, JsonKeys,
    LimitsConfig, MetadataConfig, ModelConfig, ReadConfig, RepairConfig, RepetitionConfig, Rule, Section, SegmentConfig,
    SourcesConfig, WriteConfig,
)

__all__ = [
    "CATEGORIES", "CONTENT_LABELS", "META_LABELS", "PATTERN_SECONDS", "STEP_ORDER", "Category", "ClassifyConfig", "Config", "DedupConfig",
    "JsonKeys", "LimitsConfig", "MetadataConfig", "ModelConfig", "ReadConfig", "RepairConfig", "RepetitionConfig", "Rule",
    "Section", "SegmentConfig", "SourcesConfig", "WriteConfig", "build_config", "builtin_catalogue", "load_config",
]
