"""Checks before and after layout: font coverage, fit (overset / empty space).

Each check returns Findings naming the copy's file and line, so the print desk
reads "line 49: section 3 is over by 4 lines", not a stack trace.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass

from .config import PageFormat
from .edition import Edition
from .errors import Finding
from .fonts import Face, cmap_of
from .model import Para, Story

PX_TO_PT = 0.75  # WeasyPrint lays out in CSS px
IGNORABLE = {0x20, 0xA0, 0x3000, 0x200B, 0xFEFF, 0x0A}


def roles_of(story: Story) -> list[tuple[str, Para]]:
    """(font role, paragraph) for every text of the story, as the templates set them."""
    out: list[tuple[str, Para]] = []
    for art in story.articles:
        for p in (art.kicker, art.label, art.headline):
            if p:
                out.append(("headline", p))
        if art.deck:
            out.append(("kai", art.deck))
        if art.bylines:
            out.append(("headline", Para(" ".join(art.bylines), art.byline_line)))
        if art.note:
            out.append(("headline", art.note.label))
            out += [("kai", p) for p in art.note.paragraphs]
        out += [("body", p) for p in art.lead]
        for sec in art.sections:
            out.append(("headline", sec.title))
            if sec.label:
                out.append(("headline", sec.label))
            out += [("body", p) for p in sec.paragraphs]
            for tes in sec.testimonies:
                out.append(("headline", tes.title))
                speaker = f"讲述人：{tes.speaker_name}（{tes.speaker_role}）"
                out.append(("headline", Para(speaker, tes.speaker_line)))
                out += [("kai", p) for p in tes.paragraphs]
    if story.databox:
        out.append(("headline", story.databox.title))
        out += [("kai", p) for p in story.databox.items]
    if story.photo:
        out.append(
            (
                "headline",
                Para(story.photo.caption.text + story.photo.credit, story.photo.caption.line),
            )
        )
    return out


def check_coverage(
    story: Story, edition: Edition, faces: dict[str, Face], roles: dict[str, list[str]]
) -> list[Finding]:
    """Every character must be in every face of the role that sets it (all weights)."""
    findings = []
    texts = roles_of(story)
    head = [
        edition.paper,
        edition.date_cn,
        "星期" + edition.weekday_cn,
        *edition.credits,
        *edition.credits.values(),
        *(s.section for s in edition.pages),
    ]
    texts += [("headline", Para(t, 0)) for t in head]
    reported: set[tuple[str, str]] = set()
    for role, para in texts:
        cmaps = [(faces[f], cmap_of(faces[f].path)) for f in roles[role]]
        for char in para.text:
            code = ord(char)
            if code in IGNORABLE:
                continue
            for face, cmap in cmaps:
                if code not in cmap and (char, face.id) not in reported:
                    reported.add((char, face.id))
                    name = unicodedata.name(char, "unnamed")
                    where = story.source if para.line else edition.path
                    findings.append(
                        Finding(
                            "error",
                            f"character “{char}” (U+{code:04X} {name}) is not in the font "
                            f"{face.family} {face.weight} ({face.id}) that sets the {role} text; "
                            "replace it in the copy or add a face that has it to fonts/fonts.toml",
                            where,
                            para.line,
                            "font-coverage",
                        )
                    )
    return findings


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
            if num == start and rect[2] > box[2] + 1 and not name.startswith("page-")
        )
        if f"{page_id}-end" not in anchors:  # the layout lost the page's foot: never "fits"
            fits.append(PageFit(index, -float("inf"), ()))
            continue
        end_page, end = anchors[f"{page_id}-end"]
        later = starts[index + 1] if index + 1 < len(starts) else len(document.pages)
        if end_page == start:
            spare = (bottom - end[3]) * PX_TO_PT
            over = wide + tuple(
                name
                for name, (num, rect) in anchors.items()
                if num == start and rect[3] > bottom + 0.5 and not name.startswith("page-")
            )
        else:  # pushed over: every full extra page, plus the part of the last one used
            spare = -((end_page - start - 1) * (bottom - top) + (end[3] - top)) * PX_TO_PT
            over = tuple(
                name
                for name, (num, _) in anchors.items()
                if start < num < max(later, end_page + 1) and not name.startswith("page-")
            )
        fits.append(PageFit(index, spare, over))
    return fits


def fit_findings(
    fits: list[PageFit],
    fmt: PageFormat,
    describe: dict[str, str],
    max_empty: int,
    source: str,
    extra_pages: int,
) -> list[Finding]:
    """Overset is an error (which module, how many lines); a large empty foot a warning."""
    findings = []
    for fit in fits:
        if fit.spare_pt < -0.5 or fit.overset_ids:
            lines = (
                "an unknown number of lines"
                if fit.spare_pt == -float("inf") or fit.spare_pt >= 0
                else f"{math.ceil(-fit.spare_pt / fmt.line_pitch - 0.01)} lines"
            )
            names = [describe[i] for i in fit.overset_ids if describe.get(i)] or [
                "the page's last module"
            ]
            findings.append(
                Finding(
                    "error",
                    f"page {fit.index + 1} is overset by {lines}: {', '.join(names)} did not fit "
                    "in the type area; cut the copy, or move a module to another page",
                    source,
                    0,
                    "fit",
                )
            )
        elif fit.spare_pt / fmt.line_pitch > max_empty:
            findings.append(
                Finding(
                    "warning",
                    f"page {fit.index + 1} leaves {fit.spare_pt / fmt.line_pitch:.0f} lines empty "
                    f"at its foot (limit {max_empty}); add copy or enlarge a picture",
                    source,
                    0,
                    "fit",
                )
            )
    if extra_pages:
        findings.append(
            Finding(
                "error",
                f"the layout ran onto {extra_pages} extra page(s); the copy does not fit "
                "the spread",
                source,
                0,
                "fit",
            )
        )
    return findings


def dropped_text(document, story: Story) -> list[Finding]:
    """Characters of the copy that the layout did not place: the tool never drops words.

    Counts what WeasyPrint laid out (its text boxes), so it is cheap and catches a
    silent loss such as text clipped by a fixed-height box.
    """
    from collections import Counter

    from weasyprint.formatting_structure.boxes import TextBox

    laid = Counter()
    for page in document.pages:
        for box in page._page_box.descendants():
            if isinstance(box, TextBox):
                laid.update(c for c in box.text if not c.isspace())
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
