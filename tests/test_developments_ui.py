"""Developing stories as a reader meets them, end to end through the CLI: `stories`
(developing stories, `--events`, `--since`), `show STORY` with its developments, `show
EVENT`, `show --why`, unknown ids, and a merged story's old id across two ingest runs.

Real text: two DUC 2004 topics read from ../shared/evaldata (a Cambodian government
crisis, AP only, Oct-Nov 1998; an NBA lockout, AP and NYT, Oct 1998), and our own
fictional mine-fire and strike reports for the merge."""

from __future__ import annotations

import datetime
import json
import re
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import EVALDATA, need
from typer.testing import CliRunner

from newsweave.cli import app
from newsweave.corpus import Ingestor
from newsweave.model import Article
from newsweave.store import Store

TOPICS = ("d30001t", "d30006t")  # Cambodia's coalition talks; the NBA lockout


def run(*args: str):
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def _json(*args: str):
    result = run(*args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def duc(tmp_path_factory) -> tuple[Path, dict[str, dict]]:
    """The two topics' documents ingested through the CLI; (db, documents by doc id)."""
    source = need(EVALDATA / "duc2004-topics" / "docs.jsonl")
    folder = tmp_path_factory.mktemp("duc")
    docs = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines()]
    chosen = [d for d in docs if d["topic"] in TOPICS]
    sliced = folder / "slice.jsonl"  # a temporary file, never in the repository
    sliced.write_text("".join(json.dumps(d) + "\n" for d in chosen), encoding="utf-8")
    db = folder / "duc.db"
    result = run("ingest", str(sliced), "--db", str(db))
    assert result.exit_code == 0, result.output
    # the summary line counts events and the developing stories made of them apart
    (line,) = [x for x in result.stderr.splitlines() if x.startswith("newsweave: events: ")]
    assert re.search(r"; stories: 2 new, \d+ continued by a new event, 0 merged; ", line), line
    assert re.search(r": 20 articles, \d+ events in 2 stories$", line), line
    return db, {d["doc_id"]: d for d in chosen}


def _topic_of(doc: dict[str, dict], source_id: str) -> str:
    return doc[source_id.rsplit("#", 1)[1]]["topic"]


def test_stories_lists_developing_stories_newest_activity_first_with_lead_headlines(duc):
    db, docs = duc
    listed = _json("stories", "--db", str(db), "--json")
    assert [s["id"][:3] for s in listed] == ["st-", "st-"]
    cambodia, nba = listed  # the Cambodia story runs to 24 Nov, the lockout to 21 Oct
    assert (cambodia["first_seen"], cambodia["last_seen"]) == ("1998-10-16", "1998-11-24")
    assert (nba["first_seen"], nba["last_seen"]) == ("1998-10-03", "1998-10-21")
    assert cambodia["articles"] == nba["articles"] == 10
    assert nba["events"] >= 2 and cambodia["events"] >= 2
    assert nba["sources"] == 2 and cambodia["sources"] == 1  # AP and NYT; AP only
    assert cambodia["languages"] == ["en"]
    for story, topic in ((cambodia, "d30001t"), (nba, "d30006t")):
        # DUC has no titles: no headline is made up, the lead is quoted from the text
        assert story["headline"] is None
        lead = story["lead"]
        assert _topic_of(docs, lead["source_id"]) == topic
        text = " ".join(docs[lead["source_id"].rsplit("#", 1)[1]]["text"].split())
        assert text.startswith(lead["text"].removesuffix("…"))
        assert len(lead["text"]) <= 90
    table = run("stories", "--db", str(db)).stdout
    assert "(lead)" in table and cambodia["id"] in table and "languages" in table


def test_since_filters_by_last_activity_and_a_bad_date_is_a_usage_error(duc):
    db, _ = duc
    after = _json("stories", "--db", str(db), "--json", "--since", "1998-11-01")
    assert [s["last_seen"] for s in after] == ["1998-11-24"]
    assert _json("stories", "--db", str(db), "--json", "--since", "1998-11-25") == []
    bad = run("stories", "--db", str(db), "--since", "1998-11-31")
    assert bad.exit_code == 2 and "not YYYY-MM-DD" in bad.output


