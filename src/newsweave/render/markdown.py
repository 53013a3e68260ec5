"""Briefing as Markdown: summary, quotes, timeline, actors, coverage, sources."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from newsweave.analyze.quotes import attribution_label
from newsweave.analyze.temporal import value_label
from newsweave.model import (
    Briefing,
    Citation,
    CoverageFact,
    Development,
    JoinExplanation,
    Quote,
    StoryJoinRecord,
    StoryRecord,
)
from newsweave.render.json import SECTION_TITLES, source_labels, story_languages

# Long lists are cut in the Markdown view (the JSON has everything).
MAX_ACTORS = 12
MAX_EXCLUSIVE_PER_SOURCE = 3
MAX_SHARED = 6


def briefing_to_markdown(
    briefing: Briefing, *, heading: list[str] | None = None, after_summary: Sequence[str] = ()
) -> str:
    """The briefing; `heading` replaces its title line, `after_summary` (Markdown lines)
    goes between the summary and the other sections."""
    labels = source_labels(briefing.sources)

    def cite(citations: Iterable[Citation]) -> str:
        return "; ".join(f"{labels.get(c.doc_id, c.source)}, s{c.sentence}" for c in citations)

    title = next((a.title for a in briefing.sources if a.title), None)
    if heading is None:
        heading = [f"# {title}" if title else "# Briefing"]
    lines = [*heading, ""]
    n = len(briefing.sources)
    languages = story_languages(briefing.sources)
    # a story across languages says so (cross-lingual stories); one language goes unsaid
    in_languages = f" in {len(languages)} languages ({', '.join(languages)})"
    lines.append(
        f"*{n} source{'s' if n != 1 else ''}{in_languages if len(languages) > 1 else ''}"
        f" · summary of {briefing.summary_words} words*"
    )
    if briefing.notes:
        lines.append("")
        lines += [f"> **{SECTION_TITLES[n.section]}**: {n.note}." for n in briefing.notes]

    lines += ["", "## Summary", ""]
    if not briefing.summary:
        lines.append("_No sentence could be selected._")
    lines += [f"- {s.text} [{cite(s.citations)}]" for s in briefing.summary]
    lines += after_summary

    if briefing.quotes:
        lines += ["", "## Who said what", ""]
        lines += _quotes(briefing.quotes, cite)

    if briefing.timeline:
        lines += ["", "## Timeline", ""]
        for event in briefing.timeline:
            when = value_label(event.value, event.precision) or "unresolved"
            anchor = f" — resolved against {event.anchor}" if event.anchor and event.value else ""
            lines.append(
                f"- **{when}** {event.text} [{cite(event.citations)}]"
                f" _(“{event.expression}”{anchor})_"
            )

    if briefing.actors:
        lines += ["", "## Actors", ""]
        for actor in briefing.actors[:MAX_ACTORS]:
            role = f", {'; '.join(actor.roles)}" if actor.roles else ""
            counts = ", ".join(
                f"{labels.get(m.source, m.source)} {m.count}" for m in actor.mentions
            )
            lines.append(f"- **{actor.name}** ({actor.kind}{role}) — mentions: {counts}")
        lines += _more(len(briefing.actors) - MAX_ACTORS)

    coverage = briefing.coverage
    if coverage.shared or coverage.exclusive or coverage.conflicts:
        lines += ["", "## Coverage", ""]
        if coverage.conflicts:
            lines += ["**Sources disagree**", ""]
            lines += [f"- {c.kind}: {c.detail} [{cite(c.citations)}]" for c in coverage.conflicts]
            lines.append("")
        if coverage.shared:
            # One heading per count, never more than the citations show: "4 of 5 sources".
            shown = coverage.shared[:MAX_SHARED]
            per_fact = [len({c.doc_id for c in f.citations}) for f in shown]
            for k in sorted(set(per_fact), reverse=True):
                lines += [f"**Reported by {k} of {n} sources**", ""]
                lines += [
                    f"- {f.text} [{cite(f.citations)}]"
                    for f, count in zip(shown, per_fact, strict=True)
                    if count == k
                ]
                lines.append("")
            if len(coverage.shared) > MAX_SHARED:
                lines[-1:] = [*_more(len(coverage.shared) - MAX_SHARED), ""]
        if coverage.exclusive:
            lines += ["**Only one source reports**", ""]
            by_source: dict[str, list[CoverageFact]] = {}
            for fact in coverage.exclusive:
                source = labels.get(fact.citations[0].doc_id, fact.citations[0].source)
                by_source.setdefault(source, []).append(fact)
            for source, facts in by_source.items():
                for fact in facts[:MAX_EXCLUSIVE_PER_SOURCE]:
                    lines.append(f"- *{source}*: {fact.text} [s{fact.citations[0].sentence}]")
                lines += _more(len(facts) - MAX_EXCLUSIVE_PER_SOURCE, f" from *{source}*")
        while lines and lines[-1] == "":
            lines.pop()

    lines += ["", "## Sources", ""]
    for article in briefing.sources:
        published = (
            f"published {article.published.isoformat()} ({article.published_source})"
            if article.published
            else "publication date unknown"
        )
        parts = [f"**{labels[article.doc_id]}**"]
        if article.title:
            parts.append(f"“{article.title}”")
        parts.append(published)
        parts.append(f"language {_language(article.language, article.language_confidence)}")
        if article.dateline:
            parts.append(f"dateline {article.dateline}")
        parts.append(f"`{article.url or article.doc_id}`")
        lines.append("- " + " — ".join(parts))
    if briefing.skipped:
        lines += ["", "## Skipped", ""]
        lines += [f"- `{s.doc_id}`: {s.reason}" for s in briefing.skipped]
    return "\n".join(lines) + "\n"


def _language(code: str, confidence: float | None) -> str:
    return f"{code} ({confidence:.2f})" if confidence is not None else code


def _more(hidden: int, where: str = "") -> list[str]:
    """The line that says a list was cut: "- … and 4 more (see JSON output)"; none if not."""
    return [f"- … and {hidden} more{where} (see JSON output)"] if hidden > 0 else []


def story_to_markdown(record: StoryRecord) -> str:
    """A stored story or event: its briefing (a developing story's with its
    "Developments" section), then the outlets that republished its articles."""
    labels = source_labels(record.briefing.sources)
    what = "story" if record.kind == "story" else "event"
    top = [f"*{what} {record.story}*"]
    if record.requested:
        top[0] += f" — `{record.requested}` was merged into it"
    if record.in_story:
        top[0] += f" · part of story {record.in_story}"
    if record.since:
        top[0] += f" · what is new since {record.since.isoformat()}"
        if not record.developments:
            return (
                f"{top[0]}\n\nNothing new: no article of this story was published (or, "
                f"undated, stored) on or after {record.since.isoformat()}.\n"
            )
    heading = None
    if record.headline is not None and record.headline.kind == "lead":
        heading = [
            f"# “{record.headline.text}”",
            "",
            f"*No article of this {what} has a headline: its most central lead sentence "
            f"(from {labels.get(record.headline.doc_id or '', record.headline.doc_id)}).*",
        ]
    elif record.headline is not None:
        heading = [f"# {record.headline.text}"]
    after = developments_markdown(record.developments, labels) if record.kind == "story" else []
    body = briefing_to_markdown(record.briefing, heading=heading, after_summary=after)
    lines = [*top, "", body.rstrip("\n")]
    if record.also_published_by:
        lines += ["", "## Also published by", ""]
        for c in record.also_published_by:
            similarity = (
                "exact copy"
                if c.similarity == 1.0
                else f"near-duplicate, similarity {c.similarity:.2f}"
            )
            lines.append(f"- {c.source} ({c.doc_id}) — {similarity} of {c.original_source}")
    return "\n".join(lines) + "\n"


def span_label(first: date | None, last: date | None) -> str:
    """An event's dates: "27 Nov 1998", "27 Nov – 3 Dec 1998", "date unknown"."""
    if first is None or last is None:
        return "date unknown"

    def day(d: date, year: bool = True) -> str:
        return f"{d.day} {d:%b}" + (f" {d.year}" if year else "")

    if first == last:
        return day(first)
    return f"{day(first, first.year != last.year)} – {day(last)}"


