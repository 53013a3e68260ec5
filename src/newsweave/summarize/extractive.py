"""Multi-document extractive summary in which every sentence cites its sources.

Sentences from all articles are scored by how much the other outlets back
them up (cross-document support), how central they are to the whole story,
how early they come in their article (news puts the core facts first) and how
many salient entities they carry; a learned model of which sentences tell a point of a
human summary (summarize/scorer.py) makes up part of the score. The early-position bonus
only counts in full for on-topic sentences, and articles far from the rest of the story (an
off-topic piece or a leftover archive notice) weigh less. A greedy MMR pass
picks high scorers that do not repeat what is already chosen, with a bonus for
word pairs several articles share that the summary does not have yet (concept
coverage); sentences from other outlets that say the same thing become extra
citations of the chosen one rather than repeats. The summary never exceeds the
word budget and shows whole sentences in story order.

Only sentences with a verb are candidates (a credits line or a caption fragment is
none). It reads on its own (summarize/readable.py): a pronoun-led sentence ("He said
...", "Of these patients, ...") comes in only with the sentence it leans on, right
after it; an opening connective ("But ...") is dropped from what is shown; people
are introduced by full name and role at first mention, from the actors analysis of
the same text.
Citations always keep the sentence as the outlet wrote it.
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

from newsweave import tokens
from newsweave.language import count_words
from newsweave.model import (
    Actor,
    AlignedPair,
    AnnotatedArticle,
    Citation,
    Sentence,
    SummarySentence,
)
from newsweave.summarize import readable, scorer


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
    # penalty for partial overlap with chosen sentences (0.5 before the learned scorer)
    mmr_lambda: float = 0.3
    cite_threshold: float = 0.45  # cosine above which another outlet says the same thing
    # Concept coverage (Gillick & Favre 2009): word pairs several articles share are the
    # story's concepts; a candidate gains by the weight of the pairs not yet in the summary
    # (weight = share of articles with the pair; pairs of two stop words do not count).
    bigram_weight: float = 0.15  # 0.3 before the learned scorer
    bigram_min_docs: int = 2
    # Meaning, not wording (MiniLM sentence vectors, the ones the coverage section uses):
    # backing from other outlets and closeness to the whole story, on those vectors.
    semantic_support_weight: float = 0.0
    semantic_centroid_weight: float = 0.0
    semantic_support_floor: float = 0.0  # support counts cosines above this, rescaled to 0-1
    # Above this MiniLM cosine a candidate says what a chosen sentence says (1 = off);
    # the MMR penalty on that cosine's excess over `semantic_floor`.
    semantic_redundancy: float = 1.0
    semantic_mmr: float = 0.0
    semantic_floor: float = 0.3
    quote_weight: float = 0.0  # a sentence that quotes someone (reactions)
    dated_weight: float = 0.0  # a sentence that dates what it tells (a DATE entity)
    # Same fact in other words: the coverage section's alignment (analyze/coverage.py,
    # MiniLM plus rare shared anchors) of sentences of different outlets that report one
    # fact. `fact_weight`: backing, the share of the other outlets that report it;
    # `fact_merge`: a sentence aligned with a chosen one is not shown again but cited.
    fact_weight: float = 0.0
    fact_merge: bool = False
    # A sentence in which a person of the story speaks (subject of "said", "accused",
    # "rejected", ...) gains this while that person has no voice in the summary yet, so
    # the reactions of different people come in rather than one person's twice.
    voice_weight: float = 0.0
    # Once the summary has one article's opening sentence, another article's opening
    # keeps this share of its position bonus (1 = off): the story has its lead.
    lead_repeat: float = 1.0
    length_weight: float = 0.0  # times log(words): below 0 favours short sentences
    # Readability (summarize/readable.py): a pronoun-led sentence only right after the
    # sentence it leans on; people introduced by full name and role at first mention.
    standalone: bool = True
    introduce: bool = True
    # Show sentences without their non-restrictive relative clauses (", who ..."), so the
    # budget holds more of the story; the citation keeps the sentence as written.
    side_clauses: bool = False
    # Only sentences with a verb (a parse says so): a credits line ("With Ada Kern, Ivo
    # Marsh and ...") or a caption fragment is not a sentence of the story.
    clauses_only: bool = True
    min_words: int = 6
    max_words: int = 80
    # The learned sentence scorer (summarize/scorer.py): the share of each sentence's score
    # that comes from the model's estimate of how closely it tells a point of the human
    # summary (rescaled to the hand score's range); 0 = the hand-tuned combination alone.
    # 0.5 with `mmr_lambda` 0.3 and `bigram_weight` 0.15 and the 5-fit bagged model: 2-fold
    # ROUGE-2 within the tuning half 17.35 (17.17 on a second split of the folds; one fit at
    # mix 0.4: 17.32 / 16.72), docs/benchmarks.md.
    learned_mix: float = 0.5


DEFAULT_SETTINGS = SummarySettings()
_ENTITY_LABELS = {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT"}
_NUMBER = re.compile(r"\d[\d,.]*\d|\d")
_QUOTE_MARK = re.compile(r"[“”\"«»]")


@dataclass(frozen=True)
class _Candidate:
    sentence: Sentence
    source: str
    article: int  # position of its article in the input
    words: int
    position: float  # 0 = first sentence of its article, 1 = last
    language: str  # base language code of its article ("en", "fr", ...)
    dependent: bool  # leans on the sentence before it (readable.depends_on_previous)
    row: int  # its sentence's row among all sentences of all articles, in order


def summarize(
    articles: Sequence[AnnotatedArticle],
    words: int = 120,
    settings: SummarySettings = DEFAULT_SETTINGS,
    *,
    vectors: np.ndarray | None = None,
    aligned: Sequence[AlignedPair] | None = None,
    model: scorer.TreeEnsemble | None = None,
) -> tuple[SummarySentence, ...]:
    """Pick non-redundant, cited sentences totalling at most `words` words.

    `vectors` may carry the MiniLM sentence vectors of every sentence of every article,
    in order (what `annotations.annotate_stored` returns and the coverage section uses);
    without them the sentences the ranker needs are encoded here. `aligned` may carry the
    coverage section's pairs of sentences that report the same fact (`Coverage.alignment`
    of the same articles); with `fact_weight` or `fact_merge` on and none given, they are
    computed here. `model` replaces the shipped sentence scorer (bench/fit_sentence_scorer.py
    passes the one it is fitting).
    """
    candidates = _candidates(articles, settings)
    if not candidates:
        return ()
    terms = _vectorize([c.sentence.text for c in candidates], [c.language for c in candidates])
    similarity = terms @ terms.T
    semantic = _semantic(candidates, settings, vectors)
    facts = _facts(articles, candidates, settings, vectors, aligned)
    if facts is not None and settings.fact_merge:  # one fact: cited together, shown once
        similarity = np.maximum(similarity, facts)
    scores, lead, parts = _scores(candidates, terms, similarity, settings, semantic, facts)
    if settings.learned_mix:
        scores = lead + _learned(candidates, similarity, settings, scores - lead, parts, model)
    meaning = semantic @ semantic.T if semantic is not None else None
    previous = _previous(candidates)
    actors = _actors(articles) if settings.introduce or settings.voice_weight else ()
    voices = _voices(candidates, actors) if settings.voice_weight else None
    nouns = _nouns(articles) if actors else {}
    # Introductions add words to what is shown: select again under a budget smaller by
    # the overflow (a few rounds), so the summary still fills but never exceeds `words`.
    budget = words
    for _ in range(10):
        chosen = _select(
            candidates, scores, similarity, budget, settings, previous, meaning, voices, lead
        )
        summary = _cite_and_order(
            candidates, chosen, similarity, settings, previous, scores, actors, nouns
        )
        overflow = sum(count_words(s.text) for s in summary) - words
        if overflow <= 0:
            return summary
        budget -= overflow
    # still over: drop the last picks (and what leans on them) until it fits
    while chosen:
        chosen = chosen[:-1]
        while True:  # a chain of pronoun-led sentences goes with its head
            kept = set(chosen)
            held = [i for i in chosen if not _leans(candidates[i], settings) or previous[i] in kept]
            if len(held) == len(chosen):
                break
            chosen = held
        summary = _cite_and_order(
            candidates, chosen, similarity, settings, previous, scores, actors, nouns
        )
        if sum(count_words(s.text) for s in summary) <= words:
            return summary
    return ()


def _candidates(
    articles: Sequence[AnnotatedArticle], settings: SummarySettings
) -> list[_Candidate]:
    out = []
    row = 0
    for a_i, annotated in enumerate(articles):
        count = len(annotated.sentences)
        language = readable.language_of(annotated.article.language)
        for sentence in annotated.sentences:
            n = count_words(sentence.text)
            if settings.min_words <= n <= settings.max_words and (
                not settings.clauses_only or _has_verb(sentence)
            ):
                if settings.side_clauses:
                    n = count_words(_shown(sentence, language, settings))
                position = (sentence.index - 1) / max(count - 1, 1)
                dependent = readable.depends_on_previous(sentence, language)
                out.append(
                    _Candidate(
                        sentence,
                        annotated.article.label,
                        a_i,
                        n,
                        position,
                        language,
                        dependent,
                        row,
                    )
                )
            row += 1
    return out


def _has_verb(sentence: Sentence) -> bool:
    """Whether the sentence has a verb, or no tagger to tell (rule-split languages have
    tokens without parts of speech)."""
    tags = [t.pos for t in sentence.tokens if t.pos]
    return not tags or any(p in ("VERB", "AUX") for p in tags)


def _semantic(
    candidates: list[_Candidate], settings: SummarySettings, vectors: np.ndarray | None
) -> np.ndarray | None:
    """The candidates' MiniLM vectors (unit rows), or None when no setting reads them."""
    if not (
        settings.semantic_support_weight
        or settings.semantic_centroid_weight
        or settings.semantic_redundancy < 1.0
        or settings.semantic_mmr
    ):
        return None
    if vectors is None:
        from newsweave.encoder import encode

        return np.asarray(encode([c.sentence.text for c in candidates]), dtype=np.float64)
    return np.asarray(vectors, dtype=np.float64)[[c.row for c in candidates]]


