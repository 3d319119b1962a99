"""Measure every module's parts at every width the make-up may give them.

One small WeasyPrint document holds them all (compose/measures.py says what and at
which width); each part's height is read back from its anchor, in grid lines. The
result is cached on disk by a hash of that document, the CSS it is set with and the
code that sets it (a change to clreq moves lines), so a re-render of unchanged copy
and styles does not lay it out again.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from newsprint.compose import measures
from newsprint.compose.html import geometry_css
from newsprint.config import PROJECT_ROOT, MakeupSettings, PageFormat
from newsprint.story.model import Story
from newsprint.typeset.fitstore import code_digest
from newsprint.typeset.measure import PX_TO_PT

CACHE_DIR = PROJECT_ROOT / ".cache" / "measure"


def paragraph_lines(document) -> dict[str, list[str]]:
    """The text of each line of each measured paragraph (div id m-p-<line>)."""
    from weasyprint.formatting_structure import boxes

    found: dict[str, list[str]] = {}

    def walk(box, into):
        element = getattr(box, "element", None)
        name = element.get("id") if element is not None and box.element_tag == "div" else None
        if name and name.startswith("m-p-") and name not in found:
            into = found[name] = []
        if into is not None and isinstance(box, boxes.LineBox):
            into.append("".join(t.text for t in box.descendants() if isinstance(t, boxes.TextBox)))
            return
        for child in getattr(box, "children", None) or ():
            walk(child, into)

    for page in document.pages:
        walk(page._page_box, None)
    return found


def line_starts(text: str, lines: list[str]) -> list[int]:
    """Where each laid-out line starts in the paragraph's text (spaces at a break are
    dropped by the layout, so they are skipped here)."""
    starts, pos = [], 0
    for line in lines:
        while pos < len(text) and text[pos].isspace():
            pos += 1
        starts.append(pos)
        pos += len(line.lstrip()) if line.strip() else 0
    return starts


def measure_modules(
    story: Story,
    fmt: PageFormat,
    bounds: MakeupSettings,
    typesetter,
    env,
    cache_dir: Path | None = CACHE_DIR,
) -> tuple[dict[str, float], list[str]]:
    """({measurement id: height in grid lines}, WeasyPrint's warnings)."""
    found = measures.items(story, fmt, bounds)
    html = env.get_template("measure.html.j2").render(items=found)
    css = geometry_css(fmt)
    digest = hashlib.sha256()
    for text in (html, css, typesetter.font_css, typesetter.layout_css(), code_digest()):
        digest.update(text.encode())
    path = cache_dir / f"{digest.hexdigest()[:32]}.json" if cache_dir else None
    if path and path.is_file():
        try:
            return json.loads(path.read_text(encoding="utf-8")), []
        except (OSError, ValueError):
            pass
    document, warnings = typesetter.render(html, css)
    heights: dict = {}
    for page in document.pages:
        for name, rect in page.anchors.items():
            if name.startswith("m-") and name not in heights:
                heights[name] = round((rect[3] - rect[1]) * PX_TO_PT / fmt.line_pitch, 4)
    paras = [p for art in story.articles for p in art.lead]
    paras += [p for art in story.articles for sec in art.sections for p in sec.paragraphs]
    texts = {f"m-p-{p.line}": p.text for p in paras}
    for name, lines in paragraph_lines(document).items():
        if name in texts:
            heights[f"starts:{name}"] = line_starts(texts[name], lines)
    if path and not warnings:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(heights, sort_keys=True), encoding="utf-8")
        tmp.replace(path)
    return heights, warnings
