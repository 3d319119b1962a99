"""Total-fit line breaking for Chinese text (Knuth–Plass over the whole paragraph).

First-fit fills each line as full as it goes and leaves the next one whatever is
left: in a narrow measure one unbreakable run ("2020年3月", "45天，") then spreads
a line by most of an em. Here every way of breaking the paragraph is weighed at
once and the one with the least total demerits wins, so a line takes a character
less so that the next need not be loose. CJK text can break almost anywhere, so
each line start has only the few ends near the measure to weigh: cheap.

Lines may also shrink (clreq's order): a mark's blank half compressed, a line-end
mark set half-width, a Han–Latin gap down to ⅛ em; and stretch: between
characters, a Han–Latin gap up to ⅓ em. Where every breaking leaves a line over
the loose limits, the paragraph is broken again letting a line be set tight (紧排):
its gaps between CJK characters closed by up to hanzi.TIGHT_EM each, after its
marks, at the cost of a line just over the limit. A line whose only stretch would be
letter-spacing figures or Latin is the worst of all, and never chosen while any
other break exists; a break inside a short quoted term (“千亿级”) costs as much as a
line at the limit. Everything is integers (Pango units) and ties break on the
earlier position: the same input always gives the same lines.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from newsprint.hanzi import LOOSE_EM, MAX_GAP_EM, MIN_OPPORTUNITIES, TIGHT_EM

LOOSE = LOOSE_EM  # em between characters that starts to cost (the report's limit)
WORST = MAX_GAP_EM  # em past which a line costs more than any other choice
HL_STRETCH = 83  # thousandths of an em a Han–Latin gap may grow (¼ → ⅓)
HL_SHRINK = 125  # … and shrink (¼ → ⅛)
MARK_SHRINK = 500  # a mark's blank half, mid-line: down to half width (clreq, jlreq)
LINE_PENALTY = 10
ORPHAN = 10**9  # a paragraph ending on one character
LETTER_SPACED = 10**8  # a line only letter-spacing could fill
TOO_LOOSE = 10**6
# A line over its own limit (LOOSE, or WORST where it has fewer than MIN_OPPORTUNITIES
# places to break, as the report judges it): worth as much as several lines just
# within it, so the loose lines are as few as the paragraph allows.
OVER_LIMIT = 10**5
# A break inside a short quoted term (“千/亿级”): allowed, but worth as much to avoid
# as a line at the 0.15 em limit.
QUOTED_TERM = (LINE_PENALTY + 100) ** 2
QUOTED_TERM_MAX = 6  # characters between the quotes
TIGHT = round(TIGHT_EM * 1000)  # thousandths of an em a tight line's gap may close


@dataclass(frozen=True)
class Metrics:
    """The paragraph as the breaker sees it, all widths in Pango units."""

    text: str
    advances: list[int]
    gaps: list[int]  # fixed change of gap i|i+1 (compressed pair, ¼ em Han–Latin)
    trims: list[int]  # negative: a line-end mark set half-width
    breaks: list[bool]  # may a line end before position k (0..n)
    elastic: list[bool]  # gap i|i+1 takes justification slack
    han_latin: list[bool]  # gap i|i+1 is a Han–Latin gap
    shrink: list[int]  # how far the advance of character i may shrink mid-line (≥ 0)
    em: int  # one em
    body: list[bool]  # characters that count for 孤字
    penalty: list[int] | None = None  # demerits of a break before position k (0..n)
    # How far the first character may shrink on the paragraph's first line: an opening
    # mark's blank half after the indent (clreq 3.1.6.2, “ set at the indent).
    lead: int = 0
    # gap i|i+1 may close by TIGHT on a tight line: between two CJK characters, not a
    # compressed pair nor inside ——/……; None: no gap may
    tight: list[bool] | None = None

    def prefix(self):
        n = len(self.text)
        adv, gap, ela, hl, shr, body = [0], [0, 0], [0, 0], [0, 0], [0], [0]
        brk = [0]
        for i in range(n):
            brk.append(brk[-1] + self.breaks[i])
            adv.append(adv[-1] + self.advances[i])
            shr.append(shr[-1] + self.shrink[i])
            body.append(body[-1] + self.body[i])
            if i + 1 < n:
                gap.append(gap[-1] + self.gaps[i])
                ela.append(ela[-1] + self.elastic[i])
                hl.append(hl[-1] + self.han_latin[i])
        return adv, gap, ela, hl, shr, body, brk


def _ends(text: str) -> list[int]:
    """ends[k]: where text[:k] ends once trailing spaces are dropped."""
    ends = [0] * (len(text) + 1)
    for k in range(1, len(text) + 1):
        ends[k] = ends[k - 1] if text[k - 1] == " " else k
    return ends


class _Lines:
    """The cost of setting text[i:k] as one line of a given measure."""

    def __init__(self, m: Metrics):
        self.m = m
        self.adv, self.gap, self.ela, self.hl, self.shr, self.body, self.brk = m.prefix()
        self.ends = _ends(m.text)
        self.n = len(m.text)
        self.tight = [0]  # prefix count of the gaps that may close (0: none may)
        for flag in m.tight or []:
            self.tight.append(self.tight[-1] + flag)
        self.tight_ok = False  # the second pass: tight lines allowed
        # no line of c characters is wider than c × widest (a character and its gap), so
        # candidates() skips the ends too short to weigh; last_break[k]: the last break
        # at or before k (0: none), the fullest of those it skipped
        gaps = m.gaps[: self.n - 1] or [0]
        self.widest = max(m.advances, default=0) + max(0, max(gaps))
        self.last_break = [0] * (self.n + 1)
        for k in range(1, self.n):
            self.last_break[k] = k if m.breaks[k] else self.last_break[k - 1]
        self.over: set[tuple[int, int]] = set()  # lines costed over their limit

    def width(self, i: int, e: int) -> int:
        if e <= i:
            return 0
        return self.adv[e] - self.adv[i] + self.gap[e] - self.gap[i + 1]

    def cost(self, i: int, k: int, measure: int, last: bool) -> tuple[float, bool] | None:
        """(demerits, trim the line-end mark) of text[i:k] on one line, None if it cannot.

        Here and in candidates, a line's width (width()) and how far a tight line may
        close up are written out: these loops run 100 000 times a story, and on CPython
        3.11 a call that lands on a boundary of the interpreter's frame stack maps and
        unmaps a chunk each time (the make-up's measuring document reached one: 1.1 s of
        its 1.6 s in these calls)."""
        m, e = self.m, self.ends[k]
        if e <= i:
            return None
        width = self.adv[e] - self.adv[i] + self.gap[e] - self.gap[i + 1]
        # shrinkable inside the line: marks before its last character, Han–Latin gaps
        hl = self.hl[e] - self.hl[i + 1]
        shrink = self.shr[e - 1] - self.shr[i] + hl * HL_SHRINK * m.em // 1000
        shrink += m.lead if i == 0 else 0
        trim = False
        if width > measure and m.trims[e - 1]:
            width, trim = width + m.trims[e - 1], True
        slack = measure - width
        if slack < 0:
            if -slack <= shrink:
                ratio = -slack / shrink
                return (LINE_PENALTY + 20 + 100 * ratio**3) ** 2, trim
            room = 0  # a tight line's: its gaps between CJK characters closing up
            if self.tight_ok:
                room = (self.tight[e - 1] - self.tight[i]) * TIGHT * m.em // 1000
            if -slack - shrink > room:
                return None
            # tight: dearer than any line within the loose limit, cheaper than any over it
            ratio = (-slack - shrink) / room
            return OVER_LIMIT + (LINE_PENALTY + 100 * ratio**3) ** 2, trim
        if last:
            orphan = self.body[self.n] - self.body[i] == 1 and i > 0
            return (ORPHAN if orphan else LINE_PENALTY**2), trim
        gaps = self.ela[e] - self.ela[i + 1]
        hl_room = hl * HL_STRETCH * m.em / 1000
        if gaps == 0:
            if slack <= hl_room:
                return (LINE_PENALTY + 100 * (slack / max(hl_room, 1)) ** 3) ** 2, trim
            self.over.add((i, k))
            return LETTER_SPACED * (1 + slack / m.em), trim  # each em of slack a line worse
        per = slack / (gaps + hl)
        if hl and per * 1000 > HL_STRETCH * m.em:
            per = (slack - hl_room) / gaps
        ems = per / m.em
        demerits = (LINE_PENALTY + 100 * (ems / LOOSE) ** 3) ** 2
        opportunities = self.brk[e] - self.brk[i + 1]  # breaks inside the line
        if ems > (LOOSE if opportunities >= MIN_OPPORTUNITIES else WORST):
            demerits += OVER_LIMIT
            self.over.add((i, k))
        if ems > WORST:
            demerits += TOO_LOOSE * (1 + ems)
        return demerits, trim

    def candidates(self, i: int, measure: int, whole: bool) -> list[int]:
        """Line ends from i worth weighing: those within 3 em of the measure that may fit
        (shrunk if need be), the fullest that fits without shrinking, or else the first."""
        m, found, fullest = self.m, [], None
        adv, gap, shr, ends, tight, n = self.adv, self.gap, self.shr, self.ends, self.tight, self.n
        close = TIGHT * m.em if self.tight_ok else 0  # a tight line's room, per gap × 1000
        start = i + 1
        short = measure - 3 * m.em  # narrower than this: only the fullest counts
        if short > 0 and self.widest > 0:
            skip = min((short - 1) // self.widest, n - i - 1)  # all narrower than short
            if skip > 0:
                start = i + skip + 1
                if self.last_break[start - 1] > i:
                    fullest = self.last_break[start - 1]
        for k in range(start, n + 1):
            if not (m.breaks[k] if k < n else whole):
                continue
            e = ends[k]
            width = adv[e] - adv[i] + gap[e] - gap[i + 1] if e > i else 0
            room = shr[k] - shr[i]
            if close:
                room += (tight[e - 1] - tight[i]) * close // 1000
            if width - room - m.em > measure:
                break
            if width <= measure:
                fullest = k
            if width >= measure - 3 * m.em:
                found.append(k)
            elif not found and fullest is None:
                fullest = k
        if fullest is not None and fullest not in found:
            found.insert(0, fullest)
        return found or self.first_break(i, whole)

    def first_break(self, i: int, whole: bool) -> list[int]:
        for k in range(i + 1, self.n + 1):
            if self.m.breaks[k] if k < self.n else whole:
                return [k]
        return []


def choose(m: Metrics, first: int, measure: int, whole: bool, open_end: bool = False):
    """The paragraph's breaks: [(end, trim)] per line, the first line `first` wide and
    the others `measure`. When the text is not `whole` its end is not a paragraph end.
    `open_end`: the text is the first piece of a paragraph cut at a line by the make-up
    (it runs on in the next column); its last line is costed as any other, so the piece
    keeps the breaks the whole paragraph had.

    Backward dynamic programme: best[i] is the least demerits of setting text[i:],
    so the answer for any suffix is already known (linebreak asks line by line). Run
    again with tight lines allowed where the breaking found has a line over its limit.
    """
    lines = _Lines(m)
    step = _programme(lines, m, first, measure, whole, open_end)
    if m.tight and _over(lines, step):
        lines.tight_ok = True
        step = _programme(lines, m, first, measure, whole, open_end)
    return step


def _over(lines: _Lines, step) -> bool:
    """Does the breaking from the paragraph's start have a line over its limit?"""
    i = 0
    while i < lines.n and step[i] is not None:
        k = step[i][0]
        if (i, k) in lines.over:
            return True
        i = k
    return i < lines.n


