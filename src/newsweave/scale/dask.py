"""Corpus ingest on Dask: workers read, clean, hash, sign and embed; one writer stores.

The input is cut into partitions (a run of small files, or a line range of a
large JSON Lines file). Each partition is one task, a pure function of its
partition: it returns the prepared articles (`model.PreparedArticle`, made by
`pipeline.prepare` as in a local run: article, raw text, hashes, MinHash hash values,
the float32 lead embedding when the clusterer uses one) and the skipped documents, in
reading order. The client is the single writer: it takes task
results back in input order, at most `window` tasks in flight (back-pressure:
neither the cluster nor the client ever holds more than that), and feeds them
to the same `corpus.ingest_items` batches as a local run, so the articles,
duplicate links and story assignments are the same as `newsweave ingest`
without Dask.

A worker that dies is harmless: Dask reruns its tasks elsewhere, and the writer
only ever sees each partition's result once. The writer commits per batch, so
if the client itself dies, rerunning the command resumes after the last commit.

Full NLP annotation (spaCy) is not part of ingest: it runs lazily, per story,
when a briefing is asked for. What runs on the workers is all of ingest's
per-article work.
"""

from __future__ import annotations

import os
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsweave.corpus import BATCH_SIZE, Ingestor, IngestSummary, Progress, ingest_items
from newsweave.errors import DaskMissingError, ScaleError
from newsweave.model import Article, PreparedArticle, RawDocument, SkippedDocument

if TYPE_CHECKING:
    from distributed import Client

    from newsweave.cluster import OnlineClusterer
    from newsweave.store import Store

INSTALL = "pip install 'newsweave[dask]'"
# Articles per task. A task of 200 articles takes about 1 s to read, clean and sign on
# one core (4-8 s more with MiniLM lead embeddings on), long enough to hide the
# scheduler's per-task overhead (~1 ms) and short enough that a killed worker loses little.
PARTITION_ARTICLES = 200
# JSON Lines files bigger than this are cut into slices of PARTITION_ARTICLES
# lines (a 500-article shard is about 750 kB); smaller ones are grouped like
# single-article files.
_SPLIT_BYTES = 64 << 10
# Other files bigger than this (a WARC archive) are a partition of their own.
_OWN_BYTES = 1 << 20


@dataclass(frozen=True)
class Partition:
    """One task's input: whole files in order, or a line slice of one JSON Lines file."""

    files: tuple[str, ...]
    start_line: int = 1  # number of the slice's first line (doc ids are "path:line")
    offset: int = 0  # byte offset of that line
    lines: int | None = None  # lines in the slice; None: the whole files

    @property
    def label(self) -> str:
        if self.lines is not None:
            return f"{self.files[0]}:{self.start_line}-{self.start_line + self.lines - 1}"
        more = len(self.files) - 1
        return f"{self.files[0]} (+{more} files)" if more else self.files[0]


def _require_distributed() -> None:
    try:
        import distributed  # noqa: F401
    except ImportError:
        raise DaskMissingError(f"--dask needs dask.distributed; run: {INSTALL}") from None


# --- planning (client side, reads no document) --------------------------------------------


def plan(
    paths: Iterable[str | Path], *, articles: int = PARTITION_ARTICLES
) -> Iterator[Partition | SkippedDocument]:
    """Partitions covering `paths` in the order `read_sources` reads them.

    Paths that cannot be read (missing, unsupported type inside a directory,
    stdin) come out as SkippedDocument at their place, as a local run gives them.
    """
    from newsweave.ingest.sources import JSONL_SUFFIXES, file_suffix, is_gzipped, walk_dir

    group: list[str] = []

    def flush() -> Iterator[Partition]:
        if group:
            yield Partition(tuple(group))
            group.clear()

    def add(path: Path) -> Iterator[Partition]:
        size = path.stat().st_size if path.exists() else 0
        # (a gzipped file cannot be entered at a byte offset: it is one partition)
        if file_suffix(path) in JSONL_SUFFIXES and size > _SPLIT_BYTES and not is_gzipped(path):
            yield from flush()
            yield from _slices(path, articles)
            return
        if size > _OWN_BYTES:
            yield from flush()
            yield Partition((str(path),))
            return
        group.append(str(path))
        if len(group) >= articles:
            yield from flush()

    for given in paths:
        given = str(given)
        path = Path(given)
        if given == "-":
            yield from flush()
            yield SkippedDocument("-", "standard input cannot be read on Dask workers; save it")
        elif path.is_dir():
            for found in walk_dir(path):
                if isinstance(found, SkippedDocument):
                    yield from flush()
                    yield found
                else:
                    yield from add(found)
        elif path.exists():
            yield from add(path)
        else:
            yield from flush()
            yield SkippedDocument(given, "no such file or directory")
    yield from flush()


