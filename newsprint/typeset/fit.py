"""The fit: lay the spread out, measure each page, and adjust the plan until the
copy fits: sections move between pages, the photo goes where the spare space is,
top-level boxes are topped up to whole lines and the elastic elements take the
spare lines.

A warm Typesetter remembers each layout's outcome (its fit cache), keyed by what
can move text, so a colour edit re-renders once instead of three times.
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import replace

from newsprint.compose import ids
from newsprint.compose.html import compose_html, geometry_css
from newsprint.compose.plan import Plan
from newsprint.config import PageFormat
from newsprint.story.model import Story
from newsprint.typeset.measure import PX_TO_PT, PageFit, anchored, measure_fit


def describe_ids(story: Story) -> dict[str, str]:
    """Human names for the ids the templates give, for fit messages."""
    names = {
        ids.PHOTO: f"the photo frame (line {story.photo.caption.line})" if story.photo else "",
        ids.DATABOX: f"the data box (line {story.databox.title.line})" if story.databox else "",
    }
    for k, art in enumerate(story.articles, 1):
        names[ids.head(k - 1)] = (
            f"the headline block “{art.headline.text[:12]}” (line {art.headline.line})"
        )
        names[ids.note(k - 1)] = "the editor's note"
        for sec in art.sections:
            names[ids.section(sec)] = (
                f"section {sec.number} “{sec.title.text[:12]}” (line {sec.title.line})"
            )
            for tes in sec.testimonies:
                names[ids.testimony(tes)] = (
                    f"the testimony “{tes.title.text[:12]}” of section {sec.number} "
                    f"(line {tes.title.line})"
                )
    return names


def lay_out(
    story, edition, plan: Plan, fmt: PageFormat, photo_url: str, typesetter, env, photo_lines
):
    """Two passes: measure each page's spare space, then let the elastic elements take it.

    The photo frame is the copyfit lever: it shrinks to `photo_lines`' minimum to fit
    copy that is a little long, and grows no further than its maximum.

    A warm typesetter remembers the outcome (photo page, spare lines, final fit) per
    layout key; when the key and the re-measured fit match, one render replaces three.
    """

    def render(p: Plan):
        html = compose_html(story, edition, p, fmt, photo_url, env)
        document, warnings = typesetter.render(html, geometry_css(fmt, p))
        return document, warnings, measure_fit(document, [pg.id for pg in p.pages])

    cache = getattr(typesetter, "fit_cache", None)
    key, hit = cached_plan(story, edition, plan, fmt, photo_url, typesetter, env)
    if hit:
        cached, expected = hit
        document, warnings, fits = render(cached)
        if same_fit(fits, expected):
            return document, warnings, fits, cached
    document, warnings, fits = render(plan)
    for _ in range(2 * len(plan.pages)):  # move sections off overset pages, while one helps
        moved = _rebalance(plan, fits)
        if moved is None:
            break
        candidate = render(moved)
        if sum(min(f.spare_pt, 0) for f in candidate[2]) <= sum(min(f.spare_pt, 0) for f in fits):
            break
        plan, (document, warnings, fits) = moved, candidate
    if story.photo is not None and len(plan.pages) > 1 and fits[0].spare_pt > -float("inf"):
        plan, moved = _place_photo(document, plan, fits, fmt.line_pitch, photo_lines[1])
        if moved:
            document, warnings, fits = render(plan)
    if story.photo is not None:
        shrunk = _shrink_photo(document, plan, fits, fmt.line_pitch, photo_lines[0])
        if shrunk is not None:
            plan = shrunk
            document, warnings, fits = render(plan)
    if all(f.spare_pt >= 0 and not f.overset_ids for f in fits):
        plan = plan.with_flow_heights(flow_heights(document))
        snap, used = grid_snap(document, fmt.line_pitch)
        spare = {
            f.index: plan.spare.get(f.index, 0)
            + int((f.spare_pt - used.get(f.index, 0.0)) // fmt.line_pitch)
            for f in fits
        }
        spare = _cap_photo(document, plan, spare, fmt.line_pitch, photo_lines[1])
        plan = plan.with_snap(snap).with_spare(spare)
        document, warnings, fits = render(plan)
    if cache is not None:
        photo_page = next((p.index for p in plan.pages if p.photo), -1)
        cache[key] = (photo_page, plan, fits)
    return document, warnings, fits, plan


# Top-level boxes of free height, by id prefix (the note's prefix takes its flow too).
SNAPPED = (ids.HEAD_PREFIX, ids.NOTE_PREFIX)


def photo_frame_lines(document, pitch: float) -> float:
    """The photo frame's height as laid out, in lines (its caption not counted)."""
    _, rect = anchored(document)[ids.PHOTO_FRAME]
    return (rect[3] - rect[1]) * PX_TO_PT / pitch


