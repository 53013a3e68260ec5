"""Renderers: Markdown for people, JSON for programs."""

from newsweave.render.json import article_to_dict, briefing_to_dict, briefing_to_json
from newsweave.render.markdown import briefing_to_markdown

__all__ = ["article_to_dict", "briefing_to_dict", "briefing_to_json", "briefing_to_markdown"]
