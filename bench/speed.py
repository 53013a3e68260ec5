"""Where a briefing's time goes: cold start, warm briefing, `show` after one new article.

Each is a ratio to the spaCy work a briefing cannot avoid, measured in this one run
(so a busy machine slows both sides alike), with the profile's top stages:

- cold: wall time of `python -m newsweave brief` on a two-sentence file over the wall
  time of `python -c "import spacy; spacy.load(MODEL)"`; the two alternate, median of
  `--runs` pairs. Stages: one extra cold run under cProfile.
- warm: in one process with both models loaded, `brief_articles` of a 10-article
  DUC 2004 story over one `nlp.pipe` pass over the same paragraphs; the first three
  topics of docs.jsonl, median of the three ratios. Stages: cProfile of the median topic.
- show: a store holding the first nine articles of each of those topics, every story
  briefed once (`show`); then each topic's tenth article is ingested and its story shown
  again: that `show` over one `nlp.pipe` pass over the story's paragraphs, median of the
  three, with the number of articles annotated for it.

    python bench/speed.py            # table + bench/results/speed.json
    VENV/bin/python bench/speed.py --only cold --out bench/results/speed_cold_VENV.json

DUC 2004 text is read from ../shared and only written to a temporary directory.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import REPO, RESULTS, SHARED, environment  # noqa: E402

DUC = SHARED / "evaldata" / "duc2004-topics" / "docs.jsonl"
TOPICS = 3
# Our own two sentences (fictional), the smallest useful `brief`.
TWO_SENTENCES = (
    "The council of Orvand voted on Tuesday to close the old harbour bridge for repairs.\n\n"
    "Mayor Ilse Varnholt said the work would take about a year.\n"
)

# (label, file path suffix, function name): cumulative seconds under cProfile.
WARM_STAGES = (
    ("spaCy nlp.pipe", "spacy/language.py", "pipe"),
    ("annotate (spaCy included)", "newsweave/nlp.py", "annotate"),
    ("annotations from the store", "newsweave/annotations.py", "load"),
    ("sentence embeddings", "newsweave/encoder.py", "encode"),
    ("coverage (embeddings included)", "newsweave/analyze/coverage.py", "compare_coverage"),
    ("summarize", "newsweave/summarize/extractive.py", "summarize"),
    ("quotes", "newsweave/analyze/quotes.py", "find_quotes"),
    ("timeline", "newsweave/analyze/timeline.py", "build_timeline"),
    ("actors", "newsweave/analyze/actors.py", "find_actors"),
    ("render", "newsweave/render/markdown.py", "briefing_to_markdown"),
)
COLD_STAGES = (
    ("import newsweave.cli", "newsweave/cli.py", "<module>"),
    ("import spacy", "spacy/__init__.py", "<module>"),
    ("  of which torch (thinc imports it when installed)", "torch/__init__.py", "<module>"),
    ("spacy.load (the model)", "spacy/__init__.py", "load"),
    ("import scikit-learn", "sklearn/__init__.py", "<module>"),
    ("import the sentence encoder", "newsweave/encoder.py", "<module>"),
    ("brief_articles (model load included)", "newsweave/pipeline.py", "brief_articles"),
) + WARM_STAGES[1:]


def stage_times(stats: pstats.Stats, stages) -> dict[str, float]:
    """Cumulative seconds of each named stage (0 when it did not run).

    The largest matching entry is taken: same-named functions of one file nest (the
    module-level `encode` calls the encoder's `encode`), so adding them would count twice.
    """
    table = stats.stats  # type: ignore[attr-defined]
    out = {}
    for label, suffix, name in stages:
        out[label] = round(
            max(
                (
                    row[3]
                    for (path, _line, func), row in table.items()
                    if func == name and path.endswith(suffix)
                ),
                default=0.0,
            ),
            3,
        )
    return out


def print_stages(title: str, stages: dict[str, float], total: float) -> None:
    print(f"  {title} (cProfile, total {total:.2f} s)")
    for label, seconds in stages.items():
        if seconds:
            print(f"    {label:<52} {seconds:6.2f} s {seconds / total:6.1%}")


# --- cold start -----------------------------------------------------------------


def _run(cmd: list[str], cwd: Path) -> float:
    """Wall seconds of `cmd`, with this checkout's newsweave first on the path."""
    path = os.pathsep.join(p for p in (str(REPO / "src"), os.environ.get("PYTHONPATH")) if p)
    started = time.perf_counter()
    subprocess.run(
        cmd,
        cwd=cwd,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=os.environ | {"PYTHONPATH": path},
    )
    return time.perf_counter() - started


def cold(runs: int, work: Path) -> dict:
    from newsweave.nlp import MODEL_NAME

    text = work / "two-sentences.txt"
    text.write_text(TWO_SENTENCES, encoding="utf-8")
    brief_cmd = [sys.executable, "-m", "newsweave", "brief", str(text), "-o", str(work / "b.md")]
    spacy_cmd = [sys.executable, "-c", f"import spacy; spacy.load({MODEL_NAME!r})"]
    pairs = []
    for _ in range(runs):
        pairs.append((_run(brief_cmd, work), _run(spacy_cmd, work)))
    ratios = [b / s for b, s in pairs]
    profile = work / "cold.prof"
    _run([sys.executable, "-m", "cProfile", "-o", str(profile), *brief_cmd[1:]], work)
    stats = pstats.Stats(str(profile))
    total = stats.total_tt  # type: ignore[attr-defined]
    return {
        "brief_s": [round(b, 2) for b, _ in pairs],
        "spacy_import_and_load_s": [round(s, 2) for _, s in pairs],
        "ratios": [round(r, 2) for r in ratios],
        "ratio": round(statistics.median(ratios), 2),
        "profile_total_s": round(total, 2),
        "stages_s": stage_times(stats, COLD_STAGES),
    }


# --- warm briefing and show -------------------------------------------------------


def duc_topics() -> dict[str, list[str]]:
    """The first `TOPICS` topics of docs.jsonl, each its JSON lines in file order."""
    topics: dict[str, list[str]] = {}
    with DUC.open(encoding="utf-8") as stream:
        for line in stream:
            topic = json.loads(line)["topic"]
            if topic not in topics and len(topics) == TOPICS:
                continue
            topics.setdefault(topic, []).append(line)
    return topics


def spacy_pass(paragraphs: list[str]) -> float:
    from newsweave.nlp import BATCH_SIZE, load_nlp

    nlp = load_nlp()
    started = time.perf_counter()
    for _doc in nlp.pipe(paragraphs, batch_size=BATCH_SIZE):
        pass
    return time.perf_counter() - started


def warm(topics: dict[str, list[str]]) -> dict:
    from newsweave.encoder import encode
    from newsweave.ingest.jsonl import read_jsonl_lines
    from newsweave.nlp import load_nlp
    from newsweave.pipeline import brief_articles, clean
    from newsweave.render import briefing_to_markdown

    load_nlp()
    encode(["A sentence to load the encoder."])
    rows = {}
    stories = {}
    for topic, lines in topics.items():
        articles = [clean(raw) for raw in read_jsonl_lines(topic, lines)]
        stories[topic] = articles
        paragraphs = [p for a in articles for p in a.paragraphs]
        spacy_s = spacy_pass(paragraphs)
        started = time.perf_counter()
        briefing_to_markdown(brief_articles(articles))
        brief_s = time.perf_counter() - started
        rows[topic] = {
            "articles": len(articles),
            "paragraphs": len(paragraphs),
            "spacy_s": round(spacy_s, 3),
            "brief_s": round(brief_s, 3),
            "ratio": round(brief_s / spacy_s, 2),
        }
    median_topic = sorted(rows, key=lambda t: rows[t]["ratio"])[len(rows) // 2]
    profiler = cProfile.Profile()
    profiler.enable()
    briefing_to_markdown(brief_articles(stories[median_topic]))
    profiler.disable()
    stats = pstats.Stats(profiler)
    return {
        "topics": rows,
        "ratio": statistics.median(r["ratio"] for r in rows.values()),
        "profiled_topic": median_topic,
        "profile_total_s": round(stats.total_tt, 2),  # type: ignore[attr-defined]
        "stages_s": stage_times(stats, WARM_STAGES),
    }


class _CountAnnotated:
    """Counts the articles handed to spaCy (newsweave.nlp.annotate) while active."""

    def __init__(self) -> None:
        import newsweave.nlp

        self.module = newsweave.nlp
        self.original = newsweave.nlp.annotate
        self.articles = 0

    def __enter__(self) -> _CountAnnotated:
        def counting(articles, **kwargs):
            self.articles += len(articles)
            return self.original(articles, **kwargs)

        self.module.annotate = counting
        return self

    def __exit__(self, *exc) -> None:
        self.module.annotate = self.original


def show_after_one(topics: dict[str, list[str]], work: Path) -> dict:
    from newsweave.corpus import ingest
    from newsweave.corpus.reader import read_story
    from newsweave.store import Store

    first = work / "first-nine.jsonl"
    first.write_text("".join(line for lines in topics.values() for line in lines[:9]), "utf-8")
    store = Store(work / "speed.db")
    ingest([first], store)
    for story in store.stories():
        read_story(store, story.id)
    rows = {}
    last_profile = None
    for topic, lines in topics.items():
        tenth = work / f"{topic}-tenth.jsonl"
        tenth.write_text(lines[9], "utf-8")
        ingest([tenth], store)
        article_id = store.query("SELECT max(id) FROM articles")[0][0]
        story_id = store.story_of(article_id)
        assert story_id is not None
        members = [m for m in store.members(story_id) if m.duplicate_of is None]
        paragraphs = [p for m in members for p in m.article.paragraphs]
        spacy_s = spacy_pass(paragraphs)
        profiler = cProfile.Profile()
        with _CountAnnotated() as counted:
            started = time.perf_counter()
            profiler.enable()
            read_story(store, story_id)
            profiler.disable()
            show_s = time.perf_counter() - started
        last_profile = profiler
        rows[topic] = {
            "story_articles": len(members),
            "articles_annotated": counted.articles,
            "spacy_s": round(spacy_s, 3),
            "show_s": round(show_s, 3),
            "ratio": round(show_s / spacy_s, 2),
        }
    store.close()
    stats = pstats.Stats(last_profile)
    return {
        "topics": rows,
        "ratio": statistics.median(r["ratio"] for r in rows.values()),
        "profile_total_s": round(stats.total_tt, 2),  # type: ignore[attr-defined]
        "stages_s": stage_times(stats, WARM_STAGES),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="cold-start pairs (default 3)")
    parser.add_argument("--out", type=Path, default=RESULTS / "speed.json")
    parser.add_argument(
        "--only", choices=("cold",), help="only the cold start (e.g. in another virtualenv)"
    )
    args = parser.parse_args(argv)
    if args.only == "cold":
        with tempfile.TemporaryDirectory(prefix="newsweave-speed-") as tmp:
            c = cold(args.runs, Path(tmp))
        c |= {"environment": environment(), "python": sys.executable}
        print(
            f"cold `newsweave brief` of two sentences: {c['ratio']:.2f}x spaCy import+load "
            f"(brief {c['brief_s']} s, spaCy {c['spacy_import_and_load_s']} s)"
        )
        print_stages("cold stages", c["stages_s"], c["profile_total_s"])
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(c, indent=1) + "\n", encoding="utf-8")
        return 0

    topics = duc_topics()
    with tempfile.TemporaryDirectory(prefix="newsweave-speed-") as tmp:
        work = Path(tmp)
        result = {
            "cold": cold(args.runs, work),
            "warm": warm(topics),
            "show_after_one_new_article": show_after_one(topics, work),
            "environment": environment(),
            "command": "python bench/speed.py",
        }
    c, w, s = result["cold"], result["warm"], result["show_after_one_new_article"]
    print(
        f"cold `newsweave brief` of two sentences: {c['ratio']:.2f}x spaCy import+load "
        f"(brief {c['brief_s']} s, spaCy {c['spacy_import_and_load_s']} s)"
    )
    print_stages("cold stages", c["stages_s"], c["profile_total_s"])
    print(f"warm brief_articles of a 10-article DUC story: {w['ratio']:.2f}x one nlp.pipe pass")
    for topic, row in w["topics"].items():
        print(f"    {topic}: brief {row['brief_s']:.2f} s, spaCy {row['spacy_s']:.2f} s")
    print_stages(f"warm stages ({w['profiled_topic']})", w["stages_s"], w["profile_total_s"])
    print(f"show after one new article: {s['ratio']:.2f}x one nlp.pipe pass over the story")
    for topic, row in s["topics"].items():
        print(
            f"    {topic}: {row['story_articles']} articles, {row['articles_annotated']} "
            f"annotated, show {row['show_s']:.2f} s, spaCy {row['spacy_s']:.2f} s"
        )
    print_stages("show stages (last topic)", s["stages_s"], s["profile_total_s"])
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
