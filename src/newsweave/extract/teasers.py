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
    r"(?:you )?(?:may|might) also like|most (?:read|popular)|"  # en
    r"lesen sie (?:auch|mehr|hier|weiter)|auch lesen|mehr zum thema|mehr dazu|auch interessant|"
    r"das (?:thema )?könnte (?:dich|sie|euch) (?:auch )?interessieren|meistgelesen|"
    r"empfohlene (?:beiträge|artikel)|"
    r"(?:zum )?weiterlesen|siehe auch|das könnte sie (?:auch )?interessieren|zum thema|"
    r"passend (?:dazu|zum thema)|weitere (?:artikel|beiträge|nachrichten|meldungen|themen)"
    r"(?: (?:aus|zum|zu) [\w ]{1,30})?|"  # de
    r"(?:à|a) lire (?:aussi|également|encore)|lire (?:aussi|également|la suite)|voir aussi|"
    r"sur le même sujet|(?:à|a) lire sur le même sujet|les plus lus|vous aimerez aussi|"
    r"ça peut vous intéresser|"  # fr
    r"lee (?:también|más)|leer más|lea (?:también|más)|(?:te|le) puede interesar|ver también|"
    r"más leíd[oa]s|"
    r"(?:noticias? |artículos? |temas? )?relacionad[oa]s?|más noticias|"  # es
    r"leggi (?:anche|di più|tutto)|potrebbe interessarti|vedi anche|più lett[ie]|"
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


# --- Other chrome inside the article container (HTML main text only) ---------------------
# Each is a short paragraph: a caption, a credit or a prompt is a line or two, while article
# text that happens to use the same words is longer or lacks the second cue.
CREDIT_MAX_WORDS = 15  # "Foto: Jan Kowalski / Agencja", "Titelbild: Name/Agentur"
NOTICE_MAX_WORDS = 60  # "© 2026 Outlet. All rights reserved. Reprint only with ..."
PROMPT_MAX_WORDS = 40  # paywall and donation appeals

# A credit label opening the line, then a colon: whose picture it is.
_CREDIT_LABEL = re.compile(
    r"^\W{0,2}(?:"
    r"(?:(?:title|cover|header) )?(?:photos?|images?|pictures?|illustrations?)(?: credits?)?|"
    r"credits?|(?:image|media) caption|"  # en
    r"(?:titel|vorschau|beitrags)?(?:bild|bilder|foto|fotos)(?:quelle|nachweis)?|"  # de
    r"crédits?(?: photos?)?|"  # fr
    r"imagen(?:es)?|fotograf[ií]a|crédito(?: de (?:la )?foto)?|"  # es, pt
    r"foto(?:grafia)? di|immagin[ei]|"  # it
    r"zdjęci[ea]|fot\."  # pl
    r")\s*[:.]\s*\S",
    _I,
)
# A copyright or reprint notice opens with the sign or the word.
_COPYRIGHT = re.compile(r"^\W{0,2}(?:©|\(c\)\s|copyright\b)", _I)
# A paywall prompt names the subscription and the access it gives (or the login).
_SUBSCRIBER = re.compile(
    r"\b(?:subscri(?:be|ber|bers|ption)|abonn(?:ent|ez|é|ée|és|ement|ieren|e)|abo\b|"
    r"suscri(?:b|p)|suscriptor|abbonat|abbonamento|prenumerat|subskryp|assinante|assinatura|"
    r"premium)",
    _I,
)
_ACCESS = re.compile(
    r"(?:full (?:story|article)|rest of (?:this|the) (?:story|article)|continue reading|"
    r"keep reading|log ?in|sign in|already (?:a )?(?:subscriber|member)|unlimited access|"
    r"access to|"  # en
    r"weiter(?: |zu)?lesen|vollständig|einloggen|anmelden|zugriff|zugang|"  # de
    r"suite de (?:cet|l['’])article|connectez|connexion|accès|déjà abonné|"  # fr
    r"seguir leyendo|acceso|inicia sesión|"  # es
    r"continua(?:re)? a leggere|accedi|accesso|"  # it
    r"czytaj dalej|dalsza część|zaloguj|dostęp|"  # pl
    r"continue lendo|acesso|entrar)",  # pt
    _I,
)
# ...and, being a prompt, speaks to the reader (an article about subscriptions does not).
_READER = re.compile(
    r"\b(?:you|your|please|subscribe|log in|sign in|"  # en
    r"sie|ihr|ihnen|du|dich|dein\w*|"  # de
    r"vous|votre|vos|abonnez|connectez|"  # fr
    r"usted|tu|te|suscríbete|inicia|"  # es
    r"ti|tuo|tua|accedi|abbonati|"  # it
    r"zaloguj|wykup|ciebie|cię|"  # pl
    r"você|assine|entre)\b",
    _I,
)
# A sign-up prompt that opens with the invitation, or a newsletter's name alone on its line.
_SIGN_UP_START = re.compile(
    r"^(?![-–•*]\s)\W{0,2}(?:sign up|subscribe|melden sie sich|jetzt (?:abonnieren|anmelden)|"
    r"abonnez-vous|inscrivez-vous|suscríbete|suscribite|iscriviti|zapisz się|zasubskrybuj|"
    r"assine|inscreva-se)\b",
    _I,
)
_NEWSLETTER_NAME = re.compile(r"^[\w'’&. -]{0,40}\bnewsletters?\s*$", _I)
NEWSLETTER_NAME_MAX_WORDS = 5
# A donation appeal: the plea and the money.
_SUPPORT_US = re.compile(
    r"\b(?:support us|support our|unterstütze|unterstützen sie|soutenez|apoya|apóyanos|"
    r"sostieni|sostienici|wesprzyj|apoie)\b",
    _I,
)
_MONEY = re.compile(
    r"donat|spende|darowizn|\bdons?\b|donación|donazion|doação|\d[,.]\d\d|€|\$|\b1 ?%", _I
)


def chrome_kind(paragraph: str) -> str | None:
    """ "credit", "copyright", "paywall", "sign-up" or "donation" when the paragraph is such
    a line of an HTML page's chrome, else None."""
    words = len(paragraph.split())
    if words <= CREDIT_MAX_WORDS and _CREDIT_LABEL.match(paragraph):
        return "credit"
    if words <= NOTICE_MAX_WORDS and _COPYRIGHT.match(paragraph):
        return "copyright"
    if (
        words <= PROMPT_MAX_WORDS
        and _SUBSCRIBER.search(paragraph)
        and _ACCESS.search(paragraph)
        and _READER.search(paragraph)
    ):
        return "paywall"
    if (words <= NEWSLETTER_MAX_WORDS and _SIGN_UP_START.match(paragraph)) or (
        words <= NEWSLETTER_NAME_MAX_WORDS and _NEWSLETTER_NAME.match(paragraph)
    ):
        return "sign-up"
    if words <= PROMPT_MAX_WORDS and _SUPPORT_US.search(paragraph) and _MONEY.search(paragraph):
        return "donation"
    return None


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
    """The paragraphs without teasers, newsletter prompts and the other chrome of
    `chrome_kind` (credits, copyright notices, paywall, sign-up and donation prompts).

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
        if kind is None and chrome_kind(paragraph) is None:
            kept.append(paragraph)
    return kept


def looks_like_headline(paragraph: str) -> bool:
    """Short and not ending like a sentence: how a linked headline reads."""
    return len(paragraph.split()) <= HEADLINE_MAX_WORDS and not _SENTENCE_END.search(paragraph)
