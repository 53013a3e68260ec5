"""The one place that knows the order of the stages.

Every article takes one path, `prepare`: read -> decode (`ingest`) -> clean
(`extract`) -> hash -> MinHash sign (`dedup`), whether it is briefed, extracted,
ingested, prepared on a Dask worker or posted to the web service.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from newsweave import dedup
from newsweave.errors import DocumentError, NothingReadError
from newsweave.extract import extract_article
from newsweave.ingest import read_sources
from newsweave.language import ENGLISH, UNDETERMINED
from newsweave.model import (
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
    if store is None:
        annotated = annotate(articles)
    else:
        from newsweave.annotations import annotate_stored

        # Coverage compares sentences only across two or more sources.
        stored = annotate_stored(articles, store, vectors=len(articles) > 1)
        annotated, vectors = list(stored.articles), stored.vectors
    # The summary is extractive (verbatim, cited sentences) and works in any language; the
    # analyses read English syntax and entities, so they see English articles only.
    keep = [is_english_enough(a.article) for a in annotated]
    english = [a for a, kept in zip(annotated, keep, strict=True) if kept]
    if vectors is not None and not all(keep):
        rows = [kept for a, kept in zip(annotated, keep, strict=True) for _ in a.sentences]
        vectors = vectors[rows]
    return Briefing(
        sources=articles,
        summary=summarize(annotated, words=words, settings=settings or DEFAULT_SETTINGS),
        skipped=tuple(skipped),
        word_budget=words,
        quotes=find_quotes(english),
        timeline=build_timeline(english),
        actors=find_actors(english),
        coverage=compare_coverage(english, vectors=vectors),
        notes=english_only_notes(articles),
    )


# Briefing sections computed from English articles only (SectionNote.section values).
ENGLISH_ONLY_SECTIONS = ("quotes", "timeline", "actors", "coverage")


def is_english_enough(article: Article) -> bool:
    """English, or too short to tell (such text is analysed as before languages were known)."""
    return article.language in (ENGLISH, UNDETERMINED)


def english_only_notes(articles: Iterable[Article]) -> tuple[SectionNote, ...]:
    """One note per English-only section when some articles are in another language."""
    others = Counter(a.language for a in articles if not is_english_enough(a))
    if not others:
        return ()
    total = sum(others.values())
    languages = ", ".join(f"{code} {n}" if len(others) > 1 else code for code, n in others.items())
    note = (
        f"English only: not computed for {total} article{'s' if total != 1 else ''} ({languages})"
    )
    return tuple(SectionNote(section, note) for section in ENGLISH_ONLY_SECTIONS)


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
