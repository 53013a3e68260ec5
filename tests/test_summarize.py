"""summarize/extractive.py on real (invented) news text, annotated by spaCy."""

from __future__ import annotations

import pytest

from newsweave.model import Article
from newsweave.nlp import annotate
from newsweave.summarize import summarize

GAZETTE = Article(
    doc_id="gazette.txt",
    outlet="Harbor Gazette",
    paragraphs=(
        "A pedestrian bridge over the Elm River in Marrowfield collapsed on Tuesday morning, "
        "injuring 12 people.",
        "Mayor Lena Ortiz said the bridge had passed a safety inspection in March.",
        "Engineers from the state transport agency arrived in the afternoon to examine the "
        "twisted steel frame.",
        "The city has closed two nearby roads while divers search the river for debris.",
    ),
)
COURIER = Article(
    doc_id="courier.txt",
    outlet="Valley Courier",
    paragraphs=(
        "A pedestrian bridge over the Elm River in Marrowfield collapsed on Tuesday morning, "
        "injuring 12 people, officials said.",
        "Rescue crews pulled four people from the cold water within an hour.",
        "Shop owner Paul Brennan said he heard a loud crack just before the span gave way.",
    ),
)


def river_post(injured: int) -> Article:
    return Article(
        doc_id="post.txt",
        outlet="River Post",
        paragraphs=(
            "Residents of Marrowfield gathered at the riverbank on Tuesday night to watch "
            "divers at work.",
            f"The pedestrian bridge over the Elm River in Marrowfield collapsed on Tuesday "
            f"morning, injuring {injured} people.",
        ),
    )


def words(summary) -> int:
    return sum(len(s.text.split()) for s in summary)


def sources(sentence) -> set[str]:
    return {c.source for c in sentence.citations}


def collapse_sentences(summary):
    return [s for s in summary if "collapsed" in s.text]


@pytest.fixture(scope="module")
def two_outlets():
    return annotate([GAZETTE, COURIER])


@pytest.mark.parametrize("budget", [10, 25, 40, 60, 500])
def test_budget_is_respected_with_whole_sentences(two_outlets, budget):
    summary = summarize(two_outlets, words=budget)
    originals = {s.text for a in two_outlets for s in a.sentences}
    assert words(summary) <= budget
    assert all(s.text in originals for s in summary)


def test_tiny_budget_gives_nothing_rather_than_a_cut_sentence(two_outlets):
    assert summarize(two_outlets, words=10) == ()


def test_same_fact_from_two_outlets_appears_once_and_cites_both(two_outlets):
    summary = summarize(two_outlets, words=60)
    (lead,) = collapse_sentences(summary)
    assert sources(lead) == {"Harbor Gazette", "Valley Courier"}
    assert {(c.doc_id, c.sentence) for c in lead.citations} == {
        ("gazette.txt", 1),
        ("courier.txt", 1),
    }
    # the sentence shown is the one its first citation names
    assert lead.text == lead.citations[0].text


def test_same_number_is_cited_as_support():
    summary = summarize(annotate([GAZETTE, COURIER, river_post(12)]), words=60)
    (lead,) = collapse_sentences(summary)
    assert sources(lead) == {"Harbor Gazette", "Valley Courier", "River Post"}


def test_conflicting_number_is_not_cited_as_support():
    summary = summarize(annotate([GAZETTE, COURIER, river_post(15)]), words=60)
    (lead,) = collapse_sentences(summary)
    assert "injuring 12 people" in lead.text
    assert sources(lead) == {"Harbor Gazette", "Valley Courier"}
    assert all("15" not in c.text for s in summary for c in s.citations)


def test_order_follows_story_position(two_outlets):
    summary = summarize(two_outlets, words=500)
    assert "collapsed" in summary[0].text
    positions = []
    for s in summary:
        own = s.citations[0]
        article = next(a for a in two_outlets if a.article.doc_id == own.doc_id)
        positions.append(min((c.sentence - 1) / (len(article.sentences) - 1) for c in s.citations))
    assert positions == sorted(positions)


def test_single_article_keeps_reading_order():
    (annotated,) = annotate([GAZETTE])
    summary = summarize([annotated], words=500)
    assert [s.text for s in summary] == [s.text for s in annotated.sentences]
    assert [[(c.source, c.sentence) for c in s.citations] for s in summary] == [
        [("Harbor Gazette", 1)],
        [("Harbor Gazette", 2)],
        [("Harbor Gazette", 3)],
        [("Harbor Gazette", 4)],
    ]


def test_single_article_under_a_budget_starts_with_the_lead():
    summary = summarize(annotate([GAZETTE]), words=20)  # lead is 17 words
    assert [s.text for s in summary] == [
        "A pedestrian bridge over the Elm River in Marrowfield collapsed on Tuesday morning, "
        "injuring 12 people."
    ]


def test_empty_input_returns_empty_tuple():
    assert summarize([], words=120) == ()
    assert summarize(annotate([]), words=120) == ()


def test_only_too_short_sentences_returns_empty_tuple():
    short = Article(doc_id="short.txt", paragraphs=("Bridge down.", "More soon."))
    assert summarize(annotate([short]), words=120) == ()


def test_tfidf_matrix_is_scikit_learns():
    """The summarizer's own TF-IDF equals TfidfVectorizer(stop_words="english", sublinear_tf=True)."""
    import numpy as np
    from conftest import EXAMPLES
    from sklearn.feature_extraction.text import TfidfVectorizer

    from newsweave.pipeline import extract
    from newsweave.summarize.extractive import _vectorize

    articles = extract([EXAMPLES / "kestrelholm-fire"]).articles
    texts = [p for a in articles for p in a.paragraphs]
    expected = TfidfVectorizer(stop_words="english", sublinear_tf=True).fit_transform(texts)
    assert np.allclose(_vectorize(texts), expected.toarray(), atol=1e-12)
    assert _vectorize(["It is what it is.", "And so on."]).shape == (2, 1)
