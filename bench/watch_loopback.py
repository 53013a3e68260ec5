"""`newsweave watch` against a loopback site: throughput, requests per article, 304 rounds,
and memory over a long run (`--soak`).

A site on 127.0.0.1 (the tests' server, tests/loopback.py, run in its own process so
that serving it costs the watcher nothing) serves FEEDS RSS feeds listing PAGES
invented article pages between them, every response delayed by LATENCY seconds.

Throughput (default): round 1 fetches and stores everything (clustering on, as
`watch` always does); round 2, with every feed due again and unchanged, should cost
one request per feed, each answered 304. Prints one JSON object.

    python bench/watch_loopback.py --feeds 100 --pages 2000 --latency 0.02 --workers 1

Soak (`--soak SECONDS`): the site publishes its pages over the first REVEAL seconds
(each feed lists its newest 50), the watcher runs its real loop (`Watcher.run`, polls
every `--interval` seconds) for SECONDS, and the RSS of the watcher process and of its
extraction workers is sampled every `--sample` seconds with the articles stored so far.

    python bench/watch_loopback.py --feeds 100 --pages 10000 --soak 1800 --reveal 1200
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import multiprocessing
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from loopback import LoopbackSite, Reply  # noqa: E402

WORDS: list[str] = []
FEED_WINDOW = 50  # items a growing feed lists: its newest


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


def _rss(site: LoopbackSite, f: int, numbers: list[int]) -> str:
    items = "".join(
        f"<item><title>{n}</title><link>{site.url(f'/a/{n}.html')}</link></item>" for n in numbers
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>F{f}</title>{items}'
        "</channel></rss>"
    )


def build(site: LoopbackSite, feeds: int, pages: int, latency: float, reveal: float) -> None:
    """Routes: pages, feeds (all pages at once, or published over `reveal` seconds),
    robots.txt, and /_stats (the request counts, for the bench itself)."""
    for n in range(pages):
        site.route(f"/a/{n}.html", Reply(article(n), delay=latency))
    started = time.monotonic()

    def growing(f: int):  # type: ignore[no-untyped-def]
        def answer(path: str) -> Reply:
            elapsed = time.monotonic() - started
            published = pages if elapsed >= reveal else int(pages * elapsed / reveal)
            mine = list(range(f, published, feeds))[-FEED_WINDOW:]
            return Reply(
                _rss(site, f, mine),
                content_type="application/rss+xml",
                etag=f'"f{f}-{len(mine)}-{mine[-1] if mine else 0}"',
                delay=latency,
            )

        return answer

    for f in range(feeds):
        if reveal > 0:
            site.route(f"/feed/{f}.xml", growing(f))
        else:
            body = _rss(site, f, list(range(f, pages, feeds)))
            site.route(
                f"/feed/{f}.xml",
                Reply(body, content_type="application/rss+xml", etag=f'"f{f}"', delay=latency),
            )
    site.route("/robots.txt", Reply("User-agent: *\nAllow: /\n", content_type="text/plain"))

    def stats(path: str) -> Reply:
        with site._lock:
            log = list(site.log)
        counts = {
            "requests": sum(1 for r in log if r.path != "/_stats"),
            "conditional": sum(1 for r in log if r.headers.get("if-none-match")),
        }
        return Reply(json.dumps(counts), content_type="application/json")

    site.route("/_stats", stats)


def serve_site(conn: Any, feeds: int, pages: int, latency: float, reveal: float) -> None:
    """The site's own process: build, report the base URL, serve until told to stop."""
    with LoopbackSite() as site:
        build(site, feeds, pages, latency, reveal)
        conn.send(site.base)
        conn.recv()


def site_stats(base: str) -> dict[str, int]:
    import urllib.request

    with urllib.request.urlopen(base + "/_stats", timeout=30) as response:
        return json.load(response)


