"""The story timeline: dated events from every source, merged across outlets, in order.

Each event is the clause that carries a temporal expression, the value that
expression resolves to against its article's publication date, and a citation.
Nothing is dated without an anchor: an undated article's relative expressions
stay unresolved, except a weekday that a dated outlet reporting the same event
pins to a day (the design's "dateline weekday consistent with a neighbouring
source"); the anchor then says which outlet fixed the week.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from newsweave.analyze.dependencies import DependencyTree
from newsweave.analyze.temporal import (
    TemporalExpression,
    Timex,
    detect,
    governing_verb,
    normalise,
    resolve,
    value_start,
)
from newsweave.lexicon import WEEKDAYS
from newsweave.model import AnnotatedArticle, Article, Citation, Sentence, TimelineEvent, Token

# Values that place nothing on a calendar: how long, how often, "now".
NO_EVENT_PRECISIONS = frozenset({"duration", "set", "reference"})
# Clause parts cut away unless they hold the expression: other coordinated clauses and
# loosely attached side clauses ("..., killing two workers").
TRIMMED_DEPS = frozenset({"conj", "cc", "advcl", "parataxis", "punct", "relcl"})
CONTENT_POS = frozenset({"NOUN", "PROPN", "VERB", "ADJ", "NUM"})
IGNORED_LEMMAS = frozenset(
    {"be", "have", "do", "say", "tell", "report", "year", "month", "week", "day", "last"}
    | set(WEEKDAYS)
)
# Deictic words that shift with the speaker's day when quoted (see _speaker_relative).
SPEAKER_DEICTIC = re.compile(r"\b(?:today|tonight|yesterday|tomorrow|this (?:morning|"
                             r"afternoon|evening))\b", re.IGNORECASE)  # fmt: skip
MIN_CLAUSE_TOKENS = 4  # a shorter clause ("said Sunday") says too little: show the sentence
# Merging: two outlets report the same event when the values are equal and the clauses
# share this share of content lemmas (overlap coefficient) and at least MIN_SHARED of them.
# Calibrated by eye on examples/kestrelholm-fire (five outlets) and the two shared samples.
MERGE_OVERLAP = 0.4
# Week fixing compares whole sentences, which outlets word differently; the same weekday
# name is already required, so a low bar (set on the samples: WaPo "officials announced
# Sunday" vs Stripes "Esper said Sunday ...", 2 shared lemmas, 0.13) is enough.
WEEK_FIX_OVERLAP = 0.1
MIN_SHARED = 2


@dataclass(frozen=True)
class _Found:
    order: tuple[int, int, int]  # article, sentence, expression position: story order
    article: Article
    sentence: Sentence
    expression: TemporalExpression
    timex: Timex
    clause: str
    lemmas: frozenset[str]
    sentence_lemmas: frozenset[str]
    anchor: str | None


def build_timeline(articles: Sequence[AnnotatedArticle]) -> tuple[TimelineEvent, ...]:
    """Every dated (or datable) event in the story, merged across outlets and sorted."""
    found = [f for a_i, annotated in enumerate(articles) for f in _events(a_i, annotated)]
    found = [_fix_week(f, found) for f in found]
    groups: list[list[_Found]] = []
    for f in found:
        home = next((g for g in groups if _same_event(g[0], f)), None)
        if home is None:
            groups.append([f])
        elif f.article.doc_id not in {x.article.doc_id for x in home}:
            home.append(f)
    return tuple(_event(g) for g in sorted(groups, key=_sort_key))


def anchor_label(article: Article) -> str | None:
    """How an event names its anchor: "published 2026-04-20 (html-meta)"."""
    if article.published is None:
        return None
    source = f" ({article.published_source})" if article.published_source else ""
    return f"published {article.published.isoformat()}{source}"


def _events(a_i: int, annotated: AnnotatedArticle) -> list[_Found]:
    article = annotated.article
    out = []
    for sentence in annotated.sentences:
        if not any(t.pos in ("VERB", "AUX") for t in sentence.tokens):
            continue  # captions, headlines without a verb, chrome: no event to date
        for e_i, expr in enumerate(detect(sentence)):
            if _possessive(sentence, expr):
                continue  # "Today's coverage", "this year's vaccine": a label, not a date
            timex = resolve(sentence, expr, article.published)
            if timex.resolved and _speaker_relative(sentence, expr):
                timex = Timex(None, "unresolved", timex.type, "quoted: the day it was said")
            if timex.precision in NO_EVENT_PRECISIONS or _unplaceable(timex):
                continue
            clause, lemmas = _clause(sentence, expr)
            out.append(
                _Found(
                    (a_i, sentence.index, e_i),
                    article,
                    sentence,
                    expr,
                    timex,
                    clause,
                    lemmas,
                    _content_lemmas(sentence, range(len(sentence.tokens))),
                    anchor_label(article) if timex.resolved and not timex.absolute else None,
                )
            )
    return out


def _speaker_relative(sentence: Sentence, expr: TemporalExpression) -> bool:
    """ "today" / "tomorrow" inside a quote count from when the speaker spoke, not from
    the publication date, and the text rarely says when that was."""
    if not SPEAKER_DEICTIC.search(expr.text):
        return False
    before = sentence.text[: expr.start]
    curly = before.count("“") - before.count("”")
    return curly > 0 or (not curly and before.count('"') % 2 == 1)


def _possessive(sentence: Sentence, expr: TemporalExpression) -> bool:
    return sentence.text[expr.end : expr.end + 2] in ("'s", "’s")


def _unplaceable(timex: Timex) -> bool:
    """Unresolved for a reason an anchor would not fix: no rule, or a clock time with no day."""
    return not timex.resolved and (timex.why.startswith("no rule") or timex.type == "TIME")


# --------------------------------------------------------------------------- clause


def _clause(sentence: Sentence, expr: TemporalExpression) -> tuple[str, frozenset[str]]:
    """The verb governing the expression and its subtree, trimmed; else the sentence."""
    tokens = sentence.tokens
    inside = [i for i, t in enumerate(tokens) if expr.start <= t.start < expr.end]
    verb = governing_verb(tokens, inside[0]) if inside else None
    if verb is None:
        return sentence.text, _content_lemmas(sentence, range(len(tokens)))
    # Climb from an infinitive or subject-less conjunct to the verb that has the subject:
    # "promised to cancel ... in 2018" -> "Trump promised to cancel ... in 2018".
    for _ in range(3):
        has_subject = any(t.head == verb and t.dep.startswith("nsubj") for t in tokens)
        if has_subject or tokens[verb].dep not in ("xcomp", "conj") or tokens[verb].head == verb:
            break
        verb = tokens[verb].head
    keep = _clause_tokens(tokens, verb, set(inside))
    while keep and tokens[keep[0]].pos in ("PUNCT", "CCONJ"):
        keep = keep[1:]
    while keep and tokens[keep[-1]].pos in ("PUNCT", "CCONJ"):
        keep = keep[:-1]
    if len(keep) < MIN_CLAUSE_TOKENS:
        return sentence.text, _content_lemmas(sentence, range(len(tokens)))
    first, last = tokens[keep[0]], tokens[keep[-1]]
    text = sentence.text[first.start : last.start + len(last.text)]
    return text, _content_lemmas(sentence, keep)


def _clause_tokens(tokens: Sequence[Token], root: int, protect: set[int]) -> list[int]:
    """Indices under `root`, without trimmed children whose subtree holds no expression token."""
    tree = DependencyTree(tokens)
    kept = [root]
    for c in tree.children[root]:
        sub = tree.subtree(c)
        if tokens[c].dep in TRIMMED_DEPS and not protect & set(sub):
            continue
        kept += sub
    kept.sort()
    # keep one contiguous run around the root: trimmed pieces must not leave holes
    lo, hi = kept.index(root), kept.index(root)
    while lo > 0 and kept[lo - 1] == kept[lo] - 1:
        lo -= 1
    while hi < len(kept) - 1 and kept[hi + 1] == kept[hi] + 1:
        hi += 1
    run = kept[lo : hi + 1]
    if protect:  # the expression itself always stays in the clause
        run = list(range(min(run[0], min(protect)), max(run[-1], max(protect)) + 1))
    return run


def _content_lemmas(sentence: Sentence, indices) -> frozenset[str]:
    return frozenset(
        sentence.tokens[i].lemma.lower()
        for i in indices
        if sentence.tokens[i].pos in CONTENT_POS
        and sentence.tokens[i].lemma.lower() not in IGNORED_LEMMAS
        and sentence.tokens[i].ent not in ("DATE", "TIME")
    )


def _overlap(a: frozenset[str], b: frozenset[str]) -> tuple[int, float]:
    shared = len(a & b)
    return shared, shared / min(len(a), len(b)) if a and b else 0.0


# --------------------------------------------------------------------------- week fixing


def _fix_week(f: _Found, found: list[_Found]) -> _Found:
    """Resolve an undated weekday when a dated outlet dates the same event's weekday."""
    weekday = _bare_weekday(f.expression.text)
    if f.timex.resolved or f.article.published is not None or weekday is None:
        return f
    best: tuple[float, _Found] | None = None
    for other in found:
        if other.article.published is None or not other.timex.resolved:
            continue
        if _bare_weekday(other.expression.text) != weekday or other.timex.value is None:
            continue
        shared, score = _overlap(f.sentence_lemmas, other.sentence_lemmas)
        if shared >= MIN_SHARED and score >= WEEK_FIX_OVERLAP and (not best or score > best[0]):
            best = (score, other)
    if best is None:
        return f
    other = best[1]
    day = value_start(other.timex.value)
    assert day is not None and other.article.published is not None
    # The other outlet's date is that weekday, so the past-tense reading lands on it.
    timex = normalise(f.expression.text, day, "past")
    if not timex.resolved or value_start(timex.value) != day:
        return f
    anchor = (
        f"week fixed by {other.article.label}, published {other.article.published.isoformat()}"
        + (f" ({other.article.published_source})" if other.article.published_source else "")
    )
    return replace(f, timex=replace(timex, why=f"week fixed by {other.article.label}"),
                   anchor=anchor)  # fmt: skip


