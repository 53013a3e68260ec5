"""Briefings built in a child process, so the web service's own process only reads the
store and serves JSON.

A briefing (spaCy, the sentence encoder, coverage, timeline) takes seconds of CPU, nearly
all of it holding Python's GIL: built on a thread of the serving process, every rebuild
under load stalled the event loop and every other request with it. `BriefingWorker`
hands each build to one child process (spawned, not forked: the server runs threads),
which opens the database itself, builds the record as `newsweave show` does
(`corpus.read_record`, caching it in the store) and sends back the record and its JSON.
The child runs at a lower priority (`CHILD_NICENESS`): serving answers comes first.

The same class runs `serve`'s second child, which prepares posted articles (cleaning,
language, MinHash fingerprint: `pipeline.prepare`, as ingest does) at the server's own
priority: that CPU-bound work on threads of the server held the GIL against the event
loop and the writer (under 200 clients the server's one process was GIL-bound at half a
core while the second core idled). It reads nothing and writes nothing; one that dies
is replaced the same way, and the post it was preparing is prepared again.

A child that dies (killed, out of memory, a crash in a native library) or that takes
longer than `BUILD_TIMEOUT` for one briefing is replaced by a new one and the build is
tried once more; the death is logged with the child's exit code and counted
(`restarts`). Nothing is lost with it: the child only reads articles and writes cached
briefings and annotations, which a later build makes again; posted articles are stored
by the server's writer thread, never here.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import hashlib
import json
import logging
import multiprocessing
import os
import pickle
import signal
import sys
import threading
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsweave.errors import BriefingWorkerError, NewsweaveError, SeveralStoriesError
from newsweave.model import Article, PreparedArticle, RawDocument, SkippedDocument, StoryRecord

log = logging.getLogger("newsweave.api")

# One briefing may take this long in the child (a 24-article story takes seconds; a busy
# machine several times that); past it the child is taken to be hung and replaced.
BUILD_TIMEOUT = 600.0
# The child runs this much nicer than the server (see _child_start).
CHILD_NICENESS = 5
# Answers shorter than this are not worth compressing (a packet either way).
GZIP_MIN_BYTES = 1024
# zlib's level for answers compressed once and served many times: 6 (the default) makes
# a 356 KB story answer about a tenth of its size in milliseconds; 9 is slower for a few
# per cent less.
GZIP_LEVEL = 6


class BriefingWorker:
    """One child process building briefings for one database, restarted when it dies."""

    def __init__(
        self,
        db: Path,
        *,
        busy_timeout: float,
        timeout: float = BUILD_TIMEOUT,
        name: str = "briefing process",
        niceness: int = CHILD_NICENESS,
    ) -> None:
        self.db = db
        self.name = name  # in the log lines about it
        self.niceness = niceness
        self.busy_timeout = busy_timeout  # the child's SQLite busy_timeout
        self.timeout = timeout
        self.restarts = 0
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()
        self._closed = False

    # -- the child ------------------------------------------------------------------------

    def _executor(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._closed:
                raise BriefingWorkerError("the service is shutting down")
            if self._pool is None:
                self._pool = ProcessPoolExecutor(
                    1,
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=_child_start,
                    initargs=(str(self.db), self.busy_timeout, self.niceness),
                )
            return self._pool

    @property
    def pid(self) -> int | None:
        """The child's process id (None before the first build or warm-up)."""
        processes = getattr(self._pool, "_processes", None) or {}
        return next(iter(processes), None)

    def _replace(self, pool: ProcessPoolExecutor, why: str) -> None:
        """Drop `pool` (its child died or hangs): the next call starts a new child."""
        with self._lock:
            if self._pool is not pool:
                return  # another caller replaced it already
            self._pool = None
        processes = dict(getattr(pool, "_processes", None) or {})
        for process in processes.values():
            if process.is_alive():
                process.kill()
            process.join(timeout=10)
        codes = ", ".join(
            f"pid {pid} exit code {process.exitcode}" for pid, process in processes.items()
        )
        pool.shutdown(wait=False, cancel_futures=True)
        self.restarts += 1
        log.warning(
            "the %s %s (%s); a new one is started (restart %d); stored articles are not affected",
            self.name,
            why,
            codes or "not started",
            self.restarts,
        )

    async def build_story(self, live: str) -> tuple[str, Body]:
        """The record of story or event `live` as codec text and as the API's answer
        (JSON, its ETag and gzip: compressed in the child), built in the child (and cached
        in the store) unless cached already."""
        result: tuple[str, Body] = await self._call(_child_build, live)
        return result

    async def prepare(
        self, raw: RawDocument, fingerprint: bool
    ) -> PreparedArticle | SkippedDocument:
        """`pipeline.prepare(raw)` in the child."""
        result: PreparedArticle | SkippedDocument = await self._call(
            _child_prepare, raw, fingerprint
        )
        return result

    async def brief(
        self, articles: list[Article], skipped: list[SkippedDocument], words: int
    ) -> dict[str, Any]:
        """POST /api/brief's briefing of posted articles, built in the child."""
        result: dict[str, Any] = await self._call(_child_brief, articles, skipped, words)
        return result

    async def _call(self, fn: Any, *args: Any) -> Any:
        """`fn(*args)` in the child; a child that dies or hangs is replaced, and the call
        tried once more on the new one."""
        for _attempt in (1, 2):
            pool = self._pool  # a thread hop only to start one: spawning takes a moment
            if pool is None or self._closed:
                pool = await asyncio.to_thread(self._executor)
            try:
                future: Future[Any] = pool.submit(fn, *args)
            except BrokenProcessPool:
                await asyncio.to_thread(self._replace, pool, "had died")
                continue
            try:
                return await asyncio.wait_for(asyncio.wrap_future(future), self.timeout)
            except BrokenProcessPool:
                await asyncio.to_thread(self._replace, pool, "died")
            except TimeoutError:
                why = f"took over {self.timeout:g} s for one briefing"
                await asyncio.to_thread(self._replace, pool, why)
        raise BriefingWorkerError(
            f"the {self.name} failed twice on this request; see the server's log"
        )

    def warm_up(self) -> None:
        """Start the child and load its models now, not on the first build."""
        self._executor().submit(_child_warm_up)

    def warm_up_preparing(self) -> None:
        """Start the child and load what preparing an article needs (the language model)."""
        self._executor().submit(_child_warm_up_preparing)

    def close(self) -> None:
        """Stop the child, without waiting for a build in flight: it only fills a cache
        (SQLite rolls back its unfinished write), and a server stopping should not wait
        seconds for a briefing nobody will read."""
        with self._lock:
            self._closed = True
            pool, self._pool = self._pool, None
        if pool is None:
            return
        processes = list((getattr(pool, "_processes", None) or {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            if process.is_alive():
                process.terminate()
        for process in processes:
            process.join(timeout=10)
            if process.is_alive():
                process.kill()
                process.join(timeout=10)


# -- run in the child (and by the server itself when it builds on a thread) -------------------

_DB: tuple[str, float] | None = None  # (database, busy timeout)
_STORE: Any = None


def _child_start(db: str, busy_timeout: float, niceness: int = CHILD_NICENESS) -> None:
    global _DB
    _DB = (db, busy_timeout)
    # newsweave never uses PyTorch (the encoder runs on onnxruntime), but thinc imports
    # it whenever it is installed, which costs the child about 250 MB: here an
    # `import torch` fails, which thinc reads as "not installed"
    sys.modules.setdefault("torch", None)  # type: ignore[arg-type]
    # serving comes first: on a busy machine a rebuild waits (its readers get the
    # previous briefing meanwhile) rather than slow every answer of the server
    with contextlib.suppress(OSError):
        if niceness:
            os.nice(niceness)
    # Ctrl-C in the terminal of `serve` reaches the whole process group: the server
    # shuts the child down itself, after the requests in flight
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _store() -> Any:
    global _STORE
    if _STORE is None:
        from newsweave.store import Store

        assert _DB is not None, "_child_start was not run"
        _STORE = Store(Path(_DB[0]), timeout=_DB[1], create=False)
    return _STORE


def _child_warm_up() -> int:
    from newsweave.encoder import load_encoder
    from newsweave.nlp import load_nlp

    load_nlp()
    load_encoder()
    return os.getpid()


def _child_warm_up_preparing() -> int:
    from newsweave.model import RawDocument
    from newsweave.pipeline import prepare

    text = "A short text of our own, prepared once to load what preparing an article needs."
    prepare(RawDocument("warm-up", "-", text, "text"))
    return os.getpid()


def _child_build(live: str) -> tuple[str, Body]:
    """The record of story or event `live` (built and cached in the store when not
    cached for its current members), as codec text and as the API's JSON."""
    from newsweave import codec
    from newsweave.corpus import read_record

    try:
        record = read_record(_store(), live)
    except NewsweaveError as exc:
        raise _portable(exc) from None
    return codec.dumps(record), Body.of(story_bytes(record))


def _child_prepare(raw: RawDocument, fingerprint: bool) -> PreparedArticle | SkippedDocument:
    from newsweave.pipeline import prepare

    return prepare(raw, fingerprint=fingerprint)


def _child_brief(articles: list[Article], skipped: list[SkippedDocument], words: int) -> dict:
    try:
        return brief_posted(articles, skipped, words)
    except NewsweaveError as exc:
        raise _portable(exc) from None


def _portable(exc: NewsweaveError) -> NewsweaveError:
    """`exc` if it survives pickling to the parent, else the nearest class of its kind
    that does, with the same message (so the server answers it with the same status)."""
    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:  # a constructor that takes more than the message
        pass
    for kind in type(exc).__mro__[1:]:
        if isinstance(kind, type) and issubclass(kind, NewsweaveError):
            try:
                made = kind(str(exc))
                pickle.loads(pickle.dumps(made))
                return made
            except Exception:
                continue
    return NewsweaveError(str(exc))


def json_bytes(data: Any) -> bytes:
    """JSON as FastAPI's JSONResponse encodes it, without FastAPI's walk over every value."""
    return json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode()


@dataclass(frozen=True, eq=False)
class Body:
    """A JSON answer the service shares between its readers (a story's briefing, a page
    of the story list): the bytes, their ETag and their gzip, each made once when the
    answer is made (off the event loop), not once per request (a story answer is
    hundreds of KB: hashing it, or sending it whole, on every request was most of a
    cached answer's cost)."""

    data: bytes
    etag: str  # of `data`; the gzip's is `gzip_etag` (another representation)
    gzip: bytes | None  # None: short, or compressing did not make it shorter

    @classmethod
    def of(cls, data: bytes) -> Body:
        etag = '"' + hashlib.blake2b(data, digest_size=12).hexdigest() + '"'
        packed = None
        if len(data) >= GZIP_MIN_BYTES:
            packed = gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0)
            if len(packed) >= len(data):
                packed = None
        return cls(data, etag, packed)

    @property
    def gzip_etag(self) -> str:
        return self.etag[:-1] + '-gz"'


def story_bytes(record: StoryRecord) -> bytes:
    """A story's or event's record as GET /api/stories/{id} answers it."""
    from newsweave.render import story_to_dict

    return json_bytes(story_to_dict(record))


def brief_posted(articles: list[Article], skipped: list[SkippedDocument], words: int) -> dict:
    """POST /api/brief: the cited briefing of posted articles, as a dict (nothing stored)."""
    from newsweave.pipeline import brief_articles
    from newsweave.render import briefing_to_dict

    _check_one_story(articles)
    return briefing_to_dict(brief_articles(articles, words=words, skipped=skipped))


def _check_one_story(articles: list[Article]) -> None:
    """A briefing is of one story: refuse posted articles that the event clusterer (as
    ingest uses it, `pipeline.story_groups`) puts in several, naming the groups, as the
    CLI's `brief` does, rather than merge them into one briefing."""
    from newsweave.pipeline import story_groups

    groups = story_groups(articles)
    if len(groups) < 2:
        return
    named = [
        "["
        + ", ".join(a.doc_id.split("#", 1)[0] for a in group[:4])
        + (", ..." if len(group) > 4 else "")
        + "]"
        for group in groups[:4]
    ]
    listed = (
        ", ".join(named[:-1]) + " and " + named[-1]
        if len(groups) <= 4
        else ", ".join(named) + ", ..."
    )
    raise SeveralStoriesError(
        f"the posted articles hold {len(groups)} stories: {listed}; brief each on its own, "
        "or POST them to /api/articles and read each story from /api/stories"
    )
