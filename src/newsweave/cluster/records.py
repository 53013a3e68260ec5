"""The values the clusterer takes and gives, and the records it keeps of articles and stories.

ClusterInput goes in, Assignment comes out, StateDelta is the state in parts a store
keeps. An ArticleProfile is what cluster.text reads in one article; a Member is what
that article adds to its story; a Story keeps its members' sums, so that an average
over a story's members costs the same whatever its size.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from newsweave.cluster import text
from newsweave.tokens import is_english


@dataclass(frozen=True)
class ClusterInput:
    """What the clusterer needs of one article."""

    article_id: str  # stable id (the store's content hash)
    title: str | None
    text: str  # cleaned body, paragraphs joined by blank lines
    published: datetime.date | None
    # the encoder's vector of lead(item), when computed elsewhere (a Dask worker); else None
    embedding: np.ndarray | None = field(default=None, compare=False, repr=False)
    # ISO 639-1 code of the text (Article.language): how its words are read (cluster.text)
    language: str = "en"


@dataclass(frozen=True)
class StateDelta:
    """The clusterer state in parts: the global header and the stories changed since the last.

    `header` is compressed JSON (version, settings, document frequencies, the number of
    story rows); each story is (row, compressed story JSON as `to_state` writes it, the
    row of summed embeddings as float32 bytes or None when no embeddings are kept).
    Rows at or past `rows` are stale: a store keeping the parts drops them.
    """

    header: bytes
    rows: int
    stories: list[tuple[int, bytes, bytes | None]]


@dataclass(frozen=True)
class Assignment:
    """Where an article went, which stories it folded into that one, and what split off.

    Apply in this order: fold `merged` into `story_id`, add the article to `story_id`,
    then move each split's articles to its new story. The article ends in `final`.
    """

    story_id: str  # the story the article joined: "s-" + its first article's id[:10]
    merged: tuple[str, ...] = ()  # story ids absorbed into story_id by this article
    # stories then split off story_id by re-clustering: (new story id, the ids of the
    # articles that moved there, this article's among them if it moved)
    split: tuple[tuple[str, tuple[str, ...]], ...] = ()
    article_id: str = field(default="", compare=False)  # the article assigned

    @property
    def final(self) -> str:
        """The story the article is in once the splits are applied."""
        for new_id, moved in self.split:
            if self.article_id in moved:
                return new_id
        return self.story_id


def lead(item: ClusterInput, chars: int) -> str:
    """Headline + the start of the body: the lead features, and the one text we embed."""
    body = item.text[:chars]
    return f"{item.title}\n{body}" if item.title else body


def reading_language(language: str | None) -> str:
    """The language an article's words are keyed in (cluster.text): "und" reads as English."""
    return "en" if is_english(language) else str(language)


def language_total(language: str) -> str:
    """The key of `Story.totals` counting the story's members in `language`."""
    return f"language:{language}"


@dataclass
class ArticleProfile:
    """What cluster.text reads in one article, and its key names."""

    terms: Counter[str]  # full text
    lead_terms: Counter[str]
    names: Counter[str]  # full text, mention counts
    lead_names: Counter[str]
    numbers: set[str]
    dates: set[str]
    years: set[str]
    salient: tuple[str, ...] = ()  # the article's key names (features.salient_names)
    language: str = "en"  # the language its words are keyed in (reading_language)


def profile(item: ClusterInput, lead_chars: int) -> ArticleProfile:
    """The article as the features read it (its key names are set by the clusterer)."""
    full = f"{item.title}\n{item.text}" if item.title else item.text
    head = lead(item, lead_chars)
    language = item.language
    return ArticleProfile(
        text.terms(full, language),
        text.terms(head, language),
        text.name_counts(full, language),
        text.name_counts(head, language),
        text.numbers(full),
        text.written_dates(full),
        text.years(full),
        language=reading_language(language),
    )


@dataclass
class Member:
    """What one article added to its story's sums: enough to score it against another
    member and to rebuild a story from its members when it splits."""

    article_id: str
    published: datetime.date | None
    units: dict[str, dict[str, float]]  # unit vectors by story sum (body, lead, names, lead_names)
    numbers: set[str]
    dates: set[str]
    years: set[str]
    salient: tuple[str, ...]
    vector: np.ndarray | None = None  # the lead embedding, when used
    language: str = "en"  # reading_language of the article (cross-lingual pairs)
    encoded: bytes | None = field(default=None, repr=False, compare=False)  # its state line


# The summed quantities a story keeps, one Counter each (see Story).
SUMS = (
    "body",
    "lead",
    "names",
    "lead_names",
    "numbers",
    "dates",
    "years",
    "name_members",
    "salient",
)


@dataclass
class Story:
    """A story as sums over its members, so that averages over members cost O(article).

    body / lead / names / lead_names hold each member's term weights divided by that
    member's TF-IDF norm at the time it joined (idf is applied when scoring, so the
    vocabulary statistics stay current); numbers / dates / years count the members
    naming each value, name_members the members naming each name, salient the
    members' salient names (each member's share 1/|salient|). `totals` holds the
    members' set sizes, how many name a year or have salient names, and how many are in
    each language (`language_total`).
    """

    story_id: str
    size: int = 0
    body: Counter[str] = field(default_factory=Counter)
    lead: Counter[str] = field(default_factory=Counter)
    names: Counter[str] = field(default_factory=Counter)
    lead_names: Counter[str] = field(default_factory=Counter)
    numbers: Counter[str] = field(default_factory=Counter)
    dates: Counter[str] = field(default_factory=Counter)
    years: Counter[str] = field(default_factory=Counter)
    name_members: Counter[str] = field(default_factory=Counter)  # members naming each name
    salient: Counter[str] = field(default_factory=Counter)  # sum of 1/|S| over members' salient S
    # "numbers", "dates" (set sizes), "with_years", "with_salient" (members having any),
    # "language:<code>" (members in that language)
    totals: Counter[str] = field(default_factory=Counter)
    first: datetime.date | None = None
    last: datetime.date | None = None
    alive: bool = True
    active: int = 0  # the clusterer's article count when the story last received one
    # the members, oldest first, while the story may still split (size <= split_max); else None
    members: list[Member] | None = field(default_factory=list)
    encoded: bytes | None = None  # its state lines (cluster.state); None when changed
