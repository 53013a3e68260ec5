"""JSON Lines: one article per line, or one Multi-News cluster per line."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import date

from newsweave.errors import DocumentError
from newsweave.ingest._decode import check_size, decode
from newsweave.ingest.multinews import split_cluster
from newsweave.model import DocHints, RawDocument, SkippedDocument

_TEXT_FIELDS = ("text", "html", "context", "document")


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
    for number, line in enumerate(lines, start=start):
        if not line.strip():
            continue
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
        if not isinstance(record, dict):
            yield SkippedDocument(doc_id, "JSON line is not an object")
            continue
        yield from _records(origin, doc_id, record)


def _records(origin: str, doc_id: str, record: dict) -> Iterator[RawDocument | SkippedDocument]:
    field = next((f for f in _TEXT_FIELDS if isinstance(record.get(f), str)), None)
    if field is None:
        yield SkippedDocument(doc_id, f"no text field (expected one of {', '.join(_TEXT_FIELDS)})")
        return
    body = record[field]
    if field in ("context", "document"):
        # Multi-News: a whole cluster in one record; each document keeps the line number.
        docs = split_cluster(body)
        if not docs:
            yield SkippedDocument(doc_id, "empty Multi-News cluster")
        for n, text in enumerate(docs, start=1):
            yield RawDocument(f"{doc_id}/{n}", origin, text, "text")
        return
    raw_date = record.get("published") or record.get("date")
    published = parse_date(raw_date)
    outlet = _str(record.get("outlet") or record.get("source"))
    hints = DocHints(
        url=_str(record.get("url")),
        title=_str(record.get("title")),
        outlet=outlet,
        outlet_source="jsonl" if outlet else None,
        published=published,
        published_source="jsonl" if published else None,
    )
    yield RawDocument(doc_id, origin, body, "html" if field == "html" else "text", hints=hints)


def _str(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None
