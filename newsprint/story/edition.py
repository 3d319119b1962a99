"""Edition data: paper, date, page numbers, 版名 and credits for one story.

It lives beside the copy as `<story>.edition.toml`, so the desk changes dates and
page numbers without touching the copy, and the date in every output comes from
here, never from the clock (same input, same bytes).

The file is checked against the schema below, written as plain dataclasses and
explicit checks rather than pydantic: there are ten keys, every message must name
the file, the key and its TOML line in the house wording (pydantic's messages
and positions are its own, and tomllib gives none), TOML already types its
values, and a print tool pins every dependency it has. Every mistake is found in
one pass and reported together; none is a traceback, none is guessed around.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import re
import tomllib
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from pathlib import Path

from newsprint.errors import Finding, UserError
from newsprint.story.tomllines import KeyLines

WEEKDAYS = "一二三四五六日"
TOP_KEYS = ("paper", "date", "issue", "format", "section", "pages", "credits", "photo")
PAGE_KEYS = ("number", "section")
PHOTO_KEYS = ("file", "print_placeholder")
EXAMPLE = "source/000_47b12d432780679e.edition.toml"


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
    sha256: str = ""  # of the file's bytes as read, for the manifest

    @property
    def date_cn(self) -> str:
        d = self.date
        return f"{d.year}年{d.month}月{d.day}日"

    @property
    def weekday_cn(self) -> str:
        return WEEKDAYS[self.date.weekday()]


class EditionError(UserError):
    """The edition file cannot be used; `findings` names each mistake, key and line."""

    def __init__(self, findings: list[Finding]):
        self.findings = findings
        super().__init__(f"{len(findings)} error(s) in the edition file; nothing was rendered")


def edition_path(story_path: Path) -> Path:
    return story_path.with_name(story_path.stem + ".edition.toml")


def load_edition(
    story_path: Path,
    default_paper: str,
    default_format: str,
    formats: Collection[str] = (),
) -> Edition:
    """Read and check `<story>.edition.toml`; raise EditionError listing every mistake.

    `formats` are the page formats newsprint.toml knows: a `format` not among them
    is the edition file's mistake, reported there.
    """
    path = edition_path(story_path)
    if not path.exists():
        raise EditionError(
            [
                Finding(
                    "error",
                    f"no edition file for {story_path.name}; copy {EXAMPLE} beside the "
                    "story and edit it",
                    str(path),
                )
            ]
        )
    raw = path.read_bytes()
    text, data = _read(path, raw)
    check = Check(str(path), KeyLines(text))
    edition = check.edition(data, default_paper, default_format, formats)
    if check.findings:
        raise EditionError(check.findings)
    return replace(edition, sha256=hashlib.sha256(raw).hexdigest())


def _read(path: Path, raw: bytes) -> tuple[str, dict]:
    """The file's text and its TOML data; bad UTF-8 or TOML is an error at its line."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        message = f"not UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8"
        raise EditionError([Finding("error", message, str(path), line, "edition")]) from None
    try:
        return text, tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"at line (\d+)", str(exc))
        hint = '; text needs quotes, e.g. paper = "示例日报"' if "Invalid value" in str(exc) else ""
        message = f"not valid TOML: {exc}{hint}"
        line = int(found.group(1)) if found else 1
        raise EditionError([Finding("error", message, str(path), line, "edition")]) from None


def _key_name(where: tuple) -> str:
    """How the desk sees a key: `date`, `[photo] file`, `[[pages]] #2 number`."""
    if where[0] == "pages" and len(where) > 1 and isinstance(where[1], int):
        rest = " ".join(str(k) for k in where[2:])
        return f"[[pages]] #{where[1] + 1}" + (f" {rest}" if rest else "")
    if len(where) > 1:
        return f"[{where[0]}] " + " ".join(str(k) for k in where[1:])
    return str(where[0])


