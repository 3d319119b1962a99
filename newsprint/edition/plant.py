"""The edition's folders: each story's render, and the plant's folder.

    out/<plan>/stories/<story>/   the story as `render.py STORY` writes it (for the archive)
    out/<plan>/plant/             one PDF per page by the plan's pattern, edition.json,
                                  contact-sheet.png
    out/<plan>/superseded/<n>/    what a failed run set aside

Every folder is written beside its place and swapped in whole, so the plant never
sees half an edition; a failed edition moves the earlier plant folder aside, since
it no longer matches the copy the desk sent.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import tempfile
from pathlib import Path

from newsprint import __version__
from newsprint.edition.plan import EditionPlan
from newsprint.edition.results import Results
from newsprint.errors import Finding

MANIFEST = "edition.json"
CONTACT_SHEET = "contact-sheet.png"
SUPERSEDED = "superseded"
FAILED = "-FAILED-proof.pdf"
LABEL_PX = 16
GAP_PX = 8


def swap_in(staged: Path, target: Path, edition_dir: Path) -> list[Finding]:
    """Put a staged folder at `target`; an earlier one goes to superseded/ if it differs."""
    notes = []
    if target.exists():
        if _same_tree(staged, target):
            shutil.rmtree(staged)
            return []
        notes = set_aside(target, edition_dir)
    staged.rename(target)
    return notes


def _same_tree(a: Path, b: Path) -> bool:
    names = sorted(p.name for p in a.iterdir())
    if names != sorted(p.name for p in b.iterdir()):
        return False
    return all((b / n).is_file() and (a / n).read_bytes() == (b / n).read_bytes() for n in names)


def set_aside(path: Path, edition_dir: Path) -> list[Finding]:
    """Move `path` into superseded/<n>/ under the edition folder; a note says where."""
    if not path.exists():
        return []
    root = edition_dir / SUPERSEDED
    root.mkdir(parents=True, exist_ok=True)
    n = 1 + max((int(p.name) for p in root.iterdir() if p.name.isdigit()), default=0)
    dest = root / str(n) / path.relative_to(edition_dir)
    dest.parent.mkdir(parents=True, exist_ok=True)
    path.rename(dest)
    return [Finding("note", f"earlier files set aside: {path} → {dest}")]


def staging(parent: Path, name: str) -> Path:
    parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{name}.", dir=parent))


def write_story(record: dict, results: Results, edition_dir: Path) -> list[Finding]:
    """stories/<name>/ from a job's record: its files, fetched from the store by hash."""
    parent = edition_dir / "stories"
    staged = staging(parent, record["name"])
    for name, digest in sorted(record["files"].items()):
        (staged / name).write_bytes(results.get(digest))
    target = parent / record["name"]
    if target.is_dir() and all(p.name.endswith(FAILED) for p in target.iterdir()):
        shutil.rmtree(target)  # only an earlier failure's stamped proof: nothing to keep
    return swap_in(staged, target, edition_dir)


def story_pages(story_dir: Path) -> dict[int, Path]:
    """The print PDF of each page a rendered story's manifest names."""
    manifest = json.loads((story_dir / "manifest.json").read_text(encoding="utf-8"))
    return {p["number"]: story_dir / p["file"] for p in manifest["pages"]}


