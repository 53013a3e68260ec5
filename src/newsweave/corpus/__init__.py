"""Corpus mode in two rooms: the writer (`writer`: a batch in, stored and clustered, a
`model.BatchResult` out) and the reader (`reader`: a story's `model.StoryRecord`, its
briefing and the copies other outlets published), shared by the CLI and the web service."""

from newsweave.corpus.reader import (
    StoryListing,
    StoryLookup,
    also_published_by,
    explain_article,
    explain_story,
    list_events,
    list_stories,
    lookup_developing_story,
    lookup_record,
    lookup_story,
    members_hash,
    read_developing_story,
    read_event,
    read_record,
    read_story,
    resolve_id,
    story_of_event,
)
from newsweave.corpus.writer import (
    BATCH_SIZE,
    Ingestor,
    IngestSummary,
    Item,
    Progress,
    ingest,
    ingest_items,
)

__all__ = [
    "BATCH_SIZE",
    "IngestSummary",
    "Ingestor",
    "Item",
    "Progress",
    "StoryListing",
    "StoryLookup",
    "also_published_by",
    "explain_article",
    "explain_story",
    "list_events",
    "list_stories",
    "ingest",
    "ingest_items",
    "lookup_developing_story",
    "lookup_record",
    "lookup_story",
    "members_hash",
    "read_developing_story",
    "read_event",
    "read_record",
    "read_story",
    "resolve_id",
    "story_of_event",
]
