"""Where a key sits in a TOML file: tomllib gives values but no positions.

The desk needs `file:line` for every mistake in an edition file, so this scans
the text for table headers (`[photo]`, the n-th `[[pages]]`) and `key =` lines.
It reads only what tomllib has already accepted, so it need not be a parser: a
key it cannot place is given the line of its table, or of the enclosing key.
"""

from __future__ import annotations

import re

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\[\]]+?)\s*\]\]?\s*(?:#.*)?$")
_KEY = re.compile(
    r"""^\s*((?:"(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_-]+)(?:\s*\.\s*(?:"(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_-]+))*)\s*="""
)
_PART = re.compile(r""""((?:[^"\\]|\\.)*)"|'([^']*)'|([A-Za-z0-9_-]+)""")

Path = tuple[str | int, ...]


def _parts(dotted: str) -> tuple[str, ...]:
    return tuple(next(g for g in m.groups() if g is not None) for m in _PART.finditer(dotted))


class KeyLines:
    """Line numbers (1-based) of the tables and keys of one TOML text.

    A path is a tuple of keys with an index for an array of tables:
    ("photo", "file"), ("pages", 1, "number"), ("date",).
    """

    def __init__(self, text: str):
        self.lines: dict[Path, int] = {}
        counts: dict[tuple[str, ...], int] = {}
        table: Path = ()
        in_string = ""
        for number, line in enumerate(text.splitlines(), 1):
            if in_string:
                if line.count(in_string) % 2:
                    in_string = ""
                continue
            header = _HEADER.match(line)
            if header:
                name = _parts(header.group(2))
                if header.group(1) == "[[":
                    counts[name] = counts.get(name, -1) + 1
                    table = (*name, counts[name])
                    self.lines.setdefault(name, number)
                else:
                    table = name
                self.lines.setdefault(table, number)
                continue
            key = _KEY.match(line)
            if key:
                self.lines.setdefault((*table, *_parts(key.group(1))), number)
            for quote in ('"""', "'''"):
                if line.count(quote) % 2:
                    in_string = quote

    def line(self, path: Path) -> int:
        """The line of `path`, else of the nearest enclosing table or key; 1 if none."""
        for end in range(len(path), 0, -1):
            if path[:end] in self.lines:
                return self.lines[path[:end]]
        return 1
