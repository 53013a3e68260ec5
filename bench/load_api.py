"""Load test of the web service: many concurrent clients reading stories and posting articles.

Starts the real server (`newsweave serve`) as a subprocess on a free loopback port over a
temporary database preloaded with the example story and generated fictional stories,
warms it up (every preloaded briefing built once, the encoder loaded), then runs:

1. baseline: one client, requests one after another (`--baseline-seconds`, default 10 s);
2. load: `--clients` concurrent clients (default 200), each with its own connection,
   for `--duration` seconds (default 60), every client looping over a weighted mix of
   GET /api/stories (list), GET /api/stories?q= (FTS5 search), GET /api/stories/{id}
   (a preloaded story's briefing) and POST /api/articles (a new generated article: it is
   cleaned, deduplicated, clustered with a MiniLM embedding, stored; one writer at a time).

Reports per endpoint: requests, errors, p50/p90/p99/max latency, and the throughput;
writes bench/results/load_api.json (numbers and ids only). Any error fails the run
(exit code 1): a non-2xx status, a timeout or a connection failure.

    python bench/load_api.py                               # 200 clients, 60 s
    python bench/load_api.py --clients 20 --duration 10    # a quick check
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gzip
import json
import json as _json
import os
import random
import re
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import REPO, RESULTS, environment  # noqa: E402

EXAMPLES = REPO / "examples" / "kestrelholm-fire"
# Request mix, per client iteration (weights). Reads dominate, as for a reading service;
# one request in ten adds an article.
MIX = {"list": 3, "search": 3, "story": 3, "post": 1}
SEARCH_WORDS = ("styrene", "harbour", "council", "tram", "strike", "flood", "Kestrelholm", "ferry")

# --- generated fictional articles (our own templates; every name is invented) -------------

_SYLLABLES = ("kel", "var", "dun", "mor", "ost", "brin", "hal", "tor", "wen", "sel", "gar", "lin")
_FIRST = ("Ansa", "Bram", "Cora", "Dag", "Edda", "Finn", "Greta", "Hugo", "Ilse", "Jonas", "Kaja")
_LAST = ("Marten", "Holst", "Varga", "Lindqvar", "Brenner", "Osk", "Taalberg", "Ruud", "Selm")
# Each topic is a headline and a pool of sentences; an article takes a random handful in
# random order with random names and numbers, so two articles share few word pairs and
# are new articles, not near-duplicates (MinHash Jaccard threshold 0.40), though articles
# on one topic may still join one story.
_TOPICS = (
    (
        "{town} council votes to close {place} Bridge for repairs",
        (
            "The city council of {town} voted {yes}-{no} on {day} to close the {place} Bridge "
            "for {months} months after inspectors found corroded cables.",
            "Ferries will run every {minutes} minutes while the bridge is shut.",
            "The repairs will cost about {money} million euros, according to the council's "
            "transport office.",
            "\u201cWe cannot wait for a collapse to act,\u201d said Mayor {person}.",
            "Shop owners near the {place} crossing said they feared losing customers during "
            "the works.",
            "Engineers first raised concerns about the cables {years} years ago, council papers "
            "show.",
            "About {thousands},000 vehicles cross the bridge on a typical weekday.",
            "Opposition councillor {person2} said the closure had been planned in a hurry.",
            "Cyclists and pedestrians will be allowed to use a temporary walkway from "
            "{month_name}.",
            "The council said it would publish a timetable for the works within {lines} weeks.",
        ),
    ),
    (
        "Night trams to run in {town} from {month_name}",
        (
            "{town} will run its trams through the night from {month_name}, the transport office "
            "said on {day}.",
            "A trial on the {place} line carried more than {thousands},000 late passengers.",
            "Night trams will leave the central station every {minutes} minutes between "
            "midnight and 5 a.m.",
            "The service will cover {lines} lines, and fares will stay the same as during the day.",
            "Councillor {person}, who chairs the transport committee, said the service would "
            "cost about {money} million euros a year.",
            "Bar and restaurant owners welcomed the decision, saying staff struggled to get "
            "home after late shifts.",
            "\u201cThis is the most requested change we have ever had,\u201d said {person2}, "
            "head of the passengers' association.",
            "The cost will be covered by higher parking charges in the city centre.",
            "Drivers' representatives said they wanted more security staff on late trams.",
            "The transport office will review the service after {months} months.",
        ),
    ),
    (
        "River {place} floods low-lying streets in {town}",
        (
            "The river {place} burst its banks in {town} on {day} after {rain} millimetres of "
            "rain fell in two days.",
            "Water flooded {streets} streets and forced about {people} residents to leave their "
            "homes.",
            "Firefighters used boats to reach people trapped on upper floors.",
            "The regional emergency office said no one had been seriously hurt.",
            "\u201cThe water rose faster than anyone expected,\u201d said {person}, the town's "
            "emergency coordinator.",
            "Schools in the lower town will stay closed for at least {lines} days.",
            "Volunteers filled about {thousands},000 sandbags overnight at the sports hall.",
            "The last comparable flood hit {town} {years} years ago.",
            "Farmers upstream said fields had been under water since the weekend.",
            "Resident {person2} said the cellar of her building had filled within an hour.",
        ),
    ),
)
# Outlets word the same facts differently; each word below is replaced by a random
# alternative wherever it occurs, so articles reusing a sentence still differ in most of
# their word pairs. (Calibrated with bench/load_api.py's own generator: with these, under
# a fifth (42) of 300 generated articles are near-duplicates of an earlier one.)
_REWORDINGS = {
    "said": ("said", "stated", "told reporters", "announced", "confirmed"),
    "bridge": ("bridge", "crossing", "span"),
    "repairs": ("repairs", "works", "renovation"),
    "works": ("works", "repairs", "construction"),
    "trams": ("trams", "streetcars", "tram services"),
    "passengers": ("passengers", "riders", "travellers"),
    "service": ("service", "scheme", "night network"),
    "office": ("office", "department", "authority"),
    "water": ("water", "floodwater"),
    "rain": ("rain", "rainfall"),
    "people": ("people", "residents", "locals"),
    "homes": ("homes", "houses", "flats"),
    "town": ("town", "city", "district"),
    "staff": ("staff", "employees", "workers"),
    "decision": ("decision", "plan", "move"),
    "closure": ("closure", "shutdown", "decision"),
    "hurry": ("hurry", "rush"),
    "cables": ("cables", "steel cables", "suspension cables"),
    "fares": ("fares", "ticket prices", "prices"),
    "lines": ("lines", "routes"),
    "night": ("night", "small hours"),
    "trapped": ("trapped", "stranded", "stuck"),
    "boats": ("boats", "dinghies", "rescue boats"),
    "while": ("while", "as long as", "for as long as"),
    "cost": ("cost", "come to", "add up to"),
    "run": ("run", "operate", "sail", "go"),
    "found": ("found", "discovered", "detected", "identified"),
    "weeks": ("weeks", "weeks' time"),
    "flooded": ("flooded", "swamped", "filled", "poured into"),
    "forced": ("forced", "obliged", "made"),
    "streets": ("streets", "roads", "lanes"),
    "show": ("show", "reveal", "indicate", "confirm"),
    "will": ("will", "would", "is set to", "is expected to"),
    "city": ("city", "town", "municipal", "local"),
    "on": ("on", "on", "early on", "late on"),
    "more": ("more", "rather more", "well over", "a little more"),
    "council": ("council", "assembly", "board", "city hall"),
    "residents": ("residents", "people", "locals", "inhabitants", "householders"),
    "would": ("would", "could", "will", "should"),
    "during": ("during", "throughout", "over", "for"),
    "first": ("first", "initially", "originally"),
}
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
_MONTHS = ("March", "April", "May", "June", "September", "October")


def _name(rng: random.Random) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


def generated_article(rng: random.Random) -> dict[str, Any]:
    """One new fictional article as a POST /api/articles body."""
    title, pool = rng.choice(_TOPICS)
    town = _name(rng) + rng.choice(("holm", "vale", "mark", "by", "stad"))
    values = {
        "town": town,
        "place": _name(rng),
        "yes": rng.randint(5, 9),
        "no": rng.randint(0, 4),
        "day": rng.choice(_DAYS),
        "months": rng.randint(2, 14),
        "minutes": rng.choice((10, 15, 20, 30)),
        "money": rng.randint(2, 40),
        "person": f"{rng.choice(_FIRST)} {rng.choice(_LAST)}",
        "person2": f"{rng.choice(_FIRST)} {rng.choice(_LAST)}",
        "month_name": rng.choice(_MONTHS),
        "thousands": rng.randint(5, 400),
        "lines": rng.randint(2, 6),
        "years": rng.randint(5, 30),
        "rain": rng.randint(60, 180),
        "streets": rng.randint(8, 60),
        "people": rng.randint(200, 3000),
    }
    first, *rest = pool
    chosen = [first, *rng.sample(rest, 5)]
    paragraphs = [" ".join(chosen[:2]), *chosen[2:]]
    text = f"{town.upper()} - " + "\n\n".join(paragraphs).format(**values)
    text = re.sub(r"\b[a-z]+\b", lambda m: rng.choice(_REWORDINGS.get(m[0], (m[0],))), text)
    outlet = f"{_name(rng)} {rng.choice(('Gazette', 'Herald', 'Post', 'Courier', 'Observer'))}"
    return {
        "title": title.format(**values),
        "outlet": outlet,
        "published": f"2026-{rng.randint(3, 6):02d}-{rng.randint(1, 28):02d}",
        "text": text,
    }


# --- server ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare_db(db: Path, generated: int, seed: int) -> None:
    """The example story plus `generated` fictional articles, ingested with the real CLI."""
    rng = random.Random(seed)
    extra = db.parent / "generated.jsonl"
    with extra.open("w", encoding="utf-8") as stream:
        for _ in range(generated):
            stream.write(json.dumps(generated_article(rng)) + "\n")
    subprocess.run(
        [sys.executable, "-m", "newsweave", "ingest", str(EXAMPLES), str(extra), "--db", str(db)],
        check=True,
    )


def start_server(db: Path, port: int, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "newsweave", "serve", "--db", str(db), "--port", str(port)],
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        env=os.environ | {"PYTHONUNBUFFERED": "1"},
    )


# --- clients ----------------------------------------------------------------------------------


class Answer:
    """A response as `one_request` reads it (the part of httpx.Response it uses)."""

    def __init__(self, status: int, headers: dict[str, str], content: bytes) -> None:
        self.status_code = status
        self.headers = headers
        self.content = content

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")

    def json(self) -> Any:
        return json.loads(self.content)


class LeanClient:
    """One kept-alive HTTP/1.1 connection over asyncio streams: a request is a few
    writes and reads, with `Accept-Encoding: gzip` as httpx sends it. The clients share
    the server's two cores: httpx spent 1.2-1.7 ms of CPU a request here, four to eight
    times what the server spent on a GET (`--client httpx` measured it), so the 200
    clients, not the server, used most of the CPU the machine gave the benchmark. A
    response that is not whole (a short body, a closed connection) raises, and counts
    as an error like any other."""

    def __init__(self, host: str, port: int, timeout: float) -> None:
        self.host = host
        self.port = port
        self.timeout = timeout
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def __aenter__(self) -> LeanClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()
        self.reader = self.writer = None

    async def get(self, path: str, params: dict[str, Any] | None = None) -> Answer:
        if params:
            path += "?" + urllib.parse.urlencode(params)
        return await asyncio.wait_for(self._exchange("GET", path, None), self.timeout)

    async def post(self, path: str, json: Any) -> Answer:  # noqa: A002 - httpx's name
        body = _json.dumps(json).encode()
        return await asyncio.wait_for(self._exchange("POST", path, body), self.timeout)

    async def _exchange(self, method: str, path: str, body: bytes | None) -> Answer:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        head = (
            f"{method} {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
            "Accept-Encoding: gzip\r\nUser-Agent: load_api\r\n"
        )
        if body is not None:
            head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        self.writer.write(head.encode("latin-1") + b"\r\n" + (body or b""))
        try:
            lines = (await self.reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
            status = int(lines[0].split(" ", 2)[1])
            headers = {}
            for line in lines[1:]:
                name, sep, value = line.partition(":")
                if sep:
                    headers[name.strip().lower()] = value.strip()
            if status in (204, 304) or 100 <= status < 200:
                content = b""
            elif headers.get("transfer-encoding", "").lower() == "chunked":
                content = await self._chunked()
            else:
                content = await self.reader.readexactly(int(headers["content-length"]))
        except BaseException:
            await self.aclose()  # the connection is in an unknown state
            raise
        if headers.get("content-encoding") == "gzip":
            content = gzip.decompress(content)
        if headers.get("connection", "").lower() == "close":
            await self.aclose()
        return Answer(status, headers, content)

    async def _chunked(self) -> bytes:
        assert self.reader is not None
        parts = []
        while True:
            size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                await self.reader.readuntil(b"\r\n")
                return b"".join(parts)
            parts.append(await self.reader.readexactly(size))
            await self.reader.readexactly(2)


class Recorder:
    def __init__(self) -> None:
        self.latencies: dict[str, list[float]] = {k: [] for k in MIX}
        self.errors: dict[str, list[str]] = {k: [] for k in MIX}
        self.post_status: dict[str, int] = {}
        self.bytes: dict[str, int] = dict.fromkeys(MIX, 0)
        self.previous = 0  # story answers marked x-newsweave-briefing: previous


async def one_request(
    client: Any, kind: str, rng: random.Random, stories: list[str], recorder: Recorder
) -> None:
    if kind == "list":
        response = await client.get("/api/stories", params={"limit": 20})
    elif kind == "search":
        response = await client.get("/api/stories", params={"q": rng.choice(SEARCH_WORDS)})
    elif kind == "story":
        response = await client.get(f"/api/stories/{rng.choice(stories)}")
    else:
        response = await client.post("/api/articles", json=generated_article(rng))
    if response.status_code >= 300:
        raise RuntimeError(f"HTTP {response.status_code}: {response.text[:200]}")
    recorder.bytes[kind] += len(response.content)
    if kind == "story" and "x-newsweave-briefing" in response.headers:
        recorder.previous += 1
    if kind == "post":
        status = response.json()["status"]
        recorder.post_status[status] = recorder.post_status.get(status, 0) + 1


async def run_clients(
    base: str,
    clients: int,
    seconds: float,
    stories: list[str],
    seed: int,
    mix: dict[str, int] = MIX,
    kind_of_client: str = "lean",
) -> tuple[Recorder, float]:
    recorder = Recorder()
    kinds = [k for k, weight in mix.items() for _ in range(weight)]
    pool: list[Any]
    if kind_of_client == "lean":
        where = urllib.parse.urlsplit(base)
        assert where.hostname and where.port
        pool = [LeanClient(where.hostname, where.port, 300.0) for _ in range(clients)]
    else:
        import httpx

        timeout = httpx.Timeout(300.0, connect=30.0)
        # Every client is made before the clock starts, sharing one TLS context (unused
        # over http://): an httpx client otherwise loads the CA bundle as it is made,
        # 50-100 ms of the benchmark's one event loop each, and 200 of them inside the
        # measured phase stalled every request in flight for seconds (py-spy).
        tls = ssl.create_default_context()
        pool = [
            httpx.AsyncClient(base_url=base, timeout=timeout, verify=tls) for _ in range(clients)
        ]
    deadline = time.monotonic() + seconds

    async def client_loop(n: int, client: Any) -> None:
        rng = random.Random(seed * 1000 + n)
        async with client:
            while time.monotonic() < deadline:
                kind = rng.choice(kinds)
                start = time.perf_counter()
                try:
                    await one_request(client, kind, rng, stories, recorder)
                except Exception as exc:  # every failure is counted and reported
                    recorder.errors[kind].append(f"{type(exc).__name__}: {exc}"[:300])
                    continue
                recorder.latencies[kind].append(time.perf_counter() - start)

    started = time.perf_counter()
    await asyncio.gather(*(client_loop(n, client) for n, client in enumerate(pool)))
    return recorder, time.perf_counter() - started


def parse_mix(text: str) -> dict[str, int]:
    """`list=3,search=3,story=3,post=1` as weights (every kind named, none negative)."""
    mix = dict.fromkeys(MIX, 0)
    for item in text.split(","):
        kind, _, weight = item.partition("=")
        if kind.strip() not in MIX or not weight.strip().isdigit():
            raise argparse.ArgumentTypeError(f"{item!r}: expected KIND=N, KIND one of {list(MIX)}")
        mix[kind.strip()] = int(weight)
    if not any(mix.values()):
        raise argparse.ArgumentTypeError("every weight is 0")
    return mix


def server_http() -> dict[str, bool]:
    """Which of uvicorn's fast parts the server (started with this interpreter and
    environment) finds: httptools' parser (api.HttpToolsDeadlines) and uvloop."""
    import importlib.util

    return {name: importlib.util.find_spec(name) is not None for name in ("httptools", "uvloop")}


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def summarize(recorder: Recorder, elapsed: float) -> dict[str, Any]:
    endpoints = {}
    for kind in MIX:
        lat = recorder.latencies[kind]
        endpoints[kind] = {
            "requests": len(lat),
            "errors": len(recorder.errors[kind]),
            **{
                f"p{q}_ms": round(1000 * v, 1) if (v := percentile(lat, q)) is not None else None
                for q in (50, 90, 99)
            },
            "max_ms": round(1000 * max(lat), 1) if lat else None,
            "mean_body_kb": round(recorder.bytes[kind] / len(lat) / 1024, 1) if lat else None,
        }
    total = sum(len(v) for v in recorder.latencies.values())
    return {
        "elapsed_s": round(elapsed, 1),
        "requests": total,
        "errors": sum(len(v) for v in recorder.errors.values()),
        "requests_per_s": round(total / elapsed, 1),
        "posts_per_s": round(len(recorder.latencies["post"]) / elapsed, 2),
        "post_status": recorder.post_status,
        "story_answers_previous": recorder.previous,
        "endpoints": endpoints,
        "first_errors": [e for v in recorder.errors.values() for e in v][:5],
    }


