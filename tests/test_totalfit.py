"""Total-fit line breaking on made-up metrics: every character one em, no WeasyPrint."""

from __future__ import annotations

import dataclasses

from newsprint.clreq import linebreak, totalfit

EM = 1000


def metrics(
    text: str,
    glued: set[int] = frozenset(),
    marks: dict[int, int] | None = None,
    advance: int = EM,
):
    """Han-like text, `advance` (one em) a character; no break before the positions in
    `glued`; `marks`: position → how far that character may shrink. Every gap may be
    set tight."""
    n = len(text)
    shrink = [0] * n
    for i, amount in (marks or {}).items():
        shrink[i] = amount
    return totalfit.Metrics(
        text=text,
        advances=[advance] * n,
        gaps=[0] * n,
        trims=[0] * n,
        breaks=[k > 0 and k not in glued for k in range(n + 1)],
        elastic=[True] * (n - 1) + [False],
        han_latin=[False] * n,
        shrink=shrink,
        em=EM,
        body=[True] * n,
        tight=[True] * (n - 1) + [False],
    )


def stretch(m, lines, measure) -> list[float]:
    """Em added between characters on each line but the last."""
    out, start = [], 0
    for end, _ in lines[:-1]:
        out.append((measure - (end - start) * EM) / (end - start - 1) / EM)
        start = end
    return out


def test_a_line_takes_a_character_less_so_the_next_is_not_loose():
    # 18 characters, then a 3-character unit (no break inside), on 10 em: first-fit
    # sets 10, then 8 and 2 em over 7 gaps (0.29 em); total fit sets 9 and 9 (0.125 em).
    text = "一二三四五六七八九十" + "百千万亿兆京垓秭" + "甲乙丙" + "丁戊己庚辛壬癸子丑"
    m = metrics(text, glued={19, 20})
    lines = totalfit.chain(totalfit.choose(m, 10 * EM, 10 * EM, True))
    assert [end for end, _ in lines][:2] == [9, 18]
    assert max(stretch(m, lines, 10 * EM)) <= totalfit.LOOSE


def test_no_paragraph_ends_on_one_character():
    m = metrics("一" * 21)
    lines = totalfit.chain(totalfit.choose(m, 10 * EM, 10 * EM, True))
    ends = [end for end, _ in lines]
    assert ends[-1] == 21 and ends[-1] - ends[-2] >= 2
    assert max(stretch(m, lines, 10 * EM)) <= totalfit.LOOSE