def test_events_lists_every_event_with_its_story(duc):
    db, _ = duc
    stories = {s["id"]: s for s in _json("stories", "--db", str(db), "--json")}
    events = _json("stories", "--events", "--db", str(db), "--json")
    assert all(e["id"].startswith("s-") and e["in_story"] in stories for e in events)
    for story_id, story in stories.items():
        mine = [e for e in events if e["in_story"] == story_id]
        assert len(mine) == story["events"]
        assert sum(e["articles"] for e in mine) == story["articles"]
    assert all(e["lead"] and e["headline"] is None for e in events)


def test_show_story_has_its_developments_in_date_order_each_cited(duc):
    db, docs = duc
    nba = _json("stories", "--db", str(db), "--json", "--since", "1998-10-01")[1]
    record = _json("show", nba["id"], "--db", str(db), "--format", "json")
    assert record["kind"] == "story" and record["story"] == nba["id"]
    assert record["requested"] is None and record["lead"] == nba["lead"]
    developments = record["developments"]
    assert len(developments) == nba["events"]
    firsts = [d["first"] for d in developments]
    assert firsts == sorted(firsts) and firsts[0] == "1998-10-03"
    assert max(d["last"] for d in developments) == "1998-10-21"
    assert sum(d["articles"] for d in developments) == 10
    assert set().union(*(d["outlets"] for d in developments)) == {"APW", "NYT"}
    events = {e["id"]: e for e in _json("stories", "--events", "--db", str(db), "--json")}
    for d in developments:
        assert events[d["event"]]["first_seen"] == d["first"]
        cited = d["summary"]["citations"][0]
        source = docs[cited["source_id"].rsplit("#", 1)[1]]
        assert source["topic"] == "d30006t"
        assert " ".join(cited["text"].split()) in " ".join(source["text"].split())
        assert d["first"] <= source["published"] <= d["last"]  # from this development
    markdown = run("show", nba["id"], "--db", str(db)).stdout
    section = markdown.split("## Developments", 1)[1].split("\n## ", 1)[0]
    lines = [line for line in section.splitlines() if line.startswith("- **")]
    assert len(lines) == len(developments)
    assert lines[0].startswith("- **3 Oct 1998** · 1 article · ")
    assert all(f"`{d['event']}`" in line for d, line in zip(developments, lines, strict=True))
    assert markdown.index("## Summary") < markdown.index("## Developments")
    assert "No article of this story has a headline" in markdown


def test_show_event_is_one_event_in_its_story_and_unknown_ids_say_so(duc):
    db, _ = duc
    events = _json("stories", "--events", "--db", str(db), "--json")
    event = min(events, key=lambda e: e["articles"])  # the 3 Oct lockout report
    record = _json("show", event["id"], "--db", str(db), "--format", "json")
    assert record["kind"] == "event" and record["story"] == event["id"]
    assert record["in_story"] == event["in_story"] and record["developments"] == []
    assert len(record["sources"]) == event["articles"]
    assert f"part of story {event['in_story']}" in run("show", event["id"], "--db", str(db)).stdout
    for unknown in ("st-0000000000", "s-0000000000", "999", "lockout"):
        result = run("show", unknown, "--db", str(db))
        assert result.exit_code == 1
        assert f"no story, event or article {unknown!r}" in result.stderr
        assert "Traceback" not in result.output


