"""Article metadata read from the text and the URL: dateline place and outlet domain."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from tld import get_fld  # public-suffix aware; already installed with trafilatura (courlan)

from newsweave.lexicon import MONTH_ABBREVIATIONS

__all__ = ["clean_title", "outlet_from_url", "split_dateline"]

# ---------------------------------------------------------------------------
# Heuristics (data)
# ---------------------------------------------------------------------------


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


# A dateline is short: "RIO DE JANEIRO, Brazil, March 3 (Reuters) —" is 7 words.
DATELINE_MAX_WORDS = 9
# The text after a dateline is a sentence: at least this many words.
DATELINE_MIN_REST_WORDS = 3

# All-caps words that open sentences as organisations or labels, not places:
# "NATO — The alliance said ..." is not a dateline.
NOT_PLACES = _wordset(
    """
    AP CNN BBC NBC ABC CBS NPR PBS FOX MSNBC AFP UPI NASA NATO FBI CIA NSA DHS DOJ ICE EPA FDA
    CDC WHO IMF OPEC ISIS GOP DNC RNC UN EU UK US USA NFL NBA MLB NHL FIFA NYPD LAPD IRS SEC
    BREAKING UPDATE UPDATED EXCLUSIVE WATCH VIDEO PHOTOS LIVE ANALYSIS OPINION EDITOR'S NOTE
    CORRECTION FILE U.S. U.N. U.K. E.U.
    """
)

_UP = "A-ZÀ-ÖØ-ÞŒŁŚŻŹĆŃ"  # capitals of the Latin languages we read: "BRÉVAL", "ŁÓDŹ"
_PLACE_CAPS = rf"[{_UP}][{_UP}.'’-]*[{_UP}.](?:\s+[{_UP}][{_UP}.'’-]*[{_UP}.]?){{0,3}}"  # ST. LOUIS
_PLACE_TITLE = r"[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3}"  # Seoul, Rio de Janeiro-less forms
_REGION = r"[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3}"  # "South Korea", "Calif.", "N.Y."
_MONTH = "(?:" + "|".join(a.title() for a in MONTH_ABBREVIATIONS) + r")[a-z]*\.?"
_DATE = rf"(?:{_MONTH}\s+\d{{1,2}}|\d{{1,2}}\s+{_MONTH})(?:,\s*\d{{4}})?"
_AGENCY = r"\((?P<agency>[A-Z][A-Za-z .&-]{0,30})\)"  # "(AP)", "(Hexa-Presse)"
# Long dashes may touch the text ("WASHINGTON —The"); a hyphen needs a space after it.
_DASH = r"(?:(?:—|–|―|--)\s*|-\s+)"

# "SEOUL, South Korea —", "WASHINGTON (AP) —", "LONDON, March 3 (Reuters) -", "BERLIN --".
DATELINE_CAPS = re.compile(
    rf"^(?P<place>{_PLACE_CAPS}(?:,\s*{_REGION}){{0,2}}?)"
    rf"(?:,\s*{_DATE})?\s*(?:{_AGENCY}\s*)?{_DASH}(?P<rest>\S.*)$",
    re.DOTALL,
)
# Mixed-case place only with a wire agency: "Seoul, South Korea (CNN) — ...", "London (CNN)The".
DATELINE_AGENCY = re.compile(
    rf"^(?P<place>{_PLACE_TITLE}(?:,\s*{_REGION}){{0,2}}?)"
    rf"(?:,\s*{_DATE})?\s*{_AGENCY}\s*(?:{_DASH})?(?P<rest>\S.*)$",
    re.DOTALL,
)
_REST_START = re.compile(r"^[\"“‘'(\[]?[A-Z0-9]")
_WORDS = re.compile(r"\S+")

# Host prefixes that are not part of an outlet's name.
_HOST_PREFIXES = re.compile(r"^(?:www\d?|m|mobile|amp)\.")


def split_dateline(paragraph: str) -> tuple[str | None, str]:
    """Split "SEOUL, South Korea — North Korea ..." into ("SEOUL, South Korea", "North Korea ...").

    Without a dateline the paragraph comes back unchanged with None. The place
    keeps its original casing; a wire credit and a date in the dateline are dropped.
    """
    text = paragraph.lstrip()
    for pattern in (DATELINE_CAPS, DATELINE_AGENCY):
        match = pattern.match(text)
        if match is None:
            continue
        place = match.group("place").strip().rstrip(",")
        rest = match.group("rest").strip()
        head = text[: match.start("rest")]
        if (
            len(_WORDS.findall(head)) > DATELINE_MAX_WORDS
            or len(_WORDS.findall(rest)) < DATELINE_MIN_REST_WORDS
            or not _REST_START.match(rest)
            or place.split(",")[0].strip().upper() in NOT_PLACES
            or (match.groupdict().get("agency") or "").upper() in {"PHOTO", "VIDEO", "FILE"}
        ):
            continue
        return place, rest
    return None, paragraph


def outlet_from_url(url: str | None) -> str | None:
    """The registered domain of a URL ("www.example-times.com/..." -> "example-times.com")."""
    if not url or not isinstance(url, str):
        return None
    url = url.strip()
    if "://" not in url:
        if url.startswith("//"):
            url = "http:" + url
        elif re.match(r"^[\w-]+(?:\.[\w-]+)+(?:[:/?#]|$)", url):
            url = "http://" + url
        else:
            return None
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").rstrip(".").lower()
    except ValueError:  # malformed netloc, e.g. an unclosed IPv6 bracket
        return None
    if parts.scheme not in ("http", "https") or not host:
        return None
    host = _HOST_PREFIXES.sub("", host)
    domain = get_fld(host, fail_silently=True, fix_protocol=True)
    return domain.lower() if domain else None


# ---------------------------------------------------------------------------
# Title: the headline without the site's suffix
# ---------------------------------------------------------------------------

# Separators sites put between the headline and their name or a date: " | ", " - ",
# " – ", " — ", " · ", " :: ", " » ", " / ". A spaced hyphen only: "Covid-19" is one word.
_TITLE_SEPARATOR = re.compile(r"\s+(?:\||-|–|—|·|::|»|/)\s+")
# A numeric date ("19.01.2020", "2020-01-19", "19/01/2020") or a year.
_TITLE_DATE = re.compile(r"^(?:\d{1,4}[./-]\d{1,2}[./-]\d{1,4}|\d{4})$")
# A site-name segment is short; a longer one is part of the headline.
TITLE_SITE_MAX_WORDS = 5


def clean_title(title: str | None, site_name: str | None, url: str | None) -> str | None:
    """The headline without trailing (or leading) segments that name the site or give a date.

    "Berlin returns artefacts | DW | 19.01.2020" -> "Berlin returns artefacts" when the page's
    site name is "DW" or its domain is dw.com; "Reuters - Markets fall" the same. A segment
    counts as the site's when, letters and digits only, it equals or contains the site name
    or the domain's name ("dw", "reuters"), or starts with it ("SPIEGEL ONLINE"). The
    headline itself is never removed: at least one segment stays.
    """
    if not title:
        return title
    names = _site_names(site_name, url)
    segments = _TITLE_SEPARATOR.split(title.strip())
    if len(segments) < 2:
        return title
    while len(segments) > 1 and _is_site_segment(segments[-1], names):
        segments.pop()
    while len(segments) > 1 and _is_site_segment(segments[0], names):
        segments.pop(0)
    if len(segments) == len(_TITLE_SEPARATOR.split(title.strip())):
        return title
    # the kept segments as written, with the separators between them
    kept = title.strip()
    start = kept.find(segments[0])
    end = kept.rfind(segments[-1]) + len(segments[-1])
    return kept[start:end].strip() or title


def _key(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.lower())


def _site_names(site_name: str | None, url: str | None) -> set[str]:
    names = {_key(site_name)} if site_name else set()
    domain = outlet_from_url(url)
    if domain:
        names.add(_key(domain.split(".")[0]))  # "dw" from dw.com, "spiegel" from spiegel.de
        names.add(_key(domain))  # "spiegelde" for "Spiegel.de"
    return {n for n in names if len(n) >= 2}


def _is_site_segment(segment: str, names: set[str]) -> bool:
    if _TITLE_DATE.match(segment.strip()):
        return True
    if len(segment.split()) > TITLE_SITE_MAX_WORDS:
        return False
    key = _key(segment)
    if not key:
        return False
    return any(
        key == n
        or (len(n) >= 3 and (key.startswith(n) or key.endswith(n)))
        or (len(key) >= 4 and key in n)
        for n in names
    )
