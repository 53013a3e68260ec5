"""extract/html.py: body paragraphs, metadata and dates from HTML pages."""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from datetime import date

import lxml.etree
import pytest
from conftest import EVALDATA, need

from newsweave.extract.html import (
    HtmlResult,
    _caption,
    _needs_second_opinion,
    _second_opinion,
    extract_html,
)
from newsweave.extract.native_xpath import Needs, literals, native, native_path, needs

URL = "https://www.portvale-courier.com/news/harbour-bridge-repairs"
PUBLISHED_META = '<meta property="article:published_time" content="2024-03-05T09:30:00+01:00">\n'
SITE_NAME_META = '<meta property="og:site_name" content="The Portvale Courier">\n'

BODY = (
    "The city council voted 7-2 on Tuesday to close the Old Harbour Bridge for six months of "
    "repairs after inspectors found corroded cables under the eastern span.",
    "“We cannot wait for a collapse to act,” Mayor Ilse Marten said after the vote. She added "
    "that ferries would run every 20 minutes while the bridge is shut.",
    "The closure begins in March and will cost an estimated 14 million euros, according to the "
    "council’s transport office, which will publish detours next week.",
    "Shop owners on the eastern bank said they feared losing customers. “Half of our trade walks "
    "across that bridge,” said Anouk Vries, who runs a bakery near the ferry pier.",
)

ARTICLE = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Harbour bridge to close for six months of repairs | The Portvale Courier</title>
<meta property="og:title" content="Harbour bridge to close for six months of repairs">
{SITE_NAME_META}<meta property="og:url" content="{URL}">
{PUBLISHED_META}<meta name="author" content="Tomas Brenner">
<link rel="canonical" href="{URL}">
</head>
<body>
<header>
  <a class="logo" href="/">The Portvale Courier</a>
  <nav><ul>
    <li><a href="/">Home</a></li><li><a href="/news">News</a></li>
    <li><a href="/sport">Sport</a></li><li><a href="/weather">Weather</a></li>
    <li><a href="/subscribe">Subscribe for 1 euro a week</a></li>
  </ul></nav>
</header>
<main>
<article>
  <h1>Harbour bridge to close for six months of repairs</h1>
  <p class="byline">By <a href="/authors/tomas-brenner">Tomas Brenner</a></p>
  <p>{BODY[0]}</p>
  <p>{BODY[1]}</p>
  <p>{BODY[2]}</p>
  <p>{BODY[3]}</p>
</article>
<aside class="related">
  <h2>Related stories</h2>
  <ul>
    <li><a href="/news/ferry-timetable">Ferry timetable extended for the winter season</a></li>
    <li><a href="/news/tram-line">New tram line to reach the harbour by 2027</a></li>
    <li><a href="/news/council-budget">Council budget leaves little room for road works</a></li>
  </ul>
</aside>
</main>
<footer>
  <p>© The Portvale Courier. All rights reserved.</p>
  <p><a href="/privacy">Privacy policy</a> | <a href="/contact">Contact us</a></p>
