"""Corpus mode end to end: `newsweave ingest`, `stories`, `show`, and a kill -9 mid-ingest."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import msgpack
import pytest
from conftest import EVALDATA, EXAMPLES, GULLS_OKAFOR, GULLS_VELDER, need
from typer.testing import CliRunner

import newsweave
from newsweave.cli import app
from newsweave.corpus import Ingestor
from newsweave.store import Store

STORY = EXAMPLES / "kestrelholm-fire"

FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Portvale Gazette</title>
<item><title>Harbour bridge to close for repairs</title>
<link>https://portvale-gazette.example/bridge</link>
<pubDate>Tue, 03 Mar 2026 09:00:00 GMT</pubDate>
<description><![CDATA[<p>PORTVALE — The city council voted 7-2 on Tuesday to close the Old Harbour
Bridge for six months of repairs after inspectors found corroded cables.</p>
<p>“We cannot wait for a collapse to act,” Mayor Ilse Marten said after the vote. She added that
ferries would run every 20 minutes while the bridge is shut.</p>
<p>The closure begins in March and will cost an estimated 14 million euros, according to the
council's transport office.</p>]]></description></item>
<item><title>Empty entry</title><link>https://portvale-gazette.example/empty</link></item>
</channel></rss>
"""

TRAM_HTML = """<!doctype html><html><head><title>Portvale trams to run all night</title>
<meta property="og:site_name" content="Portvale Evening Post"></head><body><article>
<h1>Portvale trams to run all night</h1>
<p>Portvale will run its trams through the night from June, the transport office said on
Thursday, after a two-year trial on the harbour line carried more than 300,000 late passengers.</p>
<p>Night trams will leave the central station every 30 minutes between midnight and 5 a.m. on
four lines, and fares will stay the same as during the day, the office said.</p>
<p>Councillor Teun Varga, who chairs the transport committee, said the service would cost about
2 million euros a year and would be paid for by higher parking charges in the city centre.</p>
</article></body></html>"""


def originals_per_story(store: Store) -> dict[str, int]:
    """story id -> its original (non-duplicate) articles: what the clusterer counts."""
    return dict(
        store.query(
            "SELECT m.story_id, count(*) FROM articles a JOIN story_members m "
            "ON m.article_id = a.id WHERE a.duplicate_of IS NULL GROUP BY m.story_id"
        )
    )


def run(*args: str):
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def write_warc(path, url: str, html: str) -> None:
    from io import BytesIO

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        for ctype, payload in (("text/html; charset=utf-8", html), ("image/png", "PNG")):
            headers = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
            record = writer.create_warc_record(
                url, "response", payload=BytesIO(payload.encode()), http_headers=headers
            )
            writer.write_record(record)


def republished(text: str) -> str:
    """A wire copy: new headline, last paragraph trimmed, one word in twenty changed."""
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    body = "\n\n".join(paragraphs[3:-1])  # drop byline, time and headline lines too
    words = body.split(" ")
    return " ".join("blaze" if i % 20 == 7 else w for i, w in enumerate(words))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("corpus")
    inbox = root / "inbox"
    inbox.mkdir()
    (inbox / "portvale.rss").write_text(FEED, encoding="utf-8")
    write_warc(inbox / "crawl.warc.gz", "https://portvale-post.example/trams", TRAM_HTML)
    wire = {
        "text": republished((STORY / "saltgate-observer.txt").read_text(encoding="utf-8")),
        "title": "Kestrelholm counts the cost of the Veldt Quay fire",
        "outlet": "Harbour Wire Service",
        "url": "https://harbour-wire.example/kestrelholm",
    }
    (inbox / "wire.jsonl").write_text(json.dumps(wire) + "\n", encoding="utf-8")
    db = root / "corpus.db"
    first = run("ingest", str(STORY), str(inbox), "--db", str(db), "--json")
    again = run("ingest", str(STORY), str(inbox), "--db", str(db), "--json")
    return db, first, again


def test_ingest_counts_new_duplicate_and_skipped(corpus):
    _, first, _ = corpus
    assert first.exit_code == 0, first.stderr
    summary = json.loads(first.stdout)
    assert summary["documents"] == 10
    assert (summary["new"], summary["duplicates"], summary["already_stored"]) == (7, 1, 0)
    assert {s["reason"] for s in summary["skipped"]} == {
        "feed entry has no content or summary",
        "not HTML (image/png, https://portvale-post.example/trams)",
    }
    assert summary["corpus"] == {"articles": 8, "duplicates": 1, "stories": 3}


