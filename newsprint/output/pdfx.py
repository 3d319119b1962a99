"""Plant-ready PDF/X pages and PDF/A archive copies from a rendered WeasyPrint document.

WeasyPrint writes the pages; pikepdf (qpdf) then makes them what the plant and
the archive need (see pdffix.py): CMYK only, 100 % K overprinting, the plant's
output intent, XMP from the edition. Every date comes from the edition, never
the clock, and IDs are hashes of the content, so the same input gives the
same bytes.
"""

from __future__ import annotations

import copy
import hashlib
import io
import os
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pikepdf
import weasyprint
from pikepdf import Dictionary, Name

from newsprint.config import MAX_INK, MAX_PPI, MIN_PPI
from newsprint.errors import UserError
from newsprint.pdf import fix as pdffix
from newsprint.pdf.fonts import compact_fonts
from newsprint.pdf.icc import DEFAULT_PROFILE, CmykProfile, load_cmyk_profile
from newsprint.pdf.modulemap import ModuleMap, write_module_map
from newsprint.pdf.subset import install as subset_in_one_pass
from newsprint.pdf.xmp import XmpFields, build_xmp
from newsprint.runtime import with_room

CREATOR = "newsprint"
# variant → (XMP conformance, PDF version the standard is based on)
PRINT_VARIANTS = {
    "pdf/x-4": (("x", "PDF/X-4", ""), "1.6"),
    "pdf/x-1a": (("x", "PDF/X-1a:2003", ""), "1.4"),
}
ARCHIVE_VARIANTS = {"pdf/a-2b": ("a", "2", "B"), "pdf/a-3b": ("a", "3", "B")}


@dataclass(frozen=True)
class PageInfo:
    number: int
    section: str  # 版名
    file_name: str
    # picture files whose frames on this page are printed empty (the preflight fails
    # the page unless PrintSettings.allow_placeholder says the desk asked for it)
    missing_pictures: Sequence[str] = ()
    # where the make-up put the page's modules, kept in the page for the page report
    module_map: ModuleMap | None = None


@dataclass(frozen=True)
class StoryMeta:
    paper: str
    date: str  # ISO date of the edition (YYYY-MM-DD), or a full W3C date-time
    edition: str  # e.g. 第8123期
    section: str
    headline: str
    language: str  # newsprint.toml [paper] language
    kicker: str = ""
    bylines: Sequence[str] = ()
    speakers: Sequence[str] = ()
    title: str = ""  # document title; the headline when empty
    pages: Sequence[int] = ()  # page numbers the story is printed on


@dataclass(frozen=True)
class PrintSettings:
    variant: str = "pdf/x-4"
    icc_profile: Path = DEFAULT_PROFILE
    bleed_mm: float = 0.0
    crop_marks: bool = False
    min_ppi: float = MIN_PPI
    allow_placeholder: bool = False
    max_ink: float = MAX_INK
    max_ppi: float = MAX_PPI


_SETTING_TYPES = {
    "variant": str,
    "icc_profile": str,
    "bleed_mm": float,
    "crop_marks": bool,
    "min_ppi": float,
    "allow_placeholder": bool,
    "max_ink": float,
    "max_ppi": float,
}


def print_settings(table: dict, where: str = "newsprint.toml [print]", base: Path | None = None):
    """PrintSettings from the parsed [print] table; relative icc_profile paths are from `base`."""
    values = {}
    for key, value in table.items():
        kind = _SETTING_TYPES.get(key)
        if kind is None:
            known = ", ".join(_SETTING_TYPES)
            raise UserError(f"{where}: unknown key {key!r}; known: {known}")
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
            raise UserError(f"{where}: {key!r} must be {kind.__name__}, not {value!r}")
        values[key] = value
    if values.get("variant", "pdf/x-4") not in PRINT_VARIANTS:
        raise UserError(f"{where}: variant must be one of {', '.join(PRINT_VARIANTS)}")
    if values.get("bleed_mm", 0.0) < 0 or values.get("min_ppi", 1.0) <= 0:
        raise UserError(f"{where}: bleed_mm must be ≥ 0 and min_ppi > 0")
    if values.get("max_ppi", MAX_PPI) < values.get("min_ppi", MIN_PPI):
        raise UserError(f"{where}: max_ppi must be at least min_ppi (pictures are scaled to it)")
    if not 100 <= values.get("max_ink", MAX_INK) <= 400:
        raise UserError(f"{where}: max_ink is total ink in %, between 100 and 400 (newsprint ~240)")
    if "icc_profile" in values:
        path = Path(values["icc_profile"])
        values["icc_profile"] = path if path.is_absolute() or base is None else base / path
    settings = PrintSettings(**values)
    load_cmyk_profile(settings.icc_profile)  # fail now, naming the file, not mid-render
    return settings


def print_css(settings: PrintSettings) -> str:
    """The @page rule the renderer adds: bleed and crop marks only when asked (proofs)."""
    marks = "crop" if settings.crop_marks else "none"
    return f"@page {{ bleed: {settings.bleed_mm:g}mm; marks: {marks}; }}\n"


