"""Corpus reading: a stored story's briefing (cached by member set) and its copies.

The CLI (`show`) and the web service both read stories through here.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from newsweave.store import Store, StoredArticle


def members_hash(members: Iterable[StoredArticle]) -> str:
    """Changes whenever an article joins or leaves the story."""
    ids = sorted(m.id for m in members)
    return hashlib.sha256(json.dumps(ids).encode()).hexdigest()[:16]


def also_published_by(members: list[StoredArticle]) -> list[dict[str, Any]]:
    """The duplicate copies of a story's articles, each named with its original."""
    by_id = {m.id: m for m in members}
    rows = []
    for m in members:
        if m.duplicate_of is None:
            continue
        original = by_id.get(m.duplicate_of)
        rows.append(
            {
                "id": m.article.doc_id,
                "source": m.article.label,
                "url": m.article.url,
                "published": m.article.published.isoformat() if m.article.published else None,
                "duplicate_of": original.article.doc_id if original else None,
                "original_source": original.article.label if original else None,
                "similarity": m.similarity,
            }
        )
    return rows


@dataclass(frozen=True)
class StoryLookup:
    """A story as the cache knows it: the live id, the members hash its briefing is
    cached under, and the cached record (None: not built for these members yet)."""

    live: str
    members_hash: str
    record: dict[str, Any] | None


def lookup_story(store: Store, story_id: str) -> StoryLookup:
    """The story's cached record, without building one (the web service builds
    missing ones on its analysis thread, through `story_briefing`)."""
    from newsweave.render.html import story_record

    live = store.resolve_story(story_id)
    members = store.members(live)
    key = members_hash(members)
    cached = store.cached_briefing(live, key)
    if cached is None:
        return StoryLookup(live, key, None)
    return StoryLookup(
        live, key, story_record(live, json.loads(cached[0]), also_published_by(members))
    )


def story_briefing(store: Store, story_id: str) -> tuple[str, dict[str, Any], str, list]:
    """(live story id, briefing dict, briefing Markdown, also-published-by rows).

    The briefing is built from the story's original articles and cached under
    the hash of its member set, so it is rebuilt only when the story changed.
    """
    from newsweave.render import briefing_to_json, briefing_to_markdown

    live = store.resolve_story(story_id)
    members = store.members(live)
    key = members_hash(members)
    cached = store.cached_briefing(live, key)
    if cached is None:
        from newsweave.pipeline import brief_articles

        originals = [m.article for m in members if m.duplicate_of is None]
        briefing = brief_articles(originals)
        cached = (briefing_to_json(briefing), briefing_to_markdown(briefing))
        store.cache_briefing(live, key, *cached)
    return live, json.loads(cached[0]), cached[1], also_published_by(members)
