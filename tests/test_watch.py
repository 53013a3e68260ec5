"""`newsweave watch` end to end against a real server on 127.0.0.1: what is stored, what is
retried, what is never requested; restarts, kill -9 and signals."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import signal
import subprocess
import sys
import time

import pytest
from conftest import ROOT
from loopback import LoopbackSite, Reply
from typer.testing import CliRunner
from watch_site import article_html, news_site, rss, rss_of

from newsweave.cli import app
from newsweave.store import Store
from newsweave.watch import ClientSettings, PoliteClient, Schedule, Watcher, WatchSettings

FAST = ["--host-delay", "0", "--interval", "0", "--min-interval", "0", "--retry-delay", "0"]
SETTINGS = WatchSettings(
    client=ClientSettings(host_delay=0, backoff_base=0.02, timeout=1.0, max_bytes=200_000),
    schedule=Schedule(interval=0, min_interval=0, retry_delay=0, max_attempts=3),
)


def watch(*args: str) -> list[dict]:
    result = CliRunner().invoke(app, ["watch", *args, "--once", "--json", *FAST])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]


def one_round(store: Store, sources: list[str], settings: WatchSettings = SETTINGS):
    async def run():
        async with PoliteClient(settings.client) as client:
            return await watcher.round(client)

    watcher = Watcher(store, sources, settings)
    return asyncio.run(run())


def stored_urls(store: Store) -> list[str]:
    return sorted(r[0] for r in store.query("SELECT url FROM articles"))


def test_cli_follows_a_site_once_then_costs_one_304(site, tmp_path):
    news_site(site)
    db = str(tmp_path / "news.db")
    (first,) = watch(site.url("/"), "--db", db)
    assert first["stored"] == 3 and first["failed"] == 1 and first["same_article"] == 1
    assert first["stories"]["new"] >= 1
    with Store(db) as store:
        assert stored_urls(store) == [
            site.url(f"/news/{s}.html") for s in ("bridge", "ferry", "library")
        ]
        assert store.check() == []
        pages = {p.url: p for p in store.watch_pages()}
        secret = pages[site.url("/private/secret.html")]
        assert (secret.status, secret.reason) == ("failed", "disallowed by robots.txt")
        assert pages[site.url("/amp/ferry.html")].status == "alias"
        source = store.watch_source(site.url("/feed.xml"))
        assert source.etag == '"feed-v1"' and source.origin == site.url("/")
    assert site.hits("/private/secret.html") == 0
    # the utm copy and the plain URL are one page: fetched once, whichever came first
    assert site.hits("/news/bridge.html?utm_source=rss&utm_medium=feed") == 1
    assert site.hits("/news/bridge.html") == 0
    assert site.hits("/robots.txt") == 1
    (second,) = watch(site.url("/"), "--db", db)
    assert second | {"stories": None} == {
        "round": 1,
        "sources": 1,
        "unchanged": 1,
        "source_errors": 0,
        "listed_new": 0,
        "fetched": 0,
        "stored": 0,
        "duplicates": 0,
        "same_article": 0,
        "retry": 0,
        "failed": 0,
        "requests": 1,
        "stories": None,
    }
    assert site.hits("/") == 1  # the site was resolved to its feed once, on the first run
    assert site.requests_for("/feed.xml")[-1].headers["if-none-match"] == '"feed-v1"'


def test_opml_json_feed_and_sitemap_index(site, tmp_path):
    for slug in ("storm", "school", "library"):
        site.route(f"/a/{slug}", article_html(slug))
    site.route(
        "/feed.json",
        Reply(
            json.dumps(
                {
                    "version": "https://jsonfeed.org/version/1.1",
                    "title": "Quay",
                    "items": [{"id": "1", "url": site.url("/a/storm")}],
                }
            ),
            content_type="application/feed+json",
        ),
    )
    site.route("/school.xml", Reply(rss(site, ["/a/school"]), content_type="application/rss+xml"))
    opml = tmp_path / "desk.opml"
    opml.write_text(
        '<opml version="2.0"><body>'
        f'<outline type="rss" text="Quay" xmlUrl="{site.url("/feed.json")}"/>'
        f'<outline type="rss" text="School" xmlUrl="{site.url("/school.xml")}"/></body></opml>',
        encoding="utf-8",
    )
    site.route(
        "/sitemap_index.xml",
        Reply(
            '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"<sitemap><loc>{site.url('/sitemap-news.xml')}</loc></sitemap></sitemapindex>",
            content_type="application/xml",
        ),
    )
    site.route(
        "/sitemap-news.xml",
        Reply(
            '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"<url><loc>{site.url('/a/library')}</loc></url></urlset>",
            content_type="application/xml",
        ),
    )
    db = str(tmp_path / "news.db")
    (summary,) = watch(str(opml), site.url("/sitemap_index.xml"), "--db", db)
    assert summary["stored"] == 3 and summary["sources"] == 4
    with Store(db) as store:
        assert stored_urls(store) == [site.url(f"/a/{s}") for s in ("library", "school", "storm")]
        kinds = {s.url: (s.kind, s.origin) for s in store.watch_sources()}
    assert kinds == {
        site.url("/feed.json"): ("feed", str(opml)),
        site.url("/school.xml"): ("feed", str(opml)),
        site.url("/sitemap_index.xml"): ("sitemap", site.url("/sitemap_index.xml")),
        site.url("/sitemap-news.xml"): ("sitemap", site.url("/sitemap_index.xml")),
    }


def test_failures_are_recorded_with_reasons_and_retried_when_transient(site, tmp_path):
    paths = {
        "/ok": article_html("ferry"),
        "/flaky": [Reply(status=500), Reply(article_html("bridge"))],  # retried inside the fetch
        "/down": Reply(status=503),
        "/gone": Reply(status=404),
        "/slow": Reply(article_html("storm"), delay=2.0),
        "/huge": Reply("<html><body>" + "<p>word</p>" * 30_000 + "</body></html>"),
        "/pdf": Reply(b"%PDF-1.4", content_type="application/pdf"),
        "/empty": Reply("<!doctype html><html><head><title>x</title></head><body></body></html>"),
        "/moved": Reply(status=301, headers={"Location": "/moved-here"}),
        "/moved-here": article_html("school"),
    }
    for path, replies in paths.items():
        site.route(path, *(replies if isinstance(replies, list) else [replies]))
    # a host that answers 429 with a long Retry-After: its pages wait, the other host's do not
    busy = LoopbackSite("127.0.0.2")
    busy.route("/later", Reply(status=429, headers={"Retry-After": "3600"}))
    busy.route("/later-too", article_html("library"))
    listed = [site.url(p) for p in paths] + [busy.url("/later"), busy.url("/later-too")]
    site.route("/feed.xml", Reply(rss_of(listed), content_type="application/rss+xml"))
    one_at_a_time = dataclasses.replace(  # so /later is answered before /later-too is asked
        SETTINGS, client=dataclasses.replace(SETTINGS.client, host_concurrency=1)
    )
    with Store(tmp_path / "news.db") as store, busy:
        summary = one_round(store, [site.url("/feed.xml")], one_at_a_time)
        assert (summary.stored, summary.retry, summary.failed) == (3, 4, 4)
        pages = {p.url.removeprefix(site.base): p for p in store.watch_pages()}
        outcome = {path: (p.status, p.reason) for path, p in pages.items() if path in paths}
        later = {
            p.url.removeprefix(busy.base): p for p in store.watch_pages() if busy.base in p.url
        }
        assert later["/later"].reason == "HTTP 429 (retry after 3600 s)"
        assert later["/later"].next_try >= time.time() + 3500
        assert later["/later-too"].reason.startswith("host asked to wait (Retry-After)")
        assert busy.hits("/later-too") == 0
        assert outcome == {
            "/ok": ("stored", None),
            "/flaky": ("stored", None),
            "/down": ("retry", "HTTP 503"),
            "/gone": ("failed", "HTTP 404"),
            "/slow": ("retry", "timed out after 1 s"),
            "/huge": ("failed", "too large (0.3 MB; the limit is 0.2 MB)"),
            "/pdf": ("failed", "not HTML (content type application/pdf)"),
            "/empty": ("failed", "no article text found (truncated or empty HTML?)"),
            "/moved": ("stored", None),
            "/moved-here": ("alias", None),  # where /moved leads: the same article
        }
        assert site.url("/moved-here") in stored_urls(store)
        hits = {path: site.hits(path) for path in paths}
        # second round: only the transient failures whose time has come are asked again
        site.route("/slow", article_html("storm"))
        again = one_round(store, [site.url("/feed.xml")])
        assert (again.stored, again.retry, again.failed) == (1, 1, 0)
        assert store.watch_page(site.url("/slow")).status == "stored"
        asked = {path for path in paths if site.hits(path) > hits[path]}
        assert asked == {"/down", "/slow"}
        third = one_round(store, [site.url("/feed.xml")])  # /down: third failure of 3 allowed
        assert (third.retry, third.failed) == (0, 1)
        assert store.watch_page(site.url("/down")).reason == "gave up after 3 tries: HTTP 503"
        assert store.check() == []


def test_failing_feed_backs_off_and_records_the_error(site, tmp_path):
    site.route("/feed.xml", Reply(status=500))
    slow_retry = WatchSettings(client=SETTINGS.client, schedule=Schedule(retry_delay=600))
    with Store(tmp_path / "news.db") as store:
        summary = one_round(store, [site.url("/feed.xml")], slow_retry)
        assert summary.source_errors == 1 and summary.errors == [
            f"{site.url('/feed.xml')}: HTTP 500"
        ]
        assert store.watch_sources() == []  # a source never read is not watched


def test_adaptive_interval_and_feed_state_survive_a_restart(site, tmp_path):
    site.route("/a/ferry", article_html("ferry"))
    site.route("/feed.xml", Reply(rss(site, ["/a/ferry"]), content_type="application/rss+xml"))
    schedule = Schedule(interval=100, min_interval=10, max_interval=1000)
    settings = WatchSettings(client=SETTINGS.client, schedule=schedule)
    with Store(tmp_path / "news.db") as store:
        one_round(store, [site.url("/feed.xml")], settings)
        source = store.watch_source(site.url("/feed.xml"))
        assert source.interval == 50 and source.changes == 1  # a new article: halved
        assert source.next_poll == pytest.approx(time.time() + 50, abs=5)
    with Store(tmp_path / "news.db") as store:  # a restart: nothing due, nothing asked
        summary = one_round(store, [site.url("/feed.xml")], settings)
        assert summary.sources == 0 and summary.requests == 0
        store.conn.execute("UPDATE watch_sources SET next_poll = 0")  # the time has come
        summary = one_round(store, [site.url("/feed.xml")], settings)
        assert (summary.sources, summary.unchanged, summary.fetched) == (1, 1, 0)
        assert store.watch_source(site.url("/feed.xml")).interval == 75  # unchanged: x1.5
    assert site.hits("/a/ferry") == 1


def test_a_page_stored_by_a_killed_run_is_settled_without_a_fetch(site, tmp_path):
    site.route("/a/ferry", article_html("ferry"))
    site.route("/feed.xml", Reply(rss(site, ["/a/ferry"]), content_type="application/rss+xml"))
    with Store(tmp_path / "news.db") as store:
        one_round(store, [site.url("/feed.xml")])
        # what a kill between the writer's commit and the page update leaves
        store.conn.execute("UPDATE watch_pages SET status = 'pending', article_id = NULL")
        summary = one_round(store, [site.url("/feed.xml")])
        assert summary.fetched == 0 and store.watch_page(site.url("/a/ferry")).status == "stored"
    assert site.hits("/a/ferry") == 1


def _spawn(site_url: str, db: str, *extra: str) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    command = [sys.executable, "-m", "newsweave", "watch", site_url, "--db", db, "--json", *FAST]
    return subprocess.Popen(
        [*command, *extra], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def _stored_count(db: str) -> int:
    try:
        with Store(db) as store:
            return store.counts()["articles"]
    except Exception:  # not created yet
        return 0


def test_kill_9_mid_run_then_a_rerun_has_no_gaps_and_no_duplicates(site, tmp_path):
    slugs = ["ferry", "bridge", "library", "storm", "school"]
    for slug in slugs:
        site.route(f"/a/{slug}", Reply(article_html(slug), delay=0.3))
    site.route(
        "/feed.xml",
        Reply(rss(site, [f"/a/{s}" for s in slugs]), content_type="application/rss+xml"),
    )
    db = str(tmp_path / "news.db")
    process = _spawn(site.url("/feed.xml"), db, "--batch-size", "1")
    deadline = time.monotonic() + 60
    while _stored_count(db) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    process.kill()
    process.wait()
    assert 2 <= _stored_count(db) < len(slugs)
    (rerun,) = watch(site.url("/feed.xml"), "--db", db)
    with Store(db) as store:
        assert store.check() == []
        assert stored_urls(store) == sorted(site.url(f"/a/{s}") for s in slugs)
        assert store.counts()["duplicates"] == 0
        assert {p.status for p in store.watch_pages()} == {"stored"}
    # pages committed before the kill are never asked again; at most the batches in flight
    # are (the one being stored and the one fetched ahead of it: one page each here)
    assert sum(site.hits(f"/a/{s}") for s in slugs) <= len(slugs) + 2


def test_sigterm_stops_after_the_batch_in_flight(site, tmp_path):
    site.route("/a/ferry", article_html("ferry"))
    site.route("/feed.xml", Reply(rss(site, ["/a/ferry"]), content_type="application/rss+xml"))
    db = str(tmp_path / "news.db")
    process = _spawn(site.url("/feed.xml"), db)
    line = process.stdout.readline()  # the first round is done
    assert json.loads(line)["stored"] == 1
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 0
    assert "stopping after the batch in flight" in process.stderr.read()
    with Store(db) as store:
        assert store.check() == [] and store.counts()["articles"] == 1


def test_a_site_down_at_start_is_resolved_later_and_opml_is_read_again(site, tmp_path):
    site.route("/a/ferry", article_html("ferry"))
    site.route("/a/storm", article_html("storm"))
    site.route("/feed.xml", Reply(rss(site, ["/a/ferry"]), content_type="application/rss+xml"))
    site.route("/more.xml", Reply(rss(site, ["/a/storm"]), content_type="application/rss+xml"))
    down = [Reply(status=503)] * 3  # the first fetch and its two quick retries
    home = '<html><head><link rel="alternate" type="application/rss+xml" href="/feed.xml"></head></html>'
    site.route("/", *down, Reply(home))
    opml = tmp_path / "desk.opml"
    outline = '<outline type="rss" xmlUrl="{}"/>'
    opml.write_text(f"<opml><body>{outline.format(site.url('/feed.xml'))}</body></opml>")

    async def rounds(watcher, count):
        async with PoliteClient(SETTINGS.client) as client:
            return [await watcher.round(client) for _ in range(count)]

    with Store(tmp_path / "news.db") as store:
        first, second = asyncio.run(rounds(Watcher(store, [site.url("/")], SETTINGS), 2))
        assert first.errors == [f"{site.url('/')}: HTTP 503"] and first.stored == 0
        assert second.stored == 1 and store.watch_source(site.url("/feed.xml")) is not None
        (round_,) = asyncio.run(rounds(Watcher(store, [str(opml)], SETTINGS), 1))
        assert round_.stored == 0  # its one feed is watched already
        opml.write_text(
            f"<opml><body>{outline.format(site.url('/feed.xml'))}"
            f"{outline.format(site.url('/more.xml'))}</body></opml>"
        )
        (round_,) = asyncio.run(rounds(Watcher(store, [str(opml)], SETTINGS), 1))
        assert round_.stored == 1 and stored_urls(store) == [
            site.url("/a/ferry"),
            site.url("/a/storm"),
        ]


ROWS = (
    "SELECT url, title, paragraphs, published, content_hash, text_hash, minhash, duplicate_of "
    "FROM articles ORDER BY url"
)


def test_extraction_in_worker_processes_stores_the_same_articles(site, tmp_path):
    """Pages extracted and signed in a spawned worker process (overlapping the fetches,
    and the writer storing the batch before: two-page batches here) end up as the same
    rows, hashes and MinHash signatures included, as pages extracted in the loop's thread."""
    news_site(site)
    inline, pooled = tmp_path / "inline.db", tmp_path / "pooled.db"
    with Store(inline) as store:
        first = one_round(store, [site.url("/")])
        rows_inline = store.query(ROWS)
    with Store(pooled) as store:
        settings = dataclasses.replace(SETTINGS, extract_workers=1, batch_size=2)
        watcher = Watcher(store, [site.url("/")], settings)

        async def run():
            async with PoliteClient(settings.client) as client:
                return await watcher.round(client)

        try:
            second = asyncio.run(run())
            assert watcher._pool is not None  # the pages really went through a process
        finally:
            watcher.close()
        rows_pooled = store.query(ROWS)
        assert store.check() == []
    assert (first.stored, first.same_article, first.failed) == (3, 1, 1)
    assert (second.stored, second.same_article, second.failed) == (3, 1, 1)
    assert [tuple(r) for r in rows_pooled] == [tuple(r) for r in rows_inline]
    assert all(r[6] for r in rows_pooled)  # signed (the pages are long enough)


