"""The similarities an article has with a story, each defined once: the feature registry.

A feature is a name and two ways to compute one similarity: of an article with each
candidate story (averaged over the story's members, from the story's sums, so a story
of any size costs the same) and of every member of a story with every other (the pair
scores of re-clustering). The score is the weighted sum of the features, each weight
keyed by the feature's name in `ClusterSettings.weights`; the registry's order is the
order of a feature row (`FEATURES`, `OnlineClusterer.add_to(on_features=...)`).

Adding a feature over what articles already keep (ArticleProfile, Member, Story) is one
entry in REGISTRY, for instance the members naming the article's key names::

    Feature(
        "salient_named",
        "members naming the article's key names",
        against=per_story(lambda probe, story: ...),  # a float from story sums
        pairs=lambda pairs: ...,  # an n x n array over pairs.members
    ),

Its weight is 0 until bench/cluster_ecbplus.py calibrates it (it fits every feature
but the embedding) and the fitted number is written in ClusterSettings. A feature on a
new kind of signal also needs that signal read (cluster.text), kept (records) and saved
(cluster.state). `cosine` and `shared` build the features of the term, name, number and
date kinds, so another level of clustering (events into stories) can reuse them on its
own parts and Vocabulary.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import accumulate, repeat
from operator import mul
from typing import Literal

import numpy as np

from newsweave.cluster.dots import StoryDots
from newsweave.cluster.idf import Vocabulary, unit
from newsweave.cluster.records import ArticleProfile, Member, Story, language_total
from newsweave.cluster.text import key as keyed
from newsweave.cluster.text import split_key


@dataclass(frozen=True)
class Probe:
    """One article against its candidate stories, as every feature reads it."""

    profile: ArticleProfile
    units: dict[str, dict[str, float]]  # the article's unit vectors by story sum (`units`)
    vocabulary: Vocabulary
    stories: Sequence[Story]  # the candidates, in feature-row order
    vector: np.ndarray | None = None  # the article's lead embedding
    # the candidates' summed lead embeddings, a row each; None when not comparable
    vector_sums: np.ndarray | None = None
    # the candidates' story rows and their sums as arrays (the clusterer's): the cosine
    # features' dot products in numpy, the same floats (cluster.dots); None: dict loops
    rows: Sequence[int] = ()
    dots: StoryDots | None = None


@dataclass
class MemberPairs:
    """The members of one story, as every feature reads them to score each pair."""

    members: Sequence[Member]
    vocabulary: Vocabulary
    # one column per value across every feature, so that features can share columns
    columns: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.term_idf = functools.cache(self.vocabulary.idf)
        self.name_idf = functools.cache(self.vocabulary.name_idf)

    def sparse(self, rows: Sequence[Mapping[str, float]]):
        """Rows of weights as a CSR matrix over `columns` (extended as needed)."""
        return self._csr(rows, [v for row in rows for v in row.values()])

    def weighted(self, rows: Sequence[Mapping[str, float]], weigh: Callable[[str], float]):
        """`sparse` of the rows with each value times `weigh(key)` (the same products)."""
        keys = [k for row in rows for k in row]
        values = [v for row in rows for v in row.values()]
        return self._csr(rows, list(map(mul, values, map(weigh, keys))), keys)

    def _csr(
        self, rows: Sequence[Mapping[str, float]], data: list[float], keys: list[str] | None = None
    ):
        """A CSR matrix of `data` laid out as `rows`, each entry in its row's order (the
        order its products are summed in), columns numbered in order of first use."""
        from scipy import sparse

        columns = self.columns
        keys = [k for row in rows for k in row] if keys is None else keys
        fresh = [k for k in dict.fromkeys(keys) if k not in columns]
        start = len(columns)
        columns.update(zip(fresh, range(start, start + len(fresh)), strict=True))
        cols = list(map(columns.__getitem__, keys))
        starts = [0, *accumulate(map(len, rows))]
        return sparse.csr_matrix((data, cols, starts), shape=(len(rows), max(len(columns), 1)))


@dataclass(frozen=True)
class Feature:
    """One similarity: its name, what it measures, and how it is computed."""

    name: str
    about: str
    against: Callable[[Probe], np.ndarray]  # one value per probe.stories
    pairs: Callable[[MemberPairs], np.ndarray]  # members x members
    # what an article adds to its story's sums under `name` (cosine features), else None
    unit_of: Callable[[ArticleProfile, Vocabulary], dict[str, float]] | None = None


def per_story(value: Callable[[Probe, Story], float]) -> Callable[[Probe], np.ndarray]:
    """A feature's `against` from its value for one story."""

    def column(probe: Probe) -> np.ndarray:
        return np.array([value(probe, story) for story in probe.stories], dtype=float)

    return column


