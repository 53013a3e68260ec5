"""Bytes to text: size limit, binary sniffing and encoding detection."""

from __future__ import annotations

import codecs
import re
import unicodedata

import webencodings
from charset_normalizer import from_bytes

from newsweave.errors import DocumentError

# Larger than any real article page (big news pages are 1-5 MB of HTML); a
# bigger single document is a crawl dump or a mistake, not an article.
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


# Legacy pages are overwhelmingly Windows-1252 (the WHATWG encoding standard
# maps even "latin1" labels to it). charset-normalizer cannot tell it from its
# Latin-script siblings on short text and answers e.g. mac_latin2 for "café" or
# mac_iceland for "Öldmère", so when it guesses one of these, cp1252 is tried
# too and the reading with more plausible letters wins (ties go to cp1252).
# Only Latin-script codepages are siblings: Cyrillic, Greek, Hebrew or Arabic
# bytes decode "cleanly" as cp1252 too, but as nonsense.
_WESTERN_FALLBACK = "cp1252"
_LATIN_SIBLINGS = re.compile(
    r"^(mac_(roman|latin2|iceland|turkish|croatian|romanian)|cp125[0247]|cp437|cp8(50|52|58)"
    r"|cp775|latin_1|iso8859_(1|2|3|4|9|10|13|14|15|16))$"
)
_DECLARED = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w.:-]+)""", re.IGNORECASE)


def check_size(doc_id: str, size: int, limit: int = MAX_DOCUMENT_BYTES) -> None:
    if size > limit:
        raise DocumentError(
            doc_id, f"too large ({size / 1e6:.1f} MB; the limit is {limit / 1e6:.0f} MB a document)"
        )


# every byte but the control characters other than tab, line feed, form feed and return
_NOT_CONTROL = bytes(b for b in range(256) if not (b < 32 and b not in (9, 10, 12, 13)))


def looks_binary(data: bytes) -> bool:
    """NUL bytes or many control characters in the first 8 KB mean "not text"."""
    head = data[:8192]
    if any(head.startswith(bom) for bom, _ in _BOMS[1:]):
        return False  # UTF-16 text is full of NULs
    if b"\x00" in head:
        return True
    controls = len(head.translate(None, _NOT_CONTROL))  # what is left: the control bytes
    return bool(head) and controls / len(head) > 0.05


def decode(doc_id: str, data: bytes) -> tuple[str, str]:
    """Decode document bytes; return (text, encoding) or raise DocumentError."""
    if not data.strip():
        raise DocumentError(doc_id, "empty document")
    if looks_binary(data):
        raise DocumentError(doc_id, "binary file, not text")
    for bom, name in _BOMS:
        if data.startswith(bom):
            return data.decode(name, errors="replace"), name
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    encoding = _declared_encoding(data) or _detected_encoding(doc_id, data)
    text = data.decode(encoding, errors="replace")
    if text.count("\ufffd") > max(10, len(text) // 100):
        raise DocumentError(doc_id, f"undecodable text (best guess {encoding} fails)")
    return text, encoding


def _declared_encoding(data: bytes) -> str | None:
    """The charset an HTML page declares in a <meta> tag, read as a web browser would.

    Labels are looked up in the WHATWG label table (the `webencodings` package)
    rather than Python's codec registry, which also knows non-text codecs such
    as "hex", "base64" or "zlib" that a hostile page could name.
    """
    found = _DECLARED.search(data[:4096])
    if not found:
        return None
    encoding = webencodings.lookup(found.group(1).decode("ascii", errors="replace"))
    if encoding is None or encoding.name in ("replacement", "x-user-defined"):
        return None
    try:
        return codecs.lookup(encoding.codec_info.name).name
    except LookupError:
        return None


def _detected_encoding(doc_id: str, data: bytes) -> str:
    match = from_bytes(data[:200_000]).best()
    if match is None or match.encoding is None:
        raise DocumentError(doc_id, "unknown text encoding (not UTF-8 and no encoding detected)")
    if match.encoding != _WESTERN_FALLBACK and _LATIN_SIBLINGS.match(match.encoding):
        try:
            western = data.decode(_WESTERN_FALLBACK)
        except UnicodeDecodeError:
            return match.encoding
        guessed = data.decode(match.encoding, errors="replace")
        if _letter_score(western) >= _letter_score(guessed):
            return _WESTERN_FALLBACK
    return match.encoding


def _letter_score(text: str) -> int:
    """How plausible the non-ASCII characters of a decoding are as letters of words.

    A non-ASCII letter counts one; a symbol ("÷", "¹") or an upper-case letter
    inside a lower-case word ("ÖldmËre") counts against, as a wrong codepage
    produces them and real text rarely does.
    """
    score = 0
    for i, ch in enumerate(text):
        if ch.isascii():
            continue
        if not ch.isalpha():
            score -= unicodedata.category(ch)[0] in "SN"
            continue
        inside = 0 < i < len(text) - 1 and text[i - 1].islower() and text[i + 1].islower()
        score += -1 if ch.isupper() and inside else 1
    return score