def _shrink_photo(document, plan: Plan, fits: list[PageFit], pitch: float, least: int):
    """The plan with the photo frame shorter by the lines its page is overset, down to
    `least` lines; None when the page fits or the frame is at its least already."""
    page = next((p for p in plan.pages if p.photo), None)
    fit = fits[page.index] if page else None
    if fit is None or fit.spare_pt >= 0 or fit.spare_pt == -float("inf"):
        return None
    room = math.floor(photo_frame_lines(document, pitch) + 1e-6) - least
    need = math.ceil(-fit.spare_pt / pitch - 1e-6)
    if room <= 0:
        return None
    return plan.with_spare(
        {**plan.spare, page.index: plan.spare.get(page.index, 0) - min(need, room)}
    )


def _cap_photo(document, plan: Plan, spare: dict[int, int], pitch: float, most: int):
    """Spare lines with the photo page's no more than the frame may grow to `most` lines:
    the rest stays at the foot, where the fit check asks the desk for copy."""
    page = next((p for p in plan.pages if p.photo), None)
    if page is None:
        return spare
    designed = round(photo_frame_lines(document, pitch)) - plan.spare.get(page.index, 0)
    return {**spare, page.index: min(spare[page.index], most - designed)}


def _rebalance(plan: Plan, fits: list[PageFit]) -> Plan | None:
    """Move one section from an overset page to a neighbour with room, or None.

    The page plan splits articles by an estimate of their weight; this corrects it
    with the measured fit: the last section goes forward, or the first one back.
    """
    pages = list(plan.pages)
    for i, fit in enumerate(fits):
        if fit.spare_pt >= 0 and not fit.overset_ids:
            continue
        if i + 1 < len(pages) and fits[i + 1].spare_pt > 0 and pages[i].parts:
            last = pages[i].parts[-1]
            if len(last.sections) > 1 or (len(pages[i].parts) > 1 and not last.with_head):
                sec = last.sections[-1]
                head = pages[i].parts[:-1] + (
                    (replace(last, sections=last.sections[:-1]),) if len(last.sections) > 1 else ()
                )
                nxt = pages[i + 1].parts
                if nxt and nxt[0].index == last.index:
                    nxt = (replace(nxt[0], sections=(sec, *nxt[0].sections)), *nxt[1:])
                else:
                    nxt = (replace(last, sections=(sec,), with_head=False), *nxt)
                pages[i], pages[i + 1] = (
                    replace(pages[i], parts=head),
                    replace(pages[i + 1], parts=nxt),
                )
                return replace(plan, pages=tuple(pages))
        if i > 0 and fits[i - 1].spare_pt > 0 and pages[i].parts:
            first = pages[i].parts[0]
            prev = pages[i - 1].parts
            if not first.with_head and first.sections and prev and prev[-1].index == first.index:
                sec = first.sections[0]
                rest = first.sections[1:]
                here = ((replace(first, sections=rest),) if rest else ()) + pages[i].parts[1:]
                back = (*prev[:-1], replace(prev[-1], sections=(*prev[-1].sections, sec)))
                pages[i - 1], pages[i] = (
                    replace(pages[i - 1], parts=back),
                    replace(pages[i], parts=here),
                )
                return replace(plan, pages=tuple(pages))
    return None


