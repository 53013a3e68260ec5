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


# Our own short report and our own German translation of it: they share every name and
# number, so word shingles alone could link them.
ENGLISH_REPORT = (
    "The Brenmark port authority closed Veldt Quay on Tuesday after a second leak at Tank 6, "
    "Harbour Master Ilse Varga said. About 2,000 cubic metres of styrene were pumped into "
    "Tank 9 overnight, and 140 residents of Oldmere were told to keep their windows shut "
    "until Thursday. Harrow-Lind Terminals said the leak was small and under control."
)
GERMAN_REPORT = (
    "Die Hafenbehörde von Brenmark hat Veldt Quay am Dienstag nach einem zweiten Leck an "
    "Tank 6 geschlossen, sagte Hafenmeisterin Ilse Varga. Etwa 2.000 Kubikmeter Styrol "
    "wurden über Nacht in Tank 9 gepumpt, und 140 Bewohner von Oldmere sollen ihre Fenster "
    "bis Donnerstag geschlossen halten. Harrow-Lind Terminals erklärte, das Leck sei klein "
    "und unter Kontrolle."
)


def test_an_article_and_its_translation_are_never_near_duplicates():
    index = dedup.NearDuplicateIndex()
    index.add(1, dedup.signature(ENGLISH_REPORT, "en"))
    assert index.find(dedup.signature(GERMAN_REPORT, "de")) is None
    # the German shingles are German words, marked with their language
    assert all(s.startswith("de:") for s in dedup.shingles(GERMAN_REPORT, language="de"))
    # a German republication of the German text is still found
    index.add(2, dedup.signature(GERMAN_REPORT, "de"))
    copy = GERMAN_REPORT.replace("Dienstag", "Dienstagabend") + " Mehr dazu morgen."
    match = index.find(dedup.signature(copy, "de"))
    assert match is not None and match.original == 2
