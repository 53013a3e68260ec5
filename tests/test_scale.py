"""Ingest on Dask (`newsweave.scale.dask`): same store as a local run, and a killed worker."""

from __future__ import annotations

import json
import os
import re
import signal
import sys
import threading
import time
from datetime import date, timedelta

import pytest
from conftest import EVALDATA, EXAMPLES, need
from typer.testing import CliRunner

from newsweave.cli import app
from newsweave.corpus import ingest
from newsweave.scale import dask as scale
from newsweave.store import Store

# Fictional outlets for the test corpus (the texts are Multi-News passages from ../shared).
OUTLETS = ["Ardmoor Herald", "Belcastle Wire", "Corrin Post", "Dunmere Ledger"]


def write_corpus(root, clusters: int) -> list[str]:
    """A JSON Lines archive of Multi-News passages plus wire re-publications, and a folder.

    Each Multi-News cluster becomes one story's week; about one article in six is
    re-published by another outlet with a word changed, so de-duplication has work.
    """
    path = need(EVALDATA / "multinews200" / "multi_news.jsonl")
    records = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines()[:clusters]):
        day = date(2025, 3, 1) + timedelta(days=(n * 5) % 60)
        for k, passage in enumerate(re.split(r"Passage \d+:\n", json.loads(line)["context"])):
            paragraphs = [p.strip() for p in passage.split("NEWLINE_CHAR") if len(p.strip()) > 80]
            if len(paragraphs) < 2:
                continue
            text = "\n\n".join(paragraphs[:5])
            record = {
                "text": text,
                "title": paragraphs[0][:70],
                "outlet": OUTLETS[k % 4],
                "published": (day + timedelta(days=k % 3)).isoformat(),
            }
            records.append(json.dumps(record))
            if len(records) % 6 == 0:
                copy = record | {
                    "outlet": "Eskvale Gazette",
                    "text": text.replace(" the ", " a ", 1),
                }
                records.append(json.dumps(copy))
    records.insert(7, "{not json")
    archive = root / "archive.jsonl"
    archive.write_text("\n".join(records) + "\n", encoding="utf-8")
    folder = root / "folder"
    folder.mkdir()
    for example in sorted((EXAMPLES / "kestrelholm-fire").iterdir()):
        (folder / example.name).write_bytes(example.read_bytes())
    (folder / "notes.pdf").write_bytes(b"%PDF-1.4")
    return [str(archive), str(folder), str(root / "missing.txt")]


def snapshot(db) -> tuple[list[tuple], list[tuple]]:
    """Every article in storage order with its duplicate link and story, and every story."""
    with Store(db) as store:
        assert store.check() == []
        articles = store.query(
            "SELECT a.id, a.doc_id, a.content_hash, d.content_hash, a.similarity, m.story_id "
            "FROM articles a LEFT JOIN articles d ON d.id = a.duplicate_of "
            "LEFT JOIN story_members m ON m.article_id = a.id ORDER BY a.id"
        )
        stories = store.query("SELECT id, merged_into, headline FROM stories ORDER BY id")
    return articles, stories


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("scale")
    paths = write_corpus(root, clusters=20)
    with Store(root / "local.db") as store:
        summary = ingest(paths, store, batch_size=16)
    return root, paths, summary, snapshot(root / "local.db")


@pytest.fixture(scope="module")
def client():
    distributed = pytest.importorskip("distributed")
    cluster = scale.local_cluster(2, dashboard_address=":0", memory_limit="2GB")
    with distributed.Client(cluster) as client:
        yield client
    cluster.close()


