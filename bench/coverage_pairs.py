"""Precision and recall of coverage's "same fact" and "exclusive" on hand-labelled pairs.

Data: ../shared/evaldata/multinews200/multi_news.jsonl, the clusters named in
tests/data/coverage_pairs.json (labels and ids only). Baseline in the same run: the
previous rule, a pair is one fact when its score reaches `same_fact`, a sentence is
exclusive when no pair of it is.

    PYTHONPATH=src python bench/coverage_pairs.py
"""

from __future__ import annotations

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


def _predict(cluster):
    articles, passages = [], []
    for doc in cluster.documents:
        try:
            articles.append(extract_article(doc))
        except DocumentError:
            continue
        passages.append(int(doc.doc_id.rsplit("/", 1)[1]))
    annotated = annotate(articles)
    settings = C.DEFAULT_SETTINGS
    units, _ = C._units(annotated, settings)
    vectors = encode([u.sentence.text for u in units])
    scores = C._scores(units, vectors, settings)
    only = C._outlet_only_names(units)
    same = C._same_fact(units, scores, vectors @ vectors.T, only, settings)
    old = scores >= settings.same_fact
    close = scores.max(axis=1) >= settings.close
    at = {(passages[u.article], u.sentence.index): k for k, u in enumerate(units)}
    ours_excl = {
        key: not same[k].any() and (not close[k] or bool(only[k])) for key, k in at.items()
    }
    old_excl = {key: not old[k].any() for key, k in at.items()}
    return at, same, old, ours_excl, old_excl


def _pr(pred: list[bool], gold: list[bool]) -> dict:
    tp = sum(p and g for p, g in zip(pred, gold, strict=True))
    fp = sum(p and not g for p, g in zip(pred, gold, strict=True))
    fn = sum(g and not p for p, g in zip(pred, gold, strict=True))
    precision = tp / (tp + fp) if tp + fp else None
    recall = tp / (tp + fn) if tp + fn else None
    return {"precision": precision, "recall": recall, "tp": tp, "fp": fp, "fn": fn}


def main() -> None:
    labels = json.loads(LABELS.read_text(encoding="utf-8"))
    lines = {p["line"] for p in labels["pairs"]} | {e["line"] for e in labels["exclusive"]}
    clusters = {c.line: c for c in load_clusters() if c.line in lines}
    got = {line: _predict(clusters[line]) for line in sorted(lines)}
    rows = {"ours": {"same": [], "excl": []}, "baseline": {"same": [], "excl": []}}
    gold_same, gold_excl = [], []
    for p in labels["pairs"]:
        at, same, old, _, _ = got[p["line"]]
        i, j = at[tuple(p["a"])], at[tuple(p["b"])]
        rows["ours"]["same"].append(bool(same[i, j]))
        rows["baseline"]["same"].append(bool(old[i, j]))
        gold_same.append(p["same"])
    for e in labels["exclusive"]:
        _, _, _, ours, old = got[e["line"]]
        rows["ours"]["excl"].append(ours[tuple(e["at"])])
        rows["baseline"]["excl"].append(old[tuple(e["at"])])
        gold_excl.append(e["exclusive"])
    result = {
        name: {"same": _pr(r["same"], gold_same), "exclusive": _pr(r["excl"], gold_excl)}
        for name, r in rows.items()
    }
    result["n_pairs"], result["n_exclusive"] = len(gold_same), len(gold_excl)
    print(json.dumps(result, indent=2))
    (RESULTS / "coverage_pairs.json").write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
