"""Typography report: measure a PDF's Chinese line composition from its glyph positions.

The rules (W3C clreq) are defined once, in newsprint.hanzi: newsprint.clreq sets
text by them, this module checks the PDF by them. Lines are rebuilt from the glyphs
(preflight/glyphs.py: pdfplumber's char fields, read with qpdf), grouped by baseline,
split at column gutters, and chained into columns (lines a pitch apart whose left
edges agree, or differ by a first-line indent). In a column, a line followed by an
indented line, or the column's last line, ends a paragraph: all others must be
flush with both edges. A glyph's box is its font advance, so a line-end mark set
half-width shows up as overhanging by ½ em; that is accepted as flush. A Han–Latin
gap is measured in ems of the pair's size, or, where the two differ, of the line's
Chinese text (linebreak.gap_points sets it so).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from itertools import pairwise

from newsprint.config import TYPOGRAPHY_RULES
from newsprint.hanzi import (
    CLOSING,
    INSEPARABLE,
    NO_END,
    NO_START,
    OPENING,
    PUNCT,
    han_latin,
    is_body,
    is_cjk,
    is_han,
)
from newsprint.preflight import headbreaks, roles
from newsprint.preflight.glyphs import glyph_pages
from newsprint.preflight.pdflines import SPACES, TOLERANCE, Line, columns, lines_of_page

HAN_LATIN_RANGE = (0.125, 0.333)  # em: ¼ em, shrunk to ⅛ or stretched to ⅓ (clreq)


@dataclass
class Report:
    pages: int = 0
    lines: int = 0
    lines_checked: int = 0
    not_flush: int = 0
    worst_deviation: float = 0.0
    bad_starts: int = 0
    bad_ends: int = 0
    split_pairs: int = 0
    split_units: int = 0
    pairs: int = 0
    pairs_uncompressed: int = 0
    han_latin: int = 0
    han_latin_bad: int = 0
    orphans: int = 0
    injected_spaces: int = 0
    grid_lines: int = 0  # body lines whose baseline was checked against the page's grid
    off_grid: int = 0
    copy_text: str = ""  # the story's own text: a space the copy has is not injected
    examples: list[str] = field(default_factory=list)
    places: list[tuple[str, int, str, str]] = field(default_factory=list)
    roles: roles.RoleFigures = field(default_factory=roles.RoleFigures)
    headings: headbreaks.Headings = field(default_factory=headbreaks.Headings)

    def faults(self) -> dict[str, int]:
        """Each rule's count of faults, by the name newsprint.toml [typography] uses."""
        return {
            "not-flush": self.not_flush,
            "prohibited-breaks": self.bad_starts + self.bad_ends,
            "split-units": self.split_pairs + self.split_units,
            "uncompressed": self.pairs_uncompressed,
            "han-latin": self.han_latin_bad,
            "orphans": self.orphans,
            "injected-spaces": self.injected_spaces,
            "off-grid": self.off_grid,
            "loose-lines": self.roles.loose,
            "tight-lines": self.roles.tight,
            "letter-spaced": self.roles.letter_spaced,
            "narrow-quotes": self.roles.narrow_quotes,
            "heading-breaks": self.headings.inside_phrase + self.headings.short_last,
        }

    @property
    def ok(self) -> bool:
        """Every rule holds."""
        return not any(self.faults().values())

    def failed(self, errors) -> bool:
        """A rule that `errors` (newsprint.toml [typography]) names is broken."""
        return any(count for rule, count in self.faults().items() if rule in errors)

    def fail(self, kind: str, line: Line, detail: str = "") -> None:
        if len(self.examples) < 20:
            self.examples.append(f"p{line.page} {kind}: {line.text[:30]!r} {detail}".rstrip())
            self.places.append((kind, line.page, line.text, detail))

    def all_places(self) -> list[tuple[str, int, str, str]]:
        """(kind, page, line text, detail) of the faults found, 20 at most of each part."""
        return self.places + self.roles.places + self.headings.places


