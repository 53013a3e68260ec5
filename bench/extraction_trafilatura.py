"""Article-body extraction on trafilatura's evaluation set, development half (482 real pages).

Metric: the set's README (as upstream's tests/comparison.py): every extractor gets the raw
page bytes (and the page URL); its text and each snippet are whitespace-normalised; per
page a "with" snippet found as a substring is a true positive, one missing a false
negative, a "without" snippet found a false positive; counts are summed over pages,
P = TP/(TP+FP), R = TP/(TP+FN), F1 = 2TP/(2TP+FP+FN). A page refused or failed on scores
as empty text.

Every extractor runs on the same pages in the same run; time per page is reported as a
ratio to trafilatura's (default settings), in CPU time, the extractors taking turns on
each page so that the load of a shared machine falls on all of them alike. Pages are
split into two halves by a hash of their site (sha1 of the host without "www."): "tune"
(even) and "confirm" (odd), so no site is on both sides; changes are chosen on "tune" and
checked on "confirm" (the set's other half, upstream's odd pages, is held out from this
project altogether). The page's language, for the per-language table, is newsweave's
detector on trafilatura's text.

    python bench/extraction_trafilatura.py   # table + bench/results/extraction_trafilatura.json
    python bench/extraction_trafilatura.py --only newsweave --misses /tmp/misses.txt
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import json
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import RESULTS, SHARED, environment, run_extractors  # noqa: E402
from extraction_zyte import newspaper_extractor, readability_extractor, version  # noqa: E402

DATA = SHARED / "evaldata" / "trafilatura-dev"
Extractor = Callable[[bytes, str], str]  # (raw page bytes, url) -> article text
TRAFILATURA = "trafilatura (default)"


@dataclass(frozen=True)
class Page:
    url: str
    raw: bytes
    with_: tuple[str, ...]  # snippets that must appear
    without: tuple[str, ...]  # snippets that must not appear


@dataclass(frozen=True)
class Counts:
    tp: int
    fn: int
    fp: int


# --- the metric


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def count(page: Page, text: str) -> Counts:
    found = normalise(text)
    tp = sum(normalise(s) in found for s in page.with_)
    fp = sum(normalise(s) in found for s in page.without)
    return Counts(tp, len(page.with_) - tp, fp)


def metrics(pages: Sequence[Counts]) -> dict[str, float]:
    tp, fn, fp = (sum(getattr(c, k) for c in pages) for k in ("tp", "fn", "fp"))
    return {
        "precision": tp / (tp + fp) if tp + fp else 0.0,
        "recall": tp / (tp + fn) if tp + fn else 0.0,
        "f1": 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0,
        "pages": len(pages),
    }


# --- data


def site(url: str) -> str:
    host = urlsplit(url).hostname or url
    return host.removeprefix("www.")


def half(url: str) -> str:
    """'tune' or 'confirm', by a hash of the page's site: a site is never on both sides."""
    return "tune" if hashlib.sha1(site(url).encode()).digest()[0] % 2 == 0 else "confirm"


def load_pages(root: Path = DATA) -> list[Page]:
    index = json.loads((root / "evaldata.json").read_text(encoding="utf-8"))
    return [
        Page(
            url=url,
            raw=gzip.decompress((root / "html" / f"{record['file']}.gz").read_bytes()),
            with_=tuple(record.get("with", ())),
            without=tuple(record.get("without", ())),
        )
        for url, record in sorted(index.items())
    ]


# --- extractors


def newsweave_extractor() -> Extractor:
    """What `newsweave extract` makes of the page: its decoding, cleaning and refusals."""
    from newsweave.ingest import read_sources
    from newsweave.model import Article, DocHints, RawDocument
    from newsweave.pipeline import clean

    def run(raw: bytes, url: str) -> str:
        texts = []
        for item in read_sources(["-"], stdin=io.BytesIO(raw)):
            if isinstance(item, RawDocument):
                article = clean(replace(item, hints=DocHints(url=url)))
                if isinstance(article, Article):
                    texts.append(article.text)
        return "\n".join(texts)

    return run


def trafilatura_extractor(**settings: object) -> Extractor:
    import trafilatura

    return lambda raw, url: trafilatura.extract(raw, url=url, **settings) or ""


def _from_text(make: Callable[[], Callable[[str, str], str]]) -> Callable[[], Extractor]:
    """An extractor of decoded HTML (as in the Zyte bench) fed the bytes as UTF-8 or Latin-1."""

    def factory() -> Extractor:
        extract = make()

        def run(raw: bytes, url: str) -> str:
            try:
                html = raw.decode("utf-8")
            except UnicodeDecodeError:
                html = raw.decode("cp1252", errors="replace")
            return extract(html, url)

        return run

    return factory


EXTRACTORS: dict[str, tuple[str, Callable[[], Extractor]]] = {
    "newsweave": ("newsweave", newsweave_extractor),
    TRAFILATURA: ("trafilatura", trafilatura_extractor),
    "trafilatura (no comments)": (
        "trafilatura",
        lambda: trafilatura_extractor(include_comments=False),
    ),
    "readability-lxml": ("readability-lxml", _from_text(readability_extractor)),
    "newspaper4k": ("newspaper4k", _from_text(newspaper_extractor)),
}


