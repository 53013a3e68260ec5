"""Bytes to text: size limit, binary sniffing and encoding detection."""

from __future__ import annotations

import codecs
import re

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
# Latin siblings on short English text and answers e.g. mac_latin2 for
# "café", so when it guesses one of these and cp1252 decodes cleanly, cp1252 wins.
_WESTERN_FALLBACK = "cp1252"
_LATIN_SIBLINGS = re.compile(
    r"^(mac_latin2|mac_roman|cp125[02]|cp8[5-6]\d|cp775|latin_1|iso8859_\d+)$"
)
_DECLARED = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w.:-]+)""", re.IGNORECASE)


def check_size(doc_id: str, size: int, limit: int = MAX_DOCUMENT_BYTES) -> None:
    if size > limit:
        raise DocumentError(
            doc_id, f"too large ({size / 1e6:.1f} MB; the limit is {limit / 1e6:.0f} MB a document)"
        )


def looks_binary(data: bytes) -> bool:
    """NUL bytes or many control characters in the first 8 KB mean "not text"."""
    head = data[:8192]
    if any(head.startswith(bom) for bom, _ in _BOMS[1:]):
        return False  # UTF-16 text is full of NULs
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
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
    """The charset an HTML page declares in a <meta> tag, if Python knows it."""
    found = _DECLARED.search(data[:4096])
    if not found:
        return None
    try:
        return codecs.lookup(found.group(1).decode("ascii")).name
    except (LookupError, UnicodeDecodeError):
        return None


def _detected_encoding(doc_id: str, data: bytes) -> str:
    match = from_bytes(data[:200_000]).best()
    if match is None or match.encoding is None:
        raise DocumentError(doc_id, "unknown text encoding (not UTF-8 and no encoding detected)")
    if _LATIN_SIBLINGS.match(match.encoding):
        try:
            data.decode(_WESTERN_FALLBACK)
            return _WESTERN_FALLBACK
        except UnicodeDecodeError:
            pass
    return match.encoding
