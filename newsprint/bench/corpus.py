"""A corpus of made-up stories in the desk's format, for page make-up (issue 10).

The make-up solver must cope with any mix of modules, not only the seed's. Each
story is drawn from a seed number, so a failure can be reproduced by its number:
0.4× to 2× the seed's length, one to three articles (the later ones with a label
and bylines, like the seed's second), with or without the editor's note, the
photo and the data box. The copy is sample_paragraph's; the structure is the
seed's markers (shared/NEWSPAPER.md), and an edition file is written beside it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Spec:
    """What one story of the corpus holds; `seed` also seeds its copy."""

    seed: int
    scale: float  # copy length relative to the seed story's, 0.4–2
    articles: int  # 1–3
    note: bool  # 编者按 in the first article
    photo: bool  # a captioned photo at the end (placeholder: no picture file)
    databox: bool  # 数读成绩单

    @property
    def name(self) -> str:
        return f"corpus_{self.seed:04d}"


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


def _section(rng) -> list[str]:
    """A section: its title (numbered in reading order later), 报告解读 text, one or
    two testimonies."""
    title = f"看{rng.choice(THEMES)} {rng.choice(GAINS)}"
    parts = [title, "#### 报告解读", *_paragraphs(rng, 1, 2)]
    for _ in range(rng.randint(1, 2)):
        parts += [
            f"### 一线见证 {_clip(rng, 12)}",
            f"讲述人：{_name(rng)}（{rng.choice(ROLES)}）",
            *_paragraphs(rng, 1, 2),
        ]
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
        sections[turn % spec.articles].append(_section(rng))
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
