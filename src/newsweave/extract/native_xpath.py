"""XPath expressions with their regular-expression tests made native.

trafilatura's selectors test class and id attributes with EXSLT's `re:test`, which lxml
answers by calling back into Python for every element the test meets: on a news page
each such expression costs 2-4 ms, most of the author search. Where a pattern only ever
matches one of a finite set of strings (an alternation of literals, `[Aa]`, `-?`,
`(?:x|y)`, a leading `^`), the same test is XPath 1.0's own `contains()` and
`starts-with()`, evaluated in C. `native(expression)` rewrites each such test and leaves
any other pattern as it was, so the rewritten expression selects the same elements
(tests/test_extract_html.py compares both on real pages); trafilatura's own expressions,
which its extraction uses, are not touched.
"""

from __future__ import annotations

import importlib
import re
import warnings
from dataclasses import dataclass
from typing import Any

import lxml.etree

with warnings.catch_warnings():  # the parser moved (sre_parse -> re._parser) in 3.11
    warnings.simplefilter("ignore", DeprecationWarning)
    try:
        _sre: Any = importlib.import_module("re._parser")
    except ImportError:  # pragma: no cover - Python before 3.11
        _sre = importlib.import_module("sre_parse")

_RE_TEST = re.compile(r"re:test\(\s*(@[\w:-]+)\s*,\s*'([^']*)'\s*\)")
_MAX_STRINGS = 64  # more alternatives than this: the rewrite is not worth its length
_START = "\0start"  # marks "^" in an expanded alternative


def literals(pattern: str) -> list[tuple[bool, str]] | None:
    """The finite strings `pattern` matches, each with whether it must start the subject
    (a leading "^"); None when the pattern is not such a finite alternation."""
    try:
        parsed = _sre.parse(pattern)
    except re.error:
        return None
    if parsed.state.flags & ~_sre.SRE_FLAG_UNICODE:  # (?i), (?x), ...
        return None
    expanded = _expand(list(parsed))
    if expanded is None:
        return None
    out = []
    for sequence in expanded:
        anchored = bool(sequence) and sequence[0] == _START
        body = sequence[1:] if anchored else sequence
        if _START in body:
            return None
        out.append((anchored, "".join(body)))
    return out


def _expand(items: list) -> list[list[str]] | None:
    """Every sequence of characters (and _START marks) `items` (sre's parse) matches."""
    sequences: list[list[str]] = [[]]
    for op, av in items:
        options = _options(op, av)
        if options is None:
            return None
        sequences = [s + o for s in sequences for o in options]
        if len(sequences) > _MAX_STRINGS:
            return None
    return sequences


def _options(op: Any, av: Any) -> list[list[str]] | None:
    if op is _sre.LITERAL:
        return [[chr(av)]]
    if op is _sre.IN:
        items = list(av)
        if not all(kind is _sre.LITERAL for kind, _ in items):
            return None  # ranges, classes, negation
        return [[chr(code)] for _, code in items]
    if op is _sre.BRANCH:
        branches = []
        for branch in av[1]:
            expanded = _expand(list(branch))
            if expanded is None:
                return None
            branches.extend(expanded)
        return branches
    if op is _sre.SUBPATTERN:
        _group, add_flags, del_flags, sub = av
        return None if add_flags or del_flags else _expand(list(sub))
    if op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT):
        low, high, sub = av
        once = _expand(list(sub))
        if once is None or high > 2:
            return None
        out: list[list[str]] = []
        for count in range(low, high + 1):
            repeated: list[list[str]] = [[]]
            for _ in range(count):
                repeated = [r + o for r in repeated for o in once]
            out.extend(repeated)
        return out
    if op is _sre.AT and av is _sre.AT_BEGINNING:
        return [[_START]]
    return None


def _native_test(match: re.Match[str]) -> str:
    attribute, pattern = match.group(1), match.group(2)
    found = literals(pattern)
    if not found or any("'" in text for _, text in found):
        return match.group()
    tests = [
        f"starts-with({attribute}, '{text}')" if anchored else f"contains({attribute}, '{text}')"
        for anchored, text in dict.fromkeys(found)
    ]
    return "(" + " or ".join(tests) + ")"


def native_path(path: str) -> str:
    """`path` with every `re:test(@attribute, 'pattern')` of a finite pattern rewritten."""
    return _RE_TEST.sub(_native_test, path)