def wait_ready(base: str, process: subprocess.Popen, log: Path) -> None:
    import httpx

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"server exited:\n{log.read_text()}")
        try:
            if httpx.get(base + "/api/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    sys.exit("server did not become ready in 120 s")


def process_memory(pid: int) -> dict[str, Any]:
    """A process's resident memory now and at its peak (MiB), and its command, from /proc."""
    fields: dict[str, Any] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = round(int(value.split()[0]) / 1024, 1)
    command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    return {"rss_mib": fields["VmRSS"], "peak_rss_mib": fields["VmHWM"], "command": command[:80]}


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a process has used so far, from /proc/PID/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def load_average() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


def descendants(pid: int) -> list[int]:
    """The processes started by `pid` and by them (the briefing process, multiprocessing's
    resource tracker), from /proc."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    found, frontier = [], [pid]
    while frontier:
        parent = frontier.pop()
        children = [p for p, pp in parents.items() if pp == parent]
        found += children
        frontier += children
    return found


def server_memory(pid: int) -> dict[str, Any]:
    """The server's resident memory now and at its peak (MiB), and each child's; the
    total peak is the sum of the peaks (an upper bound: they need not coincide)."""
    server = process_memory(pid)
    children = []
    for child in descendants(pid):
        try:
            children.append(process_memory(child) | {"pid": child})
        except (OSError, KeyError):
            continue
    return {
        "rss_mib": server["rss_mib"],
        "peak_rss_mib": server["peak_rss_mib"],
        "children": children,
        "total_rss_mib": round(server["rss_mib"] + sum(c["rss_mib"] for c in children), 1),
        "total_peak_rss_mib": round(
            server["peak_rss_mib"] + sum(c["peak_rss_mib"] for c in children), 1
        ),
    }


def main(argv: list[str] | None = None) -> int:
    import httpx

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load")
    parser.add_argument("--baseline-seconds", type=float, default=10.0)
    parser.add_argument("--generated", type=int, default=60, help="fictional articles preloaded")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--client",
        choices=("lean", "httpx"),
        default="lean",
        help="the clients: one kept-alive asyncio connection each (lean, the default: "
        "least CPU taken from the server it measures) or httpx.AsyncClient (as before)",
    )
    parser.add_argument(
        "--mix",
        type=parse_mix,
        default=MIX,
        help="request weights, e.g. list=1,search=1,story=1,post=0 (GETs only: the cost "
        "of the serving path without the writer's work); default list=3,search=3,story=3,post=1",
    )
    parser.add_argument("--out", type=Path, default=RESULTS / "load_api.json")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="newsweave-load-") as tmp:
        db = Path(tmp) / "corpus.db"
        log = Path(tmp) / "serve.log"
        t0 = time.perf_counter()
        prepare_db(db, args.generated, args.seed)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        process = start_server(db, port, log)
        try:
            wait_ready(base, process, log)
            stories = [
                s["id"] for s in httpx.get(base + "/api/stories?limit=200").json()["stories"]
            ]
            warm = time.perf_counter()
            for sid in stories:  # build every preloaded briefing once (cached in the database)
                httpx.get(f"{base}/api/stories/{sid}", timeout=600).raise_for_status()
            briefings_s = time.perf_counter() - warm
            # the first POST waits for the encoder to load; keep it out of the numbers
            httpx.post(
                base + "/api/articles",
                json=generated_article(random.Random(args.seed + 1)),
                timeout=600,
            ).raise_for_status()
            setup_s = time.perf_counter() - t0
            print(
                f"ready: {len(stories)} stories, briefings built in {briefings_s:.1f} s, "
                f"setup {setup_s:.1f} s",
                file=sys.stderr,
            )
            before = httpx.get(base + "/api/health").json()
            # CPU seconds of the server, its children (the briefing process) and this
            # script per phase: less sensitive to the other jobs on a shared machine
            # than latency (a request's CPU cost does not grow with the load average)
            helpers = descendants(process.pid)
            cpu: dict[str, dict[str, float]] = {}

            def cpu_now() -> dict[str, float]:
                return {
                    "server": cpu_seconds(process.pid),
                    "children": sum(cpu_seconds(c) for c in helpers if Path(f"/proc/{c}").exists()),
                    "client": time.process_time(),
                }

            loads = [load_average()]
            start_cpu = cpu_now()
            baseline, base_elapsed = asyncio.run(
                run_clients(
                    base, 1, args.baseline_seconds, stories, args.seed, args.mix, args.client
                )
            )
            mid_cpu = cpu_now()
            loads.append(load_average())
            loaded, load_elapsed = asyncio.run(
                run_clients(
                    base, args.clients, args.duration, stories, args.seed + 2, args.mix, args.client
                )
            )
            end_cpu = cpu_now()
            loads.append(load_average())
            cpu = {
                "baseline_1_client": {k: mid_cpu[k] - start_cpu[k] for k in start_cpu},
                "load": {k: end_cpu[k] - mid_cpu[k] for k in start_cpu},
            }
            health = httpx.get(base + "/api/health").json()
            memory = server_memory(process.pid)
        finally:
            process.terminate()
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
        server_errors = [
            line for line in log.read_text().splitlines() if "Traceback" in line or "ERROR" in line
        ]

    result = {
        "benchmark": "web service load (bench/load_api.py)",
        "command": "python bench/load_api.py " + " ".join(argv or sys.argv[1:]),
        "environment": environment() | {"cpus": str(os.cpu_count())},
        "clients": args.clients,
        "duration_s": args.duration,
        "mix": args.mix,
        "client": args.client,
        "server_http": server_http(),
        "preloaded": {"stories": len(stories), "generated_articles": args.generated},
        "warm_up_briefings_s": round(briefings_s, 1),
        "baseline_1_client": summarize(baseline, base_elapsed),
        "load": summarize(loaded, load_elapsed),
        "corpus_after": {k: health[k] for k in ("articles", "duplicates", "stories")},
        "server_log_errors": len(server_errors),
        "load_average_1min": {"start": loads[0], "after_baseline": loads[1], "end": loads[2]},
        "server_memory": memory,
        "briefing_process": health.get("briefing_process"),
    }
    for phase, used in cpu.items():
        served = result[phase]["requests"] or 1
        result[phase]["cpu_s"] = {k: round(v, 1) for k, v in used.items()}
        result[phase]["server_cpu_ms_per_request"] = round(1000 * used["server"] / served, 2)
        result[phase]["client_cpu_ms_per_request"] = round(1000 * used["client"] / served, 2)
    # every POST answered "new" or "duplicate" added one article row: any missing is lost
    stored = sum(
        result[phase]["post_status"].get(status, 0)
        for phase in ("baseline_1_client", "load")
        for status in ("new", "duplicate")
    )
    result["lost_posts"] = stored - (health["articles"] - before["articles"])
    endpoints = result["load"]["endpoints"]
    result["targets"] = {
        "errors == 0": result["load"]["errors"] == 0,
        "lost posts == 0": result["lost_posts"] == 0,
        "GET p99 < 1 s": all(
            (endpoints[k]["p99_ms"] or 0) < 1000 for k in ("list", "search", "story")
        ),
        "POST p99 < 3 s": (endpoints["post"]["p99_ms"] or 0) < 3000,
        "server peak RSS < 1 GiB": memory["peak_rss_mib"] < 1024,
        "server + children peak RSS < 1 GiB": memory["total_peak_rss_mib"] < 1024,
    }
    for phase in ("baseline_1_client", "load"):
        data = result[phase]
        print(
            f"{phase}: {data['requests']} requests, {data['errors']} errors, "
            f"{data['requests_per_s']} req/s; CPU s {data['cpu_s']} "
            f"(server {data['server_cpu_ms_per_request']} ms a request, "
            f"this script {data['client_cpu_ms_per_request']} ms)",
            file=sys.stderr,
        )
        for kind, row in data["endpoints"].items():
            print(
                f"  {kind:7s} n={row['requests']:6d} err={row['errors']} p50={row['p50_ms']} ms "
                f"p99={row['p99_ms']} ms max={row['max_ms']} ms",
                file=sys.stderr,
            )
    print(
        f"lost posts: {result['lost_posts']}; server RSS {memory['rss_mib']} MiB "
        f"(peak {memory['peak_rss_mib']} MiB); with its children {memory['total_rss_mib']} MiB "
        f"(peaks {memory['total_peak_rss_mib']} MiB); "
        f"briefing process {result['briefing_process']}",
        file=sys.stderr,
    )
    for child in memory["children"]:
        print(
            f"  child {child['pid']}: {child['rss_mib']} MiB (peak {child['peak_rss_mib']} MiB) "
            f"{child['command']}",
            file=sys.stderr,
        )
    print(f"load average (1 min): {result['load_average_1min']}", file=sys.stderr)
    for target, met in result["targets"].items():
        print(f"  {target}: {'met' if met else 'NOT met'}", file=sys.stderr)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n")
    failed = result["load"]["errors"] + result["baseline_1_client"]["errors"] + len(server_errors)
    if failed:
        print(f"FAILED: {failed} errors: {result['load']['first_errors']}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
