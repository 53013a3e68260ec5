"""Plain-text scrape cleaner: a line classifier that keeps the article and drops site chrome.

A scrape is split into logical lines (one paragraph each). Every line is tried
against the named rules below; the first rule that fires removes the line and
is recorded as its reason. Rules that need context (masthead at the top,
captions printed twice, a trailing list of related headlines, the headline
itself) run after the per-line pass. No models, no lookups: precompiled
patterns and one linear pass, so it is cheap enough for thousands of files.

The standard library `re` is all this needs. Readability-style libraries
(trafilatura, jusText) score HTML blocks by tags and link density; a plain-text
scrape has neither, so line shape and cue words are what is left.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from newsweave.extract.teasers import labels_next_line, looks_like_headline, teaser_kind
from newsweave.lexicon import MONTH_ABBREVIATIONS, MONTH_NAMES, WEEKDAY_ABBREVIATIONS, WEEKDAY_NAMES
from newsweave.model import RemovedLine

__all__ = ["PlainTextResult", "clean_plain_text"]

# ===========================================================================
# Heuristics (data). Calibrated on the two scrapes in shared/samples and the
# 570 Multi-News documents of shared/evaldata/multinews200, by reading every
# line removed by bench/boilerplate_audit.py and loosening any rule that took a
# line a reader would keep.
# ===========================================================================

# --- Thresholds ------------------------------------------------------------

# Headlines: news headlines run 4-20 words; 25 leaves room for long ones.
TITLE_MIN_WORDS = 3
TITLE_MAX_WORDS = 25
# A line this long is a paragraph even without terminal punctuation.
BODY_MIN_WORDS = 25
# A "related headlines" run at the end needs at least this many lines, so a
# single unpunctuated last line (a sign-off, a subhead) is never taken.
RELATED_RUN_MIN_LINES = 2
RELATED_LINE_MIN_WORDS = 3
# Photo captions are one or two sentences; a longer line ending in a credit is
# a paragraph whose trailing credit is stripped instead.
CAPTION_MAX_WORDS = 60
# Duplicate detection: only lines this long can be "the same caption twice"
# (short chrome such as "Twitter" repeats legitimately), and near-duplicates
# are looked for among the next few lines only (captions repeat adjacently).
DUPLICATE_MIN_WORDS = 5
NEAR_DUPLICATE_WINDOW = 3
NEAR_DUPLICATE_RATIO = 0.9
NEAR_DUPLICATE_MAX_CHARS = 600  # fuzzy matching is quadratic; captions are shorter
# A masthead slogan printed on its own line under the outlet name.
SLOGAN_MAX_WORDS = 6
# A slogan that repeats a word of the outlet's name ("All the news of Harrow and its
# valley" under "HARROW NEWS") may be a little longer.
SLOGAN_NAMED_MAX_WORDS = 10
# A masthead is among the first few lines (after e.g. a "Subscribe" bar).
MASTHEAD_MAX_LINE = 4

# --- Vocabulary ------------------------------------------------------------


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Last word of a newspaper/broadcaster name ("The Washington Post", "Daily
# News"). Used only at the very top of a scrape, for mastheads.
OUTLET_WORDS = (
    "Post|Times|News|Journal|Herald|Tribune|Gazette|Guardian|Telegraph|Chronicle|"
    "Observer|Independent|Examiner|Inquirer|Enquirer|Bulletin|Dispatch|Record|Register|"
    "Courier|Star|Sun|Mail|Mirror|Express|Standard|Globe|Monitor|Review|Reporter|Press|"
    "Daily|Weekly|Magazine|Sentinel|Statesman|Beacon|Leader|Times-Picayune|Wire|Insider|"
    "Today|Economist|Atlantic|Reuters|Bloomberg|Politico|Radio|TV|Network"
)
# The same words in the other languages of the rules below, anywhere in a short top line
# ("Diario del Valle", "La Gazzetta di Roccaverde", "KURIER NADRZECZA").
OTHER_OUTLET_WORDS = _wordset(
    """
    zeitung anzeiger rundschau tageblatt tagblatt kurier nachrichten aktuell allgemeine bote
    echo blatt presse journal abendblatt morgenpost nachrichten.de online gazeta dziennik
    tygodnik kurier wiadomości diario periódico gaceta heraldo correo noticias crónica voz
    gazzetta corriere giornale messaggero repubblica stampa nazione quotidiano correio jornal
    diário notícias folha semanário expresso monde figaro parisien dépêche républicain
    nouvelles quotidien libération provence
    """
)
# Words that make up site-section navigation labels ("World", "Asia & Pacific").
SECTION_WORDS = _wordset(
    """
    world us u.s. national nation local region regional metro politics political business
    economy markets money finance tech technology science health sports sport entertainment
    culture arts lifestyle life style travel opinion opinions editorial editorials analysis
    asia pacific europe africa americas america latin middle east australia uk britain
    news breaking latest video videos photos multimedia home weather obituaries education
    environment climate food books movies music tv media crime courts military defense
    security investigations features blogs podcasts live more menu sections search & and the
    top stories headlines
    """
)
# All-lowercase short lines are navigation when they carry one of these words
# ("stars and stripes videos", "around the web").
NAV_CUE_WORDS = _wordset(
    """
    video videos photo photos news stories web more home top latest popular trending section
    sections menu search comments sponsored partners links blogs podcasts newsletters
    """
)
# Words of a job title after a byline name ("By Jane Doe, Staff Writer").
BYLINE_ROLE_WORDS = _wordset(
    """
    staff writer writers reporter reporters correspondent correspondents editor editors
    senior chief special contributing contributor bureau associated press columnist
    producer analyst wire services service
    """
)
# Capitalised words that start a sentence after "By" but are not names.
_NOT_NAMES = "|".join(
    [
        "The|A|An|This|That|These|Those|Then|Now|Early|Late|Last|Next",
        *(w.title() for w in WEEKDAY_NAMES),
        *(m.title() for m in MONTH_NAMES),
        "Midnight|Noon|Mid|Contrast|Comparison|Law|Far",
    ]
)
# Transcript stage directions that sit in parentheses like a credit but are text.
_STAGE_DIRECTIONS = "laughter|applause|crosstalk|inaudible|sic|cheering|cheers|booing|music|sighs"
_MONTH = "(?:" + "|".join(MONTH_ABBREVIATIONS) + r")[a-z]*\.?"
_WEEKDAY = "(?:" + "|".join(WEEKDAY_ABBREVIATIONS) + r")[a-z]*\.?"
_AGENCIES = (
    r"AP|AFP|Reuters|Getty Images|Getty|Associated Press|EPA|KCNA|Xinhua|Yonhap|"
    r"Shutterstock|iStock|iStockphoto|AAP|PA|Press Association|Pool|Handout"
)

_I = re.IGNORECASE


@dataclass(frozen=True)
class _Rule:
    """One named pattern. It fires on a line of at most `max_words` words."""

    name: str
    pattern: re.Pattern[str]
    max_words: int = 10_000
    min_hits: int = 1  # distinct cue phrases needed (for multi-cue boilerplate)


def _rule(
    name: str, pattern: str, *, max_words: int = 10_000, flags: int = _I, hits: int = 1
) -> _Rule:
    return _Rule(name, re.compile(pattern, flags), max_words, hits)


# Per-line rules, tried in order; the first that fires names the removal.
LINE_RULES: tuple[_Rule, ...] = (
    # Rules, dividers and stray punctuation: "___", "***", "|".
    _rule("separator", r"^[\W_]+$"),
    # Web-archive and crawler notices that stand in for an article
    # ("Starting in 1996, Alexa Internet has been donating their crawl data...").
    _rule(
        "archive-boilerplate",
        r"alexa internet|internet archive|wayback machine|archive-it|no more 404|"
        r"web captures?|crawl data|crawls of supported|broken links on the web",
        hits=2,
    ),
    # BBC-style caption blocks and embedded player captions.
    _rule(
        "caption",
        r"^(?:image copyright|image caption|media playback is unsupported|media caption|"
        r"view (?:images|photos|gallery|graphic)|photo gallery|slideshow|caption close|"
        r"\d+ of \d+ full screen)\b",
    ),
    # "Story highlights" and the summary bullets printed under it (see _mark_highlights).
    _rule("highlights", r"^(?:story )?highlights\b", max_words=40),
    _rule(  # credit first: "Ezra Shaw / Getty Images Snowboarder Kelly Clark at ..."
        "caption",
        r"^[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){0,3}(?:\s*/\s*(?:Getty Images|AFP|Reuters|AP|EPA))+"
        r"(?:\s+file)?\s+[A-Z][\w'’-]*\s+\S",
        max_words=CAPTION_MAX_WORDS,
        flags=0,
    ),
    _rule("caption", r"^enlarge (?:this )?image\b", max_words=80),
    _rule("caption", r"^CLOSE\s+[A-Z]", flags=0),  # video player: "CLOSE Kevin Spacey was ..."
    _rule("caption", r"^FILE\s*[-–—]\s", flags=0),  # AP file-photo captions
    # "Advertisement", "Story continues below advertisement".
    _rule(
        "advertisement",
        r"^(?:photo\s+)?(?:(?:advertisement\s*)+|advertising|advert|ad|ads by \w+|"
        r"sponsored(?: content| links?| stories)?|promoted(?: content| stories)?|"
        r"paid (?:content|post)|story continues (?:below|after)(?: (?:this )?advertisement)?|"
        r"story continued below|continue reading(?: the main story| below)?)"
        r"(?:\s+continue reading the main story)?\W*$",
        max_words=10,
    ),
    # Player, gallery and page furniture.
    _rule(
        "page-ui",
        r"^(?:now playing|play(?: video)?|pause|replay|autoplay|full ?screen|skip ad|"
        r"×?\s*close|×\s*close\b.*|text size\b.*|top of (?:the )?page|back to top|"
        r"print(?: this)?(?: article| story| page)?|loading|show comments|"
        r"(?:view|leave|post|add|read) (?:a |the )?comments?|comments?|"
        r"scroll down for (?:video|more)|article excerpt|"
        r"listen to (?:this )?article\b.*|image \d+ of \d+|search the web\b.*|"
        r"published on " + _MONTH + r" \d{1,2}, \d{4})\W*$",
        max_words=30,
    ),
    _rule(
        "page-ui",
        r"please enable javascript|javascript is (?:disabled|required)|"
        r"(?:this|the) (?:feature|video|content) is not available|"
        r"interactive transcript could not be loaded|"
        r"rating is available when the video has been rented|"
        r"the page you requested (?:was|could) not (?:be )?found|"
        r"please wait while you are redirected|you must enter the characters|"
        r"verify (?:that )?you(?:'|’)?re not a robot|invalid email address|"
        r"your browser does not support|please try .{1,30} help central|"
        r"see a mistake\?|report a typo|using an ad ?blocker|copy this code to your website|"
        r"click to play|video unavailable|\(opens in (?:a )?new window\)|"
        r"submit your .{1,30} tips|send us a (?:secure )?tip",
        max_words=60,
    ),
    # Reprint and licensing notices ("This copy is for your personal, non-commercial use only").
    _rule(
        "reprints",
        r"\bfor your personal,? non-?commercial use\b|\border reprints\b|"
        r"\breprints? (?:and|&) permissions\b|^reprints?\b",
        max_words=80,
    ),
    # Membership and donation appeals ("... depends on readers like you. Become a member").
    _rule(
        "signup-prompt",
        r"\b(?:readers|supporters|members) like you\b|\bbecome an? (?:member|subscriber|supporter|"
        r"patron)\b|\b(?:make a|one-time) (?:contribution|donation)\b|^donate\b",
        max_words=40,
    ),
    # Links to the outlet's own videos and stories: "EMBED More News Videos ...".
    _rule("related-headlines", r"^embed\b", max_words=60),
    # Sign-up, subscribe and support-us prompts.
    _rule(
        "signup-prompt",
        r"^(?:support (?:our|us|independent|quality|local)\b|sign[ -]?up\b|subscribe\b|"
        r"newsletters?\b(?! (?:editor|writer|publisher))|"
        r"newsletter sign[ -]?up|get (?:the|our|daily|breaking|more)\b.{0,60}\b"
        r"(?:inbox|newsletters?|e-?mails?|alerts)\b|"
        r"(?:breaking news )?(?:e-?mails?|newsletters?)(?: alerts)?:?\s+"
        r"(?:sign[ -]?up|get|subscribe)|"
        r"never miss (?:a|an|the)\b|want (?:more|news|the latest)\b.{0,60}\binbox|"
        r"become a (?:member|subscriber|supporter|patron)|donate\b(?! to)|"
        r"already (?:a subscriber|a member|subscribed)|"
        r"thanks? (?:you )?for (?:subscribing|signing up|your support)|"
        r"by (?:signing up|clicking|subscribing)\b|interested in .{1,60}\? add\b|"
        r"the most reliable \w+ newsletter)",
        max_words=100,
    ),
    _rule(
        "signup-prompt",
        r"delivered (?:straight |directly )?to your inbox|directly to your inbox|"
        r"thanks? (?:you )?for subscribing|unsubscribe at any time|you agree to receive|"
        r"sign[ -]?up (?:here|now|today|for (?:our|free|daily|breaking|email|the \w+ newsletter))|"
        r"sign[ -]?up to (?:receive|get)\b|subscribe (?:now|today|here)\b|\bsubscribe\W*$|"
        r"add interest\W*$|as an interest to stay up to date|could not subscribe|"
        r"unlimited digital access|subscribe to (?:our|the|\w+(?:'|’)s)\b.{0,40}\bnewsletter",
        max_words=100,
    ),
    # Station and site promos: "Stay with WBAL NewsRadio 1090 AM for developments in this story."
    _rule(
        "promo",
        r"^(?:watch|stay with|stay tuned to|listen to|keep it (?:here|locked)|check back)\b"
        r".{0,80}\b(?:for (?:more|updates|the latest|developments)|on this story)\b",
        max_words=30,
    ),
    # Share buttons, follow prompts, handles, embedded-tweet furniture.
    _rule(
        "social",
        r"^(?:(?:share|tweet|post|email|e-mail|print|reddit|facebook|twitter|pinterest|"
        r"linkedin|whatsapp|google\+|tumblr|instagram|messenger|sms|copy link|stumbleupon|"
        r"more|this|article|story|on|play|comments?|save)[\s:|,/+]*)+$",
        max_words=12,
    ),
    _rule(
        "social",
        r"^(?:follow (?:us|me|him|her|them)\b|follow .{1,60}? on (?:twitter|facebook|"
        r"instagram|google\+)|follow .{1,40}? @\w+|"
        r"(?:twitter|instagram|facebook|tiktok|threads)\s*:?\s*@\w+|@\w{2,}\W*$|"
        r"(?:https?://)?(?:www\.)?(?:twitter|x|instagram|facebook)\.com/\w+\W*$|"
        r"share this\b|share on\b|for the top stories in .{1,40}, follow us|"
        r"click to (?:share|email|print)\b|like this:|\d[\d,.]*k?\s+shares\b|"
        r"message: .{0,20}a friend wanted you to see)",
        max_words=30,
    ),
    _rule(
        "social",
        r"tweet with a location|add a location to your tweets|"
        r"location information to your tweets|twitter stores that location|"
        r"\bfollow us on (?:twitter|facebook|instagram)",
        max_words=60,
    ),
    _rule("social", r"\bfollow (?:us )?(?:on twitter )?(?:at )?@\w+\W*$", max_words=20),
    _rule(
        "social",
        r"\bfollow (?:us|me|him|her|them) (?:on|at) (?:twitter|facebook|instagram|@)",
        max_words=25,
    ),
    _rule(  # "Like Washington Post World on Facebook and stay updated ..."
        "social",
        r"^(?i:like) (?:us|[A-Z][\w.'’&-]*(?:\s+[A-Z][\w.'’&-]*){0,5}) (?i:on facebook)\b(?!,)",
        max_words=30,
        flags=0,
    ),
    # Reporter contact lines: "Write to Jane Doe at jane.doe@example.com".
    _rule(
        "contact",
        r"^(?:write to|reach|contact|e-?mail)\s.{1,60}?\b(?:at|via|on|:)\s.*"
        r"(?:@|\d{3}[-.)/\s]\d{3}[-.]\d{4})",
        max_words=25,
    ),
    _rule("contact", r"^[\w.+-]+@[\w-]+\.[\w.-]+(?:\s+or\s+[\d() -]{7,})?\W*$"),
    _rule(  # "Ty Roe can be reached at troe@example.com.", "Have a tip? tips@example.com"
        "contact",
        r"^(?=.*\b(?:reach|reached|contact|e-?mail|write to|tips?|call)\b)"
        r"(?=.*[\w.+-]+@[\w-]+\.[a-z]{2,})",
        max_words=40,
    ),
    _rule("contact", r"^[A-Z][\w.' -]{1,40}:\s*\d{3}[-/.]\d{3}[-.]\d{4}\W*$", flags=0),
    # "Min Joo Kim in Seoul contributed to this report.", "(Reporting by ...)".
    _rule(
        "contributor",
        r"^(?:[—–-]\s*)?(?:[^.!?]|\b[A-Z]\.)*?\bcontributed (?:reporting|research|"
        r"to this (?:report|story|article))\b[^.!?]{0,40}[.!?]?\W*$",
        max_words=45,
    ),
    _rule(
        "contributor",
        r"^\(?(?i:(?:additional |further )?(?:reporting|writing|editing|compiled|research|"
        r"edited)\s+by)\s+(?:[A-Z][\w.'’-]*|(?i:and|in|by|editing|writing|additional|reporting)"
        r"|[,;/&\s])+\)?\.?$",
        flags=0,
    ),
    _rule("contributor", r"^[—–-]*\s*with (?:additional )?(?:assistance|reporting) (?:by|from)\b"),
    _rule(
        "contributor",
        r"^[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){0,3} reported (?:from|this story from) "
        r"[A-Z][\w.'’-]+(?:,? [A-Z][\w.'’-]+){0,4}\.?$",
        flags=0,
    ),
    # Copyright notices.
    _rule("copyright", r"^(?:©|\(c\)|copyright\b)|\ball rights reserved\b", max_words=40),
    # "This story was originally published on ...".
    _rule(
        "source-note",
        r"^(?:this (?:story|article|report|piece) (?:was |has been )?(?:originally |first )?"
        r"(?:published|posted|appeared|appears|ran)\b|"
        r"originally (?:published|posted|appeared) (?:on|in|at|by)\b|information from:|"
        r"\(this (?:story|article) has been (?:updated|corrected)\b)",
        max_words=30,
    ),
    # Stand-alone dates and "Posted/Updated" stamps.
    _rule(
        "timestamp",
        r"^(?:(?:posted|updated|published|last updated|first published)\b:?\s*(?:on\s+|at\s+)?)?"
        r"(?:" + _WEEKDAY + r",?\s+)?(?:" + _MONTH + r"\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}|"
        r"\d{1,2}\s+" + _MONTH + r",?\s+\d{4}|\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{2,4})"
        r"(?:,?\s*(?:at\s+)?\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)?(?:\s+[a-z]{2,4})?)?"
        r"(?:\s+by\s+[^.!?]{1,40})?\W*$",
        max_words=14,
    ),
    _rule(
        "timestamp",
        r"^(?:posted|updated|published|last updated|first published)(?:\s+on|\s+at)?:?\s*"
        r"(?:(?:" + _WEEKDAY + r",?\s+)?(?:\d|" + _MONTH + r"\s+\d)|$)",
        max_words=14,
    ),
    # Labelled links to other stories: "Related: ...", "Read more", "[Headline]".
    _rule(
        "related-headlines",
        r"^(?:(?:related|read more|read next|see also|also read|also see)"
        r"(?:\s*(?::|»|>>|\||$)|\s+(?:stories|content|coverage|links?|articles?|story|videos?|"
        r"photos|updates?|on|from|about)\b)|read or share this story|"
        r"read (?:the )?(?:full|entire) story|must read|in case you missed it|"
        r"you (?:may|might) (?:also )?like|most (?:read|popular|viewed|shared)|"
        r"editor(?:'|’)?s picks?|>>)",
        max_words=40,
    ),
    _rule(  # weaker labels: only on a line with no sentence punctuation
        "related-headlines",
        r"^(?:more (?:from|on|about)|more (?:news|stories|videos?|coverage)|"
        r"recommended(?: for you| stories)?|top stories|don(?:'|’)t miss)\b[^.!?]*$",
        max_words=12,
    ),
    _rule(
        "related-headlines",
        r"^(?:also|more|photos|videos?|watch|listen|opinion|storify|trending)"
        r"\s*(?::|»|>>)\s*\S",
        max_words=30,
    ),
    _rule("related-headlines", r"\bread more\W*$", max_words=30),
    _rule("related-headlines", r"^(?i:related)\s+[A-Z][^.!?]*$", max_words=25, flags=0),
    _rule("related-headlines", r"^\[(?!(?:image|photo|video|graphic)\b)[^\[\]]{3,200}\]$"),
    _rule("navigation", r"\bclick here\b|^click for more\b", max_words=25),
    # Photo and video credits standing alone.
    _rule("media-credit", r"^\[(?:image|photo|video|graphic|illustration)\b[^\]]*\]$"),
    _rule("media-credit", r"^\([^()]{1,80}\)$", max_words=10),
    _rule(
        "media-credit",
        r"^(?:photo(?:graph)?s?|image|video|picture|illustration|graphic|credit|source|caption)"
        r"\s*(?::|by\b|[–—-]\s|$)",
        max_words=14,
    ),
    _rule(
        "media-credit",
        r"^(?:courtesy(?: of)?|toggle caption|hide caption|buy photo|photo illustration|"
        r"astrophotographer|enlarge (?:this )?image)\b",
        max_words=14,
    ),
    _rule(  # "Image credit: ...", "Listing image by ..."
        "media-credit",
        r"^(?:[\w-]+\s+)?(?:image|photo|photograph|picture|illustration|video)s?\s+"
        r"(?:by|credit|courtesy)\b",
        max_words=14,
    ),
    _rule(
        "media-credit",
        r"^(?:" + _AGENCIES + r")(?:\s*(?:/|,|via)\s*[\w .&-]+)*\W*$",
        max_words=6,
        flags=0,
    ),
    _rule("media-credit", r"^(?:Getty Images|AP Photo)\b", max_words=8, flags=0),
    _rule(
        "media-credit",  # "Jonathan Ernst/Reuters", "Nicholas Kamm/AFP/Getty Images"
        r"^[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,4}\s*/\s*[A-Z][\w.&'’-]*"
        r"(?:\s+[\w.&'’-]+){0,4}(?:\s*/\s*[\w.&'’ -]+)*$",
        max_words=10,
        flags=0,
    ),
)

# --- The same kinds of line in other languages ---------------------------------------
# German, French, Spanish, Italian, Polish and Portuguese scrapes carry the same chrome as
# English ones. Each rule below names a kind of line and the ordinary words of each
# language for it (an imperative addressed to the reader, the word for "advertisement",
# a cookie-consent sentence), never one site's strings. Checked on our own labelled
# example scrapes (bench/boilerplate_audit.py --labelled) and on the English audit, where
# none of them removes a line.
_ADVERT_WORDS = (
    r"anzeige|werbung|reklama|publicidad|publicidade|pubblicit[àa]|publicit[ée]|annonce|"
    r"sponsored|patrocinado|sponsorowane|gesponsert"
)
_SHARE_WORDS = (
    r"teilen|tweeten|senden|drucken|udostępnij|wyślij|drukuj|compartir|enviar|imprimir|"
    r"condividi|invia|stampa|partilhar|compartilhar|partager|envoyer|imprimer|facebook|"
    r"twitter|x|whatsapp|telegram|e-?mail|linkedin|pinterest|messenger|flipboard|"
    r"en|no|na|su|por|per|auf|via|sur|par|przez|w|em|link|kopieren|copiar|copier|copia"
)
_NETWORKS = r"facebook|twitter|instagram|tiktok|threads|whatsapp|telegram|youtube|linkedin|x"
# Calendar words of the six languages, for stand-alone date lines (weekdays, months with
# the Polish genitive, and the words around a date: "am", "um", "Uhr", "ore", "às").
_CALENDAR = (
    r"montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonnabend|sonntag|januar|jänner|"
    r"februar|märz|april|mai|juni|juli|august|september|oktober|november|dezember|"
    r"lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|janvier|février|mars|avril|juin|"
    r"juillet|août|septembre|octobre|novembre|décembre|lunes|martes|miércoles|jueves|"
    r"viernes|sábado|domingo|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|"
    r"setiembre|octubre|noviembre|diciembre|lunedì|martedì|mercoledì|giovedì|venerdì|sabato|"
    r"domenica|gennaio|febbraio|aprile|maggio|giugno|luglio|settembre|ottobre|dicembre|"
    r"segunda|terça|quarta|quinta|sexta|feira|janeiro|fevereiro|março|maio|junho|julho|"
    r"setembro|outubro|dezembro|poniedziałek|wtorek|środa|czwartek|piątek|sobota|niedziela|"
    r"stycznia|lutego|marca|kwietnia|maja|czerwca|lipca|sierpnia|września|października|"
    r"listopada|grudnia|styczeń|luty|marzec|kwiecień|maj|czerwiec|lipiec|sierpień|wrzesień|"
    r"październik|listopad|grudzień|"
    r"aktualisiert|veröffentlicht|erschienen|stand|zuletzt|aktualizacja|zaktualizowano|"
    r"opublikowano|actualizado|publicado|actualización|atualizado|atualização|aggiornato|"
    r"aggiornamento|pubblicato|ultimo|última|mis|à|jour|publié|modifié|le|am|um|uhr|ore|"
    r"às|de|del|di|a|o|h|godz|r|im|el|il|ás|alle|las|los|dnia"
)
_DATE_WORD = re.compile(rf"^(?:{_CALENDAR})\W*$", _I)
_DATE_PART = re.compile(r"\d{4}|\d{1,2}[:.h]\d{2}|\d{1,2}[./-]\d{1,2}[./-]\d{2,4}")
_DATE_YEAR = re.compile(r"(?<![\d-])(?:19|20)\d\d(?![\d-])")

OTHER_LANGUAGE_RULES: tuple[_Rule, ...] = (
    # Cookie-consent banners: a sentence about cookies and the reader's consent or settings.
    _rule(
        "cookie-notice",
        r"^(?=.*\bcookies?\b)(?=.*\b(?:accept|akzept|acept|accett|aceit|consent|zustimm|"
        r"zgod|einverstanden|agree|you agree|acconsent|concord)\w*|.*\b(?:we use|wir verwenden|"
        r"wir nutzen|nous utilisons|ce site utilise|utilizamos|usamos|utilizziamo|"
        r"(?:strona|serwis) używa|(?:site|website|sito|sitio|portal) (?:uses|utiliza|"
        r"utilizza|verwendet|nutzt|używa))\b)",
        max_words=60,
    ),
    _rule("advertisement", rf"^(?:{_ADVERT_WORDS})\W*$", max_words=3),
    _rule("social", rf"^(?:(?:{_SHARE_WORDS})[\s:|,/+·•]*)+$", max_words=14),
    _rule(  # "Folgen Sie uns auf Instagram", "Síguenos en Facebook", "Obserwuj nas na X"
        "social",
        rf"^(?:folgen sie|folge|follow|suivez|síguenos|siga-nos|segue-nos|seguici|seguinos|"
        rf"obserwuj|śledź)\b.{{0,70}}\b(?:{_NETWORKS})\b",
        max_words=30,
    ),
    _rule(  # comment counters and links: "Kommentare (23)", "Komentarze (14)"
        "page-ui",
        r"^(?:kommentare?|komentarz[eay]?|commentaires?|comentarios?|commenti|commento|"
        r"comentários?)\s*(?:\(\d+\)|\d+|anzeigen|lesen|zobacz|ver|leggi|voir|ler)?\W*$",
        max_words=4,
    ),
    _rule(  # audio players: "Hören Sie sich den Artikel an (3 Minuten)", "Posłuchaj artykułu"
        "page-ui",
        r"^(?=.*\b(?:hör|listen|écout|escuch|ascolt|posłuchaj|słuchaj|ouvir|ouça|vorlesen))"
        r"(?=.*\b(?:artikel|article|artículo|articolo|artykuł|artigo|noticia|notizia|"
        r"text|texte|tekst|beitrag|audio))",
        max_words=12,
    ),
    # Breadcrumbs: short segments joined by a chevron ("Startseite › Region › Altenbrück").
    _rule("navigation", r"^[^.!?›»]{1,40}(?:\s[›»]\s[^.!?›»]{1,40})+$", max_words=14),
    # Paywall and subscription offers, addressed to the reader.
    _rule(
        "signup-prompt",
        r"(?:\b(?:jetzt|hier)\s+(?:\w+\s+){0,3}(?:abonnieren|abonnier|testen|registrieren|"
        r"anmelden|freischalten|weiterlesen)\b|\babonnieren\W*$|"
        r"\b(?:subskrybuj|zaprenumeruj|zapisz się|suscríbete|suscribite|suscríbase|iscriviti|"
        r"abbonati|assine|subscreva|inscreva-se|abonnez-vous|inscrivez-vous|abonnez|"
        r"melden sie sich|registrieren sie sich|verpassen sie (?:keine|nichts)|"
        r"nie przegap|no te pierdas|non perderti|não perca|ne manquez)\b)",
        max_words=40,
    ),
    # "... lesen Sie in unserem Newsblog": a pointer to the outlet's live page.
    _rule(
        "related-headlines",
        r"\b(?:in unserem|im|in our|dans notre|en nuestro|nel nostro|w naszej|w naszym|no nosso)"
        r"\s+(?:\w+[-\s]){0,2}(?:news-?blog|live-?blog|live-?ticker|news-?ticker|ticker|"
        r"liveticker|relacji na żywo|directo|diretta|direto|en direct)\b",
        max_words=30,
    ),
    # Contact prompts with an address: "Napisz do nas: kontakt@...", "Schreiben Sie uns".
    _rule(
        "contact",
        r"^(?=.*\b(?:napisz|schreiben sie|kontakt|escríbenos|escribanos|scrivici|scriveteci|"
        r"escreva|écrivez|hinweise|tipps?|informacje)\w*\b)(?=.*[\w.+-]+@[\w-]+\.[a-z]{2,})",
        max_words=40,
    ),
    _rule(  # "Mitarbeit: Lena Voss", "Współpraca: Jan Nowak", "Con la colaboración de ..."
        "contributor",
        r"^(?:mitarbeit|mitarbeit und recherche|współpraca|colaboración|colaboração|"
        r"collaborazione|collaboration|avec la collaboration de|con la colaboración de|"
        r"ha collaborato|colaborou|mit material von)\s*:?\s*[^.!?]{2,80}$",
        max_words=14,
    ),
    # Copyright notices in their ordinary wording.
    _rule(
        "copyright",
        r"\b(?:alle rechte vorbehalten|wszelkie prawa zastrzeżone|todos los derechos reservados|"
        r"tous droits réservés|todos os direitos reservados|tutti i diritti riservati|"
        r"riproduzione riservata)\b",
        max_words=40,
    ),
    # Photo credits standing alone or opening a caption line: "Foto: ...", "Fot. ...".
    _rule(
        "media-credit",
        r"^(?:fotos?|bild(?:er)?|fot|zdj(?:ęcie|ęcia)?|fotografía|fotografia|imagen|immagine|"
        r"imagem|grafik|grafika|quelle|fuente|fonte|źródło|crédits?|crédito|credito|"
        r"bildquelle|foto ?credit)\s*(?::|\.|[–—-]\s|\bby\b|$)",
        max_words=14,
    ),
)


ALL_RULES = LINE_RULES + OTHER_LANGUAGE_RULES

# Capital letters of the Latin, Greek and Cyrillic alphabets ("Ł", "Ö", "É" as well as "A").
_UPPER = "".join(
    c
    for c in map(chr, [*range(0x41, 0x250), *range(0x370, 0x530), *range(0x1E00, 0x1F00)])
    if c.isupper()
)
_CAP = f"[{_UPPER}]"

# A line that ends in a photo/video credit after its last sentence is a caption:
# "... process with North Korea. (Video: Reuters)", "... (Ethan Miller/AP, Pool)",
# and AP's truncated captions "... Hundreds of Yemenis... (Associated Press)".
_AFTER_SENTENCE = r"(?:(?<=[.!?\"”’])|(?<=\.\.\.)|(?<=…))\s*"
CREDIT_TAIL = re.compile(
    _AFTER_SENTENCE + r"\((?:(?i:photos?|photograph|video|image|graphic|credit|courtesy|file|"
    r"ap photo|getty|fotos?|bild|fot|zdjęcie|imagen|immagine|imagem|fotografía|fotografia)"
    r"\b[^()]{0,100}|[^()]{1,60}/[^()]{1,60}|[^()]{0,40}\b(?i:photos?|video))\)\s*$"
    r"|(?:\.\.\.|…)\s*\([^()]{1,60}\)\s*$"
)
# A bare name or agency in parentheses ("(KCNA)", "(Reuters)", "(Gili Cohen)") is
# also how live blogs and wire copy attribute a paragraph, so it marks a caption
# only together with CAPTION_CUES.
CREDIT_TAIL_WEAK = re.compile(
    _AFTER_SENTENCE + r"\((?!(?i:" + _STAGE_DIRECTIONS + r")\))(?![^()]*[.!?]\))"
    r"[A-Z][\w.&'’-]*(?:,?\s+[A-Z][\w.&'’-]*){0,5}\)\s*$"
)
# Credits that mark a caption wherever they sit in the line.
CREDIT_ANYWHERE = re.compile(
    r"\((?:AP|AFP|Reuters) Photo\b|\((?i:photo|photograph|image|video|credit)\s*:[^()]{1,100}\)\s*$"
    r"|(?<=[.!?\"”’])\s+(?i:(?:photo(?:graph)?|image|picture|video)\s*(?:by\b|:|courtesy(?: of)?\b)"
    r"|courtesy(?: of)?\b)\s*[A-Z][^.]{1,50}\.?$"
    # the same in other languages: "... Foto: Jens Aldag/Anzeiger", "... Fot. Marek Zając"
    r"|\((?i:fotos?|bild|fot|zdjęcie|imagen|immagine|imagem|fotografía|fotografia)\s*:[^()]{1,100}\)\s*$"
    r"|(?<=[.!?\"”’»“])\s+(?i:(?:fotos?|bild|zdjęcie|imagen|immagine|imagem|fotografía|"
    r"fotografia)\s*(?::|\bvon\b|\bde\b|\bdi\b)|fot\.|©)\s*[^\W\d_][^.!?]{1,60}\.?$"
    r"|(?<=[.!?\"”’])\s+(?:[A-Z][\w.'’-]*(?:\s[A-Z][\w.'’-]*){0,3}\s*/\s*)*"
    r"(?:Getty Images|AFP|Reuters|REUTERS|AP|EPA)(?:\s*/\s*[A-Z][\w.'’ -]{1,40}){0,3}\s*$"
    r"|\s\((?:[A-Z][\w.'’ -]{0,40}/)+[A-Z][\w.'’ -]{0,40}\)\s*$"
    r"|(?<=[.!?])\s+[A-Z][\w.'’-]+(?:\s[A-Z][\w.'’-]+){1,3}\s+for\s+(?:The\s+)?[A-Z][\w.'’-]+"
    r"(?:\s[A-Z][\w.'’-]+){0,4}$"  # "... in 2014. Alistair Barr for The Wall Street Journal"
    r"|\[(?i:photo|image|video)\s*/[^\]]{1,60}\]\s*$"
)
# Words that say a line describes a picture (used to tell a caption printed
# twice from a paragraph printed twice).
CAPTION_CUES = re.compile(
    r"\b(?:photos?|photograph(?:ed)?|pictured|picture|images?|video|footage|still|map|"
    r"graphic|illustration|artist(?:'|’)s (?:impression|rendering|depiction|concept)|"
    r"handout|screen ?grab|(?:is|are) seen|seen here|poses?|shown|foreground|background|"
    r"left to right)\b|[(,]\s*(?:left|right|center|centre|top|bottom)\s*[),]",
    _I,
)

# Masthead: an outlet name glued to its slogan ("The Washington PostDemocracy
# Dies in Darkness"), or an outlet name alone on the first line.
MASTHEAD_GLUED = re.compile(
    r"^(?P<outlet>(?:[A-Z][\w&'’.-]*\s+){0,4}(?:" + OUTLET_WORDS + r"))(?=[A-Z][a-z])"
    r"(?P<slogan>[A-Z][a-z]+\s+\S[^.!?]*)$"
)
MASTHEAD_GLUED_ANY = re.compile(
    r"^(?P<outlet>(?:The\s+)?(?:[A-Z][\w&'’.-]*\s+){0,4}[A-Z][a-z]+)(?=[A-Z][a-z])"
    r"(?P<slogan>[A-Z][a-z]+[\s,]+\S[^.!?]*)$"
)
MASTHEAD_NAME = re.compile(
    r"^(?P<outlet>(?:The\s+)?(?:[A-Z][\w&'’.-]*\s+){0,3}(?:" + OUTLET_WORDS + r"))$"
)
# Where prompts name the outlet: "... stories from Stars and Stripes and ...",
# "The New York Times's products", "Like Washington Post World on Facebook",
# "© 2017 WTOP. All Rights Reserved."
_NAME = r"[A-Z][\w&'’.-]*(?:\s+(?:(?:and|of|the|&)\s+)?[A-Z][\w&'’.-]*){0,5}"
OUTLET_FROM = re.compile(r"\bfrom\s+(?P<outlet>(?:[Tt]he\s+)?" + _NAME + ")")
OUTLET_POSSESSIVE = re.compile(
    r"(?P<outlet>(?:The\s+)?" + _NAME + r")(?:'s|’s)\s+(?:\w+\s+){0,3}"
    r"(?:newsletters?|products|services|stories)\b"
)
OUTLET_FACEBOOK = re.compile(r"^like\s+(?P<outlet>.{2,60}?)\s+on\s+facebook\b", _I)
OUTLET_COPYRIGHT = re.compile(
    r"^(?:©|\(c\)|copyright)\s*(?:©\s*)?(?:\d{4}\s*)?(?:by\s+)?(?P<outlet>[A-Z][\w&'’.-]*"
    r"(?:\s+[A-Z][\w&'’-]*){0,4})",
    _I,
)

# "By Jane Doe", "By JANE DOE and John Roe, Staff Writers".
BYLINE = re.compile(
    r"^(?i:by)\s+(?P<names>(?!(?:" + _NOT_NAMES + r")\b)[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3}"
    r"(?:\s*(?:,|\band\b|&)\s*[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3})*)"
    r"(?:\s*(?:[|—–•·-]|\b(?:for|of)\b)\s*[^.!?]{0,60})?\.?$"
)
BYLINE_MAX_WORDS = 14
# The same line in the other languages: "Von Miriam Hallbeck", "Ein Artikel von ...",
# "Autor: Ewa Sadowska", "Por Lucía Ferrán", "di Giulia Ferraris", "Par ...". The cue
# words are ordinary prepositions, so two to five capitalised names must fill the rest.
_NAME_WORD = _CAP + r"[\w.'’-]+"
_NAME_RUN = (
    _NAME_WORD
    + r"(?:\s+(?:(?:de|da|del|dos|das|di|van|von|le|la|y|e)\s+)?"
    + _NAME_WORD
    + r"){1,4}"
)
BYLINE_OTHER = re.compile(
    r"^(?i:von|ein (?:artikel|beitrag|text|kommentar|bericht) von|text(?:o)?:?|autor(?:ka)?:|"
    r"autore:|auteur(?:e)?:|par|por|di|door|av|af|opracowanie:|redakcja:)\s+"
    r"(?P<names>"
    + _NAME_RUN
    + r"(?:\s*(?:,|\bund\b|\bi\b|\by\b|\be\b|\bet\b|&)\s*"
    + _NAME_RUN
    + r")*)\s*$"
)

# Chrome embedded inside a paragraph, stripped and recorded with its rule. The
# middle item is a lower-case cue that must occur for the pattern to be tried
# (a cheap substring test keeps long paragraphs off the regex engine).
INLINE_RULES: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    (
        "social",  # "... with Kim Jong Un. Twitter: @kimgamel"
        "@",
        re.compile(
            r"(?<=[.!?\"”’)])\s+(?:follow\b[^.!?@]{0,60}?\s)?(?:on\s+)?"
            r"(?:twitter|instagram|threads)\b\s*(?::|at)?\s*@\w{1,30}"
            r"(?:(?:\s*,\s*|\s+and\s+)@\w{1,30})*\.?\s*$",
            _I,
        ),
    ),
    (
        "contributor",  # "... he said. Jane Doe in Seoul contributed to this report."
        "ed",  # "contributed", "(Reporting by ...; Editing by ...)"
        re.compile(
            r"(?<=[.!?\"”’])\s+(?:[—–-]\s*)?(?:[^.!?\"“”]{3,200}?\scontributed "
            r"(?:reporting|to this (?:report|story|article))[^.!?]{0,40}[.!?]?|"
            r"\((?i:(?:additional )?(?:reporting|writing|editing) by) [^()]{3,300}\))\s*$"
        ),
    ),
    (
        "caption",  # a gallery glued before the text, captions ending "Hide Caption 3 of 9"
        "hide caption",
        re.compile(r"^photos?: .*?\bhide caption (\d+) of \1\b\s*", _I | re.DOTALL),
    ),
    ("page-ui", "edit", re.compile(r"\s*\[\s*edit\s*\]\s*$")),  # wiki heading furniture
    (
        "advertisement",
        "contin",
        re.compile(
            r"\s*\b(?:advertisement\s+)?continue reading the main story\b\s*|"
            r"\s*\bstory continues below(?: advertisement)?\b\s*",
            _I,
        ),
    ),
)

# Normalisation: line separators, NBSP-like spaces, invisible characters.
_NEWLINES = re.compile(r"\r\n?|[\u2028\u2029\x85]")
_SPACES = re.compile(r"[\u00a0\u2007\u202f\u3000\t\f\v ]+")
_INVISIBLE = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff\u00ad]")

_TERMINAL = re.compile(r"(?:[.!?…]|\.\.\.)[\"”’'»)\]]*$")
_TITLE_REJECT = re.compile(r"^\d+[.)]\s|[)|•·:;,\]-]$")
_ABBREV_END = re.compile(r"\b(?:[A-Z]\.){2,}$")  # "... in L.A." is still a headline
_WORD = re.compile(r"\S+")
_DUP_KEY_CREDIT = re.compile(r"\s*\([^()]{1,80}\)\s*$")
# "... Sonntagmorgen. Bild: Tobias Renner": a credit after the caption's last sentence.
_TRAILING_CREDIT = re.compile(
    r"(?<=[.!?\"”’»])\s+(?i:photo|photograph|image|picture|video|credit|foto|bild|fot|zdjęcie|"
    r"imagen|immagine|imagem|fotografía|fotografia)\b\s*[:.]?\s*[^.!?]{1,60}$"
)
_NON_ALNUM = re.compile(r"[\W_]+")
_DIGITS = re.compile(r"\d+")


# ===========================================================================
# Public API
# ===========================================================================


@dataclass(frozen=True)
class PlainTextResult:
    """What the cleaner found in one plain-text scrape."""

    title: str | None  # the headline line, if the scrape has one
    paragraphs: tuple[str, ...]  # body paragraphs in order; dateline not yet split
    byline: str | None  # "Jane Doe" from a "By Jane Doe" line
    outlet: str | None  # outlet named by the text itself (masthead, prompts), else None
    removed: tuple[RemovedLine, ...]  # every removed line or fragment, with its rule


def clean_plain_text(text: str) -> PlainTextResult:
    """Split a plain-text scrape into headline, byline and body, dropping site chrome."""
    original = _logical_lines(text)
    reasons: list[str | None] = [_classify(line) for line in original]
    # Context rules judge a line by its shape once embedded chrome is cut out
    # (a paragraph ending in "Story continues below advertisement" is no headline).
    fragments: list[list[RemovedLine]] = [[] for _ in original]
    lines = [
        _strip_inline(line, fragments[i]) if reasons[i] is None else line
        for i, line in enumerate(original)
    ]
    outlet = _mark_masthead(lines, reasons)
    _mark_duplicates(lines, reasons)
    _mark_labelled_teasers(lines, reasons)
    _keep_subheads(lines, reasons)
    _mark_highlights(lines, reasons)
    _mark_trailing_related(lines, reasons)
    byline = _mark_byline(lines, reasons)
    title_index = _find_title(lines, reasons)
    _mark_labels_above_title(lines, reasons, title_index)

    removed: list[RemovedLine] = []
    paragraphs: list[str] = []
    for index, (line, reason) in enumerate(zip(lines, reasons, strict=True)):
        if reason is not None:
            removed.append(RemovedLine(original[index], reason))
            continue
        removed.extend(fragments[index])
        if index != title_index and line:
            paragraphs.append(line)

    if outlet is None:
        outlet = _outlet_from_removed(removed)
    return PlainTextResult(
        title=lines[title_index] if title_index is not None else None,
        paragraphs=tuple(paragraphs),
        byline=byline,
        outlet=outlet,
        removed=tuple(removed),
    )


# ===========================================================================
# Steps
# ===========================================================================


def _logical_lines(text: str) -> list[str]:
    """Normalise whitespace and return one string per paragraph line.

    Paragraphs may be separated by blank lines or by single newlines. A line
    that starts in lower case after a line without terminal punctuation is a
    hard-wrapped continuation and is joined to it.
    """
    text = _INVISIBLE.sub("", _NEWLINES.sub("\n", text))
    lines: list[str] = []
    previous_blank = True
    for raw in text.split("\n"):
        line = _SPACES.sub(" ", raw).strip()
        if not line:
            previous_blank = True
            continue
        if (
            lines
            and not previous_blank
            and line[0].islower()
            and not _TERMINAL.search(lines[-1])
            and not lines[-1].endswith(":")
        ):
            if lines[-1].endswith("-") and lines[-1][-2:-1].isalpha():  # "trans-" + "port"
                lines[-1] = lines[-1][:-1] + line
            else:
                lines[-1] = lines[-1] + " " + line
        else:
            lines.append(line)
        previous_blank = False
    return lines


def _word_count(line: str) -> int:
    return len(_WORD.findall(line))


def _classify(line: str) -> str | None:
    """Name the first per-line rule that fires, or None to keep the line."""
    words = _word_count(line)
    for rule in ALL_RULES:
        if words > rule.max_words:
            continue
        if rule.min_hits == 1:
            if rule.pattern.search(line):
                return rule.name
        elif (
            rule.pattern.search(line)
            and len({m.group(0).lower() for m in rule.pattern.finditer(line)}) >= rule.min_hits
        ):
            return rule.name
    if words <= CAPTION_MAX_WORDS and (
        CREDIT_TAIL.search(line)
        or CREDIT_ANYWHERE.search(line)
        or (CREDIT_TAIL_WEAK.search(line) and CAPTION_CUES.search(line))
    ):
        return "caption"
    if _is_section_label(line, words):
        return "section-label"
    if (kind := teaser_kind(line)) is not None:
        return "related-headlines" if kind == "cross-reference" else "signup-prompt"
    if _is_date_line(line, words):
        return "timestamp"
    return None


# A stand-alone date line has at most this many words besides the date, the time and the
# calendar words ("Aktualisiert: 10.05.2026, 08:15 Uhr", "13 maja 2026, 11:20").
DATE_LINE_MAX_WORDS = 12
DATE_LINE_OTHER_WORDS = 1


# An update or publication stamp opens with its verb; then a time alone is enough ("Mis à
# jour à 07h12", "Aktualisiert um 8:15 Uhr"): a bare clock time needs no year to be a stamp.
_STAMP_START = re.compile(
    r"^\W*(?:updated|posted|published|aktualisiert|veröffentlicht|mis à jour|publié|modifié|"
    r"actualizado|publicado|aggiornato|pubblicato|aktualizacja|zaktualizowano|opublikowano|"
    r"atualizado)\b",
    _I,
)
_CLOCK = re.compile(r"(?<![\d.:])\d{1,2}[:h.]\d{2}(?![\d.:])")


def _is_date_line(line: str, words: int) -> bool:
    """A line that is a publication or update stamp in any of the seven languages."""
    if words > DATE_LINE_MAX_WORDS or "://" in line:
        return False
    if not _DATE_YEAR.search(line) and not (_STAMP_START.match(line) and _CLOCK.search(line)):
        return False
    other = 0
    for token in line.split():
        if (_DATE_PART.search(token) and not token[0].isalpha()) or not any(
            c.isalpha() for c in token
        ):
            continue
        if not _DATE_WORD.match(token):
            other += 1
    return other <= DATE_LINE_OTHER_WORDS


def _is_section_label(line: str, words: int) -> bool:
    if words > 5 or _TERMINAL.search(line) or line.endswith(":"):
        return False
    tokens = line.lower().split()
    if all(token in SECTION_WORDS for token in tokens) and any(
        token not in {"&", "and", "the"} for token in tokens
    ):
        return True
    return line == line.lower() and any(token in NAV_CUE_WORDS for token in tokens)


def _mark_labelled_teasers(lines: list[str], reasons: list[str | None]) -> None:
    """The linked headlines under a cue alone on its line ("Czytaj też:", "Mehr zum Thema")."""
    for i, reason in enumerate(reasons):
        if reason != "related-headlines" or not labels_next_line(lines[i]):
            continue
        j = _next_kept(reasons, i + 1)
        while j is not None and looks_like_headline(lines[j]) and _is_headline_shaped(lines[j]):
            reasons[j] = "related-headlines"
            j = _next_kept(reasons, j + 1)


# Capitalised lines above the headline this short are section and menu labels ("Lokales",
# "Sport"); "Systematic palaeontology" opening a paper is not.
LABEL_ABOVE_TITLE_MAX_WORDS = 2


def _mark_labels_above_title(
    lines: list[str], reasons: list[str | None], title_index: int | None
) -> None:
    """Short unpunctuated lines above the headline are the site's section labels."""
    if title_index is None:
        return
    for i in range(title_index):
        if (
            reasons[i] is None
            and _word_count(lines[i]) <= LABEL_ABOVE_TITLE_MAX_WORDS
            and not _TERMINAL.search(lines[i])
            and all(w[0].isupper() for w in lines[i].split())
        ):
            reasons[i] = "section-label"


