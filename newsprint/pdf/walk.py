"""Read what a PDF's pages actually paint: colours, text, pictures and their printed size.

The preflight needs the graphics state at each text and image operator (the
colour, the overprint, the CTM that gives a picture's printed size), which no
PDF library hands out; this walks the content streams parsed by pikepdf,
through form XObjects, keeping just that state.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

import pikepdf
from pikepdf import Dictionary

TEXT_SHOW = {"Tj", "TJ", "'", '"'}
FILL_OPS = {"f", "F", "f*", "B", "B*", "b", "b*"}
STROKE_OPS = {"S", "s", "B", "B*", "b", "b*"}
DEVICE = {"/DeviceCMYK": "cmyk", "/DeviceRGB": "rgb", "/DeviceGray": "gray"}
ICC_FAMILY = {1: "gray", 3: "rgb", 4: "cmyk"}
CIE_FAMILY = {"/CalRGB": "rgb", "/CalGray": "gray", "/CalCMYK": "cmyk", "/Lab": "lab"}


@dataclass(frozen=True)
class Space:
    """A colour space reduced to what a preflight asks: its family, and is it device-dependent."""

    family: str  # cmyk | rgb | gray | lab | spot | pattern | unknown
    device: bool
    name: str


def classify(space, resources: Dictionary | None = None) -> Space:
    """Family of a colour space given by name (looked up in resources) or array."""
    if isinstance(space, pikepdf.Name):
        name = str(space)
        if name in DEVICE:
            return Space(DEVICE[name], True, name)
        if name == "/Pattern":
            return Space("pattern", False, name)
        spaces = resources.get("/ColorSpace", Dictionary()) if resources is not None else {}
        if name in spaces:
            found = classify(spaces[name], resources)
            return replace(found, name=name)
        return Space("unknown", False, name)
    if isinstance(space, pikepdf.Array) and len(space):
        kind = str(space[0])
        if kind == "/ICCBased":
            return Space(ICC_FAMILY.get(int(space[1].get("/N", 0)), "unknown"), False, kind)
        if kind in CIE_FAMILY:
            return Space(CIE_FAMILY[kind], False, kind)
        if kind in ("/Separation", "/DeviceN"):
            return Space("spot", False, kind)
        if kind in ("/Indexed", "/I"):
            return replace(classify(space[1], resources), name=kind)
        if kind == "/Pattern":
            return Space("pattern", False, kind)
        return classify(space[0], resources)
    return Space("unknown", False, str(space))


def multiply(m1: tuple, m2: tuple) -> tuple:
    a1, b1, c1, d1, e1, f1 = m1
    a2, b2, c2, d2, e2, f2 = m2
    return (
        a1 * a2 + b1 * c2,
        a1 * b2 + b1 * d2,
        c1 * a2 + d1 * c2,
        c1 * b2 + d1 * d2,
        e1 * a2 + f1 * c2 + e2,
        e1 * b2 + f1 * d2 + f2,
    )


@dataclass
class State:
    ctm: tuple = (1, 0, 0, 1, 0, 0)
    fill: Space = Space("gray", True, "/DeviceGray")
    fill_values: tuple = (0.0,)
    stroke: Space = Space("gray", True, "/DeviceGray")
    stroke_values: tuple = (0.0,)
    op: bool = False
    OP: bool = False
    opm: int = 0
    text_mode: int = 0


@dataclass
class Event:
    kind: str  # colour | text | image | group | extgstate
    page: int
    state: State
    data: dict = field(default_factory=dict)


def _values(operands) -> tuple:
    return tuple(round(float(x), 4) for x in operands if not isinstance(x, pikepdf.Name))


def _set_colour(st: State, op: str, operands, resources) -> bool:
    """Apply a colour operator; True when it set the stroke colour."""
    stroke = op.isupper() or op in ("SC", "SCN")
    if op in ("g", "G", "rg", "RG", "k", "K"):
        name = {"g": "/DeviceGray", "rg": "/DeviceRGB", "k": "/DeviceCMYK"}[op.lower()]
        space = classify(pikepdf.Name(name))
    elif op in ("cs", "CS"):
        space = classify(operands[0], resources)
    else:
        space = st.stroke if stroke else st.fill
    values = _values(operands) if op not in ("cs", "CS") else ()
    if stroke:
        st.stroke, st.stroke_values = space, values
    else:
        st.fill, st.fill_values = space, values
    return stroke


def _image_size(image) -> tuple[int, int]:
    return int(image.get("/Width", 0)), int(image.get("/Height", 0))


def walk(pdf: pikepdf.Pdf) -> Iterator[Event]:
    """Events of every page, in painting order (forms are entered where they are drawn)."""
    for number, page in enumerate(pdf.pages, start=1):
        resources = page.obj.get("/Resources", Dictionary())
        group = page.obj.get("/Group")
        if group is not None:
            yield Event("group", number, State(), {"group": group, "resources": resources})
        yield from _walk(page.obj, resources, State(), number, depth=0)


def _walk(holder, resources, start: State, page: int, depth: int) -> Iterator[Event]:
    st = replace(start)
    stack: list[State] = []
    colour_ops = {"g", "G", "rg", "RG", "k", "K", "cs", "CS", "sc", "SC", "scn", "SCN"}
    for operands, operator in pikepdf.parse_content_stream(holder):
        op = str(operator)
        if op == "q":
            stack.append(replace(st))
        elif op == "Q" and stack:
            st = stack.pop()
        elif op == "cm":
            st.ctm = multiply(tuple(float(x) for x in operands), st.ctm)
        elif op in colour_ops:
            stroke = _set_colour(st, op, operands, resources)
            space = st.stroke if stroke else st.fill
            values = st.stroke_values if stroke else st.fill_values
            if op not in ("cs", "CS"):
                yield Event("colour", page, st, {"space": space, "values": values, "op": op})
        elif op == "Tr":
            st.text_mode = int(operands[0])
        elif op == "gs":
            ext = resources.get("/ExtGState", Dictionary()).get(str(operands[0]), Dictionary())
            if "/OP" in ext:
                st.OP = bool(ext.OP)
                st.op = bool(ext.OP)
            if "/op" in ext:
                st.op = bool(ext.op)
            if "/OPM" in ext:
                st.opm = int(ext.OPM)
            yield Event("extgstate", page, st, {"ext": ext})
        elif op in TEXT_SHOW:
            yield Event("text", page, replace(st), {})
        elif op == "Do":
            yield from _draw(resources, operands[0], st, page, depth)
        elif op == "INLINE IMAGE":
            image = operands[0]
            yield Event(
                "image",
                page,
                replace(st),
                {
                    "inline": image,
                    "size": (
                        int(image.obj.get("/W", image.obj.get("/Width", 0))),
                        int(image.obj.get("/H", image.obj.get("/Height", 0))),
                    ),
                },
            )


def _draw(resources, name, st: State, page: int, depth: int) -> Iterator[Event]:
    xobject = resources.get("/XObject", Dictionary()).get(str(name))
    if xobject is None:
        return
    subtype = xobject.get("/Subtype")
    if subtype == "/Image":
        yield Event(
            "image",
            page,
            replace(st),
            {"image": xobject, "size": _image_size(xobject), "resources": resources},
        )
    elif subtype == "/Form" and depth < 12:
        inner = replace(st)
        matrix = xobject.get("/Matrix")
        if matrix is not None:
            inner.ctm = multiply(tuple(float(x) for x in matrix), st.ctm)
        form_resources = xobject.get("/Resources", resources)
        if "/Group" in xobject:
            yield Event("group", page, st, {"group": xobject.Group, "resources": form_resources})
        yield from _walk(xobject, form_resources, inner, page, depth + 1)


def printed_ppi(event: Event) -> float:
    """Resolution of a drawn picture: pixels over the size the CTM gives its unit square."""
    a, b, c, d, _e, _f = event.state.ctm
    width_in, height_in = math.hypot(a, b) / 72, math.hypot(c, d) / 72
    w, h = event.data["size"]
    if not (width_in and height_in and w and h):
        return 0.0
    return min(w / width_in, h / height_in)


def all_resources(pdf: pikepdf.Pdf) -> Iterator[Dictionary]:
    """Each resources dictionary once: pages, forms, patterns and Type 3 fonts."""
    seen: set = set()
    todo = [page.obj.get("/Resources", Dictionary()) for page in pdf.pages]
    while todo:
        res = todo.pop()
        key = res.objgen if res.is_indirect else id(res)
        if key in seen:
            continue
        seen.add(key)
        yield res
        for group in ("/XObject", "/Pattern", "/Font"):
            for child in res.get(group, Dictionary()).values():
                if "/Resources" in child:
                    todo.append(child.Resources)
