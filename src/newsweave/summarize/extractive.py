"""Multi-document extractive summary in which every sentence cites its sources.

Sentences from all articles are scored by how much the other outlets back
them up (cross-document support), how central they are to the whole story,
how early they come in their article (news puts the core facts first) and how
many salient entities they carry. The early-position bonus only counts in full
for on-topic sentences, and articles far from the rest of the story (an
off-topic piece or a leftover archive notice) weigh less. A greedy MMR pass
picks high scorers that do not repeat what is already chosen; sentences from
other outlets that say the same thing become extra citations of the chosen one
rather than repeats. The summary never exceeds the word budget and shows whole
sentences in story order.
"""

from __future__ import annotations

import importlib.util
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from newsweave.language import count_words
from newsweave.model import AnnotatedArticle, Citation, Sentence, SummarySentence


@dataclass(frozen=True)
class SummarySettings:
    """Weights and thresholds of the ranker.

    Calibrated on the even-index half of the 200-cluster Multi-News sample
    (bench/summarize_multinews.py, 250-word budget, ROUGE-2 F1); the odd half
    is held out. See docs/benchmarks.md for the numbers and the grid searched.
    """

    support_weight: float = 1.0  # backing from other outlets
    centroid_weight: float = 1.5  # similarity to the whole story
    position_weight: float = 0.6  # early sentences carry the news
    entity_weight: float = 0.3  # salient people, places, organisations
    position_decay: float = 10.0  # position bonus exp(-(index-1)/decay): ~0.5 at sentence 8
    # Scale the position bonus by how on-topic a sentence is (1 = fully gated:
    # a first sentence that is a photo caption or a notice gets little bonus).
    position_gate: float = 1.0
    # Exponent on an article's closeness to the other articles; 0 = every article alike.
    doc_weight: float = 1.0
    redundancy: float = 0.3  # cosine above which a candidate repeats a chosen sentence
    mmr_lambda: float = 0.5  # penalty for partial overlap with chosen sentences
    cite_threshold: float = 0.45  # cosine above which another outlet says the same thing
    min_words: int = 6
    max_words: int = 80


