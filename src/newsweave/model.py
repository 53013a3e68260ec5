"""The values that flow between pipeline stages.

Every stage takes one of these and returns the next. They are frozen so a
stage can never change what an earlier stage produced.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

ContentKind = Literal["text", "html"]


@dataclass(frozen=True)
class DocHints:
    """Metadata a reader found next to the content (JSONL fields, CLI flags)."""

    url: str | None = None
    title: str | None = None
    outlet: str | None = None
    published: date | None = None
    published_source: str | None = None  # "jsonl", "cli", ...


@dataclass(frozen=True)
class RawDocument:
    """One document as read: decoded text plus where it came from."""

    doc_id: str  # stable, human-readable: "path", "path:3" (line/passage 3), "-"
    origin: str  # the path (or "-") the user gave
    text: str
    kind: ContentKind
    encoding: str = "utf-8"
    hints: DocHints = field(default_factory=DocHints)


@dataclass(frozen=True)
class SkippedDocument:
    """A document that could not be used, and why. Never dropped silently."""

    doc_id: str
    reason: str

    def __str__(self) -> str:
        return f"{self.doc_id}: {self.reason}"


@dataclass(frozen=True)
class RemovedLine:
    """A line the cleaner removed from a plain-text scrape, with the rule that fired."""

    text: str
    reason: str


@dataclass(frozen=True)
class Article:
    """A cleaned article: metadata plus body paragraphs in reading order."""

    doc_id: str
    paragraphs: tuple[str, ...]
    title: str | None = None
    outlet: str | None = None
    outlet_source: str | None = None  # "html-meta", "url", "jsonl", "masthead", ...
    byline: str | None = None
    published: date | None = None
    published_source: str | None = None  # "html-meta", "jsonl", "cli"; None = unknown
    dateline: str | None = None  # place from "SEOUL, South Korea —"
    url: str | None = None
    removed: tuple[RemovedLine, ...] = ()

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)

    @property
    def label(self) -> str:
        """How a citation names this article: its outlet, else its document id."""
        return self.outlet or self.doc_id


@dataclass(frozen=True)
class Entity:
    text: str
    label: str  # spaCy label: PERSON, ORG, GPE, DATE, ...


@dataclass(frozen=True)
class Sentence:
    """One sentence of an article; `index` is 1-based in reading order."""

    doc_id: str
    index: int
    paragraph: int  # 0-based paragraph index in Article.paragraphs
    text: str
    entities: tuple[Entity, ...] = ()


@dataclass(frozen=True)
class AnnotatedArticle:
    article: Article
    sentences: tuple[Sentence, ...]


@dataclass(frozen=True)
class Citation:
    doc_id: str
    source: str  # outlet or doc id, as shown to the reader
    sentence: int  # 1-based sentence index in that article
    text: str  # the cited sentence as it appears in that article


@dataclass(frozen=True)
class SummarySentence:
    text: str
    citations: tuple[Citation, ...]


@dataclass(frozen=True)
class Briefing:
    sources: tuple[Article, ...]
    summary: tuple[SummarySentence, ...]
    skipped: tuple[SkippedDocument, ...] = ()
    word_budget: int = 120

    @property
    def summary_words(self) -> int:
        return sum(len(s.text.split()) for s in self.summary)
