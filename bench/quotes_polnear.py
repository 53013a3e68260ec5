"""Quote and speaker extraction against PolNeAR (direct quotes), with a regex baseline.

    python bench/quotes_polnear.py [--split test|dev|both]

Data: ../shared/evaldata/polnear (dev and test splits, 84 articles each; one
annotator file per article: the alphabetically first). Gold items are the
quoted segments (text between paired quote marks) inside every attribution
content that contains a quote mark; each carries its attribution's source.

Definitions (characters in the raw .txt, quote marks excluded):
- span match: a predicted span and a gold segment overlap by at least half of
  the shorter of the two; matching is one-to-one (largest overlap first).
  precision = matched predictions / predictions, recall = matched gold / gold.
- speaker correct (on a matched pair): the gold attribution has a source and
  the predicted speaker is not None and either (a) the text span the speaker
  was read from (the subject of the cue, the pronoun, or the antecedent
  mention for "nearby") overlaps the gold source span, or (b) the predicted
  name and the gold source text (role words stripped) refer to the same name
  (one's name key is an in-order subset of the other's, sharing the first or
  last word). A gold attribution without a source counts as correct only when
  the prediction is unattributed. Gold pronoun sources are not coreference-
  resolved in PolNeAR, so for them (a) checks the pronoun, not its antecedent.
- end to end: a prediction that matches a gold segment AND has the right
  speaker; P/R/F1 over predictions and gold segments.
- unattributed / attributed precision: matched predictions with no speaker, and
  the share of right speakers among matched predictions that name one (v1).
- v2 (reported beside v1, never instead of it): v1, plus (c) the predicted
  name equals the gold source's name part (parentheses dropped, cut at the first
  comma, role words stripped: "Democratic Sen. X Y (D-Mo.)" -> "X Y"), or (d)
  when the gold source is one lower-case word (the annotator marked the cue,
  "said"), the predicted speaker span is written right next to it (at most
  VERB_GAP characters before or after: "said David Plouffe", "Hester said").
Baseline (same run, same annotate() output): every "..." / “...” span in the
raw text; speaker = the nearest PERSON entity that ends before the quote opens.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
POLNEAR = REPO.parent / "shared" / "evaldata" / "polnear"
RESULTS = REPO / "bench" / "results"

QUOTE_CHARS = '"“”'
MIN_OVERLAP = 0.5  # of the shorter span
VERB_GAP = 3  # v2: characters between a verb-only gold source and the speaker next to it


@dataclass(frozen=True)
class Gold:
    article: str
    start: int
    end: int
    partial: bool
    sources: tuple[tuple[int, int], ...]
    source_text: str


@dataclass(frozen=True)
class Pred:
    article: str
    start: int
    end: int
    speaker: str | None
    speaker_span: tuple[int, int] | None


def _segments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    from newsweave.analyze.quotes import quote_spans

    spans, _ = quote_spans(text[start:end])
    out = []
    for s, e in spans:
        s, e = start + s, start + e
        while s < e and not text[s].isalnum():
            s += 1
        while e > s and not text[e - 1].isalnum():
            e -= 1
        if e > s:
            out.append((s, e))
    return out


def _is_partial(text: str, start: int) -> bool:
    before = text[:start].rstrip(" " + QUOTE_CHARS)
    before = before.rstrip()
    return bool(before) and (before[-1].isalnum())


def load_gold(split: str) -> tuple[dict[str, str], list[Gold]]:
    """Raw texts and gold quoted segments of one split (first annotator per article)."""
    texts = {
        p.stem: p.read_text(encoding="utf-8")
        for p in sorted((POLNEAR / "data" / split / "text").glob("*.txt"))
    }
    rows = [
        json.loads(line)
        for line in (POLNEAR / "attributions_dev_test.jsonl").open(encoding="utf-8")
        if line.strip()
    ]
    rows = [r for r in rows if r["split"] == split]
    first = {}
    for r in rows:
        first[r["article"]] = min(first.get(r["article"], r["annotator"]), r["annotator"])
    gold = []
    for r in rows:
        if r["annotator"] != first[r["article"]] or not any(c in r["content"] for c in QUOTE_CHARS):
            continue
        text = texts[r["article"]]
        sources = tuple(tuple(s) for s in r["source_spans"]) if r.get("source_spans") else ()
        for cs, ce in r["content_spans"]:
            for s, e in _segments(text, cs, ce):
                gold.append(
                    Gold(r["article"], s, e, _is_partial(text, s), sources, r.get("source") or "")
                )
    return texts, gold


def annotate_texts(texts: dict[str, str]):
    """newsweave's annotate() on the raw texts, split on blank lines, with raw offsets."""
    from newsweave.model import Article
    from newsweave.nlp import annotate

    articles, para_starts = [], []
    for name, text in texts.items():
        paras, starts, pos = [], [], 0
        for chunk in re.split(r"(\n\s*\n)", text):
            if chunk.strip() and not re.fullmatch(r"\n\s*\n", chunk):
                paras.append(chunk)
                starts.append(pos)
            pos += len(chunk)
        articles.append(Article(name, tuple(paras)))
        para_starts.append(starts)
    annotated = annotate(articles)
    offsets: dict[tuple[str, int], int] = {}  # (article, sentence index) -> raw offset
    for art, starts in zip(annotated, para_starts, strict=True):
        cursor = defaultdict(int)
        for s in art.sentences:
            para = art.article.paragraphs[s.paragraph]
            at = para.find(s.text, cursor[s.paragraph])
            if at < 0:
                at = para.find(s.text)
            cursor[s.paragraph] = at + len(s.text)
            offsets[(art.article.doc_id, s.index)] = starts[s.paragraph] + at
    return annotated, offsets


