"""Main text and metadata from one HTML page.

trafilatura finds the body and the metadata; htmldate (run by trafilatura with
our settings) finds the publication date. readability-lxml gives a second
opinion on where the article starts and ends: trafilatura sometimes stops
after the first of several body blocks, or keeps the headline, a standfirst
or a "related stories" list at the edges. The page is parsed once: trafilatura
and readability work on copies of the tree.
"""

from __future__ import annotations

import copy
import datetime
import logging
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import lxml.etree
import lxml.html
from htmldate import find_date
from readability import Document as ReadabilityDocument
from readability.readability import REGEXES as READABILITY_REGEXES
from readability.readability import Unparseable
from trafilatura import bare_extraction, extract_metadata
from trafilatura.settings import Document as TrafilaturaDocument
from trafilatura.utils import is_dubious_html, repair_faulty_html

from newsweave.extract.boilerplate import (
    CAPTION_CUES,
    CREDIT_ANYWHERE,
    CREDIT_TAIL,
    CREDIT_TAIL_WEAK,
)
from newsweave.extract.meta import clean_title
from newsweave.extract.native_xpath import Needs, native, native_path, needs, split_outside
from newsweave.extract.teasers import drop_teasers
from newsweave.model import PublishedSource

LOGGER = logging.getLogger(__name__)

# --- Second-opinion thresholds -------------------------------------------------
# "Support" of a text by another = share of its word 4-grams found in the other.
# The four values were picked once, as round numbers, before anything was scored,
# and were not tuned on the Zyte benchmark; a grid sweep afterwards
# (`bench/extraction_zyte.py --sweep`, docs/benchmarks.md) shows how
# little nearby settings change held-out F1.
#
# Take readability's text instead of trafilatura's when it is this much longer...
EXTEND_MIN_RATIO = 1.5
# ...and contains nearly all of trafilatura's text (same article, more of it).
EXTEND_MIN_SUPPORT = 0.9
# Trim trafilatura's edges only when the two agree on the article: this much of
# readability's text is inside trafilatura's.
TRIM_MIN_AGREEMENT = 0.8
# When readability's text covers less than this much of trafilatura's, readability found
# only a fragment of the article (one section of a listicle, the signatures under a letter)
# and its silence about trafilatura's edges says little: only short edge lines (menu items,
# labels) are trimmed then. Chosen on the tune half of trafilatura-dev (site-hash split,
# bench/extraction_trafilatura.py, replaying cached extractions): F1 0.922 with no such
# condition, 0.929/0.931/0.931/0.931 at 0.5/0.6/0.7/0.8 (confirm half 0.905 -> 0.925 at
# 0.6); with short lines still trimmed, 0.933/0.934/0.934/0.933 at 5/10/20/40 words
# (confirm 0.925/0.922/0.921/0.914; Zyte 0.976/0.978/0.978/0.978).
TRIM_MIN_COVERAGE = 0.6
LOW_COVERAGE_EDGE_WORDS = 10
# An edge paragraph (leading or trailing) stays only if readability supports it this much.
EDGE_MIN_SUPPORT = 0.5
# ...except a leading paragraph of prose: this many words, ending like a sentence. That is
# the lede or the standfirst, which sits outside the container readability scores on many
# sites (a headline, a menu item, a credit or a teaser list is shorter or ends otherwise).
# On the tune half of trafilatura-dev (with the rerun ratio above): F1 0.9376 (always
# trimmed) / 0.9413 / 0.9405 / 0.9405 / 0.9398 at 20 / 25 / 30 / 40 words (confirm 0.9281 /
# 0.9342 / 0.9334 / 0.9334 / 0.9318); Zyte 0.977 / 0.975 / 0.976 / 0.977 / 0.977 (Zyte's
# reference bodies leave the standfirst out). 30: tune's best but for 20, which costs Zyte.
LEDE_MIN_WORDS = 30
_SENTENCE_END = re.compile(r"[.!?…\"”»“«)]\s*$")

# trafilatura runs first without its fallbacks ("fast"); when that finds fewer words than
# this (a caption, a login form, one teaser), it runs again with them. On the tune half of
# trafilatura-dev (cached extractions replayed): F1 0.933 (never) / 0.935 / 0.937 / 0.939
# below 100 / 150 / 200 words (confirm half 0.925 / 0.933 / 0.934 / 0.932). 150 and 200
# lose a Zyte page whose short article the fast pass had right (Zyte F1 0.977 -> 0.971),
# so 100: the largest that keeps Zyte unchanged; it re-runs about 6% of the dev pages.
FULL_RERUN_MAX_WORDS = 100
# It also runs again when readability found this many times more words: the fast pass then
# kept a fragment (a print-edition page gave 121 words of a 2,277-word article, mostly its
# footer). On the tune half: F1 0.9348 -> 0.9376 at 2, 3, 4, 5 and 8 (confirm 0.9281 at
# each); 2 and 3 cost Zyte 0.977 -> 0.971, 4 to 8 leave it unchanged; 5, mid-range.
FULL_RERUN_MIN_RATIO = 5

