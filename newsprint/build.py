"""The whole pipeline in one linear function: copy in, print pages and proof out.

    story      parse the copy, normalise its text, read the edition file
    typeset    check font coverage; plan the pages; lay them out and fit the copy
    output     print PDFs (PDF/X), archive copy (PDF/A), proof, manifest
    preflight  check what was written; its errors stop the story

Each stage is a subpackage of plain functions; this module only calls them in
order and decides, from their findings, whether the pages may go to the plant.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from pathlib import Path

from newsprint.compose.diagnose import diagnose
from newsprint.compose.headings import module_gap_lines
from newsprint.compose.html import compose_html, geometry_css, template_env
from newsprint.compose.makeup import Makeup, make_up, placed_makeup
from newsprint.config import PROJECT_ROOT, PT_PER_MM, Config, PageFormat, load_config
from newsprint.errors import Finding, UserError
from newsprint.output.forked import forked_map
from newsprint.output.manifest import write_manifest
from newsprint.output.pdfx import PrintSettings, print_css, print_settings
from newsprint.output.pictures import locate_photo, picture_aspect
from newsprint.output.stage import Staging, fail, write_failed_proof
from newsprint.output.write import Written, file_stem, missing_picture, write_outputs
from newsprint.preflight.check import typography_findings
from newsprint.preflight.checks import Expect
from newsprint.preflight.run import preflight
from newsprint.story.edition import (
    Edition,
    EditionError,
    edition_path,
    load_edition,
    with_page_count,
)
from newsprint.story.model import Story
from newsprint.story.normalize import normalize
from newsprint.story.parse import parse_story
from newsprint.typeset.coverage import check_coverage
from newsprint.typeset.fonts import check_installed, font_face_css, load_faces, role_css
from newsprint.typeset.measure import dropped_text, overflow_findings, running_head_findings
from newsprint.typeset.modules import measure_html, measure_modules
from newsprint.typeset.styles import tool_css, undefined_properties
from newsprint.typeset.typesetter import Typesetter, weasyprint_finding


class BuildFailed(UserError):
    """The story cannot go to print; `findings` says why, file and line.

    `moved` maps each earlier output the failed run set aside to where it went
    (out/<story>/superseded/<n>/), for whoever still shows it (the studio).
    """

    def __init__(
        self,
        findings: list[Finding],
        moved: dict[Path, Path] | None = None,
        proof: Path | None = None,
    ):
        self.findings = findings
        self.moved = moved or {}
        self.proof = proof  # the stamped proof of the failed layout, when there is one
        errors = [f for f in findings if f.level == "error"]
        super().__init__(f"{len(errors)} error(s); nothing was sent to print")


class MakeupFailed(BuildFailed):
    """The copy cannot fill its pages; `nearest` is the make-up that came nearest (pages
    short or overset), which the FAILED proof shows the desk, or None."""

    def __init__(self, findings: list[Finding], nearest: Makeup | None = None):
        super().__init__(findings)
        self.nearest = nearest


@dataclass
class BuildResult:
    out_dir: Path
    print_pdfs: list[Path]
    proof: Path
    manifest: Path
    archive_pdf: Path | None = None
    findings: list[Finding] = field(default_factory=list)
    typography: str = ""  # the typography report's one-line summary
    makeup: str = ""  # what the copyfit moved, in one line


@dataclass(frozen=True)
class Prepared:
    """A story read, checked and ready for layout: everything before the first render."""

    story_path: Path
    story: Story
    edition: Edition
    fmt: PageFormat
    settings: PrintSettings
    photo_url: str
    findings: list[Finding]
    copy_sha256: str = ""  # of the copy as read for this render


def prepare(
    story_path: Path, config: Config, format_name: str | None = None, pages: int | None = None
) -> Prepared:
    """Stages before layout: parse, normalise, edition, font coverage, styles, the picture.

    Raises BuildFailed when the copy cannot be set at all (a character no font has, a
    var() in styles/ that nothing defines).
    `pages` puts the story on that many pages instead of the edition file's.
    """
    copy_sha256 = (
        hashlib.sha256(story_path.read_bytes()).hexdigest() if story_path.is_file() else ""
    )
    story, findings = parse_story(story_path)
    story, changes = normalize(story, config.normalize_disabled, config.suspect_words)
    findings += changes
    try:
        edition = load_edition(story_path, config.paper_name, config.default_format, config.formats)
    except EditionError as exc:  # reported with the copy's findings, like any other error
        raise BuildFailed(findings + exc.findings) from None
    if pages is not None:
        edition = with_page_count(edition, pages)
    fmt = config.page_format(format_name or edition.format)
    faces = load_faces()
    check_installed(faces)
    findings += check_coverage(story, edition, faces, config.font_roles)
    findings += undefined_properties(tool_css(fmt, faces, config.font_roles))
    if any(f.level == "error" for f in findings):
        raise BuildFailed(findings)
    settings = replace(
        print_settings(config.print_table or {}, base=PROJECT_ROOT),
        allow_placeholder=edition.photo_placeholder_ok,
    )
    photo_url, photo_findings = locate_photo(story, edition, story_path.parent, fmt, settings)
    findings += photo_findings
    return Prepared(story_path, story, edition, fmt, settings, photo_url, findings, copy_sha256)


def build(
    story_path: Path,
    out_root: Path = PROJECT_ROOT / "out",
    *,
    format_name: str | None = None,
    pages: int | None = None,
    config: Config | None = None,
    typesetter: Typesetter | None = None,
    proof_dpi: float = 50,
    grid: bool = False,
    archive: bool = True,
    typography: bool = True,
    progress=None,
) -> BuildResult:
    """Render one story into out/<story>/; raise BuildFailed with findings if it can't print.

    `grid` draws the grid overlay on the proof; `archive=False` skips the archive copy
    and `typography=False` the typography report (the designer's loop, whose warm
    re-render it would double); `progress(done, total, what)` hears about long work.
    """
    config = config or load_config()
    out_dir = out_root / story_path.stem
    try:
        job = prepare(story_path, config, format_name, pages)
    except UserError as exc:  # unreadable copy, bad edition file, a character no font has
        found = getattr(exc, "findings", None) or [Finding("error", str(exc))]
        raise failed_run(out_dir, found) from None
    story, edition, fmt, settings = job.story, job.edition, job.fmt, job.settings
    typesetter = typesetter or Typesetter(session_css(config))
    env = template_env(fmt, config)

    try:
        plan = compose_pages(job, config, typesetter, env, ForkedHalves(typesetter))
    except MakeupFailed as exc:  # the copy does not fill its pages: the desk's cut/add message
        document = None
        if exc.nearest is not None:  # the FAILED proof shows how near the make-up came
            html = compose_html(story, edition, exc.nearest, fmt, job.photo_url, env)
            document, _ = typesetter.render(html, geometry_css(fmt))
        raise failed_run(out_dir, exc.findings, document, file_stem(edition)) from None
    except BuildFailed as exc:
        raise failed_run(out_dir, exc.findings) from None
    job = scaled_photo(job, plan)
    findings = list(job.findings)
    document, warnings = typesetter.render(
        compose_html(story, edition, plan, fmt, job.photo_url, env), geometry_css(fmt)
    )
    findings += [weasyprint_finding(w) for w in warnings]
    findings += overflow_findings(document, plan, fmt, story.source)
    findings += dropped_text(document, story)
    findings += running_head_findings(document, edition)
    stem = file_stem(edition)
    if any(f.level == "error" for f in findings):
        raise failed_run(out_dir, findings, document, stem)

    with Staging(out_dir) as staging:  # nothing reaches out_dir before every check passed
        written = write_outputs(
            document,
            story,
            edition,
            plan,
            staging.dir,
            stem,
            proof_dpi,
            [story_path, edition_path(story_path)],
            config,
            grid_format=fmt if grid else None,
            archive=archive,
            progress=progress,
            settings=settings,
            missing_picture=missing_picture(story, edition, job.photo_url),
        )
        findings += staging.relocate(preflight_outputs(written, fmt, settings))
        summary = ""
        if typography:
            checked, summary = typography_findings(
                written.print_pdfs,
                "\n".join(p.text for p in story.paragraphs()),
                config.typography_errors,
                lambda text: locate_text(story, text),
                out_dir,
                each=forked_map,  # a page in a child beside this one: 0.4 s a page
            )
            findings += checked
        verdict = "failed" if any(f.level == "error" for f in findings) else "passed"
        write_manifest(
            story,
            edition,
            fmt,
            written,
            staging.dir,
            story_path,
            copy_sha256=job.copy_sha256,
            preflight=verdict,
            grid=grid,
        )
        if verdict == "failed":  # the preflight said no: not for the plant
            raise failed_run(out_dir, findings, document, stem)
        findings += staging.commit()
    return BuildResult(
        out_dir,
        [out_dir / p.name for p in written.print_pdfs],
        out_dir / written.proof.name,
        out_dir / "manifest.json",
        out_dir / written.archive_pdf.name if written.archive_pdf else None,
        findings,
        summary,
        "make-up: " + ("; ".join(plan.levers) if plan.levers else "as designed"),
    )


def compose_pages(
    job: Prepared, config: Config, typesetter: Typesetter, env, pool=None, explain: bool = True
) -> Makeup:
    """Measure every module, then make up the pages (compose/makeup.py); MakeupFailed with
    the desk's cut/add message when the copy cannot fill them. `pool`: the studio's page
    workers, which measure the modules in parallel. `explain=False`: fail without the
    diagnosis (the studio's parallel path hands such a story to build(), which gives it)."""
    story, edition, fmt = job.story, job.edition, job.fmt
    heights, warnings = measure_modules(story, fmt, config.makeup, typesetter, env, pool=pool)
    if warnings:
        raise BuildFailed(job.findings + [weasyprint_finding(w) for w in warnings])
    aspect = picture_aspect(job.story_path.parent, edition)
    cache = getattr(typesetter, "fit_cache", None)
    key = _makeup_key(heights, job, config, aspect)
    kept = cache.get(key) if cache is not None else None
    plan, atoms, found = make_up(
        story, edition, fmt, config.makeup, heights, aspect, module_gap_lines(), kept, forked_map
    )
    if cache is not None and found is not None:
        cache[key] = found
    if plan is None:
        if not explain:
            raise MakeupFailed(job.findings)
        found, near = diagnose(atoms, story, edition, fmt, config.makeup, module_gap_lines())
        nearest = placed_makeup(near, edition, heights, fmt.name) if near else None
        raise MakeupFailed(job.findings + found, nearest=nearest)
    empty = [p for p in plan.pages if not p.has_copy]
    if empty:
        raise BuildFailed(job.findings + empty_pages(plan, story.source))
    return plan


@dataclass(frozen=True)
class ForkedHalves:
    """Module measurement on two cores without a pool: the other half is laid out in a
    forked child, which inherits the loaded faces (output/forked.py; in a process with
    threads, such as the studio's fallback, both halves are laid out here)."""

    typesetter: Typesetter

    def measure(self, htmls: list[str], css: str, texts: dict, line_pitch: float) -> list:
        args = [(self.typesetter, html, css, texts, line_pitch) for html in htmls]
        return forked_map(measure_html, args)


def _makeup_key(heights: dict, job: Prepared, config: Config, aspect) -> str:
    """What decides the make-up: the measurements, the bounds, the pages, the gap."""
    digest = hashlib.sha256(json.dumps(heights, sort_keys=True).encode())
    digest.update(repr((config.makeup, job.fmt, len(job.edition.pages), aspect)).encode())
    digest.update(str(module_gap_lines()).encode())
    return digest.hexdigest()


def locate_text(story: Story, text: str) -> tuple[str, int]:
    """(copy path, line) of the paragraph, heading or speaker line a PDF line comes from."""
    wanted = text.replace(" ", "")
    for para in story.paragraphs():
        if wanted and wanted in para.text.replace(" ", ""):
            return story.source, para.line
    for art in story.articles:
        for sec in art.sections:
            for tes in sec.testimonies:
                speaker = f"讲述人：{tes.speaker_name}（{tes.speaker_role}）"
                if wanted and wanted in speaker:
                    return story.source, tes.speaker_line
    return story.source, 0


def scaled_photo(job: Prepared, plan: Makeup) -> Prepared:
    """The story with its picture scaled for the frame the make-up gave it: the frame's
    width and height bind the picture (object-fit: cover), and it needs their pixels,
    no more (a picture prepared for the type area's width would print over max_ppi in a
    narrower frame)."""
    frames = [m for p in plan.pages for m in p.modules if m.kind == "photo"]
    if not job.photo_url or not frames:
        return job
    frame = frames[0]
    height_mm = frame.choice.frame * job.fmt.line_pitch / PT_PER_MM
    width_mm = job.fmt.span(frame.cols) / PT_PER_MM
    url, findings = locate_photo(
        job.story, job.edition, job.story_path.parent, job.fmt, job.settings, height_mm, width_mm
    )
    kept = [f for f in job.findings if not f.rule.startswith("picture")]
    return replace(job, photo_url=url, findings=kept + findings)


def empty_pages(plan: Makeup, source: str) -> list[Finding]:
    """A page with no copy is never printed: the desk hears which and what to do."""
    filled = [p for p in plan.pages if p.has_copy]
    return [
        Finding(
            "error",
            f"page {p.index + 1} (第{p.slot.number:02d}版) has no copy: the story fills "
            f"{len(filled)} page(s); render it on {len(filled)} (--pages {len(filled)}) or "
            "add copy for this page",
            source,
            0,
            "empty-page",
        )
        for p in plan.pages
        if p not in filled
    ]


def failed_run(
    out_dir: Path, findings: list[Finding], document=None, stem: str = ""
) -> BuildFailed:
    """A run that cannot print: earlier outputs set aside, only the stamped proof left."""
    if document is None:
        moved, notes = fail(out_dir, None)
        return BuildFailed(findings + notes, moved)
    with Staging(out_dir) as staging:
        proof = write_failed_proof(document, staging.dir / f"{stem}-FAILED-proof.pdf")
        moved, notes = fail(out_dir, proof)
    return BuildFailed(findings + notes, moved, out_dir / proof.name)


def session_css(config: Config) -> str:
    """A Typesetter's fixed CSS: the font faces and the print settings' @page marks."""
    settings = print_settings(config.print_table or {}, base=PROJECT_ROOT)
    faces = load_faces()
    return font_face_css(faces) + role_css(faces, config.font_roles) + print_css(settings)


def preflight_outputs(written: Written, fmt: PageFormat, settings: PrintSettings) -> list[Finding]:
    """The preflight runs after every render: its errors are the desk's errors.

    Its typography figures come from typography_findings (in build()), by the rules
    newsprint.toml [typography] names; here the structural checks alone.
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
