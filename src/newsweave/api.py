"""The web service: a FastAPI app over the corpus store (REST API + reading page).

`create_app(db)` builds the app; `newsweave serve` runs it under uvicorn. The REST
API and the HTML page read the same story record (`corpus.read_story`), so they
cannot disagree.

Concurrency: uvicorn runs sync endpoints on a thread pool. Every thread reads through
its own SQLite connection (WAL: readers never block the writer or each other). All
writes - posted articles, which are cleaned, deduplicated and clustered - run on ONE
writer thread that owns the `Ingestor` (its dedup index and clusterer live in memory);
articles posted while it is busy are committed together as the next batch (group
commit: one transaction, one batched encoder call). Briefings are built by one
builder: under `serve` (`ServiceSettings.briefing_process`) a child process
(`briefing_worker`: spaCy and the encoder's briefing work hold the GIL for seconds, which
stalled every request of this process), else one analysis thread; a request waiting for
one awaits it without holding a server thread. One build per story is in flight at a
time (and one queued behind it, which reads the store as it is when it starts), however
many readers and commits meanwhile; readers of a story being rebuilt get its previous
JSON at once (header `x-newsweave-briefing`), unless they ask for the current one
(`Cache-Control: no-cache`). A clustering batch uses only the sentence encoder, whose
onnxruntime session and tokenizer may be called from two threads at once, so a POST
never waits for a briefing build. Readers of one story-list page or story between two
commits share one read (`_Memo`), served as stored bytes with an ETag (304 for a client
that has them), gzipped once per answer for clients that accept it (`Body`). Posted
articles are prepared (cleaned, fingerprinted) in a second child process under `serve`
(`ServiceSettings.prepare_process`), else on two threads of their own, never on the
read threads. Every connection waits up to `BUSY_TIMEOUT` seconds for SQLite's write
lock (busy_timeout) instead of failing with "database is locked".

`serve --watch` runs the watcher (`watch.Watcher`) on that same writer thread, as a task
of the thread's own event loop, over the writer's own `Ingestor`: watched pages and
posted articles are stored by one connection, one batch at a time, never concurrently.
After each committed batch the writer bumps a change counter; `GET /api/live` streams
the story list (server-sent events) to the reading page whenever it moves.

Security: nothing a request carries is used as a filesystem path (uploaded files are
read from memory; their name is only a label), request bodies are capped, POST can
require a token, and the page autoescapes all article text.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import functools
import hashlib
import hmac
import io
import json
import logging
import secrets
import threading
from collections.abc import Awaitable, Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass, replace
from datetime import date
from pathlib import Path
from typing import Annotated, Any, TypeVar

import h11
from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from fastapi_offline import FastAPIOffline
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    WrapValidator,
    model_validator,
)
from pydantic.json_schema import SkipJsonSchema
from pydantic_core import PydanticCustomError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol

from newsweave import __version__
from newsweave.briefing_worker import (
    Body,
    BriefingWorkerError,
    brief_posted,
    json_bytes,
    story_bytes,
)
from newsweave.errors import (
    ClusterStateError,
    DatabaseLockedError,
    DocumentError,
    MissingDependencyError,
    NewsweaveError,
    ScaleError,
    StoreError,
    StoreInUseError,
    UnknownStoryError,
)
from newsweave.model import (
    Article,
    DocHints,
    PreparedArticle,
    RawDocument,
    SkippedDocument,
    StoryRecord,
)
from newsweave.store import Store

BaseModelT = TypeVar("BaseModelT", bound=BaseModel)
T = TypeVar("T")
log = logging.getLogger("newsweave.api")
watch_log = logging.getLogger("newsweave.watch")

# Seconds a connection waits for SQLite's write lock before giving up. Generous: a
# posted article's transaction is milliseconds, but a CLI ingest batch in another
# process can hold the lock for a few seconds.
BUSY_TIMEOUT = 60.0
# Default cap on a request body: one document may be 10 MB (ingest's per-document
# limit), plus room for JSON escaping or multipart framing.
DEFAULT_MAX_REQUEST_BYTES = 12 * 1024 * 1024
# Posted articles waiting for the writer are committed together, at most this many a
# transaction (ingest's default batch size).
MAX_WRITE_BATCH = 50
# Ad-hoc briefings are built in the request; more articles than this is a batch job.
MAX_BRIEF_ARTICLES = 50
TOKEN_ENV = "NEWSWEAVE_TOKEN"
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
JSON = "application/json"
# Threads reading the store (each has its own connection), and threads preparing posted
# articles (cleaning, fingerprinting: CPU-bound, milliseconds each). Two pools, so that a
# read after a commit (a page, a story's key) never queues behind a backlog of posts:
# under 200 clients one pool of 8 held ~90 posts' preparation ahead of every read.
READ_THREADS = 4
PREPARE_THREADS = 2
# Story JSON kept in memory by member set (about 20-60 KB each).
ENCODED_STORIES = 256
# Largest article id a path may name: SQLite's INTEGER range (a bigger number is a 422,
# not an overflow inside the database driver).
MAX_ARTICLE_ID = 2**63 - 1
# GET /api/live: a comment line this often keeps proxies from closing a quiet stream, and
# a busy writer (a batch a second) sends a page at most this often to each reader.
LIVE_KEEPALIVE = 15.0
LIVE_MIN_GAP = 1.0
# A request's headers are a few hundred bytes: 10 s is generous on any link. A body is
# at most the request limit (12 MB: seconds on a slow link). Idle keep-alive connections
# are closed after 30 s (a page's next request comes sooner; a browser reconnects).
HEADER_TIMEOUT = 10.0
BODY_TIMEOUT = 60.0
IDLE_TIMEOUT = 30.0


@dataclass(frozen=True)
class ServiceSettings:
    """How the service runs; one object instead of flags scattered over the app."""

    db: Path
    token: str | None = None
    max_request_bytes: int = DEFAULT_MAX_REQUEST_BYTES
    # load the clusterer state and the sentence encoder at start-up, not on the first POST
    warm_up: bool = False
    # build briefings in a child process (`briefing_worker`; what `serve` does), not on
    # a thread of the serving process
    briefing_process: bool = False
    # prepare posted articles (cleaning, fingerprints) in a second child process, off the
    # server's GIL; None: when briefings are built in one (`serve`)
    prepare_process: bool | None = None
    # Host headers answered; anything else is a 400 (DNS rebinding: a page on evil.example
    # resolving its name to 127.0.0.1 must not reach the corpus). `serve --host` adds the
    # address it listens on, `--allow-host` more names.
    allowed_hosts: tuple[str, ...] = LOOPBACK_HOSTS
    # `serve --watch`: sources the server follows (URLs, OPML files), and how
    watch: tuple[str, ...] = ()
    watch_settings: Any = None  # watch.WatchSettings; its defaults when None
    # Seconds a client has to send a request's headers (from the connection's start or
    # its first byte) and then its body, and may stay idle between requests: a client
    # trickling bytes (slowloris) is cut at the limit, not held forever (`Deadlines`).
    header_timeout: float = HEADER_TIMEOUT
    body_timeout: float = BODY_TIMEOUT
    idle_timeout: float = IDLE_TIMEOUT
    # The HTTP/1.1 parser: "auto" is httptools (C) when installed, else h11; "h11" or
    # "httptools" to choose (`server_config`).
    http: str = "auto"


class _WriterThread:
    """The store's one writer: a thread running its own event loop. `submit` runs a
    function there (like a one-thread executor), `start` a coroutine (the watcher);
    both share the thread, so their writes never overlap."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self._run, name="newsweave-writer", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_forever()
        self.loop.close()

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future[Any]:
        future: Future[Any] = Future()

        def call() -> None:
            if not future.set_running_or_notify_cancel():
                return
            try:
                future.set_result(fn(*args))
            except BaseException as exc:  # handed to whoever waits for it
                future.set_exception(exc)

        self.loop.call_soon_threadsafe(call)
        return future

    def start(self, coroutine: Any) -> Future[Any]:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop)

    def shutdown(self, wait: bool = True) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)  # after the calls queued before it
        if wait:
            self.thread.join()