def native(expression: lxml.etree.XPath) -> lxml.etree.XPath:
    """An XPath selecting what `expression` selects, without Python callbacks where the
    patterns allow (the namespaces are kept for any test left as it was)."""
    path = native_path(expression.path)
    if path == expression.path:
        return expression
    namespaces = {"re": "http://exslt.org/regular-expressions"} if "re:" in path else None
    return lxml.etree.XPath(path, namespaces=namespaces)


# --- What an expression needs on a page before it can select anything ---------------------
# An expression `//*[...][a or b or ...]` whose tests are on attribute values (`@a='x'`,
# `contains(@a, 'x')`, `starts-with(@a, 'x')`) or a child's text (`name='x'`) selects an
# element only if some attribute named there has a value containing one of those strings,
# or an element of that name exists; a step `//name` only if such an element exists. One
# pass collecting those attributes' values then tells which expressions cannot select
# anything on a page, and they need not walk it.

_ATTRIBUTE_TEST = re.compile(
    r"@([\w-]+)\s*=\s*'([^']*)'|(?:contains|starts-with)\(\s*@([\w-]+)\s*,\s*'([^']*)'\s*\)"
)
_CHILD_TEST = re.compile(r"([A-Za-z_][\w-]*)\s*=\s*'[^']*'")
_BRANCH = re.compile(r"\.?//([\w*-]+)((?:\[.*\])?)", re.DOTALL)


@dataclass(frozen=True)
class Needs:
    """Strings one of which some named attribute's value must contain, or element names one
    of which must be on the page, for an expression to select anything."""

    attributes: frozenset[str]
    strings: tuple[str, ...]
    elements: frozenset[str]

    def met(self, values: str, elements: set[str]) -> bool:
        """`values`: the page's values of (at least) `attributes`, joined by newlines."""
        return any(s in values for s in self.strings) or not self.elements.isdisjoint(elements)


def needs(path: str) -> Needs | None:
    """What `path` needs on a page (see above); None when it is not of a shape read here."""
    attributes: set[str] = set()
    strings: list[str] = []
    elements: set[str] = set()
    for branch in split_outside(path, r"\|"):
        match = _BRANCH.fullmatch(branch.strip())
        if match is None:
            return None
        name, predicates = match.group(1), match.group(2)
        if name != "*":
            elements.add(name)
            continue
        found = next((n for n in map(_disjuncts, _bracketed(predicates)) if n is not None), None)
        if found is None:
            return None
        attributes |= found[0]
        strings += found[1]
        elements |= found[2]
    return Needs(frozenset(attributes), tuple(dict.fromkeys(strings)), frozenset(elements))


def _disjuncts(predicate: str) -> tuple[set[str], list[str], set[str]] | None:
    """(attributes, strings, child names) of a predicate made only of `or`-ed value tests."""
    attributes: set[str] = set()
    strings: list[str] = []
    elements: set[str] = set()
    for atom in split_outside(predicate, r"\s+or\s+"):
        atom = atom.strip()
        while (
            atom.startswith("(") and atom.endswith(")") and _bracketed(atom, "()") == [atom[1:-1]]
        ):
            inner = _disjuncts(atom[1:-1])
            if inner is None:
                return None
            attributes |= inner[0]
            strings += inner[1]
            elements |= inner[2]
            break
        else:
            if (test := _ATTRIBUTE_TEST.fullmatch(atom)) is not None:
                attributes.add(test.group(1) or test.group(3))
                strings.append(test.group(2) if test.group(1) else test.group(4))
            elif (child := _CHILD_TEST.fullmatch(atom)) is not None and child.group(1) not in (
                "and",
                "or",
                "not",
            ):
                elements.add(child.group(1))
            else:
                return None
    return attributes, strings, elements


def split_outside(path: str, separator: str) -> list[str]:
    """`path` split at each match of the regular expression `separator` outside quotes,
    brackets and parentheses."""
    pattern = re.compile(separator)
    parts, depth, quote, start, index = [], 0, "", 0, 0
    while index < len(path):
        char = path[index]
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char in "[(":
            depth += 1
        elif char in "])":
            depth -= 1
        elif depth == 0 and (found := pattern.match(path, index)) and found.end() > index:
            parts.append(path[start:index])
            index = start = found.end()
            continue
        index += 1
    parts.append(path[start:])
    return parts


def _bracketed(text: str, pair: str = "[]") -> list[str]:
    """The contents of `text`'s top-level bracket pairs, in order (quotes respected)."""
    out, depth, quote, start = [], 0, "", 0
    for index, char in enumerate(text):
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == pair[0]:
            depth += 1
            if depth == 1:
                start = index + 1
        elif char == pair[1]:
            depth -= 1
            if depth == 0:
                out.append(text[start:index])
    return out
