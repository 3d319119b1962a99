"""Check a laid-out document against its make-up: copy that was not laid out, text
that ran out of its module, a running head that did not fit its line. Each check
returns Findings naming the file and line to mend (the copy's, or the edition file's),
so the print desk reads a sentence, not a stack trace.
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


def running_head_findings(document, edition, first: int = 0) -> list[Finding]:
    """A running head (报眉) that does not fit on one line: a long 版名, paper name or
    credits wrap in it and squeeze the rest to a character a line (the typography
    report then blamed a line of the copy). The desk is told what to shorten, at its
    line in the edition file, once for all the pages it squeezes. `first`: the index in
    the edition of the document's first page (a studio worker lays out one page)."""
    lines = None
    culprits: dict[tuple, list[int]] = {}
    for index, page in enumerate(document.pages, first):
        if index >= len(edition.pages) or not _head_wrapped(page._page_box):
            continue
        slot = edition.pages[index]
        lines = lines or _edition_lines(edition.path)
        credits = "  ".join(f"{role}：{name}" for role, name in edition.credits.items())
        own = lines is not None and ("pages", index, "section") in lines.lines
        section_key = ("pages", index, "section") if own else ("section",)
        parts = [  # what the desk wrote, the longest first: the one to shorten
            (len(slot.section), f"the 版名 “{_short(slot.section)}”", "it", section_key),
            (len(edition.paper), f"the paper's name “{_short(edition.paper)}”", "it", ("paper",)),
            (len(credits), f"the credits “{_short(credits)}”", "them", ("credits",)),
        ]
        culprits.setdefault(max(parts, key=lambda p: p[0]), []).append(slot.number)
    return [
        Finding(
            "error",
            f"{'、'.join(f'第{n:02d}版' for n in numbers)}: the running head (报眉) does not "
            f"fit on one line: {what} has {length} characters; shorten {pronoun}",
            edition.path,
            lines.line(key) if lines is not None else 0,
            "running-head",
        )
        for (length, what, pronoun, key), numbers in culprits.items()
    ]


HEAD_PARTS = ("rh-folio", "rh-section", "rh-credits", "rh-paper", "rh-date")


def _head_wrapped(page_box) -> bool:
    """Is a part of the page's running head laid out on more than one line?"""
    from weasyprint.formatting_structure.boxes import LineBox

    def walk(box, in_head: bool) -> bool:
        element = getattr(box, "element", None)
        classes = (element.get("class") or "").split() if element is not None else []
        children = getattr(box, "children", None) or ()
        if in_head and any(c in HEAD_PARTS for c in classes):
            return sum(isinstance(c, LineBox) for c in children) > 1
        head = in_head or "running-head" in classes
        return any(walk(child, head) for child in children)

    return walk(page_box, False)


def _short(text: str, most: int = 12) -> str:
    return text if len(text) <= most else text[:most] + "…"


def _edition_lines(path):
    from pathlib import Path

    from newsprint.story.tomllines import KeyLines

    try:
        return KeyLines(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return None
