"""RawDocument -> Article: main text, title, outlet, date and dateline.

HTML goes through trafilatura (extract/html.py); plain-text scrapes through
our line classifier (extract/boilerplate.py). Both end in the same Article.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from newsweave.errors import DocumentError
from newsweave.extract.boilerplate import clean_plain_text
from newsweave.extract.meta import outlet_from_url, split_dateline
from newsweave.language import detect_language
from newsweave.model import Article, OutletSource, PublishedSource, RawDocument, RemovedLine


@dataclass(frozen=True)
class _Parts:
    paragraphs: tuple[str, ...]
    title: str | None
    outlet: str | None
    outlet_source: OutletSource | None
    byline: str | None
    published: date | None
    published_source: PublishedSource | None
    url: str | None
    removed: tuple[RemovedLine, ...]


def extract_article(raw: RawDocument) -> Article:
    """Clean one document. Raises DocumentError when nothing usable is left."""
    parts = _from_html(raw) if raw.kind == "html" else _from_text(raw)
    paragraphs = [p for p in parts.paragraphs if p.strip()]
    if not paragraphs:
        raise DocumentError(raw.doc_id, _nothing_left(raw, parts.removed))
    dateline, first = split_dateline(paragraphs[0])
    if first.strip():
        paragraphs[0] = first
    else:
        paragraphs.pop(0)
    language = detect_language("\n\n".join(paragraphs))

    hints = raw.hints
    outlet, outlet_source = parts.outlet, parts.outlet_source
    if hints.outlet:  # named by whoever handed the document over: their label says who
        outlet, outlet_source = hints.outlet, hints.outlet_source
    url = hints.url or parts.url
    if outlet is None and (domain := outlet_from_url(url)):
        outlet, outlet_source = domain, "url"
    published, published_source = parts.published, parts.published_source
    if hints.published is not None:
        published, published_source = hints.published, hints.published_source
    return Article(
        doc_id=raw.doc_id,
        paragraphs=tuple(paragraphs),
        title=hints.title or parts.title,
        outlet=outlet,
        outlet_source=outlet_source,
        byline=parts.byline,
        published=published,
        published_source=published_source if published else None,
        dateline=dateline,
        url=url,
        removed=parts.removed,
        language=language.code,
        language_confidence=language.confidence,
    )


def _from_html(raw: RawDocument) -> _Parts:
    # Imported here: trafilatura, htmldate and readability cost ~0.4 s to import, which a
    # plain-text brief never needs.
    from newsweave.extract.html import extract_html

    result = extract_html(raw.text, raw.hints.url)
    return _Parts(
        paragraphs=result.paragraphs,
        title=result.title,
        outlet=result.outlet,
        outlet_source="html-meta" if result.outlet else None,
        byline=result.author,
        published=result.published,
        published_source=result.published_source,
        url=result.url,
        removed=(),
    )


def _from_text(raw: RawDocument) -> _Parts:
    result = clean_plain_text(raw.text)
    return _Parts(
        paragraphs=result.paragraphs,
        title=result.title,
        outlet=result.outlet,
        outlet_source="text" if result.outlet else None,
        byline=result.byline,
        published=None,
        published_source=None,
        url=None,
        removed=result.removed,
    )


def _nothing_left(raw: RawDocument, removed: tuple[RemovedLine, ...]) -> str:
    if raw.kind == "html":
        return "no article text found (truncated or empty HTML?)"
    if not removed:
        return "no article text found"
    rules = sorted({r.reason for r in removed})
    return f"only site chrome, no article text ({', '.join(rules)})"
