"""The corpus store: SQLite (WAL), plain-SQL schema, versioned migrations.

One `Store` wraps one database file. Writes happen inside `transaction()`, so
an ingest batch (articles, story membership, clusterer state) is committed
whole or not at all: a process killed at any moment leaves the last committed
batch and nothing of the one in flight.

A store has one writing process at a time (`Store.acquire_writer`, taken by the
corpus writer): a second one is refused at once with the holder's pid and command,
because two writers would each keep their own clusterer in memory and the saved
state would fall behind the stories table. Readers never need the lease.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
import sys
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime
from pathlib import Path

from newsweave import codec
from newsweave.errors import (
    CorruptDatabaseError,
    DatabaseLockedError,
    DatabaseMissingError,
    StoreError,
    StoreInUseError,
    UnknownStoryError,
)
from newsweave.model import Article, StoryRecord

APPLICATION_ID = 0x4E575656  # "NWVV": marks the file as a newsweave database
DEFAULT_TIMEOUT = 5.0  # seconds to wait for another writer before giving up


MIGRATIONS: tuple[str, ...] = (
    # 1: the corpus schema
    """
    CREATE TABLE outlets (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE
    );
    CREATE TABLE articles (
        id INTEGER PRIMARY KEY,
        doc_id TEXT NOT NULL,
        url TEXT,
        outlet_id INTEGER REFERENCES outlets(id),
        outlet_source TEXT,
        title TEXT,
        published TEXT,
        published_source TEXT,
        dateline TEXT,
        byline TEXT,
        paragraphs TEXT NOT NULL,            -- JSON list of cleaned paragraphs
        raw_text TEXT,
        content_hash TEXT NOT NULL UNIQUE,   -- outlet + url + normalised text: one row per copy
        text_hash TEXT NOT NULL,             -- normalised text only: exact duplicates
        minhash BLOB,                        -- MinHash signature (uint64 x num_perm)
        duplicate_of INTEGER REFERENCES articles(id),
        similarity REAL,                     -- estimated Jaccard to duplicate_of
        ingested TEXT NOT NULL
    );
    CREATE INDEX articles_text_hash ON articles(text_hash);
    CREATE INDEX articles_duplicate_of ON articles(duplicate_of);
    CREATE TABLE stories (
        id TEXT PRIMARY KEY,
        created TEXT NOT NULL,
        updated TEXT NOT NULL,
        headline TEXT,
        merged_into TEXT REFERENCES stories(id)
    );
    CREATE TABLE story_members (
        article_id INTEGER PRIMARY KEY REFERENCES articles(id),
        story_id TEXT NOT NULL REFERENCES stories(id)
    );
    CREATE INDEX story_members_story ON story_members(story_id);
    CREATE TABLE clusterer_state (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        state BLOB NOT NULL,
        updated TEXT NOT NULL
    );
    CREATE TABLE briefings (
        story_id TEXT PRIMARY KEY REFERENCES stories(id),
        members_hash TEXT NOT NULL,
        briefing_json TEXT NOT NULL,
        briefing_md TEXT NOT NULL,
        created TEXT NOT NULL
    );
    CREATE TABLE annotations (
        article_id INTEGER NOT NULL REFERENCES articles(id),
        kind TEXT NOT NULL,                  -- "sentences", "entities", ...
        data TEXT NOT NULL,
        created TEXT NOT NULL,
        PRIMARY KEY (article_id, kind)
    );
    """,
    # 2: full-text search over headlines and bodies (FTS5), kept in step by triggers so
    # every writer (CLI ingest, the web service, a Dask run) indexes what it stores.
    # Contentless (content=''): the index keeps no second copy of the text. Bodies are
    # indexed from the JSON paragraph list as stored; its brackets and quotes are token
    # separators to FTS5's unicode61 tokenizer.
    """
    CREATE VIRTUAL TABLE articles_fts USING fts5(
        title, body, content='', tokenize='unicode61 remove_diacritics 2'
    );
    INSERT INTO articles_fts(rowid, title, body) SELECT id, title, paragraphs FROM articles;
    CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
        INSERT INTO articles_fts(rowid, title, body) VALUES (new.id, new.title, new.paragraphs);
    END;
    CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, body)
        VALUES ('delete', old.id, old.title, old.paragraphs);
    END;
    CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, paragraphs ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, body)
        VALUES ('delete', old.id, old.title, old.paragraphs);
        INSERT INTO articles_fts(rowid, title, body) VALUES (new.id, new.title, new.paragraphs);
    END;
    """,
    # 3: the clusterer state in parts, so a batch rewrites only the stories it changed:
    # clusterer_state keeps the global header (settings, document frequencies), this
    # table one row per clusterer story. A state saved whole before stays in
    # clusterer_state until the next batch splits it.
    """
    CREATE TABLE clusterer_stories (
        row INTEGER PRIMARY KEY,             -- the story's row in the clusterer, from 0
        data BLOB NOT NULL,                  -- zlib-compressed JSON of the story's sums
        embedding BLOB                       -- float32 sum of member embeddings; NULL when off
    );
    """,
    # 4: each article's language (ISO 639-1, "und" when too short to tell) and the
    # detector's confidence. Rows stored before have NULL: read back as "und".
    """
    ALTER TABLE articles ADD COLUMN language TEXT;
    ALTER TABLE articles ADD COLUMN language_confidence REAL;
    """,
    # 5: per-article annotations (newsweave.annotations), keyed by the article's content
    # hash, so every story the article is in reuses them. The unused table of migration 1
    # (by article id and kind, text only) is replaced; it never held a row.
    """
    DROP TABLE annotations;
    CREATE TABLE annotations (
        content_hash TEXT PRIMARY KEY,       -- articles.content_hash
        version TEXT NOT NULL,               -- annotation code + spaCy + model: else stale
        sentences BLOB NOT NULL,             -- zlib-compressed JSON of the Sentence values
        vectors_model TEXT,                  -- encoder.MODEL_ID of `vectors`
        vectors BLOB,                        -- float32 x 384 per sentence; NULL until needed
        created TEXT NOT NULL
    );
    """,
    # 6: one cached form of a story's briefing, the whole StoryRecord (codec JSON), in
    # place of the briefing's JSON and Markdown strings; old caches are rebuilt on demand.
    """
    DROP TABLE briefings;
    CREATE TABLE story_records (
        story_id TEXT PRIMARY KEY REFERENCES stories(id),
        members_hash TEXT NOT NULL,          -- corpus.reader.members_hash of the members
        record TEXT NOT NULL,                -- codec.dumps(StoryRecord)
        created TEXT NOT NULL
    );
    """,
    # 7: `newsweave watch`: the sources it polls and the article pages they listed, so a
    # restart resumes where the last run stopped. Times compared by the scheduler are unix
    # seconds (REAL); times only shown are ISO text. Articles are looked up by doc_id (a
    # watched page's normalised URL) to settle pages a killed run stored but did not mark.
    """
    CREATE TABLE watch_sources (
        url TEXT PRIMARY KEY,                -- the feed or sitemap as polled
        kind TEXT NOT NULL,                  -- 'feed' | 'sitemap'
        origin TEXT NOT NULL,                -- what the user named: this URL, a site, an OPML file
        title TEXT,
        etag TEXT,
        last_modified TEXT,
        body_hash TEXT,                      -- sha256 of the last body: same bytes = unchanged
        interval REAL NOT NULL,              -- seconds between polls, adapted to real changes
        next_poll REAL NOT NULL,
        last_poll TEXT,
        last_success TEXT,
        last_change TEXT,                    -- last poll that listed a new article
        last_error TEXT,
        failures INTEGER NOT NULL DEFAULT 0, -- consecutive failed polls
        polls INTEGER NOT NULL DEFAULT 0,
        changes INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE watch_pages (
        url TEXT PRIMARY KEY,                -- normalised article URL (watch.urls.page_key)
        fetch_url TEXT NOT NULL,             -- the URL as listed, fetched as is
        source_url TEXT NOT NULL,            -- the source that listed it first
        status TEXT NOT NULL,                -- 'pending' | 'retry' | 'stored' | 'alias' | 'failed'
        article_id INTEGER REFERENCES articles(id),  -- stored / alias: the article
        title TEXT,                          -- what the listing said
        published TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        reason TEXT,                         -- why it failed (retry, failed)
        next_try REAL,                       -- pending, retry: not before
        first_seen TEXT NOT NULL,
        last_try TEXT
    );
    CREATE INDEX watch_pages_due ON watch_pages(status, next_try);
    CREATE INDEX articles_doc_id ON articles(doc_id);
    """,
    # 8: two levels. The tables `stories` / `story_members` of migration 1 hold *events*
    # (the clusterer's groups, ids "s-..."; their names are kept so every reader of them
    # goes on working); developing stories (`stories.StoryLinker`, ids "st-...") group
    # events. An existing store is upgraded in place: each of its live events becomes a
    # developing story of its own (id "st-" + the event id's tail, the linker's naming),
    # and the first ingest after the upgrade replays its articles into the linker, so
    # later events are linked into those stories. The linker state is kept in parts like
    # the clusterer's (a header, one row per event and per story, a batch rewriting only
    # what it changed), committed with the batch; `articles` on both states counts the
    # originals each has seen, so `check` finds a state behind the tables.
    """
    CREATE TABLE developing_stories (
        id TEXT PRIMARY KEY,                 -- "st-...": never reused, stable across runs
        created TEXT NOT NULL,
        updated TEXT NOT NULL,
        headline TEXT,                       -- of the article that opened it
        merged_into TEXT REFERENCES developing_stories(id)
    );
    CREATE TABLE story_events (
        event_id TEXT PRIMARY KEY REFERENCES stories(id),  -- a live event
        story_id TEXT NOT NULL REFERENCES developing_stories(id),
        via TEXT NOT NULL,                   -- 'opened' | 'joined' | 'split' | 'upgrade'
        placed_by INTEGER REFERENCES articles(id)  -- the article whose join placed it
    );
    CREATE INDEX story_events_story ON story_events(story_id);
    CREATE TABLE story_joins (
        article_id INTEGER PRIMARY KEY REFERENCES articles(id),  -- a new original
        event_id TEXT NOT NULL,
        story_id TEXT NOT NULL,              -- as joined (follow merged_into for the live one)
        opened INTEGER NOT NULL,
        score REAL,                          -- NULL: opened a story, or stayed in its own
        features TEXT NOT NULL,              -- JSON {STORY_FEATURES name: value}
        shared TEXT NOT NULL,                -- JSON list of shared names and terms
        merged TEXT NOT NULL                 -- JSON list of stories this article folded in
    );
    CREATE INDEX story_joins_event ON story_joins(event_id);
    CREATE TABLE linker_state (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        header BLOB NOT NULL,                -- zlib JSON: StoryLinker.to_state minus rows
        articles INTEGER NOT NULL,           -- originals the linker has seen
        updated TEXT NOT NULL
    );
    CREATE TABLE linker_events (
        id TEXT PRIMARY KEY,
        data BLOB NOT NULL                   -- zlib JSON of the event's state row
    );
    CREATE TABLE linker_stories (
        id TEXT PRIMARY KEY,
        data BLOB NOT NULL                   -- zlib JSON of the story's state row
    );
    ALTER TABLE clusterer_state ADD COLUMN articles INTEGER;  -- NULL: saved before 8
    INSERT INTO developing_stories (id, created, updated, headline)
        SELECT 'st-' || substr(s.id, 3), s.created, s.updated, s.headline FROM stories s
        WHERE s.merged_into IS NULL
        AND EXISTS (SELECT 1 FROM story_members m WHERE m.story_id = s.id);
    INSERT INTO story_events (event_id, story_id, via)
        SELECT s.id, 'st-' || substr(s.id, 3), 'upgrade' FROM stories s
        WHERE s.merged_into IS NULL
        AND EXISTS (SELECT 1 FROM story_members m WHERE m.story_id = s.id);
    """,
    # 9: the cached records (`story_records`) of developing stories too ("st-..." ids, a
    # briefing with its developments) beside those of events: the key no longer refers
    # to `stories` (a developing story is not one); rows are copied as they are.
    """
    CREATE TABLE story_records_9 (
        story_id TEXT PRIMARY KEY,           -- an event ("s-...") or developing story ("st-...")
        members_hash TEXT NOT NULL,          -- corpus.reader: the member set it was built from
        record TEXT NOT NULL,                -- codec.dumps(StoryRecord)
        created TEXT NOT NULL
    );
    INSERT INTO story_records_9 SELECT story_id, members_hash, record, created FROM story_records;
    DROP TABLE story_records;
    ALTER TABLE story_records_9 RENAME TO story_records;
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)

