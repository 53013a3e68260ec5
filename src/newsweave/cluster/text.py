"""What the clusterer reads in a text: terms, names, numbers, written dates and years.

Regular expressions only (no spaCy at ingest), so an article costs microseconds. These
are the raw signals of the features (cluster.features); a second clustering level
(events into stories) can read texts with the same functions.
"""

from __future__ import annotations

import re
from collections import Counter

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from newsweave.lexicon import MONTH_ABBREVIATIONS, MONTH_NAMES, MONTHS

# scikit-learn's English stop words carry content words a news story turns on ("fire",
# "bill", "system", the number words): those stay terms. News function words are added.
# The two sets keep the terms the weights were fitted on (ClusterSettings).
_CONTENT_WORDS = frozenset(
    [
        "amoungst",
        "amount",
        "bill",
        "bottom",
        "call",
        "cant",
        "co",
        "con",
        "couldnt",
        "cry",
        "de",
        "describe",
        "detail",
        "eight",
        "eleven",
        "empty",
        "fifteen",
        "fifty",
        "fill",
        "find",
        "fire",
        "five",
        "forty",
        "found",
        "four",
        "front",
        "full",
        "hasnt",
        "hundred",
        "inc",
        "interest",
        "keep",
        "mill",
        "move",
        "name",
        "nine",
        "part",
        "serious",
        "show",
        "side",
        "sincere",
        "six",
        "sixty",
        "system",
        "take",
        "ten",
        "thick",
        "thin",
        "third",
        "three",
        "top",
        "twelve",
        "twenty",
        "two",
        "un",
    ]
)
_NEWS_WORDS = frozenset(
    [
        "did",
        "does",
        "doing",
        "just",
        "said",
        "says",
        "say",
        "told",
        "according",
        "new",
        "news",
        "reported",
        "report",
        "reports",
        "year",
        "years",
        "time",
        "http",
        "www",
        "com",
        "html",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ]
)
STOP_WORDS = (ENGLISH_STOP_WORDS - _CONTENT_WORDS) | _NEWS_WORDS

_WORD = re.compile(r"[a-z][a-z0-9']+")
# Runs of capitalised words ("Betty Ford Center", "Kestrelholm"); joiners allowed inside.
_NAME = re.compile(
    r"\b[A-Z][\w'\-]*[a-z][\w'\-]*(?:\s+(?:(?:of|de|del|la|van|von|al|bin)\s+)?[A-Z][\w'\-]+)*"
)
_NUMBER = re.compile(r"(?<![\w.])\d{1,3}(?:,\d{3})+(?![\d])|(?<![\w.,])\d+(?:\.\d+)?(?![\d])")
_MONTH_ALTERNATION = "|".join(MONTH_ABBREVIATIONS)  # jan|feb|…|sep|sept|…|dec
_MONTH_DAY = re.compile(
    rf"\b({_MONTH_ALTERNATION})[a-z]*\.?\s+(\d{{1,2}})\b"
    r"(?:,?\s+(\d{4}))?",
    re.IGNORECASE,
)
_DAY_MONTH = re.compile(rf"\b(\d{{1,2}})\s+({_MONTH_ALTERNATION})[a-z]*\b", re.IGNORECASE)
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
# Capitalised words that are not names: sentence openers, titles, calendar words.
_TITLE_WORDS = """mr mrs ms dr the a an in on at it he she they we but and or if as for this
    that there when after before his her their its president minister police officials"""
_NOT_NAMES = STOP_WORDS | frozenset(MONTH_NAMES) | frozenset(_TITLE_WORDS.split())


def terms(text: str) -> Counter[str]:
    """Lower-cased words of three letters or more, stop words left out, with counts."""
    return Counter(w for w in _WORD.findall(text.lower()) if w not in STOP_WORDS and len(w) > 2)


def name_counts(text: str) -> Counter[str]:
    """Capitalised phrases and their words, lower-cased, with mention counts: the cheap NER."""
    found: Counter[str] = Counter()
    for match in _NAME.finditer(text):
        words = [w for w in match.group(0).lower().split() if w not in _NOT_NAMES]
        if not words:
            continue
        found.update(w for w in words if len(w) > 2)
        if len(words) > 1:
            found[" ".join(words)] += 1
    return found


def numbers(text: str) -> set[str]:
    """Numbers with at least two digits, thousands separators removed; years excluded."""
    out = set()
    for raw in _NUMBER.findall(text):
        value = raw.replace(",", "")
        if sum(c.isdigit() for c in value) >= 2 and not _YEAR.fullmatch(value):
            out.add(value)
    return out


def written_dates(text: str) -> set[str]:
    """Written calendar dates as "month-day" (year dropped: often omitted in news)."""
    out = {f"{MONTHS[m[:3].lower()]}-{int(d)}" for m, d, _ in _MONTH_DAY.findall(text)}
    out |= {f"{MONTHS[m[:3].lower()]}-{int(d)}" for d, m in _DAY_MONTH.findall(text)}
    return {d for d in out if 1 <= int(d.split("-")[1]) <= 31}


def years(text: str) -> set[str]:
    """Years written in the text: two events of one kind years apart differ here."""
    return set(_YEAR.findall(text))