# readability costs about as much as trafilatura's fast pass, and on most pages it changes
# nothing; it runs only where trafilatura's text looks suspect by cheap signs: under
# FULL_RERUN_MAX_WORDS words or one paragraph; under this share of the words in the page's
# <p> elements (trafilatura may have stopped after one body block); or an edge that is not
# prose (first paragraph under OPINION_FIRST_WORDS words or not ending like a sentence, last
# under OPINION_LAST_WORDS): headlines, credits, menus and teaser lists, which the trim
# step removes. Chosen on the tune half of trafilatura-dev (cached extractions replayed):
# readability on 74-86 % of its pages at first/last 5-15 / 5-10 words, F1 0.9397 at each
# (0.9405 always; confirm 0.9283-0.9296 against 0.9296); a share of 0.3 keeps tune at
# 0.9404 but costs Zyte 0.977 -> 0.973. 12 / 8: the fewest runs among those keeping Zyte
# at 0.976 (readability on 76 % of tune pages, 66 % of Zyte's).
OPINION_MIN_PAGE_SHARE = 0.5
# ...or over this many times those words: the page keeps its text outside <p> elements,
# where trafilatura is more often wrong about the edges (tune 0.9391 without, 0.9397 at 1.5
# and 3; Zyte 0.9759 / 0.9764).
OPINION_MAX_PAGE_SHARE = 3
OPINION_FIRST_WORDS = 12
OPINION_LAST_WORDS = 8

SHINGLE = 4
_WORD = re.compile(r"\w+")

# --- Parse limits --------------------------------------------------------------
# Parsing and extraction time must stay about linear in the page, whatever the page.
# Two shapes are not (measured on a 2-core machine, docs/benchmarks.md): many attributes
# on one element (libxml2 checks each new attribute against the element's others, and
# htmldate reads them all: 100,000 attributes took over 400 s) and many inline children
# in one element (trafilatura walks an element's children once per child: 20,000 <b> in
# one paragraph took 44-90 s). Real pages stay far below both limits (an element with
# more than a few dozen attributes or a few hundred children is generated junk), and
# what is cut loses no text: extra attributes are dropped, crowded inline tags are
# unwrapped into their text.
MAX_ATTRIBUTES = 64  # per element; the rest are dropped before parsing
MAX_CHILDREN = 500  # child elements of one element before its inline tags are unwrapped
_LONG_TAG = re.compile(r"<[A-Za-z][\w:-]*\s[^<>]{2048,}>")  # only long tags are looked at
_ATTRIBUTE = re.compile(r"""[^\s=/>"']+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?""")
_CROWDED = lxml.etree.XPath(  # children as len() counts them: elements, comments and PIs
    # (the first test, over MAX_CHILDREN child nodes of any kind, is cheaper and needed)
    f"descendant-or-self::*[node()[{MAX_CHILDREN + 1}]]"
    f"[count(*|comment()|processing-instruction()) > {MAX_CHILDREN}]"
)
_INLINE_TAGS = (
    "a", "abbr", "b", "bdi", "bdo", "big", "cite", "code", "data", "del", "dfn", "em",
    "font", "i", "ins", "kbd", "mark", "q", "s", "samp", "small", "span", "strike",
    "strong", "sub", "sup", "time", "tt", "u", "var",
)  # fmt: skip

# Elements after which readability's HTML output breaks a paragraph.
_BLOCK_TAGS = frozenset(
    {"address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption"}
    | {"figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main"}
    | {"ol", "p", "pre", "section", "table", "td", "th", "tr", "ul"}
)


@dataclass(frozen=True)
class HtmlResult:
    """What one HTML page says about itself."""

    paragraphs: tuple[str, ...]  # main-text paragraphs in order (no nav, footer, related links)
    title: str | None
    outlet: str | None  # site name from metadata (og:site_name etc.), None if absent
    author: str | None
    published: datetime.date | None
    published_source: PublishedSource | None  # None when unknown
    url: str | None  # canonical/og url from the page, else the url passed in


def extract_html(
    html: str, url: str | None = None, *, max_date: datetime.date | None = None
) -> HtmlResult:
    """Extract body paragraphs, title, outlet, author and publication date from a page.

    `max_date` (default: today) is the crawl time: a later date is never used.
    Truncated or malformed HTML does not raise; whatever can be read is returned.
    """
    max_date = max_date or datetime.date.today()
    tree = _parse(_bounded_attributes(html)) if html and html.strip() else None
    if tree is None:
        return HtmlResult((), None, None, None, None, None, url)
    if _unwrap_crowded(tree):  # re-read, so each paragraph's text is one text node again
        tree = _parse(lxml.html.tostring(tree, encoding="unicode"))

    date_params = {
        "extensive_search": False,  # no free-text or copyright-year guessing
        "original_date": True,  # published, not last modified
        "deferred_url_extractor": True,  # structured metadata before URL patterns
        "max_date": max_date.isoformat(),
        "outputformat": "%Y-%m-%d",
    }
    found = bare_extraction(  # copies the tree, so `tree` stays untouched
        tree,
        url=url,
        fast=True,  # trafilatura's own fallbacks are replaced by the second opinion below
        include_comments=False,
    )
    main = _lines(found.text or "") if isinstance(found, TrafilaturaDocument) else []
    doc = _metadata(tree, url, date_params)

    page_url = doc.url or url
    outlet = _outlet(doc.sitename, tree)
    title = clean_title(doc.title or None, doc.sitename or None, page_url)
    published, source = _published(doc.date, tree, page_url, max_date)
    author = doc.author or None
    words = _word_count(main)
    # leaves the tree as it was, but for scripts and styles
    other = _readability(tree) if _needs_second_opinion(main, tree) else []
    if words < FULL_RERUN_MAX_WORDS or (
        other and _word_count(other) >= FULL_RERUN_MIN_RATIO * words
    ):
        main = _better_supported(main, _full_extraction(tree, url), other)
    body = _second_opinion(_drop_header(main, title, author), _drop_header(other, title, author))
    return HtmlResult(
        paragraphs=tuple(p for p in drop_teasers(body) if not _caption(p)),
        title=title,
        outlet=outlet,
        author=author,
        published=published,
        published_source=source,
        url=page_url,
    )