# One column list per table: what a write fills, what a read selects (by name).
ARTICLE_COLUMNS = (
    "id",
    "doc_id",
    "url",
    "outlet_id",
    "outlet_source",
    "title",
    "published",
    "published_source",
    "dateline",
    "byline",
    "paragraphs",
    "raw_text",
    "content_hash",
    "text_hash",
    "minhash",
    "duplicate_of",
    "similarity",
    "ingested",
    "language",
    "language_confidence",
)
# What a StoredArticle is read from: `articles a` joined with `outlets o` (for the name).
_STORED_ARTICLE = (
    "a.id, a.doc_id, a.paragraphs, a.title, o.name AS outlet, a.outlet_source, a.byline, "
    "a.published, a.published_source, a.dateline, a.url, a.duplicate_of, a.similarity, "
    "a.language, a.language_confidence"
)
STORY_MEMBER_COLUMNS = ("article_id", "story_id")
CLUSTERER_STORY_COLUMNS = ("row", "data", "embedding")
# Lookups by a list of keys go in chunks of this many `?`, well under SQLite's
# variable limit (32766 since 3.32; 999 before).
_IN_CHUNK = 500


def _statements(script: str) -> Iterator[str]:
    """Split a migration into statements; a trigger body's `;` does not end one."""
    pending = ""
    for part in script.split(";"):
        pending += part + ";"
        if sqlite3.complete_statement(pending):
            if pending.strip(" \n;"):
                yield pending
            pending = ""
    if pending.strip(" \n;"):
        raise StoreError(f"incomplete migration statement: {pending.strip()[:60]}")


def fts_query(text: str) -> str | None:
    """User search words as an FTS5 query: every word must occur (prefix match on the last).

    Words are quoted, so FTS5 operators or stray quotes in a search box are plain text
    and never a syntax error.
    """
    words = re.findall(r"\w+", text)
    if not words:
        return None
    quoted = [f'"{w}"' for w in words]
    quoted[-1] += "*"
    return " ".join(quoted)


class _WriterLease:
    """The one writer lease of a database: an exclusive `fcntl.flock` on `<db>.writer`.

    flock (not SQLite's own locks, which last one transaction) because the lease must
    last as long as the writer lives, and the OS drops it when the process dies, even
    by kill -9, so no stale lock is ever left to clear by hand. flock belongs to an open
    file, so within one process the lease is shared: every Store that writes the same
    file takes a count on one open lock file (`_LEASES`), the last to close releases it.
    The file holds "pid command" of the holder so a refused writer can name it.
    """

    def __init__(self, path: Path) -> None:
        import fcntl
        import os

        self.path = path
        self.count = 0
        try:
            self.fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise StoreError(f"cannot take the writer lock {path}: {exc.strerror}") from None
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(self.fd, 200, 0).decode("utf-8", "replace").strip()
            os.close(self.fd)
            raise StoreInUseError(_in_use_message(path, holder)) from None
        except OSError as exc:
            os.close(self.fd)
            raise StoreError(f"cannot lock {path}: {exc.strerror}") from None
        os.ftruncate(self.fd, 0)
        os.pwrite(self.fd, f"{os.getpid()} {_command()}\n".encode(), 0)

    def release(self) -> None:
        import fcntl
        import os

        os.ftruncate(self.fd, 0)  # the file stays (removing it would race a new holder)
        fcntl.flock(self.fd, fcntl.LOCK_UN)
        os.close(self.fd)


def _moved_message(path: Path) -> str:
    return f"database {path} was deleted or moved while in use; nothing more was written"


_LEASES: dict[Path, _WriterLease] = {}  # lock file -> this process's lease on it
_LEASES_LOCK = threading.Lock()


def _command() -> str:
    """What this process is, for the lock file: "newsweave ingest", else the program name."""
    program = Path(sys.argv[0] if sys.argv and sys.argv[0] else "python")
    name = program.parent.name if program.name == "__main__.py" else program.stem
    if name == "newsweave" and len(sys.argv) > 1:
        return f"newsweave {sys.argv[1]}"
    return name if name and not name.startswith("-") else "python"  # `python -c`: "-c"


def _in_use_message(path: Path, holder: str) -> str:
    db = path.with_name(path.name.removesuffix(".writer"))
    pid, _, command = holder.partition(" ")
    who = f"{command or 'another process'} (pid {pid})" if pid.isdigit() else "another process"
    return f"store {db} is in use by {who}; wait for it to finish"


def default_db_path() -> Path:
    """`newsweave.db` in the user's data directory (platformdirs)."""
    from platformdirs import user_data_path

    return user_data_path("newsweave", appauthor=False) / "newsweave.db"


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def normalise(text: str) -> str:
    return " ".join(text.lower().split())


