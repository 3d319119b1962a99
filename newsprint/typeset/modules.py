"""Measure every module's parts at every width the make-up may give them.

One small WeasyPrint document holds them all (compose/measures.py says what and at
which width); each part's height is read back from its anchor, in grid lines. The
result is cached on disk by a hash of that document and the CSS it is set with, so
a re-render of unchanged copy and styles does not lay it out again.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from newsprint.compose import measures
from newsprint.compose.html import geometry_css
from newsprint.config import PROJECT_ROOT, MakeupSettings, PageFormat
from newsprint.story.model import Story
from newsprint.typeset.measure import PX_TO_PT

CACHE_DIR = PROJECT_ROOT / ".cache" / "measure"


def measure_modules(
    story: Story, fmt: PageFormat, bounds: MakeupSettings, typesetter, env,
    cache_dir: Path | None = CACHE_DIR,
) -> tuple[dict[str, float], list[str]]:
    """({measurement id: height in grid lines}, WeasyPrint's warnings)."""
    found = measures.items(story, fmt, bounds)
    html = env.get_template("measure.html.j2").render(items=found)
    css = geometry_css(fmt)
    digest = hashlib.sha256()
    for text in (html, css, typesetter.font_css, typesetter.layout_css()):
        digest.update(text.encode())
    path = cache_dir / f"{digest.hexdigest()[:32]}.json" if cache_dir else None
    if path and path.is_file():
        try:
            return json.loads(path.read_text(encoding="utf-8")), []
        except (OSError, ValueError):
            pass
    document, warnings = typesetter.render(html, css)
    heights: dict[str, float] = {}
    for page in document.pages:
        for name, rect in page.anchors.items():
            if name.startswith("m-") and name not in heights:
                heights[name] = round((rect[3] - rect[1]) * PX_TO_PT / fmt.line_pitch, 4)
    if path and not warnings:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(heights, sort_keys=True), encoding="utf-8")
        tmp.replace(path)
    return heights, warnings