def _mark_highlights(lines: list[str], reasons: list[str | None]) -> None:
    """Headline-shaped bullets right under a "Story highlights" label are the label's list."""
    for i, reason in enumerate(reasons):
        if reason != "highlights":
            continue
        j = i + 1
        while j < len(lines) and reasons[j] is None and _is_headline_shaped(lines[j]):
            reasons[j] = "highlights"
            j += 1


def _keep_subheads(lines: list[str], reasons: list[str | None]) -> None:
    """A section word between two body paragraphs is the article's own subhead ("MEDIA")."""
    for i, reason in enumerate(reasons):
        if reason != "section-label":
            continue
        before = _previous_kept(reasons, i - 1)
        after = _next_kept(reasons, i + 1)
        if (
            before is not None
            and after is not None
            and _is_body_like(lines[before])
            and _is_body_like(lines[after])
        ):
            reasons[i] = None


def _mark_masthead(lines: list[str], reasons: list[str | None]) -> str | None:
    """Remove an outlet masthead (and a slogan under it) at the top; return the outlet."""
    first = _next_kept(reasons, 0)
    if first is None or first > MASTHEAD_MAX_LINE:
        return None
    line = lines[first]
    if match := MASTHEAD_GLUED.match(line):
        reasons[first] = "masthead"
        return match.group("outlet").strip()
    # Any name glued to a slogan counts when the scrape names that outlet again
    # (a photo credit, a copyright or social line), so "McDonald" at the top of
    # an article is not mistaken for a masthead.
    if (match := MASTHEAD_GLUED_ANY.match(line)) and _named_elsewhere(
        match.group("outlet"), lines, first
    ):
        reasons[first] = "masthead"
        return match.group("outlet").strip()
    match = MASTHEAD_NAME.match(line)
    after = _next_kept(reasons, first + 1)
    if after is None:
        return None
    if match is not None:
        outlet = match.group("outlet")
    elif _is_other_masthead(line, lines, reasons, first):
        outlet = _spelled_elsewhere(line, lines, reasons, first)
    else:
        return None
    reasons[first] = "masthead"
    following = _next_kept(reasons, after + 1)
    slogan = lines[after]
    if (
        following is not None
        and _is_headline_shaped(slogan)
        and _is_headline_shaped(lines[following])
        and (
            (_word_count(slogan) <= SLOGAN_MAX_WORDS and slogan.istitle())
            or (_word_count(slogan) <= SLOGAN_NAMED_MAX_WORDS and _shares_word(slogan, outlet))
        )
    ):
        reasons[after] = "masthead"
    return outlet


