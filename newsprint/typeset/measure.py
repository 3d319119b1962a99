"""Check a laid-out document against its make-up: copy that was not laid out, text
that ran out of its module. Each check returns Findings naming the copy's file and
line, so the print desk reads a sentence, not a stack trace.
"""

from __future__ import annotations

from newsprint.config import PageFormat
from newsprint.errors import Finding
from newsprint.story.model import Story

PX_TO_PT = 0.75  # WeasyPrint lays out in CSS px


def anchored(document) -> dict[str, tuple[int, tuple[float, ...]]]:
    """Each id's page number and border box (CSS px) where it first lands."""
    anchors: dict[str, tuple[int, tuple[float, ...]]] = {}
    for number, page in enumerate(document.pages):
        for name, rect in page.anchors.items():
            anchors.setdefault(name, (number, rect))
    return anchors


def dropped_text(document, story: Story) -> list[Finding]:
    """Characters of the copy that the layout did not place: the tool never drops words.

    Counts what WeasyPrint laid out (its text boxes), so it is cheap and catches a
    silent loss such as text clipped by a fixed-height box.
    """
    from collections import Counter

    from weasyprint.formatting_structure.boxes import TextBox

    laid = Counter()

    def walk(box):  # by children: descendants() does not enter absolutely placed modules
        if isinstance(box, TextBox):
            laid.update(c for c in box.text if not c.isspace())
        for child in getattr(box, "children", None) or ():
            walk(child)

    for page in document.pages:
        walk(page._page_box)
    wanted = Counter(c for p in story.paragraphs() for c in p.text if not c.isspace())
    missing = wanted - laid
    if not missing:
        return []
    sample = "".join(sorted(missing, key=lambda c: -missing[c])[:12])
    return [
        Finding(
            "error",
            f"{sum(missing.values())} characters of the copy were not laid out "
            f"(e.g. “{sample}”); the layout lost text: look at the failed proof",
            story.source,
            0,
            "dropped-text",
        )
    ]


def overflow_findings(document, plan, fmt: PageFormat, source: str) -> list[Finding]:
    """Text that came out longer than the make-up measured: a text module whose last
    line lands outside its rectangle (a column more, or below its foot)."""
    anchors = anchored(document)
    out = []
    for page in plan.pages:
        for mod in page.modules:
            if mod.kind != "text" or f"{mod.id}-end" not in anchors:
                continue
            _, rect = anchors[mod.id]
            _, end = anchors[f"{mod.id}-end"]
            if end[2] > rect[2] + 1 or end[3] > rect[3] + 1:
                out.append(
                    Finding(
                        "error",
                        f"page {page.index + 1}: {mod.atom.name} set longer than measured: its "
                        "text runs out of its module (a tool fault: report it with the copy)",
                        source,
                        mod.atom.line,
                        "makeup-overflow",
                    )
                )
    return out
