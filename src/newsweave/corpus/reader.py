"""Corpus reading: a stored story's record (its briefing, cached by member set, and the
copies other outlets published).

The CLI (`show`) and the web service both read stories through here.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date

from newsweave.errors import UnknownStoryError
from newsweave.model import (
    AlsoPublished,
    Development,
    Headline,
    JoinExplanation,
    StoryJoinRecord,
    StoryRecord,
)
from newsweave.store import (
    DevelopingSummary,
    EventSummary,
    Lead,
    Store,
    StoredArticle,
    StoredJoin,
    StorySummary,
)


def members_hash(members: Iterable[StoredArticle]) -> str:
    """Changes whenever an article joins or leaves the story."""
    ids = sorted(m.id for m in members)
    return hashlib.sha256(json.dumps(ids).encode()).hexdigest()[:16]


def also_published_by(members: list[StoredArticle]) -> tuple[AlsoPublished, ...]:
    """The duplicate copies of a story's articles, each named with its original."""
    by_id = {m.id: m for m in members}
    rows = []
    for m in members:
        if m.duplicate_of is None:
            continue
        original = by_id.get(m.duplicate_of)
        rows.append(
            AlsoPublished(
                doc_id=m.article.doc_id,
                source=m.article.label,
                url=m.article.url,
                published=m.article.published,
                duplicate_of=original.article.doc_id if original else None,
                original_source=original.article.label if original else None,
                similarity=m.similarity,
            )
        )
    return tuple(rows)


@dataclass(frozen=True)
class StoryLookup:
    """A story as the cache knows it: the live id, the members hash its record is
    cached under, and the cached record (None: not built for these members yet)."""

    live: str
    members_hash: str
    record: StoryRecord | None


def lookup_story(store: Store, story_id: str) -> StoryLookup:
    """The story's cached record, without building one (the web service builds
    missing ones on its analysis thread, through `read_story`)."""
    live = store.resolve_story(story_id)
    key = members_hash(store.members(live))
    return StoryLookup(live, key, store.cached_story_record(live, key))


def read_story(store: Store, story_id: str) -> StoryRecord:
    """The story's record: from the cache, else built and cached.

    The briefing is built from the story's original articles and cached under
    the hash of its member set, so it is rebuilt only when the story changed.
    """
    live = store.resolve_story(story_id)
    members = store.members(live)
    key = members_hash(members)
    record = store.cached_story_record(live, key)
    if record is None:
        from newsweave.pipeline import brief_articles

        originals = [m.article for m in members if m.duplicate_of is None]
        # annotations are read from (and saved to) the store per article
        briefing = brief_articles(originals, store=store)
        record = StoryRecord(live, briefing, also_published_by(members))
        store.cache_story_record(key, record)
    return record


# -- developing stories ------------------------------------------------------------------

# A developing story's briefing reads at most this many of its original articles, the
# latest by publication date: a story of hundreds of articles is briefed on what it says
# now (its developments section lists every event).
MAX_BRIEFED_ARTICLES = 24
# The one-sentence cited summary of each development is the summarizer's pick for a
# budget of this many words (the first sentence it keeps).
DEVELOPMENT_WORDS = 45
# An untitled story's headline fallback: its most central lead sentence, cut to this.
LEAD_CHARS = 90
LEADS_READ = 8  # lead paragraphs read per event for the fallback

_LEAD_WORD = re.compile(r"\w{3,}")


def first_sentence(paragraph: str, language: str = "en") -> str:
    """The first sentence of a paragraph by sentencex's rules for its language (a label,
    not an annotation: abbreviations such as "Nov. 23" or "Dr." do not end it)."""
    import sentencex

    text = " ".join(paragraph.split())
    rules = language if language != "und" else "en"
    return next(iter(sentencex.segment(rules, text)), text).strip()


