"""Every glyph a PDF page paints, where and in which face, read with qpdf (pikepdf).

The typography report needs each glyph's box on its baseline: what pdfplumber's
`page.chars` gives, and these are the same figures (x0, x1, top, bottom, size,
fontname, text, upright, matrix, computed as pdfminer does). pdfminer interprets the
content stream in Python, 0.2 s a page; qpdf parses it in C++ and what is left is the
text operators' arithmetic, about a tenth of that, on every render. The rest of the
preflight (rectangles, images, colours) keeps pdfplumber, which `render.py check` runs.
Our pages are horizontal text in Type0/Identity-H fonts (WeasyPrint's); a simple font
is read by its /Widths and encoding (a standard-14 font has none: the FAILED stamp's
diagonal glyphs come out with no width, and the report skips glyphs that are not
upright), a vertical one is not expected and is read as horizontal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

import pikepdf

from newsprint.pdf.walk import multiply  # m1 × m0, pdfminer's mult_matrix

IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
_TOKEN = re.compile(rb"<([0-9A-Fa-f\s]*)>|\[|\]|(begin|end)(bfchar|bfrange)")


@dataclass
class Face:
    """What the text operators need of a font: its name, widths, descent, cid → text."""

    name: str
    two_bytes: bool
    widths: dict[int, float]
    default_width: float
    descent: float  # in text space units, negative
    to_text: dict[int, str] = field(default_factory=dict)

    def cids(self, data: bytes):
        if self.two_bytes:
            return [data[i] << 8 | data[i + 1] for i in range(0, len(data) - 1, 2)]
        return list(data)

    def text(self, cid: int) -> str:
        return self.to_text.get(cid, f"(cid:{cid})")


def _name(value) -> str:
    text = str(value)
    return text[1:] if text.startswith("/") else text


def _unicode(hexdigits: bytes) -> str:
    raw = bytes.fromhex(hexdigits.decode("ascii"))
    return raw.decode("utf-16-be", errors="replace") if len(raw) >= 2 else raw.decode("latin-1")


def to_unicode_map(cmap: bytes) -> dict[int, str]:
    """The bfchar and bfrange entries of a ToUnicode CMap."""
    mapping: dict[int, str] = {}
    section, pending, array = None, [], None
    for match in _TOKEN.finditer(cmap):
        hexdigits, edge, kind = match.group(1), match.group(2), match.group(3)
        token = match.group(0)
        if hexdigits is not None:
            hexdigits = re.sub(rb"\s", b"", hexdigits)
        if kind:
            section = kind if edge == b"begin" else None
            pending = []
        elif section is None:
            continue
        elif token == b"[":
            array = []
        elif token == b"]":
            pending.append(array)
            array = None
        elif array is not None:
            array.append(_unicode(hexdigits))
        else:
            pending.append(hexdigits)
        if section == b"bfchar" and len(pending) == 2:
            mapping[int(pending[0] or b"0", 16)] = _unicode(pending[1])
            pending = []
        elif section == b"bfrange" and len(pending) == 3:
            low, high, target = int(pending[0], 16), int(pending[1], 16), pending[2]
            for offset, cid in enumerate(range(low, high + 1)):
                if isinstance(target, list):
                    if offset < len(target):
                        mapping[cid] = target[offset]
                else:
                    raw = bytearray(bytes.fromhex(target.decode("ascii")))
                    raw[-1] = (raw[-1] + offset) & 0xFF
                    mapping[cid] = _unicode(raw.hex().encode())
            pending = []
    return mapping


def _widths(array) -> dict[int, float]:
    """A CIDFont's /W: `c [w1 w2 …]` and `cfirst clast w` runs."""
    items, widths, i = list(array), {}, 0
    while i < len(items):
        first = int(items[i])
        if isinstance(items[i + 1], pikepdf.Array):
            for k, w in enumerate(items[i + 1]):
                widths[first + k] = float(w)
            i += 2
        else:
            for cid in range(first, int(items[i + 1]) + 1):
                widths[cid] = float(items[i + 2])
            i += 3
    return widths


