"""The `newsweave` command: a thin layer over the Python API."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, TextIO

import typer
from rich.console import Console
from rich.markdown import Markdown
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from newsweave import __version__
from newsweave.errors import NewsweaveError
from newsweave.model import Article, SkippedDocument

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Turn raw news articles about one story into a cited briefing.",
)
err = Console(stderr=True, soft_wrap=True, highlight=False)

# Below this many documents a progress bar is only flicker.
PROGRESS_MIN_DOCUMENTS = 20


class BriefFormat(StrEnum):
    md = "md"
    json = "json"


class ExtractFormat(StrEnum):
    txt = "txt"
    json = "json"
    jsonl = "jsonl"


PathsArg = Annotated[
    list[str],
    typer.Argument(help="Files, directories (read recursively) or - for standard input."),
]
DateOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--date",
        metavar="FILE=YYYY-MM-DD",
        help="Publication date of FILE (repeatable); overrides what the document says.",
    ),
]
OutOpt = Annotated[Path | None, typer.Option("--out", "-o", help="Write to this file.")]


def parse_dates(values: list[str] | None) -> dict[str, date]:
    dates: dict[str, date] = {}
    for value in values or []:
        name, sep, day = value.rpartition("=")
        try:
            if not sep or not name:
                raise ValueError
            parsed = date.fromisoformat(day.strip())
        except ValueError:
            raise typer.BadParameter(
                f"{value!r} is not FILE=YYYY-MM-DD", param_hint="--date"
            ) from None
        dates[name] = parsed
        dates[str(Path(name).resolve())] = parsed
    return dates


@app.command()
def brief(
    paths: PathsArg,
    date_: DateOpt = None,
    words: Annotated[int, typer.Option("--words", "-w", min=10, help="Summary length.")] = 120,
    fmt: Annotated[BriefFormat, typer.Option("--format", "-f", help="Output format.")] = (
        BriefFormat.md
    ),
    out: OutOpt = None,
) -> None:
    """Summarize the articles under PATHS as one story, every sentence cited."""
    from newsweave.pipeline import brief_articles
    from newsweave.render import briefing_to_json, briefing_to_markdown

    articles, skipped = _read(paths, parse_dates(date_))
    try:
        with err.status(f"annotating {len(articles)} articles", spinner="dots"):
            briefing = brief_articles(articles, words=words, skipped=skipped)
    except NewsweaveError as exc:
        err.print(f"newsweave: error: {exc}")
        raise typer.Exit(1) from None
    text = briefing_to_json(briefing) if fmt is BriefFormat.json else briefing_to_markdown(briefing)
    if out is not None:
        out.write_text(text, encoding="utf-8")
    elif fmt is BriefFormat.md and sys.stdout.isatty():
        Console().print(Markdown(text))
    else:
        sys.stdout.write(text)


@app.command()
def extract(
    paths: PathsArg,
    date_: DateOpt = None,
    fmt: Annotated[ExtractFormat, typer.Option("--format", "-f", help="Output format.")] = (
        ExtractFormat.txt
    ),
    out: OutOpt = None,
) -> None:
    """Clean each document and print its text and metadata (no NLP models: fast)."""
    from newsweave.pipeline import iter_articles
    from newsweave.render import article_to_dict

    dates = parse_dates(date_)
    counts = {"articles": 0, "skipped": 0}
    with _output(out) as stream, _progress() as advance:
        first = True
        for item in iter_articles(paths, dates=dates):
            advance()
            if isinstance(item, SkippedDocument):
                counts["skipped"] += 1
                _report_skip(item)
                continue
            counts["articles"] += 1
            if fmt is ExtractFormat.txt:
                stream.write(("" if first else "\n") + _article_text(item))
            else:
                record = json.dumps(article_to_dict(item), ensure_ascii=False)
                if fmt is ExtractFormat.jsonl:
                    stream.write(record + "\n")
                else:
                    stream.write(("[\n" if first else ",\n") + record)
            first = False
        if fmt is ExtractFormat.json:
            stream.write("[]\n" if first else "\n]\n")
    _summary_line(counts["articles"], counts["skipped"])
    if counts["articles"] == 0:
        raise typer.Exit(1)


def _read(paths: list[str], dates: dict[str, date]) -> tuple[list[Article], list[SkippedDocument]]:
    from newsweave.pipeline import iter_articles

    articles: list[Article] = []
    skipped: list[SkippedDocument] = []
    with _progress() as advance:
        for item in iter_articles(paths, dates=dates):
            advance()
            if isinstance(item, SkippedDocument):
                skipped.append(item)
                _report_skip(item)
            else:
                articles.append(item)
    _summary_line(len(articles), len(skipped))
    if not articles:
        raise typer.Exit(1)
    return articles, skipped


def _article_text(article: Article) -> str:
    header = [f"=== {article.doc_id} ==="]
    meta = [
        ("outlet", article.outlet),
        ("published", article.published.isoformat() if article.published else "unknown"),
        ("dateline", article.dateline),
        ("url", article.url),
    ]
    header += [f"{key}: {value}" for key, value in meta if value]
    body = ([article.title, ""] if article.title else []) + ["\n\n".join(article.paragraphs)]
    return "\n".join(header) + "\n\n" + "\n".join(body) + "\n"


def _report_skip(item: SkippedDocument) -> None:
    err.print(f"newsweave: skipped {item.doc_id}: {item.reason}", markup=False)


def _summary_line(articles: int, skipped: int) -> None:
    total = articles + skipped
    err.print(
        f"newsweave: {total} document{'s' if total != 1 else ''} read: "
        f"{articles} article{'s' if articles != 1 else ''}, {skipped} skipped",
        markup=False,
    )


@contextmanager
def _output(out: Path | None) -> Iterator[TextIO]:
    if out is None:
        yield sys.stdout
        return
    with out.open("w", encoding="utf-8") as stream:
        yield stream


@contextmanager
def _progress() -> Iterator:
    """A document counter on stderr, shown once a run passes PROGRESS_MIN_DOCUMENTS."""
    if not err.is_terminal:
        yield lambda: None
        return
    progress = Progress(
        TextColumn("reading"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    )
    task = progress.add_task("documents", total=None)
    done = 0

    def advance() -> None:
        nonlocal done
        done += 1
        if done == PROGRESS_MIN_DOCUMENTS:
            progress.start()
        progress.advance(task)

    try:
        yield advance
    finally:
        progress.stop()


def _version(value: bool) -> None:
    if value:
        typer.echo(f"newsweave {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Turn raw news articles about one story into a cited briefing."""


def main() -> None:
    app()
