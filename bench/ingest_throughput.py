"""Corpus-mode ingest throughput: articles/s per stage, peak RSS, clustering cost growth.

    python bench/ingest_throughput.py [--articles 10000] [--out ingest_throughput.json]
    python bench/ingest_throughput.py --hash --articles 2000   # result hashes, before/after

Builds (or reuses) the synthetic corpus of `bench/synth_corpus.py` in the git-ignored
cache, then in a fresh child process per run:
  * baseline: read + clean only (what `newsweave extract` does), no store;
  * ingest: `newsweave.ingest(paths, Store(tmp))` into a new temporary database,
    with stage timers wrapped around clean, dedup signatures + lookups, clustering
    (`OnlineClusterer.add_many`), the clusterer state saved with each batch (building
    it, `OnlineClusterer.state_delta`, and writing it, `Store.save_clusterer_parts`);
    "store" is the rest of `add_batch` (SQLite inserts, memberships, commits). It also
    records the RSS every 1,000 documents, the CPU time of re-clustering, and how many of
    the clusterer's stories and the linker's events rest in the store (issue 19);
  * with --in-memory, the same ingest with nothing resting (the memory before issue 19);
  * with --date-order, the corpus fed in publication order (as a live feed brings it),
    written to one temporary JSON Lines file first.
Peak RSS is the child's `ru_maxrss`. Writes bench/results/<out> (numbers only).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "results"
sys.path.insert(0, str(REPO / "src"))


def corpus(n: int) -> list[Path]:
    folder = RESULTS / "cache" / f"synth-{n}"
    if not folder.exists():
        script = str(REPO / "bench" / "synth_corpus.py")
        subprocess.run([sys.executable, script, str(n)], check=True)
    return sorted(folder.glob("*.jsonl"))


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def _cpu_seconds() -> float:
    """CPU time of this process so far: on a shared machine, steadier than wall time."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run_clean_only(paths: list[Path]) -> dict:
    """Read and clean every document, as `newsweave extract` does, keeping nothing."""
    from newsweave.ingest import read_sources
    from newsweave.model import SkippedDocument
    from newsweave.pipeline import clean

    start, cpu = time.perf_counter(), _cpu_seconds()
    n = kept = 0
    for item in read_sources(paths):
        n += 1
        if not isinstance(item, SkippedDocument) and not isinstance(clean(item), SkippedDocument):
            kept += 1
    seconds = time.perf_counter() - start
    return {
        "documents": n,
        "articles": kept,
        "seconds": seconds,
        "articles_per_s": n / seconds,
        "cpu_seconds": _cpu_seconds() - cpu,
        "articles_per_cpu_s": n / (_cpu_seconds() - cpu),
        "peak_rss_mib": _peak_rss_mib(),
    }


class _Timer:
    """Accumulates the wall time spent inside wrapped functions, per stage."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    def wrap(self, stage: str, fn):
        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.seconds[stage] = self.seconds.get(stage, 0.0) + time.perf_counter() - start

        return timed


def _rss_mib() -> float:
    """The process's resident set now (not its peak), from /proc."""
    with open("/proc/self/statm") as stream:
        return int(stream.read().split()[1]) * resource.getpagesize() / 2**20


def run_ingest_in_memory(paths: list[Path]) -> dict:
    """`run_ingest` with nothing resting in the store (every record kept in memory), as
    before issue 19: the memory comparison."""
    from newsweave.corpus import writer

    writer.REST_IDLE = 10**12
    return run_ingest(paths)


