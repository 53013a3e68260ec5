"""Summaries: extractive, every sentence cited."""

from newsweave.summarize.extractive import DEFAULT_SETTINGS, SummarySettings, summarize

__all__ = ["DEFAULT_SETTINGS", "SummarySettings", "summarize"]
