"""The peers of `make bench`: the same copy set by plain WeasyPrint and by Typst.

Each peer gets the story as simple markup of its own (no fit, no clreq, no PDF/X or
PDF/A work): the same page size, type area, eight columns, sizes and faces (the
files in fonts/cache), headlines across the columns, the quotes and data box in Kai.
Each is timed cold, in a fresh process that imports its renderer, loads the faces,
lays out once and writes one PDF of the spread: what the desk would wait for with
the plain tool. Typst is the bench extra's (pyproject.toml); without it the figure
says so.
"""

from __future__ import annotations

import html
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from newsprint.config import PageFormat
from newsprint.story.model import Story

WEASYPRINT_RUN = "import sys, weasyprint; weasyprint.HTML(sys.argv[1]).write_pdf(sys.argv[2])"
TYPST_RUN = (
    "import sys, typst; "
    "typst.compile(sys.argv[1], output=sys.argv[2], font_paths=[sys.argv[3]], "
    "ignore_system_fonts=True)"
)


@dataclass(frozen=True)
class PeerRun:
    name: str
    seconds: float | None  # None: the peer is not installed
    pdf_bytes: int = 0
    pages: int = 0
    peak_rss_mib: float = 0.0
    note: str = ""


def _article_blocks(article):
    if article.label:
        yield "kicker", article.label.text
    if article.kicker:
        yield "kicker", article.kicker.text
    yield "head", article.headline.text
    if article.deck:
        yield "deck", article.deck.text
    if article.bylines:
        yield "byline", " ".join(article.bylines)
    if article.note:
        yield "h3", article.note.label.text
        yield from (("note", p.text) for p in article.note.paragraphs)
    yield from (("p", p.text) for p in article.lead)
    for section in article.sections:
        yield "h2", f"{section.number} {section.title.text}"
        if section.label:
            yield "h3", section.label.text
        yield from (("p", p.text) for p in section.paragraphs)
        for testimony in section.testimonies:
            yield "h3", testimony.title.text
            yield "speaker", f"{testimony.speaker_name}（{testimony.speaker_role}）"
            yield from (("quote", p.text) for p in testimony.paragraphs)


def pages_of(story: Story) -> list[list[tuple[str, str]]]:
    """(kind, text) blocks per page, in reading order, as our spread places them: each
    article on a page of its own (the seed's plan), the photo under the first headline
    block, the data box at the end. Kinds: kicker, head, deck, byline, note, h2, h3,
    speaker, p, quote, item, photo."""
    pages = [list(_article_blocks(a)) for a in story.articles]
    if story.photo:
        heads = sum(1 for kind, _ in pages[0] if kind in ("kicker", "head", "deck"))
        pages[0].insert(heads, ("photo", story.photo.caption.text))
    if story.databox:
        pages[-1].append(("h2", story.databox.title.text))
        pages[-1] += [("item", p.text) for p in story.databox.items]
    return pages


HTML_TAGS = {
    "head": "h1",
    "kicker": "p class=kicker",
    "deck": "p class=deck",
    "byline": "p class=byline",
    "note": "p class=kai",
    "h2": "h2",
    "h3": "h3",
    "speaker": "p class=byline",
    "p": "p",
    "quote": "p class=kai",
    "item": "p class=kai",
}


