"""The text rules one by one: what they change and what they must leave alone."""

from __future__ import annotations

import pytest

from newsprint.story.model import Article, Para, Section, Story
from newsprint.story.normalize import RULES, normalize

RULE = {r.name: r.apply for r in RULES}


@pytest.mark.parametrize(
    "text, expected",
    [
        ("支持下,45天完成", "支持下，45天完成"),
        ("讲述人:黄婷", "讲述人：黄婷"),
        ("好吗?好!", "好吗？好！"),
        ("甲;乙", "甲；乙"),
        ("共1,000人", "共1,000人"),
        ("时间10:30开始", "时间10:30开始"),
        ("Hello, world", "Hello, world"),
    ],
)
def test_fullwidth_punctuation(text, expected):
    assert RULE["fullwidth-punctuation"](text)[0] == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("专题报道(上)", "专题报道（上）"),
        ("(三一智慧钢铁城副总经理)", "（三一智慧钢铁城副总经理）"),
        ("version (C) 2020", "version (C) 2020"),
        ("f(x) = 2", "f(x) = 2"),
    ],
)
def test_fullwidth_parentheses(text, expected):
    assert RULE["fullwidth-parentheses"](text)[0] == expected


def _story(*texts: str) -> Story:
    section = Section(
        "1", Para("标题", 1), paragraphs=[Para(t, i + 3) for i, t in enumerate(texts)]
    )
    return Story("s.txt", [Article(Para("头", 1), sections=[section])])


def test_rejoin_only_mid_sentence_breaks():
    story, findings = normalize(
        _story("第一段结束。", "第二段没有结", "束。", "第三段“引语。”", "第四段")
    )
    assert [p.text for p in story.articles[0].sections[0].paragraphs] == [
        "第一段结束。",
        "第二段没有结束。",
        "第三段“引语。”",
        "第四段",
    ]
    assert [f.line for f in findings if f.rule == "rejoin-broken-paragraphs"] == [4]


def test_rules_can_be_switched_off():
    story, findings = normalize(
        _story("甲,乙", "丙"),
        disabled=frozenset({"fullwidth-punctuation", "rejoin-broken-paragraphs"}),
    )
    assert [p.text for p in story.articles[0].sections[0].paragraphs] == ["甲,乙", "丙"]
    assert findings == []


def test_normalize_does_not_touch_its_input():
    original = _story("甲,乙")
    normalize(original)
    assert original.articles[0].sections[0].paragraphs[0].text == "甲,乙"