MASTHEAD_OTHER_MAX_WORDS = 5


def _is_other_masthead(line: str, lines: list[str], reasons: list[str | None], index: int) -> bool:
    """A short top line naming an outlet in another language's words, or named again by a
    line already removed as chrome (a photo credit, a copyright or share line)."""
    words = line.split()
    if len(words) > MASTHEAD_OTHER_MAX_WORDS or _TERMINAL.search(line) or line.endswith(":"):
        return False
    if not all(w[0].isupper() or w[0].isdigit() or w.islower() and len(w) <= 3 for w in words):
        return False
    if any(_NON_ALNUM.sub("", w).lower() in OTHER_OUTLET_WORDS for w in words):
        return True
    return any(
        reasons[i] not in (None, "section-label") and line.lower() in other.lower()
        for i, other in enumerate(lines)
        if i != index
    )


def _spelled_elsewhere(line: str, lines: list[str], reasons: list[str | None], index: int) -> str:
    """An all-capitals masthead ("HARROW NEWS") as a chrome line spells it ("© Harrow
    News"); the line itself when no other line spells it differently."""
    if not line.isupper():
        return line
    for i, other in enumerate(lines):
        at = other.lower().find(line.lower())
        if i != index and reasons[i] not in (None, "section-label") and at >= 0:
            return other[at : at + len(line)]
    return line