</footer>
</body>
</html>
"""
CHROME = ("Home", "Subscribe", "Related stories", "Ferry timetable", "tram line", "Privacy", "©")
NO_DATE = ARTICLE.replace(PUBLISHED_META, "")


def test_article_page_metadata_and_body_without_chrome():
    result = extract_html(ARTICLE, URL)
    assert result == HtmlResult(
        paragraphs=BODY,
        title="Harbour bridge to close for six months of repairs",
        outlet="The Portvale Courier",
        author="Tomas Brenner",
        published=date(2024, 3, 5),
        published_source="html-meta",
        url=URL,
    )
    text = "\n".join(result.paragraphs)
    for chrome in CHROME:
        assert chrome not in text


def test_page_without_any_date_has_no_published_date():
    result = extract_html(NO_DATE, URL)
    assert result.published is None
    assert result.published_source is None
    assert result.paragraphs == BODY


def test_outlet_is_not_guessed_from_the_url():
    result = extract_html(NO_DATE.replace(SITE_NAME_META, ""), URL)
    assert result.outlet is None
    assert result.url == URL


def test_url_date_used_when_no_metadata_date():
    dated_url = "https://www.portvale-courier.com/news/2024/03/01/harbour-bridge-repairs"
    result = extract_html(NO_DATE.replace(URL, dated_url), dated_url)
    assert (result.published, result.published_source) == (date(2024, 3, 1), "url")


def test_metadata_date_preferred_over_url_date():
    dated_url = "https://www.portvale-courier.com/news/2024/03/01/harbour-bridge-repairs"
    result = extract_html(ARTICLE.replace(URL, dated_url), dated_url)
    assert (result.published, result.published_source) == (date(2024, 3, 5), "html-meta")


def test_json_ld_date_is_metadata():
    json_ld = (
        '<script type="application/ld+json">'
        '{"@type": "NewsArticle", "datePublished": "2024-03-02T08:00:00Z"}</script>\n</head>'
    )
    result = extract_html(NO_DATE.replace("</head>", json_ld), URL)
    assert (result.published, result.published_source) == (date(2024, 3, 2), "html-meta")


def test_date_after_crawl_time_is_not_used():
    # htmldate alone would cut 2024-03-05 down to 2024-03-01 here: the month fits.
    result = extract_html(ARTICLE, URL, max_date=date(2024, 3, 1))
    assert (result.published, result.published_source) == (None, None)
    assert result.paragraphs == BODY


def test_far_future_date_is_not_used_by_default():
    result = extract_html(ARTICLE.replace("2024-03-05", "2999-03-05"), URL)
    assert (result.published, result.published_source) == (None, None)


def test_copyright_year_is_not_a_publication_date():
    copyright_year = '<meta itemprop="copyrightYear" content="2023">\n</head>'
    result = extract_html(NO_DATE.replace("</head>", copyright_year), URL)
    assert (result.published, result.published_source) == (None, None)


def test_truncated_page_still_gives_its_first_paragraph():
    cut = ARTICLE[: ARTICLE.index("<p>“We cannot") + 2]  # ends inside the next <p> tag
    assert cut.endswith("<p")
    result = extract_html(cut, URL)
    assert result.paragraphs == BODY[:1]
    assert result.title == "Harbour bridge to close for six months of repairs"


@pytest.mark.parametrize(
    "html", ["", "   ", "<html><head><title>Brid", "<html><body><div><p>", "\x00\x01\x02"]
)
def test_empty_or_broken_html_does_not_raise(html):
    result = extract_html(html, URL)
    assert result.paragraphs == ()
    assert result.published is None
    assert result.url == URL


def test_second_opinion_trims_edges_it_does_not_support():
    main = ["Most read: ferry timetable extended", *BODY, "Sign up for our newsletter today"]
    assert _second_opinion(main, list(BODY)) == list(BODY)


def test_a_leading_paragraph_of_prose_is_the_lede_and_stays():
    """readability often scores a container that leaves the lede out; its silence does not
    make a 30-word opening sentence chrome, while a short unsupported line still goes."""
    lede = (
        "Portvale's harbour bridge, which carries most of the town's traffic to the ferry "
        "terminal, will close for at least six months from April while engineers replace "
        "its corroded steel supports, the council announced on Monday."
    )
    assert _second_opinion([lede, *BODY], list(BODY)) == [lede, *BODY]
    teaser = "Most read: ferry timetable extended"
    assert _second_opinion([teaser, lede, *BODY], list(BODY)) == [lede, *BODY]
    unfinished = lede.removesuffix(".")  # a caption or a list item, not a sentence
    assert _second_opinion([unfinished, *BODY], list(BODY)) == list(BODY)


def test_second_opinion_extends_when_readability_has_more_of_the_same_article():
    assert _second_opinion(list(BODY[:2]), list(BODY)) == list(BODY)


def test_second_opinion_ignored_when_it_found_another_text():
    other = ["Council budget leaves little room for road works this year, the treasurer said."]
    assert _second_opinion(list(BODY), other) == list(BODY)


# --- real pages from the Zyte article-extraction benchmark

ZYTE = EVALDATA / "zyte"
ZYTE_PAGES = (  # ScienceAlert, Polygraph.info, News Nation
    "14cc2a0ca59c62a8c9f205a171e9ccf4ef4cf69b0c642f51c8c65c051b39024f",
    "1ee91d1fce65e09be8b8d2d29eab771546d98ca2ba5c862941e660e9fec12432",
    "076f4f33bf75059db581bedf36e76fb65e89a8f7752db3339aa3ea11c5122f32",
)


def _shingles(text: str) -> Counter[tuple[str, ...]]:
    tokens = re.findall(r"\w+", text)
    return Counter(tuple(tokens[i : i + 4]) for i in range(max(1, len(tokens) - 3)))


@pytest.fixture(scope="module")
def zyte_truth() -> dict:
    return json.loads(need(ZYTE / "ground-truth.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("page_id", ZYTE_PAGES)
def test_real_page_matches_ground_truth(page_id, zyte_truth):
    with gzip.open(need(ZYTE / "html" / f"{page_id}.html.gz"), "rt", encoding="utf-8") as f:
        html = f.read()
    truth = zyte_truth[page_id]
    result = extract_html(html, truth["url"], max_date=date(2019, 12, 31))
    assert result.paragraphs
    got, want = _shingles("\n".join(result.paragraphs)), _shingles(truth["articleBody"])
    shared = sum((got & want).values())
    assert shared / sum(got.values()) >= 0.9  # precision
    assert shared / sum(want.values()) >= 0.9  # recall
    assert result.published is not None and result.published <= date(2019, 12, 31)


@pytest.mark.parametrize("page_id", ZYTE_PAGES)
def test_cheaper_readability_cleaning_reads_the_same_text(page_id):
    """newsweave skips the javascript-link rewriting of readability's sanitiser (time only):
    the paragraphs must be readability's own, word for word, on real pages."""
    from trafilatura import load_html

    from newsweave.extract.html import _readability

    with gzip.open(need(ZYTE / "html" / f"{page_id}.html.gz"), "rt", encoding="utf-8") as f:
        html = f.read()
    fast = _readability(load_html(html), fast=True)
    assert fast and fast == _readability(load_html(html), fast=False)


