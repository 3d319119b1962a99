"""Small Chinese test documents rendered with WeasyPrint, for the output and preflight tests."""

from __future__ import annotations

from pathlib import Path

from weasyprint import HTML

from newsprint.output.pdfx import StoryMeta
from newsprint.typeset.fonts import check_installed, font_face_css, load_faces

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
STORY_CSS = """
html { color: device-cmyk(0 0 0 1); font-family: 'Newsprint Serif'; font-size: 9pt; }
h1 { font-family: 'Newsprint Sans'; font-weight: 700; font-size: 22pt;
     border-bottom: 1pt solid device-cmyk(0 0 0 1); }
.note { font-family: 'Newsprint Kai'; background: device-cmyk(0 0 0 0.1);
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


def html_document(body: str, css: str = STORY_CSS, page_css: str = "") -> str:
    faces = load_faces()
    check_installed(faces)
    return f"""<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<title>测试</title><style>{font_face_css(faces)}
@page {{ size: {PAGE_MM[0]}mm {PAGE_MM[1]}mm; margin: 10mm; }}
{page_css}{css}</style></head><body>{body}</body></html>"""


def render(body: str, css: str = STORY_CSS, page_css: str = "", base: Path = DATA):
    """A WeasyPrint Document, rendered the way the pipeline does (lang zh-CN, @font-face)."""
    return HTML(string=html_document(body, css, page_css), base_url=str(base) + "/").render()


def story(picture: Path | None = None, width_mm: float = 40, page_css: str = ""):
    """The two-page test story, with a placed picture when given."""
    img = f'<img src="{picture.as_uri()}" style="width: {width_mm}mm">' if picture else ""
    return render(STORY_BODY.format(picture=img), page_css=page_css)
