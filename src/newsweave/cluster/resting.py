"""Records resting in the store: a quiet record's bulky fields dropped from memory, read
back the first time anything asks for one of them.

The corpus writer saves every record a batch changed (the clusterer's stories, the story
linker's events) with the batch, so a record that has been quiet since is in the store as
it is in memory. `resting(record, bulky, fill)` gives a copy without the `bulky` fields:
reading one of them calls `fill(copy)` once, which must set them all from the store, and
the copy is then the record it was. Code that never reads those fields (a candidate
lookup reading ids, dates and a short profile) never touches the store.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


class _Resting:
    """Mixed in before a record's class: a missing attribute is filled from the store."""

    def __getattr__(self, name: str) -> Any:
        # called only for attributes the instance lacks: the bulky ones while it rests
        fill = self.__dict__.pop("_fill", None)
        if fill is None or name.startswith("__"):
            raise AttributeError(name)
        fill(self)
        return getattr(self, name)


_CLASSES: dict[type, type] = {}


def _resting_class(cls: type) -> type:
    if issubclass(cls, _Resting):  # a record read back, resting again
        return cls
    made = _CLASSES.get(cls)
    if made is None:
        made = _CLASSES[cls] = type(f"Resting{cls.__name__}", (_Resting, cls), {})
    return made


def resting(record: T, bulky: tuple[str, ...], fill: Callable[[T], None]) -> T:
    """A copy of `record` without its `bulky` fields; `fill(copy)` sets them back on the
    first read of any of them (it must set every one)."""
    copy: T = object.__new__(_resting_class(type(record)))
    kept = {k: v for k, v in vars(record).items() if k not in bulky and k != "_fill"}
    vars(copy).update(kept)
    vars(copy)["_fill"] = fill
    return copy


def is_resting(record: object) -> bool:
    """Whether `record` still waits for its bulky fields."""
    return "_fill" in vars(record)
