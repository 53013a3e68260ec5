"""Turn the paths a user gives into a stream of RawDocument / SkippedDocument."""

from __future__ import annotations

import gzip
import os
import stat
import sys
import zlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace
from datetime import date
from itertools import islice
from pathlib import Path
from typing import BinaryIO, cast

from newsweave.errors import DocumentError
from newsweave.ingest._decode import MAX_DOCUMENT_BYTES, check_size, decode
from newsweave.ingest.feeds import is_feed, read_feed
from newsweave.ingest.jsonl import bounded_lines, read_jsonl_lines
from newsweave.ingest.multinews import is_multinews, split_cluster
from newsweave.ingest.warc import read_warc
from newsweave.model import ContentKind, DocHints, RawDocument, SkippedDocument

TEXT_SUFFIXES = {".txt", ".text", ".src", ".md"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
WARC_SUFFIXES = {".warc", ".warc.gz"}
FEED_SUFFIXES = {".rss", ".atom", ".xml"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES | WARC_SUFFIXES | FEED_SUFFIXES
GZIP_SUFFIX = ".gz"  # after any of the above: read decompressed (`page.html.gz`)

# In a directory walk these are documentation about the files, not articles: Markdown
# files and files named README, LICENSE, CHANGELOG... (any suffix). Skipped with that
# reason; named on their own (`newsweave brief notes.md`) they are read like any text.
DOC_SUFFIXES = {".md", ".markdown"}
DOC_NAMES = {"readme", "license", "licence", "changelog", "changes", "authors", "contributing"}

Item = RawDocument | SkippedDocument


def read_sources(
    paths: Iterable[str | Path],
    *,
    dates: Mapping[str, date] | None = None,
    stdin: BinaryIO | None = None,
) -> Iterator[Item]:
    """Read files, directories (recursively) and "-" (stdin) in the order given.

    `dates` maps a path (as given, resolved, or by file name) to a publication
    date that overrides whatever the document says.
    """
    for given in paths:
        given = str(given)
        if given == "-":
            stream = stdin if stdin is not None else sys.stdin.buffer
            items = _read_stream("-", stream, suffix="")
        else:
            path = Path(given)
            if path.is_dir():
                items = _read_dir(path)
            elif path.exists():
                items = _read_file(path)
            else:
                items = iter([SkippedDocument(path_id(given), "no such file or directory")])
        for item in items:
            yield with_dates(item, dates) if dates and isinstance(item, RawDocument) else item


def path_id(path: str | Path) -> str:
    """A path as a document id: the file name's bytes that are not UTF-8 written as
    \\xNN, so the id is valid text in JSON, the store and the API (os.fsdecode would
    carry them as lone surrogates, which UTF-8 output cannot encode)."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def walk_dir(root: Path) -> Iterator[Path | SkippedDocument]:
    """The files a directory contributes, in reading order; everything else as skipped.

    Every entry is accounted for: hidden files and folders, unsupported types,
    folders that cannot be listed and symlinks that loop back are each named
    with the reason they are not read. Symlinked folders are followed once.
    """
    seen: set[tuple[int, int]] = set()
    yield from _walk(root, seen)


def _walk(folder: Path, seen: set[tuple[int, int]]) -> Iterator[Path | SkippedDocument]:
    try:
        info = folder.stat()
        if (info.st_dev, info.st_ino) in seen:
            yield SkippedDocument(
                path_id(folder), "folder already read (a symlink loops back to it)"
            )
            return
        seen.add((info.st_dev, info.st_ino))
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError as exc:
        yield SkippedDocument(path_id(folder), f"cannot list folder ({exc.strerror or exc})")
        return
    for entry in entries:
        path = Path(entry.path)
        try:
            is_dir = entry.is_dir()
        except OSError:
            is_dir = False
        if entry.name.startswith("."):
            kind = "folder" if is_dir else "file"
            yield SkippedDocument(path_id(path), f"hidden {kind}, not read")
        elif is_dir:
            yield from _walk(path, seen)
        elif file_suffix(path) in DOC_SUFFIXES or path.stem.lower() in DOC_NAMES:
            yield SkippedDocument(
                path_id(path), "documentation, not an article (name the file itself to read it)"
            )
        elif file_suffix(path) in SUPPORTED_SUFFIXES:
            yield path
        else:
            yield SkippedDocument(
                path_id(path), f"unsupported file type {path.suffix or '(none)'!r}"
            )


def count_documents(paths: Iterable[str | Path]) -> int | None:
    """How many items `read_sources(paths)` yields, when that is known without parsing:
    every input is a one-document file (HTML, or plain text that is not Multi-News), a
    file skipped by the walk, or a missing path. None when any input can hold several
    documents (JSON Lines, feeds, WARC, Multi-News) or is standard input."""
    total = 0
    for given in map(str, paths):
        path = Path(given)
        if given == "-":
            return None
        found: Iterable[Path | SkippedDocument] = walk_dir(path) if path.is_dir() else [path]
        for item in found:
            if not _one_item(item):
                return None
            total += 1
    return total


def _one_item(item: Path | SkippedDocument) -> bool:
    """Whether `read_sources` makes exactly one item (a document or a skip) of this."""
    if isinstance(item, SkippedDocument) or not item.exists():
        return True
    suffix = file_suffix(item)
    return suffix in HTML_SUFFIXES or (suffix in TEXT_SUFFIXES and not _may_be_multinews(item))


def _may_be_multinews(path: Path) -> bool:
    try:
        with _open(path) as stream:
            head = stream.read(200_000).decode("utf-8", "replace")
    except (OSError, EOFError, zlib.error):
        return False  # read_sources skips it: one item
    return is_multinews(head)


def _read_dir(root: Path) -> Iterator[Item]:
    for found in walk_dir(root):
        if isinstance(found, SkippedDocument):
            yield found
        else:
            yield from _read_file(found)


def _read_file(path: Path) -> Iterator[Item]:
    doc_id = path_id(path)
    try:
        mode = path.stat().st_mode
        if not stat.S_ISREG(mode):
            # Checked before opening: a FIFO or a device (/dev/zero) would block or never end.
            yield SkippedDocument(doc_id, f"not a regular file ({_file_kind(mode)}), not read")
            return
        with _open(path) as stream:
            yield from _read_stream(
                doc_id, stream, suffix=file_suffix(path), compressed=is_gzipped(path)
            )
    except gzip.BadGzipFile:
        yield SkippedDocument(doc_id, "named .gz but not gzip data")
    except (EOFError, zlib.error) as exc:
        yield SkippedDocument(doc_id, f"truncated or corrupt gzip data ({exc})")
    except OSError as exc:
        yield SkippedDocument(doc_id, f"cannot read ({exc.strerror or exc})")


def _open(path: Path) -> BinaryIO:
    """The file's bytes, decompressed when it is gzipped (`page.html.gz`)."""
    return cast(BinaryIO, gzip.open(path, "rb")) if is_gzipped(path) else path.open("rb")


def _file_kind(mode: int) -> str:
    kinds = (
        (stat.S_ISFIFO, "a named pipe"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISDIR, "a folder"),
    )
    return next((name for test, name in kinds if test(mode)), "a special file")


def file_suffix(path: Path) -> str:
    """The lower-case suffix that says how a file is read: `.warc.gz` kept whole (warcio
    reads gzipped WARC itself), a gzipped file's own suffix (`page.html.gz`: `.html`)."""
    name = path.name.lower()
    if name.endswith(".warc.gz"):
        return ".warc.gz"
    if name.endswith(GZIP_SUFFIX):
        inner = Path(name.removesuffix(GZIP_SUFFIX)).suffix
        return inner if inner in SUPPORTED_SUFFIXES else GZIP_SUFFIX
    return path.suffix.lower()


def is_gzipped(path: Path) -> bool:
    """Whether the file is read through gzip: `X.gz` for a supported X other than WARC."""
    return path.name.lower().endswith(GZIP_SUFFIX) and file_suffix(path) not in (
        GZIP_SUFFIX,
        ".warc.gz",
    )


def _read_stream(
    doc_id: str, stream: BinaryIO, suffix: str, *, compressed: bool = False
) -> Iterator[Item]:
    if suffix in JSONL_SUFFIXES:
        yield from read_jsonl_lines(doc_id, bounded_lines(stream))
        return
    if suffix in WARC_SUFFIXES:
        yield from read_warc(doc_id, stream)
        return
    data = stream.read(MAX_DOCUMENT_BYTES + 1)
    try:
        if compressed and len(data) > MAX_DOCUMENT_BYTES:  # not decompressed to the end:
            # a few KB of gzip can hold gigabytes
            raise DocumentError(
                doc_id,
                f"too large (over {MAX_DOCUMENT_BYTES / 1e6:.0f} MB once decompressed; "
                "that is the limit a document)",
            )
        check_size(doc_id, len(data) + _drain(stream))
        text, encoding = decode(doc_id, data)
    except DocumentError as exc:
        yield SkippedDocument(doc_id, exc.reason)
        return
    if suffix in FEED_SUFFIXES or (
        suffix not in TEXT_SUFFIXES | HTML_SUFFIXES and not looks_like_html(text) and is_feed(text)
    ):
        yield from read_feed(doc_id, text)
        return
    if suffix not in TEXT_SUFFIXES | HTML_SUFFIXES and text.lstrip().startswith("{"):
        yield from read_jsonl_lines(doc_id, iter(text.splitlines()))
        return
    if suffix in HTML_SUFFIXES or (suffix not in TEXT_SUFFIXES and looks_like_html(text)):
        yield RawDocument(doc_id, doc_id, text, "html", encoding)
    elif is_multinews(text):
        yield from _multinews_lines(doc_id, text)
    else:
        yield RawDocument(doc_id, doc_id, text, "text", encoding)


def _drain(stream: BinaryIO) -> int:
    """Count (without keeping) what is left of an over-long stream."""
    extra = 0
    while chunk := stream.read(1 << 20):
        extra += len(chunk)
    return extra


def _multinews_lines(doc_id: str, text: str) -> Iterator[Item]:
    """A Multi-News .src/.txt file: one cluster a line."""
    lines = [line for line in text.splitlines() if line.strip()]
    for number, line in enumerate(lines, start=1):
        prefix = f"{doc_id}:{number}" if len(lines) > 1 else doc_id
        for n, doc in enumerate(split_cluster(line), start=1):
            yield RawDocument(f"{prefix}/{n}", doc_id, doc, "text")


def looks_like_html(text: str) -> bool:
    head = text[:4096].lower()
    return "<html" in head or "<!doctype html" in head or ("<body" in head and "</" in head)


def read_jsonl_slice(
    path: str,
    *,
    offset: int,
    lines: int,
    start_line: int,
    dates: Mapping[str, date] | None = None,
) -> Iterator[Item]:
    """`lines` lines of a JSON Lines file from byte `offset` (line number `start_line`):
    one slice of a big file, read as `read_sources` reads the whole (a Dask partition)."""
    try:
        with open(path, "rb") as stream:
            stream.seek(offset)
            for item in read_jsonl_lines(path, islice(stream, lines), start=start_line):
                yield with_dates(item, dates) if dates and isinstance(item, RawDocument) else item
    except OSError as exc:
        label = f"{path}:{start_line}-{start_line + lines - 1}"
        yield SkippedDocument(label, f"cannot read ({exc.strerror or exc})")


def with_dates(doc: RawDocument, dates: Mapping[str, date]) -> RawDocument:
    """The document with the publication date `dates` gives its path (as given, resolved,
    or by file name), if any; a `--date` overrides what the document says."""
    origin = Path(doc.origin)
    for key in (doc.origin, str(origin.resolve()) if doc.origin != "-" else "-", origin.name):
        if key in dates:
            hints = replace(doc.hints, published=dates[key], published_source="cli")
            return replace(doc, hints=hints)
    return doc


def read_text(text: str, doc_id: str = "text", *, hints: DocHints | None = None) -> RawDocument:
    """Wrap a string the caller already has (Python API) as a RawDocument."""
    kind: ContentKind = "html" if looks_like_html(text) else "text"
    return RawDocument(doc_id, doc_id, text, kind, hints=hints or DocHints())