def _facts(
    articles: Sequence[AnnotatedArticle],
    candidates: list[_Candidate],
    settings: SummarySettings,
    vectors: np.ndarray | None,
    aligned: Sequence[AlignedPair] | None,
) -> np.ndarray | None:
    """1 where two candidates of different outlets report the same fact (the coverage
    section's alignment), else 0; None when no setting reads it."""
    if not (settings.fact_weight or settings.fact_merge):
        return None
    if aligned is None:
        from newsweave.analyze.coverage import compare_coverage

        aligned = compare_coverage(articles, vectors=vectors).alignment
    where = {(c.sentence.doc_id, c.sentence.index): i for i, c in enumerate(candidates)}
    out = np.zeros((len(candidates), len(candidates)))
    for pair in aligned:
        i = where.get((pair.a.doc_id, pair.a.sentence))
        j = where.get((pair.b.doc_id, pair.b.sentence))
        if i is not None and j is not None and candidates[i].article != candidates[j].article:
            out[i, j] = out[j, i] = 1.0
    return out


def _previous(candidates: list[_Candidate]) -> list[int | None]:
    """Per candidate: the candidate of the sentence just before it in its article, if any."""
    where = {(c.article, c.sentence.index): i for i, c in enumerate(candidates)}
    return [where.get((c.article, c.sentence.index - 1)) for c in candidates]


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