def _check_column(chain: list[Line], report: Report, heads: frozenset = frozenset()) -> None:
    """The rules of justified text over one column; lines of a heading (`heads`, ids)
    are set line by line, not justified: each is checked like a paragraph's last."""
    left = min(line.x0 for line in chain)
    for line in chain:
        line.indented = line.x0 - left > TOLERANCE
    lasts = [
        i + 1 == len(chain) or chain[i + 1].indented or id(chain[i]) in heads
        for i in range(len(chain))
    ]
    # The right edge from the lines that must reach it, not from a short last line.
    full = [line for line, last in zip(chain, lasts, strict=True) if not last] or chain
    plain = [line.chars[-1]["x1"] for line in full if line.chars[-1]["text"] not in CLOSING]
    right = max(plain) if plain else max(min(line.right_edges()) for line in full)
    edged = not all(lasts)  # the right edge comes from lines that must reach it
    for i, line in enumerate(chain):
        following = chain[i + 1] if i + 1 < len(chain) else None
        last = lasts[i]
        first = i == 0 or line.indented
        text = line.text
        if not first and text[0] in NO_START:
            report.bad_starts += 1
            report.fail("prohibited start", line)
        if not last and text[-1] in NO_END:
            report.bad_ends += 1
            report.fail("prohibited end", line)
        if not last and following is not None:
            nxt = following.text
            if text[-1] in INSEPARABLE and nxt[0] == text[-1] and not text.endswith(text[-1] * 2):
                report.split_pairs += 1
                report.fail("split pair", line)
            if text[-1].isdigit() and is_han(nxt[0]):
                report.split_units += 1
                report.fail("number split from unit", line)
        # a column's foot that reaches the right edge may run on at the next column's
        # head (a testimony's inner columns): judged as justified, loose or not
        runs_on = (
            following is None
            and id(line) not in heads
            and edged
            and _off_edge(line, right) <= TOLERANCE
        )
        roles.measure_line(line, not last or runs_on, report.roles, line.page)
        if last and not first and sum(map(is_body, text)) == 1:
            report.orphans += 1
            report.fail("孤字", line)
        if last:
            continue
        report.lines_checked += 1
        deviation = _off_edge(line, right)
        if not line.indented:
            deviation = max(deviation, abs(line.x0 - left))
        report.worst_deviation = max(report.worst_deviation, deviation)
        if deviation > TOLERANCE:
            report.not_flush += 1
            report.fail("not flush", line, f"by {deviation:.2f} pt")


def _off_edge(line: Line, right: float) -> float:
    """How far the line's end is from the column's right edge (a closing mark may end it
    half-width)."""
    return min(abs(edge - right) for edge in line.right_edges())


def _in_copy(chars: list[dict], start: int, end: int, copy_text: str) -> bool:
    """Are chars[start:end] neighbours in the copy, as printed?"""
    return "".join(c["text"] for c in chars[max(0, start) : end]) in copy_text


def _runs_on_in_copy(chars: list[dict], k: int, copy_text: str) -> bool:
    """Do chars[k] and chars[k + 1] run on, to be judged as a Han–Latin pair? Not a label
    in another face and the text after it (the note's 编者按, then its first figure),
    which are not neighbours in the copy: the design's margin is their gap. Text of one
    face, the running head's dates too, is always judged."""
    if not copy_text or chars[k]["fontname"] == chars[k + 1]["fontname"]:
        return True
    return _in_copy(chars, k - 1, k + 3, copy_text)


def _check_line(line: Line, report: Report) -> None:
    spacing = line.spacing()
    chars = line.chars
    for k, (a, b) in enumerate(pairwise(chars)):
        ta, tb = a["text"], b["text"]
        em = max(a["size"], b["size"])
        if ta in PUNCT and tb in PUNCT and (ta in CLOSING or tb in OPENING):
            report.pairs += 1
            if b["x0"] - a["x0"] - spacing + b["x1"] - b["x0"] > 1.6 * em:
                report.pairs_uncompressed += 1
                report.fail("pair not compressed", line, ta + tb)
        elif han_latin(ta[-1], tb[0]) and _runs_on_in_copy(chars, k, report.copy_text):
            report.han_latin += 1
            # ¼ em of the pair's size, or of the line's prevailing text where sizes differ
            same = abs(a["size"] - b["size"]) < 0.01
            gap = (b["x0"] - a["x1"]) / (a["size"] if same else line.size)
            if not HAN_LATIN_RANGE[0] - 0.01 <= gap <= HAN_LATIN_RANGE[1] + 0.01:
                report.han_latin_bad += 1
                report.fail("Han–Latin gap", line, f"{ta}{tb} {gap:.2f} em")
    for i, char in enumerate(chars):
        if char["text"] in SPACES:
            neighbours = chars[max(0, i - 1) : i] + chars[i + 1 : i + 2]
            in_copy = bool(report.copy_text) and _in_copy(chars, i - 1, i + 2, report.copy_text)
            if any(is_cjk(n["text"][0]) for n in neighbours) and not in_copy:
                report.injected_spaces += 1
                report.fail("space next to Han", line)


