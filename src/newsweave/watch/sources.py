"""What a user can follow, and what each source lists.

A source is a feed (RSS, Atom, JSON Feed), a sitemap (news sitemap, sitemap index,
plain-text sitemap), a site's home page (its feeds are found from
`<link rel="alternate">`, else the `Sitemap:` lines of its robots.txt) or an OPML
file of feeds. Parsing is left to maintained parsers: feedparser for RSS/Atom,
ultimate-sitemap-parser for sitemaps, listparser for OPML. Fetching is not done
here (see `client`): these functions read bytes already fetched.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Literal
from urllib.parse import urljoin

import lxml.html
from lxml import etree

from newsweave.errors import NewsweaveError
from newsweave.ingest.feeds import is_feed
from newsweave.ingest.sources import looks_like_html
from newsweave.watch.urls import is_http_url

SourceKind = Literal["feed", "sitemap"]

# The MIME types a <link rel="alternate"> feed declares.
FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/feed+json",
        "application/json",
        "application/rdf+xml",
        "application/xml",
        "text/xml",
    }
)
# A sitemap index lists at most this many sitemaps we follow (the sitemaps.org limit
# is 50,000; news sites list a handful of recent ones first).
MAX_CHILD_SITEMAPS = 100

# ultimate-sitemap-parser logs every unparseable document at ERROR; we report ours.
logging.getLogger("usp").setLevel(logging.CRITICAL)


class SourceError(NewsweaveError):
    """A source cannot be read: the message names it and the reason."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


@dataclass(frozen=True)
class ListedPage:
    """One article a source lists, with what the listing says about it."""

    url: str
    title: str | None = None
    published: date | None = None


@dataclass(frozen=True)
class Listing:
    """What one fetch of a feed or sitemap says: its articles and, for an index, its sitemaps."""

    kind: SourceKind
    title: str | None
    pages: tuple[ListedPage, ...]
    sitemaps: tuple[str, ...] = ()


def read_listing(source: str, body: str, content_type: str = "") -> Listing | None:
    """The listing in a fetched body, or None when it is an HTML page (a site to discover).

    Raises SourceError when it is neither a feed, a sitemap nor HTML.
    """
    head = body.lstrip()[:4096]
    mime = content_type.split(";")[0].strip().lower()
    if head.startswith("{") or mime in ("application/feed+json", "application/json"):
        return _json_feed(source, body)
    if looks_like_html(head) and not is_feed(head):
        return None
    lowered = head.lower()
    if "<urlset" in lowered or "<sitemapindex" in lowered or mime == "text/plain":
        return _sitemap(source, body)
    if is_feed(head):
        return _feed(source, body)
    raise SourceError(source, f"not a feed, sitemap or HTML page (content type {mime or '?'})")


def _feed(source: str, body: str) -> Listing:
    import feedparser

    parsed = feedparser.parse(body)
    if parsed.get("bozo") and not parsed.entries and not parsed.feed:
        raise SourceError(source, f"unreadable feed ({parsed.get('bozo_exception')})")
    pages = []
    for entry in parsed.entries:
        link = urljoin(source, entry.get("link") or "") if entry.get("link") else ""
        if not is_http_url(link):
            continue
        stamp = entry.get("published_parsed") or entry.get("updated_parsed")
        pages.append(
            ListedPage(link, entry.get("title") or None, date(*stamp[:3]) if stamp else None)
        )
    return Listing("feed", parsed.feed.get("title") or None, tuple(pages))


def _json_feed(source: str, body: str) -> Listing:
    """A JSON Feed (jsonfeed.org 1.0/1.1): `items` with `url` (or `external_url`)."""
    try:
        data = json.loads(body)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise SourceError(source, f"unreadable JSON feed ({exc})") from None
    items = data.get("items") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise SourceError(source, "not a JSON Feed (no items list)")
    pages = []
    for item in items:
        if not isinstance(item, dict):
            continue
        given = item.get("url") or item.get("external_url")
        link = urljoin(source, given) if isinstance(given, str) and given else ""
        if not is_http_url(link):
            continue
        title = item.get("title") if isinstance(item.get("title"), str) else None
        pages.append(ListedPage(link, title or None, _iso_day(item.get("date_published"))))
    title = data.get("title") if isinstance(data.get("title"), str) else None
    return Listing("feed", title, tuple(pages))


def _iso_day(value: object) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        stamp = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return (stamp.astimezone(UTC) if stamp.tzinfo else stamp).date()


def _sitemap(source: str, body: str) -> Listing:
    from usp.objects.sitemap import IndexXMLSitemap, InvalidSitemap
    from usp.tree import sitemap_from_str

    parsed = sitemap_from_str(body)
    if isinstance(parsed, InvalidSitemap):
        raise SourceError(source, "unreadable sitemap")
    if isinstance(parsed, IndexXMLSitemap):
        children = [urljoin(source, s.url) for s in parsed.sub_sitemaps]
        return Listing("sitemap", None, (), tuple(children[:MAX_CHILD_SITEMAPS]))
    pages = []
    for page in parsed.all_pages():
        if not is_http_url(page.url):
            continue
        story = page.news_story
        published = story.publish_date if story and story.publish_date else None
        pages.append(
            ListedPage(
                page.url,
                (story.title or None) if story else None,
                published.astimezone(UTC).date() if published and published.tzinfo else None,
            )
        )
    return Listing("sitemap", None, tuple(pages))


def discover_feeds(html: str, page_url: str) -> list[str]:
    """The feeds a page announces with `<link rel="alternate" type="...">`, in page order.

    Hand-written (five lines of lxml) rather than trafilatura's `determine_feed`,
    which drops URLs whose host is an IP address or has a port.
    """
    try:
        tree = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return []
    found: list[str] = []
    for link in tree.xpath('//link[@href][contains(concat(" ", @rel, " "), " alternate ")]'):
        kind = (link.get("type") or "").split(";")[0].strip().lower()
        url = urljoin(page_url, link.get("href").strip())
        if kind in FEED_TYPES and is_http_url(url) and url not in found:
            found.append(url)
    return found


def read_opml(path: Path) -> list[str]:
    """The feed URLs of an OPML subscription list (nested outlines included)."""
    import listparser

    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise SourceError(str(path), f"cannot read ({exc.strerror or exc})") from None
    parsed = listparser.parse(text)
    feeds = [f["url"] for f in parsed.feeds if is_http_url(f.get("url", ""))]
    if not feeds:
        raise SourceError(str(path), "no feed URLs in this OPML file")
    return list(dict.fromkeys(feeds))
