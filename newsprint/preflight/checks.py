"""The preflight's checks of fonts, colour, pictures, page boxes and attachments.

Each function reads one aspect of an open PDF and adds findings to the report;
newsprint.preflight runs them and the identity/metadata checks in order.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

import pikepdf
from pikepdf import Dictionary

from newsprint.config import MAX_INK, MIN_PPI, PT_PER_MM
from newsprint.errors import Finding
from newsprint.pdf.walk import all_resources, classify, printed_ppi, walk

MAX_VERSION = {"pdf/x-4": "1.6", "pdf/x-1a": "1.4", "pdf/a-2b": "1.7", "pdf/a-3b": "1.7"}
SUBSET = re.compile(r"^/?[A-Z]{6}\+")


@dataclass
class Expect:
    """What the caller knows: the standard wanted, the edition's page size, the plant's limits."""

    variant: str = ""  # pdf/x-4 | pdf/x-1a | pdf/a-2b | pdf/a-3b; "" = whatever the file claims
    page_size_mm: tuple[float, float] | None = None
    bleed_mm: float | None = None
    min_ppi: float = MIN_PPI
    max_ink: float = MAX_INK
    tolerance_mm: float = 0.5


@dataclass
class Report:
    path: str
    variant: str = ""
    findings: list[Finding] = field(default_factory=list)
    figures: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not any(f.level == "error" for f in self.findings)

    def add(self, level: str, rule: str, message: str) -> None:
        self.findings.append(Finding(level, message, self.path, rule=rule))


def check_fonts(pdf: pikepdf.Pdf, report: Report) -> None:
    fonts = {}
    for res in all_resources(pdf):
        for font in res.get("/Font", Dictionary()).values():
            base = str(font.get("/BaseFont", "(Type 3)"))
            inner = font.DescendantFonts[0] if "/DescendantFonts" in font else font
            desc = inner.get("/FontDescriptor", Dictionary())
            embedded = any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            if font.get("/Subtype") == "/Type3":
                embedded = True
            fonts[base] = {
                "name": base.lstrip("/"),
                "type": str(font.get("/Subtype", "")),
                "embedded": embedded,
                "subset": bool(SUBSET.match(base)),
            }
    for f in fonts.values():
        if not f["embedded"]:
            report.add("error", "font-embedded", f"font {f['name']} is not embedded")
        elif not f["subset"] and f["type"] != "/Type3":
            report.add("warning", "font-subset", f"font {f['name']} is embedded whole, not subset")
    report.figures["fonts"] = sorted(fonts.values(), key=lambda f: f["name"])


def _colour_ok(space, report: Report, intent_space: str) -> str:
    """'' when the colour space is allowed in this standard, else why not."""
    variant = report.variant
    if not variant.startswith("pdf/a"):  # print rules, also for a file that claims nothing
        if space.family in ("rgb", "lab", "unknown"):
            return f"{space.family.upper()} colour ({space.name}): print is CMYK only"
        if variant == "pdf/x-1a" and not space.device and space.family not in ("spot", "pattern"):
            return f"{space.name} is not allowed in PDF/X-1a (device CMYK, grey or spot only)"
        return ""
    device_intent = {"cmyk": "CMYK", "rgb": "RGB", "gray": ""}
    if space.device and space.family in device_intent:
        need = device_intent[space.family]
        if need and intent_space != need:
            has = intent_space or "none"
            return f"{space.name} needs a {need} output intent in PDF/A (it has {has})"
    return ""


@dataclass
class _Seen:
    """What the content walk found: problems counted once per message, pictures listed."""

    report: Report
    expect: Expect
    intent_space: str
    problems: Counter = field(default_factory=Counter)
    examples: dict = field(default_factory=dict)
    images: list = field(default_factory=list)

    @property
    def is_x(self) -> bool:
        return not self.report.variant.startswith("pdf/a")

    @property
    def is_x1a(self) -> bool:
        return self.report.variant == "pdf/x-1a"

    def colour(self, space) -> str:
        return _colour_ok(space, self.report, self.intent_space)

    def note(self, page: int, rule: str, message: str) -> None:
        self.problems[(rule, message)] += 1
        self.examples.setdefault((rule, message), page)


def _colour_event(seen: _Seen, ev) -> None:
    why = seen.colour(ev.data["space"])
    if why:
        seen.note(ev.page, "colour-space", why)
    ink = sum(ev.data["values"]) * 100
    if ev.data["space"].family == "cmyk" and ink > seen.expect.max_ink + 0.5:
        seen.note(
            ev.page,
            "total-ink",
            f"CMYK {ev.data['values']} is {ink:.0f} % ink, "
            f"over {seen.expect.max_ink:g} %: take C, M or Y down",
        )


def _text_event(seen: _Seen, ev) -> None:
    st = ev.state
    space, values = (
        (st.stroke, st.stroke_values) if st.text_mode == 1 else (st.fill, st.fill_values)
    )
    why = seen.colour(space)
    if why:
        seen.note(ev.page, "text-colour", f"text in {why}")
    elif seen.is_x and space.family == "cmyk" and space.device:
        if values[:3] != (0, 0, 0) or values[3:] not in ((1,), (0,)):
            seen.note(ev.page, "text-k-only", f"text in CMYK {values}: text must be 100 % K")
        elif values[3:] == (1,) and not (st.op and st.opm == 1):
            seen.note(ev.page, "text-overprint", "100 % K text does not overprint (op, OPM 1)")
    elif seen.is_x and space.family != "gray":
        seen.note(ev.page, "text-k-only", f"text in {space.name}: text must be 100 % K")


def _image_event(seen: _Seen, ev) -> None:
    image = ev.data.get("image") or ev.data["inline"].obj
    space = classify(
        image.get("/ColorSpace", image.get("/CS", pikepdf.Name.DeviceGray)),
        ev.data.get("resources"),
    )
    if image.get("/ImageMask"):
        space = ev.state.fill
    ppi = printed_ppi(ev)
    seen.images.append(
        {"page": ev.page, "pixels": list(ev.data["size"]), "ppi": round(ppi), "space": space.family}
    )
    why = seen.colour(space)
    if why:
        seen.note(ev.page, "image-colour", f"picture in {why}")
    if ppi and ppi < seen.expect.min_ppi and not image.get("/ImageMask"):
        seen.note(
            ev.page,
            "image-resolution",
            f"picture of {ev.data['size'][0]}×{ev.data['size'][1]} px printed at "
            f"{ppi:.0f} ppi, below {seen.expect.min_ppi:g} ppi: replace it or print it smaller",
        )
    if bool(image.get("/Interpolate", False)):
        seen.note(ev.page, "image-interpolate", "picture has /Interpolate true")
    if seen.is_x1a and "/SMask" in image:
        seen.note(ev.page, "transparency", "picture with a soft mask: no transparency in X-1a")


def _group_event(seen: _Seen, ev) -> None:
    group = ev.data["group"]
    if seen.is_x1a and group.get("/S") == "/Transparency":
        seen.note(ev.page, "transparency", "transparency group: not allowed in PDF/X-1a")
    if "/CS" in group:
        why = seen.colour(classify(group.CS, ev.data["resources"]))
        if why:
            seen.note(ev.page, "group-colour", f"transparency blending space in {why}")


def _extgstate_event(seen: _Seen, ev) -> None:
    ext = ev.data["ext"]
    if seen.is_x1a and (
        str(ext.get("/SMask", "/None")) != "/None"
        or float(ext.get("/ca", 1)) < 1
        or float(ext.get("/CA", 1)) < 1
        or str(ext.get("/BM", "/Normal")) not in ("/Normal", "/Compatible")
    ):
        seen.note(ev.page, "transparency", "transparency (soft mask, alpha or blend mode)")


def _check_resource_spaces(pdf: pikepdf.Pdf, seen: _Seen) -> None:
    """Colour spaces defined in resources but not necessarily painted with."""
    reported = set()
    for res in all_resources(pdf):
        for name, space in res.get("/ColorSpace", Dictionary()).items():
            if (name, space.objgen) in reported:  # WeasyPrint shares one dictionary
                continue
            reported.add((name, space.objgen))
            why = seen.colour(classify(space, res))
            if why and name.startswith("/Default"):
                seen.report.add("error", "default-colour-space", f"{name} in resources: {why}")
            elif why and seen.is_x:
                seen.report.add("warning", "unused-colour-space", f"{name} in resources: {why}")


def check_content(pdf: pikepdf.Pdf, report: Report, expect: Expect, intent_space: str) -> None:
    """Walk every page's content: colour, text colour and overprint, pictures, transparency."""
    seen = _Seen(report, expect, intent_space)
    for ev in walk(pdf):
        if ev.kind == "colour":
            _colour_event(seen, ev)
        elif ev.kind == "text" and ev.state.text_mode != 7:
            _text_event(seen, ev)
        elif ev.kind == "image":
            _image_event(seen, ev)
        elif ev.kind == "group":
            _group_event(seen, ev)
        elif ev.kind == "extgstate":
            _extgstate_event(seen, ev)
    for (rule, message), count in sorted(
        seen.problems.items(), key=lambda kv: seen.examples[kv[0]]
    ):
        times = f" ({count}×)" if count > 1 else ""
        level = "warning" if rule == "image-interpolate" and seen.is_x else "error"
        report.add(level, rule, f"page {seen.examples[(rule, message)]}: {message}{times}")
    report.figures["images"] = seen.images
    _check_resource_spaces(pdf, seen)


