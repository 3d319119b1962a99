"""The whole pipeline in one linear function: copy in, print pages and proof out.

parse → normalize → check fonts → plan pages → compose + typeset (fit pass) →
compose + typeset (final) → write print PDFs, archive PDF, proof, manifest.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import __version__
from .check import (
    PX_TO_PT,
    PageFit,
    anchored,
    check_coverage,
    dropped_text,
    fit_findings,
    measure_fit,
)
from .compose import Plan, compose_html, geometry_css, plan_pages, template_env
from .config import PROJECT_ROOT, PT_PER_MM, Config, PageFormat, load_config
from .edition import Edition, edition_path, load_edition
from .errors import Finding, UserError
from .fonts import check_installed, font_face_css, load_faces
from .images import prepare_picture
from .model import Story
from .normalize import normalize
from .output import PrintSettings, print_css, print_settings
from .parse import parse_story
from .pdfchecks import Expect
from .preflight import preflight
from .typeset import Typesetter
from .writers import missing_picture, write_outputs

PICTURE_CACHE = PROJECT_ROOT / ".cache" / "pictures"  # CMYK conversions the renderer may read


class BuildFailed(UserError):
    """The story cannot go to print; `findings` says why, file and line."""

    def __init__(self, findings: list[Finding]):
        self.findings = findings
        errors = [f for f in findings if f.level == "error"]
        super().__init__(f"{len(errors)} error(s); nothing was sent to print")


@dataclass
class BuildResult:
    out_dir: Path
    print_pdfs: list[Path]
    proof: Path
    manifest: Path
    archive_pdf: Path | None = None
    findings: list[Finding] = field(default_factory=list)


def describe_ids(story: Story) -> dict[str, str]:
    """Human names for the ids the templates give, for fit messages."""
    names = {
        "photo": f"the photo frame (line {story.photo.caption.line})" if story.photo else "",
        "databox": f"the data box (line {story.databox.title.line})" if story.databox else "",
    }
    for k, art in enumerate(story.articles, 1):
        names[f"head-{k}"] = (
            f"the headline block “{art.headline.text[:12]}” (line {art.headline.line})"
        )
        names[f"note-{k}"] = "the editor's note"
        for sec in art.sections:
            names[f"section-{sec.number or sec.title.line}"] = (
                f"section {sec.number} “{sec.title.text[:12]}” (line {sec.title.line})"
            )
            for tes in sec.testimonies:
                names[f"testimony-{tes.title.line}"] = (
                    f"the testimony “{tes.title.text[:12]}” of section {sec.number} "
                    f"(line {tes.title.line})"
                )
    return names


def locate_photo(
    story: Story, edition: Edition, story_dir: Path, fmt: PageFormat, settings: PrintSettings
) -> tuple[str, list[Finding]]:
    """The CMYK picture's file URL, or "" and a finding: the frame is then a marked placeholder."""
    if story.photo is None:
        return "", []
    line = story.photo.caption.line
    level = "warning" if settings.allow_placeholder else "error"
    asked = (
        " (printed as the desk asked)"
        if settings.allow_placeholder
        else ("; deliver it, or set [photo] print_placeholder = true in the edition file")
    )
    if not edition.photo_file:
        return "", [
            Finding(
                level,
                "the photo for this caption is missing: no picture file "
                f"is named in {Path(edition.path).name} [photo] file; the frame is "
                f"set as a placeholder{asked}",
                story.source,
                line,
                "photo-missing",
            )
        ]
    path = (story_dir / edition.photo_file).resolve()
    if not path.is_relative_to(story_dir.resolve()):
        return "", [
            Finding(
                "error",
                f"the photo {edition.photo_file} lies outside the story's "
                "folder; copy it beside the story",
                edition.path,
                0,
                "photo-missing",
            )
        ]
    picture = prepare_picture(
        path,
        PICTURE_CACHE,
        fmt.type_width / PT_PER_MM,
        icc_profile=settings.icc_profile,
        min_ppi=settings.min_ppi,
        max_ink=settings.max_ink,
        allow_placeholder=settings.allow_placeholder,
    )
    return (picture.path.as_uri() if picture.path else ""), list(picture.findings)


