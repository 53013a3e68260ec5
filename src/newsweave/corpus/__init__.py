"""Corpus mode in two rooms: the writer (`writer`: a batch in, stored and clustered, a
`model.BatchResult` out) and the reader (`reader`: a story's `model.StoryRecord`, its
briefing and the copies other outlets published), shared by the CLI and the web service."""

from newsweave.corpus.reader import (
    StoryLookup,
    also_published_by,
    lookup_story,
    members_hash,
    read_story,
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
    "StoryLookup",
    "also_published_by",
    "ingest",
    "ingest_items",
    "lookup_story",
    "members_hash",
    "read_story",
]
