"""Person names: strip role words, compare names, and resolve short mentions to full names.

A story names a person in several ways ("Defense Secretary Mark T. Esper",
"Mark Esper", "Esper", "Mr. Esper"). `split_role` separates the role from the
name, `name_key` gives a comparison key, and `NameResolver` maps every mention
to the fullest name registered for the story -- or to None when a short mention
could be more than one person (three different men called "Kim").
"""

from __future__ import annotations

import re

from newsweave.lexicon import (
    HONORIFICS,
    NAME_PARTICLES,
    NAME_SUFFIXES,
    TITLE_WORDS,
    word_list,
)

# --- Heuristics (data) -------------------------------------------------------
# Words that make a speaker (or a mention) an organisation rather than a person:
# "the Foreign Ministry", "a ministry spokesman", "the statement".
ORGANISATION_SPEAKER_WORDS: frozenset[str] = frozenset(
    word_list("""
    ministry department agency office government administration council committee
    commission authority authorities service services police military army navy
    command headquarters embassy court board bureau company corporation firm group
    union association party parliament congress senate assembly cabinet spokesman
    spokeswoman spokesperson statement communique release kcna news outlet newspaper
    station network hospital university school institute centre center foundation
    coalition alliance organisation organization team league club
    """)
)

# Words no person's name holds: a name with one is a craft, an award or a product
# ("Parker Solar Probe", "the Hubble Space Telescope", "Distinguished Service Medal"),
# never an actor that is a person and never a quote's speaker.
PRODUCT_NAME_WORDS: frozenset[str] = frozenset(
    word_list("""
    probe telescope spacecraft satellite rover orbiter lander shuttle medal award prize
    trophy
    """)
)


def is_product_name(name: str) -> bool:
    """A name that holds a craft, award or product word ("the Parker Solar Probe's")."""
    return any(w.strip(_EDGE_PUNCT).lower() in PRODUCT_NAME_WORDS for w in clean_name(name).split())


# Given names that (almost) only one gender carries, written by us from general knowledge of
# common English-language and frequent international names in news; names carried by both
# ("Kim", "Robin", "Jordan", "Chris", "Pat", "Jean", "Andrea") are left out on purpose. A
# "she" is never resolved to a man named here, nor a "he" to a woman; a gender the text
# states (an honorific, a bound pronoun) still comes first.
# Written by hand rather than taken from a package: the one offline name-gender list on the
# index (gender-guesser) is GPL-3 and gives names both genders carry ('Jean', 'Kim') one gender.
FEMALE_GIVEN_NAMES: frozenset[str] = frozenset(
    word_list("""
    mary patricia jennifer linda elizabeth barbara susan jessica sarah karen nancy lisa
    betty margaret sandra ashley kimberly emily donna michelle dorothy carol amanda melissa
    deborah stephanie rebecca sharon laura cynthia kathleen amy angela shirley anna brenda
    pamela emma nicole helen samantha katherine christine debra rachel carolyn janet
    catherine maria heather diane ruth julie olivia joyce virginia victoria christina joan
    evelyn judith megan cheryl martha hannah gloria teresa ann frances kathryn janice
    abigail alice judy sophia grace denise amber doris marilyn danielle beverly isabella
    theresa diana natalie brittany charlotte marie kayla lori hillary chelsea michele
    caroline jane sheila ellen marcia rosa sofia lucy claire louise sylvia irene wendy
    tina paula joanne valerie anne annie susanne monica vanessa eva elena olga natalia
    ingrid greta astrid birgit angelika ursula francesca giulia chiara fatima
    """)
)
MALE_GIVEN_NAMES: frozenset[str] = frozenset(
    word_list("""
    james john robert michael william david richard joseph thomas charles christopher daniel
    matthew anthony mark donald steven paul andrew joshua kenneth kevin brian george timothy
    ronald edward jason jeffrey ryan jacob gary nicholas eric jonathan stephen larry justin
    scott brandon benjamin samuel gregory alexander frank patrick raymond jack dennis jerry
    tyler aaron jose adam nathan henry douglas zachary peter kyle ethan walter noah jeremy
    christian keith roger gerald harold sean austin carl arthur lawrence dylan jesse bryan
    joe billy bruce albert willie gabriel logan alan juan wayne roy ralph randy eugene
    vincent russell elijah louis bobby philip johnny barack bernie mitch ted tony boris
    vladimir emmanuel harry steve jim tom bob mike dave fred frederick hugh ian neil
    simon oliver martin leonard howard stanley ernest herbert francis bernard hans klaus
    pierre jacques francois giuseppe giovanni carlos luis miguel pedro jorge
    francisco antonio sergei dmitry ivan igor mohammed muhammad ahmed hassan hussein omar
    ibrahim mahmoud khalid abdullah yusuf
    """)
)
_AMBIGUOUS_GIVEN_NAMES = FEMALE_GIVEN_NAMES & MALE_GIVEN_NAMES


def given_name_gender(name: str) -> str | None:
    """ "m" / "f" from a full name's first given name ("Tony Blair" -> "m"), else None."""
    words = name_tokens(name)
    if len(words) < 2 or words[0] in _AMBIGUOUS_GIVEN_NAMES:
        return None
    if words[0] in FEMALE_GIVEN_NAMES:
        return "f"
    return "m" if words[0] in MALE_GIVEN_NAMES else None


