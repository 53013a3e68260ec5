"""WARC archives (.warc, .warc.gz): one HTML document per HTTP response record."""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from newsweave.errors import DocumentError
from newsweave.ingest._decode import MAX_DOCUMENT_BYTES, check_size, decode
from newsweave.model import DocHints, RawDocument, SkippedDocument

HTML_TYPES = ("text/html", "application/xhtml+xml")


def read_warc(doc_id: str, stream: BinaryIO) -> Iterator[RawDocument | SkippedDocument]:
    """HTTP response records with HTML become documents `doc_id:N` (N counts responses).

    Request, metadata and warcinfo records are not documents and are passed over;
    a response that is not HTML or not a success is reported as skipped.
    """
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    number = 0
    try:
        for record in ArchiveIterator(stream):
            if record.rec_type != "response":
                continue
            number += 1
            record_id = f"{doc_id}:{number}"
            url = record.rec_headers.get_header("WARC-Target-URI")
            http = record.http_headers
            status = http.get_statuscode() if http else None
            ctype = (http.get_header("Content-Type") or "") if http else ""
            if status and not status.startswith("2"):
                yield SkippedDocument(record_id, f"HTTP status {status} ({url})")
                continue
            if not ctype.lower().startswith(HTML_TYPES):
                yield SkippedDocument(record_id, f"not HTML ({ctype or 'no content type'}, {url})")
                continue
            data = record.content_stream().read(MAX_DOCUMENT_BYTES + 1)
            try:
                check_size(record_id, len(data))
                text, encoding = decode(record_id, data)
            except DocumentError as exc:
                yield SkippedDocument(record_id, exc.reason)
                continue
            yield RawDocument(record_id, doc_id, text, "html", encoding, DocHints(url=url))
    except (ArchiveLoadFailed, OSError, EOFError, ValueError) as exc:
        yield SkippedDocument(
            f"{doc_id}:{number + 1}", f"unreadable WARC record ({exc}); rest of file skipped"
        )
