"""The public API is small and exact."""

import newsweave


def test_all_is_exactly_the_public_api():
    assert sorted(newsweave.__all__) == [
        "AnnotatedArticle",
        "Article",
        "Briefing",
        "BriefingWorkerError",
        "Citation",
        "ClusterStateError",
        "CorruptDatabaseError",
        "DaskMissingError",
        "DatabaseLockedError",
        "DatabaseMissingError",
        "DocHints",
        "DocumentError",
        "ExtractResult",
        "IngestSummary",
        "MissingDependencyError",
        "ModelMissingError",
        "NewsweaveError",
        "NothingReadError",
        "RawDocument",
        "ScaleError",
        "Sentence",
        "SeveralStoriesError",
        "SkippedDocument",
        "Store",
        "StoreError",
        "StoreInUseError",
        "SummarySentence",
        "UnknownStoryError",
        "brief",
        "brief_articles",
        "extract",
        "ingest",
    ]
    for name in newsweave.__all__:
        assert getattr(newsweave, name) is not None
    assert callable(newsweave.brief) and callable(newsweave.ingest)


def test_errors_share_one_base():
    assert issubclass(newsweave.DocumentError, newsweave.NewsweaveError)
    assert issubclass(newsweave.ModelMissingError, newsweave.NewsweaveError)