_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")
_EDGE_PUNCT = " \t\n\"'“”‘’()[],;:"


def _is_title(token: str) -> bool:
    return token.rstrip(".,").lower() in TITLE_WORDS or token.lower() in TITLE_WORDS


def _is_name_word(token: str) -> bool:
    """A token that can be part of a name: capitalised (or an initial), not a role word."""
    if not token or _is_title(token):
        return False
    return token[0].isupper()


def clean_name(text: str) -> str:
    """Whitespace collapsed, surrounding quotes/punctuation and a possessive 's removed."""
    text = " ".join(text.split()).strip(_EDGE_PUNCT)
    text = _POSSESSIVE.sub("", text).strip(_EDGE_PUNCT)
    return text


def split_role(text: str) -> tuple[str | None, str]:
    """Split a mention into (role, name): "Mayor Marit Ellesund" -> ("Mayor", "Marit Ellesund")."""
    text = clean_name(text)
    tokens = text.split()
    if not tokens:
        return None, ""
    # Walk back from the end while tokens can belong to a name.
    start = len(tokens)
    while start > 0:
        tok = tokens[start - 1]
        if _is_name_word(tok):
            start -= 1
        elif tok.lower() in NAME_PARTICLES and start < len(tokens) and start - 1 > 0:
            # a particle needs a name word on both sides
            if _is_name_word(tokens[start - 2]):
                start -= 1
            else:
                break
        else:
            break
    # A name never starts with a particle.
    while start < len(tokens) and tokens[start].lower() in NAME_PARTICLES:
        start += 1
    if start >= len(tokens):
        return None, text  # all role words ("the President"): keep the text as it is
    if start == 0:
        return None, text
    role = " ".join(tokens[:start]).strip(_EDGE_PUNCT + "-—–")
    return (role or None), " ".join(tokens[start:])


def name_tokens(name: str, strip_role: bool = True) -> list[str]:
    """Lowercase comparison tokens: punctuation, honorifics, initials and suffixes dropped."""
    name = split_role(name)[1] if strip_role else clean_name(name)
    out: list[str] = []
    for raw in re.split(r"[\s\-‐–]+", name):
        tok = re.sub(r"[^\w]", "", raw.lower())
        if not tok:
            continue
        if len(tok) == 1 or tok in NAME_SUFFIXES:
            continue  # middle initials ("T."), "Jr."
        if not out and tok in HONORIFICS:
            continue
        out.append(tok)
    return out


def name_key(name: str) -> str:
    """Normalised comparison key: "Mark T. Esper" -> "mark esper"."""
    return " ".join(name_tokens(name))


def _display(name: str) -> str:
    """A registered name as shown: honorific and single-letter initials dropped."""
    words = clean_name(name).split()
    if words and re.sub(r"\W", "", words[0]).lower() in HONORIFICS and len(words) > 1:
        words = words[1:]
    kept = [w for w in words if len(re.sub(r"\W", "", w)) > 1 or len(words) == 1]
    return " ".join(kept) if kept else clean_name(name)


def _ordered_subset(short: list[str], full: list[str]) -> bool:
    """`short` is an in-order subset of `full` that keeps its first or last word."""
    if not short or len(short) > len(full):
        return False
    if short[0] != full[0] and short[-1] != full[-1]:
        return False
    it = iter(full)
    return all(tok in it for tok in short)


class NameResolver:
    """Map every mention of a person in one story to the fullest registered name."""

    def __init__(self, *, people: bool = True) -> None:
        # people=False: organisation names, where "Foreign" or "Police" is part of the name
        self._people = people
        self._names: dict[str, str] = {}  # key -> display name

    def add(self, name: str) -> None:
        """Register a PERSON name seen in the story (a role prefix is stripped here)."""
        bare = split_role(name)[1] if self._people else clean_name(name)
        key = " ".join(name_tokens(bare, self._people))
        if not key:
            return
        display = _display(bare) if self._people else bare
        current = self._names.get(key)
        # Prefer the longest spelling of the same key ("Moon Jae-in" over "Moon Jae In").
        if current is None or len(display) > len(current):
            self._names[key] = display

    def names(self) -> tuple[str, ...]:
        """Every registered name, fullest spelling, in registration order."""
        return tuple(self._names.values())

    def candidates(self, name: str) -> list[str]:
        """The maximal registered names `name` could refer to (several = ambiguous)."""
        short = name_tokens(name, self._people)
        if not short:
            return []
        matches = [k for k in self._names if _ordered_subset(short, k.split())]
        maximal = [
            k
            for k in matches
            if not any(o != k and _ordered_subset(k.split(), o.split()) for o in matches)
        ]
        return [self._names[k] for k in maximal]

    def canonical(self, name: str) -> str | None:
        """The fullest registered name for `name`; None if ambiguous; else `name` cleaned."""
        found = self.candidates(name)
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            return None
        bare = split_role(name)[1] if self._people else clean_name(name)
        return bare or None
