"""Temporal expressions: find them in a sentence and normalise them to TIMEX3-like values.

Detection combines spaCy DATE/TIME entities with hand-written patterns that fix
their boundaries (TimeML spans: "the last week", not "in the last week") and
catch what the small model misses ("now", "for years", "Tuesday morning").

Normalisation is ours, not a library's: dateparser parses a string into one
datetime and has no notion of precision ("last month" is a month, not a day),
of tense ("met in February" vs "will meet in February") or of an anchor being
absent. So the rules below map an expression, an anchor date (the publication
date) and the tense of the governing verb to a value at its precision:
"2026-04-19" day, "2026-W17" week, "2026-W17-WE" weekend, "2026-03" month,
"2025-SU" season, "2025" year, "P3Y" duration. A relative expression without an
anchor is unresolved (value None), never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from newsweave.lexicon import (
    CARDINAL_WORDS,
    FRENCH_CARDINAL_WORDS,
    FRENCH_DEICTIC,
    FRENCH_MODIFIERS,
    FRENCH_MONTH_SPELLINGS,
    FRENCH_MONTHS,
    FRENCH_PARTS_OF_DAY,
    FRENCH_RELATIVE,
    FRENCH_SEASONS,
    FRENCH_UNITS,
    FRENCH_WEEKDAYS,
    MONTH_ABBREVIATIONS,
    MONTH_NAMES,
    MONTH_SHORT,
    MONTHS,
    PART_OF_DAY_NAMES,
    PARTS_OF_DAY,
    SEASON_CODE_ALIASES,
    SEASON_MONTHS,
    SEASON_NAMES,
    SEASONS,
    WEEKDAY_NAMES,
    WEEKDAYS,
    word_list,
)
from newsweave.model import Precision, Sentence, Token

# "unknown": the parse shows a verb but not which way it points from the publication date
# (a French "prévus en février", planned either before or after it); a month, season or
# weekday under it stays unresolved rather than guessed. "none": no verb governs it.
Tense = Literal["past", "present", "future", "none", "unknown"]

# --------------------------------------------------------------------------- rules as data

# Relative words and modifiers shared by the detector and the normaliser.
RELATIVE_WORDS = ("last", "next", "this", "past", "coming", "previous", "following", "upcoming")
MODIFIERS = (
    "early", "late", "mid", "the end of", "the beginning of", "the start of", "the middle of",
)  # fmt: skip
NUMBER_WORDS = {
    "a": 1, "an": 1, **CARDINAL_WORDS, "hundred": 100, "a couple of": 2, "a dozen": 12,
    "dozen": 12,
}  # fmt: skip
VAGUE_NUMBERS = ("several", "a few", "few", "many", "some", "recent", "the past several")
# unit -> (TIMEX3 duration letter, is it a clock unit (PT...), multiplier)
UNITS = {
    "second": ("S", True, 1), "minute": ("M", True, 1), "hour": ("H", True, 1),
    "day": ("D", False, 1), "week": ("W", False, 1), "fortnight": ("W", False, 2),
    "month": ("M", False, 1), "quarter": ("Q", False, 1), "year": ("Y", False, 1),
    "decade": ("Y", False, 10), "century": ("Y", False, 100),
}  # fmt: skip
REFS = {  # deictic words TimeML normalises to a reference point, not a date
    "now": "PRESENT_REF", "currently": "PRESENT_REF", "the present": "PRESENT_REF",
    "at present": "PRESENT_REF", "nowadays": "PRESENT_REF", "the past": "PAST_REF",
    "at the time": "PAST_REF", "once": "PAST_REF", "the future": "FUTURE_REF",
    "recently": "PAST_REF",
}  # fmt: skip
# Verbs whose object or complement is a planned event: "is scheduled for Tuesday".
# Matched on the word form too: the small model lemmatises "hoped" as "hop".
FUTURE_VERBS = re.compile(
    r"(?:schedul|plann?|expect|set|due|intend|aim|hop|prepar|propos|slat|promis|vow)"
    r"(?:e|es|ed|ing|s)?"
)
FUTURE_AUX = frozenset({"will", "wo", "shall", "'ll", "’ll", "would", "could", "might", "may"})
# Words before a bare month name or a bare year that show it is a date ("in May", "since 1979").
DATE_CUES = frozenset(
    {"in", "since", "by", "until", "till", "through", "from", "of", "last", "next", "this",
     "early", "late", "mid", "before", "after", "during", "between", "and", "or", "to",
     "around", "circa", "throughout",
     # French: "en 1979", "depuis 2022", "dès 2019", "fin 2025"
     "en", "depuis", "dès", "avant", "après", "entre", "fin", "début", "courant"}
)  # fmt: skip
AGE_CUES = frozenset({"age", "ages", "aged"})  # "children ages 6 months and older"
# Prepositions that point forward from a non-past verb: "postponed until Saturday".
UNTIL_PREPS = frozenset({"until", "till", "through", "to"})
SINCE_PREPS = frozenset({"since"})
# Leading words spaCy puts into DATE entities that TimeML leaves outside the span.
TRIM_LEADING = frozenset(
    {"on", "in", "at", "by", "since", "until", "till", "from", "for", "about", "around",
     "roughly", "approximately", "some", "over", "during", "within", "through", "throughout"}
)  # fmt: skip
TRIM_TRAILING = frozenset({"earlier", "later", "before", "after"})

# ---- patterns. Month and weekday names are case-sensitive (lower-case "may", "march").
_MONTH = (
    "(?-i:"
    + "|".join(m.title() for m in MONTH_NAMES)
    + "|"
    + "|".join(rf"{a.title()}\." for a in MONTH_ABBREVIATIONS if a not in MONTH_NAMES)
    + ")"
)
_WEEKDAY = "(?-i:" + "|".join(w.title() for w in WEEKDAY_NAMES) + ")"
_DAY = r"(?:[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?:1[5-9]\d\d|20\d\d)"
_MOD = r"(?:(?:" + "|".join(m.replace(" ", r"\s+") for m in MODIFIERS) + r")[\s-]+)"
_REL = r"(?:" + "|".join(RELATIVE_WORDS) + ")"
_NUM = r"(?:\d+|" + "|".join(sorted((re.escape(w) for w in NUMBER_WORDS), key=len, reverse=True))
_NUM += r"|several|a\s+few|few|many)"
_UNIT = r"(?:second|minute|hour|day|week|fortnight|month|quarter|year|decade|century|centuries)"
_SEASON = r"(?:" + "|".join(SEASONS) + ")"
_CAL_UNIT = r"(?:week(?:end)?|month|year|quarter|decade|century)"
_DUR_LEAD = r"(?:almost\s+|nearly\s+|more\s+than\s+|a\s+mere\s+|at\s+least\s+)"
_PART = r"(?:" + "|".join(PARTS_OF_DAY) + ")"
_CLOCK = r"(?:\d{1,2}(?::\d\d)?\s*(?:a\.m\.|p\.m\.|am\b|pm\b|AM\b|PM\b)|\d{1,2}:\d\d"
_CLOCK += r"(?:\s*(?:GMT|UTC|EST|EDT|PST|PDT|CET|BST))?|noon|midnight)"


# ---- French. Month names are matched in lower case only (as French writes them, and so
# never the English "Mars"/"Mai"); a weekday may open a sentence. A French expression is
# normalised by rewriting it into the English phrase the rules below know (`_from_french`).
def _alternatives(words) -> str:
    return "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))


_FR_MONTH = "(?-i:" + _alternatives([*FRENCH_MONTHS, *FRENCH_MONTH_SPELLINGS]) + ")"
_FR_WEEKDAY = "(?-i:" + "|".join(f"[{w[0].upper()}{w[0]}]{w[1:]}" for w in FRENCH_WEEKDAYS) + ")"
_FR_PART = "(?:" + _alternatives(FRENCH_PARTS_OF_DAY) + ")"
_FR_REL = "(?:" + _alternatives(FRENCH_RELATIVE) + ")"
_FR_CALENDAR_UNITS = [u for u, english in FRENCH_UNITS.items() if english not in ("hour", "minute")]
_FR_UNIT = "(?:" + _alternatives(_FR_CALENDAR_UNITS) + ")"
_FR_NUM = r"(?:\d+|" + _alternatives(FRENCH_CARDINAL_WORDS) + ")"
_FR_DAY = r"(?:1er|[0-3]?\d)"
_FR_MOD = r"(?:(?:début|fin)\s+|mi-)"
_FR_ART = r"(?:(?:le|la|les)\s+|l['’]\s*)"
_FR_THIS = r"(?:ce|cet|cette|ces)"
FRENCH_PATTERNS: tuple[tuple[str, str], ...] = (
    ("fr-full-date", rf"(?:{_FR_WEEKDAY}\s+)?\b{_FR_DAY}\s+{_FR_MONTH}\s+{_YEAR}\b"),
    ("fr-month-day", rf"(?:{_FR_WEEKDAY}\s+)?\b{_FR_DAY}\s+{_FR_MONTH}(?!\w)(?!\s+\d)"),
    ("fr-month-year", rf"\b{_FR_MOD}?{_FR_MONTH}\s+{_YEAR}\b"),
    ("fr-month", rf"\b{_FR_MOD}?{_FR_MONTH}(?!\w)(?:\s+{_FR_REL}\b)?"),
    ("fr-weekday", rf"\b{_FR_WEEKDAY}\b(?:\s+{_FR_PART}\b)?(?:\s+{_FR_REL}\b)?"),
    (
        "fr-rel-unit",
        rf"\b(?:{_FR_ART}{_FR_UNIT}\s+{_FR_REL}|{_FR_ART}{_FR_REL}\s+{_FR_UNIT}"
        rf"|{_FR_THIS}\s+{_FR_UNIT}(?:-ci)?)\b(?!-)",
    ),
    ("fr-ago", rf"\bil\s+y\s+a\s+(?:environ\s+|près\s+de\s+)?{_FR_NUM}\s+{_FR_UNIT}\b"),
    (
        "fr-deictic",
        r"\b(?:aujourd['’]hui|(?:hier|demain)(?:\s+(?:soir|matin))?|ce\s+(?:soir|matin)"
        r"|cette\s+nuit|cet\s+après-midi)(?!\w)",
    ),
    (
        "fr-season",
        rf"(?:\bau\s+printemps|\b(?:{_FR_THIS}|l['’])\s*(?:été|hiver|automne|printemps))"
        rf"(?:\s+{_FR_REL}\b|\s+{_YEAR}\b)?",
    ),
)
# Words a French expression may hold besides those of the tables: articles, "il y a", "de".
_FRENCH_GLUE = frozenset(
    word_list("le la les l' au en de du d' depuis dès il y a ce cet cette ces ci")
)


def _from_french(phrase: str) -> str:
    """A cleaned French expression as the English phrase the normalisers read
    ("l'an dernier" -> "last year", "mardi soir" -> "tuesday evening"); any other phrase,
    English included, is returned unchanged. Only a phrase made wholly of French calendar
    words, articles and numbers is rewritten, so English words that are also French
    ("an hour", "six days") are never touched."""
    phrase = re.sub(r"\bmi-", "mi ", phrase.replace("’", "'"))
    phrase = re.sub(r"\b([ld])' ?", r"\1' ", phrase)
    if phrase in FRENCH_DEICTIC:
        return FRENCH_DEICTIC[phrase]
    words = [w for w in re.split(r"[\s-]+", phrase.replace("week-end", "weekend")) if w]
    tables = (FRENCH_MONTHS, FRENCH_MONTH_SPELLINGS, FRENCH_WEEKDAYS, FRENCH_PARTS_OF_DAY,
              FRENCH_UNITS, FRENCH_RELATIVE, FRENCH_SEASONS, FRENCH_MODIFIERS,
              FRENCH_CARDINAL_WORDS)  # fmt: skip
    french = [w for w in words if any(w in t for t in tables) or w in _FRENCH_GLUE]
    if len(french) < len(words) - sum(w.isdigit() or w == "1er" for w in words) or not french:
        return phrase
    ago = phrase.startswith("il y a ")
    this = any(w in ("ce", "cet", "cette", "ces") for w in words)
    out: list[str] = []
    rel: str | None = "this" if this else None
    for w in words:
        if w in _FRENCH_GLUE or w == "apr":
            continue
        if w == "1er":
            out.append("1")
        elif w in FRENCH_RELATIVE:
            rel = FRENCH_RELATIVE[w]
        elif w in FRENCH_CARDINAL_WORDS:
            out.append(str(FRENCH_CARDINAL_WORDS[w]))
        else:
            for table in tables:
                if w in table:
                    out.append(str(table[w]))
                    break
            else:
                out.append(w)
    if ago:
        return " ".join(out[:-1] + [out[-1] + "s", "ago"])
    return " ".join(([rel] if rel else []) + out)


# (name, pattern). Matched case-insensitively; overlapping matches keep the longest.
PATTERNS: tuple[tuple[str, str], ...] = (
    ("iso-date", r"\b\d{4}-\d\d-\d\d\b"),
    ("full-date", rf"(?:{_WEEKDAY},?\s+)?{_MONTH}\s+{_DAY},?\s+{_YEAR}\b"),
    ("full-date", rf"(?:{_WEEKDAY},?\s+)?{_DAY}\s+{_MONTH}\s+{_YEAR}\b"),
    ("month-day", rf"(?:{_WEEKDAY},?\s+)?{_MONTH}\s+{_DAY}\b(?!\s*(?:,\s*)?\d)"),
    ("month-day", rf"(?:{_WEEKDAY},?\s+)?\b{_DAY}\s+{_MONTH}(?!\w)"),
    ("month-year", rf"{_MOD}?{_MONTH},?\s+{_YEAR}\b"),
    ("month", rf"\b{_MOD}?(?:{_REL}\s+)?{_MONTH}(?!\w)"),
    ("clock-weekday", rf"{_CLOCK}\s+(?:on\s+)?{_WEEKDAY}\b(?:\s+{_PART}\b)?"),
    ("weekday", rf"\b(?:{_MOD})?(?:{_REL}\s+)?{_WEEKDAY}\b(?:\s+{_PART}\b)?"),
    ("part-weekday", rf"\b(?:early|late)\s+{_PART}\s+(?:on\s+)?{_WEEKDAY}\b"),
    ("clock", rf"(?<![\w.]){_CLOCK}"),
    ("ago", rf"\b(?:about\s+|almost\s+|nearly\s+)?{_NUM}\s+{_UNIT}s?\s+ago\b"),
    ("rel-unit", rf"\b{_MOD}?(?:the\s+)?(?:{_REL})\s+(?:fiscal\s+)?{_CAL_UNIT}\b(?!-)"),
    ("rel-unit", r"\b(?:earlier|later)\s+this\s+(?:week|month|year)\b"),
    (
        "season",
        rf"\b{_MOD}?(?:(?:{_REL}|the)\s+)?{_SEASON}(?:\s+(?:of\s+)?{_YEAR})?\b"
        r"(?!\s+(?:season|school|term|session))",
    ),
    (
        "period-end",
        r"\b(?:(?:year|quarter|month)[\s-]end|(?:the\s+)?end\s+of\s+the\s+(?:year|quarter|month))\b",
    ),
    ("deictic", r"\b(?:today|tonight|yesterday|tomorrow)\b(?!\s*'s|’s)"),
    ("deictic", rf"\b(?:this|yesterday|tomorrow)\s+{_PART}\b"),
    (
        "ref",
        r"\b(?:now|currently|nowadays|at\s+present|the\s+past|at\s+the\s+time)\b"
        r"(?!\s+(?:that|of)\b)",
    ),
    ("decade", r"\b(?:the\s+)?(?:early\s+|late\s+|mid-?)?(?:1[5-9]|20)\d0s\b"),
    ("century", r"\b\d{1,2}(?:st|nd|rd|th)\s+[Cc]entury\b"),
    (
        "duration",
        rf"\b{_DUR_LEAD}?(?:the\s+(?:(?:past|last|next|first|coming|following)\s+)?)?"
        rf"{_NUM}[\s-]+{_UNIT}s?\b(?!\s+ago)(?!['’]s)(?!-old)",
    ),
    (
        "duration",
        r"\b(?:the\s+)?(?:past|last|next|coming|following)\s+(?:several|few)\s+"
        r"(?:days|weeks|months|years|decades)\b",
    ),
    ("duration", r"\brecent\s+(?:days|weeks|months|years|decades)\b"),
    ("duration", r"(?<=\bfor\s)(?:years|months|weeks|days|decades|hours|minutes|centuries)\b"),
    ("duration", r"(?<=\bwithin\s)(?:minutes|hours|days|weeks)\b"),
    ("set", rf"\b(?:each|every)\s+(?:{_UNIT}|{_SEASON}|{_PART}|{_WEEKDAY}|season)s?\b"),
    ("set", r"\b(?:annually|yearly)\b"),
    ("year", rf"(?:\b{_MOD})?\b{_YEAR}\b(?!\s*(?:people|cubic|tons|metres|meters|km|miles)\b)"),
    *FRENCH_PATTERNS,
)
_COMPILED = tuple((name, re.compile(p, re.IGNORECASE)) for name, p in PATTERNS)


# --------------------------------------------------------------------------- values


@dataclass(frozen=True)
class TemporalExpression:
    """A temporal expression found in a sentence; `start`/`end` are offsets in Sentence.text."""

    text: str
    start: int
    end: int
    source: str  # "rule:<pattern name>" or "spacy:DATE" / "spacy:TIME"


@dataclass(frozen=True)
class Timex:
    """A normalised expression: a TIMEX3-like value at a precision, and how it was reached."""

    value: str | None  # "2026-04-19", "2026-W17", "P3Y", "PRESENT_REF"; None = unresolved
    precision: Precision
    type: str  # TIMEX3 type: DATE | TIME | DURATION | SET
    why: str  # the rule that fired, or why it stays unresolved

    @property
    def resolved(self) -> bool:
        return self.value is not None

    @property
    def absolute(self) -> bool:
        """Written out in full ("1979", "January 2026"): no anchor went into the value."""
        return self.why.startswith("absolute")


def unresolved(why: str, type_: str = "DATE") -> Timex:
    return Timex(None, "unresolved", type_, why)


# --------------------------------------------------------------------------- detection


def detect(sentence: Sentence) -> tuple[TemporalExpression, ...]:
    """Temporal expressions in one annotated sentence, in text order."""
    return detect_in_text(sentence.text, sentence.tokens)


def detect_in_text(text: str, tokens: Sequence[Token] = ()) -> tuple[TemporalExpression, ...]:
    """Rules first (they know TimeML boundaries), then spaCy DATE/TIME spans they missed."""
    ent_starts = {t.start for t in tokens if t.ent in ("DATE", "TIME")}
    found: list[TemporalExpression] = []
    for name, regex in _COMPILED:
        for m in regex.finditer(text):
            if m.group().strip() and _confirmed(name, m, text, ent_starts):
                found.append(TemporalExpression(m.group(), m.start(), m.end(), f"rule:{name}"))
    chosen = _longest_first(found)
    for span in _spacy_spans(text, tokens):
        if not any(span.start < c.end and c.start < span.end for c in chosen):
            chosen.append(span)
    return tuple(sorted(chosen, key=lambda e: e.start))


def _confirmed(name: str, m: re.Match[str], text: str, ent_starts: set[int]) -> bool:
    """Bare month names and bare years need a cue: "May" may be a verb, 1500 a count."""
    word = m.group()
    if name == "month" and word.split()[0] in ("May", "March") and len(word.split()) == 1:
        return m.start() in ent_starts or _previous_word(text, m.start()) in DATE_CUES
    if name == "year" and word[:4].isdigit():
        prev = _previous_word(text, m.start())
        if text[m.end() : m.end() + 1] in ("-", "–") and text[m.end() + 1 : m.end() + 2].isdigit():
            return True
        return m.start() in ent_starts or prev in DATE_CUES or prev in ("the", "year", "'s")
    if name in ("duration", "year") and _previous_word(text, m.start()) in AGE_CUES:
        return False
    if name == "season" and word[0].isupper() and m.start() > 0:
        return False  # "British Summer Time", "Winter Olympics": part of a name
    if name == "ref" and word.lower() == "the past":
        return not re.match(r"\s+(?:\w+\s+)?(?:days?|weeks?|months?|years?|decades?)\b",
                            text[m.end():])  # fmt: skip
    return True


def _previous_word(text: str, start: int) -> str:
    words = re.findall(r"[\w']+", text[:start])
    return words[-1].lower() if words else ""


def _longest_first(found: list[TemporalExpression]) -> list[TemporalExpression]:
    chosen: list[TemporalExpression] = []
    for e in sorted(found, key=lambda e: (-(e.end - e.start), e.start)):
        if not any(e.start < c.end and c.start < e.end for c in chosen):
            chosen.append(e)
    return chosen


def _spacy_spans(text: str, tokens: Sequence[Token]) -> list[TemporalExpression]:
    """spaCy DATE/TIME token runs, trimmed of prepositions and ages ("Arnholm, 51,")."""
    spans: list[list[Token]] = []
    for i, tok in enumerate(tokens):
        if tok.ent not in ("DATE", "TIME"):
            continue
        if spans and spans[-1][-1] is tokens[i - 1] and spans[-1][-1].ent == tok.ent:
            spans[-1].append(tok)
        else:
            spans.append([tok])
    out = []
    for run in spans:
        while run and run[0].text.lower() in TRIM_LEADING:
            run = run[1:]
        while run and (run[-1].text.lower() in TRIM_TRAILING or run[-1].pos == "PUNCT"):
            run = run[:-1]
        if not run:
            continue
        start, end = run[0].start, run[-1].start + len(run[-1].text)
        span = text[start:end]
        if re.fullmatch(r"\d{1,3}", span) or re.search(r"year-old|years old|\bage", span):
            continue  # ages and bare counts
        out.append(TemporalExpression(span, start, end, f"spacy:{run[0].ent}"))
    return out


# --------------------------------------------------------------------------- tense


def tense_of(sentence: Sentence, expression: TemporalExpression) -> Tense:
    """Tense of the verb governing the expression, read from the dependency parse."""
    tokens = sentence.tokens
    inside = [i for i, t in enumerate(tokens) if expression.start <= t.start < expression.end]
    if not inside:
        return "none"
    root = next((i for i in inside if tokens[i].head not in inside), inside[0])
    verb = governing_verb(tokens, root)
    if verb is None:
        return "none"
    tense = _verb_tense(tokens, verb)
    prep = tokens[tokens[root].head]
    if prep.dep == "prep" and prep.text.lower() in UNTIL_PREPS and tokens[verb].tag != "VBD":
        return "future"  # "has been postponed until Saturday", "to run through June"
    if prep.dep == "prep" and prep.text.lower() in SINCE_PREPS:
        return "past"
    return tense


def governing_verb(tokens: Sequence[Token], index: int) -> int | None:
    """Walk up the parse from `index` to the first verb (or auxiliary acting as a verb)."""
    seen = {index}
    i = tokens[index].head
    while i not in seen:
        seen.add(i)
        if tokens[i].pos in ("VERB", "AUX") and not tokens[i].dep.startswith("aux"):
            return i
        if tokens[i].head == i:
            return i if tokens[i].pos in ("VERB", "AUX") else None
        i = tokens[i].head
    return None


def _verb_tense(tokens: Sequence[Token], verb: int, depth: int = 0) -> Tense:
    tok = tokens[verb]
    aux = [t for t in tokens if t.head == verb and t.dep.startswith("aux") and t is not tok]
    if "Tense=" in tok.tag or "VerbForm=" in tok.tag:
        return _morph_tense(tokens, verb, aux, depth)
    aux_words = {a.text.lower() for a in aux}
    if aux_words & FUTURE_AUX:
        return "future"
    if _plans(tok):
        return "future"
    head = tokens[tok.head]
    if tok.head != verb and _plans(head) and tok.dep in ("xcomp", "advcl"):
        return "future"
    if any(a.lemma.lower() == "go" for a in aux) or (
        head.text.lower() == "going" and tok.dep == "xcomp"
    ):
        return "future"
    tags = [tok.tag] + [a.tag for a in aux]
    if "VBD" in tags:
        return "past"
    if any(a.lemma.lower() == "have" for a in aux):
        return "past"  # perfect aspect: "has been raising its demands since ... February"
    if tok.tag in ("VBZ", "VBP") or any(a.tag in ("VBZ", "VBP") for a in aux):
        return "present"
    if tok.tag == "VBN" and not aux and tok.dep in ("acl", "amod"):
        return "past"  # "a resolution passed last week"
    if tok.tag in ("VB", "VBG", "VBN") and tok.head != verb and depth < 3:
        return _verb_tense(tokens, tok.head, depth + 1)  # "agreed to meet", "saying"
    return "none"


# French verbs whose complement is planned ("la séance est prévue jeudi"), and the
# auxiliary of the near future ("va annoncer").
FRENCH_PLAN_LEMMAS = frozenset({"prévoir", "programmer", "planifier", "envisager", "compter"})
# French verbs of waiting: what one waits for is ahead of the waiting ("sans attendre l'été").
FRENCH_WAIT_LEMMAS = frozenset({"attendre", "patienter"})


def _morph_tense(tokens: Sequence[Token], verb: int, aux: list[Token], depth: int) -> Tense:
    """Tense from morphology (a model whose tag is "Mood=Ind|Tense=Fut|..."): a future
    verb or auxiliary and "aller" + infinitive are future; a compound past (auxiliary +
    past participle), the imperfect and the simple past are past.

    A plan says which way it points only when the plan itself is present or future ("la
    séance est prévue jeudi", "il prévoit de partir en mai"); a plan in the past or a
    bare participle ("les travaux prévus en février", "était prévue en mai") may be of a
    date on either side of the publication date, so it is "unknown". An infinitive has no
    tense of its own: under a future or present verb it points ahead, under a past one
    ("a refusé de partir lundi" / "a promis de venir lundi") it is "unknown". The object
    of a waiting verb that is not itself past is ahead ("sans attendre l'été")."""
    tok = tokens[verb]
    head = tokens[tok.head]
    if "Tense=Fut" in tok.tag or any("Tense=Fut" in a.tag for a in aux):
        return "future"
    if any(a.lemma == "aller" for a in aux):
        return "future"
    own = _french_own_tense(tok, aux)
    if tok.lemma in FRENCH_PLAN_LEMMAS:
        return "future" if own == "present" else "unknown"
    if tok.lemma in FRENCH_WAIT_LEMMAS and own != "past":
        return "future"
    if own is not None:
        return own
    if "VerbForm=Inf" in tok.tag:
        if head.lemma == "aller" or tok.head == verb or depth >= 3:
            return "future" if head.lemma == "aller" else "none"
        governing = _verb_tense(tokens, tok.head, depth + 1)
        if governing in ("future", "present"):
            return "future"
        return "unknown" if governing in ("past", "unknown") else "none"
    if tok.head != verb and depth < 3:
        return _verb_tense(tokens, tok.head, depth + 1)
    return "none"


def _french_own_tense(tok: Token, aux: list[Token]) -> Tense | None:
    """The tense a French verb shows by itself and its auxiliaries; None for an infinitive
    or a form that shows none."""
    if "VerbForm=Part" in tok.tag and aux:
        if any("Tense=Imp" in a.tag or "Tense=Past" in a.tag for a in aux):
            return "past"
        # "a fermé", "est arrivé": a compound past; "est fermé" (a passive): present
        return "past" if any(a.dep == "aux:tense" for a in aux) else "present"
    if "VerbForm=Fin" in tok.tag and ("Tense=Imp" in tok.tag or "Tense=Past" in tok.tag):
        return "past"
    if "VerbForm=Fin" in tok.tag and "Tense=Pres" in tok.tag:
        return "present"
    if "VerbForm=Part" in tok.tag and "Tense=Past" in tok.tag:
        return "past"
    return None


def _plans(tok: Token) -> bool:
    """A verb whose complement is a planned event: "scheduled", "hoped", "expects"."""
    return bool(
        FUTURE_VERBS.fullmatch(tok.lemma.lower()) or FUTURE_VERBS.fullmatch(tok.text.lower())
    )


# --------------------------------------------------------------------------- normalisation


def resolve(sentence: Sentence, expression: TemporalExpression, anchor: date | None) -> Timex:
    """Normalise an expression found in `sentence`, taking tense from the parse."""
    return normalise(expression.text, anchor, tense_of(sentence, expression))


def normalise(text: str, anchor: date | None, tense: Tense = "none") -> Timex:
    """Normalise one expression against `anchor` (the publication date) given the tense."""
    phrase = _from_french(_clean(text))
    for regex, handler in _NORMALISERS:
        m = regex.fullmatch(phrase)
        if m:
            try:
                result = handler(m, anchor, tense)
            except (OverflowError, ValueError):  # e.g. "1000000 days ago", anchor 9999-12-31
                return unresolved(f"{text!r} falls outside the dates a calendar can hold")
            if result is not None:
                if result.value and re.match(r"\d{5}|0000", result.value):
                    return unresolved(f"{text!r} falls outside the dates a calendar can hold")
                return result
    return unresolved(f"no rule for {text!r}")


def _clean(text: str) -> str:
    text = re.sub(r"[\s\u00a0]+", " ", text.strip().strip(",.;:'’\"“”()")).lower()
    text = text.replace("’", "'")
    if text in REFS:  # "at the time", "at present": the preposition is part of the phrase
        return text
    text = re.sub(r"^(?:on|in|at|by|since|until|from|for|during|about|around) ", "", text)
    return re.sub(r"^(?:en|depuis|dès|jusqu'(?:au|à|en) ?|vers|pour|dans|d'ici) ", "", text)


def _number(word: str) -> int | None:
    word = word.strip().replace("-", " ")
    if word.isdigit():
        return int(word)
    if word in NUMBER_WORDS:
        return NUMBER_WORDS[word]
    parts = word.split()
    if len(parts) == 2 and all(p in NUMBER_WORDS for p in parts):
        return NUMBER_WORDS[parts[0]] + NUMBER_WORDS[parts[1]]  # "twenty five"
    return None


def _month_number(word: str) -> int:
    return MONTHS[word.rstrip(".")]


# ---- calendar helpers


def value_start(value: str | None) -> date | None:
    """First day a TIMEX3-like value covers; None if it covers none or is not a value.

    This is where a value sits on a date axis (the timeline's order, the story page's
    axis): "2026-W17" -> Monday 2026-04-20, its weekend "2026-W17-WE" -> Saturday
    2026-04-25, "2025-SU" -> 2025-06-01 ("AU", TimeML's other autumn code, as "FA"),
    "2026-Q2" -> 2026-04-01, "2026-04-19TNI" -> that day, decade "197" -> 1970-01-01.
    """
    if not value:
        return None
    m = re.match(r"(\d{4})-W(\d\d)", value)
    if m:
        try:
            start = date.fromisocalendar(int(m[1]), int(m[2]), 1)
        except ValueError:
            return None
        return start + timedelta(days=5) if value.endswith("-WE") else start
    m = re.match(r"(\d{4})-(SP|SU|FA|AU|WI)$", value)
    if m:
        code = SEASON_CODE_ALIASES.get(m[2], m[2])
        return date(int(m[1]), SEASON_MONTHS[code][0], 1)
    m = re.match(r"(\d{4})-Q([1-4])$", value)
    if m:
        return date(int(m[1]), 3 * int(m[2]) - 2, 1)
    m = re.match(r"(\d{4})(?:-(\d\d))?(?:-(\d\d))?", value)
    if m:
        return _safe_date(int(m[1]), int(m[2] or 1), int(m[3] or 1))
    if re.fullmatch(r"\d{2,3}", value):  # century "19", decade "199"
        return date(int(value) * (100 if len(value) == 2 else 10) or 1, 1, 1)
    return None


def value_label(value: str | None, precision: str) -> str | None:
    """A timeline value as a reader would say it; None when there is no value.

    "2019-W46" -> "week of 11 Nov 2019" (its Monday), "2019-W46-WE" -> "weekend of 16-17
    Nov 2019", "2026-04-19TNI" -> "the night of 19 Apr 2026", "2026-01" -> "January
    2026", "2026-FA" -> "autumn 2026", "2025-WI" -> "winter 2025-26", "2026-Q2" -> "Q2
    2026", "197" -> "the 1970s", "19" -> "the 20th century". Durations, sets and
    references ("P3Y", "XXXX-WXX", "PRESENT_REF") are shown as written in the value.
    """
    if not value:
        return None
    start = value_start(value)
    if start is None:
        return value
    if precision in ("week", "weekend"):
        if precision == "weekend" or value.endswith("-WE"):
            return f"weekend of {_day_range(start, start + timedelta(days=1))}"
        return f"week of {_day_label(start)}"
    if precision == "time" and "T" in value:
        clock = value.split("T", 1)[1]
        part = PART_OF_DAY_NAMES.get(clock)
        return f"the {part} of {_day_label(start)}" if part else f"{_day_label(start)}, {clock}"
    if precision == "day":
        return _day_label(start)
    if precision == "month":
        return f"{MONTH_NAMES[start.month - 1].title()} {start.year}"
    if precision == "season":
        code = SEASON_CODE_ALIASES.get(value[5:7], value[5:7])
        year = f"{start.year}-{(start.year + 1) % 100:02d}" if code == "WI" else str(start.year)
        return f"{SEASON_NAMES[code]} {year}"
    if precision == "quarter":
        return f"{value[5:7]} {start.year}"
    if precision == "decade":
        return f"the {start.year}s"
    if precision == "century":
        n = start.year // 100 + 1
        suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
        return f"the {n}{suffix} century"
    if precision == "year":
        return str(start.year)
    return value


def _day_label(d: date) -> str:
    return f"{d.day} {MONTH_SHORT[d.month - 1]} {d.year}"


def _day_range(first: date, last: date) -> str:
    """ "16-17 Nov 2019", "30 Nov-1 Dec 2019", "31 Dec 2022-1 Jan 2023"."""
    if first.year != last.year:
        return f"{_day_label(first)}-{_day_label(last)}"
    if first.month != last.month:
        return f"{first.day} {MONTH_SHORT[first.month - 1]}-{_day_label(last)}"
    return f"{first.day}-{_day_label(last)}"


def _week(d: date) -> str:
    y, w, _ = d.isocalendar()
    return f"{y}-W{w:02d}"


def _shift_month(year: int, month: int, delta: int) -> tuple[int, int]:
    n = year * 12 + month - 1 + delta
    return n // 12, n % 12 + 1


def _pick(candidates: Sequence[tuple[date, date, str]], anchor: date, tense: Tense) -> str | None:
    """Choose among consecutive occurrences (start, end, value) by tense.

    Past: the latest one starting on or before the anchor. Future: the earliest one
    ending on or after it. "unknown" (a verb that points neither way): none, the
    caller leaves the expression unresolved. Otherwise the one closest to the anchor,
    ties to the past, because news mostly reports what has happened.
    """
    if tense == "unknown":
        return None
    if tense == "past":
        return max((c for c in candidates if c[0] <= anchor), key=lambda c: c[0])[2]
    if tense == "future":
        return min((c for c in candidates if c[1] >= anchor), key=lambda c: c[0])[2]

    def distance(c: tuple[date, date, str]) -> tuple[int, int]:
        if c[0] <= anchor <= c[1]:
            return (0, 0)
        gap = (c[0] - anchor).days if c[0] > anchor else (anchor - c[1]).days
        return (gap, 1 if c[0] > anchor else 0)

    return min(candidates, key=distance)[2]


def _month_end(year: int, month: int) -> date:
    y, m = _shift_month(year, month, 1)
    return date(y, m, 1) - timedelta(days=1)


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


# ---- handlers: (match, anchor, tense) -> Timex | None

Handler = Callable[[re.Match[str], "date | None", Tense], "Timex | None"]


def _picked(value: str | None, precision: Precision, why: str) -> Timex:
    if value is None:
        return unresolved("the verb does not tell whether it is before or after publication")
    return Timex(value, precision, "DATE", why)


def _iso(m: re.Match[str], anchor: date | None, tense: Tense) -> Timex | None:
    return Timex(m.group(0), "day", "DATE", "absolute ISO date")


def _full_date(m: re.Match[str], anchor: date | None, tense: Tense) -> Timex | None:
    d = _safe_date(int(m["year"]), _month_number(m["month"]), int(m["day"]))
    return Timex(d.isoformat(), "day", "DATE", "absolute date") if d else None


def _month_year(m: re.Match[str], anchor: date | None, tense: Tense) -> Timex | None:
    return Timex(f"{int(m['year']):04d}-{_month_number(m['month']):02d}", "month", "DATE",
                 "absolute month")  # fmt: skip


def _month_day(m: re.Match[str], anchor: date | None, tense: Tense) -> Timex | None:
    if anchor is None:
        return unresolved("month and day without a year need a publication date")
    month, day = _month_number(m["month"]), int(m["day"])
    options = []
    for year in (anchor.year - 1, anchor.year, anchor.year + 1):
        d = _safe_date(year, month, day)
        if d:
            options.append((d, d, d.isoformat()))
    return _picked(_pick(options, anchor, tense), "day", f"month-day, {tense} tense")


def _month(m: re.Match[str], anchor: date | None, tense: Tense) -> Timex | None:
    if anchor is None:
        return unresolved("a month name without a year needs a publication date")
    month, rel = _month_number(m["month"]), m["rel"]
    if rel in ("last", "past", "previous"):
        y = anchor.year if month < anchor.month else anchor.year - 1
        return Timex(f"{y:04d}-{month:02d}", "month", "DATE", f"last {m['month']}")
    if rel in ("next", "coming", "upcoming", "following"):
        y = anchor.year if month > anchor.month else anchor.year + 1
        return Timex(f"{y:04d}-{month:02d}", "month", "DATE", f"next {m['month']}")
    if rel == "this":
        return Timex(f"{anchor.year:04d}-{month:02d}", "month", "DATE", "this year's month")
    options = [
        (date(y, month, 1), _month_end(y, month), f"{y:04d}-{month:02d}")
        for y in (anchor.year - 1, anchor.year, anchor.year + 1)
    ]
    return _picked(_pick(options, anchor, tense), "month", f"month name, {tense} tense")


def _weekday(m: re.Match[str], anchor: date | None, tense: Tense) -> Timex | None:
    if anchor is None:
        return unresolved("a weekday needs a publication date")
    target, rel = WEEKDAYS[m["weekday"]], m["rel"]
    delta = (target - anchor.weekday()) % 7  # 0..6 days ahead
    if rel in ("last", "past", "previous"):
        d = anchor - timedelta(days=(anchor.weekday() - target) % 7 or 7)
    elif rel in ("next", "coming", "upcoming", "following"):
        d = anchor + timedelta(days=delta or 7)
    elif rel == "this":
        d = anchor + timedelta(days=target - anchor.weekday())
    elif tense == "unknown":
        return unresolved("the verb does not tell which way the weekday lies")
    elif tense == "future" or (tense == "present" and delta):
        # "will meet Tuesday", "meets Tuesday": the next one; the anchor day itself if equal
        d = anchor + timedelta(days=delta)
    else:
        # News style: "said Tuesday" in Tuesday's paper is that day, so 0..6 days back.
        d = anchor - timedelta(days=(anchor.weekday() - target) % 7)
    value = d.isoformat()
    part = m["part"]
    if m["clock"]:
        clock = _clock(m["clock"])
        if clock:
            return Timex(f"{value}T{clock}", "time", "TIME", f"clock time on a weekday, {tense}")
    if part:
        return Timex(f"{value}T{PARTS_OF_DAY[part]}", "time", "TIME", f"weekday {part}, {tense}")
    return Timex(value, "day", "DATE", f"weekday, {tense} tense")


def _clock(text: str) -> str | None:
    text = text.strip().lower()
    if text in ("noon", "midnight"):
        return "12:00" if text == "noon" else "00:00"
    mm = re.match(r"(\d{1,2})(?::(\d\d))?\s*(a\.m\.|p\.m\.|am|pm)?", text)
    if not mm:
        return None
    hour, minute = int(mm[1]), int(mm[2] or 0)
    if mm[3] and mm[3].startswith("p") and hour < 12:
        hour += 12
    if mm[3] and mm[3].startswith("a") and hour == 12:
        hour = 0
    return f"{hour:02d}:{minute:02d}" if hour < 24 and minute < 60 else None


def _deictic(m: re.Match[str], anchor: date | None, tense: Tense) -> Timex | None:
    if anchor is None:
        return unresolved(f"{m['word']!r} needs a publication date")
    offset = {"today": 0, "tonight": 0, "this": 0, "yesterday": -1, "tomorrow": 1}[m["word"]]
    value = (anchor + timedelta(days=offset)).isoformat()
    part = m["part"] or ("night" if m["word"] == "tonight" else None)
    if part:
        return Timex(f"{value}T{PARTS_OF_DAY[part]}", "time", "TIME", f"{m['word']} {part}")
    return Timex(value, "day", "DATE", m["word"])


def _relative_unit(m: re.Match[str], anchor: date | None, tense: Tense) -> Timex | None:
    """this/last/next + week, weekend, month, quarter, year, decade, century."""
    if anchor is None:
        return unresolved(f"{m.group(0)!r} needs a publication date")
    rel, unit = m["rel"], m["unit"]
    step = {"last": -1, "past": -1, "previous": -1, "next": 1, "coming": 1, "upcoming": 1,
            "following": 1}.get(rel, 0)  # fmt: skip
    if unit == "week":
        # The reporting week runs Sunday to Saturday (US news usage), ISO weeks Monday to
        # Sunday: on a Sunday "last week" is the ISO week that ends that day.
        base = anchor + timedelta(days=1) if anchor.weekday() == 6 else anchor
        return Timex(_week(base + timedelta(weeks=step)), "week", "DATE", f"{rel} week")
    if unit == "weekend":
        if step == 0 and tense == "unknown":
            return unresolved("the verb does not tell which weekend")
        return Timex(_weekend(anchor, step, tense), "weekend", "DATE", f"{rel} weekend, {tense}")
    if unit == "month":
        y, mo = _shift_month(anchor.year, anchor.month, step)
        return Timex(f"{y:04d}-{mo:02d}", "month", "DATE", f"{rel} month")
    if unit == "quarter":
        q = (anchor.month - 1) // 3 + step
        y, q = anchor.year + q // 4, q % 4 + 1
        return Timex(f"{y:04d}-Q{q}", "quarter", "DATE", f"{rel} quarter")
    if unit == "year":
        if m.group(0).startswith(("the end of", "end of")):  # placed at its period
            return Timex(f"{anchor.year + step:04d}-12", "month", "DATE", f"end of {rel} year")
        return Timex(f"{anchor.year + step:04d}", "year", "DATE", f"{rel} year")
    if unit == "decade":
        return Timex(f"{anchor.year // 10 + step:03d}", "decade", "DATE", f"{rel} decade")
    if unit == "century":
        return Timex(f"{anchor.year // 100 + step:02d}", "century", "DATE", f"{rel} century")
    return None


def _period_end(m: re.Match[str], anchor: date | None, tense: Tense) -> Timex | None:
    """ "a year-end deadline", "by the end of the month": the last month of the anchor's
    year or quarter, or the anchor's month, so the axis places it at its period."""
    if anchor is None:
        return unresolved(f"{m.group(0)!r} needs a publication date")
    unit = m["unit"]
    month = {"year": 12, "quarter": 3 * ((anchor.month - 1) // 3 + 1)}.get(unit, anchor.month)
    return Timex(f"{anchor.year:04d}-{month:02d}", "month", "DATE", f"end of the {unit}")


def _weekend(anchor: date, step: int, tense: Tense) -> str:
    """ "this weekend": the coming one for plans, the one just past in past tense."""
    saturday = anchor + timedelta(days=5 - anchor.weekday())  # Saturday of the anchor's week
    if step == 0 and tense == "past" and anchor.weekday() < 5:
        saturday -= timedelta(weeks=1)
    elif step:
        saturday += timedelta(weeks=step)
    return f"{_week(saturday)}-WE"


def _ago(m: re.Match[str], anchor: date | None, tense: Tense) -> Timex | None:
    if anchor is None:
        return unresolved(f"{m.group(0)!r} needs a publication date")
    unit = m["unit"].rstrip("s").replace("centurie", "century")
    n = _number(m["num"])
    if n is None:
        return unresolved(f"{m['num']!r} is not a number")
    letter, clock, mult = UNITS[unit]
    n *= mult
    if unit in ("year", "decade", "century"):
        return Timex(f"{anchor.year - n:04d}", "year", "DATE", f"{n} years before the anchor")
    if unit == "month":
        y, mo = _shift_month(anchor.year, anchor.month, -n)
        return Timex(f"{y:04d}-{mo:02d}", "month", "DATE", f"{n} months before the anchor")
    if unit in ("week", "fortnight"):
        return Timex(_week(anchor - timedelta(weeks=n)), "week", "DATE", f"{n} weeks ago")
    if unit == "day":
        return Timex((anchor - timedelta(days=n)).isoformat(), "day", "DATE", f"{n} days ago")
    return Timex(anchor.isoformat(), "day", "DATE", "hours ago: the anchor day")


def _duration(m: re.Match[str], anchor: date | None, tense: Tense) -> Timex | None:
    unit = m["unit"].rstrip("s").replace("centurie", "century")
    letter, clock, mult = UNITS[unit]
    num = (m.groupdict().get("num") or "").strip()
    n = _number(num) if num else None
    amount = "X" if n is None else str(n * mult)
    if unit == "decade" and n is None:
        letter, amount = "DE", "X"
    return Timex(f"P{'T' if clock else ''}{amount}{letter}", "duration", "DURATION", "duration")


def _set(m: re.Match[str], anchor: date | None, tense: Tense) -> Timex | None:
    word = m["what"]
    if word in ("annually", "yearly", "year"):
        return Timex("XXXX", "set", "SET", "every year")
    if word in SEASONS:
        return Timex(f"XXXX-{SEASONS[word]}", "set", "SET", "every season")
    if word == "season":
        return Timex("XXXX-WI" if anchor and anchor.month in (12, 1, 2, 3) else "XXXX-XX",
                     "set", "SET", "every season")  # fmt: skip
    if word in PARTS_OF_DAY:
        return Timex(f"XXXX-XX-XXT{PARTS_OF_DAY[word]}", "set", "SET", f"every {word}")
    codes = {"day": "XXXX-XX-XX", "week": "XXXX-WXX", "month": "XXXX-XX"}
    return Timex(codes.get(word, f"P1{UNITS.get(word, ('X',))[0]}"), "set", "SET", f"every {word}")


def _season(m: re.Match[str], anchor: date | None, tense: Tense) -> Timex | None:
    code = SEASONS[m["season"]]
    if m["year"]:
        return Timex(f"{m['year']}-{code}", "season", "DATE", "absolute season")
    if anchor is None:
        return unresolved("a season without a year needs a publication date")
    first, last = SEASON_MONTHS[code]
    occurrences = []
    for y in range(anchor.year - 2, anchor.year + 2):
        start = date(y, first, 1)
        ey, em = _shift_month(y, first, last - first)
        occurrences.append((start, _month_end(ey, em), f"{y:04d}-{code}"))
    rel = m["rel"]
    if rel in ("last", "past", "previous"):
        value = max(o for o in occurrences if o[1] < anchor)[2]
        return Timex(value, "season", "DATE", "last season")
    if rel in ("next", "coming", "upcoming", "following"):
        value = min(o for o in occurrences if o[0] > anchor)[2]
        return Timex(value, "season", "DATE", "next season")
    if rel == "this":
        current = [o for o in occurrences if o[0] <= anchor <= o[1]]
        if current:
            return Timex(current[0][2], "season", "DATE", "this season (current)")
        return Timex(f"{anchor.year:04d}-{code}", "season", "DATE", "this season")
    return _picked(_pick(occurrences, anchor, tense), "season", f"season, {tense} tense")


def _year(m: re.Match[str], anchor: date | None, tense: Tense) -> Timex | None:
    return Timex(m["year"], "year", "DATE", "absolute year")


def _decade(m: re.Match[str], anchor: date | None, tense: Tense) -> Timex | None:
    return Timex(m["decade"][:3], "decade", "DATE", "absolute decade")


def _century(m: re.Match[str], anchor: date | None, tense: Tense) -> Timex | None:
    return Timex(f"{int(m['n']) - 1:02d}", "century", "DATE", "absolute century")


def _ref(m: re.Match[str], anchor: date | None, tense: Tense) -> Timex | None:
    return Timex(REFS[m.group(0)], "reference", "DATE", "deictic reference")


def _clock_only(m: re.Match[str], anchor: date | None, tense: Tense) -> Timex | None:
    # A clock time alone names no day: in news it is usually the event's day, not the
    # publication day, so it stays unresolved rather than being pinned to the anchor.
    return unresolved("a clock time without a day", "TIME")


_M = (
    "(?P<month>"
    + "|".join(MONTH_NAMES)
    + "|"
    + "|".join(rf"{a}\.?" for a in MONTH_ABBREVIATIONS if a not in MONTH_NAMES)
    + ")"
)
_W = "(?P<weekday>" + "|".join(WEEKDAY_NAMES) + ")"
_D = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_Y = r"(?P<year>\d{4})"
_R = r"(?:(?P<rel>" + "|".join(RELATIVE_WORDS) + ") )"
_P = r"(?: (?P<part>" + "|".join(PARTS_OF_DAY) + "))"
_MODS = r"(?:(?:" + "|".join(MODIFIERS) + ")[ -])"
_N = r"(?P<num>\d+|[a-z]+(?:[ -][a-z]+)?)"
_U = r"(?P<unit>seconds?|minutes?|hours?|days?|weeks?|fortnights?|months?|quarters?|years?|"
_U += r"decades?|century|centuries)"
_LEAD = r"(?:almost |nearly |about |more than |less than |a mere |at least |some |over )?"

_NORMALISERS: tuple[tuple[re.Pattern[str], Handler], ...] = tuple(
    (re.compile(p), h)
    for p, h in (
        (r"\d{4}-\d\d-\d\d", _iso),
        (rf"(?:{_W},? )?{_MODS}?{_M} {_D},? {_Y}", _full_date),
        (rf"(?:{_W},? )?{_MODS}?{_D} {_M},? {_Y}", _full_date),
        (rf"{_MODS}?{_M},? (?:of )?{_Y}", _month_year),
        (rf"(?:{_W},? )?{_MODS}?{_M} {_D}", _month_day),
        (rf"(?:{_W},? )?{_MODS}?{_D} {_M}", _month_day),
        (rf"{_MODS}?{_R}?{_M}", _month),
        (
            rf"(?:(?P<clock>[\d:]+ ?(?:a\.m\.|p\.m\.|am|pm)?|noon|midnight)(?: [a-z]{{3}})? )?"
            rf"(?:on )?{_MODS}?{_R}?{_W}{_P}?",
            _weekday,
        ),
        (
            rf"(?:early |late )?(?P<part>morning|afternoon|evening|night) (?:on )?{_W}"
            r"(?P<rel>)(?P<clock>)",
            _weekday,
        ),
        (r"(?:the )?(?P<unit>year|quarter|month)[ -]end", _period_end),
        (r"(?:the )?end of the (?P<unit>year|quarter|month)", _period_end),
        (r"(?P<word>today|tonight|yesterday|tomorrow)(?P<part>)", _deictic),
        (rf"(?P<word>this|yesterday|tomorrow){_P}", _deictic),
        (
            rf"{_MODS}?(?:the )?(?P<rel>last|next|this|past|coming|previous|following|upcoming) "
            r"(?:fiscal )?(?P<unit>week|weekend|month|quarter|year|decade|century)",
            _relative_unit,
        ),
        (r"(?:earlier|later) (?P<rel>this) (?P<unit>week|month|year)", _relative_unit),
        (rf"{_LEAD}{_N} {_U} ago", _ago),
        (
            rf"{_MODS}?(?:(?P<rel>last|next|this|past|coming|previous|following|upcoming|the) )?"
            r"(?P<season>spring|summer|fall|autumn|winter)(?: (?:of )?(?P<year>\d{4}))?",
            _season,
        ),
        (r"(?:each|every) (?P<what>[a-z]+?)s?|(?P<what2>annually|yearly)", _set),
        (rf"{_MODS}?(?:the )?(?P<decade>\d{{3}}0)'?s", _decade),
        (r"(?:the )?(?P<n>\d{1,2})(?:st|nd|rd|th) century", _century),
        (rf"{_MODS}?{_Y}", _year),
        (
            r"now|currently|nowadays|at present|the present|the past|at the time|the future|"
            r"recently|once",
            _ref,
        ),
        (
            rf"{_LEAD}(?:the (?:(?:past|last|next|first|coming|following) )?)?"
            rf"(?P<num>[a-z]+(?: [a-z]+)?|\d+)?[ -]?{_U}'?",
            _duration,
        ),
        (
            rf"(?:recent|the past several|the past few|the last few|the next few|the coming) {_U}",
            _duration,
        ),
        (
            r"(?:\d{1,2}(?::\d\d)?(?: ?(?:a\.m\.|p\.m\.|am|pm))?(?: [a-z]{3})?|noon|midnight)",
            _clock_only,
        ),
    )
)


def _set_dispatch(m: re.Match[str], anchor: date | None, tense: Tense) -> Timex | None:
    what = m["what"] or m["what2"]
    fake = re.fullmatch(r"(?P<what>.+)", what)
    assert fake is not None
    return _set(fake, anchor, tense)


_NORMALISERS = tuple((r, _set_dispatch if h is _set else h) for r, h in _NORMALISERS)


def _duration_guard(m: re.Match[str], anchor: date | None, tense: Tense) -> Timex | None:
    num = (m.groupdict().get("num") or "").strip()
    if not num and not m["unit"].endswith("s"):
        return None  # "the day" is a date we cannot place, not a duration
    if num and _number(num) is None and num not in VAGUE_NUMBERS and num.split()[-1] not in (
        "several", "few", "many", "couple", "recent"
    ):  # fmt: skip
        return None
    return _duration(m, anchor, tense)


_NORMALISERS = tuple((r, _duration_guard if h is _duration else h) for r, h in _NORMALISERS)