def test_reingesting_adds_nothing(corpus):
    _, _, again = corpus
    summary = json.loads(again.stdout)
    assert (summary["new"], summary["duplicates"], summary["already_stored"]) == (0, 0, 8)
    assert len(summary["already_stored_ids"]) == 8  # each named, not only counted
    assert {Path(i).name for i in summary["already_stored_ids"]} >= {
        p.name for p in STORY.iterdir() if p.suffix == ".txt"
    }
    assert summary["corpus"] == {"articles": 8, "duplicates": 1, "stories": 3}


def test_stories_table_and_json(corpus):
    db, _, _ = corpus
    rows = json.loads(run("stories", "--db", str(db), "--json").stdout)
    by_headline = {r["headline"]: r for r in rows}
    fire = by_headline["Tank that exploded in Kestrelholm had missed its safety inspection"]
    # the wire copy is an article of the story but not a new source
    assert (fire["sources"], fire["articles"], fire["duplicates"]) == (5, 6, 1)
    assert (fire["first_seen"], fire["last_seen"]) == ("2026-04-20", "2026-04-21")
    bridge = by_headline["Harbour bridge to close for repairs"]
    assert (bridge["sources"], bridge["first_seen"]) == (1, "2026-03-03")
    assert "Portvale trams to run all night" in by_headline
    recent = json.loads(run("stories", "--db", str(db), "--since", "2026-04-01", "--json").stdout)
    assert "Harbour bridge to close for repairs" not in {r["headline"] for r in recent}
    table = run("stories", "--db", str(db)).stdout
    assert fire["id"] in table and "headline" in table


def test_show_briefing_with_also_published_by_and_cache(corpus):
    db, _, _ = corpus
    rows = json.loads(run("stories", "--db", str(db), "--json").stdout)
    fire = next(r for r in rows if r["articles"] == 6)
    result = run("show", fire["id"], "--db", str(db), "--format", "json")
    assert result.exit_code == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["story"] == fire["id"]
    assert len(record["sources"]) == 5
    assert "Harbour Wire Service" not in {s["outlet"] for s in record["sources"]}
    (copy,) = record["also_published_by"]
    assert copy["source"] == "Harbour Wire Service"
    assert copy["original_source"] == "Saltgate Observer"
    assert 0.4 <= copy["similarity"] < 1.0
    with Store(db) as store:
        assert store.query("SELECT story_id FROM story_records") == [(fire["id"],)]
    markdown = run("show", fire["id"], "--db", str(db)).stdout  # served from the cache
    assert markdown.startswith(f"*story {fire['id']}*")
    assert "## Also published by" in markdown
    assert "- Harbour Wire Service (" in markdown and "of Saltgate Observer" in markdown


def test_unknown_story_and_corrupt_database_are_clear_errors(corpus, tmp_path):
    db, _, _ = corpus
    result = run("show", "s-0000000000", "--db", str(db))
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"newsweave: error: no story, event or article 's-0000000000' in {db}: story ids are st-"
    )
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"\x00garbage" * 1000)
    result = run("stories", "--db", str(bad))
    assert result.exit_code == 1
    assert result.stderr.strip() == f"newsweave: error: not a newsweave database or corrupt: {bad}"
    assert "Traceback" not in result.output


# --- crash safety -----------------------------------------------------------------------------


def multinews_articles(target, count: int) -> None:
    """Short articles (first paragraphs of Multi-News passages), one file each."""
    path = need(EVALDATA / "multinews200" / "multi_news.jsonl")
    n = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        for passage in re.split(r"Passage \d+:\n", json.loads(line)["context"]):
            paragraphs = [p.strip() for p in passage.split("NEWLINE_CHAR") if len(p.strip()) > 80]
            if len(paragraphs) >= 3 and n < count:
                n += 1
                (target / f"{n:04d}.txt").write_text("\n\n".join(paragraphs[:4]), encoding="utf-8")
    assert n == count


def stored(db) -> tuple[set[str], int]:
    with Store(db) as store:
        hashes = {r[0] for r in store.query("SELECT content_hash FROM articles")}
        duplicates = store.counts()["duplicates"]
    return hashes, duplicates