class _Memo:
    """One read's answer per key while the store's version stays put (and at most `ttl`
    seconds): the readers of one page between two commits share one query, and the
    readers who ask while it runs wait for that one, instead of each running it (under
    200 clients the story-list query on 40 threads at once was most of the server's CPU).
    Bounded: past `size` keys the oldest answers are dropped."""

    def __init__(self, size: int = 256, ttl: float = 5.0) -> None:
        self.size = size
        self.ttl = ttl
        self._done: dict[Any, tuple[str, float, Any]] = {}
        self._running: dict[tuple[Any, str], asyncio.Future] = {}

    async def get(self, key: Any, version: str, compute: Callable[[], Awaitable[Any]]) -> Any:
        import time

        done = self._done.get(key)
        if done is not None and done[0] == version and time.monotonic() - done[1] < self.ttl:
            return done[2]
        running = self._running.get((key, version))
        if running is None:
            running = asyncio.ensure_future(compute())
            self._running[(key, version)] = running

            def finished(future: asyncio.Future) -> None:
                self._running.pop((key, version), None)
                if not future.cancelled() and future.exception() is None:
                    self._done.pop(key, None)
                    self._done[key] = (version, time.monotonic(), future.result())
                    while len(self._done) > self.size:
                        del self._done[next(iter(self._done))]

            running.add_done_callback(finished)
        return await asyncio.shield(running)


@dataclass
class _Build:
    """One story's briefing build: queued behind the story's previous build, then handed
    to the builder. `reads_at`: the store version when it was handed over (it reads the
    store at that version or later); None while queued (it will read a later one)."""

    task: Any = None  # asyncio.Future[_Built]
    reads_at: int | None = None


def _retrieve(future: asyncio.Future) -> None:
    """Log the error of a build nobody awaited (its readers were served the previous
    briefing); the next reader starts another."""
    if not future.cancelled() and future.exception() is not None:
        log.warning("a briefing build failed: %s", future.exception())


@dataclass(frozen=True)
class _Built:
    """A built story: its member-set hash, its answer (JSON, ETag, gzip), and its record
    (as the builder sent it: a StoryRecord, or its codec text from the briefing process)."""

    key: str
    data: Body
    record: StoryRecord | str

    def story_record(self) -> StoryRecord:
        from newsweave import codec

        if isinstance(self.record, str):
            return codec.loads(StoryRecord, self.record)
        return self.record