def run_ingest(paths: list[Path]) -> dict:
    """The real corpus ingest into a fresh temporary database, with stage timers."""
    import newsweave.pipeline
    from newsweave import Store, corpus, dedup, ingest
    from newsweave.cluster import OnlineClusterer
    from newsweave.corpus import writer

    timer = _Timer()
    newsweave.pipeline.clean = timer.wrap("read+clean", newsweave.pipeline.clean)
    dedup.signature = timer.wrap("dedup", dedup.signature)
    corpus.Ingestor._find_original = timer.wrap("dedup", corpus.Ingestor._find_original)
    original_add_many = OnlineClusterer.add_many
    OnlineClusterer.state_delta = timer.wrap("cluster state", OnlineClusterer.state_delta)
    Store.save_clusterer_parts = timer.wrap("cluster state write", Store.save_clusterer_parts)
    per_call: list[tuple[int, float]] = []  # (articles, seconds) of each add_many call

    def add_many(self, items):
        start = time.perf_counter()
        out = original_add_many(self, items)
        per_call.append((len(items), time.perf_counter() - start))
        return out

    OnlineClusterer.add_many = add_many
    split_cpu = [0.0]
    original_split = OnlineClusterer._split

    def split(self, row):
        before = time.process_time()
        try:
            return original_split(self, row)
        finally:
            split_cpu[0] += time.process_time() - before

    OnlineClusterer._split = split
    resting: dict = {}  # what the memory bound held in the store at the last sweep
    original_rest = writer.Ingestor._rest_quiet

    def rest_quiet(self):
        original_rest(self)
        events = [self.linker._events[e] for es in self.linker.stories.values() for e in es]
        resting.update(
            clusterer_stories=len(self.clusterer._stories),
            clusterer_resting=self.clusterer.resting,
            clusterer_reloaded=self.clusterer.reloaded,
            linker_events=len(events),
            linker_resting=sum(map(is_resting, events)),
        )

    writer.Ingestor._rest_quiet = rest_quiet
    from newsweave.cluster.resting import is_resting

    rss: list[tuple[int, float]] = []  # (documents read, RSS MiB) every 1,000 documents
    read = [0]

    def progress(n: int) -> None:
        read[0] += n
        if read[0] % 1000 < n:
            rss.append((read[0], round(_rss_mib(), 1)))

    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "bench.db")
        start, cpu = time.perf_counter(), _cpu_seconds()
        summary = ingest(paths, store, progress=progress)
        seconds, cpu = time.perf_counter() - start, _cpu_seconds() - cpu
        stories = store.query("SELECT count(DISTINCT story_id) FROM story_members")[0][0]
        db_bytes = (Path(tmp) / "bench.db").stat().st_size
        store.close()
    cluster_s = sum(s for _, s in per_call)
    stages = {**timer.seconds, "cluster": cluster_s}
    # read+clean is timed around clean() only; reading the files is in the remainder
    stages["store+other"] = seconds - sum(stages.values())
    ms_first = _ms_per_article(per_call, first=True)
    ms_last = _ms_per_article(per_call, first=False)
    total = summary.documents
    return {
        "documents": total,
        "new": summary.new,
        "duplicates": summary.duplicates,
        "skipped": len(summary.skipped),
        "stories": stories,
        "clusterer_stories": summary.new_stories,
        "seconds": seconds,
        "articles_per_s": total / seconds,
        "cpu_seconds": cpu,
        "articles_per_cpu_s": total / cpu,
        "stage_seconds": {k: round(v, 3) for k, v in stages.items()},
        "stage_articles_per_s": {k: round(total / v, 1) for k, v in stages.items() if v > 0},
        "cluster_ms_per_article_first_1000": ms_first,
        "cluster_ms_per_article_last_1000": ms_last,
        "peak_rss_mib": _peak_rss_mib(),
        "rss_mib_by_documents": rss,
        "recluster_cpu_seconds": round(split_cpu[0], 3),
        "resting": resting,
        "db_mib": db_bytes / 2**20,
    }


def _ms_per_article(calls: list[tuple[int, float]], *, first: bool, span: int = 1000) -> float:
    seq = calls if first else calls[::-1]
    n = s = 0.0
    for count, seconds in seq:
        if n >= span:
            break
        n += count
        s += seconds
    return round(1000 * s / max(n, 1), 3)