def _metadata(
    tree: lxml.html.HtmlElement, url: str | None, date_params: dict[str, Any]
) -> TrafilaturaDocument:
    """trafilatura's metadata (title, author, url, site name, htmldate's date) as its
    extract_metadata finds them, in the same order, without the fields newsweave never reads:
    categories, tags and licence took a third of its time on the Zyte pages."""
    try:  # the steps of extract_metadata are not public API: degrade to the whole of it
        from trafilatura.metadata import (
            META_URL,
            examine_meta,
            extract_author,
            extract_meta_json,
            extract_sitename,
            extract_title,
            extract_url,
        )
    except ImportError:  # pragma: no cover - depends on the installed trafilatura
        return extract_metadata(tree, default_url=url, date_config=date_params)
    doc = examine_meta(tree)
    if doc.author and " " not in doc.author:  # one word is no name (as trafilatura)
        doc.author = None
    try:
        doc = extract_meta_json(tree, doc)
    except Exception as err:  # JSON-LD of any shape: trafilatura logs and goes on, too
        LOGGER.debug("JSON-LD metadata unreadable: %s", err)
    doc.title = doc.title or extract_title(tree)
    doc.author = doc.author or _author(tree, extract_author)
    doc.url = doc.url or extract_url(tree, url)
    doc.date = find_date(tree, **{**date_params, "url": doc.url})
    doc.sitename = doc.sitename or extract_sitename(tree)
    if doc.sitename:
        doc.sitename = doc.sitename.lstrip("@")
        if doc.sitename and "." not in doc.sitename and not doc.sitename[0].isupper():
            doc.sitename = doc.sitename.title()
    elif doc.url and (match := META_URL.match(doc.url)):
        doc.sitename = match[1]
    doc.clean_and_trim()
    return doc


# --- The author search ------------------------------------------------------------
# trafilatura looks for a byline element (class "author", "byline", ...) on a copy of the
# page with comments, sidebars, dates and figures deleted, which costs a deep copy and an
# XPath over the whole page (3-4 ms of the 8 its search takes). Deleting elements changes
# no attribute of the others, so the elements its selectors find on the copy are those
# they find on the page itself, less those inside a deleted part; and an element with no
# deleted part below it has the same text in both. So the search runs on the page, each
# element found is tested against the deletion rules along its own ancestors and below
# it, and only an element with a deleted part below it (rare) sends the search back to
# trafilatura's own way. Same author on every page of both extraction sets
# (tests/test_extract_html.py compares both on real pages).


@dataclass(frozen=True)
class _AuthorSearch:
    selectors: tuple[Any, ...]  # trafilatura's byline XPaths, in its order
    deleted_above: lxml.etree.XPath  # an ancestor-or-self a deletion rule selects
    deleted_below: lxml.etree.XPath  # a descendant a deletion rule selects
    needs: tuple[Needs | None, ...]  # what each selector needs on a page to find anything
    present: lxml.etree.XPath | None  # those attributes' values and elements on a page


def _relative(paths: list[str], axis: str) -> str | None:
    """The union of trafilatura's `//name[...]` deletion rules along `axis` instead."""
    steps = []
    for path in paths:
        for branch in split_outside(path, r"\|"):
            branch = branch.strip()
            match = re.match(r"\.?//([\w*:-]+)", branch)
            if match is None or "/" in _outside_brackets(branch[match.end() :]):
                return None
            steps.append(f"{axis}::{match.group(1)}{branch[match.end() :]}")
    return " | ".join(steps)


def _outside_brackets(path: str) -> str:
    """`path` without its bracketed predicates and quoted strings."""
    out, depth, quote = [], 0, ""
    for char in path:
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
        elif depth == 0:
            out.append(char)
    return "".join(out)


def _author_search() -> _AuthorSearch | None:
    try:  # trafilatura's selectors are not public API: without them, its own search
        from trafilatura.xpaths import AUTHOR_DISCARD_XPATHS, AUTHOR_XPATHS
    except ImportError:  # pragma: no cover - depends on the installed trafilatura
        return None
    paths = [expression.path for expression in AUTHOR_DISCARD_XPATHS]
    above, below = _relative(paths, "ancestor-or-self"), _relative(paths, "descendant")
    if above is None or below is None:  # pragma: no cover - a shape of rule not read here
        return None
    namespaces = {"re": "http://exslt.org/regular-expressions"}
    selectors = tuple(native(expression) for expression in AUTHOR_XPATHS)
    wanted = tuple(needs(selector.path) for selector in selectors)
    attributes = sorted({name for n in wanted if n for name in n.attributes})
    elements = sorted({name for n in wanted if n for name in n.elements})
    steps = [f"//@{name}" for name in attributes] + [f"//{name}" for name in elements]
    return _AuthorSearch(
        selectors,
        lxml.etree.XPath(native_path(above), namespaces=namespaces),
        lxml.etree.XPath(native_path(below), namespaces=namespaces),
        wanted,
        lxml.etree.XPath(" | ".join(steps), smart_strings=False) if steps else None,
    )


_AUTHOR_SEARCH = _author_search()
AUTHOR_MAX_CHARS = 120  # trafilatura's limit on a byline's length


def _author(tree: lxml.html.HtmlElement, fallback: Any) -> str | None:
    """trafilatura's author search (`fallback`, its extract_author) without its copy."""
    search = _AUTHOR_SEARCH
    if search is None:  # pragma: no cover - depends on the installed trafilatura
        return fallback(tree)  # type: ignore[no-any-return]
    from trafilatura.json_metadata import normalize_authors
    from trafilatura.utils import trim

    # trafilatura's selectors each walk the whole page testing a dozen attribute values per
    # element (~2 ms); one walk collecting the values they test tells which of them cannot
    # find anything here (on 4 in 10 trafilatura-dev pages without an author in their
    # metadata, none can)
    found = search.present(tree) if search.present is not None else []
    values = "\n".join(value for value in found if isinstance(value, str))
    names = {element.tag for element in found if not isinstance(element, str)}
    for selector, need in zip(search.selectors, search.needs, strict=True):
        if need is not None and not need.met(values, names):
            continue
        for element in selector(tree):
            if search.deleted_above(element):
                continue  # not on trafilatura's copy
            if search.deleted_below(element):
                return fallback(tree)  # type: ignore[no-any-return]  # its text differs there
            content = trim(" ".join(element.itertext()))
            if content and 2 < len(content) < AUTHOR_MAX_CHARS:
                return normalize_authors(None, content)  # type: ignore[no-any-return]
    return None