def face(font) -> Face:
    """The Face of a font dictionary (Type0 with a CIDFont, or a simple font)."""
    if font.get("/Subtype") == "/Type0":
        cid_font = font.DescendantFonts[0]
        descriptor = cid_font.get("/FontDescriptor", {})
        widths = _widths(cid_font.get("/W", []))
        default, two_bytes = float(cid_font.get("/DW", 1000)), True
    else:
        descriptor = font.get("/FontDescriptor", {})
        first = int(font.get("/FirstChar", 0))
        widths = {first + k: float(w) for k, w in enumerate(font.get("/Widths", []))}
        default, two_bytes = float(descriptor.get("/MissingWidth", 0)), False
    descent = float(descriptor.get("/Descent", 0))
    name = descriptor.get("/FontName", font.get("/BaseFont", "unknown"))
    made = Face(
        _name(name),
        two_bytes,
        {k: w * 0.001 for k, w in widths.items()},
        default * 0.001,
        -abs(descent) * 0.001,
    )
    if "/ToUnicode" in font:
        made.to_text = to_unicode_map(font.ToUnicode.read_bytes())
    elif not two_bytes:  # a simple font by its encoding's name (the FAILED stamp's)
        codec = "cp1252" if font.get("/Encoding") == "/WinAnsiEncoding" else "latin-1"
        made.to_text = {code: bytes([code]).decode(codec, "replace") for code in range(256)}
    return made


@dataclass
class _Text:
    """The text state (PDF 9.3) and where the line and the next glyph are."""

    face: Face | None = None
    size: float = 0.0
    charspace: float = 0.0
    wordspace: float = 0.0
    scaling: float = 100.0
    leading: float = 0.0
    rise: float = 0.0
    matrix: tuple = IDENTITY
    x: float = 0.0
    y: float = 0.0


SHOW = ("TJ", "Tj", "'", '"')
SPACING = {"Tc": "charspace", "Tw": "wordspace", "Tz": "scaling", "TL": "leading", "Ts": "rise"}


def _state(text: _Text, op: str, operands) -> None:
    """The text state's operators (and the line moves of ' and \")."""
    if op == "Tm":
        text.matrix = tuple(float(v) for v in operands)
        text.x = text.y = 0.0
    elif op in ("Td", "TD"):
        tx, ty = float(operands[0]), float(operands[1])
        a, b, c, d, e, f = text.matrix
        text.matrix = (a, b, c, d, tx * a + ty * c + e, tx * b + ty * d + f)
        text.x = text.y = 0.0
        if op == "TD":
            text.leading = ty  # as pdfminer has it
    elif op in ("T*", "'", '"'):
        if op == '"':
            text.wordspace, text.charspace = float(operands[0]), float(operands[1])
        a, b, c, d, e, f = text.matrix
        text.matrix = (a, b, c, d, text.leading * c + e, text.leading * d + f)
        text.x = text.y = 0.0
    elif op in SPACING:  # leading kept as the move T* makes, as pdfminer keeps it
        value = float(operands[0])
        setattr(text, SPACING[op], -value if op == "TL" else value)
    elif op == "BT":
        text.matrix, text.x, text.y = IDENTITY, 0.0, 0.0