def _created(meta: StoryMeta) -> tuple[str, str]:
    """(W3C, PDF) dates of the edition; a bare date is midnight UTC of that day."""
    try:
        when = datetime.fromisoformat(meta.date)
    except ValueError:
        raise UserError(f"edition date {meta.date!r} is not an ISO date (YYYY-MM-DD)") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    offset = when.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset else 0
    sign, minutes = ("+" if minutes >= 0 else "-"), abs(minutes)
    tz = f"{sign}{minutes // 60:02}:{minutes % 60:02}"
    w3c = when.strftime("%Y-%m-%dT%H:%M:%S") + tz
    pdf = when.strftime("D:%Y%m%d%H%M%S") + f"{sign}{minutes // 60:02}'{minutes % 60:02}'"
    return w3c, pdf


def _page_range(numbers: tuple[int, ...]) -> str:
    """4, 5, 6, 9 → '4-6, 9' (PRISM pageRange)."""
    runs: list[list[int]] = []
    for n in sorted(set(numbers)):
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return ", ".join(f"{r[0]}-{r[-1]}" if len(r) > 1 else f"{r[0]}" for r in runs)


def _fields(meta: StoryMeta, conformance, what: str, pages, section: str, raw: bytes, trapped):
    created, _ = _created(meta)
    doc_key = f"newsprint:{meta.paper}/{meta.date[:10]}/{meta.edition}/{what}"
    document_id = uuid.uuid5(uuid.NAMESPACE_URL, doc_key)
    instance = uuid.uuid5(document_id, hashlib.sha256(raw).hexdigest())
    return XmpFields(
        conformance=conformance,
        title=meta.title or meta.headline,
        created=created,
        document_id=f"uuid:{document_id}",
        instance_id=f"uuid:{instance}",
        producer=f"WeasyPrint {weasyprint.__version__}",
        creator_tool=CREATOR,
        description=meta.kicker,
        creators=list(meta.bylines) or [meta.paper],  # no byline: the paper is the author
        contributors=list(meta.speakers),
        language=meta.language,
        paper=meta.paper,
        cover_date=meta.date[:10],
        edition=meta.edition,
        section=section,
        page_range=_page_range(pages),
        trapped=trapped,
    )


def _set_info(pdf: pikepdf.Pdf, fields: XmpFields, pdf_date: str, extra: dict) -> None:
    """A document info dictionary that says exactly what the XMP says (PDF/A wants them equal)."""
    info = Dictionary(
        Title=pikepdf.String(fields.title),
        Creator=pikepdf.String(fields.creator_tool),
        Producer=pikepdf.String(fields.producer),
        CreationDate=pikepdf.String(pdf_date),
        ModDate=pikepdf.String(pdf_date),
        **extra,
    )
    pdf.trailer.Info = pdf.make_indirect(info)


def _finish(
    raw: bytes,
    target: Path,
    fields: XmpFields,
    meta: StoryMeta,
    *,
    profile: CmykProfile,
    intent: str,
    version: str,
    overprint: bool,
    info_extra: dict,
    pages: Sequence[PageInfo] = (),
) -> None:
    """Post-process WeasyPrint's bytes into `target` (written atomically); `pages`, when
    given, are the file's pages in order, whose module maps go into them."""
    with pikepdf.open(io.BytesIO(raw)) as pdf:
        pdffix.fix_colours(pdf, overprint=overprint)
        pdffix.fix_groups(pdf)
        pdffix.fix_images(pdf)
        pdffix.drop_unused_colour_spaces(pdf)
        pdffix.set_output_intent(pdf, profile, intent)
        pdffix.dedupe_associated_files(pdf)
        compact_fonts(pdf)
        if intent == "/GTS_PDFX":
            pdffix.strip_annotations(pdf)
        edition_date = _created(meta)[1]
        _set_info(pdf, fields, edition_date, info_extra)
        if len(pages) == len(pdf.pages):
            for page, info in zip(pdf.pages, pages, strict=True):
                if info.module_map is not None:
                    write_module_map(page, info.module_map, edition_date)
        pdf.Root.Metadata = pdf.make_stream(build_xmp(fields), Type=Name.Metadata, Subtype=Name.XML)
        pdf.Root.Lang = pikepdf.String(meta.language)
        old_streams = version < "1.5"
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        pdf.save(
            tmp,
            deterministic_id=True,
            compress_streams=True,  # WeasyPrint wrote them uncompressed (pdf/subset.py)
            force_version=version,
            fix_metadata_version=False,
            object_stream_mode=(
                pikepdf.ObjectStreamMode.disable
                if old_streams
                else pikepdf.ObjectStreamMode.generate
            ),
        )
    os.replace(tmp, target)


def _single_page(document, page):
    """A copy of the document holding one page, with metadata the copy may change freely."""
    single = document.copy([page])
    single.metadata = copy.copy(document.metadata)
    single.metadata.attachments = []
    single.color_profiles = dict(document.color_profiles)
    return single