def test_marks_shrink_rather_than_a_line_go_loose():
    # 8 characters, then a 3-character unit, on 10 em: 8 alone leaves 0.29 em between
    # characters; the two marks' blank halves (½ em each) let the unit in instead.
    text = "一二，三四，五六" + "甲乙丙" + "丁戊己庚辛壬癸子丑"
    m = metrics(text, glued={9, 10}, marks={2: EM // 2, 5: EM // 2})
    assert totalfit.chain(totalfit.choose(m, 10 * EM, 10 * EM, True))[0][0] == 11
    bare = metrics(text, glued={9, 10})
    assert totalfit.chain(totalfit.choose(bare, 10 * EM, 10 * EM, True))[0][0] == 8


def test_the_first_line_has_its_own_measure_and_suffixes_agree():
    m = metrics("一" * 40, glued={12, 13, 25})
    step = totalfit.choose(m, 8 * EM, 10 * EM, True)
    lines = totalfit.chain(step)
    assert lines[0][0] <= 8
    # asked again from the second line on, the rest is the same
    assert totalfit.chain(step, lines[0][0]) == lines[1:]


def test_the_same_paragraph_always_breaks_the_same_way():
    text = "一二三四五六七八" * 9
    m = metrics(text, glued={5, 17, 18, 30, 44, 45, 46, 60})
    runs = {tuple(totalfit.chain(totalfit.choose(m, 9 * EM, 11 * EM, True))) for _ in range(5)}
    assert len(runs) == 1


def test_a_short_quoted_term_is_not_split_while_lines_within_the_limit_can_keep_it():
    # 18 characters, then “千亿级”, on 10 em: lines of ten break it “千/亿级”; lines of
    # nine (0.125 em between characters) keep it whole.
    text = "一二三四五六七八九十百千万亿兆京垓秭" + "“千亿级”" + "甲乙丙丁戊己庚辛"
    glued = {19, 22}  # no break after “ or before ”
    m = metrics(text, glued=glued)
    split = totalfit.chain(totalfit.choose(m, 10 * EM, 10 * EM, True))
    assert [end for end, _ in split][:2] == [10, 20]  # without the cost: 千/亿级
    m = dataclasses.replace(m, penalty=totalfit.quoted_terms(text))
    lines = totalfit.chain(totalfit.choose(m, 10 * EM, 10 * EM, True))
    assert not {end for end, _ in lines} & {20, 21}, lines
    assert max(stretch(m, lines, 10 * EM)) <= totalfit.LOOSE
    assert totalfit.quoted_terms("“千亿级”")[2:4] == [totalfit.QUOTED_TERM] * 2
    assert not any(totalfit.quoted_terms("“一二三四五六七八九”"))  # a quotation, not a term


def test_a_line_with_few_places_to_break_takes_the_slack_another_could_not():
    # 24 characters on 10.3 em, most of them glued: nine on a line leave 0.16 em between
    # characters. On the first line (four places to break) that is a loose line; on the
    # second (three, all glued runs) it is within the 0.25 em such a line may take.
    glued = {1, 2, 4, 5, 11, 12, 13, 16, 17, 20, 21}
    m = metrics("一二三四五六七八九十百千万亿兆京垓秭甲乙丙丁戊己", glued=glued)
    lines = totalfit.chain(totalfit.choose(m, int(10.3 * EM), int(10.3 * EM), True))
    assert [end for end, _ in lines] == [10, 19, 24]
    assert sum(m.breaks[11:19]) < totalfit.MIN_OPPORTUNITIES
    assert max(stretch(m, lines, 10.3 * EM)) <= totalfit.WORST


def ends(m, measure: int) -> list[int]:
    return [end for end, _ in totalfit.chain(totalfit.choose(m, measure, measure, True))]


def test_a_line_is_set_tight_rather_than_loose_over_the_limit():
    # Characters of 1.01 em, breaks only every five: ten on a 10 em line are 0.1 em over
    # (0.011 em a gap closed), five leave 1.24 em between characters.
    text = "一二三四五六七八九十" * 3
    glued = {k for k in range(30) if k % 5}
    m = metrics(text, glued=glued, advance=EM + 10)
    assert ends(m, 10 * EM) == [10, 20, 30]
    assert ends(dataclasses.replace(m, tight=None), 10 * EM) == [5, 10, 15, 20, 25, 30]
    # 1.03 em characters would close each gap by 0.033 em, past the bound: loose lines
    wide = metrics(text, glued=glued, advance=EM + 30)
    assert 9 * totalfit.TIGHT < 300 and ends(wide, 10 * EM) == [5, 10, 15, 20, 25, 30]


def test_a_line_within_the_loose_limit_is_never_set_tight():
    # Breaks everywhere: nine 1.01 em characters leave 0.11 em a gap, within the limit,
    # so no line takes a tenth by closing up.
    lines = ends(metrics("一二三四五六七八九十" * 3, advance=EM + 10), 10 * EM)
    assert max(b - a for a, b in zip([0, *lines], lines, strict=False)) == 9, lines


def test_a_tight_line_closes_its_gaps_evenly_within_the_bound():
    # The line of ten 1.01 em characters (Pango units, a 10 pt em): each of its nine gaps
    # closes by 11 or 12 thousandths and the line fits its measure.
    em = 10 * 1024
    m = dataclasses.replace(metrics("一" * 10, advance=em + em // 100), em=em)
    extras = [0] * 10
    linebreak._shrink_to_fit(m, 0, 10, False, 10 * em, extras)
    closed = [-e * 1000 / em for e in extras[:-1]]
    assert sum(m.advances) + sum(extras) <= 10 * em
    assert max(closed) - min(closed) <= 1.1 and max(closed) <= totalfit.TIGHT + 0.1, closed
    assert extras[-1] == 0  # the line's end is the measure's, not a gap


def test_skipping_the_lines_too_short_to_weigh_changes_no_break(monkeypatch):
    """candidates() jumps past the ends a line of the widest characters cannot reach
    within 3 em of the measure: on varied widths, gaps, glue and marks, the breaks are
    those of the scan from the line's first character."""
    import random

    rng = random.Random(13)
    cases = []
    for _ in range(150):
        n, glue = rng.randrange(5, 90), rng.choice((0.2, 0.85))  # few places to break
        m = metrics("字" * n, glued={k for k in range(n) if rng.random() < glue})
        m = dataclasses.replace(
            m,
            advances=[rng.choice((EM, EM, EM // 2, 600, 1200)) for _ in range(n)],
            gaps=[rng.choice((0, 0, 50, 250)) for _ in range(n)],
            shrink=[rng.choice((0, 0, 0, EM // 2)) for _ in range(n)],
            trims=[rng.choice((0, 0, -EM // 2)) for _ in range(n)],
        )
        measure = rng.randrange(3, 30) * EM + rng.randrange(EM)
        first = measure - rng.choice((0, 0, 2 * EM))
        cases.append((m, first, measure, rng.random() < 0.9, rng.random() < 0.2))
    skipping = [totalfit.choose(*case) for case in cases]
    scanning = totalfit._Lines.__init__

    def no_skip(self, m):
        scanning(self, m)
        self.widest = 0  # candidates() scans from i + 1, as before the jump

    monkeypatch.setattr(totalfit._Lines, "__init__", no_skip)
    assert [totalfit.choose(*case) for case in cases] == skipping
    assert any(len(totalfit.chain(s)) > 3 for s in skipping)  # paragraphs of many lines
