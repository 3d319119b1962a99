"""Edition data: paper, date, page numbers, 版名 and credits for one story.

It lives beside the copy as `<story>.edition.toml`, so the desk changes dates and
page numbers without touching the copy, and the date in every output comes from
here, never from the clock (same input, same bytes).
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

from newsprint.errors import UserError

WEEKDAYS = "一二三四五六日"


@dataclass(frozen=True)
class PageSlot:
    number: int
    section: str  # 版名


@dataclass(frozen=True)
class Edition:
    path: str
    paper: str
    date: dt.date
    issue: str  # 期号, e.g. 第8123期
    format: str
    pages: list[PageSlot]
    credits: dict[str, str] = field(default_factory=dict)
    photo_file: str = ""  # relative to the story's folder
    photo_placeholder_ok: bool = False  # the desk accepts printing the placeholder

    @property
    def date_cn(self) -> str:
        d = self.date
        return f"{d.year}年{d.month}月{d.day}日"

    @property
    def weekday_cn(self) -> str:
        return WEEKDAYS[self.date.weekday()]


def edition_path(story_path: Path) -> Path:
    return story_path.with_name(story_path.stem + ".edition.toml")


def load_edition(story_path: Path, default_paper: str, default_format: str) -> Edition:
    """Read `<story>.edition.toml`; a missing or broken one is a plain error naming it."""
    path = edition_path(story_path)
    if not path.exists():
        raise UserError(
            f"{path}: no edition file for {story_path.name}; copy "
            "source/000_47b12d432780679e.edition.toml beside the story and edit it"
        )
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise UserError(f"{path}: {exc}") from None
    date = data.get("date")
    if not isinstance(date, dt.date):
        raise UserError(f"{path}: 'date' must be a date like 2026-12-01")
    pages = data.get("pages") or []
    if not pages or not all(isinstance(p.get("number"), int) for p in pages):
        raise UserError(f"{path}: list the pages as [[pages]] tables with number = …")
    photo = data.get("photo", {})
    return Edition(
        path=str(path),
        paper=data.get("paper", default_paper),
        date=date,
        issue=str(data.get("issue", "")),
        format=data.get("format", default_format),
        pages=[PageSlot(p["number"], p.get("section", data.get("section", ""))) for p in pages],
        credits={str(k): str(v) for k, v in data.get("credits", {}).items()},
        photo_file=photo.get("file", ""),
        photo_placeholder_ok=bool(photo.get("print_placeholder", False)),
    )


def with_page_count(edition: Edition, count: int) -> Edition:
    """The edition on `count` pages (`render.py --pages N`), without editing its file:
    its first pages as listed, then pages numbered on from the last, with its 版名."""
    if count < 1:
        raise UserError(f"--pages {count}: a story needs at least one page")
    slots = list(edition.pages[:count])
    while len(slots) < count:
        last = slots[-1]
        slots.append(PageSlot(last.number + 1, last.section))
    return replace(edition, pages=slots)
