"""Direct and partial quotes, with who said them and how we know.

`find_quote_mentions` reads every quoted span in every sentence and resolves
its speaker from the dependency parse: the subject of the speech verb in the
same sentence ("explicit"; a participle or coordinated cue on a non-speech main
verb takes that verb's subject, "X chimed in, saying …"; a name written right
beside the quote when the parse loses the subject; a dash signature "― Name"; a
transcript label "NAME: …" opening the paragraph; a common-noun subject kept as
written, "a Clinton spokesman"), a "he"/"she"/"the statement" resolved to a
speaker named earlier in the sentence or just before, gender permitting
("pronoun"), or the speaker of the sentence before a
quote that has no cue at all ("nearby"; a "he"/"she" sentence or a sentence
ending in a colon in between keeps that speaker). Nothing is guessed beyond
that: an unresolved quote has speaker None and speaker_via "unattributed".
The rules are tried in the order of `SPEAKER_RESOLVERS` (one function per
rule, each saying which `speaker_via` it records); a new rule is one function
added to that list.
`find_quotes` merges mentions of the same words across outlets into `Quote`s.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from newsweave.analyze.dependencies import DependencyTree
from newsweave.analyze.names import (
    ORGANISATION_SPEAKER_WORDS,
    NameResolver,
    clean_name,
    given_name_gender,
    is_product_name,
    name_key,
    split_role,
)
from newsweave.lexicon import HONORIFIC_GENDER, TITLE_WORDS, word_list
from newsweave.model import (
    AnnotatedArticle,
    Citation,
    Quote,
    QuoteKind,
    Sentence,
    SpeakerVia,
    Token,
)

# --- Heuristics (data) -------------------------------------------------------
# Lemmas of verbs that introduce speech. Started from the samples and the
# example story, extended with the cue verbs of the PolNeAR dev split
# (bench/quotes_polnear.py); verbs of belief ("think", "believe") are left out
# because the quoted words then belong to someone else.
CUE_LEMMAS: frozenset[str] = frozenset(
    word_list("""
    say add tell call warn threaten accuse insist describe write ask explain note state
    continue argue claim declare announce reply respond answer tweet post recall urge
    demand promise pledge vow suggest admit acknowledge concede complain predict report
    testify shout joke scream yell mutter whisper exclaim remark observe conclude deny
    confirm contend maintain stress emphasize emphasise caution boast brag charge allege
    assert proclaim label dub praise criticize criticise condemn slam blast mock lament
    plead counter retort quip recount read speak chant cry sing brand term dismiss
    describe decry hail lash attack thank welcome advise order instruct inform assure
    reiterate repeat propose recommend tout pitch highlight mention list cite quote
    interrupt begin conclude summarize summarise put agree disagree object protest vote
    """)
)
# Verbs that speak only as a reply, with "back": "he shot back: …", "she fired back".
REPLY_VERBS: frozenset[str] = frozenset(word_list("shoot fire hit"))
# A speech verb in a clause these open is asked about or supposed, not said: "she asked
# Lew if he could say, with a 'straight face,' that …" (the words are the asker's).
HYPOTHETICAL_MARKS: frozenset[str] = frozenset(word_list("if whether"))
# Cue verbs that speak only with "it" as their object: "as she put it" (not "vomiting put
# the mother at risk").
CUE_NEEDS_OBJECT: frozenset[str] = frozenset(word_list("put"))
CUE_OBJECTS: frozenset[str] = frozenset(word_list("it this that"))
# "said in a statement" / "the statement said": these subjects are organisations' voices.
# "X, who said ...": the subject is the relative pronoun; the speaker is X.
RELATIVE_PRONOUNS: frozenset[str] = frozenset(word_list("who which that"))
# A common-noun subject ("the ad's narrator said") is kept as written, without
# these parts of its phrase; prepositions other than DESCRIPTION_PREPS too.
DESCRIPTION_SKIP_DEPS = ("relcl", "acl", "advcl", "conj", "cc", "appos", "punct", "parataxis")
DESCRIPTION_PREPS: frozenset[str] = frozenset(word_list("of for"))
# Noun subjects too vague to stand as a speaker (PolNeAR dev had none worth keeping).
VAGUE_SUBJECTS: frozenset[str] = frozenset(word_list("thing something anything one"))
STATEMENT_WORDS: frozenset[str] = frozenset(
    word_list("statement release communique communiqué letter report message post tweet email")
)
# Writings that say things but are no speaker themselves: "an article ... that said" is its
# author's, and with no author named the quote stays unattributed (issue 16: "an article
# for the respected 38 North website" was shown as a speaker).
# A phone call is its caller's ("I got a call from my agent saying …"), never a speaker.
PUBLICATION_WORDS: frozenset[str] = frozenset(
    word_list("article website site blog column op-ed editorial book paper essay piece call")
)
# How a writing names its author: "a statement attributed to X", "a report by X", "a
# letter from X" (the preposition after one of these participles, or alone).
AUTHOR_PARTICIPLES: frozenset[str] = frozenset(
    word_list("attribute issue release publish sign write post send")
)
AUTHOR_PREPS: frozenset[str] = frozenset(word_list("by from to"))
# Prepositions of a medium: a one-word PERSON after one ("on Twitter") is a platform.
MEDIUM_PREPS: frozenset[str] = frozenset(word_list("on via"))
# Prepositions of a comparison: a person named in one is not an antecedent ("look like X").
COMPARISON_PREPS: frozenset[str] = frozenset(word_list("like unlike"))
# Small words a title leaves in lower case ("State of the Union"), and the verbs that give
# a title or a name in the passive ("a sketch was called …").
TITLE_SMALL_WORDS: frozenset[str] = frozenset(
    word_list("a an the of and or in on to for by at with from as but nor")
)
# ("labeled 'Mostly True'" is a verdict someone gave, and stays a quote)
NAMING_VERBS: frozenset[str] = frozenset(word_list("call name title"))
BROADCAST_PREPS: frozenset[str] = frozenset(word_list("on"))
WORK_NOUNS: frozenset[str] = frozenset(
    word_list("""film movie show programme program series book novel song album sketch
    episode documentary segment play headline column musical opera painting""")
)
# Subordinators of a clause set against the main one ("While X said …, Y found …").
CONTRAST_MARKS: frozenset[str] = frozenset(word_list("while although though whereas"))
# Participles through which a description names its person ("a student identified as X").
NAMING_PARTICIPLES: frozenset[str] = frozenset(word_list("identify name"))
# A person who speaks for an organisation: "he" after "a ministry spokesman said" is the ministry.
SPOKESPERSON_WORDS: frozenset[str] = frozenset(
    word_list("spokesman spokeswoman spokesperson representative official")
)
# Common nouns that describe one person: a described speaker with one of these heads
# ("a hospital official", "her brother") is who a later "he"/"she" may mean.
PERSON_NOUNS: frozenset[str] = frozenset(
    word_list("""
    official officer spokesman spokeswoman spokesperson representative source aide adviser
    advisor analyst expert lawyer attorney doctor physician nurse surgeon teacher student
    professor researcher scientist witness resident neighbor neighbour friend colleague
    contemporary acquaintance classmate partner relative man woman boy girl mother father
    mom dad son daughter brother sister wife husband uncle aunt cousin grandmother
    grandfather parent survivor victim owner manager employee worker driver passenger user
    agent director executive leader member minister senator governor mayor president
    chief commander detective judge prosecutor critic fan participant organizer organiser
    """)
)
# Nouns for a person that say their gender: "she" after "a police spokesman said" is
# someone else.
NOUN_GENDER: dict[str, str] = {
    **dict.fromkeys(
        word_list("""spokesman chairman congressman businessman man boy father dad son brother
        husband uncle grandfather nephew king prince"""),
        "m",
    ),
    **dict.fromkeys(
        word_list("""spokeswoman chairwoman congresswoman businesswoman woman girl mother mom
        daughter sister wife aunt grandmother niece queen princess"""),
        "f",
    ),
}
# Nouns of kinship and sex, whose gender holds for whoever they name; a title such as
# "chairman" or "spokesman" is used for women too ("board chairman Kari Tollefsen" of a woman).
KIN_GENDER: dict[str, str] = {
    w: g
    for w, g in NOUN_GENDER.items()
    if not (w.endswith("man") or w.endswith("woman")) or w in ("man", "woman")
}
# Subject dependency labels, and the relations through which a verb shares its
# head's subject ("said ... and threatened", "said, saying ...").
SUBJECT_DEPS = ("nsubj", "nsubjpass", "csubj")
SHARED_SUBJECT_DEPS = ("conj", "advcl", "xcomp", "pcomp", "acl")
# How a person was named in a sentence, for "he"/"she": the main clause's subject, a
# subordinate clause's ("when X said …"), or only mentioned.
MAIN_SUBJECT, SUBJECT, MENTION = 2, 1, 0
# How far back (sentences) "he said" may look for its named antecedent.
PRONOUN_WINDOW = 3
# '…,” Tulsa police Chief Chuck Jordan said': at most this many words between
# a closing quote mark and its cue are read as the speaker when the parse has none.
BESIDE_QUOTE_MAX_WORDS = 12
# Partial quotes shorter than this many words are kept only when a cue verb
# governs them ("called the plan 'reckless'"); other short ones are scare quotes.
# PolNeAR dev: half the missed partial quotes were single words under a cue
# ("calls people 'losers'"), so a governed single word is kept.
MIN_PARTIAL_WORDS_WITHOUT_GOVERNING_CUE = 3
# Whole-sentence quotes this short with no cue are titles or names, not speech.
MIN_DIRECT_WORDS_WITHOUT_CUE = 4
# Merging across outlets: normalised texts equal, one contained in the other
# (if the shorter has at least this many words), or this token-set overlap.
MERGE_MIN_CONTAINED_WORDS = 4
MERGE_MIN_JACCARD = 0.8

PRONOUN_GENDER = {"he": "m", "him": "m", "his": "m", "she": "f", "her": "f", "hers": "f"}
_OPENERS = {"“": "”", '"': '"'}
_BEFORE_DIRECT = set(":,;—–-([")
# A dash and a name right after a closing quote mark, alone up to the line's end.
# A transcript turn: a paragraph opening with an upper-case speaker label and a
# colon ("WALLACE: …", "“HALVORSEN: …"). Only labels naming a person of the story count.
# An oral history's header line ("ARNE VIK (producer, 1990-2004):") is a label too, and
# "McCAIN" is written in capitals after its "Mc".
_LABEL_WORD = r"(?:Mc|Mac)?[A-Z][A-Z'’.\-]+"
_TRANSCRIPT_LABEL = re.compile(
    rf"[\"“]?({_LABEL_WORD}(?: {_LABEL_WORD}){{0,2}})(?: \([^()\n]{{1,120}}\))?:(?:[ \t]|$)"
)
# The header of an oral history's section, alone on its line: "LIV HAUGE (host):".
_TRANSCRIPT_HEADER = re.compile(
    rf"({_LABEL_WORD}(?: {_LABEL_WORD}){{1,2}}) \([^()\n]{{1,120}}\):[ \t]*(?:\n|$)"
)
# "That's what Jon said to Doug." right after a quote standing alone: Jon said it.
_WHAT_X_SAID = re.compile(
    r"\s*(?:That|This)(?:['’]s| is| was) (?:exactly )?what "
    r"([A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){0,3}) (?:said|told|wrote|says|tells|writes)\b"
)
# First-person words: the speaker of a transcript turn talking about himself.
FIRST_PERSON: frozenset[str] = frozenset(word_list("i we"))
_DASH_SIGNATURE = re.compile(
    r"[ \t\u00a0]*[―—–][ \t\u00a0]*([^\W\d_][^\n,;:()]{0,60}?)[ \t\u00a0.]*(?:\n|$)"
)
# On a line of its own after the quote, a plain hyphen signs it too ("- Steve Carell").
_DASH_SIGNATURE_LINE = re.compile(
    r"[ \t\u00a0]*[―—–-][ \t\u00a0]*([^\W\d_][^\n,;:()]{0,60}?)[ \t\u00a0.]*(?:\n|$)"
)


@dataclass(frozen=True)
class QuoteMention:
    """One quoted span in one sentence, with its speaker as resolved from the text."""

    article: int  # index into the analysed articles
    sentence: Sentence
    start: int  # character span of the quoted words in sentence.text (marks excluded)
    end: int
    text: str
    kind: QuoteKind
    cue: str | None
    speaker: str | None
    speaker_via: SpeakerVia
    speaker_kind: str | None  # "person" | "organisation" | "other"
    # where the speaker was read: (sentence index, char start, char end) in that sentence
    speaker_span: tuple[int, int, int] | None
    voice: bool = False  # the organisation spoke through a spokesperson


@dataclass(frozen=True)
class _Speaker:
    name: str | None
    kind: str | None
    via: SpeakerVia
    span: tuple[int, int, int] | None
    voice: bool = False  # an organisation speaking through a person ("a ministry spokesman")


_NONE = _Speaker(None, None, "unattributed", None)


# --- quoted spans ------------------------------------------------------------


def quote_spans(text: str, open_at_start: bool = False) -> tuple[list[tuple[int, int]], bool]:
    """Character spans inside quote marks (marks excluded), and whether a quote is left open.

    A quote still open from the sentence before starts at 0; one left open runs to the end.
    """
    spans: list[tuple[int, int]] = []
    closer: str | None = "”" if open_at_start else None
    begin = 0
    nested = False  # a straight mark opened inside a curly quote: “He called it "fake," …”
    for i, ch in enumerate(text):
        if ch == "\ufffd" and text[i + 1 : i + 2] == "?":
            ch = "”"  # a "”" lost in a wrong decoding ("…again,\ufffd? she said")
        if closer is None:
            if ch in _OPENERS:
                closer, begin, nested = _OPENERS[ch], i + 1, False
            elif ch == "”" and not spans:
                spans.append((0, i))  # closes a quote opened before this sentence
        elif (
            ch == closer
            or (closer == "”" and ch == '"' and open_at_start)
            or (
                closer == '"' and ch == "”"  # mixed marks in pasted copy: "words”
            )
            or (  # and the other way round, before its cue: “words," said X
                closer == "”"
                and ch == '"'
                and not nested
                and text[i - 1 : i] in (",", ".", "!", "?")
                and text[i + 1 : i + 2] in ("", " ", "\n")
            )
        ):
            spans.append((begin, i))
            closer = None
        elif ch == '"' and closer == "”":
            nested = not nested
        elif ch == "“" and closer == '"':
            continue
    if closer is not None:
        spans.append((begin, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip(" ,.;:!?—–-")], closer is not None


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in " \t":
        start += 1
    while end > start and text[end - 1] in " \t":
        end -= 1
    return start, end


# --- dependency helpers --------------------------------------------------------


class _Parse(DependencyTree):
    """A sentence's dependency tree with quote membership of its tokens."""

    def __init__(self, sentence: Sentence, spans: list[tuple[int, int]]) -> None:
        super().__init__(sentence.tokens)
        self.s = sentence
        self.toks: tuple[Token, ...] = sentence.tokens
        self.inside = [any(s <= t.start < e for s, e in spans) for t in self.toks]

    def valid(self, i: int) -> bool:
        return 0 <= self.toks[i].head < len(self.toks)

    def end(self, i: int) -> int:
        t = self.toks[i]
        return t.start + len(t.text)

    def is_cue(self, i: int) -> bool:
        t = self.toks[i]
        if self.inside[i] or t.pos not in ("VERB", "AUX"):
            return False
        kids = [self.toks[c] for c in self.children[i] if not self.inside[c]]
        lemma = t.lemma.lower()
        if lemma in REPLY_VERBS:  # "he shot back: …"
            return any(k.text.lower() == "back" and k.dep in ("prt", "advmod") for k in kids)
        if lemma not in CUE_LEMMAS:
            return False
        if any(k.dep == "neg" for k in kids):
            return False  # "Congress can't agree to a bill 'embarrassing'": nobody said it
        if any(k.dep == "mark" and k.text.lower() in HYPOTHETICAL_MARKS for k in kids):
            return False  # "asked Holm if he could say …": a question, not his words
        if t.lemma.lower() in CUE_NEEDS_OBJECT:
            return any(k.dep == "dobj" and k.text.lower() in CUE_OBJECTS for k in kids)
        return True

    def _next_is_to(self, i: int) -> bool:
        return i + 1 < len(self.toks) and self.toks[i + 1].text.lower() == "to"

    def cue_tokens(self) -> list[int]:
        out = []
        for i, t in enumerate(self.toks):
            if self.is_cue(i) or (
                not self.inside[i] and t.text.lower() == "according" and self._next_is_to(i)
            ):
                out.append(i)
        return out