def shorten(text: str, limit: int = LEAD_CHARS) -> str:
    """`text` cut at a word boundary to at most `limit` characters, "…" marking a cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:—–- ")
    return cut + "…"


def central_lead(leads: list[Lead]) -> Headline | None:
    """Of lead paragraphs, the first sentence sharing most words with the others' (the
    first on a tie), shortened: a headline fallback quoted from the text."""
    sentences = [
        (lead.doc_id, first_sentence(lead.paragraph, lead.language))
        for lead in leads
        if lead.paragraph.strip()
    ]
    if not sentences:
        return None
    bags = [{w.casefold() for w in _LEAD_WORD.findall(s)} for _, s in sentences]

    def centrality(i: int) -> float:
        return sum(
            len(bags[i] & other) / math.sqrt(len(bags[i]) * len(other))
            for j, other in enumerate(bags)
            if j != i and bags[i] and other
        )

    best = max(range(len(sentences)), key=lambda i: (centrality(i), -i))
    doc_id, sentence = sentences[best]
    return Headline(shorten(sentence), "lead", doc_id)


@dataclass(frozen=True)
class StoryListing:
    """A developing story as `newsweave stories` and `GET /api/stories` list it."""

    summary: DevelopingSummary
    headline: Headline | None


def headlines(store: Store, events: dict[str, list[EventSummary]]) -> dict[str, Headline | None]:
    """The headline of each story (id -> its events in order): the opener's title, else
    its first event's that has one, else its most central lead sentence."""
    found: dict[str, Headline | None] = {}
    untitled = []
    for story, rows in events.items():
        title = next((e.headline for e in rows if e.headline), None)
        if title:
            found[story] = Headline(title, "title")
        else:
            untitled.append(story)
    leads = store.event_leads([e.id for s in untitled for e in events[s]], LEADS_READ)
    for story in untitled:
        found[story] = central_lead([lead for e in events[story] for lead in leads.get(e.id, [])])
    return found


def list_stories(store: Store, since: date | None = None) -> list[StoryListing]:
    """Live developing stories, most recent activity first, each with its headline."""
    rows = store.developing_stories(since)
    # only stories without a stored headline need their events' titles or leads read
    by_story: dict[str, list[EventSummary]] = {r.id: [] for r in rows if not r.headline}
    for event in store.story_events(list(by_story)):
        by_story[event.story].append(event)
    titles = headlines(store, by_story)
    out = []
    for r in rows:
        title = Headline(r.headline, "title") if r.headline else titles.get(r.id)
        out.append(StoryListing(r, title))
    return out


def list_events(
    store: Store, since: date | None = None
) -> list[tuple[StorySummary, str | None, Headline | None]]:
    """Live events (the clusterer's groups), most recently seen first, with the
    developing story each is in (None: not linked yet) and its headline (its title, else
    its most central lead sentence)."""
    placed = store.placements()
    rows = store.stories(since)
    leads = store.event_leads([e.id for e in rows if not e.headline], LEADS_READ)
    out = []
    for e in rows:
        title = Headline(e.headline, "title") if e.headline else central_lead(leads.get(e.id, []))
        out.append((e, placed.get(e.id), title))
    return out


def resolve_id(store: Store, item_id: str) -> tuple[str, str]:
    """("story" | "event" | "article", id) for an id `newsweave show` takes: "st-…" a
    developing story, "s-…" an event, digits an article; UnknownStoryError otherwise."""
    if item_id.startswith("st-") and store.is_developing_story(item_id):
        return "story", item_id
    if item_id.startswith("s-") and store.is_event(item_id):
        return "event", item_id
    if item_id.isdigit() and store.article(int(item_id)) is not None:
        return "article", item_id
    raise UnknownStoryError(
        f"no story, event or article {item_id!r} in {store.path}: story ids are st-… "
        "(`newsweave stories`), event ids s-… (`newsweave stories --events`), article "
        "ids numbers"
    )


def read_event(store: Store, event_id: str) -> StoryRecord:
    """One event's record (`read_story`), with the developing story it is in."""
    return _as_event(store, read_story(store, event_id), event_id)


def _as_event(store: Store, record: StoryRecord, requested: str) -> StoryRecord:
    """An event's record completed for reading: its developing story, the id asked for
    when a merge redirected it, and a lead-sentence headline when no source has a title."""
    placement = store.event_placement(record.story)
    in_story = store.resolve_developing_story(placement.story) if placement else None
    headline = None
    if not any(a.title for a in record.briefing.sources):
        leads = store.event_leads([record.story], LEADS_READ).get(record.story, [])
        headline = central_lead(leads)
    return replace(
        record,
        kind="event",
        in_story=in_story,
        requested=requested if requested != record.story else None,
        headline=headline,
    )


def story_of_event(store: Store, event_id: str) -> str | None:
    """The live developing story of an event (merges followed); None: not linked yet."""
    placement = store.event_placement(store.resolve_story(event_id))
    return store.resolve_developing_story(placement.story) if placement else None


