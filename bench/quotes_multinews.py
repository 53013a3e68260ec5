"""Quote speakers on unseen news: 20 Multi-News clusters whose quotes we labelled by hand.

    python bench/quotes_multinews.py            # score newsweave and the baseline, every split
    python bench/quotes_multinews.py --split heldout   # only the 10 held-out clusters
    python bench/quotes_multinews.py --split fresh     # only the 10 fresh clusters
    python bench/quotes_multinews.py --split fresh2    # the second 10 fresh clusters
    python bench/quotes_multinews.py --split fresh20   # both fresh samples, also scored as one
    python bench/quotes_multinews.py --errors   # also list every wrong speaker
    python bench/quotes_multinews.py --dump 29  # a cluster's documents, quotes numbered,
                                                # for labelling (prints the shared text;
                                                # nothing of it goes into the repo)

Data: ../shared/evaldata/multinews200/multi_news.jsonl. The labelled clusters were
picked by a fixed rule before anyone looked at them: the first 20 clusters with an odd
0-based index (the summary benchmark's held-out half), leaving out the index-1-mod-20
clusters the evaluation gate reads, whose documents hold at least one quote mark
(indexes 3, 5, ..., 47). No rule of the quote code was written while reading them.
Those 20 have since been the tuning split (rules were written from their errors); the
held-out split is the next 10 clusters by the same rule (indexes 49, ..., 69, without 61),
labelled in tests/data/multinews_quote_speakers_heldout.json before any prediction on
them was looked at, and only ever reported -- until the round of 2026-12-03 evening read
its wrong speakers (by kind, not by string). So that round labelled a fresh split first:
the next 10 clusters by the same rule (lines 74, ..., 94, without 82; line 72 has no quote
mark), in tests/data/multinews_quote_speakers_fresh.json, before any prediction on them
was looked at; it is only reported. The second fresh split (2026-12-04) continues the rule
past line 94, also leaving out the coverage-pairs cluster 110 and clusters whose quote marks
hold nobody's words (96, 118): lines 98-124, in tests/data/multinews_quote_speakers_fresh2.json,
labelled from the text alone before newsweave was run on them. `fresh20` scores both fresh
splits as one sample of 20 clusters.

Labels: tests/data/multinews_quote_speakers.json, one row per quoted span that is
somebody's words (titles, scare quotes and nicknames are not labelled): the cluster's
1-based line, the passage number, the character offset of the quote's first character
in the passage as newsweave's Multi-News reader returns it (`split_cluster`), and the
speaker as a reader would name them (null when the text does not say; a list gives
equally right names, "police" / "a police spokesman"). No article text is stored.

Scoring: the whole cluster goes through `brief`'s path (`clean`, `annotate`,
`find_quote_mentions` over all its articles, as a story). A predicted quote matches a
labelled one when their spans in the passage overlap by at least half of the shorter
(one to one). On matched quotes: speaker accuracy (a labelled speaker and the same name
predicted -- `quotes_polnear._same_name`, role words stripped, one name an in-order subset
of the other, also after a leading determiner is dropped, "another former colleague" =
"a former colleague" -- or no speaker labelled and none predicted), attributed precision (right
among those that name a speaker: a wrong one is an invented fact) and how many are left
unattributed. Baseline (same run, same annotation): the nearest PERSON entity before the
quote in its article.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))
MULTINEWS = REPO.parent / "shared" / "evaldata" / "multinews200" / "multi_news.jsonl"
LABELS = REPO / "tests" / "data" / "multinews_quote_speakers.json"  # tuning split
HELDOUT = REPO / "tests" / "data" / "multinews_quote_speakers_heldout.json"
FRESH = REPO / "tests" / "data" / "multinews_quote_speakers_fresh.json"
FRESH2 = REPO / "tests" / "data" / "multinews_quote_speakers_fresh2.json"
SPLITS = {"tuning": LABELS, "heldout": HELDOUT, "fresh": FRESH, "fresh2": FRESH2}
# scored together as well: the 20 clusters labelled before any prediction on them was read
COMBINED = {"fresh20": ("fresh", "fresh2")}
RESULTS = REPO / "bench" / "results"
MIN_OVERLAP = 0.5


@dataclass(frozen=True)
class Gold:
    line: int
    passage: int
    start: int
    end: int
    speakers: tuple[str, ...]  # empty: the text names no speaker


@dataclass(frozen=True)
class Pred:
    line: int
    passage: int
    start: int
    end: int
    speaker: str | None
    via: str


def cluster_documents(line: int) -> list[str]:
    """The passages of one cluster (1-based line) as newsweave's reader splits them."""
    from newsweave.ingest.multinews import split_cluster

    with MULTINEWS.open(encoding="utf-8") as stream:
        for number, row in enumerate(stream, start=1):
            if number == line:
                return split_cluster(json.loads(row)["context"])
    raise SystemExit(f"no line {line} in {MULTINEWS}")


