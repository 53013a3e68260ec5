"""Frozen model values to JSON and back, losslessly: the store's cached story records.

The briefing JSON of `render.json` is a view (labels resolved, removed lines left out),
so it cannot be read back into a `Briefing`; this codec writes every field and rebuilds
the values from the dataclasses' type hints. Hand-written (about 40 lines) rather than a
dependency: pydantic is only in the `web` extra, and the model is plain dataclasses of
str, int, float, date, tuples and None.
"""

from __future__ import annotations

import dataclasses
import json
import types
from datetime import date
from functools import cache
from typing import Any, Literal, TypeVar, Union, get_args, get_origin, get_type_hints

T = TypeVar("T")


def to_data(value: Any) -> Any:
    """A model value as JSON-ready data (dataclasses as dicts, tuples as lists, ISO dates)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_data(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [to_data(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def from_data(kind: Any, data: Any) -> Any:
    """The value of type `kind` that `to_data` wrote as `data`."""
    if data is None:
        return None
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        hints = _hints(kind)
        return kind(
            **{
                f.name: from_data(hints[f.name], data[f.name])
                for f in dataclasses.fields(kind)
                if f.name in data
            }
        )
    origin = get_origin(kind)
    if origin is tuple:
        return tuple(from_data(get_args(kind)[0], v) for v in data)
    if origin in (Union, types.UnionType):  # X | None: the value is an X
        (inner,) = [a for a in get_args(kind) if a is not type(None)]
        return from_data(inner, data)
    if kind is date:
        return date.fromisoformat(data)
    if origin is Literal or kind in (str, int, float, bool, Any):
        return data
    raise TypeError(f"no codec for {kind!r}")


def dumps(value: Any) -> str:
    return json.dumps(to_data(value), ensure_ascii=False, separators=(",", ":"))


def loads(kind: type[T], text: str) -> T:
    return from_data(kind, json.loads(text))  # type: ignore[no-any-return]


@cache
def _hints(kind: type) -> dict[str, Any]:
    return get_type_hints(kind)
