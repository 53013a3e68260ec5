"""The corpus writer: prepared articles (`pipeline.prepare`) -> dedup -> cluster -> store,
in batches; `Ingestor.add_batch` returns what it did as a `model.BatchResult`.

Two levels: the clusterer puts each new original in an *event*, then the story linker
(`stories.StoryLinker`) puts the event in a developing *story* (events the clusterer split
off keep their story; events it merged take their stories along). The linker's state is
saved in parts with the clusterer's, in the batch's transaction, with each join's reason.

The store is asked about a batch as a whole (which articles it holds, their exact
copies, the stories of the originals), not one query per article. Each batch is one
transaction holding its articles, their story membership and the clusterer state after
them (its header and the stories the batch changed), so a crash loses at most the batch
in flight and a rerun picks up exactly where the last commit left off.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsweave import dedup
from newsweave.model import (
    Article,
    ArticleStatus,
    BatchResult,
    PreparedArticle,
    SkippedDocument,
    StoredOutcome,
    StoryJoinRecord,
    StoryMerge,
    StorySplit,
)
from newsweave.pipeline import fingerprint_article, prepare_sources
from newsweave.store import NewArticle, Store, StoredJoin

if TYPE_CHECKING:
    from newsweave.cluster import Assignment, ClusterInput, OnlineClusterer
    from newsweave.stories import StoryJoin, StoryLinker

BATCH_SIZE = 50
# Memory bound (issue 19): every REST_EVERY originals, the clusterer's stories and the
# linker's events that got no article in the last REST_IDLE are dropped from memory; they
# stay saved in the store and are read back when an article needs them, so every answer
# is the one they would give in memory (tests/test_scale.py). Not searched: a longer
# horizon reads fewer back in an archive ingested out of date order, a shorter one holds
# less (bench/ingest_throughput.py).
REST_IDLE = 2000
REST_EVERY = 500
Progress = Callable[[int], None]


@dataclass
class IngestSummary:
    """What one ingest run did; `skipped` keeps every reason."""

    new: int = 0  # stored as originals
    duplicates: int = 0  # stored, linked to an earlier copy (exact or near)
    already_stored: int = 0  # this very article was ingested before: nothing added
    skipped: list[SkippedDocument] = field(default_factory=list)
    already_stored_ids: list[str] = field(default_factory=list)  # named, not only counted
    new_stories: int = 0
    updated_stories: int = 0
    merged_stories: int = 0
    split_stories: int = 0  # stories split off another (OnlineClusterer re-clustering)
    # developing stories (the counts above are of events, the clusterer's groups)
    opened_stories: int = 0  # developing stories a new event opened
    joined_events: int = 0  # new events that joined an existing developing story
    folded_stories: int = 0  # developing stories merged into another

    def add(self, batch: BatchResult) -> None:
        """Count one stored batch in."""
        self.new += batch.count("new")
        self.duplicates += batch.count("duplicate")
        self.already_stored += batch.count("already_stored")
        self.already_stored_ids += [
            a.doc_id for a in batch.articles if a.status == "already_stored"
        ]
        self.new_stories += len(batch.opened)
        self.updated_stories += len(batch.updated)
        self.merged_stories += sum(len(m.merged) for m in batch.merges)
        self.split_stories += len(batch.splits)
        self.opened_stories += sum(1 for j in batch.story_joins if j.opened)
        self.joined_events += sum(1 for j in batch.story_joins if j.score is not None)
        self.folded_stories += sum(len(m.merged) for m in batch.story_merges)

    @property
    def documents(self) -> int:
        return self.new + self.duplicates + self.already_stored + len(self.skipped)

    def to_dict(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "new": self.new,
            "duplicates": self.duplicates,
            "already_stored": self.already_stored,
            "skipped": [{"id": s.doc_id, "reason": s.reason} for s in self.skipped],
            "already_stored_ids": self.already_stored_ids,
            # "stories" counts events (its name predates developing stories); "events"
            # is the same counts under their name
            "stories": self._event_counts(),
            "events": self._event_counts(),
            "developing_stories": {
                "new": self.opened_stories,
                "joined": self.joined_events,
                "merged": self.folded_stories,
            },
        }

    def _event_counts(self) -> dict[str, int]:
        return {
            "new": self.new_stories,
            "updated": self.updated_stories,
            "merged": self.merged_stories,
            "split": self.split_stories,
        }


# what the writer accepts: an article, (article, raw text), or an article prepared elsewhere
Item = Article | tuple[Article, str | None] | PreparedArticle


class Ingestor:
    """Adds articles to a Store: dedup index and clusterer restored from it.

    It is the store's one writer: it takes the writer lease first (StoreInUseError,
    naming the holder, when another process writes the store), held until the store
    closes, so no two processes keep diverging clusterers of one store.
    """

    def __init__(self, store: Store, *, clusterer: OnlineClusterer | None = None) -> None:
        store.acquire_writer()
        self.store = store
        self.index = dedup.NearDuplicateIndex.from_signatures(store.signatures())
        self._given_clusterer = clusterer
        if clusterer is not None:
            clusterer.mark_unsaved()  # the store may hold none of its stories yet
        self.clusterer = clusterer or self._restore_clusterer()
        self.linker, self._linked, self._replayed = self._restore_linker()
        self._bind()
        self._swept = self._linked // REST_EVERY
        self._event_seen: dict[str, int] = {}  # event -> originals linked when it last changed
        self._start = self._linked

    def _bind(self) -> None:
        """Let the clusterer and the linker rest quiet records in this store."""
        self.clusterer.evict_to(self.store.clusterer_story)

    def _rest_quiet(self) -> None:
        """After a committed batch: every REST_EVERY originals, rest what went quiet."""
        if self._linked // REST_EVERY == self._swept:
            return
        self._swept = self._linked // REST_EVERY
        self.clusterer.evict_quiet(REST_IDLE)
        seen, now = self._event_seen, self._linked
        quiet = [
            event
            for events in self.linker.stories.values()
            for event in events
            if now - seen.get(event, self._start) > REST_IDLE
        ]
        self.linker.evict_events(quiet, self._saved_event)

    def _saved_event(self, event_id: str) -> dict[str, Any] | None:
        blob = self.store.linker_event(event_id)
        return None if blob is None else _unpack(blob)

    def _restore_clusterer(self) -> OnlineClusterer:
        """The clusterer the store saved (header and story rows, or one whole state)."""
        from newsweave.cluster import OldStateError, OnlineClusterer

        header, stories = self.store.clusterer_parts()
        if not header:
            return OnlineClusterer()
        try:
            return OnlineClusterer.from_parts(header, stories)
        except OldStateError:
            return self._replay()

    def _replay(self) -> OnlineClusterer:
        """A clusterer for a store written by an earlier newsweave: its articles replayed.

        Each stored original goes back into the story it is in (`add_to`), in ingest
        order, so the stories stay as they are and later articles are scored the current
        way. The new state is saved with the next batch.
        """
        from newsweave.cluster import ClusterInput, OnlineClusterer

        clusterer = OnlineClusterer()
        for chash, stored, story_id in self.store.clustered_originals():
            article = stored.article
            item = ClusterInput(
                chash, article.title, article.text, article.published, language=article.language
            )
            clusterer.add_to(item, story_id)
        return clusterer

    def _restore_linker(self) -> tuple[StoryLinker, int, list[StoredJoin] | None]:
        """The story linker the store saved, its article count, and (for a store upgraded
        in place, or a linker state of an older version) the joins of a replay; it links
        across languages when the corpus's clusterer does (`--cross-lingual`)."""
        linker, articles, joins = self._saved_linker()
        linker.cross_lingual = self.clusterer.settings.cross_lingual
        return linker, articles, joins

    def _saved_linker(self) -> tuple[StoryLinker, int, list[StoredJoin] | None]:
        from newsweave.stories import StoryLinker

        header, articles, events, stories = self.store.linker_parts()
        if header is not None:
            try:
                state = _unpack(header)
                state["events"] = [_unpack(d) for _, d in events]
                state["stories"] = [_unpack(d) for _, d in stories]
                return StoryLinker.from_state(state), articles, None
            except (ValueError, KeyError, TypeError):
                pass  # an older linker state: replayed below
        return self._replay_linker()

    def _replay_linker(self) -> tuple[StoryLinker, int, list[StoredJoin] | None]:
        """A linker for a store without one: each stored original back into its event and
        its event's developing story (as the store has them), in ingest order."""
        from newsweave.cluster import Assignment, ClusterInput
        from newsweave.stories import StoryLinker

        linker = StoryLinker()
        placements = self.store.placements()
        joins: list[StoredJoin] = []
        for chash, stored, event in self.store.clustered_originals():
            article = stored.article
            item = ClusterInput(
                chash, article.title, article.text, article.published, language=article.language
            )
            story = placements.get(event) or "st-" + event.removeprefix("s-")
            join = linker.add_to(item, Assignment(event, article_id=chash), story)
            joins.append(_stored_join(stored.id, join))
        return linker, len(joins), joins if joins else None

    def add_batch(self, articles: Iterable[Item]) -> BatchResult:
        """Store one batch in one transaction; cluster new originals by publication date.

        Items are articles, (article, raw text) pairs to keep the text as read,
        or articles already prepared (`pipeline.prepare`, e.g. on a Dask worker).
        The store is asked in a few queries for the whole batch, not per article.
        """
        given = [_prepared(item) for item in articles]
        try:
            with self.store.transaction():
                result = self._store(given)
        except BaseException:
            # the transaction rolled back: forget what the in-memory indexes learnt
            self.index = dedup.NearDuplicateIndex.from_signatures(self.store.signatures())
            if self._given_clusterer is None:
                self.clusterer = self._restore_clusterer()
            else:  # kept as it is: its next delta must carry every story the store lacks
                self.clusterer.mark_unsaved()
            self.linker, self._linked, self._replayed = self._restore_linker()
            self._bind()
            raise
        self._rest_quiet()
        return result

    def _store(self, given: list[PreparedArticle]) -> BatchResult:
        # publication-date order, undated last, ties in input order (sort is stable)
        order = sorted(
            range(len(given)),
            key=lambda i: (
                given[i].article.published is None,
                given[i].article.published or date.min,
            ),
        )
        before = self.store.with_content(str(p.chash) for p in given)
        by_text = self.store.originals_with_text(str(p.thash) for p in given)
        next_id = self.store.next_article_id()
        rows: dict[int, NewArticle] = {}  # input index -> the row this batch adds for it
        taken: set[str] = set(before)  # content hashes stored, before or by this batch
        originals: list[tuple[int, PreparedArticle]] = []
        duplicates: list[tuple[int, int]] = []  # (article id, original id)
        for i in order:
            item = given[i]
            chash, thash = str(item.chash), str(item.thash)
            if chash in taken:
                continue
            taken.add(chash)
            original, similarity = self._find_original(item, by_text)
            blob = dedup.to_bytes(item.minhash) if item.minhash is not None else None
            row = NewArticle(
                next_id + len(rows),
                item.article,
                item.raw_text,
                chash,
                thash,
                blob,
                original,
                similarity,
            )
            rows[i] = row
            by_text.setdefault(thash, row.id if original is None else original)
            if original is None:
                originals.append((row.id, item))
                if item.minhash is not None:
                    self.index.add(row.id, item.minhash)
            else:
                duplicates.append((row.id, original))
        self.store.add_articles(sorted(rows.values(), key=lambda r: r.id))
        assignments, splits, merges, opened, touched, links = self._cluster(originals)
        touched += self._link_duplicates(duplicates)
        row_of = {r.chash: r for r in rows.values()}
        ids = [r.id for r in rows.values()] + [link.id for link in before.values()]
        story_of = self.store.stories_of(ids)
        outcomes = []
        for i, item in enumerate(given):
            chash = str(item.chash)
            status: ArticleStatus
            if i in rows:
                new = rows[i]
                status = "new" if new.duplicate_of is None else "duplicate"
                link = (new.id, new.duplicate_of, new.similarity)
            else:  # stored before, or a repeat of an article earlier in this batch
                status = "already_stored"
                old = before.get(chash)
                link = (
                    (old.id, old.duplicate_of, old.similarity)
                    if old is not None
                    else (row_of[chash].id, row_of[chash].duplicate_of, row_of[chash].similarity)
                )
            outcomes.append(
                StoredOutcome(item.article.doc_id, chash, status, *link, story_of.get(link[0]))
            )
        new_stories = tuple(dict.fromkeys(opened))
        return BatchResult(
            articles=tuple(outcomes),
            assignments=tuple(assignments),
            splits=tuple(splits),
            merges=tuple(merges),
            opened=new_stories,
            updated=tuple(s for s in dict.fromkeys(touched) if s not in new_stories),
            story_joins=links.joins,
            story_merges=links.merges,
        )

    def _cluster(
        self, originals: list[tuple[int, PreparedArticle]]
    ) -> tuple[
        list[tuple[int, str]], list[StorySplit], list[StoryMerge], list[str], list[str], _Links
    ]:
        """Cluster the batch's new originals; store their memberships, merges and splits
        in clusterer order (memberships in one statement between two story changes);
        then link their events into developing stories (`_link`)."""
        assignments: list[tuple[int, str]] = []
        splits: list[StorySplit] = []
        merges: list[StoryMerge] = []
        opened: list[str] = []
        if not originals:
            return assignments, splits, merges, opened, [], self._link([], set())
        inputs = [_cluster_input(p) for _, p in originals]
        known = set(self.clusterer.stories)
        members: list[tuple[int, str, str | None]] = []

        def flush() -> None:
            self.store.add_members(members)
            members.clear()

        placed = list(zip(originals, inputs, self.clusterer.add_many(inputs), strict=True))
        for (article_id, item), _, assignment in placed:
            if assignment.merged:
                flush()
                self.store.merge_stories(assignment.story_id, assignment.merged)
                merges.append(StoryMerge(assignment.story_id, tuple(assignment.merged)))
            members.append((article_id, assignment.story_id, item.article.title))
            assignments.append((article_id, assignment.story_id))
            for new_story, moved in assignment.split:
                flush()
                self.store.split_story(new_story, moved)
                splits.append(StorySplit(new_story, tuple(moved)))
                opened.append(new_story)
            if assignment.story_id not in known:
                opened.append(assignment.story_id)
        flush()
        delta = self.clusterer.state_delta()
        self.store.save_clusterer_parts(delta.header, delta.rows, delta.stories)
        links = self._link(
            [(article_id, item.article.title, x, a) for (article_id, item), x, a in placed],
            known,
        )
        self.store.set_clusterer_articles(self._linked)
        return assignments, splits, merges, opened, [story for _, story in assignments], links

    def _link(
        self,
        placed: list[tuple[int, str | None, ClusterInput, Assignment]],
        known: set[str],
    ) -> _Links:
        """Link each new original's event into a developing story and store what changed:
        stories opened and merged, events placed, each join and its reason, and the
        linker state rows the batch changed (events and stories), all in this batch."""
        linker = self.linker
        joins: list[StoryJoinRecord] = []
        story_merges: list[StoryMerge] = []
        dirty_events: set[str] = set()
        dirty_stories: set[str] = set()
        how: dict[str, tuple[str, int]] = {}  # new event -> (via, placing article)
        headline: dict[str, str | None] = {}
        rows = [] if self._replayed is None else list(self._replayed)
        for article_id, title, item, assignment in placed:
            join = linker.add(item, assignment)
            record = _join_record(article_id, join)
            joins.append(record)
            rows.append(_stored_join(article_id, join))
            event = join.event_id
            dirty_events.add(event)
            dirty_events.update(assignment.merged)
            dirty_stories.add(join.story_id)
            dirty_stories.update(join.merged)
            if event not in known:
                how[event] = ("opened" if join.opened else "joined", article_id)
                known.add(event)
            if join.opened:
                headline[join.story_id] = title
            for new_id, _ in assignment.split:
                dirty_events.add(new_id)
                how.setdefault(new_id, ("split", article_id))
                known.add(new_id)
            if join.merged:
                story_merges.append(StoryMerge(join.story_id, join.merged))
            for parted, _new, moved in join.split:  # a split story: its moved events
                dirty_events.update(moved)
                dirty_stories.add(parted)
        self._linked += len(placed)
        live = linker.stories
        story_of = {e: s for s, events in live.items() for e in events}
        full = self._replayed is not None
        if full:  # a replayed linker: every event and story is saved
            dirty_events.update(story_of)
            dirty_stories.update(live)
        for merge in story_merges:  # every event of a story that took others in moves
            dirty_events.update(live.get(linker.resolve(merge.into), ()))
            for folded in merge.merged:  # a story placed again may go to another story
                dirty_events.update(live.get(linker.resolve(folded), ()))
        dirty_stories.update(story_of[e] for e in dirty_events if e in story_of)
        gone_stories = sorted(s for s in dirty_stories if s not in live)
        live_stories = sorted(s for s in dirty_stories if s in live)
        # a story opened and merged in this batch needs its row too, to redirect
        self.store.open_developing_stories(
            [(s, headline.get(s)) for s in live_stories + gone_stories]
        )
        for story in gone_stories:
            self.store.merge_developing_stories(linker.resolve(story), [story])
        default = ("upgrade" if full else "joined", None)
        self.store.place_events(
            [(e, story_of[e], *how.get(e, default)) for e in sorted(dirty_events) if e in story_of]
        )
        gone_events = sorted(e for e in dirty_events if e not in story_of)
        self.store.unplace_events(gone_events)
        for event in gone_events:
            self._event_seen.pop(event, None)
        self._event_seen.update(dict.fromkeys(dirty_events, self._linked))
        self.store.add_story_joins(rows, keep=full)
        state = linker.state_of(
            story_of if full else (e for e in dirty_events if e in story_of),
            live if full else live_stories,
        )
        self._replayed = None
        event_rows = [(r["id"], _pack(r)) for r in state.pop("events")]
        story_rows = [(r["id"], _pack(r)) for r in state.pop("stories")]
        self.store.save_linker_parts(
            _pack(state),
            self._linked,
            event_rows,
            story_rows,
            gone_events,
            gone_stories,
            replace_all=full,
        )
        return _Links(tuple(joins), tuple(story_merges))

    def _link_duplicates(self, duplicates: list[tuple[int, int]]) -> list[str]:
        """Put each duplicate in its original's story; the stories they joined."""
        if not duplicates:
            return []
        originals = {original for _, original in duplicates}
        story_of = self.store.stories_of(originals)
        unclustered = sorted(originals - set(story_of))
        members: list[tuple[int, str, str | None]] = []
        if unclustered:  # originals that predate clustering: each gets its own story
            for original, chash in self.store.content_hashes(unclustered).items():
                story_of[original] = "s-" + chash[:10]
                members.append((original, story_of[original], None))
        members += [(article_id, story_of[original], None) for article_id, original in duplicates]
        self.store.add_members(members)
        return [story_of[original] for _, original in duplicates]

    def _find_original(
        self, item: PreparedArticle, by_text: Mapping[str, int]
    ) -> tuple[int | None, float | None]:
        """The original this article copies and the similarity: an exact copy (`by_text`:
        text hashes stored or met earlier in the batch), else the near-duplicate index."""
        exact = by_text.get(str(item.thash))
        if exact is not None:
            return exact, 1.0
        if item.minhash is None:
            return None, None
        match = self.index.find(item.minhash)
        return (match.original, round(match.similarity, 3)) if match else (None, None)


