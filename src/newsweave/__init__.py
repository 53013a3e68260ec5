"""newsweave: raw news articles in, cited multi-source briefings out."""

# ruff: noqa: I001  (import order matters here: see the last import)

from newsweave.errors import (
    BriefingWorkerError,
    ClusterStateError,
    CorruptDatabaseError,
    DaskMissingError,
    DatabaseLockedError,
    DatabaseMissingError,
    DocumentError,
    MissingDependencyError,
    ModelMissingError,
    NewsweaveError,
    NothingReadError,
    ScaleError,
    SeveralStoriesError,
    StoreError,
    StoreInUseError,
    UnknownStoryError,
)
from newsweave.model import (
    AnnotatedArticle,
    Article,
    Briefing,
    Citation,
    DocHints,
    RawDocument,
    Sentence,
    SkippedDocument,
    SummarySentence,
)
from newsweave.pipeline import ExtractResult, brief, brief_articles, extract
from newsweave.store import Store

# Last: the function `ingest` shadows the subpackage `newsweave.ingest` (the readers) as an
# attribute of this package; the subpackage stays importable by its full name.
from newsweave.corpus import IngestSummary, ingest

__version__ = "0.1.0"

__all__ = [
    "AnnotatedArticle",
    "Article",
    "Briefing",
    "BriefingWorkerError",
    "Citation",
    "ClusterStateError",
    "CorruptDatabaseError",
    "DaskMissingError",
    "DatabaseLockedError",
    "DatabaseMissingError",
    "DocHints",
    "DocumentError",
    "ExtractResult",
    "IngestSummary",
    "MissingDependencyError",
    "ModelMissingError",
    "NewsweaveError",
    "NothingReadError",
    "RawDocument",
    "ScaleError",
    "Sentence",
    "SeveralStoriesError",
    "SkippedDocument",
    "Store",
    "StoreError",
    "StoreInUseError",
    "SummarySentence",
    "UnknownStoryError",
    "brief",
    "brief_articles",
    "extract",
    "ingest",
]