def _shares_word(slogan: str, outlet: str) -> bool:
    """Whether the line under a masthead repeats one of the outlet's longer words."""
    names = {w.lower() for w in _NON_ALNUM.sub(" ", outlet).split() if len(w) > 3}
    return any(w.lower() in names for w in _NON_ALNUM.sub(" ", slogan).split())


def _named_elsewhere(outlet: str, lines: list[str], skip: int) -> bool:
    name = outlet.strip().removeprefix("The ")
    return any(name in line for i, line in enumerate(lines) if i != skip)


def _dup_key(line: str) -> str:
    line = _DUP_KEY_CREDIT.sub("", _TRAILING_CREDIT.sub("", line))
    return _NON_ALNUM.sub(" ", line.lower()).strip()


def _mark_duplicates(lines: list[str], reasons: list[str | None]) -> None:
    """Drop captions printed twice (both copies) and later copies of a repeated paragraph."""
    groups: dict[int, list[int]] = {}
    owner: dict[str, int] = {}
    group_of: list[int | None] = [None] * len(lines)
    # Near-identical (not exact) copies are looked for only around caption-like lines.
    captionish = [
        reasons[i] is not None or _has_credit(line) or bool(CAPTION_CUES.search(line))
        for i, line in enumerate(lines)
    ]
    for i, line in enumerate(lines):
        if reasons[i] not in (None, "caption", "media-credit"):
            continue
        key = _dup_key(line)
        if len(key.split()) < DUPLICATE_MIN_WORDS:
            continue
        root = owner.get(key)
        if root is None:
            for j in range(max(0, i - NEAR_DUPLICATE_WINDOW), i):
                if (
                    group_of[j] is not None
                    and (captionish[i] or captionish[j])
                    and _near_duplicate(lines[j], line)
                ):
                    root = group_of[j]
                    break
        if root is None:
            root = i
            owner[key] = i
        group_of[i] = root
        groups.setdefault(root, []).append(i)

    for members in groups.values():
        if len(members) < 2:
            continue
        captioned = [m for m in members if reasons[m] is not None or _has_credit(lines[m])]
        if captioned:
            # A copy is the same caption when it describes a picture or is the
            # captioned copy minus its credit; a reworded copy without either
            # is the paragraph the caption was made from, and stays.
            caption_keys = {_dup_key(lines[m]) for m in captioned}
            for m in members:
                if (
                    m in captioned
                    or CAPTION_CUES.search(lines[m])
                    or _dup_key(lines[m]) in caption_keys
                ):
                    reasons[m] = "duplicate-caption"
        remaining = [m for m in members if reasons[m] is None]
        for m in remaining[1:]:
            reasons[m] = "duplicate"


