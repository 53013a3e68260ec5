"""Precision and recall of coverage's "same fact" and "exclusive" on hand-labelled pairs.

Data: ../shared/evaldata/multinews200/multi_news.jsonl, the clusters named in
tests/data/coverage_pairs.json (labels and ids only), split into a tuning part and a
held-out part as the label file declares (bench/_common.split_name). Baseline in the
same run: raw MiniLM cosine alone, a pair is one fact from `same_fact`, a sentence is
exclusive when no pair of it is. "ours" is `coverage._decide`, the code the briefing
runs.

    PYTHONPATH=src python bench/coverage_pairs.py           # table, results/coverage_pairs.json
    PYTHONPATH=src python bench/coverage_pairs.py --errors  # ids and scores of the wrong calls
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import REPO, RESULTS, load_clusters  # noqa: E402

from newsweave.analyze import coverage as C  # noqa: E402
from newsweave.encoder import encode  # noqa: E402
from newsweave.errors import DocumentError  # noqa: E402
from newsweave.extract import extract_article  # noqa: E402
from newsweave.nlp import annotate  # noqa: E402

LABELS = REPO / "tests" / "data" / "coverage_pairs.json"


def _predict(cluster, settings: C.CoverageSettings):
    articles, passages = [], []
    for doc in cluster.documents:
        try:
            articles.append(extract_article(doc))
        except DocumentError:
            continue
        passages.append(int(doc.doc_id.rsplit("/", 1)[1]))
    units, _ = C._units(annotate(articles), settings)
    vectors = encode([u.sentence.text for u in units])
    decision = C._decide(units, vectors, settings)
    raw = vectors @ vectors.T
    at = {(passages[u.article], u.sentence.index): k for k, u in enumerate(units)}
    base_same = raw >= settings.same_fact
    cross = [[u.article != v.article for v in units] for u in units]
    base_same &= cross
    base_alone = ~base_same.any(axis=1)
    return {
        "at": at,
        "raw": raw,
        "ours": (decision.same, decision.alone, decision.evidence),
        "baseline": (base_same, base_alone),
    }


def _pr(pred: list[bool], gold: list[bool]) -> dict:
    tp = sum(p and g for p, g in zip(pred, gold, strict=True))
    fp = sum(p and not g for p, g in zip(pred, gold, strict=True))
    fn = sum(g and not p for p, g in zip(pred, gold, strict=True))
    precision = round(tp / (tp + fp), 3) if tp + fp else None
    recall = round(tp / (tp + fn), 3) if tp + fn else None
    return {"precision": precision, "recall": recall, "tp": tp, "fp": fp, "fn": fn}


def evaluate(labels: dict, got: dict, parts: dict[str, set[int]]) -> dict:
    """P/R of "same fact" over pairs and of "exclusive" over sentences, per part."""
    result: dict = {}
    for part, lines in parts.items():
        row: dict = {}
        for name in ("ours", "baseline"):
            same_pred, same_gold, excl_pred, excl_gold = [], [], [], []
            for p in labels["pairs"]:
                if p["line"] in lines:
                    g = got[p["line"]]
                    i, j = g["at"][tuple(p["a"])], g["at"][tuple(p["b"])]
                    same_pred.append(bool(g[name][0][i, j]))
                    same_gold.append(p["same"])
            for e in labels["exclusive"]:
                if e["line"] in lines:
                    g = got[e["line"]]
                    excl_pred.append(bool(g[name][1][g["at"][tuple(e["at"])]]))
                    excl_gold.append(e["exclusive"])
            row[name] = {
                "same": _pr(same_pred, same_gold),
                "exclusive": _pr(excl_pred, excl_gold),
            }
        row["n_pairs"], row["n_same"] = len(same_gold), sum(same_gold)
        row["n_sentences"], row["n_exclusive"] = len(excl_gold), sum(excl_gold)
        result[part] = row
    return result


def _errors(labels: dict, got: dict) -> None:
    for p in labels["pairs"]:
        g = got[p["line"]]
        i, j = g["at"][tuple(p["a"])], g["at"][tuple(p["b"])]
        said = bool(g["ours"][0][i, j])
        if said != p["same"]:
            print(
                f"pair {p['line']} {p['a']} {p['b']} gold={p['same']} "
                f"raw={g['raw'][i, j]:.3f} evidence={g['ours'][2][i, j]:.3f}"
            )
    for e in labels["exclusive"]:
        g = got[e["line"]]
        k = g["at"][tuple(e["at"])]
        said = bool(g["ours"][1][k])
        if said != e["exclusive"]:
            best = g["ours"][2][k].max()
            print(f"excl {e['line']} {e['at']} gold={e['exclusive']} best={best:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", action="store_true", help="list the wrong calls (ids only)")
    args = parser.parse_args()
    labels = json.loads(LABELS.read_text(encoding="utf-8"))
    splits = {k: set(v) for k, v in labels["splits"].items()}
    lines = {p["line"] for p in labels["pairs"]} | {e["line"] for e in labels["exclusive"]}
    clusters = {c.line: c for c in load_clusters() if c.line in lines}
    got = {line: _predict(clusters[line], C.DEFAULT_SETTINGS) for line in sorted(lines)}
    result = evaluate(labels, got, {**splits, "all": lines})
    if args.errors:
        _errors(labels, got)
    print(f"{'part':8} {'rule':9} {'same P':>7} {'same R':>7} {'excl P':>7} {'excl R':>7}  n")
    for part, row in result.items():
        for name in ("ours", "baseline"):
            s, e = row[name]["same"], row[name]["exclusive"]
            print(
                f"{part:8} {name:9} {s['precision']!s:>7} {s['recall']!s:>7} "
                f"{e['precision']!s:>7} {e['recall']!s:>7}  "
                f"{row['n_pairs']} pairs ({row['n_same']} same), "
                f"{row['n_sentences']} sentences ({row['n_exclusive']} exclusive)"
            )
    (RESULTS / "coverage_pairs.json").write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
