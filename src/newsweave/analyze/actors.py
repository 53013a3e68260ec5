"""Who and what a story is about: people, organisations, places and groups, names merged.

Entities come from spaCy (PERSON, ORG, GPE/LOC, NORP). Person names are
merged with `names.NameResolver` (the same rules the quote speakers use), a
bare surname first against the names in its own article, then the story; a
short name that could be several people ("Kim" beside Kim Jong Un, Kim Yong
Chol and Kim Kye Gwan) is counted for no one. Places and organisations merge
through definitions the text gives (initials spelled out, "the North's formal
name, the ..."), a bare first word of exactly one place ("the North" -> North
Korea) and a small table of spellings (U.S. = United States). Capitals stay
separate from their countries. Role lines come from titles before a name and
appositions around it.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from newsweave.analyze.dependencies import DependencyTree
from newsweave.analyze.names import NameResolver, is_product_name, name_key, split_role
from newsweave.analyze.quotes import CUE_LEMMAS
from newsweave.lexicon import HONORIFICS, MONTH_NAMES, TITLE_WORDS, WEEKDAY_NAMES, word_list
from newsweave.model import Actor, AnnotatedArticle, Citation, Mention, Sentence, Token

# --- Heuristics (data) -------------------------------------------------------
KINDS = {"PERSON": "person", "ORG": "organisation", "GPE": "place", "LOC": "place", "NORP": "group"}
# Spellings of one name that no rule derives. Capitals are deliberately absent:
# "Washington" is the government only in some sentences.
ALIASES: dict[str, str] = {
    "u.s.": "United States",
    "u.s": "United States",
    "us": "United States",
    "usa": "United States",
    "u.s.a.": "United States",
    "united states of america": "United States",
    "america": "United States",
    "u.k.": "United Kingdom",
    "uk": "United Kingdom",
    "britain": "United Kingdom",
    "u.n.": "United Nations",
    "un": "United Nations",
    "e.u.": "European Union",
    "eu": "European Union",
}
# A single capitalised word before one of these nouns, or after one of these
# prepositions, is a place even when spaCy calls it a person or an organisation
# ("the Oldmere and Skarn districts", "a boy from Skarn"). From our example story.
PLACE_NOUNS = frozenset(
    [
        "district",
        "districts",
        "island",
        "islands",
        "quarter",
        "neighbourhood",
        "neighbourhoods",
        "neighborhood",
        "neighborhoods",
        "city",
        "town",
        "village",
        "county",
        "province",
        "region",
        "port",
        "harbour",
        "harbor",
        "river",
        "ferry",
        "pier",
        "slipway",
    ]
)
PLACE_PREPOSITIONS = frozenset(["in", "from", "to", "near", "at", "for"])
# A name ending in one of these words is a place whatever the tagger says ("Veldt Quay",
# tagged ORG in our example story; "Changi Airport").
PLACE_HEADS = frozenset(
    [
        "quay",
        "pier",
        "wharf",
        "dock",
        "docks",
        "harbour",
        "harbor",
        "port",
        "airport",
        "square",
        "street",
        "road",
        "avenue",
        "bridge",
        "bay",
        "island",
        "park",
    ]
)
# Of PLACE_HEADS, those no person's surname is: a PERSON ending in one is a place too
# ("Mellander Road"); "Street", "Park", "Bay", "Bridge" and "Port" are also surnames.
STREET_HEADS = frozenset(
    ["quay", "pier", "wharf", "harbour", "harbor", "airport", "road", "avenue"]
)
# A lowercase letter three times running: an interjection ("Ohhh", "Noooo"), never a name
_DRAWN_OUT = re.compile(r"([a-z])\1\1")
# Nouns of things: a one-word name written before one of them ("VX nerve agent", "CCTV
# footage") names a substance or a product, not an actor, unless the story also has it
# speak, act or own something.
THING_NOUNS = frozenset(
    word_list("""
    agent agents gas toxin toxins poison chemical chemicals drug drugs pill pills vaccine
    substance compound weapon weapons missile missiles rocket rockets virus footage camera
    cameras video videos image images picture pictures recording recordings software app
    device devices phone phones model engine
    """)
)
# Words of an organisation's name that the title list also holds ("Air Force"): one of them
# alone before a single-word "person" makes an organisation ("Air Koryo", the airline).
ORGANISATION_PREFIXES = frozenset(
    word_list("air army navy fire police coast guard marine marines force state foreign defense")
    + word_list("defence interior health treasury")
)
# A place preposition before a plural in "-ers" makes it a place ("in Flanders"); otherwise
# it is the people of a region ("jobs for Northerners").
_STRICT_PLACE_PREPOSITIONS = frozenset(["in", "at", "near", "into", "across"])
_FORMAL_NAME = re.compile(
    r"(?:the\s+)?(?P<owner>[A-Z][\w-]*(?:\s+[A-Z][\w-]*)*)['’]s\s+(?:formal|official|full)\s+"
    r"name,?\s+(?:is\s+|was\s+)?(?:the\s+)?(?P<long>[A-Z][^,.;:”\"]*[\w])"
)
_MAX_ROLE_WORDS = 10
# Surnames this long or longer may be two spellings of one name when one letter apart.
MIN_SPELLING_LETTERS = 5
_CLAUSE_STARTS = frozenset(["who", "whom", "whose", "which", "that", "where", "when"])
_NAMING_CUES = ("known as", "called", "named", "dubbed")  # "an exercise known as Vigilant Ace"
_MAX_ROLES = 4
# Words before a name that say when or how old, not who: "Yesterday Kari Lund won",
# "6-year-old Tomas", "Per Holm (27 service years)" are no roles.
_NOT_A_ROLE = re.compile(
    r"^(?:yesterday|today|tomorrow|tonight|now|then)$|\byears?\b|year-old|\bmonths?-old\b",
    re.IGNORECASE,
)
# "U.N." is an initialism, never part of a person's name ("Kim Jong Un").
_INITIALISM = re.compile(r"(?:[A-Za-z]\.){2,5}")
_DROP_LEADING = frozenset(["the", "a", "an", "his", "her", "its", "their", "our", "my", "your"])
_MONTHS_DAYS = frozenset(MONTH_NAMES + WEEKDAY_NAMES)


@dataclass
class _Mention:
    text: str  # entity text, cleaned
    label: str
    source: str
    article: int
    sentence: Sentence
    start: int  # token span in the sentence
    end: int
    role: str | None = None  # a title spaCy kept inside a PERSON entity


@dataclass
class _ActorBuilder:
    name: str
    kinds: Counter
    aliases: set[str]
    mentions: Counter  # source -> count
    roles: list[str]
    citations: list[Citation]
    spellings: Counter  # name as resolved -> count; the most used one is shown


def find_actors(articles: Sequence[AnnotatedArticle]) -> tuple[Actor, ...]:
    """Every person, organisation, place and group the story names, most mentioned first."""
    mentions = _titles_of_people([m for m in _mentions(articles) if not _is_junk(m)])
    mentions = [m for m in mentions if not _not_a_person(m) and not _norp_modifier(m)]
    things = _things(mentions)
    mentions = [m for m in mentions if m.text not in things]
    inhabitants = _inhabitants(mentions)
    lowercase_words = _lowercase_words(articles)
    people = _person_names(mentions)
    story = NameResolver()
    per_article: dict[int, NameResolver] = defaultdict(NameResolver)
    for m in mentions:
        if m.text in people and len(split_role(m.text)[1].split()) > 1:
            story.add(m.text)
            per_article[m.article].add(m.text)
    places = _place_names(mentions)
    defined = _definitions(articles, mentions)
    first_words = _first_word_places(mentions)
    orgs = [m.text for m in mentions if m.label == "ORG"]

    actors: dict[str, _ActorBuilder] = {}
    for m in mentions:
        resolved = _resolve(m, people, story, per_article, places, defined, first_words, orgs)
        if resolved is None:
            continue
        name, kind = resolved
        if m.text in inhabitants:
            name, kind = m.text, "group"
        if kind == "person" and len(name.split()) == 1 and name.lower() in lowercase_words:
            continue  # "Styrene" is a chemical the story also writes in lowercase
        # hyphen and spacing variants are one person: "Kim Jong-nam" = "Kim Jong Nam"
        key = name_key(name) if kind == "person" else name.lower().replace("’", "'")
        if kind == "organisation":  # "Kenya Wildlife Services" = "Kenya Wildlife Service"
            key = re.sub(r"(?<=\w\w\w)s$", "", key)
        if kind == "group":
            key = _group_name(name).lower()
        builder = actors.get(key or name.lower())
        if builder is None:
            builder = actors[key or name.lower()] = _ActorBuilder(
                name, Counter(), set(), Counter(), [], [], Counter()
            )
        builder.spellings[name] += 1
        builder.kinds[kind] += 1
        builder.mentions[m.source] += 1
        if m.text != name:
            builder.aliases.add(m.text)
        if kind == "person":
            for role in _roles(m):
                if not any(_overlaps(role, r) for r in builder.roles):
                    builder.roles.append(role)
                    s = m.sentence
                    builder.citations.append(Citation(s.doc_id, m.source, s.index, s.text))
    _merge_spellings(actors)
    _merge_titles(actors)
    _merge_owned_names(actors)
    for b in actors.values():
        b.name = b.spellings.most_common(1)[0][0]
        b.aliases.update(b.spellings)
    out = [
        Actor(
            name=b.name,
            kind=b.kinds.most_common(1)[0][0],
            roles=tuple(b.roles[:_MAX_ROLES]),
            aliases=tuple(sorted(b.aliases - {b.name})),
            mentions=tuple(Mention(src, n) for src, n in b.mentions.most_common()),
            citations=tuple(b.citations[:_MAX_ROLES]),
        )
        for b in actors.values()
    ]
    out.sort(key=lambda a: (-sum(m.count for m in a.mentions), a.name))
    return tuple(out)


def _merge_spellings(actors: dict[str, _ActorBuilder]) -> None:
    """Two spellings of one person's surname ("Moammar Gaddafi" / "Moammar Gadhafi"): the
    same given names and surnames one letter apart (both of at least MIN_SPELLING_LETTERS
    letters) are one person; the less mentioned joins the more mentioned."""
    people = sorted(
        (k for k, b in actors.items() if b.kinds.most_common(1)[0][0] == "person"),
        key=lambda k: -sum(actors[k].mentions.values()),
    )
    for i, big in enumerate(people):
        if big not in actors:
            continue
        words = big.split()
        for small in people[i + 1 :]:
            other = small.split()
            if small not in actors or len(words) < 2 or len(other) != len(words):
                continue
            if (
                words[:-1] != other[:-1]
                or min(len(words[-1]), len(other[-1])) < MIN_SPELLING_LETTERS
            ):
                continue
            if _one_letter_apart(words[-1], other[-1]):
                b, o = actors[big], actors.pop(small)
                b.spellings.update(o.spellings)
                b.kinds.update(o.kinds)
                b.mentions.update(o.mentions)
                b.aliases.update(o.aliases)
                for role, cite in zip(o.roles, o.citations, strict=False):
                    if not any(_overlaps(role, r) for r in b.roles):
                        b.roles.append(role)
                        b.citations.append(cite)


def _merge_titles(actors: dict[str, _ActorBuilder]) -> None:
    """ "The Harrow County Sheriff says …": a "person" whose name is the title of exactly one
    named person of the story ("Harrow County Sheriff Nils Aune") is that person."""
    people = {k: b for k, b in actors.items() if b.kinds.most_common(1)[0][0] == "person"}
    titles = {
        k: b
        for k, b in actors.items()
        if b.kinds.most_common(1)[0][0] == "person"
        or (  # the tagger's "organisation" "Harrow County Sheriff", ending in a title word
            b.kinds.most_common(1)[0][0] == "organisation" and k.split()[-1] in TITLE_WORDS
        )
    }
    for key, b in list(titles.items()):
        name = b.spellings.most_common(1)[0][0]
        holders = [
            k
            for k, o in people.items()
            if k != key and any(r.lower() == name.lower() for r in o.roles)
        ]
        if len(holders) != 1 or b.roles or key not in actors:
            continue
        o = actors[holders[0]]
        actors.pop(key)
        o.mentions.update(b.mentions)
        o.aliases.update(b.spellings)


def _merge_owned_names(actors: dict[str, _ActorBuilder]) -> None:
    """ "Norway's Bergens Tidende" and "Bergens Tidende" are one organisation: a name that
    opens with an owner's possessive joins the organisation named by the rest."""
    for key in list(actors):
        m = re.match(r"^(.+?)['’]s (.+)$", key)
        if m is None or actors[key].kinds.most_common(1)[0][0] != "organisation":
            continue
        rest = actors.get(m.group(2))
        if rest is None or rest.kinds.most_common(1)[0][0] != "organisation":
            continue
        b = actors.pop(key)
        rest.mentions.update(b.mentions)
        rest.aliases.update(b.spellings)


