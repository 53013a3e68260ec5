"""What reading developing stories costs, against the event-level reads of the same run.

On a store of the whole DUC 2004 set (500 documents, ingested here into a temporary
directory unless --db names one):

- list: `corpus.list_stories` (developing stories with their headline or lead-sentence
  fallback, what `newsweave stories` prints) over `Store.stories` (the event list
  `stories` printed before), median of --runs;
- show: `read_developing_story` of the five stories with the most events, built (cold:
  record not cached, annotations cached from an earlier `read_story` of each event)
  and then from the cache, over `read_story` of the same stories' events (each built,
  then cached), summed per story, median ratio.

    python bench/developments_read.py      # table + bench/results/developments_read.json

DUC 2004 text is read from ../shared and only written to a temporary directory.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT.parent / "shared" / "evaldata" / "duc2004-topics" / "docs.jsonl"


def timed(fn, *args):
    start = time.perf_counter()
    value = fn(*args)
    return time.perf_counter() - start, value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", type=Path, help="an ingested DUC 2004 store (else made here)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--stories", type=int, default=5)
    args = parser.parse_args()
    from newsweave.corpus import list_stories, read_developing_story, read_story
    from newsweave.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        db = args.db
        if db is None:
            db = Path(tmp) / "duc.db"
            subprocess.run(
                [sys.executable, "-m", "newsweave", "ingest", str(DOCS), "--db", str(db)],
                check=True,
                capture_output=True,
            )
        with Store(db) as store:
            lists = [timed(list_stories, store)[0] for _ in range(args.runs)]
            events = [timed(store.stories)[0] for _ in range(args.runs)]
            listed = list_stories(store)
            top = sorted(listed, key=lambda x: -x.summary.events)[: args.stories]
            rows = []
            for item in top:
                story = item.summary.id
                event_ids = [e.id for e in store.story_events([story])]
                built = sum(timed(read_story, store, e)[0] for e in event_ids)
                cached = sum(timed(read_story, store, e)[0] for e in event_ids)
                cold, _ = timed(read_developing_story, store, story)
                warm, _ = timed(read_developing_story, store, story)
                rows.append(
                    {
                        "story": story,
                        "events": len(event_ids),
                        "articles": item.summary.articles,
                        "events_built_s": round(built, 3),
                        "events_cached_s": round(cached, 3),
                        "story_cold_s": round(cold, 3),
                        "story_cached_s": round(warm, 3),
                    }
                )
    result = {
        "stories": len(listed),
        "list_s": round(statistics.median(lists), 4),
        "event_list_s": round(statistics.median(events), 4),
        "list_ratio": round(statistics.median(lists) / statistics.median(events), 2),
        "show_cold_ratio": round(
            statistics.median(r["story_cold_s"] / r["events_built_s"] for r in rows), 2
        ),
        "show_cached_ratio": round(
            statistics.median(r["story_cached_s"] / r["events_cached_s"] for r in rows), 2
        ),
        "rows": rows,
    }
    out = ROOT / "bench" / "results" / "developments_read.json"
    out.write_text(json.dumps(result, indent=1) + "\n")
    print(f"stories: {result['stories']}")
    print(
        f"list: {result['list_s']} s vs event list {result['event_list_s']} s "
        f"(x{result['list_ratio']})"
    )
    for r in rows:
        print(
            f"{r['story']} {r['events']} events {r['articles']} articles: story cold "
            f"{r['story_cold_s']} s / cached {r['story_cached_s']} s; its events built "
            f"{r['events_built_s']} s / cached {r['events_cached_s']} s"
        )
    print(
        f"median ratio story/events: cold x{result['show_cold_ratio']}, "
        f"cached x{result['show_cached_ratio']}"
    )


if __name__ == "__main__":
    main()