def test_why_gives_each_events_score_shared_terms_and_time_gap(duc):
    db, _ = duc
    story = _json("stories", "--db", str(db), "--json")[0]
    why = _json("show", story["id"], "--why", "--db", str(db), "--format", "json")
    assert why["schema"] == "newsweave.why/1" and why["story"] == story["id"]
    first, *rest = why["explanations"]
    assert len(rest) + 1 == story["events"]
    assert first["via"] == "opened" and first["gap_days"] is None and first["join"]["opened"]
    for e in rest:
        assert e["via"] == "joined" and e["join"]["score"] is not None
        assert e["join"]["shared"] and set(e["join"]["features"]) >= {"names", "recency"}
        assert e["gap_days"] is not None and e["gap_days"] >= 0
    # the Cambodia story: its second event starts 13 Nov, 13 days after the first ends
    assert [e["gap_days"] for e in rest] == [13]
    markdown = run("show", story["id"], "--why", "--db", str(db)).stdout
    assert "time gap: 13 days after the development before it" in markdown
    assert f"score {rest[0]['join']['score']:.2f} against story {story['id']}" in markdown
    # an article's own reason
    article = _json("show", str(rest[0]["article_id"]), "--why", "--db", str(db), "-f", "json")
    (explained,) = article["explanations"]
    assert explained["join"] == rest[0]["join"] and explained["story"] == story["id"]
    plain = run("show", str(rest[0]["article_id"]), "--db", str(db))
    assert plain.exit_code == 1 and "--why" in plain.stderr


# Our own fictional reports: a mine fire, a strike, and a report that bridges the two.
MINE = (
    "Fire broke out in the Corvane copper mine near Hallisk on Monday and 12 miners were "
    "trapped underground. Corvane mine manager Petra Oslund said rescuers were pumping air "
    "into the Corvane shafts. Hallisk hospital prepared for casualties."
)
STRIKE = (
    "Miners of the Tessaly union walked out at the Orrin smelter on Wednesday over pay. "
    "Tessaly union leader Bram Kettering said the Orrin smelter strike would go on until the "
    "owners of the Orrin works met the Tessaly union."
)
BRIDGE = (
    "The Tessaly union called off the Orrin smelter strike to send its members to the Corvane "
    "mine fire at Hallisk. Bram Kettering said Tessaly union miners joined Corvane rescuers "
    "and Petra Oslund thanked the Tessaly union. The Orrin smelter strike, the Corvane mine "
    "fire: Hallisk and Orrin now share one crisis, said Kettering. Corvane mine manager Petra "
    "Oslund said 12 miners are still trapped."
)


def _article(doc_id: str, day: int, text: str, outlet: str) -> Article:
    return Article(
        doc_id=doc_id,
        paragraphs=(text,),
        outlet=outlet,
        published=datetime.date(2026, 5, 4) + datetime.timedelta(days=day),
        language="en",
    )


def test_a_story_merged_in_a_later_run_resolves_its_old_id_to_the_survivor(tmp_path):
    from newsweave.stories import DEFAULT_STORY_SETTINGS

    db = tmp_path / "merge.db"
    # low bars, so the bridge joins one story and folds in the other (the settings are
    # saved with the linker's state, so the second run links with them too)
    low = replace(DEFAULT_STORY_SETTINGS, threshold=-1.0, merge_threshold=-1.0)
    with Store(db) as store:
        ingestor = Ingestor(store)
        ingestor.linker.settings = low
        ingestor.add_batch([_article("mine", 0, MINE, "Hallisk Courier")])
        ingestor.add_batch([_article("strike", 2, STRIKE, "Orrin Post")])
    before = _json("stories", "--db", str(db), "--json")
    assert len(before) == 2
    ids = {s["lead"]["source_id"]: s["id"] for s in before}
    with Store(db) as store:  # a second run: the linker restored from the store
        Ingestor(store).add_batch([_article("bridge", 3, BRIDGE, "Hallisk Courier")])
    (after,) = _json("stories", "--db", str(db), "--json")
    assert after["id"] == ids["mine"] and after["articles"] == 3
    result = run("show", ids["strike"], "--db", str(db), "--format", "json")
    assert result.exit_code == 0
    assert f"{ids['strike']} was merged into {ids['mine']}" in result.stderr
    record = json.loads(result.stdout)
    assert record["story"] == ids["mine"] and record["requested"] == ids["strike"]
    assert {s["id"] for s in record["sources"]} == {"mine", "strike", "bridge"}
    markdown = run("show", ids["strike"], "--db", str(db)).stdout
    assert f"`{ids['strike']}` was merged into it" in markdown.splitlines()[0]


