"""The one place that knows the order of the stages.

Every article takes one path, `prepare`: read -> decode (`ingest`) -> clean
(`extract`) -> hash -> MinHash sign (`dedup`), whether it is briefed, extracted,
ingested, prepared on a Dask worker or posted to the web service.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from newsweave import dedup
from newsweave.errors import DocumentError, NothingReadError
from newsweave.extract import extract_article
from newsweave.ingest import read_sources
from newsweave.language import ENGLISH, UNDETERMINED
from newsweave.model import (
    AnnotatedArticle,
    Article,
    Briefing,
    PreparedArticle,
    RawDocument,
    SectionNote,
    SkippedDocument,
)
from newsweave.store import content_hash, text_hash

if TYPE_CHECKING:
    from newsweave.store import Store
    from newsweave.summarize import SummarySettings

DEFAULT_WORDS = 120
# Coverage's sentence vectors computed on a worker thread while spaCy annotates (`_Embedder`):
# True always, False never (coverage encodes them after spaCy, in the calling thread), None
# when a core is spare (`spare_core`). On a 2-core machine at load average 8-11 the thread
# gained nothing (median warm ratio 2.40 beside, 2.25 after; bench/speed.py measures both).
ENCODE_BESIDE_SPACY: bool | None = None
Progress = Callable[[int], None]  # called with the number of documents just finished


@dataclass(frozen=True)
class ExtractResult:
    articles: tuple[Article, ...]
    skipped: tuple[SkippedDocument, ...]


def iter_articles(
    paths: Iterable[str | Path],
    *,
    dates: Mapping[str, date] | None = None,
    stdin: BinaryIO | None = None,
) -> Iterator[Article | SkippedDocument]:
    """Read and clean documents one at a time (no NLP): the fast, streaming path."""
    for item in prepare_sources(paths, dates=dates, stdin=stdin, fingerprint=False):
        yield item.article if isinstance(item, PreparedArticle) else item


def prepare_sources(
    paths: Iterable[str | Path],
    *,
    dates: Mapping[str, date] | None = None,
    stdin: BinaryIO | None = None,
    fingerprint: bool = True,
) -> Iterator[PreparedArticle | SkippedDocument]:
    """Every document under `paths`, read, decoded and `prepare`d, in reading order."""
    return prepare_documents(read_sources(paths, dates=dates, stdin=stdin), fingerprint=fingerprint)


def prepare_documents(
    items: Iterable[RawDocument | SkippedDocument], *, fingerprint: bool = True
) -> Iterator[PreparedArticle | SkippedDocument]:
    """`prepare` each document a reader yields; what the reader skipped passes through."""
    for item in items:
        yield prepare(item, fingerprint=fingerprint) if isinstance(item, RawDocument) else item


def prepare(raw: RawDocument, *, fingerprint: bool = True) -> PreparedArticle | SkippedDocument:
    """The one path of an article: clean -> hash -> MinHash sign (reading and decoding
    made the RawDocument). Without `fingerprint`, only cleaned (`brief`, `extract`)."""
    cleaned = clean(raw)
    if isinstance(cleaned, SkippedDocument):
        return cleaned
    if not fingerprint:
        return PreparedArticle(cleaned, raw.text)
    return fingerprint_article(cleaned, raw.text)


def clean(raw: RawDocument) -> Article | SkippedDocument:
    """One RawDocument to an Article, or the reason it cannot be used."""
    try:
        return extract_article(raw)
    except DocumentError as exc:
        return SkippedDocument(exc.doc_id, exc.reason)
    except RecursionError:  # pathologically nested HTML
        return SkippedDocument(raw.doc_id, "HTML nested too deeply to parse")


def fingerprint_article(
    article: Article, raw_text: str | None = None, embedding: Any = None
) -> PreparedArticle:
    """Hashes and MinHash signature of a cleaned article: what ingest needs to find its
    copies. Also used for articles handed to the corpus writer already cleaned."""
    return PreparedArticle(
        article,
        raw_text,
        content_hash(article),
        text_hash(article),
        dedup.signature(article.text, article.language),
        embedding,
    )


def extract(
    paths: Iterable[str | Path],
    *,
    dates: Mapping[str, date] | None = None,
    stdin: BinaryIO | None = None,
    progress: Progress | None = None,
) -> ExtractResult:
    """Clean every document under `paths`; bad documents are listed, not raised."""
    articles: list[Article] = []
    skipped: list[SkippedDocument] = []
    for item in iter_articles(paths, dates=dates, stdin=stdin):
        (articles if isinstance(item, Article) else skipped).append(item)  # type: ignore[arg-type]
        if progress:
            progress(1)
    return ExtractResult(tuple(articles), tuple(skipped))


def story_groups(
    articles: Sequence[Article], *, cross_lingual: bool = False
) -> list[list[Article]]:
    """The articles grouped into stories by the event clusterer ingest uses (a fresh
    OnlineClusterer fed as corpus/writer.py feeds it), each group in reading order;
    `brief` refuses input that forms more than one group. One article is one group
    (the clusterer, and scikit-learn with it, is then not loaded). Stories stay within
    one language unless `cross_lingual` (`ClusterSettings.with_cross_lingual`: the
    multilingual lead encoder is then loaded)."""
    if len(articles) < 2:
        return [list(articles)]
    from newsweave.cluster import DEFAULT_SETTINGS, ClusterInput, OnlineClusterer

    settings = DEFAULT_SETTINGS.with_cross_lingual() if cross_lingual else DEFAULT_SETTINGS

    ids = [f"{content_hash(a)}-{i}" for i, a in enumerate(articles)]
    inputs = [
        ClusterInput(key, a.title, a.text, a.published, language=a.language)
        for key, a in zip(ids, articles, strict=True)
    ]
    story_of: dict[str, str] = {}
    assignments = OnlineClusterer(settings).add_many(inputs)
    for key, assignment in zip(ids, assignments, strict=True):
        for old in assignment.merged:
            for member, story in story_of.items():
                if story == old:
                    story_of[member] = assignment.story_id
        story_of[key] = assignment.story_id
        for new_story, moved in assignment.split:
            for member in moved:
                story_of[member] = new_story
    order = list(dict.fromkeys(story_of[key] for key in ids))
    return [[a for key, a in zip(ids, articles, strict=True) if story_of[key] == s] for s in order]


def brief_articles(
    articles: Iterable[Article],
    *,
    words: int = DEFAULT_WORDS,
    skipped: Iterable[SkippedDocument] = (),
    settings: SummarySettings | None = None,
    store: Store | None = None,
) -> Briefing:
    """Annotate cleaned articles and build the cited briefing: summary, quotes,
    timeline, actors and coverage.

    With a `store`, each article's annotation and sentence vectors are read from it
    when present and saved to it when computed (newsweave.annotations).
    """
    # Imported here so the cleaning path (`extract`) never pays for spaCy,
    # scikit-learn or the sentence encoder.
    from newsweave.analyze.actors import find_actors
    from newsweave.analyze.coverage import compare_coverage
    from newsweave.analyze.quotes import find_quotes
    from newsweave.analyze.timeline import build_timeline
    from newsweave.nlp import annotate
    from newsweave.summarize import DEFAULT_SETTINGS, summarize

    articles = tuple(articles)
    vectors = None
    compared = ["coverage" in analyses_for(a.language) for a in articles]
    beside = store is None and sum(compared) > 1
    beside = beside and (spare_core() if ENCODE_BESIDE_SPACY is None else ENCODE_BESIDE_SPACY)
    with _Embedder(compared if beside else None) as embedder:
        if store is None:
            annotated = annotate(articles, on_article=embedder.article_done)
        else:
            from newsweave.annotations import annotate_stored

            # Coverage compares sentences only across two or more sources.
            stored = annotate_stored(articles, store, vectors=len(articles) > 1)
            annotated, vectors = list(stored.articles), stored.vectors
        # The summary is extractive (verbatim, cited sentences) and works in any language;
        # each analysis sees the articles whose language it can read (`analyses_for`).
        can = [analyses_for(a.article.language) for a in annotated]

        def readable(section: str) -> list:
            return [a for a, sections in zip(annotated, can, strict=True) if section in sections]

        def in_language(section: str, language: str) -> list:
            return [
                a for a in readable(section) if _analysis_language(a.article.language) == language
            ]

        quotes = find_quotes(in_language("quotes", "en"))
        french = in_language("quotes", "fr")
        if french:
            from newsweave.analyze import quotes_fr

            quotes += quotes_fr.find_quotes(french)
        summary = summarize(annotated, words=words, settings=settings or DEFAULT_SETTINGS)
        timeline = build_timeline(readable("timeline"))
        actors = find_actors(readable("actors"))
        coverage_vectors = vectors
        if vectors is not None and not all(compared):
            rows = [k for a, k in zip(annotated, compared, strict=True) for _ in a.sentences]
            coverage_vectors = vectors[rows]
        if embedder.active:  # the encoder has been at work beside everything above
            coverage_vectors = embedder.vectors(annotated)
        coverage = compare_coverage(readable("coverage"), vectors=coverage_vectors)
    return Briefing(
        sources=articles,
        summary=summary,
        skipped=tuple(skipped),
        word_budget=words,
        quotes=quotes,
        timeline=timeline,
        actors=actors,
        coverage=coverage,
        notes=section_notes(articles),
    )


def spare_core() -> bool:
    """Whether a core is free for the encoder beside spaCy: the 1-minute load average
    (this process's own thread included) leaves at least one of the cores idle."""
    try:
        cores = len(os.sched_getaffinity(0))  # the cores this process may run on
    except AttributeError:  # no affinity on this system
        cores = os.cpu_count() or 1
    try:
        return os.getloadavg()[0] <= cores - 1
    except (AttributeError, OSError):  # no load average on this system
        return False


class _Embedder:
    """Coverage's sentence vectors computed beside spaCy: as `annotate` finishes an article,
    the sentences coverage compares (`coverage.is_unit`) go to one worker thread that runs
    the encoder (onnxruntime releases the GIL), while spaCy goes on with the next articles
    and then the other analyses run. On a machine with a free core the encoder then costs
    little of a briefing's time (docs/benchmarks.md, "Where a briefing's time goes"); the
    vectors are the same as encoding all at once (the encoder's rows do not depend on their
    batch). Inactive (`compared` None): nothing is started.
    """

    def __init__(self, compared: list[bool] | None) -> None:
        self.active = compared is not None
        self._compared = compared or []
        self._pool: Any = None
        self._rows: dict[int, list[tuple[Any, int]]] = {}  # article -> (job, row) per unit
        self._submitted: dict[str, tuple[Any, int]] = {}  # each distinct text embedded once

    def __enter__(self) -> _Embedder:
        if self.active:
            from concurrent.futures import ThreadPoolExecutor

            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="newsweave-encoder")
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def article_done(self, index: int, annotated: AnnotatedArticle) -> None:
        if not self.active or not self._compared[index]:
            return
        from newsweave.analyze.coverage import is_unit
        from newsweave.encoder import encode

        texts = [s.text for s in annotated.sentences if is_unit(s)]
        new = list(dict.fromkeys(t for t in texts if t not in self._submitted))
        if new:
            job = self._pool.submit(encode, new)
            self._submitted.update((t, (job, r)) for r, t in enumerate(new))
        self._rows[index] = [self._submitted[t] for t in texts]

    def vectors(self, annotated: Sequence[AnnotatedArticle]) -> Any:
        """One row per sentence of the compared articles, in order (zeros where coverage
        reads none); waits for the encoder."""
        import numpy as np

        from newsweave.analyze.coverage import is_unit
        from newsweave.encoder import DIMENSIONS

        blocks = []
        for index, article in enumerate(annotated):
            if not self._compared[index]:
                continue
            block = np.zeros((len(article.sentences), DIMENSIONS), dtype=np.float32)
            units = [k for k, s in enumerate(article.sentences) if is_unit(s)]
            for k, (job, row) in zip(units, self._rows.get(index, []), strict=True):
                block[k] = job.result()[row]
            blocks.append(block)
        return np.concatenate(blocks) if blocks else np.zeros((0, DIMENSIONS), np.float32)


