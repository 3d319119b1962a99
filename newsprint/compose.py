"""Compose: decide what goes on which page and fill the Jinja2 templates.

The page plan is a plain value (which article parts, photo and data box go on
which page, and how many spare lines each page's elastic element takes), so the
fit stage can re-compose with more or fewer spare lines without side effects.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import jinja2
import markupsafe

from .config import PT_PER_MM, PageFormat
from .edition import Edition, PageSlot
from .model import Article, Section, Story

FIGURE_RE = re.compile(r"\d+(?:\.\d+)?(?:%|倍)?")
LAYOUT_DIR = Path(__file__).resolve().parent.parent / "layout"
STYLES_DIR = Path(__file__).resolve().parent.parent / "styles"


@dataclass(frozen=True)
class ArticlePart:
    """An article's share of a page: its head (first part only) and some sections."""

    article: Article
    index: int  # article number in the story, 0-based
    sections: tuple[Section, ...]
    with_head: bool


@dataclass(frozen=True)
class PagePlan:
    index: int  # 0-based position in the spread
    slot: PageSlot
    side: str  # "left" | "right"
    parts: tuple[ArticlePart, ...]
    photo: bool
    databox: bool
    spare_lines: int = 0  # given to the page's elastic element by the fit stage

    @property
    def elastic(self) -> str:
        """What grows to fill the page: the photo frame, else the data box, else the head."""
        return "photo" if self.photo else "databox" if self.databox else "head"

    @property
    def id(self) -> str:
        return f"page-{self.index + 1}"


@dataclass(frozen=True)
class Plan:
    pages: tuple[PagePlan, ...]
    spare: dict[int, int] = field(default_factory=dict)
    # Extra space (pt) under a top-level box so that its height is a whole number of
    # lines: what follows it then starts on the baseline grid (set by the fit stage).
    snap: dict[str, float] = field(default_factory=dict)
    # Column flows whose balanced height is known from an earlier pass (pt): set at that
    # height and filled in order, which lays them out as balancing did, without its
    # repeated trial layouts (the costliest part of a render).
    flow_heights: dict[str, float] = field(default_factory=dict)

    def with_spare(self, spare: dict[int, int]) -> Plan:
        pages = tuple(replace(p, spare_lines=spare.get(p.index, 0)) for p in self.pages)
        return replace(self, pages=pages, spare=dict(spare))

    def with_snap(self, snap: dict[str, float]) -> Plan:
        return replace(self, snap=dict(snap))

    def with_flow_heights(self, heights: dict[str, float]) -> Plan:
        return replace(self, flow_heights=dict(heights))


def _weight(section: Section) -> int:
    chars = sum(len(p.text) for p in section.paragraphs)
    chars += sum(len(p.text) for t in section.testimonies for p in t.paragraphs)
    return chars + 60 * (1 + len(section.testimonies))  # headings and speaker lines


def _article_weight(art: Article) -> int:
    head = 400 + (sum(len(p.text) for p in art.note.paragraphs) * 2 if art.note else 0)
    return head + sum(len(p.text) for p in art.lead) + sum(_weight(s) for s in art.sections)


def plan_pages(story: Story, edition: Edition) -> Plan:
    """Give each page a share of the story, keeping articles whole where they fit."""
    n = len(edition.pages)
    arts = story.articles
    if len(arts) == n:
        buckets = [[ArticlePart(a, i, tuple(a.sections), True)] for i, a in enumerate(arts)]
    else:
        # Split at section boundaries, aiming at an equal share of the weight per page.
        units = [(i, s) for i, a in enumerate(arts) for s in a.sections or [None]]
        total = sum(_article_weight(a) for a in arts)
        buckets, acc, page = [[] for _ in range(n)], 0, 0
        seen: set[int] = set()
        for i, sec in units:
            w = (_weight(sec) if sec else 0) + (
                0
                if i in seen
                else _article_weight(arts[i]) - sum(_weight(s) for s in arts[i].sections)
            )
            if page < n - 1 and acc + w / 2 > total * (page + 1) / n and buckets[page]:
                page += 1
            acc += w
            bucket = buckets[page]
            if bucket and bucket[-1].index == i:
                last = bucket[-1]
                bucket[-1] = replace(last, sections=last.sections + ((sec,) if sec else ()))
            else:
                bucket.append(ArticlePart(arts[i], i, (sec,) if sec else (), i not in seen))
            seen.add(i)
    pages = tuple(
        PagePlan(
            index=k,
            slot=slot,
            side="left" if slot.number % 2 == 0 else "right",
            parts=tuple(buckets[k]) if k < len(buckets) else (),
            photo=story.photo is not None and k == 0,
            databox=story.databox is not None and k == n - 1,
        )
        for k, slot in enumerate(edition.pages)
    )
    return Plan(pages)


