"""Lines of an HTML page's main text that point elsewhere: teasers and newsletter prompts.

Extractors keep some of them because they sit inside the article's container: a
"Read more: <other headline>" link between paragraphs, a "Lesen Sie auch" box, a
newsletter sign-up line. The rules describe the kinds of line, in the languages seen in
crawls (English, German, French, Spanish, Italian, Polish, Portuguese): a cross-reference
cue that opens a short line, or a short line that invites a newsletter subscription.
They are not lists of one site's strings; each cue is the ordinary phrase of its language.
"""

from __future__ import annotations

import re

# A teaser is short: a cue plus a headline. A longer paragraph that opens with the same
# words ("Read more about it in the report, which ...") is article text.
TEASER_MAX_WORDS = 25
# A newsletter prompt is a sentence or two; an article about newsletters is longer.
NEWSLETTER_MAX_WORDS = 35

# A cue with nothing after it ("Mehr zum Thema:", "Related stories") labels the headline
# below it, which is at most this long.
HEADLINE_MAX_WORDS = 15
_SENTENCE_END = re.compile(r"[.!?…\"”»]\s*$")

_I = re.IGNORECASE

# "Read more", "See also", ... opening a line, then a colon, an arrow, a quote or the end.
_CROSS_REFERENCE = re.compile(
    r"^\W{0,3}(?:"
    r"read (?:more|also|next)|also read|see also|more on this(?: story| topic)?|related(?: "
    r"(?:stories|articles|coverage|content|reading))?|recommended(?: reading)?|"  # en
    r"lesen sie (?:auch|mehr|hier|weiter)|mehr zum thema|mehr dazu|auch interessant|"
    r"(?:zum )?weiterlesen|siehe auch|das könnte sie (?:auch )?interessieren|zum thema|"
    r"passend (?:dazu|zum thema)|weitere (?:artikel|nachrichten|meldungen|themen)"
    r"(?: (?:aus|zum|zu) [\w ]{1,30})?|"  # de
    r"(?:à|a) lire (?:aussi|également|encore)|lire (?:aussi|également|la suite)|voir aussi|"
    r"sur le même sujet|(?:à|a) lire sur le même sujet|"  # fr
    r"lee (?:también|más)|leer más|lea (?:también|más)|te puede interesar|ver también|"
    r"(?:noticias? |artículos? |temas? )?relacionad[oa]s?|más noticias|"  # es
    r"leggi (?:anche|di più|tutto)|potrebbe interessarti|vedi anche|"
    r"(?:articoli|notizie) correlat[ie]|"  # it
    r"(?:czytaj|przeczytaj|zobacz) (?:też|także|również|więcej)|polecamy|"
    r"(?:najnowsze|najczęściej czytane|podobne)(?: (?:artykuły|wiadomości))?|"  # pl
    r"leia (?:também|mais)|veja (?:também|mais)|saiba mais|(?:artigos |notícias )?relacionad[oa]s"
    # pt
    r")(?:\s*[:：»›→>|–—-]|\s*\.{3}|…|\s*$)",
    _I,
)
_NEWSLETTER = re.compile(r"newsletter|boletín|lettre d['’]information|biuletyn", _I)
# Inviting the reader to subscribe or register, in the same languages.
_SIGN_UP = re.compile(
    r"\b(?:sign(?:ing)? up|subscribe|register|get (?:our|the)|"  # en
    r"abonnieren|anmelden|registrieren|bestellen|"  # de
    r"abonnez|inscri(?:vez|re|ption)|s['’](?:abonner|inscrire)|recevez|"  # fr
    r"suscr[ií]b|reg[ií]str|recib[ae]|"  # es
    r"iscriviti|iscrizione|abbonati|"  # it
    r"zapisz|subskryb|zamów|"  # pl
    r"assine|inscreva|receba)",
    _I,
)


def teaser_kind(paragraph: str) -> str | None:
    """ "cross-reference" or "newsletter" when the paragraph is such a line, else None."""
    words = len(paragraph.split())
    if words <= TEASER_MAX_WORDS and _CROSS_REFERENCE.match(paragraph.strip()):
        return "cross-reference"
    if (
        words <= NEWSLETTER_MAX_WORDS
        and _NEWSLETTER.search(paragraph)
        and _SIGN_UP.search(paragraph)
    ):
        return "newsletter"
    return None


def labels_next_line(paragraph: str) -> bool:
    """Whether the paragraph is a cross-reference cue with nothing after it ("Czytaj też:",
    "Das könnte Sie auch interessieren:"): the label of the linked headline below it."""
    match = _CROSS_REFERENCE.match(paragraph.strip())
    if match is None or len(paragraph.split()) > TEASER_MAX_WORDS:
        return False
    return not paragraph.strip()[match.end() :].strip(" :：»›→>|–—-.…")


def drop_teasers(paragraphs: list[str]) -> list[str]:
    """The paragraphs without teasers and newsletter prompts.

    A cue alone on its line ("Lesen Sie auch:", "See also") labels the line after it,
    which is then dropped too when it reads as a linked headline: short, and not ending
    like a sentence.
    """
    kept: list[str] = []
    labelled = False
    for paragraph in paragraphs:
        if labelled and looks_like_headline(paragraph):
            labelled = False
            continue
        kind = teaser_kind(paragraph)
        labelled = kind == "cross-reference" and labels_next_line(paragraph)
        if kind is None:
            kept.append(paragraph)
    return kept


def looks_like_headline(paragraph: str) -> bool:
    """Short and not ending like a sentence: how a linked headline reads."""
    return len(paragraph.split()) <= HEADLINE_MAX_WORDS and not _SENTENCE_END.search(paragraph)
