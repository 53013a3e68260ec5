"""WARC archives (.warc, .warc.gz): one HTML document per HTTP response record."""

from __future__ import annotations

import contextlib
import io
import re
from collections.abc import Iterator
from typing import Any, BinaryIO

from newsweave.errors import DocumentError
from newsweave.ingest._decode import MAX_DOCUMENT_BYTES, check_size, decode
from newsweave.model import DocHints, RawDocument, SkippedDocument

HTML_TYPES = ("text/html", "application/xhtml+xml")


def read_warc(doc_id: str, stream: BinaryIO) -> Iterator[RawDocument | SkippedDocument]:
    """HTTP response records with HTML become documents `doc_id:N` (N counts responses).

    Request, metadata and warcinfo records are not documents and are passed over;
    a response that is not HTML or not a success is reported as skipped, and so
    are a record cut short by the end of the file and a file with no response at all.
    warcio writes its own complaints to stderr; they are caught and become skip
    lines naming the file, so every message keeps newsweave's one-line form.
    """
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    number = 0
    complaints = io.StringIO()
    archive = ArchiveIterator(stream)
    records = iter(archive)
    try:
        while True:
            with contextlib.redirect_stderr(complaints):
                record = next(records, None)
                item = None if record is None else _response(doc_id, number + 1, record)
            yield from _complaints(doc_id, number, complaints)
            if record is None:
                break
            if item is not None:
                number += 1
                yield item
    except (ArchiveLoadFailed, OSError, EOFError, ValueError) as exc:
        yield from _complaints(doc_id, number, complaints)
        yield SkippedDocument(f"{doc_id}:{number + 1}", f"{_unreadable(exc)}; rest of file skipped")
        return
    left = _unparsed_bytes(stream, archive.offset)
    if left:
        yield SkippedDocument(
            f"{doc_id}:{number + 1}",
            f"WARC file ends inside a record ({left} bytes after the last whole record not read)",
        )
    elif number == 0:
        yield SkippedDocument(doc_id, "no HTTP response records in this WARC file")


def _unparsed_bytes(stream: BinaryIO, parsed_to: int) -> int:
    """Bytes warcio read past the end of the last record it returned (a cut header).

    warcio stops without a word when the file ends inside a record's headers.
    """
    try:
        left = stream.tell() - parsed_to
    except (OSError, ValueError):  # not seekable (stdin): cannot tell
        return 0
    return left if left > 4 else 0  # a record's closing CRLFs may be all that is left


def _response(doc_id: str, number: int, record: Any) -> RawDocument | SkippedDocument | None:
    """One WARC record as a document, a skip with its reason, or None when not a response."""
    if record.rec_type != "response":
        return None
    record_id = f"{doc_id}:{number}"
    url = record.rec_headers.get_header("WARC-Target-URI")
    http = record.http_headers
    status = http.get_statuscode() if http else None
    ctype = (http.get_header("Content-Type") or "") if http else ""
    if status and not status.startswith("2"):
        return SkippedDocument(record_id, f"HTTP status {status} ({url})")
    if not ctype.lower().startswith(HTML_TYPES):
        return SkippedDocument(record_id, f"not HTML ({ctype or 'no content type'}, {url})")
    data = record.content_stream().read(MAX_DOCUMENT_BYTES + 1)
    try:
        check_size(record_id, len(data))
        if getattr(record.raw_stream, "limit", 0) > 0:
            # The record's declared length was not reached: the file ends inside it.
            raise DocumentError(record_id, f"WARC record cut short by the end of the file ({url})")
        text, encoding = decode(record_id, data)
    except DocumentError as exc:
        return SkippedDocument(record_id, exc.reason)
    return RawDocument(record_id, doc_id, text, "html", encoding, DocHints(url=url))


def _complaints(doc_id: str, number: int, captured: io.StringIO) -> Iterator[SkippedDocument]:
    """warcio's stderr warnings as skip lines; `number` is the last response read before them."""
    text = captured.getvalue()
    captured.seek(0)
    captured.truncate()
    if not text:
        return
    offset = re.search(r"Offset: (\d+)", text)
    where = f" at byte {offset.group(1)}" if offset else ""
    after = f"after response {number} " if number else ""
    yield SkippedDocument(
        f"{doc_id}:{number}" if number else doc_id,
        f"damaged WARC data {after}skipped{where} (a record's Content-Length is probably wrong,"
        " so that record may be incomplete)",
    )


def _unreadable(exc: Exception) -> str:
    """The reason for an unreadable record, without the bytes warcio quotes from the file
    (binary noise, or markup and escapes that would reach the terminal)."""
    if "Unknown archive format" in str(exc):  # warcio's ArchiveLoadFailed
        return "unreadable WARC record (not a WARC or gzipped WARC record)"
    reason = str(exc).split(", first line:")[0][:200]
    return f"unreadable WARC record ({reason})"
