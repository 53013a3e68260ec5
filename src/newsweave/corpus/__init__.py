"""Corpus mode in two rooms: the writer (`writer`: a batch in, stored and clustered) and
the reader (`reader`: story briefings and their copies), shared by the CLI and the web
service."""

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