class _Corpus:
    """Per-thread read connections, one writer thread, one briefing builder (a child
    process, `briefing_worker`, or one analysis thread)."""

    def __init__(
        self, db: Path, *, briefing_process: bool = False, prepare_process: bool = False
    ) -> None:
        from newsweave.briefing_worker import BriefingWorker

        self.db = db
        self._local = threading.local()
        self._analysis_lock = threading.Lock()
        self._writer = _WriterThread()
        self._ingestor: Any = None  # created on the writer thread, used only there
        # briefings are built in the child process, else here, one at a time; requests
        # await them on the event loop
        self.briefings = BriefingWorker(db, busy_timeout=BUSY_TIMEOUT) if briefing_process else None
        # posted articles are prepared in a second child (at the server's priority), else
        # on the preparation threads
        self.preparer = (
            BriefingWorker(db, busy_timeout=BUSY_TIMEOUT, name="preparing process", niceness=0)
            if prepare_process
            else None
        )
        self._analysis = ThreadPoolExecutor(max_workers=1, thread_name_prefix="newsweave-brief")
        # reads and request preparation off the event loop: a fixed pool, whose threads
        # (and their read connections) live as long as the service; under load anyio's
        # pool started new threads, each start blocking the loop until the thread ran
        self._threads = ThreadPoolExecutor(READ_THREADS, thread_name_prefix="newsweave-read")
        self._prepare = ThreadPoolExecutor(PREPARE_THREADS, thread_name_prefix="newsweave-prepare")
        self._builds: dict[str, _Build] = {}  # by live id: the story's latest build
        self.pages = _Memo()  # story-list pages (GET /api/stories, the reading page)
        self.listings = _Memo(size=16)  # since -> list_stories rows, shared by pages
        self.located = _Memo()  # story id -> (live id, member-set hash)
        # each story's latest JSON, by live id: (member-set hash, bytes). A commit that
        # leaves a story as it was costs its next reader a lookup, not a decode and an
        # encode of its record; one that changed it has its readers served this previous
        # JSON while the new briefing is built (see story_json)
        self._latest: dict[str, tuple[str, Body]] = {}
        self._pending: list[tuple[PreparedArticle, Future[dict[str, Any]]]] = []
        self._pending_lock = threading.Lock()
        self._draining = False
        # changes: a counter the writer bumps after each commit, read on the server's loop
        self._boot = secrets.token_hex(4)  # a restarted server's counter is another one
        self._version = 0
        self._changed: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self.stopping = False
        self.watcher: Any = None  # watch.Watcher, on the writer thread (serve --watch)
        self._watch_stop: asyncio.Event | None = None
        self._watching: Future[Any] | None = None
        Store(db, timeout=BUSY_TIMEOUT).close()  # create / migrate before serving

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """`fn(*args, **kwargs)` on one of the service's read threads."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._threads, functools.partial(fn, *args, **kwargs))

    async def prepare(self, raw: RawDocument, *, fingerprint: bool = True) -> PreparedArticle:
        """A posted document cleaned (and fingerprinted) by the preparing process, else on
        a preparation thread; DocumentError when it is unusable."""
        if self.preparer is not None:
            return _usable(raw, await self.preparer.prepare(raw, fingerprint))
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self._prepare, functools.partial(_clean, raw, fingerprint=fingerprint)
        )

    def reader(self) -> Store:
        store = getattr(self._local, "store", None)
        if store is None:
            store = self._local.store = Store(self.db, timeout=BUSY_TIMEOUT, create=False)
        return store

    def close(self) -> None:
        self.stop()
        if self._watching is not None:  # the watcher ends after the batch in flight
            with contextlib.suppress(Exception):  # logged where it happened
                self._watching.result()
        self._writer.submit(self._close_writer)
        self._writer.shutdown(wait=True)
        if self.briefings is not None:
            self.briefings.close()
        if self.preparer is not None:
            self.preparer.close()
        self._analysis.shutdown(wait=True)
        self._threads.shutdown(wait=True)
        self._prepare.shutdown(wait=True)

    def stop(self) -> None:
        """Begin shutting down (thread-safe): live streams end, the watcher stops after
        the batch in flight."""
        self.stopping = True
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._bump)
        if self._watch_stop is not None:
            self._writer.loop.call_soon_threadsafe(self._watch_stop.set)

    # -- changes (GET /api/live) -------------------------------------------------------------

    def attach(self, loop: asyncio.AbstractEventLoop) -> None:
        """The server's event loop, where change notices are delivered."""
        self._loop = loop
        self._changed = asyncio.Event()

    def changed(self) -> None:
        """The writer committed something (any thread)."""
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._bump)

    def _bump(self) -> None:
        self._version += 1
        if self._changed is not None:
            self._changed.set()
            self._changed = asyncio.Event()  # waiters hold the one just set

    def version(self) -> str:
        return f"{self._boot}.{self._version}"

    async def wait_change(self, timeout: float) -> None:
        """Until the next change (or a stop), at most `timeout` seconds."""
        changed = self._changed
        if changed is None or self.stopping:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(changed.wait(), timeout)

    # -- the watcher (serve --watch) -----------------------------------------------------------

    def start_watch(self, sources: tuple[str, ...], settings: Any) -> None:
        """Run a watcher over `sources` on the writer thread until `stop`."""
        self._watching = self._writer.start(self._watch(sources, settings))

    async def _watch(self, sources: tuple[str, ...], settings: Any) -> None:
        from newsweave.watch import Watcher

        self._watch_stop = asyncio.Event()
        if self.stopping:
            return
        ingestor = self._ingestor_for_writes()
        self.watcher = Watcher(
            ingestor.store,
            sources,
            settings,
            report=watch_log.warning,
            advance=lambda pages: self.changed(),
            ingestor=ingestor,
            writing=lambda: self._analysis_lock,
        )

        def on_round(summary: Any) -> None:
            if summary.fetched or summary.source_errors or summary.listed_new:
                watch_log.info(
                    "round %d: %d sources polled, %d pages fetched, %d stored, %d failed",
                    summary.round,
                    summary.sources,
                    summary.fetched,
                    summary.stored,
                    summary.failed,
                )

        try:
            await self.watcher.run(stop=self._watch_stop, on_round=on_round)
        except Exception:  # the server goes on serving what is stored; say why it stopped
            log.exception("the watcher stopped")
            raise

    async def add_source(self, url: str) -> list[Any]:
        """Follow one more source (POST /api/sources): resolved on the writer thread."""
        if self.watcher is None or self._watching is None or self._watching.done():
            raise HTTPException(
                409, "this server follows no sources: start it with newsweave serve --watch SOURCE"
            )
        added = await asyncio.wrap_future(self._writer.start(self.watcher.add_source(url)))
        self.changed()
        return added

    def _close_writer(self) -> None:
        """Close the writer's store on its own thread: releases the store's writer lease."""
        if self._ingestor is not None:
            self._ingestor.store.close()
            self._ingestor = None

    def warm_up(self) -> None:
        """Start loading the writer's state and the encoder in the background (~10 s),
        and the briefing process with its models."""
        self._writer.submit(self._warm_up)
        if self.briefings is not None:
            self.briefings.warm_up()
        if self.preparer is not None:
            self.preparer.warm_up_preparing()

    def _warm_up(self) -> None:
        from newsweave.encoder import load_encoder

        self._ingestor_for_writes()
        load_encoder()

    def _ingestor_for_writes(self) -> Any:
        from newsweave.corpus import Ingestor

        if self._ingestor is None:
            self._ingestor = Ingestor(Store(self.db, timeout=BUSY_TIMEOUT, create=False))
        return self._ingestor

    # -- reads -----------------------------------------------------------------------------

    async def story(self, story_id: str, only: str | None = None) -> StoryRecord:
        """The record of a developing story ("st-...") or event ("s-..."; `only`: that
        kind only), current: from the store's cache, else built once by the builder;
        concurrent requests await that one build without holding a server thread (so
        reads of other stories never queue behind it)."""
        since = self._version
        found = await self.run(self._lookup, story_id, only)
        if found.record is not None:
            return found.record
        built = await self._build(found.live, since)
        record = await self.run(built.story_record)
        # built under the live id: say which id was asked for when a merge redirected it
        return replace(record, requested=story_id if story_id != record.story else None)

    async def story_json(
        self, story_id: str, only: str | None = None, *, current: bool = False
    ) -> tuple[Body, bool]:
        """GET /api/stories/{id}: the story's record as JSON, and whether it is the
        current one. While the briefing of the story's current member set is being built,
        its readers are answered at once with the story's previous JSON (False) rather
        than queue behind the build; a reader who asks for the `current` one (`Cache-
        Control: no-cache`, as the poster of an article reading its story next may), and
        the first reader of a story, wait for it."""
        since = self._version
        live, key = await self.located.get(
            (story_id, only),
            self.version(),
            lambda: self.run(self._locate, story_id, only),
        )
        if live != story_id:
            # a merged story's old id: its record names the id asked for, so not shared
            return await self.run(_story_body, await self.story(story_id, only)), True
        latest = self._latest.get(live)
        if latest is not None and latest[0] == key:
            self._latest[live] = self._latest.pop(live)  # the most recently used
            return latest[1], True
        building = self._build(live, since)
        if latest is not None and not current:
            building.add_done_callback(_retrieve)  # nobody awaits it: its error is logged
            return latest[1], False
        return (await building).data, True

    def _build(self, live: str, since: int) -> asyncio.Future:
        """The build of `live` that reads the store at version `since` or later: the one
        in flight if it does, else a new one queued behind it (one running and one queued
        per story at most, however many readers and commits meanwhile)."""
        build = self._builds.get(live)
        if build is not None and (build.reads_at is None or build.reads_at >= since):
            return asyncio.shield(build.task)
        previous = build.task if build is not None else None
        build = self._builds[live] = _Build()
        build.task = asyncio.ensure_future(self._run_build(live, previous, build))

        def done(_: asyncio.Future) -> None:
            if self._builds.get(live) is build:
                del self._builds[live]

        build.task.add_done_callback(done)
        return asyncio.shield(build.task)

    async def _run_build(self, live: str, previous: asyncio.Future | None, build: _Build) -> _Built:
        if previous is not None:
            with contextlib.suppress(Exception):  # its readers were told
                await asyncio.shield(previous)
        build.reads_at = self._version
        found = await self.run(self._lookup, live, None)
        if found.record is not None:  # cached in the store (by the CLI, or before a restart)
            data = await self.run(_story_body, found.record)
            built = _Built(found.members_hash, data, found.record)
        elif self.briefings is not None:
            text, data = await self.briefings.build_story(live)
            built = _Built(found.members_hash, data, text)
        else:
            loop = asyncio.get_running_loop()
            record, data = await loop.run_in_executor(self._analysis, self._build_story, live)
            built = _Built(found.members_hash, data, record)
        # builds of one story run one after another: the last to finish is the newest
        self._latest.pop(live, None)
        self._latest[live] = (built.key, built.data)
        while len(self._latest) > ENCODED_STORIES:
            del self._latest[next(iter(self._latest))]
        return built

    def _locate(self, story_id: str, only: str | None) -> tuple[str, str]:
        """The story's or event's live id and member-set hash (the key of its briefing).
        A developing story's key is read from its (event, article) id pairs alone: every
        commit moves the version, and reading each story's articles and decoding its
        cached record (hundreds of KB) to learn the key was a seventh of the server's
        samples under load."""
        from newsweave.corpus.reader import record_kind

        store = self.reader()
        if record_kind(store, story_id, only) == "story":
            live = store.resolve_developing_story(story_id)
            return live, developing_key(store.developing_member_ids(live))
        found = self._lookup(story_id, only)
        return found.live, found.members_hash

    def _lookup(self, story_id: str, only: str | None) -> Any:
        from newsweave.corpus import lookup_record

        return lookup_record(self.reader(), story_id, only)  # this thread's connection

    def _build_story(self, live: str) -> tuple[StoryRecord, Body]:
        from newsweave.corpus import read_record

        with self._analysis_lock:
            record = read_record(self.reader(), live)
        return record, _story_body(record)

    async def brief(
        self, articles: list[Article], skipped: list[SkippedDocument], words: int
    ) -> dict[str, Any]:
        """POST /api/brief: built by the briefing process, else on a server thread."""
        if self.briefings is not None:
            return await self.briefings.brief(articles, skipped, words)
        return await run_in_threadpool(self._brief_here, articles, skipped, words)

    def _brief_here(
        self, articles: list[Article], skipped: list[SkippedDocument], words: int
    ) -> dict:
        with self._analysis_lock:
            return brief_posted(articles, skipped, words)

    # -- writes ----------------------------------------------------------------------------

    async def add(self, prepared: PreparedArticle) -> dict[str, Any]:
        """Store and cluster one prepared article; waits for the writer thread's next batch."""
        future: Future[dict[str, Any]] = Future()
        with self._pending_lock:
            self._pending.append((prepared, future))
            if not self._draining:
                self._draining = True
                self._writer.submit(self._drain)
        return await asyncio.wrap_future(future)

    def _drain(self) -> None:
        """Writer thread: commit whatever articles are waiting as one batch (group commit:
        one transaction and one batched encoder call for all of them), until none wait."""
        while True:
            with self._pending_lock:
                batch = self._pending[:MAX_WRITE_BATCH]
                del self._pending[:MAX_WRITE_BATCH]
                if not batch:
                    self._draining = False
                    return
            try:
                results = self._add_many([prepared for prepared, _ in batch])
            except Exception as exc:  # the batch rolled back: every waiting request learns why
                for *_, future in batch:
                    future.set_exception(exc)
                continue
            # the change notice first: the server's loop runs it before it hands any
            # poster its answer, so a poster's next read is never an older page (_Memo)
            self.changed()
            for (_, future), result in zip(batch, results, strict=True):
                future.set_result(result)

    def _add_many(self, items: list[PreparedArticle]) -> list[dict[str, Any]]:
        """Store the waiting articles as one batch; each one's outcome, in order."""
        from newsweave.corpus import story_of_event

        ingestor = self._ingestor_for_writes()
        store: Store = ingestor.store
        batch = ingestor.add_batch(items)  # not under _analysis_lock: see the module's doc
        return [
            {
                "article_id": outcome.article_id,
                "id": item.article.doc_id,
                "status": outcome.status,
                "duplicate_of": outcome.duplicate_of,
                "similarity": outcome.similarity,
                "story": story_of_event(store, outcome.story) if outcome.story else None,
                "event": store.resolve_story(outcome.story) if outcome.story else None,
                "title": item.article.title,
                "outlet": item.article.outlet,
                "published": item.article.published.isoformat() if item.article.published else None,
                "language": item.article.language,
                "language_confidence": item.article.language_confidence,
            }
            for item, outcome in zip(items, batch.articles, strict=True)
        ]


def _story_body(record: StoryRecord) -> Body:
    """A story's answer for GET /api/stories/{id}: its JSON, ETag and gzip."""
    return Body.of(story_bytes(record))


def developing_key(pairs: list[tuple[str, int]]) -> str:
    """`corpus.developing_hash` of a developing story from its (event id, article id)
    pairs (`Store.developing_member_ids`), without its articles; the same value
    (tests/test_api.py checks it)."""
    ordered = sorted(f"{event}:{article}" for event, article in pairs)
    return hashlib.sha256(json.dumps(ordered).encode()).hexdigest()[:16]


