"""Reading a config: the YAML file, dotted overrides, validation, and one line per problem."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import Field, ValidationError

from savile.config.cost import CostSettings
from savile.config.project import Config
from savile.config.section import Section
from savile.errors import ConfigError

_S = TypeVar("_S", bound=Section)


def load_config(path: Path, overrides: list[str] | None = None) -> Config:
    """Read, override and validate a project config; every problem raises at once in one ConfigError."""
    data = _read(path)
    problems = [p for item in overrides or [] for p in _apply_override(data, item)]
    data["root"] = str(path.resolve().parent)
    return _validated(Config, data, problems)


class _CostOnly(Section):
    """The cost section on its own: what `savile cost` validates when no project config is given."""

    cost: CostSettings = Field(default_factory=CostSettings)


def load_cost_settings(
    overrides: list[str] | None = None, values: dict[str, Any] | None = None, base: CostSettings | None = None
) -> CostSettings:
    """The `cost:` section: `base` (a project's, `load_config(path).cost`) or the schema's defaults, then
    `values` (already typed, e.g. from command-line options) and `overrides` (`key.path=value`, parsed as YAML).
    Keys are paths in the section, with or without the `cost.` prefix:

        load_cost_settings(["usage.requests_per_month=250000"], {"cost.training.epochs": 3})

    Every problem raises at once in one ConfigError, in the same lines as load_config's.
    """
    data: dict[str, Any] = {"cost": base.model_dump() if base is not None else {}}
    problems = [p for key, value in (values or {}).items() for p in _set(data, _under("cost", key), value, key)]
    problems += [p for item in overrides or [] for p in _apply_override(data, item, section="cost")]
    return _validated(_CostOnly, data, problems).cost


def _read(path: Path) -> dict[str, Any]:
    if not path.exists():
        raise ConfigError([f"{path}: config file not found; create one (`savile demo` writes an example)."])
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ConfigError([f"{path}: not valid YAML ({str(exc).splitlines()[0]}); fix the syntax."]) from None
    if not isinstance(data, dict):
        raise ConfigError([f"{path}: top level must be a mapping of keys, got {type(data).__name__}."])
    return data


def _validated(schema: type[_S], data: dict[str, Any], problems: list[str]) -> _S:
    try:
        result = schema.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(problems + [describe_problem(err) for err in exc.errors()]) from None
    if problems:
        raise ConfigError(problems)
    return result


def _apply_override(data: dict[str, Any], item: str, section: str = "") -> list[str]:
    """Set one `key.path=value` in the raw data; under `section` a key may leave out its prefix."""
    key, sep, raw = item.partition("=")
    if not sep or not key:
        example = "cost.training.epochs=3" if section == "cost" else "train.epochs=2"
        return [f"override {item!r}: expected key.path=value, e.g. {example}."]
    return _set(data, _under(section, key), yaml.safe_load(raw) if raw else raw, item)


def _under(section: str, key: str) -> str:
    return key if not section or key == section or key.startswith(f"{section}.") else f"{section}.{key}"


def _set(data: dict[str, Any], key: str, value: Any, item: str) -> list[str]:
    node = data
    *parents, leaf = key.split(".")
    for part in parents:
        node = node.setdefault(part, {})
        if not isinstance(node, dict):
            return [f"override {item!r}: {part} is not a section."]
    node[leaf] = value
    return []


def describe_problem(err: Mapping[str, Any], reference: str = "the config reference in the README") -> str:
    """One line for one pydantic error: the key path, what is wrong, the value found; `reference` lists the keys."""
    where = ".".join(str(p) for p in err["loc"]) or "(top level)"
    if err["type"] == "extra_forbidden":
        return f"{where}: unknown key; remove it or fix its spelling (see {reference})."
    if err["type"] == "missing":
        return f"{where}: required key is missing; add it."
    found = err.get("input")
    return f"{where}: {err['msg'][0].lower()}{err['msg'][1:]}, got {found!r}."