# --- Parsing -------------------------------------------------------------------
# trafilatura's parser (lxml.html's) gives every element its Python class through a lookup
# written in Python, which lxml calls each time it hands an element to Python: about 5,000
# times a page across trafilatura's passes, the metadata and readability, ~1.3 ms of CPU a
# trafilatura-dev page (docs/benchmarks.md). Only <form>, <input>, <label>, <select> and
# <textarea> get classes of their own there, whose extras (form fields, values) nothing
# newsweave runs reads. So pages are parsed with trafilatura's parser settings by a parser
# whose lookup is lxml's own, in C: every element an lxml.html HtmlElement, the same tree.
# _parse follows trafilatura's load_html step for step for a decoded page (it is what
# load_html does with a str); tests/test_extract_html.py compares the two on real pages.
_PARSER = lxml.etree.HTMLParser(
    collect_ids=False,
    default_doctype=False,
    encoding="utf-8",
    remove_comments=True,
    remove_pis=True,
)
_PARSER.set_element_class_lookup(
    lxml.etree.ElementDefaultClassLookup(
        element=lxml.html.HtmlElement,
        comment=lxml.html.HtmlComment,
        pi=lxml.html.HtmlProcessingInstruction,
        entity=lxml.html.HtmlEntity,
    )
)


def _parse(html: str) -> lxml.html.HtmlElement | None:
    """The page's tree as trafilatura's load_html reads a str, by _PARSER; None when it is
    not HTML (no "html" in its first 50 characters and under two top-level elements)."""
    beginning = html[:50].lower()
    html = repair_faulty_html(html, beginning)
    tree, as_bytes = None, False
    try:
        tree = lxml.html.fromstring(html, parser=_PARSER)
    except ValueError:  # a str with an encoding declaration: libxml2 wants bytes then
        tree, as_bytes = _parse_bytes(html), True
    except Exception as err:  # pragma: no cover - as load_html: any parser failure
        LOGGER.debug("lxml could not parse the page: %s", err)
    if (tree is None or len(tree) < 1) and not as_bytes:
        tree = _parse_bytes(html)
    if tree is not None and is_dubious_html(beginning) and len(tree) < 2:
        return None
    return tree


def _parse_bytes(html: str) -> lxml.html.HtmlElement | None:
    try:
        return lxml.html.fromstring(html.encode("utf8", "surrogatepass"), parser=_PARSER)
    except Exception as err:  # as load_html: whatever the parser raises means no tree
        LOGGER.debug("lxml could not parse the page as bytes: %s", err)
        return None


def _bounded_attributes(html: str) -> str:
    """`html` with at most MAX_ATTRIBUTES attributes per tag (see Parse limits)."""

    def bound(tag: re.Match[str]) -> str:
        text = tag.group()
        name_end = re.match(r"<[^\s/>]+", text)
        assert name_end is not None  # the pattern starts with "<" and a letter
        attributes = _ATTRIBUTE.findall(text, name_end.end(), len(text) - 1)
        if len(attributes) <= MAX_ATTRIBUTES:
            return text
        return f"{name_end.group()} {' '.join(attributes[:MAX_ATTRIBUTES])}>"

    return _LONG_TAG.sub(bound, html)


def _unwrap_crowded(tree: lxml.html.HtmlElement) -> bool:
    """Bound the children of crowded elements (over MAX_CHILDREN); True if any was changed.

    A crowded element that is mostly link text is a link farm (a sitemap-like menu, a tag
    cloud) and is dropped, as trafilatura's link-density test would; any other has its
    inline tags unwrapped into its text. libxml2 leaves the unwrapped texts as adjacent
    text nodes (trafilatura would still walk them one by one), so the caller parses the
    page again when this changed it.
    """
    crowded = _CROWDED(tree)  # in document order, as a walk over the tree would find them
    for element in crowded:
        text = len(element.text_content())
        linked = sum(len(link.text_content()) for link in element.iter("a"))
        if linked > text / 2 and element is not tree:
            element.drop_tree()
        else:
            lxml.etree.strip_tags(element, *_INLINE_TAGS)
    return bool(crowded)


def _needs_second_opinion(main: list[str], tree: lxml.html.HtmlElement) -> bool:
    """Whether trafilatura's text looks suspect enough to ask readability (see
    OPINION_MIN_PAGE_SHARE): short, one block, a small part of the page's paragraph text,
    or an edge that is not prose."""
    words = _word_count(main)
    if words < FULL_RERUN_MAX_WORDS or len(main) < 2:
        return True
    if not (_prose(main[0], OPINION_FIRST_WORDS) and _prose(main[-1], OPINION_LAST_WORDS)):
        return True
    page = sum(len(p.text_content().split()) for p in tree.iter("p"))
    return not OPINION_MIN_PAGE_SHARE * page <= words <= OPINION_MAX_PAGE_SHARE * page


def _prose(paragraph: str, words: int) -> bool:
    return len(paragraph.split()) >= words and bool(_SENTENCE_END.search(paragraph))


