"""Corpus reading: a stored story's record (its briefing, cached by member set, and the
copies other outlets published).

The CLI (`show`) and the web service both read stories through here.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass

from newsweave.model import AlsoPublished, StoryRecord
from newsweave.store import Store, StoredArticle


def members_hash(members: Iterable[StoredArticle]) -> str:
    """Changes whenever an article joins or leaves the story."""
    ids = sorted(m.id for m in members)
    return hashlib.sha256(json.dumps(ids).encode()).hexdigest()[:16]


def also_published_by(members: list[StoredArticle]) -> tuple[AlsoPublished, ...]:
    """The duplicate copies of a story's articles, each named with its original."""
    by_id = {m.id: m for m in members}
    rows = []
    for m in members:
        if m.duplicate_of is None:
            continue
        original = by_id.get(m.duplicate_of)
        rows.append(
            AlsoPublished(
                doc_id=m.article.doc_id,
                source=m.article.label,
                url=m.article.url,
                published=m.article.published,
                duplicate_of=original.article.doc_id if original else None,
                original_source=original.article.label if original else None,
                similarity=m.similarity,
            )
        )
    return tuple(rows)


@dataclass(frozen=True)
class StoryLookup:
    """A story as the cache knows it: the live id, the members hash its record is
    cached under, and the cached record (None: not built for these members yet)."""

    live: str
    members_hash: str
    record: StoryRecord | None


def lookup_story(store: Store, story_id: str) -> StoryLookup:
    """The story's cached record, without building one (the web service builds
    missing ones on its analysis thread, through `read_story`)."""
    live = store.resolve_story(story_id)
    key = members_hash(store.members(live))
    return StoryLookup(live, key, store.cached_story_record(live, key))


def read_story(store: Store, story_id: str) -> StoryRecord:
    """The story's record: from the cache, else built and cached.

    The briefing is built from the story's original articles and cached under
    the hash of its member set, so it is rebuilt only when the story changed.
    """
    live = store.resolve_story(story_id)
    members = store.members(live)
    key = members_hash(members)
    record = store.cached_story_record(live, key)
    if record is None:
        from newsweave.pipeline import brief_articles

        originals = [m.article for m in members if m.duplicate_of is None]
        # annotations are read from (and saved to) the store per article
        briefing = brief_articles(originals, store=store)
        record = StoryRecord(live, briefing, also_published_by(members))
        store.cache_story_record(key, record)
    return record
