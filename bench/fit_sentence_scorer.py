"""Fit the summary's learned sentence scorer on the tuning half of the Multi-News sample.

Every candidate sentence of every tuning cluster (even 0-based index) gets the features
newsweave computes (`newsweave.summarize.extractive.sentence_features`) and a label: by
default its best bigram F1 with one sentence of the cluster's human summary (rouge-score's
tokenizer and stemmer, clipped counts), so a sentence that tells one of the summary's points
scores high whatever its length, and two outlets' tellings of it score alike (`--label`
has the others tried: plain ROUGE-2 recall, a greedy oracle's picks, in-story ranks). A
gradient-boosted regression (scikit-learn) is fitted to them and written as plain trees to
`src/newsweave/summarize/sentence_scorer.json`, which the summary reads offline. The
held-out half is never read here.

    python bench/fit_sentence_scorer.py --cv        # 2-fold ROUGE-2 within the tuning half
    python bench/fit_sentence_scorer.py --cv --mix 0.3 --set mmr_lambda=0.5
    python bench/fit_sentence_scorer.py             # fit on the whole tuning half, write JSON
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import REPO, RESULTS, Rouge, cut_words, load_clusters, split_name  # noqa: E402
from summarize_multinews import BUDGET, annotated_clusters, parse_settings  # noqa: E402

LABELS = ("align", "recall", "oracle", "recall-rank", "density-rank")
MODEL_OUT = REPO / "src" / "newsweave" / "summarize" / "sentence_scorer.json"
PARAMS = {
    "n_estimators": 150,
    "max_depth": 3,
    "learning_rate": 0.05,
    "subsample": 1.0,
    "min_samples_leaf": 40,
    "random_state": 0,
}
BAG = 5  # fits averaged (each on a bootstrap sample of the tuning clusters)


def bigrams(text: str, tokenizer) -> Counter:
    tokens = tokenizer.tokenize(text)
    return Counter(zip(tokens, tokens[1:], strict=False))


def labelled(annotated, clusters, indexes, tokenizer, label):
    """Per cluster index: (features, label of each candidate sentence).

    `recall`: the sentence's ROUGE-2 recall; `oracle`: 1 if a greedy oracle that adds the
    sentence bringing the most reference bigrams not yet covered, within the word budget,
    picks it, else 0.
    """
    from newsweave.summarize.extractive import sentence_features

    out = {}
    for i in indexes:
        sentences, x = sentence_features(annotated[i])
        reference = bigrams(clusters[i].reference, tokenizer)
        total = max(sum(reference.values()), 1)
        pairs = [bigrams(s.text, tokenizer) for s in sentences]
        overlap = np.array([sum((p & reference).values()) for p in pairs], dtype=float)
        if label == "recall":
            y = overlap / total
        elif label == "recall-rank":  # within the story: what the selection compares
            y = _percentile(overlap)
        elif label == "align":  # its best bigram F1 with one sentence of the reference
            y = _aligned(pairs, clusters[i].reference, tokenizer)
        elif label == "density-rank":
            y = _percentile(overlap / np.array([max(len(s.text.split()), 1) for s in sentences]))
        else:
            y = oracle(pairs, [len(s.text.split()) for s in sentences], reference)
        out[i] = (x, y)
    return out


def _aligned(pairs: list[Counter], reference: str, tokenizer) -> np.ndarray:
    from _common import punkt_tokenizer

    lines = [bigrams(r, tokenizer) for r in punkt_tokenizer().tokenize(reference)]
    out = np.zeros(len(pairs))
    for j, p in enumerate(pairs):
        n_p = sum(p.values())
        for r in lines:
            hit = sum((p & r).values())
            if hit:
                f1 = 2 * hit / (n_p + sum(r.values()))
                out[j] = max(out[j], f1)
    return out


def _percentile(values: np.ndarray) -> np.ndarray:
    """Each value's rank among the story's, 0 (lowest) to 1 (highest); ties share one."""
    if len(values) < 2:
        return np.ones(len(values))
    order = np.searchsorted(np.sort(values), values, side="right") - 1
    return order / (len(values) - 1)


def oracle(pairs: list[Counter], words: list[int], reference: Counter) -> np.ndarray:
    chosen = np.zeros(len(pairs))
    covered: Counter = Counter()
    used = 0
    while True:
        best, gain = -1, 0
        for j, p in enumerate(pairs):
            if chosen[j] or used + words[j] > BUDGET:
                continue
            g = sum(((covered + p) & reference).values()) - sum((covered & reference).values())
            if g > gain:
                best, gain = j, g
        if best < 0:
            return chosen
        chosen[best] = 1.0
        covered += pairs[best]
        used += words[best]


def fit(rows: list[tuple[np.ndarray, np.ndarray]], bag: int = 1):
    """One gradient-boosted regression, or (`bag` > 1) the average of `bag` of them, each
    fitted on a bootstrap sample of the clusters (rows are per cluster) with its own seed:
    the average is steadier than one fit on a few hundred stories."""
    from sklearn.ensemble import GradientBoostingRegressor

    x = np.vstack([r[0] for r in rows])
    params = dict(PARAMS)
    if bag <= 1:
        y = np.concatenate([r[1] for r in rows]) * 100
        return GradientBoostingRegressor(**params).fit(x, y), x
    members = []
    for k in range(bag):
        picked = np.random.default_rng(k).integers(0, len(rows), len(rows))
        xk = np.vstack([rows[j][0] for j in picked])
        yk = np.concatenate([rows[j][1] for j in picked]) * 100
        members.append(GradientBoostingRegressor(**dict(params, random_state=k)).fit(xk, yk))
    return Bagged(tuple(members)), x


@dataclasses.dataclass(frozen=True)
class Bagged:
    """The mean of a few fitted regressions (what `export` writes as one ensemble)."""

    members: tuple

    def predict(self, x: np.ndarray) -> np.ndarray:
        return np.mean([m.predict(x) for m in self.members], axis=0)

    @property
    def feature_importances_(self) -> np.ndarray:
        return np.mean([m.feature_importances_ for m in self.members], axis=0)


def export(model, x: np.ndarray, label: str = "align") -> dict:
    from newsweave.summarize import scorer

    # the mean of K boosted fits with one learning rate is one ensemble: the mean of their
    # starting values plus all their trees, each weighed learning_rate / K
    members = model.members if isinstance(model, Bagged) else (model,)
    if len({m.learning_rate for m in members}) != 1:
        raise SystemExit("the bagged fits do not share one learning rate")
    trees = []
    for tree in (t for m in members for (t,) in m.estimators_):
        t = tree.tree_
        trees.append(
            {
                "feature": t.feature.tolist(),
                "threshold": [round(float(v), 9) for v in t.threshold],
                "left": t.children_left.tolist(),
                "right": t.children_right.tolist(),
                "value": [round(float(v), 9) for v in t.value[:, 0, 0]],
            }
        )
    data = {
        "about": "newsweave sentence scorer: gradient-boosted trees estimating a sentence's "
        f"label ({label}, x100) against the human summary; fitted by bench/fit_sentence_scorer.py "
        "on the tuning half (even 0-based index) of the 200-cluster Multi-News sample",
        "features": list(scorer.FEATURES),
        "params": PARAMS,
        "bagged": len(members),
        "init": float(np.mean([m.init_.constant_.ravel()[0] for m in members])),
        "learning_rate": members[0].learning_rate / len(members),
        "trees": trees,
    }
    ours = scorer.from_json(json.loads(json.dumps(data))).predict(x)
    if not np.allclose(ours, model.predict(x), atol=1e-6):
        raise SystemExit("the exported trees do not reproduce scikit-learn's predictions")
    return data


def rouge2(annotated, clusters, indexes, settings, model, rouge) -> float:
    from newsweave.summarize import summarize

    total = 0.0
    for i in indexes:
        summary = summarize(annotated[i], words=BUDGET, settings=settings, model=model)
        cut = cut_words([s.text for s in summary], BUDGET)
        total += rouge.score(cut, clusters[i].reference)["rouge2"]
    return total / len(indexes)


def main(argv=None) -> int:
    from rouge_score import tokenizers

    from newsweave.summarize import scorer

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cv", action="store_true", help="2-fold ROUGE-2 within the tuning half")
    parser.add_argument("--mix", type=float, action="append", help="learned_mix values (--cv)")
    parser.add_argument("--label", choices=LABELS, default="align")
    parser.add_argument(
        "--split-seed", type=int, help="(--cv) shuffle the tuning clusters into two other folds"
    )
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("--bag", type=int, default=BAG, help="average this many bootstrap fits")
    parser.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a boosting parameter (PARAMS)",
    )
    args = parser.parse_args(argv)
    for pair in args.param:
        name, _, value = pair.partition("=")
        if name not in PARAMS:
            raise SystemExit(f"unknown parameter {name!r}; known: {', '.join(PARAMS)}")
        PARAMS[name] = type(PARAMS[name])(value)

    started = time.process_time()
    clusters = load_clusters()
    annotated, _ = annotated_clusters(clusters, use_cache=True)
    tune = [i for i in range(len(clusters)) if split_name(i) == "tune"]
    tokenizer = tokenizers.DefaultTokenizer(use_stemmer=True)
    data = labelled(annotated, clusters, tune, tokenizer, args.label)

    if args.cv:
        rouge = Rouge()
        order = list(tune)
        if args.split_seed is not None:
            np.random.default_rng(args.split_seed).shuffle(order)
        folds = [order[0::2], order[1::2]]
        mixes = args.mix or [0.0, 0.25, 0.5, 0.75, 1.0]
        results = {m: [] for m in mixes}
        for k, held in enumerate(folds):
            fitted, _ = fit([data[i] for i in folds[1 - k]], args.bag)
            for mix in mixes:
                settings = dataclasses.replace(parse_settings(args.set), learned_mix=mix)
                score = rouge2(annotated, clusters, held, settings, fitted, rouge)
                results[mix].append(score)
                print(f"fold {k} mix {mix:.2f}: R2 {score:.2f}", flush=True)
        for mix, scores in results.items():
            print(f"mix {mix:.2f}: 2-fold tuning R2 {np.mean(scores):.2f}")
        return 0

    fitted, x = fit(list(data.values()), args.bag)
    out = export(fitted, x, args.label)
    importance = sorted(
        zip(scorer.FEATURES, fitted.feature_importances_, strict=True), key=lambda p: -p[1]
    )
    out["feature_importance"] = {name: round(float(v), 4) for name, v in importance}
    out["fitted_on"] = {"clusters": len(tune), "sentences": len(x), "label": args.label}
    MODEL_OUT.write_text(json.dumps(out, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{len(tune)} tuning clusters, {len(x)} sentences; wrote {MODEL_OUT}")
    for name, value in importance[:12]:
        print(f"  {name:<22} {value:.3f}")
    print(f"{time.process_time() - started:.1f} s CPU")
    results = RESULTS / "fit_sentence_scorer.json"
    results.write_text(
        json.dumps(
            {
                "params": out["params"],
                "bagged": out["bagged"],
                "fitted_on": out["fitted_on"],
                "importance": out["feature_importance"],
            },
            indent=1,
        )
        + "\n",
        encoding="utf-8",
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
