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


# --- a summary a reader can follow: no sentence that leans on one not shown, people introduced

DOCKS = Article(
    doc_id="docks.txt",
    outlet="Port Ledger",
    paragraphs=(
        "Dock workers at the port of Saltreach walked out on Monday over a new shift rota, "
        "halting cargo traffic for the day.",
        "Union regional secretary Ines Marlow said the rota had been imposed without any "
        "consultation of the crews.",
        "She said the crews would stay out until the port authority withdrew the rota in full.",
        "But the port authority said the new shifts were needed to clear a backlog of "
        "container ships.",
        "Marlow rejected an offer of talks on Tuesday, saying the authority had to withdraw "
        "the rota before any meeting.",
    ),
)


@pytest.fixture(scope="module")
def docks():
    return annotate([DOCKS])


def test_pronoun_led_sentence_only_right_after_the_one_it_leans_on(docks):
    from newsweave.summarize.readable import depends_on_previous

    sentences = docks[0].sentences
    assert [depends_on_previous(s, "en") for s in sentences] == [False, False, True, False, False]
    for budget in (40, 60, 80, 120):
        summary = summarize(docks, words=budget)
        shown = [s.citations[0].sentence for s in summary]
        if 3 in shown:  # "She said ..." comes straight after Marlow's sentence
            assert shown[shown.index(3) - 1] == 2


def test_quote_with_a_pronoun_speaker_depends_on_the_one_before():
    from newsweave.summarize.readable import depends_on_previous

    (annotated,) = annotate(
        [
            Article(
                doc_id="q.txt",
                paragraphs=(
                    "Harbour master Olu Brandt closed the channel on Friday.",
                    "“The channel is not safe for any vessel until the wreck is lifted,” he said.",
                    "Brandt said he expected the wreck to be lifted within a week.",
                ),
            )
        ]
    )
    assert [depends_on_previous(s, "en") for s in annotated.sentences] == [False, True, False]


def test_demonstrative_that_as_subject_leans_back_but_not_as_determiner():
    from newsweave.summarize.readable import depends_on_previous

    (annotated,) = annotate(
        [
            Article(
                doc_id="mill.txt",
                paragraphs=(
                    "The mill paid its chief engineer Ansel Varga a bonus of $2 million.",
                    "That is still well below what the owners Pia Lund and Otto Brix hold.",
                    "That decision angered the union, which said the bonus was too high.",
                    "Officials said that the mill would stay open.",
                ),
            )
        ]
    )
    assert [depends_on_previous(s, "en") for s in annotated.sentences] == [
        False,
        True,
        False,
        False,
    ]


MILL = Article(
    doc_id="mill.txt",
    outlet="Tarn Weekly",
    paragraphs=(
        "Mill owner Pia Lund, who bought the Tarnford works in 2019, closed it on Friday "
        "after a fire in the boiler house.",
        "The fire, which started in a dust extractor, was put out within two hours.",
        "Lund said the 140 workers would be paid until the works reopened.",
    ),
)


def test_side_clauses_are_dropped_from_what_is_shown_only():
    from dataclasses import replace

    from newsweave.summarize import DEFAULT_SETTINGS
    from newsweave.summarize.readable import side_clauses

    (annotated,) = annotate([MILL])
    first, second = annotated.sentences[:2]
    assert [first.text[b:e] for b, e in side_clauses(first, "en")] == [
        ", who bought the Tarnford works in 2019,"
    ]
    assert [second.text[b:e] for b, e in side_clauses(second, "en")] == [
        ", which started in a dust extractor,"
    ]
    assert side_clauses(first, "fr") == []
    settings = replace(DEFAULT_SETTINGS, side_clauses=True)
    summary = summarize([annotated], words=500, settings=settings)
    assert summary[0].text == (
        "Mill owner Pia Lund closed it on Friday after a fire in the boiler house."
    )
    assert summary[1].text == "The fire was put out within two hours."
    assert summary[0].citations[0].text == first.text  # the citation keeps the clause
    # the budget counts what is shown: 15 + 8 words fit in 23
    assert [s.citations[0].sentence for s in summarize([annotated], 23, settings)] == [1, 2]
    assert [s.citations[0].sentence for s in summarize([annotated], 23)] == [1]  # 22 words


