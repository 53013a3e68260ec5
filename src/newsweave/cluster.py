"""Online story clustering: each new article joins the best story or opens one.

An article is compared with its candidate stories on cheap signals: incremental
TF-IDF cosine (vocabulary and document frequencies grow as articles arrive),
the overlap of capitalised names both ways (the article's names found in the
story, weighted by their rarity over stories, and the story's core names found
in the article: a split check that keeps two same-kind events apart), numbers
and written dates, all found by regular expressions (no spaCy at ingest). A
MiniLM embedding of headline + lead can be added (`w_embed`, off by default:
on ECB+ it did not pay for its 8x cost). A time window keeps dated articles away
from stale stories; undated articles skip the window. When an article scores
above the merge bar with a second story, that story is folded into the first
(a bridging article).

Candidates come from postings of the article's heaviest terms only, with
over-common terms and stories outside the window skipped, so the cost per
article stays flat as stories accumulate (docs/benchmarks.md, 10k and 50k).

Story ids come from the first article of a story, so the same input order
gives the same ids, and `to_state` / `from_state` continue a run exactly.
"""

from __future__ import annotations

import base64
import datetime
import json
import math
import re
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field

import numpy as np

Encode = Callable[[Sequence[str]], np.ndarray]

STATE_VERSION = 2


@dataclass(frozen=True)
class ClusterInput:
    """What the clusterer needs of one article."""

    article_id: str  # stable id (the store's content hash)
    title: str | None
    text: str  # cleaned body, paragraphs joined by blank lines
    published: datetime.date | None
    # the encoder's vector of lead(item), when computed elsewhere (a Dask worker); else None
    embedding: np.ndarray | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Assignment:
    """Where an article went, and which stories it folded into that one."""

    story_id: str  # "s-" + the first article's id[:10]
    merged: tuple[str, ...] = ()  # story ids absorbed into story_id by this article


@dataclass(frozen=True)
class ClusterSettings:
    """Weights and bars of the similarity score, one place.

    The score is the weighted mean of six similarities in [0, 1] (only the ratios
    of the weights matter). Calibrated by bench/cluster_ecbplus.py on ECB+ topics
    1-20 only (B-cubed F1, shuffled order, seeds 100-104), topics 21-45 scored,
    never tuned on (docs/benchmarks.md):
      * weights: 4 sets tried (lexical only; + core names 0.30; + embedding 0.10;
        + embedding 0.25 with lighter names), each with 6 join thresholds and
        merging off. Lexical + core names won on topics 1-20 (0.879); the
        embedding set was a tie there (0.879) at 1/8 of the speed, so it is off.
      * `threshold` 0.20: best of 0.17-0.32 for that weight set.
      * `merge_threshold` 0.45: best of 0.30-0.60 or off (+0.001 F1 over 0.40).
      * w_tfidf 0.45, w_entity 0.60, w_number 0.05, w_date 0.10, name_support 2
        and core_share 0.5 are the previous hand-set values, not re-tuned (a one-at-
        a-time check of w_number, w_date, name_support, w_entity and w_tfidf on
        topics 1-20 moved F1 by -0.02..+0.009, within the seed spread).
      * `window_days` could not be calibrated (ECB+ has no publication dates): a guess.
      * probe_terms, max_postings and max_candidates bound the lookup cost
        (bench/ingest_throughput.py --cluster-scale); ECB+ F1 is the same with the caps
        off (held-out 0.8666, tuning topics 0.8805 either way).
    """

    w_tfidf: float = 0.45  # cosine of the article's TF-IDF with the story's summed term counts
    w_embed: float = 0.0  # cosine of the headline+lead embedding with the story centroid
    w_entity: float = 0.60  # idf-weighted share of the article's names the story carries
    w_core: float = 0.30  # idf-weighted share of the story's core names the article carries
    w_number: float = 0.05  # share of the article's numbers (>= 2 digits) seen in the story
    w_date: float = 0.10  # share of the article's written dates ("May 3") seen in the story
    threshold: float = 0.20  # join the best story at or above this score, else open one
    merge_threshold: float = 0.45  # fold a second story in when the article scores this with it
    window_days: int = 7  # a dated article may join a story last seen up to this many days away
    lead_chars: int = 600  # headline + this much of the body is embedded (MiniLM reads 256 tokens)
    name_support: float = 2.0  # a name counts fully once half of the story's members name it
    core_share: float = 0.5  # a story's core names are named by at least this share of members
    probe_terms: int = 30  # candidate stories come from the article's heaviest terms only
    max_postings: int = 2000  # a term in more stories than this finds no candidates
    max_candidates: int = 100  # stories scored in full per article


