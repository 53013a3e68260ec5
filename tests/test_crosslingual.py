"""Cross-lingual stories (`--cross-lingual`): reports of one event in several languages
form one story, on our own fictional reports (bench/data/crosslingual); off by default."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from conftest import ROOT
from typer.testing import CliRunner

from newsweave.cli import app
from newsweave.cluster import DEFAULT_SETTINGS, ClusterInput, OnlineClusterer
from newsweave.cluster.features import CROSS_LINGUAL_FLOOR, calibrated

REPORTS = ROOT / "bench" / "data" / "crosslingual" / "reports.jsonl"
ON = DEFAULT_SETTINGS.with_cross_lingual()


def reports() -> dict[str, dict]:
    lines = REPORTS.read_text(encoding="utf-8").splitlines()
    return {d["id"]: d for d in map(json.loads, lines)}


def as_text(folder: Path, *ids: str) -> list[str]:
    """The reports as plain-text scrapes (headline, blank line, body), one file each."""
    docs, paths = reports(), []
    for doc_id in ids:
        path = folder / f"{doc_id}.txt"
        path.write_text(f"{docs[doc_id]['title']}\n\n{docs[doc_id]['text']}\n", encoding="utf-8")
        paths.append(str(path))
    return paths


def item(doc_id: str) -> ClusterInput:
    d = reports()[doc_id]
    return ClusterInput(doc_id, d["title"], d["text"], None, language=d["language"])


def run(*args: str):
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def test_switch_is_off_by_default_and_the_encoder_never_loads():
    assert not DEFAULT_SETTINGS.cross_lingual
    assert DEFAULT_SETTINGS.weight("cross_lingual") == DEFAULT_SETTINGS.weight("cross_names") == 0
    assert ON.cross_lingual and not ON.embeds  # MiniLM stays off; e5 embeds the leads

    def refuse(texts):
        raise AssertionError("no encoder may run with the switch off")

    clusterer = OnlineClusterer(encode=refuse)
    placed = clusterer.add_many([item("t1-en"), item("t1-de")])
    assert placed[0].story_id != placed[1].story_id  # two languages, two stories


def test_calibration_counts_only_above_the_floor():
    cos = np.array([0.70, CROSS_LINGUAL_FLOOR, 0.92, 1.0])
    out = calibrated(cos)
    assert out[0] == out[1] == 0.0 and out[3] == 1.0
    assert out[2] == pytest.approx((0.92 - CROSS_LINGUAL_FLOOR) / (1 - CROSS_LINGUAL_FLOOR))


def test_one_event_in_three_languages_is_one_story_and_a_lookalike_is_not():
    clusterer = OnlineClusterer(ON)
    # the Ravensholt flood in English, German, Polish; another town's flood the same
    # week in German (Kaltenbrück) and in English (Marrowby)
    ids = ["t1-en", "d11-de", "t1-de", "d1-en", "t1-pl"]
    placed = dict(zip(ids, clusterer.add_many([item(i) for i in ids]), strict=True))
    story = placed["t1-en"].story_id
    assert placed["t1-de"].story_id == placed["t1-pl"].story_id == story
    assert placed["d11-de"].story_id != story and placed["d1-en"].story_id != story
    assert placed["d11-de"].story_id != placed["d1-en"].story_id
    assert sorted(clusterer.stories.values()) == [1, 1, 3]


def test_state_keeps_languages_and_continues():
    clusterer = OnlineClusterer(ON)
    first = clusterer.add_many([item("t2-en"), item("t2-es")])
    assert first[0].story_id == first[1].story_id
    restored = OnlineClusterer.from_state(clusterer.to_state())
    assert restored.settings.cross_lingual
    assert restored.add(item("t2-fr")).story_id == first[0].story_id


def test_brief_cli_one_story_across_languages_only_with_the_switch(tmp_path):
    paths = as_text(tmp_path, "t1-de", "t1-en")
    off = run("brief", *paths, "--format", "json")
    assert off.exit_code == 1
    assert "the input holds 2 stories" in off.stderr
    on = run("brief", *paths, "--format", "json", "--cross-lingual")
    assert on.exit_code == 0, on.stderr
    briefing = json.loads(on.stdout)
    assert briefing["languages"] == ["de", "en"]
    language_of = {s["id"]: s["language"] for s in briefing["sources"]}
    assert set(language_of.values()) == {"de", "en"}
    assert {s["language"] for s in briefing["summary"]} == {"de", "en"}
    for sentence in briefing["summary"]:  # each sentence as its own source wrote it
        first = sentence["citations"][0]
        assert sentence["language"] == language_of[first["source_id"]]
        assert sentence["text"] == first["text"]
    markdown = run("brief", *paths, "--cross-lingual")
    assert markdown.exit_code == 0
    assert "*2 sources in 2 languages (de, en) · summary of" in markdown.stdout


def events(db: str) -> list[dict]:
    """The corpus's events (the clusterer's stories), from `stories --events --json`."""
    return json.loads(run("stories", "--db", db, "--events", "--json").stdout)


def test_ingest_cli_cross_lingual_corpus(tmp_path):
    paths = as_text(tmp_path, "t3-en", "t3-fr", "d3-fr")
    db = str(tmp_path / "xl.db")
    result = run("ingest", *paths, "--db", db, "--cross-lingual", "--json")
    assert result.exit_code == 0, result.stderr
    listed = events(db)
    assert sorted(s["articles"] for s in listed) == [1, 2]
    museum = next(s for s in listed if s["articles"] == 2)
    shown = json.loads(run("show", museum["id"], "--db", db, "--format", "json").stdout)
    assert shown["languages"] == ["en", "fr"]
    page = run("show", museum["id"], "--db", db, "--format", "html").stdout
    assert "2 sources in 2 languages (en, fr)" in page
    assert '<p class="sentence" lang="fr">' in page and '<p class="sentence" lang="en">' in page
    # the corpus keeps the switch: a later ingest without it still crosses languages
    later = run("ingest", *as_text(tmp_path, "t3-de"), "--db", db, "--json")
    assert later.exit_code == 0, later.stderr
    assert sorted(s["articles"] for s in events(db)) == [1, 3]

    plain = str(tmp_path / "plain.db")
    assert run("ingest", *paths, "--db", plain, "--json").exit_code == 0
    assert sorted(s["articles"] for s in events(plain)) == [1, 1, 1]
    # nor do its developing stories: names shared across languages link nothing without it
    listed = json.loads(run("stories", "--db", plain, "--json").stdout)
    assert sorted((s["articles"], tuple(s["languages"])) for s in listed) == [
        (1, ("en",)),
        (1, ("fr",)),
        (1, ("fr",)),
    ]
    refused = run("ingest", *paths, "--db", plain, "--cross-lingual")
    assert refused.exit_code == 2
    assert "created with stories in one language each" in refused.stderr
