"""Document frequencies and idf with a prior of general text: how rare a term or name is.

The prior is general text of the term's own language (wordfreq knows about 40): a term
keyed "de:brand" (cluster.text) is as rare as German text has it. In a language wordfreq
lacks, the prior calls every word rare and the corpus alone tells them apart.

Shared by every feature that weighs terms or names, and by anything else that compares
texts of the same corpus (a second, story level can keep its own Vocabulary).
"""

from __future__ import annotations

import functools
import math
from collections import Counter
from collections.abc import Iterable

from newsweave.cluster.text import split_key

# Words per imagined prior document: turns a word's frequency into the share of documents
# that contain it (1 - exp(-frequency * length)); about a news article's length, not searched.
PRIOR_DOC_WORDS = 400


@functools.lru_cache(maxsize=1 << 17)
def document_rate(term: str, language: str | None = None) -> float:
    """Share of documents of PRIOR_DOC_WORDS words expected to contain `term`.

    The language is `language` if given, else the one the term is keyed with
    (cluster.text.key: "de:brand" is German, an unmarked term English). Cached (bounded):
    a wordfreq look-up costs ~0.1 ms, and both levels (events, stories) ask for the same
    words.
    """
    word, keyed = split_key(term)
    return -math.expm1(-word_frequency(word, language or keyed) * PRIOR_DOC_WORDS)


def word_frequency(word: str, language: str) -> float:
    """wordfreq's frequency of `word` in general text of `language`; 0.0 where wordfreq has
    no list, or needs a segmenter that is not installed (Chinese needs jieba, Japanese and
    Korean MeCab: those languages then go without a prior rather than stop a run)."""
    if language not in _available() or language in _UNSEGMENTED:
        return 0.0
    from wordfreq import word_frequency as frequency  # many corpora, shipped as data

    try:
        # The "small" lists hold every word down to a frequency of 1e-6 (29k English
        # words); the default "large" ones go to 1e-8 (321k) and cost 40-100 MB of memory
        # per language once loaded, which a multilingual crawl pays for each language.
        # Below 1e-6 the prior is under 4e-4 of documents either way, and the rare-name
        # test (cluster.text, RARE_NAME_FREQUENCY 1e-6) gives the same answer.
        return frequency(word, language, wordlist="small")
    except ImportError:
        _UNSEGMENTED.add(language)
        return 0.0


_UNSEGMENTED: set[str] = set()  # languages whose wordfreq segmenter is missing here


@functools.cache
def _available() -> frozenset[str]:
    from wordfreq import available_languages

    return frozenset(available_languages())


class Vocabulary:
    """Document frequencies of terms and of names over the texts counted so far.

    `prior_docs` imagined documents of general text are added to the corpus (ClusterSettings):
    after 50 articles "earthquake" and "Capaldi" would otherwise look equally rare.
    """

    def __init__(self, prior_docs: float) -> None:
        self.prior_docs = prior_docs
        self.n_docs = 0
        self.df: Counter[str] = Counter()  # document frequency of terms (full texts)
        self.name_df: Counter[str] = Counter()  # document frequency of names
        self._prior: dict[str, float] = {}  # term -> share of prior documents naming it
        # idf of the terms and names asked since the last `count` (idf changes only there)
        self._term_memo: dict[str, float] = {}
        self._name_memo: dict[str, float] = {}

    def count(self, terms: Iterable[str], names: Iterable[str]) -> None:
        """Count one more document with these (distinct) terms and names."""
        self.n_docs += 1
        self.df.update(terms)
        self.name_df.update(names)
        self._term_memo, self._name_memo = {}, {}

    def prime(self, terms: Iterable[str], names: Iterable[str]) -> None:
        """Work out the idf of an article's terms and names in one loop: the features then
        weigh each several times (probe, unit vectors, scores), from the memo."""
        n0 = self.prior_docs
        if n0 <= 0:
            for words, df, memo in (
                (terms, self.df, self._term_memo),
                (names, self.name_df, self._name_memo),
            ):
                for word in words:
                    if word not in memo:
                        memo[word] = self._smoothed(word, df.get(word, 0))
            return
        # `_smoothed` inlined (the same operations in the same order: the same floats)
        top, prior, log = self.n_docs + n0 + 1, self._prior, math.log
        for words, df, memo in (
            (terms, self.df, self._term_memo),
            (names, self.name_df, self._name_memo),
        ):
            for word in words:
                if word not in memo:
                    p = prior.get(word)
                    if p is None:
                        p = prior[word] = document_rate(word)
                    memo[word] = log(top / (df.get(word, 0) + n0 * p + 1)) + 1.0

    def idf(self, term: str) -> float:
        """idf of a term (a lower-cased word of cluster.text.terms)."""
        value = self._term_memo.get(term)
        if value is None:
            value = self._term_memo[term] = self._smoothed(term, self.df.get(term, 0))
        return value

    def name_idf(self, name: str) -> float:
        """idf of a name (of cluster.text.name_counts)."""
        value = self._name_memo.get(name)
        if value is None:
            value = self._name_memo[name] = self._smoothed(name, self.name_df.get(name, 0))
        return value

    def _smoothed(self, term: str, df: int) -> float:
        """idf over the corpus plus `prior_docs` imagined documents of general text.

        The prior documents contain a word as often as general text of its language would
        have it (wordfreq's frequencies), so idf is sensible from the first article and
        the corpus takes over as it grows.
        """
        n0 = self.prior_docs
        if n0 <= 0:
            return math.log((self.n_docs + 1) / (df + 1)) + 1.0
        p = self._prior.get(term)
        if p is None:
            p = self._prior[term] = document_rate(term)
        return math.log((self.n_docs + n0 + 1) / (df + n0 * p + 1)) + 1.0


def unit(counts: Counter[str], idf) -> dict[str, float]:
    """Sublinear tf divided by the TF-IDF norm: a text's share of a story's sums."""
    tf = {t: 1.0 + math.log(c) for t, c in counts.items()}
    norm = math.sqrt(sum((v * idf(t)) ** 2 for t, v in tf.items())) or 1.0
    return {t: v / norm for t, v in tf.items()}