def test_kill_9_mid_ingest_loses_nothing_committed_and_rerun_completes(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    multinews_articles(docs, 100)
    db = tmp_path / "killed.db"
    command = [
        sys.executable,
        "-m",
        "newsweave",
        "ingest",
        str(docs),
        "--db",
        str(db),
        "--batch-size",
        "4",
    ]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    count = 0
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if db.exists():
            try:
                conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
                count = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
                conn.close()
            except sqlite3.OperationalError:  # schema not created yet
                count = 0
        if count >= 12:
            break
        time.sleep(0.02)
    assert proc.poll() is None, "ingest finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()

    from newsweave.cluster import OnlineClusterer

    with Store(db) as store:
        assert store.check() == []
        originals = originals_per_story(store)
        total = store.counts()["articles"]
        # the clusterer state was committed with the articles it has seen: no half batch
        clusterer = OnlineClusterer.from_parts(*store.clusterer_parts())
        assert clusterer.stories == originals
    assert 12 <= total < 100

    rerun = run("ingest", str(docs), "--db", str(db), "--json")
    summary = json.loads(rerun.stdout)
    assert summary["already_stored"] == total
    clean = tmp_path / "clean.db"
    assert run("ingest", str(docs), "--db", str(clean), "--batch-size", "50").exit_code == 0
    assert stored(db) == stored(clean)
    assert len(stored(db)[0]) == summary["corpus"]["articles"]
    with Store(db) as store:
        assert store.check() == []


def test_store_from_an_earlier_clusterer_is_replayed_and_keeps_its_stories(corpus, tmp_path):
    import shutil
    import zlib

    from newsweave.cluster import STATE_VERSION
    from newsweave.corpus import Ingestor

    db = tmp_path / "old.db"
    shutil.copy(corpus[0], db)
    with Store(db) as store:
        data = msgpack.unpackb(store.clusterer_state())
        data["version"] = 2  # as an earlier newsweave left it: stories scored the old way
        with store.transaction():
            store.save_clusterer_state(zlib.compress(json.dumps(data).encode()))
        stories = {s.id: s.articles for s in store.stories()}
        replayed = Ingestor(store).clusterer
        originals = originals_per_story(store)
        assert replayed.stories == originals
    follow_up = tmp_path / "night-trams.jsonl"
    follow_up.write_text(
        json.dumps(
            {
                "title": "Night trams: Portvale drivers' union wants more staff",
                "outlet": "Portvale Courier",
                "text": "The drivers' union asked Portvale's transport office for forty more "
                "drivers before the night trams start in June. Councillor Teun Varga said the "
                "harbour line trial, with its 300,000 late passengers, showed the trams were "
                "needed, and that the 2 million euros a year from parking charges would pay "
                "for extra staff.",
            }
        )
        + "\n",
        encoding="utf-8",
    )
    result = run("ingest", str(follow_up), "--db", str(db), "--json")
    assert result.exit_code == 0, result.stderr
    summary = json.loads(result.stdout)
    assert (summary["new"], summary["stories"]["new"]) == (1, 0)
    with Store(db) as store:
        after = {s.id: s.articles for s in store.stories()}
        assert set(after) == set(stories)  # no story lost, the tram report joined its own
        assert sum(after.values()) == sum(stories.values()) + 1
        assert msgpack.unpackb(store.clusterer_state())["version"] == STATE_VERSION


def test_clusterer_state_is_saved_in_parts_across_runs(corpus, tmp_path):

    from newsweave.cluster import OnlineClusterer

    db = tmp_path / "parts.db"
    assert run("ingest", str(STORY), "--db", str(db), "--batch-size", "2").exit_code == 0
    with Store(db) as store:
        first = len(store.clusterer_parts()[1])
    inbox = corpus[0].parent / "inbox"  # the bridge, the trams and a wire copy of the fire
    assert run("ingest", str(inbox), "--db", str(db)).exit_code == 0
    with Store(db) as store:
        header, rows = store.clusterer_parts()
        clusterer = OnlineClusterer.from_parts(header, rows)
        originals = originals_per_story(store)
        assert store.check() == []
    # one row per clusterer story, the second run's new stories added to the first's
    assert (first, len(rows)) == (1, 3)
    assert msgpack.unpackb(header)["story_rows"] == len(rows)
    assert clusterer.stories == originals


def _article(name: str, title: str, text: str):
    from newsweave.model import Article

    return Article(name, tuple(text.split("\n\n")), title=title, outlet=name.split(".")[0])


BRIDGE = _article(
    "gazette.txt",
    "Harbour bridge to close for repairs",
    "The Portvale city council voted 7-2 on Tuesday to close the Old Harbour Bridge for six "
    "months of repairs after inspectors found corroded cables.\n\nFerries would run every 20 "
    "minutes while the bridge is shut, Mayor Ilse Marten said.",
)
TRAMS = _article(
    "post.txt",
    "Portvale trams to run all night",
    "Portvale will run its trams through the night from June, the transport office said, "
    "after a two-year trial on the harbour line carried more than 300,000 late passengers."
    "\n\nCouncillor Teun Varga said the service would cost about 2 million euros a year.",
)


@pytest.mark.parametrize("given", [False, True], ids=["restored", "given"])
def test_after_a_rolled_back_batch_the_next_save_has_every_story_the_store_lacks(
    tmp_path, monkeypatch, given
):
    from newsweave.cluster import OnlineClusterer
    from newsweave.corpus import Ingestor
    from newsweave.pipeline import extract

    fire = extract([STORY]).articles
    with Store(tmp_path / "corpus.db") as store:
        ingestor = Ingestor(store, clusterer=OnlineClusterer() if given else None)
        ingestor.add_batch(fire[:2])
        save = store.save_clusterer_parts

        def save_then_fail(*args):
            save(*args)
            raise RuntimeError("disk full")

        monkeypatch.setattr(store, "save_clusterer_parts", save_then_fail)
        with pytest.raises(RuntimeError, match="disk full"):
            ingestor.add_batch([BRIDGE, fire[2]])  # opens the bridge story
        monkeypatch.undo()
        ingestor.add_batch([TRAMS, fire[3]])
        saved = OnlineClusterer.from_parts(*store.clusterer_parts())
        assert saved.to_state() == ingestor.clusterer.to_state()
        assert store.check() == []
    # a given clusterer is kept as it was, rolled-back bridge included; a restored one is not
    assert len(saved.stories) == (3 if given else 2)


def test_a_whole_clusterer_state_is_split_into_parts_by_the_next_batch(tmp_path):
    from newsweave.cluster import OnlineClusterer
    from newsweave.corpus import Ingestor
    from newsweave.pipeline import extract

    fire = extract([STORY]).articles
    with Store(tmp_path / "corpus.db") as store:
        Ingestor(store).add_batch([*fire[:3], BRIDGE])
        whole = Ingestor(store).clusterer.to_state()
        with store.transaction():  # as a newsweave before states in parts left the store
            store.save_clusterer_state(whole)
            store.conn.execute("DELETE FROM clusterer_stories")
        resumed = Ingestor(store)
        assert resumed.clusterer.to_state() == whole
        resumed.add_batch([fire[3], TRAMS])
        header, rows = store.clusterer_parts()
        assert [row for row, _, _ in rows] == [0, 1, 2]  # the stories it kept are saved too
        assert OnlineClusterer.from_parts(header, rows).to_state() == resumed.clusterer.to_state()


def test_a_split_story_moves_its_articles_and_their_copies_in_the_store(tmp_path):
    from newsweave.cluster import ClusterSettings, OnlineClusterer
    from newsweave.corpus import Ingestor, IngestSummary

    velder = [_article(f"courier-{i}.txt", *r) for i, r in enumerate(GULLS_VELDER)]
    okafor = [_article(f"herald-{i}.txt", *r) for i, r in enumerate(GULLS_OKAFOR)]
    copy = dataclasses.replace(okafor[0], doc_id="wire.txt", outlet="wire")
    with Store(tmp_path / "corpus.db") as store:
        # a clusterer that joins anything puts one Velder and one Okafor report (and a
        # wire copy of the Okafor one) into one story ...
        careless = OnlineClusterer(ClusterSettings(threshold=-1e9, split_every=0))
        Ingestor(store, clusterer=careless).add_batch([velder[0], okafor[0], copy, velder[1]])
        (wrong,) = originals_per_story(store)
        # ... and the default clusterer, continuing from that state, splits it
        clusterer = OnlineClusterer.from_state(careless.to_state(), ClusterSettings())
        summary = IngestSummary()
        summary.add(Ingestor(store, clusterer=clusterer).add_batch([okafor[1]]))
        assert (summary.new_stories, summary.split_stories) == (1, 1)
        assert summary.to_dict()["stories"]["split"] == 1
        members = {
            story: sorted(
                doc
                for (doc,) in store.query(
                    "SELECT a.doc_id FROM story_members m JOIN articles a "
                    "ON a.id = m.article_id WHERE m.story_id = ?",
                    (story,),
                )
            )
            for story in originals_per_story(store)
        }
        split_off = next(story for story in members if story != wrong)
        assert members == {
            wrong: ["courier-0.txt", "courier-1.txt"],
            split_off: ["herald-0.txt", "herald-1.txt", "wire.txt"],  # the copy moved too
        }
        assert store.query("SELECT headline FROM stories WHERE id = ?", (split_off,)) == [
            (GULLS_OKAFOR[0][0],)
        ]
        assert store.check() == []


def test_store_follows_the_clusterer_through_merges_and_splits_on_ecbplus(tmp_path):
    """Six ECB+ topics whose two events are alike, fed in batches: the store's stories
    stay exactly the clusterer's, whatever merged or split (ECB+ is read, never copied)."""
    import random

    from newsweave.corpus import Ingestor, IngestSummary
    from newsweave.model import Article

    path = need(EVALDATA / "ecbplus" / "docs.jsonl")
    with path.open(encoding="utf-8") as stream:
        docs = [json.loads(line) for line in stream]
    docs = [d for d in docs if d["topic"] in (24, 25, 27, 28, 35, 37)]
    random.Random(3).shuffle(docs)
    articles = [Article(d["doc_id"], tuple(d["text"].split("\n"))) for d in docs]
    summary = IngestSummary()
    with Store(tmp_path / "corpus.db") as store:
        ingestor = Ingestor(store)
        for start in range(0, len(articles), 25):
            summary.add(ingestor.add_batch(articles[start : start + 25]))
        assert summary.split_stories >= 3 and summary.merged_stories >= 1
        assert originals_per_story(store) == ingestor.clusterer.stories
        assert store.check() == []
        # and a restarted ingestor reads the same stories back from the saved parts
        assert Ingestor(store).clusterer.stories == ingestor.clusterer.stories


def test_a_corrupt_clusterer_state_is_one_line_and_exit_code_1(tmp_path):
    db = tmp_path / "corpus.db"
    assert run("ingest", str(STORY), "--db", str(db)).exit_code == 0
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE clusterer_stories SET data = x'00112233' WHERE row = 0")
    result = run("ingest", str(STORY), "--db", str(db))
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "newsweave: error: cluster state story row 0 is not readable "
        "(Error -3 while decompressing data: incorrect header check)"
    ]


