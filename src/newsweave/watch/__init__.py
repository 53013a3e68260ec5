"""`newsweave watch`: follow feeds, sitemaps and sites, and keep a store current.

One module per job: `sources` (what a source lists), `urls` (article identity by
URL), `client` (the polite HTTP client), `state` (schedules: when to poll a source
again, when to retry a page) and `watcher` (the polling loop that fetches, extracts
and hands articles to the corpus writer).
"""

from newsweave.watch.client import ClientSettings, FetchError, PoliteClient
from newsweave.watch.sources import SourceError
from newsweave.watch.state import Schedule
from newsweave.watch.watcher import RoundSummary, Watcher, WatchSettings

__all__ = [
    "ClientSettings",
    "FetchError",
    "PoliteClient",
    "RoundSummary",
    "Schedule",
    "SourceError",
    "WatchSettings",
    "Watcher",
]
