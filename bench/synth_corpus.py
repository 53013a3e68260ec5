"""Build a large synthetic news corpus from the evaluation texts, for scale benchmarks.

The evaluation sets hold about 1,500 real news documents (ECB+, Multi-News,
PolNeAR). Benchmarks of ingest and scale-out need 10,000-50,000, so each
synthetic article keeps one source document's lead (so it still reads like, and
clusters like, that story) and takes its later paragraphs from other documents
of the same group (ECB+ sub-topic, Multi-News cluster), shuffled. About 5% are
near-duplicate re-publications of an earlier synthetic article (a sentence
dropped, another outlet) so de-duplication does real work. Every article gets a
fictional outlet and a publication date spread over one year (ECB+ and
Multi-News have none), grouped so one source group's articles fall in one week.

The output is JSON Lines shards (`text`, `title`, `outlet`, `published`, `url`)
in a git-ignored cache folder; nothing of the evaluation text enters the repo.

    python bench/synth_corpus.py 10000            # -> bench/results/cache/synth-10000/
    python bench/synth_corpus.py 50000 --shard 500
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections import deque
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import MULTINEWS, RESULTS, SHARED  # noqa: E402

ECBPLUS = SHARED / "evaldata" / "ecbplus" / "docs.jsonl"
POLNEAR = SHARED / "evaldata" / "polnear" / "data"
OUTLETS = [
    f"{place} {kind}"
    for place in (
        "Ardmoor",
        "Belcastle",
        "Corrin",
        "Dunmere",
        "Eskvale",
        "Farrow",
        "Glenholt",
        "Harwick",
        "Islay Bay",
        "Jorvale",
        "Kestrelholm",
        "Lowmarsh",
        "Mirefield",
        "Northsand",
        "Oxley",
    )
    for kind in ("Herald", "Gazette", "Courier", "Post", "Wire", "Ledger")
]
START = date(2025, 1, 1)


def _paragraphs(text: str) -> list[str]:
    text = text.replace("NEWLINE_CHAR", "\n")
    return [p.strip() for p in re.split(r"\n\s*\n|\n", text) if len(p.split()) >= 5]


def source_groups() -> list[list[list[str]]]:
    """Groups of documents about one story, each document a list of paragraphs."""
    groups: dict[str, list[list[str]]] = {}
    with ECBPLUS.open(encoding="utf-8") as stream:
        for line in stream:
            row = json.loads(line)
            paras = _paragraphs(row["text"])
            if paras:
                groups.setdefault(f"ecb{row['topic']}{row['subtopic']}", []).append(paras)
    with MULTINEWS.open(encoding="utf-8") as stream:
        for number, line in enumerate(stream):
            context = json.loads(line)["context"]
            for passage in re.split(r"^Passage \d+:\s*$", context, flags=re.M):
                paras = _paragraphs(passage)
                if len(paras) >= 2:
                    groups.setdefault(f"mn{number}", []).append(paras)
    for path in sorted(POLNEAR.glob("*/text/*")):
        paras = _paragraphs(path.read_text(encoding="utf-8", errors="replace"))
        if len(paras) >= 2:
            groups[f"pn{path.stem}"] = [paras]
    return [docs for _, docs in sorted(groups.items())]


def _title(lead: str) -> str:
    words = lead.split()
    return " ".join(words[:12]).rstrip(",;:") if words else "Untitled"


def build(n: int, out: Path, *, shard: int = 500, seed: int = 7) -> Path:
    """Write `n` synthetic articles as JSONL shards under `out`; returns `out`."""
    rng = random.Random(seed)
    groups = source_groups()
    group_day = {i: rng.randrange(365) for i in range(len(groups))}
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.jsonl"):
        old.unlink()
    written: deque[dict] = deque(maxlen=1000)  # re-publications copy recent articles
    handle = None
    for i in range(n):
        if i % shard == 0:
            if handle:
                handle.close()
            handle = (out / f"part-{i // shard:05d}.jsonl").open("w", encoding="utf-8")
        if written and rng.random() < 0.05:  # a near-duplicate re-publication
            original = rng.choice(written)
            paras = original["text"].split("\n\n")
            if len(paras) > 2:
                del paras[rng.randrange(1, len(paras))]
            record = dict(original, text="\n\n".join(paras), outlet=rng.choice(OUTLETS))
        else:
            g = i % len(groups)
            docs = groups[g]
            base = docs[(i // len(groups)) % len(docs)]
            rest = [p for d in docs for p in d[1:]]
            rng.shuffle(rest)
            paras = [base[0], *rest[: rng.randint(3, 8)]]
            day = START + timedelta(days=group_day[g] + rng.randrange(5))
            record = {
                "text": "\n\n".join(paras),
                "title": _title(base[0]),
                "outlet": rng.choice(OUTLETS),
                "published": day.isoformat(),
            }
        record["url"] = f"https://synthetic.example/{i}"
        written.append(record)
        assert handle is not None
        handle.write(json.dumps(record) + "\n")
    if handle:
        handle.close()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int)
    parser.add_argument("--shard", type=int, default=500, help="articles per JSONL file")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    out = args.out or RESULTS / "cache" / f"synth-{args.n}"
    build(args.n, out, shard=args.shard, seed=args.seed)
    print(f"{args.n} articles in {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