def _governing_cue(p: _Parse, quote_toks: list[int]) -> int | None:
    """The first cue verb outside the quote on the head path up from the quoted tokens."""
    cues = set(p.cue_tokens())
    seen: set[int] = set()
    for i in quote_toks:
        j = i
        while j not in seen:
            seen.add(j)
            if j in cues:
                return j
            h = p.toks[j].head
            if h == j or not 0 <= h < len(p.toks):
                break
            j = h
    return None


def _subject(p: _Parse, verb: int) -> int | None:
    """The subject of a cue verb, following conj/advcl links to a shared subject."""
    j = verb
    for _ in range(6):
        if p.toks[j].text.lower() == "according":
            to = [c for c in p.children[j] if p.toks[c].text.lower() == "to"]
            if not to and j + 1 < len(p.toks):
                to = [j + 1]
            for t in to:
                obj = [c for c in p.children[t] if p.toks[c].dep == "pobj"]
                if obj:
                    return obj[0]
            return None
        subj = [c for c in p.children[j] if p.toks[c].dep in SUBJECT_DEPS and not p.inside[c]]
        # two subjects, "The Observer's restaurant critic Jay Rayner tweeted": the name
        subj.sort(key=lambda c: p.toks[c].ent != "PERSON")
        if subj:
            rel = p.toks[subj[0]].text.lower() in RELATIVE_PRONOUNS
            if rel and p.toks[j].dep == "relcl" and p.valid(j):  # "X, who said ..."
                return _antecedent(p, p.toks[j].head)
            return subj[0]
        if p.toks[j].dep == "relcl" and p.valid(j):  # "X, who said ..."
            return _antecedent(p, p.toks[j].head)
        head = p.toks[j].head
        if p.toks[j].dep in SHARED_SUBJECT_DEPS and head != j and p.valid(j):
            if p.toks[head].pos == "ADP" and p.toks[j].dep == "pcomp" and p.valid(head):
                head = p.toks[head].head  # "began by saying": the preposition's verb
            # a participle or coordinated cue shares its head verb's subject, cue or not,
            # when that verb is the main one: "X chimed in, saying ...", "X bemoaned the
            # delays and said ..." (one hung on an embedded clause is often misattached)
            # ("It was clear, he said, that X had not …, describing": a root with a
            # parenthetical speech verb is the reported clause, its subject no speaker)
            main = (
                p.toks[head].pos == "VERB"
                and p.toks[head].dep == "ROOT"
                and not any(p.toks[c].dep == "parataxis" and p.is_cue(c) for c in p.children[head])
            )
            if head != j and (p.is_cue(head) or main):
                j = head
                continue
        return None
    return None


def _antecedent(p: _Parse, noun: int) -> int | None:
    """What a relative "who" hung on `noun` means: "found the suspect in a closet who told
    him …" is the suspect, not the place. A thing in a prepositional phrase passes the
    clause to the noun the phrase describes, or to the object of the verb it hangs on;
    with neither, nobody is named."""
    t = p.toks[noun]
    if t.dep != "pobj" or t.ent == "PERSON" or t.lemma.lower() in PERSON_NOUNS:
        return noun
    if t.ent or not p.valid(noun) or not p.valid(t.head):
        return noun  # "a spokesman for the ministry, which said": a named one is the speaker
    owner = p.toks[t.head].head
    if p.toks[owner].pos in ("NOUN", "PROPN"):
        return owner
    objects = [c for c in p.children[owner] if p.toks[c].dep == "dobj" and c < noun]
    return objects[-1] if objects else None


def _ent_run(p: _Parse, i: int, labels: tuple[str, ...]) -> tuple[int, int] | None:
    """The entity run (first, last token) of `labels` containing token i."""
    if p.toks[i].ent not in labels:
        return None
    a = b = i
    while a > 0 and p.toks[a - 1].ent == p.toks[i].ent:
        a -= 1
    while b + 1 < len(p.toks) and p.toks[b + 1].ent == p.toks[i].ent:
        b += 1
    return a, b


def _text(p: _Parse, a: int, b: int) -> str:
    return p.s.text[p.toks[a].start : p.end(b)]


