"""The story timeline on our example story and on the two shared samples."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from conftest import EXAMPLES, SAMPLES, need

from newsweave.analyze.timeline import build_timeline
from newsweave.model import Article, TimelineEvent
from newsweave.nlp import annotate
from newsweave.pipeline import extract

COURIER = "Brenmark Daily Courier"
WIRE = "Meridian Press Agency"
WAPO = "The Washington Post"
STRIPES = "Stars and Stripes"


def timeline_of(articles) -> tuple[TimelineEvent, ...]:
    return build_timeline(annotate(list(articles)))


def found(timeline, source: str, snippet: str) -> set[tuple[str, str | None]]:
    """(expression, value) of every event citing a sentence of `source` that holds `snippet`."""
    return {
        (e.expression, e.value)
        for e in timeline
        if any(c.source == source and snippet in c.text for c in e.citations)
    }


def event(timeline, source: str, snippet: str, expression: str | None = None) -> TimelineEvent:
    (hit,) = [
        e
        for e in timeline
        if any(c.source == source and snippet in c.text for c in e.citations)
        and expression in (None, e.expression)
    ]
    return hit


@pytest.fixture(scope="module")
def story() -> tuple[TimelineEvent, ...]:
    result = extract([need(EXAMPLES / "kestrelholm-fire")])
    return timeline_of(result.articles)


@pytest.fixture(scope="module")
def samples_dated() -> tuple[TimelineEvent, ...]:
    wapo, stripes = (
        need(SAMPLES / "korea-drills-wapo.txt"),
        need(SAMPLES / "korea-drills-stripes.txt"),
    )
    dates = {wapo.name: date(2019, 11, 17), stripes.name: date(2019, 11, 19)}
    return timeline_of(extract([wapo, stripes], dates=dates).articles)


@pytest.fixture(scope="module")
def samples_undated() -> tuple[TimelineEvent, ...]:
    wapo, stripes = (
        need(SAMPLES / "korea-drills-wapo.txt"),
        need(SAMPLES / "korea-drills-stripes.txt"),
    )
    return timeline_of(extract([wapo, stripes]).articles)


# --------------------------------------------------------------------------- example story


def test_courier_relative_dates_follow_the_answer_key(story):
    assert found(story, COURIER, "exploded at the Veldt Quay") == {
        ("Sunday", "2026-04-19"),
        ("February", "2026-02"),
    }
    assert found(story, COURIER, "ruptured at about 4:50") >= {
        ("4:50 a.m. Sunday", "2026-04-19T04:50")
    }
    assert found(story, COURIER, "on Sunday night") == {("Sunday night", "2026-04-19TNI")}
    assert found(story, COURIER, "last month it renewed") == {("last month", "2026-03")}
    assert found(story, COURIER, "visual check in January") == {("January", "2026-01")}
    assert found(story, COURIER, "corroded pipework") == {("last year", "2025")}
    assert found(story, COURIER, "emergency session on Tuesday") == {("Tuesday", "2026-04-21")}
    assert found(story, COURIER, "this weekend") == {("this weekend", "2026-W17-WE")}
    assert found(story, COURIER, "examined this year") == {("this year", "2026")}


def test_wire_relative_dates_follow_the_answer_key(story):
    assert found(story, WIRE, "investigation on Tuesday") == {("Tuesday", "2026-04-21")}
    assert found(story, WIRE, "2:10 p.m. on Monday") >= {
        ("2:10 p.m. on Monday", "2026-04-20T14:10")
    }
    assert found(story, WIRE, "11 percent") == {("Monday", "2026-04-20")}
    assert found(story, WIRE, "Tuesday morning") == {("Tuesday morning", "2026-04-21TMO")}
    assert found(story, WIRE, "evacuated on Sunday") >= {("Sunday", "2026-04-19")}
    assert found(story, WIRE, "memorial service") == {("this weekend", "2026-W17-WE")}
    assert found(story, WIRE, "by Saturday") == {("Saturday", "2026-04-25")}


def test_events_carry_anchor_and_citation(story):
    e = event(story, COURIER, "visual check in January")
    assert (e.precision, e.anchor) == ("month", "published 2026-04-20 (html-meta)")
    (c,) = e.citations
    assert c.doc_id.endswith("brenmark-courier.html") and "visual check in January" in c.text
    assert e.text == "that the tank had passed a visual check in January"
    assert event(story, WIRE, "by Saturday").anchor == "published 2026-04-21 (jsonl)"


def test_outlets_reporting_the_same_event_merge(story):
    warning = event(story, COURIER, "corroded pipework")
    assert [c.source for c in warning.citations] == [COURIER, WIRE]
    permit = event(story, COURIER, "last month it renewed")
    assert [c.source for c in permit.citations] == [COURIER, WIRE]


def test_today_inside_a_quote_is_not_resolved(story):
    assert found(story, WIRE, "The rule from today") == {("today", None)}


def test_undated_outlets_stay_unresolved_unless_a_dated_one_fixes_the_week(story):
    assert found(story, "The Varnholt Sentinel", "corroded pipework") == {("last year", None)}
    assert found(story, "Saltgate Observer", "this week") == {("this week", None)}
    assert found(story, "The Kestrelholm Ledger", "in 2022") == {("2022", "2022")}
    fixed = event(story, "The Varnholt Sentinel", "late Sunday")
    assert (fixed.value, fixed.anchor) == (
        "2026-04-19",
        "week fixed by Brenmark Daily Courier, published 2026-04-20 (html-meta)",
    )


def test_order_is_chronological_then_unresolved_in_story_order(story):
    resolved = [e for e in story if e.value]
    assert story[: len(resolved)] == tuple(resolved)
    assert [e.value for e in resolved[:3]] == ["1979", "2022", "2025"]
    assert all(e.value is None and e.precision == "unresolved" for e in story[len(resolved) :])


# --------------------------------------------------------------------------- shared samples


def test_wapo_with_its_date(samples_dated):
    assert found(samples_dated, WAPO, "officials announced Sunday") >= {("Sunday", "2019-11-17")}
    assert found(samples_dated, WAPO, "Talks in Stockholm") == {("last month", "2019-10")}
    assert found(samples_dated, WAPO, "in Hanoi in February") == {("February", "2019-02")}
    assert found(samples_dated, WAPO, "passed last week") == {("last week", "2019-W46")}
    assert found(samples_dated, WAPO, "Singapore in 2018") == {("2018", "2018")}


def test_stripes_with_its_date(samples_dated):
    assert found(samples_dated, STRIPES, "stepped up pressure Tuesday") == {
        ("Tuesday", "2019-11-19")
    }
    assert found(samples_dated, STRIPES, "high point last year") == {("last year", "2018")}
    assert found(samples_dated, STRIPES, "On Monday, another") == {("Monday", "2019-11-18")}
    assert found(samples_dated, STRIPES, "impromptu meeting in June") == {("June", "2019-06")}
    assert found(samples_dated, STRIPES, "announcement this weekend") == {
        ("this weekend", "2019-W46-WE"),
        ("later this month", "2019-11"),
    }


def test_samples_without_dates(samples_undated):
    resolved = [(e.expression, e.value) for e in samples_undated if e.value]
    assert resolved == [("2018", "2018")]
    assert found(samples_undated, STRIPES, "stepped up pressure Tuesday") == {("Tuesday", None)}
    assert all(e.anchor is None for e in samples_undated)


def test_a_dated_outlet_fixes_the_week_of_an_undated_weekday():
    wapo, stripes = (
        need(SAMPLES / "korea-drills-wapo.txt"),
        need(SAMPLES / "korea-drills-stripes.txt"),
    )
    articles = extract([wapo, stripes], dates={stripes.name: date(2019, 11, 19)}).articles
    timeline = timeline_of(articles)
    sunday = event(timeline, WAPO, "officials announced Sunday", "Sunday")
    assert (sunday.value, sunday.anchor) == (
        "2019-11-17",
        "week fixed by Stars and Stripes, published 2019-11-19 (cli)",
    )
    # only the matched weekday is fixed: the Post's other relative dates stay open
    assert found(timeline, WAPO, "Talks in Stockholm") == {("last month", None)}


def test_chrome_and_bare_now_carry_no_event():
    text = (
        "Today’s coverage from our correspondents around the world.",
        "The ferry operator now runs two boats a day and has done so for years.",
        "The harbour authority reopened the quay on Sunday.",
    )
    article = replace(Article("t", text), published=date(2026, 4, 20), published_source="cli")
    timeline = timeline_of([article])
    assert [(e.expression, e.value, e.text) for e in timeline] == [
        ("Sunday", "2026-04-19", "The harbour authority reopened the quay on Sunday")
    ]


def test_the_pages_time_axis_is_named_in_a_readers_words():
    from newsweave.model import Article, Briefing, Citation, StoryRecord, TimelineEvent
    from newsweave.render.html import story_to_html

    source = Article("a", ("The council voted.",), title="T", outlet="Portvale Gazette")
    cited = (Citation("a", "Portvale Gazette", 2, "x"),)
    timeline = (
        TimelineEvent("the council voted", "Tuesday", "2026-03-03", "day", "published", cited),
        TimelineEvent("the fair", "this weekend", "2026-W10-WE", "weekend", "published", cited),
        TimelineEvent("the bridge opened", "1979", "1979", "year", None, ()),
    )
    html = story_to_html(
        StoryRecord("s-1", Briefing(sources=(source,), summary=(), timeline=timeline))
    )
    assert 'aria-label="Events on a time axis from 1979 to weekend of 7-8 Mar 2026"' in html
    assert '<time datetime="2026-W10-WE">weekend of 7-8 Mar 2026</time>' in html
