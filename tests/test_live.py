"""`newsweave serve --watch` end to end: a real server process follows a loopback feed,
the reading page in headless chromium shows stories appear and grow without a reload,
GET/POST /api/sources report and add sources, and SIGTERM stops it cleanly.

Everything runs on 127.0.0.1: the feed and article pages come from tests/loopback.py.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from loopback import LoopbackSite, Reply
from test_web import ARTIFACTS, browser, free_port, newsweave  # noqa: F401 (fixture)
from watch_site import ARTICLES, article_html, rss

from newsweave.store import Store

TOKEN = "live-test-token"
FERRY = ARTICLES["ferry"][0]
BRIDGE = ARTICLES["bridge"][0]
LIBRARY = ARTICLES["library"][0]


class GrowingSite:
    """A site whose feed lists `self.listed` (changed by the test); ETag follows it."""

    def __init__(self, site: LoopbackSite) -> None:
        self.site = site
        self.listed: list[str] = []
        site.route("/robots.txt", Reply("User-agent: *\nAllow: /\n", content_type="text/plain"))
        site.route("/news/ferry.html", article_html("ferry"))
        site.route("/island/ferry.html", article_html("ferry-island", outlet="Marrowholm Islander"))
        site.route("/news/bridge.html", article_html("bridge"))
        site.route("/news/library.html", article_html("library"))
        site.route("/feed.xml", self.feed)
        site.route(
            "/culture.xml",
            Reply(
                rss(site, ["/news/library.html"], "Gazette culture"),
                etag='"c1"',
                content_type="application/rss+xml",
            ),
        )

    def feed(self, path: str) -> Reply:
        return Reply(
            rss(self.site, list(self.listed)),
            content_type="application/rss+xml",
            etag=f'"feed-{len(self.listed)}"',
        )


def get(url: str, **headers: str):
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def post(url: str, body: object, **headers: str) -> tuple[int, dict]:
    data = json.dumps(body).encode()
    request = urllib.request.Request(
        url, data=data, method="POST", headers={"Content-Type": "application/json", **headers}
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as exc:
        return exc.code, json.load(exc)


def wait_until(check, timeout: float = 90.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.3)


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """A loopback site and `newsweave serve --watch` following its feed."""
    with LoopbackSite() as site:
        growing = GrowingSite(site)
        growing.listed = ["/news/ferry.html"]
        db = tmp_path_factory.mktemp("live") / "live.db"
        port = free_port()
        log_path = tmp_path_factory.mktemp("log") / "serve.log"
        log = log_path.open("w+")
        command = [
            sys.executable, "-m", "newsweave", "serve", "--db", str(db), "--port", str(port),
            "--token", TOKEN, "--watch", site.url("/feed.xml"), "--interval", "1",
            "--min-interval", "1", "--host-delay", "0", "--extract-workers", "0",
        ]  # fmt: skip
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"

        def up() -> bool:
            if process.poll() is not None:
                log.seek(0)
                pytest.fail(f"newsweave serve did not start:\n{log.read()}")
            try:
                return bool(get(base + "/api/health"))
            except OSError:
                return False

        try:
            wait_until(up, 60, "the server")
            yield {
                "base": base, "site": site, "growing": growing, "db": db,
                "process": process, "log": log, "log_path": log_path,
            }  # fmt: skip
        finally:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=20)
            log.close()


def headlines(base: str) -> dict[str, dict]:
    return {s["headline"]: s for s in get(base + "/api/stories")["stories"]}


def test_page_shows_stories_appear_and_grow_without_reload(live, browser):  # noqa: F811
    base, site, growing = live["base"], live["site"], live["growing"]
    story = wait_until(lambda: headlines(base).get(FERRY), what="the first article stored")
    context = browser.new_context(viewport={"width": 1000, "height": 800})
    context.set_default_timeout(90_000)
    page = context.new_page()
    try:
        page.goto(base + "/")
        page.evaluate("window.sameDocument = 'yes'")  # a reload would drop it
        ferry = page.locator(f"#stories li[data-id='{story['id']}']")
        assert ferry.locator(".meta").inner_text().startswith("1 source · 1 article")
        assert ferry.locator(".mark").count() == 0
        assert ferry.locator("time.updated").inner_text() == "updated just now"

        # another outlet carries the ferry report (a near copy), and a second story starts
        growing.listed = ["/news/ferry.html", "/island/ferry.html", "/news/bridge.html"]
        bridge = page.locator("#stories li", has_text=BRIDGE)
        bridge.wait_for()
        ferry.locator(".meta", has_text="2 articles").wait_for()
        # the copy is linked to the original, not counted as another source
        assert ferry.locator(".meta").inner_text().startswith("1 source · 2 articles")
        assert ferry.locator(".mark").count() == 0
        assert bridge.locator(".mark").inner_text() == "new"
        assert page.locator("#count").inner_text() == "2 stories"
        assert page.locator("#live").inner_text().startswith("live · list updated")
        assert page.evaluate("window.sameDocument") == "yes"
        assert site.hits("/island/ferry.html") == 1
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "live-list.png"))
    finally:
        context.close()


def test_sources_api_reports_health_and_adds_a_source(live, browser):  # noqa: F811
    base, site = live["base"], live["site"]
    (feed,) = get(base + "/api/sources")["sources"]
    assert feed["url"] == site.url("/feed.xml") and feed["kind"] == "feed"
    assert feed["last_success"] and feed["last_error"] is None and feed["failures"] == 0
    assert feed["interval_s"] >= 1 and feed["polls"] >= 1 and feed["next_poll"]
    assert feed["pages"]["stored"] >= 1 and feed["pages"]["failed"] == 0

    culture = {"url": site.url("/culture.xml")}
    assert post(base + "/api/sources", culture)[0] == 401  # no token
    auth = {"Authorization": f"Bearer {TOKEN}"}
    status, body = post(base + "/api/sources", culture, Origin="http://evil.example", **auth)
    assert status == 403 and "cross-site" in body["error"]["message"]
    status, body = post(base + "/api/sources", {"url": "file:///etc/passwd"}, **auth)
    assert status == 422
    status, body = post(base + "/api/sources", {"url": site.url("/missing.xml")}, **auth)
    assert status == 422 and "404" in body["error"]["message"]

    page = browser.new_page()
    try:
        page.set_default_timeout(90_000)
        page.goto(base + "/")
        status, body = post(base + "/api/sources", culture, **auth)
        assert status == 201, body
        (added,) = body["sources"]
        assert added["url"] == culture["url"] and added["title"] == "Gazette culture"
        # the new source's article reaches the open page without a reload
        page.locator("#stories li", has_text=LIBRARY).locator(".mark", has_text="new").wait_for()
    finally:
        page.close()
    urls = {s["url"] for s in get(base + "/api/sources")["sources"]}
    assert urls == {site.url("/feed.xml"), site.url("/culture.xml")}
    assert site.hits("/missing.xml") == 1


def test_a_second_writer_is_refused_then_sigterm_stops_cleanly(live, browser):  # noqa: F811
    base, process, db = live["base"], live["process"], live["db"]
    refused = newsweave("watch", live["site"].url("/feed.xml"), "--db", str(db), "--once")
    assert refused.returncode == 75 and "in use" in refused.stderr
    page = browser.new_page()  # an open live stream must not hold the shutdown up
    try:
        page.goto(base + "/")
        page.locator("#live").wait_for()
        started = time.monotonic()
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=45)
        assert time.monotonic() - started < 30
    finally:
        page.close()
    live["log"].seek(0)
    output = live["log"].read()
    assert "Traceback" not in output, output
    with Store(db) as store:
        assert store.check() == []
        assert store.counts()["articles"] == 4
        assert {p.status for p in store.watch_pages()} == {"stored"}