# --- story-wide state ----------------------------------------------------------


class _Story:
    """Names registered across the whole story, and per-article speaker memory."""

    def __init__(self, articles: Sequence[AnnotatedArticle]) -> None:
        self.people = NameResolver()
        self.orgs = NameResolver(people=False)
        # names the tagger calls a place somewhere in the story: the same words tagged ORG
        # elsewhere ("Kuala Lumpur") are still a place, never an organisation that spoke
        self.places: set[str] = set()
        self.gender: dict[str, str] = {}  # person key -> "m"/"f"
        self.roles: dict[str, set[str]] = {}  # title word -> person names
        for a in articles:
            for s in a.sentences:
                for e in s.entities:
                    if e.label == "ORG":
                        self.orgs.add(_strip_article(e.text))
                    elif e.label in ("GPE", "LOC"):
                        self.places.add(_strip_article(e.text).lower())
                for name in _person_runs(s):
                    if not is_product_name(name):  # "Parker Solar Probe" is no person
                        self.people.add(name)
        for a in articles:  # proper-noun subjects of speech verbs that spaCy did not tag PERSON
            for s in a.sentences:
                p = _Parse(s, quote_spans(s.text)[0])
                for cue in p.cue_tokens():
                    subj = _subject(p, cue)
                    if subj is not None and p.toks[subj].pos == "PROPN":
                        name_span = _name_phrase(p, subj)
                        person = _person_name(p, *name_span, self)
                        if person and len(person.split()) >= 2 and not is_product_name(person):
                            self.people.add(person)
        for a in articles:  # an oral history's header line names a person: "LIV HAUGE (role):"
            for s in a.sentences:
                header = _TRANSCRIPT_HEADER.match(s.text)
                if header and not is_product_name(header.group(1)):
                    self.people.add(header.group(1).title())
        for a in articles:  # second pass: roles name people by their canonical names
            for s in a.sentences:
                self._roles_and_gender(s)
        for name in self.people.names():  # "Tony Blair" is no "she" (the text's word first)
            given = given_name_gender(name)
            if given:
                self.gender.setdefault(name_key(name), given)

    def _roles_and_gender(self, s: Sentence) -> None:
        toks = s.tokens
        for i, t in enumerate(toks):
            if t.ent != "PERSON" or (i > 0 and toks[i - 1].ent == "PERSON"):
                continue
            j = i
            while j + 1 < len(toks) and toks[j + 1].ent == "PERSON":
                j += 1
            name = s.text[t.start : toks[j].start + len(toks[j].text)]
            # "Arnika Lindqvist, the former skier's oldest daughter": a kinship noun
            # in apposition says her gender (a title such as "chairman" does not)
            for c in range(j + 1, min(len(toks), j + 12)):
                if toks[c].dep == "appos" and i <= toks[c].head <= j:
                    kin = KIN_GENDER.get(toks[c].lemma.lower())
                    if kin:
                        self.gender.setdefault(name_key(name), kin)
                    break
            k = i
            while k > 0 and toks[k - 1].tag in ("NNP", "NN", "JJ", ".") and toks[k - 1].ent == "":
                k -= 1
            role, _ = split_role(s.text[toks[k].start : toks[j].start + len(toks[j].text)])
            if not role:
                continue
            for w in role.split():
                w = w.strip(".").lower()
                if w in HONORIFIC_GENDER:
                    self.gender.setdefault(name_key(name), HONORIFIC_GENDER[w])
            kin = KIN_GENDER.get(role.split()[-1].strip(".,").lower())
            if kin:  # "his daughter Arnika"
                self.gender.setdefault(name_key(name), kin)
            last = role.split()[-1].strip(".").lower()
            canonical = self.people.canonical(name)
            if last in TITLE_WORDS and canonical:
                self.roles.setdefault(last, set()).add(canonical)

    def person(self, name: str) -> str | None:
        return self.people.canonical(name)

    def is_place(self, name: str) -> bool:
        return _strip_article(name).lower() in self.places

    def org(self, name: str) -> str:
        name = _strip_article(name)
        found = self.orgs.candidates(name)
        return found[0] if len(found) == 1 else clean_name(name)


def _person_runs(s: Sentence) -> list[str]:
    """PERSON entity texts of a sentence, without a leading verb the tagger swept in.

    'Said Vollan: “…”' is tagged PERSON as a whole; the person is "Vollan".
    """
    toks, out, i = s.tokens, [], 0
    while i < len(toks):
        if toks[i].ent != "PERSON":
            i += 1
            continue
        j = i
        while j + 1 < len(toks) and toks[j + 1].ent == "PERSON":
            j += 1
        a = i
        while a < j and toks[a].pos in ("VERB", "AUX"):
            a += 1
        out.append(s.text[toks[a].start : toks[j].start + len(toks[j].text)])
        i = j + 1
    return out


def _org_text(p: _Parse, a: int, b: int) -> str:
    """An organisation's entity text, without a trailing "'s"."""
    while b > a and p.toks[b].tag == "POS":
        b -= 1
    return _text(p, a, b)


def _strip_article(name: str) -> str:
    return re.sub(r"^(?:the|The)\s+", "", clean_name(name))


@dataclass
class _Recent:
    """What an article said most recently: speakers and named people, newest last."""

    # (sentence index, canonical name, MAIN_SUBJECT / SUBJECT of a clause below / MENTION)
    persons: list[tuple[int, str, int]]
    # organisations (and countries) that were the subject of a verb: "it said" and "the
    # statement said" may mean one of them, never an organisation only mentioned
    orgs: list[tuple[int, str]]
    last_speaker: tuple[int, _Speaker] | None = None
    texts: dict[int, str] = field(default_factory=dict)  # sentence index -> text

    def said_as(self, sp: _Speaker) -> str:
        """The words a speaker was read from ("a police spokesman" for the police)."""
        if sp.span is None:
            return ""
        i, a, b = sp.span
        return self.texts.get(i, "")[a:b]


# --- speaker resolution --------------------------------------------------------


def _speaker_from_subject(
    p: _Parse, subj: int, story: _Story, recent: _Recent, quote_start: int
) -> _Speaker:
    """The speaker a cue's subject names; a craft, award or product ("the Parker Solar
    Probe promises …") is nobody, and the quote is left to the later resolvers."""
    sp = _speaker_of_subject(p, subj, story, recent, quote_start)
    if sp.name and is_product_name(sp.name):
        return _Speaker(None, "other", "unattributed", sp.span)
    return sp


def _speaker_of_subject(
    p: _Parse, subj: int, story: _Story, recent: _Recent, quote_start: int
) -> _Speaker:
    t = p.toks[subj]
    span = (p.s.index, t.start, p.end(subj))
    low = t.text.lower()
    if t.pos == "PRON" or low in PRONOUN_GENDER:
        if low in ("he", "she"):
            here = _subjects_before(p, subj, story)
            return _resolve_pronoun(p.s.index, PRONOUN_GENDER[low], story, recent, span, here)
        if low in ("it",):
            return _resolve_org(p.s.index, recent, span)
        return _Speaker(None, None, "unattributed", span)
    if t.ent in ("GPE", "LOC"):  # "…the capital, Kuala Lumpur, a statement by X said"
        appos = [c for c in p.children[subj] if p.toks[c].dep == "appos"]
        writing = [
            c for c in appos if p.toks[c].lemma.lower() in STATEMENT_WORDS | PUBLICATION_WORDS
        ]
        if writing:
            subj, t = writing[0], p.toks[writing[0]]
            span = (p.s.index, t.start, p.end(subj))
    if t.lemma.lower() in STATEMENT_WORDS | PUBLICATION_WORDS:
        author = _author_of(p, subj)
        if author is not None:
            return _speaker_from_subject(p, author, story, recent, quote_start)
        if t.lemma.lower() in PUBLICATION_WORDS:  # a writing with no author is no speaker
            return _Speaker(None, "other", "unattributed", span)
    np = p.subtree(subj, skip=("relcl", "acl", "prep", "conj", "cc", "advcl"))
    ent_span = (p.s.index, p.toks[np[0]].start, p.end(np[-1]))
    # the subject's own name, then a name in apposition ("Its secretary, Lukas Brandvold")
    appos = [c for c in p.children[subj] if p.toks[c].dep == "appos"]
    # a possessor is never the speaker's own name: "Arnholm's sister", and "Del Harvey,
    # Twitter's vice president" (the employer of a description in apposition)
    owned = _poss_tokens(p, subj).union(*(_poss_tokens(p, c) for c in appos))
    others = [i for i in np if p.toks[i].ent == "PERSON" and i not in owned]
    others += _titled_person(p, subj) + _named_in_clause(p, subj)
    # "Arnika Lindqvist, the skier's daughter, who said": the description is in
    # apposition to the name it describes
    named = (
        [t.head] if t.dep == "appos" and p.valid(subj) and p.toks[t.head].ent == "PERSON" else []
    )
    for head_i in [subj, *named, *appos, *others]:
        tok = p.toks[head_i]
        if not (tok.pos == "PROPN" or (tok.pos == "NOUN" and tok.text[:1].isupper())):
            continue
        name_span = _name_phrase(p, head_i)
        person = _person_name(p, *name_span, story)
        if person is not None:
            full = (p.s.index, p.toks[name_span[0]].start, p.end(name_span[1]))
            name = story.person(person) or _disambiguate(
                _text(p, *name_span), person, p.s.index, story, recent
            )
            return _Speaker(name, "person", "explicit", full)
    head = t.lemma.lower()
    voice = head in SPOKESPERSON_WORDS
    role_noun = head in TITLE_WORDS and not voice  # "the Vermont senator" is a person
    # "Norway's Bergens Tidende newspaper said": the paper speaks, not its country; a
    # possessor is the speaker only when the phrase names nobody else ("Russia's ministry")
    owners = _poss_tokens(p, subj)
    for i in [subj, *[i for i in np if i not in owners], *[i for i in np if i in owners]]:
        run = _ent_run(p, i, ("ORG", "GPE", "NORP"))
        if role_noun and run and not run[0] <= subj <= run[1]:
            continue
        if run and p.toks[run[0]].ent != "NORP":
            org = story.org(_org_text(p, *run))
            return _Speaker(org, "organisation", "explicit", ent_span, voice)
    if t.pos == "PROPN":  # a name as written, without its description ("X, a's head, said")
        own = p.subtree(subj, skip=("relcl", "acl", "prep", "conj", "cc", "advcl", "appos"))
        own = [i for i in own if p.toks[i].pos != "PUNCT"] or [subj]
        return _Speaker(clean_name(_text(p, own[0], own[-1])), "other", "explicit", ent_span)
    # a bare "the spokesman" / "the statement" speaks for the organisation just named; "a Pao
    # spokeswoman" says whose voice it is, and stays as written
    qualified = any(p.toks[c].dep in ("compound", "poss", "prep", "amod") for c in p.children[subj])
    if head in STATEMENT_WORDS and not qualified:
        writer = _writer_just_before(p.s.index, recent, span)
        if writer is not None:
            return writer
    if head in STATEMENT_WORDS or (voice and not qualified):
        found = _resolve_org(p.s.index, recent, span)
        if found.name:
            return found
    if head in TITLE_WORDS and any(p.toks[c].text.lower() == "the" for c in p.children[subj]):
        people = story.roles.get(head, set())
        if len(people) == 1:
            return _Speaker(next(iter(people)), "person", "pronoun", span)
    kind = "organisation" if head in ORGANISATION_SPEAKER_WORDS else "other"
    if kind == "other" and head in PERSON_NOUNS:
        kind = "person"  # "a hospital official said. … he told AP": a person, not named
    described = _description(p, subj)
    if described is not None:  # "the ad's narrator said": the text's own words, no name
        text, a, b = described
        return _Speaker(text, kind, "explicit", (p.s.index, a, b), voice)
    return _Speaker(None, kind, "unattributed", ent_span)


