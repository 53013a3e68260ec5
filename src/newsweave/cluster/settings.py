"""The clusterer's tuned numbers, one place: weights, bars, window and lookup bounds.

Each number says how it was calibrated. What the weights weigh is defined in
cluster.features.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# The similarities an article has with a story, in the order of a feature row. Each is
# an average over the story's members (average link), kept as sums so scoring a story
# costs the same whatever its size.
FEATURES = (
    "body",  # TF-IDF cosine of the full texts
    "lead",  # TF-IDF cosine of headline + lead
    "names",  # cosine of the capitalised names (binary, idf-weighted)
    "lead_names",  # cosine of the names in headline + lead (counted, idf-weighted)
    "numbers",  # shared numbers (>= 2 digits, years excluded) over the smaller set
    "dates",  # shared written dates ("May 3")
    "year_agree",  # members naming one of the article's years
    "year_conflict",  # members naming years, none of the article's
    "names_missing",  # salient names of one side the other never names (both ways, mean)
    "embed",  # cosine of the MiniLM headline + lead embeddings (w_embed)
)


@dataclass(frozen=True)
class ClusterSettings:
    """Weights and bars of the similarity score, one place.

    The score of an article with a story is a weighted sum of the FEATURES, each
    averaged over the story's members; the article joins its best story when the
    score reaches `threshold`. The weights are a logistic regression fitted by
    bench/cluster_ecbplus.py on ECB+ topics 1-20 only (article vs story, the
    article fed online in a shuffled order and placed in its gold story, label =
    "this is its story"); `threshold` and `merge_threshold` were then searched on
    topics 1-20 online; topics 21-45 are scored, never tuned on (docs/benchmarks.md).
    `window_days` could not be calibrated (ECB+ has no publication dates): a guess.
    `split_every` was not searched: re-clustering every 2, 4 or 8 articles scored alike
    on topics 1-20 (0.922-0.927, docs/benchmarks.md); `split_max` bounds its cost (the
    pairs grow with the square of a story's size) and `split_idle` the members kept.
    probe_terms, max_postings and max_candidates bound the lookup cost
    (bench/ingest_throughput.py --cluster-scale).
    """

    w_body: float = 2.96
    w_lead: float = 2.41
    w_names: float = 7.57
    w_lead_names: float = 3.84
    w_number: float = 2.66
    w_date: float = 1.73
    w_year: float = 3.11
    w_year_conflict: float = -1.16
    w_names_missing: float = -4.44
    w_embed: float = 0.0  # off: the lead embedding did not pay for its cost on ECB+
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

    def weights(self) -> np.ndarray:
        """The weights in FEATURES order."""
        return np.array(
            [
                self.w_body,
                self.w_lead,
                self.w_names,
                self.w_lead_names,
                self.w_number,
                self.w_date,
                self.w_year,
                self.w_year_conflict,
                self.w_names_missing,
                self.w_embed,
            ]
        )


DEFAULT_SETTINGS = ClusterSettings()
SALIENT_NAMES = 3  # key names per article (names_missing); not searched
SWEEP_EVERY = 500  # articles between looks for quiet stories (split_idle); a cost bound
# Words per imagined prior document: turns a word's frequency into the share of
# documents that contain it (1 - exp(-frequency * length)); a typical news article's length.
PRIOR_DOC_WORDS = 400
