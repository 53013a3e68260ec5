"""Developing stories in the product: the store's two levels (events, stories), the writer
linking events as it stores them, the upgrade of a store in place, `check`, the CLI
on our fictional dam story."""

from __future__ import annotations

import datetime
import json
import sqlite3
from pathlib import Path

import pytest
from test_stories import DAM, DAY0, FLOOD, RESIGNATION, UNDATED

import newsweave
from newsweave.corpus import Ingestor
from newsweave.store import Store

TITLES = [
    "Velmora dam gives way above Kerrowick",
    "Kerrowick under water after Velmora dam breaks",
    "Velmora flood toll reaches 41 as rescues end",
    "Inquiry into Velmora dam collapse opens in Drumholt",
    "Water board engineer arrested over Velmora dam",
]
OUTLETS = ["Aldane Courier", "Drumholt Herald", "Valley Post", "Aldane Courier", "Valley Post"]


def _line(day: int | None, text: str, title: str, outlet: str, url: str) -> str:
    record = {"text": text, "title": title, "outlet": outlet, "url": url}
    if day is not None:
        record["published"] = (DAY0 + datetime.timedelta(days=day)).isoformat()
    return json.dumps(record)


def write_corpus(folder: Path) -> Path:
    """The dam story (five articles over 24 days, one undated), a flood elsewhere."""
    lines = [
        _line(day, text, TITLES[i], OUTLETS[i], f"https://news.example/dam/{i}")
        for i, (day, text) in enumerate(DAM)
    ]
    lines.insert(
        2,
        _line(
            FLOOD[0][0],
            FLOOD[0][1],
            "Saltmere floods as Brannoch bursts its banks",
            "Coast Gazette",
            "https://news.example/flood/0",
        ),
    )
    path = folder / "dam.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def undated_line(folder: Path) -> Path:
    path = folder / "later.jsonl"
    record = {
        "text": UNDATED,
        "title": "Kerrowick mourns its flood dead",
        "outlet": "Valley Post",
        "url": "https://news.example/dam/funerals",
    }
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def dam_db(tmp_path):
    db = tmp_path / "dam.db"
    with Store(db) as store:
        newsweave.ingest([write_corpus(tmp_path)], store, batch_size=2)
    return db


def _dam_story(store: Store):
    return next(s for s in store.developing_stories() if s.events > 1)


def test_events_are_linked_into_a_developing_story_in_time_order(dam_db):
    with Store(dam_db) as store:
        assert store.check() == []
        stories = store.developing_stories()
        assert len(stories) == 2
        dam = _dam_story(store)
        assert dam.headline == TITLES[0]
        assert (dam.first_seen, dam.last_seen) == ("2026-03-02", "2026-03-26")
        assert dam.languages == ("en",)
        events = store.story_events([dam.id])
        assert [e.first_published for e in events] == [
            "2026-03-02",
            "2026-03-10",
            "2026-03-18",
            "2026-03-26",
        ]
        assert events[0].articles == 2 and events[0].headline == TITLES[0]
        (flood,) = [s for s in stories if s.id != dam.id]
        assert flood.events == 1 and flood.headline.startswith("Saltmere")
        # every new original has its join and reason
        joins = [store.story_join(i) for i in range(1, 7)]
        assert all(j is not None for j in joins)
        arrest = next(j for j in joins if j and j.event == events[-1].id)
        assert not arrest.opened and arrest.score is not None
        assert "velmora" in arrest.shared and set(arrest.features) >= {"recency", "names"}


def test_linker_state_in_parts_continues_exactly_as_the_linker_in_memory(tmp_path):
    db = tmp_path / "parts.db"
    with Store(db) as store:
        ingestor = Ingestor(store)
        items = list(newsweave.pipeline.prepare_sources([write_corpus(tmp_path)]))
        for start in range(0, len(items), 2):
            ingestor.add_batch(items[start : start + 2])
        in_memory = ingestor.linker.to_state()
    with Store(db) as store:
        restored = Ingestor(store).linker.to_state()

    def rows(state):
        return {
            k: sorted(map(json.dumps, v)) if k in ("events", "stories") else v
            for k, v in state.items()
        }

    assert rows(json.loads(json.dumps(restored))) == rows(json.loads(json.dumps(in_memory)))