def _author_of(p: _Parse, writing: int) -> int | None:
    """Who wrote a statement or an article, as the sentence says, or None.

    "a statement attributed to the Jurists Committee", "a report by X", "X's letter",
    and "X wrote an article that said" / "X issued a statement saying" (the writing is
    the object of a verb whose subject is its author).
    """
    for c in p.children[writing]:
        tok = p.toks[c]
        if tok.dep == "poss" and tok.pos == "PROPN":
            return c
        preps = [c] if tok.dep == "prep" else []
        if tok.dep == "acl" and tok.lemma.lower() in AUTHOR_PARTICIPLES:
            preps = [g for g in p.children[c] if p.toks[g].dep in ("prep", "agent")]
        for prep in preps:
            if p.toks[prep].text.lower() not in AUTHOR_PREPS:
                continue
            objs = [g for g in p.children[prep] if p.toks[g].dep == "pobj"]
            # a named author, or a described person ("a call from my agent saying …")
            if objs and (
                p.toks[objs[0]].ent in ("PERSON", "ORG", "GPE", "NORP")
                or p.toks[objs[0]].lemma.lower() in PERSON_NOUNS
            ):
                return objs[0]
    w = p.toks[writing]
    if w.dep == "dobj" and p.valid(writing):
        verb = w.head
        subj = [c for c in p.children[verb] if p.toks[c].dep in SUBJECT_DEPS and not p.inside[c]]
        if subj and p.toks[subj[0]].pos in ("PROPN", "NOUN") and subj[0] != writing:
            return subj[0]
    return None


def _titled_person(p: _Parse, subj: int) -> list[int]:
    """ "Inspector-General of Police Khalid Abu Bakar", "Secretary of State X": a title
    subject whose "of" phrase ends in a person's name is that person (not a spokesman's
    principal: "a spokesman for Mayor X" is the spokesman)."""
    head = p.toks[subj].lemma.lower()
    if head not in TITLE_WORDS or head in SPOKESPERSON_WORDS:
        return []
    out = []
    for prep in p.children[subj]:
        if p.toks[prep].dep != "prep" or p.toks[prep].text.lower() != "of":
            continue
        for obj in p.children[prep]:
            if p.toks[obj].dep == "pobj" and p.toks[obj].ent == "PERSON":
                out.append(obj)
    return out


def _named_in_clause(p: _Parse, subj: int) -> list[int]:
    """ "That student, later identified as Niya Kenny", "a man named Ole Brask": a described
    subject whose participle clause names the person is that person."""
    out = []
    for acl in p.children[subj]:
        if p.toks[acl].dep != "acl" or p.toks[acl].lemma.lower() not in NAMING_PARTICIPLES:
            continue
        for i in p.subtree(acl):
            if p.toks[i].ent == "PERSON" and p.toks[i].dep in ("pobj", "oprd", "dobj", "attr"):
                out.append(i)
    return out


def _description(p: _Parse, subj: int) -> tuple[str, int, int] | None:
    """A common-noun subject as written ("a Clinton spokesman", "the union"), with its span.

    Relative clauses, appositions and other prepositional phrases are left out;
    "of"/"for" phrases stay because they say who the noun is ("a spokesman for the
    mayor"). Pronouns and quantifiers ("someone", "many") are not descriptions.
    """
    t = p.toks[subj]
    # "one of the signers" says whom it picks one of: a described person, unlike a bare "one"
    partitive = t.text.lower() == "one" and any(
        p.toks[c].dep == "prep" and p.toks[c].text.lower() == "of" for c in p.children[subj]
    )
    vague = t.pos not in ("NOUN", "PROPN") or t.lemma.lower() in VAGUE_SUBJECTS
    if p.inside[subj] or (vague and not partitive):
        return None
    keep = [subj]
    stack = [c for c in p.children[subj]]
    while stack:
        c = stack.pop()
        tok = p.toks[c]
        hyphen = tok.text in "-‐–"  # "the 34-year-old mother" keeps its hyphens
        if (tok.dep in DESCRIPTION_SKIP_DEPS and not hyphen) or p.inside[c]:
            continue
        if tok.dep == "prep" and tok.text.lower() not in DESCRIPTION_PREPS:
            continue
        keep.append(c)
        stack.extend(p.children[c])
    keep.sort()
    # only the contiguous run around the head (a parse may hang far tokens on it)
    a = b = keep.index(subj)
    while a > 0 and keep[a - 1] == keep[a] - 1:
        a -= 1
    while b + 1 < len(keep) and keep[b + 1] == keep[b] + 1:
        b += 1
    first, last = keep[a], keep[b]
    if first == last == subj and t.tag == "NN":
        return None  # a bare singular noun ("made public ― Trump boasted") is no speaker
    while last > first and p.toks[last].pos == "PUNCT":
        last -= 1
    while first < last and p.toks[first].pos == "PUNCT":
        first += 1
    text = clean_name(_text(p, first, last)).strip(" ―—–-")
    if not text:
        return None
    return text, p.toks[first].start, p.end(last)


def _disambiguate(mention: str, name: str, index: int, story: _Story, recent: _Recent) -> str:
    """A name several people in the story share ("Cruz", "Mr. Obama").

    The honorific's gender, then the last speaker, then the person named most
    recently decide; otherwise the name stays as the text wrote it, unresolved
    to a full name but never swapped for someone else's.
    """
    found = story.people.candidates(name)
    role = split_role(mention)[0] or ""
    genders = {HONORIFIC_GENDER[w] for w in _roleword_list(role) if w in HONORIFIC_GENDER}
    if len(genders) == 1:
        (g,) = genders
        fits = [f for f in found if story.gender.get(name_key(f), g) == g]
        if len(fits) == 1:
            return fits[0]
        found = fits or found
    if recent.last_speaker:
        i, sp = recent.last_speaker
        if index - PRONOUN_WINDOW <= i <= index and sp.name in found:
            return sp.name
    for i in range(index, index - PRONOUN_WINDOW - 1, -1):
        named = {person for j, person, _subj in recent.persons if j == i and person in found}
        if len(named) == 1:
            return named.pop()
        if named:
            break  # two of them in the same sentence: the text does not say which
    return clean_name(name)


def _roleword_list(role: str) -> list[str]:
    return [w.strip(".").lower() for w in role.split()]


def _beside_quote(p: _Parse, close: int) -> int | None:
    """The speaker's head token written right after a quote, whatever the parse says.

    '…,” Tulsa police Chief Chuck Jordan said' (the words between the closing
    mark and the cue) or '…,” said David Gorski, a surgeon' (the words after a
    cue that follows the mark, up to the first comma). A person's name wins,
    then the last noun of the first comma-delimited chunk.
    """
    after = [i for i, t in enumerate(p.toks) if t.start > close and not p.inside[i]]
    while after and p.toks[after[0]].pos == "PUNCT":
        after.pop(0)
    if not after:
        return None
    window: list[int] = []
    if p.is_cue(after[0]) and p.toks[after[0]].tag != "VBG":  # "describing X" takes an object
        for i in after[1:]:
            if p.toks[i].text in ",.;:—–―()" or p.inside[i]:
                break
            window.append(i)
    else:
        for i in after:
            t = p.toks[i]
            if p.is_cue(i):
                break
            lowercase_verb = t.pos in ("VERB", "AUX") and not t.text[:1].isupper()
            if lowercase_verb or len(window) >= BESIDE_QUOTE_MAX_WORDS:
                return None
            window.append(i)
        else:
            return None
    for i in window:
        if p.toks[i].ent == "PERSON":
            run = _ent_run(p, i, ("PERSON",))
            return run[1] if run else i
    chunk: list[int] = []
    for i in window:
        if p.toks[i].text == ",":
            break
        chunk.append(i)
    nouns = [i for i in chunk if p.toks[i].pos in ("NOUN", "PROPN")]
    return nouns[-1] if nouns else None


def _poss_tokens(p: _Parse, head: int) -> set[int]:
    """Tokens inside possessors of `head` ("Arnholm's" in "Arnholm's sister")."""
    out: set[int] = set()
    for c in p.children[head]:
        if p.toks[c].dep == "poss":
            out.update(p.subtree(c))
    return out


_NAME_STOP_DEPS = ("det", "poss", "case", "cc", "prep")


def _name_phrase(p: _Parse, head: int) -> tuple[int, int]:
    """The run of left dependents that names `head` (determiners and possessors left out)."""
    first = head
    while first > 0:
        prev = p.toks[first - 1]
        if (
            p.inside[first - 1]
            or prev.dep in ("det", "poss", "case", "cc", "prep")
            or prev.text in ",;:("
        ):
            break
        j, steps = first - 1, 0
        while p.toks[j].head != j and j != head and steps < 8 and p.valid(j):
            j, steps = p.toks[j].head, steps + 1
        if j != head:
            break
        first -= 1
    last = head
    while (
        last + 1 < len(p.toks)
        and p.toks[last + 1].dep in ("flat", "compound")
        and (p.toks[last + 1].pos == "PROPN")
    ):
        last += 1
    return first, last


