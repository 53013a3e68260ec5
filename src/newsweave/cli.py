"""The `newsweave` command: a thin layer over the Python API."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TextIO

import typer
import typer.core
from rich.console import Console
from rich.markdown import Markdown
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from newsweave import __version__
from newsweave.errors import (
    DatabaseLockedError,
    DatabaseMissingError,
    MissingDependencyError,
    NewsweaveError,
    SeveralStoriesError,
    StoreInUseError,
)
from newsweave.model import Article, SkippedDocument

# Exit codes: 0 done; 1 failed (a one-line "newsweave: error: ..." says why; also when
# no input document could be used); 2 usage error (from click); EXIT_TEMPFAIL when the
# database is locked, or its writer is another process, so a script can retry later
# (sysexits' EX_TEMPFAIL).
EXIT_FAILED = 1
EXIT_TEMPFAIL = 75


def exit_code(exc: NewsweaveError) -> int:
    """The exit code a NewsweaveError ends the command with."""
    busy = isinstance(exc, DatabaseLockedError | StoreInUseError)
    return EXIT_TEMPFAIL if busy else EXIT_FAILED


class _Argument(typer.core.TyperArgument):
    """An argument whose help shows its metavar (PATHS) without a `<list[str]>` type."""

    def display_type_rich(self, ctx: object) -> str | None:
        return None


class _Commands(typer.core.TyperGroup):
    """The command group; the one place a NewsweaveError becomes a message and exit code."""

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        for command in self.commands.values():  # typer has no per-argument class option
            for param in command.params:
                if type(param) is typer.core.TyperArgument:
                    param.__class__ = _Argument

    def invoke(self, ctx):  # type: ignore[no-untyped-def]
        try:
            return super().invoke(ctx)
        except NewsweaveError as exc:
            err.print(f"newsweave: error: {exc}", markup=False)
            raise typer.Exit(exit_code(exc)) from None


app = typer.Typer(
    cls=_Commands,
    # plain help: rich markup would eat `[dask]` in `newsweave[dask]`
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
    add_completion=False,
    no_args_is_help=True,
    help="Turn raw news articles about one story into a cited briefing.",
)
# No emoji codes, no highlighting: messages quote file names and text from documents
# (":100:" in "file.jsonl:100:" must not become an emoji).
err = Console(stderr=True, soft_wrap=True, highlight=False, emoji=False)

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
    typer.Argument(
        metavar="PATHS",
        help="Files, directories (read recursively) or - for standard input.",
    ),
]
DateOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--date",
        metavar="FILE=YYYY-MM-DD",
        help="Publication date of FILE (repeatable); overrides what the document says.",
    ),
]
OutOpt = Annotated[
    Path | None, typer.Option("--out", "-o", metavar="FILE", help="Write to this file.")
]


def parse_dates(values: list[str] | None, paths: list[str]) -> dict[str, date]:
    """--date FILE=YYYY-MM-DD values; a FILE that names none of the inputs is a usage error."""
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
    if values:
        inputs = _input_names(paths)
        for name in {v.rpartition("=")[0] for v in values}:
            if name not in inputs and str(Path(name).resolve()) not in inputs:
                raise typer.BadParameter(
                    f"{name!r} names none of the input files", param_hint="--date"
                )
    return dates


def _input_names(paths: list[str]) -> set[str]:
    """Every way a --date FILE can name an input (as the readers match it): the path as
    given or found in a directory, resolved, or the file name alone."""
    names = set()
    for given in paths:
        path = Path(given)
        files = [f for f in path.rglob("*") if f.is_file()] if path.is_dir() else [path]
        for f in files:
            names |= {str(f), str(f.resolve()), f.name} if given != "-" else {"-"}
    return names


CrossLingualOpt = Annotated[
    bool,
    typer.Option(
        "--cross-lingual",
        help="Let one story hold reports in several languages (a multilingual encoder "
        "compares the articles' leads; about a second per article). Off: a story keeps "
        "to one language.",
    ),
]


@app.command()
def brief(
    paths: PathsArg,
    date_: DateOpt = None,
    words: Annotated[
        int, typer.Option("--words", "-w", min=10, metavar="N", help="Summary length in words.")
    ] = 120,
    fmt: Annotated[BriefFormat, typer.Option("--format", "-f", help="Output format.")] = (
        BriefFormat.md
    ),
    out: OutOpt = None,
    cross_lingual: CrossLingualOpt = False,
) -> None:
    """Summarize the articles under PATHS as one story, every sentence cited.

    Input holding several stories (Multi-News clusters, or articles the event
    clusterer ingest uses puts in more than one story) is refused, naming the groups.
    """
    from newsweave.pipeline import brief_articles
    from newsweave.render import briefing_to_json, briefing_to_markdown

    articles, skipped = _read(paths, parse_dates(date_, paths))
    _check_one_story(articles, cross_lingual=cross_lingual)
    with err.status(f"annotating {len(articles)} articles", spinner="dots"):
        briefing = brief_articles(articles, words=words, skipped=skipped)
    text = briefing_to_json(briefing) if fmt is BriefFormat.json else briefing_to_markdown(briefing)
    _emit(text, out, markdown=fmt is BriefFormat.md)


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

    dates = parse_dates(date_, paths)
    counts = {"articles": 0, "skipped": 0}
    with _output(out) as stream, _progress(paths) as advance:
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


DbOpt = Annotated[
    Path | None,
    typer.Option(
        "--db",
        metavar="FILE",
        help="Corpus database file (default: newsweave.db in the user data dir).",
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table or text.")]
ContactOpt = Annotated[
    str | None,
    typer.Option(
        "--contact",
        metavar="EMAIL_OR_URL",
        envvar="NEWSWEAVE_CONTACT",
        show_envvar=True,
        help="Named in the User-Agent, so site owners can reach you.",
    ),
]
IntervalOpt = Annotated[
    float,
    typer.Option(
        "--interval",
        min=0,
        metavar="SECONDS",
        help="First wait between two polls of a source; it then adapts to the source "
        "(halved after a poll with new articles, x1.5 after one without, up to 6 hours).",
    ),
]
MinIntervalOpt = Annotated[
    float,
    typer.Option("--min-interval", min=0, metavar="SECONDS", help="Shortest wait between polls."),
]
HostDelayOpt = Annotated[
    float,
    typer.Option(
        "--host-delay",
        min=0,
        metavar="SECONDS",
        help="Between two requests to one host (a robots.txt Crawl-delay can make it longer).",
    ),
]
ExtractWorkersOpt = Annotated[
    int,
    typer.Option(
        "--extract-workers",
        min=0,
        metavar="N",
        help="Processes extracting pages while pages are fetched and stored "
        "(0: in the main process).",
    ),
]


class ShowFormat(StrEnum):
    md = "md"
    json = "json"
    html = "html"


@contextmanager
def _store(db: Path | None, *, read_only: bool = False) -> Iterator:
    """The corpus store; a command that only reads never creates an empty database."""
    from newsweave.store import Store, default_db_path

    path = db or default_db_path()
    if read_only and not path.exists():
        raise DatabaseMissingError(
            f"no database at {path}: create it with `newsweave ingest PATHS --db {path}`"
        )
    store = Store(path)
    try:
        yield store
    finally:
        store.close()


@app.command()
def ingest(
    paths: PathsArg,
    db: DbOpt = None,
    date_: DateOpt = None,
    json_: JsonOpt = False,
    batch_size: Annotated[
        int,
        typer.Option(
            "--batch-size", min=1, metavar="N", help="Articles committed per transaction."
        ),
    ] = 50,
    dask: Annotated[
        bool,
        typer.Option(
            "--dask",
            help="Read, clean, hash and embed on Dask workers (a local cluster sized to this "
            "machine unless --dask-scheduler is given). Needs: pip install 'newsweave[dask]'.",
        ),
    ] = False,
    dask_scheduler: Annotated[
        str | None,
        typer.Option(
            "--dask-scheduler",
            metavar="ADDRESS",
            help="Run on the existing Dask cluster at ADDRESS (e.g. tcp://10.0.0.5:8786); "
            "implies --dask.",
        ),
    ] = None,
    cross_lingual: Annotated[
        bool,
        typer.Option(
            "--cross-lingual",
            help="Stories of this corpus may hold reports in several languages (a "
            "multilingual encoder compares the articles' leads; about a second per article). "
            "Chosen when the corpus is created and kept by it (serve and watch too).",
        ),
    ] = False,
) -> None:
    """Add articles to the corpus: drop duplicates, group the rest into stories."""
    from newsweave.corpus import ingest as ingest_paths

    dates = parse_dates(date_, paths)
    with _store(db) as store, _progress(paths) as advance:
        store.acquire_writer()  # refused at once, before any reading, if another writes it
        clusterer = _cross_lingual_clusterer(store) if cross_lingual else None

        def progress(n: int) -> None:
            for _ in range(n):
                advance()

        options: dict = {
            "dates": dates,
            "batch_size": batch_size,
            "progress": progress,
            "on_skip": None if json_ else _report_skip,
            "clusterer": clusterer,
        }
        if dask or dask_scheduler:
            from newsweave.scale.dask import ingest_dask, print_dashboard

            summary = ingest_dask(
                paths, store, scheduler=dask_scheduler, on_dashboard=print_dashboard, **options
            )
        else:
            summary = ingest_paths(paths, store, **options)
        totals = store.counts()
        story_count = store.story_count()
    if json_:
        record = summary.to_dict() | {"db": str(store.path), "corpus": totals}
        sys.stdout.write(json.dumps(record, ensure_ascii=False, indent=1) + "\n")
    else:
        err.print(
            f"newsweave: {summary.documents} documents read: {summary.new} new, "
            f"{summary.duplicates} duplicates, {summary.already_stored} already stored, "
            f"{len(summary.skipped)} skipped",
            markup=False,
        )
        # events are the clusterer's; stories the developing stories the linker makes of them
        err.print(
            f"newsweave: events: {summary.new_stories} new, {summary.updated_stories} updated, "
            f"{summary.merged_stories} merged, {summary.split_stories} split; stories: "
            f"{summary.opened_stories} new, {summary.joined_events} continued by a new event, "
            f"{summary.folded_stories} merged; corpus {store.path}: {totals['articles']} "
            f"article{'s' if totals['articles'] != 1 else ''}, {totals['stories']} "
            f"event{'s' if totals['stories'] != 1 else ''} in {story_count} "
            f"stor{'ies' if story_count != 1 else 'y'}",
            markup=False,
        )
    if summary.documents and summary.documents == len(summary.skipped):
        raise typer.Exit(1)


def _cross_lingual_clusterer(store) -> Any:
    """A cross-lingual clusterer for a new store; None for a store created with the switch
    (its clusterer is restored as saved). A store whose stories keep to one language is
    not switched halfway: its stories were formed without lead vectors."""
    from newsweave.cluster import DEFAULT_SETTINGS, OnlineClusterer
    from newsweave.cluster.state import Whole, decode

    saved = store.clusterer_state()
    if saved is None:
        return OnlineClusterer(DEFAULT_SETTINGS.with_cross_lingual())
    header = decode(saved)
    if (header.header if isinstance(header, Whole) else header).settings.cross_lingual:
        return None
    raise typer.BadParameter(
        f"the corpus {store.path} was created with stories in one language each; "
        "cross-lingual stories are chosen when a corpus is created: ingest into a new --db",
        param_hint="--cross-lingual",
    )


@app.command()
def stories(
    db: DbOpt = None,
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            metavar="YYYY-MM-DD",
            help="Only stories (or events) with an article dated on or after this date.",
        ),
    ] = None,
    events: Annotated[
        bool,
        typer.Option(
            "--events", help="List events (one happening each, ids s-...) instead of stories."
        ),
    ] = False,
    json_: JsonOpt = False,
) -> None:
    """List the developing stories in the corpus (ids st-...), latest activity first."""
    from dataclasses import asdict

    from rich.table import Table

    from newsweave.corpus import list_events, list_stories
    from newsweave.render.json import headline_fields

    try:
        since_date = date.fromisoformat(since) if since else None
    except ValueError:
        raise typer.BadParameter(f"{since!r} is not YYYY-MM-DD", param_hint="--since") from None
    # piped: one row a line, nothing cut (a terminal gets a table that fits it)
    width = None if sys.stdout.isatty() else 400
    console = Console(width=width, highlight=False, emoji=False)
    if events:
        with _store(db, read_only=True) as store:
            rows = list_events(store, since_date)
        if json_:
            data = [asdict(r) | headline_fields(h) | {"in_story": st} for r, st, h in rows]
            sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=1) + "\n")
            return
        table = Table("id", "story", "headline", "sources", "articles", "first seen", "last seen")
        for r, story, title in rows:
            table.add_row(
                r.id,
                story or "",
                shown(_headline_cell(title)),
                str(r.sources),
                str(r.articles),
                r.first_seen or "",
                r.last_seen or "",
            )
        console.print(table, markup=False)
        return
    with _store(db, read_only=True) as store:
        listed = list_stories(store, since_date)
    if json_:
        data = [
            asdict(x.summary)
            | headline_fields(x.headline)
            | {"languages": list(x.summary.languages)}
            for x in listed
        ]
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=1) + "\n")
        return
    table = Table(
        "id", "headline", "first seen", "last seen", "events", "articles", "outlets", "languages"
    )
    for x in listed:
        item = x.summary
        table.add_row(
            item.id,
            shown(_headline_cell(x.headline)),
            item.first_seen or "",
            item.last_seen or "",
            str(item.events),
            str(item.articles),
            str(item.sources),
            ", ".join(item.languages),
        )
    console.print(table, markup=False)


def _headline_cell(headline: Any) -> str:
    """A title as is; a lead-sentence fallback quoted and marked "(lead)"."""
    if headline is None:
        return "(untitled)"
    return f"“{headline.text}” (lead)" if headline.kind == "lead" else str(headline.text)


@app.command()
def show(
    item_id: Annotated[
        str,
        typer.Argument(
            metavar="ID",
            help="A story id (st-..., from `newsweave stories`), an event id (s-..., from "
            "`newsweave stories --events`) or, with --why, an article id (a number).",
        ),
    ],
    db: DbOpt = None,
    why: Annotated[
        bool,
        typer.Option(
            "--why",
            help="Why the story holds each of its events (score, shared names and terms, "
            "time gap), or why an event or article is where it is.",
        ),
    ] = False,
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            metavar="YYYY-MM-DD",
            help="A story's news from this date on only: its new events, briefed from the "
            "articles published since.",
        ),
    ] = None,
    fmt: Annotated[ShowFormat, typer.Option("--format", "-f", help="Output format.")] = (
        ShowFormat.md
    ),
    out: OutOpt = None,
) -> None:
    """The cited briefing of a story (with its developments) or of one event."""
    from newsweave.corpus import (
        explain_article,
        explain_story,
        read_developing_story,
        read_event,
        resolve_id,
    )
    from newsweave.render import story_to_json, story_to_markdown, why_to_json, why_to_markdown
    from newsweave.render.html import story_to_html

    try:
        since_date = date.fromisoformat(since) if since else None
    except ValueError:
        raise typer.BadParameter(f"{since!r} is not YYYY-MM-DD", param_hint="--since") from None
    with _store(db, read_only=True) as store:
        kind, found = resolve_id(store, item_id)
        if since_date is not None and (why or kind != "story"):
            raise typer.BadParameter(
                "takes a story id (st-...), without --why", param_hint="--since"
            )
        if why:
            if fmt is ShowFormat.html:
                raise typer.BadParameter("--why prints md or json", param_hint="--format")
            if kind == "story":
                live, explanations = explain_story(store, found)
                requested = found if found != live else None
            else:
                explanation = explain_article(store, int(found)) if kind == "article" else None
                if explanation is None:  # an event: the join that placed it
                    live_story = store.event_placement(store.resolve_story(found))
                    story = live_story.story if live_story else ""
                    live, all_events = explain_story(store, story)
                    event = store.resolve_story(found)
                    explanations = [e for e in all_events if e.event == event]
                else:
                    live, explanations = explanation.story, [explanation]
                requested = found
            render_why = why_to_json if fmt is ShowFormat.json else why_to_markdown
            _emit(render_why(live, explanations, requested), out, markdown=fmt is ShowFormat.md)
            return
        if kind == "article":
            raise NewsweaveError(
                f"{found} is an article id: `newsweave show {found} --why` tells why it is "
                "where it is; `newsweave show` takes a story (st-...) or event (s-...) id"
            )
        with err.status(f"briefing {item_id}", spinner="dots"):
            if kind == "story":
                record = read_developing_story(store, found, since_date)
            else:
                record = read_event(store, found)
    if record.requested:
        err.print(
            f"newsweave: {record.requested} was merged into {record.story}; showing {record.story}",
            markup=False,
        )
    render = {ShowFormat.md: story_to_markdown, ShowFormat.json: story_to_json}
    text = story_to_html(record) if fmt is ShowFormat.html else render[fmt](record)
    _emit(text, out, markdown=fmt is ShowFormat.md)


@app.command()
def serve(
    db: DbOpt = None,
    host: Annotated[
        str,
        typer.Option(
            "--host", metavar="ADDRESS", help="Interface to listen on (loopback only by default)."
        ),
    ] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", min=0, max=65535, metavar="PORT", help="TCP port.")
    ] = 8000,
    token: Annotated[
        str | None,
        typer.Option(
            "--token",
            metavar="TOKEN",
            envvar="NEWSWEAVE_TOKEN",
            show_envvar=True,
            help="Require this bearer token on POST requests.",
        ),
    ] = None,
    max_request_mb: Annotated[
        float,
        typer.Option(
            "--max-request-mb", min=0.001, metavar="MB", help="Larger request bodies get 413."
        ),
    ] = 12.0,
    allow_host: Annotated[
        list[str] | None,
        typer.Option(
            "--allow-host",
            metavar="NAME",
            help="Also answer requests sent to this host name (repeatable); loopback names "
            "and the --host address are always answered.",
        ),
    ] = None,
    watch_sources: Annotated[
        list[str] | None,
        typer.Option(
            "--watch",
            metavar="SOURCE",
            help="Follow this feed, sitemap or site URL, or OPML file (repeatable), as "
            "`newsweave watch` does, inside the server: the page shows stories as they grow, "
            "POST /api/sources adds more; --contact, --interval, --min-interval, "
            "--host-delay and --extract-workers apply to it as to `newsweave watch`.",
        ),
    ] = None,
    header_timeout: Annotated[
        float,
        typer.Option(
            "--header-timeout",
            min=0.1,
            metavar="SECONDS",
            help="Close a connection whose request headers are not all in after this long "
            "(a client trickling bytes is cut, not held).",
        ),
    ] = 10.0,
    body_timeout: Annotated[
        float,
        typer.Option(
            "--body-timeout",
            min=0.1,
            metavar="SECONDS",
            help="Close a connection whose request body is not all in this long after its headers.",
        ),
    ] = 60.0,
    idle_timeout: Annotated[
        float,
        typer.Option(
            "--idle-timeout",
            min=0.1,
            metavar="SECONDS",
            help="Close a kept-alive connection idle this long between requests.",
        ),
    ] = 30.0,
    contact: ContactOpt = None,
    interval: IntervalOpt = 900.0,
    min_interval: MinIntervalOpt = 300.0,
    host_delay: HostDelayOpt = 1.0,
    extract_workers: ExtractWorkersOpt = 1,
) -> None:
    """Serve the corpus: REST API under /api (docs at /docs) and a reading page at /.

    With --watch it also follows sources and keeps the corpus current; Ctrl-C or SIGTERM
    stop it after the batch in flight.
    """
    try:
        import fastapi  # noqa: F401
        import fastapi_offline  # noqa: F401
        import python_multipart  # noqa: F401
        import uvicorn
    except ImportError as exc:
        raise MissingDependencyError(
            f"serve needs the web extra ({exc.name} is missing): pip install 'newsweave[web]'"
        ) from None
    from newsweave.api import LOOPBACK_HOSTS, ServiceSettings, create_app, server_config
    from newsweave.store import default_db_path

    watch_settings = None
    if watch_sources:
        from newsweave.watch import ClientSettings, Schedule, WatchSettings

        watch_settings = WatchSettings(
            client=ClientSettings(contact=contact, host_delay=host_delay),
            schedule=Schedule(
                interval=interval,
                min_interval=min_interval,
                max_interval=max(min_interval, Schedule().max_interval),
            ),
            extract_workers=extract_workers,
        )
        _log_to_stderr("newsweave.watch")
    settings = ServiceSettings(
        db=db or default_db_path(),
        token=token or None,
        max_request_bytes=int(max_request_mb * 1024 * 1024),
        warm_up=True,
        briefing_process=True,  # briefings in a child process: see api.py
        allowed_hosts=tuple(dict.fromkeys([*LOOPBACK_HOSTS, host, *(allow_host or [])])),
        watch=tuple(watch_sources or ()),
        watch_settings=watch_settings,
        header_timeout=header_timeout,
        body_timeout=body_timeout,
        idle_timeout=idle_timeout,
    )
    with _store(settings.db) as lease:
        lease.acquire_writer()  # the service writes (POST): refused at once if another does
        application = create_app(settings)
        err.print(
            f"newsweave: serving {settings.db} at http://{host}:{port}/ (API docs at /docs)"
            + ("; POST needs the token" if settings.token else "")
            + (f"; following {', '.join(settings.watch)}" if settings.watch else ""),
            markup=False,
        )
        corpus = application.state.corpus

        class Server(uvicorn.Server):
            def handle_exit(self, sig: int, frame: Any) -> None:
                # live streams end and the watcher stops after its batch, so the server's
                # wait for open connections is short
                corpus.stop()
                super().handle_exit(sig, frame)

        config = server_config(
            application, host, port, log_level="warning", timeout_graceful_shutdown=30
        )
        Server(config).run()


def _log_to_stderr(name: str) -> None:
    """Messages of the `name` logger (the server's watcher) as `newsweave: ...` lines."""
    import logging

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("newsweave: %(message)s"))
    logger = logging.getLogger(name)
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)


