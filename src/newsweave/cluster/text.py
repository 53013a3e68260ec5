"""What the clusterer reads in a text: terms, names, numbers, written dates and years.

Regular expressions only (no spaCy at ingest), so an article costs microseconds. These
are the raw signals of the features (cluster.features); a second clustering level
(events into stories) can read texts with the same functions.

Terms and names follow the article's language. English (and "und", too short to tell)
is read as it was calibrated on ECB+. Any other language is read with `tokens.words`
and its own stop list, and each term and name is keyed "<code>:<word>" ("de:brand"):
the keys of two languages never meet, so an article only finds candidate stories of its
own language (candidates come from shared terms) and a German story never takes in an
English article, however many names they share. Linking languages is an encoder's job.
"""

from __future__ import annotations

import functools
import re
from collections import Counter

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from newsweave.lexicon import MONTH_ABBREVIATIONS, MONTH_NAMES, MONTHS
from newsweave.tokens import is_english, is_unspaced, stop_words, words

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


LANGUAGE_SEPARATOR = ":"  # "de:brand": a term of a language other than English

# Languages that capitalise every noun: there a single capitalised word is a name only when
# general text rarely has it (wordfreq), as "Kestrelholm" but not "Feuerwehr"; multi-word
# runs ("Deutsche Bahn", "Marit Ellesund") always count. Calibrated by reading German
# examples: 1e-6 keeps invented and rare place names, drops everyday nouns.
NOUN_CAPITALISING = frozenset({"de", "lb"})
RARE_NAME_FREQUENCY = 1e-6


def key(word: str, language: str | None) -> str:
    """The term or name `word` as the clusterer keys it in `language`."""
    return word if is_english(language) else f"{language}{LANGUAGE_SEPARATOR}{word}"


def split_key(term: str) -> tuple[str, str]:
    """(word, language) of a key; English for an unmarked one."""
    language, separator, word = term.partition(LANGUAGE_SEPARATOR)
    return (word, language) if separator else (term, "en")


@functools.lru_cache(maxsize=256)
def word_counts(text: str) -> Counter[str]:
    """The lower-cased words of `text` (runs of [a-z][a-z0-9']+) with counts, in order of
    first occurrence: what the terms of both levels are read from (`terms`, and the story
    linker's). Cached for the last texts read, as both levels read each article's text in
    the same batch: the Counter returned is shared, never change it."""
    return Counter(_WORD.findall(text.lower()))


def terms(text: str, language: str | None = None) -> Counter[str]:
    """Lower-cased words of three letters or more, stop words left out, with counts.

    In unspaced scripts (Chinese, Japanese, ...) the words are character pairs, all kept.
    """
    if is_english(language):
        counts = word_counts(text)
        return Counter({w: c for w, c in counts.items() if w not in STOP_WORDS and len(w) > 2})
    stop = stop_words(str(language))
    return Counter(
        key(w, language) for w in words(text) if w not in stop and (len(w) > 2 or is_unspaced(w))
    )


def name_counts(text: str, language: str | None = None) -> Counter[str]:
    """Capitalised phrases and their words, lower-cased, with mention counts: the cheap NER."""
    if not is_english(language):
        return _name_counts_in(text, str(language))
    found: Counter[str] = Counter()
    for match in _NAME.finditer(text):
        words = [w for w in match.group(0).lower().split() if w not in _NOT_NAMES]
        if not words:
            continue
        found.update(w for w in words if len(w) > 2)
        if len(words) > 1:
            found[" ".join(words)] += 1
    return found


# A token of a name run: a capitalised word, possibly with punctuation at either side.
_TOKEN = re.compile(r"\S+")
_EDGE = re.compile(r"^[\W_]+|[\W_]+$")


def _name_runs(text: str) -> list[list[str]]:
    """Runs of consecutive capitalised words; punctuation before or after a word ends a run
    ("..., sagte Marit Ellesund. Die ..." gives ["Marit", "Ellesund"] and ["Die"])."""
    runs: list[list[str]] = [[]]
    for token in _TOKEN.findall(text):
        word = _EDGE.sub("", token)
        if not (word and word[0].isupper()):
            runs.append([])
            continue
        if not token.startswith(word):
            runs.append([])
        runs[-1].append(word)
        if not token.endswith(word):
            runs.append([])
    return [run for run in runs if run]


def _name_counts_in(text: str, language: str) -> Counter[str]:
    stop = stop_words(language) | _NOT_NAMES
    nouns = language in NOUN_CAPITALISING
    found: Counter[str] = Counter()
    for raw in _name_runs(text):
        run = [w.casefold() for w in raw if w.casefold() not in stop]
        if not run:
            continue
        singles = [w for w in run if len(w) > 2]
        if nouns and len(run) == 1:
            singles = [w for w in singles if _rare(w, language)]
        found.update(key(w, language) for w in singles)
        if len(run) > 1:
            found[key(" ".join(run), language)] += 1
    return found


def _rare(word: str, language: str) -> bool:
    from newsweave.cluster.idf import word_frequency  # idf reads this module's keys

    return word_frequency(word, language) < RARE_NAME_FREQUENCY


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
