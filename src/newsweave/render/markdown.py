"""Briefing as Markdown: summary, quotes, timeline, actors, coverage, sources."""

from __future__ import annotations

from collections.abc import Iterable

from newsweave.analyze.temporal import value_label
from newsweave.model import Briefing, Citation, CoverageFact, Quote, StoryRecord
from newsweave.render.json import SECTION_TITLES, source_labels, story_languages

# Long lists are cut in the Markdown view (the JSON has everything).
MAX_ACTORS = 12
MAX_EXCLUSIVE_PER_SOURCE = 3
MAX_SHARED = 6


def briefing_to_markdown(briefing: Briefing) -> str:
    labels = source_labels(briefing.sources)

    def cite(citations: Iterable[Citation]) -> str:
        return "; ".join(f"{labels.get(c.doc_id, c.source)}, s{c.sentence}" for c in citations)

    title = next((a.title for a in briefing.sources if a.title), None)
    lines = [f"# {title}" if title else "# Briefing", ""]
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
    """A stored story: its briefing, then the outlets that republished its articles."""
    lines = [f"*story {record.story}*", "", briefing_to_markdown(record.briefing).rstrip("\n")]
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
        lines.append(f"**{speaker}**" if speaker else "**Unattributed**")
        for q in (q for q in quotes if q.speaker == speaker):
            how = (
                ""
                if q.speaker_via in ("explicit", "unattributed")
                else f", speaker {q.speaker_via}"
            )
            shown = f"“{q.text}”" if q.kind == "direct" else f"“…{q.text}…”"
            lines.append(f"- {shown} _({q.cue or 'no cue verb'}{how})_ [{cite(q.citations)}]")
        lines.append("")
    return lines[:-1]
