"""watch/client.py against a real server on 127.0.0.1 (tests/loopback.py)."""

from __future__ import annotations

import asyncio
import time

import pytest
from loopback import LoopbackSite, Reply

from newsweave.watch.client import ClientSettings, FetchError, PoliteClient, parse_retry_after

FAST = ClientSettings(contact="desk@example.org", host_delay=0.0, backoff_base=0.05, timeout=2.0)


def fetch(url: str, settings: ClientSettings = FAST, **options):
    async def run():
        async with PoliteClient(settings) as client:
            return await client.get(url, **options), client.requests

    return asyncio.run(run())


def fetch_error(url: str, settings: ClientSettings = FAST, **options) -> FetchError:
    with pytest.raises(FetchError) as caught:
        fetch(url, settings, **options)
    return caught.value


def test_etag_and_last_modified_make_a_conditional_get_answered_304(site):
    site.route("/feed.xml", Reply("<rss/>", etag='"v1"', content_type="application/rss+xml"))
    site.route("/atom.xml", Reply("<feed/>", last_modified="Tue, 01 Dec 2026 10:00:00 GMT"))
    first, _ = fetch(site.url("/feed.xml"))
    assert first.status == 200 and first.etag == '"v1"' and first.body == b"<rss/>"
    again, _ = fetch(site.url("/feed.xml"), etag=first.etag)
    assert again.not_modified and again.body == b""
    assert site.requests_for("/feed.xml")[1].headers["if-none-match"] == '"v1"'
    dated, _ = fetch(site.url("/atom.xml"))
    assert fetch(site.url("/atom.xml"), last_modified=dated.last_modified)[0].status == 304


def test_user_agent_names_newsweave_and_the_contact(site):
    site.route("/a", "hello")
    fetch(site.url("/a"))
    agent = site.requests_for("/a")[0].headers["user-agent"]
    assert agent.startswith("newsweave/") and "+desk@example.org" in agent


def test_gzip_and_brotli_bodies_are_decoded(site):
    text = "<html><body><p>Harbour City council votes on the ferry budget.</p></body></html>"
    site.route("/gz", Reply(text, compress="gzip"))
    site.route("/br", Reply(text, compress="br"))
    assert fetch(site.url("/gz"))[0].body.decode() == text
    assert fetch(site.url("/br"))[0].body.decode() == text
    assert "br" in site.requests_for("/br")[0].headers["accept-encoding"]


def test_redirects_are_followed_and_counted_as_requests(site):
    site.route("/old", Reply(status=301, headers={"Location": "/new"}))
    site.route("/new", "moved here")
    response, requests = fetch(site.url("/old"))
    assert response.final_url == site.url("/new") and response.body == b"moved here"
    assert requests == 2


def test_429_with_a_short_retry_after_is_waited_for(site):
    site.route("/busy", Reply(status=429, headers={"Retry-After": "1"}), Reply("ok now"))
    response, requests = fetch(site.url("/busy"))
    assert response.body == b"ok now" and requests == 2
    first, second = site.requests_for("/busy")
    assert second.at - first.at >= 0.95


def test_429_with_a_long_retry_after_fails_transient_at_once(site):
    site.route("/busy", Reply(status=429, headers={"Retry-After": "3600"}))
    error = fetch_error(site.url("/busy"))
    assert error.transient and error.retry_after == 3600 and site.hits("/busy") == 1
    assert error.reason == "HTTP 429 (retry after 3600 s)"


def test_a_host_that_asked_for_a_long_pause_is_not_asked_again(site):
    site.route("/busy", Reply(status=429, headers={"Retry-After": "3600"}))
    site.route("/other", "fine")

    async def run():
        async with PoliteClient(FAST) as client:
            with pytest.raises(FetchError):
                await client.get(site.url("/busy"))
            with pytest.raises(FetchError, match="host asked to wait") as caught:
                await client.get(site.url("/other"))
            return caught.value

    error = asyncio.run(run())
    assert error.transient and 3500 < error.retry_after <= 3600
    assert site.hits("/other") == 0