def _terms(text: str, language: str) -> Counter[str]:
    """A sentence's terms without its language's stop words.

    English keeps scikit-learn's tokens and stop list (what the ranker was tuned with);
    every other language reads words the way tokens.py does, with spaCy's stop list
    for that language.
    """
    if language == "en":
        stop = _english_stop_words()
        return Counter(w for w in _TFIDF_TOKEN.findall(text.lower()) if w not in stop)
    stop = tokens.stop_words(language)
    return Counter(w for w in tokens.words(text) if w not in stop and not w.isdigit())


def _vectorize(texts: list[str], languages: Sequence[str] | None = None) -> np.ndarray:
    """TF-IDF rows (sublinear tf, smoothed idf, unit length), terms in sorted order.

    `languages[i]` is the base language code of `texts[i]` (English when not given).
    """
    # Unigrams only: adding bigrams lowered ROUGE-2 on the tuning half (15.58 vs 16.15).
    langs = languages if languages is not None else ["en"] * len(texts)
    counts = [_terms(text, lang) for text, lang in zip(texts, langs, strict=True)]
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
    semantic: np.ndarray | None = None,
    facts: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """Each candidate's score, the part of it an opening sentence owes to its position
    (zero for the other sentences), and the parts the learned scorer reads."""
    docs = np.array([c.article for c in candidates])
    doc_ids = sorted(set(docs.tolist()))
    centrality = _centrality(vectors)
    support = _support(similarity, docs, doc_ids, centrality)

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
    if settings.quote_weight:
        score = score + settings.quote_weight * np.array(
            [_QUOTE_MARK.search(c.sentence.text) is not None for c in candidates], dtype=float
        )
    if facts is not None and settings.fact_weight and len(doc_ids) > 1:
        backed = np.zeros(len(docs))
        for d in doc_ids:
            backed += facts[:, docs == d].max(axis=1) * (docs != d)
        score = score + settings.fact_weight * backed / (len(doc_ids) - 1)
    if settings.dated_weight:
        score = score + settings.dated_weight * np.array(
            [any(e.label == "DATE" for e in c.sentence.entities) for c in candidates], dtype=float
        )
    if settings.length_weight:
        score = score + settings.length_weight * np.log([c.words for c in candidates])
    if semantic is not None:
        meaning = _centrality(semantic)
        score = (
            score
            + settings.semantic_support_weight
            * _support(
                _beyond(semantic @ semantic.T, settings.semantic_support_floor),
                docs,
                doc_ids,
                meaning,
            )
            + settings.semantic_centroid_weight * meaning
        )
    lead = (
        settings.position_weight
        * position
        * np.array([c.sentence.index == 1 for c in candidates], dtype=float)
    )
    relevance = np.ones(len(candidates))
    if settings.doc_weight and len(doc_ids) > 1:
        relevance = _article_relevance(vectors, docs, doc_ids) ** settings.doc_weight
        score, lead = score * relevance, lead * relevance
    parts = {
        "support": support,
        "centrality": centrality,
        "position_bonus": position,
        "entity_salience": _entity_salience(candidates),
        "relevance": relevance,
        "hand_score": score,
    }
    return score, lead, parts


