"""Corpus-mode ingest throughput: articles/s per stage, peak RSS, clustering cost growth.

    python bench/ingest_throughput.py [--articles 10000] [--out ingest_throughput.json]

Builds (or reuses) the synthetic corpus of `bench/synth_corpus.py` in the git-ignored
cache, then in a fresh child process per run:
  * baseline: read + clean only (what `newsweave extract` does), no store;
  * ingest: `newsweave.ingest(paths, Store(tmp))` into a new temporary database,
    with stage timers wrapped around clean, dedup signatures + lookups, clustering
    (`OnlineClusterer.add_many`) and the clusterer state snapshot; "store" is the rest
    of `add_batch` (SQLite inserts, memberships, commits).
Peak RSS is the child's `ru_maxrss`. Writes bench/results/<out> (numbers only).
"""

from __future__ import annotations

import argparse
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


def run_clean_only(paths: list[Path]) -> dict:
    """Read and clean every document, as `newsweave extract` does, keeping nothing."""
    from newsweave.ingest import read_sources
    from newsweave.model import SkippedDocument
    from newsweave.pipeline import clean

    start = time.perf_counter()
    n = kept = 0
    for item in read_sources(paths):
        n += 1
        if not isinstance(item, SkippedDocument) and not isinstance(clean(item), SkippedDocument):
            kept += 1
    seconds = time.perf_counter() - start
    return {"documents": n, "articles": kept, "seconds": seconds, "articles_per_s": n / seconds,
            "peak_rss_mib": _peak_rss_mib()}


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


def run_ingest(paths: list[Path]) -> dict:
    """The real corpus ingest into a fresh temporary database, with stage timers."""
    import newsweave.pipeline
    from newsweave import Store, corpus, dedup, ingest
    from newsweave.cluster import OnlineClusterer

    timer = _Timer()
    newsweave.pipeline.clean = timer.wrap("read+clean", newsweave.pipeline.clean)
    dedup.signature = timer.wrap("dedup", dedup.signature)
    corpus.Ingestor._find_original = timer.wrap("dedup", corpus.Ingestor._find_original)
    original_add_many = OnlineClusterer.add_many
    OnlineClusterer.to_state = timer.wrap("cluster state", OnlineClusterer.to_state)
    per_call: list[tuple[int, float]] = []  # (articles, seconds) of each add_many call

    def add_many(self, items):
        start = time.perf_counter()
        out = original_add_many(self, items)
        per_call.append((len(items), time.perf_counter() - start))
        return out

    OnlineClusterer.add_many = add_many
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "bench.db")
        start = time.perf_counter()
        summary = ingest(paths, store)
        seconds = time.perf_counter() - start
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
        "stage_seconds": {k: round(v, 3) for k, v in stages.items()},
        "stage_articles_per_s": {k: round(total / v, 1) for k, v in stages.items() if v > 0},
        "cluster_ms_per_article_first_1000": ms_first,
        "cluster_ms_per_article_last_1000": ms_last,
        "peak_rss_mib": _peak_rss_mib(),
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
    args = parser.parse_args()
    paths = corpus(args.articles)
    result: dict = {
        "data": f"bench/synth_corpus.py {args.articles}",
        "machine": {"cpus": multiprocessing.cpu_count(), "python": platform.python_version()},
    }
    result["baseline_clean_only"] = in_child("run_clean_only", paths)
    print("clean only", result["baseline_clean_only"], file=sys.stderr)
    result["ingest"] = in_child("run_ingest", paths)
    print("ingest", result["ingest"], file=sys.stderr)
    result["ingest_vs_clean_only"] = (
        result["ingest"]["articles_per_s"] / result["baseline_clean_only"]["articles_per_s"]
    )
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / args.out).write_text(json.dumps(result, indent=1) + "\n")


if __name__ == "__main__":
    main()
