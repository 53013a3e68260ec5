"""Shared helpers for the benchmarks: data location, Multi-News clusters, sumy set-up, ROUGE.

Shared data lives in the `shared` folder beside the repository root; nothing
here downloads anything.
"""

from __future__ import annotations

import json
import platform
import subprocess
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
MULTINEWS = SHARED / "evaldata" / "multinews200" / "multi_news.jsonl"
RESULTS = REPO / "bench" / "results"
LANGUAGE = "english"


@dataclass(frozen=True)
class Cluster:
    """One Multi-News row: its documents as newsweave read them, and the reference."""

    line: int  # 1-based line in the JSONL file
    documents: tuple  # tuple[RawDocument, ...] in passage order
    reference: str


def load_clusters(path: Path = MULTINEWS) -> list[Cluster]:
    """Read the clusters with newsweave's own reader; doc_id is "<path>:<line>/<passage>"."""
    from newsweave.ingest import read_sources
    from newsweave.model import RawDocument

    grouped: dict[int, list[RawDocument]] = {}
    for item in read_sources([path]):
        if not isinstance(item, RawDocument):
            print(f"reader skipped {item}", file=sys.stderr)
            continue
        line = int(item.doc_id.rsplit(":", 1)[1].split("/", 1)[0])
        grouped.setdefault(line, []).append(item)
    references = {}
    with path.open(encoding="utf-8") as stream:
        for number, row in enumerate(stream, start=1):
            if row.strip():
                references[number] = json.loads(row)["answers"][0]
    return [Cluster(n, tuple(grouped.get(n, ())), references[n]) for n in sorted(references)]


def split_name(index: int) -> str:
    """Clusters with an even 0-based index were used for tuning; odd ones are held out."""
    return "tune" if index % 2 == 0 else "heldout"


# --- sumy backed by the pure-Python Punkt model (NLTK's punkt_tab data cannot be downloaded)


def punkt_tokenizer():
    import punkt

    return punkt.PunktSentenceTokenizer(punkt.load_model(LANGUAGE))


class _PunktWordTokenizer:
    """nltk.word_tokenize, with its internal sentence split done by the punkt package."""

    def __init__(self, sentences) -> None:
        from nltk.tokenize import NLTKWordTokenizer

        self._sentences = sentences
        self._words = NLTKWordTokenizer()

    def tokenize(self, text: str) -> list[str]:
        return [w for s in self._sentences.tokenize(text) for w in self._words.tokenize(s)]


def sumy_tokenizer():
    """sumy's English Tokenizer with NLTK's Punkt replaced by the same model from `punkt`.

    sumy adds its extra abbreviations (e.g, al, i.e) to `_params.abbrev_types`,
    which the punkt package's tokenizer exposes the same way as NLTK's.
    """
    from sumy.nlp.tokenizers import Tokenizer

    class PunktTokenizer(Tokenizer):
        def _get_sentence_tokenizer(self, language):
            return punkt_tokenizer()

        def _get_word_tokenizer(self, language):
            return _PunktWordTokenizer(self._sentence_tokenizer)

    return PunktTokenizer(LANGUAGE)


# --- budgets and scoring


def cut_words(sentences: Iterable[str], budget: int) -> list[str]:
    """Concatenate sentences and truncate at `budget` whitespace words (last one may be cut)."""
    out: list[str] = []
    left = budget
    for sentence in sentences:
        words = sentence.split()
        if not words or left <= 0:
            if left <= 0:
                break
            continue
        out.append(" ".join(words[:left]))
        left -= len(words)
    return out


ROUGE_KEYS = ("rouge1", "rouge2", "rougeL", "rougeLsum")


class Rouge:
    """rouge-score F1 with stemming; rougeLsum sees one sentence per line on both sides."""

    def __init__(self) -> None:
        from rouge_score import rouge_scorer

        self._scorer = rouge_scorer.RougeScorer(list(ROUGE_KEYS), use_stemmer=True)
        self._split = punkt_tokenizer()

    def lines(self, text: str) -> str:
        return "\n".join(s.strip() for s in self._split.tokenize(text) if s.strip())

    def score(self, sentences: Sequence[str], reference: str) -> dict[str, float]:
        prediction = "\n".join(sentences)
        scores = self._scorer.score(self.lines(reference), prediction)
        return {k: scores[k].fmeasure * 100 for k in ROUGE_KEYS}


def environment() -> dict[str, str]:
    try:
        commit = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
    except OSError:
        commit = ""
    return {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "processor": platform.processor() or platform.machine(),
        "commit": commit or "(uncommitted)",
    }


def run_extractors(
    extractors: dict, pages: Sequence[tuple[str, object, str]], *, progress: int = 0
) -> dict[str, tuple[list[str], float, list[str]]]:
    """(texts, CPU seconds per page, errors) of each extractor over `pages` (page id, raw
    page, url), run interleaved page by page; each extractor is called as (raw, url).

    The machine is shared: run one extractor after another and each meets a different
    load. So every page goes through all of them in turn (the order rotating from page to
    page), and the time is this process's CPU time, which other processes' work does not
    inflate the way wall-clock time is. `progress`: a line on stderr every that many pages.
    """
    import time

    names = list(extractors)
    for extract in extractors.values():
        extract(pages[0][1], pages[0][2])  # warm-up: imports, lazy models, caches
    texts: dict[str, list[str]] = {name: [] for name in names}
    errors: dict[str, list[str]] = {name: [] for name in names}
    seconds = dict.fromkeys(names, 0.0)
    for number, (page_id, raw, url) in enumerate(pages):
        for name in names[number % len(names) :] + names[: number % len(names)]:
            start = time.process_time()
            try:
                text = extractors[name](raw, url)
            except Exception as exc:  # a crash on one page scores as an empty extraction
                text = ""
                errors[name].append(f"{page_id}: {type(exc).__name__}: {str(exc)[:100]}")
            seconds[name] += time.process_time() - start
            texts[name].append(text)
        if progress and number % progress == progress - 1:
            print(f"  {number + 1} pages", file=sys.stderr, flush=True)
    return {name: (texts[name], seconds[name] / len(pages), errors[name]) for name in names}
