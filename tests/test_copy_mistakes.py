"""Copy the house format has no use for: links, images, control characters, section
numbers that restart. Each gets a message at its line; none makes a bad page."""

from __future__ import annotations

import re

import pytest
from conftest import SEED, made_up, write_story
from test_cli import run

from newsprint.build import build
from newsprint.compose.html import compose_html, template_env
from newsprint.config import load_config
from newsprint.story.edition import load_edition
from newsprint.story.normalize import normalize
from newsprint.story.parse import parse_text

SEED_TEXT = SEED.read_text(encoding="utf-8")
COPY = (
    "# 引题\n\n## 主题\n\n第一行正文,\n第二行有[荷塘区政府网](https://www.example.cn/ht)的链接。\n"
)


def line_of(text: str, needle: str) -> int:
    return next(n for n, t in enumerate(text.splitlines(), 1) if needle in t)


def test_a_link_keeps_its_text_drops_its_address_and_warns_at_its_line():
    story, findings = parse_text(COPY, "s.txt")
    texts = [p.text for p in story.paragraphs()]
    assert "第一行正文,第二行有荷塘区政府网的链接。" in texts
    assert not any("example.cn" in t for t in texts)
    (link,) = findings
    assert (link.level, link.line, link.rule) == ("warning", 6, "link")  # the link's own line
    assert "https://www.example.cn/ht" in link.message and "荷塘区政府网" in link.message


def test_an_autolink_is_its_address_and_no_warning():
    story, findings = parse_text("## 主题\n\n详见<https://www.example.cn>。\n", "s.txt")
    assert findings == [] and "详见https://www.example.cn。" in [p.text for p in story.paragraphs()]


def test_an_image_is_a_warning_at_its_line_and_its_description_is_kept():
    copy = "## 主题\n\n正文。\n\n![荷塘全景](pics/ht.jpg)\n\n- 列表项![图](x.png)\n"
    story, findings = parse_text(copy, "s.txt")
    images = [f for f in findings if f.rule == "image"]
    assert [(f.level, f.line) for f in images] == [("warning", 5), ("warning", 7)]
    assert "pics/ht.jpg" in images[0].message and "[photo] file" in images[0].message
    assert "荷塘全景" in [p.text for p in story.paragraphs()]


def test_control_characters_are_named_by_their_real_code_point():
    copy = "## 主题\n\n正文\x00有空字节,\n还有\x07响铃和\x1b。\n\n干净的一段。\n"
    story, findings = parse_text(copy, "s.txt")
    assert [(f.level, f.line, f.rule) for f in findings] == [
        ("error", 3, "control-character"),
        ("error", 4, "control-character"),
    ]
    assert "U+0000 NULL" in findings[0].message
    assert "U+0007 BELL" in findings[1].message and "U+001B ESCAPE" in findings[1].message
    texts = "".join(p.text for p in story.paragraphs())
    assert "\ufffd" not in texts and not any(c in texts for c in "\x00\x07\x1b")


def restarted() -> str:
    """The seed with the second article's sections numbered 1 and 2 again."""
    text = SEED_TEXT.replace("### 5. 看民生事业", "### 1. 看民生事业")
    return text.replace("### 6. 看党的建设", "### 2. 看党的建设")


def test_element_ids_are_unique_when_section_numbers_restart():
    story, _ = parse_text(restarted(), "s.txt")
    story, _ = normalize(story)
    config = load_config()
    edition = load_edition(SEED, config.paper_name, config.default_format)
    fmt = config.page_format()
    html = compose_html(story, edition, made_up(story, edition), fmt, "", template_env(fmt, config))
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    assert html.count('class="section-title"') == 6


def test_a_story_whose_section_numbers_restart_renders(story_dir, tmp_path):
    path = write_story(story_dir, "restart", restarted())
    result = build(path, tmp_path, archive=False)
    assert not [f for f in result.findings if "Anchor" in f.message]
    assert [p.name for p in result.print_pdfs] == [
        "20261201-p04-print.pdf",
        "20261201-p05-print.pdf",
    ]
    assert all(p.is_file() for p in result.print_pdfs)


def test_html_and_broken_heading_markers_are_errors_at_their_lines():
    # They would print as written: “<strong>” or “###编者按” on the page.
    copy = (
        "## 主题\n\n正文<strong>重点</strong>，x<5且y>3，见《条例》。\n\n"
        "###编者按\n\n####### 编者按\n\n#荷塘答卷#话题阅读量过亿。\n\n换行<br/>了<!-- 注释 -->。\n"
    )
    _, findings = parse_text(copy, "s.txt")
    assert [(f.level, f.line, f.rule) for f in findings] == [
        ("error", 3, "html"),
        ("error", 5, "heading-marker"),
        ("error", 7, "heading-marker"),
        ("error", 11, "html"),
    ]
    assert "“<strong>”、“</strong>”" in findings[0].message and "x<5" not in findings[0].message
    assert "write “### 编者按”" in findings[1].message
    assert "starts with 7 #" in findings[2].message
    assert "“<br/>”、“<!-- 注释 -->”" in findings[3].message


@pytest.mark.parametrize(
    "mark, message",
    [
        ("\x00", "control character(s) U+0000 NULL"),  # not U+FFFD, as markdown-it makes it
        ("<br>", "HTML “<br>” in the copy"),
    ],
)
def test_a_mistake_in_the_copy_stops_the_story_at_its_line(story_dir, mark, message):
    text = SEED_TEXT.replace("2020年3月8日,我们", f"2020年3月8日{mark},我们")
    path = write_story(story_dir, "mistake", text)
    out = story_dir / "out"
    result = run(str(path), "--out", str(out))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    line = line_of(SEED_TEXT, "2020年3月8日")
    assert f"{path}:{line}: error: {message}" in result.stderr
    assert "FFFD" not in result.stderr
    assert not out.exists() or not list(out.rglob("*-print.pdf"))