def record_kind(store: Store, item_id: str, only: str | None = None) -> str:
    """The kind, "story" or "event", of an id a reader of the API asks for (`only`: that
    kind only); UnknownStoryError ("no story ...") for anything else, an article id too."""
    try:
        kind, _ = resolve_id(store, item_id)
    except UnknownStoryError:
        kind = "unknown"
    if kind not in ("story", "event") or (only is not None and kind != only):
        raise UnknownStoryError(f"no {only or 'story'} {item_id!r} in {store.path}")
    return kind


def lookup_record(store: Store, item_id: str, only: str | None = None) -> StoryLookup:
    """A story's or event's cached record, completed for reading, without building one
    (None when not built for its current members); UnknownStoryError for other ids."""
    if record_kind(store, item_id, only) == "story":
        return lookup_developing_story(store, item_id)
    found = lookup_story(store, item_id)
    record = _as_event(store, found.record, item_id) if found.record else None
    return replace(found, record=record)


def read_record(store: Store, item_id: str, only: str | None = None) -> StoryRecord:
    """A story's or event's record: from the cache, else built and cached."""
    if record_kind(store, item_id, only) == "story":
        return read_developing_story(store, item_id)
    return read_event(store, item_id)


def _developing_members(store: Store, events: list[EventSummary]) -> dict[str, list[StoredArticle]]:
    return {e.id: store.members(e.id) for e in events}


def developing_hash(members: dict[str, list[StoredArticle]]) -> str:
    """Changes whenever an article joins or leaves one of the story's events, or an
    event joins or leaves the story (its developments change with either)."""
    pairs = sorted(f"{event}:{m.id}" for event, rows in members.items() for m in rows)
    return hashlib.sha256(json.dumps(pairs).encode()).hexdigest()[:16]


def lookup_developing_story(store: Store, story_id: str) -> StoryLookup:
    """The developing story's cached record, without building one."""
    live = store.resolve_developing_story(story_id)
    key = developing_hash(_developing_members(store, store.story_events([live])))
    record = store.cached_story_record(live, key)
    requested = story_id if story_id != live else None
    return StoryLookup(live, key, replace(record, requested=requested) if record else None)


def read_developing_story(store: Store, story_id: str, since: date | None = None) -> StoryRecord:
    """A developing story's record: the briefing of its latest articles (at most
    MAX_BRIEFED_ARTICLES originals) and its developments, every event in time order
    with its dates, size, outlets and one-sentence cited summary. Cached in the store
    under `developing_hash`, so it is rebuilt only when the story changed.

    With `since`, only what is new from that date on, for a reader coming back: the
    events with an article published then or later, briefed from those articles alone
    (their quotes and facts); an undated article counts as new when it was stored on or
    after `since`. Not cached (one record per story is)."""
    live = store.resolve_developing_story(story_id)
    events = store.story_events([live])
    members = _developing_members(store, events)
    if since is not None:
        record = _build_developing_story(store, live, *_since(store, events, members, since))
        return replace(
            record,
            since=since,
            requested=story_id if story_id != live else None,
            headline=headlines(store, {live: events})[live],  # the whole story's
        )
    key = developing_hash(members)
    cached = store.cached_story_record(live, key)
    if cached is None:
        cached = _build_developing_story(store, live, events, members)
        store.cache_story_record(key, cached)
    return replace(cached, requested=story_id if story_id != live else None)


def _since(
    store: Store,
    events: list[EventSummary],
    members: dict[str, list[StoredArticle]],
    since: date,
) -> tuple[list[EventSummary], dict[str, list[StoredArticle]]]:
    """The events and articles new on or after `since` (an undated article: stored then)."""
    ingested = store.ingested_dates(m.id for rows in members.values() for m in rows)
    day = since.isoformat()

    def new(m: StoredArticle) -> bool:
        if m.article.published is not None:
            return m.article.published >= since
        return ingested.get(m.id, "") >= day

    kept = {e.id: [m for m in members[e.id] if new(m)] for e in events}
    return [e for e in events if kept[e.id]], {k: v for k, v in kept.items() if v}


