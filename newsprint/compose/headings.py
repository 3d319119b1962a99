"""Where a heading that needs more than one line breaks: at the space between its
phrases, else at a word boundary; lines as even as possible, none of 1–2 characters.

The browser (and clreq) fill a line first-fit and break anywhere between two Han
characters, so a two-line heading splits a word ("发展活/力"). The breaks are chosen
here, from the line's measure in ems, and written as <br> between the lines; each
line is still set (and its marks compressed) by clreq, and the copy's text is
unchanged. (Not `white-space: nowrap` spans: clreq leaves nowrap text to WeasyPrint's
own breaker, which compresses no marks.) If the estimate were short, the browser
would break a line again rather than overflow the column.

Word boundaries come from rjieba (jieba's dictionary, in Rust): it gives the same
cuts as jieba 0.42 on the seed's headings but loads in ~0.17 s against jieba's
~1.4 s (measured), which every render and studio worker would otherwise pay.
HMM is off: on names it glues a suffix to the next name (仙霞/镇樟霖).
"""

from __future__ import annotations

import ast
import math
import operator
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import markupsafe

from newsprint.config import STYLES_DIR
from newsprint.hanzi import NO_END, NO_START, break_allowed, is_body, is_cjk, is_han

# A place or unit suffix stays with its name: 仙霞+镇, 樟霖+村, 钢铁+城.
SUFFIXES = frozenset("区镇村乡县市省州城")
# Inside a speaker's parentheses (an organisation, then a post) a line may break only
# where a name ends: after a place or body (荷塘区/, 民政局/, 小区/), before a company's
# legal form (中大机械/有限责任公司) or a post (三一智慧钢铁城/副总经理).
NAME_ENDS = ("区", "镇", "村", "乡", "县", "市", "省", "州", "城", "局", "委", "院", "厂", "校")
NAME_ENDS += ("公司", "集团", "中心", "街道", "社区")
LEGAL_FORMS = ("有限", "股份")
POSTS = ("总经理", "副总经理", "经理", "董事长", "党员", "居民", "村民", "队员", "工作队员")
POSTS += ("局长", "副局长", "书记", "副书记", "主任", "副主任", "干部", "负责人", "代表", "职工")
LINE_COST = 1000  # one more line than needed
SHORT_COST = 2000  # a line of 1–2 characters: worse than one more line
NAME_COST = 3000  # inside a name: worse than one more line, or a short one
BREAK_COST = {" ": 0, "（": 10, "，": 20, "": 100}  # at a space, before （, after ，, a word
SPACE_EM = 0.33
MAX_LINES = 6
# The heading roles that may step down one size to save a line, and the token listing
# the sizes each may take (styles/tokens.css).
SIZE_LISTS = {
    "section": "--section-title-sizes",
    "testimony": "--testimony-title-sizes",
    "headline2": "--headline2-sizes",
    "databox": "--databox-title-sizes",
}


@cache
def tokens(path: Path = STYLES_DIR / "tokens.css") -> dict[str, str]:
    """The custom properties of styles/tokens.css, as written."""
    text = re.sub(r"/\*.*?\*/", "", path.read_text(encoding="utf-8"), flags=re.S)
    return dict(re.findall(r"(--[\w-]+)\s*:\s*([^;]+);", text))


_OPS = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}


def _arith(node: ast.AST) -> float:
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        return float(node.value)
    if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
        return _OPS[type(node.op)](_arith(node.left), _arith(node.right))
    raise ValueError("not a length")


def token_pt(name: str, given: dict[str, float] | None = None) -> float:
    """A length token in pt (22pt, var(--size-erhao), calc(var(--quote-size) / 2)): the
    sizes Python needs come from the CSS, never retyped. `given`: values of the grid
    properties the tool sets (--line-pitch), for tokens made of them."""
    given = given or {}
    if name in given:
        return given[name]
    try:
        return _length(tokens()[name], given)
    except (ValueError, SyntaxError) as error:
        raise ValueError(
            f"styles/tokens.css {name}: {tokens()[name]!r} is not a length in pt"
        ) from error


def _length(value: str, given: dict[str, float]) -> float:
    value = re.sub(r"var\((--[\w-]+)\)", lambda m: f"({token_pt(m[1], given)})", value.strip())
    value = re.sub(r"(\d+(?:\.\d+)?)pt", r"\1", value).replace("calc", "")
    return _arith(ast.parse(value, mode="eval").body)


def char_em(char: str) -> float:
    """Width estimate: CJK and full-width marks 1 em, a space ⅓, Latin and digits 0.55
    (on the wide side: a line estimated to fit does fit)."""
    if char == " ":
        return SPACE_EM
    return 1.0 if is_cjk(char) else 0.55


@dataclass(frozen=True)
class Unit:
    text: str
    start: int  # offset in the heading
    cost: int  # of a break before it


