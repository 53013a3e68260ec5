"""Ingest throughput without Dask vs on a LocalCluster of 1 and 2 workers, and its growth.

For each corpus size N (synthetic articles from `bench/synth_corpus.py`, built on
first use in the git-ignored cache) and each mode (`local`: `corpus.ingest` in
one process; `dask1` / `dask2`: `scale.dask.ingest_dask` on a LocalCluster of
1 or 2 single-threaded worker processes), one fresh child process ingests the
first N articles into a new database and reports: wall time, articles/s, peak
RSS of the writer and of each worker, the writer's clustering time per 250
originals over the run (to show how the cost grows with the corpus), and a
fingerprint of the resulting database (so the modes can be checked to agree).

    python bench/scale_dask.py                              # 10000 and 50000, all modes
    python bench/scale_dask.py --sizes 2000 --modes local dask1 dask2
    python bench/scale_dask.py --sizes 50000 --modes dask2  # the rest, later

Results are merged into bench/results/scale_dask.json (numbers and ids only),
keyed by size and mode, so runs can be done piecemeal.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import RESULTS  # noqa: E402

CACHE = RESULTS / "cache"
OUT = RESULTS / "scale_dask.json"
STEP = 250  # originals clustered per point of the clustering-cost curve


def corpus_files(n: int) -> list[Path]:
    """The shards of the smallest cached synthetic corpus with at least n articles."""
    sizes = sorted(
        int(p.name.split("-")[1]) for p in CACHE.glob("synth-*") if p.name.split("-")[1].isdigit()
    )
    size = next((s for s in sizes if s >= n), None)
    if size is None:
        from synth_corpus import build

        size = n
        build(n, CACHE / f"synth-{n}")
    return sorted((CACHE / f"synth-{size}").glob("*.jsonl"))


def first_n(files: list[Path], n: int, target: Path) -> list[str]:
    """Copy the first n articles of the shards into `target` (same 500-line shards)."""
    target.mkdir(parents=True, exist_ok=True)
    out: list[str] = []
    left = n
    for shard in files:
        if left <= 0:
            break
        lines = shard.read_text(encoding="utf-8").splitlines(keepends=True)[:left]
        path = target / shard.name
        path.write_text("".join(lines), encoding="utf-8")
        out.append(str(path))
        left -= len(lines)
    return out


def fingerprint(db: Path) -> dict:
    """Counts and a hash of (article, duplicate link, story) rows: equal runs, equal hashes."""
    from newsweave.store import Store

    with Store(db) as store:
        rows = store.query(
            "SELECT a.content_hash, d.content_hash, m.story_id FROM articles a "
            "LEFT JOIN articles d ON d.id = a.duplicate_of "
            "LEFT JOIN story_members m ON m.article_id = a.id ORDER BY a.id"
        )
        counts = store.counts()
    digest = hashlib.sha256(json.dumps(rows).encode()).hexdigest()[:16]
    return {"counts": counts, "rows_sha256": digest}


def run_one(mode: str, n: int) -> dict:
    """Ingest the first n articles in this process; the measurements as a dict."""
    from newsweave.cluster import OnlineClusterer
    from newsweave.corpus import ingest
    from newsweave.store import Store

    class TimedClusterer(OnlineClusterer):
        """Records the clustering time (embedding excluded) per STEP originals clustered."""

        def __init__(self) -> None:
            super().__init__()
            self.seen = 0
            self.embed_s = 0.0
            self.points: list[tuple[int, float]] = []
            self._bucket = 0.0

        def _embed(self, texts):  # type: ignore[no-untyped-def]
            start = time.perf_counter()
            try:
                return super()._embed(texts)
            finally:
                self.embed_s += time.perf_counter() - start

        def add_many(self, items):  # type: ignore[no-untyped-def]
            start, embed_before = time.perf_counter(), self.embed_s
            result = super().add_many(items)
            self._bucket += time.perf_counter() - start - (self.embed_s - embed_before)
            before = self.seen
            self.seen += len(items)
            if self.seen // STEP > before // STEP:
                self.points.append((self.seen, round(self._bucket, 3)))
                self._bucket = 0.0
            return result

    with tempfile.TemporaryDirectory() as tmp:
        paths = first_n(corpus_files(n), n, Path(tmp) / "in")
        db = Path(tmp) / "bench.db"
        clusterer = TimedClusterer()
        workers_rss: list[float] = []
        start = time.perf_counter()
        with Store(db) as store:
            if mode == "local":
                summary = ingest(paths, store, clusterer=clusterer)
            else:
                from distributed import Client

                from newsweave.scale.dask import ingest_dask, local_cluster

                cluster = local_cluster(int(mode.removeprefix("dask")), dashboard_address=":0")
                with Client(cluster) as client:
                    summary = ingest_dask(paths, store, client=client, clusterer=clusterer)
                    peaks = client.run(lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
                    workers_rss = [round(kb / 1024) for kb in peaks.values()]
                cluster.close()
        wall = time.perf_counter() - start
        documents = summary.documents
        return {
            "mode": mode,
            "articles": n,
            "documents": documents,
            "new": summary.new,
            "duplicates": summary.duplicates,
            "skipped": len(summary.skipped),
            "wall_s": round(wall, 1),
            "articles_per_s": round(documents / wall, 1),
            "writer_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "worker_peak_rss_mb": workers_rss,
            "writer_embedding_s": round(clusterer.embed_s, 1),
            # (originals clustered so far, seconds for the last STEP of them, embedding excluded)
            "clustering_curve": clusterer.points
            + ([(clusterer.seen, round(clusterer._bucket, 3))] if clusterer._bucket else []),
            "stories": len(clusterer.stories),
            "db": fingerprint(db),
        }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10000, 50000])
    parser.add_argument("--modes", nargs="+", default=["local", "dask1", "dask2"])
    parser.add_argument("--one", nargs=2, metavar=("MODE", "N"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(run_one(args.one[0], int(args.one[1]))))
        return 0
    results = json.loads(OUT.read_text()) if OUT.exists() else {}
    for n in args.sizes:
        corpus_files(n)  # build the corpus once, outside the timed runs
        for mode in args.modes:
            print(f"{n} articles, {mode} ...", file=sys.stderr, flush=True)
            proc = subprocess.run(
                [sys.executable, __file__, "--one", mode, str(n)],
                capture_output=True,
                text=True,
                check=False,
            )
            if proc.returncode != 0:
                print(proc.stderr[-3000:], file=sys.stderr)
                return 1
            record = json.loads(proc.stdout.strip().splitlines()[-1])
            record["measured"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
            results.setdefault(str(n), {})[mode] = record
            OUT.write_text(json.dumps(results, indent=1) + "\n")
            curve = record["clustering_curve"]
            print(
                f"  {record['articles_per_s']} articles/s, "
                f"writer {record['writer_peak_rss_mb']} MB,"
                f" workers {record['worker_peak_rss_mb']} MB, clustering per {STEP}: "
                f"{curve[0][1] if curve else '-'} s first, {curve[-1][1] if curve else '-'} s last,"
                f" db {record['db']['rows_sha256']}",
                file=sys.stderr,
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
