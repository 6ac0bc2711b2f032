"""The standard `re` module's own parser, opcodes, compiler and case folds (re._parser, re._constants,
re._compiler, re._casefix): modules of CPython's `re` package, not public API.

Why: the rule matcher reads a pattern's parse tree to find the literals every match must hold (a pre-filter over
all rules at once) and whether the pattern is anchored at the start; repair reads ftfy's mojibake detector the same
way to skip clean lines. Fallback: where these modules are missing (a Python that renamed them), AVAILABLE is
False, `parse` raises re.error, and every caller goes without its shortcut: the same verdicts, only slower
(tests/test_compat.py runs the matcher and repair both ways).
"""
from __future__ import annotations

import re
from typing import Any

try:
    from re import _casefix, _compiler, _constants, _parser  # type: ignore[attr-defined]

    AVAILABLE = True
except ImportError:  # pragma: no cover - exercised by monkeypatching AVAILABLE in the tests
    _casefix = _compiler = _constants = _parser = None
    AVAILABLE = False


class _NoOpcodes:
    """Stands in for re._constants when it is missing: every opcode is a new object, equal to nothing parsed."""

    def __getattr__(self, name: str) -> object:
        return object()


C: Any = _constants if _constants is not None else _NoOpcodes()
SubPattern: Any = _parser.SubPattern if _parser is not None else list


def parse(pattern: str, flags: int = 0) -> Any:
    """The parse tree of `pattern`; re.error when the parser is not available."""
    if not AVAILABLE:
        raise re.error("the re module's parser is not available")
    return _parser.parse(pattern, flags)


def compile_tree(tree: Any, flags: int) -> re.Pattern[str]:
    """A compiled pattern from a (changed) parse tree; re.error when the compiler is not available."""
    if not AVAILABLE:
        raise re.error("the re module's compiler is not available")
    return _compiler.compile(tree, flags)


def extra_cases() -> dict[int, tuple[int, ...]]:
    """Characters re.IGNORECASE folds together beyond lower-casing (s and long s, sigma and final sigma...);
    empty when unknown (then `parse` fails too, and no literal pre-filter is built)."""
    return dict(_casefix._EXTRA_CASES) if _casefix is not None else {}