# rjieba's cuts by phrase: loading its dictionary is 0.08 s of a render, so the cuts a
# render made are kept with its fits on disk (typeset/fitstore.py) for the next one.
CUTS: dict[str, tuple[str, ...]] = {}


def cut(phrase: str) -> tuple[str, ...]:
    """rjieba's words of a phrase (HMM off), remembered."""
    if phrase not in CUTS:
        import rjieba

        CUTS[phrase] = tuple(rjieba.cut(phrase, hmm=False))
    return CUTS[phrase]


def _words(phrase: str) -> list[str]:
    """Words of a phrase; a run of single characters (a name the dictionary lacks) kept
    whole, and a place suffix kept with the name before it."""
    out: list[str] = []
    run = False  # out[-1] is a run of single Han characters
    for word in cut(phrase):
        single = len(word) == 1 and is_han(word)
        if single and out and (run or word in SUFFIXES):
            out[-1] += word
            run = run and word not in SUFFIXES
        else:
            out.append(word)
            run = single
    return out


def _inside_name(before: str, word: str) -> bool:
    """Is a break between these words of a parenthesis inside a name (see NAME_ENDS)?"""
    if word.startswith(LEGAL_FORMS) or word.rstrip("）") in POSTS:
        return False
    return not before.endswith(NAME_ENDS)


def units(text: str) -> list[Unit]:
    """The heading cut where a line may break: between words, marks kept with their word
    (kinsoku), a space as the break's mark; a speaker's name after "：" kept whole, and
    inside parentheses a break that is not where a name ends costs NAME_COST."""
    found: list[Unit] = []
    pos, pending, depth, naming = 0, " ", 0, False
    for word in _words_with_spaces(text):
        if word == " ":
            pending, pos = " ", pos + 1
            continue
        named = bool(found) and found[-1].text.endswith("：")  # a name starts here
        naming = (naming or named) and word[0] != "（" and pending != " "
        glue = found and (
            (naming and not named)  # the name after 讲述人： is one unit
            or word[0] in NO_START
            or found[-1].text[-1] in NO_END
            or (pending != " " and not break_allowed(found[-1].text[-1], word[0], True))
        )
        if glue:
            last = found[-1]
            found[-1] = Unit(last.text + word, last.start, last.cost)
        else:
            cost = BREAK_COST[" "] if pending == " " else BREAK_COST[""]
            if word[0] == "（":
                cost = min(cost, BREAK_COST["（"])
            elif found and found[-1].text[-1] == "，":
                cost = min(cost, BREAK_COST["，"])
            elif depth and found and _inside_name(found[-1].text, word):
                cost = NAME_COST
            found.append(Unit(word, pos, cost))
        depth += word.count("（") - word.count("）")
        pending, pos = "", pos + len(word)
    return found


def _words_with_spaces(text: str) -> list[str]:
    out: list[str] = []
    for i, phrase in enumerate(text.split(" ")):
        if i:
            out.append(" ")
        if phrase:
            out += _words(phrase)
    return out


def _width(text: str) -> float:
    return sum(char_em(c) for c in text.strip(" "))


def breaks(text: str, measure: float) -> list[int]:
    """Offsets where the heading's lines start after the first (none: it fits one line)."""
    if _width(text) <= measure or measure <= 0:
        return []
    cut = units(text)
    best: tuple[float, list[int]] | None = None
    for lines in range(2, min(MAX_LINES, len(cut)) + 1):
        found = _best_split(text, cut, lines, measure)
        if found and (best is None or found[0] < best[0]):
            best = found
        if best is not None and best[0] < (lines + 1) * LINE_COST:
            break
    return best[1] if best else []


def _line_cost(line: str, mean: float, measure: float) -> float | None:
    width = _width(line)
    if width > measure:
        return None
    short = SHORT_COST if sum(map(is_body, line)) < 3 else 0
    return (width - mean) ** 2 + short


def _best_split(text, cut, lines, measure):
    """Least cost of setting `cut` in exactly `lines` lines: (cost, line starts)."""
    n = len(cut)
    mean = _width(text) / lines
    starts = [u.start for u in cut] + [len(text)]
    # table[k][j]: best (cost, starts) for units[:j] in k lines
    table: list[dict[int, tuple[float, list[int]]]] = [{0: (0.0, [])}]
    for k in range(1, lines + 1):
        row: dict[int, tuple[float, list[int]]] = {}
        for j in range(k, n + 1):
            for i, (cost, cuts) in table[k - 1].items():
                if i >= j:
                    continue
                line = _line_cost(text[starts[i] : starts[j]], mean, measure)
                if line is None:
                    continue
                total = cost + line + (cut[i].cost if i else 0)
                if j not in row or total < row[j][0]:
                    row[j] = (total, cuts + ([starts[i]] if i else []))
        table.append(row)
    if n not in table[lines]:
        return None
    cost, cuts = table[lines][n]
    return cost + lines * LINE_COST, cuts