def _slices(path: Path, lines: int) -> Iterator[Partition]:
    """Line slices of a JSON Lines file: one sequential scan for the byte offsets."""
    start, start_offset, number, offset = 1, 0, 0, 0
    with path.open("rb") as stream:
        for line in stream:
            number += 1
            offset += len(line)
            if number - start + 1 == lines:
                yield Partition((str(path),), start, start_offset, lines)
                start, start_offset = number + 1, offset
    if number >= start:
        yield Partition((str(path),), start, start_offset, number - start + 1)


# --- the task (worker side) ---------------------------------------------------------------

# (article, raw text, content hash, text hash, MinHash hash values, lead embedding) as bytes:
# compact to send, and free of datasketch objects (which pickle their permutations too).
# The embedding is None when the clusterer does not use embeddings (its default).
Wire = tuple[Article, str | None, str, str, bytes | None, bytes | None]


def prepare_partition(
    part: Partition, dates: Mapping[str, date] | None, lead_chars: int | None
) -> list[Wire | SkippedDocument]:
    """Read, clean, hash, sign and embed one partition; results in reading order.

    `lead_chars` None: the clusterer uses no embedding, so none is computed.
    """
    from newsweave import dedup
    from newsweave.cluster import ClusterInput, lead
    from newsweave.encoder import encode
    from newsweave.pipeline import prepare_documents

    out = list(prepare_documents(read_partition(part, dates)))
    ready = [p for p in out if isinstance(p, PreparedArticle)]
    if lead_chars is None:
        vectors: Iterator[Any] = iter([None] * len(ready))
    else:
        leads = [
            lead(ClusterInput(str(p.chash), p.article.title, p.article.text, None), lead_chars)
            for p in ready
        ]
        vectors = iter(encode(leads))
    return [
        item
        if isinstance(item, SkippedDocument)
        else (
            item.article,
            item.raw_text,
            str(item.chash),  # prepare_documents fingerprints: the hashes are set
            str(item.thash),
            dedup.to_bytes(item.minhash) if item.minhash is not None else None,
            _vector_bytes(next(vectors)),
        )
        for item in out
    ]


def read_partition(
    part: Partition, dates: Mapping[str, date] | None
) -> Iterator[RawDocument | SkippedDocument]:
    """The documents of one partition, read as `read_sources` reads the whole input."""
    from newsweave.ingest import read_jsonl_slice, read_sources

    if part.lines is None:
        return read_sources(part.files, dates=dates)
    return read_jsonl_slice(
        part.files[0], offset=part.offset, lines=part.lines, start_line=part.start_line, dates=dates
    )


def _from_wire(item: Wire | SkippedDocument) -> PreparedArticle | SkippedDocument:
    import numpy as np

    from newsweave import dedup

    if isinstance(item, SkippedDocument):
        return item
    article, raw, chash, thash, minhash, vector = item
    return PreparedArticle(
        article,
        raw,
        chash,
        thash,
        dedup.from_bytes(minhash) if minhash is not None else None,
        np.frombuffer(vector, dtype=np.float32) if vector is not None else None,
    )


def _vector_bytes(vector: Any) -> bytes | None:
    return None if vector is None else vector.tobytes()


# --- the writer (client side) -------------------------------------------------------------


