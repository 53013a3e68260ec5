"""Multi-News clusters: the documents of one story packed into one string.

Three packings are common: the original release joins documents with
"|||||", the truncated/preprocessed release with "story_separator_special_tag",
and LongBench opens each document with a "Passage N:" line. All of them write
paragraph breaks as the literal token NEWLINE_CHAR.
"""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"\s*(?:\|\|\|\|\||story_separator_special_tag)\s*")
_PASSAGE = re.compile(r"(?:^|\n)Passage \d+:\n")
_NEWLINE_TOKEN = re.compile(r"(?:\s*NEWLINE_CHAR\s*)+")


def is_multinews(text: str) -> bool:
    head = text[:200_000]
    return "|||||" in head or "story_separator_special_tag" in head or "NEWLINE_CHAR" in head


def restore_paragraphs(text: str) -> str:
    """Turn NEWLINE_CHAR tokens back into paragraph breaks."""
    return _NEWLINE_TOKEN.sub("\n\n", text).strip()


def split_cluster(text: str) -> list[str]:
    """Split one packed cluster into its documents (paragraph breaks restored)."""
    if _PASSAGE.match(text) or text.startswith("Passage 1:"):
        parts = _PASSAGE.split("\n" + text if not text.startswith("\n") else text)
    else:
        parts = _SEPARATORS.split(text)
    return [doc for doc in (restore_paragraphs(p) for p in parts) if doc]