def test_add_batch_returns_what_it_did_with_each_article(tmp_path):
    from newsweave.corpus import Ingestor
    from newsweave.pipeline import extract

    fire = extract([STORY]).articles
    copy = dataclasses.replace(fire[0], doc_id="wire-copy.txt", outlet="Ardmoor Wire", url=None)
    with Store(tmp_path / "corpus.db") as store:
        ingestor = Ingestor(store)
        first = ingestor.add_batch([fire[0], copy, fire[1], fire[0]])
        original, duplicate, other, repeat = first.articles
        assert [a.status for a in first.articles] == ["new", "duplicate", "new", "already_stored"]
        assert [a.doc_id for a in first.articles] == [
            fire[0].doc_id,
            "wire-copy.txt",
            fire[1].doc_id,
            fire[0].doc_id,
        ]
        assert (duplicate.duplicate_of, duplicate.similarity) == (original.article_id, 1.0)
        assert (repeat.article_id, repeat.duplicate_of) == (original.article_id, None)
        (story,) = {a.story for a in first.articles}
        assert sorted(first.assignments) == sorted(
            [(original.article_id, story), (other.article_id, story)]
        )
        assert (first.opened, first.updated, first.splits, first.merges) == ((story,), (), (), ())
        assert store.members(story)[-1].id == duplicate.article_id  # duplicates listed last

        second = ingestor.add_batch([fire[2], fire[1]])
        assert [(a.status, a.story) for a in second.articles] == [
            ("new", story),
            ("already_stored", story),
        ]
        assert second.articles[1].article_id == other.article_id
        assert (second.opened, second.updated) == ((), (story,))
        assert store.counts() == {"articles": 4, "duplicates": 1, "stories": 1}
        assert store.check() == []


