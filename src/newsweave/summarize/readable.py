"""What makes an extracted sentence stand on its own in a summary.

A sentence lifted out of its article can lean on the sentences before it: it
opens with a pronoun ("He called on the North ...", "It also argues ..."), its
speaker is a pronoun ("... ," he said), or it opens with a connective that
answers a sentence the reader has not seen ("But ..."). The summary only shows
a pronoun-led sentence right after the sentence it leans on, and drops a
leading connective (the citation keeps the sentence as the outlet wrote it).

A person named only by surname, or without the role the story gives them, is
introduced at their first mention in the summary with the full name and role
the actors analysis read from the same articles ("Esper" -> "Defense Secretary
Mark Esper"). Nothing is added that the articles do not say.

Pronoun and connective lists exist for English and French (the languages with
a parser here); other languages are shown as extracted.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from newsweave.lexicon import word_list
from newsweave.model import Actor, Sentence

# Third-person pronouns and possessives that point back to an earlier sentence.
_PRONOUNS = {
    "en": frozenset(word_list("he she it they him her them his its their this these those")),
    "fr": frozenset(word_list("il elle ils elles lui leur leurs son sa ses cela ceci celui celle")),
}
# Demonstratives lean back only as pronouns ("This is ..."), not as determiners ("This week").
_DEMONSTRATIVES = frozenset(word_list("this that these those cela ceci"))
_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "nsubj:pass"})
# Connectives that answer an earlier sentence, shown without them ("But talks stalled" ->
# "Talks stalled"); a comma after them goes too ("However, ...").
_CONNECTIVES = {
    "en": (
        "but",
        "and",
        "yet",
        "however",
        "still",
        "also",
        "moreover",
        "furthermore",
        "nevertheless",
        "nonetheless",
        "instead",
        "meanwhile",
        "so",
    ),
    "fr": ("mais", "et", "pourtant", "cependant", "toutefois", "néanmoins", "aussi", "or"),
}
# First words of a role that read in lower case inside a sentence ("former negotiator").
_LOWER_INSIDE = frozenset(word_list("former acting then the a an ancien ancienne le la les un une"))


def language_of(code: str | None) -> str:
    """The base code the lists are keyed by ("en-GB" -> "en"); English when unknown."""
    base = (code or "").split("-")[0].lower()
    return "en" if base in ("", "und") else base


def leading_connective(text: str, language: str) -> re.Match[str] | None:
    """The connective (with its comma and spaces) a sentence opens with, if any."""
    words = _CONNECTIVES.get(language)
    if not words:
        return None
    pattern = r"(?i)(?:" + "|".join(re.escape(w) for w in words) + r")\b,?\s+(?=\S)"
    match = re.match(pattern, text)
    if match is None:
        return None
    rest = text[match.end() :]
    # "So far ...", "Still photos ...": only drop a connective followed by a clause opener
    if match.group(0).strip(", ").lower() in ("so", "still") and "," not in match.group(0):
        return None
    return match if rest[:1].isalnum() or rest[:1] in "“\"‘'" else None


def without_connective(text: str, language: str) -> str:
    """`text` without an opening connective, its new first letter upper case."""
    match = leading_connective(text, language)
    if match is None:
        return text
    rest = text[match.end() :]
    return rest[:1].upper() + rest[1:]


def depends_on_previous(sentence: Sentence, language: str) -> bool:
    """Whether the sentence leans on the one before it: it opens with a third-person
    pronoun (after any connective), or the subject of its main verb is one."""
    pronouns = _PRONOUNS.get(language)
    if not pronouns or not sentence.tokens:
        return False
    tokens = sentence.tokens
    skip = leading_connective(sentence.text, language)
    start = skip.end() if skip else 0
    first = next((t for t in tokens if t.start >= start and t.text.strip("“\"‘'")), None)
    if first is not None:
        word = first.text.lower()
        if word in pronouns and (word not in _DEMONSTRATIVES or first.pos == "PRON"):
            return True
    for i, t in enumerate(tokens):
        if t.dep in _SUBJECT_DEPS and t.pos == "PRON" and t.text.lower() in pronouns:
            head = tokens[t.head] if 0 <= t.head < len(tokens) else t
            if head.dep == "ROOT" or t.head == i:
                return True
    return False


def introduce_people(texts: Sequence[str], actors: Sequence[Actor]) -> list[str]:
    """Name each person in full, with the role the articles give them, at first mention.

    `texts` are the summary's sentences as shown, in order; `actors` is the actors
    analysis of the same articles. A person is found by the
    names the analysis merged (name and aliases) and by the surname of a full name,
    when only one person of the story goes by it.
    """
    # The shown text is searched, not the tagger's entities: it can miss "Marlow" once.
    by_name: dict[str, set[str]] = {}
    people = {a.name: a for a in actors if a.kind == "person"}
    for actor in people.values():
        names = {actor.name, *actor.aliases}
        if len(actor.name.split()) > 1:
            names.add(actor.name.split()[-1])
        for name in names:
            if name[:1].isupper():
                by_name.setdefault(name, set()).add(actor.name)
    unique = sorted((n for n, who in by_name.items() if len(who) == 1), key=len, reverse=True)
    introduced: set[str] = set()
    out = []
    for text in texts:
        claimed: list[tuple[int, int]] = []
        found: list[tuple[int, str, str]] = []  # (where, mention, person)
        for name in unique:
            for match in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", text):
                span = match.span()
                if any(a < span[1] and span[0] < b for a, b in claimed):
                    continue
                claimed.append(span)
                found.append((span[0], name, next(iter(by_name[name]))))
        for at, mention, person in sorted(found, reverse=True):  # right to left: offsets hold
            first = min(a for a, _, p in found if p == person)
            if person in introduced or at != first:
                continue
            text = _introduce(text, at, mention, people[person])
        introduced.update(person for _, _, person in found)
        out.append(text)
    return out


def _introduce(text: str, at: int, mention: str, actor: Actor) -> str:
    role = actor.roles[0] if actor.roles else ""
    lowered = text.lower()
    if role and role.lower() in lowered:
        role = ""  # the sentence already says it
    before = text[:at].split()
    if before and before[-1][:1].isupper():
        role = ""  # a title of its own ("Secretary Esper"), or a name run ("Kim" in "Kim Kye")
    name = actor.name if len(actor.name) > len(mention) and mention in actor.name else mention
    if name == mention and not role:
        return text
    if name != mention and _find_word(text, actor.name) >= 0:
        name = mention  # the full name is already in the sentence
    if not role and name == mention:
        return text
    phrase = f"{role} {name}" if role else name
    if at == 0:
        phrase = phrase[:1].upper() + phrase[1:]
    elif phrase.split()[0].lower() in _LOWER_INSIDE:
        phrase = phrase[:1].lower() + phrase[1:]
    return text[:at] + phrase + text[at + len(mention) :]


def _find_word(text: str, word: str) -> int:
    match = re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text)
    return match.start() if match else -1