def lay_out(story, edition, plan: Plan, fmt: PageFormat, photo_url: str, typesetter, env):
    """Two passes: measure each page's spare space, then let the elastic elements take it.

    A warm typesetter remembers the outcome (photo page, spare lines, final fit) per
    layout key; when the key and the re-measured fit match, one render replaces three.
    """

    def render(p: Plan):
        html = compose_html(story, edition, p, fmt, photo_url, env)
        document, warnings = typesetter.render(html, geometry_css(fmt, p))
        return document, warnings, measure_fit(document, [pg.id for pg in p.pages])

    cache = getattr(typesetter, "fit_cache", None)
    key, hit = cached_plan(story, edition, plan, fmt, photo_url, typesetter, env)
    if hit:
        cached, expected = hit
        document, warnings, fits = render(cached)
        if _same_fit(fits, expected):
            return document, warnings, fits, cached
    document, warnings, fits = render(plan)
    for _ in range(2 * len(plan.pages)):  # move sections off overset pages, while one helps
        moved = _rebalance(plan, fits)
        if moved is None:
            break
        candidate = render(moved)
        if sum(min(f.spare_pt, 0) for f in candidate[2]) <= sum(min(f.spare_pt, 0) for f in fits):
            break
        plan, (document, warnings, fits) = moved, candidate
    if story.photo is not None and len(plan.pages) > 1 and fits[0].spare_pt > -float("inf"):
        plan, moved = _place_photo(document, plan, fits, fmt.line_pitch)
        if moved:
            document, warnings, fits = render(plan)
    if all(f.spare_pt >= 0 and not f.overset_ids for f in fits):
        plan = plan.with_flow_heights(flow_heights(document))
        snap, used = grid_snap(document, fmt.line_pitch)
        spare = {
            f.index: int((f.spare_pt - used.get(f.index, 0.0)) // fmt.line_pitch) for f in fits
        }
        plan = plan.with_snap(snap).with_spare(spare)
        document, warnings, fits = render(plan)
    if cache is not None:
        photo_page = next((p.index for p in plan.pages if p.photo), -1)
        cache[key] = (photo_page, plan, fits)
    return document, warnings, fits, plan


SNAPPED = ("head-", "note-", "photo")  # top-level boxes of free height, by id prefix


def _rebalance(plan: Plan, fits: list[PageFit]) -> Plan | None:
    """Move one section from an overset page to a neighbour with room, or None.

    The page plan splits articles by an estimate of their weight; this corrects it
    with the measured fit: the last section goes forward, or the first one back.
    """
    pages = list(plan.pages)
    for i, fit in enumerate(fits):
        if fit.spare_pt >= 0 and not fit.overset_ids:
            continue
        if i + 1 < len(pages) and fits[i + 1].spare_pt > 0 and pages[i].parts:
            last = pages[i].parts[-1]
            if len(last.sections) > 1 or (len(pages[i].parts) > 1 and not last.with_head):
                sec = last.sections[-1]
                head = pages[i].parts[:-1] + (
                    (replace(last, sections=last.sections[:-1]),) if len(last.sections) > 1 else ()
                )
                nxt = pages[i + 1].parts
                if nxt and nxt[0].index == last.index:
                    nxt = (replace(nxt[0], sections=(sec, *nxt[0].sections)), *nxt[1:])
                else:
                    nxt = (replace(last, sections=(sec,), with_head=False), *nxt)
                pages[i], pages[i + 1] = (
                    replace(pages[i], parts=head),
                    replace(pages[i + 1], parts=nxt),
                )
                return replace(plan, pages=tuple(pages))
        if i > 0 and fits[i - 1].spare_pt > 0 and pages[i].parts:
            first = pages[i].parts[0]
            prev = pages[i - 1].parts
            if not first.with_head and first.sections and prev and prev[-1].index == first.index:
                sec = first.sections[0]
                rest = first.sections[1:]
                here = ((replace(first, sections=rest),) if rest else ()) + pages[i].parts[1:]
                back = (*prev[:-1], replace(prev[-1], sections=(*prev[-1].sections, sec)))
                pages[i - 1], pages[i] = (
                    replace(pages[i - 1], parts=back),
                    replace(pages[i], parts=here),
                )
                return replace(plan, pages=tuple(pages))
    return None


def flow_heights(document) -> dict[str, float]:
    """Each column flow's height as laid out (pt, rounded up a hair so nothing spills)."""
    return {
        name: math.ceil((rect[3] - rect[1]) * PX_TO_PT * 1000) / 1000 + 0.01
        for name, (_, rect) in anchored(document).items()
        if name.startswith(("flow-", "note-body-"))
    }


def grid_snap(document, pitch: float) -> tuple[dict[str, float], dict[int, float]]:
    """Space to add under each top-level box to make its height whole lines.

    Returns the space per box id and the total it takes from each page, so the
    spare lines given to the elastic elements stay within the page.
    """
    snap: dict[str, float] = {}
    used: dict[int, float] = {}
    for name, (number, rect) in anchored(document).items():
        if name.startswith(SNAPPED):
            height = (rect[3] - rect[1]) * PX_TO_PT
            extra = math.ceil(height / pitch - 1e-6) * pitch - height
            snap[name] = round(extra, 3)
            used[number] = used.get(number, 0.0) + extra
    return snap, used


def cached_plan(story, edition, plan: Plan, fmt: PageFormat, photo_url: str, typesetter, env):
    """(layout key, (final plan, its fit) or None) from the typesetter's fit cache."""
    cache = getattr(typesetter, "fit_cache", None)
    if cache is None:
        return "", None
    key = layout_key(story, edition, plan, fmt, photo_url, typesetter, env)
    if key not in cache:
        return key, None
    photo_page, final, expected = cache[key]
    pages = tuple(replace(p, photo=p.index == photo_page) for p in plan.pages)
    cached = replace(final, pages=pages).with_spare(final.spare)
    return key, (cached, expected)


def session_css(config: Config) -> str:
    """A Typesetter's fixed CSS: the font faces and the print settings' @page marks."""
    settings = print_settings(config.print_table or {}, base=PROJECT_ROOT)
    return font_face_css(load_faces()) + print_css(settings)


def _same_fit(fits: list[PageFit], expected: list[PageFit]) -> bool:
    return len(fits) == len(expected) and all(
        a.overset_ids == b.overset_ids and abs(a.spare_pt - b.spare_pt) < 0.5
        for a, b in zip(fits, expected, strict=True)
    )


RUNNING_HEAD = re.compile(r'<header class="running-head">.*?</header>', re.S)


def layout_key(story, edition, plan: Plan, fmt: PageFormat, photo_url: str, typesetter, env) -> str:
    """Hash of what can move text: the composed page, the grid, the CSS minus its colours.

    The running heads are left out: they sit in the margin at a fixed height, so a new
    date, 版名 or credit line re-renders once instead of three times.
    """
    digest = hashlib.sha256()
    html = compose_html(story, edition, plan, fmt, photo_url, env)
    digest.update(RUNNING_HEAD.sub("", html).encode())
    digest.update(geometry_css(fmt, plan).encode())
    digest.update(typesetter.font_css.encode())
    digest.update(typesetter.layout_css().encode())
    return digest.hexdigest()


# How many spare lines each kind of elastic element absorbs before the page looks empty.
SINK_LINES = {"photo": 60, "databox": 45, "head": 6}


def _place_photo(document, plan: Plan, fits: list[PageFit], pitch: float) -> tuple[Plan, bool]:
    """Put the photo where the elastic elements can take up every page's spare space."""
    current = next(p.index for p in plan.pages if p.photo)
    _, rect = anchored(document)["photo"]
    height = (rect[3] - rect[1]) * PX_TO_PT + pitch  # frame, caption and its top margin

    def score(cand: int) -> float:
        total = 0.0
        for page, fit in zip(plan.pages, fits, strict=True):
            spare = fit.spare_pt + (height if page.index == current else 0)
            spare -= height if page.index == cand else 0
            if spare < 0:
                return float("inf")
            elastic = "photo" if page.index == cand else "databox" if page.databox else "head"
            total += max(0.0, spare / pitch - SINK_LINES[elastic])
        return total

    best = min(plan.pages, key=lambda p: (score(p.index), p.index != current)).index
    if best == current:
        return plan, False
    pages = tuple(replace(p, photo=p.index == best) for p in plan.pages)
    return replace(plan, pages=pages), True


SHEET_WARNING = re.compile(r"^(styles/[^:]+):(\d+): (.*)$", re.S)


def weasyprint_finding(message: str) -> Finding:
    """A WeasyPrint warning is an error; a stylesheet's names its file and line."""
    match = SHEET_WARNING.match(message)
    if match:
        return Finding("error", f"WeasyPrint: {match[3]}", match[1], int(match[2]), "weasyprint")
    return Finding("error", f"WeasyPrint: {message}", "styles/", 0, "weasyprint")


def file_stem(edition: Edition) -> str:
    return edition.date.strftime("%Y%m%d")


def build(
    story_path: Path,
    out_root: Path = PROJECT_ROOT / "out",
    *,
    format_name: str | None = None,
    config: Config | None = None,
    typesetter: Typesetter | None = None,
    proof_dpi: float = 50,
    grid: bool = False,
    archive: bool = True,
    progress=None,
    pool=None,
) -> BuildResult:
    """Render one story into out/<story>/; raise BuildFailed with findings if it can't print.

    `grid` draws the grid overlay on the proof; `archive=False` skips the archive copy
    (the designer's loop); `progress(done, total, what)` hears about long work; a
    `pool` (pagepool.PagePool) lays out the pages in parallel when the fit is cached.
    """
    config = config or load_config()
    story, findings = parse_story(story_path)
    story, changes = normalize(story, config.normalize_disabled, config.suspect_words)
    findings += changes
    edition = load_edition(story_path, config.paper_name, config.default_format)
    fmt = config.page_format(format_name or edition.format)
    faces = load_faces()
    check_installed(faces)
    findings += check_coverage(story, edition, faces, config.font_roles)
    if any(f.level == "error" for f in findings):
        raise BuildFailed(findings)

    settings = replace(
        print_settings(config.print_table or {}, base=PROJECT_ROOT),
        allow_placeholder=edition.photo_placeholder_ok,
    )
    photo_url, photo_findings = locate_photo(story, edition, story_path.parent, fmt, settings)
    findings += photo_findings
    env = template_env(fmt)
    typesetter = typesetter or Typesetter(font_face_css(faces) + print_css(settings))
    plan = plan_pages(story, edition)
    if pool is not None and not archive:
        from .pagepool import build_in_pool

        fast = build_in_pool(
            pool, story_path, out_root, story, edition, plan, fmt, photo_url, typesetter, env,
            settings, config, findings, proof_dpi, grid,
        )  # fmt: skip
        if fast is not None:
            return fast
    document, warnings, fits, plan = lay_out(story, edition, plan, fmt, photo_url, typesetter, env)
    findings += [weasyprint_finding(w) for w in warnings]
    extra = len(document.pages) - len(plan.pages)
    findings += fit_findings(
        fits, fmt, describe_ids(story), config.max_empty_lines, story.source, extra
    )
    findings += dropped_text(document, story)

    out_dir = out_root / story_path.stem
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = file_stem(edition)
    if any(f.level == "error" for f in findings):
        failed = out_dir / f"{stem}-FAILED-proof.pdf"
        document.write_pdf(failed)
        findings.append(Finding("note", f"proof of the failed layout: {failed}", "", 0, ""))
        raise BuildFailed(findings)
    written = write_outputs(
        document,
        story,
        edition,
        plan,
        out_dir,
        stem,
        proof_dpi,
        [story_path, edition_path(story_path)],
        grid_format=fmt if grid else None,
        archive=archive,
        progress=progress,
        settings=settings,
        missing_picture=missing_picture(story, edition, photo_url),
    )
    findings += preflight_outputs(written, fmt, settings)
    manifest = write_manifest(story, edition, fmt, written, out_dir, story_path)
    if any(f.level == "error" for f in findings):  # the preflight said no: not for the plant
        findings.append(
            Finding(
                "note",
                f"the files in {out_dir} failed the preflight; do not send them to the plant",
                "",
                0,
                "",
            )
        )
        raise BuildFailed(findings)
    return BuildResult(
        out_dir, written.print_pdfs, written.proof, manifest, written.archive_pdf, findings
    )


def preflight_outputs(written, fmt: PageFormat, settings: PrintSettings) -> list[Finding]:
    """The preflight runs after every render: its errors are the desk's errors.

    Its typography figures are left to `render.py check` / `preflight`: they are
    figures, not a verdict, and measuring them would double a warm re-render.
    """
    expect = Expect(
        variant=settings.variant,
        page_size_mm=(fmt.page_width_mm, fmt.page_height_mm),
        bleed_mm=settings.bleed_mm,
        min_ppi=settings.min_ppi,
        max_ink=settings.max_ink,
    )
    findings = []
    for path in written.print_pdfs:
        findings += [
            replace(f, path=f.path or str(path))
            for f in preflight(path, expect, typography=False).findings
        ]
    if written.archive_pdf:
        report = preflight(
            written.archive_pdf, Expect(page_size_mm=expect.page_size_mm), typography=False
        )
        findings += [replace(f, path=f.path or str(written.archive_pdf)) for f in report.findings]
    return findings


def write_manifest(story, edition, fmt, written, out_dir: Path, story_path: Path) -> Path:
    """What was rendered, for the archive and for people: one JSON file beside the PDFs."""
    first = story.articles[0]
    data = {
        "story": story_path.stem,
        "source": str(story_path.resolve()),
        "edition_file": str(edition_path(story_path).resolve()),
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