def geometry_css(fmt: PageFormat, plan: Plan) -> str:
    """@page rules and grid custom properties, derived from the configuration."""
    rules = []
    for side in ("left", "right"):
        top, right, bottom, left = fmt.margins(side)
        rules.append(
            f"@page {side} {{ size: {fmt.page_width_mm}mm {fmt.page_height_mm}mm; "
            f"margin: {top:.3f}pt {right:.3f}pt {bottom:.3f}pt {left:.3f}pt; }}"
        )
    props = {
        "--page-width": f"{fmt.page_width_mm}mm",
        "--page-height": f"{fmt.page_height_mm}mm",
        "--type-width": f"{fmt.type_width:.3f}pt",
        "--type-height": f"{fmt.type_height:.3f}pt",
        "--columns": str(fmt.columns),
        "--column-width": f"{fmt.column_width:.3f}pt",
        "--gutter": f"{fmt.gutter:.3f}pt",
        "--body-size": f"{fmt.body_size_pt}pt",
        "--line-pitch": f"{fmt.line_pitch:.3f}pt",
        "--head-height": f"{fmt.head_height_mm * PT_PER_MM:.3f}pt",
    }
    for k in range(1, fmt.columns + 1):
        props[f"--span-{k}"] = f"{fmt.span(k):.3f}pt"
    root = "; ".join(f"{k}: {v}" for k, v in props.items())
    spare = " ".join(_spare_props(p, fmt.line_pitch) for p in plan.pages)
    snap = " ".join(f"#{name} {{ --snap: {pt:.3f}pt; }}" for name, pt in plan.snap.items())
    snap += " ".join(
        f"#{name} {{ height: {pt:.3f}pt; column-fill: auto; }}"
        for name, pt in plan.flow_heights.items()
    )
    return "\n".join(rules) + f"\n:root {{ {root}; --snap: 0pt; }}\n{spare}\n{snap}\n"


def _spare_props(page: PagePlan, pitch: float) -> str:
    """The page's spare lines, whole, and split in whole lines for shared elastic space:
    --spare-q1/--spare-q2 (a quarter each, about) and --spare-rest (the other half)."""
    n = page.spare_lines
    half = n // 2
    q1 = half // 2
    parts = {"--spare": n, "--spare-q1": q1, "--spare-q2": half - q1, "--spare-rest": n - half}
    body = "; ".join(f"{k}: {v * pitch:.3f}pt" for k, v in parts.items())
    return f"#{page.id} {{ {body}; }}"


def figures(text: str) -> markupsafe.Markup:
    """Escape the text, then emphasise its figures (7.2%, 15, 1.25) for the data box."""
    escaped = str(markupsafe.escape(text))
    return markupsafe.Markup(
        FIGURE_RE.sub(lambda m: f'<strong class="fig">{m[0]}</strong>', escaped)
    )


def headline_fit(text: str, width_pt: float) -> float:
    """The largest size (pt) at which a headline still fits one line of the type area."""
    ems = sum(
        0.55 if ord(c) < 0x2E80 and not c.isspace() else 0.35 if c.isspace() else 1.04 for c in text
    )
    return math.floor(width_pt * 0.97 / max(ems, 1) * 2) / 2


def template_env(fmt: PageFormat) -> jinja2.Environment:
    """Templates from layout/ only, with autoescape: copy is untrusted input.

    The data box's `figures` filter and `headline_fit` (sized to fmt's type area)
    are the templates' only helpers.
    """
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(LAYOUT_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["figures"] = figures
    env.globals["headline_fit"] = lambda text: headline_fit(text, fmt.type_width)
    return env


def compose_html(
    story: Story,
    edition: Edition,
    plan: Plan,
    fmt: PageFormat,
    photo_url: str,
    env: jinja2.Environment | None = None,
) -> str:
    """Fill layout/spread.html.j2 with the story and the page plan."""
    env = env or template_env(fmt)
    return env.get_template("spread.html.j2").render(
        story=story,
        edition=edition,
        plan=plan,
        fmt=fmt,
        photo_url=photo_url,
        language="zh-CN",
    )