def _programme(lines: _Lines, m: Metrics, first: int, measure: int, whole, open_end):
    n = lines.n
    best: list[float] = [math.inf] * (n + 1)
    step: list[tuple[int, bool] | None] = [None] * (n + 1)
    best[n] = 0.0
    for i in range(n - 1, -1, -1):
        if i and not m.breaks[i]:
            continue
        width = first if i == 0 else measure
        for k in lines.candidates(i, width, whole):
            found = lines.cost(i, k, width, k == n and whole and not open_end)
            if found is None or best[k] == math.inf:
                continue
            total = found[0] + best[k] + (m.penalty[k] if m.penalty else 0)
            if total < best[i]:
                best[i], step[i] = total, (k, found[1])
        if step[i] is None:  # nothing fits: the shortest line, overflowing
            for k in lines.first_break(i, whole):
                lines.over.add((i, k))
                trim = bool(m.trims[lines.ends[k] - 1])
                best[i], step[i] = TOO_LOOSE * 10 + best[k], (k, trim)
    return step


def quoted_terms(text: str) -> list[int]:
    """QUOTED_TERM before each position inside a short term in quotes (“千亿级”), 0
    elsewhere: n + 1 entries."""
    penalty = [0] * (len(text) + 1)
    for match in re.finditer(f"[“‘「『]([^“”‘’「」『』]{{2,{QUOTED_TERM_MAX}}})[”’」』]", text):
        for k in range(match.start(1) + 1, match.end(1)):
            penalty[k] = QUOTED_TERM
    return penalty


def first_fit(m: Metrics, first: int, measure: int, whole: bool):
    """Line by line, each as full as it goes (a line-end mark pushed in at half width):
    what newsprint did before total fit, kept for `make bench` to compare against."""
    lines = _Lines(m)
    step: list[tuple[int, bool] | None] = [None] * (lines.n + 1)
    for i in range(lines.n):
        if i and not m.breaks[i]:
            continue
        width, best = first if i == 0 else measure, None
        for k in lines.candidates(i, width, whole) or lines.first_break(i, whole):
            e = lines.ends[k]
            trimmed = lines.width(i, e) + (m.trims[e - 1] if e > i else 0)
            if lines.width(i, e) <= width or trimmed <= width or best is None:
                best = (k, lines.width(i, e) > width)
        step[i] = best
    return step


def chain(step, start: int = 0) -> list[tuple[int, bool]]:
    """The lines from `start`, as choose() left them."""
    out, i = [], start
    while i < len(step) - 1 and step[i] is not None:
        out.append(step[i])
        i = step[i][0]
    return out