def run_cluster_scale(paths: list[Path], settings=None) -> dict:
    """Both levels over the corpus's raw texts in date order, per 1,000-article block: the
    clusterer's and the story linker's CPU time apart (no cleaning, no store).

    Shows how the lookup cost per article grows with the number of events and stories.
    """
    import datetime
    import hashlib

    from newsweave.cluster import DEFAULT_SETTINGS, ClusterInput, OnlineClusterer

    rows = []
    for path in paths:
        with path.open(encoding="utf-8") as stream:
            rows += [json.loads(line) for line in stream if line.strip()]
    rows.sort(key=lambda r: r.get("published") or "")
    items = [
        ClusterInput(
            hashlib.sha256(r["text"].encode()).hexdigest(),
            r.get("title"),
            r["text"],
            datetime.date.fromisoformat(r["published"][:10]) if r.get("published") else None,
        )
        for r in rows
    ]
    from newsweave.stories import StoryLinker

    clusterer = OnlineClusterer(settings or DEFAULT_SETTINGS)
    linker = StoryLinker()  # the second level, timed apart (CPU time: the machine is shared)
    split_cpu = [0.0]
    original_split = clusterer._split

    def split(row):
        before = time.process_time()
        try:
            return original_split(row)
        finally:
            split_cpu[0] += time.process_time() - before

    clusterer._split = split  # type: ignore[method-assign]
    blocks, cpu_blocks, link_blocks, split_blocks = [], [], [], []
    start, cpu = time.perf_counter(), _cpu_seconds()
    for i in range(0, len(items), 1000):
        t, c, linking = time.perf_counter(), time.process_time(), 0.0
        split_cpu[0] = 0.0
        for j in range(i, min(i + 1000, len(items)), 50):
            batch = items[j : j + 50]
            placed = clusterer.add_many(batch)
            before = time.process_time()
            for item, assignment in zip(batch, placed, strict=True):
                linker.add(item, assignment)
            linking += time.process_time() - before
        n = len(items[i : i + 1000])
        blocks.append(round(1000 * (time.perf_counter() - t) / n, 3))
        cpu_blocks.append(round(1000 * (time.process_time() - c - linking) / n, 3))
        link_blocks.append(round(1000 * linking / n, 3))
        split_blocks.append(round(1000 * split_cpu[0] / n, 3))
    seconds = time.perf_counter() - start
    return {
        "articles": len(items),
        "articles_per_s": len(items) / seconds,
        "articles_per_cpu_s": len(items) / (_cpu_seconds() - cpu),
        "stories": len(clusterer.stories),
        "developing_stories": len(linker.stories),
        "ms_per_article_by_1000_block": blocks,  # wall, both levels
        "cluster_cpu_ms_per_article_by_1000_block": cpu_blocks,
        "linker_cpu_ms_per_article_by_1000_block": link_blocks,
        # the part of the clusterer's time spent re-clustering (OnlineClusterer._split)
        "recluster_cpu_ms_per_article_by_1000_block": split_blocks,
        "peak_rss_mib": _peak_rss_mib(),
    }


def run_cluster_scale_uncapped(paths: list[Path]) -> dict:
    """As run_cluster_scale, with every candidate cap off (all stories sharing a term)."""
    import dataclasses

    from newsweave.cluster import DEFAULT_SETTINGS

    off = dataclasses.replace(
        DEFAULT_SETTINGS, probe_terms=10**9, max_postings=10**9, max_candidates=10**9
    )
    return run_cluster_scale(paths, off)


def _digest(rows) -> str:
    digest = hashlib.sha256()
    for row in rows:
        digest.update(repr(row).encode())
    return digest.hexdigest()[:16]


def run_result_hash(paths: list[Path]) -> dict:
    """Hashes of what an ingest stores and of what both levels decide, to show that a
    change meant to be faster left every result as it was.

    * the store: `story_members`, `story_events` and `story_joins` after an ingest of
      `paths` (scores and features included, as stored);
    * ECB+: every `Assignment` of the clusterer and every `StoryJoin` of the linker over
      all ECB+ documents, in two shuffled orders (batches of 50, as an ingest runs).
    """
    import random

    from newsweave import Store, ingest
    from newsweave.cluster import ClusterInput, OnlineClusterer
    from newsweave.stories import StoryLinker

    out: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "hash.db")
        ingest(paths, store)
        for table, order in (
            ("story_members", "article_id"),
            ("story_events", "event_id"),
            ("story_joins", "article_id"),
        ):
            out[table] = _digest(store.query(f"SELECT * FROM {table} ORDER BY {order}"))
        store.close()
    ecbplus = REPO.parent / "shared" / "evaldata" / "ecbplus" / "docs.jsonl"
    docs = [json.loads(line) for line in ecbplus.open(encoding="utf-8")]
    for seed in (0, 1):
        random.Random(seed).shuffle(docs)
        clusterer, linker = OnlineClusterer(), StoryLinker()
        assignments, joins = [], []
        for i in range(0, len(docs), 50):
            items = [ClusterInput(d["doc_id"], None, d["text"], None) for d in docs[i : i + 50]]
            for item, a in zip(items, clusterer.add_many(items), strict=True):
                assignments.append((a.story_id, a.merged, a.split, a.article_id))
                j = linker.add(item, a)
                why = (j.score, sorted(j.features.items()), j.shared, j.merged)
                joins.append((j.event_id, j.story_id, j.opened, *why))
        out[f"ecbplus_assignments_order{seed}"] = _digest(assignments)
        out[f"ecbplus_story_joins_order{seed}"] = _digest(joins)
    return out