def page_languages(pages: list[Page], trafilatura_texts: list[str]) -> list[str]:
    from newsweave.language import detect_language

    return [detect_language(text).code for text in trafilatura_texts]


def score(pages: list[Page], texts: list[str], languages: list[str]) -> dict:
    counts = [count(p, t) for p, t in zip(pages, texts, strict=True)]
    by_half = {
        name: metrics([c for p, c in zip(pages, counts, strict=True) if half(p.url) == name])
        for name in ("tune", "confirm")
    }
    by_language: dict[str, list[Counts]] = {}
    for language, c in zip(languages, counts, strict=True):
        by_language.setdefault(language, []).append(c)
    return {
        **metrics(counts),
        **by_half,
        "languages": {k: metrics(v) for k, v in sorted(by_language.items())},
        "_counts": counts,
    }


def write_misses(path: Path, pages: list[Page], texts: list[str], languages: list[str]) -> None:
    """Pages newsweave gets wrong, worst first: missing and unwanted snippets, text head."""
    rows = []
    for page, text, language in zip(pages, texts, languages, strict=True):
        c = count(page, text)
        if c.fn or c.fp:
            found = normalise(text)
            missing = [s for s in page.with_ if normalise(s) not in found]
            unwanted = [s for s in page.without if normalise(s) in found]
            rows.append((c.fn + c.fp, page, language, missing, unwanted, text))
    with path.open("w", encoding="utf-8") as out:
        for _, page, language, missing, unwanted, text in sorted(rows, key=lambda r: -r[0]):
            out.write(f"== {page.url} [{language}, {half(page.url)}] {len(text)} chars\n")
            out.write("".join(f"  MISSING {s!r}\n" for s in missing))
            out.write("".join(f"  UNWANTED {s!r}\n" for s in unwanted))
            out.write(f"  HEAD {normalise(text)[:300]!r}\n")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA, help="evaluation folder")
    parser.add_argument("--only", action="append", choices=sorted(EXTRACTORS))
    parser.add_argument("--misses", type=Path, help="write newsweave's failed pages here")
    parser.add_argument("--output", type=Path)
    args = parser.parse_args(argv)
    partial = "_partial" if args.only else ""  # a partial run never overwrites the full table
    args.output = args.output or RESULTS / f"extraction_trafilatura{partial}.json"
    if not (args.data / "evaldata.json").exists():
        sys.exit(f"evaluation data not found in {args.data} (expected evaldata.json, html/)")
    pages = load_pages(args.data)

    names = list(dict.fromkeys([TRAFILATURA, *(args.only or EXTRACTORS)]))  # the time unit
    extractors: dict[str, Extractor] = {}
    for name in names:
        try:
            extractors[name] = EXTRACTORS[name][1]()
        except ImportError as exc:
            print(f"{name}: not installed ({exc.name}); skipped", file=sys.stderr)
    print(f"running {', '.join(extractors)} on {len(pages)} pages ...", file=sys.stderr)
    runs = run_extractors(extractors, [(p.url, p.raw, p.url) for p in pages], progress=100)
    languages = page_languages(pages, runs[TRAFILATURA][0])
    results: dict[str, dict] = {}
    for name, (texts, seconds, errors) in runs.items():
        results[name] = {
            "version": version(EXTRACTORS[name][0]),
            **score(pages, texts, languages),
            "cpu_ms_per_page": 1000 * seconds,
            "errors": errors,
        }
        if name == "newsweave" and args.misses:
            write_misses(args.misses, pages, texts, languages)
    unit = results[TRAFILATURA]["cpu_ms_per_page"]
    for r in results.values():
        r["time_vs_trafilatura"] = r["cpu_ms_per_page"] / unit

    head = f"{'extractor':<27} {'version':<8} {'P':>6} {'R':>6} {'F1':>6}"
    print(f"{head} {'tune':>6} {'confirm':>7}")
    for name, r in sorted(results.items(), key=lambda kv: -kv[1]["f1"]):
        print(
            f"{name:<27} {r['version']:<8} {r['precision']:>6.3f} {r['recall']:>6.3f}"
            f" {r['f1']:>6.3f} {r['tune']['f1']:>6.3f} {r['confirm']['f1']:>7.3f}"
            f"  {r['cpu_ms_per_page']:>6.1f} CPU ms/page ({r['time_vs_trafilatura']:.2f}x)"
            f"  {len(r['errors'])} errors"
        )
    shown = [n for n in results if n in ("newsweave", TRAFILATURA)] + [
        n for n in results if n not in ("newsweave", TRAFILATURA)
    ]
    print("\nF1 per language (pages): " + " | ".join(shown))
    for language in sorted(set(languages), key=lambda code: -languages.count(code)):
        cells = "  ".join(f"{results[n]['languages'][language]['f1']:.3f}" for n in shown)
        print(f"  {language:<4} ({languages.count(language):>3})  {cells}")
    for r in results.values():
        r.pop("_counts")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "benchmark": "trafilatura tests/evaldata.json @e90b0ef, development half (482 pages)",
        "pages": len(pages),
        "halves": {h: sum(half(p.url) == h for p in pages) for h in ("tune", "confirm")},
        "environment": environment(),
        "results": results,
    }
    args.output.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.output}", file=sys.stderr)


if __name__ == "__main__":
    main()
