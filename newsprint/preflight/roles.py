"""Per-role figures of the typography report: every face and size on its own.

A role is what the PDF shows: the face and size of a line's Chinese text (a ranged
quotation face counts with the face it sits in). Each role gets its own figures —
justified lines, loose lines and the worst gap between two Han characters, tight
lines (紧排) and the tightest such gap, letter-spaced figures or Latin, quotation-mark
widths and its baselines against the page's grid — so a loose testimony can never
hide behind a tight body, the fault of issue 11 where only the most common face and
size was measured.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from itertools import pairwise

from newsprint.hanzi import LOOSE_EM, MAX_GAP_EM, TIGHT_EM, is_han, is_latin, is_loose

QUOTES = frozenset("“”‘’")
LETTER_EM = 0.03  # more between two figures or letters is letter-spacing
FULL_QUOTE_EM = 0.95


@dataclass
class Role:
    """One face and size: what its lines show."""

    lines: int = 0
    justified: int = 0  # lines that must reach both edges (not a paragraph's last)
    loose: int = 0  # justified lines over the limits
    worst_gap_em: float = 0.0  # widest gap between two Han characters on a justified line
    worst_line: str = ""
    tightened: int = 0  # lines set tight: a gap between two Han characters closed up
    tight: int = 0  # … closed past TIGHT_EM
    tightest_gap_em: float = 0.0  # the narrowest gap between two Han characters (≤ 0)
    letter_spaced: int = 0  # lines with a figure or letter spaced from the next
    worst_letter_em: float = 0.0
    quotes: int = 0
    narrow_quotes: int = 0  # quotation marks narrower than a full em
    narrowest_quote_em: float = 1.0
    grid_lines: int = 0  # lines whose baseline was set against the page's grid
    on_grid: int = 0


@dataclass
class RoleFigures:
    roles: dict[str, Role] = field(default_factory=dict)
    grid_role: str = ""  # the role the page's grid was read from
    places: list[tuple[str, int, str, str]] = field(default_factory=list)

    def role(self, name: str) -> Role:
        return self.roles.setdefault(name, Role())

    @property
    def loose(self) -> int:
        return sum(r.loose for r in self.roles.values())

    @property
    def tight(self) -> int:
        return sum(r.tight for r in self.roles.values())

    @property
    def letter_spaced(self) -> int:
        return sum(r.letter_spaced for r in self.roles.values())

    @property
    def narrow_quotes(self) -> int:
        return sum(r.narrow_quotes for r in self.roles.values())

    def note(self, kind: str, page: int, line, detail: str) -> None:
        if len(self.places) < 20:
            self.places.append((kind, page, line.text, detail))


def role_of(chars: list[dict]) -> str:
    """'face size': the most common face and size of the line's Han characters."""
    han = [c for c in chars if is_han(c["text"][0])] or chars
    face, size = Counter(
        (c["fontname"].split("+")[-1].removeprefix("NP-"), round(c["size"], 1)) for c in han
    ).most_common(1)[0][0]
    return f"{face} {size:g}pt"


def han_gaps(chars: list[dict]) -> list[float]:
    """Gaps between two Han characters of one face and size, in ems: where the face
    changes (the note's sans label, then Kai) the gap is the design's margin."""
    return [
        (b["x0"] - a["x1"]) / a["size"]
        for a, b in pairwise(chars)
        if is_han(a["text"][-1])
        and is_han(b["text"][0])
        and a["fontname"] == b["fontname"]
        and abs(a["size"] - b["size"]) < 0.01
    ]


def letter_gaps(chars: list[dict]) -> list[float]:
    """Gaps inside a run of figures or Latin letters of one size, in ems."""
    return [
        (b["x0"] - a["x1"]) / a["size"]
        for a, b in pairwise(chars)
        if is_latin(a["text"][-1]) and is_latin(b["text"][0]) and abs(a["size"] - b["size"]) < 0.01
    ]


