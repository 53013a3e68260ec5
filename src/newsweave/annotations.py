"""Per-article annotations kept in the store, computed once and reused by every briefing.

A stored article's spaCy annotation (its sentences, tokens and entities, as our
own plain values) and the MiniLM vectors of its sentences are saved under the
article's content hash and a version naming the annotation code, spaCy and its
model (and, for the vectors, the encoder). A briefing of any story the article is
in reads them back instead of running spaCy and the encoder again; a new spaCy
model or annotation code changes the version, so old rows are recomputed, never
reused. The values are zlib-compressed JSON of our own dataclasses: loading them
takes a small fraction of annotating again (docs/benchmarks.md, "Where a briefing's
time goes"), and spaCy is not even imported when every article is cached.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from typing import TYPE_CHECKING

from newsweave.model import AnnotatedArticle, Article, Entity, Sentence, Token

if TYPE_CHECKING:
    import numpy as np

    from newsweave.store import Store

# Bump when newsweave.nlp.annotate would give different sentences for the same text.
ANNOTATE_CODE_VERSION = 2  # 2: French model, sentencex for other languages


@lru_cache(maxsize=1)
def annotation_version() -> str:
    """Which code and model the stored sentences came from (no model is loaded for it)."""
    from newsweave.nlp import LANGUAGE_MODELS

    models = []
    for name, _install in LANGUAGE_MODELS.values():
        distribution = name.replace("_", "-")
        try:
            models.append(f"{distribution}/{metadata.version(distribution)}")
        except metadata.PackageNotFoundError:  # annotate names the install command
            models.append(f"{distribution}/missing")
    return f"annotate/{ANNOTATE_CODE_VERSION} spacy/{metadata.version('spacy')} " + " ".join(models)


@dataclass(frozen=True)
class Annotated:
    """A story's articles annotated, and the sentence vectors when they were asked for."""

    articles: tuple[AnnotatedArticle, ...]
    vectors: np.ndarray | None  # one row per sentence of every article, in order
    computed: int  # articles annotated now (the rest came from the store)


def annotate_stored(articles: Sequence[Article], store: Store, *, vectors: bool) -> Annotated:
    """Annotate `articles` through the store: only those without a current row run spaCy.

    With `vectors`, every sentence's MiniLM vector is returned too (also cached).
    """
    from newsweave.encoder import MODEL_ID
    from newsweave.store import content_hash

    version = annotation_version()
    keys = [content_hash(a) for a in articles]
    rows = store.annotations(keys, version)
    done: dict[int, AnnotatedArticle] = {}
    stored_vectors: dict[int, np.ndarray] = {}
    for i, (article, key) in enumerate(zip(articles, keys, strict=True)):
        row = rows.get(key)
        if row is None:
            continue
        done[i] = AnnotatedArticle(article, load(article.doc_id, row.sentences))
        if vectors and row.vectors is not None and row.vectors_model == MODEL_ID:
            stored_vectors[i] = _vectors(row.vectors)
    missing = [i for i in range(len(articles)) if i not in done]
    if missing:
        from newsweave.nlp import annotate

        for i, annotated in zip(missing, annotate([articles[i] for i in missing]), strict=True):
            done[i] = annotated
    ordered = tuple(done[i] for i in range(len(articles)))
    new_vectors: dict[int, np.ndarray] = {}
    if vectors:
        from newsweave.encoder import encode

        to_embed = [i for i in range(len(articles)) if i not in stored_vectors]
        texts = [s.text for i in to_embed for s in ordered[i].sentences]
        flat = encode(texts)
        at = 0
        for i in to_embed:
            n = len(ordered[i].sentences)
            new_vectors[i] = flat[at : at + n]
            at += n
    store.save_annotations(
        [
            (
                keys[i],
                dump(ordered[i].sentences) if i in missing else None,
                new_vectors[i].astype("<f4").tobytes() if i in new_vectors else None,
            )
            for i in range(len(articles))
            if i in missing or i in new_vectors
        ],
        version,
        MODEL_ID,
    )
    matrix = None
    if vectors:
        import numpy as np

        from newsweave.encoder import DIMENSIONS

        parts = [
            stored_vectors[i] if i in stored_vectors else new_vectors[i]
            for i in range(len(articles))
        ]
        matrix = np.concatenate(parts) if parts else np.zeros((0, DIMENSIONS), np.float32)
    return Annotated(ordered, matrix, len(missing))


def _vectors(blob: bytes) -> np.ndarray:
    import numpy as np

    from newsweave.encoder import DIMENSIONS

    return np.frombuffer(blob, dtype="<f4").reshape(-1, DIMENSIONS).astype(np.float32)


def dump(sentences: Sequence[Sentence]) -> bytes:
    """Sentences as compact JSON arrays (field order of the dataclasses), compressed."""
    data = [
        [
            s.index,
            s.paragraph,
            s.text,
            [[e.text, e.label] for e in s.entities],
            [[t.text, t.lemma, t.pos, t.tag, t.dep, t.head, t.ent, t.start] for t in s.tokens],
        ]
        for s in sentences
    ]
    return zlib.compress(json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode(), 1)


def load(doc_id: str, blob: bytes) -> tuple[Sentence, ...]:
    """The inverse of `dump`, for the article `doc_id`."""
    return tuple(
        Sentence(
            doc_id,
            index,
            paragraph,
            text,
            tuple(Entity(*e) for e in entities),
            tuple(Token(*t) for t in tokens),
        )
        for index, paragraph, text, entities, tokens in json.loads(zlib.decompress(blob))
    )
