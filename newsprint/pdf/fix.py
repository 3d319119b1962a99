"""Post-processing of WeasyPrint's PDF with pikepdf: what the plant's validator would flag.

WeasyPrint 70 writes colours as the CSS gave them but (Kozea/WeasyPrint#2723)
gives every transparency group a /DeviceRGB blending space, marks images
/Interpolate true, always puts Lab (and, for PDF/A, sRGB) colour spaces in the
shared resources, never sets overprint, and draws crop marks in RGB black.
Each function here fixes one of those on the parsed file, so the result is
CMYK only, with 100 % K overprinting.
"""

from __future__ import annotations

from collections.abc import Iterator

import pikepdf
from pikepdf import Array, Dictionary, Name, Operator

from newsprint.pdf.icc import CmykProfile

CMYK_OPS = {"k": False, "K": True}  # operator → is stroke
GREY_OPS = {"g": False, "G": True}
RGB_OPS = {"rg": False, "RG": True}
SPACE_OPS = {"cs": False, "CS": True}
COLOUR_OPS = {"sc": False, "scn": False, "SC": True, "SCN": True}
PAINT_OPS = {"f", "F", "f*", "B", "B*", "b", "b*", "S", "s", "Tj", "TJ", "'", '"'}
INITIAL = {"/DeviceCMYK": [0, 0, 0, 1], "/DeviceGray": [0], "/DeviceRGB": [0, 0, 0]}
OVERPRINT_STATES = {
    (bool(fill), bool(stroke)): f"NPop{fill}{stroke}" for fill in (0, 1) for stroke in (0, 1)
}


def content_streams(pdf: pikepdf.Pdf) -> Iterator[tuple[pikepdf.Object, pikepdf.Object, bool]]:
    """Every (stream holder, resources, is_page) once: pages, then forms and tiling patterns."""
    seen: set[tuple[int, int]] = set()
    todo: list[tuple[pikepdf.Object, bool]] = [(page.obj, True) for page in pdf.pages]
    while todo:
        holder, is_page = todo.pop(0)
        if holder.is_indirect:
            if holder.objgen in seen:
                continue
            seen.add(holder.objgen)
        resources = holder.get("/Resources", Dictionary())
        yield holder, resources, is_page
        for key in ("/XObject", "/Pattern"):
            for child in resources.get(key, Dictionary()).values():
                if child.get("/Subtype") == "/Form" or child.get("/PatternType") == 1:
                    todo.append((child, False))


def _is_k100(space: str, values: list[float]) -> bool:
    return space == "/DeviceCMYK" and [round(v, 4) for v in values] == [0, 0, 0, 1]


def _num(operand) -> float:
    return float(operand)


def fix_colours(pdf: pikepdf.Pdf, overprint: bool) -> dict[str, int]:
    """Turn neutral RGB and grey into K, and (print) make 100 % K overprint with OPM 1.

    The overprint state is set just before each painting operator that needs a
    different one, so it always matches the colour painted, q/Q restore both
    together, and white (0 0 0 0) still knocks out. Chromatic RGB is left alone
    for the preflight to report: only the desk knows which CMYK it meant.
    """
    counts = {"neutral_rgb": 0, "grey": 0, "overprint_states": 0}
    made: dict[str, pikepdf.Object] = {}
    for holder, resources, is_page in content_streams(pdf):
        out: list = []
        space = {False: "/DeviceGray", True: "/DeviceGray"}
        value: dict[bool, list[float]] = {False: [0.0], True: [0.0]}
        state = (False, False) if is_page else None  # a form inherits its caller's
        stack = []
        used_states = set()
        for operands, operator in pikepdf.parse_content_stream(holder):
            op = str(operator)
            if op == "q":
                stack.append((state, dict(space), dict(value)))
            elif op == "Q" and stack:
                state, space, value = stack.pop()
            elif (op in RGB_OPS and len({_num(x) for x in operands}) == 1) or op in GREY_OPS:
                counts["grey" if op in GREY_OPS else "neutral_rgb"] += 1
                operands = [0, 0, 0, round(1 - _num(operands[0]), 4)]
                operator = Operator("K" if op.isupper() else "k")
                op = str(operator)
            if op in CMYK_OPS:
                space[CMYK_OPS[op]], value[CMYK_OPS[op]] = (
                    "/DeviceCMYK",
                    [_num(x) for x in operands],
                )
            elif op in RGB_OPS:
                space[RGB_OPS[op]], value[RGB_OPS[op]] = "/DeviceRGB", [_num(x) for x in operands]
            elif op in SPACE_OPS:
                name = str(operands[0])
                space[SPACE_OPS[op]], value[SPACE_OPS[op]] = name, INITIAL.get(name, [])
            elif op in COLOUR_OPS:
                value[COLOUR_OPS[op]] = [_num(x) for x in operands if not isinstance(x, Name)]
            elif overprint and op in PAINT_OPS:
                wanted = (_is_k100(space[False], value[False]), _is_k100(space[True], value[True]))
                if wanted != state:
                    name = OVERPRINT_STATES[wanted]
                    out.append(([Name("/" + name)], Operator("gs")))
                    used_states.add(name)
                    state = wanted
                    counts["overprint_states"] += 1
            out.append((operands, operator))
        if used_states:
            _add_overprint_states(pdf, holder, resources, used_states, made)
        data = pikepdf.unparse_content_stream(out)
        if is_page:
            holder.Contents = pdf.make_stream(data)
        else:
            holder.write(data)
    return counts