def test_5xx_is_retried_with_backoff_then_reported_transient(site):
    site.route("/flaky", Reply(status=500), Reply(status=503), Reply("recovered"))
    assert fetch(site.url("/flaky"))[0].body == b"recovered"
    assert site.hits("/flaky") == 3
    site.route("/down", Reply(status=502))
    error = fetch_error(site.url("/down"))
    assert error.transient and error.reason == "HTTP 502" and site.hits("/down") == 3


def test_404_is_permanent_and_not_retried(site):
    error = fetch_error(site.url("/missing"))
    assert not error.transient and error.reason == "HTTP 404" and site.hits("/missing") == 1


def test_a_slow_response_times_out_transient(site):
    site.route("/slow", Reply("late", delay=1.5))
    started = time.monotonic()
    error = fetch_error(site.url("/slow"), ClientSettings(host_delay=0, timeout=0.3))
    assert error.transient and error.reason == "timed out after 0.3 s"
    assert time.monotonic() - started < 1.2 and site.hits("/slow") == 1


def test_a_body_over_the_limit_is_refused_even_when_compressed(site):
    big = "<p>" + "x" * 300_000 + "</p>"
    site.route("/big", big)
    site.route("/bomb", Reply(big, compress="gzip"))
    small = ClientSettings(host_delay=0, max_bytes=100_000)
    error = fetch_error(site.url("/big"), small)
    assert not error.transient and error.reason.startswith("too large (0.3 MB; the limit is 0.1")
    error = fetch_error(site.url("/bomb"), small)
    assert error.reason.startswith("too large (more than") and "limit is 0.1 MB" in error.reason


def test_robots_txt_is_obeyed_for_pages_on_every_hop(site):
    site.route(
        "/robots.txt", Reply("User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    )
    site.route("/news/a.html", "public")
    site.route("/private/b.html", "secret")
    site.route("/go", Reply(status=302, headers={"Location": "/private/b.html"}))

    async def run():
        async with PoliteClient(FAST) as client:
            assert (await client.get(site.url("/news/a.html"), robots=True)).body == b"public"
            for path in ("/private/b.html", "/go"):
                with pytest.raises(FetchError, match="disallowed by robots.txt"):
                    await client.get(site.url(path), robots=True)

    asyncio.run(run())
    assert site.hits("/private/b.html") == 0 and site.hits("/robots.txt") == 1
    assert site.hits("/go") == 1


def test_requests_to_one_host_are_spaced_by_host_delay_and_crawl_delay(site):
    site.route("/robots.txt", Reply("User-agent: *\nCrawl-delay: 0.4\n", content_type="text/plain"))
    site.route("/p", "page")

    async def run(paths, robots):
        async with PoliteClient(ClientSettings(host_delay=0.2, host_concurrency=4)) as client:
            await asyncio.gather(*(client.get(site.url(p), robots=robots) for p in paths))

    asyncio.run(run(["/p?1", "/p?2", "/p?3"], robots=False))
    starts = sorted(r.at for r in site.log)  # arrivals: connection set-up blurs each gap a little
    assert starts[2] - starts[0] >= 0.35
    site.log.clear()
    asyncio.run(run(["/p?4", "/p?5"], robots=True))
    pages = sorted(r.at for r in site.log if r.path.startswith("/p?"))
    assert pages[1] - pages[0] >= 0.3


def test_each_host_has_its_own_connections_within_its_concurrency(site):
    """Twelve pages on each of two hosts, two at a time per host: each host sees at most
    two connections (kept alive and reused), whatever the other host does."""
    other = LoopbackSite("127.0.0.2")
    for host in (site, other):
        for n in range(12):
            host.route(f"/p/{n}", Reply(f"page {n}", delay=0.02))
    settings = ClientSettings(host_delay=0, host_concurrency=2)

    async def run():
        async with PoliteClient(settings) as client:
            urls = [host.url(f"/p/{n}") for n in range(12) for host in (site, other)]
            return await asyncio.gather(*(client.get(url) for url in urls))

    with other:
        responses = asyncio.run(run())
    assert [r.body for r in responses[:2]] == [b"page 0", b"page 0"]
    for host in (site, other):
        assert len(host.log) == 12
        assert 1 <= len({r.port for r in host.log}) <= 2


def test_retry_after_parses_seconds_and_http_dates():
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None
