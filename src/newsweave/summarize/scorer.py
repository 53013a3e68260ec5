"""A learned sentence scorer: what the ranker knows about a sentence, weighed by a model.

The features are the ranker's own measurements of each candidate sentence (support from
other outlets, centrality, position, entities, concept coverage, ...) plus what a reader
notices (numbers and dates, quotes and attributions, a person's first full-name mention,
a sentence that repeats an earlier one of its article) and which point of the story it
tells (how many sentences tell the same, and its rank among them). The model is the mean of
five small gradient-boosted regressions (each on a bootstrap sample of the clusters) of
how closely a sentence tells one point of the human summary (its best bigram F1 with one
summary sentence), fitted on the tuning half of the Multi-News sample only
(bench/fit_sentence_scorer.py);
its trees ship as data (`sentence_scorer.json`) and are evaluated here with numpy, so no
scikit-learn import happens at run time.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from newsweave.model import Sentence

MODEL_PATH = Path(__file__).with_name("sentence_scorer.json")

# The order of the columns of `features`; the shipped model names the same list.
FEATURES = (
    "support",  # TF-IDF backing from other outlets (best match in each, averaged)
    "centrality",  # TF-IDF cosine to the story's mean sentence
    "position_bonus",  # exp(-(index-1)/decay), gated by how on-topic the sentence is
    "entity_salience",  # share of articles that mention its entities
    "relevance",  # its article's closeness to the other articles (1 = the closest)
    "hand_score",  # the hand-tuned combination of the above
    "first",  # the article's first sentence
    "log_index",
    "relative_position",  # 0 = first sentence of its article, 1 = last
    "log_paragraph",
    "log_words",
    "concepts",  # weight of the shared word pairs it carries, relative to the best sentence
    "concept_density",  # the same per word
    "backed_share",  # share of the other articles with a sentence at TF-IDF cosine >= 0.3
    "best_other",  # its closest sentence in another article
    "repeats_own",  # its closest earlier sentence of its own article
    "entity_density",  # named entities per word
    "persons",
    "organisations",
    "places",
    "numbers",  # figures in it (capped at 3)
    "dated",  # a DATE or TIME entity
    "quoted",  # a quotation mark
    "attributed",  # a speech verb ("said", "told", ...)
    "first_full_name",  # a person's first mention in its article by a full (two-word) name
    "dependent",  # leans on the sentence before it (pronoun-led)
    "log_docs",  # articles in the story
    "log_article_sentences",
    "article_share",  # its article's share of the story's candidate sentences
    "stop_share",  # share of its words that are stop words
    "capital_share",  # share of its words that start with a capital
    "like_leads",  # its closest opening sentence of another article (what the story is)
    "quote_share",  # share of its characters inside quotation marks
    # which point of the story it tells: its neighbours are the story's sentences at TF-IDF
    # cosine >= 0.3 with it (the sentences telling the same point)
    "point_size",  # its neighbours' share of the story's sentences
    "point_rank",  # its hand score's rank among its neighbours' (1 = the best telling)
)

POINT_COSINE = 0.3
_NUMBER = re.compile(r"\d[\d,.]*\d|\d")
_QUOTE_MARK = re.compile(r"[“”\"«»]")
_WORD = re.compile(r"\w+")
_ATTRIBUTION = frozenset(
    ("say", "tell", "state", "add", "announce", "report", "write", "explain", "according")
)


class _Candidate(Protocol):
    @property
    def sentence(self) -> Sentence: ...
    @property
    def article(self) -> int: ...
    @property
    def words(self) -> int: ...
    @property
    def position(self) -> float: ...
    @property
    def dependent(self) -> bool: ...


def features(
    candidates: Sequence[_Candidate],
    similarity: np.ndarray,
    parts: dict[str, np.ndarray],
    concepts: Sequence[dict[Any, float]],
    stop_words: frozenset[str],
) -> np.ndarray:
    """One row per candidate, one column per name in `FEATURES`.

    `parts` holds the ranker's arrays (support, centrality, position_bonus,
    entity_salience, relevance, hand_score); `concepts` each candidate's shared word
    pairs with their weights; `stop_words` the English stop list the ranker uses.
    """
    n = len(candidates)
    docs = np.array([c.article for c in candidates])
    doc_ids = sorted(set(docs.tolist()))
    per_doc = {d: int((docs == d).sum()) for d in doc_ids}
    concept_sum = np.array([sum(row.values()) for row in concepts]) if concepts else np.zeros(n)
    best_concept = concept_sum.max() if n and concept_sum.max() > 0 else 1.0
    words = np.array([max(c.words, 1) for c in candidates], dtype=float)

    other = docs[None, :] != docs[:, None]
    masked = np.where(other, similarity, 0.0)
    best_other = masked.max(axis=1) if n else np.zeros(0)
    backed = np.zeros(n)
    if len(doc_ids) > 1:
        for d in doc_ids:
            backed += (similarity[:, docs == d].max(axis=1) >= 0.3) * (docs != d)
        backed /= len(doc_ids) - 1
    index = np.array([c.sentence.index for c in candidates])
    earlier = (~other) & (index[None, :] < index[:, None])
    repeats_own = np.where(earlier, similarity, 0.0).max(axis=1) if n else np.zeros(0)

    opening = index == 1
    like_leads = (
        np.where(other & opening[None, :], similarity, 0.0).max(axis=1) if n else np.zeros(0)
    )
    seen_names: set[tuple[int, str]] = set()
    rows = []
    for i, c in enumerate(candidates):
        s = c.sentence
        ents = s.entities
        labels = [e.label for e in ents]
        tokens = [w.lower() for w in _WORD.findall(s.text)]
        n_words = max(len(tokens), 1)
        first_full = 0.0
        for e in ents:
            if e.label == "PERSON" and len(e.text.split()) >= 2:
                key = (c.article, e.text.lower())
                if key not in seen_names:
                    seen_names.add(key)
                    first_full = 1.0
        rows.append(
            (
                float(c.sentence.index == 1),
                math.log(c.sentence.index),
                c.position,
                math.log1p(s.paragraph),
                math.log(words[i]),
                concept_sum[i] / best_concept,
                concept_sum[i] / words[i],
                sum(label not in ("CARDINAL", "ORDINAL") for label in labels) / n_words,
                min(labels.count("PERSON"), 3),
                min(labels.count("ORG"), 3),
                min(sum(label in ("GPE", "LOC", "FAC") for label in labels), 3),
                min(len(_NUMBER.findall(s.text)), 3),
                float(any(label in ("DATE", "TIME") for label in labels)),
                float(_QUOTE_MARK.search(s.text) is not None),
                float(any(t.lemma.lower() in _ATTRIBUTION for t in s.tokens)),
                first_full,
                float(c.dependent),
                math.log(len(doc_ids)),
                math.log(per_doc[c.article]),
                per_doc[c.article] / n,
                sum(w in stop_words for w in tokens) / n_words,
                sum(w[:1].isupper() for w in s.text.split()) / n_words,
            )
        )
    extra = np.array(rows, dtype=float).reshape(n, 22)
    base = np.column_stack(
        [
            parts["support"],
            parts["centrality"],
            parts["position_bonus"],
            parts["entity_salience"],
            parts["relevance"],
            parts["hand_score"],
        ]
    )
    out = np.column_stack(
        [
            base,
            extra[:, :7],
            backed,
            best_other,
            repeats_own,
            extra[:, 7:],
            like_leads,
            [_quoted_share(c.sentence.text) for c in candidates],
            *_points(similarity, parts["hand_score"]),
        ]
    )
    assert out.shape[1] == len(FEATURES)
    return out


def _points(similarity: np.ndarray, hand: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per sentence: its neighbours' share of the story (itself left out) and its hand
    score's rank among itself and its neighbours, 0 (the weakest telling) to 1 (the best)."""
    n = len(hand)
    if n == 0:
        return np.zeros(0), np.zeros(0)
    near = similarity >= POINT_COSINE
    np.fill_diagonal(near, True)
    size = (near.sum(axis=1) - 1) / max(n - 1, 1)
    below = (near & (hand[None, :] < hand[:, None])).sum(axis=1)
    rank = np.where(near.sum(axis=1) > 1, below / np.maximum(near.sum(axis=1) - 1, 1), 1.0)
    return size, rank