def check_pages(plan: EditionPlan, edition_dir: Path) -> tuple[dict[int, Path], list[Finding]]:
    """What was rendered against the plan: every page exactly once, from its story."""
    found: dict[int, list[tuple[str, Path]]] = {}
    for story in plan.stories:
        for number, pdf in story_pages(edition_dir / "stories" / story.name).items():
            found.setdefault(number, []).append((story.name, pdf))
    pages: dict[int, Path] = {}
    findings = []
    for page in plan.pages:
        got = found.pop(page.number, [])
        if [name for name, _ in got] == [page.story]:
            pages[page.number] = got[0][1]
            continue
        which = ", ".join(name for name, _ in got) or "no story"
        findings.append(
            Finding(
                "error",
                f"page {page.number} should come from {page.story}, but {which} rendered it",
                str(plan.path),
            )
        )
    for number, got in sorted(found.items()):
        names = ", ".join(name for name, _ in got)
        findings.append(
            Finding(
                "error",
                f"page {number} is not in the plan, but {names} rendered it",
                str(plan.path),
            )
        )
    return pages, findings


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def edition_manifest(
    plan: EditionPlan, files: dict[int, str], folder: Path, keys: dict[str, str], edition_dir: Path
) -> dict:
    """What went to the plant: the edition, each page's file and hash, each story."""
    pages = [
        {
            "number": p.number,
            "file": files[p.number],
            "story": p.story,
            "section": p.section,
            "sha256": _sha(folder / files[p.number]),
            "bytes": (folder / files[p.number]).stat().st_size,
        }
        for p in plan.pages
    ]
    stories = []
    for story in plan.stories:
        m = json.loads((edition_dir / "stories" / story.name / "manifest.json").read_text("utf-8"))
        stories.append(
            {
                "name": story.name,
                "pages": [p.number for p in story.pages],
                "headline": m.get("headline", ""),
                "copy_sha256": m["copy_sha256"],
                "edition_sha256": m["edition_sha256"],
                "job": keys[story.name],
            }
        )
    return {
        "paper": plan.paper,
        "date": plan.date.isoformat(),
        "edition": plan.issue,
        "plant": plan.plant,
        "plan": plan.path.name,
        "plan_sha256": plan.sha256,
        "page_count": len(plan.pages),
        "pages": pages,
        "stories": stories,
        "contact_sheet": CONTACT_SHEET,
        "tool_version": __version__,
    }


def contact_sheet(pdfs: list[tuple[int, Path]], dpi: float, columns: int) -> bytes:
    """All pages as thumbnails in order, numbered underneath, as PNG bytes."""
    import pypdfium2 as pdfium
    from PIL import Image, ImageDraw

    thumbs = []
    for number, pdf in pdfs:
        doc = pdfium.PdfDocument(str(pdf))
        try:
            thumbs.append((number, doc[0].render(scale=dpi / 72).to_pil().convert("RGB")))
        finally:
            doc.close()
    width = max(t.width for _, t in thumbs)
    height = max(t.height for _, t in thumbs)
    cols = min(columns, len(thumbs))
    rows = -(-len(thumbs) // cols)
    cell_w, cell_h = width + GAP_PX, height + LABEL_PX + GAP_PX
    sheet = Image.new("RGB", (cols * cell_w + GAP_PX, rows * cell_h + GAP_PX), (128, 128, 128))
    draw = ImageDraw.Draw(sheet)
    for k, (number, thumb) in enumerate(thumbs):
        x, y = GAP_PX + (k % cols) * cell_w, GAP_PX + (k // cols) * cell_h
        sheet.paste(thumb, (x, y))
        draw.text(
            (x + width // 2, y + height + 2), f"{number:02d}", fill=(255, 255, 255), anchor="ma"
        )
    buffer = io.BytesIO()
    sheet.save(buffer, format="PNG", optimize=False)
    return buffer.getvalue()


def write_plant(
    plan: EditionPlan,
    pages: dict[int, Path],
    keys: dict[str, str],
    edition_dir: Path,
    dpi: float,
    columns: int,
) -> tuple[Path, list[Finding]]:
    """The plant's folder: page PDFs by the plan's pattern, edition.json, contact sheet."""
    staged = staging(edition_dir, "plant")
    files = {}
    for page in plan.pages:
        files[page.number] = plan.file_name(page)
        shutil.copyfile(pages[page.number], staged / files[page.number])
    manifest = edition_manifest(plan, files, staged, keys, edition_dir)
    (staged / MANIFEST).write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    order = [(p.number, staged / files[p.number]) for p in plan.pages]
    (staged / CONTACT_SHEET).write_bytes(contact_sheet(order, dpi, columns))
    target = edition_dir / "plant"
    return target, swap_in(staged, target, edition_dir)