def test_api_serves_stories_with_developments_and_events_and_404s_unknown_ids(duc):
    pytest.importorskip("fastapi", reason="the web extra is part of the test extra")
    from fastapi.testclient import TestClient

    from newsweave.api import ServiceSettings, create_app

    db, _ = duc
    with TestClient(create_app(ServiceSettings(db=db)), base_url="http://127.0.0.1") as client:
        page = client.get("/api/stories").json()
        assert page["total"] == 2 and [s["id"][:3] for s in page["stories"]] == ["st-"] * 2
        cambodia, nba = page["stories"]
        assert cambodia["lead"] and cambodia["headline"] is None and cambodia["events"] >= 2
        (found,) = client.get("/api/stories", params={"q": "Sihanouk"}).json()["stories"]
        assert found["id"] == cambodia["id"]
        record = client.get(f"/api/stories/{nba['id']}").json()
        assert record == _json("show", nba["id"], "--db", str(db), "--format", "json")
        assert record["kind"] == "story" and len(record["developments"]) == nba["events"]
        events = client.get("/api/events", params={"limit": 200}).json()["events"]
        assert {e["in_story"] for e in events} == {cambodia["id"], nba["id"]}
        event = events[0]
        served = client.get(f"/api/events/{event['id']}").json()
        assert served == _json("show", event["id"], "--db", str(db), "--format", "json")
        assert served["kind"] == "event" and served["in_story"] == event["in_story"]
        for path in (
            f"/api/events/{nba['id']}",  # a story is not an event
            "/api/events/s-0000000000",
            "/api/stories/st-0000000000",
            "/api/stories/1",  # an article id
            "/api/stories/%00",
        ):
            response = client.get(path)
            assert response.status_code == 404, path
            assert response.json()["error"]["status"] == 404
        assert client.get("/api/stories/" + "s" * 500).status_code == 422


def test_show_since_gives_only_the_new_developments_for_a_returning_reader(duc):
    db, docs = duc
    cambodia = _json("stories", "--db", str(db), "--json")[0]
    full = _json("show", cambodia["id"], "--db", str(db), "--format", "json")
    new = _json("show", cambodia["id"], "--db", str(db), "-f", "json", "--since", "1998-11-01")
    assert new["since"] == "1998-11-01" and full["since"] is None
    assert new["lead"] == cambodia["lead"]  # still the whole story's headline
    kept = [d for d in full["developments"] if d["last"] >= "1998-11-01"]
    assert [d["event"] for d in new["developments"]] == [d["event"] for d in kept]
    assert len(new["developments"]) < len(full["developments"])
    assert new["sources"] and all(s["published"] >= "1998-11-01" for s in new["sources"])
    for s in new["summary"]:
        assert all(c["source_id"] in {x["id"] for x in new["sources"]} for c in s["citations"])
    later = run("show", cambodia["id"], "--db", str(db), "--since", "1998-11-25")
    assert later.exit_code == 0
    assert "Nothing new: no article of this story was published" in later.stdout
    event = _json("stories", "--events", "--db", str(db), "--json")[0]["id"]
    assert run("show", event, "--db", str(db), "--since", "1998-11-01").exit_code == 2
    assert run("show", cambodia["id"], "--db", str(db), "--since", "Nov 1").exit_code == 2


def test_a_lead_headline_is_not_cut_at_an_abbreviation(tmp_path):
    db = tmp_path / "abbrev.db"
    lead = (
        "Dr. Petra Oslund said on Monday, Nov. 23: the Corvane shafts are safe again. "
        "Rescuers left the Corvane mine near Hallisk in the evening."
    )
    with Store(db) as store:
        Ingestor(store).add_batch([_article("abbrev", 0, lead, "Hallisk Courier")])
    (story,) = _json("stories", "--db", str(db), "--json")
    # sentencex's rules: neither "Dr." nor "Nov." ends the sentence; it is cut to 90 characters
    assert story["lead"]["text"] == (
        "Dr. Petra Oslund said on Monday, Nov. 23: the Corvane shafts are safe again."
    )