def _bare_weekday(text: str) -> str | None:
    """The weekday an expression names without last/next ("late Sunday" -> "sunday")."""
    words = text.lower().replace(",", " ").split()
    if any(w in ("last", "next", "this", "coming", "previous") for w in words):
        return None
    return next((w for w in words if w in WEEKDAYS), None)


# --------------------------------------------------------------------------- merge and order


def _same_event(a: _Found, b: _Found) -> bool:
    if not a.timex.resolved or a.timex.value != b.timex.value:
        return False
    if a.article.doc_id == b.article.doc_id:
        return False
    shared, score = _overlap(a.lemmas, b.lemmas)
    return shared >= MIN_SHARED and score >= MERGE_OVERLAP


def _sort_key(group: list[_Found]) -> tuple:
    first = group[0]
    start = value_start(first.timex.value) if first.timex.resolved else None
    if start is None:
        return (1, date.max, "", first.order)
    return (0, start, first.timex.value, first.order)


def _event(group: list[_Found]) -> TimelineEvent:
    first = group[0]
    return TimelineEvent(
        text=first.clause,
        expression=first.expression.text,
        value=first.timex.value,
        precision=first.timex.precision,
        anchor=first.anchor,
        citations=tuple(
            Citation(f.article.doc_id, f.article.label, f.sentence.index, f.sentence.text)
            for f in group
        ),
    )


__all__ = ["anchor_label", "build_timeline"]
