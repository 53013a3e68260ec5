"""The SQLite store: schema, migrations, atomic batches, clear errors on bad files."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from newsweave.errors import (
    CorruptDatabaseError,
    DatabaseLockedError,
    StoreError,
    UnknownStoryError,
)
from newsweave.model import Article
from newsweave.store import SCHEMA_VERSION, Store, content_hash, text_hash

BRIDGE = Article(
    doc_id="portvale-gazette.txt",
    paragraphs=(
        "The city council voted 7-2 on Tuesday to close the Old Harbour Bridge for six months.",
        "Ferries will run every 20 minutes while the bridge is shut.",
    ),
    title="Harbour bridge to close for repairs",
    outlet="Portvale Gazette",
    published=date(2026, 3, 3),
)


def add(store: Store, article: Article, story: str) -> int:
    article_id = store.add_article(
        article,
        raw_text=article.text,
        chash=content_hash(article),
        thash=text_hash(article),
        minhash=None,
    )
    store.add_member(article_id, story, article.title)
    return article_id


def test_new_database_is_migrated_and_in_wal_mode(tmp_path):
    with Store(tmp_path / "corpus.db") as store:
        assert store.query("PRAGMA journal_mode") == [("wal",)]
        assert store.query("PRAGMA user_version") == [(SCHEMA_VERSION,)]
        assert store.query("SELECT version FROM schema_migrations") == [
            (n,) for n in range(1, SCHEMA_VERSION + 1)
        ]
        tables = {r[0] for r in store.query("SELECT name FROM sqlite_master WHERE type='table'")}
        assert {
            "outlets",
            "articles",
            "stories",
            "story_members",
            "clusterer_state",
            "clusterer_stories",
            "story_records",
            "annotations",
            "schema_migrations",
        } <= tables
    with Store(tmp_path / "corpus.db") as store:  # reopening migrates nothing twice
        assert store.query("SELECT count(*) FROM schema_migrations") == [(SCHEMA_VERSION,)]


def test_articles_round_trip_and_content_hash_is_unique(tmp_path):
    with Store(tmp_path / "corpus.db") as store:
        with store.transaction():
            add(store, BRIDGE, "s-bridge")
        (stored,) = store.members("s-bridge")
        assert stored.article == BRIDGE
        assert store.has_content(content_hash(BRIDGE))
        # a failed write is one StoreError naming the file, and the transaction is undone
        unique = "UNIQUE constraint failed: articles.content_hash"
        with pytest.raises(StoreError, match=unique), store.transaction():
            add(store, BRIDGE, "s-bridge")
        assert store.counts() == {"articles": 1, "duplicates": 0, "stories": 1}
        assert store.check() == []


def test_a_failed_batch_leaves_nothing_behind(tmp_path):
    with Store(tmp_path / "corpus.db") as store:
        with pytest.raises(RuntimeError), store.transaction():
            add(store, BRIDGE, "s-bridge")
            store.save_clusterer_state(b"state")
            raise RuntimeError("crash mid-batch")
        assert store.counts() == {"articles": 0, "duplicates": 0, "stories": 0}
        assert store.clusterer_state() is None


def test_clusterer_parts_replace_changed_rows_and_drop_rows_past_the_count(tmp_path):
    with Store(tmp_path / "corpus.db") as store:
        assert store.clusterer_parts() == (None, [])
        with store.transaction():
            store.save_clusterer_parts(
                b"h1", 3, [(0, b"a", None), (1, b"b", None), (2, b"c", b"e")]
            )
        with store.transaction():
            store.save_clusterer_parts(b"h2", 3, [(1, b"B", None)])
        assert store.clusterer_parts() == (
            b"h2",
            [(0, b"a", None), (1, b"B", None), (2, b"c", b"e")],
        )
        assert store.check() == []
        with pytest.raises(RuntimeError), store.transaction():
            store.save_clusterer_parts(b"h3", 1, [(0, b"A", None)])
            raise RuntimeError("crash mid-batch")
        assert store.clusterer_parts()[0] == b"h2"  # rolled back with the batch
        with store.transaction():
            store.save_clusterer_parts(b"h3", 1, [(0, b"A", None)])
        assert store.clusterer_parts() == (b"h3", [(0, b"A", None)])
        with store.transaction():
            store.conn.execute("INSERT INTO clusterer_stories VALUES (5, x'00', NULL)")
        assert store.check() == ["clusterer story rows have gaps (2 rows up to row 5)"]


def test_schema_2_database_keeps_its_whole_clusterer_state_when_migrated(tmp_path):
    from newsweave.store import APPLICATION_ID, MIGRATIONS, _statements

    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied TEXT)")
    for number, script in enumerate(MIGRATIONS[:2], start=1):
        for statement in _statements(script):
            conn.execute(statement)
        conn.execute("INSERT INTO schema_migrations VALUES (?, '2026-01-01')", (number,))
    conn.execute("INSERT INTO clusterer_state VALUES (1, x'5354415445', '2026-01-01')")
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute("PRAGMA user_version = 2")
    conn.close()
    with Store(path) as store:
        assert store.query("SELECT max(version) FROM schema_migrations") == [(SCHEMA_VERSION,)]
        assert store.clusterer_parts() == (b"STATE", [])
        assert store.check() == []


def test_merged_story_redirects_to_the_story_it_joined(tmp_path):
    other = Article("ferry.txt", ("Ferries will replace the Old Harbour Bridge for six months.",))
    with Store(tmp_path / "corpus.db") as store:
        with store.transaction():
            add(store, BRIDGE, "s-bridge")
            add(store, other, "s-ferry")
            store.merge_stories("s-bridge", ["s-ferry"])
        assert store.resolve_story("s-ferry") == "s-bridge"
        assert [s.id for s in store.stories()] == ["s-bridge"]
        assert store.stories()[0].articles == 2
        assert store.check() == []
        with pytest.raises(UnknownStoryError, match="no story 's-nope'"):
            store.resolve_story("s-nope")


def test_corrupt_file_gives_a_clear_error(tmp_path):
    path = tmp_path / "corpus.db"
    path.write_bytes(b"this is not a database at all " * 200)
    with pytest.raises(
        CorruptDatabaseError, match="not a newsweave database or corrupt: .*corpus.db"
    ):
        Store(path)


def test_another_programs_database_is_refused(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (id INTEGER)")
    conn.commit()
    conn.close()
    with pytest.raises(CorruptDatabaseError, match="not a newsweave database"):
        Store(path)


def test_locked_database_gives_a_clear_error(tmp_path):
    path = tmp_path / "corpus.db"
    Store(path).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with (
            Store(path, timeout=0.1) as store,
            pytest.raises(
                DatabaseLockedError,
                match="database is locked by another process: .*corpus.db",
            ),
            store.transaction(),
        ):
            pass
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_batch_lookups_answer_for_many_keys_at_once(tmp_path):
    copy = Article(doc_id="ardmoor-wire.txt", paragraphs=BRIDGE.paragraphs, outlet="Ardmoor Wire")
    with Store(tmp_path / "corpus.db") as store:
        with store.transaction():
            first = add(store, BRIDGE, "s-bridge")
            second = store.add_article(
                copy,
                raw_text=None,
                chash=content_hash(copy),
                thash=text_hash(copy),
                minhash=None,
                duplicate_of=first,
                similarity=1.0,
            )
        links = store.with_content([content_hash(BRIDGE), content_hash(copy), "no-such-hash"])
        assert {h: (link.id, link.duplicate_of, link.similarity) for h, link in links.items()} == {
            content_hash(BRIDGE): (first, None, None),
            content_hash(copy): (second, first, 1.0),
        }
        # both copies share the text hash: the first copy's original answers
        assert store.originals_with_text([text_hash(BRIDGE), "other"]) == {text_hash(BRIDGE): first}
        assert store.stories_of([first, second]) == {first: "s-bridge"}  # the copy is in none
        assert store.content_hashes([second]) == {second: content_hash(copy)}


def test_long_key_lists_are_looked_up_in_chunks(tmp_path):
    with Store(tmp_path / "corpus.db") as store:
        with store.transaction():
            article_id = add(store, BRIDGE, "s-bridge")
        keys = [f"h{n}" for n in range(1200)] + [content_hash(BRIDGE)]  # three chunks of 500
        assert set(store.with_content(keys)) == {content_hash(BRIDGE)}
        assert store.stories_of(range(article_id, article_id + 1200)) == {article_id: "s-bridge"}


def test_no_sql_outside_the_store():
    from pathlib import Path

    import newsweave

    root = Path(newsweave.__file__).parent
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if path.name != "store.py"
        and any(call in path.read_text() for call in (".execute(", ".executemany(", "store.query("))
    ]
    assert offenders == []
