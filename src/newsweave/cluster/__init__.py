"""Online story clustering: each new article joins the best story or opens one.

An article is compared with its candidate stories on cheap signals (FEATURES):
TF-IDF cosine of the full text and of headline + lead, cosine of capitalised
names (whole text, and lead with mention counts), shared numbers, written dates
and years, and the share of each side's key names the other never mentions, all
found by regular expressions (no spaCy at ingest). Each signal is
averaged over the story's members (average link, kept as sums so a story of any
size costs the same); the score is their weighted sum, with weights fitted by
logistic regression on ECB+ (ClusterSettings). idf comes from the corpus so far
plus a prior of general English word frequencies (wordfreq), so a young corpus
already knows that "earthquake" is common and "Velmora" is not. A MiniLM
embedding of headline + lead can be added (weight "embed", off by default: see
docs/benchmarks.md for what it adds and costs). Stories keep to one language
(terms and names are keyed by language, cluster.text) unless cross-lingual stories
are switched on (`ClusterSettings.with_cross_lingual`, off by default): a
multilingual e5 embedding of each lead (newsweave.multilingual) then finds
candidate stories in every language and scores the article against a story's
members in other languages, with the key names they share. A time window keeps dated
articles away from stale stories; undated articles skip the window. When an
article scores above the merge bar with a second story, that story is folded
into the first (a bridging article). Each time a story's size reaches a multiple
of `split_every`, its members are re-clustered by average link on their pair
scores, and a group that does not belong splits off as a story of its own: a
single pass cannot otherwise undo an early wrong join (`Assignment.split`).

Candidates come from postings of the article's heaviest terms only, with
over-common terms and stories outside the window skipped, so the lookup cost per
article stays bounded as stories accumulate (docs/benchmarks.md, 10k and 50k).

Story ids come from the first article of a story, so the same input order
gives the same ids, and `to_state` / `from_state` continue a run exactly. A store
saves the state in parts instead (`state_delta` / `from_parts`): the global header
and, per batch, only the stories that changed.

Where things are:
- settings: ClusterSettings, the weights (by feature name) and bars, and how each
  was calibrated.
- features: the feature registry, each similarity defined once (a new feature is one
  entry there).
- text: what is read in a text (terms, names, numbers, dates, years; stop words).
- idf: document frequencies and idf with the English prior (Vocabulary).
- records: the values in and out (ClusterInput, Assignment, StateDelta) and the
  records kept (ArticleProfile, Member, Story).
- state: the state codec (to bytes and back; version check, ClusterStateError).
- clusterer: OnlineClusterer (assignment, candidate lookup, folding, re-clustering).
- dots: an article's weights against many stories' sums at once (the cosine features'
  dot products, as arrays; the same floats as the dict loop).
"""

from __future__ import annotations

from newsweave.cluster.clusterer import Encode, FeatureCallback, OnlineClusterer
from newsweave.cluster.features import FEATURES
from newsweave.cluster.records import Assignment, ClusterInput, StateDelta, lead
from newsweave.cluster.settings import DEFAULT_SETTINGS, ClusterSettings
from newsweave.cluster.state import STATE_VERSION, OldStateError
from newsweave.errors import ClusterStateError

__all__ = [
    "DEFAULT_SETTINGS",
    "FEATURES",
    "STATE_VERSION",
    "Assignment",
    "ClusterInput",
    "ClusterSettings",
    "ClusterStateError",
    "Encode",
    "FeatureCallback",
    "OldStateError",
    "OnlineClusterer",
    "StateDelta",
    "lead",
]