# -- request bodies -> articles -----------------------------------------------------------


class ArticleBody(BaseModel):
    """One article posted as JSON: the fields of a JSON Lines record."""

    model_config = ConfigDict(extra="ignore")

    text: str | None = Field(None, description="The article as plain text; this or `html`.")
    html: str | None = Field(None, description="The article as an HTML page; this or `text`.")
    url: str | None = Field(None, description="Where it was published (also its id).")
    title: str | None = None
    outlet: str | None = Field(None, description="The publisher's name.")
    published: str | None = Field(None, description="Publication date, YYYY-MM-DD.")

    @model_validator(mode="after")
    def _has_content(self) -> ArticleBody:
        if self.text is None and self.html is None:
            raise PydanticCustomError(
                "no_content", "the article needs a 'text' or 'html' string field"
            )
        return self


class ArticleUpload(BaseModel):
    """One article posted as a file (multipart/form-data), sniffed like a file given to
    `ingest`; the form fields override what the file says."""

    file: bytes = Field(description="The document (text, HTML, ...); its name is a label only.")
    url: str | None = None
    title: str | None = None
    outlet: str | None = None
    published: str | None = Field(None, description="Publication date, YYYY-MM-DD.")


@dataclass(frozen=True)
class UnusableArticle:
    """An article of a list that ArticleBody refused, and why (one line): the briefing
    lists it as skipped instead of refusing the whole body."""

    reason: str


def _validation_reason(exc: ValidationError, what: str = "the article") -> str:
    """The first problem of a refused body or article, as one line naming the field."""
    first = exc.errors()[0]
    if first["type"] in ("model_type", "model_attributes_type", "dict_type"):
        return f"{what} must be a JSON object"
    where = ".".join(str(p) for p in first.get("loc", ()))
    return f"{where}: {first['msg']}" if where else first["msg"]


def _article_or_unusable(value: Any, handler: Any) -> ArticleBody | UnusableArticle:
    """Validate one article of a list by ArticleBody, keeping its error as a value."""
    try:
        return ArticleBody.model_validate(value)
    except ValidationError as exc:
        return UnusableArticle(_validation_reason(exc))


# An article of BriefBody's list: an ArticleBody (its schema, in the OpenAPI document),
# or what was wrong with it.
BriefArticle = Annotated[
    ArticleBody | SkipJsonSchema[UnusableArticle], WrapValidator(_article_or_unusable)
]


class BriefBody(BaseModel):
    """Articles to brief as one story; an unusable one is listed as skipped, not an error."""

    articles: list[BriefArticle] = Field(max_length=MAX_BRIEF_ARTICLES)
    # the query's `words` when absent; out of range is held to it (as before models)
    words: Annotated[int, AfterValidator(lambda n: max(10, min(2000, n)))] | None = Field(
        None, strict=True, description="Summary length in words (10 to 2000)."
    )


class BriefUpload(BaseModel):
    """Articles to brief as one story, posted as files (multipart/form-data)."""

    files: list[bytes] = Field(max_length=MAX_BRIEF_ARTICLES)


class SourceBody(BaseModel):
    """A source for the server's watcher to follow: a feed, sitemap or site URL."""

    model_config = ConfigDict(extra="forbid")

    url: str = Field(
        min_length=8,
        max_length=2000,
        pattern=r"^[hH][tT][tT][pP][sS]?://\S+$",
        description="An http(s) URL: RSS, Atom or JSON Feed, sitemap, or a site's page.",
    )


BODY_MODELS = (ArticleBody, ArticleUpload, BriefBody, BriefUpload)


def _request_body(json_model: type[BaseModel], form_model: type[BaseModel]) -> dict[str, Any]:
    """The OpenAPI requestBody of an endpoint that takes JSON or a form, by model name
    (the models' schemas are generated into components by `_openapi_with_bodies`)."""
    ref = "#/components/schemas/{}".format
    return {
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"$ref": ref(json_model.__name__)}},
                "multipart/form-data": {"schema": {"$ref": ref(form_model.__name__)}},
            },
        }
    }


