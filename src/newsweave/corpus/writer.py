"""The corpus writer: read -> clean -> hash -> dedup -> cluster -> store, in batches.

Each batch is one transaction holding its articles, their story membership
and the clusterer state after them (its header and the stories the batch
changed), so a crash loses at most the batch in flight and a rerun picks up
exactly where the last commit left off.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsweave import dedup
from newsweave.model import Article, PreparedArticle, SkippedDocument
from newsweave.pipeline import fingerprint_article, prepare_sources
from newsweave.store import Store

if TYPE_CHECKING:
    from newsweave.cluster import OnlineClusterer

BATCH_SIZE = 50
Progress = Callable[[int], None]


@dataclass
class IngestSummary:
    """What one ingest run did; `skipped` keeps every reason."""

    new: int = 0  # stored as originals
    duplicates: int = 0  # stored, linked to an earlier copy (exact or near)
    already_stored: int = 0  # this very article was ingested before: nothing added
    skipped: list[SkippedDocument] = field(default_factory=list)
    new_stories: int = 0
    updated_stories: int = 0
    merged_stories: int = 0
    split_stories: int = 0  # stories split off another (OnlineClusterer re-clustering)

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
            "stories": {
                "new": self.new_stories,
                "updated": self.updated_stories,
                "merged": self.merged_stories,
                "split": self.split_stories,
            },
        }


# what the writer accepts: an article, (article, raw text), or an article prepared elsewhere
Item = Article | tuple[Article, str | None] | PreparedArticle


class Ingestor:
    """Adds articles to a Store: dedup index and clusterer restored from it."""

    def __init__(self, store: Store, *, clusterer: OnlineClusterer | None = None) -> None:
        self.store = store
        self.index = dedup.NearDuplicateIndex.from_signatures(store.signatures())
        self._given_clusterer = clusterer
        if clusterer is not None:
            clusterer.mark_unsaved()  # the store may hold none of its stories yet
        self.clusterer = clusterer or self._restore_clusterer()

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
            item = ClusterInput(chash, article.title, article.text, article.published)
            clusterer.add_to(item, story_id)
        return clusterer

    def add_batch(self, articles: Iterable[Item], summary: IngestSummary) -> None:
        """Store one batch in one transaction; cluster new originals by publication date.

        Items are articles, (article, raw text) pairs to keep the text as read,
        or articles already prepared (`pipeline.prepare`, e.g. on a Dask worker).
        """
        prepared = [_prepared(item) for item in articles]
        # publication-date order, undated last, ties in input order (sort is stable)
        prepared.sort(key=lambda p: (p.article.published is None, p.article.published or date.min))
        seen: set[str] = set()
        counts = {"new": 0, "duplicates": 0, "already": 0}
        touched: set[str] = set()
        opened: set[str] = set()
        merged_count = split_count = 0
        try:
            with self.store.transaction():
                originals: list[tuple[int, PreparedArticle]] = []
                duplicates: list[tuple[int, int]] = []  # (article id, original id)
                for item in prepared:
                    if item.chash in seen or self.store.has_content(item.chash):
                        counts["already"] += 1
                        continue
                    seen.add(item.chash)
                    original, similarity = self._find_original(item)
                    blob = dedup.to_bytes(item.minhash) if item.minhash is not None else None
                    article_id = self.store.add_article(
                        item.article,
                        raw_text=item.raw_text,
                        chash=item.chash,
                        thash=item.thash,
                        minhash=blob,
                        duplicate_of=original,
                        similarity=similarity,
                    )
                    if original is None:
                        counts["new"] += 1
                        originals.append((article_id, item))
                        if item.minhash is not None:
                            self.index.add(article_id, item.minhash)
                    else:
                        counts["duplicates"] += 1
                        duplicates.append((article_id, original))
                inputs = [_cluster_input(p) for _, p in originals]
                known = set(self.clusterer.stories) if inputs else set()
                for (article_id, item), assignment in zip(
                    originals, self.clusterer.add_many(inputs), strict=True
                ):
                    if assignment.merged:
                        self.store.merge_stories(assignment.story_id, assignment.merged)
                        merged_count += len(assignment.merged)
                    self.store.add_member(article_id, assignment.story_id, item.article.title)
                    for new_story, moved in assignment.split:
                        self.store.split_story(new_story, moved)
                        opened.add(new_story)
                        split_count += 1
                    touched.add(assignment.story_id)
                    if assignment.story_id not in known:
                        opened.add(assignment.story_id)
                for article_id, original in duplicates:
                    story = self.store.story_of(original)
                    if story is None:  # the original predates clustering: give it its own
                        story = "s-" + self.store.content_hashes([original])[original][:10]
                        self.store.add_member(original, story, None)
                    self.store.add_member(article_id, story, None)
                    touched.add(story)
                if inputs:
                    delta = self.clusterer.state_delta()
                    self.store.save_clusterer_parts(delta.header, delta.rows, delta.stories)
        except BaseException:
            # the transaction rolled back: forget what the in-memory indexes learnt
            self.index = dedup.NearDuplicateIndex.from_signatures(self.store.signatures())
            if self._given_clusterer is None:
                self.clusterer = self._restore_clusterer()
            else:  # kept as it is: its next delta must carry every story the store lacks
                self.clusterer.mark_unsaved()
            raise
        summary.new += counts["new"]
        summary.duplicates += counts["duplicates"]
        summary.already_stored += counts["already"]
        summary.new_stories += len(opened)
        summary.updated_stories += len(touched - opened)
        summary.merged_stories += merged_count
        summary.split_stories += split_count

    def _find_original(self, item: PreparedArticle) -> tuple[int | None, float | None]:
        exact = self.store.original_with_text(item.thash)
        if exact is not None:
            return exact, 1.0
        if item.minhash is None:
            return None, None
        match = self.index.find(item.minhash)
        return (match.original, round(match.similarity, 3)) if match else (None, None)


def _prepared(item: Item) -> PreparedArticle:
    if isinstance(item, PreparedArticle) and item.fingerprinted:
        return item
    if isinstance(item, PreparedArticle):
        return fingerprint_article(item.article, item.raw_text, item.embedding)
    return fingerprint_article(*item) if isinstance(item, tuple) else fingerprint_article(item)


def _cluster_input(item: PreparedArticle) -> Any:
    from newsweave.cluster import ClusterInput

    return ClusterInput(
        item.chash,
        item.article.title,
        item.article.text,
        item.article.published,
        embedding=item.embedding,
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
            ingestor.add_batch(batch, summary)
    return summary