def predict_newsweave(annotated, offsets) -> list[Pred]:
    from newsweave.analyze.quotes import find_quote_mentions

    preds = []
    for art in annotated:
        doc = art.article.doc_id
        for m in find_quote_mentions([art]):
            base = offsets[(doc, m.sentence.index)]
            span = None
            if m.speaker_span:
                sb = offsets[(doc, m.speaker_span[0])]
                span = (sb + m.speaker_span[1], sb + m.speaker_span[2])
            preds.append(Pred(doc, base + m.start, base + m.end, m.speaker, span))
    return preds


def predict_baseline(annotated, offsets, texts) -> list[Pred]:
    preds = []
    for art in annotated:
        doc = art.article.doc_id
        people = []
        for s in art.sentences:
            base = offsets[(doc, s.index)]
            toks = s.tokens
            for i, t in enumerate(toks):
                if t.ent == "PERSON" and (i == 0 or toks[i - 1].ent != "PERSON"):
                    j = i
                    while j + 1 < len(toks) and toks[j + 1].ent == "PERSON":
                        j += 1
                    a, b = base + t.start, base + toks[j].start + len(toks[j].text)
                    people.append((a, b, texts[doc][a:b]))
        for m in re.finditer(r"“([^”]*)”|\"([^\"]*)\"", texts[doc]):
            s, e = m.start() + 1, m.end() - 1
            if not texts[doc][s:e].strip():
                continue
            before = [p for p in people if p[1] <= m.start()]
            who = before[-1] if before else None
            preds.append(
                Pred(doc, s, e, who[2] if who else None, (who[0], who[1]) if who else None)
            )
    return preds


def _same_name(pred: str, gold: str) -> bool:
    from newsweave.analyze.names import name_tokens

    a, b = name_tokens(pred), name_tokens(gold)
    if not a or not b:
        return False
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    if short[0] != long[0] and short[-1] != long[-1]:
        return False
    it = iter(long)
    return all(w in it for w in short)


def _gold_name(source: str) -> str:
    """v2: the name part of a gold source: parentheses dropped, cut at the first comma, role
    words stripped ("Democratic Sen. Claire McCaskill (D-Mo.)" -> "Claire McCaskill")."""
    from newsweave.analyze.names import split_role

    text = re.sub(r"\([^)]*\)", " ", source).split(",")[0]
    return split_role(text)[1]


def _verb_only(g: Gold, text: str) -> bool:
    """v2: the annotator marked the speech verb as the source ("said"): one lower-case word."""
    return len(g.sources) == 1 and bool(re.fullmatch(r"[a-z]+", text[slice(*g.sources[0])]))


def _speaker_ok(p: Pred, g: Gold, text: str = "", v2: bool = False) -> bool:
    """Whether the predicted speaker is right (v1 = the original definition; see __doc__)."""
    if not g.sources:
        return p.speaker is None
    if p.speaker is None:
        return False
    if p.speaker_span and any(
        p.speaker_span[0] < e and s < p.speaker_span[1] for s, e in g.sources
    ):
        return True
    if _same_name(p.speaker, g.source_text):
        return True
    if not v2:
        return False
    if _same_name(p.speaker, _gold_name(g.source_text)):
        return True
    if p.speaker_span and _verb_only(g, text):
        (s, e) = g.sources[0]  # the verb's subject is written right before or after it
        return 0 <= p.speaker_span[0] - e <= VERB_GAP or 0 <= s - p.speaker_span[1] <= VERB_GAP
    return False


