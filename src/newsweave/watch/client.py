"""The polite HTTP client of `newsweave watch` (httpx, async, HTTP/1.1 and HTTP/2).

Polite means: a User-Agent that names newsweave and the user's contact, robots.txt
obeyed for article pages (protego, the parser Scrapy uses; its Crawl-delay too),
at most `host_concurrency` requests in flight and one request start every
`host_delay` seconds per host, conditional GETs (ETag / Last-Modified, so an
unchanged feed costs a 304), exponential backoff with jitter on 429 and 5xx with
`Retry-After` obeyed, a deadline on each request and a cap on the bytes read.
gzip and brotli come from httpx (brotli through the `brotli` package).

Every failure is a `FetchError` that says whether it is transient (worth trying
again later) and, when the server said so, after how long.
"""

from __future__ import annotations

import asyncio
import random
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

import httpx
from protego import Protego

from newsweave import __version__
from newsweave.errors import NewsweaveError
from newsweave.ingest import MAX_DOCUMENT_BYTES
from newsweave.watch.urls import host_of, is_http_url

ROBOTS_AGENT = "newsweave"  # the token robots.txt rules name
FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.8"
)
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
REDIRECTS = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True)
class ClientSettings:
    """How hard the client may push a site. Defaults are the usual polite-crawler norms
    (one request a second and two at a time per host, as Scrapy's AutoThrottle and
    most feed readers do); they were not calibrated here."""

    contact: str | None = None  # an e-mail or URL a site owner can reach the user at
    timeout: float = 20.0  # seconds for a whole request: connect, headers and body
    max_bytes: int = MAX_DOCUMENT_BYTES  # a larger body is refused ("too large")
    host_concurrency: int = 2
    host_delay: float = 1.0  # seconds between the starts of two requests to one host
    total_concurrency: int = 32
    retries: int = 2  # extra tries on 429, 5xx and connection errors, inside one fetch
    backoff_base: float = 1.0  # first backoff in seconds; doubles each try, jittered +-50 %
    max_wait: float = 30.0  # a longer Retry-After is not waited for: the fetch fails transient
    max_redirects: int = 5
    max_crawl_delay: float = 60.0  # a robots.txt Crawl-delay above this is capped to it
    robots_ttl: float = 24 * 3600.0  # robots.txt is fetched again after this long
    robots_error_ttl: float = 300.0  # an unreachable robots.txt is asked again after this long
    http2: bool = True

    @property
    def user_agent(self) -> str:
        contact = f"; +{self.contact}" if self.contact else ""
        return f"newsweave/{__version__} (news reader{contact})"


@dataclass(frozen=True)
class Response:
    """A successful fetch: 2xx with its body, or 304 Not Modified (empty body)."""

    url: str  # as asked for
    final_url: str  # after redirects
    status: int
    body: bytes
    content_type: str
    etag: str | None
    last_modified: str | None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class FetchError(NewsweaveError):
    """A fetch that failed; `transient` failures are worth another try later."""

    def __init__(
        self,
        url: str,
        reason: str,
        *,
        transient: bool,
        retry_after: float | None = None,
        status: int | None = None,
        retry_now: bool = False,
    ) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason
        self.transient = transient
        self.retry_after = retry_after
        self.status = status
        # worth a quick retry inside this fetch (429, 5xx, a dropped connection); a
        # timeout is not: waiting for it again would hold a slot for as long
        self.retry_now = retry_now


class _Host:
    """One host's share of politeness: its request slots, its schedule, its robots.txt,
    and its own connection pool (`client`)."""

    def __init__(self, concurrency: int, delay: float, client: httpx.AsyncClient) -> None:
        self.client = client
        self.slots = asyncio.Semaphore(concurrency)
        self.delay = delay
        self.next_start = 0.0  # monotonic time before which no request may start
        self.robots: Protego | None = None
        self.robots_error: str | None = None
        self.robots_until = 0.0  # monotonic time the robots answer is good until
        self.robots_lock = asyncio.Lock()

    async def turn(self) -> None:
        """Wait for this host's next start time and book the one after it."""
        now = time.monotonic()
        start = max(now, self.next_start)
        self.next_start = start + self.delay
        if start > now:
            await asyncio.sleep(start - now)

    def pause(self, seconds: float) -> None:
        self.next_start = max(self.next_start, time.monotonic() + seconds)


