"""`newsweave brief` and `newsweave extract` end to end on real text."""

from __future__ import annotations

import gzip
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


def test_extract_reads_gzipped_pages_as_a_crawl_stores_them(tmp_path):
    story = STORY / "varnholt-sentinel.txt"
    (tmp_path / "varnholt-sentinel.txt.gz").write_bytes(gzip.compress(story.read_bytes()))
    zipped = run("extract", str(tmp_path), "--format", "jsonl")
    plain = run("extract", str(story), "--format", "jsonl")
    assert zipped.exit_code == 0
    record, original = json.loads(zipped.stdout), json.loads(plain.stdout)
    assert record["id"] == str(tmp_path / "varnholt-sentinel.txt.gz")
    assert record["paragraphs"] == original["paragraphs"]
    assert record["title"] == original["title"]


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


@pytest.fixture(scope="module")
def dated_samples_briefing():
    from conftest import SAMPLES

    if not SAMPLES.exists():
        pytest.skip("shared samples not present")
    result = run(
        "brief",
        str(SAMPLES / "korea-drills-wapo.txt"),
        str(SAMPLES / "korea-drills-stripes.txt"),
        "--date",
        "korea-drills-wapo.txt=2019-11-17",
        "--date",
        "korea-drills-stripes.txt=2019-11-19",
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_samples_quotes_have_the_right_speakers(dated_samples_briefing):
    quotes = dated_samples_briefing["quotes"]

    def who(start: str) -> tuple[str | None, str]:
        (q,) = [q for q in quotes if q["text"].startswith(start)]
        return q["speaker"], q["speaker_via"]

    def attribution(start: str) -> str:
        (q,) = [q for q in quotes if q["text"].startswith(start)]
        return q["attribution"]

    assert who("I don’t see this as a concession") == ("Mark Esper", "explicit")
    assert who("The U.S. tries to make a good impression") == ("Kim Yong Chol", "pronoun")
    # the reader's words for the same provenance, as Markdown and the page show them
    assert attribution("I don’t see this as a concession") == "said"
    assert attribution("The U.S. tries to make a good impression") == (
        "said; speaker named earlier"
    )
    assert who("The suspension of the drill") == ("Kim Yong Chol", "pronoun")
    assert who("We are no longer interested in such talks") == ("Kim Kye Gwan", "explicit")
    (shared,) = [q for q in quotes if q["text"].startswith("return to the negotiating table")]
    assert {c["source"] for c in shared["citations"]} == {
        "The Washington Post",
        "Stars and Stripes",
    }


def test_samples_timeline_matches_the_articles(dated_samples_briefing):
    timeline = dated_samples_briefing["timeline"]
    by_expression = {(e["expression"], e["citations"][0]["source"]): e for e in timeline}
    sunday = by_expression[("Sunday", "The Washington Post")]
    assert (sunday["value"], sunday["precision"]) == ("2019-11-17", "day")
    assert sunday["anchor"] == "published 2019-11-17 (cli)"
    assert by_expression[("last month", "The Washington Post")]["value"] == "2019-10"
    assert by_expression[("Tuesday", "Stars and Stripes")]["value"] == "2019-11-19"
    assert by_expression[("Monday", "Stars and Stripes")]["value"] == "2019-11-18"
    values = [e["value"] for e in timeline if e["value"]]
    assert values.index("2019-02") < values.index("2019-11-17")


def test_samples_actors_and_coverage(dated_samples_briefing):
    actors = {a["name"]: a for a in dated_samples_briefing["actors"]}
    assert "Defense Secretary" in actors["Mark Esper"]["roles"]
    assert set(actors["Mark Esper"]["mentions"]) == {"The Washington Post", "Stars and Stripes"}
    assert {"Kim Jong Un", "Kim Yong Chol", "Kim Kye Gwan"} <= set(actors)
    shared = dated_samples_briefing["coverage"]["shared"]
    cited = [" ".join(c["text"] for c in f["citations"]) for f in shared]
    assert any("Stockholm" in t for t in cited)  # both outlets tell the stalled talks
    assert not any("Bangkok" in t for t in cited)  # only the Post has the news conference
    assert dated_samples_briefing["coverage"]["conflicts"] == []


def test_undated_relative_dates_stay_unresolved(samples_briefing):
    events = {e["expression"]: e for e in samples_briefing["timeline"]}
    assert events["last month"]["value"] is None
    assert events["last month"]["precision"] == "unresolved"
    assert events["2018"]["value"] == "2018"


def test_example_story_conflict_and_markdown_sections(story_briefing, tmp_path):
    (conflict,) = story_briefing["coverage"]["conflicts"]
    assert conflict["kind"] == "number" and conflict["detail"].startswith("27 vs 41")
    assert "The Varnholt Sentinel" in {c["source"] for c in conflict["citations"]}
    out = tmp_path / "b.md"
    run("brief", str(STORY), "--out", str(out))
    text = out.read_text()
    for heading in ("## Who said what", "## Timeline", "## Actors", "## Coverage"):
        assert heading in text
    assert "- number: 27 vs 41" in text


def test_samples_timeline_labels_read_as_a_reader_says_them(dated_samples_briefing):
    timeline = dated_samples_briefing["timeline"]

    def labelled(expression: str, snippet: str) -> dict:
        (e,) = [e for e in timeline if e["expression"] == expression and snippet in e["text"]]
        return e

    weekend = labelled("this weekend", "Kim Yong Chol")
    assert (weekend["value"], weekend["label"]) == ("2019-W46-WE", "weekend of 16-17 Nov 2019")
    week = labelled("last week", "resolution passed")
    assert (week["value"], week["label"]) == ("2019-W46", "week of 11 Nov 2019")
    deadline = labelled("year-end", "deadline")
    assert (deadline["value"], deadline["label"]) == ("2019-12", "December 2019")
    assert labelled("Sunday", "officials announced")["label"] == "17 Nov 2019"
    # Written out in full: nothing was resolved against the publication date.
    singapore = labelled("2018", "Singapore")
    assert (singapore["label"], singapore["anchor"]) == ("2018", None)
    assert labelled("last year", "high point")["anchor"] == "published 2019-11-19 (cli)"


def test_example_story_labels_in_markdown_and_json(story_briefing, tmp_path):
    by_expression = {e["expression"]: e for e in story_briefing["timeline"] if e["value"]}
    assert by_expression["Sunday night"]["label"] == "the night of 19 Apr 2026"
    assert by_expression["the autumn"]["label"] == "autumn 2026"
    assert by_expression["this weekend"]["label"] == "weekend of 25-26 Apr 2026"
    assert by_expression["1979"]["anchor"] is None
    out = tmp_path / "b.md"
    run("brief", str(STORY), "--out", str(out))
    text = out.read_text()
    assert "- **the night of 19 Apr 2026** The fire that followed was still burning" in text
    assert "- **1979** Tank 7, built in 1979" in text and "_(“1979”)_" in text
    assert "_(“last month” — resolved against published 2026-04-20 (html-meta))_" in text
    assert "- … and 2 more from *Saltgate Observer* (see JSON output)" in text
    assert "2026-W17-WE" not in text and "2026-FA" not in text and "TNI" not in text


# --- no silent surprises (issue 17 item 2) ------------------------------------------------


def test_date_naming_no_input_is_an_error_naming_it():
    result = run("extract", str(STORY), "--date", "nosuch.txt=2026-04-20")
    assert result.exit_code == 2
    assert "'nosuch.txt' names none of the input files" in result.stderr
    named = run("extract", str(STORY), "--date", "saltgate-observer.txt=2026-04-20")
    assert named.exit_code == 0, named.stderr


@pytest.mark.parametrize("command", [("stories",), ("show", "s-0000000000")])
def test_reading_a_database_that_does_not_exist_says_so(command, tmp_path):
    missing = tmp_path / "nowhere.db"
    result = run(*command, "--db", str(missing))
    assert result.exit_code == 1
    assert result.stderr == (
        f"newsweave: error: no database at {missing}: create it with "
        f"`newsweave ingest PATHS --db {missing}`\n"
    )
    assert not missing.exists()


# Two invented stories, each a Multi-News cluster of two reports on one line.
MULTI_NEWS = (
    "The Portvale council voted on Tuesday to close the Old Harbour Bridge for six months "
    "after inspectors found corroded cables. NEWLINE_CHAR Ferries will run every twenty "
    "minutes. ||||| Portvale's harbour bridge will shut in March for repairs, the council "
    "said, after an inspection found rusted cables under the deck.\n"
    "Heavy rain flooded thirty streets in Torvale on Monday and about 900 residents left "
    "their homes, the regional emergency office said. ||||| The river Halsen burst its banks "
    "in Torvale after two days of rain, and firefighters used boats to reach trapped people.\n"
)


def test_brief_refuses_several_multinews_clusters_with_the_reason(tmp_path):
    (tmp_path / "two-stories.src").write_text(MULTI_NEWS)
    result = run("brief", str(tmp_path / "two-stories.src"))
    assert result.exit_code == 1
    path = tmp_path / "two-stories.src"
    assert result.stderr.splitlines()[-1] == (
        f"newsweave: error: the input holds 2 Multi-News clusters ({path}:1, {path}:2), each "
        "a story of its own; brief one cluster at a time, or `newsweave ingest` them and "
        "`newsweave show` each story"
    )


def test_directory_walk_reports_readme_as_skipped_not_read():
    result = run("extract", str(EXAMPLES), "--format", "jsonl")
    assert result.exit_code == 0
    ids = [json.loads(line)["id"] for line in result.stdout.splitlines()]
    articles = [p for p in EXAMPLES.rglob("*") if p.is_file() and p.name != "README.md"]
    assert len(ids) == len(articles) and not any(i.endswith("README.md") for i in ids)
    assert (
        f"newsweave: skipped {EXAMPLES / 'README.md'}: documentation, not an article "
        "(name the file itself to read it)"
    ) in result.stderr


def test_help_short_option_no_placeholders_and_extra_names_intact():
    from typer.main import get_command

    assert run("-h").stdout == run("--help").stdout
    for name in get_command(app).commands:
        text = run(name, "-h").stdout
        assert run(name, "--help").stdout == text and text.startswith("Usage:")
        for placeholder in ("<bool>", "<str>", "<path>", "<int", "<float", "<list"):
            assert placeholder not in text, (name, placeholder)
    assert "pip install 'newsweave[dask]'" in " ".join(run("ingest", "-h").stdout.split())


def test_a_german_report_does_not_join_the_english_story(tmp_path):
    from test_dedup import ENGLISH_REPORT, GERMAN_REPORT

    from newsweave.store import Store

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "en.txt").write_text(ENGLISH_REPORT)
    (inbox / "de.txt").write_text(GERMAN_REPORT)
    db = tmp_path / "c.db"
    assert run("ingest", str(STORY), str(inbox), "--db", str(db)).exit_code == 0
    with Store(db) as store:
        languages = {
            story.id: {m.article.language for m in store.members(story.id)}
            for story in store.stories()
        }
    en_story = next(s for s, langs in languages.items() if "de" not in langs and "en" in langs)
    de_story = next(s for s, langs in languages.items() if "de" in langs)
    assert languages[de_story] == {"de"} and en_story != de_story
