"""The page plan: what goes on which page.

The page plan is a plain value (which article parts, photo and data box go on
which page, and how many spare lines each page's elastic element takes), so the
fit stage can re-compose with more or fewer spare lines without side effects.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from newsprint.compose import ids
from newsprint.story.edition import Edition, PageSlot
from newsprint.story.model import Article, Section, Story


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
        return ids.page(self.index)


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