def sentence_features(
    articles: Sequence[AnnotatedArticle], settings: SummarySettings = DEFAULT_SETTINGS
) -> tuple[list[Sentence], np.ndarray]:
    """The summary's candidate sentences and the learned scorer's features of each
    (summarize/scorer.py; what bench/fit_sentence_scorer.py fits on)."""
    candidates = _candidates(articles, settings)
    if not candidates:
        return [], np.zeros((0, len(scorer.FEATURES)))
    terms = _vectorize([c.sentence.text for c in candidates], [c.language for c in candidates])
    similarity = terms @ terms.T
    _, _, parts = _scores(candidates, terms, similarity, settings)
    rows = scorer.features(
        candidates, similarity, parts, _concepts(candidates, settings), _english_stop_words()
    )
    return [c.sentence for c in candidates], rows


def _learned(
    candidates: list[_Candidate],
    similarity: np.ndarray,
    settings: SummarySettings,
    scores: np.ndarray,
    parts: dict[str, np.ndarray],
    model: scorer.TreeEnsemble | None,
) -> np.ndarray:
    """The hand score mixed with the model's estimate, the estimate rescaled to the hand
    score's mean and spread over the story's sentences. The caller keeps an opening
    sentence's position bonus out of the mix: the summary still opens with a lead."""
    rows = scorer.features(
        candidates, similarity, parts, _concepts(candidates, settings), _english_stop_words()
    )
    estimate = (model or scorer.shipped_model()).predict(rows)
    spread, hand_spread = estimate.std(), scores.std()
    if spread <= 0 or hand_spread <= 0:
        return scores
    rescaled = scores.mean() + (estimate - estimate.mean()) * (hand_spread / spread)
    mix = settings.learned_mix
    return (1 - mix) * scores + mix * rescaled


