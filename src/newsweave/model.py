"""The values that flow between pipeline stages.

Every stage takes one of these and returns the next. They are frozen so a
stage can never change what an earlier stage produced.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

# -- closed sets: the one place each set of provenance values is written down ----------
# (`typing.get_args(SpeakerVia)` lists a set at run time; docs/json-schema.md explains each.)
from newsweave.language import count_words

ContentKind = Literal["text", "html"]
# Where an article's outlet name came from: the page's site-name metadata, the scrape's own
# text (masthead, sign-up prompt, copyright), the URL's domain, or the metadata the reader
# was handed with the document: a JSON Lines record, a feed's title, a request to the API.
OutletSource = Literal["html-meta", "text", "url", "jsonl", "feed", "api"]
# Where a publication date came from: structured page metadata, the URL, the page text,
# a JSON Lines record, a feed entry, the CLI's --date, a request to the API.
PublishedSource = Literal["html-meta", "url", "html-text", "jsonl", "feed", "cli", "api"]
# How a quote's speaker was found (analyze/quotes.py): named as the cue's subject, a pronoun
# resolved to a named speaker, the speaker of a neighbouring sentence, or not at all.
SpeakerVia = Literal["explicit", "pronoun", "nearby", "unattributed"]
# A whole quoted sentence, or quoted words inside reported speech.
QuoteKind = Literal["direct", "partial"]
# The precision of a resolved temporal expression (analyze/temporal.py). A timeline event is
# never a duration, a set or a bare reference (timeline.NO_EVENT_PRECISIONS).
Precision = Literal[
    "time",
    "day",
    "weekend",
    "week",
    "month",
    "season",
    "quarter",
    "year",
    "decade",
    "century",
    "duration",
    "set",
    "reference",
    "unresolved",
]
ActorKind = Literal["person", "organisation", "place", "group"]
ConflictKind = Literal["number", "date", "name", "attribution"]
RecordKind = Literal["event", "story"]  # a StoryRecord of one event, or of a developing story


@dataclass(frozen=True)
class DocHints:
    """Metadata a reader found next to the content (JSONL fields, CLI flags)."""

    url: str | None = None
    title: str | None = None
    outlet: str | None = None
    published: date | None = None
    outlet_source: OutletSource | None = None  # set with `outlet` by whoever supplies it
    published_source: PublishedSource | None = None


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
    outlet_source: OutletSource | None = None
    byline: str | None = None
    published: date | None = None
    published_source: PublishedSource | None = None  # None = unknown
    dateline: str | None = None  # place from "SEOUL, South Korea —"
    url: str | None = None
    removed: tuple[RemovedLine, ...] = ()
    language: str = "und"  # ISO 639-1 code of the body; "und" = too short to tell (or not known)
    language_confidence: float | None = None  # the detector's probability; None with "und"

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
class Token:
    """One spaCy token, kept as plain data so annotations can be cached and shipped."""

    text: str
    lemma: str
    pos: str  # universal POS: VERB, PROPN, PRON, ...
    tag: str  # Penn Treebank tag: VBD, NNP, PRP, ...
    dep: str  # dependency label: nsubj, ccomp, ...
    head: int  # index of the head token in this sentence (a root points to itself)
    ent: str  # entity label (PERSON, ORG, ...) or ""
    start: int  # character offset in Sentence.text


@dataclass(frozen=True)
class Sentence:
    """One sentence of an article; `index` is 1-based in reading order."""

    doc_id: str
    index: int
    paragraph: int  # 0-based paragraph index in Article.paragraphs
    text: str
    entities: tuple[Entity, ...] = ()
    tokens: tuple[Token, ...] = ()


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
class Quote:
    """Words someone is reported to have said, with who said them and how we know."""

    text: str  # the quoted words, without the quote marks
    speaker: str | None  # canonical name ("Mark Esper"); None = unattributed
    speaker_via: SpeakerVia
    cue: str | None  # lemma of the speech verb ("say", "add", "threaten"), if any
    kind: QuoteKind
    citations: tuple[Citation, ...]  # every source that reports this quote


@dataclass(frozen=True)
class TimelineEvent:
    """Something the sources date, with the date resolved as far as the text allows."""

    text: str  # the clause (or sentence) that says what happened
    expression: str  # the temporal expression as written: "last month", "Sunday"
    value: (
        str | None
    )  # ISO 8601 at its precision: "2026-04-19", "2026-03", "2025"; None = unresolved
    precision: Precision
    anchor: str | None  # what it was resolved against: "published 2026-04-20 (html-meta)"
    citations: tuple[Citation, ...]


@dataclass(frozen=True)
class Mention:
    source: str  # source label (outlet, or doc id)
    count: int


@dataclass(frozen=True)
class Actor:
    """A person, organisation or place the story is about, names merged."""

    name: str  # canonical name: "Mark Esper", "North Korea"
    kind: ActorKind
    roles: tuple[str, ...]  # role lines from the text: "Defense Secretary"
    aliases: tuple[str, ...]  # other names seen: "Esper", "Mark T. Esper", "DPRK"
    mentions: tuple[Mention, ...]  # per source
    citations: tuple[Citation, ...] = ()  # where a role was stated


@dataclass(frozen=True)
class CoverageFact:
    text: str  # the sentence shown (from the first citation)
    citations: tuple[Citation, ...]  # every source that reports it


@dataclass(frozen=True)
class Conflict:
    """Sources that report the same fact differently."""

    kind: ConflictKind
    detail: str  # "27 vs 41"
    citations: tuple[Citation, ...]


@dataclass(frozen=True)
class AlignedPair:
    a: Citation
    b: Citation
    similarity: float


@dataclass(frozen=True)
class Coverage:
    """What every source reports, what only one does, and where they disagree."""

    shared: tuple[CoverageFact, ...] = ()  # reported by every source (or all but one, if > 3)
    exclusive: tuple[CoverageFact, ...] = ()  # reported by one source only
    conflicts: tuple[Conflict, ...] = ()
    alignment: tuple[AlignedPair, ...] = ()  # sentence pairs judged to report the same fact


@dataclass(frozen=True)
class SectionNote:
    """Why a briefing section is missing or partial, e.g. English-only analysis."""

    section: str  # "quotes" | "timeline" | "actors" | "coverage"
    note: str  # shown to the reader: "not computed for 1 article (de): dates are read in …"


@dataclass(frozen=True)
class Briefing:
    sources: tuple[Article, ...]
    summary: tuple[SummarySentence, ...]
    skipped: tuple[SkippedDocument, ...] = ()
    word_budget: int = 120
    quotes: tuple[Quote, ...] = ()
    timeline: tuple[TimelineEvent, ...] = ()
    actors: tuple[Actor, ...] = ()
    coverage: Coverage = field(default_factory=Coverage)
    notes: tuple[SectionNote, ...] = ()  # sections not computed for every source, and why

    @property
    def summary_words(self) -> int:
        return sum(count_words(s.text) for s in self.summary)


@dataclass(frozen=True)
class PreparedArticle:
    """One document ready for the corpus: cleaned, hashed and MinHash-signed.

    What `pipeline.prepare` makes of a RawDocument, wherever it runs (a local read,
    a Dask worker, a posted article). `fingerprinted` is False on the paths that
    need only the article (`brief`, `extract`), which skip the hashes and signature.
    A Dask worker also fills `embedding`, so the writer never loads the encoder.
    """

    article: Article
    raw_text: str | None = None  # the text as read, kept in the store
    chash: str | None = None  # store.content_hash: outlet + url + body
    thash: str | None = None  # store.text_hash: body only (exact copies)
    minhash: Any = None  # datasketch.MinHash, or None when the text is too short to sign
    # the encoder's vector of cluster.lead(article), float32; None: the clusterer embeds it
    embedding: Any = field(default=None, compare=False, repr=False)

    @property
    def fingerprinted(self) -> bool:
        return self.chash is not None


ArticleStatus = Literal["new", "duplicate", "already_stored"]


@dataclass(frozen=True)
class StoredOutcome:
    """What the corpus writer did with one article of a batch."""

    doc_id: str
    content_hash: str
    status: ArticleStatus  # "already_stored": this very article was ingested before
    article_id: int  # its row (for "already_stored", the row stored before)
    duplicate_of: int | None  # the original it copies (exact or near); None: an original
    similarity: float | None  # estimated Jaccard to that original (1.0: exact copy)
    story: str | None  # the story it is in once the batch is stored


@dataclass(frozen=True)
class StorySplit:
    """Articles (by content hash) the clusterer moved out of a story into a new one."""

    story: str
    moved: tuple[str, ...]


@dataclass(frozen=True)
class StoryMerge:
    """Stories the clusterer folded into `into` (their ids now redirect there)."""

    into: str
    merged: tuple[str, ...]


@dataclass(frozen=True)
class StoryJoinRecord:
    """Where a new original's event went at story level (`stories.StoryLinker`), and why.

    `score` and `features` (STORY_FEATURES name, value) are the event's against the story
    it joined; None and empty when it opened a story or was already in one. `shared`: the
    heaviest names and terms the event and the story have in common. `merged`: developing
    stories folded into `story` by this article (their ids now resolve to it).
    """

    article_id: int
    event: str  # the event (clusterer group) the article is in
    story: str  # the developing story the event is in
    opened: bool  # the event opened a new developing story
    score: float | None = None
    features: tuple[tuple[str, float], ...] = ()
    shared: tuple[str, ...] = ()
    merged: tuple[str, ...] = ()


@dataclass(frozen=True)
class BatchResult:
    """One stored batch: every article's outcome in input order, and the story changes.

    Two levels: `assignments`, `splits`, `merges`, `opened`, `updated` are about events
    (the clusterer's groups, historically called stories: ids "s-..."); `story_joins` and
    `story_merges` about developing stories (ids "st-...").
    """

    articles: tuple[StoredOutcome, ...]
    assignments: tuple[tuple[int, str], ...]  # (article id, event) per new original, in order
    splits: tuple[StorySplit, ...] = ()
    merges: tuple[StoryMerge, ...] = ()
    opened: tuple[str, ...] = ()  # events the batch created (splits included)
    updated: tuple[str, ...] = ()  # events that existed and gained or lost articles
    story_joins: tuple[StoryJoinRecord, ...] = ()  # one per new original, in order
    story_merges: tuple[StoryMerge, ...] = ()  # developing stories folded together

    def count(self, status: ArticleStatus) -> int:
        return sum(1 for a in self.articles if a.status == status)


@dataclass(frozen=True)
class AlsoPublished:
    """A duplicate copy of one of a story's articles, named with its original."""

    doc_id: str
    source: str  # the copy's outlet, else its document id
    url: str | None
    published: date | None
    duplicate_of: str | None  # the original's document id
    original_source: str | None  # the original's outlet, else its document id
    similarity: float | None  # estimated Jaccard to the original (1.0: exact copy)


@dataclass(frozen=True)
class StoryRecord:
    """A stored story as a reader meets it: its briefing (built from the originals)
    and the copies other outlets published. Rendered by `render/` to Markdown, JSON and
    HTML; the store caches it whole, keyed by the story's member set."""

    story: str  # the live story id (merges followed)
    briefing: Briefing
    also_published_by: tuple[AlsoPublished, ...] = ()
    kind: RecordKind = "event"  # "event": one clusterer group; "story": a developing story
    developments: tuple[Development, ...] = ()  # a story's events, in time order
    in_story: str | None = None  # an event's developing story
    since: date | None = None  # a story shown from this date on only (`show --since`)
    requested: str | None = None  # the id asked for, when a merge redirected it to `story`
    headline: Headline | None = None  # a developing story's headline, or its lead fallback


@dataclass(frozen=True)
class Development:
    """One event of a developing story, as its "developments" section shows it.

    `first` / `last`: the earliest and latest publication date of its articles (None:
    none is dated, shown as unknown). `summary`: its top cited sentence (None when no
    sentence could be selected).
    """

    event: str
    headline: str | None
    first: date | None
    last: date | None
    articles: int
    sources: int
    summary: SummarySentence | None = None
    outlets: tuple[str, ...] = ()  # the outlets of its original articles, most articles first


@dataclass(frozen=True)
class Headline:
    """What a story is called on a list: an article's own title (`kind` "title"), or,
    when none of its articles has one (DUC newswire, many feeds), its most central lead
    sentence shortened (`kind` "lead"), shown as a quotation, never as a title. `doc_id`:
    the article it comes from."""

    text: str
    kind: Literal["title", "lead"]
    doc_id: str | None = None


@dataclass(frozen=True)
class JoinExplanation:
    """Why an article is where it is (`newsweave show --why ARTICLE`).

    `join`: the article's own join (None for a duplicate, or an article stored before
    stories were linked); `placed_by`: the join of the article that put its event in
    the story, when that was another article. `via` says how the event got its story:
    "opened", "joined", "split" (split off an event, kept its story) or "upgrade" (an
    event of a store upgraded in place, its own story).
    """

    article_id: int
    doc_id: str
    title: str | None
    event: str
    story: str  # the live developing story (merges followed)
    via: str
    join: StoryJoinRecord | None = None
    placed_by: StoryJoinRecord | None = None
    duplicate_of: int | None = None
    similarity: float | None = None
    published: date | None = None  # the article's publication date
    gap_days: int | None = None  # days from the story's development before this event to
    # this event's first date (None: the first development, or a date unknown)