def test_story_record_is_cached_whole_and_rendered_three_ways(tmp_path):
    from newsweave import codec
    from newsweave.corpus import Ingestor, lookup_story, read_story
    from newsweave.model import StoryRecord
    from newsweave.pipeline import extract
    from newsweave.render import story_to_dict, story_to_json, story_to_markdown
    from newsweave.render.html import story_to_html

    fire = extract([STORY]).articles
    copy = dataclasses.replace(fire[0], doc_id="wire-copy.txt", outlet="Ardmoor Wire", url=None)
    with Store(tmp_path / "corpus.db") as store:
        batch = Ingestor(store).add_batch([*fire[:3], copy])
        story = batch.articles[0].story
        assert lookup_story(store, story).record is None  # nothing built yet
        record = read_story(store, story)
        assert isinstance(record, StoryRecord) and record.story == story
        assert len(record.briefing.sources) == 3  # built from the originals only
        (also,) = record.also_published_by
        assert (also.doc_id, also.source, also.similarity) == ("wire-copy.txt", "Ardmoor Wire", 1.0)
        assert (also.duplicate_of, also.original_source) == (fire[0].doc_id, fire[0].label)
        # one cached form, the whole record: read back equal, removed lines included
        assert lookup_story(store, story).record == record
        assert codec.loads(StoryRecord, codec.dumps(record)) == record
        assert store.query("SELECT count(*) FROM story_records") == [(1,)]

    markdown = story_to_markdown(record)
    assert markdown.startswith(f"*event {story}*\n\n# {record.briefing.sources[0].title}")
    assert markdown.endswith(
        f"## Also published by\n\n- Ardmoor Wire (wire-copy.txt) — exact copy of {fire[0].label}\n"
    )
    data = json.loads(story_to_json(record))
    assert data == story_to_dict(record)
    assert (data["story"], data["schema"], len(data["sources"])) == (
        story,
        "newsweave.briefing/1",
        3,
    )
    assert data["also_published_by"] == [
        {
            "id": "wire-copy.txt",
            "source": "Ardmoor Wire",
            "url": None,
            "published": fire[0].published.isoformat() if fire[0].published else None,
            "duplicate_of": fire[0].doc_id,
            "original_source": fire[0].label,
            "similarity": 1.0,
        }
    ]
    html = story_to_html(record)
    assert "Ardmoor Wire" in html and html.count('class="cite"') > 5