def _add_overprint_states(pdf, holder, resources, names, made) -> None:
    """Put the overprint ExtGStates the stream uses in its resources (one object each per file)."""
    if "/Resources" not in holder:
        holder.Resources = resources = Dictionary()
    if "/ExtGState" not in resources:
        resources.ExtGState = Dictionary()
    for (fill, stroke), name in OVERPRINT_STATES.items():
        if name in names:
            if name not in made:
                made[name] = pdf.make_indirect(
                    Dictionary(Type=Name.ExtGState, op=fill, OP=stroke, OPM=1)
                )
            resources.ExtGState[Name("/" + name)] = made[name]


def fix_groups(pdf: pikepdf.Pdf) -> int:
    """Blend transparency in the press's space: every group /CS becomes /DeviceCMYK."""
    fixed = 0
    for holder, _resources, _is_page in content_streams(pdf):
        group = holder.get("/Group")
        transparency = group is not None and group.get("/S") == "/Transparency"
        if transparency and group.get("/CS") != Name.DeviceCMYK:
            group.CS = Name.DeviceCMYK
            fixed += 1
    return fixed


def fix_images(pdf: pikepdf.Pdf) -> int:
    """PDF/X and PDF/A forbid /Interpolate true on images."""
    fixed = 0
    for obj in pdf.objects:
        image = isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Image"
        if image and obj.get("/Interpolate") is not None and bool(obj.Interpolate):
            obj.Interpolate = False
            fixed += 1
    return fixed


def drop_unused_colour_spaces(pdf: pikepdf.Pdf) -> list[str]:
    """Remove named colour spaces no content uses (WeasyPrint's Lab pair, its sRGB for PDF/A)."""
    used: set[str] = set()
    holders = list(content_streams(pdf))
    for holder, _resources, _is_page in holders:
        for operands, _operator in pikepdf.parse_content_stream(holder, "cs CS"):
            used.update(str(o) for o in operands if isinstance(o, pikepdf.Name))
    dropped = []
    for _holder, resources, _is_page in holders:
        spaces = resources.get("/ColorSpace")
        if spaces is None:
            continue
        for key in list(spaces.keys()):
            if key not in used:
                del spaces[key]
                dropped.append(key)
    return sorted(set(dropped))


def set_output_intent(pdf: pikepdf.Pdf, profile: CmykProfile, subtype: str) -> None:
    """One output intent (/GTS_PDFX or /GTS_PDFA1) carrying the plant's CMYK profile."""
    icc = pdf.make_stream(profile.data, N=4, Alternate=Name.DeviceCMYK)
    intent = Dictionary(
        Type=Name.OutputIntent,
        S=Name(subtype),
        OutputConditionIdentifier=pikepdf.String(profile.description),
        OutputCondition=pikepdf.String(profile.description),
        Info=pikepdf.String(profile.description),
        RegistryName=pikepdf.String("http://www.color.org"),
        DestOutputProfile=icc,
    )
    pdf.Root.OutputIntents = Array([pdf.make_indirect(intent)])


def strip_annotations(pdf: pikepdf.Pdf) -> int:
    """Plant files carry no links or forms: drop page annotations and the AcroForm."""
    count = 0
    for page in pdf.pages:
        if "/Annots" in page.obj:
            count += len(page.obj.Annots)
            del page.obj.Annots
    if "/AcroForm" in pdf.Root:
        del pdf.Root.AcroForm
    return count


def dedupe_associated_files(pdf: pikepdf.Pdf) -> int:
    """WeasyPrint 70 lists each PDF/A-3 attachment twice in the catalog's /AF: keep one."""
    if "/AF" not in pdf.Root:
        return 0
    seen, kept = set(), Array()
    for spec in pdf.Root.AF:
        key = spec.objgen if spec.is_indirect else id(spec)
        if key not in seen:
            seen.add(key)
            kept.append(spec)
    dropped = len(pdf.Root.AF) - len(kept)
    pdf.Root.AF = kept
    return dropped
