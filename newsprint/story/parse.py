"""Read desk copy (the house Markdown-ish format) into the story model.

markdown-it-py gives the block structure and source lines; the roles come from
the desk's markers (docs/COPY_FORMAT.md). Copy that fits no role is kept as
body text with a warning naming its line: the tool never drops words.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token

from newsprint.errors import Finding, UserError
from newsprint.story.model import Article, DataBox, Note, Para, Photo, Section, Story, Testimony

SECTION_RE = re.compile(r"^(\d{1,2})\s*[.．、]\s*(.+)$")
TESTIMONY_RE = re.compile(r"^一线见证\s*(.*)$")
SPEAKER_RE = re.compile(r"^讲述人\s*[:：]\s*([^(（]+?)\s*(?:[(（](.+)[)）])?\s*$")
PHOTO_RE = re.compile(r"^(?P<caption>.+?)\s*[(（](?P<credit>[^()（）]{1,20}摄)[)）]\s*$")
NOTE_LABELS = {"编者按", "编者的话", "编后"}
REPORT_LABELS = {"报告解读"}
CONTROL_NAMES = {0x00: "NULL", 0x07: "BELL", 0x08: "BACKSPACE", 0x0B: "LINE TABULATION"}
CONTROL_NAMES |= {0x0C: "FORM FEED", 0x1B: "ESCAPE", 0x7F: "DELETE"}
BYLINE_RE = re.compile(
    r"^(?:(?:本报记者|记者|通讯员)\s*)?[\u4e00-\u9fff·]{2,4}(?:\s+[\u4e00-\u9fff·]{2,4})*$"
)


@dataclass
class Block:
    """One block of the copy: a heading (level 1–6), a paragraph or a list."""

    kind: str  # "heading" | "para" | "list" | "other"
    text: str
    line: int  # 1-based line in the copy
    level: int = 0
    items: list[Para] = field(default_factory=list)


def read_copy(path: Path) -> str:
    """Read a copy file; every way it can be unusable is a plain error naming it."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise UserError(f"{path}: no such file; check the path of the story") from None
    except OSError as exc:
        raise UserError(f"{path}: cannot read: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UserError(
            f"{path}: not UTF-8 (byte {exc.start}); save the copy as UTF-8 and try again"
        ) from None
    if not text.strip():
        raise UserError(f"{path}: the copy is empty; nothing to typeset")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _inline_text(token: Token, line: int, notes: list[tuple[int, str, str]]) -> str:
    """Plain text of an inline token: soft breaks join without space (Chinese prose).

    A link keeps its text and an image its description (the tool never drops words);
    each is noted in `notes` as (line, message, rule) at the line it is on.
    """
    parts, at = [], line
    for child in token.children or []:
        if child.type in ("softbreak", "hardbreak"):
            parts.append("")
            at += 1
        elif child.type in ("text", "code_inline", "html_inline"):
            parts.append(child.content)
        elif child.type == "link_open" and child.markup != "autolink":
            notes.append((at, _link_message(token, child), "link"))
        elif child.type == "image":
            parts.append(child.content or "")
            src = child.attrs.get("src", "")
            notes.append(
                (
                    at,
                    f"image ![{child.content}]({src}) in the copy: pictures come "
                    "from the edition file's [photo] file, not the copy; its "
                    "description is set as text",
                    "image",
                )
            )
    return "".join(parts).strip()


def _link_message(token: Token, link: Token) -> str:
    children = token.children or []
    start = children.index(link) + 1
    end = next(k for k in range(start, len(children)) if children[k].type == "link_close")
    text = "".join(c.content for c in children[start:end])
    href = link.attrs.get("href", "")
    return (
        f"link [{text}]({href}): its text is set, the address {href} is dropped "
        "(a printed page cannot link); write the address out if readers need it"
    )


def control_characters(text: str, source: str) -> tuple[str, list[Finding]]:
    """The text without control characters, and an error for each line that had some.

    Markdown-it turns NUL into U+FFFD and the font check would name that, or a code
    point the desk cannot see: the desk gets each character's real code point here.
    """
    findings, kept = [], []
    for number, line in enumerate(text.split("\n"), 1):
        bad = [c for c in line if unicodedata.category(c) == "Cc" and c not in "\t\r"]
        if bad:
            names = ", ".join(
                f"U+{ord(c):04X} {CONTROL_NAMES.get(ord(c), 'control character')}"
                for c in dict.fromkeys(bad)
            )
            message = (
                f"control character(s) {names} in the copy (invisible in most editors; "
                "a broken export or a wrong encoding?); delete them and save again"
            )
            findings.append(Finding("error", message, source, number, "control-character"))
            line = "".join(c for c in line if c not in bad)
        kept.append(line)
    return "\n".join(kept), findings