Idf = Literal["terms", "names"]


def _idf_of(vocabulary: Vocabulary, idf: Idf) -> Callable[[str], float]:
    return vocabulary.idf if idf == "terms" else vocabulary.name_idf


def cosine(
    name: str, about: str, counts: Callable[[ArticleProfile], Counter[str]], idf: Idf
) -> Feature:
    """Average TF-IDF cosine of the article with a story's members over one kind of counts.

    The story keeps, under `name`, each member's counts as a unit vector (`units`) without
    idf, so idf is applied when scoring and stays current. The article's unit vector is
    `counts(profile)`, normalised with the `idf` of terms or of names.
    """

    def against(probe: Probe) -> np.ndarray:
        weigh = _idf_of(probe.vocabulary, idf)
        # the article's side of an average cosine: its unit weights times idf again
        query = {t: v * weigh(t) ** 2 for t, v in probe.units[name].items()}
        if probe.dots is not None:
            sums = [getattr(story, name) for story in probe.stories]
            products = probe.dots.dots(name, probe.rows, sums, query)
            return np.array(products) / np.array([s.size for s in probe.stories], dtype=float)
        terms, weights = list(query), list(query.values())
        out = np.zeros(len(probe.stories))
        for i, story in enumerate(probe.stories):
            # a term the story lacks adds w * 0.0 == 0.0: the same sum, in C loops
            found = map(getattr(story, name).get, terms, repeat(0.0))
            out[i] = sum(map(mul, weights, found)) / story.size
        return out

    def pairs(pairs: MemberPairs) -> np.ndarray:
        weigh = pairs.term_idf if idf == "terms" else pairs.name_idf
        x = pairs.weighted([m.units[name] for m in pairs.members], weigh)
        return (x @ x.T).toarray()

    def unit_of(profile: ArticleProfile, vocabulary: Vocabulary) -> dict[str, float]:
        return unit(counts(profile), _idf_of(vocabulary, idf))

    return Feature(name, about, against, pairs, unit_of)


def shared(name: Literal["numbers", "dates"], about: str) -> Feature:
    """Values both sides write (numbers, dates) over the smaller of the two sets, averaged."""

    def value(probe: Probe, story: Story) -> float:
        items: set[str] = getattr(probe.profile, name)
        size = story.size
        if not items or not size:
            return 0.0
        smaller = max(1.0, min(len(items), story.totals[name] / size))
        counts: Counter[str] = getattr(story, name)
        return sum(counts.get(x, 0) for x in items) / size / smaller

    def pairs(pairs: MemberPairs) -> np.ndarray:
        values = [getattr(m, name) for m in pairs.members]
        x = pairs.sparse([dict.fromkeys(v, 1.0) for v in values])
        sizes = np.array([len(v) for v in values], dtype=float)
        smaller = np.maximum(1.0, np.minimum.outer(sizes, sizes))
        return (x @ x.T).toarray() / smaller

    return Feature(name, about, per_story(value), pairs)


def _year_agree(probe: Probe, story: Story) -> float:
    years = probe.profile.years
    return max(story.years.get(y, 0) for y in years) / story.size if years else 0.0


def _year_conflict(probe: Probe, story: Story) -> float:
    years = probe.profile.years
    if not years:
        return 0.0
    agree = max(story.years.get(y, 0) for y in years)
    return max(story.totals["with_years"] - agree, 0) / story.size


