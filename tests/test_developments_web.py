"""The reading page of a developing story in a real browser (Playwright, Debian's
chromium, as tests/test_web.py): its developments as a timeline a reader clicks
through, to an event and back to its story. Our own fictional dam story (four events
over 24 days, three outlets) and a flood elsewhere, ingested with the real CLI."""

from __future__ import annotations

import json
import urllib.request

import pytest
from test_developments import write_corpus
from test_web import ARTIFACTS, browser, newsweave, page, serving  # noqa: F401

DAM_TITLE = "Velmora dam gives way above Kerrowick"


@pytest.fixture(scope="module")
def dam_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("dam-web")
    db = folder / "dam.db"
    ingested = newsweave("ingest", str(write_corpus(folder)), "--db", str(db))
    assert ingested.returncode == 0, ingested.stderr
    stories = json.loads(newsweave("stories", "--db", str(db), "--json").stdout)
    dam = next(s for s in stories if s["headline"] == DAM_TITLE)
    with serving(db, folder / "serve.log") as base:
        # built once (and cached) before the browser asks for it
        with urllib.request.urlopen(f"{base}/api/stories/{dam['id']}", timeout=180) as response:
            record = json.load(response)
        yield {"base": base, "story": dam, "record": record}


def test_story_page_shows_developments_as_a_timeline_to_click_through(dam_server, page):  # noqa: F811
    base, story = dam_server["base"], dam_server["story"]
    page.goto(base + "/")
    row = page.locator(f"#stories li[data-id='{story['id']}']")
    assert "4 events" in row.locator(".meta").inner_text()
    row.locator("a.headline").click()
    page.wait_for_url(f"**/stories/{story['id']}")
    assert page.locator("h1").inner_text() == DAM_TITLE

    items = page.locator("#developments li.development")
    assert items.count() == 4
    assert items.locator(".when").all_inner_texts() == [
        "2 Mar 2026",
        "10 Mar 2026",
        "18 Mar 2026",
        "26 Mar 2026",
    ]
    assert page.locator("#developments li.axis-break").all_inner_texts() == ["8 days later"] * 3
    assert items.nth(0).locator(".size").inner_text() == (
        "2 articles · Aldane Courier, Drumholt Herald"
    )
    arrest = items.nth(3)
    assert (
        arrest.locator("a.event-link").inner_text()
        == "Water board engineer arrested over Velmora dam"
    )
    assert "Police in Drumholt arrested Corvin Asheldt" in arrest.locator(".what").inner_text()
    # the citation opens the cited sentence, as everywhere on the page
    arrest.locator("button.cite").first.click()
    assert arrest.locator(".pop-outlet").first.inner_text() == "Valley Post"
    # the developments come before the page's dated-statement timeline
    sections = page.locator("article.story section").evaluate_all("els => els.map(e => e.id)")
    assert sections.index("developments") < sections.index("timeline")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "developments.png"), full_page=True)

    # click through to the event, then back to its story
    event = dam_server["record"]["developments"][3]["event"]
    arrest.locator("a.event-link").click()
    page.wait_for_url(f"**/stories/{event}")
    assert page.locator("h1").inner_text() == "Water board engineer arrested over Velmora dam"
    assert page.locator("#developments").count() == 0  # one event: no developments
    page.locator("a.in-story").click()
    page.wait_for_url(f"**/stories/{story['id']}")
    assert page.locator("#developments li.development").count() == 4
