"""OnlineClusterer: assignment to the best story, candidate lookup, folding and re-clustering."""

from __future__ import annotations

import datetime
import heapq
import math
from collections import Counter
from collections.abc import Callable, Sequence
from operator import itemgetter

import numpy as np

from newsweave.cluster import state
from newsweave.cluster.dots import StoryDots
from newsweave.cluster.features import (
    CROSS_LINGUAL_FLOOR,
    REGISTRY,
    MemberPairs,
    Probe,
    salient_names,
)
from newsweave.cluster.idf import Vocabulary
from newsweave.cluster.records import (
    SUMS,
    ArticleProfile,
    Assignment,
    ClusterInput,
    Member,
    StateDelta,
    Story,
    language_total,
    lead,
    profile,
)
from newsweave.cluster.settings import DEFAULT_SETTINGS, SWEEP_EVERY, ClusterSettings
from newsweave.errors import ClusterStateError

Encode = Callable[[Sequence[str]], np.ndarray]


FeatureCallback = Callable[[list[str], np.ndarray], None]


class OnlineClusterer:
    """Single-pass story clustering: average-link score on TF-IDF, names, numbers and dates."""

    def __init__(
        self, settings: ClusterSettings = DEFAULT_SETTINGS, *, encode: Encode | None = None
    ):
        self.settings = settings
        self._weights = settings.weight_row()
        self._encode = encode
        self._vocabulary = Vocabulary(settings.prior_docs)
        self._stories: list[Story] = []
        # term -> rows of the stories that contain it (dead rows are dropped lazily)
        self._postings: dict[str, set[int]] = {}
        self._sums = np.zeros((0, 0), dtype=np.float32)  # summed member embeddings, one row a story
        self._index_of: dict[str, int] = {}  # story id -> row
        self._unsaved: set[int] = set()  # rows changed since the last state_delta
        # per story row: live or not, and its span as day ordinals (-1: undated), kept in
        # step with the stories (`_sync`) so the candidate filter runs in numpy
        self._live = np.zeros(0, dtype=bool)
        self._span = np.zeros((0, 2), dtype=np.int64)
        # rows whose sums were dropped from memory (`evict_quiet`): saved in the store,
        # read back by `_load` (a store's saved story row) when an article needs them
        self._resting: set[int] = set()
        self._load: Callable[[int], bytes | None] | None = None
        self._dots = StoryDots()  # the stories' sums as arrays, for scoring (cluster.dots)
        self.reloaded = 0  # resting stories read back so far (bench/ingest_throughput.py)

    # --- public API -------------------------------------------------------------------

    def add(self, item: ClusterInput) -> Assignment:
        """Assign one article to a story."""
        return self.add_many([item])[0]

    def add_many(self, items: Sequence[ClusterInput]) -> list[Assignment]:
        """Assign the articles one by one, in order (embedding leads in one batch if used)."""
        vectors = self._vectors(items)
        return [self._assign(item, v) for item, v in zip(items, vectors, strict=True)]

    def add_to(
        self, item: ClusterInput, story_id: str, *, on_features: FeatureCallback | None = None
    ) -> Assignment:
        """Put an article into a named story (opened under that id if new), not the best one.

        For placements known in advance: rebuilding a store's stories, and calibration,
        where `on_features(story_ids, matrix)` receives the article's FEATURES against
        each candidate story before it is placed (bench/cluster_ecbplus.py fits the
        weights on these).
        """
        (vector,) = self._vectors([item])
        return self._assign(item, vector, into=story_id, on_features=on_features)

    @property
    def stories(self) -> dict[str, int]:
        """Live story ids and their sizes, in creation order."""
        return {s.story_id: s.size for s in self._stories if s.alive}

    def to_state(self) -> bytes:
        """Everything needed to continue after a restart, as one compressed state.

        Each story's lines are cached until the story changes and zlib runs at level 1, so
        a snapshot costs about the size of the state, not a re-serialisation of every
        story. An ingest saves `state_delta` with each batch instead: the header and only
        the stories the batch changed (bench/ingest_throughput.py).
        """
        sums = self._sums[: len(self._stories)]
        stories = [self._story(row) for row in range(len(self._stories))]
        return state.encode_whole(self._header(), stories, sums)

    @classmethod
    def from_state(
        cls,
        saved: bytes,
        settings: ClusterSettings | None = None,
        *,
        encode: Encode | None = None,
    ) -> OnlineClusterer:
        """Rebuild a clusterer from `to_state`; settings default to the saved ones.

        A state of an earlier version (scored differently, with other sums) raises
        OldStateError: the store replays its articles into their stories instead
        (corpus.Ingestor), so nothing is lost. Any other unreadable state raises
        ClusterStateError.
        """
        decoded = state.decode(saved)
        if not isinstance(decoded, state.Whole):
            raise ClusterStateError(
                "cluster state is the header of a state in parts: use from_parts"
            )
        return cls._from_whole(decoded, settings, encode)

    def state_delta(self) -> StateDelta:
        """The state in parts, with only the stories changed since the previous call.

        What a store saves with each batch instead of `to_state`: the header (under a
        tenth of the state) and the few stories the batch touched. `from_parts` on the
        header and every story saved so far rebuilds what `from_state(to_state())` would.
        A clusterer from `from_state` or `from_parts` starts with nothing changed;
        `mark_unsaved` puts every story into the next delta.
        """
        dim = self._sums.shape[1]
        stories = [
            (
                row,
                state.encode_story(self._story(row)),
                self._sums[row].tobytes() if dim else None,
            )
            for row in sorted(self._unsaved)
        ]
        self._unsaved.clear()
        return StateDelta(state.encode_header(self._header()), len(self._stories), stories)

    def mark_unsaved(self) -> None:
        """Put every story into the next `state_delta` (its store may lack any of them)."""
        self._unsaved.update(range(len(self._stories)))

    def evict_to(self, load: Callable[[int], bytes | None]) -> None:
        """Let `evict_quiet` drop stories from memory; `load(row)` gives a story row as the
        last `state_delta` saved it (a store's `clusterer_story`)."""
        self._load = load

    def evict_quiet(self, idle: int) -> int:
        """Drop from memory the sums of every saved story that received no article in the
        last `idle` arrivals and keeps no members (or is dead); returns how many.

        A resting story keeps its id, size, span and postings, so the candidate lookup
        ranks and filters it as before; its sums are read back from the store the moment
        an article scores it, joins it or folds it (`_story`), as they were saved, so
        every answer is the one the story in memory would give (tests/test_scale.py).
        Only with a loader (`evict_to`), and only right after the state was saved.
        """
        if self._load is None:
            return 0
        n_docs, evicted = self._vocabulary.n_docs, 0
        for row, story in enumerate(self._stories):
            if row in self._resting or row in self._unsaved:
                continue
            if not story.alive or n_docs - story.active > idle:
                self._stories[row] = _resting(story)
                self._resting.add(row)
                self._dots.forget(row)
                evicted += 1
        return evicted

    @property
    def resting(self) -> int:
        """How many stories are held in the store only (`evict_quiet`)."""
        return len(self._resting)

    def _story(self, row: int) -> Story:
        """Story `row` with its sums, read back from the store if it was resting."""
        if row in self._resting:
            blob = self._load(row) if self._load is not None else None
            if blob is None:
                raise ClusterStateError(f"cluster story row {row} is not in the store")
            story = state.decode_story(row, blob)
            self._resting.discard(row)
            self._stories[row] = story
            self._catch_up(row)
            self.reloaded += 1
            return story
        return self._stories[row]

    def _catch_up(self, row: int) -> None:
        """Drop story `row`'s members if a `_close_stale` sweep would have while it rested
        in the store (or before a restart): the sweeps run every `SWEEP_EVERY` articles,
        so whether one fell past its idle bar is known from its `active` count alone."""
        story = self._stories[row]
        if not story.members:
            return
        every = min(SWEEP_EVERY, max(self.settings.split_idle, 1))
        first_sweep = (story.active + self.settings.split_idle) // every * every + every
        if first_sweep <= self._vocabulary.n_docs:
            story.members = None
            story.encoded = None
            self._unsaved.add(row)

    @classmethod
    def from_parts(
        cls,
        header: bytes,
        stories: Sequence[tuple[int, bytes, bytes | None]],
        settings: ClusterSettings | None = None,
        *,
        encode: Encode | None = None,
    ) -> OnlineClusterer:
        """Rebuild a clusterer from the parts `state_delta` saved: the header, every story row.

        `stories` are (row, story, embedding sum) in row order, each row as last saved.
        A full `to_state` given as the header, with no story rows (a store written
        before states were saved in parts), is read as such, with every story unsaved.
        Earlier versions raise OldStateError, as in `from_state`.
        """
        decoded = state.decode(header)
        if isinstance(decoded, state.Whole) and not stories:
            self = cls._from_whole(decoded, settings, encode)
            self.mark_unsaved()
            return self
        rows = decoded.header.story_rows if isinstance(decoded, state.Whole) else decoded.story_rows
        if isinstance(decoded, state.Whole) or [row for row, _, _ in stories] != list(range(rows)):
            raise ClusterStateError(
                f"cluster state has {len(stories)} story rows, not the {rows} its header "
                "names; re-ingest into a new store"
            )
        self = cls._from_header(decoded, settings, encode)
        dim = decoded.sums_dim
        self._sums = np.zeros((len(stories), dim) if dim else (0, 0), dtype=np.float32)
        for row, blob, embedding in stories:
            self._restore_story(row, state.decode_story(row, blob))
            if dim:
                if embedding is None or len(embedding) != 4 * dim:
                    raise ClusterStateError(
                        f"cluster state story row {row} has no {dim}-d embedding"
                    )
                self._sums[row] = np.frombuffer(embedding, dtype=np.float32)
        return self

    def _header(self) -> state.Header:
        vocabulary = self._vocabulary
        return state.Header(
            self.settings,
            vocabulary.n_docs,
            vocabulary.df,
            vocabulary.name_df,
            len(self._stories),
            self._sums.shape[1],
        )

    @classmethod
    def _from_whole(
        cls, whole: state.Whole, settings: ClusterSettings | None, encode: Encode | None
    ) -> OnlineClusterer:
        """A clusterer from a decoded `to_state`."""
        self = cls._from_header(whole.header, settings, encode)
        for row, story in enumerate(whole.stories):
            self._restore_story(row, story)
        self._sums = whole.sums
        return self

    @classmethod
    def _from_header(
        cls, header: state.Header, settings: ClusterSettings | None, encode: Encode | None
    ) -> OnlineClusterer:
        """A clusterer with the global part of a state (settings, document frequencies)."""
        self = cls(settings or header.settings, encode=encode)
        self._vocabulary.n_docs = header.n_docs
        self._vocabulary.df = header.df
        self._vocabulary.name_df = header.name_df
        return self

    def _restore_story(self, row: int, story: Story) -> None:
        """Append a decoded story as `row`, with its postings."""
        self._stories.append(story)
        self._index_of[story.story_id] = row
        self._sync(row)
        self._catch_up(row)
        if story.alive:
            for term in story.body:
                self._postings.setdefault(term, set()).add(row)

    # --- internals --------------------------------------------------------------------

    def _vectors(self, items: Sequence[ClusterInput]) -> list[np.ndarray | None]:
        """The lead embedding of each item when the score uses one (given or computed)."""
        st = self.settings
        if not (st.embeds or st.cross_lingual):  # embeddings off: never load the encoder
            return [None] * len(items)
        # a given embedding is MiniLM's (a Dask worker's): cross-lingual leads are re-embedded
        given = [None if st.cross_lingual else item.embedding for item in items]
        missing = [item for item, v in zip(items, given, strict=True) if v is None]
        computed = iter(self._embed([lead(item, st.lead_chars) for item in missing]))
        return [next(computed) if v is None else np.asarray(v, np.float32) for v in given]

    def _embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        if self._encode is None:
            if self.settings.cross_lingual:
                from newsweave.multilingual import encode
            else:
                from newsweave.encoder import encode

            self._encode = encode
        return np.asarray(self._encode(texts), dtype=np.float32)

    def _candidates(self, a: dict[str, float], date: datetime.date | None) -> list[int]:
        """Live stories sharing one of the article's most distinctive terms, within the window.

        Only the `probe_terms` heaviest terms are looked up, and terms whose posting list
        outgrew `max_postings` are skipped (they carry no signal): the cost per article
        stays flat as stories accumulate. Rows are ranked by the weight of shared probe
        terms and the best `max_candidates` scored in full.
        """
        st = self.settings
        # the heaviest terms, ties in the article's order (as a stable sort would give)
        probes = heapq.nlargest(st.probe_terms, a.items(), key=itemgetter(1))
        # the weight of shared probe terms per story row, added in probe order; every
        # weight is > 0 (idf >= 1), so a row has a non-zero total exactly when it was hit
        hits = np.zeros(len(self._stories))
        for term, weight in probes:
            rows = self._postings.get(term)
            if not rows or len(rows) > st.max_postings:
                continue
            hits[np.fromiter(rows, dtype=np.intp, count=len(rows))] += weight
        found = np.flatnonzero(hits)
        ranked = found[np.lexsort((found, -hits[found]))]  # heaviest first, then by row
        # live stories within the window (`_in_window`, on the rows' spans at once)
        keep = self._live[ranked]
        window = st.window_days
        if window >= 0 and date is not None:
            first, last = self._span[ranked, 0], self._span[ranked, 1]
            day = date.toordinal()
            keep &= (first < 0) | (last < 0) | ((first - day <= window) & (day - last <= window))
        return sorted(ranked[keep][: st.max_candidates].tolist())

    def _sync(self, row: int) -> None:
        """Copy story `row`'s liveness and span into the arrays `_candidates` filters on
        (called whenever a story changes: its sums' arrays are dropped too)."""
        self._dots.forget(row)
        if row >= len(self._live):
            grown = max(2 * row, 64)
            self._live = np.concatenate([self._live, np.zeros(grown - len(self._live), bool)])
            pad = np.full((grown - len(self._span), 2), -1, dtype=np.int64)
            self._span = np.concatenate([self._span, pad])
        story = self._stories[row]
        self._live[row] = story.alive
        self._span[row] = (
            story.first.toordinal() if story.first else -1,
            story.last.toordinal() if story.last else -1,
        )

    def _near(self, rows: list[int], vector: np.ndarray, date: datetime.date | None) -> list[int]:
        """`rows` and the live stories whose mean lead vector is within reach of the article's
        (CROSS_LINGUAL_FLOOR), within the window: candidates in any language. One product
        with every story's summed vector, which costs far less than embedding the lead."""
        n = len(self._stories)
        if self._sums.shape[1:] != vector.shape or not n:
            return rows
        sizes = np.array([s.size if s.alive else 0 for s in self._stories], dtype=np.float32)
        means = (self._sums[:n] @ vector) / np.maximum(sizes, 1.0)
        near = [int(r) for r in np.argsort(-means, kind="stable")[: self.settings.max_candidates]]
        keep = set(rows)
        for row in near:
            if means[row] <= CROSS_LINGUAL_FLOOR:
                break
            story = self._stories[row]
            if sizes[row] == 0 or not self._in_window(story, date):
                continue
            keep.add(row)
        return sorted(keep)

    def _in_window(self, story: Story, date: datetime.date | None) -> bool:
        """Whether a dated article is within `window_days` of the story's span (undated
        articles and stories always are; a negative window is no window)."""
        window = self.settings.window_days
        if window < 0 or date is None or story.first is None or story.last is None:
            return True
        return max((story.first - date).days, (date - story.last).days, 0) <= window

    def _units(self, feats: ArticleProfile) -> dict[str, dict[str, float]]:
        """The article's unit vectors, by story sum: scored against stories, then joined."""
        vocabulary = self._vocabulary
        return {f.name: f.unit_of(feats, vocabulary) for f in REGISTRY if f.unit_of is not None}

    def _matrix(
        self,
        feats: ArticleProfile,
        units: dict[str, dict[str, float]],
        vector: np.ndarray | None,
        rows: list[int],
        *,
        every: bool = True,
    ) -> np.ndarray:
        """FEATURES of the article against each story in `rows`, a column per feature;
        without `every`, a feature weighing 0 stays a column of zeros (its product in the
        score is 0.0 either way)."""
        comparable = vector is not None and self._sums.shape[1:] == vector.shape and rows
        probe = Probe(
            feats,
            units,
            self._vocabulary,
            [self._story(r) for r in rows],
            vector,
            self._sums[np.asarray(rows)] if comparable else None,
            rows,
            self._dots,
        )
        out = np.zeros((len(rows), len(REGISTRY)))
        if rows:
            for k, feature in enumerate(REGISTRY):
                if every or self._weights[k]:
                    out[:, k] = feature.against(probe)
        return out

    def _assign(
        self,
        item: ClusterInput,
        vector: np.ndarray | None,
        *,
        into: str | None = None,
        on_features: FeatureCallback | None = None,
    ) -> Assignment:
        st = self.settings
        feats = profile(item, st.lead_chars)
        # Update document frequencies first, so the article's own terms are known words.
        self._vocabulary.count(feats.terms.keys(), feats.names.keys())
        self._vocabulary.prime(feats.terms.keys(), feats.names.keys())
        if self._vocabulary.n_docs % min(SWEEP_EVERY, max(st.split_idle, 1)) == 0:
            self._close_stale()
        feats.salient = salient_names(feats.names, self._vocabulary)
        idf = self._vocabulary.idf
        probe = {t: (1.0 + math.log(c)) * idf(t) for t, c in feats.terms.items()}
        rows = self._candidates(probe, item.published)
        if st.cross_lingual and vector is not None:  # stories in other languages share no term
            rows = self._near(rows, vector, item.published)
        units = self._units(feats)
        matrix = self._matrix(feats, units, vector, rows, every=on_features is not None)
        if on_features is not None:
            on_features([self._stories[r].story_id for r in rows], matrix)
        scores = matrix @ self._weights
        if into is not None:
            target = self._index_of.get(into)
            if target is None:
                target = self._open(into, exact=True)
            merged: tuple[str, ...] = ()
        elif rows and scores.max() >= st.threshold:
            order = np.argsort(-scores, kind="stable")
            best = rows[int(order[0])]
            group = [best]
            if scores[order[0]] >= st.merge_threshold:
                group = sorted({best, *(rows[i] for i in order if scores[i] >= st.merge_threshold)})
            # The oldest story keeps its id; the others are folded into it.
            target = group[0]
            merged = tuple(self._stories[r].story_id for r in group[1:])
            for r in group[1:]:
                self._fold(r, target)
        else:
            target = self._open("s-" + item.article_id[:10])
            merged = ()
        member = Member(
            item.article_id,
            item.published,
            units,
            feats.numbers,
            feats.dates,
            feats.years,
            feats.salient,
            vector,
            feats.language,
        )
        self._join(target, member)
        story_id = self._stories[target].story_id
        split: tuple[tuple[str, tuple[str, ...]], ...] = ()
        size = self._stories[target].size
        if into is None and st.split_due(size):
            split = self._split(target)
        return Assignment(story_id, merged, split, item.article_id)

    def _open(self, base: str, *, exact: bool = False) -> int:
        story_id, n = base, 1
        while not exact and story_id in self._index_of:  # ids are hash prefixes: keep unique
            n += 1
            story_id = f"{base}-{n}"
        row = len(self._stories)
        self._stories.append(Story(story_id))
        self._index_of[story_id] = row
        self._unsaved.add(row)
        self._sync(row)
        if self._sums.size:
            dim = self._sums.shape[1]
            if row >= self._sums.shape[0]:  # grow by doubling: amortised O(1) per story
                grown = np.zeros((max(2 * row, 64), dim), dtype=np.float32)
                grown[:row] = self._sums[:row]
                self._sums = grown
        return row

    def _join(self, row: int, member: Member) -> None:
        """Add a member to story `row`'s sums (and to its member list while it may split)."""
        story = self._story(row)
        vector, date = member.vector, member.published
        if vector is not None:
            if self._sums.shape[1:] != vector.shape:
                self._sums = np.zeros((max(len(self._stories), 64), vector.shape[0]), np.float32)
                self.mark_unsaved()  # every story's embedding row changed shape
            self._sums[row] += vector
        story.size += 1
        for name, unit in member.units.items():
            getattr(story, name).update(unit)
        for term in member.units["body"]:
            self._postings.setdefault(term, set()).add(row)
        story.numbers.update(member.numbers)
        story.dates.update(member.dates)
        story.years.update(member.years)
        story.name_members.update(member.units["names"].keys())
        if member.salient:
            story.salient.update(dict.fromkeys(member.salient, 1.0 / len(member.salient)))
        story.totals.update(
            numbers=len(member.numbers),
            dates=len(member.dates),
            with_years=int(bool(member.years)),
            with_salient=int(bool(member.salient)),
        )
        story.totals[language_total(member.language)] += 1
        if story.members is not None:
            story.members.append(member)
            if story.size > self.settings.split_max:
                story.members = None  # too big to re-cluster: stop keeping its members
        story.active = self._vocabulary.n_docs
        story.encoded = None
        self._unsaved.add(row)
        if date is not None:
            story.first = min(story.first or date, date)
            story.last = max(story.last or date, date)
        self._sync(row)

    def _close_stale(self) -> None:
        """Stop keeping the members of stories that have gone quiet.

        A story that received no article in the last `split_idle` arrivals drops its
        members from memory and from the saved state, and so is not re-clustered again
        (it can still grow). This bounds memory by recent activity, whatever the order of
        the input (a live feed, or an archive back-filled out of date order).
        """
        idle = self.settings.split_idle
        for row, story in enumerate(self._stories):
            if story.members and self._vocabulary.n_docs - story.active > idle:
                story.members = None
                story.encoded = None
                self._unsaved.add(row)

    def _split(self, row: int) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """Re-cluster a story's members by average link on their pair scores; split it.

        A single pass cannot take back an early join: when the first articles of two
        similar events (two arrests of two players of one team) land in one story, the
        story's averages then attract both. Scoring every pair of members with the same
        weights and clustering them with average link at the join bar is what the stream
        would have built in the best order. The group holding the story's first member
        keeps the story and its id; every other group of two or more members becomes a
        story named after its first member; a member left alone stays (one article is too
        little evidence to open a story). Returns (new story id, moved article ids).
        """
        story = self._story(row)
        members = story.members
        if not members or len(members) < 4:
            return ()
        from scipy.cluster.hierarchy import fcluster, linkage

        scores = self._pair_scores(members)
        top = float(scores.max()) + 1.0  # distances must be positive: top - score
        tree = linkage((top - scores)[np.triu_indices(len(members), 1)], "average")
        labels = fcluster(tree, t=top - self.settings.threshold, criterion="distance")
        groups: dict[int, list[Member]] = {}
        for member, label in zip(members, labels, strict=True):
            groups.setdefault(int(label), []).append(member)
        ordered = list(groups.values())  # in the order of their first members
        big = [g for g in ordered if len(g) >= 2]
        if len(big) < 2:
            return ()
        keep = ordered[0] if len(ordered[0]) >= 2 else big[0]
        leaving = {id(m) for g in big if g is not keep for m in g}
        self._reset(row)
        for member in members:
            if id(member) not in leaving:
                self._join(row, member)
        out = []
        for group in big:
            if group is keep:
                continue
            new = self._open("s-" + group[0].article_id[:10])
            for member in group:
                self._join(new, member)
            out.append((self._stories[new].story_id, tuple(m.article_id for m in group)))
        return tuple(out)

    def _reset(self, row: int) -> None:
        """Empty story `row`, keeping its id, to be rebuilt from members (its postings stay:
        a stale posting costs one more candidate, never a wrong score)."""
        self._stories[row] = Story(self._stories[row].story_id)
        self._resting.discard(row)
        if self._sums.size:
            self._sums[row] = 0.0
        self._unsaved.add(row)
        self._sync(row)

    def _pair_scores(self, members: list[Member]) -> np.ndarray:
        """The score of every member with every other: each feature's `pairs`, weighted;
        sparse products so a story of 200 costs milliseconds."""
        n = len(members)
        total = np.zeros((n, n))
        pairs = MemberPairs(members, self._vocabulary)
        for feature, weight in zip(REGISTRY, self._weights, strict=True):
            if weight:
                total += weight * feature.pairs(pairs)
        return total

    def _fold(self, row: int, into: int) -> None:
        """Move story `row` into story `into`; the folded story stays as a dead row."""
        src, dst = self._story(row), self._story(into)
        for term in src.body:
            postings = self._postings.get(term)
            if postings is not None:
                postings.discard(row)
                postings.add(into)
        dst.size += src.size
        for name in (*SUMS, "totals"):
            getattr(dst, name).update(getattr(src, name))
            setattr(src, name, Counter())
        for d in (src.first, src.last):
            if d is not None:
                dst.first = min(dst.first or d, d)
                dst.last = max(dst.last or d, d)
        if self._sums.size:
            self._sums[into] += self._sums[row]
            self._sums[row] = 0.0
        if dst.members is None or src.members is None or dst.size > self.settings.split_max:
            dst.members = None
        else:
            dst.members.extend(src.members)
        src.members = []
        dst.active = max(dst.active, src.active)
        src.alive = False
        src.size = 0
        src.encoded = dst.encoded = None
        self._unsaved.update((row, into))
        self._sync(row)
        self._sync(into)


def _resting(story: Story) -> Story:
    """What stays in memory of a story resting in the store: what the candidate lookup and
    the sweeps read (its sums are gone: reading one is an AttributeError, not a zero)."""
    stub = Story.__new__(Story)
    for name in ("story_id", "size", "first", "last", "alive", "active"):
        setattr(stub, name, getattr(story, name))
    stub.members = None if story.alive else []
    stub.encoded = None
    return stub
