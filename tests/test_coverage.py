"""Coverage across outlets on our example story, the Korea samples and invented prose."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import EXAMPLES, SAMPLES, need

import newsweave
from newsweave.analyze.coverage import compare_coverage
from newsweave.model import Article
from newsweave.nlp import annotate

SENTINEL = "The Varnholt Sentinel"
OBSERVER = "Saltgate Observer"
WIRE = "Meridian Press Agency"


@pytest.fixture(scope="module")
def fire():
    articles = newsweave.extract([need(EXAMPLES / "kestrelholm-fire")]).articles
    return compare_coverage(annotate(articles)), {a.label for a in articles}


@pytest.fixture(scope="module")
def korea():
    paths = [need(SAMPLES / "korea-drills-wapo.txt"), need(SAMPLES / "korea-drills-stripes.txt")]
    return compare_coverage(annotate(newsweave.extract(paths).articles))


def test_hospital_count_conflict_27_vs_41(fire):
    coverage, _labels = fire
    numbers = [c for c in coverage.conflicts if c.kind == "number"]
    (hospital,) = [c for c in numbers if "27" in c.detail and "41" in c.detail]
    assert hospital.detail == "27 vs 41 (people)"
    sources = {c.source for c in hospital.citations}
    assert SENTINEL in sources and len(sources) == 5
    sentinel = next(c for c in hospital.citations if c.source == SENTINEL)
    assert sentinel.text.startswith("Forty-one people were treated in hospital")


def test_no_conflict_for_capacity_shelter_duration_or_different_days(fire):
    coverage, _labels = fire
    details = [c.detail for c in coverage.conflicts]
    assert not any("3,100" in d or "600" in d or "90" in d for d in details)
    assert not any("six" in d or "three" in d or d.startswith(("3 ", "6 ")) for d in details)
    assert details == ["27 vs 41 (people)"]


def test_two_killed_workers_is_shared_by_all_five(fire):
    coverage, labels = fire
    (killed,) = [f for f in coverage.shared if "Piet Arnholm" in f.text and "Falkstad" in f.text]
    assert {c.source for c in killed.citations} == labels
    assert len(killed.citations) == 5
    assert all("Arnholm" in c.text for c in killed.citations)


def test_exclusive_facts_of_the_observer_and_the_wire(fire):
    coverage, _labels = fire
    by_source: dict[str, list[str]] = {}
    for fact in coverage.exclusive:
        (citation,) = fact.citations
        by_source.setdefault(citation.source, []).append(fact.text)
    assert any("dead fish" in t and "eider ducks" in t for t in by_source[OBSERVER])
    assert any("negligent homicide investigation" in t for t in by_source[WIRE])
    assert all(len(texts) <= 5 for texts in by_source.values())


def test_alignment_pairs_carry_similarity_and_cross_sources(fire):
    coverage, _labels = fire
    assert coverage.alignment
    for pair in coverage.alignment:
        assert pair.a.source != pair.b.source
        assert 0.28 <= pair.similarity <= 1.2  # paraphrases with rare anchors from 0.28


WAPO, STRIPES = "The Washington Post", "Stars and Stripes"


def _facts_naming(facts, word: str, source: str) -> list:
    return [f for f in facts if any(c.source == source and word in c.text for c in f.citations)]


@pytest.mark.parametrize("place", ["Singapore", "Stockholm", "Hanoi"])
def test_summits_and_talks_both_outlets_tell_are_shared(korea, place):
    # Told in other words: "Talks in Stockholm broke down" / "negotiators failed to narrow
    # the gap ... in Stockholm"; the Post's Hanoi summit is Stripes' February meeting in Vietnam.
    (fact,) = _facts_naming(korea.shared, place, WAPO)
    assert {c.source for c in fact.citations} == {WAPO, STRIPES}
    assert not _facts_naming(korea.exclusive, place, WAPO)
    assert not _facts_naming(korea.exclusive, place, STRIPES)


def test_bangkok_news_conference_is_the_posts_alone(korea):
    (fact,) = _facts_naming(korea.exclusive, "Bangkok", WAPO)
    assert "news conference" in fact.text and len(fact.citations) == 1
    assert not _facts_naming(korea.shared, "Bangkok", WAPO)
    assert korea.conflicts == ()


def test_kim_yong_chols_response_is_not_merged_with_the_announcement(korea):
    # Both sentences tell of Esper's announcement, but the Post never names Kim Yong Chol.
    (fact,) = _facts_naming(korea.exclusive, "Kim Yong Chol gave", STRIPES)
    assert fact.citations[0].sentence == 3


def test_esper_not_seeing_a_concession_is_not_called_stripes_only(korea):
    # Stripes' "Esper said Sunday he didn't see the decision ... as a concession" is what
    # the Post quotes him saying; the exercise it names (Vigilant Ace) is no outlet-only name.
    assert not _facts_naming(korea.exclusive, "concession", STRIPES)


def test_the_spokesman_one_outlet_names_does_not_split_a_fact():
    coverage = compare_coverage(
        _story(
            "Police arrested a 34-year-old man after a fire destroyed the Kessler bakery "
            "in Lindau on Friday night, spokesman Erik Vahl said.",
            "A 34-year-old man was arrested after fire destroyed the Kessler bakery in "
            "Lindau on Friday night.",
        )
    )
    assert coverage.exclusive == ()
    (fact,) = coverage.shared
    assert [c.source for c in fact.citations] == ["Outlet 0", "Outlet 1"]


def test_each_outlets_own_names_keep_two_facts_apart():
    # The Post's news conference in Bangkok is not Stripes' Kim Yong Chol response: each
    # sentence names someone or somewhere the other outlet never names.
    coverage = compare_coverage(
        _story(
            "Mayor Petra Holm announced the closure of the tram depot at a meeting with "
            "transport minister Jens Aalberg in Kiel on Monday.",
            "Union leader Marta Quist gave the first response to the mayor's announcement "
            "that the tram depot will close.",
        )
    )
    holm = [f for f in coverage.exclusive if "Holm" in f.text]
    quist = [f for f in coverage.exclusive if "Quist" in f.text]
    assert len(holm) == len(quist) == 1
    assert not any(
        "Holm" in c.text or "Quist" in c.text for f in coverage.shared for c in f.citations
    )


def test_labelled_pairs_declare_a_tuning_and_a_held_out_part():
    import json

    labels = json.loads((Path(__file__).parent / "data" / "coverage_pairs.json").read_text())
    tune, held = set(labels["splits"]["tune"]), set(labels["splits"]["heldout"])
    lines = {p["line"] for p in labels["pairs"]} | {e["line"] for e in labels["exclusive"]}
    assert not tune & held and tune | held == lines
    assert all((line - 1) % 2 == 0 for line in tune)  # bench/_common.split_name
    assert len(labels["pairs"]) >= 60 and all(p["a"][0] != p["b"][0] for p in labels["pairs"])
    for part in (tune, held):
        pairs = [p for p in labels["pairs"] if p["line"] in part]
        assert sum(p["same"] for p in pairs) >= 20 and sum(not p["same"] for p in pairs) >= 15


def test_a_sentence_close_to_another_outlets_is_not_called_exclusive():
    coverage = compare_coverage(
        _story(
            "The Lindau council voted on Monday to close the old tram depot by the river.",
            "Councillors in Lindau decided on Monday that the riverside tram depot will close.",
        )
    )
    assert coverage.exclusive == ()


def _story(*texts: str) -> list:
    return annotate([Article(f"doc{i}", (t,), outlet=f"Outlet {i}") for i, t in enumerate(texts)])


def test_written_out_number_equals_digits_and_ages_are_not_counts():
    coverage = compare_coverage(
        _story(
            "Twelve passengers were injured when the Lindau tram derailed on Friday. "
            "The driver, Tomas Brekke, 58, was unhurt.",
            "12 passengers were injured when a tram derailed in Lindau on Friday. "
            "The driver, Tomas Brekke, 58, escaped without injury.",
        )
    )
    assert coverage.conflicts == ()
    assert any(len(f.citations) == 2 for f in coverage.shared)


def test_different_counts_of_the_same_thing_conflict():
    coverage = compare_coverage(
        _story(
            "Twelve passengers were injured when the Lindau tram derailed on Friday.",
            "Nineteen passengers were injured when a tram derailed in Lindau on Friday.",
        )
    )
    (conflict,) = coverage.conflicts
    assert (conflict.kind, conflict.detail) == ("number", "12 vs 19 (passenger)")
    assert [c.source for c in conflict.citations] == ["Outlet 0", "Outlet 1"]


def test_one_source_is_not_compared():
    coverage = compare_coverage(_story("Twelve passengers were injured in Lindau on Friday."))
    assert coverage.shared == coverage.conflicts == coverage.alignment == ()


def test_quoted_speech_is_measured_once_per_sentence_not_per_pair(monkeypatch):
    # The colour-quote test used to run for every sentence pair (11,210 quote scans on a
    # 10-article DUC story); it is a property of one sentence.
    from newsweave.analyze import coverage as coverage_module

    articles = annotate(newsweave.extract([need(EXAMPLES / "kestrelholm-fire")]).articles)
    sentences = sum(len(a.sentences) for a in articles)
    calls: list[str] = []
    real = coverage_module.quote_spans

    def counting(text, *args, **kwargs):
        calls.append(text)
        return real(text, *args, **kwargs)

    monkeypatch.setattr(coverage_module, "quote_spans", counting)
    coverage = compare_coverage(articles)
    assert coverage.shared and coverage.exclusive
    # Once for the colour test, at most twice more (who is named outside quotes, and the
    # quoted passages) for the sentences of a same-fact pair.
    assert len(calls) <= 3 * sentences


def test_vectors_computed_beside_spacy_give_the_same_coverage(monkeypatch):
    # the briefing's encoder thread (pipeline._Embedder) against coverage encoding itself
    import newsweave.pipeline as pipeline

    articles = newsweave.extract([need(EXAMPLES / "kestrelholm-fire")]).articles
    monkeypatch.setattr(pipeline, "ENCODE_BESIDE_SPACY", True)
    beside = pipeline.brief_articles(articles).coverage
    monkeypatch.setattr(pipeline, "ENCODE_BESIDE_SPACY", False)
    after = pipeline.brief_articles(articles).coverage
    assert beside == after
    assert len(beside.shared) >= 5 and beside.alignment