def developments_markdown(developments: Iterable[Development], labels: dict[str, str]) -> list[str]:
    """The "Developments" section: each event in time order with its dates, size,
    outlets and one-sentence cited summary."""
    items = list(developments)
    lines = ["", "## Developments", ""]
    for d in items:
        n = d.articles
        outlets = ", ".join(d.outlets) or "no outlet named"
        if d.summary is not None:
            cites = "; ".join(
                f"{labels.get(c.doc_id, c.source)}, s{c.sentence}" for c in d.summary.citations
            )
            lead = f"{d.summary.text} [{cites}]"
        else:
            lead = "_no sentence could be selected_"
        lines.append(
            f"- **{span_label(d.first, d.last)}** · {n} article{'s' if n != 1 else ''} · "
            f"{outlets} · `{d.event}` — {lead}"
        )
    if not items:
        lines.append("_No event yet._")
    return lines


def why_to_markdown(
    story: str, explanations: list[JoinExplanation], requested: str | None = None
) -> str:
    """`newsweave show ID --why`: why each event is in the story (score, features, shared
    names and terms, time gap), or why one article is where it is."""
    lines = [f"# Why story {story} holds what it holds", ""]
    if requested and requested != story:
        lines[0:1] = [f"# Why {requested} is where it is", "", f"*story {story}*"]
    for e in explanations:
        when = e.published.isoformat() if e.published else "date unknown"
        lines += [f"## `{e.event}` — article {e.article_id} ({when})", ""]
        lines.append(f"- article: `{e.doc_id}`" + (f" “{e.title}”" if e.title else ""))
        if e.duplicate_of is not None:
            similarity = f", similarity {e.similarity:.2f}" if e.similarity is not None else ""
            lines.append(
                f"- a copy of article {e.duplicate_of}{similarity}: it goes where that goes"
            )
        lines.append(f"- {VIA_TEXT.get(e.via, e.via)}")
        if e.gap_days is not None:
            days = f"{e.gap_days} day{'s' if e.gap_days != 1 else ''}"
            lines.append(f"- time gap: {days} after the development before it")
        for label, join in (("its join", e.join), ("placed by", e.placed_by)):
            if join is None:
                continue
            lines += _join_lines(label, join)
        if e.join is None and e.placed_by is None and e.duplicate_of is None:
            lines.append("- no join recorded (stored before stories were linked)")
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