def _has_credit(line: str) -> bool:
    return bool(CREDIT_TAIL.search(line) or CREDIT_TAIL_WEAK.search(line))


def _near_duplicate(a: str, b: str) -> bool:
    """Near-identical text with the same numbers (a list of charges, one per suspect, differs
    in ages and counts, and a live blog repeats an item at different times)."""
    shorter, longer = sorted((len(a), len(b)))
    best_ratio = 2 * shorter / (shorter + longer)  # what ratio() could reach at most
    if longer > NEAR_DUPLICATE_MAX_CHARS or best_ratio < NEAR_DUPLICATE_RATIO:
        return False
    if _DIGITS.findall(_DUP_KEY_CREDIT.sub("", a)) != _DIGITS.findall(_DUP_KEY_CREDIT.sub("", b)):
        return False
    matcher = SequenceMatcher(None, a.lower(), b.lower(), autojunk=False)
    return matcher.quick_ratio() >= NEAR_DUPLICATE_RATIO and matcher.ratio() >= NEAR_DUPLICATE_RATIO


def _is_headline_shaped(line: str) -> bool:
    words = _word_count(line)
    if not 1 <= words <= TITLE_MAX_WORDS:
        return False
    if line[0] in "\"“‘'" or not (line[0].isupper() or line[0].isdigit()):
        return False
    if line.endswith((":", ";", ",")):
        return False
    return not _TERMINAL.search(line) or bool(_ABBREV_END.search(line))


