"""JSON Lines: one article per line, or one Multi-News cluster per line."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import date
from typing import BinaryIO

from newsweave.errors import DocumentError
from newsweave.ingest._decode import MAX_DOCUMENT_BYTES, check_size, decode
from newsweave.ingest.multinews import split_cluster
from newsweave.model import DocHints, RawDocument, SkippedDocument

_TEXT_FIELDS = ("text", "html", "context", "document", "body", "content", "maintext", "article")
# Metadata under the names common exports use (news APIs, crawlers, research sets), matched
# with case, "_" and "-" ignored ("publishedAt" = "published_at"); the first one present wins.
# A `source` / `publisher` object counts by its "name" (NewsAPI's {"id", "name"}).
_ID_FIELDS = ("id", "docid", "docno", "articleid", "guid", "uuid")
_TITLE_FIELDS = ("title", "headline", "heading", "hed")
_OUTLET_FIELDS = (
    "outlet",
    "source",
    "sourcename",
    "publisher",
    "sitename",
    "site",
    "agency",
    "newspaper",
    "sourcedomain",
    "domain",
)
_DATE_FIELDS = (
    "published",
    "publishedat",
    "publishdate",
    "publicationdate",
    "datepublished",
    "datepublish",
    "pubdate",
    "date",
    "datetime",
)
_URL_FIELDS = ("url", "link", "uri", "sourceurl")


def parse_date(value: object) -> date | None:
    """ISO date or datetime string -> date; anything else -> None."""
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def read_jsonl_lines(
    origin: str, lines: Iterable[bytes | str], *, start: int = 1
) -> Iterator[RawDocument | SkippedDocument]:
    """Yield one RawDocument per usable record; bad lines become SkippedDocument.

    Lines are streamed, so a large file never sits in memory; each line is
    held to the per-document size limit. `start` is the number of the first
    line, for a slice of a file read elsewhere (a Dask partition).
    """
    seen = False
    ids: set[str] = set()  # record ids used so far: a repeated one falls back to the line
    for number, line in enumerate(lines, start=start):
        if not line.strip():
            continue
        seen = True
        doc_id = f"{origin}:{number}"
        try:
            if isinstance(line, bytes):
                check_size(doc_id, len(line))
                line = decode(doc_id, line)[0]
        except DocumentError as exc:
            yield SkippedDocument(doc_id, exc.reason)
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield SkippedDocument(doc_id, f"invalid JSON ({exc.msg} at column {exc.colno})")
            continue
        except RecursionError:
            yield SkippedDocument(doc_id, "JSON nested too deeply to read")
            continue
        if not isinstance(record, dict):
            yield SkippedDocument(doc_id, "JSON line is not an object")
            continue
        yield from _records(origin, doc_id, record, ids)
    if not seen and start == 1:
        yield SkippedDocument(origin, "empty JSON Lines file (no records)")


def bounded_lines(stream: BinaryIO, limit: int = MAX_DOCUMENT_BYTES) -> Iterator[bytes]:
    """The lines of a binary stream, never holding more than `limit` + 1 bytes of one line.

    A line longer than the limit comes back as its first `limit` + 1 bytes (so the
    size check rejects it) and the rest of it is read and dropped in chunks: a
    1 GB one-line file costs 10 MB of memory, not 1 GB.
    """
    while line := stream.readline(limit + 1):
        if len(line) > limit and not line.endswith(b"\n"):
            while (rest := stream.readline(1 << 20)) and not rest.endswith(b"\n"):
                pass
        yield line


def _records(
    origin: str, doc_id: str, record: dict, ids: set[str]
) -> Iterator[RawDocument | SkippedDocument]:
    """The article of one record (or a Multi-News cluster's articles, named by line)."""
    field = next((f for f in _TEXT_FIELDS if isinstance(record.get(f), str)), None)
    if field is None:
        yield SkippedDocument(doc_id, f"no text field (expected one of {', '.join(_TEXT_FIELDS)})")
        return
    body = _clean_str(record[field])
    if field in ("context", "document"):
        # Multi-News: a whole cluster in one record; each document keeps the line number.
        docs = split_cluster(body)
        if not docs:
            yield SkippedDocument(doc_id, "empty Multi-News cluster")
        for n, text in enumerate(docs, start=1):
            yield RawDocument(f"{doc_id}/{n}", origin, text, "text")
        return
    fields = _normalised(record)
    record_id = _record_id(fields)
    if record_id is not None and record_id not in ids:
        ids.add(record_id)
        doc_id = f"{origin}#{record_id}"
    published = next(
        (d for f in _DATE_FIELDS if (d := parse_date(fields.get(f))) is not None), None
    )
    outlet = _first(fields, _OUTLET_FIELDS)
    hints = DocHints(
        url=_first(fields, _URL_FIELDS),
        title=_first(fields, _TITLE_FIELDS),
        outlet=outlet,
        outlet_source="jsonl" if outlet else None,
        published=published,
        published_source="jsonl" if published else None,
    )
    yield RawDocument(doc_id, origin, body, "html" if field == "html" else "text", hints=hints)


def _normalised(record: dict) -> dict[str, object]:
    """The record's fields by normalised name (lower case, no "_" or "-"); the first
    spelling of a name wins."""
    out: dict[str, object] = {}
    for key, value in record.items():
        if isinstance(key, str):
            out.setdefault(key.lower().replace("_", "").replace("-", ""), value)
    return out


def _first(fields: dict[str, object], names: tuple[str, ...]) -> str | None:
    """The first of `names` holding a non-empty string (or an object with a "name")."""
    for name in names:
        value = fields.get(name)
        if isinstance(value, dict):
            value = value.get("name")
        if (text := _str(value)) is not None:
            return text
    return None


def _record_id(fields: dict[str, object]) -> str | None:
    """The record's own id (a string or an integer), if it has one usable in a doc id."""
    for name in _ID_FIELDS:
        value = fields.get(name)
        if isinstance(value, bool):
            continue
        if isinstance(value, int):
            return str(value)
        text = _str(value)
        if text is not None and len(text) <= 200 and not any(c.isspace() for c in text):
            return text
    return None


def _str(value: object) -> str | None:
    return _clean_str(value).strip() or None if isinstance(value, str) else None


def _clean_str(value: str) -> str:
    """A JSON string with lone surrogate escapes ("\\ud800") replaced by U+FFFD.

    JSON allows them, but they are not text: UTF-8 output and SQLite both refuse them.
    """
    try:
        value.encode("utf-8")
        return value
    except UnicodeEncodeError:
        return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
