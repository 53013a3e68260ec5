"""The one place that knows the order of the stages."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from newsweave.errors import DocumentError, NothingReadError
from newsweave.extract import extract_article
from newsweave.ingest import read_sources
from newsweave.model import Article, Briefing, RawDocument, SkippedDocument

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
    for item in read_sources(paths, dates=dates, stdin=stdin):
        yield clean(item) if isinstance(item, RawDocument) else item


def clean(raw: RawDocument) -> Article | SkippedDocument:
    """One RawDocument to an Article, or the reason it cannot be used."""
    try:
        return extract_article(raw)
    except DocumentError as exc:
        return SkippedDocument(exc.doc_id, exc.reason)
    except RecursionError:  # pathologically nested HTML
        return SkippedDocument(raw.doc_id, "HTML nested too deeply to parse")


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
    return Briefing(
        sources=articles,
        summary=summarize(annotated, words=words, settings=settings or DEFAULT_SETTINGS),
        skipped=tuple(skipped),
        word_budget=words,
        quotes=find_quotes(annotated),
        timeline=build_timeline(annotated),
        actors=find_actors(annotated),
        coverage=compare_coverage(annotated, vectors=vectors),
    )


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