def _is_title_shaped(line: str) -> bool:
    """Headline-shaped, and not a list item, a dateline stub or a credited caption."""
    return (
        _is_headline_shaped(line)
        and _word_count(line) >= TITLE_MIN_WORDS
        and not _TITLE_REJECT.search(line)
    )


def _is_body_like(line: str) -> bool:
    return bool(_TERMINAL.search(line)) or _word_count(line) >= BODY_MIN_WORDS


def _mark_trailing_related(lines: list[str], reasons: list[str | None]) -> None:
    """Remove a run of headline-shaped lines after the last body paragraph."""
    run: list[int] = []
    for i in range(len(lines) - 1, -1, -1):
        if reasons[i] is not None:
            continue
        line = lines[i]
        question = line.endswith(("?", "!")) and _is_title_case(line)
        if (
            _is_headline_shaped(line.rstrip("?!") if question else line)
            and not (line.endswith(("?", "!")) and not question)
            and _word_count(line) >= RELATED_LINE_MIN_WORDS
        ):
            run.append(i)
            continue
        # A list introduced by "...:" is part of the article, and a run needs a body before it.
        if line.endswith(":") or not _is_body_like(line):
            return
        break
    else:
        return
    if len(run) >= RELATED_RUN_MIN_LINES:
        for i in run:
            reasons[i] = "related-headlines"


