"""The clusterer's tuned numbers, one place: weights by feature name, bars, window, bounds.

Each number says how it was calibrated. What each weight weighs is defined once, in
cluster.features (REGISTRY).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import numpy as np

from newsweave.cluster.features import FEATURES

# A logistic regression fitted by bench/cluster_ecbplus.py on ECB+ topics 1-20 only
# (article vs story, the article fed online in a shuffled order and placed in its gold
# story, label = "this is its story"); docs/benchmarks.md.
FITTED_WEIGHTS: Mapping[str, float] = {
    "body": 2.96,
    "lead": 2.41,
    "names": 7.57,
    "lead_names": 3.84,
    "numbers": 2.66,
    "dates": 1.73,
    "year_agree": 3.11,
    "year_conflict": -1.16,
    "names_missing": -4.44,
    "embed": 0.0,  # off: the lead embedding did not pay for its cost on ECB+
    # cross_lingual and cross_names are left out (weigh 0): cross-lingual stories are a
    # switch (CROSS_LINGUAL_WEIGHTS), and without it settings and states are as before
}
# The weights that switch cross-lingual stories on (`--cross-lingual`): searched on the
# tuning half of our bilingual set, bench/data/crosslingual (bench/cluster_crosslingual.py;
# docs/benchmarks.md), the other weights left as fitted on ECB+.
CROSS_LINGUAL_WEIGHTS: Mapping[str, float] = {"cross_lingual": 24.0, "cross_names": 4.0}


@dataclass(frozen=True)
class ClusterSettings:
    """Weights and bars of the similarity score, one place.

    The score of an article with a story is a weighted sum of the FEATURES, each
    averaged over the story's members; `weights` maps a feature's name to its weight
    (FITTED_WEIGHTS; a feature left out weighs 0, as a new one does until it is
    calibrated). The article joins its best story when the score reaches `threshold`.
    `threshold` and `merge_threshold` were searched on ECB+ topics 1-20 online, after
    the weights were fitted; topics 21-45 are scored, never tuned on (docs/benchmarks.md).
    `window_days` could not be calibrated (ECB+ has no publication dates): a guess.
    `split_every` was not searched: re-clustering every 2, 4 or 8 articles scored alike
    on topics 1-20 (0.922-0.927, docs/benchmarks.md); `split_max` bounds its cost (the
    pairs grow with the square of a story's size) and `split_idle` the members kept.
    `split_dense` bounds it further: past that size the interval doubles with each
    doubling of the story (every 8 articles from 65 members, every 16 from 128), so
    re-clustering costs O(size) per article, not O(size^2); ECB+ stories stay below it
    (the largest gold one has 22 documents), so the event figures are those of before.
    probe_terms, max_postings and max_candidates bound the lookup cost
    (bench/ingest_throughput.py --cluster-scale).
    """

    weights: Mapping[str, float] = field(default_factory=lambda: dict(FITTED_WEIGHTS))
    threshold: float = 2.65  # join the best story at or above this score, else open one
    merge_threshold: float = 4.15  # fold a second story in when the article scores this with it
    window_days: int = 7  # a dated article may join a story last seen up to this many days away
    lead_chars: int = 600  # headline + this much of the body is the lead (MiniLM reads 256 tokens)
    prior_docs: float = 1000.0  # weight of general English in idf (0: the corpus alone)
    probe_terms: int = 30  # candidate stories come from the article's heaviest terms only
    max_postings: int = 2000  # a term in more stories than this finds no candidates
    max_candidates: int = 100  # stories scored in full per article
    split_every: int = 4  # re-cluster a story's members each time its size is a multiple of this
    split_max: int = 200  # stories larger than this are no longer re-clustered (cost bound)
    split_idle: int = 5000  # nor are stories that got no article in this many arrivals (memory)
    split_dense: int = 64  # up to this size every `split_every`; past it, sparser (cost bound)

    def __post_init__(self) -> None:
        unknown = sorted(set(self.weights) - set(FEATURES))
        if unknown:
            raise ValueError(f"no feature named {', '.join(unknown)} (features: {FEATURES})")

    def weight(self, feature: str) -> float:
        """The weight of one feature (0 when not given)."""
        return float(self.weights.get(feature, 0.0))

    def weight_row(self) -> np.ndarray:
        """The weights in the order of a feature row (FEATURES)."""
        return np.array([self.weight(name) for name in FEATURES])

    def with_weights(self, **weights: float) -> ClusterSettings:
        """These settings with some weights changed, by feature name."""
        return replace(self, weights={**self.weights, **weights})

    def split_due(self, size: int) -> bool:
        """Whether a story that just reached `size` members is re-clustered: each
        `split_every` up to `split_dense`, then each `split_every` x 2^k for a story of
        2^k to 2^(k+1) times `split_dense` (bench/ingest_throughput.py --cluster-scale)."""
        every = self.split_every
        if every <= 0 or size % every:
            return False
        if self.split_dense <= 0 or size <= self.split_dense:
            return True
        return size % (2 * every * (1 << ((size // self.split_dense).bit_length() - 1))) == 0

    @property
    def embeds(self) -> bool:
        """Whether the score uses the MiniLM lead embedding (else no encoder is ever loaded)."""
        return self.weight("embed") > 0

    @property
    def cross_lingual(self) -> bool:
        """Whether stories cross languages: leads are then embedded by the multilingual
        encoder (newsweave.multilingual), and so is any "embed" feature."""
        return self.weight("cross_lingual") > 0 or self.weight("cross_names") > 0

    def with_cross_lingual(self) -> ClusterSettings:
        """These settings with cross-lingual stories switched on (CROSS_LINGUAL_WEIGHTS)."""
        return self.with_weights(**CROSS_LINGUAL_WEIGHTS)


DEFAULT_SETTINGS = ClusterSettings()

SWEEP_EVERY = 500  # articles between looks for quiet stories (split_idle); a cost bound
