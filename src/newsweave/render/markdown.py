"""Briefing as Markdown: the summary with inline citations, then the sources."""

from __future__ import annotations

from newsweave.model import Briefing
from newsweave.render.json import source_labels


def briefing_to_markdown(briefing: Briefing) -> str:
    labels = source_labels(briefing.sources)
    title = next((a.title for a in briefing.sources if a.title), None)
    lines = [f"# {title}" if title else "# Briefing", ""]
    n = len(briefing.sources)
    lines.append(f"*{n} source{'s' if n != 1 else ''} · summary of {briefing.summary_words} words*")
    lines += ["", "## Summary", ""]
    if not briefing.summary:
        lines.append("_No sentence could be selected._")
    for sentence in briefing.summary:
        cites = "; ".join(
            f"{labels.get(c.doc_id, c.source)}, s{c.sentence}" for c in sentence.citations
        )
        lines.append(f"- {sentence.text} [{cites}]")
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
        if article.dateline:
            parts.append(f"dateline {article.dateline}")
        parts.append(f"`{article.url or article.doc_id}`")
        lines.append("- " + " — ".join(parts))
    if briefing.skipped:
        lines += ["", "## Skipped", ""]
        lines += [f"- `{s.doc_id}`: {s.reason}" for s in briefing.skipped]
    return "\n".join(lines) + "\n"
