"""Cross-lingual stories on our bilingual set: B-cubed with and without the switch.

    python bench/cluster_crosslingual.py [--seeds 5] [--tune] [--ecbplus]

Data: bench/data/crosslingual/reports.jsonl (our own fictional reports, README there):
eight events reported in two or three of English, German, French, Polish and Spanish,
and fourteen distractors (several of the same kind as an event, four of them the same
week in another language). Events T1-T4 and their
distractors are the tuning half, H1-H4 and theirs the held-out half; each half is
clustered on its own, in shuffled orders (--seeds of them), and scored with B-cubed
against the events. The articles are read as `newsweave ingest` reads the file
(their language detected, not taken from the labels).

Systems, in this one run:
(a) the default clusterer (stories never cross languages);
(b) the same with cross-lingual stories switched on (`ClusterSettings.with_cross_lingual`:
    the e5 lead-vector feature and the shared-names feature);
(c) each of the two cross-lingual features alone, to show what each brings.
--tune searches the two weights on the tuning half and prints the grid (the weights in
cluster/settings.py came from it); held-out figures are never used to choose.
--ecbplus also clusters ECB+ held-out topics 21-45 (English only) with the switch off and
on: what the switch does to a corpus in one language.

Time per article: the e5 lead embedding (measured once per article, uncached) and the
clustering itself with and without the switch (leads embedded beforehand, so the
clustering time is the scoring alone). Writes bench/results/cluster_crosslingual.json.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "bench" / "data" / "crosslingual" / "reports.jsonl"
RESULTS = REPO / "bench" / "results"

sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "bench"))

from cluster_ecbplus import bcubed  # noqa: E402  (the same metric as the ECB+ benchmark)

from newsweave.cluster import (  # noqa: E402
    DEFAULT_SETTINGS,
    ClusterInput,
    ClusterSettings,
    OnlineClusterer,
    lead,
)
from newsweave.cluster.features import CROSS_LINGUAL_FLOOR  # noqa: E402
from newsweave.model import Article  # noqa: E402
from newsweave.pipeline import iter_articles  # noqa: E402

GRID_VECTOR = (0.0, 8.0, 12.0, 16.0, 20.0, 24.0, 32.0, 48.0, 64.0)
GRID_NAMES = (0.0, 2.0, 4.0, 8.0, 12.0)


def load() -> tuple[list[dict], dict[str, Article]]:
    labels = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines()]
    articles = {}
    for a in iter_articles([DATA]):
        if not isinstance(a, Article):
            raise SystemExit(f"could not read {a}")
        articles[a.doc_id.rpartition("#")[2]] = a
    return labels, articles


def cluster_input(doc_id: str, a: Article) -> ClusterInput:
    return ClusterInput(doc_id, a.title, a.text, a.published, language=a.language)


def run(
    settings: ClusterSettings,
    docs: list[dict],
    inputs: dict[str, ClusterInput],
    vectors: dict[str, np.ndarray],
    seeds: int,
) -> dict:
    """B-cubed over shuffled orders; the encoder reads the precomputed lead vectors."""
    by_lead = {lead(inputs[d["id"]], settings.lead_chars): vectors[d["id"]] for d in docs}

    def encode(texts):
        return np.stack([by_lead[t] for t in texts])

    runs, seconds = [], 0.0
    for seed in range(seeds):
        order = docs[:]
        random.Random(seed).shuffle(order)
        clusterer = OnlineClusterer(settings, encode=encode)
        story_of: dict[str, str] = {}
        start = time.perf_counter()
        for d in order:
            a = clusterer.add(inputs[d["id"]])
            for old in a.merged:
                story_of = {k: (a.story_id if v == old else v) for k, v in story_of.items()}
            story_of[d["id"]] = a.story_id
            for new, moved in a.split:
                story_of.update(dict.fromkeys(moved, new))
        seconds += time.perf_counter() - start
        runs.append(bcubed([story_of[d["id"]] for d in docs], [d["event"] for d in docs]))
    p, r, f = (statistics.mean(x[i] for x in runs) for i in range(3))
    return {
        "P": round(p, 4),
        "R": round(r, 4),
        "F1": round(f, 4),
        "F1_min": round(min(x[2] for x in runs), 4),
        "ms_per_article": round(1000 * seconds / (seeds * len(docs)), 2),
    }


def similarities(docs: list[dict], vectors: dict[str, np.ndarray]) -> dict:
    """e5 lead cosines of pairs in two languages: same event vs different events."""
    same, other = [], []
    for i, a in enumerate(docs):
        for b in docs[i + 1 :]:
            if a["language"] == b["language"]:
                continue
            cos = float(vectors[a["id"]] @ vectors[b["id"]])
            (same if a["event"] == b["event"] else other).append(cos)
    return {
        "same_event": {"n": len(same), "min": round(min(same), 3), "max": round(max(same), 3)},
        "different": {"n": len(other), "min": round(min(other), 3), "max": round(max(other), 3)},
    }


def ecbplus_heldout(seeds: int) -> dict:
    """ECB+ topics 21-45 (English only) with the switch off and on: what it costs a
    one-language corpus. e5 leads are cached under bench/results/cache."""
    import hashlib

    import cluster_ecbplus as ecb

    from newsweave.multilingual import encode

    held = [d for d in ecb.load() if d["topic"] in ecb.HELDOUT_TOPICS]
    docs = [{"id": d["doc_id"], "event": f"{d['topic']}/{d['subtopic']}"} for d in held]
    inputs = {d["doc_id"]: ecb.item(d, embedded=False) for d in held}
    texts = [lead(inputs[d["id"]], DEFAULT_SETTINGS.lead_chars) for d in docs]
    digest = hashlib.sha256("\x00".join(texts).encode()).hexdigest()[:16]
    path = RESULTS / "cache" / f"ecbplus_e5_leads_{digest}.npy"
    start = time.perf_counter()
    if path.exists():
        matrix = np.load(path)
    else:
        matrix = encode(texts)
        path.parent.mkdir(parents=True, exist_ok=True)
        np.save(path, matrix)
    seconds = time.perf_counter() - start
    vectors = {d["id"]: matrix[i] for i, d in enumerate(docs)}
    out = {
        "articles": len(docs),
        "off": run(DEFAULT_SETTINGS, docs, inputs, vectors, seeds),
        "on": run(DEFAULT_SETTINGS.with_cross_lingual(), docs, inputs, vectors, seeds),
        "encode_s": round(seconds, 1),
    }
    print("ecbplus held-out", out, file=sys.stderr)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--tune", action="store_true", help="search the two weights (tune half)")
    parser.add_argument(
        "--ecbplus",
        action="store_true",
        help="also score ECB+ held-out topics (English only) with the switch on and off",
    )
    args = parser.parse_args()
    labels, articles = load()
    inputs = {d["id"]: cluster_input(d["id"], articles[d["id"]]) for d in labels}
    detected = {d["id"]: articles[d["id"]].language for d in labels}
    wrong = {d["id"]: detected[d["id"]] for d in labels if detected[d["id"]] != d["language"]}

    from newsweave.multilingual import encode, load_encoder

    start = time.perf_counter()
    load_encoder()
    load_seconds = time.perf_counter() - start
    leads = [lead(inputs[d["id"]], DEFAULT_SETTINGS.lead_chars) for d in labels]
    start = time.perf_counter()
    matrix = encode(leads)
    encode_seconds = time.perf_counter() - start
    vectors = {d["id"]: matrix[i] for i, d in enumerate(labels)}

    halves = {s: [d for d in labels if d["split"] == s] for s in ("tune", "held")}
    on = DEFAULT_SETTINGS.with_cross_lingual()
    run(on, labels, inputs, vectors, 1)  # warm-up: word frequencies and scipy loaded once
    systems = {
        "default (switch off)": DEFAULT_SETTINGS,
        "--cross-lingual": on,
        "lead vectors only": on.with_weights(cross_names=0.0),
        "shared names only": on.with_weights(cross_lingual=0.0),
    }
    result: dict = {
        "data": str(DATA.relative_to(REPO)),
        "seeds": args.seeds,
        "articles": {s: len(d) for s, d in halves.items()},
        "languages_misdetected": wrong,
        "floor": CROSS_LINGUAL_FLOOR,
        "weights": {k: on.weight(k) for k in ("cross_lingual", "cross_names")},
        "lead_cosines_tune": similarities(halves["tune"], vectors),
        "lead_cosines_held": similarities(halves["held"], vectors),
        "encoder_load_s": round(load_seconds, 2),
        "encode_ms_per_lead": round(1000 * encode_seconds / len(labels), 1),
        "systems": {},
    }
    for name, settings in systems.items():
        result["systems"][name] = {
            s: run(settings, docs, inputs, vectors, args.seeds) for s, docs in halves.items()
        }
        print(name, result["systems"][name], file=sys.stderr)
    if args.tune:
        grid = []
        for wv in GRID_VECTOR:
            for wn in GRID_NAMES:
                settings = DEFAULT_SETTINGS.with_weights(cross_lingual=wv, cross_names=wn)
                if not settings.cross_lingual:
                    continue
                score = run(settings, halves["tune"], inputs, vectors, args.seeds)
                grid.append({"cross_lingual": wv, "cross_names": wn, **score})
                print("tune", wv, wn, score, file=sys.stderr)
        result["tuning_grid"] = grid
    if args.ecbplus:
        result["ecbplus_heldout"] = ecbplus_heldout(args.seeds)
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / "cluster_crosslingual.json"
    out.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