def _is_title_case(line: str) -> bool:
    """Headline capitalisation ("What Is Styrene, and How Harmful Is the Smoke?"): every
    word of four letters or more capitalised, as a question in running text never is."""
    long_words = [w for w in _NON_ALNUM.sub(" ", line).split() if len(w) >= 4]
    return len(long_words) >= 2 and all(w[0].isupper() for w in long_words)


def _mark_byline(lines: list[str], reasons: list[str | None]) -> str | None:
    """Remove the first "By Jane Doe" line and return the names."""
    for i, line in enumerate(lines):
        if reasons[i] is not None or _word_count(line) > BYLINE_MAX_WORDS:
            continue
        match = BYLINE.match(line) or BYLINE_OTHER.match(line)
        if match is None:
            continue
        parts = re.split(r"\s*,\s*", match.group("names"))
        # "Jane Doe, Staff Writer", "Alex Roe, BDN Staff": later parts with a job word are roles.
        names = parts[:1] + [p for p in parts[1:] if not set(p.lower().split()) & BYLINE_ROLE_WORDS]
        names = [p for p in names if not set(p.lower().split()) <= BYLINE_ROLE_WORDS]
        if not names:
            continue
        reasons[i] = "byline"
        return ", ".join(names)
    return None


def _find_title(lines: list[str], reasons: list[str | None]) -> int | None:
    """Index of the first headline-shaped line before the body, if any."""
    for i, line in enumerate(lines):
        if reasons[i] is not None:
            continue
        if _is_title_shaped(line):
            following = _next_kept(reasons, i + 1)
            return i if following is not None else None
        if _is_body_like(line):
            return None
    return None


