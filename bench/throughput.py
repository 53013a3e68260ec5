"""Throughput of the full brief path over the 200 Multi-News clusters, one process.

Each cluster is read, cleaned, annotated, summarized at the default budget
(120 words) and analysed (quotes, timeline, actors, coverage): exactly what
`newsweave brief` does for one story. Reports
articles/s, clusters/s, peak RSS and the time per stage.

    python bench/throughput.py    # table + bench/results/throughput.json
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import MULTINEWS, RESULTS, environment  # noqa: E402


def rss_mb() -> float:
    import psutil

    return psutil.Process().memory_info().rss / 2**20


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=RESULTS / "throughput.json")
    args = parser.parse_args(argv)

    start_rss = rss_mb()
    started = time.perf_counter()
    from newsweave.analyze.actors import find_actors
    from newsweave.analyze.coverage import compare_coverage
    from newsweave.analyze.quotes import find_quotes
    from newsweave.analyze.timeline import build_timeline
    from newsweave.encoder import load_encoder
    from newsweave.ingest import read_sources
    from newsweave.model import RawDocument, SkippedDocument
    from newsweave.nlp import annotate, load_nlp
    from newsweave.pipeline import DEFAULT_WORDS, clean
    from newsweave.summarize import summarize

    load_nlp()
    load_encoder()
    analyses = {
        "quotes": find_quotes,
        "timeline": build_timeline,
        "actors": find_actors,
        "coverage": compare_coverage,
    }
    stages = {"load": time.perf_counter() - started, "read": 0.0, "clean": 0.0}
    stages |= {"annotate": 0.0, "summarize": 0.0} | dict.fromkeys(analyses, 0.0)

    t = time.perf_counter()
    clusters: dict[str, list[RawDocument]] = {}
    read_skipped = 0
    for item in read_sources([MULTINEWS]):
        if isinstance(item, RawDocument):
            clusters.setdefault(item.doc_id.rsplit("/", 1)[0], []).append(item)
        else:
            read_skipped += 1
    stages["read"] = time.perf_counter() - t

    documents = articles = skipped = summary_words = 0
    for raws in clusters.values():
        t = time.perf_counter()
        cleaned = [clean(raw) for raw in raws]
        kept = [a for a in cleaned if not isinstance(a, SkippedDocument)]
        stages["clean"] += time.perf_counter() - t
        t = time.perf_counter()
        annotated = annotate(kept)
        stages["annotate"] += time.perf_counter() - t
        t = time.perf_counter()
        summary = summarize(annotated, words=DEFAULT_WORDS)
        stages["summarize"] += time.perf_counter() - t
        for name, analyse in analyses.items():
            t = time.perf_counter()
            analyse(annotated)
            stages[name] += time.perf_counter() - t
        documents += len(raws)
        articles += len(kept)
        skipped += len(raws) - len(kept)
        summary_words += sum(len(s.text.split()) for s in summary)
    total = time.perf_counter() - started
    work = total - stages["load"]

    result = {
        "data": f"shared/evaldata/multinews200/{MULTINEWS.name}",
        "budget_words": DEFAULT_WORDS,
        "clusters": len(clusters),
        "documents": documents,
        "articles": articles,
        "skipped_documents": skipped + read_skipped,
        "mean_summary_words": round(summary_words / max(len(clusters), 1), 1),
        "seconds": {k: round(v, 2) for k, v in stages.items()} | {"total": round(total, 2)},
        "share_of_work": {k: round(v / work, 3) for k, v in stages.items() if k != "load"},
        "articles_per_s": round(articles / work, 1),
        "clusters_per_s": round(len(clusters) / work, 2),
        "rss_mb": {
            "start": round(start_rss, 0),
            "end": round(rss_mb(), 0),
            "peak": round(peak_rss_mb(), 0),
        },
        "cpus_visible": os.cpu_count(),
        "environment": environment(),
    }
    skipped_all = result["skipped_documents"]
    print(
        f"{len(clusters)} clusters, {articles} articles ({skipped_all} skipped), "
        f"{DEFAULT_WORDS}-word briefs, one process"
    )
    print(f"{'stage':<10} {'seconds':>8} {'share':>6}")
    for stage in stages:
        share = f"{stages[stage] / work:6.1%}" if stage != "load" else "     -"
        print(f"{stage:<10} {stages[stage]:>8.2f} {share}")
    print(f"{'total':<10} {total:>8.2f}")
    print(
        f"throughput (excluding model load): {result['articles_per_s']} articles/s, "
        f"{result['clusters_per_s']} clusters/s"
    )
    print(
        f"RSS: start {result['rss_mb']['start']:.0f} MB, end {result['rss_mb']['end']:.0f} MB, "
        f"peak {result['rss_mb']['peak']:.0f} MB"
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