@pytest.mark.parametrize(
    ("paragraph", "caption"),
    [
        (
            "Inspectors on the eastern span of the bridge on Monday. Photo: Ilse Marten/Courier",
            True,
        ),
        ("Der Bürgermeister am Dienstag im Rathaus. Foto: Lea Osterholm", True),
        (
            "The mayor said the bridge would reopen in September, after the cables are replaced.",
            False,
        ),
    ],
)
def test_captions_with_a_credit_are_recognised(paragraph, caption):
    assert _caption(paragraph) is caption


def test_readability_is_asked_only_when_trafilaturas_text_looks_suspect():
    from trafilatura import load_html

    tree = load_html(ARTICLE)
    prose = list(BODY) * 2  # over 100 words, prose at both edges, as much as the page's <p>s
    assert not _needs_second_opinion(prose, tree)
    assert _needs_second_opinion(["Harbour bridge to close", *prose], tree)  # a headline edge
    assert _needs_second_opinion([*prose, "Share this article"], tree)  # a menu edge
    assert _needs_second_opinion(prose[:2], tree)  # under 100 words
    assert _needs_second_opinion(prose * 3, tree)  # 3x the page's paragraph text


# --- the cheaper author search and text cleaning give trafilatura's and readability's answers

AUTHOR_PAGES = (  # Zyte pages: a byline element found; one found via trafilatura's copy; none
    "042bb7b5fedab6eac7db576522b89b93904c237d344bcbe14a6a5ab7f7335856",
    "05844573ca7e1fba714d715bb11ca08c26e25328999c74a1cb3bc8a0e4399f0f",
    "08f793762792bd252c75fb57544cdf506ffcc04785136cb87503f02364b82b56",
    "42aad16bde9288623543642a9ce1a396be83e2db44aa2ff8cbbfe46e14abd7cc",
    "076f4f33bf75059db581bedf36e76fb65e89a8f7752db3339aa3ea11c5122f32",
)


@pytest.mark.parametrize("page_id", AUTHOR_PAGES)
def test_author_search_finds_trafilaturas_author_on_real_pages(page_id):
    from trafilatura import load_html
    from trafilatura.metadata import extract_author

    from newsweave.extract.html import _author

    with gzip.open(need(ZYTE / "html" / f"{page_id}.html.gz"), "rt", encoding="utf-8") as f:
        tree = load_html(f.read())
    assert _author(tree, extract_author) == extract_author(tree)


def test_author_search_skips_bylines_in_comments_and_reads_around_dates():
    from trafilatura import load_html
    from trafilatura.metadata import extract_author

    from newsweave.extract.html import _author

    calls = []

    def trafilaturas(tree):
        calls.append(tree)
        return extract_author(tree)

    in_comments = load_html(
        "<html><body><div class='comments'><span class='author'>Reader Nine</span></div>"
        "<article><p class='byline'>Mara Jensen</p><p>The ferry ran late.</p></article>"
        "</body></html>"
    )
    assert _author(in_comments, trafilaturas) == extract_author(in_comments) == "Mara Jensen"
    assert not calls  # found on the page itself, no copy made
    with_date = load_html(
        "<html><body><article><div class='author'>Tomas Berg<time>5 March</time></div>"
        "<p>The ferry ran late.</p></article></body></html>"
    )
    assert _author(with_date, trafilaturas) == extract_author(with_date) == "Tomas Berg"
    assert calls  # the date inside the byline is cut on trafilatura's copy: its way


