"""A sentence's dependency tree: each token's children and the subtree under a token.

spaCy's parse reaches us as `Token.head` indices (model.Token); quotes, the
timeline and actors all need the other direction (a verb's subject, a clause
under its verb, an apposition's words), so the tree is built and walked here once.
"""

from __future__ import annotations

from collections.abc import Sequence

from newsweave.model import Token


class DependencyTree:
    """Children lists over a sentence's tokens; a root points to itself and has no parent."""

    def __init__(self, tokens: Sequence[Token]) -> None:
        self.tokens = tokens
        self.children: list[list[int]] = [[] for _ in tokens]
        for i, t in enumerate(tokens):
            if t.head != i and 0 <= t.head < len(tokens):
                self.children[t.head].append(i)

    def subtree(self, root: int, skip: tuple[str, ...] | frozenset[str] = ()) -> list[int]:
        """Sorted indices of `root` and everything under it, without children whose
        dependency label is in `skip` (and what hangs under them)."""
        out, stack = [], [root]
        while stack:
            i = stack.pop()
            out.append(i)
            stack.extend(c for c in self.children[i] if self.tokens[c].dep not in skip)
        return sorted(out)


__all__ = ["DependencyTree"]
