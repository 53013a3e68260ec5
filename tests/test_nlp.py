"""Sentence splitting keeps quotes whole and with their attribution."""

from __future__ import annotations

from newsweave.model import Article
from newsweave.nlp import annotate


def sentences(*paragraphs: str) -> list[str]:
    (annotated,) = annotate([Article("t", tuple(paragraphs))])
    return [s.text for s in annotated.sentences]


def test_multi_sentence_quote_stays_with_its_speaker():
    assert sentences(
        "“We cannot wait for a collapse. We will act now,” Mayor Ilse Marten said. "
        "The vote was 7-2."
    ) == [
        "“We cannot wait for a collapse. We will act now,” Mayor Ilse Marten said.",
        "The vote was 7-2.",
    ]


def test_straight_quotes_and_pronoun_attribution():
    assert sentences(
        'The ferry operator was blunt. "Nobody asked us. Nobody warned us," he said.'
    ) == ["The ferry operator was blunt.", '"Nobody asked us. Nobody warned us," he said.']


def test_sentence_indexes_run_across_paragraphs():
    (annotated,) = annotate(
        [
            Article(
                "t", ("The bridge closed on Tuesday. Ferries now run.", "Repairs take six months.")
            )
        ]
    )
    assert [(s.index, s.paragraph) for s in annotated.sentences] == [(1, 0), (2, 0), (3, 1)]


def test_entities_are_attached_to_their_sentence():
    (annotated,) = annotate([Article("t", ("Mayor Ilse Marten spoke in Portvale on Tuesday.",))])
    labels = {(e.text, e.label) for e in annotated.sentences[0].entities}
    assert ("Ilse Marten", "PERSON") in labels and ("Tuesday", "DATE") in labels


def test_sample_quote_with_attribution_is_one_sentence(wapo):
    from newsweave import extract

    (article,) = extract([wapo]).articles
    texts = [s.text for s in annotate([article])[0].sentences]
    assert (
        "“I don’t see this as a concession. I see this as a good-faith effort .\u2009.\u2009. to enable "
        "peace,” Esper said."
    ) in texts


def test_tokens_carry_the_parse_with_sentence_relative_offsets():
    (annotated,) = annotate(
        [Article("t", ("The vote was close. “We will act now,” Mayor Ilse Marten said.",))]
    )
    second = annotated.sentences[1]
    said = next(t for t in second.tokens if t.text == "said")
    assert (said.lemma, said.tag, said.dep) == ("say", "VBD", "ROOT")
    assert second.tokens[said.head] == said  # the root points to itself
    subject = next(t for t in second.tokens if t.dep == "nsubj" and t.head == said_index(second))
    assert subject.text == "Marten"
    assert subject.ent == "PERSON"
    for t in second.tokens:
        assert second.text[t.start : t.start + len(t.text)] == t.text


def said_index(sentence):
    return next(i for i, t in enumerate(sentence.tokens) if t.text == "said")


def test_a_paragraph_longer_than_spacy_takes_is_cut_at_sentence_ends(monkeypatch):
    import newsweave.nlp

    monkeypatch.setattr(newsweave.nlp, "MAX_PIECE_CHARS", 200)
    sentence = "Ferry number {n} left the harbour at dawn with forty passengers on board."
    long_paragraph = " ".join(sentence.format(n=n) for n in range(1, 13))  # ~900 characters
    (annotated,) = annotate([Article("t", (long_paragraph, "Repairs take six months."))])
    texts = [s.text for s in annotated.sentences]
    assert texts == [sentence.format(n=n) for n in range(1, 13)] + ["Repairs take six months."]
    assert [s.paragraph for s in annotated.sentences] == [0] * 12 + [1]


def test_pieces_cut_a_paragraph_without_sentence_ends_at_a_space():
    from newsweave.nlp import _pieces

    pieces = list(_pieces("word " * 100, limit=42))
    assert all(len(p) <= 42 for p in pieces)
    assert " ".join(p.strip() for p in pieces).split() == ["word"] * 100


def test_each_article_is_handed_on_as_soon_as_spacy_is_done_with_it():
    articles = [
        Article("a", ("The harbour bridge closed on Tuesday.", "Ferries now run every hour.")),
        Article("b", ()),  # no text: handed on with no sentences
        Article("c", ("Repairs will take six months, the council said.",)),
    ]
    seen = []
    out = annotate(articles, batch_size=1, on_article=lambda i, a: seen.append((i, a)))
    assert sorted(i for i, _ in seen) == [0, 1, 2]
    assert [a for _, a in sorted(seen, key=lambda item: item[0])] == out
    assert [len(a.sentences) for a in out] == [2, 0, 1]
    # article a was handed on before spaCy read article c
    assert [i for i, _ in seen].index(0) < [i for i, _ in seen].index(2)
