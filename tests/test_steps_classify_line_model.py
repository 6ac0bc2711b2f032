"""The line model: its features line up with the model, it can be switched off, and it survives pickling."""
from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from pipeline import clean_text, load_config, run
from pipeline.steps.classify.analysis import Analysis, Facts, analyse
from pipeline.steps.classify.passes import ISLAND_RULE, _drop_box_mates, _drop_islands, _model_keep
from pipeline.config import build_config
from pipeline.document import Document, Unit
from pipeline.errors import ConfigError
import numpy as np

from pipeline.steps.classify.line_model.predict import LineModel, load_model

from pipeline.steps.classify.line_model.rows import FEATURES, STACK_FEATURES, STACK_SEPARATOR, feature_rows, stack_rows
from pipeline.steps.flow import STEPS, Context
from pipeline.steps.classify.rules import Match

from conftest import GOLD, SEEDS, SEED_IDS, norm, read_json


@pytest.fixture(scope="module")
def rules_only_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds cleaned with the model switched off."""
    out = tmp_path_factory.mktemp("rules_only")
    run(SEEDS, out, build_config({"classify": {"model": {"enabled": False}}}), workers=1)
    return out


@pytest.mark.parametrize("seed", SEED_IDS)
def test_rules_only_path_keeps_the_seeds_exact(rules_only_archive: Path, seed: str) -> None:
    """Without the model the body of every seed is still exactly the gold body."""
    art, gold = read_json(rules_only_archive / f"{seed}.json"), read_json(GOLD / f"{seed}.json")
    assert [norm(p["text"]) for p in art["paragraphs"]] == [norm(b) for b in gold["body"]]


def test_features_match_the_shipped_model() -> None:
    """Every row has one value per feature name, and the packaged model expects exactly those."""
    ctx = Context(load_config(None))
    doc = Document(path="s.txt", raw=(SEEDS / f"{SEED_IDS[0]}.txt").read_bytes())
    for step in ("read", "repair", "segment"):
        doc = STEPS[step](doc, ctx)
    rows = feature_rows(doc.units, analyse(doc, ctx.config.classify, ctx.matcher))
    assert {len(r) for r in rows} == {len(FEATURES)}
    assert ctx.model is not None and ctx.model.booster.num_feature() == len(FEATURES)
    stacked = stack_rows(np.asarray(rows), np.linspace(0, 1, len(rows)))
    assert stacked.shape == (len(rows), len(STACK_FEATURES))
    assert [b.num_feature() for b in ctx.model.boosters] == [len(FEATURES), len(STACK_FEATURES)]


def _doc(probs: list[float], chars: list[int]) -> np.ndarray:
    """Second-stage rows of a made-up document with these first-stage probabilities and line lengths."""
    base = np.zeros((len(probs), len(FEATURES)))
    base[:, FEATURES.index("log_chars")] = np.log1p(chars)
    return stack_rows(base, np.asarray(probs, dtype=float))


def _col(rows: np.ndarray, name: str) -> list[float]:
    """One second-stage feature of every unit."""
    return rows[:, STACK_FEATURES.index(name)].tolist()


@pytest.mark.parametrize(("probs", "chars", "name", "expected"), [
    ([0.9, 0.2, 0.8], [100, 10, 100], "p_prev1", [-1.0, 0.9, 0.2]),
    ([0.9, 0.2, 0.8], [100, 10, 100], "p_next1", [0.2, 0.8, -1.0]),
    ([0.9, 0.9, 0.1, 0.9], [100, 100, 10, 50], "run_len", [2.0, 2.0, -1.0, 1.0]),
    ([0.1, 0.9, 0.9, 0.1, 0.1], [10, 300, 300, 20, 20], "in_main", [0.0, 1.0, 1.0, 0.0, 0.0]),
    ([0.1, 0.9, 0.9, 0.1, 0.1], [10, 300, 300, 20, 20], "main_distance", [-1.0, 0.0, 0.0, 1.0, 2.0]),
    ([0.1, 0.9, 0.9, 0.1, 0.1], [10, 300, 300, 20, 20], "doc_runs", [1.0] * 5),
    ([0.5], [40], "p_window2", [-1.0]),
])
def test_stack_rows(probs: list[float], chars: list[int], name: str, expected: list[float]) -> None:
    """The second stage sees neighbours' probabilities, runs of kept units and the main block."""
    assert _col(_doc(probs, chars), name) == pytest.approx(expected)


def test_single_stage_model_file_still_loads() -> None:
    """A model file without a second stage predicts with its first stage alone."""
    shipped = load_model(0.5)
    assert shipped is not None and STACK_SEPARATOR in shipped.model_text
    first = LineModel(shipped.model_text.split(STACK_SEPARATOR)[0], 0.5)
    assert len(first.boosters) == 1 and first.booster.num_feature() == len(FEATURES)


def test_model_pickles_without_its_booster() -> None:
    """Workers receive the model text, never a live booster (OpenMP state must not cross a fork)."""
    model = load_model(0.5)
    assert model is not None
    _ = model.booster
    clone = pickle.loads(pickle.dumps(model))
    assert clone._boosters is None and clone.model_text == model.model_text