# Every briefing section a SectionNote can name, in reading order.
SECTIONS = ("summary", "quotes", "timeline", "actors", "coverage")
# Languages with a full model (newsweave.nlp.LANGUAGE_MODELS) get every section; "und"
# (too short to tell) is read as English, as before languages were known.
FULL_LANGUAGES = frozenset({ENGLISH, UNDETERMINED, "fr"})
# Any other language is split into sentences by sentencex's rules, with spaCy's tokenizer
# and stop list where spaCy has the language: the cited summary and coverage (sentence
# alignment; no figures or names, which need a tagger and entities) work from those.
# Quotes, timeline and actors need a parse and named entities, which no model installed
# here gives for these languages.
RULE_SECTIONS = frozenset({"summary", "coverage"})
# Why a section leaves an article out, as the reader is told ({langs}: the codes left out).
_FULL_NAMES = "English and French"
WHY_NOT = {
    "quotes": f"quotes and speakers are read in {_FULL_NAMES} only",
    "timeline": f"dates are read in {_FULL_NAMES} only",
    "actors": "no named-entity model for {langs} (" + _FULL_NAMES + " only)",
    "coverage": "no stop list for {langs}",
}
# Said of coverage when rule-only articles take part: what it could and could not do there.
PARTIAL_COVERAGE = (
    "sentences of {n} are compared by wording only: figures and names, and so "
    "disagreements, need a tagger and named entities (" + _FULL_NAMES + " only)"
)


