"""manifest.json: what was rendered, for the archive and for people.

It is the archive's contract: newsprint.archive reads it and nothing else of
the render.
"""

from __future__ import annotations

import json
from pathlib import Path

from newsprint import __version__
from newsprint.story.edition import edition_path


def write_manifest(
    story,
    edition,
    fmt,
    written,
    out_dir: Path,
    story_path: Path,
    *,
    copy_sha256: str,
    preflight: str,
    grid: bool = False,
) -> Path:
    """What was rendered, for the archive and for people: one JSON file beside the PDFs.

    The hashes are of the copy and edition file as read for this render, so the
    archive can refuse to store a copy edited since; `preflight` is the verdict
    ("passed" or "failed"), `grid_proof` marks a designer's proof with the grid.
    """
    first = story.articles[0]
    data = {
        "story": story_path.stem,
        "source": str(story_path.resolve()),
        "edition_file": str(edition_path(story_path).resolve()),
        "copy_sha256": copy_sha256,
        "edition_sha256": edition.sha256,
        "preflight": preflight,
        "archive_copy": written.archive_pdf is not None,
        "grid_proof": grid,
        "paper": edition.paper,
        "date": edition.date.isoformat(),
        "edition": edition.issue,
        "format": fmt.name,
        "pages": [
            {"number": s.number, "section": s.section, "file": p.name}
            for s, p in zip(edition.pages, written.print_pdfs, strict=True)
        ],
        "archive_pdf": written.archive_pdf.name if written.archive_pdf else None,
        "proof": written.proof.name,
        "kicker": first.kicker.text if first.kicker else "",
        "headline": first.headline.text,
        "headlines": [a.headline.text for a in story.articles if a.headline.text],
        "bylines": [b for a in story.articles for b in a.bylines],
        "speakers": story.speakers(),
        "text": "\n".join(p.text for p in story.paragraphs()),
        "tool_version": __version__,
    }
    path = out_dir / "manifest.json"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path