@pytest.mark.parametrize(
    "text",
    [
        "  Harbour\tbridge  closed \n\n  for   repairs \t\n",
        "a\t\t  b \t c",
        "\r\n  \xa0 line one\xa0\n \n\tline two  ",
        "x" + " " * 300 + "y\n" + "\n" * 260 + "z",
        "",
        " \n ",
        # runs of 255 and more spaces beside runs of other kinds, each kind of the three steps
        " " * 255 + "a\t\t  b \t c" + "\u2003" * 254 + "d \n\t e" + " \t" * 200 + "f\t",
        "\n" + "\xa0" * 300 + "lead\r\n\tbody  text" + "\t" * 255 + "tail   ",
    ],
)
def test_text_cleaning_is_readabilitys(text):
    from readability.readability import clean

    from newsweave.extract.html import _clean_text

    assert _clean_text(text) == clean(text)


def test_text_cleaning_is_readabilitys_on_a_real_page():
    from readability.readability import clean
    from trafilatura import load_html

    from newsweave.extract.html import _clean_text

    with gzip.open(need(ZYTE / "html" / f"{ZYTE_PAGES[0]}.html.gz"), "rt", encoding="utf-8") as f:
        tree = load_html(f.read())
    texts = [element.text_content() for element in tree.iter("div", "p", "a", "section")]
    assert len(texts) > 50
    assert [_clean_text(t) for t in texts] == [clean(t) for t in texts]


@pytest.mark.parametrize(
    "name", ["unlikelyCandidatesRe", "okMaybeItsACandidateRe", "negativeRe", "positiveRe"]
)
def test_class_and_id_patterns_answer_as_readabilitys(name):
    from readability.readability import REGEXES
    from trafilatura import load_html

    from newsweave.extract.html import _Folded

    pattern = REGEXES[name]
    folded = _Folded(pattern)
    assert folded.lower is not None  # the fast way is taken for these patterns
    with gzip.open(need(ZYTE / "html" / f"{ZYTE_PAGES[0]}.html.gz"), "rt", encoding="utf-8") as f:
        tree = load_html(f.read())
    features = [e.get("class", "") + " " + e.get("id", "") for e in tree.iter(lxml.etree.Element)]
    features += ["Main-SIDEBAR", "PostBody", "\u017fidebar", "\u212aontent", "Ärticle Comment"]
    assert [folded.search(f) for f in features] == [bool(pattern.search(f)) for f in features]
    assert any(folded.search(f) for f in features) and not all(folded.search(f) for f in features)


# --- extract/native_xpath.py: regular-expression tests as XPath's own functions

RE_NS = {"re": "http://exslt.org/regular-expressions"}


def test_finite_patterns_become_their_strings():
    assert literals("author|[Bb]yline") == [
        (False, "author"),
        (False, "Byline"),
        (False, "byline"),
    ]
    assert literals("^comments|comment-?list") == [
        (True, "comments"),
        (False, "commentlist"),
        (False, "comment-list"),
    ]
    assert literals("article-(?:share|support)") == [
        (False, "article-share"),
        (False, "article-support"),
    ]


@pytest.mark.parametrize("pattern", ["author.*", "[a-z]+name", "post$", "(?i)author", "a+"])
def test_other_patterns_are_left_as_they_are(pattern):
    assert literals(pattern) is None
    path = f"//div[re:test(@class, '{pattern}')]"
    assert native_path(path) == path


def test_rewritten_path_uses_contains_and_starts_with():
    path = "//*[re:test(@class, '^Main|by-?line') or @id='x']"
    assert native_path(path) == (
        "//*[(starts-with(@class, 'Main') or contains(@class, 'byline') or "
        "contains(@class, 'by-line')) or @id='x']"
    )


