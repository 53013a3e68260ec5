"""Corpus mode in two rooms: the writer (`writer`: a batch in, stored and clustered) and
the reader (`reader`: story briefings and their copies), shared by the CLI and the web
service."""

from newsweave.corpus.reader import also_published_by, members_hash, story_briefing
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
    "also_published_by",
    "ingest",
    "ingest_items",
    "members_hash",
    "story_briefing",
]
