"""Words and stop words of a text in its own language, for comparing texts of one language.

Near-duplicates (dedup.py) and story clustering (cluster/text.py) read words. English
keeps the readers it was calibrated with; every other language goes through `words`:
Unicode letters, case-folded, split at apostrophes (French "l'incendie", Italian
"dell'incendio"), and in scripts written without spaces (Chinese, Japanese, Thai, ...)
overlapping character pairs, the usual indexing unit when no word segmenter is at hand.

Stop lists are spaCy's, one per language (about 70; spaCy's `spacy.blank(code)` uses the
same lists). They are read from the installed spaCy's `lang/<code>/stop_words.py` files,
which define a plain set, without importing spaCy (seconds) and without any model.
"""

from __future__ import annotations

import functools
import importlib.util
import re
import runpy
import unicodedata
from pathlib import Path

from newsweave.language import ENGLISH, UNDETERMINED

# Scripts written without spaces between words (as language.py counts them).
_UNSPACED = (
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
    "\u3040-\u309f\u30a0-\u30ff\u31f0-\u31ff\uff66-\uff9f"
    "\u0e00-\u0e7f\u0e80-\u0eff\u1780-\u17ff\u1000-\u109f\u0f00-\u0fff\ua000-\ua4cf"
)
_UNSPACED_RUN = re.compile(f"[{_UNSPACED}]+")
# A word: a letter, then letters, digits or combining marks (Devanagari vowel signs are
# marks, not letters); apostrophes and hyphens end it.
_MARKS = "\u0300-\u036f\u0900-\u0963\u0966-\u0dff"  # combining accents; Indic letters and signs
_SPACED_WORD = re.compile(rf"(?![{_UNSPACED}])[^\W\d_](?:(?![{_UNSPACED}])[\w{_MARKS}])*")


def is_english(language: str | None) -> bool:
    """Whether a text is read the English way: English, or too short to tell."""
    return language in (None, "", ENGLISH, UNDETERMINED)


def words(text: str) -> list[str]:
    """The case-folded words of `text` in order; character pairs in unspaced scripts."""
    text = unicodedata.normalize("NFC", text).casefold()
    out: list[str] = []
    position = 0
    for run in _UNSPACED_RUN.finditer(text):
        out.extend(_SPACED_WORD.findall(text, position, run.start()))
        chars = run.group(0)
        out.extend(
            [chars] if len(chars) == 1 else [chars[i : i + 2] for i in range(len(chars) - 1)]
        )
        position = run.end()
    out.extend(_SPACED_WORD.findall(text, position))
    return out


def is_unspaced(word: str) -> bool:
    """Whether `word` is a character pair (or character) of an unspaced script."""
    return bool(_UNSPACED_RUN.match(word))


@functools.cache
def stop_words(language: str) -> frozenset[str]:
    """spaCy's stop list for an ISO 639-1 code, case-folded; empty when spaCy has none."""
    if not re.fullmatch(r"[a-z]{2,3}", language or ""):
        return frozenset()
    spec = importlib.util.find_spec("spacy")  # locates the package without importing it
    if spec is None or spec.origin is None:
        return frozenset()
    path = Path(spec.origin).parent / "lang" / language / "stop_words.py"
    if not path.is_file():
        return frozenset()
    try:
        found = runpy.run_path(str(path)).get("STOP_WORDS", ())
    except Exception:  # noqa: BLE001 - a broken list means no list, never a failed ingest
        return frozenset()
    return frozenset(unicodedata.normalize("NFC", str(w)).casefold() for w in found)