def _beyond(cosines: np.ndarray, floor: float) -> np.ndarray:
    """Cosines rescaled so that `floor` and below count 0 and 1 stays 1: sentences of a
    story share a topic, so only a close match in meaning says the same thing."""
    return np.maximum(cosines - floor, 0.0) / (1.0 - floor) if floor < 1 else cosines * 0.0


def _centrality(vectors: np.ndarray) -> np.ndarray:
    """Cosine of each row to the mean row."""
    centroid = vectors.mean(axis=0)
    norm = np.linalg.norm(centroid)
    return vectors @ (centroid / norm) if norm else np.zeros(len(vectors))


def _support(
    similarity: np.ndarray, docs: np.ndarray, doc_ids: list[int], alone: np.ndarray
) -> np.ndarray:
    """Per row: its best match in each other article, averaged over them (`alone` when
    there is only one article)."""
    if len(doc_ids) < 2:
        return alone
    support = np.zeros(len(docs))
    for d in doc_ids:
        support += similarity[:, docs == d].max(axis=1) * (docs != d)
    return support / (len(doc_ids) - 1)


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
    previous: list[int | None],
    meaning: np.ndarray | None = None,
    voices: list[str | None] | None = None,
    lead: np.ndarray | None = None,
) -> list[int]:
    """Greedy MMR with concept coverage; a sentence that does not fit is passed over,
    never cut.

    A sentence that leans on the one before it waits until that one is chosen. With
    `meaning` (MiniLM cosines), a sentence that says in other words what a chosen one
    says is passed over too.
    """
    n = len(candidates)
    chosen: list[int] = []
    used = 0
    available = np.ones(n, dtype=bool)
    overlap = np.zeros(n)  # max similarity to any chosen sentence
    same = np.zeros(n)  # max MiniLM cosine to any chosen sentence
    picked = np.zeros(n, dtype=bool)
    concepts = _concepts(candidates, settings) if settings.bigram_weight else []
    concept_best = max((sum(row.values()) for row in concepts), default=0.0)
    seen: set[tuple[str, str]] = set()
    voiced: set[str] = set()
    has_lead = False
    while available.any() and budget - used >= settings.min_words:
        value = scores - settings.mmr_lambda * overlap
        if has_lead and lead is not None:
            value = value - (1 - settings.lead_repeat) * lead
        if meaning is not None and settings.semantic_mmr:
            value = value - settings.semantic_mmr * np.maximum(same - settings.semantic_floor, 0)
        if settings.bigram_weight and concept_best > 0:
            gain_b = np.array([sum(w for b, w in row.items() if b not in seen) for row in concepts])
            value = value + settings.bigram_weight * gain_b / concept_best
        if voices is not None:
            value = value + settings.voice_weight * np.array(
                [v is not None and v not in voiced for v in voices], dtype=float
            )
        eligible = available & (overlap <= settings.redundancy)
        if meaning is not None:
            eligible &= same <= settings.semantic_redundancy
        if not eligible.any():
            break
        best = int(np.flatnonzero(eligible)[np.argmax(value[eligible])])
        available[best] = False
        group = _with_antecedents(best, candidates, previous, picked, settings)
        words = sum(candidates[i].words for i in group)
        if group and used + words <= budget:
            for i in group:
                available[i] = False
                chosen.append(i)
                picked[i] = True
                used += candidates[i].words
                overlap = np.maximum(overlap, similarity[i])
                has_lead = has_lead or candidates[i].sentence.index == 1
                if meaning is not None:
                    same = np.maximum(same, meaning[i])
                if concepts:
                    seen.update(concepts[i])
                voice = voices[i] if voices is not None else None
                if voice is not None:
                    voiced.add(voice)
    return chosen


