"""`newsweave watch` against a loopback site: throughput, requests per article, 304 rounds,
and memory over a long run (`--soak`).

A site of HOSTS outlets, each on its own loopback address (127.0.0.1, 127.0.0.2, ...:
one host each for the client's per-host limits, as in a crawl of many outlets), served
by the tests' server (tests/loopback.py) in a process of its own so that serving it
costs the watcher nothing: FEEDS RSS feeds (feed f on outlet f mod HOSTS) listing
PAGES invented article pages between them, every response delayed by LATENCY
seconds. The client keeps its default politeness unless told otherwise
(`--concurrency`, `--host-delay`).

Throughput (default): round 1 fetches and stores everything (clustering on, as
`watch` always does); round 2, with every feed due again and unchanged, should cost
one request per feed, each answered 304; then, as the baseline of the same run, the
same pages are ingested from files (`--no-baseline` skips it). Prints one JSON object
(also written to `--out`, bench/results/watch_loopback.json); `--profile FILE` writes a
cProfile (CPU time) of round 1.

    python bench/watch_loopback.py --feeds 100 --pages 2000 --latency 0.02

Soak (`--soak SECONDS`): the site publishes its pages over the first REVEAL seconds
(each feed lists its newest 50), the watcher runs its real loop (`Watcher.run`, polls
every `--interval` seconds) for SECONDS, and the RSS of the watcher process and of its
extraction workers is sampled every `--sample` seconds with the articles stored so far
and the store's size on disk.

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

from newsweave.watch import ClientSettings  # noqa: E402

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


def _rss(sites: list[LoopbackSite], f: int, numbers: list[int]) -> str:
    site = sites[f % len(sites)]
    items = "".join(
        f"<item><title>{n}</title><link>{site.url(f'/a/{n}.html')}</link></item>" for n in numbers
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>F{f}</title>{items}'
        "</channel></rss>"
    )


def build(sites: list[LoopbackSite], feeds: int, pages: int, latency: float, reveal: float) -> None:
    """Routes: feed f and its pages (n = f, f + FEEDS, ...) on outlet f % len(sites), all
    pages listed at once or published over `reveal` seconds; a robots.txt on each outlet;
    and /_stats on the first (the request counts of all of them, for the bench itself)."""
    for n in range(pages):
        sites[n % feeds % len(sites)].route(f"/a/{n}.html", Reply(article(n), delay=latency))
    started = time.monotonic()

    def growing(f: int):  # type: ignore[no-untyped-def]
        def answer(path: str) -> Reply:
            elapsed = time.monotonic() - started
            published = pages if elapsed >= reveal else int(pages * elapsed / reveal)
            mine = list(range(f, published, feeds))[-FEED_WINDOW:]
            return Reply(
                _rss(sites, f, mine),
                content_type="application/rss+xml",
                etag=f'"f{f}-{len(mine)}-{mine[-1] if mine else 0}"',
                delay=latency,
            )

        return answer

    for f in range(feeds):
        site = sites[f % len(sites)]
        if reveal > 0:
            site.route(f"/feed/{f}.xml", growing(f))
        else:
            body = _rss(sites, f, list(range(f, pages, feeds)))
            site.route(
                f"/feed/{f}.xml",
                Reply(body, content_type="application/rss+xml", etag=f'"f{f}"', delay=latency),
            )
    for site in sites:
        site.route("/robots.txt", Reply("User-agent: *\nAllow: /\n", content_type="text/plain"))

    def stats(path: str) -> Reply:
        log = []
        for site in sites:
            with site._lock:
                log += site.log
        counts = {
            "requests": sum(1 for r in log if r.path != "/_stats"),
            "conditional": sum(1 for r in log if r.headers.get("if-none-match")),
        }
        return Reply(json.dumps(counts), content_type="application/json")

    sites[0].route("/_stats", stats)


def serve_site(
    conn: Any, hosts: int, feeds: int, pages: int, latency: float, reveal: float
) -> None:
    """The site's own process: `hosts` outlets, each on its own loopback address
    (127.0.0.1, 127.0.0.2, ...: one host each for the client's per-host limits); build,
    report their base URLs, serve until told to stop."""
    with contextlib.ExitStack() as stack:
        sites = [stack.enter_context(LoopbackSite(f"127.0.0.{h + 1}")) for h in range(hosts)]
        build(sites, feeds, pages, latency, reveal)
        conn.send([site.base for site in sites])
        conn.recv()


def site_stats(base: str) -> dict[str, int]:
    import urllib.request

    with urllib.request.urlopen(base + "/_stats", timeout=30) as response:
        return json.load(response)


def ingest_baseline(pages: int) -> dict[str, Any]:
    """The same pages ingested from files (`newsweave.ingest`: the same extraction,
    dedup and clustering, in one process), timed in the same run as the watcher."""
    from newsweave import ingest
    from newsweave.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "pages"
        folder.mkdir()
        for n in range(pages):
            (folder / f"{n:05d}.html").write_text(article(n), encoding="utf-8")
        with Store(Path(tmp) / "ingest.db") as store:
            from newsweave.corpus import Ingestor

            Ingestor(store)  # the writer's start-up, as `warm_up` does for the watcher
            started, cpu = time.perf_counter(), time.process_time()
            summary = ingest([folder], store)
            elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
            stories = store.counts()["stories"]
    return {
        "stored": summary.new,
        "seconds": round(elapsed, 1),
        "cpu_s": round(cpu, 1),
        "articles_per_s": round(summary.new / elapsed, 1),
        "stories": stories,
    }


def db_mib(path: Path) -> float:
    """The store's size on disk: the database file and its write-ahead log."""
    files = [path, path.with_name(path.name + "-wal")]
    return sum(f.stat().st_size for f in files if f.exists()) / 2**20


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
    client_defaults = ClientSettings()
    parser = argparse.ArgumentParser()
    parser.add_argument("--feeds", type=int, default=100)
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--latency", type=float, default=0.02)
    parser.add_argument(
        "--hosts", type=int, default=100, help="outlets, each on its own 127.0.0.x (<= 250)"
    )
    parser.add_argument(
        "--concurrency",
        type=int,
        default=client_defaults.host_concurrency,
        help="requests in flight per host (the client's default)",
    )
    parser.add_argument(
        "--host-delay",
        type=float,
        default=client_defaults.host_delay,
        help="seconds between two request starts per host (the client's default)",
    )
    parser.add_argument("--workers", type=int, default=1, help="extraction processes")
    parser.add_argument(
        "--baseline",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also ingest the same pages from files, in the same run",
    )
    parser.add_argument("--soak", type=float, default=0, help="run the loop this many seconds")
    parser.add_argument("--reveal", type=float, default=0, help="publish pages over seconds")
    parser.add_argument("--interval", type=float, default=10, help="soak: seconds between polls")
    parser.add_argument("--sample", type=float, default=60, help="soak: seconds between samples")
    parser.add_argument("--profile", help="write a cProfile of round 1 (the watcher process) here")
    parser.add_argument(
        "--out",
        type=Path,
        default=ROOT / "bench" / "results" / "watch_loopback.json",
        help="also write the JSON printed here",
    )
    args = parser.parse_args()
    hosts = max(1, min(args.hosts, args.feeds, 250))

    from newsweave.store import Store
    from newsweave.watch import Schedule, Watcher, WatchSettings

    interval = args.interval if args.soak else 0
    settings = WatchSettings(
        client=ClientSettings(host_delay=args.host_delay, host_concurrency=args.concurrency),
        schedule=Schedule(interval=interval, min_interval=interval, max_interval=interval),
        extract_workers=args.workers,
        max_sleep=1.0,
    )
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    process = context.Process(
        target=serve_site,
        args=(theirs, hosts, args.feeds, args.pages, args.latency, args.reveal),
        daemon=True,
    )
    process.start()
    bases = ours.recv()
    feeds = [f"{bases[f % hosts]}/feed/{f}.xml" for f in range(args.feeds)]
    # what politeness alone allows: per host, `concurrency` requests a latency, at most one
    # start a host delay; the pages and each host's feed and robots.txt
    per_host = min(
        args.concurrency / max(args.latency, 1e-3),
        1 / args.host_delay if args.host_delay else float("inf"),
    )
    result: dict[str, Any] = {
        "feeds": args.feeds,
        "pages": args.pages,
        "latency_s": args.latency,
        "hosts": hosts,
        "host_concurrency": args.concurrency,
        "host_delay_s": args.host_delay,
        "politeness_cap_pages_per_s": round(hosts * per_host, 1),
        "extract_workers": args.workers,
    }
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "bench.db")
        watcher = Watcher(store, feeds, settings)
        if args.soak:
            result.update(asyncio.run(soak(watcher, store, args, process)))
        else:
            result.update(
                asyncio.run(throughput(watcher, store, settings, bases[0], process, args.profile))
            )
        result["consistent"] = store.check() == []
        store.close()
    ours.send("stop")
    process.join(timeout=10)
    if args.baseline and not args.soak:
        result["ingest"] = ingest_baseline(args.pages)
        result["watch_to_ingest"] = round(
            result["articles_per_s"] / max(result["ingest"]["articles_per_s"], 1e-9), 2
        )
    print(json.dumps(result, indent=1))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n")


async def throughput(
    watcher: Any, store: Any, settings: Any, base: str, site: Any, profile: str | None = None
) -> dict:
    import cProfile

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
            # CPU time, not wall time: on a shared machine the wall clock counts waiting
            profiler = cProfile.Profile(time.process_time) if profile else None
            if profiler is not None:
                profiler.enable()
            started = time.perf_counter()
            cpu = time.process_time()
            first = await watcher.round(client)
            elapsed = time.perf_counter() - started
            cpu = time.process_time() - cpu
            if profiler is not None:
                profiler.disable()
                profiler.dump_stats(profile)
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
        "watcher_cpu_s": round(cpu, 1),
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
                    "db_mib": round(db_mib(store.path), 1),
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
