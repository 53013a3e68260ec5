"""extract/meta.py: datelines and outlet domains."""

from __future__ import annotations

import pytest

from newsweave.extract.boilerplate import clean_plain_text
from newsweave.extract.meta import outlet_from_url, split_dateline


@pytest.mark.parametrize(
    ("paragraph", "place", "rest"),
    [
        (
            "SEOUL, South Korea — North Korea stepped up pressure Tuesday on the United States.",
            "SEOUL, South Korea",
            "North Korea stepped up pressure Tuesday on the United States.",
        ),
        (
            "TOKYO — The United States and South Korea have postponed joint air drills.",
            "TOKYO",
            "The United States and South Korea have postponed joint air drills.",
        ),
        (
            "WASHINGTON (AP) — The Senate passed the spending bill late on Friday.",
            "WASHINGTON",
            "The Senate passed the spending bill late on Friday.",
        ),
        (
            "LONDON, March 3 (Reuters) - Shares in the ferry operator fell 8 percent.",
            "LONDON",
            "Shares in the ferry operator fell 8 percent.",
        ),
        (
            "BERLIN -- The coalition agreed on a budget.",
            "BERLIN",
            "The coalition agreed on a budget.",
        ),
        (
            "ST. LOUIS — A jury found the driver guilty.",
            "ST. LOUIS",
            "A jury found the driver guilty.",
        ),
        (
            "RIO DE JANEIRO, Brazil, Jan. 5 — Floods cut off three districts.",
            "RIO DE JANEIRO, Brazil",
            "Floods cut off three districts.",
        ),
        (
            "PORTLAND, Ore. — Police said two men were hurt in the crash.",
            "PORTLAND, Ore.",
            "Police said two men were hurt in the crash.",
        ),
        (
            "Lagos, Nigeria (CNN) — Heavy rain flooded the port on Sunday.",
            "Lagos, Nigeria",
            "Heavy rain flooded the port on Sunday.",
        ),
        (
            "Nairobi (CNN)The election commission delayed the count.",
            "Nairobi",
            "The election commission delayed the count.",
        ),
        ("“GENEVA — ” is not how a quote opens", None, None),
    ],
)
def test_split_dateline(paragraph, place, rest):
    got = split_dateline(paragraph)
    assert got == ((place, rest) if place else (None, paragraph))


@pytest.mark.parametrize(
    "paragraph",
    [
        "North Korea, however, did not respond positively.",
        "The plan — which critics called rash — passed on Monday.",
        "NATO — The alliance said it would send more ships.",
        "U.S. — The number of crossings rose in March.",
        "BREAKING — The bridge is closed in both directions.",
        "NASA — the agency said the launch would slip.",
        "The score was 3-2 - a win the coach called lucky.",
        "Sen. Jane Roe (D-Ore.) — who chairs the panel — objected.",
        "WASHINGTON — ",
        "I — I just could not believe it, she said.",
        "",
    ],
)
def test_no_dateline(paragraph):
    assert split_dateline(paragraph) == (None, paragraph)


def test_dateline_of_the_sample_scrapes(stripes):
    first = clean_plain_text(stripes.read_text(encoding="utf-8")).paragraphs[0]
    place, rest = split_dateline(first)
    assert place == "SEOUL, South Korea"
    assert rest.startswith("North Korea stepped up pressure Tuesday")


@pytest.mark.parametrize(
    ("url", "outlet"),
    [
        ("https://www.example-times.com/world/2024/05/01/story.html", "example-times.com"),
        ("http://m.example-news.co.uk/politics/123", "example-news.co.uk"),
        ("https://amp.example.org/x", "example.org"),
        ("https://edition.example.com/2024/story", "example.com"),
        ("https://user:secret@WWW.Example.com:8080/a?b=c#d", "example.com"),
        ("www.example-post.com/2020/01/01/a", "example-post.com"),
        ("//www.example.net/a", "example.net"),
        ("https://www.example.com./a", "example.com"),
    ],
)
def test_outlet_from_url(url, outlet):
    assert outlet_from_url(url) == outlet


@pytest.mark.parametrize(
    "url",
    [
        None,
        "",
        "   ",
        "junk",
        "not a url at all",
        "ftp://example.com/file",
        "mailto:desk@example.com",
        "http://",
        "http://localhost:8000/story",
        "http://192.168.1.20/story",
        "https://[::1/broken",
        "https://example.invalidtld/x",
    ],
)
def test_outlet_from_url_rejects_junk(url):
    assert outlet_from_url(url) is None


def test_dateline_with_accented_capitals_and_a_hyphenated_agency():
    place, rest = split_dateline(
        "ÉPINAL (Vosges-Info) - Le conseil a voté la fermeture du pont mardi."
    )
    assert place == "ÉPINAL"
    assert rest == "Le conseil a voté la fermeture du pont mardi."