def test_the_next_article_joins_the_stored_story_across_runs(dam_db, tmp_path):
    with Store(dam_db) as store:
        dam = _dam_story(store)
        summary = newsweave.ingest([undated_line(tmp_path)], store)
        assert store.check() == []
        ((later,),) = store.query("SELECT max(id) FROM articles")
        join = store.story_join(later)
        assert join is not None
        live = store.resolve_developing_story(join.story)
        assert live == store.resolve_developing_story(dam.id)
        assert summary.opened_stories == 0


def test_check_finds_a_linker_state_behind_the_tables(dam_db):
    with Store(dam_db) as store:
        store.conn.execute("UPDATE linker_state SET articles = articles - 1")
        assert any("story linker state behind" in p for p in store.check())
        store.conn.execute("UPDATE linker_state SET articles = articles + 1")
        store.conn.execute("DELETE FROM story_joins WHERE article_id = 1")
        problems = store.check()
        assert any("the story linker has not seen" in p for p in problems)
        store.conn.execute("UPDATE clusterer_state SET articles = articles + 1")
        assert any("clusterer state behind" in p for p in store.check())


# An invented story that has nothing to do with the dam.
CHESS = {
    "title": "Teenager takes the Orlin chess crown",
    "outlet": "Drumholt Herald",
    "url": "https://news.example/chess/1",
    "published": "2026-03-28",
    "text": (
        "Mira Tolvay, 16, became the youngest Orlin chess champion on Sunday, beating the "
        "title holder in the ninth and final round, the national chess federation said. "
        "She had lost only one game in the tournament."
    ),
}


def test_check_finds_a_clusterer_state_left_behind_by_a_second_writer(tmp_path):
    """Two writers on one store (what the writer lease prevents): the second saves a
    clusterer state that never saw the first one's articles or stories."""
    db = tmp_path / "two.db"
    items = list(newsweave.pipeline.prepare_sources([write_corpus(tmp_path)]))
    with Store(db) as first, Store(db) as second:
        one, two = Ingestor(first), Ingestor(second)  # both load the same (empty) state
        one.add_batch(items[:3])
        two.add_batch(items[3:])
    with Store(db) as store:
        (made,) = store.query("SELECT count(*) FROM stories")[0]
        (known,) = store.query("SELECT count(*) FROM clusterer_stories")[0]
        assert known < made
        problems = store.check()
        assert "clusterer state behind the tables: it has seen 3 of 6 clustered articles" in (
            problems
        )
        assert (
            f"clusterer state behind the stories table: it knows {known} of {made} stories"
            in problems
        )


def test_check_finds_an_older_clusterer_state_put_back(dam_db, tmp_path):
    """A state copied back from before the last ingest knows fewer stories than the table."""
    with Store(dam_db) as store:
        saved = store.clusterer_parts()
        (articles,) = store.query("SELECT articles FROM clusterer_state")[0]
    with Store(dam_db) as store:
        chess = tmp_path / "chess.jsonl"
        chess.write_text(json.dumps(CHESS) + "\n", encoding="utf-8")
        assert newsweave.ingest([chess], store).new == 1
        # the new article opened a story of its own: the table has one story more
        header, rows = saved
        store.save_clusterer_parts(header, len(rows), rows)
        store.set_clusterer_articles(articles)
        store.conn.commit()
    with Store(dam_db) as store:
        (made,) = store.query("SELECT count(*) FROM stories")[0]
        assert store.check() == [
            f"clusterer state behind the stories table: it knows {made - 1} of {made} stories",
            "clusterer state behind the tables: it has seen 6 of 7 clustered articles",
        ]


def _downgrade_to_7(db: Path) -> None:
    """The store as newsweave before developing stories left it (schema 7)."""
    conn = sqlite3.connect(db)
    for table in (
        "developing_stories",
        "story_events",
        "story_joins",
        "linker_state",
        "linker_events",
        "linker_stories",
    ):
        conn.execute(f"DROP TABLE {table}")
    conn.execute("ALTER TABLE clusterer_state DROP COLUMN articles")
    conn.execute("DELETE FROM schema_migrations WHERE version >= 8")
    conn.execute("PRAGMA user_version = 7")
    conn.commit()
    conn.close()