def test_missing_model_file_is_a_config_error(tmp_path: Path) -> None:
    """A model path that does not exist is reported at its config location."""
    config = build_config({"classify": {"model": {"path": str(tmp_path / "nope.txt")}}})
    with pytest.raises(ConfigError) as info:
        Context(config)
    assert info.value.problems[0][0] == "classify -> model -> path"


def test_rule_matches_are_always_removed() -> None:
    """A line a rule names is removed even in the middle of the article, with that rule."""
    body = "The council approved the new budget on Monday after a long debate about school funding and roads."
    art = clean_text(f"{body}\n\nAdvertisement\n\n{body.replace('Monday', 'Tuesday')}\n")
    assert [(r["category"], r["rule"]) for r in art["removed"]] == [("ad", "ad.label")]


AD = Match("ad", "ad.funding_nag", False)
MARKER = Match("related", "related.header", True)
# (block of each unit, its rule match or None, model keeps it) -> which units stay
BOXES = [
    ("nag box", [0, 0, 1, 1, 1], [None, None, None, AD, AD], [True, True, True, False, False], [True, True, False, False, False]),
    ("one ad in prose", [0, 0, 0, 0], [None, AD, None, None], [True, False, True, True], [True, False, True, True]),
    ("a whole text as one block", [0] * 8, [AD] * 4 + [None] * 4, [False] * 4 + [True] * 4, [False] * 4 + [True] * 4),
    ("end-of-article marker", [0, 1, 1], [None, MARKER, None], [True, False, True], [True, False, True]),
    ("line alone", [0, 1], [None, None], [True, True], [True, True]),
]


@pytest.mark.parametrize(("blocks", "matches", "keep", "expected"), [b[1:] for b in BOXES], ids=[b[0] for b in BOXES])
def test_lines_of_a_rule_matched_box_go_with_it(blocks: list[int], matches: list[Match | None], keep: list[bool],
                                                expected: list[bool]) -> None:
    """A line in a small block whose lines mostly match rules is part of that box; prose around one match is not."""
    units = [Unit(line=i + 1, text=f"line {i}", block=b) for i, b in enumerate(blocks)]
    facts = [Facts(words=2, chars=6, cls="short", match=m, repeated=False) for m in matches]
    assert _drop_box_mates(units, facts, keep) == expected


SHORT, PROSE = (2, 12, "short"), (40, 240, "good")
# (words, chars and class of each unit; rule match of each or None; model keeps it) -> which units stay
ISLANDS = [
    ("a short line kept between removed ones goes", [PROSE, SHORT, PROSE], [None] * 3, [False, True, False],
     [False, False, False]),
    ("beside rule matches it goes too", [PROSE, SHORT, SHORT], [None, None, AD], [False, True, True], [False, False, True]),
    ("a kept paragraph alone stays", [SHORT, PROSE, SHORT], [None] * 3, [False, True, False], [False, True, False]),
    ("a short line beside kept prose stays", [PROSE, SHORT, PROSE], [None] * 3, [True, True, False], [True, True, False]),
    ("the first and last lines are left to the header and the end", [SHORT, PROSE, SHORT], [None] * 3,
     [True, False, True], [True, False, True]),
]


@pytest.mark.parametrize(("shapes", "matches", "keep", "expected"), [c[1:] for c in ISLANDS], ids=[c[0] for c in ISLANDS])
def test_short_islands_in_boilerplate_go(shapes: list[tuple[int, int, str]], matches: list[Match | None], keep: list[bool],
                                         expected: list[bool]) -> None:
    """A short kept line with removed lines (or rule matches) on both sides is a stray, named by its own rule."""
    units = [Unit(line=i + 1, text=f"line {i}", block=i) for i in range(len(shapes))]
    facts = [Facts(words=w, chars=c, cls=cls, match=m, repeated=False) for (w, c, cls), m in zip(shapes, matches)]
    assert _drop_islands(units, facts, keep) == expected
    assert [u.rule == ISLAND_RULE for u in units] == [k and not e for k, e in zip(keep, expected)]


class _FixedModel:
    """A line model that gives each unit a set probability, whatever the features."""

    threshold = 0.5

    def __init__(self, probabilities: list[float]) -> None:
        self.fixed = probabilities

    def probabilities(self, units: list[Unit], an: Analysis, extra: object = None, groups: object = None) -> list[float]:
        return self.fixed


@pytest.mark.parametrize(("dom", "expected"), [(False, [True, False, False, False, True]), (True, [True, False, True, False, True])],
                         ids=["plain text: the island goes", "HTML: the DOM model's decision stands"])
def test_islands_are_dropped_on_plain_text_only(dom: bool, expected: list[bool]) -> None:
    """The island pass was measured on plain text; on HTML pages (DOM rows given) it is not run."""
    shapes = [PROSE, PROSE, SHORT, PROSE, PROSE]
    units = [Unit(line=i + 1, text=f"line {i}", block=i) for i in range(len(shapes))]
    facts = [Facts(words=w, chars=c, cls=cls, match=None, repeated=False) for w, c, cls in shapes]
    an = Analysis(facts=facts, revised=[f.cls for f in facts], start=0, end=len(units) - 1)
    model = _FixedModel([0.9, 0.1, 0.9, 0.1, 0.9])
    extra = np.zeros((len(units), 1)) if dom else None
    config = load_config(None).classify
    assert _model_keep(units, an, model, config, extra) == expected  # type: ignore[arg-type]