def flow_heights(document) -> dict[str, float]:
    """Each column flow's height as laid out (pt, rounded up a hair so nothing spills)."""
    return {
        name: math.ceil((rect[3] - rect[1]) * PX_TO_PT * 1000) / 1000 + 0.01
        for name, (_, rect) in anchored(document).items()
        if name.startswith((ids.FLOW_PREFIX, ids.NOTE_BODY_PREFIX))
    }


def grid_snap(document, pitch: float) -> tuple[dict[str, float], dict[int, float]]:
    """Space to add under each top-level box to make its height whole lines.

    Returns the space per box id and the total it takes from each page, so the
    spare lines given to the elastic elements stay within the page.
    """
    snap: dict[str, float] = {}
    used: dict[int, float] = {}
    for name, (number, rect) in anchored(document).items():
        if name.startswith(SNAPPED) or name == ids.PHOTO:
            height = (rect[3] - rect[1]) * PX_TO_PT
            extra = math.ceil(height / pitch - 1e-6) * pitch - height
            snap[name] = round(extra, 3)
            used[number] = used.get(number, 0.0) + extra
    return snap, used


def cached_plan(story, edition, plan: Plan, fmt: PageFormat, photo_url: str, typesetter, env):
    """(layout key, (final plan, its fit) or None) from the typesetter's fit cache."""
    cache = getattr(typesetter, "fit_cache", None)
    if cache is None:
        return "", None
    key = layout_key(story, edition, plan, fmt, photo_url, typesetter, env)
    if key not in cache:
        return key, None
    photo_page, final, expected = cache[key]
    pages = tuple(replace(p, photo=p.index == photo_page) for p in plan.pages)
    cached = replace(final, pages=pages).with_spare(final.spare)
    return key, (cached, expected)


def same_fit(fits: list[PageFit], expected: list[PageFit]) -> bool:
    return len(fits) == len(expected) and all(
        a.overset_ids == b.overset_ids and abs(a.spare_pt - b.spare_pt) < 0.5
        for a, b in zip(fits, expected, strict=True)
    )


RUNNING_HEAD = re.compile(r'<header class="running-head">.*?</header>', re.S)


def layout_key(story, edition, plan: Plan, fmt: PageFormat, photo_url: str, typesetter, env) -> str:
    """Hash of what can move text: the composed page, the grid, the CSS minus its colours.

    The running heads are left out: they sit in the margin at a fixed height, so a new
    date, 版名 or credit line re-renders once instead of three times.
    """
    digest = hashlib.sha256()
    # the picture's file is left out too: scaled for its frame, it lays out the same
    html = compose_html(story, edition, plan, fmt, "picture" if photo_url else "", env)
    digest.update(RUNNING_HEAD.sub("", html).encode())
    digest.update(geometry_css(fmt, plan).encode())
    digest.update(typesetter.font_css.encode())
    digest.update(typesetter.layout_css().encode())
    return digest.hexdigest()


# How many spare lines the data box and the headline block absorb before the page looks
# empty (the photo's bound is newsprint.toml [makeup] photo_max_lines).
SINK_LINES = {"databox": 45, "head": 6}


def _place_photo(
    document, plan: Plan, fits: list[PageFit], pitch: float, photo_most: int
) -> tuple[Plan, bool]:
    """Put the photo where the elastic elements can take up every page's spare space."""
    current = next(p.index for p in plan.pages if p.photo)
    _, rect = anchored(document)[ids.PHOTO]
    height = (rect[3] - rect[1]) * PX_TO_PT + pitch  # frame, caption and its top margin

    def score(cand: int) -> float:
        total = 0.0
        for page, fit in zip(plan.pages, fits, strict=True):
            spare = fit.spare_pt + (height if page.index == current else 0)
            spare -= height if page.index == cand else 0
            if spare < 0:
                return float("inf")
            elastic = "photo" if page.index == cand else "databox" if page.databox else "head"
            sink = photo_most if elastic == "photo" else SINK_LINES[elastic]
            total += max(0.0, spare / pitch - sink)
        return total

    best = min(plan.pages, key=lambda p: (score(p.index), p.index != current)).index
    if best == current:
        return plan, False
    pages = tuple(replace(p, photo=p.index == best) for p in plan.pages)
    return replace(plan, pages=pages), True