@app.command()
def watch(
    sources: Annotated[
        list[str],
        typer.Argument(
            help="Feed (RSS, Atom, JSON Feed), sitemap or site URLs, or OPML files of feeds."
        ),
    ],
    db: DbOpt = None,
    once: Annotated[
        bool,
        typer.Option("--once", help="One round (poll, fetch what is new), then exit: for cron."),
    ] = False,
    json_: Annotated[
        bool, typer.Option("--json", help="Print one JSON line of counts per round.")
    ] = False,
    contact: ContactOpt = None,
    interval: IntervalOpt = 900.0,
    min_interval: MinIntervalOpt = 300.0,
    host_delay: HostDelayOpt = 1.0,
    host_concurrency: Annotated[
        int,
        typer.Option(
            "--host-concurrency", min=1, metavar="N", help="Requests in flight to one host."
        ),
    ] = 2,
    timeout: Annotated[
        float, typer.Option("--timeout", min=0.1, metavar="SECONDS", help="For a whole request.")
    ] = 20.0,
    max_page_mb: Annotated[
        float,
        typer.Option("--max-page-mb", min=0.01, metavar="MB", help="Larger pages are refused."),
    ] = 10.0,
    retry_delay: Annotated[
        float,
        typer.Option(
            "--retry-delay",
            min=0,
            metavar="SECONDS",
            help="First wait before a failed page or source is tried again; doubles each time.",
        ),
    ] = 300.0,
    batch_size: Annotated[
        int,
        typer.Option(
            "--batch-size", min=1, metavar="N", help="Pages fetched and committed together."
        ),
    ] = 50,
    extract_workers: ExtractWorkersOpt = 1,
) -> None:
    """Follow feeds, sitemaps and sites: fetch each new article, store and cluster it.

    Runs until stopped (Ctrl-C or SIGTERM stop after the batch in flight), or one
    round with --once. State is kept in the store, so a restart goes on where it stopped.
    """
    import asyncio
    import signal

    from newsweave.watch import ClientSettings, Schedule, Watcher, WatchSettings

    settings = WatchSettings(
        client=ClientSettings(
            contact=contact,
            timeout=timeout,
            max_bytes=int(max_page_mb * 1024 * 1024),
            host_concurrency=host_concurrency,
            host_delay=host_delay,
        ),
        schedule=Schedule(
            interval=interval,
            min_interval=min_interval,
            max_interval=max(min_interval, Schedule().max_interval),
            retry_delay=retry_delay,
        ),
        batch_size=batch_size,
        extract_workers=extract_workers,
    )

    def report(message: str) -> None:
        err.print(f"newsweave: {message}", markup=False)

    with _store(db) as store, _progress() as advance:
        store.acquire_writer()  # refused at once, before any fetching, if another writes it

        def on_round(summary) -> None:
            if json_:
                sys.stdout.write(json.dumps(summary.to_dict()) + "\n")
                sys.stdout.flush()
            else:
                report(_round_line(summary))

        def pages_done(n: int) -> None:
            for _ in range(n):
                advance()

        watcher = Watcher(store, sources, settings, report=report, advance=pages_done)

        async def run() -> None:
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()

            def on_signal() -> None:
                report("stopping after the batch in flight (signal again to stop at once)")
                stop.set()
                for sig in (signal.SIGINT, signal.SIGTERM):
                    loop.remove_signal_handler(sig)

            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, on_signal)
            await watcher.run(once=once, stop=stop, on_round=on_round)

        asyncio.run(run())
        watched = len(store.watch_sources())
    if not watched:
        report("error: nothing to watch (no source could be read)")
        raise typer.Exit(1)