def text_hash(article: Article) -> str:
    """Hash of the cleaned body: equal for exact copies, whoever published them."""
    return hashlib.sha256(normalise(article.text).encode()).hexdigest()


def content_hash(article: Article) -> str:
    """Hash of outlet, url and body: equal when the same article is ingested again."""
    key = "\n".join((article.outlet or "", article.url or "", normalise(article.text)))
    return hashlib.sha256(key.encode()).hexdigest()


@dataclass(frozen=True)
class Lead:
    """An article's first paragraph, as an untitled story's headline fallback reads it."""

    doc_id: str
    paragraph: str
    language: str  # ISO 639-1, "und" when unknown


@dataclass(frozen=True)
class StoredArticle:
    id: int
    article: Article
    duplicate_of: int | None
    similarity: float | None


@dataclass(frozen=True)
class NewArticle:
    """One row for `add_articles`: the article and what ingest computed for it."""

    id: int  # from `next_article_id`, counted up through the batch
    article: Article
    raw_text: str | None
    chash: str
    thash: str
    minhash: bytes | None
    duplicate_of: int | None = None
    similarity: float | None = None


@dataclass(frozen=True)
class ArticleLink:
    """A stored article's id and what it is a copy of (None: an original)."""

    id: int
    duplicate_of: int | None
    similarity: float | None


@dataclass(frozen=True)
class StoredAnnotation:
    sentences: bytes  # newsweave.annotations.dump
    vectors_model: str | None
    vectors: bytes | None


@dataclass(frozen=True)
class StorySummary:
    id: str
    headline: str | None
    sources: int  # distinct outlets among original (non-duplicate) articles
    articles: int  # every member, duplicates included
    duplicates: int
    first_seen: str | None  # earliest member publication date; ingest date if none is dated
    last_seen: str | None  # latest member publication date; ingest date if none is dated
    created: str
    updated: str


_STORY_SUMMARY_FIELDS = tuple(f.name for f in fields(StorySummary))


@dataclass(frozen=True)
class DevelopingSummary:
    """A developing story as `newsweave stories` lists it."""

    id: str
    headline: str | None
    events: int
    sources: int  # distinct outlets among original (non-duplicate) articles
    articles: int  # every member of every event, duplicates included
    duplicates: int
    first_seen: str | None  # earliest publication date; ingest date if none is dated
    last_seen: str | None  # latest publication date; ingest date if none is dated
    languages: tuple[str, ...]  # ISO 639-1 codes of its articles ("und" left out)
    created: str
    updated: str


@dataclass(frozen=True)
class EventSummary:
    """One event (a clusterer group) of a developing story."""

    id: str
    story: str  # its developing story
    headline: str | None
    sources: int
    articles: int
    first_published: str | None  # earliest member publication date; None: none is dated
    last_published: str | None
    first_ingested: str  # when the store first held one of its articles (ISO date)


@dataclass(frozen=True)
class StoredJoin:
    """A `story_joins` row (see model.StoryJoinRecord) and the event's placement."""

    article_id: int
    event: str
    story: str
    opened: bool
    score: float | None
    features: dict[str, float]
    shared: tuple[str, ...]
    merged: tuple[str, ...]


@dataclass(frozen=True)
class EventPlacement:
    """How an event got its developing story (a `story_events` row)."""

    event: str
    story: str  # as stored (live: story_events is rewritten on every merge)
    via: str  # 'opened' | 'joined' | 'split' | 'upgrade'
    placed_by: int | None


@dataclass(frozen=True)
class WatchSource:
    """A feed or sitemap `newsweave watch` polls, and what it knows about it."""

    url: str
    kind: str  # "feed" | "sitemap"
    origin: str
    title: str | None
    etag: str | None
    last_modified: str | None
    body_hash: str | None
    interval: float
    next_poll: float
    last_poll: str | None
    last_success: str | None
    last_change: str | None
    last_error: str | None
    failures: int
    polls: int
    changes: int


@dataclass(frozen=True)
class WatchPage:
    """An article page a watched source listed, and its fate so far."""

    url: str  # normalised
    fetch_url: str
    source_url: str
    status: str  # "pending" | "retry" | "stored" | "alias" | "failed"
    article_id: int | None
    title: str | None
    published: date | None
    attempts: int
    reason: str | None
    next_try: float | None


_WATCH_SOURCE_COLUMNS = (
    "url, kind, origin, title, etag, last_modified, body_hash, interval, next_poll, "
    "last_poll, last_success, last_change, last_error, failures, polls, changes"
)
_WATCH_PAGE_COLUMNS = (
    "url, fetch_url, source_url, status, article_id, title, published, attempts, reason, next_try"
)