@dataclass(frozen=True)
class _Links:
    joins: tuple[StoryJoinRecord, ...]
    merges: tuple[StoryMerge, ...]


def _pack(value: Any) -> bytes:
    """A linker state part as msgpack: the same values as JSON gives back (floats exact),
    six times faster to write than zlib JSON (bench/ingest_throughput.py)."""
    import msgpack

    return msgpack.packb(value)


def _unpack(blob: bytes) -> Any:
    """A linker state part as `_pack` wrote it, or as zlib JSON (stores written before)."""
    if blob[:1] == b"\x78":  # a zlib stream; msgpack of a map starts 0x8_ or 0xde/0xdf
        return json.loads(zlib.decompress(blob))
    import msgpack

    return msgpack.unpackb(blob)


def _join_record(article_id: int, join: StoryJoin) -> StoryJoinRecord:
    return StoryJoinRecord(
        article_id,
        join.event_id,
        join.story_id,
        join.opened,
        join.score,
        tuple(join.features.items()),
        tuple(join.shared),
        tuple(join.merged),
    )


def _stored_join(article_id: int, join: StoryJoin) -> StoredJoin:
    return StoredJoin(
        article_id,
        join.event_id,
        join.story_id,
        join.opened,
        join.score,
        dict(join.features),
        tuple(join.shared),
        tuple(join.merged),
    )