def test_a_batch_takes_the_hosts_in_turn(site, tmp_path):
    """Two outlets, three pages each, listed outlet by outlet; in two-page batches each
    batch asks both outlets, so one outlet's rate limit does not hold the batch up."""
    other = LoopbackSite("127.0.0.2")
    slugs = ["ferry", "bridge", "library"]
    for host in (site, other):
        for slug in slugs:
            host.route(f"/a/{slug}", article_html(slug))
    listed = [host.url(f"/a/{slug}") for host in (site, other) for slug in slugs]
    site.route("/feed.xml", Reply(rss_of(listed), content_type="application/rss+xml"))
    settings = dataclasses.replace(SETTINGS, batch_size=2)
    with Store(tmp_path / "news.db") as store, other:
        summary = one_round(store, [site.url("/feed.xml")], settings)
        assert summary.stored + summary.duplicates == 6 and store.check() == []
    asked = sorted(
        [(r.at, "site", r.path) for r in site.log if r.path.startswith("/a/")]
        + [(r.at, "other", r.path) for r in other.log if r.path.startswith("/a/")]
    )
    # batch 1: ferry on both; batch 2: bridge on both; batch 3: library on both
    both = ["other", "site"]
    assert [sorted(h for _, h, _ in asked[i : i + 2]) for i in (0, 2, 4)] == [both] * 3
    assert [p for _, _, p in asked] == [f"/a/{s}" for s in slugs for _ in (0, 1)]
