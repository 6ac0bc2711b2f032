"""An archive file's bytes, made by orjson where it can, are exactly the bytes json.dumps makes."""
from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import SEEDS
from pipeline import clean_text
from pipeline.archive.files import json_bytes


def reference(data: object, indent: int | None) -> bytes:
    """What the archive wrote before orjson: json.dumps, not ASCII-escaped, a newline at the end, UTF-8."""
    return (json.dumps(data, ensure_ascii=False, indent=indent) + "\n").encode("utf-8")


# What an article record holds (the schema has no floats): null, booleans, 64-bit integers, any text, lists, objects.
SCALARS = st.none() | st.booleans() | st.integers(-2**63, 2**64 - 1) | st.text()
RECORDS = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
                       max_leaves=30)
EDGES = ["", "\x00\x01\x08\t\n\x0c\r\x1f\x7f\u2028\u2029", '"\\/ </script>', "é 😀 \ufeff", "  leading spaces\n  after a newline",
         {}, [], {"a": {}}, [[]], {"a": [{"b": [1, {"c": "  x"}]}]}, 2**64, -2**63 - 1]


@pytest.mark.parametrize("indent", [None, 0, 1, 2, 4])
@pytest.mark.parametrize("data", EDGES + [{"edge": e, "in": [e, {"deep": [e]}]} for e in EDGES], ids=repr)
def test_edges(data: object, indent: int | None) -> None:
    """Control characters, separators, spaces after escaped newlines, empty containers, integers orjson refuses."""
    assert json_bytes(data, indent) == reference(data, indent)


@settings(max_examples=100, deadline=None)
@given(RECORDS, st.sampled_from([1, 2]))
def test_any_record(data: object, indent: int) -> None:
    """Any nesting of what a record may hold."""
    assert json_bytes(data, indent) == reference(data, indent)


@pytest.mark.parametrize("path", sorted(SEEDS.glob("*.txt"))[:6], ids=lambda p: p.stem)
def test_articles(path) -> None:
    """Real articles, at the archive's indent."""
    art = clean_text(path.read_text(encoding="utf-8"))
    assert json_bytes(art, 1) == reference(art, 1)


def test_lone_surrogate_fails_as_before() -> None:
    """orjson refuses a lone surrogate; the error is the one writing it always raised."""
    with pytest.raises(UnicodeEncodeError):
        json_bytes({"text": "a \ud800 b"}, 1)