def write_print_pages(
    document,
    pages: list[PageInfo],
    meta: StoryMeta,
    out_dir: Path,
    settings: PrintSettings | None = None,
    each=None,
) -> list[Path]:
    """One PDF/X file per page of the rendered document, named by `pages`.

    `each(fn, argsets)` maps the page writer over the pages (build's writes each page
    after the first in a forked child: output/forked.py); by default one after another.
    """
    settings = settings or PrintSettings()
    if len(pages) != len(document.pages):
        raise UserError(
            f"{out_dir}: the layout made {len(document.pages)} page(s) but the edition names "
            f"{len(pages)}; shorten the copy or add pages to the edition file"
        )
    if settings.variant not in PRINT_VARIANTS:
        raise UserError(
            f"print variant {settings.variant!r}: use one of {', '.join(PRINT_VARIANTS)}"
        )
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    subset_in_one_pass()
    argsets = [(document, i, info, meta, out_dir, settings) for i, info in enumerate(pages)]
    if each is None:
        return [_write_page(*args) for args in argsets]
    return each(_write_page, argsets)


def _write_page(
    document, index: int, info: PageInfo, meta: StoryMeta, out_dir: Path, settings: PrintSettings
) -> Path:
    page = document.pages[index]
    bleed_mm = page.bleed["left"] * 0.75 * 25.4 / 72  # CSS px → mm
    if abs(bleed_mm - settings.bleed_mm) > 0.05:
        raise UserError(
            f"{out_dir / info.file_name}: the page was laid out with {bleed_mm:g} mm bleed, "
            f"[print] bleed_mm is {settings.bleed_mm:g}: add output.print_css(settings) "
            "to the stylesheets"
        )
    conformance, version = PRINT_VARIANTS[settings.variant]
    info_extra = {"Trapped": Name("/False"), "GTS_PDFXVersion": pikepdf.String(conformance[1])}
    if settings.variant == "pdf/x-1a":
        info_extra["GTS_PDFXConformance"] = pikepdf.String(conformance[1])
    # uncompressed: qpdf compresses each stream once, at the save (pdf/subset.py)
    single = _single_page(document, page)  # drawn clear of a chunk boundary (runtime.py)
    raw = with_room(single.write_pdf, pdf_version=version, uncompressed_pdf=True)
    fields = _fields(
        meta, conformance, f"page/{info.number}", (info.number,), info.section, raw, False
    )
    fields.missing_pictures = list(info.missing_pictures)
    fields.placeholder_ok = settings.allow_placeholder
    target = out_dir / info.file_name
    _finish(
        raw,
        target,
        fields,
        meta,
        profile=load_cmyk_profile(Path(settings.icc_profile)),
        intent="/GTS_PDFX",
        version=version,
        overprint=True,
        info_extra=info_extra,
        pages=(info,),
    )
    return target


def _attachments(paths: list[Path], when: datetime) -> list[weasyprint.Attachment]:
    """The copy and edition file as PDF/A-3 'Source' attachments, dated by the edition."""
    made = []
    for path in map(Path, paths):
        if not path.is_file():
            raise UserError(f"{path}: cannot attach it to the archive copy: no such file")
        made.append(
            weasyprint.Attachment(
                string=path.read_bytes(),
                name=path.name,
                description=f"source: {path.name}",
                created=when,
                modified=when,
                relationship="Source",
            )
        )
    return made


def write_archive(
    document,
    meta: StoryMeta,
    attachments: list[Path],
    out_dir: Path,
    icc_profile: Path = DEFAULT_PROFILE,
    file_name: str = "",
    pages: list[PageInfo] | None = None,
) -> Path:
    """The whole story as PDF/A: 3b carrying the copy and edition file, or 2b with none."""
    numbers = tuple(p.number for p in pages) if pages else tuple(meta.pages)
    variant = "pdf/a-3b" if attachments else "pdf/a-2b"
    profile = load_cmyk_profile(Path(icc_profile))
    when = datetime.fromisoformat(_created(meta)[0])
    story = document.copy()
    story.metadata = copy.copy(document.metadata)
    story.metadata.attachments = []
    story.color_profiles = dict(document.color_profiles)
    subset_in_one_pass()
    raw = with_room(
        story.write_pdf,
        uncompressed_pdf=True,  # compressed once, at the save (pdf/subset.py)
        pdf_variant=variant,
        output_intent="device-cmyk",  # keeps WeasyPrint from adding its sRGB intent
        attachments=_attachments(attachments, when),
    )
    fields = _fields(meta, ARCHIVE_VARIANTS[variant], "archive", numbers, meta.section, raw, None)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / (file_name or f"{meta.date[:10]}-archive.pdf")
    _finish(
        raw,
        target,
        fields,
        meta,
        profile=profile,
        intent="/GTS_PDFA1",
        version="1.7",
        overprint=False,
        info_extra={},
        pages=pages or (),
    )
    return target
