"""The reading page in a real browser: Playwright drives Debian's headless chromium
against a live `newsweave serve` subprocess on a free loopback port.

These tests FAIL (never skip) when chromium or Playwright is missing: CI installs
both (see .ci/run) and must really run them. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import EXAMPLES, ROOT

STORY = EXAMPLES / "kestrelholm-fire"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("NEWSWEAVE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
# Without the background-networking switches chromium keeps calling home on a closed network.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HEADLINE = "Tank that exploded in Kestrelholm had missed its safety inspection"


def newsweave(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "newsweave", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        **kwargs,
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(db: Path, log_path: Path) -> Iterator[str]:
    """`newsweave serve --db DB` on a free loopback port for the block; its base URL once
    /api/health answers (the test fails with the server's log if it never starts)."""
    port = free_port()
    with log_path.open("w+") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "newsweave", "serve", "--db", str(db), "--port", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    with urllib.request.urlopen(base + "/api/health", timeout=2):
                        break
                except OSError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        log.seek(0)
                        pytest.fail(f"newsweave serve did not start:\n{log.read()}")
                    time.sleep(0.2)
            yield base
        finally:
            process.terminate()
            process.wait(timeout=20)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The example story ingested with the real CLI, served by `newsweave serve`."""
    db = tmp_path_factory.mktemp("web") / "corpus.db"
    ingested = newsweave("ingest", str(STORY), "--db", str(db), "--json")
    assert ingested.returncode == 0, ingested.stderr
    assert json.loads(ingested.stdout)["new"] == 5
    (story,) = json.loads(newsweave("stories", "--db", str(db), "--json").stdout)
    with serving(db, tmp_path_factory.mktemp("log") / "serve.log") as base:
        with urllib.request.urlopen(base + "/api/health", timeout=10) as response:
            assert json.load(response)["stories"] == 1
        # the server builds and caches the briefing once; page loads below take milliseconds
        with urllib.request.urlopen(f"{base}/api/stories/{story['id']}", timeout=120) as response:
            assert json.load(response)["story"] == story["id"]
        yield {"base": base, "story": story["id"]}


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("Playwright is missing: pip install '.[test]' (see README)")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"chromium not found at {CHROMIUM}: apt-get install -y chromium (see README)")
    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture()
def page(browser):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def test_list_search_open_story_and_read_a_citation(server, page):
    page.goto(server["base"] + "/")
    assert page.locator("#stories li").count() == 1
    assert page.locator("#stories a.headline").inner_text() == HEADLINE

    page.fill("input[name=q]", "zeppelin")
    page.click("form.search button")
    page.wait_for_url("**/?q=zeppelin*")
    assert page.locator("#stories li").count() == 0
    assert page.locator("#count").inner_text() == "0 stories matching “zeppelin”"

    page.fill("input[name=q]", "herring")
    page.press("input[name=q]", "Enter")
    page.wait_for_url("**/?q=herring*")
    assert page.locator("#stories li").count() == 1

    page.click("#stories a.headline")
    page.wait_for_url(f"**/stories/{server['story']}")
    assert page.locator("h1").inner_text() == HEADLINE

    first = page.locator("#summary .sentence").first
    citation = first.locator("button.cite").first
    popover = first.locator(".pop").first
    assert not popover.is_visible()
    citation.click()
    assert popover.is_visible()
    assert popover.locator(".pop-outlet").inner_text() == "Brenmark Daily Courier"
    sentence = popover.locator(".pop-text").inner_text()
    assert sentence.startswith("The storage tank that exploded at the Veldt Quay chemical terminal")
    assert citation.get_attribute("aria-expanded") == "true"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "story-citation.png"), full_page=False)

    page.keyboard.press("Escape")
    page.mouse.move(0, 0)
    assert not popover.is_visible()
    citation.hover()  # hovering shows it too
    assert popover.is_visible()


def test_story_page_sections_on_a_phone(server, browser):
    context = browser.new_context(
        viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    try:
        page.goto(f"{server['base']}/stories/{server['story']}")
        # nothing wider than the screen
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        axis = page.locator("#timeline ol.axis li.event")
        assert axis.count() >= 3
        days = [axis.nth(i).get_attribute("data-date") for i in range(axis.count())]
        assert days == sorted(days)
        tops = [axis.nth(i).bounding_box()["y"] for i in range(axis.count())]
        assert tops == sorted(tops)
        speakers = page.locator("#quotes .speaker h3").all_inner_texts()
        assert len(speakers) == len(set(speakers)) >= 3
        # provenance in a reader's words, never the internal codes
        via = set(page.locator("#quotes .via").all_inner_texts())
        assert "(said)" in via and not any("explicit" in v or "pronoun" in v for v in via)
        columns = page.locator("#coverage .column h4").all_inner_texts()
        assert len(columns) == 5 and any("Kestrelholm Ledger" in c for c in columns)
        # on a phone the columns stack: one above the other, not side by side
        boxes = [page.locator("#coverage .column").nth(i).bounding_box() for i in range(2)]
        assert boxes[1]["y"] > boxes[0]["y"] and boxes[0]["x"] == boxes[1]["x"]
        citation = page.locator("#quotes button.cite").first
        citation.tap()
        pop = page.locator("#quotes .pop.open")
        assert pop.count() == 1 and pop.is_visible()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "story-phone.png"), full_page=True)
    finally:
        context.close()


def test_api_docs_load_offline_from_local_assets(server, page):
    """/docs renders Swagger UI with every request to the server itself (no CDN)."""
    elsewhere: list[str] = []

    def only_loopback(route):
        if route.request.url.startswith(server["base"]):
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    page.route("**/*", only_loopback)
    page.goto(server["base"] + "/docs")
    page.wait_for_selector(".swagger-ui .info .title", timeout=60_000)
    assert "newsweave" in page.inner_text(".swagger-ui .info .title")
    page.wait_for_selector(".opblock-summary-path[data-path='/api/articles']")  # from /openapi.json
    assert elsewhere == []
