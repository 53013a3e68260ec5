"""Per-article annotations in the store: computed once, reused by every briefing."""

from __future__ import annotations

import json

import pytest
from conftest import EXAMPLES

import newsweave.nlp
from newsweave.annotations import annotation_version, dump, load
from newsweave.corpus import ingest, read_story
from newsweave.nlp import annotate
from newsweave.pipeline import brief_articles, extract
from newsweave.render import briefing_to_dict
from newsweave.store import Store, content_hash

STORY = EXAMPLES / "kestrelholm-fire"


@pytest.fixture
def annotated_articles(monkeypatch):
    """Counts the articles that go through spaCy (the real annotate still runs)."""
    counted: list[str] = []

    def counting(articles, **kwargs):
        counted.extend(a.doc_id for a in articles)
        return annotate(articles, **kwargs)

    monkeypatch.setattr(newsweave.nlp, "annotate", counting)
    return counted


def test_stored_sentences_load_back_equal():
    articles = extract([STORY / "kestrelholm-ledger.txt"]).articles
    (annotated,) = annotate(articles)
    assert load(annotated.article.doc_id, dump(annotated.sentences)) == annotated.sentences
    assert any(t.dep == "nsubj" for s in annotated.sentences for t in s.tokens)


def test_show_after_one_new_article_annotates_only_that_article(tmp_path, annotated_articles):
    files = sorted(STORY.iterdir())
    with Store(tmp_path / "c.db") as store:
        ingest(files[:-1], store)
        (story,) = store.stories()
        read_story(store, story.id)
        assert len(annotated_articles) == 4  # first briefing: every article once
        assert store.query("SELECT count(*) FROM annotations WHERE vectors IS NOT NULL") == [(4,)]

        ingest(files[-1:], store)
        (story,) = store.stories()
        assert story.articles == 5
        annotated_articles.clear()
        story_record = read_story(store, story.id)
        live, record = story_record.story, briefing_to_dict(story_record.briefing)
        assert len(annotated_articles) == 1
        assert annotated_articles[0].endswith("varnholt-sentinel.txt")
        assert len(record["sources"]) == 5

        # The same briefing as one built without the store, from the same articles.
        originals = [m.article for m in store.members(live) if m.duplicate_of is None]
        fresh = json.loads(json.dumps(briefing_to_dict(brief_articles(originals))))
        for part in ("summary", "quotes", "timeline", "actors"):
            assert record[part] == fresh[part], part
        for part in ("shared", "exclusive", "conflicts"):
            assert record["coverage"][part] == fresh["coverage"][part], part


def test_every_story_an_article_is_in_reuses_its_annotation(tmp_path, annotated_articles):
    articles = extract([STORY]).articles
    with Store(tmp_path / "c.db") as store:
        brief_articles(articles[:3], store=store)
        brief_articles(articles[2:], store=store)  # shares one article with the first
    assert len(annotated_articles) == 5


def test_a_new_annotation_version_is_a_miss(tmp_path, annotated_articles):
    articles = extract([STORY / "saltgate-observer.txt"]).articles
    with Store(tmp_path / "c.db") as store:
        brief_articles(articles, store=store)
        key = content_hash(articles[0])
        assert set(store.annotations([key], annotation_version())) == {key}
        assert store.annotations([key], annotation_version() + " changed") == {}
        store.query("UPDATE annotations SET version = 'an older model'")
        brief_articles(articles, store=store)
        assert len(annotated_articles) == 2  # recomputed, then stored under the new version
        assert store.query("SELECT version FROM annotations") == [(annotation_version(),)]
