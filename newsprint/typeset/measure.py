"""Check a laid-out document against its make-up: copy that was not laid out, text
that ran out of its module. Each check returns Findings naming the copy's file and
line, so the print desk reads a sentence, not a stack trace.
"""

from __future__ import annotations

from newsprint.config import PageFormat
from newsprint.errors import Finding
from newsprint.story.model import Story

PX_TO_PT = 0.75  # WeasyPrint lays out in CSS px


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
    """Text that came out longer than the make-up measured: a text module whose columns
    are more than it was given (WeasyPrint sets overflowing text in columns beyond)."""
    wanted = {m.id: (page, m) for page in plan.pages for m in page.modules if m.kind == "text"}
    used: dict[str, int] = {}

    def walk(box):
        element = getattr(box, "element", None)
        name = element.get("id") if element is not None else None
        if name in wanted:
            flows = [c for c in getattr(box, "children", None) or () if _is_flow(c)]
            columns = [c for f in flows for c in f.children if _is_flow(c)]
            used[name] = len(columns) or len(flows)
            return
        for child in getattr(box, "children", None) or ():
            walk(child)

    for page in document.pages:
        walk(page._page_box)
    out = []
    for name, (page, mod) in wanted.items():
        if used.get(name, 0) > mod.cols:
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


def _is_flow(box) -> bool:
    element = getattr(box, "element", None)
    return element is not None and "text-flow" in (element.get("class") or "")