VIA_TEXT = {
    "opened": "opened the story",
    "joined": "joined the story",
    "split": "split off another event and kept its story",
    "upgrade": "an event of a store upgraded in place: its own story",
    "unknown": "not linked to a story yet",
}


def _join_lines(label: str, join: StoryJoinRecord) -> list[str]:
    lines = []
    prefix = f"{label} (article {join.article_id})" if label == "placed by" else label
    if join.opened:
        lines.append(f"- {prefix}: opened a new story (no story scored high enough)")
    elif join.score is not None:
        lines.append(f"- {prefix}: score {join.score:.2f} against story {join.story}")
    else:
        lines.append(f"- {prefix}: stayed in its event's story {join.story}")
    if join.shared:
        lines.append(f"- shared names and terms: {', '.join(join.shared)}")
    if join.features:
        lines.append(
            "- features: " + ", ".join(f"{name} {value:.2f}" for name, value in join.features)
        )
    if join.merged:
        lines.append(f"- merged into it: {', '.join(join.merged)}")
    return lines


def _quotes(quotes: tuple[Quote, ...], cite) -> list[str]:
    """Quotes grouped by speaker, in order of each speaker's first quote; unattributed last."""
    order: list[str | None] = []
    for q in quotes:
        if q.speaker not in order:
            order.append(q.speaker)
    if None in order:
        order.remove(None)
        order.append(None)
    lines: list[str] = []
    for speaker in order:
        lines.append(f"**{speaker}**" if speaker else "**Speaker unknown**")
        for q in (q for q in quotes if q.speaker == speaker):
            shown = f"“{q.text}”" if q.kind == "direct" else f"“…{q.text}…”"
            lines.append(f"- {shown} _({attribution_label(q)})_ [{cite(q.citations)}]")
        lines.append("")
    return lines[:-1]
