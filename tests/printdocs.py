"""Small Chinese test documents rendered with WeasyPrint, for the output and preflight tests.

They are set in the project's faces (the --face-* properties the tool derives from
newsprint.toml [fonts] and fonts/fonts.toml), with clreq on as the pipeline sets
them, and `render` refuses a document that embeds any other font: a renamed family
would otherwise fall back to whatever fontconfig finds, and the tests would check
pages set in a face the paper does not use.
"""

from __future__ import annotations

import io
import re
from functools import cache
from pathlib import Path

import pikepdf
from fontTools.cffLib import CFFFontSet
from fontTools.ttLib import TTFont
from weasyprint import HTML

from newsprint import clreq
from newsprint.config import load_config
from newsprint.output.pdfx import StoryMeta
from newsprint.pdf.walk import all_resources
from newsprint.typeset.fonts import check_installed, font_face_css, load_faces, role_css

DATA = Path(__file__).resolve().parent / "data"
PAGE_MM = (200.0, 150.0)
META = StoryMeta(
    paper="示例日报",
    date="2026-12-01",
    edition="第8123期",
    section="专题",
    headline="看发展：五年来城区面貌焕然一新",
    language="zh-CN",
    kicker="党代会特刊",
    bylines=("本报记者 林晓", "通讯员 陈静"),
    speakers=("王海",),
    pages=(4, 5),
)
FACES = load_faces()
ROLES = load_config().font_roles
STORY_CSS = """
html { color: device-cmyk(0 0 0 1); font-family: var(--face-body); font-size: 9pt; }
h1 { font-family: var(--face-headline); font-weight: 700; font-size: 22pt;
     border-bottom: 1pt solid device-cmyk(0 0 0 1); }
.note { font-family: var(--face-kai); background: device-cmyk(0 0 0 0.1);
        border: 0.5pt solid device-cmyk(1 0.6 0 0); padding: 2mm; }
.reverse { background: device-cmyk(0 0 0 1); color: device-cmyk(0 0 0 0); }
.faded { opacity: 0.5; }
img { display: block; }
a { color: inherit; text-decoration: none; }
"""
STORY_BODY = """
<h1>看发展：五年来城区面貌焕然一新</h1>
<div class="note">编者按：本报今起推出特别报道，回顾五年来的变化。</div>
<p>全区地区生产总值年均增长7.2%，新增15家规模以上企业。<a href="https://example.org">链接</a></p>
<p class="reverse">数读成绩单</p>
{picture}
<p class="faded">（林晓摄）</p>
<p style="break-before: page">第二版正文：治理百佳案例的经验在这里延续。</p>
"""
SUBSET_TAG = re.compile(r"^/?[A-Z]{6}\+")


class StrayFont(AssertionError):
    """A test document embeds a font that is not one of the project's faces."""


@cache
def project_faces() -> dict[str, set[str]]:
    """PostScript name of each extracted face in fonts/cache → its @font-face families
    (a ranged face shares its source, so its PostScript name, with another)."""
    check_installed(FACES)
    names: dict[str, set[str]] = {}
    for face in FACES.values():
        with TTFont(face.path, lazy=True) as font:
            names.setdefault(font["name"].getDebugName(6), set()).add(face.family)
    return names


def postscript_name(program: pikepdf.Stream) -> str | None:
    """The embedded program's PostScript name: an OpenType/TrueType name table, or the
    name of a bare CFF (the compacted subsets, newsprint.pdf.fonts)."""
    data = program.read_bytes()
    if program.get("/Subtype") == pikepdf.Name.CIDFontType0C:
        cff = CFFFontSet()
        cff.decompile(io.BytesIO(data), None)
        return cff.fontNames[0]
    with TTFont(io.BytesIO(data), lazy=True) as font:
        return font["name"].getDebugName(6) if "name" in font else None


def stray_fonts(pdf_bytes: bytes) -> list[str]:
    """Fonts in the PDF that are not the project's faces loaded by @font-face.

    The embedded program's PostScript name must be a cached face's, and the
    /BaseFont (WeasyPrint names it after the family Pango used) that face's
    "NP …" family: system Noto has the same PostScript names as our copies.
    """
    faces, stray = project_faces(), []
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        for res in all_resources(pdf):
            for font in res.get("/Font", pikepdf.Dictionary()).values():
                base = SUBSET_TAG.sub("", str(font.get("/BaseFont", "(Type 3)")))
                inner = font.DescendantFonts[0] if "/DescendantFonts" in font else font
                desc = inner.get("/FontDescriptor", pikepdf.Dictionary())
                programs = [desc[k] for k in ("/FontFile", "/FontFile2", "/FontFile3") if k in desc]
                if not programs:
                    stray.append(f"{base} (not embedded)")
                    continue
                postscript = postscript_name(programs[0])
                families = [f.replace(" ", "-") for f in faces.get(postscript, ())]
                if not any(base == f or base.startswith(f + "-") for f in families):
                    stray.append(f"{base} ({postscript})")
    return sorted(set(stray))


def assert_project_fonts(pdf_bytes: bytes) -> None:
    """Raise StrayFont when the PDF embeds a font that is not one of the project's faces."""
    if stray := stray_fonts(pdf_bytes):
        raise StrayFont(f"not the project's faces {sorted(project_faces())}: {', '.join(stray)}")


def check_fonts(document) -> None:
    """assert_project_fonts on a rendered document (written from a copy, so the
    document's own font subsets are not touched)."""
    assert_project_fonts(document.copy().write_pdf())


def html_document(body: str, css: str = STORY_CSS, page_css: str = "") -> str:
    """The page in the body face unless `css` sets another."""
    check_installed(FACES)
    return f"""<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<title>测试</title><style>{font_face_css(FACES)}
{role_css(FACES, ROLES)}
@page {{ size: {PAGE_MM[0]}mm {PAGE_MM[1]}mm; margin: 10mm; }}
html {{ font-family: var(--face-body); }}
{page_css}{css}</style></head><body>{body}</body></html>"""


def render(body: str, css: str = STORY_CSS, page_css: str = "", base: Path = DATA):
    """A WeasyPrint Document, rendered the way the pipeline does (lang zh-CN, @font-face,
    clreq on), its fonts checked. Write it with clreq on too (the `on` fixture)."""
    with clreq.switched(True):
        html = HTML(string=html_document(body, css, page_css), base_url=str(base) + "/")
        document = html.render()
        check_fonts(document)
    return document


def story(picture: Path | None = None, width_mm: float = 40, page_css: str = ""):
    """The two-page test story, with a placed picture when given."""
    img = f'<img src="{picture.as_uri()}" style="width: {width_mm}mm">' if picture else ""
    return render(STORY_BODY.format(picture=img), page_css=page_css)