def _openapi_with_bodies(app: FastAPI) -> Callable[[], dict[str, Any]]:
    """app.openapi plus the body models' generated schemas (FastAPI only adds models it
    parses itself, and it cannot parse one route's body as JSON or as a form)."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = generate()
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            for model in BODY_MODELS:
                generated = model.model_json_schema(ref_template="#/components/schemas/{model}")
                components.update(generated.pop("$defs", {}))
                components[model.__name__] = generated
        return app.openapi_schema or {}

    return openapi


def _raw_from_json(body: ArticleBody, default_id: str) -> RawDocument:
    """A JSON article (fields as in a JSONL line) to a RawDocument."""
    from newsweave.ingest.jsonl import read_jsonl_lines

    # json.dumps escapes lone surrogates ("\ud800"), which the JSONL reader then replaces;
    # model_dump_json would fail to encode them
    line = json.dumps(body.model_dump(mode="json", exclude_none=True))
    (item,) = read_jsonl_lines("api", [line])
    if isinstance(item, SkippedDocument):
        raise DocumentError(default_id, item.reason)
    hints = item.hints  # read as a JSONL record, but the request is where they came from
    hints = replace(
        hints,
        outlet_source="api" if hints.outlet else None,
        published_source="api" if hints.published else None,
    )
    return replace(item, doc_id=_doc_id(item, default_id), origin="api", hints=hints)


def _upload_label(filename: str | None) -> str:
    return f"upload:{Path(filename or 'upload').name[:200] or 'upload'}"


def _raw_from_upload(
    filename: str | None, data: bytes, form: ArticleUpload | None = None
) -> RawDocument:
    """An uploaded file's bytes to a RawDocument, sniffed like a file given to `ingest`;
    the form's fields (ArticleUpload) override what the file says.

    The bytes are read from memory as "standard input": the file name is only a label.
    """
    from newsweave.ingest import read_sources
    from newsweave.ingest.jsonl import parse_date

    label = _upload_label(filename)
    items = list(read_sources(["-"], stdin=io.BytesIO(data)))
    if not items:
        raise DocumentError(label, "the file holds no document")
    if len(items) > 1:  # e.g. a JSONL file or a feed
        raise DocumentError(
            label, f"the file holds {len(items)} documents; post one article at a time"
        )
    (item,) = items
    if isinstance(item, SkippedDocument):
        raise DocumentError(label, item.reason)
    published = parse_date(form.published if form else None)
    outlet = form.outlet if form else None
    hints = DocHints(
        url=(form.url if form else None) or item.hints.url,
        title=(form.title if form else None) or item.hints.title,
        outlet=outlet or item.hints.outlet,
        outlet_source="api" if outlet else item.hints.outlet_source,
        published=published or item.hints.published,
        published_source="api" if published else item.hints.published_source,
    )
    item = replace(item, origin="api", hints=hints)
    return replace(item, doc_id=_doc_id(item, label))


def _doc_id(raw: RawDocument, fallback: str) -> str:
    """A stable id for a posted document: its URL, else the label plus a content hash."""
    if raw.hints.url:
        return raw.hints.url
    digest = hashlib.sha256(raw.text.encode("utf-8", "replace")).hexdigest()[:12]
    return f"{fallback}#{digest}"


def _clean(raw: RawDocument, *, fingerprint: bool = True) -> PreparedArticle:
    """Prepare one posted document (`pipeline.prepare`, as ingest does); DocumentError
    names it and the reason."""
    from newsweave.pipeline import prepare

    return _usable(raw, prepare(raw, fingerprint=fingerprint))


def _usable(raw: RawDocument, prepared: PreparedArticle | SkippedDocument) -> PreparedArticle:
    """A prepared document, or the DocumentError naming it when it was skipped."""
    if isinstance(prepared, SkippedDocument):
        label = raw.doc_id.split("#", 1)[0]  # the content hash only disambiguates storage
        raise DocumentError(label, prepared.reason)
    return prepared


Posted = tuple[str, RawDocument | None, str | None]  # (label, document, why it is unusable)


def _is_form(request: Request) -> bool:
    return request.headers.get("content-type", "").startswith("multipart/form-data")


async def _json_body(request: Request) -> Any:
    """The request's JSON value (decoded once; its model validates it); 415 for another
    content type, 422 for JSON that cannot be read."""
    ctype = request.headers.get("content-type", "")
    if ctype.split(";")[0].strip() not in ("application/json", ""):
        raise HTTPException(415, "send application/json or multipart/form-data")
    try:
        # json.loads keeps a lone surrogate escape ("\ud800"), which the JSONL reader
        # then replaces; pydantic's own JSON parser refuses the whole body for it
        return json.loads(await request.body())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise HTTPException(422, f"invalid JSON body: {exc}") from None
    except RecursionError:
        raise HTTPException(422, "invalid JSON body: nested too deeply to read") from None


def _validated(model: type[BaseModelT], value: Any, label: str | None = None) -> BaseModelT:
    """`value` validated by `model`; a 422 naming the field (and `label`) if it is not."""
    try:
        return model.model_validate(value)
    except ValidationError as exc:
        reason = _validation_reason(exc, "the article" if model is ArticleBody else "the body")
        raise HTTPException(422, f"{label}: {reason}" if label else reason) from None


async def _posted_article(request: Request) -> Posted:
    """POST /api/articles: the one article of an ArticleBody (JSON) or ArticleUpload
    (multipart) body, or the reason it cannot be read."""
    if not _is_form(request):
        body = _validated(ArticleBody, await _json_body(request), "api:1")
        try:
            return "api:1", _raw_from_json(body, "api:1"), None
        except DocumentError as exc:
            return "api:1", None, exc.reason
    form = await request.form()
    files = [v for v in form.getlist("file") if not isinstance(v, str)]
    if not files:
        raise HTTPException(422, "multipart body without a file field")
    if len(files) > 1:
        raise HTTPException(422, f"post one article at a time (got {len(files)})")
    (upload,) = files
    fields = {k: v for k, v in form.items() if k != "file"}
    upload_body = _validated(ArticleUpload, {**fields, "file": await upload.read()})
    label = _upload_label(upload.filename)
    try:
        return label, _raw_from_upload(upload.filename, upload_body.file, upload_body), None
    except DocumentError as exc:
        return label, None, exc.reason


async def _posted_brief(request: Request) -> tuple[list[Posted], int | None]:
    """POST /api/brief: each article of a BriefBody (JSON) or BriefUpload (multipart)
    body, or the reason it cannot be used, and the body's `words` (None: the query's)."""
    results: list[Posted] = []
    if not _is_form(request):
        body = _validated(BriefBody, await _json_body(request))
        for n, item in enumerate(body.articles, start=1):
            label = f"api:{n}"
            if isinstance(item, UnusableArticle):
                results.append((label, None, item.reason))
                continue
            try:
                results.append((label, _raw_from_json(item, label), None))
            except DocumentError as exc:
                results.append((label, None, exc.reason))
        return results, body.words
    form = await request.form()
    uploads = [v for v in form.getlist("files") if not isinstance(v, str)]
    if not uploads:
        raise HTTPException(422, "multipart body without a files field")
    upload_body = _validated(BriefUpload, {"files": [await u.read() for u in uploads]})
    for upload, data in zip(uploads, upload_body.files, strict=True):
        try:
            results.append(
                (_upload_label(upload.filename), _raw_from_upload(upload.filename, data), None)
            )
        except DocumentError as exc:
            results.append((_upload_label(upload.filename), None, exc.reason))
    return results, None


# -- middleware, errors, auth ----------------------------------------------------------------


def _hash_source(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


class Guard:
    """Browser-facing safety on every response and every unsafe request.

    - Host allow-list via starlette's TrustedHostMiddleware (wrapped here).
    - A POST whose Origin is not this server (a page on another site posting a form or
      `fetch` to the loopback port: CSRF) is refused with 403, token or not. Clients
      that send no Origin (curl, scripts) are not browsers and pass.
    - nosniff, no framing, no referrer, and a Content-Security-Policy: the reading page
      allows only its own inlined script and style (by hash) and same-origin requests;
      the API docs pages (Swagger UI, ReDoc from fastapi-offline) get a looser policy,
      as their bundles start from inline scripts.
    """

    DOC_PREFIXES = ("/docs", "/redoc", "/static-offline-docs")

    def __init__(self, app: ASGIApp, allowed_hosts: tuple[str, ...]) -> None:
        from starlette.middleware.trustedhost import TrustedHostMiddleware

        from newsweave.render.html import asset

        self.app = TrustedHostMiddleware(app, allowed_hosts=list(allowed_hosts))
        page_policy = (
            "default-src 'none'; "
            f"script-src {_hash_source(asset('page.js'))} {_hash_source(asset('live.js'))}; "
            f"style-src {_hash_source(asset('style.css'))}; "
            "img-src 'self' data:; connect-src 'self'; form-action 'self'; "
            "base-uri 'none'; frame-ancestors 'none'"
        )
        docs_policy = (
            "default-src 'self'; script-src 'self' 'unsafe-inline'; "
            "style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'"
        )
        common = [
            (b"x-content-type-options", b"nosniff"),
            (b"x-frame-options", b"DENY"),
            (b"referrer-policy", b"no-referrer"),
        ]
        self.page_headers = [*common, (b"content-security-policy", page_policy.encode())]
        self.docs_headers = [*common, (b"content-security-policy", docs_policy.encode())]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        if scope["method"] not in ("GET", "HEAD", "OPTIONS") and not _same_origin(headers):
            await _send_error(
                send, 403, "cross-site request refused (its Origin is not this server)"
            )
            return
        path = scope.get("path", "")
        extra = self.docs_headers if path.startswith(self.DOC_PREFIXES) else self.page_headers

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _same_origin(headers: dict[bytes, bytes]) -> bool:
    """No Origin (not a browser), or an Origin naming the host the request was sent to."""
    origin = headers.get(b"origin")
    if origin is None:
        return True
    host = headers.get(b"host", b"").decode("latin-1").lower()
    value = origin.decode("latin-1").lower()
    return value in (f"http://{host}", f"https://{host}")


async def _send_error(send: Send, status: int, message: str, *, close: bool = False) -> None:
    """A JSON error answered from the ASGI layer, before the app (and its handlers) run."""
    body = json.dumps({"error": {"status": status, "message": message}}).encode()
    headers = [(b"content-type", b"application/json")]
    if close:  # the rest of the body is not read: the connection cannot be reused
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class BodyLimit:
    """413 for a request body over the limit, whether announced (Content-Length) or streamed."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.limit:
            await self._too_large(send)
            return
        if length is not None:
            await self.app(scope, receive, send)
            return
        # chunked: buffer up to the limit before the app sees any of it
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > self.limit:
                await self._too_large(send)
                return
            if not message.get("more_body"):
                break
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": b"".join(chunks), "more_body": False}

        await self.app(scope, replay, send)

    async def _too_large(self, send: Send) -> None:
        await _send_error(send, 413, f"request body over {self.limit} bytes", close=True)


class FastReads:
    """The hot reads - `GET /api/stories` (a page, a search) and `GET /api/stories/{id}` -
    answered from the shared bytes right here, without FastAPI's routing, dependency
    solving and parameter models (most of a cached answer's cost under load). Only plain
    requests: anything these answers would not be sure to give exactly as the routes do
    (an unknown or repeated parameter, a value out of range, an error) goes on to the
    app, whose route answers it (or its error) as always. Runs inside `Guard` and the
    host check, so its answers carry the same headers and checks."""

    LIST = "/api/stories"
    PARAMS = frozenset({"q", "since", "limit", "offset"})

    def __init__(self, app: ASGIApp, service: FastAPI) -> None:
        self.app = app
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET":
            path: str = scope["path"]
            answer: tuple[Body, bool] | None = None
            headers = dict(scope.get("headers") or [])
            with contextlib.suppress(Exception):  # the route says what went wrong
                if path == self.LIST:
                    answer = await self._page(scope.get("query_string", b""))
                elif path.startswith(self.LIST + "/") and not scope.get("query_string"):
                    story_id = path[len(self.LIST) + 1 :]
                    if 0 < len(story_id) <= 100 and "/" not in story_id:
                        current = b"no-cache" in headers.get(b"cache-control", b"").lower()
                        corpus: _Corpus = self.service.state.corpus
                        data, built = await corpus.story_json(story_id, current=current)
                        answer = (data, not built)
            if answer is not None:
                await _send_json(send, headers, *answer)
                return
        await self.app(scope, receive, send)

    async def _page(self, query: bytes) -> tuple[Body, bool] | None:
        from urllib.parse import parse_qsl

        pairs = parse_qsl(query.decode("latin-1"), keep_blank_values=True)
        given = dict(pairs)
        if len(given) != len(pairs) or not given.keys() <= self.PARAMS:
            return None
        q, since, limit, offset = (given.get(k) for k in ("q", "since", "limit", "offset"))
        numbers = [n for n in (limit, offset) if n is not None]
        if not all(n.isascii() and n.isdigit() and len(n) < 10 for n in numbers):
            return None
        size = int(limit) if limit is not None else 50
        skip = int(offset) if offset is not None else 0
        if not 1 <= size <= 200 or (q is not None and len(q) > 500):
            return None
        day = None
        if since is not None:
            if not (len(since) == 10 and since.isascii()):
                return None
            day = date.fromisoformat(since)
        page = await self.service.state.story_list(q or "", day, size, skip)
        return page[1], False