def _person_name(p: _Parse, a: int, b: int, story: _Story, strict: bool = False) -> str | None:
    """The person a proper-noun phrase names, or None when it names an organisation or place."""
    text = _text(p, a, b)
    _role, name = split_role(text)
    if not name:
        return None
    persons = [i for i in range(a, b + 1) if p.toks[i].ent == "PERSON"]
    if persons:  # a tagged full name keeps an unknown role word ("Harbourmaster") out
        if persons[-1] > persons[0]:
            return split_role(_text(p, persons[0], persons[-1]))[1] or name
        return name
    found = story.people.candidates(name)
    if len(found) == 1 and (
        len(name_key(found[0]).split()) > len(name_key(name).split())
        or not story.orgs.candidates(name)
    ):
        return name
    ents = {t.ent for t in p.toks[a : b + 1] if _role is None or t.start >= p.toks[a].start}
    words = name.split()
    if {"GPE", "NORP", "LOC", "FAC"} & ents:
        return None
    if any(w.lower().strip(".,") in ORGANISATION_SPEAKER_WORDS for w in words):
        return None
    if strict:
        return None
    name_start = p.toks[a].start + len(text) - len(name)
    # the name is normally the tail of the span; when cleaning changed its length, start at a
    first = next((i for i in range(a, b + 1) if p.toks[i].start >= name_start), a)
    name_ents = {t.ent for t in p.toks[first : b + 1]}
    starts_org = first == 0 or p.toks[first - 1].ent != "ORG"
    titled = bool(_role and _role.split()[-1].strip(".").lower() in TITLE_WORDS)
    if titled and all(w[:1].isupper() for w in words):
        return name  # "Mayor Marit Ellesund", even when the tagger calls it an ORG
    if "ORG" in name_ents and (len(words) < 2 or starts_org):
        return None  # an organisation's own name, not a person merged into one by the tagger
    if len(words) >= 2 and all(w[:1].isupper() for w in words):
        return name
    return None


def _subjects_before(p: _Parse, pron: int, story: _Story) -> list[str]:
    """Named people who are subjects earlier in the pronoun's own sentence, nearest first.

    "Senator Vik scolded him: “…,” she said" and "Vik told the crowd that she
    believes …, saying …": the subject named before the pronoun in the same
    sentence is its antecedent before anyone from earlier sentences.
    """
    subjects = {i for i, t in enumerate(p.toks) if t.dep in SUBJECT_DEPS}
    gender = PRONOUN_GENDER.get(p.toks[pron].text.lower())
    out: list[str] = []
    i = 0
    while i < pron:
        run = None if p.inside[i] else _ent_run(p, i, ("PERSON",))
        if run is None:
            # "My mother has softened, but she still says …": a described subject whose noun
            # has the pronoun's gender
            noun = p.toks[i]
            if i in subjects and not p.inside[i] and NOUN_GENDER.get(noun.lemma.lower()) == gender:
                described = _description(p, i)
                if described is not None:
                    out.insert(0, described[0])
            i += 1
            continue
        if run[1] < pron and any(j in subjects for j in range(run[0], run[1] + 1)):
            name = story.person(split_role(_text(p, *run))[1])
            if name:
                out.insert(0, name)
        i = run[1] + 1
    return out


def _resolve_pronoun(
    index: int,
    gender: str,
    story: _Story,
    recent: _Recent,
    span: tuple[int, int, int],
    here: Sequence[str] = (),
) -> _Speaker:
    """ "he"/"she": the most recent compatible named person, subjects first.

    `here` are the subjects named before the pronoun in its own sentence; they come first.
    """
    by_sentence: dict[int, list[tuple[str, int]]] = {}  # (name, its subject rank)
    for i, name, is_subject in recent.persons:
        if index - PRONOUN_WINDOW <= i <= index:
            by_sentence.setdefault(i, []).append((name, is_subject))
    if recent.last_speaker:
        i, sp = recent.last_speaker
        if sp.kind == "organisation" and sp.voice and i == index - 1 and sp.name:  # noqa: SIM102
            # no person named in between, and not "she" after "a spokesman"
            if not by_sentence.get(i) and _noun_gender(recent.said_as(sp)) in (None, gender):
                return _Speaker(sp.name, "organisation", "pronoun", span, True)
    # (name, whether a match may teach the story this person's gender)
    order: list[tuple[str, bool]] = [(name, False) for name in here]
    if recent.last_speaker and recent.last_speaker[1].kind == "person":
        i, sp = recent.last_speaker
        # "she added": the last speaker comes first, unless another person was the subject
        # of a sentence since ("…,” Ross said. Michaels has one piece of advice. “…,” he said)
        # (when the text told us the last speaker's gender and not the newer subject's, the
        # last speaker still comes first: "Tollefsen said she … Oyelaran inspected … she added")
        sure = sp.name is not None and story.gender.get(name_key(sp.name)) == gender
        # (only a main clause's subject: "…, even laughing when chairman Kim Tollefsen said he
        # was 90. “I feel like it,” he said" is still the last speaker's)
        newer = any(
            j > i
            and subj == MAIN_SUBJECT
            and name != sp.name
            and (story.gender.get(name_key(name)) or not sure)
            for j, name, subj in recent.persons
        )
        if index - PRONOUN_WINDOW <= i < index and sp.name and not newer:
            order.append((sp.name, True))
    # then subjects before other mentions, each by recency: the subject of a sentence
    # ("Eva Dahl was hired by Lars Moe. … she said") is the usual antecedent
    ranked = sorted(by_sentence, reverse=True)
    for i in ranked:  # a main clause's subject before a subordinate clause's, in a sentence
        by_sentence[i].sort(key=lambda mention: -mention[1])
    order.extend((n, False) for i in ranked for n, subj in by_sentence[i] if subj)
    order.extend((n, False) for i in ranked for n, subj in by_sentence[i] if not subj)
    if order:
        for name, learn in order:
            known = story.gender.get(name_key(name))
            if known and known != gender:
                continue
            if _bound_elsewhere(name, gender):
                continue
            if learn:  # a same-sentence guess is too weak to fix a gender for the story
                story.gender.setdefault(name_key(name), gender)
            return _Speaker(name, "person", "pronoun", span)
    return _Speaker(None, "person", "unattributed", span)


def _bound_elsewhere(description: str, gender: str) -> bool:
    """ "her agent said … “…,” she wrote": a description holding a possessive of the
    pronoun's gender is someone's relation, and that someone is the pronoun's antecedent;
    "her brother" is no "she" either."""
    words = description.lower().split()
    if _noun_gender(description) not in (None, gender):
        return True
    return any(PRONOUN_GENDER.get(w) == gender for w in words if w in ("his", "her"))


def _noun_gender(description: str) -> str | None:
    """The gender a described person's head noun carries ("a police spokesman" -> "m")."""
    words = [w for w in re.findall(r"[a-z]+", description.lower()) if w in NOUN_GENDER]
    return NOUN_GENDER[words[0]] if words else None


def _writer_just_before(index: int, recent: _Recent, span: tuple[int, int, int]) -> _Speaker | None:
    """ "X tweeted: “…” The tweet concluded with “…”": a bare "the tweet" / "the statement"
    right after the quote of someone who is no organisation is theirs, not an organisation's
    named earlier."""
    if not recent.last_speaker:
        return None
    i, sp = recent.last_speaker
    if sp.kind == "organisation" or not sp.name or i < index - 1:
        return None
    if any(j >= i for j, _name in recent.orgs):
        return None  # an organisation spoke or was the subject since
    return _Speaker(sp.name, "person", "pronoun", span)


def _resolve_org(index: int, recent: _Recent, span: tuple[int, int, int]) -> _Speaker:
    """ "the statement said" / "it said": the organisation that spoke or was named last."""
    if recent.last_speaker and recent.last_speaker[1].kind == "organisation":
        i, sp = recent.last_speaker
        if index - PRONOUN_WINDOW <= i <= index and sp.name:
            return _Speaker(sp.name, "organisation", "pronoun", span)
    for i, name in reversed(recent.orgs):
        if index - PRONOUN_WINDOW <= i <= index:
            return _Speaker(name, "organisation", "pronoun", span)
    return _Speaker(None, "organisation", "unattributed", span)


def _note_sentence(p: _Parse, story: _Story, recent: _Recent) -> None:
    """Remember the named people and organisations of a sentence, for later pronouns."""
    subjects = {i for i, t in enumerate(p.toks) if t.dep in SUBJECT_DEPS}
    main = {i for i in subjects if _main_clause(p, p.toks[i].head)}

    def rank(a: int, b: int) -> int:
        if any(j in main for j in range(a, b + 1)):
            return MAIN_SUBJECT
        return SUBJECT if any(j in subjects for j in range(a, b + 1)) else MENTION

    i = 0
    while i < len(p.toks):
        t = p.toks[i]
        if p.inside[i] or t.ent not in ("PERSON", "ORG", "GPE"):
            full = _full_name_mistagged(p, i, story)
            if full is not None:  # "Lew told Kari Lund …", the whole line a WORK_OF_ART
                b, name = full
                recent.persons.append((p.s.index, name, rank(i, b)))
                i = b + 1
                continue
            i += 1
            continue
        run = _ent_run(p, i, (t.ent,))
        assert run is not None
        text = _text(p, *run)
        is_subj = any(j in subjects for j in range(run[0], run[1] + 1))
        if t.ent == "PERSON" and (_platform(p, *run) or _in_comparison(p, *run)):
            pass  # "adding on Twitter that …": a medium tagged as a person; "look like X"
        elif t.ent == "PERSON" or (t.ent == "ORG" and _person_name(p, *run, story, strict=True)):
            # a name several people share ("Lindqvist" beside her father Bo Lindqvist) stays
            # as written, or as recency decides: it is still who "she" may mean
            bare = split_role(text)[1]
            person = story.person(bare) or clean_name(bare) or None
            if person:
                recent.persons.append((p.s.index, person, rank(*run)))
                if is_subj:
                    _gender_from_possessive(p, run[1], person, story)
        elif is_subj and _known_surname(text, story):  # "Michaels has …", tagged a place
            recent.persons.append((p.s.index, story.person(text) or text, rank(*run)))
        elif is_subj and (t.ent == "GPE" or not story.is_place(text)):
            recent.orgs.append((p.s.index, story.org(text)))
        i = run[1] + 1


