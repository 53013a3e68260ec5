"""Evaluation gate: headline quality figures may not fall below their recorded floors.

Each test scores newsweave on a small, fixed subset of one shared evaluation set with the
scoring code of the full benchmark in `bench/` (imported, not copied), so a regression in
extraction, summarization, clustering or quote attribution fails the suite in seconds instead
of waiting for the next benchmark run. The floors live in `tests/eval_floors.json`, each with
the value measured when it was set; a floor is raised when a change improves its figure and
is only lowered with a note in docs/benchmarks.md saying why (trafilatura's
`tests/eval_gate.py` with its baseline file is the pattern).
"""

from __future__ import annotations

import json
import sys

from conftest import EVALDATA, ROOT, need

sys.path.insert(0, str(ROOT / "bench"))

FLOORS = json.loads((ROOT / "tests" / "eval_floors.json").read_text(encoding="utf-8"))


def check(name: str, value: float) -> None:
    floor = FLOORS[name]["floor"]
    assert value >= floor, f"{name}: {value:.4f} is below its floor {floor} ({FLOORS[name]})"


def test_floors_sit_just_under_their_measured_values():
    """A floor far below what was measured would let a real regression through."""
    for name, entry in FLOORS.items():
        assert entry["floor"] <= entry["measured"], name
        assert entry["measured"] - entry["floor"] <= entry["tolerance"] + 1e-9, name


def test_extraction_f1_on_a_zyte_subset():
    from extraction_zyte import load_pages, match, metrics

    from newsweave.extract.html import extract_html

    pages = load_pages(need(EVALDATA / "zyte"))[::6]  # 31 of the 181 pages
    scored = [
        match(truth, "\n".join(extract_html(html, url).paragraphs))
        for _id, url, html, truth in pages
    ]
    check("extraction_f1_zyte", metrics(scored)["f1"])


def test_summary_rouge2_on_multinews_clusters():
    from _common import Rouge, load_clusters

    from newsweave.model import SkippedDocument
    from newsweave.nlp import annotate
    from newsweave.pipeline import clean
    from newsweave.summarize import summarize

    clusters = load_clusters(need(EVALDATA / "multinews200" / "multi_news.jsonl"))[1::20]
    rouge = Rouge()
    total = 0.0
    for cluster in clusters:  # 10 held-out (odd-index) clusters
        articles = [a for a in map(clean, cluster.documents) if not isinstance(a, SkippedDocument)]
        summary = [s.text for s in summarize(annotate(articles), words=250)]
        total += rouge.score(summary, cluster.reference)["rouge2"]
    check("summary_rouge2_multinews", total / len(clusters))


def test_clustering_bcubed_on_ecbplus_topics():
    need(EVALDATA / "ecbplus" / "docs.jsonl")
    from cluster_ecbplus import DEFAULT_SETTINGS, bcubed, load, run_online

    docs = [d for d in load() if 21 <= d["topic"] <= 28]  # held-out topics, both halves
    predicted, _seconds = run_online(docs, DEFAULT_SETTINGS, seed=0)
    _p, _r, f1 = bcubed(predicted, [(d["topic"], d["subtopic"]) for d in docs])
    check("clustering_bcubed_ecbplus", f1)


def test_quote_speaker_accuracy_on_polnear_articles():
    need(EVALDATA / "polnear")
    from quotes_polnear import annotate_texts, load_gold, predict_newsweave, score

    texts, gold = load_gold("test")
    keep = sorted(texts)[:20]
    texts = {name: texts[name] for name in keep}
    gold = [g for g in gold if g.article in texts]
    annotated, offsets = annotate_texts(texts)
    result = score(predict_newsweave(annotated, offsets), gold, texts)
    check("quote_speaker_accuracy_polnear", result["speaker_accuracy"])


def test_extraction_f1_on_a_trafilatura_dev_subset():
    from extraction_trafilatura import count, load_pages, metrics, newsweave_extractor

    pages = load_pages(need(EVALDATA / "trafilatura-dev"))[::8]  # 61 of the 482 pages
    extract = newsweave_extractor()
    scored = [count(page, extract(page.raw, page.url)) for page in pages]
    check("extraction_f1_trafilatura_dev", metrics(scored)["f1"])
