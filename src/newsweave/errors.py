"""Exception hierarchy: everything newsweave raises derives from NewsweaveError."""

from __future__ import annotations


class NewsweaveError(Exception):
    """Base class for every error newsweave raises on purpose."""


class DocumentError(NewsweaveError):
    """A single document cannot be used; the run goes on without it."""

    def __init__(self, doc_id: str, reason: str) -> None:
        super().__init__(f"{doc_id}: {reason}")
        self.doc_id = doc_id
        self.reason = reason


class ModelMissingError(NewsweaveError):
    """A required NLP model package is not installed."""


class NothingReadError(NewsweaveError):
    """No input document could be read at all."""


class ClusterStateError(NewsweaveError):
    """A saved clusterer state cannot be read: corrupt, cut short, or of another version."""
