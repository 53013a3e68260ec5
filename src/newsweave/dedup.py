"""Near-duplicate detection: MinHash LSH over word shingles of the cleaned text.

A wire story republished by another outlet, or the same article re-posted with
a new headline, a trimmed ending or a few edited words, is linked to the
first copy stored instead of counting as a new source.

Calibration (bench/dedup_perturbed.py, docs/benchmarks.md): word
2-shingles and 128 permutations; a pair is a near-duplicate when the estimated
Jaccard similarity is at least `THRESHOLD`. Copies with a changed headline,
trimmed last paragraph, inserted chrome or up to 20% of words changed stay
above it; different outlets' reports of the same event stay well below it.

Shingles follow the article's language. English (and text too short to tell) keeps the
shingles the store's signatures were made with; any other language reads its words with
`tokens.words` and marks each shingle with the language code, so two texts in different
languages share no shingle: an article and its translation are never near-duplicates,
however many names and numbers they share.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from newsweave.tokens import is_english, words

if TYPE_CHECKING:
    from datasketch import MinHash

# datasketch is imported where it is used: it pulls in scipy.integrate (~0.3 s), which
# `newsweave brief` (it imports this module through the package) never needs.

SHINGLE_WORDS = 2
NUM_PERM = 128
THRESHOLD = 0.4
SEED = 1
SCHEME = "affine32"  # datasketch >= 2.0 hashing; stored signatures depend on it
MIN_SHINGLES = 8  # below this a text is too short to call a near-duplicate

_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Match:
    original: int  # article id of the copy already known
    similarity: float  # estimated Jaccard similarity


def shingles(text: str, size: int = SHINGLE_WORDS, language: str | None = None) -> set[str]:
    """Word `size`-grams of the text, read in its language (see the module docstring)."""
    if is_english(language):
        found = _WORD.findall(text.lower())
        return {" ".join(found[i : i + size]) for i in range(max(len(found) - size + 1, 0))}
    found = words(text)
    return {
        f"{language}:" + " ".join(found[i : i + size]) for i in range(max(len(found) - size + 1, 0))
    }


def signature(text: str, language: str | None = None) -> MinHash | None:
    """MinHash of the text's shingles in its language, or None when the text is too short."""
    grams = shingles(text, language=language)
    if len(grams) < MIN_SHINGLES:
        return None
    from datasketch import MinHash

    minhash = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME, permutations=_permutations())
    # one encode for all shingles, split at NULs (words never hold one; a language code
    # given with one would: then shingle by shingle)
    joined = "\0".join(grams)
    if joined.count("\0") == len(grams) - 1:
        minhash.update_batch(joined.encode().split(b"\0"))
    else:
        minhash.update_batch([g.encode() for g in grams])
    return minhash


@functools.cache
def _permutations():
    """The permutations of a MinHash of SEED and SCHEME, drawn once (datasketch draws them
    again for every MinHash made without them: ~0.4 ms a signature); read-only."""
    from datasketch import MinHash

    permutations = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME).permutations
    permutations.setflags(write=False)
    return permutations


def to_bytes(minhash: MinHash) -> bytes:
    return minhash.hashvalues.astype(np.uint64).tobytes()


def from_bytes(blob: bytes) -> MinHash:
    from datasketch import MinHash

    values = np.frombuffer(blob, dtype=np.uint64)
    return MinHash(num_perm=NUM_PERM, seed=SEED, hashvalues=values, scheme=SCHEME)


class NearDuplicateIndex:
    """An LSH index over the originals' signatures; rebuilt from the store on start."""

    def __init__(self, threshold: float = THRESHOLD) -> None:
        from datasketch import MinHashLSH

        self.threshold = threshold
        self._lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
        # each original's 128 hash values only (1 KiB), not its MinHash object, which
        # carries its own permutation arrays (bench/ingest_throughput.py, memory)
        self._signatures: dict[int, np.ndarray] = {}

    @classmethod
    def from_signatures(
        cls, items: Iterable[tuple[int, bytes]], threshold: float = THRESHOLD
    ) -> NearDuplicateIndex:
        index = cls(threshold)
        for article_id, blob in items:
            index.add(article_id, from_bytes(blob))
        return index

    def __len__(self) -> int:
        return len(self._signatures)

    def add(self, article_id: int, minhash: MinHash) -> None:
        self._lsh.insert(article_id, minhash)
        self._signatures[article_id] = np.asarray(minhash.hashvalues, dtype=np.uint64)

    def find(self, minhash: MinHash) -> Match | None:
        """The most similar known original at or above the threshold."""
        best: Match | None = None
        values = np.asarray(minhash.hashvalues, dtype=np.uint64)
        for candidate in self._lsh.query(minhash):
            # MinHash.jaccard's estimate: the share of equal hash values
            score = float(np.count_nonzero(values == self._signatures[candidate])) / len(values)
            if score >= self.threshold and (
                best is None or (score, -candidate) > (best.similarity, -best.original)
            ):
                best = Match(candidate, score)
        return best
