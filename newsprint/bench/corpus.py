"""A corpus of made-up stories in the desk's format, for page make-up (issue 10).

The make-up solver must cope with any mix of modules, not only the seed's. Each
story is drawn from a seed number, so a failure can be reproduced by its number:
0.4× to 2× the seed's length, one to three articles (the later ones with a label
and bylines, like the seed's second), with or without the editor's note, the
photo and the data box. The copy is sample_paragraph's; the structure is the
seed's markers (shared/NEWSPAPER.md), and an edition file is written beside it.
typography_spec(seed) is the same story with the hard cases of issue 11 (long
two-phrase headings, names in parentheses, figures in narrow measures, runs of
quoted terms) for the typography report.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from pathlib import Path

from newsprint.bench.sample import sample_paragraph
from newsprint.config import DEFAULT_STORY
from newsprint.hanzi import is_han

SURNAMES = "王李张刘陈杨黄赵周吴徐孙朱马胡郭林何高罗郑梁谢宋唐"
GIVEN = "婷颖亮凌云意伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华"
ROLES = ("区民政局副局长", "社区居民", "驻村工作队员", "公司总经理", "党员", "街道干部")
THEMES = ("综合实力", "发展质效", "城区品质", "乡村振兴", "民生事业", "党的建设", "生态环境")
GAINS = ("发展活力明显释放", "创新力竞争力持续增强", "城市功能明显升级", "群众获得感不断增强")
LABELS = ("回顾这五年", "数读变化", "奋进新征程")
# The hard cases of issue 11 (Spec.typography): long second phrases that must break,
# names of places and bodies in parentheses, runs of figures, runs of quoted terms.
LONG_GAINS = (
    "创新力竞争力持续增强发展活力明显释放",
    "城市功能明显升级人居环境持续改善",
    "群众获得感幸福感安全感不断增强",
)
ORGS = (
    "株洲市荷塘区仙霞镇樟霖村",
    "湖南中大机械有限责任公司",
    "荷塘区荷塘月色小区",
    "三一智慧钢铁城",
    "荷塘区民政局",
    "荷塘区金山街道",
)
POSTS = ("驻村工作队员", "总经理", "居民", "副总经理", "副局长", "党员")
TERMS = ("项目攻坚年", "先进县市区", "全国文明城市", "两型社会", "五好园区", "四上企业")


@dataclass(frozen=True)
class Spec:
    """What one story of the corpus holds; `seed` also seeds its copy."""

    seed: int
    scale: float  # copy length relative to the seed story's, 0.4–2
    articles: int  # 1–3
    note: bool  # 编者按 in the first article
    photo: bool  # a captioned photo at the end (placeholder: no picture file)
    databox: bool  # 数读成绩单
    typography: bool = False  # the hard cases of issue 11 in headings, speakers and copy

    @property
    def name(self) -> str:
        return f"corpus_{self.seed:04d}" + ("t" if self.typography else "")


def spec_for(seed: int) -> Spec:
    """The corpus's story number `seed`: every mix of modules turns up over the seeds."""
    rng = random.Random(f"spec-{seed}")
    return Spec(
        seed=seed,
        scale=round(rng.uniform(0.4, 2.0), 2),
        articles=rng.randint(1, 3),
        note=rng.random() < 0.6,
        photo=rng.random() < 0.6,
        databox=rng.random() < 0.6,
    )


def typography_spec(seed: int) -> Spec:
    """Story `seed` of the corpus with the hard cases of issue 11 in it."""
    return replace(spec_for(seed), typography=True)


def seed_length() -> int:
    return len(DEFAULT_STORY.read_text(encoding="utf-8"))


def _name(rng) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))


def _clip(rng, chars: int) -> str:
    """A phrase for a heading or caption: the Han characters of sample copy, cut short
    (no half a pair of quotes or brackets)."""
    return "".join(c for c in sample_paragraph(rng) if is_han(c))[:chars]


def _paragraphs(rng, low: int, high: int) -> list[str]:
    return [sample_paragraph(rng) for _ in range(rng.randint(low, high))]


def hard_title(rng) -> str:
    """A section title whose second phrase is too long for one line."""
    return f"看{rng.choice(THEMES)} {rng.choice(LONG_GAINS)}"


def hard_speaker(rng) -> str:
    """A speaker line whose parenthesis holds a long place or company name."""
    return f"讲述人：{_name(rng)}（{rng.choice(ORGS)}{rng.choice(POSTS)}）"


def hard_sentence(rng) -> str:
    """Figures that cannot be broken from their units, then a run of quoted terms. (Not
    a date first: a paragraph that opens with one too long for its indented first
    line has no break to choose, see README's known limits.)"""
    year, month, day = rng.randint(2018, 2025), rng.randint(1, 12), rng.randint(1, 28)
    terms = "".join(f"“{t}”" for t in rng.sample(TERMS, rng.randint(2, 4)))
    days, area, build = rng.randint(20, 90), rng.randint(100, 2000), rng.randint(60, 120)
    return (
        f"我们从{year}年{month}月{day}日起，{days}天完成征拆{area}亩，"
        f"{build}天实现开工建设，先后获评{terms}等称号。"
    )


