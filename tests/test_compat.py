"""Every private API the package leans on has a fallback that gives the same results: without re's parser (no rule
pre-filter, no anchoring shortcut, no repair gate), without ftfy's tables, without py3langid's layout, without
lightgbm.basic's C call, without lleaves' compiled forests."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import ftfy
import numpy as np
import pytest
import yaml
from py3langid import langid

from pipeline.compat import ftfy_internals, langid_internals, lightgbm_direct, lleaves_native, re_internals
from pipeline.config import RepairConfig, load_config
from pipeline.document import Document
from pipeline.steps.classify.analysis import analyse
from pipeline.steps.classify.line_model.predict import LineModel
from pipeline.steps.classify.line_model.rows import STACK_SEPARATOR, feature_rows
from pipeline.steps.flow import LINE_STEPS, STEPS, Context
from pipeline.steps.classify import language
from pipeline.steps.classify.rules import Matcher
from pipeline.steps.classify.rules.literals import required
from pipeline.steps.repair import fix_text, fixer_config, mojibake_chars, trigger_re
from pipeline.steps.text import words

REPO = Path(__file__).resolve().parent.parent
CASES = yaml.safe_load((REPO / "tests" / "data" / "rule_cases.yaml").read_text(encoding="utf-8"))
LINES = sorted({line.strip() for path in (REPO / "seeds").glob("*.txt")
                for line in path.read_text(encoding="utf-8").splitlines() if line.strip()}
               | {case["text"] for cases in CASES.values() for case in cases})
MOJIBAKE = ["CafÃ© au lait â€” â€œquotedâ€\x9d", "plain ascii line", "ï¬\x81ne ligature and ＦＵＬＬ width", "naÃ¯ve\r\nrÃ©sumÃ©"]


def _verdicts(matcher: Matcher) -> list[tuple[str, str] | None]:
    """The (category, rule) each line matches, or None."""
    found = [matcher.match(line, len(words(line))) for line in LINES]
    return [(m.category, m.rule) if m else None for m in found]


def test_matcher_without_re_internals_gives_the_same_verdicts(monkeypatch: pytest.MonkeyPatch) -> None:
    """No parser: no literal pre-filter and no anchored shortcuts, the same match on every line."""
    categories = load_config(None).classify.categories
    fast = _verdicts(Matcher(categories))
    monkeypatch.setattr(re_internals, "AVAILABLE", False)
    assert required(r"\bsubscribe to our newsletter") is None
    assert _verdicts(Matcher(categories)) == fast
    assert any(fast)


@pytest.mark.parametrize("missing", ["re", "ftfy"])
def test_repair_without_its_gate_is_exactly_ftfy(monkeypatch: pytest.MonkeyPatch, missing: str) -> None:
    """Without re's parser or ftfy's detector there is no gate: ftfy sees the whole text, with the same output."""
    config = RepairConfig(fix_latin_ligatures=True, fix_character_width=True)
    assert trigger_re(config) is not None
    if missing == "re":
        monkeypatch.setattr(re_internals, "AVAILABLE", False)
    else:
        monkeypatch.setattr(ftfy_internals, "BADNESS_RE", None)
    mojibake_chars.cache_clear()
    trigger_re.cache_clear()
    try:
        assert trigger_re(config) is None
        for text in MOJIBAKE:
            assert fix_text(text, config) == ftfy.fix_text(text, fixer_config(config))
    finally:
        mojibake_chars.cache_clear()
        trigger_re.cache_clear()


def test_char_table_of_another_shape_is_no_table(monkeypatch: pytest.MonkeyPatch) -> None:
    """A chardata table that is gone or of another type gives None, never a wrong set."""
    assert ftfy_internals.char_table("LIGATURES")
    assert ftfy_internals.char_table("NO_SUCH_TABLE") is None
    monkeypatch.setattr(ftfy_internals, "chardata", None)
    assert ftfy_internals.char_table("LIGATURES") is None


def test_language_without_the_fast_walk_is_py3langid(monkeypatch: pytest.MonkeyPatch) -> None:
    """A py3langid whose tables FastIdentifier cannot read: its own identifier, with the same answers."""
    texts = [line for line in LINES if len(line) > 40][:30]
    fast = [language.identify_language(text)[0] for text in texts]

    def unreadable(*args: object, **kwargs: object) -> None:
        raise AttributeError("another layout")

    monkeypatch.setattr(langid_internals.FastIdentifier, "from_model_file", unreadable)
    language._identifier.cache_clear()
    try:
        assert type(language._identifier()) is langid.LanguageIdentifier
        assert [language.identify_language(text)[0] for text in texts] == fast
    finally:
        language._identifier.cache_clear()


LEAN_FALLBACK = """
import importlib.util, sys
spec = importlib.util.spec_from_file_location("lean", sys.argv[1])
lean = importlib.util.module_from_spec(spec)
spec.loader.exec_module(lean)
lean.LIGHTGBM_EXTRAS = ("numpy",) + lean.LIGHTGBM_EXTRAS  # one it cannot import without
lean.import_lightgbm()
import lightgbm
print(hasattr(lightgbm, "Booster"), "numpy" in sys.modules)
"""


def test_lightgbm_that_needs_a_hidden_module_imports_as_usual() -> None:
    """The lean import falls back to a plain one when LightGBM cannot import without a module it hides."""
    path = REPO / "pipeline" / "compat" / "lightgbm_lean.py"
    done = subprocess.run([sys.executable, "-c", LEAN_FALLBACK, str(path)], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["True", "True"]


def _model_rows() -> tuple[list, list]:
    """The shipped boosters (both stages, text and HTML models) and feature matrices for them: seed pages' rows."""
    ctx = Context(load_config(None))
    boosters = [b for model in (ctx.model, ctx.html_model) if model is not None for b in model.boosters]
    rng = np.random.default_rng(7)
    rows = []
    for path in sorted((REPO / "seeds").glob("*.txt"))[:6]:
        doc = Document(path=path.name, raw=path.read_bytes())
        for step in LINE_STEPS:
            doc = STEPS[step](doc, ctx)
        base = feature_rows(doc.units, analyse(doc, ctx.config.classify, ctx.matcher))
        rows.append(base)
    mats = [[np.hstack([r, rng.random((len(r), b.num_feature() - r.shape[1]))])[:, :b.num_feature()] for r in rows]
            + [rng.normal(size=(40, b.num_feature())), np.zeros((0, b.num_feature()))] for b in boosters]
    return boosters, mats


