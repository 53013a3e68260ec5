"""An invented news site for the watch tests: articles, a feed, a home page, robots.txt.

Every article is fiction written for these tests. `news_site(site)` routes them on a
tests/loopback.py server and returns the article paths.
"""

from __future__ import annotations

from loopback import LoopbackSite, Reply

ARTICLES = {
    "ferry": (
        "Harbour City council approves night ferry budget",
        [
            "The Harbour City council voted 9-4 on Monday to fund a night ferry between the "
            "old quay and the island of Marrowholm, ending two years of debate over the route.",
            "The service will run every 40 minutes between midnight and 5 a.m. from April and "
            "will cost about 3 million crowns a year, the council's transport office said.",
            "Councillor Ada Lindqvist, who proposed the route, said night workers on the island "
            "had waited long enough for a way home that did not involve a taxi.",
        ],
    ),
    "bridge": (
        "Quayside bridge closed after inspectors find cracked bearings",
        [
            "Engineers closed the Quayside bridge to all traffic on Tuesday after an inspection "
            "found cracks in two of the steel bearings that carry its eastern span.",
            "The city roads department said buses would be diverted over the Lantern Street "
            "crossing and that repairs could take until the end of the summer.",
            "Shopkeepers on the eastern bank said the closure would cut them off from half of "
            "their customers and asked the council for help with their rents.",
        ],
    ),
    "library": (
        "Redmarsh library reopens with a rooftop reading garden",
        [
            "The Redmarsh public library reopened on Saturday after eighteen months of building "
            "work that added a rooftop garden, a recording studio and a children's wing.",
            "Head librarian Tomasz Wiecek said more than 2,000 people came through the doors on "
            "the first day, many of them to see the garden planted with local grasses.",
            "The renovation cost 11 million crowns, two thirds of it from a regional culture "
            "fund, and the library will now stay open until ten on weekday evenings.",
        ],
    ),
    "storm": (
        "Storm floods the fish market and cuts power to the north shore",
        [
            "A storm with gusts of 120 kilometres an hour flooded the Harbour City fish market "
            "overnight and left about 8,000 homes on the north shore without electricity.",
            "The grid operator said crews had restored power to most streets by Wednesday "
            "afternoon but that fallen trees were still blocking two lines near Saltby.",
            "Traders at the market threw away ice and stock worth several thousand crowns and "
            "said the drains under the hall had not been cleared since the autumn.",
        ],
    ),
    "school": (
        "Saltby school wins national robotics final with a seaweed harvester",
        [
            "A team of six pupils from Saltby secondary school won the national robotics final "
            "in the capital on Friday with a small boat that gathers seaweed on its own.",
            "Their teacher, Mirela Oduya, said the pupils had tested the boat every weekend since "
            "September in the shallow bay behind the school's sports field.",
            "The team will represent the country at the European final in June and hopes to "
            "sell the design to the seaweed farms that line the southern coast.",
        ],
    ),
    "ferry-island": (
        "Harbour City council approves Marrowholm night ferry",
        [
            "The Harbour City council voted 9-4 on Monday to pay for a night ferry between the "
            "old quay and Marrowholm island, ending two years of argument over the route.",
            "The ferry will run every 40 minutes from midnight to 5 a.m. starting in April and "
            "will cost about 3 million crowns a year, according to the council's transport "
            "office.",
            "Councillor Ada Lindqvist, who proposed the route, said island night workers had "
            "waited long enough for a way home that did not mean paying for a taxi.",
        ],
    ),
    "secret": (
        "Internal memo on the harbour budget",
        [
            "This page is listed in the feed but the site's robots.txt forbids it, so a polite "
            "reader never asks for it and it must never be stored.",
            "Any request for it shows up in the request log of the test server, where the test "
            "looks for it and expects to find none at all.",
        ],
    ),
}


def article_html(
    slug: str, *, canonical: str | None = None, outlet: str = "Harbour City Gazette"
) -> str:
    title, paragraphs = ARTICLES[slug]
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<!doctype html><html><head><title>{title}</title>{link}"
        f'<meta property="og:site_name" content="{outlet}">'
        '<meta property="article:published_time" content="2026-11-30T08:00:00Z">'
        f"</head><body><nav><a href='/'>Home</a></nav><article><h1>{title}</h1>{body}"
        "</article><footer>Harbour City Gazette</footer></body></html>"
    )


def rss_of(urls: list[str], title: str = "Harbour City Gazette") -> str:
    items = "".join(
        f"<item><title>item {n}</title><link>{url}</link>"
        "<pubDate>Mon, 30 Nov 2026 08:00:00 GMT</pubDate></item>"
        for n, url in enumerate(urls)
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>{items}'
        "</channel></rss>"
    )


def rss(site: LoopbackSite, paths: list[str], title: str = "Harbour City Gazette") -> str:
    return rss_of([site.url(path) for path in paths], title)


def news_site(site: LoopbackSite) -> None:
    """Home page -> feed of 3 articles, a utm copy, an AMP copy and a robots-forbidden page."""
    site.route(
        "/",
        "<!doctype html><html><head><title>Gazette</title>"
        '<link rel="alternate" type="application/rss+xml" href="/feed.xml"></head>'
        "<body><p>Front page</p></body></html>",
    )
    site.route(
        "/robots.txt", Reply("User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    )
    for slug in ("ferry", "bridge", "library"):
        site.route(f"/news/{slug}.html", article_html(slug))
    site.route("/amp/ferry.html", article_html("ferry", canonical="/news/ferry.html"))
    site.route("/private/secret.html", article_html("secret"))
    feed = rss(
        site,
        [
            "/news/ferry.html",
            "/news/bridge.html?utm_source=rss&utm_medium=feed",
            "/news/bridge.html",
            "/news/library.html",
            "/amp/ferry.html",
            "/private/secret.html",
        ],
    )
    site.route("/feed.xml", Reply(feed, content_type="application/rss+xml", etag='"feed-v1"'))