def test_an_existing_store_is_upgraded_in_place_each_event_its_own_story(dam_db, tmp_path):
    with Store(dam_db) as store:
        events = {s.id for s in store.stories()}
    _downgrade_to_7(dam_db)
    with Store(dam_db) as store:
        assert store.check() == []
        upgraded = store.developing_stories()
        assert {s.id for s in upgraded} == {"st-" + e.removeprefix("s-") for e in events}
        assert all(s.events == 1 for s in upgraded)
        # the next ingest replays the linker over the stored articles, then links the new
        newsweave.ingest([undated_line(tmp_path)], store)
        assert store.check() == []
        assert store.query("SELECT count(*) FROM story_joins") == [(7,)]
        assert len(store.developing_stories()) <= len(upgraded)
        first = store.event_placement(sorted(events)[0])
        assert first is not None and first.via == "upgrade"


def test_a_story_split_by_the_linker_moves_its_events_in_the_store(tmp_path):
    from dataclasses import replace

    from newsweave.stories import DEFAULT_STORY_SETTINGS, StoryLinker

    with Store(tmp_path / "split.db") as store:
        ingestor = Ingestor(store)
        # every event joins its best candidate (the flood joins the dam story on
        # "rescue" and "crews"), and a story of 4 events is tested for a split
        ingestor.linker = StoryLinker(
            replace(DEFAULT_STORY_SETTINGS, threshold=-50.0, competition=0.0, split_bar=0.08)
        )
        items = list(newsweave.pipeline.prepare_sources([write_corpus(tmp_path)]))
        for start in range(0, len(items), 2):
            ingestor.add_batch(items[start : start + 2])
        flood = store.story_join(3)  # the flood article, third in the corpus
        assert flood is not None and not flood.opened
        dam = store.story_join(1)
        assert dam is not None and dam.opened
        assert flood.story == dam.story  # it joined the dam story ...
        placed = {event: story for event, story, *_ in store.query("SELECT * FROM story_events")}
        assert placed[flood.event] != dam.story  # ... and the split took it out
        assert placed[flood.event] in ingestor.linker.stories
        assert len(ingestor.linker.stories[placed[dam.event]]) == 4
        assert store.check() == []


def test_a_small_story_placed_again_moves_its_event_in_the_store(tmp_path):
    from dataclasses import replace

    from newsweave.stories import DEFAULT_STORY_SETTINGS, StoryLinker

    lines = [
        _line(day, text, TITLES[i], OUTLETS[i], f"https://news.example/dam/{i}")
        for i, (day, text) in enumerate(DAM[:4])
    ]
    resign = _line(
        *RESIGNATION, "Water board engineer resigns", "Valley Post", "https://news.example/r"
    )
    flood = _line(*FLOOD[0], "Saltmere floods", "Coast Gazette", "https://news.example/flood/0")
    path = tmp_path / "resign.jsonl"
    path.write_text("\n".join([*lines[:2], resign, *lines[2:], flood]) + "\n", encoding="utf-8")
    with Store(tmp_path / "retry.db") as store:
        ingestor = Ingestor(store)
        ingestor.linker = StoryLinker(
            replace(DEFAULT_STORY_SETTINGS, retry_first=3, reattach_articles=0)
        )
        for item in newsweave.pipeline.prepare_sources([path]):
            ingestor.add_batch([item])
        # the flood's article placed the resignation's story again, into the dam story:
        # the store moved its event there, though the flood's own story is another
        resignation, flood_join = store.story_join(3), store.story_join(6)
        assert resignation is not None and resignation.opened
        assert flood_join is not None and flood_join.story != store.story_join(1).story
        placed = {event: story for event, story, *_ in store.query("SELECT * FROM story_events")}
        dam = store.story_join(1).story
        assert placed[resignation.event] == dam
        assert store.resolve_developing_story(resignation.story) == dam
        assert store.check() == []