def _quoted_share(text: str) -> float:
    inside, total, open_ = 0, max(len(text), 1), False
    for ch in text:
        if ch in '“”"':
            open_ = ch == "“" or (ch == '"' and not open_)
        elif open_:
            inside += 1
    return inside / total


@dataclass(frozen=True)
class TreeEnsemble:
    """Gradient-boosted regression trees as plain arrays (scikit-learn's layout)."""

    features: tuple[str, ...]
    init: float
    learning_rate: float
    trees: tuple[dict[str, np.ndarray], ...]

    def predict(self, x: np.ndarray) -> np.ndarray:
        # scikit-learn compares float32 feature values with its thresholds
        x = np.asarray(x, dtype=np.float32).astype(np.float64)
        out = np.full(len(x), self.init)
        rows = np.arange(len(x))
        for tree in self.trees:
            left, right = tree["left"], tree["right"]
            node = np.zeros(len(x), dtype=np.int64)
            while True:
                inner = left[node] >= 0
                if not inner.any():
                    break
                go_left = x[rows, np.maximum(tree["feature"][node], 0)] <= tree["threshold"][node]
                node = np.where(inner, np.where(go_left, left[node], right[node]), node)
            out += self.learning_rate * tree["value"][node]
        return out


def from_json(data: dict[str, Any]) -> TreeEnsemble:
    if tuple(data["features"]) != FEATURES:
        raise ValueError("sentence scorer: its features are not the ones newsweave computes")
    trees = tuple(
        {
            "feature": np.array(t["feature"], dtype=np.int64),
            "threshold": np.array(t["threshold"], dtype=np.float64),
            "left": np.array(t["left"], dtype=np.int64),
            "right": np.array(t["right"], dtype=np.int64),
            "value": np.array(t["value"], dtype=np.float64),
        }
        for t in data["trees"]
    )
    return TreeEnsemble(tuple(data["features"]), data["init"], data["learning_rate"], trees)


@lru_cache(maxsize=1)
def shipped_model() -> TreeEnsemble:
    """The model fitted by bench/fit_sentence_scorer.py, shipped in the package."""
    with MODEL_PATH.open(encoding="utf-8") as stream:
        return from_json(json.load(stream))
