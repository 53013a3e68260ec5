"""Readers: files, directories, stdin, JSONL and Multi-News into RawDocument."""

from newsweave.ingest.sources import read_jsonl_slice, read_sources, read_text

__all__ = ["read_jsonl_slice", "read_sources", "read_text"]
