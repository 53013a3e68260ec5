"""An article's weights against many stories' sums at once: the cosine features' dot products.

Scoring one article against its ~100 candidate stories looked every article term up in
every story's sum (a Python dict per story): on a corpus where articles share many words,
most of the clusterer's time (bench/watch_loopback.py). `StoryDots` keeps each story's
sums also as two arrays (term number, value), rebuilt lazily after the story changes,
and finds the terms an article shares with all its candidates in a few numpy passes.

The floats are the ones of the dict loop, bit for bit: each product is the same one
multiplication, and each story's products are added by Python's own `sum` in the
article's term order. Only the products of shared terms are added; the loop's other
products are `w * 0.0 == 0.0`, and adding 0.0 changes neither a float sum nor the
compensation of Python 3.12's `sum`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import repeat
from operator import mul

import numpy as np

# The arrays pay when the dict loop's look-ups (article terms x stories) are at least
# ARRAY_SHARE of the stories' terms the arrays pass over, and ARRAY_MIN in all: a dict
# look-up in a large sum costs ~7 times an array element (timed on bench/watch_loopback.py's
# articles, 100 candidates: 12.4 ms the loop, 3.3 ms the arrays). A few large stories, or
# a short article (a few names), go the dict loop. Either way the floats are the same.
ARRAY_SHARE = 0.25
ARRAY_MIN = 2000


class StoryDots:
    """Story sums as arrays, by (story row, sum name); `forget(row)` when a story changes."""

    def __init__(self) -> None:
        self._number: dict[str, int] = {}  # term -> its number in the arrays
        # (story row, sum name) -> (term numbers, values), in the sum's own order
        self._arrays: dict[tuple[int, str], tuple[np.ndarray, np.ndarray]] = {}
        self._names: set[str] = set()  # the sum names kept
        self._where = np.full(1024, -1, dtype=np.int64)  # term number -> position, scratch

    def forget(self, row: int) -> None:
        """Drop story `row`'s arrays: its sums changed (or it rests in the store)."""
        for name in self._names:
            self._arrays.pop((row, name), None)

    def _build(
        self, row: int, name: str, sums: Mapping[str, float]
    ) -> tuple[np.ndarray, np.ndarray]:
        number = self._number
        fresh = [t for t in sums if t not in number]
        start = len(number)
        number.update(zip(fresh, range(start, start + len(fresh)), strict=True))
        ids = np.fromiter(map(number.__getitem__, sums), dtype=np.int32, count=len(sums))
        values = np.fromiter(sums.values(), dtype=np.float64, count=len(sums))
        self._names.add(name)
        found = self._arrays[row, name] = (ids, values)
        return found

    def dots(
        self,
        name: str,
        rows: Sequence[int],
        sums: Sequence[Mapping[str, float]],
        query: Mapping[str, float],
    ) -> list[float]:
        """`sum(w * s.get(t, 0.0) for t, w in query.items())` for each story's sums `s`."""
        n, q = len(rows), len(query)
        if not n or not q:
            return [0.0] * n
        if n * q < max(ARRAY_MIN, ARRAY_SHARE * sum(map(len, sums))):
            keys, factors = list(query), list(query.values())
            return [sum(map(mul, factors, map(s.get, keys, repeat(0.0)))) for s in sums]
        kept = self._arrays
        arrays = [kept.get((row, name)) for row in rows]
        for i, found in enumerate(arrays):
            if found is None:
                arrays[i] = self._build(rows[i], name, sums[i])
        if len(self._where) < len(self._number):
            self._where = np.full(max(2 * len(self._where), len(self._number)), -1, np.int64)
        number, where = self._number, self._where
        terms = np.fromiter((number.get(t, -1) for t in query), dtype=np.int64, count=q)
        known = terms >= 0
        where[terms[known]] = np.flatnonzero(known)
        try:
            ids, values = zip(*arrays, strict=True)
            lengths = list(map(len, ids))
            position = where[np.concatenate(ids)]
        finally:
            where[terms[known]] = -1
        hit = position >= 0
        weights = np.fromiter(query.values(), dtype=np.float64, count=q)
        # each story's products laid out in the query's term order: row i, column j
        cell = np.repeat(np.arange(0, n * q, q), lengths)[hit] + position[hit]
        products = np.zeros(n * q)
        products[cell] = np.concatenate(values)[hit] * weights[position[hit]]
        taken = np.zeros(n * q, dtype=bool)
        taken[cell] = True
        ordered = products[taken].tolist()
        ends = np.cumsum(np.count_nonzero(taken.reshape(n, q), axis=1)).tolist()
        out, start = [], 0
        for end in ends:
            out.append(sum(ordered[start:end], 0.0))
            start = end
        return out