def test_given_sentence_vectors_are_the_ones_encoded_here(two_outlets):
    from dataclasses import replace

    from newsweave.encoder import encode
    from newsweave.summarize import DEFAULT_SETTINGS

    settings = replace(DEFAULT_SETTINGS, semantic_support_weight=0.5, semantic_mmr=1.0)
    vectors = encode([s.text for a in two_outlets for s in a.sentences])
    given = summarize(two_outlets, words=60, settings=settings, vectors=vectors)
    assert given == summarize(two_outlets, words=60, settings=settings)
    assert "collapsed" in given[0].text and len(given) >= 2


def test_leading_connective_is_dropped_but_the_citation_keeps_it(docks):
    summary = summarize(docks, words=120)
    (authority,) = [s for s in summary if "backlog" in s.text]
    assert authority.text.startswith("The port authority said the new shifts")
    assert authority.citations[0].text.startswith("But the port authority said")


def test_person_named_by_surname_is_introduced_with_name_and_role(docks):
    from newsweave.summarize.readable import introduce_people

    sentences = docks[0].sentences
    from newsweave.analyze.actors import find_actors
    from newsweave.summarize.extractive import _nouns

    actors, nouns = find_actors(docks), _nouns(docks)
    # the surname-only sentence shown first: it gets the full name and the role from the text
    texts = introduce_people(
        [(sentences[4].text, sentences[4], 0), (sentences[1].text, sentences[1], 0)], actors, nouns
    )
    assert texts[0].startswith("Union regional secretary Ines Marlow rejected an offer of talks")
    assert texts[1] == sentences[1].text  # already introduced: unchanged
    # a name the actors analysis does not know is left as written
    assert introduce_people([(sentences[4].text, sentences[4], 0)], ()) == [sentences[4].text]


def test_tfidf_uses_the_articles_language_stop_words():
    from newsweave.summarize.extractive import _vectorize

    french = [
        "Le pont de la ville est tombé dans le fleuve.",
        "Les élus de la ville sont dans la salle.",
    ]
    as_english = _vectorize(french)  # "le", "la", "de", "dans" count as shared terms
    as_french = _vectorize(french, ["fr", "fr"])  # only "ville" is shared
    assert as_english.shape[1] > as_french.shape[1]
    assert as_english[0] @ as_english[1] > as_french[0] @ as_french[1] > 0.0
    # each row keeps only content words: 4 in the first sentence ("pont ville tombé fleuve")
    assert (as_french[0] > 0).sum() == 4


# --- the two seed scrapes (../shared/samples): the summary tells the story at 120 words

REACTION = {("Stars and Stripes", n) for n in (1, 3, 4, 5, 10, 11)} | {
    ("The Washington Post", n) for n in (11, 12, 13, 14, 15)
}
SUMMIT_REJECTED = {("Stars and Stripes", n) for n in (12, 14, 19)}
TALKS_STALLED = {("Stars and Stripes", n) for n in (9, 16, 18)} | {
    ("The Washington Post", n) for n in (16, 18)
}


@pytest.fixture(scope="module")
def seeds():
    from conftest import SAMPLES, need

    from newsweave.pipeline import extract

    paths = [need(SAMPLES / "korea-drills-stripes.txt"), need(SAMPLES / "korea-drills-wapo.txt")]
    return annotate(list(extract(paths).articles))


@pytest.fixture(scope="module")
def seed_summary(seeds):
    return summarize(seeds, words=120)


def cited(summary) -> set[tuple[str, int]]:
    return {(c.source, c.sentence) for s in summary for c in s.citations}