def _section(rng, hard: bool = False) -> list[str]:
    """A section: its title (numbered in reading order later), 报告解读 text, one or
    two testimonies; `hard`: with the hard cases of issue 11."""
    title = hard_title(rng) if hard else f"看{rng.choice(THEMES)} {rng.choice(GAINS)}"
    parts = [title, "#### 报告解读", *_paragraphs(rng, 1, 2)]
    for _ in range(rng.randint(1, 2)):
        head = f"### 一线见证 {_clip(rng, 12)}"
        speaker = hard_speaker(rng) if hard else f"讲述人：{_name(rng)}（{rng.choice(ROLES)}）"
        text = _paragraphs(rng, 1, 2)
        if hard:
            text[0] += hard_sentence(rng)
        parts += [head, speaker, *text]
    return parts


def _head(rng, spec: Spec, index: int) -> list[str]:
    """An article's headline block: the first with kicker, deck and note."""
    headline = f"## {_clip(rng, 14)}"
    if index:
        bylines = " ".join(_name(rng) for _ in range(rng.randint(1, 3)))
        return [f"### {rng.choice(LABELS)}", headline, bylines]
    parts = [f"# 践行新理念 {rng.choice(THEMES)}", headline, f"——第{spec.seed % 9 + 1}次专题报道"]
    if spec.note:
        parts += ["### 编者按", *_paragraphs(rng, 1, 2)]
    return parts


def _databox(rng) -> list[str]:
    items = [
        f"- {_clip(rng, 30)}，增长{rng.randint(2, 99)}.{rng.randint(0, 9)}%"
        for _ in range(rng.randint(4, 9))
    ]
    return ["### 数读成绩单", "\n".join(items)]


def story_text(spec: Spec) -> str:
    """The desk copy of one story: sections are added, in turn to each article, until
    the copy is `scale` times as long as the seed's."""
    rng = random.Random(f"copy-{spec.seed}")
    heads = [_head(rng, spec, i) for i in range(spec.articles)]
    tail = _databox(rng) if spec.databox else []
    if spec.photo:
        tail.append(f"{_clip(rng, 10)}全景图（{_name(rng)}摄）")
    sections: list[list[list[str]]] = [[] for _ in range(spec.articles)]
    target = spec.scale * seed_length()

    def text() -> str:
        blocks, number = [], 0
        for head, body in zip(heads, sections, strict=True):
            blocks += head
            for title, *rest in body:
                number += 1
                blocks += [f"### {number}. {title}", *rest]
        return "\n\n".join(blocks + tail) + "\n"

    turn = 0
    while len(text()) < target or any(not body for body in sections):
        sections[turn % spec.articles].append(_section(rng, spec.typography))
        turn += 1
    return text()


def edition_text(spec: Spec) -> str:
    """The edition file beside the copy: a two-page spread, a placeholder photo."""
    rows = [
        f"# Edition data for {spec.name}.txt (generated corpus, {spec.scale}× the seed).",
        'paper = "示例日报"',
        "date = 2026-12-01",
        'issue = "第8123期"',
        'format = "duikai"',
        'section = "专题"',
        "",
        "[[pages]]",
        "number = 4",
        "",
        "[[pages]]",
        "number = 5",
        "",
        "[credits]",
        '"责任编辑" = "林晓"',
    ]
    if spec.photo:
        rows += ["", "[photo]", 'file = ""', "print_placeholder = true"]
    return "\n".join(rows) + "\n"


def write_story(spec: Spec, folder: Path) -> Path:
    """Write the story's copy and edition file into `folder`; the copy's path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{spec.name}.txt"
    path.write_text(story_text(spec), encoding="utf-8")
    (folder / f"{spec.name}.edition.toml").write_text(edition_text(spec), encoding="utf-8")
    return path


def typography_copy(seed: int) -> str:
    """A one-page story of the hard cases of issue 11 alone: section titles whose second
    phrase needs a line of its own, long names in the speakers' parentheses, figures
    with their units in the testimonies' narrow Kai measure, runs of quoted terms."""
    rng = random.Random(f"hard-{seed}")
    parts = ["# 专题报道 生成稿件", "", "## 测试标题：数字与符号的排版", "", "——自动生成的样稿", ""]
    for n in range(1, 7):
        parts += [f"### {n}. {hard_title(rng)}", "", "#### 报告解读", ""]
        parts += [sample_paragraph(rng) + "。" + hard_sentence(rng), ""]
        parts += [f"### 一线见证 第{n}位讲述人", "", hard_speaker(rng), ""]
        parts += [sample_paragraph(rng) + "。" + hard_sentence(rng), ""]
    return "\n".join(parts)