def spread_html(story: Story, fmt: PageFormat, font_css: str) -> str:
    """The copy as plain HTML and CSS for WeasyPrint: the equivalent of our spread."""
    area = fmt.type_width
    body = []
    for blocks in pages_of(story):
        body.append("<section>")
        for kind, text in blocks:
            if kind == "photo":
                body.append(f"<div class=photo></div><p class=caption>{html.escape(text)}</p>")
                continue
            tag = HTML_TAGS[kind]
            body.append(f"<{tag}>{html.escape(text)}</{tag.split()[0]}>")
        body.append("</section>")
    css = (
        f"@page {{ size: {fmt.page_width_mm}mm {fmt.page_height_mm}mm; "
        f"margin: {fmt.top_margin_mm}mm auto auto {fmt.inner_margin_mm}mm; }}"
        "section + section { break-before: page }"
        f"body {{ margin: 0 }} section {{ width: {area}pt; column-count: {fmt.columns}; "
        f"column-gap: {fmt.gutter}pt; "
        f"font: {fmt.body_size_pt}pt/{fmt.line_pitch}pt 'NP Noto Serif CJK SC'; }}"
        "p { margin: 0; text-indent: 2em; text-align: justify; }"
        "h1, .kicker, .deck, .photo, .caption { column-span: all; margin: 0;"
        " font-family: 'NP Noto Sans CJK SC' }"
        "h1 { font-size: 66pt; line-height: 1.2; font-weight: 900; }"
        ".kicker { font-size: 26pt; font-weight: 700 } .deck { font-size: 22pt }"
        "h2 { font: 700 14pt/1.4 'NP Noto Sans CJK SC'; margin: 0.5em 0 }"
        "h3 { font: 700 10.5pt/1.5 'NP LXGW WenKai'; margin: 0 }"
        ".kai { font: 10.5pt/1.5 'NP LXGW WenKai' } .byline { text-indent: 0 }"
        ".photo { height: 324pt; width: 50%; background: #ddd }"
        ".caption { font: 9pt/1.5 'NP Noto Serif CJK SC' }"
    )
    return (
        f'<!doctype html><html lang="zh-CN"><meta charset="utf-8"><style>{font_css}{css}</style>'
        f"<body>{''.join(body)}</body></html>"
    )


TYPST_STYLE = {
    "head": '#block(above: 0pt)[#text(font: "Noto Sans CJK SC", weight: 900, size: 66pt, {})]',
    "kicker": '#block[#text(font: "Noto Sans CJK SC", weight: 700, size: 26pt, {})]',
    "deck": '#block[#text(font: "Noto Sans CJK SC", size: 22pt, {})]',
    "byline": "#block[{}]",
    "note": '#par[#text(font: "LXGW WenKai", size: 10.5pt, {})]',
    "h2": '#block[#text(font: "Noto Sans CJK SC", weight: 700, size: 14pt, {})]',
    "h3": '#block[#text(font: "LXGW WenKai", weight: 700, size: 10.5pt, {})]',
    "speaker": "#block[{}]",
    "p": "#par[#{}]",
    "quote": '#par[#text(font: "LXGW WenKai", size: 10.5pt, {})]',
    "item": '#par[#text(font: "LXGW WenKai", size: 10.5pt, {})]',
    "photo": "#block(height: 324pt, width: 50%, fill: luma(221))\n#block[{}]",
}


def _typst_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def spread_typst(story: Story, fmt: PageFormat) -> str:
    """The copy as a Typst document with the same page, columns, sizes and faces."""
    right = fmt.page_width_mm - fmt.inner_margin_mm - fmt.type_width * 25.4 / 72
    lines = [
        f"#set page(width: {fmt.page_width_mm}mm, height: {fmt.page_height_mm}mm, "
        f"margin: (top: {fmt.top_margin_mm}mm, left: {fmt.inner_margin_mm}mm, "
        f"right: {right:.2f}mm, bottom: auto), columns: {fmt.columns})",
        f"#set columns(gutter: {fmt.gutter}pt)",
        f'#set text(font: "Noto Serif CJK SC", size: {fmt.body_size_pt}pt, lang: "zh")',
        f"#set par(justify: true, first-line-indent: (amount: 2em, all: true), "
        f"leading: {fmt.line_pitch - fmt.body_size_pt}pt, spacing: "
        f"{fmt.line_pitch - fmt.body_size_pt}pt)",
    ]
    head_kinds = ("kicker", "head", "deck", "photo")
    for number, blocks in enumerate(pages_of(story)):
        if number:
            lines.append("#pagebreak()")
        # the head blocks (and the photo) across the columns at the top of the page
        across = [TYPST_STYLE[k].format(_typst_string(t)) for k, t in blocks if k in head_kinds]
        lines.append('#place(top, scope: "parent", float: true)[#set par(leading: 0.4em)')
        lines += [*across, "]"]
        lines += [TYPST_STYLE[k].format(_typst_string(t)) for k, t in blocks if k not in head_kinds]
    return "\n".join(lines) + "\n"