def _build_developing_story(
    store: Store, live: str, events: list[EventSummary], members: dict[str, list[StoredArticle]]
) -> StoryRecord:
    from newsweave.annotations import annotate_stored
    from newsweave.pipeline import brief_articles
    from newsweave.summarize import summarize

    everything = [m for e in events for m in members[e.id]]
    originals = [m for m in everything if m.duplicate_of is None]
    latest = sorted(
        originals, key=lambda m: (m.article.published is not None, m.article.published, m.id)
    )[-MAX_BRIEFED_ARTICLES:]
    chosen = sorted(latest, key=lambda m: (m.article.published is None, m.article.published, m.id))
    briefing = brief_articles([m.article for m in chosen], store=store)
    developments = []
    for e in events:
        mine = [m.article for m in members[e.id] if m.duplicate_of is None]
        annotated = annotate_stored(mine, store, vectors=False).articles if mine else ()
        picked = summarize(annotated, words=DEVELOPMENT_WORDS) if annotated else ()
        outlets = Counter(a.label for a in mine)
        developments.append(
            Development(
                event=e.id,
                headline=e.headline,
                first=date.fromisoformat(e.first_published) if e.first_published else None,
                last=date.fromisoformat(e.last_published) if e.last_published else None,
                articles=e.articles,
                sources=e.sources,
                summary=picked[0] if picked else None,
                outlets=tuple(name for name, _ in outlets.most_common()),
            )
        )
    return StoryRecord(
        live,
        briefing,
        also_published_by(everything),
        kind="story",
        developments=tuple(developments),
        headline=headlines(store, {live: events})[live],
    )


def explain_story(store: Store, story_id: str) -> tuple[str, list[JoinExplanation]]:
    """Why each event of a developing story is in it: the join of the article that placed
    the event (score, features, shared names and terms) and the gap in days to the
    development before it. Returns the live id and one explanation per event, in order."""
    live = store.resolve_developing_story(story_id)
    events = store.story_events([live])
    out = []
    previous_last: date | None = None
    for i, e in enumerate(events):
        first = date.fromisoformat(e.first_published) if e.first_published else None
        gap = (first - previous_last).days if first and previous_last and i else None
        out.append(_explain_event(store, e.id, live, gap))
        last = date.fromisoformat(e.last_published) if e.last_published else None
        if last and (previous_last is None or last > previous_last):
            previous_last = last
    return live, out


def _join_record(join: StoredJoin | None) -> StoryJoinRecord | None:
    if join is None:
        return None
    return StoryJoinRecord(
        article_id=join.article_id,
        event=join.event,
        story=join.story,
        opened=join.opened,
        score=join.score,
        features=tuple(join.features.items()),
        shared=join.shared,
        merged=join.merged,
    )


def _explain_event(store: Store, event_id: str, live: str, gap: int | None) -> JoinExplanation:
    placement = store.event_placement(event_id)
    via = placement.via if placement else "unknown"
    article_id = placement.placed_by if placement and placement.placed_by else None
    if article_id is None:  # an upgraded store's event: its first original speaks for it
        firsts = [m for m in store.members(event_id) if m.duplicate_of is None]
        article_id = firsts[0].id if firsts else 0
    stored = store.article(article_id)
    return JoinExplanation(
        article_id=article_id,
        doc_id=stored.article.doc_id if stored else "",
        title=stored.article.title if stored else None,
        event=event_id,
        story=live,
        via=via,
        join=_join_record(store.story_join(article_id)),
        published=stored.article.published if stored else None,
        gap_days=gap,
    )


def explain_article(store: Store, article_id: int) -> JoinExplanation:
    """Why one article is where it is: its own join, the join that placed its event (when
    another article's), or, for a copy, what it duplicates."""
    stored = store.article(article_id)
    if stored is None:
        raise UnknownStoryError(f"no article {article_id} in {store.path}")
    original = stored.duplicate_of or article_id
    event = store.story_of(original) or store.story_of(article_id)
    if event is None:
        raise UnknownStoryError(f"article {article_id} is in no event yet in {store.path}")
    event = store.resolve_story(event)
    placement = store.event_placement(event)
    story = store.resolve_developing_story(placement.story) if placement else ""
    own = _join_record(store.story_join(article_id))
    placed_by = None
    if placement and placement.placed_by and placement.placed_by != article_id:
        placed_by = _join_record(store.story_join(placement.placed_by))
    return JoinExplanation(
        article_id=article_id,
        doc_id=stored.article.doc_id,
        title=stored.article.title,
        event=event,
        story=story,
        via=placement.via if placement else "unknown",
        join=own,
        placed_by=placed_by,
        duplicate_of=stored.duplicate_of,
        similarity=stored.similarity,
        published=stored.article.published,
    )
