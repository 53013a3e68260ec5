"""The MiniLM sentence encoder: shapes, unit length, and that meaning drives similarity."""

from __future__ import annotations

import numpy as np
import pytest

from newsweave.encoder import DIMENSIONS, Encoder, encode, load_encoder


@pytest.fixture(scope="module")
def encoder() -> Encoder:
    return load_encoder()


def test_shape_dtype_and_unit_length(encoder):
    vectors = encode(["The bridge reopened on Friday.", "Ferries are running late."])
    assert vectors.shape == (2, DIMENSIONS) == (2, 384)
    assert vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_empty_input_gives_an_empty_matrix():
    vectors = encode([])
    assert vectors.shape == (0, 384)
    assert vectors.dtype == np.float32


def test_paraphrases_are_closer_than_unrelated_sentences(encoder):
    a, b, c = encode(
        [
            "The council voted to close the old harbour bridge for repairs.",
            "Councillors decided the ageing harbour bridge will shut while it is repaired.",
            "A local bakery won a prize for its rye bread.",
        ]
    )
    assert a @ b > 0.6
    assert a @ b > a @ c + 0.3
    assert a @ b > b @ c + 0.3


def test_the_shared_encoder_is_loaded_once(encoder):
    assert load_encoder() is encoder
    assert encoder.dimensions == 384