def _main_clause(p: _Parse, verb: int) -> bool:
    """A verb heading no subordinate clause: not an adverbial or relative clause, and with
    no subordinator ("when chairman Kim Tollefsen said …", "if X agrees")."""
    if not p.valid(verb):
        return False
    if p.toks[verb].dep in ("advcl", "relcl", "acl"):
        return False
    return not any(p.toks[c].dep == "mark" for c in p.children[verb])


def _full_name_mistagged(p: _Parse, i: int, story: _Story) -> tuple[int, str] | None:
    """A run of proper nouns from token i, not tagged PERSON here, that writes out the full
    name of exactly one person of the story (two words or more): still a mention of them.
    Returns the run's last token and the person."""
    if p.toks[i].pos != "PROPN" or (i > 0 and p.toks[i - 1].pos == "PROPN"):
        return None
    b = i
    while b + 1 < len(p.toks) and p.toks[b + 1].pos == "PROPN" and not p.inside[b + 1]:
        b += 1
    tagged = {t.ent for t in p.toks[i : b + 1]} & {"PERSON", "ORG", "GPE", "NORP", "DATE"}
    if b == i or tagged or _in_comparison(p, i, b):
        return None
    text = _text(p, i, b)
    if not all(w[:1].isupper() for w in text.split()):
        return None
    found = story.people.candidates(text)
    if len(found) != 1 or name_key(found[0]) != name_key(text):
        return None
    return b, found[0]


def _note_pronoun_subject(p: _Parse, story: _Story, recent: _Recent) -> None:
    """ "She became a barrister. … She was christened Clarissa …": a "he"/"she" subject of
    the main clause mentions the person it resolves to, who stays the freshest subject for
    the next pronoun (an obituary's paragraphs of "she" keep pointing at its subject, not
    at someone named in passing).
    """
    for i, t in enumerate(p.toks):
        low = t.text.lower()
        if low not in ("he", "she") or p.inside[i] or t.dep not in ("nsubj", "nsubjpass"):
            continue
        if not p.valid(i) or p.toks[t.head].dep != "ROOT":
            continue
        span = (p.s.index, t.start, p.end(i))
        here = _subjects_before(p, i, story)
        found = _resolve_pronoun(p.s.index, PRONOUN_GENDER[low], story, recent, span, here)
        if found.name and found.kind == "person":
            recent.persons.append((p.s.index, found.name, MAIN_SUBJECT))
        return


def _platform(p: _Parse, a: int, b: int) -> bool:
    """A one-word "person" that something is said on or via ("on Twitter", "via Facebook")."""
    if a != b or not p.valid(a) or p.toks[a].dep != "pobj":
        return False
    return p.toks[p.toks[a].head].text.lower() in MEDIUM_PREPS


def _in_comparison(p: _Parse, a: int, b: int) -> bool:
    """A name someone is compared to ("eyebrows make him look like the satanic cousin of
    mascot Alfred E. Neuman") is no one the story's "he" may mean."""
    j = next((i for i in range(a, b + 1) if not a <= p.toks[i].head <= b), b)
    for _ in range(6):
        if not p.valid(j) or p.toks[j].head == j:
            return False
        j = p.toks[j].head
        t = p.toks[j]
        if t.pos == "ADP" and t.text.lower() in COMPARISON_PREPS:
            return True
        if t.pos in ("VERB", "AUX"):
            return False
    return False


def _known_surname(text: str, story: _Story) -> bool:
    """One word the tagger called a place or an organisation that is the surname of exactly
    one person of the story ("Michaels" for Scott Michaels)."""
    words = clean_name(text).split()
    full = story.person(text) if len(words) == 1 else None
    # an organisation of that one word alone is the same mis-tagged surname ("Chapa raises
    # another possibility" for Jeff Chapa); a longer one ("Chapa Foods") may be the speaker
    orgs = [o for o in story.orgs.candidates(text) if name_key(o) != name_key(text)]
    return bool(full and len(full.split()) > 1 and not orgs)


def _gender_from_possessive(p: _Parse, after: int, name: str, story: _Story) -> None:
    """ "Fire Chief X said his crews ...", "X said he …": a pronoun bound to X tells X's gender.

    Only a subject he/she or a possessive his/her counts (an object "him"/"her" is
    someone else: "X scolded him"), outside X's own phrase ("X, her opponent") and
    outside quotes, and only when its head path reaches X's verb without crossing
    another subject ("X said nobody would question her …" says nothing about X).
    The next named person or proper-noun argument ends the search ("X told Vik
    he …"). PolNeAR dev: the unconstrained "next pronoun" rule gave about one
    person in ten the wrong gender, and a wrong gender blocks every later "he"/"she".
    """
    subj = next((i for i in range(after, -1, -1) if p.toks[i].dep in SUBJECT_DEPS), None)
    if subj is None or not p.valid(subj):
        return
    verb = p.toks[subj].head
    own = set(p.subtree(subj))
    for k in range(after + 1, len(p.toks)):
        t = p.toks[k]
        if t.ent == "PERSON" or (t.pos == "PROPN" and t.dep in ("dobj", "dative", "nsubj")):
            return
        g = PRONOUN_GENDER.get(t.text.lower())
        if not g or k in own or p.inside[k]:
            continue
        if not (t.dep in ("nsubj", "nsubjpass") or (t.dep == "poss" and t.text.lower() != "hers")):
            continue
        j, prev, steps = t.head, k, 0
        while j != verb and p.valid(j) and p.toks[j].head != j and steps < 10:
            others = [c for c in p.children[j] if p.toks[c].dep in SUBJECT_DEPS and c != prev]
            if others:
                break
            prev, j, steps = j, p.toks[j].head, steps + 1
        if j == verb:
            story.gender.setdefault(name_key(name), g)
        return


# --- mentions -------------------------------------------------------------------


def _kind(text: str, start: int, end: int) -> QuoteKind:
    """ "direct" when the quote stands as its own clause, "partial" when it sits in the syntax."""
    before = text[: max(0, start - 1)].split("\n")[-1].rstrip()  # a quote opening a line
    if not before or before[-1] in _BEFORE_DIRECT or before[-1] in '”"':
        return "direct"
    return "partial"


def _is_scare_quote(words: list[str], governed: bool) -> bool:
    """A title, name or single word in quotes with no speech verb over it."""
    if governed:
        return False
    if len(words) < MIN_PARTIAL_WORDS_WITHOUT_GOVERNING_CUE:
        return True
    letters = [w for w in words if w[:1].isalpha()]
    return bool(letters) and all(w[0].isupper() for w in letters)


def _is_title(p: _Parse, q_toks: list[int], words: list[str]) -> bool:
    """A title in quotes even under a cue: every word capitalised but the small ones, and
    the quote names a work rather than being said: a programme something is said on ('told
    Lund on NRK's "Evening Desk"'), a work noun's name ('the vigilante film "Death Wish"'),
    or what something is called ('a sketch was called "Waiters Who Hate Food"', 'minutes
    called "Headlines"')."""
    letters = [w.strip("“”\"'‘’(") for w in words]
    letters = [w for w in letters if w[:1].isalpha()]
    if not letters or not letters[0][0].isupper():
        return False
    if not all(w[0].isupper() for w in letters if w.lower() not in TITLE_SMALL_WORDS):
        return False
    inside = set(q_toks)
    root = next(
        (i for i in q_toks if p.valid(i) and p.toks[i].head not in inside and p.toks[i].head != i),
        None,
    )
    if root is None:
        return False
    head = p.toks[root].head
    h = p.toks[head]
    if h.pos == "ADP" and h.text.lower() in BROADCAST_PREPS and p.valid(head):
        # 'told Lund on NRK's "Evening Desk"' (said on it; a "project on X" is its topic)
        return p.toks[h.head].pos in ("VERB", "AUX")
    if h.pos == "NOUN" and h.lemma.lower() in WORK_NOUNS:
        return True
    # "was called X", "minutes called X": a name given, not words said
    naming = h.dep == "acl" or any(p.toks[c].dep == "auxpass" for c in p.children[head])
    return naming and h.lemma.lower() in NAMING_VERBS


def _clean_quote(text: str, kind: str) -> str:
    text = " ".join(text.split()).strip()
    text = text.rstrip(",;:—– ")
    if kind == "partial":
        text = text.rstrip(".")
    return text.strip("‘’' ") if text.count("‘") != text.count("’") else text


def find_quote_mentions(articles: Sequence[AnnotatedArticle]) -> list[QuoteMention]:
    """Every quoted span in every article, in story order, with its resolved speaker."""
    story = _Story(articles)
    out: list[QuoteMention] = []
    for a_i, art in enumerate(articles):
        recent = _Recent([], [])
        open_quote = False
        last_paragraph = -1
        run_start = 0  # where in `out` the quote still open at this sentence began
        turn = _NONE  # the speaker label of the current transcript paragraph
        section = _NONE  # the latest label of the article
        for k, s in enumerate(art.sentences):
            if s.paragraph != last_paragraph:
                open_quote, last_paragraph = False, s.paragraph
                turn = _transcript_turn(s, story)
                if turn.name or _TRANSCRIPT_LABEL.match(s.text):
                    section = turn  # a label we cannot name ends the section
            continued = open_quote
            recent.texts[s.index] = s.text
            spans, open_quote = quote_spans(s.text, open_quote)
            p = _Parse(s, spans)
            found = _sentence_mentions(a_i, p, spans, story, recent, turn, section)
            if not continued:
                run_start = len(out)
            out.extend(found)
            following = art.sentences[k + 1] if k + 1 < len(art.sentences) else None
            signed = _dash_signature(out, run_start, found, following, story)
            if signed is not None:
                found = out[len(out) - len(found) :]
                run_start = signed
            if _named_after(out, found, following, story):
                found = out[len(out) - len(found) :]
            _note_sentence(p, story, recent)
            _note_pronoun_subject(p, story, recent)
            speakers = [m for m in found if m.speaker]
            if speakers:
                m = speakers[-1]
                recent.last_speaker = (
                    s.index,
                    _Speaker(m.speaker, m.speaker_kind, m.speaker_via, m.speaker_span, m.voice),
                )
            elif not spans:
                said = _cue_subject_speaker(p, story, recent) or _first_person_turn(
                    p, turn if turn.name else section
                )
                if said is not None:
                    recent.last_speaker = (s.index, said)
                elif recent.last_speaker and _continues_speaker(p, story, recent):
                    recent.last_speaker = (s.index, recent.last_speaker[1])
    return out


