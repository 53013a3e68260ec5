"""The polling loop: poll the sources that are due, fetch the new pages, store them.

One round: (1) the sources the user named are resolved once (a site to its feeds,
an OPML file to its feeds; a source already in the store costs nothing); (2) every
source due is polled (conditional GET) and the pages it lists that the store does
not know are recorded as pending, together with the source's new state, in one
transaction; (3) the pending pages, and failed pages whose retry time has come, are
fetched `batch_size` at a time, extracted by the same pipeline as `ingest`, and
handed to the corpus writer; their fate is recorded right after.

Nothing is lost or doubled across a kill: a page is pending until its outcome is
committed; a page the writer committed but the kill kept from being marked is
found by its doc_id (its URL) at the next start and never fetched again; the
writer's content hash and dedup catch the rest.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import itertools
import multiprocessing
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsweave.errors import DocumentError
from newsweave.ingest import decode
from newsweave.model import (
    Article,
    DocHints,
    PreparedArticle,
    RawDocument,
    SkippedDocument,
    StoredOutcome,
)
from newsweave.store import Store, WatchPage, WatchSource
from newsweave.watch.client import FEED_ACCEPT, ClientSettings, FetchError, PoliteClient, Response
from newsweave.watch.sources import (
    Listing,
    SourceError,
    discover_feeds,
    read_listing,
    read_opml,
)
from newsweave.watch.state import Schedule, adapted_interval, retry_wait
from newsweave.watch.urls import canonical_link, host_of, is_http_url, page_key

if TYPE_CHECKING:
    from newsweave.corpus import Ingestor

HTML_TYPES = ("text/html", "application/xhtml+xml")
BATCH_SIZE = 50  # pages fetched together, then handed to the writer as one batch
# The extraction processes are replaced (between two batches) after this many pages a
# process, so whatever a parser library caches cannot grow without bound over a long
# run. Not ProcessPoolExecutor's max_tasks_per_child: with it the pool stopped replacing
# its worker after 2,000 pages and the watcher waited for ever (found by the soak run).
PAGES_PER_WORKER = 2000
# A page whose extraction takes longer than this fails (transient) and the processes
# are replaced: a hung worker must not stop the watcher.
EXTRACT_TIMEOUT = 120.0


@dataclass(frozen=True)
class WatchSettings:
    client: ClientSettings = field(default_factory=ClientSettings)
    schedule: Schedule = field(default_factory=Schedule)
    batch_size: int = BATCH_SIZE
    max_sleep: float = 60.0  # longest idle wait between rounds (a stop is seen at once)
    # processes extracting pages while the loop fetches and the writer clusters; 0: in
    # the loop's own thread (one page at a time, between fetches)
    extract_workers: int = 0


@dataclass
class RoundSummary:
    """What one round did; `to_dict` is the `--json` line."""

    round: int
    sources: int = 0  # sources polled
    unchanged: int = 0  # of which answered 304 or sent the same bytes
    source_errors: int = 0
    listed_new: int = 0  # article URLs seen for the first time
    fetched: int = 0  # article pages fetched
    stored: int = 0  # new articles (originals)
    duplicates: int = 0  # stored, linked to an earlier copy
    same_article: int = 0  # another URL of an article already stored: nothing added
    retry: int = 0  # transient failures, tried again later
    failed: int = 0  # permanent failures
    requests: int = 0  # HTTP requests sent (robots.txt and redirects included)
    new_stories: int = 0
    updated_stories: int = 0
    errors: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "round": self.round,
            "sources": self.sources,
            "unchanged": self.unchanged,
            "source_errors": self.source_errors,
            "listed_new": self.listed_new,
            "fetched": self.fetched,
            "stored": self.stored,
            "duplicates": self.duplicates,
            "same_article": self.same_article,
            "retry": self.retry,
            "failed": self.failed,
            "requests": self.requests,
            "stories": {"new": self.new_stories, "updated": self.updated_stories},
        }


@dataclass(frozen=True)
class _Failure:
    reason: str
    transient: bool
    retry_after: float | None = None


class Watcher:
    """Keeps `store` current with `sources` (URLs and OPML files); see the module doc.

    The store is used from the thread that runs the watcher only (SQLite's rule): a
    server that hosts a watcher runs it on its own thread with its own Store.
    """

    def __init__(
        self,
        store: Store,
        sources: Sequence[str],
        settings: WatchSettings | None = None,
        *,
        report: Callable[[str], None] | None = None,
        advance: Callable[[int], None] | None = None,
        clock: Callable[[], float] = time.time,
        ingestor: Ingestor | None = None,
        writing: Callable[[], contextlib.AbstractContextManager[Any]] | None = None,
    ) -> None:
        self.store = store
        self.sources = list(sources)
        self.settings = settings or WatchSettings()
        self.report = report or (lambda message: None)
        self.advance = advance or (lambda pages: None)
        self.clock = clock
        self.rounds = 0
        self._resolved = False
        self._polled: set[str] = set()
        self._opml_read: set[str] = set()
        self._unresolved: dict[str, tuple[float, int]] = {}  # URL -> (next try, failures)
        self._ingestor: Ingestor | None = ingestor  # a server hands in its one writer
        self._pool: ProcessPoolExecutor | None = None
        self._pool_pages = 0  # pages handed to the current pool
        # held around each batch handed to the writer (a server shares its models with
        # the briefing thread); nothing by default
        self.writing = writing or contextlib.nullcontext
        self._client: PoliteClient | None = None
        self._wake: asyncio.Event | None = None

    @property
    def ingestor(self) -> Ingestor:
        if self._ingestor is None:  # restores the dedup index and clusterer: once, lazily
            from newsweave.corpus import Ingestor

            self._ingestor = Ingestor(self.store)
        return self._ingestor

    async def run(
        self,
        *,
        once: bool = False,
        stop: asyncio.Event | None = None,
        on_round: Callable[[RoundSummary], None] | None = None,
    ) -> None:
        """Rounds until `stop` is set (or one, `once`); a stop waits for the batch in flight."""
        stop = stop or asyncio.Event()
        self._wake = asyncio.Event()
        try:
            async with PoliteClient(self.settings.client) as client:
                self._client = client
                while not stop.is_set():
                    summary = await self.round(client, stop)
                    if on_round is not None:
                        on_round(summary)
                    if once:
                        return
                    await self._sleep(stop)
        finally:
            self._client = None
            self.close()

    async def add_source(self, url: str) -> list[WatchSource]:
        """Follow one more http(s) source now, while `run` runs: a feed or sitemap is
        polled at once, a site's feeds are found; the next round fetches its pages.
        Returns the sources it gave; SourceError when it cannot be read."""
        if self._client is None:
            raise SourceError(url, "the watcher is not running")
        if not is_http_url(url):
            raise SourceError(url, "not an http(s) URL")
        known = [s for s in self.store.watch_sources() if url in (s.url, s.origin)]
        if known:
            return known
        summary = RoundSummary(self.rounds)
        if not await self._resolve_url(self._client, url, url, summary):
            raise SourceError(url, summary.errors[-1].removeprefix(f"{url}: "))
        if self._wake is not None:
            self._wake.set()
        return [s for s in self.store.watch_sources() if url in (s.url, s.origin)]

    def warm_up(self) -> None:
        """Load what the first batch would: the writer's dedup index and clusterer, and
        the extraction processes with their parsers (a page extracted in each)."""
        self.ingestor  # noqa: B018 (the property loads it)
        pool = self._extraction_pool()
        if pool is not None:
            page = b"<html><head><title>Warm-up</title></head><body><p>Warm.</p></body></html>"
            args = ("warm-up", "warm-up", None, "http://127.0.0.1/", page)
            jobs = [pool.submit(extract_page, *args) for _ in range(self.settings.extract_workers)]
            for job in jobs:
                job.result()

    def close(self) -> None:
        """Stop the extraction processes (`run` does it when it ends)."""
        pool, self._pool = self._pool, None
        self._pool_pages = 0
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)

    def _extraction_pool(self) -> ProcessPoolExecutor | None:
        if self.settings.extract_workers <= 0:
            return None
        if self._pool is None:  # spawned, not forked: the parent may run threads (serve)
            self._pool = ProcessPoolExecutor(
                self.settings.extract_workers,
                mp_context=multiprocessing.get_context("spawn"),
            )
        return self._pool

    async def _sleep(self, stop: asyncio.Event) -> None:
        due = self.store.next_watch_time()
        wait = self.settings.max_sleep if due is None else due - self.clock()
        wait = min(self.settings.max_sleep, max(0.01, wait))
        wake = self._wake or asyncio.Event()
        waits = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(wake.wait())]
        # a stop, a source added (`add_source`) or the time for the next round
        await asyncio.wait(waits, timeout=wait, return_when=asyncio.FIRST_COMPLETED)
        for waiting in waits:
            waiting.cancel()
        wake.clear()

    async def round(self, client: PoliteClient, stop: asyncio.Event | None = None) -> RoundSummary:
        """One round: resolve new sources, poll those due, fetch the pages due."""
        self.rounds += 1
        summary = RoundSummary(self.rounds)
        requests_before = client.requests
        self._polled = set()  # sources read this round already (when resolved)
        if not self._resolved:
            settled = self.store.settle_stored_watch_pages()
            if settled:
                self.report(f"{settled} pages stored by an interrupted run marked as stored")
            self._resolved = True
        await self._resolve_due(client, summary)
        due = [s for s in self.store.watch_sources_due(self.clock()) if s.url not in self._polled]
        await asyncio.gather(*(self._poll(client, source, summary) for source in due))
        pages = _hosts_in_turn(self.store.watch_pages_due(self.clock()))
        size = self.settings.batch_size
        await self._pages(
            client, [pages[i : i + size] for i in range(0, len(pages), size)], summary, stop
        )
        summary.requests = client.requests - requests_before
        return summary

    # -- sources -------------------------------------------------------------

    def _error(self, summary: RoundSummary, message: str) -> None:
        summary.errors.append(message)
        self.report(message)

    async def _resolve_due(self, client: PoliteClient, summary: RoundSummary) -> None:
        """Resolve the named sources the store has no sources for yet (a failed one is
        tried again on the retry schedule); an OPML file is read again each run, so
        feeds added to it are picked up."""
        known = self.store.watch_origins() | {s.url for s in self.store.watch_sources()}
        wanted: list[tuple[str, str]] = []  # (URL, origin)
        for given in self.sources:
            if is_http_url(given):
                if given not in known:
                    wanted.append((given, given))
            elif given not in self._opml_read:
                self._opml_read.add(given)
                path = Path(given)
                if not path.is_file():
                    self._error(summary, f"{given}: not an http(s) URL or an OPML file")
                    continue
                try:
                    wanted += [(url, given) for url in read_opml(path) if url not in known]
                except SourceError as exc:
                    self._error(summary, str(exc))
        now = self.clock()
        due = [(u, o) for u, o in wanted if self._unresolved.get(u, (0.0, 0))[0] <= now]
        resolved = await asyncio.gather(*(self._resolve_url(client, u, o, summary) for u, o in due))
        for (url, origin), ok in zip(due, resolved, strict=True):
            if ok:
                self._unresolved.pop(url, None)
                continue
            failures = self._unresolved.get(url, (0.0, 0))[1] + 1
            self._unresolved[url] = (now + retry_wait(self.settings.schedule, failures), failures)
            if not is_http_url(origin):  # an OPML feed: read the file again to retry it
                self._opml_read.discard(origin)

    async def _resolve_url(
        self, client: PoliteClient, url: str, origin: str, summary: RoundSummary
    ) -> bool:
        """Fetch a named URL: a feed or sitemap is watched (this fetch is its first poll),
        a site's feeds are found and watched. False when it could not be read."""
        try:
            response = await client.get(url, accept=FEED_ACCEPT)
            text = _text(url, response)
            listing = read_listing(url, text, response.content_type)
        except (FetchError, DocumentError, SourceError) as exc:
            summary.source_errors += 1
            self._error(summary, f"{url}: {_reason(exc)}")
            return False
        schedule = self.settings.schedule
        if listing is not None:  # the URL is a feed or sitemap: this fetch is its first poll
            with self.store.transaction():
                self.store.add_watch_source(
                    url, listing.kind, origin, interval=schedule.interval, next_poll=self.clock()
                )
                self._record_listing(url, listing, response, schedule.interval, summary)
            summary.sources += 1
            self._polled.add(url)
            return True
        found = [(feed, "feed") for feed in discover_feeds(text, response.final_url)]
        if not found:
            found = [(s, "sitemap") for s in await client.robots_sitemaps(response.final_url)]
        if not found:
            self._error(
                summary,
                f'{url}: no feed found (no <link rel="alternate"> feed, no Sitemap: in robots.txt)',
            )
            return False
        with self.store.transaction():
            for feed, kind in found:
                self.store.add_watch_source(
                    feed, kind, origin, interval=schedule.interval, next_poll=self.clock()
                )
        self.report(f"{url}: following {', '.join(f for f, _ in found)}")
        return True

    async def _poll(self, client: PoliteClient, source: WatchSource, summary: RoundSummary) -> None:
        summary.sources += 1
        schedule = self.settings.schedule
        try:
            response = await client.get(
                source.url, etag=source.etag, last_modified=source.last_modified, accept=FEED_ACCEPT
            )
            if response.not_modified or _hash(response.body) == source.body_hash:
                summary.unchanged += 1
                interval = adapted_interval(schedule, source.interval, changed=False)
                with self.store.transaction():
                    self.store.record_watch_poll(
                        source.url,
                        interval=interval,
                        next_poll=self.clock() + interval,
                        etag=response.etag,
                        last_modified=response.last_modified,
                    )
                return
            listing = read_listing(source.url, _text(source.url, response), response.content_type)
            if listing is None:
                raise SourceError(source.url, "is an HTML page now, not a feed or sitemap")
        except (FetchError, DocumentError, SourceError) as exc:
            summary.source_errors += 1
            self._error(summary, f"{source.url}: {_reason(exc)}")
            retry_after = exc.retry_after if isinstance(exc, FetchError) else None
            wait = retry_wait(schedule, source.failures + 1, retry_after)
            with self.store.transaction():
                self.store.record_watch_poll(
                    source.url,
                    interval=source.interval,
                    next_poll=self.clock() + wait,
                    error=_reason(exc),
                )
            return
        with self.store.transaction():
            self._record_listing(source.url, listing, response, source.interval, summary)

    def _record_listing(
        self,
        url: str,
        listing: Listing,
        response: Response,
        interval: float,
        summary: RoundSummary,
    ) -> None:
        """The pages and child sitemaps of one fetched listing, and the source's new state
        (call inside a transaction: they commit together)."""
        now = self.clock()
        pages = [(page_key(p.url), p.url, p.title, p.published) for p in listing.pages]
        added = self.store.add_watch_pages(url, pages, at=now)
        schedule = self.settings.schedule
        for child in listing.sitemaps:
            self.store.add_watch_source(
                child, "sitemap", url, interval=schedule.interval, next_poll=now
            )
        interval = adapted_interval(schedule, interval, changed=added > 0)
        self.store.record_watch_poll(
            url,
            interval=interval,
            next_poll=now + interval,
            kind=listing.kind,
            title=listing.title,
            etag=response.etag,
            last_modified=response.last_modified,
            body_hash=_hash(response.body),
            changed=added > 0,
        )
        summary.listed_new += added

    # -- pages ---------------------------------------------------------------

    async def _pages(
        self,
        client: PoliteClient,
        batches: list[list[WatchPage]],
        summary: RoundSummary,
        stop: asyncio.Event | None,
    ) -> None:
        """Fetch, extract and store the batches, one batch ahead: batch N+1 is fetched and
        handed to the extraction processes before batch N goes to the writer, so the
        writer's clustering (in this thread) and the extraction (in the processes) run at
        the same time. A stop lets the batches already fetched be stored."""
        ahead: _Fetched | None = None
        for index in range(len(batches) + 1):
            current, ahead = ahead, None
            if current is not None:  # every page of it fetched: extraction finishing
                made = await self._extracted(current)
            if index < len(batches) and not (stop is not None and stop.is_set()):
                self._recycle_pool()  # between batches: no extraction in flight
                ahead = await self._fetch_batch(client, batches[index])
            if current is not None:
                self._store_batch(current.pages, made, summary)
                self.advance(len(current.pages))
            if ahead is None:
                break

    def _recycle_pool(self) -> None:
        if self._pool_pages >= PAGES_PER_WORKER * max(1, self.settings.extract_workers):
            self.close()

    async def _fetch_batch(self, client: PoliteClient, pages: list[WatchPage]) -> _Fetched:
        """Fetch one batch's pages; each page is handed to the extraction processes as soon
        as it arrives (extracted at once in this thread when there are none)."""
        jobs = await asyncio.gather(*(self._fetch_article(client, page) for page in pages))
        return _Fetched(pages, jobs)

    async def _extracted(self, fetched: _Fetched) -> list[tuple[bool, _Made | _Failure]]:
        """The batch's articles (or failures), once its extractions are done."""
        return [await self._extraction(job) for job in fetched.jobs]

    def _store_batch(
        self,
        pages: list[WatchPage],
        made_all: list[tuple[bool, _Made | _Failure]],
        summary: RoundSummary,
    ) -> None:
        """Store one extracted batch (one writer batch) and record each page's fate."""
        failures: list[tuple[WatchPage, _Failure]] = []
        known_aliases: list[tuple[WatchPage, int]] = []  # another URL of a stored article
        twins: list[tuple[WatchPage, str]] = []  # another URL of an article in this batch
        items: dict[str, tuple[WatchPage, PreparedArticle]] = {}  # by article key
        for page, (fetched, made) in zip(pages, made_all, strict=True):
            summary.fetched += fetched
            if isinstance(made, _Failure):
                failures.append((page, made))
                continue
            key, prepared = made.key, made.prepared()
            known = self.store.watch_page(key) if key != page.url else None
            if known is not None and known.article_id is not None:
                known_aliases.append((page, known.article_id))
            elif key in items:
                twins.append((page, key))
            else:
                items[key] = (page, prepared)
        outcomes: dict[str, StoredOutcome] = {}  # by content hash
        if items:
            from newsweave.corpus import IngestSummary

            with self.writing():
                batch = self.ingestor.add_batch([prepared for _, prepared in items.values()])
            written = IngestSummary()
            written.add(batch)
            outcomes = {outcome.content_hash: outcome for outcome in batch.articles}
            summary.stored += written.new
            summary.duplicates += written.duplicates
            summary.same_article += written.already_stored
            summary.new_stories += written.new_stories
            summary.updated_stories += written.updated_stories
        with self.store.transaction():
            stored_as: dict[str, int] = {}
            for key, (page, prepared) in items.items():
                outcome = outcomes.get(str(prepared.chash))
                if outcome is None:  # the writer skipped it: say so, try again later
                    self._settle_failure(page, _Failure("not stored by the writer", True), summary)
                    continue
                article_id = outcome.article_id
                stored_as[key] = article_id
                # stored by this batch under this page's URL, or an article stored before
                # (under this URL or another one)
                new = outcome.status != "already_stored"
                status = "stored" if new or self._doc_id(article_id) == page.url else "alias"
                self.store.settle_watch_page(page.url, status, article_id=article_id)
                if key != page.url:
                    self.store.alias_watch_page(
                        key, prepared.article.url or key, page.source_url, article_id
                    )
            for page, key in twins:
                if key in stored_as:
                    known_aliases.append((page, stored_as[key]))
                else:
                    failures.append((page, _Failure("its twin page was not stored", True)))
            for page, article_id in known_aliases:
                summary.same_article += 1
                self.store.settle_watch_page(page.url, "alias", article_id=article_id)
            for page, failure in failures:
                self._settle_failure(page, failure, summary)

    def _doc_id(self, article_id: int) -> str | None:
        stored = self.store.article(article_id)
        return stored.article.doc_id if stored else None

    def _settle_failure(self, page: WatchPage, failure: _Failure, summary: RoundSummary) -> None:
        schedule = self.settings.schedule
        attempts = page.attempts + 1
        if failure.transient and attempts < schedule.max_attempts:
            summary.retry += 1
            wait = retry_wait(schedule, attempts, failure.retry_after)
            self.store.settle_watch_page(
                page.url, "retry", reason=failure.reason, next_try=self.clock() + wait
            )
            return
        summary.failed += 1
        reason = failure.reason
        if failure.transient:
            reason = f"gave up after {attempts} tries: {reason}"
        self.store.settle_watch_page(page.url, "failed", reason=reason)
        self.report(f"{page.fetch_url}: {reason}")

    async def _fetch(self, client: PoliteClient, page: WatchPage) -> Response | _Failure:
        try:
            response = await client.get(page.fetch_url, robots=True)
        except FetchError as exc:
            return _Failure(exc.reason, exc.transient, exc.retry_after)
        mime = response.content_type.split(";")[0].strip().lower()
        if mime and mime not in HTML_TYPES:
            return _Failure(f"not HTML (content type {mime})", transient=False)
        return response

    async def _fetch_article(
        self, client: PoliteClient, page: WatchPage
    ) -> tuple[bool, _Job | _Made | _Failure]:
        """(whether the page was fetched, its extraction under way, or why there is none);
        the page is handed to the extraction processes as soon as it arrives, so extraction
        overlaps the other fetches (and, for the batch ahead, the writer)."""
        response = await self._fetch(client, page)
        if isinstance(response, _Failure):
            return False, response
        args = (page.url, page.source_url, page.published, response.final_url, response.body)
        pool = self._extraction_pool()
        if pool is None:  # extracted in this thread once no request is in flight (a
            return True, _Job(None, args)  # busy loop would make their deadlines pass)
        self._pool_pages += 1
        try:
            return True, _Job(pool.submit(extract_page, *args), args)
        except BrokenProcessPool:  # a worker died (killed, out of memory): a new pool next
            self._pool = None
            return True, _Failure("the extraction process died", transient=True)

    async def _extraction(
        self, fetched: tuple[bool, _Job | _Made | _Failure]
    ) -> tuple[bool, _Made | _Failure]:
        done, job = fetched
        if not isinstance(job, _Job):
            return done, job
        if job.future is None:
            return done, extract_page(*job.args)
        try:
            return done, await asyncio.wait_for(asyncio.wrap_future(job.future), EXTRACT_TIMEOUT)
        except BrokenProcessPool:  # a worker died (killed, out of memory): a new pool next
            self._pool = None
            return done, _Failure("the extraction process died", transient=True)
        except TimeoutError:  # replaced before the next batch
            self._pool_pages = PAGES_PER_WORKER * max(1, self.settings.extract_workers)
            return done, _Failure(f"extraction took over {EXTRACT_TIMEOUT:.0f} s", True)


@dataclass(frozen=True)
class _Job:
    future: Future[_Made | _Failure] | None  # an extraction in a worker process, or None
    args: tuple[Any, ...]  # extract_page's, for an extraction in the watcher's thread


@dataclass(frozen=True)
class _Fetched:
    pages: list[WatchPage]
    jobs: list[tuple[bool, _Job | _Made | _Failure]]  # by page: fetched?, its extraction


@dataclass(frozen=True)
class _Made:
    """An extracted page as it crosses from a worker process: its article key, the article,
    the HTML, and the writer's fingerprints (hashes and the MinHash values as bytes, so
    the writer's thread does not sign it; datasketch objects pickle their permutations)."""

    key: str
    article: Article
    text: str
    chash: str
    thash: str
    minhash: bytes | None

    def prepared(self) -> PreparedArticle:
        from newsweave import dedup

        signature = dedup.from_bytes(self.minhash) if self.minhash is not None else None
        return PreparedArticle(self.article, self.text, self.chash, self.thash, signature)


def extract_page(
    url: str, source_url: str, listed: date | None, final_url: str, body: bytes
) -> _Made | _Failure:
    """A fetched page through the ingest pipeline (cleaned, hashed and signed, as the
    writer wants it), or why it gives none. A plain function of picklable values: it
    runs in the extraction processes."""
    try:
        text, encoding = decode(url, body)
    except DocumentError as exc:
        return _Failure(exc.reason, transient=False)
    from newsweave import dedup
    from newsweave.pipeline import clean, fingerprint_article

    raw = RawDocument(url, source_url, text, "html", encoding, DocHints(url=final_url))
    cleaned = clean(raw)
    if isinstance(cleaned, SkippedDocument):
        return _Failure(cleaned.reason, transient=False)
    canonical = canonical_link(text, final_url)
    key = page_key(canonical or final_url)
    # the publisher's canonical URL, else the one fetched without its tracking parameters
    article = replace(cleaned, url=canonical or key)
    if article.published is None and listed is not None:
        article = replace(article, published=listed, published_source="feed")
    prepared = fingerprint_article(article, text)
    minhash = dedup.to_bytes(prepared.minhash) if prepared.minhash is not None else None
    return _Made(key, article, text, str(prepared.chash), str(prepared.thash), minhash)


def _hosts_in_turn(pages: list[WatchPage]) -> list[WatchPage]:
    """The pages with their hosts taken in turn (each host's pages in their own order), so
    that a batch spreads over the hosts instead of queueing behind one host's limits."""
    queues: dict[str, list[WatchPage]] = {}
    for page in pages:
        queues.setdefault(host_of(page.fetch_url), []).append(page)
    turns = itertools.zip_longest(*queues.values())
    return [page for turn in turns for page in turn if page is not None]


def _text(url: str, response: Response) -> str:
    return decode(url, response.body)[0]


def _hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def _reason(exc: Exception) -> str:
    return getattr(exc, "reason", None) or str(exc)
