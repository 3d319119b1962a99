"""The designers' stylesheets checked before layout: every var() names a property that is set.

A custom property nobody sets makes the declaration using it invalid at computed
time, silently: a typo such as `var(--headlin-size)` sets the headline at body
size and WeasyPrint says nothing. So the check collects what is defined (any
`--x:` in styles/, and what the tool itself sets: the grid from newsprint.toml,
the faces from [fonts], the templates' inline styles) and reports each
`var(--y)` without a fallback that names none of them, with its file and line.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

from newsprint.compose.html import geometry_css
from newsprint.config import LAYOUT_DIR, PROJECT_ROOT, PageFormat
from newsprint.errors import Finding
from newsprint.typeset import typesetter
from newsprint.typeset.fonts import Face, role_css

DEFINED = re.compile(r"(--[A-Za-z0-9_-]+)\s*:")
USED = re.compile(r"var\(\s*(--[A-Za-z0-9_-]+)\s*(,|\))")
COMMENT = re.compile(r"/\*.*?\*/", re.S)


def _uncommented(css: str) -> str:
    """The CSS without comments, newlines kept so that line numbers stay true."""
    return COMMENT.sub(lambda m: "\n" * m[0].count("\n"), css)


def tool_css(fmt: PageFormat, faces: dict[str, Face], roles: dict) -> str:
    """What the tool sets beside styles/: the grid, faces, the templates' inline styles."""
    templates = "".join(p.read_text(encoding="utf-8") for p in sorted(LAYOUT_DIR.glob("*.j2")))
    return geometry_css(fmt) + role_css(faces, roles) + templates


def _shown(path: Path) -> str:
    return str(path.relative_to(PROJECT_ROOT) if path.is_relative_to(PROJECT_ROOT) else path)


def undefined_properties(tool: str) -> list[Finding]:
    """An error for each var(--name) without a fallback that nothing defines."""
    sheets = {name: typesetter.STYLES_DIR / name for name in typesetter.STYLESHEETS}
    texts = {name: _uncommented(path.read_text(encoding="utf-8")) for name, path in sheets.items()}
    defined = set(DEFINED.findall(tool))
    for text in texts.values():
        defined.update(DEFINED.findall(text))
    findings = []
    for name, text in texts.items():
        for match in USED.finditer(text):
            prop, fallback = match[1], match[2] == ","
            if prop in defined or fallback:
                continue
            close = difflib.get_close_matches(prop, sorted(defined), n=1, cutoff=0.75)
            hint = f"did you mean var({close[0]})? " if close else ""
            findings.append(
                Finding(
                    "error",
                    f"var({prop}) is not defined: no stylesheet sets {prop} and the tool does "
                    f"not either, so the declaration would be dropped in print; {hint}"
                    f"fix the name, or define it in styles/tokens.css",
                    _shown(sheets[name]),
                    text.count("\n", 0, match.start()) + 1,
                    "css-undefined-property",
                )
            )
    return findings