def _check_grid(lines: list[Line], report: Report) -> None:
    """Body lines of all columns on one baseline grid.

    Body lines are those of the smallest size and face with 20 lines or more on the
    page (else of the smallest), as roles.measure_grid reads them: a data box's cards
    in a larger Kai may outnumber the body on its page, and they are not the grid.
    The pitch is the body's most common baseline step within a column; every body
    baseline must sit on the page's common phase (within the flush tolerance).
    """

    def face(line: Line) -> str:
        return line.chars[0]["fontname"].split("+")[-1]

    kinds = Counter((line.size, face(line)) for line in lines)
    if not kinds:
        return
    many = [kind for kind, count in kinds.items() if count >= 20] or list(kinds)
    size, body_face = min(many, key=lambda kind: (kind[0], -kinds[kind]))
    body = [line for line in lines if (line.size, face(line)) == (size, body_face)]
    steps = Counter(
        round(b.baseline - a.baseline, 2) for chain in columns(body) for a, b in pairwise(chain)
    )
    if not steps:
        return
    pitch = steps.most_common(1)[0][0]
    phases = [line.baseline % pitch for line in body]
    common = Counter(round(p, 1) for p in phases).most_common(1)[0][0]
    for line, phase in zip(body, phases, strict=True):
        report.grid_lines += 1
        off = min(abs(phase - common), pitch - abs(phase - common))
        if off > TOLERANCE:
            report.off_grid += 1
            report.fail("off the baseline grid", line, f"by {off:.2f} pt")


def measure(pdf_path, copy_text: str = "") -> Report:
    """Measure every page of a PDF against the clreq rules.

    `copy_text` is the story's text (manifest.json "text"); without it every space
    next to Han counts as injected. `main` reads it from a manifest beside the PDF.
    """
    report = Report(copy_text=copy_text)
    for number, page in enumerate(glyph_pages(pdf_path), 1):
        report.pages += 1
        lines = lines_of_page(page, number)
        report.lines += len(lines)
        heads = headbreaks.heading_lines(lines)
        for chain in columns(lines):
            _check_column(chain, report, heads)
        for line in lines:
            _check_line(line, report)
        _check_grid(lines, report)
        roles.measure_grid(lines, report.roles, TOLERANCE)
        headbreaks.measure_headings(lines, report.headings, number)
    return report


def format_report(report: Report, errors=TYPOGRAPHY_RULES) -> str:
    """The figures, a row a rule: FAIL where a rule `errors` names is broken, warn where
    another is."""
    faults = report.faults()

    def mark(bad: int, rule: str = "") -> str:
        return "ok  " if not bad else "FAIL" if not rule or rule in errors else "warn"

    rows = [
        f"typography: {report.pages} page(s), {report.lines} lines",
        f"  {mark(report.not_flush)} lines flush with both edges: "
        f"{report.lines_checked - report.not_flush}/{report.lines_checked} "
        f"(worst {report.worst_deviation:.2f} pt, limit {TOLERANCE} pt)",
        f"  {mark(report.bad_starts + report.bad_ends)} prohibited line starts/ends: "
        f"{report.bad_starts}/{report.bad_ends}",
        f"  {mark(report.split_pairs + report.split_units)} split ——/……: {report.split_pairs}, "
        f"number split from unit: {report.split_units}",
        f"  {mark(report.pairs_uncompressed)} adjacent punctuation not compressed: "
        f"{report.pairs_uncompressed}/{report.pairs}",
        f"  {mark(report.han_latin_bad)} Han–Latin gaps outside "
        f"{HAN_LATIN_RANGE[0]:g}–{HAN_LATIN_RANGE[1]:g} em: "
        f"{report.han_latin_bad}/{report.han_latin}",
        f"  {mark(report.orphans)} paragraphs ending on one character (孤字): {report.orphans}",
        f"  {mark(report.off_grid)} body lines off the page's baseline grid: "
        f"{report.off_grid}/{report.grid_lines}",
        f"  {mark(report.injected_spaces)} spaces next to Han in the text: "
        f"{report.injected_spaces}",
    ]
    rows += roles.format_roles(report.roles, errors)
    rows += headbreaks.format_headings(
        report.headings, mark(faults["heading-breaks"], "heading-breaks")
    )
    rows += [f"    {example}" for example in report.examples]
    rows += [
        f"    p{page} {kind}: {text[:30]!r} {detail}".rstrip()
        for kind, page, text, detail in report.roles.places + report.headings.places
    ]
    return "\n".join(rows)
