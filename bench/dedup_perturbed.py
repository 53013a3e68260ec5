"""Near-duplicate precision/recall on perturbed copies of real articles.

Originals: the example story's articles and Multi-News passages (read at run
time from ../shared/evaldata/multinews200; nothing is copied into the repo).
Positives: each original's perturbed copies (changed headline, trimmed last
paragraph, inserted site chrome, 5/10/20% of words replaced) must be linked
to it. Negatives: the other articles of the same Multi-News cluster (another
outlet's report of the same event) must not be linked to it.

    python bench/dedup_perturbed.py [--limit 400] [--json results.json]
"""

from __future__ import annotations

import argparse
import json
import random
import re
from pathlib import Path

from newsweave import dedup
from newsweave.pipeline import extract

ROOT = Path(__file__).resolve().parents[1]
MULTINEWS = ROOT.parent / "shared" / "evaldata" / "multinews200" / "multi_news.jsonl"
CHROME = (
    "Sign up for our morning newsletter",
    "Advertisement",
    "Read more: the week's top stories",
    "Follow us on Twitter: @newsdesk",
    "Support our journalism. Subscribe today.",
)
THRESHOLDS = (0.3, 0.35, 0.4, 0.45, 0.5, 0.6)


def load(limit: int) -> list[tuple[str, list[str]]]:
    """(cluster id, paragraphs) for each original with at least 120 words."""
    docs: list[tuple[str, list[str]]] = []
    for article in extract([ROOT / "examples" / "kestrelholm-fire"]).articles:
        docs.append(("kestrelholm", list(article.paragraphs)))
    for number, line in enumerate(MULTINEWS.read_text(encoding="utf-8").splitlines()):
        for passage in re.split(r"Passage \d+:\n", json.loads(line)["context"]):
            paragraphs = [" ".join(p.split()) for p in passage.split("NEWLINE_CHAR") if p.strip()]
            if sum(len(p.split()) for p in paragraphs) >= 120:
                docs.append((f"mn{number}", paragraphs))
    return docs[:limit]


def perturb(paragraphs: list[str], rng: random.Random) -> dict[str, str]:
    def replace_words(share: float) -> str:
        words = "\n\n".join(paragraphs).split(" ")
        for i in rng.sample(range(len(words)), int(len(words) * share)):
            words[i] = rng.choice(("said", "officials", "report", "city", "Tuesday", "new"))
        return " ".join(words)

    chrome = list(paragraphs)
    for line in CHROME:
        chrome.insert(rng.randrange(len(chrome) + 1), line)
    return {
        "headline": "\n\n".join(["BREAKING: a different headline for the same story", *paragraphs]),
        "trimmed": "\n\n".join(paragraphs[:-1]) if len(paragraphs) > 1 else paragraphs[0][:-80],
        "chrome": "\n\n".join(chrome),
        "words5": replace_words(0.05),
        "words10": replace_words(0.10),
        "words20": replace_words(0.20),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=400, help="originals to use")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    rng = random.Random(13)
    docs = load(args.limit)
    signatures = [dedup.signature("\n\n".join(p)) for _, p in docs]
    variants = [perturb(p, rng) for _, p in docs]
    variant_sigs = [{k: dedup.signature(v) for k, v in vs.items()} for vs in variants]
    negatives = [
        (i, j)
        for i in range(len(docs))
        for j in range(len(docs))
        if i != j and docs[i][0] == docs[j][0]
    ]
    results = {}
    for threshold in THRESHOLDS:
        # positives: each variant queried against an index of all originals
        index = dedup.NearDuplicateIndex(threshold)
        for i, sig in enumerate(signatures):
            if sig is not None:
                index.add(i, sig)
        tp = fp = fn = 0
        per_kind: dict[str, list[int]] = {}
        for i, sigs in enumerate(variant_sigs):
            for kind, sig in sigs.items():
                match = index.find(sig) if sig is not None else None
                hit = match is not None and match.original == i
                tp += hit
                fn += not hit
                fp += match is not None and match.original != i
                per_kind.setdefault(kind, [0, 0])[0] += hit
                per_kind[kind][1] += 1
        # negatives: same-event articles from other outlets must not match each other
        neg_fp = 0
        for i, j in negatives:
            a, b = signatures[i], signatures[j]
            if a is not None and b is not None and a.jaccard(b) >= threshold:
                neg_fp += 1
        fp += neg_fp // 2  # each unordered pair was checked twice
        results[threshold] = {
            "precision": round(tp / (tp + fp), 4) if tp + fp else 0.0,
            "recall": round(tp / (tp + fn), 4),
            "tp": tp,
            "fp": fp,
            "fn": fn,
            "same_event_pairs": len(negatives) // 2,
            "recall_by_perturbation": {k: round(h / n, 4) for k, (h, n) in per_kind.items()},
        }
    print(
        f"{len(docs)} originals, {len(docs) * 6} perturbed copies, "
        f"{len(negatives) // 2} same-event pairs from different outlets"
    )
    for threshold, r in results.items():
        mark = "  <- dedup.THRESHOLD" if threshold == dedup.THRESHOLD else ""
        kinds = " ".join(f"{k}={v:.2f}" for k, v in r["recall_by_perturbation"].items())
        print(
            f"J>={threshold:.2f}  P={r['precision']:.4f} R={r['recall']:.4f} "
            f"FP={r['fp']} FN={r['fn']}  {kinds}{mark}"
        )
    if args.json:
        args.json.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
