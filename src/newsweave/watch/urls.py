"""Article identity by URL: one key for the URLs one article is published under.

Tracking parameters (`utm_*`, `fbclid`, `ref`...), parameter order, host case, default
ports and fragments do not make a different article: `page_key` folds them with
courlan's `clean_url` (the normaliser trafilatura uses). AMP and other alternate
copies are folded by the page's own canonical link (`canonical_link`), read after
the page is fetched.
"""

from __future__ import annotations

from urllib.parse import urldefrag, urljoin, urlsplit

import lxml.html
from courlan import clean_url
from lxml import etree
from tld import get_fld

# Host prefixes of the mobile and AMP editions of one site ("amp.example.com").
_EDITION_PREFIXES = ("www.", "amp.", "m.", "mobile.")


def is_http_url(url: str) -> bool:
    parts = urlsplit(url.strip())
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def page_key(url: str) -> str:
    """The normalised form of an article URL, the key it is known by in the store."""
    url = url.strip()
    cleaned = clean_url(url) if is_http_url(url) else None
    return urldefrag(cleaned or url).url


def host_of(url: str) -> str:
    """`host[:port]`, lower case: the unit of politeness (rate, concurrency, robots.txt)."""
    return urlsplit(url).netloc.lower()


def same_site(a: str, b: str) -> bool:
    """Whether two URLs belong to one site: same host, an edition of it, or one registered domain.

    A canonical link is followed only within a site: a page that names another
    outlet's URL as canonical is a syndicated copy, which the writer's dedup links
    to the original instead.
    """
    host_a, host_b = (urlsplit(u).hostname or "" for u in (a, b))
    if _bare(host_a) == _bare(host_b):
        return True
    domain_a = get_fld(a, fail_silently=True)
    return domain_a is not None and domain_a == get_fld(b, fail_silently=True)


def _bare(host: str) -> str:
    for prefix in _EDITION_PREFIXES:
        if host.startswith(prefix):
            return host[len(prefix) :]
    return host


def canonical_link(html: str, page_url: str) -> str | None:
    """The page's `<link rel="canonical">` (else `og:url`), absolute, when on the same site.

    Hand-written rather than trafilatura's `extract_url`, which drops a relative
    canonical link unless the page also has an absolute `og:` URL to borrow a base from.
    """
    end = html.find("</head>")
    head = html[: end + len("</head>")] if end >= 0 else html[:65536]
    try:
        tree = lxml.html.document_fromstring(head)
    except (etree.ParserError, ValueError):
        return None
    found = tree.xpath(
        '//link[contains(concat(" ", normalize-space(@rel), " "), " canonical ")]/@href'
    ) or tree.xpath('//meta[@property="og:url"]/@content')
    if not found or not str(found[0]).strip():
        return None
    absolute = urljoin(page_url, str(found[0]).strip())
    if not is_http_url(absolute) or not same_site(absolute, page_url):
        return None
    return absolute
