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
    "en": frozenset(word_list("he she it they him her them his its their this that these those")),
    "fr": frozenset(word_list("il elle ils elles lui leur leurs son sa ses cela ceci celui celle")),
}
# Demonstratives lean back only as pronouns ("This is ..."), not as determiners ("This week").
_DEMONSTRATIVES = frozenset(word_list("this that these those cela ceci"))
_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "nsubj:pass"})
# "Of these patients, ...", "Those talks ...": a plural demonstrative before a noun in the
# opening phrase points back too, unless the noun is one of time ("these days").
_PLURAL_DEMONSTRATIVES = frozenset(word_list("these those ces"))
_TIME_NOUNS = frozenset(word_list("days weeks months years times hours decades jours"))
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
    opening = [t for t in tokens if t.start >= start][:3]
    for t, after in zip(opening, opening[1:], strict=False):
        word, noun = t.text.lower(), after.text.lower()
        if (
            word in _PLURAL_DEMONSTRATIVES
            and after.pos in ("NOUN", "ADJ")
            and noun not in _TIME_NOUNS
        ):
            return True
    for i, t in enumerate(tokens):
        if t.dep in _SUBJECT_DEPS and t.pos == "PRON" and t.text.lower() in pronouns:
            head = tokens[t.head] if 0 <= t.head < len(tokens) else t
            if head.dep == "ROOT" or t.head == i:
                return True
    return False


def introduce_people(
    shown: Sequence[tuple[str, Sentence, int]],
    actors: Sequence[Actor],
    nouns: dict[str, str] | None = None,
) -> list[str]:
    """Name each person in full, with the role the articles give them, at first mention.

    `shown` holds, in summary order, each sentence as shown, the sentence it comes from
    and how many characters were cut from its start (a dropped connective); `actors` is
    the actors analysis of the same articles. A person is found by the names the
    analysis merged (name and aliases) and by the surname of a full name, when only one
    person of the story goes by it. The change is conservative: a name used as a
    modifier ("the Kalashnikov rifle"), tagged as something else than a person, or
    followed by an appositive ("Ines Marlow, the union's secretary") is left alone, so is
    anything inside quotation marks (the speaker's own words), and a role is added only
    where the articles wrote it right before the full name and it ends in a singular
    noun (`nouns`: word -> Penn tag of the articles' nouns; no roles without it).
    """
    other_names = {n for a in actors if a.kind != "person" for n in (a.name, *a.aliases)}
    by_name: dict[str, set[str]] = {}
    people = {a.name: a for a in actors if a.kind == "person"}
    for actor in people.values():
        names = {actor.name, *actor.aliases}
        if len(actor.name.split()) > 1:
            names.add(actor.name.split()[-1])
        for name in names:
            if name[:1].isupper() and name not in other_names:
                by_name.setdefault(name, set()).add(actor.name)
    unique = sorted((n for n, who in by_name.items() if len(who) == 1), key=len, reverse=True)
    introduced: set[str] = set()
    out = []
    for text, sentence, cut in shown:
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
            if _is_person_name(sentence, at + cut, len(mention)) and not _quoted(text, at):
                text = _introduce(text, at, mention, people[person], nouns or {})
        introduced.update(person for _, _, person in found)
        out.append(text)
    return out


_NOT_PEOPLE = frozenset(
    word_list("ORG GPE LOC NORP PRODUCT FAC WORK_OF_ART EVENT LAW LANGUAGE DATE MONEY")
)
_MODIFIER_DEPS = frozenset(word_list("compound amod nmod"))


def _is_person_name(sentence: Sentence, begin: int, length: int) -> bool:
    """Whether the words at `begin` in the sentence read as a person's name standing on
    its own: no other entity kind, not a modifier of a noun, not cut from a longer name."""
    if not sentence.tokens:
        return True  # no parse to check against (rule-split languages)
    inside = [i for i, t in enumerate(sentence.tokens) if begin <= t.start < begin + length]
    if not inside:
        return False
    tokens = sentence.tokens
    if any(tokens[i].ent in _NOT_PEOPLE for i in inside):
        return False
    last = tokens[inside[-1]]
    if last.dep in _MODIFIER_DEPS and tokens[last.head].pos in ("NOUN", "PROPN"):
        head = tokens[last.head]
        if head.ent != "PERSON" and last.head not in inside:
            return False
    after = inside[-1] + 1
    return not (after < len(tokens) and tokens[after].pos == "PROPN")


# Words after which a role reads naturally before a name ("said Defense Secretary ...").
_ROLE_AFTER = frozenset(word_list("said says told added and by with from to according"))