def _prepared(item: Item) -> PreparedArticle:
    if isinstance(item, PreparedArticle) and item.fingerprinted:
        return item
    if isinstance(item, PreparedArticle):
        return fingerprint_article(item.article, item.raw_text, item.embedding)
    return fingerprint_article(*item) if isinstance(item, tuple) else fingerprint_article(item)


def _cluster_input(item: PreparedArticle) -> Any:
    from newsweave.cluster import ClusterInput

    return ClusterInput(
        str(item.chash),
        item.article.title,
        item.article.text,
        item.article.published,
        embedding=item.embedding,
        language=item.article.language,
    )


def _batches(
    items: Iterator[Item | SkippedDocument],
    size: int,
    summary: IngestSummary,
    progress: Progress | None,
    on_skip: Callable[[SkippedDocument], None] | None,
) -> Iterator[list[Item]]:
    while chunk := list(islice(items, size)):
        batch: list[Item] = []
        for item in chunk:
            if isinstance(item, SkippedDocument):
                summary.skipped.append(item)
                if on_skip:
                    on_skip(item)
            else:
                batch.append(item)
        yield batch
        if progress:
            progress(len(chunk))


def ingest(
    paths: Iterable[str | Path],
    store: Store,
    *,
    dates: Mapping[str, date] | None = None,
    batch_size: int = BATCH_SIZE,
    progress: Progress | None = None,
    on_skip: Callable[[SkippedDocument], None] | None = None,
    clusterer: OnlineClusterer | None = None,
) -> IngestSummary:
    """Add every document under `paths` to `store`; returns what was new, duplicate, skipped."""
    ingestor = Ingestor(store, clusterer=clusterer)
    return ingest_items(
        prepare_sources(paths, dates=dates),
        ingestor,
        batch_size=batch_size,
        progress=progress,
        on_skip=on_skip,
    )


def ingest_items(
    items: Iterable[Item | SkippedDocument],
    ingestor: Ingestor,
    *,
    batch_size: int = BATCH_SIZE,
    progress: Progress | None = None,
    on_skip: Callable[[SkippedDocument], None] | None = None,
) -> IngestSummary:
    """The writer: store `items` (in input order) in batches of `batch_size` read documents.

    Batch boundaries count skipped documents too, so a stream with the same
    documents in the same order gives the same batches, hence the same
    publication-date order inside each batch and the same stories, whether
    the items were read here or prepared on Dask workers.
    """
    summary = IngestSummary()
    for batch in _batches(iter(items), batch_size, summary, progress, on_skip):
        if batch:
            summary.add(ingestor.add_batch(batch))
    return summary
