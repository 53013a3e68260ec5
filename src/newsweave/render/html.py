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

import math
import re
from collections.abc import Mapping, Sequence
from datetime import date
from functools import cache
from importlib.resources import files
from typing import Any

from newsweave.model import StoryRecord
from newsweave.render.json import story_to_dict

# Timeline axis spacing (rem) between consecutive dated events: grows with the log of
# the gap in days so a same-day sequence stays compact and decades still read as far
# apart. Chosen by eye on the Kestrelholm example (hours apart ... 47 years apart).
AXIS_MIN_GAP_REM = 0.5
AXIS_REM_PER_LOG10_DAY = 1.4
AXIS_MAX_GAP_REM = 6.0

_SEASON_MONTH = {"SP": 3, "SU": 6, "FA": 9, "AU": 9, "WI": 12}


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
    env.globals["when"] = format_when
    return env


@cache
def asset(name: str) -> str:
    """A static file of the page (CSS, JS), inlined so every page is one self-contained file."""
    return (files("newsweave") / "web" / "static" / name).read_text(encoding="utf-8")


def axis_date(value: str | None) -> date | None:
    """The first day a TIMEX3-style value covers (`2026-04-19T04:50`, `2026-W17-WE`,
    `2026-03`, `2025-SU`, `2026-Q2`, `2025`, `197` decade, `19` century); None if unknown."""
    if not value:
        return None
    if m := re.match(r"^(\d{4})-W(\d{2})", value):
        try:
            return date.fromisocalendar(int(m[1]), int(m[2]), 1)
        except ValueError:
            return None
    if m := re.match(r"^(\d{4})-(SP|SU|FA|AU|WI)", value):
        return date(int(m[1]), _SEASON_MONTH[m[2]], 1)
    if m := re.match(r"^(\d{4})-Q([1-4])", value):
        return date(int(m[1]), 3 * int(m[2]) - 2, 1)
    if m := re.match(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", value):
        try:
            return date(int(m[1]), int(m[2] or 1), int(m[3] or 1))
        except ValueError:
            return None
    if m := re.match(r"^(\d{3})$", value):
        return date(int(m[1]) * 10, 1, 1)
    if m := re.match(r"^(\d{2})$", value):
        return date(int(m[1]) * 100, 1, 1)
    return None


def _axis_gap(days: int) -> float:
    gap = AXIS_MIN_GAP_REM + AXIS_REM_PER_LOG10_DAY * math.log10(1 + max(days, 0))
    return round(min(gap, AXIS_MAX_GAP_REM), 2)


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
        day = axis_date(e.get("value")) if e.get("precision") != "unresolved" else None
        item = {**e, "cites": cites(e["citations"]), "day": day}
        (placed if day else unplaced).append(item)
    placed.sort(key=lambda e: e["day"])
    previous: date | None = None
    for item in placed:
        item["gap"] = _axis_gap((item["day"] - previous).days) if previous else 0.0
        previous = item["day"]
    span = None
    if placed:
        span = {"first": placed[0]["day"], "last": placed[-1]["day"]}

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
        "headline": headline,
        "sources": [{**s, "n": number[s["id"]]} for s in sources],
        "summary": [{**s, "cites": cites(s["citations"])} for s in record.get("summary", [])],
        "summary_words": record.get("summary_words"),
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
    }


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
) -> str:
    """The story list page with its search box (the rows are `GET /api/stories` items)."""
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
        standalone=False,
    )


def error_to_html(status: int, message: str) -> str:
    return (
        _environment()
        .get_template("error.html")
        .render(status=status, message=message, standalone=False)
    )


_PART_OF_DAY = {"MO": "morning", "MI": "midday", "AF": "afternoon", "EV": "evening", "NI": "night"}


def format_when(value: str, day: date, precision: str) -> str:
    """A date label at the precision the text supports (a year is not shown as 1 January)."""
    if precision in ("year", "decade", "century"):
        return str(day.year) if precision == "year" else f"{day.year}s"
    if precision in ("month", "season", "quarter"):
        return day.strftime("%b %Y") if precision == "month" else value
    if precision in ("week", "weekend"):
        return ("weekend" if precision == "weekend" else "week") + " of " + day.isoformat()
    if precision == "time" and "T" in value:
        clock = value.split("T", 1)[1]
        return f"{day.isoformat()} {_PART_OF_DAY.get(clock, clock)}"
    return day.isoformat()