# Verbs of a reaction beside the speech verbs of the quotes analysis ("rejected a
# suggestion", "responded"): their subject is a voice of the story.
_REACTION_LEMMAS = frozenset(("reject", "respond", "dismiss", "refuse", "rule", "welcome"))


def _voices(candidates: list[_Candidate], actors: Sequence[Actor]) -> list[str | None]:
    """Per candidate: the person of the story who speaks in it (the subject of a speech or
    reaction verb, found by the names the actors analysis merged), or None."""
    from newsweave.analyze.quotes import CUE_LEMMAS

    names: dict[str, set[str]] = {}
    for actor in actors:
        if actor.kind != "person":
            continue
        for name in (actor.name, *actor.aliases, actor.name.split()[-1]):
            names.setdefault(name.lower(), set()).add(actor.name)
    out: list[str | None] = []
    for c in candidates:
        tokens = c.sentence.tokens
        voice = None
        for i, t in enumerate(tokens):
            if t.dep not in ("nsubj", "nsubjpass") or not 0 <= t.head < len(tokens):
                continue
            verb = tokens[t.head]
            if verb.lemma.lower() not in CUE_LEMMAS | _REACTION_LEMMAS:
                continue
            if verb.dep != "ROOT" or (t.ent != "PERSON" and t.pos != "PROPN"):
                continue  # the main clause's speaker only ("X maintained that Y promised")
            first = i  # the whole name the subject ends: "Kim Yong Chol"
            while first > 0 and tokens[first - 1].pos == "PROPN":
                first -= 1
            run = [u.text for u in tokens[first : i + 1]]
            who: set[str] = set()
            for k in range(len(run)):
                who = names.get(" ".join(run[k:]).lower(), set())
                if len(who) == 1:
                    break
            if len(who) == 1:
                voice = next(iter(who))
                break
        out.append(voice)
    return out


def _concepts(
    candidates: list[_Candidate], settings: SummarySettings
) -> list[dict[tuple[str, str], float]]:
    """Per candidate: its word pairs that `bigram_min_docs` or more articles have, weighted
    by the share of articles that have them (one article: pairs it repeats)."""
    pairs: list[set[tuple[str, str]]] = []
    for c in candidates:
        stop = _english_stop_words() if c.language == "en" else tokens.stop_words(c.language)
        seq = _TFIDF_TOKEN.findall(c.sentence.text.lower())
        pairs.append(
            {(a, b) for a, b in zip(seq, seq[1:], strict=False) if a not in stop or b not in stop}
        )
    n_docs = len({c.article for c in candidates})
    docs: dict[tuple[str, str], set[int]] = {}
    count: Counter[tuple[str, str]] = Counter()
    for c, found in zip(candidates, pairs, strict=True):
        for pair in found:
            docs.setdefault(pair, set()).add(c.article)
            count[pair] += 1
    need = min(settings.bigram_min_docs, n_docs)
    if n_docs == 1:
        weight = {p: 1.0 for p, n in count.items() if n >= 2}
    else:
        weight = {p: len(d) / n_docs for p, d in docs.items() if len(d) >= max(need, 2)}
    return [{p: weight[p] for p in row if p in weight} for row in pairs]


