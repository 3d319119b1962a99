"""Parser and normaliser over the seed and over variants of it."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SEED

from newsprint.errors import UserError
from newsprint.story.normalize import normalize
from newsprint.story.parse import parse_story, parse_text

SEED_TEXT = SEED.read_text(encoding="utf-8")


def parsed(text: str = SEED_TEXT):
    story, findings = parse_text(text, "story.txt")
    story, changes = normalize(story, suspect={"组带": "纽带"})
    return story, findings, changes


def test_seed_roles():
    story, findings, _ = parsed()
    assert findings == []
    first, second = story.articles
    assert first.kicker.text == "践行“三高四新” 打造“一区两城”"
    assert first.headline.text == "朝着建设现代化新荷塘目标奋勇前进"
    assert first.deck.text == "——荷塘区第六次党代会专题报道（上）"
    assert first.note.label.text == "编者按" and len(first.note.paragraphs) == 1
    assert [s.number for s in first.sections] == ["1", "2", "3", "4"]
    assert [s.number for s in second.sections] == ["5", "6"]
    assert first.sections[0].title.text == "看综合实力 发展活力明显释放"
    assert first.sections[0].label.text == "报告解读"
    tes = first.sections[0].testimonies[0]
    assert (tes.speaker_name, tes.speaker_role) == ("黄婷", "三一智慧钢铁城副总经理")
    assert len(first.sections[3].testimonies) == 2
    assert second.label.text == "回顾这五年"
    assert second.headline.text == "「幸福账单」 荷塘答卷 「酬奋斗」 践初心"
    assert second.bylines == ["何威宪", "唐珺泽", "秦霖"]
    assert story.databox.title.text == "数读成绩单" and len(story.databox.items) == 9
    assert (story.photo.caption.text, story.photo.credit) == ("荷塘区红旗商圈全景图", "杨淑如摄")
    assert story.speakers() == ["黄婷", "钟颖", "刘开全", "邵亮", "桂凌云", "袁意"]


def test_seed_source_lines_point_at_the_copy():
    story, _, _ = parsed()
    lines = SEED_TEXT.splitlines()
    for para in story.paragraphs():
        assert para.text[:2] in lines[para.line - 1] or para.line == 0 or "，" in para.text[:2]


def test_broken_paragraphs_are_rejoined_and_reported():
    story, _, changes = parsed()
    note = story.articles[0].note.paragraphs[0].text
    assert "全国创新社会治理百佳案例" in note
    last = story.articles[1].sections[1].testimonies[0].paragraphs[-1].text
    assert "通过新媒介，党建工作" in last
    rejoined = [c for c in changes if c.rule == "rejoin-broken-paragraphs"]
    assert [c.line for c in rejoined] == [11, 101]


def test_punctuation_becomes_fullwidth_but_numbers_stay():
    story, _, _ = parsed()
    text = "\n".join(p.text for p in story.paragraphs())
    for half in (",", ":", "(", ")"):
        assert half not in text
    for kept in ("7.2%", "2020年3月8日", "34条", "1.25万个", "“1对1”"):
        assert kept in text
    assert "讲述人" not in text  # speaker lines become the model's speaker fields


def test_suspect_word_is_reported_not_changed():
    story, _, changes = parsed()
    assert any("组带" in p.text for p in story.paragraphs())
    assert [c.line for c in changes if c.rule == "suspect-words"] == [87]


def test_no_editors_note():
    text = SEED_TEXT.replace("### 编者按\n", "")
    story, findings, _ = parsed(text)
    assert story.articles[0].note is None
    assert story.articles[0].lead[0].text.startswith("四时俱可喜")


def test_more_sections():
    extra = "\n### 7. 看生态文明 天更蓝水更清\n\n#### 报告解读\n\n五年来,荷塘区持续推进污染防治。\n"
    text = SEED_TEXT.replace("### 数读成绩单", extra + "\n### 数读成绩单")
    story, _, _ = parsed(text)
    assert [s.number for s in story.articles[1].sections] == ["5", "6", "7"]
    assert story.articles[1].sections[2].paragraphs[0].text == "五年来，荷塘区持续推进污染防治。"


def test_a_section_or_testimony_before_any_headline_holds_its_text():
    # copy that starts without a headline opens an article for it (found by test_fuzz.py)
    story, _ = parse_text("### 一线见证 \n\n讲述人:张明(村支书)\n\n他说。\n", "story.txt")
    (testimony,) = story.articles[0].sections[0].testimonies
    assert testimony.speaker_name == "张明" and testimony.paragraphs[0].text == "他说。"
    story, _ = parse_text("### 1. 看发展\n\n正文。\n", "story.txt")
    (section,) = story.articles[0].sections
    assert section.paragraphs[0].text == "正文。" and not story.articles[0].lead


def test_no_photo():
    text = SEED_TEXT.rsplit("\n", 1)[0]
    story, _, _ = parsed(text)
    assert story.photo is None


def test_unknown_marker_is_kept_as_body_with_a_warning():
    text = SEED_TEXT.replace(
        "### 一线见证 创新力竞争力持续增强",
        "### 记者手记\n\n这是一段记者手记。\n\n### 一线见证 创新力竞争力持续增强",
    )
    story, findings, _ = parsed(text)
    assert [(f.level, f.rule) for f in findings] == [("warning", "unplaced")]
    assert "记者手记" in findings[0].message and findings[0].line == 33
    texts = [p.text for p in story.paragraphs()]
    assert "记者手记" in texts and "这是一段记者手记。" in texts


def test_markup_in_copy_stays_text():
    story, _, _ = parsed(
        SEED_TEXT.replace("五年来,荷塘区坚定", "<script>x</script>五年来,荷塘区坚定")
    )
    assert story.articles[0].sections[0].paragraphs[0].text.startswith("<script>x</script>")


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "empty"),
        (b"   \n\n", "empty"),
        ("# 标题".encode("gbk"), "not UTF-8"),
    ],
)
def test_unusable_files_are_plain_errors(tmp_path: Path, content: bytes, message: str):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(UserError, match=message) as info:
        parse_story(path)
    assert str(path) in str(info.value)


def test_missing_file(tmp_path: Path):
    with pytest.raises(UserError, match="no such file"):
        parse_story(tmp_path / "nope.txt")