def measure_line(line, justified: bool, figures: RoleFigures, page: int) -> None:
    """Add one line of the page to its role's figures."""
    role = figures.role(role_of(line.chars))
    role.lines += 1
    for char in line.chars:
        if char["text"] in QUOTES:
            role.quotes += 1
            width = (char["x1"] - char["x0"]) / char["size"]
            role.narrowest_quote_em = min(role.narrowest_quote_em, round(width, 3))
            if width < FULL_QUOTE_EM:
                role.narrow_quotes += 1
                figures.note("narrow quote", page, line, f"{width:.2f} em")
    gaps = han_gaps(line.chars)
    tightest = min(gaps, default=0.0)
    role.tightest_gap_em = min(role.tightest_gap_em, round(tightest, 3))
    role.tightened += tightest < -0.0005
    if tightest < -TIGHT_EM - 0.0015:  # the PDF's positions, to a thousandth of an em
        role.tight += 1
        figures.note("tight line", page, line, f"{tightest:.3f} em")
    if not justified:
        return
    role.justified += 1
    worst = max(gaps, default=0.0)
    if worst > role.worst_gap_em:
        role.worst_gap_em, role.worst_line = round(worst, 3), line.text[:30]
    if is_loose(worst, line.text):
        role.loose += 1
        figures.note("loose line", page, line, f"{worst:.2f} em")
    spaced = max(letter_gaps(line.chars), default=0.0)
    role.worst_letter_em = max(role.worst_letter_em, round(spaced, 3))
    if spaced > LETTER_EM:
        role.letter_spaced += 1
        figures.note("letter-spaced", page, line, f"{spaced:.2f} em")


def measure_grid(lines, figures: RoleFigures, tolerance: float) -> None:
    """Every role's baselines against the page's grid: the pitch and phase of the
    text role with the most lines among the smallest sizes (the body type)."""
    by_role: dict[str, list] = {}
    for line in lines:
        by_role.setdefault(role_of(line.chars), []).append(line)
    if not by_role:
        return
    sized = [(float(name.rsplit(" ", 1)[1][:-2]), -len(ls), name) for name, ls in by_role.items()]
    many = [s for s in sized if -s[1] >= 20] or sized
    _, _, grid_role = min(many)
    body = sorted(by_role[grid_role], key=lambda line: line.baseline)
    steps = Counter(
        round(b.baseline - a.baseline, 2)
        for a, b in pairwise(body)
        if 0 < b.baseline - a.baseline < 2 * a.size
    )
    if not steps:
        return
    pitch = steps.most_common(1)[0][0]
    phase = Counter(round(line.baseline % pitch, 1) for line in body).most_common(1)[0][0]
    figures.grid_role = grid_role
    for name, role_lines in by_role.items():
        role = figures.role(name)
        for line in role_lines:
            off = abs(line.baseline % pitch - phase)
            role.grid_lines += 1
            role.on_grid += min(off, pitch - off) <= tolerance


def format_roles(figures: RoleFigures, errors) -> list[str]:
    """One row per role: its justified lines, loose ones and worst gap, tight ones and
    the tightest gap, spacing, quotes, grid; FAIL where a rule `errors` names is
    broken, warn where another is."""
    limits = f"{LOOSE_EM}/{MAX_GAP_EM} em, tight {TIGHT_EM} em"
    rows = [f"  roles (limits {limits}; grid from {figures.grid_role}):"]
    for name, r in sorted(figures.roles.items()):
        broken = {"loose-lines": r.loose, "tight-lines": r.tight}
        broken["letter-spaced"] = r.letter_spaced
        broken["narrow-quotes"] = r.narrow_quotes
        fail = any(count and rule in errors for rule, count in broken.items())
        bad = "FAIL" if fail else "warn" if any(broken.values()) else ""
        worst = f"{r.worst_gap_em:.2f} em" + (
            f" {r.worst_line!r}" if r.worst_gap_em > LOOSE_EM else ""
        )
        rows.append(
            f"  {bad or 'ok  '} {name}: {r.lines} lines, {r.justified} justified, "
            f"loose {r.loose} (worst {worst}), tight {r.tightened} "
            f"(tightest {r.tightest_gap_em:.3f} em, over {r.tight}), "
            f"letter-spaced {r.letter_spaced}, "
            f"quotes {r.quotes - r.narrow_quotes}/{r.quotes} full, "
            f"on grid {r.on_grid}/{r.grid_lines}"
        )
    return rows
