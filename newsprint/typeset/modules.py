"""Measure every module's parts at every width the make-up may give them.

One small WeasyPrint document holds them all (compose/measures.py says what and at
which width); each part's height is read back from its anchor, in grid lines. The
result is cached on disk by a hash of that document, the CSS it is set with and the
code that sets it (a change to clreq moves lines), so a re-render of unchanged copy
and styles does not lay it out again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from dataclasses import replace
from functools import partial
from pathlib import Path

from newsprint import caches, clreq
from newsprint.compose import measures
from newsprint.compose.html import geometry_css
from newsprint.config import MakeupSettings, PageFormat
from newsprint.story.model import Story
from newsprint.typeset import remeasure
from newsprint.typeset.derive import (
    BROKEN_BY_HAND,
    derived_heights,
    line_text,
    loose_ratios,
    same_html,
)
from newsprint.typeset.fitstore import code_digest, measure_folder
from newsprint.typeset.measure import PX_TO_PT

AUTO = "auto"  # measure_modules' cache folder: fitstore.measure_folder()
MEASUREMENTS_KEPT = 3000  # files of .cache/measure/ kept, the latest used (5–20 KB each)


def _measured_lines(document):
    """(measured item id, paragraph id or None, line box) of every line of the measuring
    document, in order: one walk serves the paragraphs' line starts and the items' loose
    lines. A paragraph is a div `m-p-<line>` (its first box only), an item a div.measure."""
    from weasyprint.formatting_structure import boxes

    seen: set[str] = set()

    def walk(box, item, para):
        element = getattr(box, "element", None)
        if element is not None:
            if "measure" in (element.get("class") or "").split():
                item = element.get("id")
            name = element.get("id") if box.element_tag == "div" else None
            if name and name.startswith("m-p-") and name not in seen:
                seen.add(name)
                para = name
        if isinstance(box, boxes.LineBox):
            yield item, para, box
            return
        for child in getattr(box, "children", None) or ():
            yield from walk(child, item, para)

    for page in document.pages:
        yield from walk(page._page_box, None, None)


def paragraph_lines(lines) -> dict[str, list[str]]:
    """The text of each line of each measured paragraph (div id m-p-<line>), from
    _measured_lines."""
    found: dict[str, list[str]] = {}
    for _, para, line in lines:
        if para is not None:
            found.setdefault(para, []).append(line_text(line))
    return found


def loose_lines(lines) -> dict[str, list[float]]:
    """{measured item id: each loose line's widest Han gap over its limit}, for the items
    that have any: lines judged by the typography report's rule (hanzi.is_loose) on the
    gaps clreq gave them (LineBox.clreq_gap_em), so the make-up knows how each choice
    sets, and how badly (a line at 0.45 em is three times one just over 0.15 em)."""
    justified: dict[str, list[tuple[str, float]]] = {}
    for item, _, line in lines:
        gap = getattr(line, "clreq_gap_em", 0.0)
        if item and gap:
            justified.setdefault(item, []).append((line_text(line), gap))
    return {item: found for item, pairs in justified.items() if (found := loose_ratios(pairs))}


def line_starts(text: str, lines: list[str]) -> list[int]:
    """Where each laid-out line starts in the paragraph's text (spaces at a break are
    dropped by the layout, so they are skipped here)."""
    starts, pos = [], 0
    for line in lines:
        while pos < len(text) and text[pos].isspace():
            pos += 1
        starts.append(pos)
        pos += len(line.lstrip()) if line.strip() else 0
    return starts


def measure_modules(
    story: Story,
    fmt: PageFormat,
    bounds: MakeupSettings,
    typesetter,
    env,
    cache_dir: Path | str | None = AUTO,
    pool=None,
) -> tuple[dict[str, float], list[str]]:
    """({measurement id: height in grid lines}, WeasyPrint's warnings).

    Only the items a style edit can move are laid out again when the typesetter holds
    the previous measurement (typeset/remeasure.py). `pool` (the studio's page workers)
    lays the items out in two documents at once: each item is a block of its own
    width, so it measures the same in either.
    """
    if cache_dir == AUTO:
        cache_dir = measure_folder()
    found = measures.items(story, fmt, bounds)
    template = env.get_template("measure.html.j2")
    # heads the same at two widths: laid out at one (the heads' HTML first, on their own)
    by_hand = template.render(items=[i for i in found if i.kind in BROKEN_BY_HAND])
    found = same_html(found, remeasure.split_items(by_hand)[1])
    html = template.render(items=found)
    css = geometry_css(fmt)
    layout_css = typesetter.layout_css()
    # clreq or WeasyPrint's own breaks (a benchmark or a test switches clreq off): the
    # lines, so the heights, differ; neither may stand for the other
    composed = f"clreq {clreq.installed()}"
    digest = hashlib.sha256()
    for text in (html, css, typesetter.font_css, layout_css, code_digest(), composed):
        digest.update(text.encode())
    head, chunks = remeasure.split_items(html)
    now = remeasure.Measured((typesetter.font_css, css, head, composed), layout_css, chunks, {})
    path = cache_dir / f"{digest.hexdigest()[:32]}.json" if cache_dir else None
    if path and path.is_file():
        try:
            heights = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            pass
        else:
            caches.used(path)
            _remember(typesetter, replace(now, heights=heights))
            return heights, []
    before = getattr(typesetter, "measured", None)
    todo = remeasure.to_remeasure(before, now, html)
    heights = {}
    if todo is not None:
        heights = remeasure.kept_heights(before, set(chunks) - todo)
        found = [item for item in found if item.id in todo]
    paras = [p for art in story.articles for p in art.lead]
    paras += [p for art in story.articles for sec in art.sections for p in sec.paragraphs]
    texts = {f"m-p-{p.line}": p.text for p in paras}
    written = partial(_document, template, head, chunks)
    lay_out = partial(_lay_out, typesetter, written, css, texts, fmt.line_pitch, pool)
    part, warnings = lay_out(found)
    heights.update(part)
    wide = measures.wide_items(story, fmt, bounds, heights)
    optional = measures.optional_widths(found)
    for name in optional - {i.id for i in wide}:  # widths the make-up may not use
        heights.pop(name, None)
        heights.pop(measures.loose_key(name), None)
    wide += [i for i in measures.also_items(found) if i.id not in optional]
    wide = [i for i in wide if i.id not in heights]
    if wide and not warnings:  # the second round: what the model did not answer for
        part, warnings = lay_out(wide)
        heights.update(part)
    if not warnings:
        _remember(typesetter, replace(now, heights=heights))
    if path and not warnings:
        caches.write_whole(path, json.dumps(heights, sort_keys=True).encode())
        caches.prune(path.parent, "*.json", MEASUREMENTS_KEPT)
    return heights, warnings


def _document(template, head: str, chunks: dict, found: list) -> str:
    """The measuring document of `found`: from the whole document's HTML where it holds
    every item (the template is written once, not again per half), else written anew."""
    if all(item.id in chunks for item in found):
        return remeasure.document_of(head, [chunks[item.id] for item in found])
    return template.render(items=found)


def _lay_out(typesetter, written, css, texts, line_pitch, pool, found) -> tuple[dict, list]:
    """The heights of `found` (and WeasyPrint's warnings): in one document here, or in
    two at once by the pool's workers. `written(items)`: their measuring document."""
    if not found:
        return {}, []
    if pool is None or len(found) < 2:
        return measure_html(typesetter, written(found), css, texts, line_pitch)
    heights, warnings = {}, []
    parts = [written(chunk) for chunk in halves(found)]
    for part, part_warnings in pool.measure(parts, css, texts, line_pitch):
        heights.update(part)
        warnings += part_warnings
    return heights, list(dict.fromkeys(warnings))


def _remember(typesetter, measured) -> None:
    """Keep the measurement for the next (a frozen or foreign typesetter just forgets)."""
    with contextlib.suppress(AttributeError):
        typesetter.measured = measured


def measure_html(
    typesetter, html: str, css: str, texts: dict[str, str], line_pitch: float
) -> tuple[dict, list[str]]:
    """Lay out one measuring document; read each item's height, its loose lines
    (`loose:<id>`, absent when it has none) and each paragraph's line starts
    (`texts`: the paragraphs' text by id)."""
    document, warnings = typesetter.render(html, css)
    heights: dict = {}
    for page in document.pages:
        for name, rect in page.anchors.items():
            if name.startswith("m-") and name not in heights:
                heights[name] = round((rect[3] - rect[1]) * PX_TO_PT / line_pitch, 4)
    lines = list(_measured_lines(document))
    for name, texts_of_lines in paragraph_lines(lines).items():
        if name in texts:
            heights[f"starts:{name}"] = line_starts(texts[name], texts_of_lines)
    for name, ratios in loose_lines(lines).items():
        heights[measures.loose_key(name)] = ratios
    heights.update(derived_heights(document, heights, line_pitch))
    return heights, warnings


def _weight(item) -> int:
    """Roughly how long an item takes to lay out: its characters of text."""
    paras = item.payload.get("paras") or getattr(item.payload.get("testimony"), "paragraphs", ())
    return sum(len(p.text) for p in paras) or len(item.payload.get("text", "")) or 40


def halves(items: list) -> list[list]:
    """The items in two lists of about equal work, each in the original order."""
    bins: list[list[int]] = [[], []]
    loads = [0, 0]
    order = sorted(range(len(items)), key=lambda i: -_weight(items[i]))
    for i in order:
        lighter = loads.index(min(loads))
        bins[lighter].append(i)
        loads[lighter] += _weight(items[i])
    return [[items[i] for i in sorted(b)] for b in bins if b]
