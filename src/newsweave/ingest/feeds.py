"""RSS and Atom feed files: one document per entry with content or a summary."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from lxml import etree
from lxml import html as lxml_html

from newsweave.model import DocHints, RawDocument, SkippedDocument

BLOCK_TAGS = ("p", "div", "li", "blockquote", "h1", "h2", "h3", "h4", "pre", "td")


def is_feed(text: str) -> bool:
    head = text[:2048].lower()
    return "<rss" in head or "<feed" in head or "<rdf:rdf" in head


def read_feed(doc_id: str, text: str) -> Iterator[RawDocument | SkippedDocument]:
    """Entries become plain-text documents `doc_id:N` with title, link, date and outlet hints.

    Feed bodies are HTML fragments, not pages, so they are flattened to
    paragraphs here rather than sent through the page extractor.
    """
    import feedparser

    parsed = feedparser.parse(text)
    if not parsed.entries:
        reason = "not an RSS/Atom feed" if parsed.get("bozo") else "feed has no entries"
        yield SkippedDocument(doc_id, reason)
        return
    outlet = parsed.feed.get("title") or None
    for number, entry in enumerate(parsed.entries, start=1):
        entry_id = f"{doc_id}:{number}"
        body = ""
        if entry.get("content"):
            body = max((c.get("value", "") for c in entry.content), key=len)
        body = body or entry.get("summary", "")
        paragraphs = fragment_paragraphs(body)
        if not paragraphs:
            yield SkippedDocument(entry_id, "feed entry has no content or summary")
            continue
        stamp = entry.get("published_parsed") or entry.get("updated_parsed")
        published = date(*stamp[:3]) if stamp else None
        hints = DocHints(
            url=entry.get("link") or None,
            title=entry.get("title") or None,
            outlet=outlet,
            outlet_source="feed" if outlet else None,
            published=published,
            published_source="feed" if published else None,
        )
        yield RawDocument(entry_id, doc_id, "\n\n".join(paragraphs), "text", hints=hints)


def fragment_paragraphs(fragment: str) -> list[str]:
    """Paragraph texts of an HTML fragment (or the plain text split on blank lines)."""
    if "<" not in fragment:
        return [" ".join(p.split()) for p in fragment.split("\n\n") if p.strip()]
    try:
        root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):  # junk markup: fall back to plain text
        return [" ".join(fragment.split())] if fragment.strip() else []
    blocks = [el for el in root.iter(*BLOCK_TAGS) if not any(c.tag in BLOCK_TAGS for c in el)]
    texts = [el.text_content() for el in blocks] if blocks else [root.text_content()]
    return [" ".join(t.split()) for t in texts if t.strip()]