def _child(fn_name: str, paths: list[Path], queue) -> None:
    queue.put(globals()[fn_name](paths))


def in_child(fn_name: str, paths: list[Path]) -> dict:
    """Run one measurement in a fresh process, so peak RSS is its own."""
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    process = ctx.Process(target=_child, args=(fn_name, paths, queue))
    process.start()
    result = queue.get()
    process.join()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=10000)
    parser.add_argument("--out", default="ingest_throughput.json")
    parser.add_argument(
        "--cluster-scale",
        type=int,
        nargs="*",
        metavar="N",
        help="instead: the clusterer alone on synthetic corpora of these sizes (capped and, "
        "up to 10,000, uncapped candidate lookup); stored under 'cluster_scale' in --out",
    )
    parser.add_argument(
        "--capped-only", action="store_true", help="with --cluster-scale: skip the uncapped runs"
    )
    parser.add_argument(
        "--hash",
        action="store_true",
        help="instead: hashes of the stored result of an ingest of --articles and of both "
        "levels' decisions on ECB+ (unchanged by a change that only makes things faster)",
    )
    parser.add_argument(
        "--in-memory",
        action="store_true",
        help="also ingest with every record kept in memory (nothing resting in the store: "
        "the memory before issue 19), in the same run",
    )
    parser.add_argument(
        "--date-order",
        action="store_true",
        help="feed the corpus in publication order (a live feed), not in file order",
    )
    args = parser.parse_args()
    if args.hash:
        hashes = in_child("run_result_hash", corpus(args.articles))
        print(json.dumps(hashes, indent=1))
        _update(args.out, {f"result_hash_{args.articles}": hashes})
        return
    if args.cluster_scale:
        scale = {}
        for n in args.cluster_scale:
            scale[n] = {"capped": in_child("run_cluster_scale", corpus(n))}
            if n <= 10000 and not args.capped_only:
                scale[n]["uncapped"] = in_child("run_cluster_scale_uncapped", corpus(n))
            print(n, scale[n], file=sys.stderr)
        _update(args.out, {"cluster_scale": scale})
        return
    paths = corpus(args.articles)
    if args.date_order:
        paths = [_in_date_order(paths)]
    result: dict = {
        "data": f"bench/synth_corpus.py {args.articles}"
        + (", in publication order" if args.date_order else ""),
        "machine": {"cpus": multiprocessing.cpu_count(), "python": platform.python_version()},
    }
    result["baseline_clean_only"] = in_child("run_clean_only", paths)
    print("clean only", result["baseline_clean_only"], file=sys.stderr)
    result["ingest"] = in_child("run_ingest", paths)
    print("ingest", result["ingest"], file=sys.stderr)
    if args.in_memory:
        result["ingest_in_memory"] = in_child("run_ingest_in_memory", paths)
        print("ingest, nothing resting", result["ingest_in_memory"], file=sys.stderr)
    result["ingest_vs_clean_only"] = (
        result["ingest"]["articles_per_s"] / result["baseline_clean_only"]["articles_per_s"]
    )
    result["ingest_vs_clean_only_cpu"] = (
        result["ingest"]["articles_per_cpu_s"] / result["baseline_clean_only"]["articles_per_cpu_s"]
    )
    _update(args.out, result)


def _in_date_order(paths: list[Path]) -> Path:
    """The corpus as one JSON Lines file in publication order (undated last), in the cache."""
    rows = [line for path in paths for line in path.read_text(encoding="utf-8").splitlines()]
    rows = [line for line in rows if line.strip()]
    rows.sort(key=lambda line: json.loads(line).get("published") or "9999")
    out = paths[0].parent.parent / f"{paths[0].parent.name}-by-date.jsonl"
    out.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return out


def _update(name: str, values: dict) -> None:
    """Write `values` into bench/results/<name>, keeping keys of the other mode's run."""
    path = RESULTS / name
    old = json.loads(path.read_text()) if path.exists() else {}
    RESULTS.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({**old, **values}, indent=1) + "\n")


if __name__ == "__main__":
    main()