def raw_quote_spans(text: str) -> list[tuple[int, int]]:
    """Every quoted span of a passage, paragraph by paragraph (marks excluded, trimmed)."""
    from newsweave.analyze.quotes import quote_spans

    out = []
    for para in re.finditer(r"[^\n]+", text):
        spans, _open = quote_spans(para.group())
        for s, e in spans:
            s, e = para.start() + s, para.start() + e
            while s < e and text[s] in " \t‘'":
                s += 1
            while e > s and text[e - 1] in " \t":
                e -= 1
            out.append((s, e))
    return out


def load_gold(path: Path = LABELS) -> tuple[list[int], list[Gold]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    gold = []
    docs: dict[int, list[str]] = {}
    for row in data["quotes"]:
        line, passage, offset, who = row
        if line not in docs:
            docs[line] = cluster_documents(line)
        text = docs[line][passage - 1]
        span = next(((s, e) for s, e in raw_quote_spans(text) if s == offset), None)
        if span is None:
            raise SystemExit(f"label {row}: no quote starts at that offset")
        names = tuple(who) if isinstance(who, list) else (() if who is None else (who,))
        gold.append(Gold(line, passage, span[0], span[1], names))
    return data["clusters"], gold


def annotate_cluster(line: int):
    """The cluster's articles cleaned and annotated as `brief` does, with their raw texts."""
    from newsweave.model import RawDocument
    from newsweave.nlp import annotate
    from newsweave.pipeline import clean

    texts = cluster_documents(line)
    articles, passages = [], []
    for n, text in enumerate(texts, start=1):
        item = clean(RawDocument(f"multinews:{line}/{n}", "multinews", text, "text"))
        if hasattr(item, "paragraphs"):
            articles.append(item)
            passages.append(n)
    return annotate(articles), passages, texts


def _locate(raw: str, sentence: str, start: int, end: int, cursor: int) -> tuple[int, int] | None:
    """Where a quote of an annotated sentence sits in the raw passage."""
    quote = sentence[start:end]
    at = raw.find(sentence, cursor)
    if at < 0:
        at = raw.find(sentence)
    if at >= 0:
        return at + start, at + end
    at = raw.find(quote, cursor)
    if at < 0:
        at = raw.find(quote)
    return (at, at + len(quote)) if at >= 0 else None


def predict_newsweave(line: int, annotated, passages, texts) -> list[Pred]:
    from newsweave.analyze.quotes import find_quote_mentions

    out = []
    cursor: dict[int, int] = {}
    for m in find_quote_mentions(annotated):
        passage = passages[m.article]
        raw = texts[passage - 1]
        where = _locate(raw, m.sentence.text, m.start, m.end, cursor.get(passage, 0))
        if where is None:
            continue
        cursor[passage] = where[0]
        out.append(Pred(line, passage, *where, m.speaker, m.speaker_via))
    return out


def predict_baseline(line: int, annotated, passages, texts) -> list[Pred]:
    """Every raw quoted span; its speaker = the last PERSON entity before it in the article."""
    out = []
    for a_i, art in enumerate(annotated):
        passage = passages[a_i]
        raw = texts[passage - 1]
        people: list[tuple[int, str]] = []
        cursor = 0
        for s in art.sentences:
            at = raw.find(s.text, cursor)
            if at < 0:
                continue
            cursor = at
            for e in s.entities:
                if e.label == "PERSON":
                    pos = s.text.find(e.text)
                    people.append((at + pos, e.text))
        for qs, qe in raw_quote_spans(raw):
            before = [name for pos, name in people if pos < qs]
            out.append(Pred(line, passage, qs, qe, before[-1] if before else None, "baseline"))
    return out


_DETERMINERS = frozenset(["a", "an", "the", "another", "one", "his", "her", "its", "their"])


def _bare(description: str) -> str:
    """ "Another former colleague" -> "former colleague" (case and leading determiner dropped)."""
    words = description.lower().replace("’", "'").split()
    while words and words[0] in _DETERMINERS:
        words = words[1:]
    return " ".join(words)


def same_speaker(predicted: str, labelled: str) -> bool:
    from quotes_polnear import _same_name

    a, b = _bare(predicted), _bare(labelled)
    return _same_name(predicted, labelled) or bool(a and b and (_same_name(a, b) or a == b))


def speaker_ok(p: Pred, g: Gold) -> bool:
    if not g.speakers:
        return p.speaker is None
    return p.speaker is not None and any(same_speaker(p.speaker, name) for name in g.speakers)


def match(preds: list[Pred], gold: list[Gold]) -> list[tuple[Pred, Gold]]:
    pairs = []
    for pi, p in enumerate(preds):
        for gi, g in enumerate(gold):
            if (p.line, p.passage) != (g.line, g.passage):
                continue
            ov = min(p.end, g.end) - max(p.start, g.start)
            if ov > 0 and ov >= MIN_OVERLAP * min(p.end - p.start, g.end - g.start):
                pairs.append((ov, pi, gi))
    pairs.sort(reverse=True)
    used_p: set[int] = set()
    used_g: set[int] = set()
    out = []
    for _ov, pi, gi in pairs:
        if pi not in used_p and gi not in used_g:
            used_p.add(pi)
            used_g.add(gi)
            out.append((preds[pi], gold[gi]))
    return out


def score(preds: list[Pred], gold: list[Gold]) -> dict:
    matched = match(preds, gold)
    right = sum(speaker_ok(p, g) for p, g in matched)
    named = [(p, g) for p, g in matched if p.speaker is not None]
    right_named = sum(speaker_ok(p, g) for p, g in named)
    return {
        "gold": len(gold),
        "gold_with_speaker": sum(bool(g.speakers) for g in gold),
        "predictions": len(preds),
        "matched": len(matched),
        "recall": len(matched) / len(gold) if gold else 0.0,
        "speaker_accuracy": right / len(matched) if matched else 0.0,
        "attributed": len(named),
        "attributed_precision": right_named / len(named) if named else 0.0,
        "wrong_speaker": len(named) - right_named,
        # wrong speakers among matched quotes: what a reader is told wrongly
        "wrong_speaker_rate": (len(named) - right_named) / len(matched) if matched else 0.0,
        "unattributed": len(matched) - len(named),
        "unattributed_but_labelled": sum(1 for p, g in matched if p.speaker is None and g.speakers),
    }


def predict(clusters: list[int]) -> tuple[list[Pred], list[Pred], float]:
    """newsweave's and the baseline's quotes on the clusters, and the seconds it took."""
    t0 = time.perf_counter()
    ours: list[Pred] = []
    base: list[Pred] = []
    for line in clusters:
        annotated, passages, texts = annotate_cluster(line)
        ours += predict_newsweave(line, annotated, passages, texts)
        base += predict_baseline(line, annotated, passages, texts)
    return ours, base, time.perf_counter() - t0


def run(
    clusters: list[int],
    gold: list[Gold],
    errors: bool = False,
    predicted: tuple[list[Pred], list[Pred], float] | None = None,
) -> dict:
    ours, base, seconds = predicted or predict(clusters)
    result = {
        "clusters": len(clusters),
        "seconds": round(seconds, 1),
        "newsweave": score(ours, gold),
        "baseline": score(base, gold),
    }
    if errors:
        for p, g in match(ours, gold):
            if not speaker_ok(p, g):
                text = cluster_documents(g.line)[g.passage - 1][g.start : g.end]
                print(
                    f"L{g.line} P{g.passage} @{g.start} [{p.via}] predicted {p.speaker!r}, "
                    f"labelled {list(g.speakers) or None}: {text[:70]!r}"
                )
    return result


def dump(line: int) -> None:
    """A cluster's passages with every quoted span numbered by its offset, for labelling."""
    for n, text in enumerate(cluster_documents(line), start=1):
        print(f"===== line {line} passage {n}")
        marked, last = [], 0
        for s, e in raw_quote_spans(text):
            marked += [text[last:s], f"[[{n},{s}: "]
            marked += [text[s:e], "]]"]
            last = e
        marked.append(text[last:])
        print("".join(marked))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dump", type=int, metavar="LINE", help="print a cluster for labelling")
    ap.add_argument("--errors", action="store_true", help="list every wrong speaker")
    ap.add_argument("--split", choices=(*SPLITS, *COMBINED, "all"), default="all")
    args = ap.parse_args(argv)
    if not MULTINEWS.exists():
        print(f"Multi-News not found at {MULTINEWS}", file=sys.stderr)
        return 2
    if args.dump:
        dump(args.dump)
        return 0
    results = {}
    if args.split == "all":
        wanted = [*SPLITS, *COMBINED]
    elif args.split in COMBINED:
        wanted = [*COMBINED[args.split], args.split]
    else:
        wanted = [args.split]
    loaded: dict[str, tuple[list[int], list[Gold], tuple]] = {}
    for split in wanted:
        if split in COMBINED:
            # the parts' predictions, scored as one sample (no second annotation pass)
            parts = [loaded[part] for part in COMBINED[split]]
            clusters = [line for part in parts for line in part[0]]
            gold = [g for part in parts for g in part[1]]
            predicted = tuple([p for part in parts for p in part[2][i]] for i in range(2)) + (
                sum(part[2][2] for part in parts),
            )
            res = run(clusters, gold, predicted=predicted)
        else:
            clusters, gold = load_gold(SPLITS[split])
            predicted = predict(clusters)
            loaded[split] = (clusters, gold, predicted)
            res = run(clusters, gold, args.errors, predicted)
        results[split] = res
        n = len(gold)
        print(f"Multi-News {split}, {res['clusters']} labelled clusters, {n} labelled quotes")
        print(
            "| system | matched | speaker acc | attributed | attributed precision "
            "| wrong | wrong rate | none | none but labelled | missed |"
        )
        print("|---|---|---|---|---|---|---|---|---|---|")
        for name in ("baseline", "newsweave"):
            r = res[name]
            print(
                f"| {name} | {r['matched']} | {r['speaker_accuracy']:.3f} | {r['attributed']} | "
                f"{r['attributed_precision']:.3f} | {r['wrong_speaker']} | "
                f"{r['wrong_speaker_rate']:.3f} | {r['unattributed']} | "
                f"{r['unattributed_but_labelled']} | {r['gold'] - r['matched']} |"
            )
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / "quotes_multinews.json"
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
