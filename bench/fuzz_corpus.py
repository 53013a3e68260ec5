"""The fuzz corpus at scale: many seeded copies of tests/fuzz_corpus.py's odd folder,
run through `extract` and `ingest` as a user would, each in its own process.

Records per command: inputs (files written), documents read, crashes (a traceback),
hangs (past the time limit), lost (an input neither output nor named as skipped), and
the peak RSS of the process (target: under 500 MiB).

    python bench/fuzz_corpus.py --copies 20 --scale 2
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from fuzz_corpus import build  # noqa: E402

from newsweave.cli import shown  # noqa: E402
from newsweave.ingest.sources import path_id  # noqa: E402

SOURCE = Path(sys.modules["newsweave"].__file__ or "").resolve().parents[1]


def run(args: list[str], cwd: Path, limit: float) -> dict:
    """One command in its own process: exit code, output, wall time, peak RSS (MiB)."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "newsweave", *args],
            cwd=cwd,
            stdout=out,
            stderr=err,
            env={**os.environ, "PYTHONPATH": str(SOURCE)},  # the code this script imported
        )
        hung, rss_kib, code = False, 0, None
        while code is None:  # os.wait4 gives this child's own peak RSS
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                code, rss_kib = os.waitstatus_to_exitcode(status), usage.ru_maxrss
                process.returncode = code
            elif time.perf_counter() - started > limit:
                process.kill()
                hung = True
            else:
                time.sleep(0.05)
        out.seek(0)
        err.seek(0)
        return {
            "code": code,
            "stdout": out.read().decode("utf-8", "replace"),
            "stderr": err.read().decode("utf-8", "replace"),
            "seconds": time.perf_counter() - started,
            "hung": hung,
            "peak_rss_mib": rss_kib / 1024,
        }


def accounted(made, root: Path, ids: list[str], skipped: list[str]) -> int:
    """How many generated inputs are neither in the output nor named as skipped."""
    lost = 0
    for generated in made:
        name = path_id(generated.path.relative_to(root))
        prefixes = (f"{name}:", f"{name}#", f"{name}/")
        out = any(i == name or i.startswith(prefixes) for i in ids)
        told = any(line.startswith(shown(name)) for line in skipped)
        if not (out or told):
            lost += 1
            print(f"lost: {generated.kind}: {name}", file=sys.stderr)
    return lost


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=20, help="seeded copies of the corpus")
    parser.add_argument("--scale", type=int, default=2, help="size multiplier of big files")
    parser.add_argument("--limit", type=float, default=1800, help="seconds before a hang")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "fuzz.json")
    options = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        made = []
        for copy in range(options.copies):
            made += build(root / "odd" / f"c{copy:03d}", seed=copy, scale=options.scale)
        size = sum(
            g.path.lstat().st_size for g in made if g.path.is_file() and not g.path.is_symlink()
        )
        results = {}
        extract = run(["extract", "odd", "-f", "jsonl"], root, options.limit)
        ids = [json.loads(line)["id"] for line in extract["stdout"].splitlines() if line]
        skip = "newsweave: skipped "
        skipped = [
            line[len(skip) :] for line in extract["stderr"].splitlines() if line.startswith(skip)
        ]
        results["extract"] = {
            "documents": len(ids) + len(skipped),
            "articles": len(ids),
            "skipped": len(skipped),
            "crashes": int("Traceback" in extract["stderr"]),
            "hangs": int(extract["hung"]),
            "lost": accounted(made, root, ids, skipped),
            "seconds": round(extract["seconds"], 1),
            "peak_rss_mib": round(extract["peak_rss_mib"]),
        }
        ingest = run(["ingest", "odd", "--db", "fuzz.db", "--json"], root, options.limit)
        summary = json.loads(ingest["stdout"]) if ingest["code"] == 0 else {}
        results["ingest"] = {
            "documents": summary.get("documents"),
            "stored": summary.get("new", 0) + summary.get("duplicates", 0),
            "already_stored": summary.get("already_stored"),
            "skipped": len(summary.get("skipped", [])),
            "crashes": int("Traceback" in ingest["stderr"]),
            "hangs": int(ingest["hung"]),
            "lost": (results["extract"]["documents"] - (summary.get("documents") or 0)),
            "seconds": round(ingest["seconds"], 1),
            "peak_rss_mib": round(ingest["peak_rss_mib"]),
        }
        report = {
            "copies": options.copies,
            "scale": options.scale,
            "inputs": len(made),
            "kinds": len({g.kind for g in made}),
            "bytes": size,
            "results": results,
        }
    options.out.parent.mkdir(parents=True, exist_ok=True)
    options.out.write_text(json.dumps(report, indent=1) + "\n")
    print(json.dumps(report, indent=1))
    if os.environ.get("NEWSWEAVE_BENCH_STRICT"):
        assert all(r["crashes"] == r["hangs"] == r["lost"] == 0 for r in results.values())


if __name__ == "__main__":
    main()