DEFAULT_SETTINGS = ClusterSettings()

# --- cheap text features (heuristics as data) ---------------------------------------------

# sklearn's English stop words plus news function words ("said", "told").
_STOP_WORDS = """a about above across after afterwards again against all almost alone along
    already also although always am among amongst an and another any anyhow anyone anything
    anyway anywhere are around as at back be became because become becomes becoming been
    before beforehand behind being below beside besides between beyond both but by can
    cannot could did do does doing done down due during each eg either else elsewhere enough
    etc even ever every everyone everything everywhere except few first for former formerly
    from further get give go had has have he hence her here hereafter hereby herein hereupon
    hers herself him himself his how however i ie if in indeed into is it its itself just
    last latter latterly least less ltd made many may me meanwhile might mine more moreover
    most mostly much must my myself namely neither never nevertheless next no nobody none
    noone nor not nothing now nowhere of off often on once one only onto or other others
    otherwise our ours ourselves out over own per perhaps please put rather re same see seem
    seemed seeming seems several she should since so some somehow someone something sometime
    sometimes somewhere still such than that the their them themselves then thence there
    thereafter thereby therefore therein thereupon these they this those though through
    throughout thru thus to together too toward towards under until up upon us very via was
    we well were what whatever when whence whenever where whereafter whereas whereby wherein
    whereupon wherever whether which while whither who whoever whole whom whose why will
    with within without would yet you your yours yourself yourselves said says say told
    according new news reported report reports year years time http www com html monday
    tuesday wednesday thursday friday saturday sunday"""
_STOP = frozenset(_STOP_WORDS.split())
_MONTH_NAMES = (
    "january february march april may june july august september october november december"
)
_MONTHS = _MONTH_NAMES.split()
_MONTH_ABBR = {m[:3]: i + 1 for i, m in enumerate(_MONTHS)}
_WORD = re.compile(r"[a-z][a-z0-9']+")
# Runs of capitalised words ("Betty Ford Center", "Kestrelholm"); joiners allowed inside.
_NAME = re.compile(
    r"\b[A-Z][\w'\-]*[a-z][\w'\-]*(?:\s+(?:(?:of|de|del|la|van|von|al|bin)\s+)?[A-Z][\w'\-]+)*"
)
_NUMBER = re.compile(r"(?<![\w.])\d{1,3}(?:,\d{3})+(?![\d])|(?<![\w.,])\d+(?:\.\d+)?(?![\d])")
_MONTH_DAY = re.compile(
    r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+(\d{1,2})\b"
    r"(?:,?\s+(\d{4}))?",
    re.IGNORECASE,
)
_DAY_MONTH = re.compile(
    r"\b(\d{1,2})\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\b", re.IGNORECASE
)
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
# Capitalised words that are not names: sentence openers, titles, calendar words.
_TITLE_WORDS = """mr mrs ms dr the a an in on at it he she they we but and or if as for this
    that there when after before his her their its president minister police officials"""
_NOT_NAMES = _STOP | frozenset(_MONTHS) | frozenset(_TITLE_WORDS.split())


def _terms(text: str) -> Counter[str]:
    return Counter(w for w in _WORD.findall(text.lower()) if w not in _STOP and len(w) > 2)


def _names(text: str) -> set[str]:
    """Capitalised phrases and their words, lower-cased: the cheap stand-in for NER."""
    found: set[str] = set()
    for match in _NAME.finditer(text):
        words = [w for w in match.group(0).lower().split() if w not in _NOT_NAMES]
        if not words:
            continue
        found.update(w for w in words if len(w) > 2)
        if len(words) > 1:
            found.add(" ".join(words))
    return found


