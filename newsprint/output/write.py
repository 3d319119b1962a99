"""Writer stage: print pages, archive copy and spread proof from a laid-out document."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path

from newsprint.config import Config
from newsprint.output.forked import Forked, forked_map
from newsprint.output.pdfx import (
    PageInfo,
    PrintSettings,
    StoryMeta,
    write_archive,
    write_print_pages,
)
from newsprint.output.proof import write_spread_proof
from newsprint.pdf.modulemap import MapModule, ModuleMap
from newsprint.story.edition import Edition
from newsprint.story.model import Story


@dataclass(frozen=True)
class Written:
    print_pdfs: list[Path]
    proof: Path
    archive_pdf: Path | None


def story_meta(story: Story, edition: Edition, config: Config) -> StoryMeta:
    """The PDFs' metadata; the edition's date is midnight in the paper's timezone."""
    first = story.articles[0]
    return StoryMeta(
        paper=edition.paper,
        date=f"{edition.date.isoformat()}T00:00:00{config.timezone}",
        language=config.language,
        edition=edition.issue,
        section=edition.pages[0].section,
        headline=first.headline.text,
        kicker=first.kicker.text if first.kicker else "",
        title=first.headline.text,
        bylines=[b for a in story.articles for b in a.bylines],
        speakers=story.speakers(),
        pages=[p.number for p in edition.pages],
    )


def write_outputs(
    document,
    story: Story,
    edition: Edition,
    plan,
    out_dir: Path,
    stem: str,
    proof_dpi: float,
    attachments: list[Path],
    config: Config,
    *,
    grid_format=None,
    archive: bool = True,
    progress=None,
    settings: PrintSettings | None = None,
    missing_picture: str = "",
) -> Written:
    """Print PDFs, the archive copy (unless a designer's draft) and the spread proof.

    `grid_format` (a PageFormat) draws the grid overlay on the proof only.
    """
    pages = page_infos(plan, stem, missing_picture)
    meta = story_meta(story, edition, config)
    # the archive copy is written in a forked child while this process writes the rest
    archiving = None
    if archive:
        write = partial(write_archive, pages=pages)
        archiving = Forked(write, document, meta, attachments, out_dir)
    try:
        # each page after the first in a forked child: with the archive's, both cores busy
        pdfs = write_print_pages(
            document, pages, meta, out_dir, settings or PrintSettings(), each=forked_map
        )
        grid = (grid_format, [p.side for p in plan.pages]) if grid_format else None
        proof = write_spread_proof(
            pdfs, proof_path(out_dir, stem, plan), proof_dpi, grid=grid, progress=progress
        )
    except BaseException:
        if archiving:
            archiving.wait()  # no child outlives the render; this error is the one to tell
        raise
    return Written(pdfs, proof, archiving.result() if archiving else None)


def missing_picture(story: Story, edition: Edition, photo_url: str) -> str:
    """The picture a photo frame is printed without ("" when it has one or there is none)."""
    if story.photo is None or photo_url:
        return ""
    return edition.photo_file or "photo"


def page_infos(plan, stem: str, missing_picture: str = "") -> list[PageInfo]:
    """File name, 版名 and module map of each print page; the missing picture goes with
    the photo page."""
    return [
        PageInfo(
            number=p.slot.number,
            section=p.slot.section,
            file_name=f"{stem}-p{p.slot.number:02d}-print.pdf",
            missing_pictures=(missing_picture,) if p.photo and missing_picture else (),
            module_map=module_map(plan, p),
        )
        for p in plan.pages
    ]


def module_map(plan, page) -> ModuleMap:
    """Where the make-up put one page's modules (written into the page's PDF)."""
    return ModuleMap(
        plan.format,
        tuple(MapModule(m.kind, m.col, m.line, m.cols, m.lines) for m in page.modules),
    )


def proof_path(out_dir: Path, stem: str, plan) -> Path:
    numbers = "-".join(f"p{p.slot.number:02d}" for p in plan.pages)
    return out_dir / f"{stem}-{numbers}-spread.png"


def file_stem(edition: Edition) -> str:
    return edition.date.strftime("%Y%m%d")