def test_dask_without_the_extra_is_a_one_line_error(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if not installed
    args = ["ingest", str(EXAMPLES / "kestrelholm-fire"), "--db", str(tmp_path / "c.db"), "--dask"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1
    assert result.stderr == (
        "newsweave: error: --dask needs dask.distributed; run: pip install 'newsweave[dask]'\n"
    )


def test_plan_keeps_input_order_and_slices_big_jsonl(tmp_path, monkeypatch):
    monkeypatch.setattr(scale, "_SPLIT_BYTES", 100)
    big = tmp_path / "big.jsonl"
    big.write_text("".join(f'{{"text": "line {n}"}}\n' for n in range(1, 8)), encoding="utf-8")
    (tmp_path / "a.txt").write_text("short", encoding="utf-8")
    parts = list(scale.plan([str(tmp_path / "a.txt"), str(big), "nowhere.txt"], articles=3))
    assert [(p.files, p.start_line, p.lines) for p in parts[:4]] == [
        ((str(tmp_path / "a.txt"),), 1, None),
        ((str(big),), 1, 3),
        ((str(big),), 4, 3),
        ((str(big),), 7, 1),
    ]
    assert parts[4].doc_id == "nowhere.txt"
    items = list(scale.read_partition(parts[2], None))
    assert [(d.doc_id, d.text) for d in items] == [
        (f"{big}:4", "line 4"),
        (f"{big}:5", "line 5"),
        (f"{big}:6", "line 6"),
    ]


def test_dask_ingest_equals_local_ingest(corpus, client, monkeypatch):
    root, paths, local_summary, local = corpus
    monkeypatch.setattr(scale, "_SPLIT_BYTES", 1000)  # slice the archive into line ranges
    parts = [p for p in scale.plan(paths, articles=9) if isinstance(p, scale.Partition)]
    assert sum(p.lines is not None for p in parts) > 5  # the archive was cut into slices
    with Store(root / "dask.db") as store:
        summary = scale.ingest_dask(
            paths, store, client=client, batch_size=16, articles_per_task=9, window=3
        )
    assert summary.to_dict() == local_summary.to_dict()
    assert summary.new >= 45 and summary.duplicates >= 8
    reasons = {s.doc_id.rsplit("/", 1)[-1]: s.reason for s in summary.skipped}
    assert reasons["archive.jsonl:8"].startswith("invalid JSON")
    assert reasons["notes.pdf"] == "unsupported file type '.pdf'"
    assert reasons["missing.txt"] == "no such file or directory"
    assert snapshot(root / "dask.db") == local
    articles, _ = local
    assert len({a[5] for a in articles}) < summary.new - 10  # articles joined stories


def test_killed_worker_loses_and_duplicates_nothing(corpus, client):
    root, paths, _, local = corpus
    db = root / "killed.db"
    committed = threading.Event()
    victims: list[int] = []

    def kill_a_busy_worker() -> None:
        """After the first commit, SIGKILL a worker running tasks or holding unread results."""
        committed.wait(60)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            held = client.has_what()
            for worker, running in client.processing().items():
                keys = set(running) | set(held.get(worker, ()))
                if keys:
                    pid = client.run(os.getpid, workers=[worker])[worker]
                    os.kill(pid, signal.SIGKILL)
                    victims.append((pid, len(keys)))
                    return
            time.sleep(0.005)

    killer = threading.Thread(target=kill_a_busy_worker)
    killer.start()
    try:
        with Store(db) as store:
            scale.ingest_dask(
                paths,
                store,
                client=client,
                batch_size=16,
                articles_per_task=4,
                window=4,
                progress=lambda _: committed.set(),
            )
    finally:
        committed.set()
        killer.join()
    assert victims, "no worker was seen with a task in flight"
    pid, lost = victims[0]
    assert lost >= 1
    assert pid not in client.run(os.getpid).values()  # the nanny started a new one
    assert snapshot(db) == local


def developing(db) -> tuple[list[tuple], list[tuple]]:
    """Every event's story and every join with its score and features, as stored."""
    with Store(db) as store:
        events = store.query("SELECT * FROM story_events ORDER BY event_id")
        joins = store.query("SELECT * FROM story_joins ORDER BY article_id")
    return events, joins


def test_quiet_records_rest_in_the_store_with_the_same_answers(corpus, monkeypatch):
    """Issue 19: with every quiet story and event dropped from memory after each batch
    (a horizon of 0 originals), the store ends as the in-memory ingest left it: the
    resting ones were read back whenever an article needed them."""
    from newsweave.cluster.resting import is_resting
    from newsweave.corpus import writer
    from newsweave.pipeline import prepare_sources

    root, paths, local_summary, local = corpus
    monkeypatch.setattr(writer, "REST_IDLE", 0)
    monkeypatch.setattr(writer, "REST_EVERY", 1)
    with Store(root / "resting.db") as store:
        ingestor = writer.Ingestor(store)
        summary = writer.ingest_items(prepare_sources(paths), ingestor, batch_size=16)
        clusterer, linker = ingestor.clusterer, ingestor.linker
        assert clusterer.resting >= 10 and clusterer.reloaded >= 5
        events = [linker._events[e] for es in linker.stories.values() for e in es]
        assert sum(map(is_resting, events)) >= 10
    assert summary.to_dict() == local_summary.to_dict()
    assert snapshot(root / "resting.db") == local
    assert developing(root / "resting.db") == developing(root / "local.db")