def _numbers(text: str) -> set[str]:
    """Numbers with at least two digits, thousands separators removed; years excluded."""
    out = set()
    for raw in _NUMBER.findall(text):
        value = raw.replace(",", "")
        if sum(c.isdigit() for c in value) >= 2 and not _YEAR.fullmatch(value):
            out.add(value)
    return out


def _dates(text: str) -> set[str]:
    """Written calendar dates as "month-day" (year dropped: often omitted in news)."""
    out = {f"{_MONTH_ABBR[m[:3].lower()]}-{int(d)}" for m, d, _ in _MONTH_DAY.findall(text)}
    out |= {f"{_MONTH_ABBR[m[:3].lower()]}-{int(d)}" for d, m in _DAY_MONTH.findall(text)}
    return {d for d in out if 1 <= int(d.split("-")[1]) <= 31}


def lead(item: ClusterInput, chars: int) -> str:
    """Headline + the start of the body: the one text we embed per article."""
    body = item.text[:chars]
    return f"{item.title}\n{body}" if item.title else body


@dataclass
class _Features:
    terms: Counter[str]
    names: set[str]
    numbers: set[str]
    dates: set[str]


def _features(item: ClusterInput) -> _Features:
    full = f"{item.title}\n{item.text}" if item.title else item.text
    return _Features(_terms(full), _names(full), _numbers(full), _dates(full))


@dataclass
class _Story:
    story_id: str
    size: int = 0
    terms: Counter[str] = field(default_factory=Counter)  # summed sublinear tf of members
    names: Counter[str] = field(default_factory=Counter)  # members naming each name
    numbers: Counter[str] = field(default_factory=Counter)
    dates: Counter[str] = field(default_factory=Counter)
    first: datetime.date | None = None
    last: datetime.date | None = None
    alive: bool = True
    norm: float = 0.0  # TF-IDF norm of `terms`, refreshed when the story changes
    json: str | None = None  # cached serialisation for to_state; None when changed
    core: tuple[str, ...] = ()  # names at least `core_share` of the members carry