# A photo caption in the body ends with its credit ("... on Tuesday. Photo: Name/Agency",
# "... (AFP)") the way the plain-text cleaner recognises captions (its patterns, in the
# languages it reads), and is short; the cleaner allows 60 words in scrapes, HTML bodies
# hold fewer run-together lines, so fewer here. On the tune half of trafilatura-dev
# (replayed): F1 +0.0006 with this alone, confirm and Zyte unchanged.
HTML_CAPTION_MAX_WORDS = 40


def _caption(paragraph: str) -> bool:
    return len(paragraph.split()) <= HTML_CAPTION_MAX_WORDS and bool(
        CREDIT_TAIL.search(paragraph)
        or CREDIT_ANYWHERE.search(paragraph)
        or (CREDIT_TAIL_WEAK.search(paragraph) and CAPTION_CUES.search(paragraph))
    )


def _word_count(lines: list[str]) -> int:
    return sum(len(line.split()) for line in lines)


def _better_supported(fast: list[str], full: list[str], other: list[str]) -> list[str]:
    """trafilatura's fast or full-mode body, whichever readability supports more.

    Full mode helps where the fast pass found a caption or a form; on a page whose short
    article the fast pass had right it can pick a longer block of chrome instead, which
    readability does not have.
    """
    if not full or full == fast:
        return fast
    if not fast or not other:
        return full
    theirs = _Opinion.of(other)
    return full if theirs.support("\n".join(full)) > theirs.support("\n".join(fast)) else fast


def _full_extraction(tree: lxml.html.HtmlElement, url: str | None) -> list[str]:
    """trafilatura's body with its own fallbacks (readability port, jusText) compared in."""
    found = bare_extraction(tree, url=url, fast=False, include_comments=False)
    return _lines(found.text or "") if isinstance(found, TrafilaturaDocument) else []


def _lines(text: str) -> list[str]:
    """Non-empty lines, spaces collapsed, in Unicode NFC: trafilatura normalises its text so,
    readability does not, and one canonical form keeps comparisons and search exact
    (Bengali "য়" is one code point in some pages, two in others)."""
    text = unicodedata.normalize("NFC", text)
    return [" ".join(line.split()) for line in text.split("\n") if line.strip()]


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _shingles(words: list[str]) -> set[tuple[str, ...]]:
    if len(words) < SHINGLE:
        return {tuple(words)}
    return set(zip(*(words[i:] for i in range(SHINGLE)), strict=False))


@dataclass(frozen=True)
class _Opinion:
    """An extraction indexed for support look-ups."""

    shingles: set[tuple[str, ...]]
    lines: frozenset[str]  # each paragraph's words, space-joined
    words: tuple[str, ...]  # all of them, in order

    @classmethod
    def of(cls, paragraphs: list[str]) -> _Opinion:
        words = [_words(p) for p in paragraphs]
        every = [w for ws in words for w in ws]
        return cls(_shingles(every), frozenset(" ".join(ws) for ws in words), tuple(every))

    def covers(self, other: _Opinion) -> float:
        """`support` of the other extraction's whole text, from its own index (no re-reading)."""
        if not other.words:
            return 0.0
        if len(other.words) < SHINGLE:
            return 1.0 if " ".join(other.words) in self.lines else 0.0
        return len(other.shingles & self.shingles) / len(other.shingles)

    def support(self, text: str) -> float:
        """Share of `text`'s word 4-grams found here (0 for text without words).

        Text too short for a 4-gram ("MENU", "Share this") counts only when it is a
        whole paragraph here too: any single word occurs somewhere in an article.
        """
        words = _words(text)
        if not words:
            return 0.0
        if len(words) < SHINGLE:
            return 1.0 if " ".join(words) in self.lines else 0.0
        own = _shingles(words)
        return len(own & self.shingles) / len(own)


def _drop_header(paragraphs: list[str], title: str | None, author: str | None) -> list[str]:
    """Headline and byline are metadata, not body: drop them where they open the text."""
    header = [_words(title or ""), _words(author or ""), ["by", *_words(author or "")]]
    header = [words for words in header if words and words != ["by"]]
    start = 0
    while start < min(2, len(paragraphs)) and _words(paragraphs[start]) in header:
        start += 1
    return paragraphs[start:]


# readability cleans its copy of the tree with lxml's HTML sanitiser before scoring it. The
# sanitiser's javascript option rewrites every link (to blank "javascript:" targets) and
# deletes event attributes: about a fifth of readability's time on the Zyte pages, and
# neither changes a word of the text (readability reads link text, never targets). What
# is left of its work with readability's settings is done here by lxml's own C-level
# calls instead of the sanitiser's Python walk over every node: XHTML names made plain,
# <image> as <img>, style attributes dropped, scripts, styles, <link>s, comments and
# processing instructions removed (their tails kept). tests/test_extract_html.py checks
# that the text comes out the same as with readability's own cleaning.
def _clean_for_readability(doc: lxml.html.HtmlElement) -> None:
    lxml.html.xhtml_to_html(doc)
    for element in doc.iter("image"):
        element.tag = "img"
    lxml.etree.strip_attributes(doc, "style")
    lxml.etree.strip_elements(
        doc,
        "script",
        "style",
        "link",
        lxml.etree.Comment,
        lxml.etree.ProcessingInstruction,
        with_tail=False,
    )


# readability's XPath tests, compiled once (it compiles each for every element it tests)
_NAMED = lxml.etree.XPath(".//*[@class or @id]")
_NAMED_COUNT = lxml.etree.XPath("count(.//*[@class or @id])")
_IN_CODE = lxml.etree.XPath("ancestor-or-self::pre | ancestor-or-self::code")
_HOLDS_ARTICLE = lxml.etree.XPath(
    "descendant-or-self::main | descendant-or-self::article | descendant-or-self::math"
)


