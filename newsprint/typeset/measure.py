"""Measure a laid-out document: where each page's copy ended (spare or overset
space), which copy was not laid out, and the desk's messages for both.

Each check returns Findings naming the copy's file and line, so the print desk
reads "page 1 is overset by 4 lines: section 3 …", not a stack trace.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from newsprint.compose import ids
from newsprint.config import PT_PER_MM, PageFormat
from newsprint.errors import Finding
from newsprint.story.model import Story

PX_TO_PT = 0.75  # WeasyPrint lays out in CSS px


@dataclass(frozen=True)
class PageFit:
    index: int
    spare_pt: float  # empty space at the foot of the type area (negative: overset)
    overset_ids: tuple[str, ...]  # elements reaching below the type area


def anchored(document) -> dict[str, tuple[int, tuple[float, ...]]]:
    """Each id's page number and border box (CSS px) where it first lands."""
    anchors: dict[str, tuple[int, tuple[float, ...]]] = {}
    for number, page in enumerate(document.pages):
        for name, rect in page.anchors.items():
            anchors.setdefault(name, (number, rect))
    return anchors


def photo_frame_height_mm(document) -> float | None:
    """The photo frame's height as laid out, in mm: what the picture fills with its width."""
    found = anchored(document).get(ids.PHOTO_FRAME)
    if found is None:
        return None
    rect = found[1]
    return (rect[3] - rect[1]) * PX_TO_PT / PT_PER_MM


def measure_fit(document, page_ids: list[str]) -> list[PageFit]:
    """Where each planned page's content ended, from the anchors WeasyPrint recorded.

    Copy that does not fit its page is pushed onto extra pages; the spare space of
    such a page is negative: the overflow measured down those extra pages.
    """
    anchors = anchored(document)
    starts = [anchors[pid][0] for pid in page_ids]
    fits = []
    for index, page_id in enumerate(page_ids):
        start, box = anchors[page_id]
        top, bottom = box[1], box[3]
        # Columns that overflow a fixed-height flow are set sideways, past the type area.
        wide = tuple(
            name
            for name, (num, rect) in anchors.items()
            if num == start and rect[2] > box[2] + 1 and not name.startswith(ids.PAGE_PREFIX)
        )
        if ids.end_of(page_id) not in anchors:  # the layout lost the page's foot: never "fits"
            fits.append(PageFit(index, -float("inf"), ()))
            continue
        end_page, end = anchors[ids.end_of(page_id)]
        later = starts[index + 1] if index + 1 < len(starts) else len(document.pages)
        if end_page == start:
            spare = (bottom - end[3]) * PX_TO_PT
            over = wide + tuple(
                name
                for name, (num, rect) in anchors.items()
                if num == start and rect[3] > bottom + 0.5 and not name.startswith(ids.PAGE_PREFIX)
            )
        else:  # pushed over: every full extra page, plus the part of the last one used
            spare = -((end_page - start - 1) * (bottom - top) + (end[3] - top)) * PX_TO_PT
            over = tuple(
                name
                for name, (num, _) in anchors.items()
                if start < num < max(later, end_page + 1) and not name.startswith(ids.PAGE_PREFIX)
            )
        fits.append(PageFit(index, spare, over))
    return fits


@dataclass(frozen=True)
class FitLimits:
    """What the fit may do, for the desk's messages: the copyfit bounds and the pages."""

    max_empty: int  # lines a page's foot may stay empty (newsprint.toml [checks])
    photo_lines: tuple[int, int]  # the photo frame's bounds (newsprint.toml [makeup])
    photo_page: int | None  # index of the page holding the photo frame
    pages: int


def fit_findings(
    fits: list[PageFit],
    fmt: PageFormat,
    describe: dict[str, str],
    limits: FitLimits,
    source: str,
    extra_pages: int,
) -> list[Finding]:
    """Overset and a short page are errors that say how much copy to cut or add, and
    which bound (photo size, page count) would have to move instead."""
    findings = [_overset(fit, fmt, describe, limits, source) for fit in fits if _is_overset(fit)]
    findings += [_short(fit, fmt, limits, source) for fit in fits if _short_lines(fit, fmt, limits)]
    if extra_pages:
        findings.append(
            Finding(
                "error",
                f"the layout ran onto {extra_pages} extra page(s); the copy does not fit "
                f"the spread: cut copy, or set the story on more pages (--pages "
                f"{limits.pages + extra_pages})",
                source,
                0,
                "fit",
            )
        )
    return findings


def _is_overset(fit: PageFit) -> bool:
    return fit.spare_pt < -0.5 or bool(fit.overset_ids)


def _overset(
    fit: PageFit, fmt: PageFormat, describe: dict[str, str], limits: FitLimits, source: str
) -> Finding:
    names = [describe[i] for i in fit.overset_ids if describe.get(i)] or ["the page's last module"]
    if fit.spare_pt == -float("inf") or fit.spare_pt >= 0:
        amount, cut = "an unknown number of lines", "cut copy from these modules"
    else:
        lines = math.ceil(-fit.spare_pt / fmt.line_pitch - 0.01)
        amount = f"{lines} lines"
        cut = (
            f"cut about {lines * fmt.columns * fmt.column_chars} characters ({lines} lines "
            f"across its {fmt.columns} columns) from these modules"
        )
    if fit.index == limits.photo_page:
        cut += (
            f", or let the photo shrink below {limits.photo_lines[0]} lines "
            "(newsprint.toml [makeup] photo_min_lines)"
        )
    return Finding(
        "error",
        f"page {fit.index + 1} is overset by {amount}: {', '.join(names)} did not fit in the "
        f"type area; {cut}, or set the story on {limits.pages + 1} pages "
        f"(--pages {limits.pages + 1})",
        source,
        0,
        "fit",
    )


def _short_lines(fit: PageFit, fmt: PageFormat, limits: FitLimits) -> int:
    """Whole empty lines at the page's foot beyond what the design allows, else 0."""
    if _is_overset(fit):
        return 0
    lines = int(fit.spare_pt / fmt.line_pitch + 1e-6)
    return lines if lines > limits.max_empty else 0


def _short(fit: PageFit, fmt: PageFormat, limits: FitLimits, source: str) -> Finding:
    lines = _short_lines(fit, fmt, limits)
    remedy = f"add about {lines * fmt.columns * fmt.column_chars} characters of copy or a picture"
    if fit.index == limits.photo_page:
        remedy += (
            f", or let the photo grow past {limits.photo_lines[1]} lines "
            "(newsprint.toml [makeup] photo_max_lines)"
        )
    if limits.pages > 1:
        fewer = limits.pages - 1
        remedy += f", or set the story on {fewer} page{'s' if fewer > 1 else ''} (--pages {fewer})"
    return Finding(
        "error",
        f"page {fit.index + 1} is {lines} lines short: its foot is empty across its "
        f"{fmt.columns} columns (the design allows {limits.max_empty}); {remedy}",
        source,
        0,
        "fit",
    )


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
                out.append(Finding(
                    "error",
                    f"page {page.index + 1}: {mod.atom.name} set longer than measured: its text "
                    "runs out of its module (a tool fault: report it with the copy)",
                    source, mod.atom.line, "makeup-overflow"))
    return out
