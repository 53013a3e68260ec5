"""Multi-document summarization on the 200-cluster Multi-News sample (LongBench multi_news).

Every system gets the same 250-word budget: its sentences are concatenated and
truncated at 250 whitespace words. Scores are rouge-score F1 (stemming) against
`answers[0]`, averaged over clusters, x100. Clusters with an even 0-based index
were used to tune newsweave's ranker; odd-index clusters are held out.

    python bench/summarize_multinews.py            # table + bench/results/summarize_multinews.json
    python bench/summarize_multinews.py --no-cache # re-clean and re-annotate
    python bench/summarize_multinews.py --set position_weight=0.8 --only newsweave
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import pickle
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (  # noqa: E402
    LANGUAGE,
    MULTINEWS,
    RESULTS,
    ROUGE_KEYS,
    Cluster,
    Rouge,
    cut_words,
    environment,
    load_clusters,
    split_name,
    sumy_tokenizer,
)

BUDGET = 250
SYSTEMS = ("lead-round-robin", "lexrank", "textrank", "lead-rr-cleaned", "newsweave")
CACHE_VERSION = "1"  # bump when the cached value's shape changes


# --- baselines (sumy's splitter over the raw documents)


def lead_round_robin(cluster: Cluster, tokenizer) -> list[str]:
    from sumy.parsers.plaintext import PlaintextParser

    per_doc = [
        [str(s) for s in PlaintextParser.from_string(d.text, tokenizer).document.sentences]
        for d in cluster.documents
    ]
    out = []
    for rank in range(max((len(s) for s in per_doc), default=0)):
        out.extend(s[rank] for s in per_doc if rank < len(s))
    return out


def sumy_ranked(summarizer_class) -> Callable[[Cluster, object], list[str]]:
    """Top-rated sentences until the budget is covered, shown in document order (sumy's own)."""
    from sumy.nlp.stemmers import Stemmer
    from sumy.parsers.plaintext import PlaintextParser
    from sumy.utils import get_stop_words

    summarizer = summarizer_class(Stemmer(LANGUAGE))
    summarizer.stop_words = get_stop_words(LANGUAGE)

    def run(cluster: Cluster, tokenizer) -> list[str]:
        text = "\n\n".join(d.text for d in cluster.documents)
        document = PlaintextParser.from_string(text, tokenizer).document

        def enough(infos):  # sumy hands over sentences best-first
            picked, words = [], 0
            for info in infos:
                if words >= BUDGET:
                    break
                picked.append(info)
                words += len(str(info.sentence).split())
            return picked

        return [str(s) for s in summarizer(document, enough)]

    return run


# --- newsweave


def annotated_clusters(clusters: Sequence[Cluster], use_cache: bool) -> tuple[list, dict]:
    """Clean + annotate every cluster (pickled under bench/results/cache/)."""
    import newsweave
    from newsweave.model import SkippedDocument
    from newsweave.nlp import MODEL_NAME, annotate
    from newsweave.pipeline import clean

    key = _cache_key()
    path = RESULTS / "cache" / f"annotated-{key}.pkl"
    if use_cache and path.exists():
        with path.open("rb") as stream:
            return pickle.load(stream)
    started = time.perf_counter()
    out, skipped = [], []
    for cluster in clusters:
        articles = []
        for raw in cluster.documents:
            item = clean(raw)
            if isinstance(item, SkippedDocument):
                skipped.append(str(item))
            else:
                articles.append(item)
        out.append(annotate(articles))
    info = {
        "skipped": skipped,
        "seconds": round(time.perf_counter() - started, 1),
        "newsweave": newsweave.__version__,
        "spacy_model": MODEL_NAME,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    for stale in path.parent.glob("annotated-*.pkl"):  # one entry: the current code and data
        stale.unlink()
    (path.parent / ".gitignore").write_text("*\n", encoding="utf-8")
    with path.open("wb") as stream:
        pickle.dump((out, info), stream)
    return out, info


def _cache_key() -> str:
    """Hash of the input file and of every source file that shapes an annotated article."""
    import newsweave

    package = Path(newsweave.__file__).parent
    digest = hashlib.sha256(CACHE_VERSION.encode())
    digest.update(MULTINEWS.read_bytes())
    sources = [package / "model.py", package / "nlp.py", package / "pipeline.py"]
    for folder in ("ingest", "extract"):
        sources += sorted((package / folder).glob("*.py"))
    for source in sources:
        digest.update(source.name.encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


def sentence_vectors(annotated: Sequence[Sequence], use_cache: bool) -> list:
    """Per cluster: the MiniLM vectors of every sentence of every article, in order, as
    `newsweave brief` hands them to the summary and the coverage section (pickled under
    bench/results/cache/, keyed by the annotation cache and the encoder's model id)."""
    import numpy as np

    from newsweave.encoder import MODEL_ID, encode

    digest = hashlib.sha256(_cache_key().encode())
    digest.update(MODEL_ID.encode())
    path = RESULTS / "cache" / f"vectors-{digest.hexdigest()[:16]}.pkl"
    if use_cache and path.exists():
        with path.open("rb") as stream:
            return pickle.load(stream)
    out = []
    for articles in annotated:
        texts = [s.text for a in articles for s in a.sentences]
        out.append(encode(texts) if texts else np.zeros((0, 384), np.float32))
    for stale in path.parent.glob("vectors-*.pkl"):
        stale.unlink()
    with path.open("wb") as stream:
        pickle.dump(out, stream)
    return out


def reads_vectors(settings) -> bool:
    """Whether a setting reads the MiniLM vectors (the defaults do not: encoding the
    16,173 sentences takes about 5 minutes here, then they come from the cache)."""
    return bool(
        settings.semantic_support_weight
        or settings.semantic_centroid_weight
        or settings.semantic_redundancy < 1.0
        or settings.semantic_mmr
        or reads_alignment(settings)
    )


def reads_alignment(settings) -> bool:
    """Whether a setting reads the coverage section's same-fact pairs (made from the
    MiniLM vectors, as `newsweave brief` makes them)."""
    return bool(settings.fact_weight or settings.fact_merge)


def newsweave_system(settings) -> Callable[..., list[str]]:
    from newsweave.summarize import summarize

    def run(annotated: Sequence, vectors=None) -> list[str]:
        aligned = None
        if reads_alignment(settings) and len(annotated) > 1:
            from newsweave.analyze.coverage import compare_coverage

            aligned = compare_coverage(annotated, vectors=vectors).alignment
        summary = summarize(
            annotated, words=BUDGET, settings=settings, vectors=vectors, aligned=aligned
        )
        return [s.text for s in summary]

    return run


def lead_round_robin_cleaned(annotated: Sequence) -> list[str]:
    """The lead baseline over newsweave's cleaned, split documents: isolates the ranker."""
    out = []
    for rank in range(max((len(a.sentences) for a in annotated), default=0)):
        out.extend(a.sentences[rank].text for a in annotated if rank < len(a.sentences))
    return out


def parse_settings(pairs: Sequence[str]):
    from newsweave.summarize import DEFAULT_SETTINGS

    changes = {}
    fields = {f.name: f for f in dataclasses.fields(DEFAULT_SETTINGS)}
    for pair in pairs:
        name, _, value = pair.partition("=")
        if name not in fields:
            raise SystemExit(f"unknown setting {name!r}; known: {', '.join(fields)}")
        kind = type(getattr(DEFAULT_SETTINGS, name))
        changes[name] = (value.lower() in ("1", "true", "yes")) if kind is bool else kind(value)
    return dataclasses.replace(DEFAULT_SETTINGS, **changes)


# --- report


def mean_scores(rows: list[dict], systems: Sequence[str], split: str | None) -> dict:
    picked = [r for r in rows if split is None or r["split"] == split]
    out = {"clusters": len(picked)}
    for system in systems:
        out[system] = {
            k: round(sum(r[system][k] for r in picked) / len(picked), 2) for k in ROUGE_KEYS
        }
        out[system]["words"] = round(sum(r[system]["words"] for r in picked) / len(picked), 1)
    return out


def print_table(summary: dict, systems: Sequence[str]) -> None:
    header = f"{'system':<18} {'split':<8} {'n':>4} " + " ".join(f"{k:>9}" for k in ROUGE_KEYS)
    print(header + f" {'words':>6}")
    print("-" * len(header + "       "))
    for system in systems:
        for split in ("all", "tune", "heldout"):
            block = summary[split]
            cells = " ".join(f"{block[system][k]:>9.2f}" for k in ROUGE_KEYS)
            words = block[system]["words"]
            print(f"{system:<18} {split:<8} {block['clusters']:>4} {cells} {words:>6.1f}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-cache", action="store_true", help="re-clean and re-annotate")
    parser.add_argument("--only", choices=SYSTEMS, action="append", help="run only these")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a SummarySettings field (tuning)",
    )
    parser.add_argument("--out", type=Path, default=RESULTS / "summarize_multinews.json")
    args = parser.parse_args(argv)
    systems = tuple(args.only or SYSTEMS)

    clusters = load_clusters()
    rouge = Rouge()
    tokenizer = sumy_tokenizer()
    baselines = {"lead-round-robin": lead_round_robin}
    if "lexrank" in systems:
        from sumy.summarizers.lex_rank import LexRankSummarizer

        baselines["lexrank"] = sumy_ranked(LexRankSummarizer)
    if "textrank" in systems:
        from sumy.summarizers.text_rank import TextRankSummarizer

        baselines["textrank"] = sumy_ranked(TextRankSummarizer)

    annotated, annotate_info, settings = None, {}, None
    if "newsweave" in systems or "lead-rr-cleaned" in systems:
        annotated, annotate_info = annotated_clusters(clusters, use_cache=not args.no_cache)
        settings = parse_settings(args.set)
        run_newsweave = newsweave_system(settings)
        vectors = (
            sentence_vectors(annotated, use_cache=not args.no_cache)
            if reads_vectors(settings)
            else [None] * len(annotated)
        )

    rows, seconds = [], dict.fromkeys(systems, 0.0)
    for i, cluster in enumerate(clusters):
        row: dict = {"line": cluster.line, "split": split_name(i), "docs": len(cluster.documents)}
        for system in systems:
            started = time.perf_counter()
            if system == "newsweave":
                sentences = run_newsweave(annotated[i], vectors[i])
            elif system == "lead-rr-cleaned":
                sentences = lead_round_robin_cleaned(annotated[i])
            else:
                sentences = baselines[system](cluster, tokenizer)
            seconds[system] += time.perf_counter() - started
            cut = cut_words(sentences, BUDGET)
            row[system] = rouge.score(cut, cluster.reference)
            row[system]["words"] = sum(len(s.split()) for s in cut)
        rows.append(row)

    summary = {
        split: mean_scores(rows, systems, None if split == "all" else split)
        for split in ("all", "tune", "heldout")
    }
    print(f"Multi-News 200 ({MULTINEWS.name}), budget {BUDGET} words, rouge-score F1 x100")
    print_table(summary, systems)
    if annotate_info.get("skipped"):
        print(f"newsweave skipped {len(annotate_info['skipped'])} documents while cleaning")
    result = {
        "data": f"shared/evaldata/multinews200/{MULTINEWS.name}",
        "budget_words": BUDGET,
        "metric": "rouge-score F1 x100, use_stemmer=True, reference answers[0]",
        "split": "tune = even 0-based cluster index, heldout = odd",
        "settings": dataclasses.asdict(settings) if settings else None,
        "scores": summary,
        "seconds": {k: round(v, 2) for k, v in seconds.items()},
        "annotate": {k: v for k, v in annotate_info.items() if k != "skipped"},
        # doc ids name the input by file name only: no machine paths in results
        "skipped_documents": [
            s.replace(str(MULTINEWS), MULTINEWS.name) for s in annotate_info.get("skipped", [])
        ],
        "environment": environment(),
        "clusters": rows,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