def rss_mib(process: Any) -> tuple[float, float]:
    """RSS of this process and of its extraction workers (children other than the site)."""
    import psutil

    me = psutil.Process()
    workers = 0
    for child in me.children(recursive=True):
        if child.pid == process.pid:
            continue
        with contextlib.suppress(psutil.Error):
            workers += child.memory_info().rss
    return me.memory_info().rss / 2**20, workers / 2**20


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--feeds", type=int, default=100)
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--latency", type=float, default=0.02)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=1, help="extraction processes")
    parser.add_argument("--soak", type=float, default=0, help="run the loop this many seconds")
    parser.add_argument("--reveal", type=float, default=0, help="publish pages over seconds")
    parser.add_argument("--interval", type=float, default=10, help="soak: seconds between polls")
    parser.add_argument("--sample", type=float, default=60, help="soak: seconds between samples")
    args = parser.parse_args()

    from newsweave.store import Store
    from newsweave.watch import ClientSettings, Schedule, Watcher, WatchSettings

    interval = args.interval if args.soak else 0
    settings = WatchSettings(
        client=ClientSettings(host_delay=0, host_concurrency=args.concurrency),
        schedule=Schedule(interval=interval, min_interval=interval, max_interval=interval),
        extract_workers=args.workers,
        max_sleep=1.0,
    )
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    process = context.Process(
        target=serve_site,
        args=(theirs, args.feeds, args.pages, args.latency, args.reveal),
        daemon=True,
    )
    process.start()
    base = ours.recv()
    feeds = [f"{base}/feed/{f}.xml" for f in range(args.feeds)]
    result: dict[str, Any] = {
        "feeds": args.feeds,
        "pages": args.pages,
        "latency_s": args.latency,
        "host_concurrency": args.concurrency,
        "extract_workers": args.workers,
    }
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "bench.db")
        watcher = Watcher(store, feeds, settings)
        if args.soak:
            result.update(asyncio.run(soak(watcher, store, args, process)))
        else:
            result.update(asyncio.run(throughput(watcher, store, settings, base, process)))
        result["consistent"] = store.check() == []
        store.close()
    ours.send("stop")
    process.join(timeout=10)
    print(json.dumps(result, indent=1))


async def throughput(watcher: Any, store: Any, settings: Any, base: str, site: Any) -> dict:
    from newsweave.watch import PoliteClient

    peak = [0.0, 0.0]

    async def sample() -> None:
        while True:
            me, workers = rss_mib(site)
            peak[0], peak[1] = max(peak[0], me), max(peak[1], workers)
            await asyncio.sleep(0.5)

    sampler = asyncio.create_task(sample())
    watcher.warm_up()  # the writer's state and the extraction processes: start-up, not rate
    try:
        async with PoliteClient(settings.client) as client:
            started = time.perf_counter()
            first = await watcher.round(client)
            elapsed = time.perf_counter() - started
            before = site_stats(base)
            second = await watcher.round(client)
            after = site_stats(base)
    finally:
        sampler.cancel()
        watcher.close()
    return {
        "stored": first.stored,
        "duplicates": first.duplicates,
        "seconds": round(elapsed, 1),
        "articles_per_s": round(first.stored / elapsed, 1),
        "requests_round1": first.requests,
        "requests_per_stored_article": round(first.requests / max(1, first.stored), 3),
        "round2_requests": second.requests,
        "round2_unchanged": second.unchanged,
        "round2_conditional_requests": after["conditional"] - before["conditional"],
        "stories": store.counts()["stories"],
        "peak_rss_mib": round(peak[0]),
        "peak_workers_rss_mib": round(peak[1]),
    }


async def soak(watcher: Any, store: Any, args: Any, site: Any) -> dict:
    stop = asyncio.Event()
    samples: list[dict[str, Any]] = []
    rounds: list[int] = []
    started = time.monotonic()

    async def sample() -> None:
        while not stop.is_set():
            me, workers = rss_mib(site)
            samples.append(
                {
                    "t_s": round(time.monotonic() - started),
                    "rss_mib": round(me),
                    "workers_rss_mib": round(workers),
                    "stored": store.counts()["articles"],
                    "rounds": len(rounds),
                }
            )
            print(json.dumps(samples[-1]), file=sys.stderr, flush=True)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=args.sample)

    async def timer() -> None:
        await asyncio.sleep(args.soak)
        stop.set()

    sampler = asyncio.create_task(sample())
    clock = asyncio.create_task(timer())
    await watcher.run(stop=stop, on_round=lambda summary: rounds.append(summary.stored))
    clock.cancel()
    await sampler
    return {"soak_s": args.soak, "reveal_s": args.reveal, "rounds": len(rounds), "samples": samples}


if __name__ == "__main__":
    main()