HTML_TAGS = (
    "a|abbr|b|big|blockquote|body|br|center|code|div|em|font|h[1-6]|head|hr|html|i|iframe|"
    "img|li|link|meta|ol|p|pre|s|script|small|span|strike|strong|style|sub|sup|table|tbody|"
    "td|th|tr|u|ul"
)
HTML_RE = re.compile(rf"<!--.*?-->|</?(?:{HTML_TAGS})(?:\s[^<>]*)?/?>", re.I)
LONG_MARKER_RE = re.compile(r"^ {0,3}(#{7,})\s")
NO_SPACE_RE = re.compile(r"^ {0,3}(#{1,6})([^#\s].{0,39})$")


def markup_mistakes(text: str, source: str) -> list[Finding]:
    """Markup the house format does not read, which would print as written: HTML left by
    a CMS export (“<strong>”, “<br>”), and heading markers a heading does not start with
    (seven #, or no space after them: “###编者按”). Errors at their lines: the page would
    show the marks. A topic in #…# (“#荷塘答卷#”) is text."""
    findings = []
    for number, line in enumerate(text.split("\n"), 1):
        tags = list(dict.fromkeys(m.group(0) for m in HTML_RE.finditer(line)))
        if tags:
            shown = "、".join(f"“{t if len(t) <= 30 else t[:30] + '…'}”" for t in tags[:3])
            message = (
                f"HTML {shown} in the copy (a CMS export?): the house format has no HTML "
                "and the page would print it as written; delete it (a less-than sign "
                "written ＜ is set as text)"
            )
            findings.append(Finding("error", message, source, number, "html"))
        long_marker = LONG_MARKER_RE.match(line)
        no_space = NO_SPACE_RE.match(line)
        if long_marker:
            message = (
                f"“{line.strip()[:20]}” starts with {len(long_marker.group(1))} #: a heading "
                "takes 1 to 6 (### for a section label) and this would print as written"
            )
            findings.append(Finding("error", message, source, number, "heading-marker"))
        elif no_space and "#" not in no_space.group(2):
            marks, rest = no_space.groups()
            message = (
                f"“{line.strip()}” looks like a heading without the space after its #: "
                f"write “{marks} {rest.strip()}”, or it prints as written"
            )
            findings.append(Finding("error", message, source, number, "heading-marker"))
    return findings


def blocks_of(text: str, notes: list[tuple[int, str, str]] | None = None) -> list[Block]:
    """Flatten markdown-it's token stream into the blocks the roles are read from.

    Links and images found on the way are noted in `notes` (line, message, rule).
    """
    notes = [] if notes is None else notes
    tokens = MarkdownIt("commonmark", {"html": False}).parse(text)
    blocks: list[Block] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        line = (tok.map[0] + 1) if tok.map else 0
        if tok.type == "heading_open":
            text = _inline_text(tokens[i + 1], line, notes)
            blocks.append(Block("heading", text, line, int(tok.tag[1])))
            i += 3
        elif tok.type == "paragraph_open":
            blocks.append(Block("para", _inline_text(tokens[i + 1], line, notes), line))
            i += 3
        elif tok.type in ("bullet_list_open", "ordered_list_open"):
            depth, items = 0, []
            while True:
                t = tokens[i]
                depth += (
                    t.nesting
                    if t.type.endswith("list_open") or t.type.endswith("list_close")
                    else 0
                )
                if t.type == "inline":
                    at = t.map[0] + 1 if t.map else line
                    items.append(Para(_inline_text(t, at, notes), at))
                if depth == 0:
                    break
                i += 1
            blocks.append(Block("list", "", line, items=items))
            i += 1
        elif tok.type in ("fence", "code_block", "html_block"):
            blocks.append(Block("other", tok.content.strip(), line))
            i += 1
        elif tok.type == "blockquote_open":
            i += 1  # its paragraphs come through as blocks; the quote mark is noted
            blocks.append(Block("other", "", line))
        else:
            i += 1
    return [b for b in blocks if b.text or b.items or b.kind == "list"]


def parse_story(path: Path) -> tuple[Story, list[Finding]]:
    """Parse one copy file into a Story and the findings the desk should read."""
    text = read_copy(path)
    return parse_text(text, str(path))