def _round_line(summary) -> str:
    return (
        f"round {summary.round}: {summary.sources} sources polled ({summary.unchanged} "
        f"unchanged, {summary.source_errors} failed), {summary.listed_new} new pages listed; "
        f"{summary.fetched} fetched: {summary.stored} stored, {summary.duplicates} duplicates, "
        f"{summary.same_article} already stored, {summary.retry} to retry, {summary.failed} "
        f"failed; {summary.requests} requests; stories {summary.new_stories} new, "
        f"{summary.updated_stories} updated"
    )


def _read(paths: list[str], dates: dict[str, date]) -> tuple[list[Article], list[SkippedDocument]]:
    from newsweave.pipeline import iter_articles

    articles: list[Article] = []
    skipped: list[SkippedDocument] = []
    with _progress(paths) as advance:
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


# A Multi-News cluster's documents are read as "<cluster>/<n>" (ingest/sources.py).
_CLUSTER_MEMBER = re.compile(r"^(.+)/\d+$")


def _check_one_story(articles: list[Article], *, cross_lingual: bool = False) -> None:
    """`brief` summarises one story: refuse input holding several Multi-News clusters
    (each is a story of its own), or articles the event clusterer ingest uses puts in
    more than one story, rather than merge them into one briefing."""
    clusters = sorted({m[1] for a in articles if (m := _CLUSTER_MEMBER.match(a.doc_id))})
    if len(clusters) > 1:
        raise SeveralStoriesError(
            f"the input holds {len(clusters)} Multi-News clusters ({', '.join(clusters[:3])}"
            f"{', ...' if len(clusters) > 3 else ''}), each a story of its own; brief one "
            "cluster at a time, or `newsweave ingest` them and `newsweave show` each story"
        )
    if len(articles) < 2:
        return
    from newsweave.pipeline import story_groups

    with err.status(f"grouping {len(articles)} articles into stories", spinner="dots"):
        groups = story_groups(articles, cross_lingual=cross_lingual)
    if len(groups) > 1:
        named = [
            "[" + ", ".join(shown(a.doc_id) for a in g[:4]) + (", ..." if len(g) > 4 else "") + "]"
            for g in groups[:4]
        ]
        listed = (
            ", ".join(named[:-1]) + " and " + named[-1]
            if len(groups) <= 4
            else (", ".join(named) + ", ...")
        )
        raise SeveralStoriesError(
            f"the input holds {len(groups)} stories: {listed}; brief each on its own, "
            "or `newsweave ingest` them and `newsweave show` each story"
        )


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


def _emit(text: str, out: Path | None, *, markdown: bool) -> None:
    """Write to --out, render Markdown on a terminal, or print as is."""
    if out is not None:
        out.write_text(text, encoding="utf-8")
    elif markdown and sys.stdout.isatty():
        Console().print(Markdown(text))
    else:
        sys.stdout.write(text)


def _report_skip(item: SkippedDocument) -> None:
    err.print(f"newsweave: skipped {shown(item.doc_id)}: {shown(item.reason)}", markup=False)


def shown(text: str) -> str:
    """User data made safe for one terminal line: newlines, ANSI escapes and
    undecodable bytes of a file name are printed escaped, so a name cannot forge
    or colour a message."""
    return "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in text)


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
def _progress(paths: list[str] | None = None) -> Iterator:
    """A document counter on stderr, shown once a run passes PROGRESS_MIN_DOCUMENTS; with
    a total (N/M) when the inputs say how many documents they hold (`count_documents`)."""
    if not err.is_terminal:
        yield lambda: None
        return
    from newsweave.ingest.sources import count_documents

    total = count_documents(paths) if paths else None  # None: no total shown
    progress = Progress(
        TextColumn("reading"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    )
    task = progress.add_task("documents", total=total)
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
