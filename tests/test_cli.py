"""`newsweave brief` and `newsweave extract` end to end on real text."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import EXAMPLES, ROOT
from typer.testing import CliRunner

from newsweave.cli import app

STORY = EXAMPLES / "kestrelholm-fire"
CHROME = (
    "Sign up",
    "Sign-up",
    "Support our",
    "Twitter:",
    "contributed to this report",
    "Facebook",
    "Democracy Dies",
    "Advertisement",
    "Read more",
    "(Video:",
)


def run(*args: str):
    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    return result


@pytest.fixture(scope="module")
def samples_briefing():
    from conftest import SAMPLES

    if not SAMPLES.exists():
        pytest.skip("shared samples not present")
    result = run("brief", *sorted(str(p) for p in SAMPLES.glob("*.txt")), "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def story_briefing():
    result = run("brief", str(STORY), "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_samples_summary_cites_both_outlets_without_chrome(samples_briefing):
    b = samples_briefing
    assert b["schema"] == "newsweave.briefing/1"
    assert [s["outlet"] for s in b["sources"]] == ["Stars and Stripes", "The Washington Post"]
    cited = {c["source"] for s in b["summary"] for c in s["citations"]}
    assert cited == {"Stars and Stripes", "The Washington Post"}
    assert 60 <= b["summary_words"] <= 120
    for sentence in b["summary"]:
        assert not any(chrome in sentence["text"] for chrome in CHROME), sentence["text"]
        # quotes are intact: every opened curly quote is closed in the same sentence
        assert sentence["text"].count("“") == sentence["text"].count("”"), sentence["text"]
        for c in sentence["citations"]:
            source = next(s for s in b["sources"] if s["id"] == c["source_id"])
            assert c["text"] in " ".join(source["paragraphs"])


def test_samples_have_no_invented_dates(samples_briefing):
    assert [s["published"] for s in samples_briefing["sources"]] == [None, None]


def test_example_story_briefing(story_briefing):
    b = story_briefing
    by_outlet = {s["outlet"]: s for s in b["sources"]}
    assert set(by_outlet) == {
        "Brenmark Daily Courier",
        "Meridian Press Agency",
        "Saltgate Observer",
        "The Kestrelholm Ledger",
        "The Varnholt Sentinel",
    }
    assert by_outlet["Brenmark Daily Courier"]["published"] == "2026-04-20"
    assert by_outlet["Meridian Press Agency"]["published"] == "2026-04-21"
    assert by_outlet["Meridian Press Agency"]["published_source"] == "jsonl"
    assert by_outlet["The Kestrelholm Ledger"]["published"] is None
    assert by_outlet["The Kestrelholm Ledger"]["dateline"] == "KESTRELHOLM, Brenmark"
    assert b["summary_words"] <= 120
    # the same fact told by several outlets is kept once and cites them all
    assert max(len({c["source"] for c in s["citations"]}) for s in b["summary"]) >= 3
    texts = [s["text"] for s in b["summary"]]
    assert len(texts) == len(set(texts))


def test_date_option_sets_the_publication_date(tmp_path):
    ledger = STORY / "kestrelholm-ledger.txt"
    result = run(
        "extract", str(ledger), "--date", "kestrelholm-ledger.txt=2026-04-20", "-f", "json"
    )
    (record,) = json.loads(result.stdout)
    assert (record["published"], record["published_source"]) == ("2026-04-20", "cli")


def test_bad_date_option_is_a_usage_error():
    result = run("brief", str(STORY), "--date", "ledger.txt=20-04-2026")
    assert result.exit_code == 2
    assert "is not FILE=YYYY-MM-DD" in result.output


def test_markdown_output_to_file(tmp_path):
    out = tmp_path / "b.md"
    result = run("brief", str(STORY), "--words", "60", "--out", str(out))
    assert result.exit_code == 0 and result.stdout == ""
    text = out.read_text()
    assert text.startswith("# ")
    assert "## Summary" in text and "## Sources" in text
    assert "publication date unknown" in text and "published 2026-04-21 (jsonl)" in text


def test_extract_txt_and_jsonl(tmp_path):
    result = run("extract", str(STORY / "varnholt-sentinel.txt"))
    assert result.exit_code == 0
    header = result.stdout.splitlines()[0]
    assert header == f"=== {STORY / 'varnholt-sentinel.txt'} ==="
    assert "published: unknown" in result.stdout
    result = run("extract", str(STORY), "--format", "jsonl")
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == 5
    assert all(r["paragraphs"] for r in records)


def test_console_script_runs_without_loading_nlp_for_extract():
    code = (
        "import sys; from newsweave.cli import main; sys.argv=['newsweave','extract',"
        f"{str(STORY)!r},'-f','jsonl']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "assert 'spacy' not in sys.modules and 'sklearn' not in sys.modules, 'NLP loaded'"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == 5


def test_module_entry_point_from_stdin():
    page = (STORY / "brenmark-courier.html").read_bytes()
    result = subprocess.run(
        [sys.executable, "-m", "newsweave", "extract", "-", "-f", "json"],
        input=page,
        capture_output=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    (record,) = json.loads(result.stdout)
    assert record["id"] == "-" and record["outlet"] == "Brenmark Daily Courier"
