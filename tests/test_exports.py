"""The public API is small and exact."""

import newsweave


def test_all_is_exactly_the_public_api():
    assert sorted(newsweave.__all__) == [
        "AnnotatedArticle",
        "Article",
        "Briefing",
        "Citation",
        "DocHints",
        "DocumentError",
        "ExtractResult",
        "ModelMissingError",
        "NewsweaveError",
        "NothingReadError",
        "RawDocument",
        "Sentence",
        "SkippedDocument",
        "SummarySentence",
        "brief",
        "brief_articles",
        "extract",
    ]
    for name in newsweave.__all__:
        assert getattr(newsweave, name) is not None


def test_errors_share_one_base():
    assert issubclass(newsweave.DocumentError, newsweave.NewsweaveError)
    assert issubclass(newsweave.ModelMissingError, newsweave.NewsweaveError)
