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