def test_lightgbm_direct_predictions_are_booster_predict() -> None:
    """The direct C call is taken for the shipped models and gives Booster.predict's values, bit for bit."""
    boosters, mats = _model_rows()
    assert len(boosters) >= 2
    for booster, rows in zip(boosters, mats):
        predict = lightgbm_direct.predictor(booster)
        assert predict.__name__ == "fast"
        for m in rows:
            expected = booster.predict(m, num_threads=1) if len(m) else np.zeros(0)
            assert np.array_equal(predict(m), expected)


def test_lightgbm_direct_falls_back_to_booster_predict(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without lightgbm.basic's internals, or when the set-up check disagrees, Booster.predict is called."""
    boosters, mats = _model_rows()
    booster, rows = boosters[0], mats[0][0]
    monkeypatch.delattr(booster, "_Booster__num_class")  # an internal the direct call reads and predict does not
    predict = lightgbm_direct.predictor(booster)
    assert predict.__name__ == "slow" and np.array_equal(predict(rows), booster.predict(rows, num_threads=1))
    monkeypatch.undo()
    for wrong in (lambda m: np.zeros(len(m)), lambda m: 1 / 0):  # a direct call that disagrees, or fails
        monkeypatch.setattr(lightgbm_direct, "_direct", lambda b, wrong=wrong: wrong)
        predict = lightgbm_direct.predictor(booster)
        assert predict.__name__ == "slow" and np.array_equal(predict(rows), booster.predict(rows, num_threads=1))


def _tiny_model(seed: int) -> str:
    """A LightGBM model of a few trees on random rows, as text: fast to compile."""
    import lightgbm

    rng = np.random.default_rng(seed)
    x = rng.normal(size=(300, 5))
    data = lightgbm.Dataset(x, (x[:, 0] + rng.normal(size=300) > 0).astype(int))
    params = {"objective": "binary", "num_leaves": 7, "verbose": -1, "seed": seed}
    return lightgbm.train(params, data, num_boost_round=6).model_to_string()


def test_compiled_forests_give_booster_predictions() -> None:
    """The shipped models (both stages, text and HTML) are compiled, give Booster.predict's probabilities to 1e-12
    and the same keep decisions at the thresholds, on seed rows, random rows and no rows."""
    pytest.importorskip("lleaves", reason="the native extra (make installs it) compiles the forests")
    ctx = Context(load_config(None))
    models = [m for m in (ctx.model, ctx.html_model) if m is not None]
    boosters, mats = _model_rows()
    parts = [part for model in models for part in model.model_text.split(STACK_SEPARATOR)]
    thresholds = [model.threshold for model in models for _ in model.boosters]
    assert len(parts) == len(boosters) >= 2
    for part, booster, rows, threshold in zip(parts, boosters, mats, thresholds):
        predict = lleaves_native.compiled(part, booster)
        assert predict is not None
        for m in rows:
            got, expected = predict(m), booster.predict(m, num_threads=1) if len(m) else np.zeros(0)
            assert np.allclose(got, expected, rtol=0, atol=lleaves_native.TOLERANCE)
            assert np.array_equal(got >= threshold, expected >= threshold)


def test_compiled_forest_is_cached_by_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A model is compiled once into the cache folder and loaded from it after; another model gets its own file."""
    pytest.importorskip("lleaves", reason="the native extra (make installs it) compiles the forests")
    import lightgbm

    monkeypatch.setenv("PIPELINE_CACHE_DIR", str(tmp_path))
    text = _tiny_model(1)
    booster, rows = lightgbm.Booster(model_str=text), np.random.default_rng(2).normal(size=(50, 5))
    first = lleaves_native.compiled(text, booster)
    files = sorted((tmp_path / "lleaves").glob("*.o"))
    assert first is not None and len(files) == 1
    stamp = files[0].stat().st_mtime_ns
    again = lleaves_native.compiled(text, booster)
    assert again is not None and files[0].stat().st_mtime_ns == stamp
    assert np.array_equal(again(rows), first(rows))
    other = _tiny_model(3)
    assert lleaves_native.compiled(other, lightgbm.Booster(model_str=other)) is not None
    assert len(list((tmp_path / "lleaves").glob("*.o"))) == 2 and not list((tmp_path / "lleaves").glob("*.tmp"))


@pytest.mark.parametrize("failure", ["not installed", "cache not writable", "disagrees", "fails"])
def test_line_model_without_compiled_forest_is_lightgbm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        failure: str) -> None:
    """Without lleaves, without a cache folder, or when the compiled forest disagrees or fails at the set-up check, the
    line model predicts by LightGBM's C call (lightgbm_direct), with the same values as Booster.predict."""
    import lightgbm

    monkeypatch.setenv("PIPELINE_CACHE_DIR", str(tmp_path))
    if failure == "not installed":
        monkeypatch.setitem(sys.modules, "lleaves", None)
    elif failure == "cache not writable":
        (tmp_path / "file").write_text("")
        monkeypatch.setenv("PIPELINE_CACHE_DIR", str(tmp_path / "file"))
    else:
        wrong = (lambda m: np.zeros(len(m))) if failure == "disagrees" else (lambda m: 1 / 0)
        monkeypatch.setattr(lleaves_native, "_caller", lambda model: wrong)
    text = _tiny_model(4)
    model, rows = LineModel(text, 0.5), np.random.default_rng(5).normal(size=(50, 5))
    assert [f.__module__ for f in model.predict] == ["pipeline.compat.lightgbm_direct"]
    assert np.array_equal(model.predict[0](rows), lightgbm.Booster(model_str=text).predict(rows, num_threads=1))
