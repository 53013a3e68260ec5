"""Article-body extraction on the Zyte benchmark (181 pages with hand-checked article bodies).

Metric: the benchmark's own evaluate.py, re-implemented. Tokens are `\\w+`
(case kept), shingles are word 4-grams; per page the multiset TP/FP/FN are
normalised to sum 1; precision and recall are means over pages (precision over
pages with a prediction, recall over pages with a reference); F1 is the
harmonic mean of those two means. 95% intervals are 1.96 x the standard
deviation over 1000 seeded bootstrap resamples of pages, as in evaluate.py.

Every extractor sees the same decoded page in the same run; they take turns page by page
and time is CPU time, so a shared machine's load falls on all alike. Pages with an even
0-based index (ids sorted) are the "tune" half, odd ones "held out".

    python bench/extraction_zyte.py                 # table + bench/results/extraction_zyte.json
    python bench/extraction_zyte.py --only newsweave
    python bench/extraction_zyte.py --sweep         # newsweave's second-opinion thresholds
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import random
import re
import statistics
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from importlib import metadata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (  # noqa: E402
    RESULTS,
    SHARED,
    environment,
    punkt_tokenizer,
    run_extractors,
    split_name,
)

ZYTE = SHARED / "evaldata" / "zyte"
N_BOOTSTRAP = 1000
Extractor = Callable[[str, str], str]  # (html, url) -> article text
TpFpFn = tuple[float, float, float]

# --- the metric (evaluate.py of scrapinghub/article-extraction-benchmark)

_TOKEN = re.compile(r"\w+", re.UNICODE | re.MULTILINE | re.IGNORECASE | re.DOTALL)


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text or "")
    grams = (tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)))
    return Counter(g for g in grams if g)


def match(true: str, pred: str) -> TpFpFn:
    """Normalised multiset TP/FP/FN of 4-gram shingles for one page."""
    t, p = shingles(true), shingles(pred)
    tp = sum((t & p).values())
    fp = sum((p - t).values())
    fn = sum((t - p).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def precision(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return 0.0 if tp == fp == 0 else tp / (tp + fp)


def recall(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return 0.0 if tp == fn == 0 else tp / (tp + fn)


def metrics(pages: Sequence[TpFpFn]) -> dict[str, float]:
    p = statistics.mean(precision(*x) for x in pages if x[0] + x[1] > 0)
    r = statistics.mean(recall(*x) for x in pages if x[0] + x[2] > 0)
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r)}


def bootstrap_ci(pages: Sequence[TpFpFn], seed: int = 0) -> dict[str, float]:
    rng = random.Random(seed)
    samples: dict[str, list[float]] = {}
    for _ in range(N_BOOTSTRAP):
        picked = [pages[rng.randrange(len(pages))] for _ in pages]
        for key, value in metrics(picked).items():
            samples.setdefault(key, []).append(value)
    return {f"{k}_ci": 1.96 * statistics.stdev(v) for k, v in samples.items()}


def paired_f1_difference(a: Sequence[TpFpFn], b: Sequence[TpFpFn], seed: int = 0) -> dict:
    """F1(a) - F1(b) with a 95% bootstrap interval over the same resampled pages."""
    rng = random.Random(seed)
    diffs = []
    for _ in range(N_BOOTSTRAP):
        idx = [rng.randrange(len(a)) for _ in a]
        diffs.append(metrics([a[i] for i in idx])["f1"] - metrics([b[i] for i in idx])["f1"])
    return {
        "f1_diff": metrics(a)["f1"] - metrics(b)["f1"],
        "ci": 1.96 * statistics.stdev(diffs),
        "share_of_resamples_above_zero": sum(d > 0 for d in diffs) / len(diffs),
    }


# --- data


def load_pages(root: Path) -> list[tuple[str, str, str, str]]:
    """(page id, url, html, reference body) for every page, ids sorted."""
    truth = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for page_id in sorted(truth):
        with gzip.open(root / "html" / f"{page_id}.html.gz", "rt", encoding="utf-8") as f:
            html = f.read()
        pages.append((page_id, truth[page_id]["url"], html, truth[page_id]["articleBody"]))
    return pages


# --- extractors


def newsweave_extractor() -> Extractor:
    from newsweave.extract.html import extract_html

    return lambda html, url: "\n".join(extract_html(html, url).paragraphs)


def trafilatura_extractor(**settings: object) -> Extractor:
    import trafilatura

    return lambda html, url: trafilatura.extract(html, **settings) or ""


def readability_extractor() -> Extractor:
    """readability-lxml summary, turned into text with html-text as the benchmark does."""
    from readability import Document

    try:
        import html_text

        to_text: Callable[[str], str] = html_text.extract_text
    except ImportError:  # same block-aware conversion newsweave uses for readability
        import lxml.html

        def to_text(summary: str) -> str:
            fragment = lxml.html.fromstring(summary)
            for el in fragment.iter():
                if isinstance(el.tag, str):
                    el.tail = "\n" + (el.tail or "")
            return fragment.text_content()

    return lambda html, url: to_text(Document(html).summary(html_partial=True))


def newspaper_extractor() -> Extractor:
    """newspaper4k as the benchmark runs it, minus image fetching (no network here).

    newspaper4k needs NLTK's punkt_tab for some languages; it cannot be downloaded
    here, so the same English Punkt model from the `punkt` package stands in.
    """
    import newspaper
    import nltk

    try:
        nltk.data.find("tokenizers/punkt_tab/english/")
    except LookupError:
        import nltk.tokenize

        model = punkt_tokenizer()
        nltk.tokenize._get_punkt_tokenizer = lambda language="english": model

    config = newspaper.Config()
    config.fetch_images = False

    def run(html: str, url: str) -> str:
        article = newspaper.Article(url, config=config)
        article.download(input_html=html)
        article.parse()
        return article.text

    return run


EXTRACTORS: dict[str, tuple[str, Callable[[], Extractor]]] = {
    # name: (distribution whose version is reported, factory)
    "newsweave": ("newsweave", newsweave_extractor),
    "trafilatura (default)": ("trafilatura", trafilatura_extractor),
    "trafilatura (no comments)": (
        "trafilatura",
        lambda: trafilatura_extractor(include_comments=False),
    ),
    "readability-lxml": ("readability-lxml", readability_extractor),
    "newspaper4k": ("newspaper4k", newspaper_extractor),
}


def version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "?"


def _inputs(pages: list[tuple[str, str, str, str]]) -> list[tuple[str, str, str]]:
    """(page id, html, url) of each (page id, url, html, truth) page."""
    return [(page_id, html, url) for page_id, url, html, _ in pages]


def score_texts(texts: list[str], pages: list[tuple[str, str, str, str]]) -> dict:
    matches = [match(truth, text) for (_, _, _, truth), text in zip(pages, texts, strict=True)]
    halves = {
        half: metrics([m for i, m in enumerate(matches) if split_name(i) == half])
        for half in ("tune", "heldout")
    }
    return {
        **metrics(matches),
        **bootstrap_ci(matches),
        "tune": halves["tune"],
        "heldout": halves["heldout"],
        "_matches": matches,
    }


def score_extractor(extract: Extractor, pages: list[tuple[str, str, str, str]]) -> dict:
    texts, seconds, errors = run_extractors({"one": extract}, _inputs(pages))["one"]
    return {**score_texts(texts, pages), "cpu_ms_per_page": 1000 * seconds, "errors": errors}


def sweep(pages: list[tuple[str, str, str, str]]) -> list[dict]:
    """F1 on each half for a grid around newsweave's second-opinion thresholds."""
    from newsweave.extract import html as module

    names = ("EXTEND_MIN_RATIO", "EXTEND_MIN_SUPPORT", "TRIM_MIN_AGREEMENT", "EDGE_MIN_SUPPORT")
    grid = ([1.2, 1.5, 2.0], [0.8, 0.9, 0.95], [0.6, 0.8, 0.9], [0.3, 0.5, 0.7])
    default = {n: getattr(module, n) for n in names}
    extract = newsweave_extractor()
    rows = []
    try:
        for values in itertools.product(*grid):
            for name, value in zip(names, values, strict=True):
                setattr(module, name, value)
            found = score_extractor(extract, pages)
            rows.append(
                {
                    **dict(zip(names, values, strict=True)),
                    "tune_f1": found["tune"]["f1"],
                    "heldout_f1": found["heldout"]["f1"],
                    "f1": found["f1"],
                }
            )
            print(rows[-1], flush=True)
    finally:
        for name, value in default.items():
            setattr(module, name, value)
    return rows


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ZYTE, help="benchmark folder")
    parser.add_argument("--only", action="append", choices=sorted(EXTRACTORS))
    parser.add_argument("--sweep", action="store_true", help="grid over newsweave thresholds")
    parser.add_argument("--output", type=Path, help="default: bench/results/extraction_zyte.json")
    args = parser.parse_args(argv)
    partial = "_partial" if args.only else ""  # a partial run never overwrites the full table
    args.output = args.output or RESULTS / f"extraction_zyte{partial}.json"
    if not (args.data / "ground-truth.json").exists():
        sys.exit(f"benchmark data not found in {args.data} (expected ground-truth.json, html/)")
    pages = load_pages(args.data)

    if args.sweep:
        rows = sweep(pages)
        best = max(rows, key=lambda r: r["tune_f1"])
        print(f"best on tune half: {best}")
        print(
            f"held-out F1 range over the grid: {min(r['heldout_f1'] for r in rows):.4f}"
            f" - {max(r['heldout_f1'] for r in rows):.4f}"
        )
        out = args.output.with_name("extraction_zyte_sweep.json")
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps({"environment": environment(), "grid": rows}, indent=2) + "\n")
        return

    extractors: dict[str, Extractor] = {}
    for name in args.only or list(EXTRACTORS):
        try:
            extractors[name] = EXTRACTORS[name][1]()
        except ImportError as exc:
            print(f"{name}: not installed ({exc.name}); skipped", file=sys.stderr)
    print(f"running {', '.join(extractors)} on {len(pages)} pages ...", file=sys.stderr)
    results: dict[str, dict] = {}
    for name, (texts, seconds, errors) in run_extractors(extractors, _inputs(pages)).items():
        results[name] = {
            "version": version(EXTRACTORS[name][0]),
            **score_texts(texts, pages),
            "cpu_ms_per_page": 1000 * seconds,
            "errors": errors,
        }
    unit = results.get("trafilatura (default)", {}).get("cpu_ms_per_page")
    for r in results.values():
        r["time_vs_trafilatura"] = r["cpu_ms_per_page"] / unit if unit else None

    head = f"{'extractor':<27} {'version':<8} {'P':>6} {'R':>6} {'F1':>6} {'±F1':>6}"
    print(head + f" {'F1 tune':>8} {'F1 held':>8} {'CPU ms/page':>12} {'errors':>6}")
    for name, r in sorted(results.items(), key=lambda kv: -kv[1]["f1"]):
        print(
            f"{name:<27} {r['version']:<8} {r['precision']:>6.3f} {r['recall']:>6.3f}"
            f" {r['f1']:>6.3f} {r['f1_ci']:>6.3f} {r['tune']['f1']:>8.3f}"
            f" {r['heldout']['f1']:>8.3f} {r['cpu_ms_per_page']:>6.1f}"
            f" ({r['time_vs_trafilatura'] or 0:.2f}x) {len(r['errors']):>6}"
        )
    comparisons = {}
    if "newsweave" in results:
        for other in results:
            if other != "newsweave":
                diff = paired_f1_difference(
                    results["newsweave"]["_matches"], results[other]["_matches"]
                )
                comparisons[f"newsweave - {other}"] = diff
                print(
                    f"F1 newsweave - {other}: {diff['f1_diff']:+.3f} ± {diff['ci']:.3f}"
                    f" (above zero in {diff['share_of_resamples_above_zero']:.0%} of resamples)"
                )
    for r in results.values():
        r.pop("_matches")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "benchmark": "scrapinghub/article-extraction-benchmark @4a3bc97 (181 pages)",
        "pages": len(pages),
        "environment": environment(),
        "results": results,
        "paired_differences": comparisons,
    }
    args.output.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.output}", file=sys.stderr)


if __name__ == "__main__":
    main()
