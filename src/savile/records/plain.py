"""The JSON form of the small records inside manifests: a frozen dataclass written as a dict.

    mean = MetricMean.from_dict({"mean": 0.5, "ci_low": 0.4, "ci_high": 0.6, "n": 20})
    mean.to_dict()          # the same dict, keys in field order

`to_dict` writes the fields in the order they are declared, so a record written today is
byte-for-byte the dict the code wrote before it was typed. A field declared with `optional()`
is left out while it is None, as the old dicts left the key out. `from_dict` reads nested records,
lists and dicts of them from the field's type hint; a key the record needs and the file lacks
raises `StaleRecord`, which `records._Record.load` turns into "rerun `savile <verb>`".
"""

from __future__ import annotations

import dataclasses
import types
import typing
from typing import Any, TypeVar, Union, get_args, get_origin

__all__ = ["Plain", "StaleRecord", "optional", "encode", "decode"]

P = TypeVar("P", bound="Plain")


class StaleRecord(KeyError):
    """A record's dict lacks a key the record needs: the file was written by an older Savile."""

    def __init__(self, record: str, key: str):
        super().__init__(key)
        self.record, self.key = record, key

    def __str__(self) -> str:
        return f"its {self.record} lacks {self.key!r}"


def optional(default: Any = None) -> Any:
    """A field that defaults to `default` and, while None, is left out of `to_dict`."""
    return dataclasses.field(default=default, metadata={"omit_none": True})


class Plain:
    """Mixin for a frozen dataclass whose JSON form is a dict of its fields, in declaration order."""

    def to_dict(self) -> dict[str, Any]:
        """The record as the plain dict written to JSON (nested records become dicts too)."""
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):  # type: ignore[arg-type]
            value = getattr(self, f.name)
            if value is None and f.metadata.get("omit_none"):
                continue
            out[f.name] = encode(value)
        return out

    @classmethod
    def from_dict(cls: type[P], data: dict[str, Any]) -> P:
        """The record from its dict; a missing key without a default raises `StaleRecord`."""
        if not isinstance(data, dict):
            raise StaleRecord(cls.__name__, "(a dict)")
        hints = _hints(cls)
        kwargs = {}
        for f in dataclasses.fields(cls):  # type: ignore[arg-type]
            if f.name in data:
                kwargs[f.name] = decode(hints[f.name], data[f.name])
            elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                raise StaleRecord(cls.__name__, f.name)
        return cls(**kwargs)


def encode(value: Any) -> Any:
    """`value` with every record in it (at any depth of dicts and lists) replaced by its dict."""
    if isinstance(value, Plain):
        return value.to_dict()
    if isinstance(value, dict):
        return {k: encode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [encode(v) for v in value]
    return value


def decode(hint: Any, value: Any) -> Any:
    """`value` read as type `hint`: records from their dicts, recursively through dicts, lists and `X | None`."""
    origin = get_origin(hint)
    if isinstance(hint, type) and issubclass(hint, Plain):
        return hint.from_dict(value)
    if origin in (Union, types.UnionType):
        inner = [a for a in get_args(hint) if a is not type(None)]
        return None if value is None else decode(inner[0], value) if len(inner) == 1 else value
    if origin is dict and isinstance(value, dict):
        return {k: decode(get_args(hint)[1], v) for k, v in value.items()}
    if origin is list and isinstance(value, list):
        return [decode(get_args(hint)[0], v) for v in value]
    return value


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    if cls not in _HINTS:
        _HINTS[cls] = typing.get_type_hints(cls)
    return _HINTS[cls]
