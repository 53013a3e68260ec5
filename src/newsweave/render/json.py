"""Briefing and Article as plain JSON-ready dicts (schema: docs/json-schema.md)."""

from __future__ import annotations

import json
from typing import Any

from newsweave.analyze.quotes import attribution_label
from newsweave.analyze.temporal import value_label
from newsweave.model import (
    AlsoPublished,
    Article,
    Briefing,
    Citation,
    Development,
    Headline,
    JoinExplanation,
    SkippedDocument,
    StoryJoinRecord,
    StoryRecord,
    SummarySentence,
)

BRIEFING_SCHEMA = "newsweave.briefing/1"
WHY_SCHEMA = "newsweave.why/1"
ARTICLE_SCHEMA = "newsweave.article/1"

# Reader-facing name of each briefing section a SectionNote can name.
SECTION_TITLES = {
    "summary": "Summary",
    "quotes": "Who said what",
    "timeline": "Timeline",
    "actors": "Actors",
    "coverage": "Coverage",
}


def article_to_dict(article: Article, *, with_removed: bool = True) -> dict[str, Any]:
    record: dict[str, Any] = {
        "schema": ARTICLE_SCHEMA,
        "id": article.doc_id,
        "outlet": article.outlet,
        "outlet_source": article.outlet_source,
        "title": article.title,
        "byline": article.byline,
        "published": article.published.isoformat() if article.published else None,
        "published_source": article.published_source,
        "dateline": article.dateline,
        "url": article.url,
        "language": article.language,
        "language_confidence": article.language_confidence,
        "paragraphs": list(article.paragraphs),
    }
    if with_removed:
        record["removed"] = [{"text": r.text, "reason": r.reason} for r in article.removed]
    return record


def skipped_to_dict(skipped: SkippedDocument) -> dict[str, str]:
    return {"id": skipped.doc_id, "reason": skipped.reason}


def story_languages(sources: tuple[Article, ...] | list[Article]) -> list[str]:
    """The languages a story's sources are written in (ISO 639-1 codes, "und"), sorted."""
    return sorted({a.language for a in sources})


def briefing_to_dict(briefing: Briefing) -> dict[str, Any]:
    labels = source_labels(briefing.sources)
    language_of = {a.doc_id: a.language for a in briefing.sources}

    def cite(citations: tuple[Citation, ...]) -> list[dict[str, Any]]:
        return [
            {
                "source_id": c.doc_id,
                "source": labels.get(c.doc_id, c.source),
                "sentence": c.sentence,
                "text": c.text,
            }
            for c in citations
        ]

    coverage = briefing.coverage
    return {
        "schema": BRIEFING_SCHEMA,
        "word_budget": briefing.word_budget,
        "summary_words": briefing.summary_words,
        "languages": story_languages(briefing.sources),
        "sources": [
            {"label": labels[a.doc_id], **article_to_dict(a, with_removed=False)}
            for a in briefing.sources
        ],
        # each sentence as its source wrote it, in its source's language (never translated)
        "summary": [
            {
                "text": s.text,
                "language": language_of.get(s.citations[0].doc_id) if s.citations else None,
                "citations": cite(s.citations),
            }
            for s in briefing.summary
        ],
        "quotes": [
            {
                "text": q.text,
                "speaker": q.speaker,
                "speaker_via": q.speaker_via,
                "cue": q.cue,
                "attribution": attribution_label(q),
                "kind": q.kind,
                "citations": cite(q.citations),
            }
            for q in briefing.quotes
        ],
        "timeline": [
            {
                "text": e.text,
                "expression": e.expression,
                "value": e.value,
                "label": value_label(e.value, e.precision),
                "precision": e.precision,
                "anchor": e.anchor,
                "citations": cite(e.citations),
            }
            for e in briefing.timeline
        ],
        "actors": [
            {
                "name": a.name,
                "kind": a.kind,
                "roles": list(a.roles),
                "aliases": list(a.aliases),
                "mentions": {labels.get(m.source, m.source): m.count for m in a.mentions},
                "citations": cite(a.citations),
            }
            for a in briefing.actors
        ],
        "coverage": {
            "shared": [{"text": f.text, "citations": cite(f.citations)} for f in coverage.shared],
            "exclusive": [
                {"text": f.text, "citations": cite(f.citations)} for f in coverage.exclusive
            ],
            "conflicts": [
                {"kind": c.kind, "detail": c.detail, "citations": cite(c.citations)}
                for c in coverage.conflicts
            ],
            "alignment": [
                {"a": cite((p.a,))[0], "b": cite((p.b,))[0], "similarity": round(p.similarity, 3)}
                for p in coverage.alignment
            ],
        },
        "notes": [{"section": n.section, "note": n.note} for n in briefing.notes],
        "skipped": [skipped_to_dict(s) for s in briefing.skipped],
    }


def briefing_to_json(briefing: Briefing) -> str:
    return json.dumps(briefing_to_dict(briefing), ensure_ascii=False, indent=2) + "\n"


