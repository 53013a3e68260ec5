"""The corpus store: SQLite (WAL), plain-SQL schema, versioned migrations.

One `Store` wraps one database file. Writes happen inside `transaction()`, so
an ingest batch (articles, story membership, clusterer state) is committed
whole or not at all: a process killed at any moment leaves the last committed
batch and nothing of the one in flight.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from newsweave.errors import NewsweaveError
from newsweave.model import Article

APPLICATION_ID = 0x4E575656  # "NWVV": marks the file as a newsweave database
DEFAULT_TIMEOUT = 5.0  # seconds to wait for another writer before giving up


class StoreError(NewsweaveError):
    """The database cannot be used."""


class DatabaseLockedError(StoreError):
    """Another process holds the write lock."""


class CorruptDatabaseError(StoreError):
    """The file is not a newsweave database, or is damaged."""


class UnknownStoryError(StoreError):
    """No story with that id."""


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
    # 4: `newsweave watch`: the sources it polls and the article pages they listed, so a
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
)
SCHEMA_VERSION = len(MIGRATIONS)


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
class StoredArticle:
    id: int
    article: Article
    duplicate_of: int | None
    similarity: float | None


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

    def __init__(self, path: str | Path | None = None, *, timeout: float = DEFAULT_TIMEOUT):
        self.path = Path(path) if path is not None else default_db_path()
        self.timeout = timeout
        if str(self.path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.conn = sqlite3.connect(str(self.path), timeout=timeout, isolation_level=None)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open database {self.path}: {exc}") from None
        try:
            self.conn.execute("PRAGMA foreign_keys = ON")
            self.conn.execute("PRAGMA journal_mode = WAL")
            self.conn.execute("PRAGMA synchronous = NORMAL")
            self._migrate()
        except sqlite3.Error as exc:
            self.conn.close()
            raise self._error(exc) from None

    def _error(self, exc: sqlite3.Error) -> StoreError:
        message = str(exc)
        if "locked" in message or "busy" in message:
            return DatabaseLockedError(
                f"database is locked by another newsweave process: {self.path}"
            )
        if isinstance(exc, sqlite3.DatabaseError) and not isinstance(exc, sqlite3.IntegrityError):
            return CorruptDatabaseError(f"not a newsweave database or corrupt: {self.path}")
        return StoreError(f"database error on {self.path}: {message}")

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
            self.conn.execute("ROLLBACK")
            raise

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic write: everything inside commits together or not at all."""
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise self._error(exc) from None
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        try:
            self.conn.execute("COMMIT")
        except sqlite3.Error as exc:
            self.conn.execute("ROLLBACK")
            raise self._error(exc) from None

    def query(self, sql: str, params: Sequence[object] = ()) -> list[tuple]:
        try:
            return self.conn.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise self._error(exc) from None

    # -- writes (call inside transaction()) ---------------------------------

    def outlet_id(self, name: str | None) -> int | None:
        if not name:
            return None
        self.conn.execute("INSERT OR IGNORE INTO outlets(name) VALUES (?)", (name,))
        return self.conn.execute("SELECT id FROM outlets WHERE name = ?", (name,)).fetchone()[0]

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
        cursor = self.conn.execute(
            "INSERT INTO articles (doc_id, url, outlet_id, outlet_source, title, published, "
            "published_source, dateline, byline, paragraphs, raw_text, content_hash, text_hash, "
            "minhash, duplicate_of, similarity, ingested) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                article.doc_id,
                article.url,
                self.outlet_id(article.outlet),
                article.outlet_source,
                article.title,
                article.published.isoformat() if article.published else None,
                article.published_source,
                article.dateline,
                article.byline,
                json.dumps(list(article.paragraphs), ensure_ascii=False),
                raw_text,
                chash,
                thash,
                minhash,
                duplicate_of,
                similarity,
                now(),
            ),
        )
        return int(cursor.lastrowid or 0)

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
            self.conn.execute("DELETE FROM briefings WHERE story_id = ?", (old,))

    def split_story(self, story_id: str, chashes: Sequence[str]) -> None:
        """Move the articles with these content hashes, and their duplicates, to a new story.

        `story_id` is the story the clusterer split off (`Assignment.split`); its headline
        is that of the first article moved. The stories they left are marked updated
        (their briefings are keyed by members and so regenerate).
        """
        marks = ",".join("?" * len(chashes))
        rows = self.query(
            f"SELECT a.id, a.content_hash, a.title, m.story_id FROM articles a "
            f"LEFT JOIN story_members m ON m.article_id = a.id WHERE a.content_hash IN ({marks})",
            tuple(chashes),
        )
        title_of = {r[1]: r[2] for r in rows}
        self._touch_story(story_id, next((title_of[c] for c in chashes if c in title_of), None))
        for old in {r[3] for r in rows if r[3] is not None and r[3] != story_id}:
            self._touch_story(old, None)
        ids = [r[0] for r in rows]
        marks = ",".join("?" * len(ids))
        self.conn.execute(
            f"UPDATE story_members SET story_id = ? WHERE article_id IN ({marks}) "
            f"OR article_id IN (SELECT id FROM articles WHERE duplicate_of IN ({marks}))",
            (story_id, *ids, *ids),
        )

    def story_of(self, article_id: int) -> str | None:
        row = self.conn.execute(
            "SELECT story_id FROM story_members WHERE article_id = ?", (article_id,)
        ).fetchone()
        return row[0] if row else None

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
            "INSERT OR REPLACE INTO clusterer_stories (row, data, embedding) VALUES (?, ?, ?)",
            stories,
        )
        self.conn.execute("DELETE FROM clusterer_stories WHERE row >= ?", (rows,))

    # -- reads ---------------------------------------------------------------

    def clusterer_state(self) -> bytes | None:
        """The saved clusterer state: whole, or the header of one saved in parts."""
        rows = self.query("SELECT state FROM clusterer_state WHERE id = 1")
        return bytes(rows[0][0]) if rows else None

    def clusterer_parts(self) -> tuple[bytes | None, list[tuple[int, bytes, bytes | None]]]:
        """The clusterer state header and every story row, in row order (for `from_parts`)."""
        rows = self.query("SELECT row, data, embedding FROM clusterer_stories ORDER BY row")
        stories = [(r[0], bytes(r[1]), None if r[2] is None else bytes(r[2])) for r in rows]
        return self.clusterer_state(), stories

    def clustered_originals(self) -> Iterator[tuple[str, StoredArticle, str]]:
        """(content hash, article, story id) of every clustered original, in ingest order."""
        rows = self.conn.execute(
            """
            SELECT a.id, a.doc_id, a.paragraphs, a.title, o.name, a.outlet_source, a.byline,
                   a.published, a.published_source, a.dateline, a.url, a.duplicate_of,
                   a.similarity, a.content_hash, m.story_id
            FROM articles a
            JOIN story_members m ON m.article_id = a.id
            LEFT JOIN outlets o ON o.id = a.outlet_id
            WHERE a.duplicate_of IS NULL
            ORDER BY a.id
            """
        )
        for r in rows:
            yield r[13], _stored(r), r[14]

    def has_content(self, chash: str) -> bool:
        return bool(self.query("SELECT 1 FROM articles WHERE content_hash = ?", (chash,)))

    def original_with_text(self, thash: str) -> int | None:
        rows = self.query(
            "SELECT coalesce(duplicate_of, id) FROM articles WHERE text_hash = ? ORDER BY id "
            "LIMIT 1",
            (thash,),
        )
        return rows[0][0] if rows else None

    def signatures(self) -> Iterator[tuple[int, bytes]]:
        """MinHash signatures of the original (non-duplicate) articles."""
        for article_id, blob in self.query(
            "SELECT id, minhash FROM articles WHERE duplicate_of IS NULL AND minhash IS NOT NULL"
        ):
            yield article_id, bytes(blob)

    def counts(self) -> dict[str, int]:
        (row,) = self.query(
            "SELECT (SELECT count(*) FROM articles), "
            "(SELECT count(*) FROM articles WHERE duplicate_of IS NOT NULL), "
            "(SELECT count(*) FROM stories WHERE merged_into IS NULL)"
        )
        return {"articles": row[0], "duplicates": row[1], "stories": row[2]}

    def resolve_story(self, story_id: str) -> str:
        """The live id for `story_id`, following merges; UnknownStoryError if none."""
        current = story_id
        for _ in range(100):
            rows = self.query("SELECT merged_into FROM stories WHERE id = ?", (current,))
            if not rows:
                break
            if rows[0][0] is None:
                return current
            current = rows[0][0]
        raise UnknownStoryError(f"no story {story_id!r} in {self.path}")

    def stories(self, since: date | None = None) -> list[StorySummary]:
        """Live stories, most recently seen first."""
        rows = self.query(
            """
            SELECT s.id, s.headline, s.created, s.updated,
                   count(DISTINCT CASE WHEN a.duplicate_of IS NULL
                                       THEN coalesce(a.outlet_id, -a.id) END),
                   count(a.id),
                   count(a.duplicate_of),
                   coalesce(min(a.published), min(substr(a.ingested, 1, 10))),
                   coalesce(max(a.published), max(substr(a.ingested, 1, 10)))
            FROM stories s
            JOIN story_members m ON m.story_id = s.id
            JOIN articles a ON a.id = m.article_id
            WHERE s.merged_into IS NULL
            GROUP BY s.id
            ORDER BY 9 DESC, s.updated DESC, s.id
            """
        )
        result = [StorySummary(r[0], r[1], r[4], r[5], r[6], r[7], r[8], r[2], r[3]) for r in rows]
        if since is not None:
            result = [s for s in result if (s.last_seen or "") >= since.isoformat()]
        return result

    def search_stories(self, text: str) -> set[str]:
        """Ids of the live stories with an article whose headline or body has every word."""
        query = fts_query(text)
        if query is None:
            return set()
        rows = self.query(
            """
            SELECT DISTINCT m.story_id FROM articles_fts f
            JOIN story_members m ON m.article_id = f.rowid
            WHERE articles_fts MATCH ?
            """,
            (query,),
        )
        return {self.resolve_story(r[0]) for r in rows}

    def article(self, article_id: int) -> StoredArticle | None:
        """One stored article by its database id (None if there is none)."""
        rows = self.query(
            """
            SELECT a.id, a.doc_id, a.paragraphs, a.title, o.name, a.outlet_source, a.byline,
                   a.published, a.published_source, a.dateline, a.url, a.duplicate_of,
                   a.similarity
            FROM articles a LEFT JOIN outlets o ON o.id = a.outlet_id
            WHERE a.id = ?
            """,
            (article_id,),
        )
        return _stored(rows[0]) if rows else None

    def members(self, story_id: str) -> list[StoredArticle]:
        """The articles of a story: originals by publication date, then duplicates."""
        rows = self.query(
            """
            SELECT a.id, a.doc_id, a.paragraphs, a.title, o.name, a.outlet_source, a.byline,
                   a.published, a.published_source, a.dateline, a.url, a.duplicate_of,
                   a.similarity
            FROM story_members m
            JOIN articles a ON a.id = m.article_id
            LEFT JOIN outlets o ON o.id = a.outlet_id
            WHERE m.story_id = ?
            ORDER BY a.duplicate_of IS NOT NULL, a.published IS NULL, a.published, a.id
            """,
            (story_id,),
        )
        return [_stored(r) for r in rows]

    def cached_briefing(self, story_id: str, members_hash: str) -> tuple[str, str] | None:
        rows = self.query(
            "SELECT briefing_json, briefing_md FROM briefings "
            "WHERE story_id = ? AND members_hash = ?",
            (story_id, members_hash),
        )
        return (rows[0][0], rows[0][1]) if rows else None

    def cache_briefing(self, story_id: str, members_hash: str, as_json: str, as_md: str) -> None:
        with self.transaction() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO briefings VALUES (?, ?, ?, ?, ?)",
                (story_id, members_hash, as_json, as_md, now()),
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

    def article_with_content(self, chash: str) -> int | None:
        """The id of the article with this content hash (`content_hash`), if stored."""
        rows = self.query("SELECT id FROM articles WHERE content_hash = ?", (chash,))
        return rows[0][0] if rows else None

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
        if self.query("PRAGMA integrity_check")[0][0] != "ok":
            problems.append("integrity_check failed")
        return problems


def _watch_page(r: tuple) -> WatchPage:
    return WatchPage(*r[:6], date.fromisoformat(r[6]) if r[6] else None, *r[7:])


def _stored(r: tuple) -> StoredArticle:
    return StoredArticle(
        id=r[0],
        article=Article(
            doc_id=r[1],
            paragraphs=tuple(json.loads(r[2])),
            title=r[3],
            outlet=r[4],
            outlet_source=r[5],
            byline=r[6],
            published=date.fromisoformat(r[7]) if r[7] else None,
            published_source=r[8],
            dateline=r[9],
            url=r[10],
        ),
        duplicate_of=r[11],
        similarity=r[12],
    )
