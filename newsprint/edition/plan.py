"""The edition plan: the night's pages, each filled by a story (docs/EDITION_PLAN.md).

A TOML file like the edition file, checked the same way (story/edition.py's Check):
every mistake is found in one pass, each names the plan, its line and what to do,
none is a traceback. A plan that does not check out renders nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import string
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

from newsprint.edition.settings import EditionSettings
from newsprint.errors import Finding, UserError
from newsprint.story.edition import Check, _read
from newsprint.story.tomllines import KeyLines

TOP_KEYS = ("paper", "date", "issue", "format", "section", "plant", "pages")
PLANT_KEYS = ("name", "files")
PAGE_KEYS = ("number", "story", "section")
FIELDS = ("date", "isodate", "page", "paper", "issue", "section", "story")
EXAMPLE = "source/edition-2026-12-01.plan.toml"


@dataclass(frozen=True)
class PlanPage:
    number: int
    story: str  # the story's name: its copy file's stem
    section: str  # 版名


@dataclass(frozen=True)
class PlanStory:
    name: str
    path: Path  # the copy file
    pages: tuple[PlanPage, ...]
    line: int = 0  # in the plan: where its first page names it


@dataclass(frozen=True)
class EditionPlan:
    path: Path
    paper: str
    date: dt.date
    issue: str
    format: str
    plant: str
    files: str  # the plant's file pattern, e.g. {date}-{page:02d}.pdf
    pages: tuple[PlanPage, ...]
    stories: tuple[PlanStory, ...] = field(default_factory=tuple)
    sha256: str = ""

    def story(self, name: str) -> PlanStory:
        return next(s for s in self.stories if s.name == name)

    def file_name(self, page: PlanPage) -> str:
        return page_file(self.files, self, page)


class PlanError(UserError):
    def __init__(self, findings: list[Finding]):
        self.findings = findings
        super().__init__(f"{len(findings)} error(s) in the edition plan; nothing was rendered")


def page_file(pattern: str, plan, page: PlanPage) -> str:
    return pattern.format(
        date=plan.date.strftime("%Y%m%d"),
        isodate=plan.date.isoformat(),
        page=page.number,
        paper=plan.paper,
        issue=plan.issue,
        section=page.section,
        story=page.story,
    )


def load_plan(
    path: Path, settings: EditionSettings, default_paper: str, formats: Collection[str]
) -> EditionPlan:
    """Read and check a plan file; raise PlanError listing every mistake."""
    if not path.is_file():
        hint = f"copy {EXAMPLE} and edit it"
        raise PlanError([Finding("error", f"no such edition plan; {hint}", str(path))])
    raw = path.read_bytes()
    try:
        text, data = _read(path, raw)
    except UserError as exc:  # EditionError: bad UTF-8 or TOML, at its line
        raise PlanError([f for f in exc.findings]) from None
    check = PlanCheck(str(path), KeyLines(text))
    plan = check.plan(path, data, settings, default_paper, formats)
    if check.findings:
        raise PlanError(check.findings)
    plan = EditionPlan(**{**plan.__dict__, "sha256": hashlib.sha256(raw).hexdigest()})
    return with_story_names(plan)


class PlanCheck(Check):
    """One pass over a plan's data; each mistake becomes a Finding at its line."""

    def plan(self, path, data, settings, default_paper, formats) -> EditionPlan:
        self.unknown(data, (), TOP_KEYS)
        paper, fmt, issue = self.masthead(data, default_paper, "", formats)
        section = self.string(data, ("section",))
        plant = self.table(data, "plant")
        self.unknown(plant, ("plant",), PLANT_KEYS)
        name = self.string(plant, ("plant", "name"), "", "示例印务中心")
        files = self.pattern(plant, settings.plant_files)
        pages = self.pages(data, section, path.parent)
        plan = EditionPlan(
            path=path,
            paper=paper,
            date=self.date(data),
            issue=str(issue),
            format=fmt,
            plant=name,
            files=files,
            pages=tuple(sorted(pages, key=lambda p: p.number)),
        )
        if len(pages) == len(data.get("pages") or ()):  # every page read: check the whole
            self.numbers([p.number for p in pages], settings)
            stories = self.runs(pages, path.parent)
            return EditionPlan(**{**plan.__dict__, "stories": stories})
        return plan

    def pattern(self, plant: dict, default: str) -> str:
        where = ("plant", "files")
        pattern = self.string(plant, where, default, "{date}-{page:02d}.pdf")
        try:
            names = [f for _, f, _, _ in string.Formatter().parse(pattern) if f is not None]
        except ValueError as exc:
            self.error(
                where,
                f"[plant] files {pattern!r} is not a pattern ({exc}); "
                'write it like "{date}-{page:02d}.pdf"',
            )
            return default
        wrong = [n for n in names if n not in FIELDS]
        if wrong:
            self.error(
                where,
                f"[plant] files names {{{wrong[0]}}}, which is not a field; "
                f"use {', '.join('{' + f + '}' for f in FIELDS)}",
            )
        elif "page" not in names:
            self.error(
                where,
                f"[plant] files {pattern!r} has no {{page}}: every page would "
                "get the same file name; add {page:02d}",
            )
        elif not pattern.endswith(".pdf") or "/" in pattern or "\\" in pattern:
            self.error(
                where,
                f"[plant] files {pattern!r} must be a file name ending in .pdf, without folders",
            )
        else:
            try:
                page_file(pattern, _Sample, PlanPage(1, "story", "要闻"))
            except (ValueError, TypeError) as exc:
                self.error(
                    where,
                    f"[plant] files {pattern!r} cannot be filled ({exc}); "
                    "a format like {page:02d} needs a number field",
                )
            else:
                return pattern
        return default

    def pages(self, data: dict, section: str, folder: Path) -> list[PlanPage]:
        pages = data.get("pages")
        how = "one [[pages]] table (double brackets) per page, each with number and story"
        if not pages:
            self.error(("pages",), f"no pages: add {how}")
            return []
        if not isinstance(pages, list) or not all(isinstance(p, dict) for p in pages):
            self.error(("pages",), f"pages must be {how}")
            return []
        found = [self.page(p, k, section, folder) for k, p in enumerate(pages)]
        return [p for p in found if p]

    def page(self, page: dict, k: int, section: str, folder: Path) -> PlanPage | None:
        self.unknown(page, ("pages", k), PAGE_KEYS)
        name = self.string(page, ("pages", k, "section"), section)
        number = page.get("number")
        ok = True
        if number is None:
            self.error(("pages", k), f"[[pages]] #{k + 1} has no number; add number = …")
            ok = False
        elif isinstance(number, bool) or not isinstance(number, int) or number < 1:
            self.wrong(
                ("pages", k, "number"), "a page number (版次) like 4, without quotes", number
            )
            ok = False
        story = self.string(page, ("pages", k, "story"), "", "stories/lead.txt")
        if "story" not in page:
            self.error(
                ("pages", k),
                f"[[pages]] #{k + 1} has no story; add story = "
                '"FILE.txt" (the copy, relative to the plan)',
            )
            ok = False
        elif story and not (folder / story).is_file():
            self.error(
                ("pages", k, "story"),
                f"story {story!r} does not exist (looked for "
                f"{folder / story}); give the copy file relative to the plan's folder",
            )
            ok = False
        return PlanPage(number, story, name) if ok and story else None

    def numbers(self, numbers: list[int], settings: EditionSettings) -> None:
        """Every page of the edition once: 1 to N, no gaps, a count the plant takes."""
        seen: dict[int, int] = {}
        for k, n in enumerate(numbers):
            if n in seen:
                first = self.lines.line(("pages", seen[n], "number"))
                self.error(
                    ("pages", k, "number"),
                    f"page {n} is planned twice (also at line "
                    f"{first}); each page is filled by one story",
                )
            seen.setdefault(n, k)
        last = max(numbers, default=0)
        missing = [n for n in range(1, last + 1) if n not in seen]
        for n in missing:
            self.error(
                ("pages",),
                f"page {n} is missing: the edition runs from 1 to {last}; "
                f"add a [[pages]] table with number = {n}",
            )
        count = last
        if count < settings.min_pages or count > settings.max_pages:
            self.error(
                ("pages",),
                f"the edition has {count} pages; the plant takes "
                f"{settings.min_pages} to {settings.max_pages} "
                "(newsprint.toml [edition] min_pages, max_pages)",
            )
        elif count % settings.page_multiple:
            self.error(
                ("pages",),
                f"the edition has {count} pages; they are printed on "
                f"sheets of {settings.page_multiple}, so plan "
                f"{count + settings.page_multiple - count % settings.page_multiple} "
                "(newsprint.toml [edition] page_multiple)",
            )

    def runs(self, pages: list[PlanPage], folder: Path) -> tuple[PlanStory, ...]:
        """Each story on consecutive pages; a story on two pages on a facing spread."""
        index = {id(p): k for k, p in enumerate(pages)}
        by_story: dict[str, list[PlanPage]] = defaultdict(list)
        for page in pages:
            by_story[page.story].append(page)
        stems: dict[str, str] = {}
        stories = []
        for story, on in by_story.items():
            on.sort(key=lambda p: p.number)
            k = index[id(on[0])]
            stem = Path(story).stem
            if stem in stems and stems[stem] != story:
                self.error(
                    ("pages", k, "story"),
                    f"{story!r} and {stems[stem]!r} have the same "
                    f"name {stem!r}: their folders and archive entries would clash; "
                    "rename one",
                )
            stems[stem] = story
            numbers = [p.number for p in on]
            gap = next((b for a, b in zip(numbers, numbers[1:], strict=False) if b != a + 1), 0)
            if gap:
                self.error(
                    ("pages", index[id(on[numbers.index(gap)])], "story"),
                    f"page {gap} carries {story!r}, which is also on page(s) "
                    f"{_runs(numbers)}: a story runs on consecutive pages",
                )
            elif len(numbers) == 2 and numbers[0] % 2:
                self.error(
                    ("pages", k, "story"),
                    f"{story!r} is on pages {numbers[0]} and "
                    f"{numbers[1]}, which do not face each other: a spread starts on "
                    f"an even (left) page, e.g. {numbers[0] + 1} and {numbers[1] + 1}",
                )
            named = tuple(PlanPage(p.number, stem, p.section) for p in on)
            line = self.lines.line(("pages", k, "story"))
            stories.append(PlanStory(stem, (folder / story).resolve(), named, line))
        return tuple(sorted(stories, key=lambda s: s.pages[0].number))


def _runs(numbers: list[int]) -> str:
    return ", ".join(str(n) for n in numbers)


class _Sample:
    date = dt.date(2026, 12, 1)
    paper = "示例日报"
    issue = "第8123期"


def with_story_names(plan: EditionPlan) -> EditionPlan:
    """The plan's pages named by story (the copy's stem), as the stories are."""
    pages = tuple(p for s in plan.stories for p in s.pages)
    return EditionPlan(**{**plan.__dict__, "pages": tuple(sorted(pages, key=lambda p: p.number))})
