"""newsweave: raw news articles in, cited multi-source briefings out."""

from newsweave.errors import DocumentError, ModelMissingError, NewsweaveError, NothingReadError
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

__version__ = "0.1.0"

__all__ = [
    "AnnotatedArticle",
    "Article",
    "Briefing",
    "Citation",
    "DocHints",
    "DocumentError",
    "ExtractResult",
    "ModelMissingError",
    "NewsweaveError",
    "NothingReadError",
    "RawDocument",
    "Sentence",
    "SkippedDocument",
    "SummarySentence",
    "brief",
    "brief_articles",
    "extract",
]