def prepared_stream(
    client: Client,
    partitions: Iterable[Partition | SkippedDocument],
    *,
    dates: Mapping[str, date] | None = None,
    lead_chars: int | None,
    window: int | None = None,
) -> Iterator[PreparedArticle | SkippedDocument]:
    """Task results in input order, with at most `window` tasks submitted and not yet read.

    Results are consumed strictly in submission order: a finished task behind a
    slow one waits (at most `window` of them), which is what keeps memory bounded
    and the writer's order identical to a local run.
    """
    if window is None:
        window = max(2, 2 * sum(client.nthreads().values()))
    todo = iter(partitions)
    pending: deque[Any] = deque()

    def fill() -> None:
        while len(pending) < window and (part := next(todo, None)) is not None:
            if isinstance(part, SkippedDocument):
                pending.append(part)
            else:
                future = client.submit(prepare_partition, part, dates, lead_chars, pure=False)
                pending.append((part, future))

    fill()
    while pending:
        head = pending.popleft()
        if isinstance(head, SkippedDocument):
            fill()
            yield head
            continue
        part, future = head
        try:
            result = future.result()
        except Exception as exc:
            raise ScaleError(
                f"{part.label}: Dask task failed ({type(exc).__name__}: {exc}); batches "
                "committed so far are kept, rerun the same command to resume"
            ) from exc
        future.release()
        fill()  # keep the workers busy while this result is written
        for item in result:
            yield _from_wire(item)


def local_cluster(
    n_workers: int | None = None,
    *,
    dashboard_address: str | None = ":8787",
    memory_limit: str | float = "auto",
) -> Any:
    """A LocalCluster sized to the machine: one single-threaded worker process per core.

    Processes, not threads: the work is CPU-bound Python and PyTorch, and the
    nanny sets OMP_NUM_THREADS=1 so the workers do not fight over the cores.
    """
    _require_distributed()
    from distributed import LocalCluster

    return LocalCluster(
        n_workers=n_workers or os.cpu_count() or 1,
        threads_per_worker=1,
        processes=True,
        dashboard_address=dashboard_address,
        memory_limit=memory_limit,
    )


def ingest_dask(
    paths: Iterable[str | Path],
    store: Store,
    *,
    client: Client | None = None,
    scheduler: str | None = None,
    dates: Mapping[str, date] | None = None,
    batch_size: int = BATCH_SIZE,
    progress: Progress | None = None,
    on_skip: Callable[[SkippedDocument], None] | None = None,
    on_dashboard: Callable[[str], None] | None = None,
    clusterer: OnlineClusterer | None = None,
    articles_per_task: int = PARTITION_ARTICLES,
    window: int | None = None,
) -> IngestSummary:
    """`corpus.ingest` with the per-article work on Dask; same result, same store.

    Uses `client` if given, else connects to `scheduler`, else starts a
    LocalCluster sized to the machine. `on_dashboard` receives the dashboard URL.
    Files must be readable by the workers under the same paths.
    """
    _require_distributed()
    from distributed import Client

    ingestor = Ingestor(store, clusterer=clusterer)
    settings = ingestor.clusterer.settings
    lead_chars = settings.lead_chars if settings.embeds else None
    own_cluster = None
    own_client = None
    if client is None:
        if scheduler:
            try:
                own_client = Client(scheduler, timeout="20s")
            except OSError as exc:
                raise ScaleError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
        else:
            own_cluster = local_cluster()
            own_client = Client(own_cluster)
        client = own_client
    try:
        if on_dashboard and client.dashboard_link:
            on_dashboard(client.dashboard_link)
        stream = prepared_stream(
            client,
            plan(paths, articles=articles_per_task),
            dates=dates,
            lead_chars=lead_chars,
            window=window,
        )
        return ingest_items(
            stream, ingestor, batch_size=batch_size, progress=progress, on_skip=on_skip
        )
    finally:
        if own_client is not None:
            own_client.close()
        if own_cluster is not None:
            own_cluster.close()


def print_dashboard(link: str) -> None:
    """Default `on_dashboard`: one line on stderr."""
    sys.stderr.write(f"newsweave: Dask dashboard: {link}\n")
