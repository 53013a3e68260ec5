"""watch/sources.py and watch/urls.py: what each kind of source lists, and URL identity."""

from __future__ import annotations

from datetime import date

import pytest

from newsweave.watch.sources import SourceError, discover_feeds, read_listing, read_opml
from newsweave.watch.urls import canonical_link, page_key, same_site

BASE = "http://127.0.0.1:8001"

RSS = """<?xml version="1.0"?>
<rss version="2.0"><channel><title>Harbour Gazette</title><link>http://127.0.0.1:8001/</link>
<item><title>Ferry budget passes</title><link>http://127.0.0.1:8001/news/ferry.html</link>
<pubDate>Mon, 30 Nov 2026 09:00:00 GMT</pubDate></item>
<item><title>No link here</title></item>
<item><title>Relative</title><link>/news/relative.html</link></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Marrow Ledger</title>
<entry><title>Bridge closes</title><link href="http://127.0.0.1:8001/a/bridge"/>
<updated>2026-11-29T18:30:00Z</updated></entry></feed>"""

JSON_FEED = """{"version": "https://jsonfeed.org/version/1.1", "title": "Quay Daily",
"items": [{"id": "1", "url": "http://127.0.0.1:8001/q/1", "title": "Tide record",
"date_published": "2026-11-28T23:30:00-05:00"}, {"id": "2", "content_text": "no url"}]}"""

NEWS_SITEMAP = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>http://127.0.0.1:8001/s/one.html</loc><news:news>
<news:publication><news:name>Gazette</news:name><news:language>en</news:language></news:publication>
<news:publication_date>2026-11-27T08:00:00+00:00</news:publication_date>
<news:title>Harbour dredging starts</news:title></news:news></url>
<url><loc>http://127.0.0.1:8001/s/two.html</loc></url>
</urlset>"""

SITEMAP_INDEX = """<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>http://127.0.0.1:8001/sitemap-news.xml</loc></sitemap>
<sitemap><loc>http://127.0.0.1:8001/sitemap-2026.xml</loc></sitemap>
</sitemapindex>"""


def test_rss_entries_with_links_dates_and_titles():
    listing = read_listing(BASE + "/feed.xml", RSS, "application/rss+xml")
    assert listing.kind == "feed" and listing.title == "Harbour Gazette"
    assert [(p.url, p.title, p.published) for p in listing.pages] == [
        (BASE + "/news/ferry.html", "Ferry budget passes", date(2026, 11, 30)),
        (BASE + "/news/relative.html", "Relative", None),
    ]


def test_atom_and_json_feed():
    atom = read_listing(BASE + "/atom.xml", ATOM)
    assert [(p.url, p.published) for p in atom.pages] == [(BASE + "/a/bridge", date(2026, 11, 29))]
    feed = read_listing(BASE + "/feed.json", JSON_FEED, "application/feed+json")
    assert feed.title == "Quay Daily"
    # 23:30 at UTC-5 is the 29th in UTC
    assert [(p.url, p.title, p.published) for p in feed.pages] == [
        (BASE + "/q/1", "Tide record", date(2026, 11, 29))
    ]


def test_news_sitemap_index_and_text_sitemap():
    listing = read_listing(BASE + "/sitemap.xml", NEWS_SITEMAP, "application/xml")
    assert listing.kind == "sitemap"
    assert [(p.url, p.title, p.published) for p in listing.pages] == [
        (BASE + "/s/one.html", "Harbour dredging starts", date(2026, 11, 27)),
        (BASE + "/s/two.html", None, None),
    ]
    index = read_listing(BASE + "/sitemap_index.xml", SITEMAP_INDEX)
    assert index.pages == () and index.sitemaps == (
        BASE + "/sitemap-news.xml",
        BASE + "/sitemap-2026.xml",
    )
    text = read_listing(BASE + "/urls.txt", f"{BASE}/t/1\n{BASE}/t/2\n", "text/plain")
    assert [p.url for p in text.pages] == [BASE + "/t/1", BASE + "/t/2"]


def test_html_is_a_site_and_junk_is_an_error():
    assert read_listing(BASE + "/", "<!doctype html><html><body>hi</body></html>") is None
    with pytest.raises(SourceError, match="not a feed, sitemap or HTML page"):
        read_listing(BASE + "/x", "%PDF-1.4 binary", "application/pdf")
    with pytest.raises(SourceError, match="unreadable JSON feed"):
        read_listing(BASE + "/x.json", "{broken", "application/json")


def test_feeds_are_discovered_from_link_rel_alternate():
    html = """<html><head>
    <link rel="alternate" type="application/rss+xml" href="/feed.xml">
    <link rel="alternate" type="application/atom+xml; charset=utf-8" href="atom.xml">
    <link rel="alternate" hreflang="fr" href="/fr/">
    <link rel="stylesheet" type="text/css" href="/s.css">
    </head><body></body></html>"""
    assert discover_feeds(html, BASE + "/news/") == [BASE + "/feed.xml", BASE + "/news/atom.xml"]


def test_opml_feeds_nested_and_deduplicated(tmp_path):
    opml = tmp_path / "outlets.opml"
    opml.write_text(
        '<?xml version="1.0"?><opml version="2.0"><head><title>Desk</title></head><body>'
        '<outline text="Local"><outline type="rss" text="Gazette" xmlUrl="http://127.0.0.1:8001/feed.xml"/>'
        '<outline type="rss" text="Ledger" xmlUrl="http://127.0.0.1:8001/atom.xml"/></outline>'
        '<outline type="rss" text="Again" xmlUrl="http://127.0.0.1:8001/feed.xml"/></body></opml>',
        encoding="utf-8",
    )
    assert read_opml(opml) == [BASE + "/feed.xml", BASE + "/atom.xml"]
    empty = tmp_path / "empty.opml"
    empty.write_text("<opml><body></body></opml>", encoding="utf-8")
    with pytest.raises(SourceError, match="no feed URLs"):
        read_opml(empty)


def test_page_key_drops_tracking_parameters_fragments_and_order():
    key = page_key(BASE + "/news/ferry.html")
    for variant in (
        BASE + "/news/ferry.html?utm_source=rss&utm_medium=feed",
        BASE + "/news/ferry.html#comments",
        "HTTP://127.0.0.1:8001/news/ferry.html?fbclid=abc",
    ):
        assert page_key(variant) == key
    assert page_key(BASE + "/p?b=2&a=1") == page_key(BASE + "/p?a=1&b=2")
    assert page_key(BASE + "/p?id=1") != page_key(BASE + "/p?id=2")


def test_canonical_link_relative_same_site_only():
    amp = BASE + "/amp/news/ferry.html"
    page = '<html><head><link rel="canonical" href="/news/ferry.html"></head><body></body></html>'
    assert canonical_link(page, amp) == BASE + "/news/ferry.html"
    og = (
        '<html><head><meta property="og:url" content="https://www.gazette.example/a"></head></html>'
    )
    assert (
        canonical_link(og, "https://amp.gazette.example/a?amp") == "https://www.gazette.example/a"
    )
    elsewhere = '<html><head><link rel="canonical" href="https://other.example/a"></head></html>'
    assert canonical_link(elsewhere, "https://gazette.example/a") is None
    assert canonical_link("<html><head></head></html>", amp) is None
    assert same_site("https://news.gazette.co.uk/a", "https://www.gazette.co.uk/b")
