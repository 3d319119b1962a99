"""The archive's search syntax (docs/ARCHIVE_SEARCH.md): words, "phrases", OR, NOT / -word.

    荷塘 云溪            both (every word must occur)
    荷塘 OR 云溪         either; OR binds its two neighbours: 甲 乙 OR 丙 = 甲 and (乙 or 丙)
    "乡村 振兴"          the exact text between the quotes, spaces and all
    -荷塘, NOT 荷塘      stories without it

A word is matched as text anywhere (Chinese has no spaces to find words by), so
the parser only groups terms; catalogue.search turns the groups into SQL. OR and
NOT are operators only in capitals; quote them to look for the words themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

from newsprint.errors import UserError

EXAMPLE = 'e.g. 荷塘 OR 云溪, "乡村 振兴", -荷塘'


@dataclass(frozen=True)
class Query:
    """Stories matching every group (a group: any one of its terms) and no excluded term."""

    groups: tuple[tuple[str, ...], ...]
    excluded: tuple[str, ...] = ()

    @property
    def terms(self) -> list[str]:
        """The terms a hit contains (for snippets and highlights)."""
        return [t for group in self.groups for t in group]

    def __str__(self) -> str:
        show = [" OR ".join(_shown(t) for t in g) for g in self.groups]
        return " ".join(show + [f"-{_shown(t)}" for t in self.excluded])


def _shown(term: str) -> str:
    plain = term and not any(c.isspace() or c == '"' for c in term) and term not in ("OR", "NOT")
    return term if plain and not term.startswith("-") else '"' + term.replace('"', "") + '"'


def _tokens(text: str) -> list[tuple[str, bool]]:
    """(token, quoted) pairs: words split at spaces, "…" kept whole; a leading - of a
    word or of a quoted phrase is its own token."""
    tokens: list[tuple[str, bool]] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        if text[i] == "-" and i + 1 < n and not text[i + 1].isspace():
            tokens.append(("-", False))
            i += 1
            continue
        if text[i] == '"':
            end = text.find('"', i + 1)
            if end < 0:
                raise UserError(f"archive search: a quote is not closed in {text!r}; {EXAMPLE}")
            tokens.append((text[i + 1 : end], True))
            i = end + 1
            continue
        j = i
        while j < n and not text[j].isspace() and text[j] != '"':
            j += 1
        tokens.append((text[i:j], False))
        i = j
    return tokens


def parse_query(words: list[str]) -> Query:
    """The command line's words as one Query; a malformed one is a UserError saying why."""
    text = " ".join(words)
    groups: list[list[str]] = []
    excluded: list[str] = []
    pending_or = negate = False
    for token, quoted in _tokens(text):
        if not quoted and token in ("-", "NOT"):
            if pending_or:
                raise UserError(f"archive search: OR cannot join a NOT term in {text!r}; {EXAMPLE}")
            negate = True
        elif not quoted and token == "OR":
            if not groups or pending_or or negate:
                raise UserError(
                    f"archive search: OR needs a word on each side in {text!r}; {EXAMPLE}"
                )
            pending_or = True
        elif not token.strip():
            raise UserError(f'archive search: an empty phrase "" in {text!r}; {EXAMPLE}')
        elif negate:
            excluded.append(token)
            negate = False
        elif pending_or:
            groups[-1].append(token)
            pending_or = False
        else:
            groups.append([token])
    if pending_or or negate:
        what = "OR" if pending_or else "NOT or -"
        raise UserError(f"archive search: {what} at the end of {text!r} needs a word after it")
    if not groups and not excluded:
        raise UserError(f"archive search: give at least one word to look for; {EXAMPLE}")
    return Query(tuple(tuple(dict.fromkeys(g)) for g in groups), tuple(dict.fromkeys(excluded)))