class Store:
    """A newsweave corpus in one SQLite file."""

    def __init__(
        self,
        path: str | Path | None = None,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        create: bool = True,
    ):
        """Open (and create, unless `create` is false, and migrate) the corpus at `path`.

        `create=False` is for a store that must already exist, such as the one a running
        service opened at start-up: a missing file then means it was deleted or moved, and
        quietly starting an empty corpus in its place would hide that.
        """
        self.path = Path(path) if path is not None else default_db_path()
        self.timeout = timeout
        self._lease: _WriterLease | None = None
        if not create and not self._file_exists():
            raise DatabaseMissingError(_moved_message(self.path))
        if str(self.path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.conn = sqlite3.connect(str(self.path), timeout=timeout, isolation_level=None)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open database {self.path}: {exc}") from None
        try:
            self.conn.row_factory = sqlite3.Row  # rows are read by column name
            self.conn.execute("PRAGMA foreign_keys = ON")
            self.conn.execute("PRAGMA journal_mode = WAL")
            self.conn.execute("PRAGMA synchronous = NORMAL")
            self._migrate()
        except sqlite3.Error as exc:
            self.conn.close()
            raise self._error(exc) from None
        self._identity = self._file_identity()

    def _file_identity(self) -> tuple[int, int] | None:
        """(device, inode) of the database file now; None in memory or when it is gone."""
        if str(self.path) == ":memory:":
            return (0, 0)
        try:
            stat = self.path.stat()
        except OSError:
            return None
        return (stat.st_dev, stat.st_ino)

    def _error(self, exc: sqlite3.Error) -> StoreError:
        """The one-line StoreError a failed SQLite call means for the user.

        Read by SQLite's extended error name (Python 3.11+), not by the exception
        class: an OperationalError is also a DatabaseError, and a full disk or a
        read-only file is not a corrupt database.
        """
        message = str(exc)
        code = getattr(exc, "sqlite_errorname", "") or ""
        if code.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in message:
            return DatabaseLockedError(f"database is locked by another process: {self.path}")
        if code == "SQLITE_READONLY_DBMOVED" or (
            code.startswith("SQLITE_READONLY") and not self._file_exists()
        ):
            return DatabaseMissingError(_moved_message(self.path))
        if code.startswith("SQLITE_READONLY"):
            return StoreError(
                f"database is read-only: {self.path} "
                "(check the permissions of the file and its folder)"
            )
        if code == "SQLITE_FULL" or code.startswith("SQLITE_IOERR"):
            return StoreError(
                f"cannot write to {self.path}: {message} (is the disk full or a file size "
                "limit reached?); the unfinished batch was not stored"
            )
        if code.startswith("SQLITE_CANTOPEN"):
            folder = self.path.parent
            why = (
                f"its folder {folder} is not writable (SQLite writes its -wal and -shm "
                "files beside the database)"
                if self.path.exists() and not os.access(folder, os.W_OK)
                else message
            )
            return StoreError(f"cannot open database {self.path}: {why}")
        if code in ("SQLITE_CORRUPT", "SQLITE_NOTADB") or (type(exc) is sqlite3.DatabaseError):
            return CorruptDatabaseError(f"not a newsweave database or corrupt: {self.path}")
        return StoreError(f"database error on {self.path}: {message}")

    def _file_exists(self) -> bool:
        return str(self.path) == ":memory:" or self.path.exists()

    def _rollback(self) -> None:
        """Roll back the open transaction, if SQLite has not already done so itself
        (it does after a full disk or an I/O error, and ROLLBACK then fails)."""
        if self.conn.in_transaction:
            # a failed ROLLBACK changes nothing: the journal restores the last commit
            with suppress(sqlite3.Error):
                self.conn.execute("ROLLBACK")

    def _migrate(self) -> None:
        app_id = self.conn.execute("PRAGMA application_id").fetchone()[0]
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        tables = self.conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if app_id != APPLICATION_ID and (tables or version):
            raise CorruptDatabaseError(f"not a newsweave database or corrupt: {self.path}")
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path} was written by a newer newsweave (schema {version}); "
                "upgrade newsweave"
            )
        if version == SCHEMA_VERSION:
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            self.conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations "
                "(version INTEGER PRIMARY KEY, applied TEXT NOT NULL)"
            )
            for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
                for statement in _statements(script):
                    self.conn.execute(statement)
                self.conn.execute("INSERT INTO schema_migrations VALUES (?, ?)", (number, now()))
            self.conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            self.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            self.conn.execute("COMMIT")
        except BaseException:
            self._rollback()
            raise

    def acquire_writer(self) -> None:
        """Take the store's writer lease (idempotent); StoreInUseError if another process has it.

        Held until `close`; shared with other Stores of this process on the same file.
        """
        if self._lease is not None or str(self.path) == ":memory:":
            return
        lock_path = self.path.resolve().with_name(self.path.name + ".writer")
        with _LEASES_LOCK:
            lease = _LEASES.get(lock_path) or _WriterLease(lock_path)
            _LEASES[lock_path] = lease
            lease.count += 1
            self._lease = lease

    def _release_writer(self) -> None:
        lease, self._lease = self._lease, None
        if lease is None:
            return
        with _LEASES_LOCK:
            lease.count -= 1
            if lease.count == 0:
                del _LEASES[lease.path]
                lease.release()

    def close(self) -> None:
        self.conn.close()
        self._release_writer()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic write: everything inside commits together or not at all.

        Refused when the file this store opened is no longer at its path (deleted, or
        moved away): SQLite would go on writing into the unlinked file, a silent loss.
        """
        if self._file_identity() != self._identity:
            raise DatabaseMissingError(_moved_message(self.path))
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise self._error(exc) from None
        try:
            yield self.conn
        except sqlite3.Error as exc:
            self._rollback()
            raise self._error(exc) from None
        except BaseException:
            self._rollback()
            raise
        try:
            self.conn.execute("COMMIT")
        except sqlite3.Error as exc:
            self._rollback()
            raise self._error(exc) from None

    def query(self, sql: str, params: Sequence[object] = ()) -> list[tuple]:
        """Rows of any read as plain tuples: for tests and benchmarks. newsweave itself
        reads through the named methods below, so all its SQL is in this module."""
        return [tuple(r) for r in self._rows(sql, params)]

    def _rows(self, sql: str, params: Sequence[object] = ()) -> list[sqlite3.Row]:
        try:
            return self.conn.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise self._error(exc) from None

    def _rows_in(
        self, sql: str, keys: Iterable[object], params: Sequence[object] = ()
    ) -> list[sqlite3.Row]:
        """`sql` with one `IN ({marks})` run over `keys`, chunked; rows of every chunk.

        `params` bind the placeholders written before the IN list.
        """
        keys = list(dict.fromkeys(keys))
        rows: list[sqlite3.Row] = []
        for start in range(0, len(keys), _IN_CHUNK):
            chunk = keys[start : start + _IN_CHUNK]
            rows += self._rows(sql.format(marks=",".join("?" * len(chunk))), (*params, *chunk))
        return rows

    # -- writes (call inside transaction()) ---------------------------------

    def outlet_id(self, name: str | None) -> int | None:
        if not name:
            return None
        self.conn.execute("INSERT OR IGNORE INTO outlets(name) VALUES (?)", (name,))
        return self.conn.execute("SELECT id FROM outlets WHERE name = ?", (name,)).fetchone()["id"]

    def add_article(
        self,
        article: Article,
        *,
        raw_text: str | None,
        chash: str,
        thash: str,
        minhash: bytes | None,
        duplicate_of: int | None = None,
        similarity: float | None = None,
    ) -> int:
        """One article (`add_articles` of one); its id."""
        row = NewArticle(
            self.next_article_id(),
            article,
            raw_text,
            chash,
            thash,
            minhash,
            duplicate_of,
            similarity,
        )
        self.add_articles([row])
        return row.id

    def next_article_id(self) -> int:
        """The id SQLite would give the next article (one past the largest): a writer
        numbers a batch from here, inside its transaction, before inserting it whole."""
        (top,) = self._rows("SELECT coalesce(max(id), 0) + 1 AS next FROM articles")
        return int(top["next"])

    def add_articles(self, rows: Sequence[NewArticle]) -> None:
        """Insert these articles, numbered by the caller, in one statement."""
        outlets = {name: self.outlet_id(name) for name in {r.article.outlet for r in rows}}
        stamp = now()
        self.conn.executemany(
            f"INSERT INTO articles ({', '.join(ARTICLE_COLUMNS)}) "
            f"VALUES ({', '.join('?' * len(ARTICLE_COLUMNS))})",
            [
                (
                    r.id,
                    r.article.doc_id,
                    r.article.url,
                    outlets[r.article.outlet],
                    r.article.outlet_source,
                    r.article.title,
                    r.article.published.isoformat() if r.article.published else None,
                    r.article.published_source,
                    r.article.dateline,
                    r.article.byline,
                    json.dumps(list(r.article.paragraphs), ensure_ascii=False),
                    r.raw_text,
                    r.chash,
                    r.thash,
                    r.minhash,
                    r.duplicate_of,
                    r.similarity,
                    stamp,
                    r.article.language,
                    r.article.language_confidence,
                )
                for r in rows
            ],
        )

    def add_members(self, members: Sequence[tuple[int, str, str | None]]) -> None:
        """`add_member` for each (article id, story id, headline), in order, in two statements."""
        stamp = now()
        self.conn.executemany(
            "INSERT INTO stories (id, created, updated, headline) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(id) DO UPDATE SET updated = excluded.updated, "
            "headline = coalesce(stories.headline, excluded.headline)",
            [(story, stamp, stamp, headline) for _, story, headline in members],
        )
        self.conn.executemany(
            f"INSERT OR REPLACE INTO story_members ({', '.join(STORY_MEMBER_COLUMNS)}) "
            "VALUES (?, ?)",
            [(article_id, story) for article_id, story, _ in members],
        )

    def _touch_story(self, story_id: str, headline: str | None) -> None:
        """Create the story, or mark it updated; a headline is kept once set."""
        stamp = now()
        self.conn.execute(
            "INSERT INTO stories (id, created, updated, headline) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(id) DO UPDATE SET updated = excluded.updated, "
            "headline = coalesce(stories.headline, excluded.headline)",
            (story_id, stamp, stamp, headline),
        )

    def add_member(self, article_id: int, story_id: str, headline: str | None) -> None:
        self._touch_story(story_id, headline)
        self.conn.execute(
            "INSERT OR REPLACE INTO story_members (article_id, story_id) VALUES (?, ?)",
            (article_id, story_id),
        )

    def merge_stories(self, into: str, merged: Sequence[str]) -> None:
        """Fold `merged` stories into `into`: members move, old ids redirect."""
        for old in merged:
            if old == into:
                continue
            self.conn.execute(
                "UPDATE story_members SET story_id = ? WHERE story_id = ?", (into, old)
            )
            self.conn.execute(
                "UPDATE stories SET merged_into = ?, updated = ? WHERE id = ?", (into, now(), old)
            )
            self.conn.execute(
                "UPDATE stories SET merged_into = ? WHERE merged_into = ?", (into, old)
            )
            self.conn.execute("DELETE FROM story_records WHERE story_id = ?", (old,))

    def split_story(self, story_id: str, chashes: Sequence[str]) -> None:
        """Move the articles with these content hashes, and their duplicates, to a new story.

        `story_id` is the story the clusterer split off (`Assignment.split`); its headline
        is that of the first article moved. The stories they left are marked updated
        (their briefings are keyed by members and so regenerate).
        """
        marks = ",".join("?" * len(chashes))
        rows = self._rows(
            f"SELECT a.id, a.content_hash, a.title, m.story_id FROM articles a "
            f"LEFT JOIN story_members m ON m.article_id = a.id WHERE a.content_hash IN ({marks})",
            tuple(chashes),
        )
        title_of = {r["content_hash"]: r["title"] for r in rows}
        self._touch_story(story_id, next((title_of[c] for c in chashes if c in title_of), None))
        for old in {r["story_id"] for r in rows if r["story_id"] not in (None, story_id)}:
            self._touch_story(old, None)
        ids = [r["id"] for r in rows]
        marks = ",".join("?" * len(ids))
        self.conn.execute(
            f"UPDATE story_members SET story_id = ? WHERE article_id IN ({marks}) "
            f"OR article_id IN (SELECT id FROM articles WHERE duplicate_of IN ({marks}))",
            (story_id, *ids, *ids),
        )

    def story_of(self, article_id: int) -> str | None:
        return self.stories_of([article_id]).get(article_id)

    def save_clusterer_state(self, state: bytes) -> None:
        """Save a clusterer state whole (or the header of one in parts)."""
        self.conn.execute(
            "INSERT OR REPLACE INTO clusterer_state (id, state, updated) VALUES (1, ?, ?)",
            (state, now()),
        )

    def save_clusterer_parts(
        self, header: bytes, rows: int, stories: Iterable[tuple[int, bytes, bytes | None]]
    ) -> None:
        """Save a clusterer state in parts: its header, the changed story rows, `rows` in all.

        `stories` are (row, data, embedding) as `OnlineClusterer.state_delta` gives them;
        rows at or past `rows` are deleted (left by a clusterer that had more).
        """
        self.save_clusterer_state(header)
        self.conn.executemany(
            f"INSERT OR REPLACE INTO clusterer_stories ({', '.join(CLUSTERER_STORY_COLUMNS)}) "
            "VALUES (?, ?, ?)",
            stories,
        )
        self.conn.execute("DELETE FROM clusterer_stories WHERE row >= ?", (rows,))

    def set_clusterer_articles(self, articles: int) -> None:
        """How many originals the saved clusterer state has seen (for `check`)."""
        self.conn.execute("UPDATE clusterer_state SET articles = ?", (articles,))

    def save_linker_parts(
        self,
        header: bytes,
        articles: int,
        events: Iterable[tuple[str, bytes]],
        stories: Iterable[tuple[str, bytes]],
        gone_events: Iterable[str] = (),
        gone_stories: Iterable[str] = (),
        *,
        replace_all: bool = False,
    ) -> None:
        """Save the story linker's state in parts: its header, the changed event and story
        rows (a row keeps its place, so rows read back in creation order), rows dropped;
        `replace_all`: the rows given are the whole state."""
        if replace_all:
            self.conn.execute("DELETE FROM linker_events")
            self.conn.execute("DELETE FROM linker_stories")
        self.conn.execute(
            "INSERT OR REPLACE INTO linker_state (id, header, articles, updated) "
            "VALUES (1, ?, ?, ?)",
            (header, articles, now()),
        )
        for table, rows, gone in (
            ("linker_events", events, gone_events),
            ("linker_stories", stories, gone_stories),
        ):
            self.conn.executemany(
                f"INSERT INTO {table} (id, data) VALUES (?, ?) "
                "ON CONFLICT(id) DO UPDATE SET data = excluded.data",
                rows,
            )
            self.conn.executemany(f"DELETE FROM {table} WHERE id = ?", [(g,) for g in gone])

    def open_developing_stories(self, rows: Sequence[tuple[str, str | None]]) -> None:
        """Create developing stories (id, headline); one that exists is marked updated."""
        stamp = now()
        self.conn.executemany(
            "INSERT INTO developing_stories (id, created, updated, headline) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(id) DO UPDATE SET updated = excluded.updated, "
            "headline = coalesce(developing_stories.headline, excluded.headline)",
            [(story, stamp, stamp, headline) for story, headline in rows],
        )

    def merge_developing_stories(self, into: str, merged: Sequence[str]) -> None:
        """Fold developing stories into `into`: their ids (and ids merged into them before)
        redirect there; their events move with `place_events`."""
        stamp = now()
        for old in merged:
            if old == into:
                continue
            self.conn.execute(
                "UPDATE developing_stories SET merged_into = ?, updated = ? WHERE id = ?",
                (into, stamp, old),
            )
            self.conn.execute(
                "UPDATE developing_stories SET merged_into = ? WHERE merged_into = ?", (into, old)
            )
            self.conn.execute("DELETE FROM story_records WHERE story_id = ?", (old,))

    def place_events(self, rows: Sequence[tuple[str, str, str, int | None]]) -> None:
        """(event, story, via, placed_by) for events placed or moved; a moved event keeps
        how it was first placed."""
        self.conn.executemany(
            "INSERT INTO story_events (event_id, story_id, via, placed_by) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(event_id) DO UPDATE SET story_id = excluded.story_id",
            rows,
        )
        self.conn.executemany(
            "UPDATE developing_stories SET updated = ? WHERE id = ?",
            [(now(), story) for story in {r[1] for r in rows}],
        )

    def unplace_events(self, events: Iterable[str]) -> None:
        """Events the clusterer folded into others: no longer events of any story."""
        self.conn.executemany("DELETE FROM story_events WHERE event_id = ?", [(e,) for e in events])

    def add_story_joins(self, rows: Sequence[StoredJoin], *, keep: bool = False) -> None:
        """Store why each article's event is in its story; `keep`: a join already stored
        for an article stays (a replay's joins only fill in the missing)."""
        self.conn.executemany(
            f"INSERT OR {'IGNORE' if keep else 'REPLACE'} INTO story_joins (article_id, "
            "event_id, story_id, opened, score, features, shared, merged) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    j.article_id,
                    j.event,
                    j.story,
                    int(j.opened),
                    j.score,
                    json.dumps(j.features),
                    json.dumps(list(j.shared), ensure_ascii=False),
                    json.dumps(list(j.merged)),
                )
                for j in rows
            ],
        )

    # -- reads ---------------------------------------------------------------

    def clusterer_state(self) -> bytes | None:
        """The saved clusterer state: whole, or the header of one saved in parts."""
        rows = self._rows("SELECT state FROM clusterer_state WHERE id = 1")
        return bytes(rows[0]["state"]) if rows else None

    def clusterer_parts(self) -> tuple[bytes | None, list[tuple[int, bytes, bytes | None]]]:
        """The clusterer state header and every story row, in row order (for `from_parts`)."""
        rows = self._rows(
            f"SELECT {', '.join(CLUSTERER_STORY_COLUMNS)} FROM clusterer_stories ORDER BY row"
        )
        stories = [
            (r["row"], bytes(r["data"]), None if r["embedding"] is None else bytes(r["embedding"]))
            for r in rows
        ]
        return self.clusterer_state(), stories

    def clusterer_story(self, row: int) -> bytes | None:
        """One saved clusterer story row's data (a resting story read back), or None."""
        rows = self._rows("SELECT data FROM clusterer_stories WHERE row = ?", (row,))
        return bytes(rows[0]["data"]) if rows else None

    def linker_event(self, event_id: str) -> bytes | None:
        """One saved story-linker event row's data (a resting event read back), or None."""
        rows = self._rows("SELECT data FROM linker_events WHERE id = ?", (event_id,))
        return bytes(rows[0]["data"]) if rows else None

    def linker_parts(
        self,
    ) -> tuple[bytes | None, int, list[tuple[str, bytes]], list[tuple[str, bytes]]]:
        """The story linker's saved header, article count, event rows and story rows (in
        creation order); (None, 0, [], []) when no linker state was saved yet."""
        head = self._rows("SELECT header, articles FROM linker_state WHERE id = 1")
        if not head:
            return None, 0, [], []
        events = self._rows("SELECT id, data FROM linker_events ORDER BY rowid")
        stories = self._rows("SELECT id, data FROM linker_stories ORDER BY rowid")
        return (
            bytes(head[0]["header"]),
            int(head[0]["articles"]),
            [(r["id"], bytes(r["data"])) for r in events],
            [(r["id"], bytes(r["data"])) for r in stories],
        )

    def placements(self) -> dict[str, str]:
        """Every live event's developing story (the upgrade replay reads it)."""
        return {r[0]: r[1] for r in self._rows("SELECT event_id, story_id FROM story_events")}

    def is_event(self, event_id: str) -> bool:
        return bool(self._rows("SELECT 1 FROM stories WHERE id = ?", (event_id,)))

    def is_developing_story(self, story_id: str) -> bool:
        return bool(self._rows("SELECT 1 FROM developing_stories WHERE id = ?", (story_id,)))

    def resolve_developing_story(self, story_id: str) -> str:
        """The live developing story for `story_id`, following merges; UnknownStoryError."""
        return self._follow_merges("developing_stories", story_id)

    def developing_stories(self, since: date | None = None) -> list[DevelopingSummary]:
        """Live developing stories with at least one article, most recently seen first."""
        rows = self._rows(
            """
            SELECT d.id, d.headline, d.created, d.updated,
                   count(DISTINCT e.event_id) AS events,
                   count(DISTINCT CASE WHEN a.duplicate_of IS NULL
                                       THEN coalesce(a.outlet_id, -a.id) END) AS sources,
                   count(a.id) AS articles,
                   count(a.duplicate_of) AS duplicates,
                   coalesce(min(a.published), min(substr(a.ingested, 1, 10))) AS first_seen,
                   coalesce(max(a.published), max(substr(a.ingested, 1, 10))) AS last_seen,
                   group_concat(DISTINCT a.language) AS languages
            FROM developing_stories d
            JOIN story_events e ON e.story_id = d.id
            JOIN story_members m ON m.story_id = e.event_id
            JOIN articles a ON a.id = m.article_id
            WHERE d.merged_into IS NULL
            GROUP BY d.id
            ORDER BY last_seen DESC, d.updated DESC, d.id
            """
        )
        result = [
            DevelopingSummary(
                id=r["id"],
                headline=r["headline"],
                events=r["events"],
                sources=r["sources"],
                articles=r["articles"],
                duplicates=r["duplicates"],
                first_seen=r["first_seen"],
                last_seen=r["last_seen"],
                languages=tuple(
                    sorted(x for x in (r["languages"] or "").split(",") if x and x != "und")
                ),
                created=r["created"],
                updated=r["updated"],
            )
            for r in rows
        ]
        if since is not None:
            result = [s for s in result if (s.last_seen or "") >= since.isoformat()]
        return result

    def story_events(self, story_ids: Sequence[str]) -> list[EventSummary]:
        """The events of these developing stories, in time order: by first publication
        date (undated events last), then by when they were stored."""
        rows = self._rows_in(
            """
            SELECT e.event_id AS id, e.story_id AS story, s.headline,
                   count(DISTINCT CASE WHEN a.duplicate_of IS NULL
                                       THEN coalesce(a.outlet_id, -a.id) END) AS sources,
                   count(a.id) AS articles,
                   min(a.published) AS first_published,
                   max(a.published) AS last_published,
                   min(substr(a.ingested, 1, 10)) AS first_ingested,
                   min(a.id) AS first_article
            FROM story_events e
            JOIN stories s ON s.id = e.event_id
            JOIN story_members m ON m.story_id = e.event_id
            JOIN articles a ON a.id = m.article_id
            WHERE e.story_id IN ({marks})
            GROUP BY e.event_id
            """,
            story_ids,
        )
        rows = sorted(
            rows,
            key=lambda r: (
                r["first_published"] is None,
                r["first_published"] or "",
                r["first_article"],
            ),
        )
        return [
            EventSummary(
                r["id"],
                r["story"],
                r["headline"],
                r["sources"],
                r["articles"],
                r["first_published"],
                r["last_published"],
                r["first_ingested"],
            )
            for r in rows
        ]

    def event_leads(self, event_ids: Sequence[str], per_event: int = 8) -> dict[str, list[Lead]]:
        """The first paragraph of up to `per_event` original articles of each of these
        events, earliest published first: what an untitled story's headline fallback reads."""
        rows = self._rows_in(
            """
            SELECT m.story_id AS event, a.doc_id, a.language,
                   json_extract(a.paragraphs, '$[0]') AS lead
            FROM story_members m JOIN articles a ON a.id = m.article_id
            WHERE m.story_id IN ({marks}) AND a.duplicate_of IS NULL
            ORDER BY a.published IS NULL, a.published, a.id
            """,
            event_ids,
        )
        leads: dict[str, list[Lead]] = {}
        for r in rows:
            found = leads.setdefault(r["event"], [])
            if len(found) < per_event and r["lead"]:
                found.append(Lead(r["doc_id"], r["lead"], r["language"] or "und"))
        return leads

    def event_placement(self, event_id: str) -> EventPlacement | None:
        rows = self._rows(
            "SELECT event_id, story_id, via, placed_by FROM story_events WHERE event_id = ?",
            (event_id,),
        )
        return EventPlacement(*rows[0]) if rows else None

    def story_join(self, article_id: int) -> StoredJoin | None:
        """The join stored for this original (None: a duplicate, or linked before joins)."""
        rows = self._rows(
            "SELECT article_id, event_id, story_id, opened, score, features, shared, merged "
            "FROM story_joins WHERE article_id = ?",
            (article_id,),
        )
        if not rows:
            return None
        r = rows[0]
        return StoredJoin(
            r["article_id"],
            r["event_id"],
            r["story_id"],
            bool(r["opened"]),
            r["score"],
            json.loads(r["features"]),
            tuple(json.loads(r["shared"])),
            tuple(json.loads(r["merged"])),
        )

    def article_ids_by_doc_id(self, doc_id: str) -> list[int]:
        """Stored articles with this document id (a path or URL as read), oldest first."""
        rows = self._rows("SELECT id FROM articles WHERE doc_id = ? ORDER BY id", (doc_id,))
        return [r["id"] for r in rows]

    def ingested_dates(self, article_ids: Iterable[int]) -> dict[int, str]:
        """When each article was stored (ISO date)."""
        rows = self._rows_in(
            "SELECT id, substr(ingested, 1, 10) AS day FROM articles WHERE id IN ({marks})",
            article_ids,
        )
        return {r["id"]: r["day"] for r in rows}

    def clustered_originals(self) -> Iterator[tuple[str, StoredArticle, str]]:
        """(content hash, article, story id) of every clustered original, in ingest order."""
        rows = self.conn.execute(
            f"""
            SELECT {_STORED_ARTICLE}, a.content_hash, m.story_id
            FROM articles a
            JOIN story_members m ON m.article_id = a.id
            LEFT JOIN outlets o ON o.id = a.outlet_id
            WHERE a.duplicate_of IS NULL
            ORDER BY a.id
            """
        )
        for r in rows:
            yield r["content_hash"], _stored(r), r["story_id"]

    def has_content(self, chash: str) -> bool:
        return chash in self.with_content([chash])

    def with_content(self, chashes: Iterable[str]) -> dict[str, ArticleLink]:
        """The stored articles with these content hashes (one query per 500), by hash."""
        rows = self._rows_in(
            "SELECT id, content_hash, duplicate_of, similarity FROM articles "
            "WHERE content_hash IN ({marks})",
            chashes,
        )
        return {
            r["content_hash"]: ArticleLink(r["id"], r["duplicate_of"], r["similarity"])
            for r in rows
        }

    def original_with_text(self, thash: str) -> int | None:
        return self.originals_with_text([thash]).get(thash)

    def originals_with_text(self, thashes: Iterable[str]) -> dict[str, int]:
        """For each text hash stored, the original of its first copy (exact duplicates)."""
        rows = self._rows_in(
            "SELECT text_hash, coalesce(duplicate_of, id) AS original FROM articles "
            "WHERE text_hash IN ({marks}) ORDER BY id",
            thashes,
        )
        found: dict[str, int] = {}
        for r in rows:
            found.setdefault(r["text_hash"], r["original"])
        return found

    def content_hashes(self, article_ids: Iterable[int]) -> dict[int, str]:
        """The content hash of each of these articles, by article id."""
        rows = self._rows_in(
            "SELECT id, content_hash FROM articles WHERE id IN ({marks})", article_ids
        )
        return {r["id"]: r["content_hash"] for r in rows}

    def stories_of(self, article_ids: Iterable[int]) -> dict[int, str]:
        """The story each of these articles is a member of (articles in none left out)."""
        rows = self._rows_in(
            "SELECT article_id, story_id FROM story_members WHERE article_id IN ({marks})",
            article_ids,
        )
        return {r["article_id"]: r["story_id"] for r in rows}

    def signatures(self) -> Iterator[tuple[int, bytes]]:
        """MinHash signatures of the original (non-duplicate) articles."""
        for r in self._rows(
            "SELECT id, minhash FROM articles WHERE duplicate_of IS NULL AND minhash IS NOT NULL"
        ):
            yield r["id"], bytes(r["minhash"])

    def counts(self) -> dict[str, int]:
        (row,) = self._rows(
            "SELECT (SELECT count(*) FROM articles) AS articles, "
            "(SELECT count(*) FROM articles WHERE duplicate_of IS NOT NULL) AS duplicates, "
            "(SELECT count(*) FROM stories WHERE merged_into IS NULL) AS stories"
        )
        # "stories" counts events (the name predates developing stories; `story_count`)
        return {key: row[key] for key in ("articles", "duplicates", "stories")}

    def story_count(self) -> int:
        """Live developing stories (with at least one event)."""
        (row,) = self._rows("SELECT count(DISTINCT story_id) AS n FROM story_events")
        return int(row["n"])

    def resolve_story(self, story_id: str) -> str:
        """The live id for `story_id`, following merges; UnknownStoryError if none."""
        return self._follow_merges("stories", story_id)

    def _follow_merges(self, table: str, story_id: str) -> str:
        """The live row of `table` (stories or developing_stories) `story_id` was merged
        into, through any chain of merges (at most 100 steps); UnknownStoryError if none."""
        current = story_id
        for _ in range(100):
            rows = self._rows(f"SELECT merged_into FROM {table} WHERE id = ?", (current,))
            if not rows:
                break
            if rows[0]["merged_into"] is None:
                return current
            current = rows[0]["merged_into"]
        raise UnknownStoryError(f"no story {story_id!r} in {self.path}")

    def stories(self, since: date | None = None) -> list[StorySummary]:
        """Live stories, most recently seen first."""
        rows = self._rows(
            """
            SELECT s.id, s.headline, s.created, s.updated,
                   count(DISTINCT CASE WHEN a.duplicate_of IS NULL
                                       THEN coalesce(a.outlet_id, -a.id) END) AS sources,
                   count(a.id) AS articles,
                   count(a.duplicate_of) AS duplicates,
                   coalesce(min(a.published), min(substr(a.ingested, 1, 10))) AS first_seen,
                   coalesce(max(a.published), max(substr(a.ingested, 1, 10))) AS last_seen
            FROM stories s
            JOIN story_members m ON m.story_id = s.id
            JOIN articles a ON a.id = m.article_id
            WHERE s.merged_into IS NULL
            GROUP BY s.id
            ORDER BY 9 DESC, s.updated DESC, s.id
            """
        )
        result = [StorySummary(**{f: r[f] for f in _STORY_SUMMARY_FIELDS}) for r in rows]
        if since is not None:
            result = [s for s in result if (s.last_seen or "") >= since.isoformat()]
        return result

    def search_stories(self, text: str) -> set[str]:
        """Ids of the live stories with an article whose headline or body has every word."""
        query = fts_query(text)
        if query is None:
            return set()
        rows = self._rows(
            """
            SELECT DISTINCT m.story_id FROM articles_fts f
            JOIN story_members m ON m.article_id = f.rowid
            WHERE articles_fts MATCH ?
            """,
            (query,),
        )
        return {self.resolve_story(r["story_id"]) for r in rows}

    def article(self, article_id: int) -> StoredArticle | None:
        """One stored article by its database id (None if there is none)."""
        rows = self._rows(
            f"""
            SELECT {_STORED_ARTICLE}
            FROM articles a LEFT JOIN outlets o ON o.id = a.outlet_id
            WHERE a.id = ?
            """,
            (article_id,),
        )
        return _stored(rows[0]) if rows else None

    def members(self, story_id: str) -> list[StoredArticle]:
        """The articles of a story: originals by publication date, then duplicates."""
        rows = self._rows(
            f"""
            SELECT {_STORED_ARTICLE}
            FROM story_members m
            JOIN articles a ON a.id = m.article_id
            LEFT JOIN outlets o ON o.id = a.outlet_id
            WHERE m.story_id = ?
            ORDER BY a.duplicate_of IS NOT NULL, a.published IS NULL, a.published, a.id
            """,
            (story_id,),
        )
        return [_stored(r) for r in rows]

    def developing_member_ids(self, story_id: str) -> list[tuple[str, int]]:
        """(event id, article id) of every article of a developing story's events, the
        pairs `story_events` and `members` would give, without reading any article (the
        web service keys a story's briefing by them on every change)."""
        rows = self._rows(
            """
            SELECT e.event_id, m.article_id FROM story_events e
            JOIN stories s ON s.id = e.event_id
            JOIN story_members m ON m.story_id = e.event_id
            JOIN articles a ON a.id = m.article_id
            WHERE e.story_id = ?
            """,
            (story_id,),
        )
        return [(r[0], r[1]) for r in rows]

    def cached_story_record(self, story_id: str, members_hash: str) -> StoryRecord | None:
        """The story's record as cached for this member set; None if not (or stale)."""
        rows = self._rows(
            "SELECT record FROM story_records WHERE story_id = ? AND members_hash = ?",
            (story_id, members_hash),
        )
        return codec.loads(StoryRecord, rows[0]["record"]) if rows else None

    def cache_story_record(self, members_hash: str, record: StoryRecord) -> None:
        with self.transaction() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO story_records (story_id, members_hash, record, created) "
                "VALUES (?, ?, ?, ?)",
                (record.story, members_hash, codec.dumps(record), now()),
            )

    def annotations(self, chashes: Sequence[str], version: str) -> dict[str, StoredAnnotation]:
        """The stored annotations of these articles (by content hash) made by `version`."""
        rows = self._rows_in(
            "SELECT content_hash, sentences, vectors_model, vectors FROM annotations "
            "WHERE version = ? AND content_hash IN ({marks})",
            chashes,
            (version,),
        )
        return {
            r["content_hash"]: StoredAnnotation(r["sentences"], r["vectors_model"], r["vectors"])
            for r in rows
        }

    def save_annotations(
        self,
        rows: Sequence[tuple[str, bytes | None, bytes | None]],
        version: str,
        vectors_model: str,
    ) -> None:
        """Store (content hash, sentences, vectors) rows in one transaction.

        Sentences None: the row exists for `version`, only its vectors are added.
        """
        if not rows:
            return
        with self.transaction() as conn:
            for key, sentences, vectors in rows:
                if sentences is not None:
                    conn.execute(
                        "INSERT OR REPLACE INTO annotations VALUES (?, ?, ?, ?, ?, ?)",
                        (
                            key,
                            version,
                            sentences,
                            vectors_model if vectors else None,
                            vectors,
                            now(),
                        ),
                    )
                elif vectors is not None:
                    conn.execute(
                        "UPDATE annotations SET vectors_model = ?, vectors = ? "
                        "WHERE content_hash = ? AND version = ?",
                        (vectors_model, vectors, key, version),
                    )

    # -- watch: polled sources and listed pages (`newsweave watch`) ------------

    def watch_sources(self) -> list[WatchSource]:
        """Every watched source, in the order they were added."""
        rows = self.query(f"SELECT {_WATCH_SOURCE_COLUMNS} FROM watch_sources ORDER BY rowid")
        return [WatchSource(*r) for r in rows]

    def watch_source(self, url: str) -> WatchSource | None:
        rows = self.query(
            f"SELECT {_WATCH_SOURCE_COLUMNS} FROM watch_sources WHERE url = ?", (url,)
        )
        return WatchSource(*rows[0]) if rows else None

    def watch_sources_due(self, at: float) -> list[WatchSource]:
        rows = self.query(
            f"SELECT {_WATCH_SOURCE_COLUMNS} FROM watch_sources WHERE next_poll <= ? "
            "ORDER BY next_poll, rowid",
            (at,),
        )
        return [WatchSource(*r) for r in rows]

    def watch_origins(self) -> set[str]:
        """What the user named (sites, OPML files, feeds) that already has its sources."""
        return {r[0] for r in self.query("SELECT DISTINCT origin FROM watch_sources")}

    def add_watch_source(
        self, url: str, kind: str, origin: str, *, interval: float, next_poll: float
    ) -> bool:
        """Start watching `url` (call inside transaction()); False if it is watched already."""
        cursor = self.conn.execute(
            "INSERT OR IGNORE INTO watch_sources (url, kind, origin, interval, next_poll) "
            "VALUES (?, ?, ?, ?, ?)",
            (url, kind, origin, interval, next_poll),
        )
        return cursor.rowcount > 0

    def record_watch_poll(
        self,
        url: str,
        *,
        interval: float,
        next_poll: float,
        kind: str | None = None,
        title: str | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        body_hash: str | None = None,
        changed: bool = False,
        error: str | None = None,
    ) -> None:
        """What one poll of a source found (call inside transaction()).

        A success keeps the validators given (or the old ones when None: a 304 sends
        none); an error counts one more consecutive failure and keeps everything else.
        """
        stamp = now()
        if error is not None:
            self.conn.execute(
                "UPDATE watch_sources SET last_poll = ?, last_error = ?, "
                "failures = failures + 1, polls = polls + 1, next_poll = ? WHERE url = ?",
                (stamp, error, next_poll, url),
            )
            return
        self.conn.execute(
            "UPDATE watch_sources SET kind = coalesce(?, kind), title = coalesce(?, title), "
            "etag = coalesce(?, etag), last_modified = coalesce(?, last_modified), "
            "body_hash = coalesce(?, body_hash), interval = ?, next_poll = ?, last_poll = ?, "
            "last_success = ?, last_error = NULL, failures = 0, polls = polls + 1, "
            "changes = changes + ?, last_change = CASE WHEN ? THEN ? ELSE last_change END "
            "WHERE url = ?",
            (
                kind,
                title,
                etag,
                last_modified,
                body_hash,
                interval,
                next_poll,
                stamp,
                stamp,
                int(changed),
                int(changed),
                stamp,
                url,
            ),
        )

    def add_watch_pages(
        self,
        source_url: str,
        pages: Iterable[tuple[str, str, str | None, date | None]],
        *,
        at: float,
    ) -> int:
        """Record listed pages (key, fetch URL, title, published) as pending, unless known.

        Call inside transaction(); returns how many were new.
        """
        stamp = now()
        added = 0
        for key, fetch_url, title, published in pages:
            cursor = self.conn.execute(
                "INSERT OR IGNORE INTO watch_pages (url, fetch_url, source_url, status, title, "
                "published, next_try, first_seen) VALUES (?, ?, ?, 'pending', ?, ?, ?, ?)",
                (
                    key,
                    fetch_url,
                    source_url,
                    title,
                    published.isoformat() if published else None,
                    at,
                    stamp,
                ),
            )
            added += cursor.rowcount
        return added

    def watch_pages_due(self, at: float) -> list[WatchPage]:
        """Pages to fetch now: pending ones and transient failures whose time has come."""
        rows = self.query(
            f"SELECT {_WATCH_PAGE_COLUMNS} FROM watch_pages "
            "WHERE status IN ('pending', 'retry') AND next_try <= ? ORDER BY next_try, rowid",
            (at,),
        )
        return [_watch_page(r) for r in rows]

    def watch_page(self, url: str) -> WatchPage | None:
        rows = self.query(f"SELECT {_WATCH_PAGE_COLUMNS} FROM watch_pages WHERE url = ?", (url,))
        return _watch_page(rows[0]) if rows else None

    def watch_pages(self, status: str | None = None) -> list[WatchPage]:
        rows = self.query(
            f"SELECT {_WATCH_PAGE_COLUMNS} FROM watch_pages "
            "WHERE ? IS NULL OR status = ? ORDER BY rowid",
            (status, status),
        )
        return [_watch_page(r) for r in rows]

    def next_watch_time(self) -> float | None:
        """The earliest time a source is due or a page may be tried again (None: nothing)."""
        (row,) = self.query(
            "SELECT min(t) FROM (SELECT min(next_poll) AS t FROM watch_sources UNION ALL "
            "SELECT min(next_try) FROM watch_pages WHERE status IN ('pending', 'retry'))"
        )
        return row[0]

    def settle_watch_page(
        self,
        url: str,
        status: str,
        *,
        article_id: int | None = None,
        reason: str | None = None,
        next_try: float | None = None,
    ) -> None:
        """The outcome of one try of a page (call inside transaction())."""
        self.conn.execute(
            "UPDATE watch_pages SET status = ?, article_id = ?, reason = ?, next_try = ?, "
            "attempts = attempts + 1, last_try = ? WHERE url = ?",
            (status, article_id, reason, next_try, now(), url),
        )

    def alias_watch_page(self, url: str, fetch_url: str, source_url: str, article_id: int) -> None:
        """`url` is another address of a stored article (call inside transaction()).

        A row not yet fetched (pending or retry) becomes the alias; a stored or failed one
        keeps what it has.
        """
        self.conn.execute(
            "INSERT INTO watch_pages (url, fetch_url, source_url, status, article_id, "
            "first_seen) VALUES (?, ?, ?, 'alias', ?, ?) "
            "ON CONFLICT(url) DO UPDATE SET status = 'alias', article_id = excluded.article_id, "
            "reason = NULL, next_try = NULL WHERE watch_pages.status IN ('pending', 'retry')",
            (url, fetch_url, source_url, article_id, now()),
        )

    def settle_stored_watch_pages(self) -> int:
        """Mark stored the pending pages whose article is in the store (a run killed between
        the batch commit and the page update left them); returns how many."""
        with self.transaction() as conn:
            cursor = conn.execute(
                "UPDATE watch_pages SET status = 'stored', reason = NULL, next_try = NULL, "
                "article_id = (SELECT min(id) FROM articles WHERE doc_id = watch_pages.url) "
                "WHERE status IN ('pending', 'retry') "
                "AND EXISTS (SELECT 1 FROM articles WHERE doc_id = watch_pages.url)"
            )
            return cursor.rowcount

    def watch_page_counts(self) -> dict[str, int]:
        rows = self.query("SELECT status, count(*) FROM watch_pages GROUP BY status")
        return {status: count for status, count in rows}

    def watch_page_counts_by_source(self) -> dict[str, dict[str, int]]:
        """Pages per status of each watched source (GET /api/sources)."""
        rows = self.query(
            "SELECT source_url, status, count(*) FROM watch_pages GROUP BY source_url, status"
        )
        counts: dict[str, dict[str, int]] = {}
        for source, status, count in rows:
            counts.setdefault(source, {})[status] = count
        return counts

    def check(self) -> list[str]:
        """Consistency problems (empty list = consistent): used by tests and `doctor` later."""
        problems = []
        orphans = self.query(
            "SELECT count(*) FROM articles a LEFT JOIN story_members m ON m.article_id = a.id "
            "WHERE m.article_id IS NULL"
        )[0][0]
        if orphans:
            problems.append(f"{orphans} articles without a story")
        dead = self.query(
            "SELECT count(*) FROM story_members m JOIN stories s ON s.id = m.story_id "
            "WHERE s.merged_into IS NOT NULL"
        )[0][0]
        if dead:
            problems.append(f"{dead} members of merged stories")
        rows, last = self.query("SELECT count(*), max(row) FROM clusterer_stories")[0]
        if rows and last != rows - 1:
            problems.append(f"clusterer story rows have gaps ({rows} rows up to row {last})")
        if rows and not self.query("SELECT count(*) FROM clusterer_state")[0][0]:
            problems.append("clusterer story rows without a clusterer state header")
        # the clusterer keeps a row for every story it ever made (merged ones too), and
        # only it makes stories: fewer rows than stories is a state another writer, or an
        # older copy, left behind
        (made,) = self.query("SELECT count(*) FROM stories")[0]
        if rows and rows < made:
            problems.append(
                f"clusterer state behind the stories table: it knows {rows} of {made} stories"
            )
        problems += self._check_levels()
        if self.query("PRAGMA integrity_check")[0][0] != "ok":
            problems.append("integrity_check failed")
        return problems

    def _check_levels(self) -> list[str]:
        """Events, developing stories and the two saved states agree."""
        problems = []
        (clustered,) = self.query(
            "SELECT count(*) FROM articles a JOIN story_members m ON m.article_id = a.id "
            "WHERE a.duplicate_of IS NULL"
        )[0]
        seen = self.query("SELECT articles FROM clusterer_state WHERE id = 1")
        if seen and seen[0][0] is not None and seen[0][0] != clustered:
            problems.append(
                f"clusterer state behind the tables: it has seen {seen[0][0]} of "
                f"{clustered} clustered articles"
            )
        dead = self.query(
            "SELECT count(*) FROM story_events e JOIN developing_stories d ON d.id = e.story_id "
            "WHERE d.merged_into IS NOT NULL"
        )[0][0]
        if dead:
            problems.append(f"{dead} events of merged developing stories")
        linker = self.query("SELECT articles FROM linker_state WHERE id = 1")
        if not linker:
            return problems
        unplaced = self.query(
            "SELECT count(*) FROM stories s WHERE s.merged_into IS NULL "
            "AND EXISTS (SELECT 1 FROM story_members m WHERE m.story_id = s.id) "
            "AND NOT EXISTS (SELECT 1 FROM story_events e WHERE e.event_id = s.id)"
        )[0][0]
        if unplaced:
            problems.append(f"{unplaced} events in no developing story")
        (joins,) = self.query("SELECT count(*) FROM story_joins")[0]
        if linker[0][0] != joins:
            problems.append(
                f"story linker state behind the tables: it has seen {linker[0][0]} "
                f"articles, {joins} joins are stored"
            )
        (unjoined,) = self.query(
            "SELECT count(*) FROM articles a JOIN story_members m ON m.article_id = a.id "
            "LEFT JOIN story_joins j ON j.article_id = a.id "
            "WHERE a.duplicate_of IS NULL AND j.article_id IS NULL"
        )[0]
        if unjoined:
            problems.append(f"{unjoined} clustered articles the story linker has not seen")
        (missing,) = self.query(
            "SELECT count(*) FROM story_events e "
            "LEFT JOIN linker_events l ON l.id = e.event_id WHERE l.id IS NULL"
        )[0]
        if missing:
            problems.append(f"{missing} events missing from the story linker state")
        return problems


def _watch_page(r: tuple) -> WatchPage:
    url, fetch_url, source_url, status, article_id, title, published, *rest = r
    attempts, reason, next_try = rest
    return WatchPage(
        url,
        fetch_url,
        source_url,
        status,
        article_id,
        title,
        date.fromisoformat(published) if published else None,
        attempts,
        reason,
        next_try,
    )


def _stored(r: sqlite3.Row) -> StoredArticle:
    """A row selected with `_STORED_ARTICLE` as a StoredArticle."""
    return StoredArticle(
        id=r["id"],
        article=Article(
            doc_id=r["doc_id"],
            paragraphs=tuple(json.loads(r["paragraphs"])),
            title=r["title"],
            outlet=r["outlet"],
            outlet_source=r["outlet_source"],
            byline=r["byline"],
            published=date.fromisoformat(r["published"]) if r["published"] else None,
            published_source=r["published_source"],
            dateline=r["dateline"],
            url=r["url"],
            language=r["language"] or "und",
            language_confidence=r["language_confidence"],
        ),
        duplicate_of=r["duplicate_of"],
        similarity=r["similarity"],
    )