class PoliteClient:
    """An async HTTP client that keeps to the rules above; use as `async with`."""

    def __init__(
        self,
        settings: ClientSettings | None = None,
        *,
        on_request: Callable[[str], None] | None = None,
    ) -> None:
        self.settings = settings or ClientSettings()
        self.requests = 0  # HTTP requests sent, robots.txt and redirects included
        self._on_request = on_request
        self._hosts: dict[str, _Host] = {}
        self._slots = asyncio.Semaphore(self.settings.total_concurrency)
        self._tls: ssl.SSLContext | None = None  # one for all hosts: loading it takes ~0.1 s

    async def __aenter__(self) -> PoliteClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        hosts, self._hosts = self._hosts, {}
        for host in hosts.values():
            await host.client.aclose()

    def _host(self, url: str) -> _Host:
        key = host_of(url)
        if key not in self._hosts:
            self._hosts[key] = _Host(
                self.settings.host_concurrency, self.settings.host_delay, self._http_client()
            )
        return self._hosts[key]

    def _http_client(self) -> httpx.AsyncClient:
        """A connection pool for one host. Not one pool for all: httpcore's pool looks at
        every connection it holds for each request it queues or ends (a cost that grows
        with the square of the connections), so small pools, one a host, cost less."""
        if self._tls is None:
            self._tls = httpx.create_ssl_context()
        return httpx.AsyncClient(
            http2=self.settings.http2,
            follow_redirects=False,  # followed here, so each hop is paced and robots-checked
            timeout=self.settings.timeout,
            headers={"User-Agent": self.settings.user_agent},
            limits=httpx.Limits(
                max_connections=self.settings.host_concurrency,
                max_keepalive_connections=self.settings.host_concurrency,
            ),
            verify=self._tls,
        )

    async def get(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        robots: bool = False,
        accept: str = PAGE_ACCEPT,
    ) -> Response:
        """GET `url` (conditionally when validators are given); raises FetchError.

        `robots=True` (article pages) refuses URLs robots.txt disallows, on every
        redirect hop. Transient failures are tried again up to `retries` times,
        after `Retry-After` when the server sent one and it is short, else after an
        exponential backoff with jitter.
        """
        if not is_http_url(url):
            raise FetchError(url, "not an http(s) URL", transient=False)
        for attempt in range(self.settings.retries + 1):
            try:
                return await self._get_once(url, etag, last_modified, robots, accept)
            except FetchError as exc:
                if not exc.retry_now or attempt == self.settings.retries:
                    raise
                if exc.retry_after is not None:
                    if exc.retry_after > self.settings.max_wait:
                        raise
                    continue  # the host is paused until then: its next turn waits
                await asyncio.sleep(self.backoff(attempt))
        raise AssertionError("unreachable")

    def backoff(self, attempt: int) -> float:
        """Seconds before try `attempt + 2`: base * 2^attempt, jittered by +-50 %."""
        return self.settings.backoff_base * (2**attempt) * random.uniform(0.5, 1.5)

    async def _get_once(
        self, url: str, etag: str | None, last_modified: str | None, robots: bool, accept: str
    ) -> Response:
        current = url
        for hop in range(self.settings.max_redirects + 1):
            if robots:
                await self._check_robots(url, current)
            headers = {"Accept": accept}
            if hop == 0 and etag:
                headers["If-None-Match"] = etag
            if hop == 0 and last_modified:
                headers["If-Modified-Since"] = last_modified
            host = self._host(current)
            async with self._slots, host.slots:
                paused = host.next_start - time.monotonic()
                if paused > self.settings.max_wait:  # a long Retry-After: the whole host waits
                    raise FetchError(
                        url,
                        f"host asked to wait (Retry-After), {paused:.0f} s left",
                        transient=True,
                        retry_after=paused,
                    )
                await host.turn()
                self.requests += 1
                if self._on_request is not None:
                    self._on_request(current)
                try:
                    async with asyncio.timeout(self.settings.timeout):
                        outcome = await self._send(url, current, headers, host)
                except TimeoutError:
                    raise FetchError(
                        url, f"timed out after {self.settings.timeout:g} s", transient=True
                    ) from None
                except httpx.TimeoutException:
                    raise FetchError(
                        url, f"timed out after {self.settings.timeout:g} s", transient=True
                    ) from None
                except httpx.HTTPError as exc:
                    raise FetchError(
                        url,
                        f"connection failed ({type(exc).__name__}: {exc})",
                        transient=True,
                        retry_now=True,
                    ) from None
            if isinstance(outcome, Response):
                return outcome
            current = outcome  # a redirect: the next hop
        raise FetchError(url, f"more than {self.settings.max_redirects} redirects", transient=False)

    async def _send(
        self, url: str, current: str, headers: dict[str, str], host: _Host
    ) -> Response | str:
        """One request; the Response, or the URL a redirect points to."""
        request = host.client.build_request("GET", current, headers=headers)
        response = await host.client.send(request, stream=True)
        try:
            status = response.status_code
            if status in REDIRECTS and response.headers.get("location"):
                target = urljoin(current, response.headers["location"])
                if not is_http_url(target):
                    raise FetchError(url, f"redirect to a non-http URL {target!r}", transient=False)
                return target
            if status == 304:
                return self._response(url, current, response, b"")
            if status == 429 or status >= 500:
                retry_after = parse_retry_after(response.headers.get("retry-after"))
                if retry_after is not None:
                    host.pause(retry_after)
                reason = f"HTTP {status}" + (
                    f" (retry after {retry_after:g} s)" if retry_after is not None else ""
                )
                raise FetchError(
                    url,
                    reason,
                    transient=True,
                    retry_after=retry_after,
                    status=status,
                    retry_now=True,
                )
            if status >= 400:
                raise FetchError(url, f"HTTP {status}", transient=status == 408, status=status)
            return self._response(url, current, response, await self._read(url, response))
        finally:
            await response.aclose()

    async def _read(self, url: str, response: httpx.Response) -> bytes:
        limit = self.settings.max_bytes
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise FetchError(url, _too_large(int(declared), limit), transient=False)
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():  # decoded: the cap holds after gunzip too
            size += len(chunk)
            if size > limit:
                raise FetchError(url, _too_large(size, limit, more=True), transient=False)
            chunks.append(chunk)
        return b"".join(chunks)

    @staticmethod
    def _response(url: str, final: str, response: httpx.Response, body: bytes) -> Response:
        return Response(
            url=url,
            final_url=final,
            status=response.status_code,
            body=body,
            content_type=response.headers.get("content-type", ""),
            etag=response.headers.get("etag"),
            last_modified=response.headers.get("last-modified"),
        )

    async def _check_robots(self, url: str, current: str) -> None:
        host = self._host(current)
        async with host.robots_lock:
            if time.monotonic() >= host.robots_until:
                await self._load_robots(current, host)
        if host.robots_error is not None:
            raise FetchError(url, f"robots.txt unavailable ({host.robots_error})", transient=True)
        if host.robots is not None and not host.robots.can_fetch(current, ROBOTS_AGENT):
            raise FetchError(url, "disallowed by robots.txt", transient=False)

    async def _load_robots(self, current: str, host: _Host) -> None:
        parts = urlsplit(current)
        robots_url = f"{parts.scheme}://{parts.netloc}/robots.txt"
        host.robots, host.robots_error = None, None
        try:
            fetched = await self.get(robots_url, accept="text/plain, */*;q=0.5")
        except FetchError as exc:
            if exc.transient:  # RFC 9309: an unreachable robots.txt means "do not crawl yet"
                host.robots_error = exc.reason
                host.robots_until = time.monotonic() + self.settings.robots_error_ttl
                return
            fetched = None  # 4xx: no robots.txt, everything is allowed
        host.robots_until = time.monotonic() + self.settings.robots_ttl
        if fetched is None:
            return
        host.robots = Protego.parse(fetched.body.decode("utf-8", errors="replace"))
        delay = host.robots.crawl_delay(ROBOTS_AGENT)
        if delay:
            host.delay = max(host.delay, min(float(delay), self.settings.max_crawl_delay))

    async def robots_sitemaps(self, url: str) -> list[str]:
        """The `Sitemap:` URLs of the robots.txt of `url`'s host (empty if none or unreachable)."""
        host = self._host(url)
        async with host.robots_lock:
            if time.monotonic() >= host.robots_until:
                await self._load_robots(url, host)
        return list(host.robots.sitemaps) if host.robots is not None else []


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header: delta-seconds or an HTTP date; None if absent/bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _too_large(size: int, limit: int, *, more: bool = False) -> str:
    over = "more than " if more else ""
    return f"too large ({over}{size / 1e6:.1f} MB; the limit is {limit / 1e6:g} MB)"