def _shown(value) -> str:
    """A value as it was written in TOML, for 'not …' in a message."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "[" + ", ".join(_shown(v) for v in value) + "]"
    if isinstance(value, dt.datetime | dt.time):
        return value.isoformat()
    return str(value)


@dataclass
class Check:
    """One pass over an edition file's data: each mistake becomes a Finding at its line."""

    path: str
    lines: KeyLines
    findings: list[Finding] = field(default_factory=list)

    def error(self, where: tuple, message: str) -> None:
        line = self.lines.line(where)
        self.findings.append(Finding("error", message, self.path, line, "edition"))

    def wrong(self, where: tuple, expected: str, value) -> None:
        self.error(where, f"{_key_name(where)} must be {expected}, not {_shown(value)}")

    def unknown(self, table: dict, where: tuple, known: tuple[str, ...]) -> None:
        for key, value in table.items():
            if key in known:
                continue
            near = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
            label = _key_name((*where, key))
            if not where and isinstance(value, dict):
                label, near = f"[{key}]", [f"[{n}]" for n in near]
            elif not where and isinstance(value, list) and value and isinstance(value[0], dict):
                label, near = f"[[{key}]]", [f"[[{n}]]" for n in near]
            hint = f"did you mean {near[0]}?" if near else f"known keys: {', '.join(known)}"
            self.error((*where, key), f"unknown key {label}; {hint}")

    def string(self, table: dict, where: tuple, default: str = "", example: str = "专题") -> str:
        value = table.get(where[-1], default)
        if not isinstance(value, str):
            self.wrong(where, f'text in quotes, e.g. "{example}"', value)
            return default
        return value

    def masthead(self, data: dict, default_paper: str, default_format: str, formats) -> tuple:
        """(paper, format, issue) of an edition file or a plan, each checked; an empty
        default_format lets the file name no format."""
        paper = self.string(data, ("paper",), default_paper, "示例日报")
        if not paper.strip():
            self.error(("paper",), 'paper is empty; give the paper\'s name, e.g. "示例日报"')
        fmt = self.string(data, ("format",), default_format, "duikai")
        if formats and (fmt or default_format) and fmt not in formats:
            known = ", ".join(sorted(formats))
            self.error(
                ("format",),
                f"format {fmt!r} is not a page format of newsprint.toml; use one of: {known}",
            )
        issue = data.get("issue", "")
        if isinstance(issue, bool) or not isinstance(issue, str | int):
            self.wrong(("issue",), 'text, e.g. "第8123期"', issue)
            issue = ""
        return paper, fmt, issue

    def table(self, data: dict, key: str) -> dict:
        value = data.get(key, {})
        if not isinstance(value, dict):
            self.error(
                (key,),
                f"{key} must be a table: write [{key}] on a line of its own and its "
                f"key = value lines below it, not {key} = {_shown(value)}",
            )
            return {}
        return value

    def edition(
        self, data: dict, default_paper: str, default_format: str, formats: Collection[str]
    ) -> Edition:
        """The Edition the data describes, with every mistake recorded on the way."""
        self.unknown(data, (), TOP_KEYS)
        paper, fmt, issue = self.masthead(data, default_paper, default_format, formats)
        photo = self.table(data, "photo")
        self.unknown(photo, ("photo",), PHOTO_KEYS)
        placeholder = photo.get("print_placeholder", False)
        if not isinstance(placeholder, bool):
            self.wrong(("photo", "print_placeholder"), "true or false, without quotes", placeholder)
            placeholder = False
        return Edition(
            path=self.path,
            paper=paper,
            date=self.date(data),
            issue=str(issue),
            format=fmt,
            pages=self.pages(data, self.string(data, ("section",))),
            credits=self.credits(data),
            photo_file=self.string(photo, ("photo", "file"), "", "pics/photo.jpg"),
            photo_placeholder_ok=placeholder,
        )

    def date(self, data: dict) -> dt.date:
        value = data.get("date")
        if value is None:
            self.error(("date",), "date is missing; add date = 2026-12-01 (no quotes)")
        elif isinstance(value, dt.datetime):
            self.wrong(("date",), "a date without a time, like 2026-12-01", value)
        elif isinstance(value, dt.date):
            return value
        else:
            self.wrong(("date",), "a TOML date like 2026-12-01, without quotes", value)
        return dt.date(1970, 1, 1)

    def credits(self, data: dict) -> dict[str, str]:
        credits = self.table(data, "credits")
        for role, name in credits.items():
            if isinstance(name, bool) or not isinstance(name, str | int):
                self.wrong(("credits", role), 'a name in quotes, e.g. "林晓"', name)
        return {str(k): str(v) for k, v in credits.items()}

    def pages(self, data: dict, section: str) -> list[PageSlot]:
        pages = data.get("pages")
        how = "one [[pages]] table (double brackets) per page, each with number = …"
        if not pages:
            self.error(("pages",), f"no pages: add {how}")
            return []
        if isinstance(pages, dict):
            self.error(("pages",), f"[pages] is a single table; write {how}")
            return []
        if not isinstance(pages, list) or not all(isinstance(p, dict) for p in pages):
            self.error(("pages",), f"pages must be {how}, not pages = {_shown(pages)}")
            return []
        slots = [self.page(p, k, section) for k, p in enumerate(pages)]
        if all(slots):
            self.order([s.number for s in slots])
        return [s for s in slots if s]

    def page(self, page: dict, k: int, section: str) -> PageSlot | None:
        self.unknown(page, ("pages", k), PAGE_KEYS)
        name = self.string(page, ("pages", k, "section"), section)
        number = page.get("number")
        if number is None:
            self.error(("pages", k), f"[[pages]] #{k + 1} has no number; add number = …")
        elif isinstance(number, bool) or not isinstance(number, int):
            self.wrong(
                ("pages", k, "number"), "a page number (版次) like 4, without quotes", number
            )
        elif number < 1:
            self.wrong(("pages", k, "number"), "a page number of 1 or more", number)
        else:
            return PageSlot(number, name)
        return None

    def order(self, numbers: list[int]) -> None:
        """Page numbers are unique and follow each other; a two-page spread starts left."""
        for k, n in enumerate(numbers):
            where = ("pages", k, "number")
            if n in numbers[:k]:
                first = self.lines.line(("pages", numbers.index(n), "number"))
                also = f" (also at line {first})" if first != self.lines.line(where) else ""
                self.error(
                    where,
                    f"page {n} is given twice{also}; each [[pages]] table needs its own number",
                )
            elif k and n != numbers[k - 1] + 1:
                self.error(
                    where,
                    f"page {n} does not follow page {numbers[k - 1]}; a story "
                    "runs on consecutive pages, listed in order",
                )
        if len(numbers) == 2 and numbers[0] % 2 and numbers[1] == numbers[0] + 1:
            self.error(
                ("pages", 0, "number"),
                f"pages {numbers[0]} and {numbers[1]} do not "
                "face each other: a spread starts on an even (left) page, e.g. 4 and 5",
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