def _years_shared(pairs: MemberPairs) -> np.ndarray:
    years = pairs.sparse([dict.fromkeys(m.years, 1.0) for m in pairs.members])
    return ((years @ years.T).toarray() > 0).astype(float)


def _years_conflict(pairs: MemberPairs) -> np.ndarray:
    dated = np.array([bool(m.years) for m in pairs.members], dtype=float)
    return np.outer(dated, dated) * (1.0 - _years_shared(pairs))


SALIENT_NAMES = 3  # key names per article (names_missing); not searched


def salient_names(names: Counter[str], vocabulary: Vocabulary) -> tuple[str, ...]:
    """The article's key names: one-word names mentioned twice or more, rarest first.

    Ranked by mentions x idf, the top SALIENT_NAMES: the people and places the article
    is about, not the ones it mentions in passing.
    """
    ranked = sorted(
        (
            (count * vocabulary.name_idf(w), w)
            for w, count in names.items()
            if count >= 2 and " " not in w
        ),
        reverse=True,
    )
    return tuple(w for _, w in ranked[:SALIENT_NAMES])


def _names_missing(probe: Probe, story: Story) -> float:
    """Key names one side has and the other never mentions (two arrests of two players
    of one team), both ways, averaged."""
    feats, size = probe.profile, story.size
    mine = 0.0
    if feats.salient:
        known = sum(story.name_members.get(w, 0) for w in feats.salient)
        mine = 1.0 - known / (len(feats.salient) * size)
    shared: float  # story.salient holds shares (floats), not counts
    if len(story.salient) < len(feats.names):
        shared = sum(v for w, v in story.salient.items() if w in feats.names)
    else:
        shared = sum(story.salient.get(w, 0.0) for w in feats.names)
    theirs = story.totals["with_salient"] - shared
    return (mine + theirs / size) / 2


def _names_missing_pairs(pairs: MemberPairs) -> np.ndarray:
    """The share of i's salient names j never names, averaged both ways."""
    members = pairs.members
    # names first: every salient name is one of its member's names, so both share columns
    named = pairs.sparse([dict.fromkeys(m.units["names"], 1.0) for m in members])
    salient = pairs.sparse(
        [dict.fromkeys(m.salient, 1.0 / len(m.salient)) if m.salient else {} for m in members]
    )
    has = np.array([bool(m.salient) for m in members], dtype=float)
    mine = has[:, None] - (salient @ named.T).toarray()
    return (mine + mine.T) / 2


def _embed(probe: Probe) -> np.ndarray:
    if probe.vector is None or probe.vector_sums is None:
        return np.zeros(len(probe.stories))
    return (probe.vector_sums @ probe.vector) / np.array([s.size for s in probe.stories])


def _embed_pairs(pairs: MemberPairs) -> np.ndarray:
    members = pairs.members
    if not all(m.vector is not None for m in members):
        return np.zeros((len(members), len(members)))
    vectors = np.stack([m.vector for m in members if m.vector is not None])
    return vectors @ vectors.T


# Cross-lingual stories (ClusterSettings.cross_lingual). e5 lead vectors (newsweave.
# multilingual) of two reports of one event in two languages scored 0.87-0.96 cosine on
# the tuning half of bench/data/crosslingual, of unrelated reports 0.68-0.85 (e5's floor
# is high): a mean cosine counts from this floor up, 0 below it. Searched with the
# weight on that tuning half (bench/cluster_crosslingual.py, docs/benchmarks.md).
CROSS_LINGUAL_FLOOR = 0.84


def calibrated(cosine: np.ndarray) -> np.ndarray:
    """An e5 cosine as evidence: 0 at or below CROSS_LINGUAL_FLOOR, rising to 1 at 1."""
    return np.clip((cosine - CROSS_LINGUAL_FLOOR) / (1.0 - CROSS_LINGUAL_FLOOR), 0.0, 1.0)


