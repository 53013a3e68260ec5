"""Temporal expressions on TempEval-3 platinum: value accuracy and detection, with baselines.

    python bench/timex_tempeval.py [--split all|dev|heldout] [--errors]

Data: ../shared/evaldata/tempeval3/te3-platinum/*.tml (20 gold TimeML documents, the DCT in
each). Rules were developed looking only at the "dev" documents (even positions in sorted
file order); "heldout" (odd positions) was scored, not read, while writing them.

(a) value accuracy on gold spans: our normaliser gets the gold expression text, its sentence
    (parsed by newsweave's annotate() for tense) and the DCT as anchor. Baseline: dateparser
    anchored on the DCT (RELATIVE_BASE, PREFER_DATES_FROM="past"), formatted at the period
    dateparser itself reports (day / week / month / year / time).
(b) detection precision/recall/F1, strict (same span) and relaxed (any overlap), of
    newsweave's detector run through annotate(). Baseline: spaCy DATE/TIME entities.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from xml.etree import ElementTree

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
GOLD = SHARED / "evaldata" / "tempeval3" / "te3-platinum"
RESULTS = REPO / "bench" / "results"


@dataclass(frozen=True)
class GoldTimex:
    start: int
    end: int
    text: str
    value: str
    type: str


@dataclass(frozen=True)
class GoldDoc:
    name: str
    dct: date
    text: str
    timexes: tuple[GoldTimex, ...]


def load_gold(folder: Path = GOLD) -> list[GoldDoc]:
    """Read each .tml: the DCT and the TEXT with inline TIMEX3 turned into offsets."""
    docs = []
    for path in sorted(folder.glob("*.tml")):
        root = ElementTree.parse(path).getroot()
        dct_el = root.find("DCT/TIMEX3")
        assert dct_el is not None, path
        dct = date.fromisoformat(dct_el.get("value", "")[:10])
        text_el = root.find("TEXT")
        assert text_el is not None, path
        parts: list[str] = []
        timexes: list[GoldTimex] = []

        def walk(
            el: ElementTree.Element, parts: list[str] = parts, timexes: list[GoldTimex] = timexes
        ) -> None:
            start = sum(len(p) for p in parts)
            parts.append(el.text or "")
            for child in el:
                walk(child)
                parts.append(child.tail or "")
            if el.tag == "TIMEX3":
                end = sum(len(p) for p in parts)
                text = "".join(parts)[start:end]
                timexes.append(GoldTimex(start, end, text, el.get("value", ""), el.get("type", "")))

        walk(text_el)
        docs.append(GoldDoc(path.stem, dct, "".join(parts), tuple(timexes)))
    return docs


def split_of(index: int) -> str:
    return "dev" if index % 2 == 0 else "heldout"


def annotate_doc(doc: GoldDoc):
    """Run newsweave's annotate() on the raw text; return (sentence, global offset) pairs."""
    from newsweave.model import Article
    from newsweave.nlp import annotate

    paragraphs, offsets = [], []
    for m in re.finditer(r"[^\n]+(?:\n(?!\s*\n)[^\n]*)*", doc.text):
        if m.group().strip():
            paragraphs.append(m.group())
            offsets.append(m.start())
    (annotated,) = annotate([Article(doc.name, tuple(paragraphs))])
    placed = []
    cursor = {i: 0 for i in range(len(paragraphs))}
    for s in annotated.sentences:
        para = paragraphs[s.paragraph]
        at = para.find(s.text, cursor[s.paragraph])
        if at < 0:
            raise RuntimeError(f"{doc.name}: sentence not found: {s.text[:60]!r}")
        cursor[s.paragraph] = at + len(s.text)
        placed.append((s, offsets[s.paragraph] + at))
    return placed


def dateparser_value(text: str, dct: date) -> str | None:
    """The baseline: dateparser on the expression, formatted at its own reported period."""
    from dateparser.date import DateDataParser

    base = datetime(dct.year, dct.month, dct.day, 12, 0)
    parser = DateDataParser(
        languages=["en"], settings={"RELATIVE_BASE": base, "PREFER_DATES_FROM": "past"}
    )
    data = parser.get_date_data(text)
    if data.date_obj is None:
        return None
    d, period = data.date_obj, data.period
    if period == "year":
        return f"{d.year:04d}"
    if period == "month":
        return f"{d.year:04d}-{d.month:02d}"
    if period == "week":
        y, w, _ = d.isocalendar()
        return f"{y}-W{w:02d}"
    if period == "time" and (d.hour, d.minute) != (12, 0):
        return d.strftime("%Y-%m-%dT%H:%M")
    return d.date().isoformat()


def prf(tp_pred: int, n_pred: int, tp_gold: int, n_gold: int) -> dict[str, float]:
    p = tp_pred / n_pred if n_pred else 0.0
    r = tp_gold / n_gold if n_gold else 0.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


