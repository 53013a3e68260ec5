"""Renderers: Markdown for people, JSON for programs (HTML pages: `render.html`)."""

from newsweave.render.json import (
    article_to_dict,
    briefing_to_dict,
    briefing_to_json,
    story_to_dict,
    story_to_json,
    why_to_dict,
    why_to_json,
)
from newsweave.render.markdown import briefing_to_markdown, story_to_markdown, why_to_markdown

__all__ = [
    "article_to_dict",
    "briefing_to_dict",
    "briefing_to_json",
    "briefing_to_markdown",
    "story_to_dict",
    "story_to_json",
    "story_to_markdown",
    "why_to_dict",
    "why_to_json",
    "why_to_markdown",
]