def story_to_dict(record: StoryRecord) -> dict[str, Any]:
    """A stored story or event: its briefing record plus `story`, `kind`, `headline` /
    `lead`, `developments` (a developing story's events in time order), `in_story` (an
    event's developing story) and `also_published_by`: what `newsweave show --format json`
    prints, `GET /api/stories/{id}` and `GET /api/events/{id}` serve and the story page is
    rendered from."""
    briefing = briefing_to_dict(record.briefing)
    labels = {s["id"]: s["label"] for s in briefing["sources"]}
    return {
        "story": record.story,
        "kind": record.kind,
        "requested": record.requested,
        "in_story": record.in_story,
        "since": record.since.isoformat() if record.since else None,
        **headline_fields(record.headline),
        **briefing,
        "developments": [development_to_dict(d, labels) for d in record.developments],
        "also_published_by": [also_published_to_dict(c) for c in record.also_published_by],
    }


def headline_fields(headline: Headline | None) -> dict[str, Any]:
    """`headline`: an article's own title (null when none has one); `lead`: the fallback
    shown instead, `{text, source_id}` (the story's most central lead sentence, shortened)."""
    if headline is None:
        return {"headline": None, "lead": None}
    if headline.kind == "title":
        return {"headline": headline.text, "lead": None}
    return {"headline": None, "lead": {"text": headline.text, "source_id": headline.doc_id}}


def _sentence(s: SummarySentence | None, labels: dict[str, str]) -> dict[str, Any] | None:
    if s is None:
        return None
    return {
        "text": s.text,
        "citations": [
            {
                "source_id": c.doc_id,
                "source": labels.get(c.doc_id, c.source),
                "sentence": c.sentence,
                "text": c.text,
            }
            for c in s.citations
        ],
    }


def development_to_dict(d: Development, labels: dict[str, str] | None = None) -> dict[str, Any]:
    return {
        "event": d.event,
        "headline": d.headline,
        "first": d.first.isoformat() if d.first else None,
        "last": d.last.isoformat() if d.last else None,
        "articles": d.articles,
        "sources": d.sources,
        "outlets": list(d.outlets),
        "summary": _sentence(d.summary, labels or {}),
    }


def join_to_dict(join: StoryJoinRecord | None) -> dict[str, Any] | None:
    if join is None:
        return None
    return {
        "article_id": join.article_id,
        "event": join.event,
        "story": join.story,
        "opened": join.opened,
        "score": join.score,
        "features": dict(join.features),
        "shared": list(join.shared),
        "merged": list(join.merged),
    }


def explanation_to_dict(e: JoinExplanation) -> dict[str, Any]:
    return {
        "article_id": e.article_id,
        "source_id": e.doc_id,
        "title": e.title,
        "published": e.published.isoformat() if e.published else None,
        "event": e.event,
        "story": e.story,
        "via": e.via,
        "gap_days": e.gap_days,
        "join": join_to_dict(e.join),
        "placed_by": join_to_dict(e.placed_by),
        "duplicate_of": e.duplicate_of,
        "similarity": e.similarity,
    }


def why_to_dict(
    story: str, explanations: list[JoinExplanation], requested: str | None = None
) -> dict[str, Any]:
    """`newsweave show ID --why --format json`: why each event is in the story (or, for
    an article id, why that article is where it is: one explanation)."""
    return {
        "schema": WHY_SCHEMA,
        "story": story,
        "requested": requested,
        "explanations": [explanation_to_dict(e) for e in explanations],
    }


def why_to_json(
    story: str, explanations: list[JoinExplanation], requested: str | None = None
) -> str:
    return (
        json.dumps(why_to_dict(story, explanations, requested), ensure_ascii=False, indent=1) + "\n"
    )


def story_to_json(record: StoryRecord) -> str:
    return json.dumps(story_to_dict(record), ensure_ascii=False, indent=1) + "\n"


def also_published_to_dict(copy: AlsoPublished) -> dict[str, Any]:
    return {
        "id": copy.doc_id,
        "source": copy.source,
        "url": copy.url,
        "published": copy.published.isoformat() if copy.published else None,
        "duplicate_of": copy.duplicate_of,
        "original_source": copy.original_source,
        "similarity": copy.similarity,
    }


def source_labels(sources: tuple[Article, ...]) -> dict[str, str]:
    """A distinct reader-facing name per source: the outlet, made unique when shared."""
    counts: dict[str, int] = {}
    for a in sources:
        counts[a.label] = counts.get(a.label, 0) + 1
    seen: dict[str, int] = {}
    labels = {}
    for a in sources:
        if counts[a.label] == 1:
            labels[a.doc_id] = a.label
        else:
            seen[a.label] = seen.get(a.label, 0) + 1
            labels[a.doc_id] = f"{a.label} ({seen[a.label]})" if a.outlet else a.doc_id
    return labels