def _quoted(text: str, at: int) -> bool:
    """Whether position `at` lies inside quotation marks."""
    head = text[:at]
    return head.count("“") > head.count("”") or head.count('"') % 2 == 1


def _introduce(text: str, at: int, mention: str, actor: Actor, nouns: dict[str, str]) -> str:
    name = actor.name if len(actor.name) > len(mention) and mention in actor.name else mention
    rest = re.findall(r"\w+", text[at + len(mention) :])[:1]
    if name != mention and (
        _find_word(text, actor.name) >= 0  # the full name is already in the sentence
        or (rest and rest[0] in actor.name.split())  # "Kleiner, Perkins": a list, not a name
    ):
        name = mention
    role = _stated_role(actor, nouns)
    before = text[:at].rstrip()
    after = text[at + len(mention) :]
    if role and (
        role.lower() in text.lower()  # the sentence already says it
        or re.match(r"\s*,\s*(?:the |a |an )?[a-z]", after)  # an appositive describes them
        or not (
            not before or before[-1] in ",;:—–(\"“”'‘’" or before.split()[-1].lower() in _ROLE_AFTER
        )
    ):
        role = ""
    if not role and name == mention:
        return text
    phrase = f"{role} {name}" if role else name
    if at == 0:
        phrase = phrase[:1].upper() + phrase[1:]
    elif phrase.split()[0].lower() in _LOWER_INSIDE:
        phrase = phrase[:1].lower() + phrase[1:]
    return text[:at] + phrase + after


def _stated_role(actor: Actor, nouns: dict[str, str]) -> str:
    """The first role the articles wrote right before the person's full name, ending in a
    singular noun ("designer", not "admirable" or "archaeologists"), if any."""
    for role in actor.roles:
        if len(role.split()) > 6 or any(ch.isdigit() for ch in role):
            continue
        if nouns.get(role.split()[-1].lower()) not in ("NN", "NNP"):
            continue
        first = f"[{re.escape(role[0].lower())}{re.escape(role[0].upper())}]"
        pattern = rf"(?<![\w-]){first}{re.escape(role[1:])}\s+{re.escape(actor.name)}(?!\w)"
        if any(re.search(pattern, c.text) for c in actor.citations):
            return role
    return ""


def _find_word(text: str, word: str) -> int:
    match = re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text)
    return match.start() if match else -1


_RELATIVE = frozenset(word_list("which who whom whose"))


def side_clauses(sentence: Sentence, language: str) -> list[tuple[int, int]]:
    """Character spans of the sentence's non-restrictive relative clauses (", which had
    already been scaled back,"), comma included: side information a summary can leave
    out to make room. Nothing inside quotation marks, nothing in other languages."""
    if language != "en" or not sentence.tokens:
        return []
    tokens = sentence.tokens
    children: dict[int, list[int]] = {}
    for i, t in enumerate(tokens):
        if t.head != i:
            children.setdefault(t.head, []).append(i)
    spans = []
    for i, t in enumerate(tokens):
        if t.dep != "relcl":
            continue
        inside, stack = set(), [i]
        while stack:
            k = stack.pop()
            inside.add(k)
            stack.extend(children.get(k, []))
        first, last = min(inside), max(inside)
        if len(inside) != last - first + 1 or tokens[first].text.lower() not in _RELATIVE:
            continue
        if any(tokens[k].text in (",", ";", "“", '"') for k in range(first, last)):
            continue  # a clause with its own commas or quotes: too easy to misparse
        if first == 0 or tokens[first - 1].text != ",":
            continue
        after = tokens[last + 1].text if last + 1 < len(tokens) else ""
        if after not in (",", ".", ";") or _quoted(sentence.text, tokens[first].start):
            continue
        begin = tokens[first - 1].start
        end = tokens[last].start + len(tokens[last].text)
        if after == ",":  # mid-sentence: the closing comma goes too
            end = tokens[last + 1].start + 1
        spans.append((begin, end))
    return spans


def drop_phrases(text: str, phrases: Sequence[str]) -> str:
    """`text` without each phrase (a side clause with its commas), spaces tidied; a phrase
    the text no longer holds word for word is left alone."""
    for phrase in phrases:
        at = text.find(phrase)
        if at < 0:
            continue
        head, tail = text[:at].rstrip(), text[at + len(phrase) :].lstrip()
        text = head + (" " if tail[:1].isalnum() or tail[:1] in "“\"‘'(" else "") + tail
    return text
