"""Loading a config: the user's YAML deep-merged over the defaults and the packaged rule catalogue, every problem
reported with its location."""
from __future__ import annotations

import typing
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from pipeline.config.rules import Category
from pipeline.config.sections import Config
from pipeline.errors import ConfigError


def _format_loc(loc: tuple[Any, ...]) -> str:
    return " -> ".join(str(part) for part in loc)


def _problems(exc: ValidationError, model: type[BaseModel]) -> list[tuple[str, str]]:
    """Turns pydantic errors into (location, message) pairs that say how to fix them."""
    problems = []
    for err in exc.errors():
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith(("function-", "literal["))))
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = f"unknown key {loc[-1]!r}; valid keys here: {', '.join(_valid_keys(model, loc[:-1]))}"
        elif err["type"] == "literal_error":
            msg = f"{msg} (got {err.get('input')!r})"
        problems.append((_format_loc(loc), msg))
    return problems


def _valid_keys(model: type[BaseModel], path: tuple[Any, ...]) -> list[str]:
    """Lists the fields a section accepts, following `path` down from `model`."""
    current: Any = model
    skip_key = False
    for part in path:
        if isinstance(part, int) or skip_key:
            skip_key = False
            continue
        field = getattr(current, "model_fields", {}).get(part)
        if field is None:
            return []
        annotation = field.annotation
        args = typing.get_args(annotation)
        skip_key = typing.get_origin(annotation) is dict
        candidates = (annotation, *args) if not skip_key else args[1:]
        current = next((a for a in candidates if isinstance(a, type) and issubclass(a, BaseModel)), None)
        if current is None and args:
            current = next((a for a in typing.get_args(args[0]) if isinstance(a, type) and issubclass(a, BaseModel)), None)
    return sorted(name for name, info in getattr(current, "model_fields", {}).items() if not info.exclude)  # not `builtin`


def builtin_catalogue() -> dict[str, Any]:
    """The packaged rule catalogue, grouped by category."""
    text = resources.files("pipeline.config").joinpath("catalogue.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Deep-merges mappings; lists and scalars in `override` replace those in `base`."""
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def build_config(data: dict[str, Any] | None, source: str = "config") -> Config:
    """Validates user data over the defaults and the built-in catalogue; raises ConfigError listing every problem."""
    data = data or {}
    if not isinstance(data, dict):
        raise ConfigError([("", f"the top level must be a mapping of settings, got {type(data).__name__}")], source)
    problems: list[tuple[str, str]] = []
    user: Config | None = None
    try:
        user = Config.model_validate(data)
    except ValidationError as exc:
        problems = _problems(exc, Config)
    catalogue = {name: Category.model_validate({**spec, "rules": [{**rule, "builtin": True} for rule in spec.get("rules", [])]},
                                                context={"package": True})
                 for name, spec in builtin_catalogue().items()}
    problems += _disable_problems(_user_disables(data), catalogue)
    if problems or user is None:
        raise ConfigError(problems, source)
    _set_timeouts(user)
    merged = {name: _extend(catalogue.get(name, Category()), cat) for name, cat in user.classify.categories.items()}
    user.classify.categories = {**catalogue, **merged}
    return user


def _set_timeouts(user: Config) -> None:
    """User patterns get limits.pattern_seconds (see Rule._timeout); built-in ones keep the standard engine."""
    for category in user.classify.categories.values():
        for rule in category.rules:
            if not rule.builtin:
                rule._timeout = user.limits.pattern_seconds


def _extend(base: Category, user: Category) -> Category:
    """A built-in category with the user's switch, minus the disabled rules, plus the user's rules."""
    kept = [r for r in base.rules if r.name not in user.disable]
    return Category(enabled=user.enabled, rules=kept + list(user.rules), disable=list(user.disable))


def _user_disables(data: dict[str, Any]) -> dict[str, list[Any]]:
    """The `disable` lists from the raw data, so they are checked even when other keys are wrong."""
    classify = data.get("classify")
    categories = classify.get("categories") if isinstance(classify, dict) else None
    if not isinstance(categories, dict):
        return {}
    return {str(n): c["disable"] for n, c in categories.items() if isinstance(c, dict) and isinstance(c.get("disable"), list)}


def _disable_problems(disables: dict[str, list[Any]], catalogue: dict[str, Category]) -> list[tuple[str, str]]:
    """One problem per disabled name that is no built-in rule of its category, listing the valid names."""
    problems = []
    for name, rule_names in disables.items():
        known = {r.name for r in catalogue.get(name, Category()).rules}
        choices = ", ".join(sorted(known)) or "(none: this category has no built-in rules)"
        for i, rule_name in enumerate(rule_names):
            if isinstance(rule_name, str) and rule_name not in known:
                problems.append((f"classify -> categories -> {name} -> disable -> {i}", f"no built-in rule {rule_name!r}; valid names: {choices}"))
    return problems


def load_config(path: str | Path | None = None) -> Config:
    """Loads config.yaml (or only the defaults when `path` is None)."""
    if path is None:
        return build_config({}, "defaults")
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError([("", f"file not found: {path}; pass an existing file with -c/--config")], str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError([("", f"cannot read {path}: {exc}")], str(path)) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ConfigError([(where, f"not valid YAML: {getattr(exc, 'problem', exc)}")], str(path)) from None
    return build_config(data, str(path))