def _transcript_turn(s: Sentence, story: _Story) -> _Speaker:
    """The speaker of a transcript paragraph ("WALLACE: But, Governor …"), if it has one.

    The label must name a person the story mentions ("Wallace" for Chris Wallace);
    an unknown label ("UPDATE:", "WATCH:") is no speaker.
    """
    m = _TRANSCRIPT_LABEL.match(s.text)
    if m is None:
        return _NONE
    label = m.group(1).title()
    found = story.people.candidates(label)
    if not found:
        return _NONE
    name = found[0] if len(found) == 1 else clean_name(label)  # shared surname: as written
    return _Speaker(name, "person", "explicit", (s.index, m.start(1), m.end(1)))


def _dash_signature(
    out: list[QuoteMention],
    run_start: int,
    found: list[QuoteMention],
    following: Sentence | None,
    story: _Story,
) -> int | None:
    """'“…we deserve better.” ― Carla Sanchez': a name after a dash signs the quote.

    The signature may sit after the closing mark or open the next sentence; it
    signs every direct sentence of the quote (from `run_start` in `out`) that
    has no cue-read speaker of its own. Returns where the next quote's run
    starts in `out` when a signature was found.
    """
    signed_to = None
    base = len(out) - len(found)
    for n, q in enumerate(found):
        text = q.sentence.text
        close = min(
            (i for i in (text.find("”", q.end), text.find('"', q.end)) if i >= 0), default=-1
        )
        if close < 0:
            continue
        where, at, pattern = q.sentence, close + 1, _DASH_SIGNATURE
        if n == len(found) - 1 and not text[at:].strip() and following is not None:
            where, at = following, 0
            if following.paragraph != q.sentence.paragraph:
                pattern = _DASH_SIGNATURE_LINE
        m = pattern.match(where.text, at)
        if m is None:
            continue
        words = m.group(1).split()
        if not 1 <= len(words) <= 6 or not all(w[:1].isupper() or len(w) == 1 for w in words):
            continue
        name = clean_name(m.group(1))
        span = (where.index, m.start(1), m.end(1))
        for j in range(run_start, base + n + 1):
            old = out[j]
            if old.speaker_via in ("unattributed", "nearby") and old.kind == "direct":
                out[j] = replace(
                    old,
                    speaker=story.person(name) or name,
                    speaker_via="explicit",
                    speaker_kind="person",
                    speaker_span=span,
                    voice=False,
                )
        run_start = signed_to = base + n + 1
    return signed_to


def _named_after(
    out: list[QuoteMention], found: list[QuoteMention], following: Sentence | None, story: _Story
) -> bool:
    """ "“You told me he wasn't funny.” That's what Jon said to Doug Herzog.": the sentence
    right after a quote that stands alone names its speaker. Only a person of the story."""
    if following is None or not found:
        return False
    m = _WHAT_X_SAID.match(following.text)
    if m is None:
        return False
    name = story.people.candidates(m.group(1))
    if len(name) != 1:
        return False
    span = (following.index, m.start(1), m.end(1))
    changed = False
    base = len(out) - len(found)
    for j in range(base, len(out)):
        old = out[j]
        if old.speaker_via == "unattributed" and old.kind == "direct" and old.cue is None:
            out[j] = replace(
                old,
                speaker=name[0],
                speaker_via="explicit",
                speaker_kind="person",
                speaker_span=span,
                voice=False,
            )
            changed = True
    return changed


def _cue_subject_speaker(p: _Parse, story: _Story, recent: _Recent) -> _Speaker | None:
    """The named speaker of a sentence without quotes ("X said his crews ..."), if any.

    A sentence that ends in a colon introduces the quote after it ("He said:",
    "Sanders made the following comment:"): its subject speaks, pronoun or not,
    whatever the verb.
    """
    introduces = p.s.text.rstrip().endswith(":")
    verbs = p.cue_tokens()
    if introduces:
        verbs += [i for i, t in enumerate(p.toks) if t.dep == "ROOT" and t.pos in ("VERB", "AUX")]
    for cue in verbs:
        # an adverbial clause with a subject of its own ("when X said"; not the participle
        # of "sent a letter urging …")
        own = [p.toks[c].dep for c in p.children[cue]]
        adverbial = "mark" in own or (
            p.toks[cue].dep == "advcl" and any(d in SUBJECT_DEPS for d in own)
        )
        if adverbial and not introduces:
            continue  # "… even laughing when Chairman X said he was 90": X is not who speaks next
        subj = _subject(p, cue)
        if subj is None or (p.toks[subj].pos == "PRON" and not introduces):
            continue
        sp = _speaker_from_subject(p, subj, story, recent, 0)
        if sp.name:
            return sp
    return None


def _first_person_turn(p: _Parse, turn: _Speaker) -> _Speaker | None:
    """ "JON STEWART: … I basically told them all to fuck off. “You work for me.”": in a
    transcript turn or an oral history's section, a speaker who says "I told" speaks next."""
    if not turn.name:
        return None
    for cue in p.cue_tokens():
        subj = _subject(p, cue)
        if subj is not None and p.toks[subj].text == "I" and p.toks[subj].dep == "nsubj":
            return turn
    return None


def _continues_speaker(p: _Parse, story: _Story, recent: _Recent) -> bool:
    """A sentence between quotes whose subject is "he"/"she" for the last speaker.

    '“…,” Obama said. He did not suggest retaliation. “Our goal is …”': the
    middle sentence keeps Obama speaking, so the quote after it is still his.
    """
    if not recent.last_speaker or recent.last_speaker[1].kind != "person":
        return False
    i, sp = recent.last_speaker
    if i != p.s.index - 1:
        return False
    for t_i, t in enumerate(p.toks):
        if (
            t.dep in SUBJECT_DEPS
            and p.toks[t.head].dep == "ROOT"
            and t.text.lower() in ("he", "she")
        ):
            span = (p.s.index, t.start, p.end(t_i))
            gender = PRONOUN_GENDER[t.text.lower()]
            return _resolve_pronoun(p.s.index, gender, story, recent, span).name == sp.name
    return False


# --- who said it: the ordered speaker resolvers ----------------------------------


@dataclass(frozen=True)
class _QuoteAt:
    """One quoted span being attributed, with what the resolvers may read about it."""

    p: _Parse
    story: _Story
    recent: _Recent
    spans: list[tuple[int, int]]  # every quoted span of the sentence
    raw_start: int  # this span, quote marks excluded, before trimming spaces
    raw_end: int
    start: int  # after trimming
    kind: str
    cue: int | None  # the cue verb governing the quote, else the nearest one
    cues: list[int]
    turn: _Speaker  # the transcript label of the paragraph (_NONE outside transcripts)
    # the label of the latest labelled paragraph of the article: an oral history's section
    section: _Speaker = _NONE


@dataclass(frozen=True)
class _Resolved:
    """A resolver's answer: the speaker (name None = it decided on nobody) and its cue."""

    speaker: _Speaker
    cue: int | None


def _by_cue_subject(q: _QuoteAt) -> _Resolved | None:
    """Records "explicit" or "pronoun": the subject of the quote's cue verb, read by
    `_speaker_from_subject` (a name, an organisation, a description, he/she/it)."""
    subj = _subject(q.p, q.cue) if q.cue is not None else None
    if subj is None:
        return None
    return _Resolved(_speaker_from_subject(q.p, subj, q.story, q.recent, q.start), q.cue)


def _by_name_beside_quote(q: _QuoteAt) -> _Resolved | None:
    """Records "explicit": the parse lost the cue's subject, so the name written right
    after the closing mark speaks ('…,” Flynn, an adviser, said')."""
    if q.cue is None or _subject(q.p, q.cue) is not None:
        return None
    subj = _beside_quote(q.p, q.raw_end)
    if subj is None:
        return None
    return _Resolved(_speaker_from_subject(q.p, subj, q.story, q.recent, q.start), q.cue)


def _by_other_cue_subject(q: _QuoteAt) -> _Resolved | None:
    """Records "explicit" or "pronoun": the subject of the nearest other cue, for a quote
    the parse hung under a non-cue verb ("... and called on X to 'quote'")."""
    cue = q.cue
    if cue is None or _subject(q.p, cue) is not None or _beside_quote(q.p, q.raw_end) is not None:
        return None
    for other in sorted(q.cues, key=lambda i: abs(i - cue)):
        if q.p.toks[other].text.lower() == "according" and q.p.toks[cue].pos == "VERB":
            continue  # 'Clinton, according to a reporter, replied: "…"': the reporter relays
        subj = _subject(q.p, other)
        if subj is not None:
            return _Resolved(_speaker_from_subject(q.p, subj, q.story, q.recent, q.start), other)
    return None


def _by_transcript_turn(q: _QuoteAt) -> _Resolved | None:
    """Records "explicit": words quoted inside a transcript turn ("WALLACE: …") are the
    labelled speaker's, unless the turn reports someone else saying them ("VIK: they
    basically said to me, “…”", "HAUGE: our interns start yelling, “…”"). In the
    paragraphs after a label with none of their own (an oral history's section), only
    what the speaker says he said is his ("I basically told them: “…”")."""
    who = _reporting_subject(q)
    # "I was told, “…”": a passive subject heard the words
    first = (
        who is not None
        and q.p.toks[who].text.lower() in FIRST_PERSON
        and q.p.toks[who].dep != "nsubjpass"
    )
    if q.turn.name and (who is None or first):
        return _Resolved(q.turn, q.cue)
    if (
        not q.turn.name
        and q.section.name
        and first
        and who is not None
        and q.p.toks[who].text.lower() == "i"
    ):
        return _Resolved(q.section, q.cue)
    return None


def _reporting_subject(q: _QuoteAt) -> int | None:
    """The subject that says the quote: its governing cue's, else that of the verb the
    quote hangs on; up the head path ("start yelling, “…”", "They're like, “…”") only
    from a verb written before the quote."""
    p = q.p
    inside = [i for i, t in enumerate(p.toks) if q.start <= t.start < q.raw_end]
    if not inside:
        return None
    cue = _governing_cue(p, inside)
    if cue is not None:
        subject = _subject(p, cue)
        if subject is not None or p.toks[cue].start > q.start:
            return subject
        j = cue
    else:
        j = inside[0]
        while p.inside[j] and p.valid(j) and p.toks[j].head != j:
            j = p.toks[j].head
        if p.inside[j] or p.toks[j].start > q.start:
            return None
    for _ in range(4):  # "start yelling": the nearest verb up the path with a subject
        subj = [c for c in p.children[j] if p.toks[c].dep in SUBJECT_DEPS and not p.inside[c]]
        if subj:
            return subj[0]
        if not p.valid(j) or p.toks[j].head == j:
            return None
        j = p.toks[j].head
    return None