def accepts_gzip(accept_encoding: str) -> bool:
    """Whether an Accept-Encoding header value allows gzip (named, or `*`, with a
    q-value above 0)."""
    allowed: dict[str, bool] = {}
    for item in accept_encoding.lower().split(","):
        name, _, params = item.partition(";")
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        allowed[name.strip()] = q > 0
    return allowed.get("gzip", allowed.get("x-gzip", allowed.get("*", False)))


def _representation(
    body: Body, accept_encoding: str, if_none_match: str | None, previous: bool
) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    """Status, headers and bytes of a shared answer: its gzip for a client that accepts
    it (compressed once, when the answer was made), 304 without a body for a client
    that holds it already (`If-None-Match` naming either representation's ETag)."""
    packed = body.gzip is not None and accepts_gzip(accept_encoding)
    etag = body.gzip_etag if packed else body.etag
    headers = [(b"etag", etag.encode())]
    if body.gzip is not None:
        headers.append((b"vary", b"Accept-Encoding"))
    if previous:
        headers.append((b"x-newsweave-briefing", b"previous; rebuilding"))
    if if_none_match is not None:
        held = {w.strip() for w in if_none_match.split(",")}
        if "*" in held or body.etag in held or body.gzip_etag in held:
            return 304, headers, b""
    data = body.gzip if packed and body.gzip is not None else body.data
    if packed:
        headers.append((b"content-encoding", b"gzip"))
    headers += [(b"content-length", b"%d" % len(data)), (b"content-type", JSON.encode())]
    return 200, headers, data


async def _send_json(send: Send, headers: dict[bytes, bytes], body: Body, previous: bool) -> None:
    """`_json_answer`'s response, sent from the ASGI layer."""
    wanted = headers.get(b"if-none-match")
    status, answer, data = _representation(
        body,
        headers.get(b"accept-encoding", b"").decode("latin-1"),
        wanted.decode("latin-1") if wanted is not None else None,
        previous,
    )
    await send({"type": "http.response.start", "status": status, "headers": answer})
    await send({"type": "http.response.body", "body": data})


# -- the HTTP server: deadlines uvicorn does not have -------------------------------------------


class _DeadlineTimer:
    """The deadline part of `Deadlines` and `HttpToolsDeadlines`: one timer per
    connection, for the phase (headers, body) its client is in."""

    header_timeout: float = HEADER_TIMEOUT
    body_timeout: float = BODY_TIMEOUT

    _deadline: asyncio.TimerHandle | None = None
    _phase: str | None = None  # "headers" or "body" while a deadline runs
    _received = False  # any byte of the request whose headers are awaited
    loop: asyncio.AbstractEventLoop
    transport: asyncio.Transport
    client: tuple[str, int] | None

    def _arm(self, phase: str) -> None:
        self._disarm()
        seconds = self.header_timeout if phase == "headers" else self.body_timeout
        self._phase = phase
        self._deadline = self.loop.call_later(seconds, self._expired)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
        self._deadline = None
        self._phase = None

    def _expired(self) -> None:
        phase, self._deadline, self._phase = self._phase, None, None
        if self.transport.is_closing():
            return
        log.warning(
            "closed a connection from %s: request %s not received within %g s",
            f"{self.client[0]}:{self.client[1]}" if self.client else "a client",
            phase,
            self.header_timeout if phase == "headers" else self.body_timeout,
        )
        if phase == "headers" and self._received:  # nothing of a response was sent yet
            message = b"request headers not received in time\n"
            self.transport.write(
                b"HTTP/1.1 408 Request Timeout\r\ncontent-type: text/plain; charset=utf-8\r\n"
                b"content-length: %d\r\nconnection: close\r\n\r\n%s" % (len(message), message)
            )
        self.transport.close()


class Deadlines(_DeadlineTimer, H11Protocol):
    """uvicorn's h11 protocol with deadlines for receiving a request.

    uvicorn's only timeout is keep-alive between requests, cancelled by the first byte
    received, so a client that connects and sends nothing, or trickles its headers or
    body a byte at a time (slowloris), holds a connection - and its memory - forever;
    ASGI middleware cannot help, as the app runs only once the headers are in. Here a
    connection's headers must arrive within `header_timeout` of its start (or of the
    first byte of the next request on a kept-alive connection), and the body within
    `body_timeout` of the headers; a late client gets a 408 (if it sent anything) and
    the connection is closed. Bytes that keep coming do not extend a deadline. Once a
    request is in, no deadline runs: a slow briefing or a live stream is not cut.
    `HttpToolsDeadlines` is the same over httptools' C parser (what `serve` uses when
    httptools is installed).
    """

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm("headers")

    def data_received(self, data: bytes) -> None:
        if self.conn.their_state is h11.IDLE:
            self._received = True
            if self._phase != "headers":  # the first byte of a kept-alive connection's next
                self._arm("headers")
        super().data_received(data)
        self._follow()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if self.conn.their_state is h11.IDLE and not self.conn.trailing_data[0]:
            self._disarm()  # idle between requests: uvicorn's keep-alive timeout applies
            self._received = False
        else:  # a pipelined request already started
            self._received = self._received or bool(self.conn.trailing_data[0])
            self._follow()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _follow(self) -> None:
        """The deadline for the phase the client's side of the connection is now in."""
        state = self.conn.their_state
        if state is h11.IDLE:
            if self._phase != "headers":
                self._arm("headers")
        elif state is h11.SEND_BODY:
            self._received = False
            if self._phase != "body":
                self._arm("body")
        else:  # the request is in (or the connection is closing)
            self._received = False
            self._disarm()


@functools.cache
def httptools_deadlines() -> type | None:
    """`Deadlines` over uvicorn's httptools protocol (llhttp, a C parser: h11's pure-
    Python parsing and event objects were a sixth of the serving thread's samples under
    load), or None when httptools is not installed. The same deadlines, followed through
    the parser's callbacks: headers from the connection's start (or the first byte of a
    kept-alive connection's next request) until the headers are complete, the body from
    then until the message is complete; none while the request is being answered."""
    try:
        from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
    except ImportError:
        return None

    class HttpToolsDeadlines(_DeadlineTimer, HttpToolsProtocol):  # type: ignore[misc]
        _answering = False  # a request is in; its response is not complete yet
        _begun = False  # a request's first bytes were parsed, its headers are not complete

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._arm("headers")

        def data_received(self, data: bytes) -> None:
            if not self._answering:
                self._received = True
                if self._phase is None:  # the first byte of a kept-alive connection's next
                    self._arm("headers")
            super().data_received(data)

        def on_message_begin(self) -> None:
            super().on_message_begin()
            self._begun = True

        def on_headers_complete(self) -> None:
            self._begun = False
            self._received = False
            super().on_headers_complete()
            if not self._answering:
                self._arm("body")  # disarmed at once by a message without a body

        def on_message_complete(self) -> None:
            super().on_message_complete()
            if not self._answering:
                self._disarm()
                self._answering = True

        def on_response_complete(self) -> None:
            queued = bool(self.pipeline)  # uvicorn starts the next queued request now
            super().on_response_complete()
            self._answering = queued
            if self._answering or self.transport.is_closing():
                return
            if self._begun:  # part of a pipelined request's headers is in already
                self._received = True
                self._arm("headers")
            else:  # idle between requests: uvicorn's keep-alive timeout applies
                self._received = False
                self._disarm()

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

    return HttpToolsDeadlines


def server_config(app: FastAPI, host: str, port: int, **options: Any) -> Any:
    """The uvicorn.Config `serve` runs `app` with: the Deadlines protocol (over httptools
    when it is installed and `ServiceSettings.http` allows it, else h11) with the app's
    ServiceSettings timeouts (`options` are passed on to uvicorn.Config)."""
    import uvicorn

    settings: ServiceSettings = app.state.settings
    base = httptools_deadlines() if settings.http in ("auto", "httptools") else None
    if base is None and settings.http == "httptools":
        raise MissingDependencyError("httptools is not installed: pip install httptools")
    protocol = type(
        "ServiceProtocol",
        (base or Deadlines,),
        {"header_timeout": settings.header_timeout, "body_timeout": settings.body_timeout},
    )
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        http=protocol,
        timeout_keep_alive=settings.idle_timeout,  # type: ignore[arg-type]
        **options,
    )