def score(preds: list[Pred], gold: list[Gold], texts: dict[str, str] | None = None) -> dict:
    by_article = defaultdict(list)
    for gi, g in enumerate(gold):
        by_article[g.article].append(gi)
    pairs = []
    for pi, p in enumerate(preds):
        for gi in by_article[p.article]:
            g = gold[gi]
            ov = min(p.end, g.end) - max(p.start, g.start)
            if ov > 0 and ov >= MIN_OVERLAP * min(p.end - p.start, g.end - g.start):
                pairs.append((ov, pi, gi))
    pairs.sort(reverse=True)
    used_p, used_g, matched = set(), set(), []
    for _ov, pi, gi in pairs:
        if pi in used_p or gi in used_g:
            continue
        used_p.add(pi)
        used_g.add(gi)
        matched.append((pi, gi))
    n_p, n_g, n_m = len(preds), len(gold), len(matched)
    right = sum(_speaker_ok(preds[pi], gold[gi]) for pi, gi in matched)
    texts = texts or {}
    right_v2 = sum(
        _speaker_ok(preds[pi], gold[gi], texts.get(gold[gi].article, ""), v2=True)
        for pi, gi in matched
    )
    attributed = [(pi, gi) for pi, gi in matched if preds[pi].speaker is not None]
    right_attributed = sum(_speaker_ok(preds[pi], gold[gi]) for pi, gi in attributed)

    def prf(hit: int) -> dict:
        p = hit / n_p if n_p else 0.0
        r = hit / n_g if n_g else 0.0
        return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}

    partial = [gi for gi, g in enumerate(gold) if g.partial]
    direct = [gi for gi, g in enumerate(gold) if not g.partial]
    return {
        "predictions": n_p,
        "gold": n_g,
        "matched": n_m,
        "span": prf(n_m),
        "recall_direct": sum(gi in used_g for gi in direct) / len(direct) if direct else 0.0,
        "recall_partial": sum(gi in used_g for gi in partial) / len(partial) if partial else 0.0,
        "speaker_accuracy": right / n_m if n_m else 0.0,
        "end_to_end": prf(right),
        "unattributed": n_m - len(attributed),
        "attributed_precision": right_attributed / len(attributed) if attributed else 0.0,
        "v2": {"speaker_accuracy": right_v2 / n_m if n_m else 0.0, "end_to_end": prf(right_v2)},
    }


def run(split: str) -> dict:
    t0 = time.perf_counter()
    texts, gold = load_gold(split)
    annotated, offsets = annotate_texts(texts)
    t1 = time.perf_counter()
    ours = predict_newsweave(annotated, offsets)
    t2 = time.perf_counter()
    base = predict_baseline(annotated, offsets, texts)
    return {
        "split": split,
        "articles": len(texts),
        "annotate_seconds": round(t1 - t0, 1),
        "quotes_seconds": round(t2 - t1, 2),
        "newsweave": score(ours, gold, texts),
        "baseline": score(base, gold, texts),
    }


def _table(res: dict) -> str:
    lines = [
        f"split={res['split']}  articles={res['articles']}  "
        f"gold segments={res['newsweave']['gold']}",
        "| system | span P | span R | span F1 | R direct | R partial | speaker acc "
        "| e2e P | e2e R | e2e F1 |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name in ("baseline", "newsweave"):
        r = res[name]
        lines.append(
            f"| {name} | {r['span']['precision']:.3f} | {r['span']['recall']:.3f} | "
            f"{r['span']['f1']:.3f} | {r['recall_direct']:.3f} | {r['recall_partial']:.3f} | "
            f"{r['speaker_accuracy']:.3f} | {r['end_to_end']['precision']:.3f} | "
            f"{r['end_to_end']['recall']:.3f} | {r['end_to_end']['f1']:.3f} |"
        )
    lines += [
        "| system | matched | unattributed | attributed precision (v1) "
        "| speaker acc v2 | e2e F1 v2 |",
        "|---|---|---|---|---|---|",
    ]
    for name in ("baseline", "newsweave"):
        r = res[name]
        lines.append(
            f"| {name} | {r['matched']} | {r['unattributed']} | "
            f"{r['attributed_precision']:.3f} | {r['v2']['speaker_accuracy']:.3f} | "
            f"{r['v2']['end_to_end']['f1']:.3f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--split", choices=["dev", "test", "both"], default="both")
    args = ap.parse_args(argv)
    if not POLNEAR.exists():
        print(f"PolNeAR not found at {POLNEAR}", file=sys.stderr)
        return 2
    splits = ["dev", "test"] if args.split == "both" else [args.split]
    results = [run(s) for s in splits]
    for res in results:
        print(_table(res))
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / "quotes_polnear.json"
    out.write_text(json.dumps({"results": results}, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
