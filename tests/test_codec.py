"""The codec of cached model values: every field back as it was written."""

from __future__ import annotations

from datetime import date

from newsweave import codec
from newsweave.model import (
    AlsoPublished,
    Article,
    Briefing,
    Citation,
    Quote,
    RemovedLine,
    StoryRecord,
    SummarySentence,
)


def test_a_story_record_round_trips_with_dates_tuples_and_none():
    article = Article(
        "gazette.txt",
        ("The council voted 7-2 to close the bridge.", "Ferries will run."),
        title="Bridge to close",
        outlet="Portvale Gazette",
        published=date(2026, 3, 3),
        published_source="cli",
        removed=(RemovedLine("Share this story", "share-bar"),),
    )
    cited = (Citation("gazette.txt", "Portvale Gazette", 1, article.paragraphs[0]),)
    briefing = Briefing(
        sources=(article,),
        summary=(SummarySentence(article.paragraphs[0], cited),),
        quotes=(Quote("We act now", "Ilse Marten", "explicit", "say", "direct", cited),),
    )
    copy = AlsoPublished("wire.txt", "Ardmoor Wire", None, None, "gazette.txt", "Gazette", 0.83)
    record = StoryRecord("s-1", briefing, (copy,))
    text = codec.dumps(record)
    assert '"published":"2026-03-03"' in text and '"removed":[{"text":"Share this story"' in text
    assert codec.loads(StoryRecord, text) == record