Span = tuple[str, int, int]  # (document, start, end)


def detection_scores(pred: list[Span], gold: list[Span]) -> dict:
    def overlaps(a: Span, b: Span) -> bool:
        return a[0] == b[0] and a[1] < b[2] and b[1] < a[2]

    strict = prf(sum(p in gold for p in pred), len(pred), sum(g in pred for g in gold), len(gold))
    relaxed = prf(
        sum(any(overlaps(p, g) for g in gold) for p in pred),
        len(pred),
        sum(any(overlaps(g, p) for p in pred) for g in gold),
        len(gold),
    )
    return {"strict": strict, "relaxed": relaxed, "predicted": len(pred), "gold": len(gold)}


def evaluate(docs: list[GoldDoc], show_errors: bool = False) -> dict:
    from newsweave.analyze.temporal import TemporalExpression, detect, resolve

    ours_ok = base_ok = total = 0
    ours_pred, spacy_pred, gold_spans = [], [], []
    errors = []
    for doc in docs:
        placed = annotate_doc(doc)
        for sentence, offset in placed:
            for e in detect(sentence):
                ours_pred.append((doc.name, offset + e.start, offset + e.end))
            for start, end in spacy_spans(sentence):
                spacy_pred.append((doc.name, offset + start, offset + end))
        for g in doc.timexes:
            gold_spans.append((doc.name, g.start, g.end))
            total += 1
            home = next(
                ((s, o) for s, o in placed if o <= g.start and g.end <= o + len(s.text)), None
            )
            if home is None:  # the sentence splitter cut through the expression
                from newsweave.analyze.temporal import normalise

                ours = normalise(g.text, doc.dct).value
            else:
                s, o = home
                expr = TemporalExpression(g.text, g.start - o, g.end - o, "gold")
                ours = resolve(s, expr, doc.dct).value
            base = dateparser_value(g.text, doc.dct)
            ours_ok += ours == g.value
            base_ok += base == g.value
            if ours != g.value:
                errors.append((doc.name, g.text, g.value, ours))
    if show_errors:
        for e in errors:
            print("  value error:", e, file=sys.stderr)
        by_doc: dict[str, list] = {}
        for name, s, e in ours_pred:
            by_doc.setdefault(name, []).append((s, e))
        texts = {d.name: d.text for d in docs}
        for name, s, e in gold_spans:
            if not any(a < e and s < b for a, b in by_doc.get(name, [])):
                print("  missed:", name, repr(texts[name][s:e]), file=sys.stderr)
        for name, s, e in ours_pred:
            gold_here = [(a, b) for n, a, b in gold_spans if n == name]
            if not any(a < e and s < b for a, b in gold_here):
                print("  spurious:", name, repr(texts[name][s:e]), file=sys.stderr)
            elif (s, e) not in gold_here:
                g = next((a, b) for a, b in gold_here if a < e and s < b)
                print("  boundary:", name, repr(texts[name][s:e]), "gold",
                      repr(texts[name][g[0]:g[1]]), file=sys.stderr)  # fmt: skip
    return {
        "documents": len(docs),
        "gold_timexes": total,
        "value_accuracy": {"newsweave": ours_ok / total, "dateparser": base_ok / total},
        "detection": {
            "newsweave": detection_scores(ours_pred, gold_spans),
            "spacy": detection_scores(spacy_pred, gold_spans),
        },
    }


def spacy_spans(sentence) -> list[tuple[int, int]]:
    """Baseline detector: runs of tokens spaCy labels DATE or TIME, untouched."""
    runs: list[list] = []
    for i, tok in enumerate(sentence.tokens):
        if tok.ent not in ("DATE", "TIME"):
            continue
        prev = sentence.tokens[i - 1] if i else None
        if runs and runs[-1][-1] is prev and prev.ent == tok.ent:
            runs[-1].append(tok)
        else:
            runs.append([tok])
    return [(r[0].start, r[-1].start + len(r[-1].text)) for r in runs]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("all", "dev", "heldout"), default=None)
    parser.add_argument("--errors", action="store_true", help="print misses to stderr")
    args = parser.parse_args()
    docs = load_gold()
    started = time.perf_counter()
    splits = [args.split] if args.split else ["dev", "heldout", "all"]
    report: dict = {"data": str(GOLD.relative_to(SHARED.parent)), "splits": {}}
    for split in splits:
        chosen = [d for i, d in enumerate(docs) if split == "all" or split_of(i) == split]
        report["splits"][split] = evaluate(chosen, show_errors=args.errors)
    report["seconds"] = round(time.perf_counter() - started, 1)
    print(json.dumps(report, indent=2))
    if args.split is None:
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "timex_tempeval.json").write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