def test_rewritten_expression_selects_the_same_elements():
    page = lxml.etree.fromstring(
        "<html><body><div class='Mainframe'/><div class='the-byline'/><div class='bylines'/>"
        "<div class='xMain'/><div id='x'/><div class='by_line'/><p class='byline'/></body></html>"
    )
    original = lxml.etree.XPath(
        "//div[re:test(@class, '^Main|by-?line') or @id='x']", namespaces=RE_NS
    )
    rewritten = native(original)
    assert "re:test" not in rewritten.path
    found = rewritten(page)
    assert found == original(page)
    assert [e.get("class") or e.get("id") for e in found] == [
        "Mainframe",
        "the-byline",
        "bylines",
        "x",
    ]


def test_trafilaturas_author_selectors_select_the_same_on_real_pages():
    from trafilatura import load_html
    from trafilatura.xpaths import AUTHOR_XPATHS

    zyte = EVALDATA / "zyte" / "html"
    pages = sorted(need(zyte).iterdir())[::30]
    assert len(pages) >= 6
    for path in pages:
        tree = load_html(gzip.decompress(path.read_bytes()).decode("utf-8", errors="replace"))
        for expression in AUTHOR_XPATHS:
            assert native(expression)(tree) == expression(tree)


def test_needs_are_the_strings_and_elements_an_expression_tests():
    path = (
        "//*[self::div or self::span][@id='byline' or rel='me' or\n"
        " (contains(@class, 'author') or starts-with(@class, 'Writer'))]|//author"
    )
    assert needs(path) == Needs(
        frozenset({"id", "class"}),
        ("byline", "author", "Writer"),
        frozenset({"rel", "author"}),
    )
    assert needs("//span[re:test(@class, 'a.*b')]") == Needs(frozenset(), (), frozenset({"span"}))


@pytest.mark.parametrize(
    "path",
    [
        "//*[not(@id='x')]",  # a negation selects where the string is absent
        "//*[@id='x' and @class='y']",
        "//*[@id]",
        "//*[re:test(@class, 'a.*b')]",
        "//*[self::div or @id='x']",  # any div, whatever its attributes
        "//*[text()='x']",
    ],
)
def test_no_needs_read_from_other_tests(path):
    assert needs(path) is None


def test_a_page_without_what_a_selector_needs_has_nothing_it_selects():
    """On real pages: whenever one of trafilatura's author selectors selects an element, the
    strings or elements it needs are on the page (so skipping it otherwise loses nothing)."""
    from trafilatura import load_html

    from newsweave.extract.html import _AUTHOR_SEARCH

    assert _AUTHOR_SEARCH is not None and all(_AUTHOR_SEARCH.needs)
    zyte = EVALDATA / "zyte" / "html"
    pages = sorted(need(zyte).iterdir())[::10]
    skipped = 0
    for path in pages:
        tree = load_html(gzip.decompress(path.read_bytes()).decode("utf-8", errors="replace"))
        found = _AUTHOR_SEARCH.present(tree)
        values = "\n".join(value for value in found if isinstance(value, str))
        names = {element.tag for element in found if not isinstance(element, str)}
        for selector, wanted in zip(_AUTHOR_SEARCH.selectors, _AUTHOR_SEARCH.needs, strict=True):
            if selector(tree):
                assert wanted.met(values, names)
            skipped += not wanted.met(values, names)
    assert skipped  # some selector could be skipped on some page


# --- parsing: trafilatura's load_html, by a parser whose element lookup is lxml's own


def test_page_parses_to_trafilaturas_tree_on_real_pages():
    import lxml.html
    from trafilatura import load_html

    from newsweave.extract.html import _parse

    zyte = EVALDATA / "zyte" / "html"
    pages = sorted(need(zyte).iterdir())[::20]
    assert len(pages) >= 9
    for path in pages:
        html = gzip.decompress(path.read_bytes()).decode("utf-8", errors="replace")
        ours, theirs = _parse(html), load_html(html)
        assert lxml.html.tostring(ours) == lxml.html.tostring(theirs)
        assert all(isinstance(e, lxml.html.HtmlElement) for e in ours.iter(lxml.etree.Element))


@pytest.mark.parametrize(
    "text",
    [
        "just a line of text, no markup",
        "<p>one paragraph</p>",
        '<?xml version="1.0" encoding="utf-8"?><html><body><p>Declared</p></body></html>',
        ARTICLE,
    ],
)
def test_page_parses_as_trafilatura_reads_it(text):
    import lxml.html
    from trafilatura import load_html

    from newsweave.extract.html import _parse

    ours, theirs = _parse(text), load_html(text)
    assert (ours is None) == (theirs is None)
    if ours is not None:
        assert lxml.html.tostring(ours) == lxml.html.tostring(theirs)
