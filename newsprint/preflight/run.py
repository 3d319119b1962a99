"""Preflight: prove a PDF is fit for the plant (PDF/X) or the archive (PDF/A), or say why not.

`render.py preflight FILE.pdf … [--json]` checks any PDF, not only
ours: the standard it claims and its identifiers, the output intent, fonts,
colour (no RGB in print, text 100 % K overprinting), page boxes against the
edition's page size, XMP for PDF/A, and the printed resolution of pictures.
veraPDF is not available here; these are the structural rules that catch what
our pipeline can get wrong. Exit status 1 when any check fails.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from dataclasses import asdict, is_dataclass
from pathlib import Path

import pikepdf
from pikepdf import Dictionary

from newsprint.errors import UserError
from newsprint.pdf.icc import icc_colour_space, icc_device_class
from newsprint.pdf.xmp import HOUSE_FIELDS, NS, read_xmp
from newsprint.preflight.checks import (
    MAX_VERSION,
    Expect,
    Report,
    check_attachments,
    check_boxes,
    check_content,
    check_fonts,
)

__all__ = ["Expect", "Report", "check_files", "preflight"]


def claimed_variant(pdf: pikepdf.Pdf, xmp: dict) -> str:
    """The standard a file says it meets, from its XMP (and Info for PDF/X-1a)."""
    if xmp.get("pdfaid:part"):
        return f"pdf/a-{xmp['pdfaid:part']}{str(xmp.get('pdfaid:conformance', '')).lower()}"
    info = pdf.trailer.get("/Info", Dictionary())
    x = str(
        xmp.get("pdfxid:GTS_PDFXVersion")
        or xmp.get("pdfx:GTS_PDFXVersion")
        or info.get("/GTS_PDFXVersion", "")
    )
    if x.startswith("PDF/X-4"):
        return "pdf/x-4"
    if x.startswith("PDF/X-1a"):
        return "pdf/x-1a"
    return x.lower()


def _identity(pdf: pikepdf.Pdf, report: Report, expect: Expect) -> dict:
    xmp: dict = {}
    if "/Metadata" in pdf.Root:
        try:
            xmp = read_xmp(pdf.Root.Metadata.read_bytes())
        except ValueError as exc:
            report.add("error", "xmp", f"{exc}; the metadata stream must be valid XMP")
    variant = claimed_variant(pdf, xmp)
    report.variant = variant
    if not variant:
        report.add(
            "error",
            "standard",
            "claims neither PDF/X nor PDF/A (no GTS_PDFXVersion or "
            "pdfaid:part): write it with newsprint.output",
        )
    elif expect.variant and variant != expect.variant:
        report.add("error", "standard", f"is {variant}, expected {expect.variant}")
    limit = MAX_VERSION.get(variant)
    if limit and pdf.pdf_version > limit:
        report.add(
            "error", "pdf-version", f"PDF {pdf.pdf_version}, {variant} allows at most {limit}"
        )
    if "/ID" not in pdf.trailer:
        report.add("error", "file-id", "no file identifier (/ID) in the trailer")
    if pdf.is_encrypted:
        report.add(
            "error", "encryption", "the file is encrypted; plant and archive files may not be"
        )
    report.figures.update(pdf_version=pdf.pdf_version, variant=variant)
    return xmp


def _metadata(pdf: pikepdf.Pdf, report: Report, xmp: dict) -> None:
    info = pdf.trailer.get("/Info", Dictionary())
    variant = report.variant
    if variant.startswith("pdf/x"):
        if str(info.get("/Trapped", "")) not in ("/True", "/False"):
            report.add("error", "trapped", "Info /Trapped must be /True or /False in PDF/X")
        if variant == "pdf/x-1a" and not str(info.get("/GTS_PDFXVersion", "")).startswith(
            "PDF/X-1a"
        ):
            report.add("error", "pdfx-version", "Info /GTS_PDFXVersion must name PDF/X-1a")
        if variant == "pdf/x-4":
            for key in (
                "xmp:CreateDate",
                "xmp:ModifyDate",
                "xmpMM:DocumentID",
                "xmpMM:VersionID",
                "xmpMM:RenditionClass",
                "dc:title",
            ):
                if not xmp.get(key):
                    report.add("error", "xmp", f"XMP lacks {key}, which PDF/X-4 requires")
    for picture in xmp.get("np:missingPictures", []):  # set by output.write_print_pages
        approved = xmp.get("np:placeholderApproved") == "True"
        level, what = ("warning", "the desk asked") if approved else ("error", "not approved")
        report.add(
            level,
            "picture-missing",
            f"picture {picture} is missing: its frame is "
            f"printed empty ({what}); place the picture or set print_placeholder",
        )
    if variant.startswith("pdf/a"):
        missing = [k for k in HOUSE_FIELDS if not xmp.get(k)]
        if missing:
            report.add("error", "xmp-house", f"archive XMP lacks {', '.join(missing)}")
        used = {k.split(":")[0] for k in xmp} - {"pdfaExtension"}
        declared = set(xmp.get("pdfaExtension:namespaces", []))
        if "prism" in used and NS["prism"] not in declared:
            report.add(
                "error", "xmp-extension", "prism properties without a PDF/A extension schema"
            )
        pairs = (
            ("/Title", "dc:title"),
            ("/Producer", "pdf:Producer"),
            ("/Creator", "xmp:CreatorTool"),
        )
        for info_key, xmp_key in pairs:
            value = xmp.get(xmp_key)
            value = value[0] if isinstance(value, list) and value else value
            if info_key in info and str(info[info_key]) != (value or ""):
                report.add("error", "info-xmp", f"Info {info_key} differs from XMP {xmp_key}")
    report.figures["xmp"] = {k: v for k, v in xmp.items() if k != "pdfaExtension:namespaces"}


def _output_intent(pdf: pikepdf.Pdf, report: Report) -> str:
    """Check the output intent; returns the colour space of its profile ('' when none)."""
    wanted = "/GTS_PDFX" if report.variant.startswith("pdf/x") else "/GTS_PDFA1"
    intents = [i for i in pdf.Root.get("/OutputIntents", []) if i.get("/S") == wanted]
    if not intents:
        report.add(
            "error",
            "output-intent",
            f"no {wanted[1:]} output intent: the plant's CMYK "
            "ICC profile must be embedded ([print] icc_profile)",
        )
        return ""
    intent = intents[0]
    profile = intent.get("/DestOutputProfile")
    data = profile.read_bytes() if profile is not None else b""
    space = icc_colour_space(data)
    ident = str(intent.get("/OutputConditionIdentifier", ""))
    if not ident:
        report.add("error", "output-intent", "output intent has no OutputConditionIdentifier")
    if profile is None:
        report.add("error", "output-intent", "output intent embeds no ICC profile")
    elif report.variant.startswith("pdf/x") and space != "CMYK":
        report.add(
            "error",
            "output-intent",
            f"output intent profile is {space or 'unreadable'}, not a CMYK press profile",
        )
    elif profile is not None and int(profile.get("/N", 0)) != {"CMYK": 4, "RGB": 3}.get(space, 1):
        report.add("error", "output-intent", "DestOutputProfile /N does not match the profile")
    report.figures["output_intent"] = {
        "identifier": ident,
        "info": str(intent.get("/Info", "")),
        "profile_space": space,
        "profile_class": icc_device_class(data),
        "profile_bytes": len(data),
    }
    return space


def _typography(path: Path, report: Report) -> None:
    """Figures from newsprint.typography.measure when that module exists."""
    if importlib.util.find_spec("newsprint.typography") is None:
        return
    from newsprint.preflight import typography  # noqa: PLC0415 (optional module of another developer)

    measure = getattr(typography, "measure", None)
    if measure is None:
        return
    try:
        figures = measure(path)
    except Exception as exc:  # another module's bug must not hide our verdict
        report.add("warning", "typography", f"typography measure failed: {exc!r}")
        return
    report.figures["typography"] = asdict(figures) if is_dataclass(figures) else figures


def preflight(path: Path, expect: Expect | None = None, typography: bool = True) -> Report:
    """All checks on one file; a report with findings (errors fail) and figures.

    `typography=False` skips the clreq figures (about 0.1 s a page), for the
    render's own pass whose verdict does not depend on them.
    """
    expect = expect or Expect()
    report = Report(str(path))
    try:
        pdf = pikepdf.open(path)
    except (pikepdf.PdfError, OSError) as exc:
        report.add("error", "unreadable", f"not a readable PDF ({exc})")
        return report
    with pdf:
        xmp = _identity(pdf, report, expect)
        _metadata(pdf, report, xmp)
        intent_space = _output_intent(pdf, report) if report.variant else ""
        check_fonts(pdf, report)
        check_content(pdf, report, expect, intent_space)
        check_boxes(pdf, report, expect)
        check_attachments(pdf, report)
    if typography:
        _typography(Path(path), report)
    return report


def format_report(report: Report) -> str:
    """Human-readable summary: verdict, key figures, then each finding."""
    fig = report.figures
    lines = [
        f"{report.path}: {'PASS' if report.ok else 'FAIL'} {report.variant or '(no standard)'}"
    ]
    intent = fig.get("output_intent")
    if intent:
        lines.append(
            f"  output intent: {intent['identifier']} ({intent['profile_space']} "
            f"{intent['profile_class']}, {intent['profile_bytes']} bytes)"
        )
    for page in fig.get("pages", []):
        lines.append(
            f"  page {page['page']}: {page['trim_mm'][0]} × {page['trim_mm'][1]} mm, "
            f"bleed {page['bleed_mm']} mm"
        )
    for font in fig.get("fonts", []):
        state = "subset" if font["subset"] else ("embedded" if font["embedded"] else "NOT EMBEDDED")
        lines.append(f"  font {font['name']}: {state}")
    for image in fig.get("images", []):
        lines.append(
            f"  picture p.{image['page']}: {image['pixels'][0]}×{image['pixels'][1]} px, "
            f"{image['ppi']} ppi, {image['space']}"
        )
    if "typography" in fig:
        brief = {k: v for k, v in fig["typography"].items() if k != "examples"}
        lines.append(f"  typography: {json.dumps(brief, ensure_ascii=False, default=str)}")
    lines.extend(f"  {finding}" for finding in report.findings)
    return "\n".join(lines)


def check_files(paths: list[Path], expect: Expect, as_json: bool = False) -> int:
    """`render.py preflight`: print each file's report (or one JSON list); 1 if any fails."""
    try:
        reports = [preflight(path, expect) for path in paths]
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if as_json:
        out = [
            {
                "file": r.path,
                "variant": r.variant,
                "ok": r.ok,
                "findings": [asdict(f) for f in r.findings],
                "figures": r.figures,
            }
            for r in reports
        ]
        print(json.dumps(out, ensure_ascii=False, indent=2, default=str))
    else:
        for r in reports:
            print(format_report(r))
    return 0 if all(r.ok for r in reports) else 1