@dataclass
class _Open:
    """Where the parser is in the story: the containers the next block may join."""

    story: Story
    findings: list[Finding]
    art: Article | None = None
    section: Section | None = None
    testimony: Testimony | None = None
    note: Note | None = None
    pending_kicker: Para | None = None
    pending_label: Para | None = None

    def warn(self, line: int, message: str, rule: str = "unplaced") -> None:
        self.findings.append(Finding("warning", message, self.story.source, line, rule))

    def new_article(self, headline: Para) -> Article:
        self.art = Article(headline=headline, kicker=self.pending_kicker, label=self.pending_label)
        self.story.articles.append(self.art)
        self.section = self.testimony = self.note = None
        self.pending_kicker = self.pending_label = None
        return self.art

    def article(self, line: int) -> Article:
        """The open article, or a new one without a headline for copy that has none."""
        return self.art or self.new_article(Para("", line))

    def body(self, para: Para) -> None:
        """Attach a paragraph to the innermost open container."""
        if self.testimony is not None:
            self.testimony.paragraphs.append(para)
        elif self.note is not None:
            self.note.paragraphs.append(para)
        elif self.section is not None:
            self.section.paragraphs.append(para)
        else:
            self.article(para.line).lead.append(para)

    def unplaced(self, para: Para, message: str) -> None:
        self.warn(para.line, message)
        para.unplaced = True
        self.body(para)


def _heading(at: _Open, block: Block, nxt: Block | None) -> None:
    para = Para(block.text, block.line)
    if block.level == 1 and not at.story.articles and at.pending_kicker is None:
        at.pending_kicker = para
    elif block.level in (1, 2):
        at.new_article(para)
    elif block.text in NOTE_LABELS and at.art is not None:
        at.note, at.section, at.testimony = Note(label=para), None, None
        at.art.note = at.note
    elif m := SECTION_RE.match(block.text):
        art = at.article(block.line)  # first: opening an article closes its containers
        at.section = Section(number=m.group(1), title=Para(m.group(2), block.line))
        art.sections.append(at.section)
        at.testimony = at.note = None
    elif m := TESTIMONY_RE.match(block.text):
        art = at.article(block.line)
        if at.section is None:
            at.section = Section(number="", title=Para("", block.line))
            art.sections.append(at.section)
        at.testimony = Testimony(title=Para(m.group(1), block.line))
        at.section.testimonies.append(at.testimony)
        at.note = None
    elif block.text in REPORT_LABELS and at.section is not None:
        at.section.label = para
        at.testimony = None
    elif nxt is not None and nxt.kind == "list":
        at.story.databox = DataBox(title=para)
        at.section = at.testimony = at.note = None
    elif nxt is not None and nxt.kind == "heading" and nxt.level <= 2:
        at.pending_label = para
    else:
        at.unplaced(para, f"heading {block.text!r} has no known role; set as body text")


def _paragraph(at: _Open, block: Block, nxt: Block | None) -> None:
    para = Para(block.text, block.line)
    art = at.art
    fresh = art is not None and not (art.note or art.sections or art.lead)
    if fresh and block.text.startswith("——") and art.deck is None:
        art.deck = para
    elif fresh and not art.bylines and BYLINE_RE.match(block.text):
        art.bylines, art.byline_line = block.text.split(), block.line
    elif (m := SPEAKER_RE.match(block.text)) and at.testimony is not None:
        at.testimony.speaker_name = m.group(1).strip()
        at.testimony.speaker_role = (m.group(2) or "").strip()
        at.testimony.speaker_line = block.line
    elif nxt is None and (m := PHOTO_RE.match(block.text)):
        at.story.photo = Photo(
            caption=Para(m.group("caption"), block.line), credit=m.group("credit")
        )
    else:
        at.body(para)


def _list(at: _Open, block: Block) -> None:
    databox = at.story.databox
    if databox is not None and not databox.items:
        databox.items = block.items
        return
    at.warn(block.line, "list outside a data box; set as body text")
    for item in block.items:
        item.unplaced = True
        at.body(item)


def parse_text(text: str, source: str) -> tuple[Story, list[Finding]]:
    """The story in `text` (named `source` in messages), block by block in copy order."""
    text, errors = control_characters(text, source)
    errors += markup_mistakes(text, source)
    at = _Open(Story(source=source), errors)
    notes: list[tuple[int, str, str]] = []
    blocks = blocks_of(text, notes)
    for line, message, rule in notes:
        at.warn(line, message, rule)
    for n, block in enumerate(blocks):
        nxt = blocks[n + 1] if n + 1 < len(blocks) else None
        if block.kind == "heading":
            _heading(at, block, nxt)
        elif block.kind == "list":
            _list(at, block)
        elif block.kind == "para":
            _paragraph(at, block, nxt)
        elif block.text:
            at.unplaced(
                Para(block.text, block.line),
                "block (code, HTML or quote) has no role; set as body text",
            )
    orphan = at.pending_kicker or at.pending_label
    if orphan is not None:
        at.unplaced(orphan, f"heading {orphan.text!r} is not followed by a headline; set as body")
    if not at.story.articles:
        raise UserError(f"{source}: no headline or text found; is this desk copy?")
    return at.story, at.findings
