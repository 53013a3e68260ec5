"""Bad documents: one line naming the document and the reason; the run goes on."""

from __future__ import annotations

import json
import random

import pytest
from typer.testing import CliRunner

from newsweave.cli import app

GOOD = """Harbour bridge to close for repairs

PORTVALE — The city council voted 7-2 on Tuesday to close the Old Harbour Bridge for six months of repairs after inspectors found corroded cables.

“We cannot wait for a collapse to act,” Mayor Ilse Marten said after the vote. She added that ferries would run every 20 minutes while the bridge is shut.

The closure begins in March and will cost an estimated 14 million euros, according to the council's transport office.
"""

GERMAN = (
    "Der Stadtrat hat am Dienstag mit großer Mehrheit beschlossen, die alte Hafenbrücke für sechs "
    "Monate zu sperren. Die Inspektoren hatten zuvor verrostete Seile gefunden, und die Bürgermeisterin "
    "erklärte, man könne nicht auf einen Einsturz warten. Während der Sperrung sollen Fähren alle "
    "zwanzig Minuten fahren, teilte die Verwaltung mit."
)


@pytest.fixture()
def bad_dir(tmp_path):
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_text("  \n\n \n")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 40)
    rng = random.Random(1)
    (tmp_path / "garbled.txt").write_bytes(bytes(rng.randrange(128, 256) for _ in range(3000)))
    (tmp_path / "head-only.html").write_text("<html><head><title>Brid")
    (tmp_path / "german.txt").write_text(GERMAN, encoding="utf-8")
    with (tmp_path / "huge.txt").open("wb") as f:
        f.write(b"The harbour bridge is closed. " * (50 * 1024 * 1024 // 30))
    return tmp_path


EXPECTED = {
    "empty.txt": "empty document",
    "blank.txt": "empty document",
    "binary.txt": "binary file, not text",
    "garbled.txt": "unknown text encoding (not UTF-8 and no encoding detected)",
    "head-only.html": "no article text found (truncated or empty HTML?)",
    "huge.txt": "too large (52.4 MB; the limit is 10 MB a document)",
    "missing.txt": "no such file or directory",
}


def run(*args: str):
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def test_each_bad_document_gets_one_line_and_the_run_goes_on(bad_dir):
    result = run("extract", str(bad_dir), str(bad_dir / "missing.txt"), "--format", "jsonl")
    assert result.exit_code == 0
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["id"], r["language"]) for r in records] == [
        (str(bad_dir / "german.txt"), "de"),  # no language is refused
        (str(bad_dir / "good.txt"), "en"),
    ]
    lines = result.stderr.strip().splitlines()
    skipped = dict(line.removeprefix("newsweave: skipped ").split(": ", 1) for line in lines[:-1])
    assert skipped == {str(bad_dir / name): reason for name, reason in EXPECTED.items()}
    assert lines[-1] == "newsweave: 9 documents read: 2 articles, 7 skipped"


def test_brief_goes_on_past_bad_documents(bad_dir):
    # the German article is a story of its own (stories do not cross languages), and brief
    # refuses several stories: here it is briefed with the bad documents alone
    (bad_dir / "german.txt").unlink()
    result = run("brief", str(bad_dir), "--format", "json")
    assert result.exit_code == 0
    briefing = json.loads(result.stdout)
    assert [s["id"] for s in briefing["sources"]] == [str(bad_dir / "good.txt")]
    assert len(briefing["skipped"]) == 6
    assert briefing["summary"], "the good document is still summarized"
    assert (
        result.stderr.strip().splitlines()[-1]
        == "newsweave: 7 documents read: 1 article, 6 skipped"
    )


def test_brief_of_two_languages_names_the_two_stories(bad_dir):
    result = run("brief", str(bad_dir / "german.txt"), str(bad_dir / "good.txt"))
    assert result.exit_code == 1
    assert "the input holds 2 stories" in result.stderr


def test_truncated_html_keeps_what_arrived(tmp_path):
    page = (
        "<html><head><title>Bridge</title></head><body><article>"
        "<p>The city council voted on Tuesday to close the Old Harbour Bridge for six months "
        "of repairs after inspectors found corroded cables under the deck.</p>"
        "<p>Ferries will run every twenty minutes while the bridge is shut, the transport "
        "office said in a statement on its website.</p><p>The clos"
    )
    (tmp_path / "cut.html").write_text(page)
    result = run("extract", str(tmp_path / "cut.html"), "--format", "json")
    assert result.exit_code == 0
    (record,) = json.loads(result.stdout)
    assert record["paragraphs"][0].startswith("The city council voted on Tuesday")


def test_nothing_readable_exits_non_zero(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    for command in ("extract", "brief"):
        result = run(command, str(tmp_path / "empty.txt"))
        assert result.exit_code == 1
        assert f"skipped {tmp_path / 'empty.txt'}: empty document" in result.stderr


def test_api_brief_raises_when_nothing_is_readable(tmp_path):
    import newsweave

    (tmp_path / "empty.txt").write_bytes(b"")
    with pytest.raises(newsweave.NothingReadError, match="empty.txt: empty document"):
        newsweave.brief([tmp_path / "empty.txt"])