def _base_with_href(doc: lxml.html.HtmlElement) -> Iterator[lxml.html.HtmlElement]:
    """The <base href> elements lxml's resolve_base_href looks for (by a walk in C, not its
    XPath over the page)."""
    for base in doc.iter("base", f"{{{lxml.html.XHTML_NAMESPACE}}}base"):
        if base.get("href") is not None:
            yield base


class _Readability(ReadabilityDocument):  # type: ignore[misc]  # readability has no hints
    """readability-lxml on a parsed tree, with the cheaper cleaning above."""

    def _parse(self, input: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
        # as readability's own _parse for a tree without a URL: hidden elements go, then
        # the sanitiser runs; all on a copy, so a second ("less ruthless") pass starts afresh
        # (on a copy it makes itself, so that trafilatura can still read the tree after)
        self.encoding = "utf-8"
        doc = copy.deepcopy(input)
        for element in doc.xpath("//*[@hidden]"):
            element.drop_tree()
        hidden_style = READABILITY_REGEXES["displayNoneRe"]
        for element in doc.xpath("//*[@style]"):
            if hidden_style.search(element.get("style")):
                element.drop_tree()
        _clean_for_readability(doc)  # in place
        if next(_base_with_href(doc), None) is not None:  # else it would find nothing to do
            doc.resolve_base_href(handle_failures=self.handle_failures)
        return doc

    # The two passes below are readability's own, decision for decision, with its two costly
    # look-ups done once instead of per element: which elements have a class or id, and
    # which have a block element below them (readability serialised every div's children
    # and searched the markup for "<p", "<div", ...). Same paragraphs on every page of
    # both extraction sets; tests/test_extract_html.py checks real pages.

    def remove_unlikely_candidates(self) -> None:
        unlikely, maybe = _UNLIKELY_CANDIDATE, _MAYBE_CANDIDATE
        named = _NAMED(self.html)  # others have nothing to test
        skip_to = 0
        for index, elem in enumerate(named):
            if index < skip_to:  # inside a subtree already dropped: no longer in the page
                continue
            s = "{} {}".format(elem.get("class", ""), elem.get("id", ""))
            if (
                len(s) >= 2
                and unlikely.search(s)
                and not maybe.search(s)
                and elem.tag not in ("html", "body")
                and not _IN_CODE(elem)
                and not _HOLDS_ARTICLE(elem)
            ):
                # its named descendants follow it in document order
                skip_to = index + 1 + int(_NAMED_COUNT(elem))
                elem.drop_tree()

    def score_paragraphs(self) -> dict[lxml.html.HtmlElement, dict[str, Any]]:
        # readability's own scoring; its debug line described every candidate (walking its
        # ancestors) even with logging off, and kept the elements in a module-level table
        min_length = self.min_text_length
        candidates: dict[lxml.html.HtmlElement, dict[str, Any]] = {}
        ordered = []
        for elem in self.tags(self._html(), "p", "pre", "td", "blockquote"):
            parent_node = elem.getparent()
            if parent_node is None:
                continue
            grand_parent_node = parent_node.getparent()
            inner_text = _clean_text(elem.text_content() or "")
            inner_text_len = len(inner_text)
            if inner_text_len < min_length:
                continue
            if parent_node not in candidates:
                candidates[parent_node] = self.score_node(parent_node)
                ordered.append(parent_node)
            if grand_parent_node is not None and grand_parent_node not in candidates:
                candidates[grand_parent_node] = self.score_node(grand_parent_node)
                ordered.append(grand_parent_node)
            content_score = 1 + len(inner_text.split(",")) + min((inner_text_len / 100), 3)
            candidates[parent_node]["content_score"] += content_score
            if grand_parent_node is not None:
                candidates[grand_parent_node]["content_score"] += content_score / 2.0
        # link density as get_link_density's, each link's text cleaned once: a link inside
        # a paragraph's parent is inside its grandparent too (nothing changes the tree here)
        link_lengths: dict[lxml.html.HtmlElement, int] = {}
        for elem in ordered:
            links = 0
            for link in elem.iterdescendants("a"):
                length = link_lengths.get(link)
                if length is None:
                    length = link_lengths[link] = len(_clean_text(link.text_content() or ""))
                links += length
            density = links / max(len(_clean_text(elem.text_content() or "")), 1)
            candidates[elem]["content_score"] *= 1 - density
        return candidates

    def class_weight(self, e: lxml.html.HtmlElement) -> int:
        # readability's, its patterns searched as _Folded (newsweave passes no keywords)
        if self.positive_keywords or self.negative_keywords:
            return super().class_weight(e)  # type: ignore[no-any-return]
        weight = 0
        for feature in (e.get("class"), e.get("id")):
            if feature:
                weight -= 25 if _NEGATIVE.search(feature) else 0
                weight += 25 if _POSITIVE.search(feature) else 0
        return weight

    def get_link_density(self, elem: lxml.html.HtmlElement) -> float:
        # readability's, with its text cleaning done by _clean_text
        links = sum(
            len(_clean_text(link.text_content() or "")) for link in elem.iterdescendants("a")
        )
        return links / max(len(_clean_text(elem.text_content() or "")), 1)

    def transform_misused_divs_into_paragraphs(self) -> None:
        html = self.html
        blocky = _with_block_below(html)
        for elem in list(html.iter("div")):  # a div with no block element below is a <p>
            if elem not in blocky:
                elem.tag = "p"
        for elem in self.tags(html, "div"):
            children = list(elem)
            paragraph = None
            if elem.text and elem.text.strip():
                p = lxml.html.fragment_fromstring("<p/>")
                p.text = elem.text
                elem.text = None
                elem.insert(0, p)
                paragraph = p
            for child in children:
                if child.tag == "br":
                    paragraph = None
                    continue
                if child.tag not in _READABILITY_INLINE or _has_block_markup(child):
                    paragraph = None
                    continue
                if paragraph is None:
                    paragraph = lxml.html.fragment_fromstring("<p/>")
                    child.addprevious(paragraph)
                paragraph.append(child)
            for pos, child in reversed(list(enumerate(elem))):
                if child.tail and child.tail.strip():
                    p = lxml.html.fragment_fromstring("<p/>")
                    p.text = child.tail
                    child.tail = None
                    elem.insert(pos + 1, p)
                if child.tag == "br":
                    child.drop_tree()


# readability normalises an element's text with three regular expressions before it counts
# its length (runs of 255 or more spaces cut to 255; a run of spaces with a line break in it
# made one line break; a tab, or a run of spaces and tabs, made one space): a third of its
# time went to them, on texts of whole page sections. The same result by string methods;
# tests/test_extract_html.py checks that both agree. A text with a run of 255 spaces went to
# readability's own function, where its second expression backtracks over every such run
# (255 spaces cost ~32,000 steps): a few pages with deep indentation spent over a millisecond
# there. Each of the three steps changes a run of spaces by what the run holds alone, so
# each run is rewritten once, in one pass: 255 or more spaces make one space, a run with a
# line break one line break, any other run what the third expression makes of it.
_LONG_SPACE = re.compile(r"(?<!\s)\s{255}")  # tried only where a run starts
_SPACES = re.compile(r"\s+")
_TAB_OR_SPACES = re.compile(r"\t|[ \t]{2,}")


def _clean_run(run: re.Match[str]) -> str:
    spaces = run.group()
    if len(spaces) >= 255:
        return " "
    if "\n" in spaces:
        return "\n"
    return spaces if spaces == " " else _TAB_OR_SPACES.sub(" ", spaces)


def _clean_text(text: str) -> str:
    """readability's clean(text), faster."""
    if len(text) >= 255 and _LONG_SPACE.search(text):
        return _SPACES.sub(_clean_run, text).strip()
    if "\n" in text:
        lines = text.split("\n")
        last = len(lines) - 1
        kept = [lines[0].rstrip()]
        kept.extend(line.strip() for line in lines[1:last] if not line.isspace() and line)
        kept.append(lines[last].lstrip())
        text = "\n".join(kept)
    if "\t" in text:
        return _TAB_OR_SPACES.sub(" ", text).strip()
    while "  " in text:
        text = text.replace("  ", " ")
    return text.strip()


class _Folded:
    """A case-insensitive pattern of lower-case ASCII text (readability's class and id
    tests), searched in ASCII text as its case-sensitive self in the lower-cased text: the
    same answer (an ASCII letter matches only its two cases either way), a fifth of the time.
    Other text, or a pattern of another kind, is searched as it is."""

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        text, flags = pattern.pattern, pattern.flags
        folded = flags & re.IGNORECASE and text.isascii() and text == text.lower()
        self.lower = re.compile(text, flags & ~re.IGNORECASE) if folded else None

    def search(self, text: str) -> bool:
        if self.lower is not None and text.isascii():
            return self.lower.search(text.lower()) is not None
        return self.pattern.search(text) is not None


_UNLIKELY_CANDIDATE = _Folded(READABILITY_REGEXES["unlikelyCandidatesRe"])
_MAYBE_CANDIDATE = _Folded(READABILITY_REGEXES["okMaybeItsACandidateRe"])
_NEGATIVE = _Folded(READABILITY_REGEXES["negativeRe"])
_POSITIVE = _Folded(READABILITY_REGEXES["positiveRe"])
_BLOCK_MARKUP = READABILITY_REGEXES["divToPElementsRe"]  # "<p", "<div", "<img", ... in markup
# readability's test is on serialised markup, so it matches tag names by prefix ("<p" also
# finds <pre>, <picture>, <path>); the same prefixes on tag names:
_BLOCK_TAG = re.compile(_BLOCK_MARKUP.pattern.removeprefix("<"), re.IGNORECASE)
_READABILITY_INLINE = frozenset(
    {"a", "b", "cite", "code", "em", "font", "i", "small", "span", "strong", "sub", "sup", "u"}
)


def _with_block_below(root: lxml.html.HtmlElement) -> set[lxml.html.HtmlElement]:
    """Elements with a block-named element somewhere below them, in one pass over the tree
    (the set keeps the element proxies alive, so membership tests are by node)."""
    found: set[lxml.html.HtmlElement] = set()
    for element in root.iter(lxml.etree.Element):
        if _BLOCK_TAG.match(element.tag):
            for ancestor in element.iterancestors():
                if ancestor in found:
                    break
                found.add(ancestor)
    return found


def _has_block_markup(element: lxml.html.HtmlElement) -> bool:
    """readability's regex on `element`'s HTML markup, without serialising it: a block-named
    element below it, or the pattern inside an attribute value (HTML serialisation leaves
    "<" unescaped there; text is escaped, so text never matches)."""
    for node in element.iter(lxml.etree.Element):
        if node is not element and _BLOCK_TAG.match(node.tag):
            return True
        if any("<" in value and _BLOCK_MARKUP.search(value) for value in node.attrib.values()):
            return True
    return False


def _readability(tree: lxml.html.HtmlElement, *, fast: bool = True) -> list[str]:
    """readability-lxml's article paragraphs ([] when it finds nothing). Strips `tree`'s
    scripts, styles and comments; with `fast=False` (readability's own cleaning, for the
    test that both read the same text) it also drops its hidden elements.
    """
    # readability's cleaner drops these too; dropping them first saves ~2 ms a page
    lxml.etree.strip_elements(tree, "script", "style", lxml.etree.Comment, with_tail=False)
    try:
        document = _Readability(tree) if fast else ReadabilityDocument(tree)
        summary = document.summary(html_partial=True)
        fragment = lxml.html.fromstring(summary) if summary.strip() else None
    except (Unparseable, lxml.etree.LxmlError, ValueError) as err:
        LOGGER.debug("readability found no article: %s", err)
        return []
    if fragment is None:
        return []
    for element in fragment.iter():
        if isinstance(element.tag, str) and element.tag in _BLOCK_TAGS:
            element.tail = "\n" + (element.tail or "")
            element.text = "\n" + (element.text or "")
    return _lines(fragment.text_content())


def _second_opinion(main: list[str], other: list[str]) -> list[str]:
    """Extend or trim trafilatura's paragraphs where readability clearly disagrees."""
    if not other:
        return main
    mine, theirs = _Opinion.of(main), _Opinion.of(other)
    main_text, other_text = "\n".join(main), "\n".join(other)
    if len(other_text) >= EXTEND_MIN_RATIO * len(main_text) and (
        not main or theirs.covers(mine) >= EXTEND_MIN_SUPPORT
    ):
        return other
    if mine.covers(theirs) < TRIM_MIN_AGREEMENT:
        return main
    if len(main) == 1:
        # One block cannot be trimmed at paragraph edges. It is typically trafilatura's last
        # resort (the page's text run together); readability has that text in paragraphs.
        return other
    longest = None if theirs.covers(mine) >= TRIM_MIN_COVERAGE else LOW_COVERAGE_EDGE_WORDS
    start, end = 0, len(main)
    while start < end and not _lede(main[start]) and _foreign_edge(main[start], theirs, longest):
        start += 1
    while end > start and _foreign_edge(main[end - 1], theirs, longest):
        end -= 1
    return main[start:end]


def _lede(paragraph: str) -> bool:
    """Prose long enough to be the article's first paragraph (see LEDE_MIN_WORDS)."""
    return len(paragraph.split()) >= LEDE_MIN_WORDS and bool(_SENTENCE_END.search(paragraph))


def _foreign_edge(paragraph: str, theirs: _Opinion, longest: int | None) -> bool:
    """An edge paragraph the other extraction lacks (and, if `longest`, that short)."""
    if longest is not None and len(_words(paragraph)) > longest:
        return False
    return theirs.support(paragraph) < EDGE_MIN_SUPPORT


def _outlet(sitename: str | None, tree: lxml.html.HtmlElement) -> str | None:
    """trafilatura's site name, unless it only guessed it from the URL or <title>."""
    if not sitename:
        return None
    wanted = sitename.lower()
    declared = tree.xpath(
        "//meta[not(starts-with(normalize-space(@content), 'http'))]/@content"
        " | //script[@type='application/ld+json']/text()"
    )
    return sitename if any(wanted in str(value).lower() for value in declared) else None


def _published(
    found: str | None, tree: lxml.html.HtmlElement, page_url: str | None, max_date: datetime.date
) -> tuple[datetime.date | None, PublishedSource | None]:
    """The date htmldate chose and where on the page it came from; (None, None) if unsupported."""
    try:
        day = datetime.date.fromisoformat(found) if found else None
    except ValueError:
        day = None
    if day is None or day > max_date:  # htmldate enforces max_date too; keep the promise here
        return None, None
    if day.day == 1 and _cut_from_later_date(day, tree, page_url, max_date):
        return None, None
    source = _date_source(found or "", tree, page_url, max_date)
    return (day, source) if source else (None, None)


def _cut_from_later_date(
    day: datetime.date, tree: lxml.html.HtmlElement, page_url: str | None, max_date: datetime.date
) -> bool:
    """True if htmldate made `day` by cutting a too-late date down to its month.

    When a full date fails the max_date check, htmldate retries the same string as
    year-month and returns the 1st, e.g. "2024-03-05" after a crawl on 2024-03-02 gives
    2024-03-01. Without the upper bound the full, later date shows through.
    """
    unbounded = find_date(
        tree,
        extensive_search=False,
        original_date=True,
        deferred_url_extractor=True,
        url=page_url,
        max_date=datetime.datetime(max_date.year + 100, 12, 31),
    )
    later = datetime.date.fromisoformat(unbounded) if unbounded else None
    return later is not None and later > max_date and later.replace(day=1) == day


def _date_source(
    found: str, tree: lxml.html.HtmlElement, page_url: str | None, max_date: datetime.date
) -> PublishedSource | None:
    """Re-run htmldate's cheap first stages to tell which one produced `found`.

    With `deferred_url_extractor` htmldate tries <meta> and JSON-LD, then the
    URL, then the page's own elements and text, and returns the first hit.
    None when the only support is a copyright year (htmldate turns it into 1 January).
    """
    try:  # htmldate's stage functions are not public API: degrade, don't fail
        from htmldate.core import examine_header
        from htmldate.extractors import extract_url_date, json_search
        from htmldate.utils import Extractor
        from htmldate.validators import get_max_date, get_min_date
    except ImportError:  # pragma: no cover - depends on the installed htmldate
        return "html-text"  # the page said so; which part of it is unknown
    options = Extractor(
        False, get_max_date(max_date.isoformat()), get_min_date(None), True, "%Y-%m-%d"
    )
    if found == examine_header(tree, options):
        if found.endswith("-01-01") and found[:4] in _copyright_years(tree):
            return None
        return "html-meta"
    if found == json_search(tree, options):
        return "html-meta"
    if found == extract_url_date(page_url, options):
        return "url"
    return "html-text"


_COPYRIGHT_YEAR_XPATH = (
    "//meta[translate(@itemprop, 'COPYRIGHTYEAR', 'copyrightyear')='copyrightyear']/@content"
)


def _copyright_years(tree: lxml.html.HtmlElement) -> list[str]:
    return [str(value).strip() for value in tree.xpath(_COPYRIGHT_YEAR_XPATH)]