def test_a_linker_state_saved_as_zlib_json_is_still_read(tmp_path):
    """Linker rows are msgpack since 2026-12-03; a store written before (zlib JSON rows)
    restores the same linker without replaying it."""
    import zlib

    from test_developments import write_corpus

    db = tmp_path / "older.db"
    with Store(db) as store:
        ingestor = Ingestor(store)
        items = list(newsweave.pipeline.prepare_sources([write_corpus(tmp_path)]))
        ingestor.add_batch(items)
        in_memory = ingestor.linker.to_state()
    with Store(db) as store:
        header, articles, events, stories = store.linker_parts()
        assert header[:1] != b"\x78"  # written as msgpack now

        def older(blob: bytes) -> bytes:
            return zlib.compress(json.dumps(msgpack.unpackb(blob)).encode(), 1)

        with store.transaction():
            store.save_linker_parts(
                older(header),
                articles,
                [(i, older(d)) for i, d in events],
                [(i, older(d)) for i, d in stories],
                replace_all=True,
            )
    with Store(db) as store:
        assert store.linker_parts()[0][:1] == b"\x78"
        restored = Ingestor(store)
        assert restored._replayed is None  # read, not rebuilt from the articles
        mine = restored.linker.to_state()

    def rows(state):  # rows compared as sets: a row keeps its place, not its order
        return {
            k: sorted(json.dumps(r, sort_keys=True) for r in v) if k in ("events", "stories") else v
            for k, v in json.loads(json.dumps(state)).items()
        }

    assert rows(mine) == rows(in_memory)