def _next_kept(reasons: list[str | None], start: int) -> int | None:
    for i in range(start, len(reasons)):
        if reasons[i] is None:
            return i
    return None


def _previous_kept(reasons: list[str | None], start: int) -> int | None:
    for i in range(start, -1, -1):
        if reasons[i] is None:
            return i
    return None


def _strip_inline(line: str, removed: list[RemovedLine]) -> str:
    """Cut chrome fragments out of a kept paragraph, recording each."""
    if len(_WORD.findall(line)) > CAPTION_MAX_WORDS and (match := CREDIT_TAIL.search(line)):
        removed.append(RemovedLine(match.group(0).strip(), "media-credit"))
        line = line[: match.start()].rstrip()
    lowered = line.lower()
    for name, cue, pattern in INLINE_RULES:
        if cue not in lowered:
            continue
        matches = list(pattern.finditer(line))
        removed.extend(RemovedLine(m.group(0).strip(), name) for m in matches)
        for match in reversed(matches):
            line = (line[: match.start()] + " " + line[match.end() :]).strip()
    return line


def _outlet_from_removed(removed: list[RemovedLine]) -> str | None:
    """The outlet as named by a sign-up prompt, a social line or a copyright notice."""
    candidates: dict[str, str] = {}
    for item in removed:
        if item.reason == "signup-prompt" and "prompt" not in candidates:
            match = OUTLET_FROM.search(item.text) or OUTLET_POSSESSIVE.search(item.text)
            if match:
                # "... from the Varnholt Sentinel and ..." names "The Varnholt Sentinel".
                name = match.group("outlet")
                candidates["prompt"] = "The" + name[3:] if name.startswith("the ") else name
        elif item.reason == "social" and "social" not in candidates:
            if match := OUTLET_FACEBOOK.match(item.text):
                candidates["social"] = _drop_section_suffix(match.group("outlet"))
        elif (
            item.reason == "copyright"
            and "copyright" not in candidates
            and (match := OUTLET_COPYRIGHT.match(item.text))
        ):
            candidates["copyright"] = match.group("outlet").rstrip(".")
    for source in ("prompt", "social", "copyright"):
        if source in candidates:
            return candidates[source]
    return None


def _drop_section_suffix(name: str) -> str:
    """ "Washington Post World" -> "Washington Post" (a section page of the outlet)."""
    words = name.split()
    while len(words) > 1 and words[-1].lower() in SECTION_WORDS:
        words.pop()
    return " ".join(words)