def _by_speaker_before(q: _QuoteAt) -> _Resolved | None:
    """Records "nearby": a direct quote alone in its sentence, with no cue at all, is the
    speaker's of the sentence before."""
    s = q.p.s
    if q.cue is not None or q.kind != "direct":
        return None
    if not _only_quote(s.text, q.spans, q.raw_start, q.raw_end):
        return None
    prev = q.recent.last_speaker
    if prev and prev[0] == s.index - 1 and prev[1].name:
        sp = prev[1]
        return _Resolved(_Speaker(sp.name, sp.kind, "nearby", sp.span, sp.voice), q.cue)
    return None


SpeakerResolver = Callable[[_QuoteAt], "_Resolved | None"]

# Tried in order; the first that names a speaker wins. A resolver that finds a speaker
# it cannot name (a bare "it" with no organisation before it) keeps the place for its
# kind and span, and later ones may still name someone. A dash signature ("― Name") is
# read after the list, by `_dash_signature`, because it signs a whole run of sentences.
# A new rule is one function `(quote) -> _Resolved | None` that says in its docstring
# which `speaker_via` it records, put into this list where it should rank, e.g.
#     def _by_byline(q): ...   # Records "explicit": ...
#     SPEAKER_RESOLVERS = (_by_cue_subject, _by_byline, ...)
SPEAKER_RESOLVERS: tuple[SpeakerResolver, ...] = (
    _by_cue_subject,
    _by_name_beside_quote,
    _by_other_cue_subject,
    _by_transcript_turn,
    _by_speaker_before,
)


def resolve_speaker(q: _QuoteAt) -> tuple[_Speaker, int | None]:
    """The speaker of one quote and the cue it was read from, by SPEAKER_RESOLVERS in order."""
    undecided: _Resolved | None = None
    for resolver in SPEAKER_RESOLVERS:
        found = resolver(q)
        if found is None:
            continue
        if found.speaker.name:
            return found.speaker, found.cue
        undecided = undecided or found
    if undecided is None:
        return _NONE, q.cue
    sp = undecided.speaker
    return _Speaker(None, sp.kind, "unattributed", sp.span, sp.voice), undecided.cue


def _sentence_mentions(
    a_i: int,
    p: _Parse,
    spans: list[tuple[int, int]],
    story: _Story,
    recent: _Recent,
    turn: _Speaker = _NONE,
    section: _Speaker = _NONE,
) -> list[QuoteMention]:
    if not spans:
        return []
    s = p.s
    cues = p.cue_tokens()
    out: list[QuoteMention] = []
    for raw_start, raw_end in spans:
        start, end = _trim(s.text, raw_start, raw_end)
        kind = _kind(s.text, raw_start, raw_end)
        words = s.text[start:end].split()
        q_toks = [i for i, t in enumerate(p.toks) if start <= t.start < end]
        governing = _governing_cue(p, q_toks) if q_toks else None
        cue = governing
        # a partial quote no cue governs is not the words of a cue in a contrasting clause
        # ('While Lott said, "…", his department's review found his "use of force was
        # unacceptable"': the review's words, not Lott's)
        free = cues
        if kind == "partial":
            free = [i for i in cues if not _contrast_clause(p, i)]
        if cue is None and free:
            mid = (start + end) / 2
            cue = min(free, key=lambda i: abs(p.toks[i].start - mid))
        if kind == "partial" and (
            not cues or _is_scare_quote(words, governing is not None) or _is_title(p, q_toks, words)
        ):
            continue
        if kind == "direct" and cue is None and len(words) < MIN_DIRECT_WORDS_WITHOUT_CUE:
            continue
        quote = _QuoteAt(
            p, story, recent, spans, raw_start, raw_end, start, kind, cue, cues, turn, section
        )
        speaker, cue = resolve_speaker(quote)
        cue_lemma = None
        if cue is not None:
            tok = p.toks[cue]
            cue_lemma = "according to" if tok.text.lower() == "according" else tok.lemma.lower()
        out.append(
            QuoteMention(
                article=a_i,
                sentence=s,
                start=start,
                end=end,
                text=_clean_quote(s.text[start:end], kind),
                kind=kind,
                cue=cue_lemma,
                speaker=speaker.name,
                speaker_via=speaker.via,
                speaker_kind=speaker.kind,
                speaker_span=speaker.span,
                voice=speaker.voice,
            )
        )
    return out


def _contrast_clause(p: _Parse, verb: int) -> bool:
    """A verb heading a "while"/"although" clause hung on another verb."""
    if p.toks[verb].dep != "advcl":
        return False
    return any(
        p.toks[c].dep == "mark" and p.toks[c].text.lower() in CONTRAST_MARKS
        for c in p.children[verb]
    )


def _only_quote(text: str, spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """True when nothing but punctuation lies outside the quoted spans on the quote's lines.

    A sentence may run over a line break ("…a movement.”\nCheck out the trailer"):
    the next line is another paragraph, not words around the quote.
    """
    lo = text.rfind("\n", 0, start) + 1
    hi = text.find("\n", end)
    hi = len(text) if hi < 0 else hi
    rest, last = [], lo
    for s, e in spans:
        if e <= lo or s >= hi:
            continue
        rest.append(text[last:s])
        last = e
    rest.append(text[last:hi])
    return not re.search(r"\w", "".join(rest))


# --- merging across outlets ------------------------------------------------------


def _normword_list(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower().replace("’", "'"))


def _sameword_list(a: str, b: str) -> bool:
    wa, wb = _normword_list(a), _normword_list(b)
    if not wa or not wb:
        return False
    if wa == wb:
        return True
    short, long = (wa, wb) if len(wa) <= len(wb) else (wb, wa)
    if len(short) >= MERGE_MIN_CONTAINED_WORDS:
        joined, sub = " ".join(long), " ".join(short)
        if f" {sub} " in f" {joined} ":
            return True
    sa, sb = set(wa), set(wb)
    return len(sa & sb) / len(sa | sb) >= MERGE_MIN_JACCARD


def _citation(articles: Sequence[AnnotatedArticle], m: QuoteMention) -> Citation:
    art = articles[m.article].article
    return Citation(art.doc_id, art.label, m.sentence.index, m.sentence.text)


def _join_direct(mentions: list[QuoteMention]) -> list[QuoteMention]:
    """Direct segments of one sentence with the same speaker become one quote."""
    out: list[QuoteMention] = []
    for m in mentions:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.sentence is m.sentence
            and prev.kind == m.kind == "direct"
            and prev.speaker == m.speaker
        ):
            text = f"{prev.text} {m.text}"
            out[-1] = QuoteMention(**{**prev.__dict__, "text": text, "end": m.end})
        else:
            out.append(m)
    return out


def find_quotes(
    articles: Sequence[AnnotatedArticle], mentions: Sequence[QuoteMention] | None = None
) -> tuple[Quote, ...]:
    """Quotes in story order; the same words reported by several outlets become one Quote.
    `mentions` (default: `find_quote_mentions(articles)`) lets another language's finder
    (analyze/quotes_fr.py) share the merging."""
    merged: list[tuple[QuoteMention, list[Citation], str | None, SpeakerVia, str | None]] = []
    found = find_quote_mentions(articles) if mentions is None else list(mentions)
    for m in _join_direct(found):
        cite = _citation(articles, m)
        for k, (first, cites, speaker, _via, _cue) in enumerate(merged):
            if not _sameword_list(first.text, m.text):
                continue
            if speaker and m.speaker and speaker != m.speaker:
                continue
            if all(c.doc_id != cite.doc_id for c in cites):
                cites.append(cite)
            if speaker is None and m.speaker:
                merged[k] = (first, cites, m.speaker, m.speaker_via, m.cue)
            break
        else:
            merged.append((m, [cite], m.speaker, m.speaker_via, m.cue))
    return tuple(
        Quote(
            text=first.text,
            speaker=speaker,
            speaker_via=via,
            cue=cue,
            kind=first.kind,
            citations=tuple(cites),
        )
        for first, cites, speaker, via, cue in merged
    )


# --- how a reader is told who spoke ------------------------------------------------

# Past tenses the regular rules below do not make ("say" -> "said").
_IRREGULAR_PAST = {
    "say": "said", "tell": "told", "write": "wrote", "speak": "spoke", "read": "read",
    "begin": "began", "put": "put", "sing": "sang", "swear": "swore", "hear": "heard",
    "think": "thought", "mean": "meant",
}  # fmt: skip
_DOUBLED_PAST = frozenset(word_list("admit quip slam commit submit rebut regret chat plan"))


def _past(lemma: str) -> str:
    """ "say" -> "said", "add" -> "added", "reply" -> "replied", "admit" -> "admitted"."""
    if lemma in _IRREGULAR_PAST:
        return _IRREGULAR_PAST[lemma]
    if lemma in _DOUBLED_PAST:
        return f"{lemma}{lemma[-1]}ed"
    if lemma.endswith("e"):
        return f"{lemma}d"
    if lemma.endswith("y") and lemma[-2:-1] not in ("a", "e", "o", "u"):
        return f"{lemma[:-1]}ied"
    return f"{lemma}ed"


def attribution_label(quote: Quote) -> str:
    """How a reader is told where a quote's speaker comes from, in plain words.

    "said", "told", "according to" (the speech verb, as the text used it); "said;
    speaker named earlier" (he/she/it or "the statement" resolved to someone named
    before); "same speaker as the sentence before" (a quote with no speech verb of its own);
    "speaker unknown". A cue verb that is not English (the French finder's) reads "said".
    """
    cue = quote.cue
    if cue == "according to":
        verb = "according to"
    elif cue and cue in CUE_LEMMAS:
        verb = _past(cue)
    else:
        verb = "said" if cue else ""
    if quote.speaker is None:
        return f"{verb}; speaker unknown" if verb else "speaker unknown"
    if quote.speaker_via == "pronoun":
        return f"{verb or 'said'}; speaker named earlier"
    if quote.speaker_via == "nearby":
        return "same speaker as the sentence before"
    return verb or "said"
