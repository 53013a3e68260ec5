"""Every error newsweave raises on purpose, in one tree under NewsweaveError.

    NewsweaveError
    ├── DocumentError ............ one document cannot be used; the run goes on without it
    ├── NothingReadError ......... no input document could be read at all
    ├── MissingDependencyError ... an optional part is not installed (the message names it)
    │   ├── ModelMissingError .... an NLP model package (spaCy, sentence encoder)
    │   └── DaskMissingError ..... `--dask` without dask.distributed
    ├── StoreError ............... the corpus database cannot be used
    │   ├── DatabaseMissingError . a command that only reads names no database file
    │   ├── DatabaseLockedError .. another process holds the write lock (try again)
    │   ├── StoreInUseError ...... another process is the store's writer (names it)
    │   ├── CorruptDatabaseError . not a newsweave database, or damaged
    │   └── UnknownStoryError .... no story with that id
    ├── ClusterStateError ........ the stored clusterer state cannot be read
    ├── ScaleError ............... a Dask task failed for good
    ├── BriefingWorkerError ...... the service's briefing process died or hung twice
    └── SeveralStoriesError ...... `brief` was given several stories (clusters, groups)

Each message is one line that names the document, file or id and, where there is
one, the fix. The CLI (`cli.py`) and the web service (`api.py`) each map this tree
to exit codes or HTTP statuses in one place, so no user meets a traceback.
"""

from __future__ import annotations


class NewsweaveError(Exception):
    """Base class for every error newsweave raises on purpose."""


class DocumentError(NewsweaveError):
    """A single document cannot be used; the run goes on without it."""

    def __init__(self, doc_id: str, reason: str) -> None:
        super().__init__(f"{doc_id}: {reason}")
        self.doc_id = doc_id
        self.reason = reason


class NothingReadError(NewsweaveError):
    """No input document could be read at all."""


class MissingDependencyError(NewsweaveError):
    """An optional package or model is not installed; the message says what to install."""


class ModelMissingError(MissingDependencyError):
    """A required NLP model package is not installed."""


class DaskMissingError(MissingDependencyError):
    """`--dask` was asked for but dask.distributed is not installed."""


class StoreError(NewsweaveError):
    """The corpus database cannot be used."""


class DatabaseMissingError(StoreError):
    """A command that only reads (`stories`, `show`) names a database file that does not exist."""


class DatabaseLockedError(StoreError):
    """Another process holds the write lock; trying again later can succeed."""


class StoreInUseError(StoreError):
    """Another process is the store's one writer (ingest, watch, serve); the message names it."""


class CorruptDatabaseError(StoreError):
    """The file is not a newsweave database, or is damaged."""


class UnknownStoryError(StoreError):
    """No story with that id."""


class ClusterStateError(NewsweaveError):
    """A saved clusterer state cannot be read: corrupt, cut short, or of another version."""


class ScaleError(NewsweaveError):
    """A Dask task failed for good (e.g. its workers kept dying)."""


class BriefingWorkerError(NewsweaveError):
    """The web service's briefing process died or hung twice on one briefing, or the
    service is shutting down (HTTP 503)."""


class SeveralStoriesError(NewsweaveError):
    """`brief` summarises one story, but its input holds several (Multi-News clusters,
    or articles the event clusterer puts in more than one story)."""