DEFAULT_SETTINGS = SummarySettings()
_ENTITY_LABELS = {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT"}
_NUMBER = re.compile(r"\d[\d,.]*\d|\d")


@dataclass(frozen=True)
class _Candidate:
    sentence: Sentence
    source: str
    article: int  # position of its article in the input
    words: int
    position: float  # 0 = first sentence of its article, 1 = last


def summarize(
    articles: Sequence[AnnotatedArticle],
    words: int = 120,
    settings: SummarySettings = DEFAULT_SETTINGS,
) -> tuple[SummarySentence, ...]:
    """Pick non-redundant, cited sentences totalling at most `words` words."""
    candidates = _candidates(articles, settings)
    if not candidates:
        return ()
    vectors = _vectorize([c.sentence.text for c in candidates])
    similarity = vectors @ vectors.T
    scores = _scores(candidates, vectors, similarity, settings)
    chosen = _select(candidates, scores, similarity, words, settings)
    return _cite_and_order(candidates, chosen, similarity, settings)


def _candidates(
    articles: Sequence[AnnotatedArticle], settings: SummarySettings
) -> list[_Candidate]:
    out = []
    for a_i, annotated in enumerate(articles):
        count = len(annotated.sentences)
        for sentence in annotated.sentences:
            n = count_words(sentence.text)
            if settings.min_words <= n <= settings.max_words:
                position = (sentence.index - 1) / max(count - 1, 1)
                out.append(_Candidate(sentence, annotated.article.label, a_i, n, position))
    return out


# scikit-learn's TfidfVectorizer(stop_words="english", sublinear_tf=True), computed here:
# importing scikit-learn (scipy with it) took 1.3-2.2 s after spaCy on this machine, more
# than the spaCy pass of a small story, for a dense matrix of a few hundred sentences.
# tests/test_summarize.py checks the two give the same matrix on real text.
_TFIDF_TOKEN = re.compile(r"(?u)\b\w\w+\b")  # TfidfVectorizer's default token_pattern


@lru_cache(maxsize=1)
def _english_stop_words() -> frozenset[str]:
    """scikit-learn's English stop list, read from its module file without importing sklearn."""
    spec = importlib.util.find_spec("sklearn")
    if spec is None or spec.origin is None:
        raise ImportError(
            "the summarizer needs scikit-learn's stop list; run: pip install scikit-learn"
        )
    path = Path(spec.origin).parent / "feature_extraction" / "_stop_words.py"
    words_spec = importlib.util.spec_from_file_location("_newsweave_english_stop_words", path)
    assert words_spec is not None and words_spec.loader is not None
    module = importlib.util.module_from_spec(words_spec)
    words_spec.loader.exec_module(module)
    return frozenset(module.ENGLISH_STOP_WORDS)


def _vectorize(texts: list[str]) -> np.ndarray:
    """TF-IDF rows (sublinear tf, smoothed idf, unit length), terms in sorted order."""
    # Unigrams only: adding bigrams lowered ROUGE-2 on the tuning half (15.58 vs 16.15).
    stop = _english_stop_words()
    counts = [
        Counter(w for w in _TFIDF_TOKEN.findall(text.lower()) if w not in stop) for text in texts
    ]
    terms = sorted(set().union(*counts))
    if not terms:  # only stop words: nothing to compare
        return np.zeros((len(texts), 1))
    column = {t: j for j, t in enumerate(terms)}
    tf = np.zeros((len(texts), len(terms)))
    for i, row in enumerate(counts):
        for term, n in row.items():
            tf[i, column[term]] = n
    df = (tf > 0).sum(axis=0)
    nonzero = tf > 0
    tf[nonzero] = np.log(tf[nonzero]) + 1.0
    matrix = tf * (np.log((1 + len(texts)) / (1 + df)) + 1.0)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return np.divide(matrix, norms, out=np.zeros_like(matrix), where=norms > 0)


def _scores(
    candidates: list[_Candidate],
    vectors: np.ndarray,
    similarity: np.ndarray,
    settings: SummarySettings,
) -> np.ndarray:
    docs = np.array([c.article for c in candidates])
    doc_ids = sorted(set(docs.tolist()))

    centroid = vectors.mean(axis=0)
    norm = np.linalg.norm(centroid)
    centrality = vectors @ (centroid / norm) if norm else np.zeros(len(candidates))

    if len(doc_ids) > 1:
        support = np.zeros(len(candidates))
        for d in doc_ids:
            support += similarity[:, docs == d].max(axis=1) * (docs != d)
        support /= len(doc_ids) - 1
    else:
        support = centrality

    position = np.array(
        [math.exp(-(c.sentence.index - 1) / settings.position_decay) for c in candidates]
    )
    if settings.position_gate:
        on_topic = np.minimum(centrality / (np.percentile(centrality, 75) or 1.0), 1.0)
        position *= 1 - settings.position_gate + settings.position_gate * on_topic
    score = (
        settings.support_weight * support
        + settings.centroid_weight * centrality
        + settings.position_weight * position
        + settings.entity_weight * _entity_salience(candidates)
    )
    if settings.doc_weight and len(doc_ids) > 1:
        score *= _article_relevance(vectors, docs, doc_ids) ** settings.doc_weight
    return score


def _article_relevance(vectors: np.ndarray, docs: np.ndarray, doc_ids: list[int]) -> np.ndarray:
    """Per candidate: cosine of its article to all other articles, relative to the best article."""
    relevance = {}
    for d in doc_ids:
        own, others = vectors[docs == d].sum(axis=0), vectors[docs != d].sum(axis=0)
        n_own, n_others = np.linalg.norm(own), np.linalg.norm(others)
        relevance[d] = float(own @ others / (n_own * n_others)) if n_own and n_others else 0.0
    best = max(relevance.values())
    if best <= 0:
        return np.ones(len(docs))
    return np.array([max(relevance[d], 0.0) / best for d in docs.tolist()])


def _entity_salience(candidates: list[_Candidate]) -> np.ndarray:
    """Share of articles that mention each entity, averaged over a sentence's entities."""
    per_doc: dict[int, set[str]] = {}
    for c in candidates:
        keys = {e.text.lower() for e in c.sentence.entities if e.label in _ENTITY_LABELS}
        per_doc.setdefault(c.article, set()).update(keys)
    doc_count = Counter(key for keys in per_doc.values() for key in keys)
    n_docs = max(len(per_doc), 1)
    out = np.zeros(len(candidates))
    for i, c in enumerate(candidates):
        keys = {e.text.lower() for e in c.sentence.entities if e.label in _ENTITY_LABELS}
        if keys:
            out[i] = sum(doc_count[k] for k in keys) / (n_docs * math.sqrt(len(keys)))
    return np.minimum(out, 1.0)


def _select(
    candidates: list[_Candidate],
    scores: np.ndarray,
    similarity: np.ndarray,
    budget: int,
    settings: SummarySettings,
) -> list[int]:
    """Greedy MMR; a sentence that does not fit is passed over, never cut."""
    chosen: list[int] = []
    used = 0
    available = list(range(len(candidates)))
    overlap = np.zeros(len(candidates))  # max similarity to any chosen sentence
    while available and budget - used >= settings.min_words:
        best, best_value = None, -math.inf
        for i in available:
            if overlap[i] > settings.redundancy:
                continue
            value = scores[i] - settings.mmr_lambda * overlap[i]
            if value > best_value:
                best, best_value = i, value
        if best is None:
            break
        available.remove(best)
        if used + candidates[best].words <= budget:
            chosen.append(best)
            used += candidates[best].words
            overlap = np.maximum(overlap, similarity[best])
    return chosen


def _cite_and_order(
    candidates: list[_Candidate],
    chosen: list[int],
    similarity: np.ndarray,
    settings: SummarySettings,
) -> tuple[SummarySentence, ...]:
    """Cite every article that says the same thing; order by where the story tells it."""
    summary = []
    for i in chosen:
        own = candidates[i]
        cited = {own.article: i}
        for j in np.argsort(-similarity[i], kind="stable"):
            other = candidates[j]
            if similarity[i, j] < settings.cite_threshold:
                break
            if other.article not in cited and _compatible_numbers(own, other):
                cited[other.article] = int(j)
        order_key = min(candidates[j].position for j in cited.values())
        citations = tuple(_citation(candidates[j]) for j in cited.values())
        summary.append(((order_key, own.article, own.sentence.index), own.sentence.text, citations))
    summary.sort(key=lambda item: item[0])
    return tuple(SummarySentence(text, citations) for _, text, citations in summary)


def _compatible_numbers(a: _Candidate, b: _Candidate) -> bool:
    """Two sentences back each other up only if one's figures are all in the other.

    "12 people died" supports "12 people died on March 3"; "15 people died on
    March 3" does not support "12 people died on March 3".
    """
    numbers_a = {n.replace(",", "") for n in _NUMBER.findall(a.sentence.text)}
    numbers_b = {n.replace(",", "") for n in _NUMBER.findall(b.sentence.text)}
    return numbers_a <= numbers_b or numbers_b <= numbers_a


def _citation(candidate: _Candidate) -> Citation:
    s = candidate.sentence
    return Citation(s.doc_id, candidate.source, s.index, s.text)