def check_boxes(pdf: pikepdf.Pdf, report: Report, expect: Expect) -> None:
    tol = expect.tolerance_mm * PT_PER_MM
    pages = []
    for number, page in enumerate(pdf.pages, start=1):
        media = [float(x) for x in page.mediabox]
        trim = [float(x) for x in page.obj.TrimBox] if "/TrimBox" in page.obj else None
        bleed = [float(x) for x in page.obj.BleedBox] if "/BleedBox" in page.obj else media
        if trim is None:
            if report.variant.startswith("pdf/x"):
                report.add("error", "trim-box", f"page {number}: no TrimBox (PDF/X requires it)")
            trim = media
        inside = all(
            o[0] - tol <= i[0] and o[1] - tol <= i[1] and i[2] <= o[2] + tol and i[3] <= o[3] + tol
            for i, o in ((trim, bleed), (bleed, media))
        )
        if not inside:
            report.add("error", "page-boxes", f"page {number}: TrimBox ⊆ BleedBox ⊆ MediaBox fails")
        size = ((trim[2] - trim[0]) / PT_PER_MM, (trim[3] - trim[1]) / PT_PER_MM)
        bleed_mm = (trim[0] - media[0]) / PT_PER_MM
        pages.append(
            {"page": number, "trim_mm": [round(s, 2) for s in size], "bleed_mm": round(bleed_mm, 2)}
        )
        want = expect.page_size_mm
        if want and any(abs(s - w) > expect.tolerance_mm for s, w in zip(size, want, strict=True)):
            report.add(
                "error",
                "page-size",
                f"page {number}: trimmed size {size[0]:.1f} × "
                f"{size[1]:.1f} mm, the edition wants {want[0]:g} × {want[1]:g} mm",
            )
        if expect.bleed_mm is not None and abs(bleed_mm - expect.bleed_mm) > expect.tolerance_mm:
            report.add(
                "error",
                "bleed",
                f"page {number}: bleed {bleed_mm:.1f} mm, expected {expect.bleed_mm:g} mm",
            )
        if report.variant.startswith("pdf/x") and "/Annots" in page.obj:
            report.add("warning", "annotations", f"page {number}: annotations in a print file")
    report.figures["pages"] = pages


def check_attachments(pdf: pikepdf.Pdf, report: Report) -> None:
    names = pdf.Root.get("/Names", Dictionary()).get("/EmbeddedFiles", Dictionary())
    specs = list(names.get("/Names", []))[1::2]
    files = []
    for spec in specs:
        stream = spec.get("/EF", Dictionary()).get("/F")
        name = str(spec.get("/UF", spec.get("/F", "")))
        files.append(name)
        if report.variant.startswith("pdf/x"):
            report.add("warning", "attachments", f"embedded file {name} in a print file")
        elif report.variant.startswith("pdf/a-3"):
            if "/AFRelationship" not in spec or stream is None or "/Subtype" not in stream:
                report.add(
                    "error",
                    "attachments",
                    f"embedded file {name}: PDF/A-3 needs AFRelationship and a MIME /Subtype",
                )
        elif report.variant.startswith("pdf/a") and stream is not None:
            report.add(
                "error",
                "attachments",
                f"embedded file {name}: only PDF/A-3 may carry non-PDF/A files",
            )
    report.figures["attachments"] = files