def _analysis_language(language: str) -> str:
    return ENGLISH if language == UNDETERMINED else language


def analyses_for(language: str) -> frozenset[str]:
    """The briefing sections an article in `language` (ISO 639-1, or "und") takes part in."""
    if language in FULL_LANGUAGES:
        return frozenset(SECTIONS)
    if has_stop_list(language):
        return RULE_SECTIONS
    return frozenset({"summary"})


@lru_cache(maxsize=64)
def has_stop_list(language: str) -> bool:
    """spaCy has a tokenizer and stop list for `language` (about 70 languages, no model)."""
    from spacy.util import get_lang_class

    try:
        return bool(get_lang_class(language).Defaults.stop_words)
    except (ImportError, KeyError, ValueError):
        return False


def is_english_enough(article: Article) -> bool:
    """English, or too short to tell (such text is analysed as before languages were known)."""
    return article.language in (ENGLISH, UNDETERMINED)


def section_notes(articles: Iterable[Article]) -> tuple[SectionNote, ...]:
    """One note per section that some articles' language does not get, saying which
    articles (by language) it leaves out and why; none when every article takes part."""
    missing: dict[str, Counter[str]] = {}
    partial: Counter[str] = Counter()  # rule-only articles that coverage reads
    for a in articles:
        sections = analyses_for(a.language)
        if a.language not in FULL_LANGUAGES and "coverage" in sections:
            partial[a.language] += 1
        for section in SECTIONS:
            if section not in sections:
                missing.setdefault(section, Counter())[a.language] += 1
    notes = []
    for section in SECTIONS:
        others = missing.get(section)
        if others:
            langs = ", ".join(sorted(others))
            why = WHY_NOT[section].format(langs=langs)
            notes.append(SectionNote(section, f"not computed for {_count(others)}: {why}"))
        elif section == "coverage" and partial:
            notes.append(SectionNote(
                section,
                PARTIAL_COVERAGE.format(n=_count(partial)),
            ))  # fmt: skip
    return tuple(notes)


def _count(by_language: Counter[str]) -> str:
    """ "1 article (de)", "3 articles (de 2, pl 1)"."""
    total = sum(by_language.values())
    languages = ", ".join(
        f"{code} {n}" if len(by_language) > 1 else code for code, n in sorted(by_language.items())
    )
    return f"{total} article{'s' if total != 1 else ''} ({languages})"


def brief(
    paths: Iterable[str | Path],
    *,
    dates: Mapping[str, date] | None = None,
    words: int = DEFAULT_WORDS,
    stdin: BinaryIO | None = None,
    progress: Progress | None = None,
) -> Briefing:
    """Read, clean and summarize the documents under `paths` as one story.

    Raises NothingReadError when not one document could be used.
    """
    result = extract(paths, dates=dates, stdin=stdin, progress=progress)
    if not result.articles:
        reasons = "; ".join(str(s) for s in result.skipped[:3]) or "no input"
        raise NothingReadError(f"no document could be read ({reasons})")
    return brief_articles(result.articles, words=words, skipped=result.skipped)