# Forks the command from a small fresh interpreter and reports its peak: Linux carries
# the RSS a process had before exec into its ru_maxrss, and a command forked straight
# from the bench inherits the bench's (1.4 GB by the growth figures, after the browser
# loop), which wait4 then reports as the command's peak.
LAUNCHER = """
import os, sys, time
started = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as out:
    out.write(f"{usage.ru_maxrss} {time.perf_counter() - started}")
sys.exit(os.waitstatus_to_exitcode(status))
"""


def timed_run(
    args: list[str], folder: Path, *, check: bool = True, env: dict | None = None
) -> tuple[float, float, int]:
    """Wall seconds, peak RSS (MiB) and exit status of a fresh process (its own peak,
    not the bench's, and its own time, not the launcher's: see LAUNCHER); with
    `check`, a failure raises with its stderr."""
    log, measured = folder / "stderr.txt", folder / "peak-and-seconds.txt"
    measured.unlink(missing_ok=True)
    with log.open("wb") as err:
        launched = [sys.executable, "-c", LAUNCHER, str(measured), *args]
        code = subprocess.run(launched, stdout=subprocess.DEVNULL, stderr=err, env=env).returncode
    if (check and code != 0) or not measured.is_file():  # not measured: the launcher failed
        raise subprocess.CalledProcessError(code, args, stderr=log.read_text(errors="replace"))
    peak_kib, seconds = measured.read_text().split()
    return float(seconds), int(peak_kib) / 1024, code


def _pages(pdf: Path) -> int:
    import pikepdf

    with pikepdf.open(pdf) as doc:
        return len(doc.pages)


def run_weasyprint(story: Story, fmt: PageFormat, font_css: str, folder: Path) -> PeerRun:
    """Plain WeasyPrint, one pass, cold: `weasyprint.HTML(file).write_pdf(out)`."""
    source, pdf = folder / "peer-weasyprint.html", folder / "peer-weasyprint.pdf"
    source.write_text(spread_html(story, fmt, font_css), encoding="utf-8")
    seconds, peak, _ = timed_run(
        [sys.executable, "-c", WEASYPRINT_RUN, str(source), str(pdf)], folder
    )
    return PeerRun("plain WeasyPrint", seconds, pdf.stat().st_size, _pages(pdf), peak)


def run_typst(story: Story, fmt: PageFormat, fonts: Path, folder: Path) -> PeerRun:
    """Typst (the `typst` package), cold, with only the project's faces."""
    try:
        import typst  # noqa: F401 - only whether the bench extra is installed
    except ImportError:
        return PeerRun("Typst", None, note="not installed: pip install -e '.[bench]'")
    source, pdf = folder / "peer.typ", folder / "peer-typst.pdf"
    source.write_text(spread_typst(story, fmt), encoding="utf-8")
    args = [sys.executable, "-c", TYPST_RUN, str(source), str(pdf), str(fonts)]
    seconds, peak, _ = timed_run(args, folder)
    return PeerRun("Typst", seconds, pdf.stat().st_size, _pages(pdf), peak)


def peers(story_path: Path, folder: Path) -> list[PeerRun]:
    """Both peers on the story's copy, in `folder`."""
    from newsprint.config import load_config
    from newsprint.story.edition import load_edition
    from newsprint.story.normalize import normalize
    from newsprint.story.parse import parse_story
    from newsprint.typeset.fonts import CACHE_DIR, font_face_css, load_faces

    config = load_config()
    story, _ = parse_story(story_path)
    story, _ = normalize(story, config.normalize_disabled, config.suspect_words)
    edition = load_edition(story_path, config.paper_name, config.default_format, config.formats)
    fmt = config.page_format(edition.format)
    folder.mkdir(parents=True, exist_ok=True)
    return [
        run_weasyprint(story, fmt, font_face_css(load_faces()), folder),
        run_typst(story, fmt, CACHE_DIR, folder),
    ]
