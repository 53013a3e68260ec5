"""`newsweave watch` against a loopback site: throughput, requests per article, 304 rounds.

A site on 127.0.0.1 (the tests' server, tests/loopback.py) serves FEEDS RSS feeds
listing PAGES invented article pages between them, every response delayed by
LATENCY seconds. Round 1 fetches and stores everything (clustering on, as
`watch` always does); round 2, with every feed due again and unchanged, should cost
one request per feed, each answered 304. Prints one JSON object.

    python bench/watch_loopback.py --feeds 100 --pages 2000 --latency 0.02
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from loopback import LoopbackSite, Reply  # noqa: E402

from newsweave.store import Store  # noqa: E402
from newsweave.watch import ClientSettings, PoliteClient, Schedule, Watcher, WatchSettings  # noqa: E402

WORDS: list[str] = []


def article(n: int) -> str:
    """An invented article of common English words in a seeded random order: pages differ
    (no two are near-duplicates), which measures the watcher, not the dedup shortcut."""
    if not WORDS:
        from wordfreq import top_n_list

        WORDS.extend(w for w in top_n_list("en", 3000) if w.isalpha())
    rng = random.Random(n)
    title = " ".join(rng.choices(WORDS, k=8)).capitalize()
    paragraphs = [" ".join(rng.choices(WORDS, k=60)).capitalize() + "." for _ in range(5)]
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<!doctype html><html><head><title>{title}</title>"
        '<meta property="og:site_name" content="Loopback Gazette"></head>'
        f"<body><article><h1>{title}</h1>{body}</article></body></html>"
    )


def build(site: LoopbackSite, feeds: int, pages: int, latency: float) -> list[str]:
    for n in range(pages):
        site.route(f"/a/{n}.html", Reply(article(n), delay=latency))
    urls = []
    for f in range(feeds):
        items = "".join(
            f"<item><title>{n}</title><link>{site.url(f'/a/{n}.html')}</link></item>"
            for n in range(f, pages, feeds)
        )
        body = (
            f'<?xml version="1.0"?><rss version="2.0"><channel><title>F{f}</title>{items}'
            "</channel></rss>"
        )
        site.route(
            f"/feed/{f}.xml",
            Reply(body, content_type="application/rss+xml", etag=f'"f{f}"', delay=latency),
        )
        urls.append(site.url(f"/feed/{f}.xml"))
    site.route("/robots.txt", Reply("User-agent: *\nAllow: /\n", content_type="text/plain"))
    return urls


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--feeds", type=int, default=100)
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--latency", type=float, default=0.02)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    settings = WatchSettings(
        client=ClientSettings(host_delay=0, host_concurrency=args.concurrency),
        schedule=Schedule(interval=0, min_interval=0),
    )
    with LoopbackSite() as site, tempfile.TemporaryDirectory() as tmp:
        feeds = build(site, args.feeds, args.pages, args.latency)
        store = Store(Path(tmp) / "bench.db")
        watcher = Watcher(store, feeds, settings)

        async def rounds():
            async with PoliteClient(settings.client) as client:
                started = time.perf_counter()
                first = await watcher.round(client)
                elapsed = time.perf_counter() - started
                second = await watcher.round(client)
                return first, elapsed, second

        first, elapsed, second = asyncio.run(rounds())
        not_modified = sum(
            1 for r in site.log[-second.requests :] if r.headers.get("if-none-match")
        )
        result = {
            "feeds": args.feeds,
            "pages": args.pages,
            "latency_s": args.latency,
            "host_concurrency": args.concurrency,
            "stored": first.stored,
            "duplicates": first.duplicates,
            "seconds": round(elapsed, 1),
            "articles_per_s": round(first.stored / elapsed, 1),
            "requests_round1": first.requests,
            "requests_per_stored_article": round(first.requests / max(1, first.stored), 3),
            "round2_requests": second.requests,
            "round2_unchanged": second.unchanged,
            "round2_conditional_requests": not_modified,
            "stories": store.counts()["stories"],
            "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "consistent": store.check() == [],
        }
        store.close()
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
