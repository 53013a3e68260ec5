"""The fuzz corpus (tests/fuzz_corpus.py) through extract, ingest, brief and the API: no
traceback, no hang (each run has a time limit), every input accounted for, the good
examples mixed in still right."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from fuzz_corpus import GOOD_STORY, Generated, build

from newsweave.api import ServiceSettings, create_app
from newsweave.cli import shown
from newsweave.ingest.sources import path_id

SRC = Path(__file__).resolve().parents[1] / "src"
TIME_LIMIT = 240  # seconds a run may take on a slow, busy machine (each takes a few here)


def newsweave(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "-m", "newsweave", *map(str, args)],
        capture_output=True,
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(SRC)},
        timeout=TIME_LIMIT,
    )
    stderr = result.stderr.decode("utf-8")  # every message is valid UTF-8
    assert "Traceback" not in stderr, stderr
    return subprocess.CompletedProcess(result.args, result.returncode, result.stdout, stderr)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[Path, list[Generated]]:
    root = tmp_path_factory.mktemp("fuzz")
    return root, build(root / "odd", seed=7)


def _ids(path: Path, root: Path) -> tuple[str, ...]:
    """The ids a document read from `path` may have (the file, or one of its records)."""
    name = path_id(path.relative_to(root))
    return (name, f"{name}:", f"{name}#", f"{name}/")


def _skipped(stderr: str) -> list[str]:
    prefix = "newsweave: skipped "
    return [line[len(prefix) :] for line in stderr.splitlines() if line.startswith(prefix)]


def test_extract_accounts_for_every_input_and_keeps_the_good_ones_right(corpus):
    root, made = corpus
    result = newsweave("extract", "odd", "-f", "jsonl", cwd=root)
    assert result.returncode == 0
    records = [json.loads(line) for line in result.stdout.decode("utf-8").splitlines()]
    ids = [r["id"] for r in records]
    skipped = _skipped(result.stderr)
    for generated in made:
        names = _ids(generated.path, root)
        out = any(i == names[0] or i.startswith(names[1:]) for i in ids)
        told = any(line.startswith(tuple(shown(n) for n in names)) for line in skipped)
        assert out or told, f"{generated.kind} ({generated.path.name!r}) is not accounted for"
        if generated.expect == "article":
            assert out, f"{generated.kind}: expected an article"
        if generated.expect == "skipped":
            assert told and not out, f"{generated.kind}: expected a skip line with its reason"
    total = f"{len(records) + len(skipped)} documents read: {len(records)} articles, "
    assert f"newsweave: {total}{len(skipped)} skipped" in result.stderr

    alone = newsweave("extract", GOOD_STORY, "-f", "jsonl", cwd=root)
    expected = {
        Path(r.pop("id")).name: r
        for r in map(json.loads, alone.stdout.decode("utf-8").splitlines())
    }
    good = {Path(r.pop("id")).name: r for r in records if r["id"].startswith("odd/good/")}
    assert good == expected  # byte for byte the same articles as when read alone


def test_ingest_stores_the_good_story_and_counts_every_document(corpus):
    root, _ = corpus
    extracted = newsweave("extract", "odd", "-f", "jsonl", cwd=root)
    documents = len(extracted.stdout.splitlines()) + len(_skipped(extracted.stderr))
    result = newsweave("ingest", "odd", "--db", "fuzz.db", "--json", cwd=root)
    assert result.returncode == 0
    summary = json.loads(result.stdout)
    assert summary["documents"] == documents
    assert len(summary["skipped"]) == len(_skipped(extracted.stderr))
    listing = newsweave("stories", "--db", "fuzz.db", "--json", cwd=root)
    headlines = [story["headline"] for story in json.loads(listing.stdout)]
    assert "Tank that exploded in Kestrelholm had missed its safety inspection" in headlines
    again = newsweave("ingest", "odd", "--db", "fuzz.db", "--json", cwd=root)
    assert json.loads(again.stdout)["corpus"] == summary["corpus"]  # nothing doubled


def test_brief_of_the_good_story_among_unreadable_files_is_unchanged(corpus):
    root, made = corpus
    unreadable = [  # a hidden file named on the command line is read: not among these
        g.path
        for g in made
        if g.expect == "skipped" and g.path.parent == root / "odd" and g.kind != "hidden file"
    ]
    assert len(unreadable) >= 10
    mixed = newsweave("brief", GOOD_STORY, *unreadable, "--format", "json", cwd=root)
    alone = newsweave("brief", GOOD_STORY, "--format", "json", cwd=root)
    assert mixed.returncode == alone.returncode == 0
    mixed_briefing, alone_briefing = json.loads(mixed.stdout), json.loads(alone.stdout)
    assert len(mixed_briefing.pop("skipped")) == len(unreadable) == len(_skipped(mixed.stderr))
    assert alone_briefing.pop("skipped") == []
    assert mixed_briefing == alone_briefing


def test_api_answers_every_odd_body_without_a_server_error(corpus, tmp_path):
    _, made = corpus
    bodies: list[bytes] = [b"", b"null", b"[]", b'{"text": 5}', b'{"text": "\\ud800"}']
    for generated in made:
        if generated.path.is_file() and not generated.path.is_symlink():
            data = generated.path.read_bytes()[:200_000]
            text = data.decode("utf-8", "replace")
            bodies.append(json.dumps({"text": text, "title": generated.kind}).encode())
            bodies += data.splitlines()[:8] if generated.path.suffix == ".jsonl" else []
    application = create_app(ServiceSettings(db=tmp_path / "api.db"))
    with TestClient(
        application, raise_server_exceptions=False, base_url="http://127.0.0.1"
    ) as client:
        statuses = [
            client.post(
                "/api/articles", content=body, headers={"content-type": "application/json"}
            ).status_code
            for body in bodies
        ]
        assert client.get("/api/stories").status_code == 200
    assert all(status < 500 for status in statuses), statuses
    assert {201, 422} <= set(statuses)