class OnlineClusterer:
    """Single-pass story clustering on TF-IDF and name/number/date overlap."""

    def __init__(
        self, settings: ClusterSettings = DEFAULT_SETTINGS, *, encode: Encode | None = None
    ):
        self.settings = settings
        self._encode = encode
        self._n_docs = 0
        self._df: Counter[str] = Counter()  # document frequency of terms
        self._name_df: Counter[str] = Counter()  # document frequency of names
        self._name_sf: Counter[str] = Counter()  # live stories naming each name
        self._stories: list[_Story] = []
        # term -> rows of the stories that contain it (dead rows are dropped lazily)
        self._postings: dict[str, set[int]] = {}
        self._sums = np.zeros((0, 0), dtype=np.float32)  # summed member embeddings, one row a story
        self._index_of: dict[str, int] = {}  # story id -> row
        self._dead = 0  # folded stories (rows kept so ids stay resolvable)

    # --- public API -------------------------------------------------------------------

    def add(self, item: ClusterInput) -> Assignment:
        """Assign one article to a story."""
        return self.add_many([item])[0]

    def add_many(self, items: Sequence[ClusterInput]) -> list[Assignment]:
        """Assign the articles one by one, in order (embedding leads in one batch if used)."""
        if not items:
            return []
        if self.settings.w_embed <= 0:  # embeddings off: never load the encoder
            return [self._assign(item, None) for item in items]
        missing = [item for item in items if item.embedding is None]
        computed = iter(self._embed([lead(item, self.settings.lead_chars) for item in missing]))
        vectors = [
            next(computed) if item.embedding is None else np.asarray(item.embedding, np.float32)
            for item in items
        ]
        return [self._assign(item, vector) for item, vector in zip(items, vectors, strict=True)]

    @property
    def stories(self) -> dict[str, int]:
        """Live story ids and their sizes, in creation order."""
        return {s.story_id: s.size for s in self._stories if s.alive}

    def to_state(self) -> bytes:
        """Everything needed to continue after a restart, as compressed JSON.

        Called after every ingest batch, so each story's JSON is cached until the story
        changes and zlib runs at level 1: the snapshot costs about the size of the state
        instead of re-serialising every story (measured in bench/ingest_throughput.py).
        """
        parts = []
        for s in self._stories:
            if s.json is None:
                s.json = json.dumps(
                    {
                        "id": s.story_id,
                        "size": s.size,
                        "terms": s.terms,
                        "names": s.names,
                        "numbers": s.numbers,
                        "dates": s.dates,
                        "first": s.first.isoformat() if s.first else None,
                        "last": s.last.isoformat() if s.last else None,
                        "alive": s.alive,
                    },
                    separators=(",", ":"),
                )
            parts.append(s.json)
        sums = np.ascontiguousarray(self._sums[: len(self._stories)], dtype=np.float32)
        state = {
            "version": STATE_VERSION,
            "settings": asdict(self.settings),
            "n_docs": self._n_docs,
            "df": self._df,
            "name_df": self._name_df,
            "stories": None,
            "sums_shape": list(sums.shape),
            "sums": base64.b64encode(sums.tobytes()).decode("ascii"),
        }
        text = json.dumps(state, separators=(",", ":"))
        text = text.replace('"stories":null', '"stories":[' + ",".join(parts) + "]", 1)
        return zlib.compress(text.encode("utf-8"), 1)

    @classmethod
    def from_state(
        cls,
        state: bytes,
        settings: ClusterSettings | None = None,
        *,
        encode: Encode | None = None,
    ) -> OnlineClusterer:
        """Rebuild a clusterer from `to_state`; settings default to the saved ones.

        A version-1 state (scored with an embedding, before the story-level name
        weights) is migrated: its stories and counts are kept, its settings are
        replaced by the current defaults, which were calibrated for this scoring.
        """
        try:
            data = json.loads(zlib.decompress(state).decode("utf-8"))
        except (zlib.error, UnicodeDecodeError, ValueError) as exc:
            raise ValueError(f"cluster state is not readable ({exc})") from exc
        version = data.get("version")
        if version == 1:
            saved = DEFAULT_SETTINGS
        elif version == STATE_VERSION:
            saved = ClusterSettings(**data["settings"])
        else:
            raise ValueError(
                f"cluster state version {version} is not one this newsweave reads "
                f"(1 or {STATE_VERSION}); re-ingest into a new store"
            )
        self = cls(settings or saved, encode=encode)
        self._n_docs = data["n_docs"]
        self._df = Counter(data["df"])
        self._name_df = Counter(data["name_df"])
        for row, s in enumerate(data["stories"]):
            story = _Story(
                story_id=s["id"],
                size=s["size"],
                terms=Counter(s["terms"]),
                names=Counter(s["names"]),
                numbers=Counter(s["numbers"]),
                dates=Counter(s["dates"]),
                first=datetime.date.fromisoformat(s["first"]) if s["first"] else None,
                last=datetime.date.fromisoformat(s["last"]) if s["last"] else None,
                alive=s["alive"],
            )
            self._stories.append(story)
            self._index_of[story.story_id] = row
            self._dead += not story.alive
            if story.alive:
                self._name_sf.update(story.names.keys())
                for term in story.terms:
                    self._postings.setdefault(term, set()).add(row)
        for story in self._stories:
            if story.alive:
                story.norm = self._story_norm(story)
                self._refresh_core(story)
        raw = base64.b64decode(data["sums"])
        self._sums = np.frombuffer(raw, dtype=np.float32).reshape(data["sums_shape"]).copy()
        return self

    # --- internals --------------------------------------------------------------------

    def _embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        if self._encode is None:
            from newsweave.encoder import encode

            self._encode = encode
        return np.asarray(self._encode(texts), dtype=np.float32)

    def _idf(self, term: str) -> float:
        return math.log((self._n_docs + 1) / (self._df.get(term, 0) + 1)) + 1.0

    def _name_idf(self, name: str) -> float:
        """Rarity of a name over stories: a name all of one story's articles repeat is rare."""
        live = len(self._stories) - self._dead
        return math.log((live + 1) / (self._name_sf.get(name, 0) + 1)) + 1.0

    def _candidates(self, a: dict[str, float], date: datetime.date | None) -> list[int]:
        """Live stories sharing one of the article's most distinctive terms, within the window.

        Only the `probe_terms` heaviest terms are looked up, and terms whose posting list
        outgrew `max_postings` are skipped (they carry no signal): the cost per article
        stays flat as stories accumulate. Rows are ranked by the weight of shared probe
        terms and the best `max_candidates` scored in full.
        """
        st = self.settings
        probes = sorted(a.items(), key=lambda kv: -kv[1])[: st.probe_terms]
        hits: dict[int, float] = {}
        for term, weight in probes:
            rows = self._postings.get(term)
            if not rows or len(rows) > st.max_postings:
                continue
            for row in rows:
                hits[row] = hits.get(row, 0.0) + weight
        out = []
        for row, _ in sorted(hits.items(), key=lambda kv: (-kv[1], kv[0])):
            story = self._stories[row]
            if not story.alive:
                continue
            if date is not None and story.last is not None and st.window_days >= 0:
                gap = max((story.first - date).days, (date - story.last).days, 0)
                if gap > st.window_days:
                    continue
            out.append(row)
            if len(out) >= st.max_candidates:
                break
        return sorted(out)

    def _scores(self, feats: _Features, vector: np.ndarray | None, date: datetime.date | None):
        """Score of the article against its candidate stories: (rows, scores)."""
        st = self.settings
        idf = {t: self._idf(t) for t in feats.terms}
        a = {t: (1.0 + math.log(c)) * idf[t] for t, c in feats.terms.items()}
        rows = self._candidates(a, date)
        if not rows:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        rows_arr = np.asarray(rows, dtype=np.int64)
        embed = np.zeros(len(rows))
        if vector is not None and st.w_embed > 0 and self._sums.shape[1] == vector.shape[0]:
            sums = self._sums[rows_arr]
            norms = np.linalg.norm(sums, axis=1)
            embed = (sums @ vector) / np.maximum(norms, 1e-9)

        a_norm = math.sqrt(sum(v * v for v in a.values())) or 1.0
        name_w = {n: self._name_idf(n) for n in feats.names}
        name_total = sum(name_w.values())

        total = st.w_tfidf + st.w_embed + st.w_entity + st.w_core + st.w_number + st.w_date
        out = np.zeros(len(rows))
        for i, row in enumerate(rows):
            story = self._stories[row]
            dot = 0.0
            terms = story.terms
            for t, v in a.items():
                c = terms.get(t)
                if c:
                    dot += v * c * idf[t]
            tfidf = dot / (a_norm * story.norm) if story.norm else 0.0
            names = (
                sum(
                    w * min(1.0, st.name_support * story.names.get(n, 0) / story.size)
                    for n, w in name_w.items()
                )
                / name_total
                if name_total
                else 0.0
            )
            core = self._core_share(story, feats.names) if st.w_core else 0.0
            numbers = _share(feats.numbers, story.numbers)
            dates = _share(feats.dates, story.dates)
            out[i] = (
                st.w_tfidf * tfidf
                + st.w_embed * float(embed[i])
                + st.w_entity * names
                + st.w_core * core
                + st.w_number * numbers
                + st.w_date * dates
            ) / total
        return rows_arr, out

    def _core_share(self, story: _Story, names: set[str]) -> float:
        """idf-weighted share of the story's core names (named by most members) in the article."""
        core = [(n, self._name_idf(n)) for n in story.core]
        total = sum(w for _, w in core)
        if not total:
            return 0.0
        return sum(w for n, w in core if n in names) / total

    def _story_norm(self, story: _Story) -> float:
        return math.sqrt(sum((c * self._idf(t)) ** 2 for t, c in story.terms.items()))

    def _assign(self, item: ClusterInput, vector: np.ndarray | None) -> Assignment:
        st = self.settings
        feats = _features(item)
        # Update document frequencies first, so the article's own terms are known words.
        self._n_docs += 1
        self._df.update(feats.terms.keys())
        self._name_df.update(feats.names)
        rows, scores = self._scores(feats, vector, item.published)

        order = np.argsort(-scores, kind="stable") if len(rows) else []
        if len(rows) and scores[order[0]] >= st.threshold:
            candidates = [int(rows[i]) for i in order if scores[i] >= st.merge_threshold]
            best = int(rows[order[0]])
            # The oldest story keeps its id; the others are folded into it.
            group = (
                sorted({best, *candidates}) if scores[order[0]] >= st.merge_threshold else [best]
            )
            target = group[0]
            merged = tuple(self._stories[r].story_id for r in group[1:])
            for r in group[1:]:
                self._fold(r, target)
        else:
            target = self._open(item.article_id)
            merged = ()
        self._join(target, feats, vector, item.published)
        return Assignment(self._stories[target].story_id, merged)

    def _open(self, article_id: str) -> int:
        base = "s-" + article_id[:10]
        story_id, n = base, 1
        while story_id in self._index_of:  # ids are prefixes of hashes: keep them unique
            n += 1
            story_id = f"{base}-{n}"
        row = len(self._stories)
        self._stories.append(_Story(story_id))
        self._index_of[story_id] = row
        if self._sums.size:
            dim = self._sums.shape[1]
            if row >= self._sums.shape[0]:  # grow by doubling: amortised O(1) per story
                grown = np.zeros((max(2 * row, 64), dim), dtype=np.float32)
                grown[:row] = self._sums[:row]
                self._sums = grown
        return row

    def _join(
        self, row: int, feats: _Features, vector: np.ndarray | None, date: datetime.date | None
    ):
        story = self._stories[row]
        if vector is not None:
            if self._sums.shape[1] != vector.shape[0]:
                self._sums = np.zeros((max(len(self._stories), 64), vector.shape[0]), np.float32)
            self._sums[row] += vector
        story.size += 1
        for t, c in feats.terms.items():
            story.terms[t] += 1.0 + math.log(c)
            self._postings.setdefault(t, set()).add(row)
        self._name_sf.update(n for n in feats.names if n not in story.names)
        story.names.update(feats.names)
        story.numbers.update(feats.numbers)
        story.dates.update(feats.dates)
        story.norm = self._story_norm(story)
        story.json = None
        self._refresh_core(story)
        if date is not None:
            story.first = min(story.first or date, date)
            story.last = max(story.last or date, date)

    def _fold(self, row: int, into: int) -> None:
        """Move story `row` into story `into`; the folded story stays as a dead row."""
        src, dst = self._stories[row], self._stories[into]
        dst.size += src.size
        dst.terms.update(src.terms)
        self._name_sf.subtract(n for n in src.names if n in dst.names)
        dst.names.update(src.names)
        dst.numbers.update(src.numbers)
        dst.dates.update(src.dates)
        for d in (src.first, src.last):
            if d is not None:
                dst.first = min(dst.first or d, d)
                dst.last = max(dst.last or d, d)
        if self._sums.size:
            self._sums[into] += self._sums[row]
            self._sums[row] = 0.0
        for t in src.terms:
            postings = self._postings.get(t)
            if postings is not None:
                postings.discard(row)
                postings.add(into)
        src.alive = False
        self._dead += 1
        src.terms, src.names, src.numbers, src.dates = Counter(), Counter(), Counter(), Counter()
        src.size = 0
        dst.norm = self._story_norm(dst)
        src.json = dst.json = None
        src.core = ()
        self._refresh_core(dst)

    def _refresh_core(self, story: _Story) -> None:
        bar = self.settings.core_share * story.size
        story.core = tuple(n for n, c in story.names.items() if c >= bar)


def _share(items: Iterable[str], story: Counter[str]) -> float:
    items = list(items)
    if not items:
        return 0.0
    return sum(1 for x in items if x in story) / len(items)