def _with_antecedents(
    best: int,
    candidates: list[_Candidate],
    previous: list[int | None],
    picked: np.ndarray,
    settings: SummarySettings,
) -> list[int]:
    """`best` with the unchosen sentences it leans on, earliest first; [] if one is missing.

    A pronoun-led sentence comes into the summary with the sentence before it (and that
    one's, if it leans back too), or not at all.
    """
    group = [best]
    while settings.standalone and candidates[group[0]].dependent:
        before = previous[group[0]]
        if before is None:  # its antecedent is too short or too long to show
            return []
        if picked[before]:
            break
        group.insert(0, before)
        if len(group) > 3:
            return []
    return group


def _cite_and_order(
    candidates: list[_Candidate],
    chosen: list[int],
    similarity: np.ndarray,
    settings: SummarySettings,
    previous: list[int | None],
    scores: np.ndarray,
    actors: Sequence[Actor],
    nouns: dict[str, str] | None = None,
) -> tuple[SummarySentence, ...]:
    """Cite every article that says the same thing; order by where the story tells it.

    Of sentences told at the same point (the leads of several articles), the best
    ranked comes first, so the summary opens with the lead the ranker prefers. A
    sentence that leans on the one before it comes right after that one. What is shown
    drops an opening connective and introduces people at first mention
    (summarize/readable.py); every citation keeps its sentence as the outlet wrote it.
    """
    items = []
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
        items.append(((order_key, -scores[i], own.article, own.sentence.index), i, citations))
    items.sort(key=lambda item: item[0])
    order = [i for _, i, _ in items]
    for i in [i for i in order if candidates[i].dependent]:  # in story order, so chains hold
        before = previous[i]
        if before is not None and before in order:
            order.remove(i)
            order.insert(order.index(before) + 1, i)
    cites = {i: c for _, i, c in items}
    texts = [
        readable.without_connective(candidates[i].sentence.text, candidates[i].language)
        for i in order
    ]
    if actors:
        shown = [
            (t, candidates[i].sentence, len(candidates[i].sentence.text) - len(t))
            for t, i in zip(texts, order, strict=True)
        ]
        texts = readable.introduce_people(shown, actors, nouns)
    if settings.side_clauses:  # after the introductions, whose offsets are the sentence's
        texts = [
            readable.drop_phrases(t, _side_clauses(candidates[i]))
            for t, i in zip(texts, order, strict=True)
        ]
    return tuple(SummarySentence(t, cites[i]) for t, i in zip(texts, order, strict=True))


def _shown(sentence: Sentence, language: str, settings: SummarySettings) -> str:
    """The sentence as the summary shows it, before introductions: no opening connective,
    and (with `side_clauses`) no non-restrictive relative clauses."""
    text = readable.without_connective(sentence.text, language)
    if settings.side_clauses:
        spans = readable.side_clauses(sentence, language)
        text = readable.drop_phrases(text, [sentence.text[b:e] for b, e in spans])
    return text


def _side_clauses(candidate: _Candidate) -> list[str]:
    s = candidate.sentence
    return [s.text[b:e] for b, e in readable.side_clauses(s, candidate.language)]


def _nouns(articles: Sequence[AnnotatedArticle]) -> dict[str, str]:
    """Lower-case noun -> its Penn tag in the articles (singular wins over plural)."""
    out: dict[str, str] = {}
    for a in articles:
        for s in a.sentences:
            for t in s.tokens:
                if t.pos in ("NOUN", "PROPN") and out.get(t.text.lower()) not in ("NN", "NNP"):
                    out[t.text.lower()] = t.tag
    return out


def _actors(articles: Sequence[AnnotatedArticle]) -> tuple[Actor, ...]:
    """The actors analysis of the articles it can read (names and roles come from there)."""
    from newsweave.analyze.actors import find_actors

    parsed = [a for a in articles if any(s.entities for s in a.sentences)]
    return find_actors(parsed) if parsed else ()


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


def _leans(candidate: _Candidate, settings: SummarySettings) -> bool:
    return settings.standalone and candidate.dependent
