"""Briefings as HTML: one page model over a story record, shared by the web page and
`newsweave show --format html`.

The REST API serves a story record as `render.json.story_to_dict` writes it
(`newsweave.briefing/1` plus `story` and `also_published_by`, as `newsweave show
--format json` prints it); the page is rendered from that same dict through
`story_page_model`, which only derives view data (citation
markers with their outlet, quotes grouped by speaker, timeline axis positions, coverage
columns by outlet). The API and the page therefore cannot drift (datasette's pattern).
Jinja2 autoescapes everything: article text is never markup.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from functools import cache
from importlib.resources import files
from typing import Any

from newsweave.analyze.temporal import value_label, value_start
from newsweave.model import StoryRecord
from newsweave.render.json import SECTION_TITLES, story_to_dict

# Timeline axis: events are spaced by rank, not by elapsed time, so a story whose
# dates run from hours apart to decades apart has no long empty stretches; where more
# than AXIS_BREAK_DAYS pass between two events the axis is broken and says how long.
# A month, chosen by eye on the Kestrelholm example (hours apart ... 47 years apart)
# and the two Korea samples (one week of November 2019 beside 2018 and 2019 events).
AXIS_BREAK_DAYS = 31


@cache
def _environment() -> Any:
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(
        loader=PackageLoader("newsweave", "web/templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["asset"] = asset
    return env


@cache
def asset(name: str) -> str:
    """A static file of the page (CSS, JS), inlined so every page is one self-contained file."""
    return (files("newsweave") / "web" / "static" / name).read_text(encoding="utf-8")


def _elapsed(days: int) -> str:
    """How long an axis break stands for: "3 weeks later", "47 years later"."""
    if days < 14:
        n, unit = days, "day"
    elif days < 62:
        n, unit = round(days / 7), "week"
    elif days < 365:
        n, unit = round(days / 30.44), "month"
    else:
        n, unit = round(days / 365.25), "year"
    return f"{n} {unit}{'s' if n != 1 else ''} later"


def story_page_model(story: StoryRecord) -> dict[str, Any]:
    """View data for the story page, derived from the story's JSON record and nothing else."""
    record = story_to_dict(story)
    sources = list(record.get("sources", []))
    number = {s["id"]: i for i, s in enumerate(sources, start=1)}
    by_id = {s["id"]: s for s in sources}

    def cites(citations: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        result = []
        for c in citations:
            source = by_id.get(c["source_id"], {})
            result.append(
                {
                    **c,
                    "n": number.get(c["source_id"], 0),
                    "outlet": source.get("outlet") or c["source"],
                    "published": source.get("published"),
                    "url": source.get("url"),
                }
            )
        return result

    speakers: dict[str, list[dict[str, Any]]] = {}
    for q in record.get("quotes", []):
        quote = {**q, "cites": cites(q["citations"])}
        speakers.setdefault(q.get("speaker") or "", []).append(quote)
    quote_groups = [{"speaker": k or None, "quotes": v} for k, v in speakers.items() if k]
    if "" in speakers:
        quote_groups.append({"speaker": None, "quotes": speakers[""]})

    placed: list[dict[str, Any]] = []
    unplaced: list[dict[str, Any]] = []
    for e in record.get("timeline", []):
        day = value_start(e.get("value")) if e.get("precision") != "unresolved" else None
        item = {**e, "cites": cites(e["citations"]), "day": day}
        (placed if day else unplaced).append(item)
    placed.sort(key=lambda e: e["day"])
    previous: date | None = None
    for item in placed:
        days = (item["day"] - previous).days if previous else 0
        item["axis_break"] = _elapsed(days) if days > AXIS_BREAK_DAYS else None
        item["label"] = item.get("label") or value_label(item.get("value"), item["precision"])
        previous = item["day"]
    span = None
    if placed:
        # said as the events' own labels ("from 1979 to 3 Mar 2026"), not ISO days
        span = {"first": placed[0]["label"], "last": placed[-1]["label"]}

    coverage = record.get("coverage", {})
    columns = [
        {"label": s["label"], "outlet": s.get("outlet"), "n": number[s["id"]], "facts": []}
        for s in sources
    ]
    column_of = {s["id"]: columns[i] for i, s in enumerate(sources)}
    for fact in coverage.get("exclusive", []):
        first = fact["citations"][0]["source_id"] if fact["citations"] else None
        if first in column_of:
            column_of[first]["facts"].append({**fact, "cites": cites(fact["citations"])})

    headline = record.get("headline") or next((s["title"] for s in sources if s.get("title")), None)
    return {
        "story": record.get("story"),
        "kind": record.get("kind", "event"),
        "requested": record.get("requested"),
        "in_story": record.get("in_story"),
        "headline": headline,
        "lead": record.get("lead") if not headline else None,
        "developments": _developments(story, cites),
        "sources": [{**s, "n": number[s["id"]]} for s in sources],
        "summary": [{**s, "cites": cites(s["citations"])} for s in record.get("summary", [])],
        "summary_words": record.get("summary_words"),
        "languages": record.get("languages", []),
        "quote_groups": quote_groups,
        "timeline": placed,
        "unresolved": unplaced,
        "span": span,
        "shared": [{**f, "cites": cites(f["citations"])} for f in coverage.get("shared", [])],
        "columns": columns,
        "conflicts": [{**c, "cites": cites(c["citations"])} for c in coverage.get("conflicts", [])],
        "actors": record.get("actors", []),
        "also_published_by": record.get("also_published_by", []),
        "skipped": record.get("skipped", []),
        "notes": [
            {**n, "title": SECTION_TITLES.get(n["section"], n["section"])}
            for n in record.get("notes", [])
        ],
    }


def _developments(story: StoryRecord, cites: Any) -> list[dict[str, Any]]:
    """A developing story's events as the page's timeline: dates, the gap since the
    development before, size, outlets and the cited sentence (a source the briefing does
    not number, one of its older articles, is marked "•")."""
    from newsweave.render.json import development_to_dict
    from newsweave.render.markdown import span_label

    items: list[dict[str, Any]] = []
    previous: date | None = None
    for d in story.developments:
        data = development_to_dict(d)
        gap = (d.first - previous).days if d.first and previous else 0
        summary = data["summary"]
        marks = cites(summary["citations"]) if summary else []
        for mark in marks:
            mark["n"] = mark["n"] or "•"
        items.append(
            {
                **data,
                "dates": span_label(d.first, d.last),
                "gap": _elapsed(gap) if gap > 1 else None,
                "cites": marks,
            }
        )
        if d.last and (previous is None or d.last > previous):
            previous = d.last
    return items


def story_to_html(record: StoryRecord, *, standalone: bool = True) -> str:
    """The story page for a story record; `standalone` drops the links into the service."""
    template = _environment().get_template("story.html")
    return template.render(page=story_page_model(record), standalone=standalone)


def story_list_to_html(
    stories: Sequence[Mapping[str, Any]],
    *,
    q: str = "",
    since: str = "",
    total: int = 0,
    offset: int = 0,
    limit: int = 50,
    live: str | None = None,
) -> str:
    """The story list page with its search box (the rows are `GET /api/stories` items);
    `live`, the store version the rows are of, makes the page follow `GET /api/live`."""
    template = _environment().get_template("list.html")
    previous = max(offset - limit, 0) if offset > 0 else None
    following = offset + limit if offset + limit < total else None
    return template.render(
        stories=stories,
        q=q,
        since=since,
        total=total,
        offset=offset,
        limit=limit,
        previous=previous,
        following=following,
        live=live,
        standalone=False,
    )


def error_to_html(status: int, message: str) -> str:
    return (
        _environment()
        .get_template("error.html")
        .render(status=status, message=message, standalone=False)
    )