def test_seed_summary_opens_with_a_lead_and_covers_the_reaction(seed_summary):
    assert words(seed_summary) <= 120
    assert seed_summary[0].citations[0].sentence == 1  # what happened
    assert cited(seed_summary) & REACTION, "North Korea's rejection of the gesture"


@pytest.mark.xfail(
    strict=True,
    reason="issue 16: at 120 words the two outlets' leads, Esper's quote and his call fill the "
    "budget; the learned scorer rates the summit rejection (one outlet) and the stalled talks "
    "(both, in other words) below the quotes, and every prior tried that brings them in costs "
    "ROUGE (docs/benchmarks.md)",
)
def test_seed_summary_covers_the_summit_rejection_and_the_stalled_talks(seed_summary):
    found = cited(seed_summary)
    assert found & SUMMIT_REJECTED, "the rejection of another summit"
    assert found & TALKS_STALLED, "the stalled talks"


def test_seed_summary_has_no_sentence_leaning_on_one_not_shown(seeds, seed_summary):
    from newsweave.summarize.readable import depends_on_previous

    by_key = {(a.article.label, s.index): s for a in seeds for s in a.sentences}
    shown = [(s.citations[0].source, s.citations[0].sentence) for s in seed_summary]
    for i, key in enumerate(shown):
        if depends_on_previous(by_key[key], "en"):
            assert i > 0 and shown[i - 1] == (key[0], key[1] - 1), key
    for s in seed_summary:
        assert not s.text.startswith(("But ", "He ", "She ", "It ", "They "))
        assert s.citations and all(
            c.text == by_key[(c.source, c.sentence)].text for c in s.citations
        )


def test_seed_summary_introduces_people_at_first_mention(seeds):
    for budget in (120, 250):
        text = " ".join(s.text for s in summarize(seeds, words=budget))
        if "Esper" in text:
            assert text.index("Defense Secretary Mark") <= text.index("Esper")
        if "Kim Kye Gwan" in text:
            assert text.index("Kim Kye Gwan") > text.index("Foreign Ministry official")


def test_voices_are_the_people_who_speak_in_the_main_clause(seeds):
    from newsweave.summarize.extractive import DEFAULT_SETTINGS, _actors, _candidates, _voices

    candidates = _candidates(seeds, DEFAULT_SETTINGS)
    voices = _voices(candidates, _actors(seeds))
    spoken = {(c.source, c.sentence.index): v for c, v in zip(candidates, voices, strict=True) if v}
    assert spoken[("Stars and Stripes", 10)] == "Kim Yong Chol"  # "Kim Yong Chol accused ..."
    assert spoken[("Stars and Stripes", 14)] == "Kim Kye Gwan"  # "... official Kim Kye Gwan said"
    assert spoken[("The Washington Post", 10)] == "Mark Esper"  # "Esper called on ..."
    # "North Korea has long maintained that Trump promised ...": Trump is no voice there
    assert ("The Washington Post", 6) not in spoken
    assert ("Stars and Stripes", 1) not in spoken  # North Korea speaks, not a person


def test_a_line_without_a_verb_is_not_a_summary_sentence():
    from dataclasses import replace

    from newsweave.summarize import DEFAULT_SETTINGS

    review = Article(
        doc_id="review.txt",
        outlet="Tarn Weekly",
        paragraphs=(
            "With Ada Kern, Ivo Marsh, Lotte Brandvik and Piet Solberg, in cinemas from Friday",
            "The new film by director Mira Okafor follows a lighthouse keeper through one "
            "long winter on the Skarn coast.",
            "Kern plays the keeper with a quiet stubbornness that carries the slow first hour.",
        ),
    )
    annotated = annotate([review])
    credits = annotated[0].sentences[0].text
    assert not any(t.pos in ("VERB", "AUX") for t in annotated[0].sentences[0].tokens)
    shown = [s.text for s in summarize(annotated, words=500)]
    assert credits not in " ".join(shown) and len(shown) == 2
    # the switch is what drops it: off, the credits line is shown
    off = summarize(annotated, words=500, settings=replace(DEFAULT_SETTINGS, clauses_only=False))
    assert any("Lotte Brandvik" in s.text for s in off)


