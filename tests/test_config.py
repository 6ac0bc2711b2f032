"""Config validation: every bad config is reported with its location ("a -> b -> c") and a message that says how to fix it."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from conftest import REPO
from pipeline.config import STEP_ORDER, Config, build_config, builtin_catalogue, load_config
from pipeline.errors import ConfigError

AD_RULES = ", ".join(sorted(rule["name"] for rule in builtin_catalogue()["ad"]["rules"]))

# (case, YAML text, [(location, fragment of the message)]) - every listed problem must be reported, and no other.
BAD = [
    ("unknown top-level key", "bogus: 1\n",
     [("bogus", "unknown key 'bogus'; valid keys here: classify, dedup, exclude, include, input, limits, metadata, output, read, repair, segment, sources, steps, workers, write")]),
    ("unknown record key field", "sources:\n  keys:\n    txt: [body]\n",
     [("sources -> keys -> txt", "unknown key 'txt'; valid keys here: author, date, records, text, title, url")]),
    ("empty record key list", "sources:\n  keys:\n    text: []\n", [("sources -> keys -> text", "needs at least one key")]),
    ("malformed record keys", "sources:\n  keys:\n    url: ['a b', 'meta..url']\n    date: [3]\n",
     [("sources -> keys -> url", "not a key or a dotted path: 'a b', 'meta..url'"), ("sources -> keys -> date -> 0", "valid string")]),
    ("unknown nested key", "repair:\n  fix_encodin: true\n",
     [("repair -> fix_encodin", "unknown key 'fix_encodin'; valid keys here: collapse_spaces, fix_character_width, fix_encoding,")]),
    ("unknown key in a rule", "classify:\n  categories:\n    ad:\n      rules:\n        - {name: x, kind: exact, phrases: [a], colour: red}\n",
     [("classify -> categories -> ad -> rules -> 0 -> colour", "valid keys here: ends_article, kind, max_words, name, pattern, phrases")]),
    ("wrong type", "workers: many\n", [("workers", "valid integer")]),
    ("out of range", "classify:\n  repetition:\n    min_files: 1\n", [("classify -> repetition -> min_files", "greater than or equal to 2")]),
    ("bad choice", "metadata:\n  date_order: XYZ\n", [("metadata -> date_order", "'MDY', 'DMY' or 'YMD' (got 'XYZ')")]),
    ("bad regex", "classify:\n  categories:\n    ad:\n      rules:\n        - {name: x, kind: pattern, pattern: '(['}\n",
     [("classify -> categories -> ad -> rules -> 0 -> pattern", "pattern does not compile")]),
    ("regex matching everything", "classify:\n  categories:\n    ad:\n      rules:\n        - {name: x, kind: pattern, pattern: 'a*'}\n",
     [("classify -> categories -> ad -> rules -> 0 -> pattern", "matches the empty string")]),
    ("empty phrase list", "classify:\n  categories:\n    ad:\n      rules:\n        - {name: x, kind: contains, phrases: []}\n",
     [("classify -> categories -> ad -> rules -> 0", "needs a non-empty 'phrases' list")]),
    ("blank phrases only", "classify:\n  categories:\n    ad:\n      rules:\n        - {name: x, kind: exact, phrases: ['  ']}\n",
     [("classify -> categories -> ad -> rules -> 0", "needs a non-empty 'phrases' list")]),
    ("unknown rule kind", "classify:\n  categories:\n    ad:\n      rules:\n        - {name: x, kind: fuzzy, phrases: [a]}\n",
     [("classify -> categories -> ad -> rules -> 0 -> kind", "'exact', 'prefix', 'contains' or 'pattern' (got 'fuzzy')")]),
    ("unknown step", "steps: [read, segment, frobnicate, write]\n",
     [("steps", "unknown step(s) frobnicate; valid steps: " + ", ".join(STEP_ORDER))]),
    ("steps out of order", "steps: [read, segment, repair, write]\n",
     [("steps", "steps must keep the data-flow order read -> repair -> segment")]),
    ("required step left out", "steps: [read, repair, segment]\n", [("steps", "step 'write' cannot be left out")]),
    ("content label as category", "classify:\n  categories:\n    body: {enabled: false}\n",
     [("classify -> categories", "'body' is a content label, not a boilerplate category")]),
    ("unknown codec", "read:\n  fallback_encoding: klingon\n", [("read -> fallback_encoding", "unknown encoding 'klingon'")]),
    ("disable unknown built-in rule", "classify:\n  categories:\n    ad:\n      disable: [label, nope]\n",
     [("classify -> categories -> ad -> disable -> 1", f"no built-in rule 'nope'; valid names: {AD_RULES}")]),
    ("disable in a new category", "classify:\n  categories:\n    mine:\n      disable: [x]\n",
     [("classify -> categories -> mine -> disable -> 0", "(none: this category has no built-in rules)")]),
    ("bad YAML", "classify:\n  categories: [\n  ad: {\n", [("line 4, column 1", "not valid YAML")]),
    ("bad YAML indentation", "repair:\n  fix_encoding: true\n uncurl_quotes: false\n", [("line 3, column 2", "not valid YAML")]),
    ("top level not a mapping", "- read\n- write\n", [("", "the top level must be a mapping of settings, got list")]),
    ("several problems at once",
     "workers: -1\nbogus: 2\nmetadata:\n  date_order: XYZ\nclassify:\n  categories:\n    ad:\n      disable: [nope]\n",
     [("workers", "greater than or equal to 0"), ("bogus", "unknown key 'bogus'"),
      ("metadata -> date_order", "(got 'XYZ')"), ("classify -> categories -> ad -> disable -> 0", "no built-in rule 'nope'")]),
]


@pytest.mark.parametrize(("case", "text", "expected"), BAD, ids=[b[0] for b in BAD])
def test_bad_config_is_reported(case: str, text: str, expected: list[tuple[str, str]], tmp_path: Path) -> None:
    """Each problem comes with its location and a helpful message; nothing else is reported."""
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    problems = info.value.problems
    assert sorted(loc for loc, _ in problems) == sorted(loc for loc, _ in expected)
    for location, fragment in expected:
        assert any(loc == location and fragment in msg for loc, msg in problems), (location, fragment, problems)


def test_error_text_lists_every_problem_with_its_location() -> None:
    """str(ConfigError) is what the CLI prints: the source, then one `location: message` line per problem."""
    with pytest.raises(ConfigError) as info:
        build_config({"workers": -1, "bogus": 1}, "my.yaml")
    lines = str(info.value).splitlines()
    assert lines[0] == "invalid configuration in my.yaml:"
    assert [line.split(":")[0].strip() for line in lines[1:]] == ["workers", "bogus"]


def test_missing_file() -> None:
    """A config path that does not exist is a ConfigError that names the file."""
    with pytest.raises(ConfigError, match="file not found: nowhere.yaml"):
        load_config("nowhere.yaml")


@pytest.mark.parametrize("source", [None, REPO / "config.yaml"], ids=["defaults", "repo config.yaml"])
def test_good_configs_load(source: Path | None) -> None:
    """The defaults and the shipped config.yaml are valid and hold every built-in category."""
    config = load_config(source)
    assert isinstance(config, Config)
    assert list(config.classify.categories)[: len(builtin_catalogue())] == list(builtin_catalogue())


def test_empty_file_means_defaults(tmp_path: Path) -> None:
    """An empty config file changes nothing."""
    (tmp_path / "c.yaml").write_text("# nothing\n", encoding="utf-8")
    assert load_config(tmp_path / "c.yaml").sha256() == load_config(None).sha256()


def test_user_file_overrides_only_what_it_sets() -> None:
    """Setting one key keeps every other default."""
    config = build_config({"repair": {"uncurl_quotes": True}})
    assert config.repair.uncurl_quotes and config.repair.fix_encoding
    assert config.segment == load_config(None).segment


def test_disable_extend_and_switch_off() -> None:
    """A category can lose a built-in rule, gain a rule, be switched off; new categories are appended."""
    config = build_config({"classify": {"categories": {
        "ad": {"disable": ["label"], "rules": [{"name": "mine", "kind": "prefix", "phrases": ["Sponsored by"]}]},
        "share": {"enabled": False},
        "promo": {"rules": [{"name": "coupon", "kind": "contains", "phrases": ["coupon code"], "max_words": 12}]},
    }}})
    cats = config.classify.categories
    ad_names = [r.name for r in cats["ad"].rules]
    assert "label" not in ad_names and ad_names[-1] == "mine"
    assert not cats["share"].enabled
    assert list(cats)[-1] == "promo" and cats["promo"].rules[0].max_words == 12


def test_config_fingerprint_changes_with_settings() -> None:
    """The config hash stored in every article follows the effective settings."""
    assert build_config({"metadata": {"date_order": "DMY"}}).sha256() != load_config(None).sha256()


def test_readme_config_example_is_valid() -> None:
    """The YAML example in README.md is a valid config that does what it says."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", readme, re.S)
    assert blocks
    cats = build_config(yaml.safe_load(blocks[0])).classify.categories
    assert not cats["share"].enabled and "signoff" not in [r.name for r in cats["ad"].rules]
    assert cats["promo"].rules[0].ends_article
