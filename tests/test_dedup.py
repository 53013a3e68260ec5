"""Near-duplicates: wire copies and republished versions link to the first copy."""

from __future__ import annotations

from conftest import EXAMPLES

from newsweave import dedup
from newsweave.extract import extract_article
from newsweave.ingest import read_text

STORY = EXAMPLES / "kestrelholm-fire"


def body(name: str) -> str:
    path = STORY / name
    return extract_article(read_text(path.read_text(encoding="utf-8"), name)).text


def test_shingles_are_word_pairs():
    assert dedup.shingles("The tank, the TANK burst.") == {"the tank", "tank the", "tank burst"}


def test_short_text_has_no_signature():
    assert dedup.signature("Two workers died.") is None


def test_republished_copy_is_found_and_another_outlet_is_not():
    saltgate = body("saltgate-observer.txt")
    ledger = body("kestrelholm-ledger.txt")
    index = dedup.NearDuplicateIndex()
    index.add(1, dedup.signature(saltgate))
    index.add(2, dedup.signature(ledger))
    paragraphs = saltgate.split("\n\n")
    # republished: last paragraph trimmed, a promo line inserted, one word in ten changed
    words = "\n\n".join(paragraphs[:-1] + ["Subscribe to the Observer for $1 a week."]).split(" ")
    edited = " ".join("fire" if i % 10 == 5 else w for i, w in enumerate(words))
    match = index.find(dedup.signature(edited))
    assert match is not None and match.original == 1
    assert 0.5 < match.similarity < 1.0
    # the Courier's own report of the same fire is not a copy of either
    assert index.find(dedup.signature(body("varnholt-sentinel.txt"))) is None


def test_index_round_trips_through_stored_signatures():
    text = body("saltgate-observer.txt")
    blob = dedup.to_bytes(dedup.signature(text))
    index = dedup.NearDuplicateIndex.from_signatures([(7, blob)])
    assert len(index) == 1
    assert index.find(dedup.signature(text)) == dedup.Match(7, 1.0)