def test_plural_demonstrative_before_a_noun_leans_back_but_not_before_time():
    from newsweave.summarize.readable import depends_on_previous

    (annotated,) = annotate(
        [
            Article(
                doc_id="clinic.txt",
                paragraphs=(
                    "The Marrowfield clinic treated 4,200 patients with the fever last year.",
                    "Of these patients, nearly 15 percent were younger than 50.",
                    "These days the clinic opens at seven in the morning.",
                    "Those talks with the health board ended without a deal.",
                ),
            )
        ]
    )
    assert [depends_on_previous(s, "en") for s in annotated.sentences] == [
        False,
        True,
        False,
        True,
    ]


# --- the learned sentence scorer (summarize/scorer.py, fitted by bench/fit_sentence_scorer.py)


def test_sentence_features_read_what_the_seed_sentences_say(seeds):
    from newsweave.summarize import scorer
    from newsweave.summarize.extractive import sentence_features

    sentences, rows = sentence_features(seeds)
    assert rows.shape == (len(sentences), len(scorer.FEATURES))
    column = {name: j for j, name in enumerate(scorer.FEATURES)}
    by_key = {("stripes" in s.doc_id, s.index): r for s, r in zip(sentences, rows, strict=True)}
    lead = by_key[(True, 1)]  # "North Korea stepped up pressure Tuesday ..."
    assert lead[column["first"]] == 1.0 and lead[column["dated"]] == 1.0
    assert lead[column["quoted"]] == 0.0 and lead[column["repeats_own"]] == 0.0
    # "Former North Korean nuclear negotiator Kim Yong Chol gave the first official response"
    assert by_key[(True, 3)][column["first_full_name"]] == 1.0
    # "“The U.S. tries to make a good impression ...,” ... said": a quote
    assert by_key[(True, 4)][column["quoted"]] == 1.0
    assert 0.5 < by_key[(True, 4)][column["quote_share"]] < 1.0  # most of it is the quote
    assert by_key[(True, 3)][column["quote_share"]] < 0.1  # “act of goodwill” only
    # the Post's lead tells what Stars and Stripes' lead tells: close to another opening
    assert by_key[(False, 1)][column["like_leads"]] > 0.2
    # Esper's call is told by both outlets: its best match in the other is close
    assert by_key[(False, 10)][column["best_other"]] > 0.45
    assert by_key[(True, 7)][column["dependent"]] == 1.0  # "He called on the North ..."


def test_exported_trees_predict_what_scikit_learn_predicts(seeds):
    """The trees shipped as JSON, evaluated with numpy, give scikit-learn's own predictions."""
    import json
    import sys

    from conftest import ROOT
    from sklearn.ensemble import GradientBoostingRegressor

    from newsweave.summarize import scorer
    from newsweave.summarize.extractive import sentence_features

    sys.path.insert(0, str(ROOT / "bench"))
    from fit_sentence_scorer import export

    _, rows = sentence_features(seeds)
    target = rows[:, 0] * 3 + rows[:, 2] - rows[:, 10]
    model = GradientBoostingRegressor(n_estimators=20, max_depth=3, random_state=0)
    model.fit(rows, target)
    data = json.loads(json.dumps(export(model, rows)))
    ours = scorer.from_json(data).predict(rows)
    assert abs(ours - model.predict(rows)).max() < 1e-6


def test_the_shipped_scorer_loads_and_names_its_features():
    from newsweave.summarize import DEFAULT_SETTINGS, scorer

    model = scorer.shipped_model()
    assert model.features == scorer.FEATURES
    assert len(model.trees) >= 50
    assert 0 < DEFAULT_SETTINGS.learned_mix < 1