def broken(parts: list[tuple[str, str]], measure: float) -> markupsafe.Markup:
    """The heading's parts [(text, span class or "")] as escaped HTML, a <br> at each
    chosen break (a span cut by a break is closed and reopened)."""
    text = "".join(t for t, _ in parts)
    cuts = set(breaks(text, measure))
    html, pos = [], 0
    for part, cls in parts:
        pieces, start = [], 0
        for k in range(1, len(part)):
            if pos + k in cuts:
                pieces.append(part[start:k])
                start = k
        pieces.append(part[start:])
        escaped = [str(markupsafe.escape(p)) for p in pieces]
        if cls:
            escaped = [f'<span class="{cls}">{p}</span>' for p in escaped]
        html.append("<br>".join(escaped))
        if pos + len(part) in cuts and pos + len(part) < len(text):
            html.append("<br>")
        pos += len(part)
    return markupsafe.Markup("".join(html))


# Each role's line: (width in pt from the grid, its size token, ems taken by an inline
# marker before the text). The inset and marker mirror styles/modules.css.
def measures(fmt) -> dict[str, tuple[float, str, float]]:
    """The line each broken heading role is set on (fmt: the page format)."""
    inset = 2 * token_pt("--quote-inset")
    return {
        "section": (fmt.column_width, "--section-title-size", 0.0),
        "testimony": (fmt.column_width - inset, "--testimony-title-size", 0.0),
        "speaker": (fmt.column_width - inset, "--speaker-size", 0.0),
        "databox": (fmt.type_width - 2 * fmt.gutter, "--databox-title-size", 0.9),
        "headline": (fmt.type_width, "--headline-size", 0.0),
        "headline2": (fmt.type_width, "--headline2-size", 0.0),
    }


def measure_em(
    fmt, role: str, size_pt: float | None = None, width_pt: float | None = None
) -> float:
    """The role's line in ems of its type; size_pt: a fitted size below the token's;
    width_pt: the line when the make-up gives the role another width (a wide box).
    Headlines are letter-spaced 0.04 em (styles/text.css)."""
    width, token, marker = measures(fmt)[role]
    width = width_pt or width
    size = min(token_pt(token), size_pt or float("inf"))
    spacing = 1.04 if role.startswith("headline") else 1.0
    return width / size / spacing - marker


def sizes(role: str) -> list[float]:
    """The sizes (pt) a heading role may take, largest first: styles/tokens.css
    --<role>-sizes, a comma-separated list (none: the role keeps its size)."""
    listed = tokens().get(SIZE_LISTS.get(role, ""), "")
    try:
        found = {_length(v, {}) for v in listed.split(",") if v.strip()}
    except (ValueError, SyntaxError) as error:
        raise ValueError(
            f"styles/tokens.css {SIZE_LISTS[role]}: {listed!r} is not a list of lengths in pt"
        ) from error
    return sorted(found, reverse=True)


def heading_size(fmt, role: str, text: str, width_pt: float | None = None) -> float:
    """The size (pt) the heading is set in: its role's, or the next smaller size of the
    role's list when the head needs more than one line at its size and fits one at
    that. One step only, so heads of a role stay near one size; and only to one line,
    so a head's leading (in pt, from its size) holds. The page make-up measures and
    the spread renders through this one choice."""
    size = token_pt(measures(fmt)[role][1])
    smaller = [s for s in sizes(role) if s < size]
    two = smaller and breaks(text, measure_em(fmt, role, size, width_pt))
    if two and not breaks(text, measure_em(fmt, role, smaller[0], width_pt)):
        return smaller[0]
    return size


def heading(fmt, role: str, value, width_pt: float | None = None):
    """(size in pt, HTML lines) of a heading that may step down (see heading_size);
    value: its text, or its parts [(text, span class)] as for `broken`."""
    parts = [(value, "")] if isinstance(value, str) else list(value)
    size = heading_size(fmt, role, "".join(t for t, _ in parts), width_pt)
    return size, broken(parts, measure_em(fmt, role, size, width_pt))


def grid_rows(fmt, role: str, leading_token: str, text: str) -> tuple[int, float]:
    """(grid lines, padding above and below in pt) of a heading leaded by its token, not
    by the grid: the block is padded to whole grid lines so the text below stays on the
    baseline grid. Only the number of lines, which this module chose, decides it."""
    size = heading_size(fmt, role, text)
    height = (len(breaks(text, measure_em(fmt, role, size))) + 1) * token_pt(leading_token)
    rows = math.ceil(height / fmt.line_pitch - 1e-6)
    return rows, round((rows * fmt.line_pitch - height) / 2, 3)


def module_gap_lines() -> int:
    """styles/tokens.css --module-gap-lines: whole lines between two stacked modules."""
    return int(float(tokens().get("--module-gap-lines", "1")))