# The HTTP status of each kind of NewsweaveError, first match wins; any other (a bad
# document, nothing readable) is the client's to fix: 422. A store, state or missing
# part the service cannot use is 503, not 500: the request was fine, the service is not.
ERROR_STATUS: tuple[tuple[type[NewsweaveError], int], ...] = (
    (UnknownStoryError, 404),
    (StoreError, 503),
    (ClusterStateError, 503),
    (MissingDependencyError, 503),
    (ScaleError, 503),
    (BriefingWorkerError, 503),
)


def error_status(exc: NewsweaveError) -> int:
    """The HTTP status a NewsweaveError is answered with (see ERROR_STATUS)."""
    return next((status for kind, status in ERROR_STATUS if isinstance(exc, kind)), 422)


def _error(request: Request, status: int, message: str, headers: Mapping | None = None) -> Any:
    # a message may quote the request (a lone surrogate escape in a JSON body): keep it UTF-8
    message = message.encode("utf-8", "replace").decode("utf-8")
    if request.url.path.startswith("/api/") or request.url.path == "/api":
        return JSONResponse(
            {"error": {"status": status, "message": message}}, status, headers=headers
        )
    from newsweave.render.html import error_to_html

    return HTMLResponse(error_to_html(status, message), status, headers=headers)


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Any:
        return _error(request, exc.status_code, str(exc.detail), exc.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Any:
        problems = [
            f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', 'invalid')}"
            for e in exc.errors()
        ]
        return _error(request, 422, "; ".join(problems) or "invalid request")

    @app.exception_handler(NewsweaveError)
    async def domain(request: Request, exc: NewsweaveError) -> Any:
        busy = isinstance(exc, DatabaseLockedError | StoreInUseError)
        headers = {"Retry-After": "5"} if busy else None
        return _error(request, error_status(exc), str(exc), headers)

    @app.exception_handler(ClientDisconnect)
    async def gone(request: Request, exc: ClientDisconnect) -> Any:
        # the client went away mid-body (or Deadlines cut it): nobody reads the answer
        return _error(request, 400, "the client disconnected before its request was read")

    @app.exception_handler(Exception)
    async def crash(request: Request, exc: Exception) -> Any:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return _error(request, 500, f"internal error ({type(exc).__name__})")


def _json_answer(request: Request, body: Body, *, previous: bool = False) -> Response:
    """A shared answer as it is (no model validation or re-encoding), gzipped for a
    client that accepts it, with an ETag: a client sending it back in `If-None-Match`
    gets a 304 without the body."""
    status, headers, data = _representation(
        body,
        request.headers.get("accept-encoding", ""),
        request.headers.get("if-none-match"),
        previous,
    )
    response = Response(data, status_code=status)
    response.raw_headers = headers  # exactly these (Response would add its own)
    return response


def _token_check(token: str | None) -> Callable[[Request], Awaitable[None]]:
    async def check(request: Request) -> None:
        if token is None:
            return
        given = request.headers.get("authorization", "")
        scheme, _, value = given.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(
            value.strip().encode(), token.encode()
        ):
            raise HTTPException(
                401,
                "this server needs a token: Authorization: Bearer <token>",
                headers={"WWW-Authenticate": "Bearer"},
            )

    return check


# -- the app ---------------------------------------------------------------------------------

Limit = Annotated[int, Query(ge=1, le=200, description="Stories per page.")]
Offset = Annotated[int, Query(ge=0, description="Stories to skip.")]
Search = Annotated[
    str, Query(max_length=500, description="Words that must all occur in a headline or body.")
]
Since = Annotated[date | None, Query(description="Only stories seen on or after this date.")]


def create_app(settings: ServiceSettings) -> FastAPI:
    """The FastAPI app over one corpus database."""
    prepare_process = settings.prepare_process
    corpus = _Corpus(
        settings.db,
        briefing_process=settings.briefing_process,
        prepare_process=settings.briefing_process if prepare_process is None else prepare_process,
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI):  # type: ignore[no-untyped-def]
        corpus.attach(asyncio.get_running_loop())
        if settings.warm_up:
            corpus.warm_up()
        if settings.watch:
            from newsweave.watch import WatchSettings

            corpus.start_watch(settings.watch, settings.watch_settings or WatchSettings())
        yield
        await run_in_threadpool(corpus.close)  # the watcher finishes its batch first

    # FastAPIOffline: a FastAPI app whose /docs and /redoc load Swagger UI and ReDoc from
    # files in the fastapi-offline package, not from a CDN, so they work offline.
    app = FastAPIOffline(
        title="newsweave",
        version=__version__,
        summary="Stories and cited briefings from a newsweave corpus.",
        lifespan=lifespan,
        # FastAPI's own OpenTelemetry hooks: nothing here configures a provider, yet
        # asking whether one is configured read the environment on every request (7 %
        # of the server's samples under load)
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.openapi = _openapi_with_bodies(app)  # type: ignore[method-assign]
    app.state.corpus = corpus
    app.state.settings = settings
    app.add_middleware(FastReads, service=app)  # innermost: after the checks below
    app.add_middleware(BodyLimit, limit=settings.max_request_bytes)
    app.add_middleware(Guard, allowed_hosts=settings.allowed_hosts)  # outermost: runs first
    _install_error_handlers(app)
    auth = Depends(_token_check(settings.token))

    def story_page(
        q: str, since: date | None, limit: int, offset: int, rows: list[Any] | None = None
    ) -> dict[str, Any]:
        """A page of developing stories, latest activity first (`q`: an article matches);
        `rows`: `list_stories(store, since)` when read already."""
        from newsweave.corpus import list_stories
        from newsweave.render.json import headline_fields

        store = corpus.reader()
        if rows is None:
            rows = list_stories(store, since)
        if q.strip():
            placed = store.placements()
            hits = {placed.get(e) for e in store.search_stories(q)}
            rows = [r for r in rows if r.summary.id in hits]
        return {
            "total": len(rows),
            "offset": offset,
            "limit": limit,
            "stories": [
                asdict(r.summary) | headline_fields(r.headline)
                for r in rows[offset : offset + limit]
            ],
        }

    def event_page(q: str, since: date | None, limit: int, offset: int) -> dict[str, Any]:
        """A page of events (the clusterer's groups), most recently seen first."""
        from newsweave.corpus import list_events
        from newsweave.render.json import headline_fields

        store = corpus.reader()
        rows = list_events(store, since)
        if q.strip():
            hits = store.search_stories(q)
            rows = [r for r in rows if r[0].id in hits]
        return {
            "total": len(rows),
            "offset": offset,
            "limit": limit,
            "events": [
                asdict(e) | headline_fields(h) | {"in_story": story}
                for e, story, h in rows[offset : offset + limit]
            ],
        }

    @app.get("/api/health", tags=["service"])
    def health() -> dict[str, Any]:
        """Liveness and corpus size; the pid and restarts of the briefing process and of
        the process preparing posted articles (`serve`)."""
        answer = {"status": "ok", "version": __version__, **corpus.reader().counts()}
        worker = corpus.briefings
        if worker is not None:
            answer["briefing_process"] = {"pid": worker.pid, "restarts": worker.restarts}
        preparer = corpus.preparer
        if preparer is not None:
            answer["preparing_process"] = {"pid": preparer.pid, "restarts": preparer.restarts}
        return answer

    def paged(
        q: str, since: date | None, limit: int, offset: int, rows: list[Any]
    ) -> tuple[dict, Body]:
        page = story_page(q, since, limit, offset, rows)
        return page, Body.of(json_bytes(page))

    def listing(since: date | None) -> list[Any]:
        from newsweave.corpus import list_stories

        return list_stories(corpus.reader(), since)

    async def page_and_bytes(
        q: str, since: date | None, limit: int, offset: int
    ) -> tuple[dict[str, Any], Body]:
        """story_page and its answer, shared by every reader of it between two commits;
        the pages and searches of one version share one read of the story list."""
        key = (q.strip(), since, limit, offset)
        version = corpus.version()

        async def compute() -> tuple[dict[str, Any], Body]:
            rows = await corpus.listings.get(since, version, lambda: corpus.run(listing, since))
            return await corpus.run(paged, key[0], since, limit, offset, rows)

        return await corpus.pages.get(key, version, compute)

    app.state.story_list = page_and_bytes  # FastReads answers most list requests with it

    async def page_of(q: str, since: date | None, limit: int, offset: int) -> dict[str, Any]:
        return (await page_and_bytes(q, since, limit, offset))[0]

    @app.get("/api/stories", tags=["stories"], response_model=None)
    async def list_stories(
        request: Request, q: Search = "", since: Since = None, limit: Limit = 50, offset: Offset = 0
    ) -> Response:
        """Live developing stories (ids st-...), latest activity first; `q` searches
        headlines and bodies (FTS5): a story matches when one of its articles does."""
        data = (await page_and_bytes(q, since, limit, offset))[1]
        return _json_answer(request, data)

    async def story_answer(request: Request, story_id: str, only: str | None) -> Response:
        current = "no-cache" in request.headers.get("cache-control", "").lower()
        data, built = await corpus.story_json(story_id, only, current=current)
        # while the story's new briefing is built, its previous one (the header says so)
        return _json_answer(request, data, previous=not built)

    @app.get("/api/stories/{story_id}", tags=["stories"], response_model=None)
    async def get_story(
        request: Request, story_id: Annotated[str, PathParam(max_length=100)]
    ) -> Response:
        """A developing story's cited briefing with its `developments` (its events in time
        order), or an event's (an s-... id): what `newsweave show --format json` prints.
        While a changed story's briefing is rebuilt, its previous one is served (header
        `x-newsweave-briefing: previous; rebuilding`) unless the request says
        `Cache-Control: no-cache`."""
        return await story_answer(request, story_id, None)

    @app.get("/api/events", tags=["events"])
    def list_events(
        q: Search = "", since: Since = None, limit: Limit = 50, offset: Offset = 0
    ) -> dict[str, Any]:
        """Live events (ids s-...), most recently seen first, each with `in_story`."""
        return event_page(q, since, limit, offset)

    @app.get("/api/events/{event_id}", tags=["events"], response_model=None)
    async def get_event(
        request: Request, event_id: Annotated[str, PathParam(max_length=100)]
    ) -> Response:
        """One event's cited briefing, with the developing story it is in (`in_story`)."""
        return await story_answer(request, event_id, "event")

    @app.get("/api/articles/{article_id}", tags=["articles"])
    def get_article(
        article_id: Annotated[int, PathParam(ge=1, le=MAX_ARTICLE_ID)],
    ) -> dict[str, Any]:
        """One stored article: cleaned text and metadata, its story and what it duplicates."""
        from newsweave.render import article_to_dict

        store = corpus.reader()
        stored = store.article(article_id)
        if stored is None:
            raise HTTPException(404, f"no article {article_id}")
        from newsweave.corpus import story_of_event

        event = store.story_of(article_id)
        return {
            **article_to_dict(stored.article, with_removed=False),
            "article_id": stored.id,
            "duplicate_of": stored.duplicate_of,
            "similarity": stored.similarity,
            "story": story_of_event(store, event) if event else None,
            "event": store.resolve_story(event) if event else None,
        }

    @app.post(
        "/api/articles",
        tags=["articles"],
        dependencies=[auth],
        openapi_extra=_request_body(ArticleBody, ArticleUpload),
    )
    async def post_article(request: Request) -> JSONResponse:
        """Clean, store and cluster one article (JSON or an uploaded file); names its story."""
        label, raw, reason = await _posted_article(request)
        if raw is None:
            raise HTTPException(422, f"{label}: {reason}")
        prepared = await corpus.prepare(raw)
        result = await corpus.add(prepared)
        return JSONResponse(result, 200 if result["status"] == "already_stored" else 201)

    @app.post(
        "/api/brief",
        tags=["articles"],
        dependencies=[auth],
        openapi_extra=_request_body(BriefBody, BriefUpload),
    )
    async def post_brief(request: Request, words: Annotated[int, Query(ge=10, le=2000)] = 120):
        """A cited briefing of the posted articles, treated as one story; nothing is stored."""
        documents, body_words = await _posted_brief(request)
        if body_words is not None:  # the body's words win over the query's
            words = body_words
        articles: list[Article] = []
        skipped: list[SkippedDocument] = []
        for label, raw, reason in documents:
            if raw is None:
                skipped.append(SkippedDocument(label, reason or "unusable"))
                continue
            try:
                prepared = await corpus.prepare(raw, fingerprint=False)
                articles.append(prepared.article)
            except DocumentError as exc:
                skipped.append(SkippedDocument(exc.doc_id, exc.reason))
        if not articles:
            reasons = "; ".join(s.reason for s in skipped[:3]) or "no article posted"
            raise HTTPException(422, f"no posted article could be used ({reasons})")
        return await corpus.brief(articles, skipped, words)

    # -- following sources (serve --watch) and live updates ----------------------------------

    def source_health(
        source: Any, pages: Mapping[str, Mapping[str, int]], at: float
    ) -> dict[str, Any]:
        from datetime import UTC, datetime

        counts = dict(pages.get(source.url, {}))
        return {
            "url": source.url,
            "kind": source.kind,
            "origin": source.origin,
            "title": source.title,
            "last_poll": source.last_poll,
            "last_success": source.last_success,
            "last_change": source.last_change,
            "last_error": source.last_error,
            "failures": source.failures,
            "next_poll": datetime.fromtimestamp(source.next_poll, UTC).isoformat(
                timespec="seconds"
            ),
            "due_in_s": max(0, round(source.next_poll - at)),
            "interval_s": round(source.interval),
            "polls": source.polls,
            "changes": source.changes,
            "pages": {
                "listed": sum(counts.values()),
                **{k: counts.get(k, 0) for k in ("stored", "alias", "pending", "retry", "failed")},
            },
        }

    def sources_health(urls: set[str] | None = None) -> list[dict[str, Any]]:
        import time

        store = corpus.reader()
        pages = store.watch_page_counts_by_source()
        now = time.time()
        return [
            source_health(s, pages, now)
            for s in store.watch_sources()
            if urls is None or s.url in urls
        ]

    @app.get("/api/sources", tags=["sources"])
    def list_sources() -> dict[str, Any]:
        """Every followed feed and sitemap with its health: last poll, success and error,
        next poll, interval, and its pages by fate."""
        return {"watching": corpus.watcher is not None, "sources": sources_health()}

    @app.post("/api/sources", tags=["sources"], dependencies=[auth], status_code=201)
    async def post_source(body: SourceBody) -> dict[str, Any]:
        """Follow one more source now (the server must run with `--watch`): a feed or
        sitemap is polled at once, a site's feeds are found; its pages follow."""
        added = await corpus.add_source(body.url)
        urls = {source.url for source in added}
        return {"url": body.url, "sources": await run_in_threadpool(sources_health, urls)}

    @app.get("/api/live", tags=["stories"])
    async def live(
        request: Request,
        q: Search = "",
        since: Since = None,
        limit: Limit = 50,
        offset: Offset = 0,
        after: Annotated[str, Query(max_length=40, description="Last version seen.")] = "",
    ) -> StreamingResponse:
        """Server-sent events: a `stories` event carrying the `GET /api/stories` page for
        the same query each time the store changes (and at once if it changed since
        `after`, the version the page was rendered at); its id is the store version."""
        seen = request.headers.get("last-event-id") or after

        async def events() -> Any:
            nonlocal seen
            yield "retry: 2000\n\n"
            while not corpus.stopping:
                version = corpus.version()
                if version == seen:
                    await corpus.wait_change(LIVE_KEEPALIVE)
                    if corpus.version() == seen:
                        yield ": keep-alive\n\n"
                    continue
                page = await page_of(q, since, limit, offset)
                data = json.dumps(page, ensure_ascii=False)
                yield f"id: {version}\nevent: stories\ndata: {data}\n\n"
                seen = version
                await asyncio.sleep(LIVE_MIN_GAP)

        return StreamingResponse(
            events(),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )

    # -- the reading page -------------------------------------------------------------------

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def page_list(q: Search = "", since: str = "", offset: Offset = 0) -> HTMLResponse:
        from newsweave.render.html import story_list_to_html

        try:
            since_date = date.fromisoformat(since) if since else None
        except ValueError:
            raise HTTPException(422, f"{since!r} is not a date (YYYY-MM-DD)") from None
        version = corpus.version()  # read first: a change while the rows are read is resent
        result = await page_of(q, since_date, 50, offset)
        return HTMLResponse(
            story_list_to_html(
                result["stories"],
                q=q,
                since=since,
                total=result["total"],
                offset=offset,
                limit=50,
                live=version,
            )
        )

    @app.get("/stories/{story_id}", response_class=HTMLResponse, include_in_schema=False)
    async def page_story(story_id: str) -> HTMLResponse:
        from newsweave.render.html import story_to_html

        record = await corpus.story(story_id)
        return HTMLResponse(story_to_html(record, standalone=False))

    return app