def _cross_lingual(probe: Probe) -> np.ndarray:
    """The article's lead against the story's, weighed by the share of the story's members
    in other languages: 0 for a story in the article's own language, so within one
    language the other features decide alone, as without the switch."""
    if probe.vector is None or probe.vector_sums is None:
        return np.zeros(len(probe.stories))
    sizes = np.array([s.size for s in probe.stories], dtype=float)
    own = language_total(probe.profile.language)
    others = 1.0 - np.array([s.totals.get(own, 0) for s in probe.stories]) / sizes
    return others * calibrated((probe.vector_sums @ probe.vector) / sizes)


def _differ(members: Sequence[Member]) -> np.ndarray:
    languages = np.array([m.language for m in members])
    return (languages[:, None] != languages[None, :]).astype(float)


def _cross_lingual_pairs(pairs: MemberPairs) -> np.ndarray:
    members = pairs.members
    if not all(m.vector is not None for m in members):
        return np.zeros((len(members), len(members)))
    vectors = np.stack([m.vector for m in members if m.vector is not None])
    return _differ(members) * calibrated(vectors @ vectors.T)


def _story_languages(story: Story) -> list[str]:
    prefix = language_total("")
    return [k[len(prefix) :] for k, n in story.totals.items() if k.startswith(prefix) and n]


def _cross_names(probe: Probe, story: Story) -> float:
    """The share of the article's key names that the story's members in other languages
    name too, each name looked up as that language keys it ("sollberg", "de:sollberg")."""
    feats = probe.profile
    others = [lang for lang in _story_languages(story) if lang != feats.language]
    if not feats.salient or not others:
        return 0.0
    words = [split_key(w)[0] for w in feats.salient]
    named = sum(story.name_members.get(keyed(w, lang), 0) for w in words for lang in others)
    return named / (len(words) * story.size)


def _cross_names_pairs(pairs: MemberPairs) -> np.ndarray:
    """The share of i's key names that j names, for i and j in two languages, both ways."""
    members = pairs.members

    def bare(keys) -> dict[str, float]:
        return {split_key(k)[0]: 1.0 for k in keys}

    named = pairs.sparse([bare(m.units["names"]) for m in members])
    salient = pairs.sparse(
        [{w: 1.0 / len(m.salient) for w in bare(m.salient)} if m.salient else {} for m in members]
    )
    shared = (salient @ named.T).toarray()
    return _differ(members) * (shared + shared.T) / 2


REGISTRY: tuple[Feature, ...] = (
    cosine("body", "TF-IDF cosine of the full texts", lambda p: p.terms, "terms"),
    cosine("lead", "TF-IDF cosine of headline + lead", lambda p: p.lead_terms, "terms"),
    cosine(
        "names",
        "cosine of the capitalised names (binary, idf-weighted)",
        lambda p: Counter(dict.fromkeys(p.names, 1)),
        "names",
    ),
    cosine(
        "lead_names",
        "cosine of the names in headline + lead (counted, idf-weighted)",
        lambda p: p.lead_names,
        "names",
    ),
    shared("numbers", "shared numbers (>= 2 digits, years excluded) over the smaller set"),
    shared("dates", 'shared written dates ("May 3") over the smaller set'),
    Feature(
        "year_agree",
        "members naming one of the article's years",
        per_story(_year_agree),
        _years_shared,
    ),
    Feature(
        "year_conflict",
        "members naming years, none of the article's",
        per_story(_year_conflict),
        _years_conflict,
    ),
    Feature(
        "names_missing",
        "salient names of one side the other never names (both ways, mean)",
        per_story(_names_missing),
        _names_missing_pairs,
    ),
    Feature("embed", "cosine of the MiniLM headline + lead embeddings", _embed, _embed_pairs),
    Feature(
        "cross_lingual",
        "e5 lead cosine over its floor, with the story's members in other languages",
        _cross_lingual,
        _cross_lingual_pairs,
    ),
    Feature(
        "cross_names",
        "key names the story's members in other languages name too",
        per_story(_cross_names),
        _cross_names_pairs,
    ),
)
FEATURES = tuple(feature.name for feature in REGISTRY)  # the order of a feature row