class _Page:
    def __init__(self, height: float, mediabox_x0: float, mediabox_top: float):
        self.height, self.x0, self.top = height, mediabox_x0, mediabox_top
        self.chars: list[dict] = []
        self.faces: dict = {}

    def face_of(self, fonts, name) -> Face | None:
        font = fonts.get(name) if fonts is not None else None
        if font is None:
            return None
        key = font.objgen if font.is_indirect else id(font)
        if key not in self.faces:
            self.faces[key] = face(font)
        return self.faces[key]

    def run(self, ops, resources, ctm: tuple) -> None:
        fonts = resources.get("/Font") if resources is not None else None
        xobjects = resources.get("/XObject") if resources is not None else None
        stack, text = [], _Text()
        for operands, operator in ops:
            op = str(operator)
            if op in SHOW:
                if op != "TJ":
                    _state(text, op, operands)
                items = operands[0] if op == "TJ" else [operands[-1]]
                self.show(text, list(items), ctm)
            elif op == "Tf":
                text.face = self.face_of(fonts, operands[0])
                text.size = float(operands[1])
            elif op == "q":  # the text state is part of the graphics state
                stack.append((ctm, replace(text)))
            elif op == "Q":
                ctm, text = stack.pop() if stack else (ctm, text)
            elif op == "cm":
                ctm = multiply(tuple(float(v) for v in operands), ctm)
            elif op == "Do" and xobjects is not None:
                self.form(xobjects.get(operands[0]), resources, ctm)
            else:
                _state(text, op, operands)

    def form(self, xobject, resources, ctm: tuple) -> None:
        if xobject is None or xobject.get("/Subtype") != "/Form" or "/BBox" not in xobject:
            return
        matrix = tuple(float(v) for v in xobject.get("/Matrix", IDENTITY))
        inner = xobject.get("/Resources", resources)
        self.run(pikepdf.parse_content_stream(xobject), inner, multiply(matrix, ctm))

    def show(self, text: _Text, seq: list, ctm: tuple) -> None:
        """One TJ: each glyph's box, as pdfminer's render_string_horizontal and LTChar."""
        font = text.face
        if font is None:
            return
        scaling = text.scaling * 0.01
        charspace = text.charspace * scaling
        wordspace = 0.0 if font.two_bytes else text.wordspace * scaling
        dxscale = 0.001 * text.size * scaling
        a, b, c, d, e, f = multiply(text.matrix, ctm)
        x, y, needcharspace = text.x, text.y, False
        low = font.descent * text.size + text.rise
        high = low + text.size
        upright = a * d * scaling > 0 and b * c <= 0
        for item in seq:
            if not isinstance(item, pikepdf.String):  # a number: a move, in 1/1000 em
                x -= float(item) * dxscale
                needcharspace = True
                continue
            for cid in font.cids(bytes(item)):
                if needcharspace:
                    x += charspace
                te, tf = x * a + y * c + e, x * b + y * d + f
                adv = font.widths.get(cid, font.default_width) * text.size * scaling
                # the box from (0, low) to (adv, high) in glyph space, as LTChar's
                x0, x1 = sorted((c * low + te, a * adv + c * high + te))
                y0, y1 = sorted((d * low + tf, b * adv + d * high + tf))
                self.chars.append(
                    {
                        "text": font.text(cid),
                        "fontname": font.name,
                        "size": y1 - y0,
                        "adv": adv,
                        "upright": upright,
                        "matrix": (a, b, c, d, te, tf),
                        "x0": x0 + self.x0,
                        "x1": x1 + self.x0,
                        "y0": y0,
                        "y1": y1,
                        "top": self.height - y1 + self.top,
                        "bottom": self.height - y0 + self.top,
                        "width": x1 - x0,
                        "height": y1 - y0,
                    }
                )
                x += adv
                if cid == 32 and wordspace:
                    x += wordspace
                needcharspace = True
        text.x, text.y = x, y


def page_chars(page: pikepdf.Page) -> list[dict]:
    """The glyphs of one page, in painting order, with pdfplumber's char fields."""
    x0, y0, x1, y1 = (float(v) for v in page.obj.get("/MediaBox", page.mediabox))
    reader = _Page(y1 - y0, x0, -y0)  # pdfplumber's top: from the media box's height
    origin = (1.0, 0.0, 0.0, 1.0, -x0, -y0)  # pdfminer's: media box coordinates
    reader.run(pikepdf.parse_content_stream(page), page.resources, origin)
    return reader.chars


@dataclass
class GlyphPage:
    """A page as the typography report reads it: its glyphs (`chars`)."""

    chars: list[dict]


def glyph_pages(pdf_path) -> list[GlyphPage]:
    """Every page's glyphs."""
    with pikepdf.open(pdf_path) as pdf:
        return [GlyphPage(page_chars(page)) for page in pdf.pages]
