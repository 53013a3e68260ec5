"""Readers: files, directories, stdin, JSONL and Multi-News into RawDocument."""

from newsweave.ingest._decode import MAX_DOCUMENT_BYTES, decode
from newsweave.ingest.sources import read_jsonl_slice, read_sources, read_text

__all__ = ["MAX_DOCUMENT_BYTES", "decode", "read_jsonl_slice", "read_sources", "read_text"]
