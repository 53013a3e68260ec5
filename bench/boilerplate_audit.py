"""Audit the plain-text cleaner on Multi-News documents and the two sample scrapes.

Prints how many lines each rule removed and how many were kept, and writes every
removed line with its rule to a TSV so a person can read them and count false
removals.

    python bench/boilerplate_audit.py [--out bench/results/boilerplate_removed.tsv]
    python bench/boilerplate_audit.py --labelled   # line precision/recall per language

`--labelled` scores the cleaner on our own example scrapes (examples/, English, German,
Polish, Spanish, Italian, Portuguese) against bench/boilerplate_labels.json, where each
scrape's chrome lines were read and listed by hand: a removed chrome line is a true
positive, a removed article line (headline, body, quote) a false positive, a kept chrome
line a false negative. Every wrong line is printed, so the table can be checked.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from newsweave.extract.boilerplate import clean_plain_text

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
MULTINEWS = SHARED / "evaldata" / "multinews200" / "multi_news.jsonl"
SAMPLES = SHARED / "samples"
DEFAULT_OUT = ROOT / "bench" / "results" / "boilerplate_removed.tsv"
EXAMPLES = ROOT / "examples"
LABELS = ROOT / "bench" / "boilerplate_labels.json"

_PASSAGE = re.compile(r"(?:^|\n)Passage \d+:\n")


def documents() -> Iterator[tuple[str, str]]:
    """(doc id, text) for every Multi-News document and every sample scrape."""
    if MULTINEWS.exists():
        with MULTINEWS.open(encoding="utf-8") as lines:
            for row_number, row in enumerate(lines):
                context = json.loads(row)["context"]
                passages = [p for p in _PASSAGE.split(context) if p.strip()]
                for passage_number, passage in enumerate(passages, start=1):
                    text = passage.replace("NEWLINE_CHAR", "\n\n")
                    yield f"multinews:{row_number}:{passage_number}", text
    for path in sorted(SAMPLES.glob("*.txt")):
        yield f"samples/{path.name}", path.read_text(encoding="utf-8")


def count_lines(text: str) -> int:
    """Non-blank lines as the cleaner sees them (before continuation joining)."""
    return sum(1 for line in text.splitlines() if line.strip())


def labelled_audit(labels_path: Path = LABELS) -> dict[str, dict[str, float]]:
    """Line precision and recall of chrome removal per language, on the labelled examples."""
    labels = json.loads(labels_path.read_text(encoding="utf-8"))
    counts: dict[str, Counter[str]] = {}
    for name, label in labels.items():
        text = (EXAMPLES / name).read_text(encoding="utf-8")
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        if len(lines) != label["lines"]:
            raise SystemExit(f"{name}: {len(lines)} lines, labels were read on {label['lines']}")
        chrome = set(label["chrome"])
        removed = {item.text for item in clean_plain_text(text).removed}
        c = counts.setdefault(label["language"], Counter())
        for line in lines:
            c["lines"] += 1
            if line in chrome and line in removed:
                c["tp"] += 1
            elif line in removed:
                c["fp"] += 1
                print(f"  {name}: removed article line: {line[:100]!r}")
            elif line in chrome:
                c["fn"] += 1
                print(f"  {name}: kept chrome: {line[:100]!r}")
    table = {}
    for language, c in sorted(counts.items()):
        tp, fp, fn = c["tp"], c["fp"], c["fn"]
        table[language] = {
            "lines": c["lines"],
            "chrome": tp + fn,
            "precision": tp / (tp + fp) if tp + fp else 1.0,
            "recall": tp / (tp + fn) if tp + fn else 1.0,
        }
    print(f"\n{'language':<10}{'lines':>6}{'chrome':>8}{'P':>7}{'R':>7}")
    for language, row in table.items():
        print(
            f"{language:<10}{row['lines']:>6}{row['chrome']:>8}"
            f"{row['precision']:>7.3f}{row['recall']:>7.3f}"
        )
    return table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="TSV of removed lines")
    parser.add_argument(
        "--labelled", action="store_true", help="score the hand-labelled example scrapes"
    )
    args = parser.parse_args(argv)
    if args.labelled:
        labelled_audit()
        return 0
    if not MULTINEWS.exists() and not SAMPLES.exists():
        print(f"no data: {MULTINEWS} and {SAMPLES} are missing", file=sys.stderr)
        return 1

    args.out.parent.mkdir(parents=True, exist_ok=True)
    by_rule: Counter[str] = Counter()
    docs = seen = kept = titles = bylines = outlets = 0
    started = time.perf_counter()
    with args.out.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, delimiter="\t", lineterminator="\n")
        writer.writerow(["doc_id", "rule", "text"])
        for doc_id, text in documents():
            result = clean_plain_text(text)
            docs += 1
            seen += count_lines(text)
            kept += len(result.paragraphs)
            titles += result.title is not None
            bylines += result.byline is not None
            outlets += result.outlet is not None
            for item in result.removed:
                by_rule[item.reason] += 1
                writer.writerow([doc_id, item.reason, item.text])
    elapsed = time.perf_counter() - started

    removed = sum(by_rule.values())
    print(f"documents {docs}  lines seen {seen}  paragraphs kept {kept}  removed {removed}")
    print(f"titles {titles}  bylines {bylines}  outlets named in text {outlets}")
    print(f"time {elapsed:.2f} s ({1000 * elapsed / max(docs, 1):.2f} ms/doc)")
    print()
    print(f"{'rule':<22}{'removed':>8}")
    for rule, count in by_rule.most_common():
        print(f"{rule:<22}{count:>8}")
    print(f"\nremoved lines written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