def _one_letter_apart(a: str, b: str) -> bool:
    """One letter changed, added or dropped ("gaddafi" / "gadhafi", "qaddafi" / "qadhafi")."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def _overlaps(role: str, other: str) -> bool:
    """ "regional secretary" adds nothing to "union's regional secretary"."""
    a, b = (re.sub(r"['’]s\b", "", x.lower()) for x in (role, other))
    return a in b or b in a


# --- mentions ----------------------------------------------------------------


def _mentions(articles: Sequence[AnnotatedArticle]) -> list[_Mention]:
    out = []
    for a_i, annotated in enumerate(articles):
        for sentence in annotated.sentences:
            if _is_headline(sentence):
                continue
            cursor = 0
            for entity in sentence.entities:
                at = sentence.text.find(entity.text, cursor)
                if at < 0:
                    continue
                cursor = at + len(entity.text)
                if entity.label not in KINDS:
                    continue
                start, end = _token_span(sentence.tokens, at, at + len(entity.text))
                if _after_naming_cue(sentence, at):
                    continue
                text, role = _clean(entity.text), None
                if entity.label == "PERSON":
                    text, role, start = _full_person_name(sentence.tokens, start, text)
                if text:
                    out.append(
                        _Mention(
                            text,
                            entity.label,
                            annotated.article.label,
                            a_i,
                            sentence,
                            start,
                            end,
                            role,
                        )
                    )
    return out


def _after_naming_cue(sentence: Sentence, at: int) -> bool:
    return sentence.text[:at].rstrip().lower().endswith(_NAMING_CUES)


def _full_person_name(
    tokens: tuple[Token, ...], start: int, text: str
) -> tuple[str, str | None, int]:
    """Given names spaCy left outside the entity join it: "Anders" + "Kolbeck"."""
    begin = start
    while (
        begin > 0
        and tokens[begin - 1].pos == "PROPN"
        and tokens[begin - 1].dep == "compound"
        and tokens[begin - 1].text[:1].isupper()
        and tokens[begin - 1].text.lower().rstrip(".") not in TITLE_WORDS
        and not tokens[begin - 1].ent
    ):
        begin -= 1
    if begin < start:
        text = " ".join(t.text for t in tokens[begin:start]) + " " + text
    role, bare = split_role(text)
    return bare, role, begin


def _token_span(tokens: tuple[Token, ...], begin: int, end: int) -> tuple[int, int]:
    inside = [i for i, t in enumerate(tokens) if begin <= t.start < end]
    return (inside[0], inside[-1] + 1) if inside else (0, 0)


def _clean(text: str) -> str:
    text = " ".join(text.split())
    text = re.sub(r"['’]s?$", "", text).strip(' ,;:"“”‘’()')
    if text.lower().startswith("the "):
        text = text[4:]
    return text


def _is_headline(sentence: Sentence) -> bool:
    """A related-link headline left in a scrape: no full stop, words in Title Case."""
    if sentence.text.rstrip("”\"’' ").endswith((".", "!", ":")):
        return False
    words = [w for w in sentence.text.split() if w[:1].isalpha()]
    return bool(words) and sum(w[0].isupper() for w in words) / len(words) > 0.6


def _is_junk(m: _Mention) -> bool:
    """Dates, numbers, lowercase words, title words and drawn-out interjections ("Ohhh")
    that spaCy took for names."""
    text = m.text
    if not text or not text[0].isupper() or any(c.isdigit() for c in text):
        return True
    if _DRAWN_OUT.search(text):
        return True
    if text.lower() in _MONTHS_DAYS:
        return True
    return " " not in text and text.lower().rstrip(".") in TITLE_WORDS  # "Defense" in a title


def _not_a_person(m: _Mention) -> bool:
    """A one-word "person" that is a substance, a product or a broadcaster: written in
    capitals ("VX", "CCTV"), or naming the noun after it ("Koryo Air", "VX nerve agent");
    a name holding a craft or an award word is a product ("Parker Solar Probe")."""
    if m.label != "PERSON":
        return False
    if is_product_name(m.text):
        return True
    if " " in m.text:
        return False
    if not any(c.islower() for c in m.text):
        return True
    tokens = m.sentence.tokens
    last = tokens[m.end - 1] if 0 < m.end <= len(tokens) else None
    return bool(
        last is not None
        and last.dep == "compound"
        and m.end < len(tokens)
        and last.head >= m.end
        and tokens[last.head].ent != "PERSON"
        and (tokens[last.head].pos == "NOUN" or tokens[m.end].text[:1].isupper())
    )


def _things(mentions: list[_Mention]) -> set[str]:
    """One-word names the story writes before a thing noun ("VX nerve agent", "CCTV
    footage") and never as someone who speaks (the subject of a speech verb, "according
    to X") or owns ("X's"): substances and products."""
    modifies: set[str] = set()
    acts: set[str] = set()
    for m in mentions:
        if " " in m.text or m.end <= m.start:
            continue
        tokens = m.sentence.tokens
        last = tokens[m.end - 1]
        h = last.head if 0 <= last.head < len(tokens) else m.end - 1
        while tokens[h].dep == "compound" and h < tokens[h].head < len(tokens):  # "VX nerve agent"
            h = tokens[h].head
        head = tokens[h]
        if last.dep == "compound" and last.head >= m.end and head.lemma.lower() in THING_NOUNS:
            modifies.add(m.text)
        if last.dep == "poss" or (last.dep == "nsubj" and head.lemma.lower() in CUE_LEMMAS):
            acts.add(m.text)
        before = [t.text.lower() for t in tokens[max(0, m.start - 2) : m.start]]
        if before == ["according", "to"]:
            acts.add(m.text)
    return modifies - acts


def _inhabitants(mentions: list[_Mention]) -> set[str]:
    """Capitalised plurals in "-ers" the tagger took for places or people ("Northerners",
    "Islanders"), never written after a place preposition: the people of a region."""
    seen: set[str] = set()
    placed: set[str] = set()
    # a surname of someone the story names in full ("Sarah Huckabee Sanders") is no plural
    surnames = {m.text.split()[-1] for m in mentions if m.label == "PERSON" and " " in m.text}
    for m in mentions:
        text = m.text
        if m.label not in ("GPE", "LOC", "PERSON") or " " in text:
            continue
        if not (text.endswith("ers") and len(text) >= 6 and text[:1].isupper()):
            continue
        if text in surnames:
            continue
        seen.add(text)
        before = m.sentence.tokens[m.start - 1].text.lower() if m.start > 0 else ""
        if before in _STRICT_PLACE_PREPOSITIONS:
            placed.add(text)
    return seen - placed


def _norp_modifier(m: _Mention) -> bool:
    """ "North Korean" in "the North Korean leader" describes someone; it is no group."""
    if m.label != "NORP" or m.end <= m.start:
        return False
    last = m.sentence.tokens[m.end - 1]
    return last.dep in ("amod", "compound") and last.head >= m.end


def _titles_of_people(mentions: list[_Mention]) -> list[_Mention]:
    """ "Inspector-General of Police Khalid Abu Bakar": an ORG that opens with a title word
    and runs straight into a person's name is that person's role, not an organisation."""
    out: list[_Mention] = []
    for i, m in enumerate(mentions):
        nxt = mentions[i + 1] if i + 1 < len(mentions) else None
        first = re.split(r"[\s\-]", m.text, maxsplit=1)[0].lower().rstrip(".")
        if (
            m.label == "ORG"
            and nxt is not None
            and nxt.label == "PERSON"
            and nxt.sentence is m.sentence
            and nxt.start == m.end
            and first in TITLE_WORDS
        ):
            nxt.role = nxt.role or m.text
            continue
        out.append(m)
    return out


def _lowercase_words(articles: Sequence[AnnotatedArticle]) -> set[str]:
    return {
        t.text
        for a in articles
        for s in a.sentences
        for t in s.tokens
        if t.text.islower() and t.text.isalpha()
    }


# --- names -------------------------------------------------------------------


def _person_names(mentions: list[_Mention]) -> set[str]:
    """Texts that name a person: spaCy's PERSON, plus an ORG or a one-word place that is a
    person's surname outside a place's context ("Mayor Marit Ellesund" is an ORG to spaCy,
    "Ellesund said" a PERSON; "“No,” Brask shouted" after "Lena Brask" a GPE)."""
    people = {m.text for m in mentions if m.label == "PERSON"}
    surnames = {name_key(p).split()[-1] for p in people if name_key(p)}
    for m in mentions:
        words = len(m.text.split())
        if (m.label == "ORG" and words <= 3) or (m.label in ("GPE", "LOC") and words == 1):
            key = name_key(m.text).split()
            if key and key[-1] in surnames and not _has_place_context(m):
                people.add(m.text)
    return people


def _has_place_context(m: _Mention) -> bool:
    tokens = m.sentence.tokens
    before = tokens[m.start - 1].text.lower() if m.start > 0 else ""
    after = [t.text.lower() for t in tokens[m.end : m.end + 3]]
    if after[:1] == ["and"] and len(after) == 3:  # "the Oldmere and Skarn districts"
        after = after[2:]
    return before in PLACE_PREPOSITIONS or (bool(after) and after[0] in PLACE_NOUNS)


def _place_names(mentions: list[_Mention]) -> set[str]:
    """Single words the text uses as places in at least half their mentions
    ("the Skarn districts", "a boy from Skarn"; but not "shares in Harrow-Lind")."""
    seen: Counter = Counter()
    as_place: Counter = Counter()
    for m in mentions:
        if " " not in m.text:
            seen[m.text] += 1
            as_place[m.text] += _has_place_context(m)
    return {w for w, n in seen.items() if as_place[w] * 2 >= n}


def _first_word_places(mentions: list[_Mention]) -> dict[str, str]:
    """ "North" -> "North Korea" when North Korea is the only place starting with that word."""
    by_first: dict[str, set[str]] = defaultdict(set)
    for m in mentions:
        if m.label in ("GPE", "LOC") and " " in m.text:
            by_first[m.text.split()[0]].add(m.text)
    return {w: next(iter(full)) for w, full in by_first.items() if len(full) == 1}


def _initials(name: str) -> str:
    return "".join(w[0] for w in re.findall(r"[A-Z][\w’'-]*", name)).upper()


def _definitions(articles: Sequence[AnnotatedArticle], mentions: list[_Mention]) -> dict[str, str]:
    """Names the text defines: initials -> long form, "X's formal name, the Y" -> Y = X."""
    defined: dict[str, str] = {}
    longs = {m.text for m in mentions if len(m.text.split()) >= 2}
    for a in articles:
        for s in a.sentences:
            for match in _FORMAL_NAME.finditer(s.text):
                defined[_clean(match.group("long"))] = _clean(match.group("owner"))
    for m in mentions:
        if m.text.isupper() and 2 <= len(m.text.replace(".", "")) <= 6:
            acronym = m.text.replace(".", "")
            matches = {lf for lf in longs if _initials(lf) == acronym}
            if len(matches) == 1:
                defined[m.text] = matches.pop()
    return defined


def _resolve(
    m: _Mention,
    people: set[str],
    story: NameResolver,
    per_article: dict[int, NameResolver],
    places: set[str],
    defined: dict[str, str],
    first_words: dict[str, str],
    orgs: list[str],
) -> tuple[str, str] | None:
    """(canonical name, kind) of a mention; None for an ambiguous short name."""
    if m.label == "PERSON" and " " in m.text and m.text.split()[-1].lower() in STREET_HEADS:
        return m.text, "place"  # "Mellander Road": a street, whatever the tagger says
    if m.label == "PERSON" and m.role and " " not in m.text:
        words = [w.strip(".").lower() for w in m.role.split()]
        if all(w in ORGANISATION_PREFIXES for w in words):
            return f"{m.role} {m.text}", "organisation"  # "Air Koryo", not a person "Koryo"
    if _INITIALISM.fullmatch(m.text.strip()) and m.label == "PERSON":
        return None  # the tagger's "U.N." person: an initialism, and not whose
    if m.text in people and not _INITIALISM.fullmatch(m.text.strip()):
        # A registered full name wins over place evidence: "capital for Trump" is a person.
        local = per_article[m.article].candidates(m.text) if m.article in per_article else []
        if len(local) == 1:
            return local[0], "person"
        if story.candidates(m.text):
            name = story.canonical(m.text)
            return (name, "person") if name else None
        if m.text in places:
            return m.text, "place"
        _role, bare = split_role(m.text)
        return (bare, "person") if bare else None
    if m.label == "NORP":
        return m.text, "group"
    name = m.text
    for _ in range(
        3
    ):  # follow a short chain: DPRK -> Democratic People's ... -> North -> North Korea
        name = ALIASES.get(name.lower(), name)
        name = defined.get(name, name)
        name = first_words.get(name, name)
    kind = KINDS[m.label]
    if m.label == "ORG" and name.split()[-1].lower() in PLACE_HEADS:
        return name, "place"
    if m.label == "ORG":
        if " " not in name and name in places:
            return name, "place"
        longer = {o for o in orgs if o != name and o.startswith(name + " ")}
        if len(longer) == 1:  # "Harrow-Lind" -> "Harrow-Lind Terminals"
            name = longer.pop()
    if m.label == "PERSON":  # a single word spaCy took for a person, used as a place
        kind = "place"
    return name, kind


def _group_name(text: str) -> str:
    """ "North Koreans" and "a North Korean" are one group (the key; the shown name is the
    spelling used most)."""
    return text[:-1] if text.endswith("ns") else text


# --- roles -------------------------------------------------------------------


def _roles(m: _Mention) -> list[str]:
    """Role lines stated next to a name: a title before it, an apposition around it."""
    tokens = m.sentence.tokens
    if m.end <= m.start:
        return []
    name_span = range(m.start, m.end)
    roles = []
    # A title before the name: "Defense Secretary Mark Esper".
    start = m.start
    while start > 0:
        t = tokens[start - 1]
        attached = t.head in name_span or start <= t.head < m.end
        modifier = t.pos in ("PROPN", "NOUN", "ADJ") or t.dep in ("compound", "amod")
        if attached and (modifier or t.text in ("-", "‐")):
            start -= 1
        else:
            break
    if all(t.pos in ("ADJ", "NUM", "PUNCT") for t in tokens[start : m.start]):
        start = m.start  # "A groggy Per Holm": a state, not a title
    before = " ".join(t.text for t in tokens[start : m.start])
    if m.role and m.role.endswith(before):  # the whole title ("Inspector-General of Police")
        roles.append(m.role)
    elif start < m.start:
        roles.append(before)
    elif m.role:
        roles.append(m.role)
    tree = DependencyTree(tokens)
    # An apposition after the name: "Kim Kye Gwan, a Foreign Ministry official".
    for i in name_span:
        for c in tree.children[i]:
            if tokens[c].dep == "appos" and c >= m.end and tokens[c].pos in ("NOUN", "PROPN"):
                roles.append(_phrase(tokens, tree.subtree(c)))
    # The name is the apposition: "his South Korean counterpart, Jeong Kyeong-doo".
    head_index = next((i for i in name_span if tokens[i].head not in name_span), None)
    if head_index is not None and tokens[head_index].dep == "appos":
        head = tokens[head_index].head
        if tokens[head].pos == "NOUN":
            described = [i for i in tree.subtree(head) if i < m.start and i not in name_span]
            roles.append(_phrase(tokens, described))
    out = []
    for role in roles:
        words = role.split()
        while words and words[0].lower() in _DROP_LEADING:
            words = words[1:]
        words = [
            w for w in words if re.sub(r"\W", "", w).lower() not in HONORIFICS or len(words) > 1
        ]
        role = " ".join(words).strip(" ,;—-")
        role = re.sub(r"\s+([’'],?s\b|’|,)", r"\1", role).replace(" - ", "-")
        if not role or role.count("(") != role.count(")") or _NOT_A_ROLE.search(role):
            continue
        if len(role.split()) <= _MAX_ROLE_WORDS and not _only_honorific(role):
            out.append(role)
    return out


def _only_honorific(role: str) -> bool:
    return all(re.sub(r"\W", "", w).lower() in HONORIFICS for w in role.split())


def _phrase(tokens: tuple[Token, ...], indexes: list[int]) -> str:
    """The contiguous run of `indexes` from the first, as text (trailing punctuation dropped)."""
    if not indexes:
        return ""
    run = [indexes[0]]
    for i in indexes[1:]:
        if i != run[-1] + 1:
            break
        run.append(i)
    for k, i in enumerate(run):  # "pump operator who had joined ..." -> "pump operator"
        if tokens[i].text.lower() in _CLAUSE_STARTS or tokens[i].text == ",":
            run = run[:k]
            break
    while run and tokens[run[-1]].pos == "PUNCT":
        run.pop()
    return " ".join(tokens[i].text for i in run)
