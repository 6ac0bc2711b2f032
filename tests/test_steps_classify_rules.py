"""Catalogue rules: lines of each boilerplate kind match their rule in several languages; prose does not."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pipeline.config import load_config
from pipeline.steps.flow import Context

CASES = Path(__file__).parent / "data" / "rule_cases.yaml"


def _cases() -> list:
    """Every case of the data file as a param with an id; a case with `xfail: reason` is a strict xfail."""
    groups = yaml.safe_load(CASES.read_text(encoding="utf-8"))
    return [pytest.param(case["text"], case["expect"], id=f"{case['expect'] or group}:{case['text'][:20]}",
                         marks=[pytest.mark.xfail(reason=case["xfail"], strict=True)] if "xfail" in case else [])
            for group, cases in groups.items() for case in cases]


@pytest.fixture(scope="module")
def ctx() -> Context:
    """The built-in catalogue."""
    return Context(load_config(None))


@pytest.mark.parametrize(("text", "expect"), _cases())
def test_rule_case(ctx: Context, text: str, expect: str | None) -> None:
    """The line is recognised by the rule it names, or by none."""
    match = ctx.matcher.match(text, len(text.split()))
    assert (match.rule if match else None) == expect
