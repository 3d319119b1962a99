"""Which measured modules a style edit can move: the designer's size change re-measures
those alone (typeset/modules.py), not the 200-odd parts of the whole story.

Each measured item is a block of its own width whose height depends only on its HTML
and on the rules that match its elements. So when the previous measurement's sheets
and the new ones hold the same rules in the same order, an item must be measured
again only if its HTML changed or an element in it matches a rule whose declarations
changed, or uses a custom property whose value changed (followed through the custom
properties that use it). Anything else (a rule added or moved, an @-rule changed, a
matched element outside the items) re-measures everything.
"""

from __future__ import annotations

import functools
import re
from collections import OrderedDict
from dataclasses import dataclass

ITEM_START = '<div class="measure" id="'
DOCUMENT_END = "</body>\n</html>"  # after the last item (layout/measure.html.j2)
INNER_ID = re.compile(r'\bid="(m-[^"]+)"')
ALSO = re.compile(r'data-also="([^"]*)"')  # an item's other widths (typeset/derive.py)
VAR = re.compile(r"var\(\s*(--[\w-]+)")


@dataclass(frozen=True)
class Measured:
    """One measurement, kept for the next: what it was set with, and what it found."""

    setting: tuple  # (font CSS, geometry CSS, the measuring document's head, clreq on)
    css: str  # the designer's sheets, colours masked
    items: dict  # item id → its HTML
    heights: dict  # as measure_modules returns them


def split_items(html: str) -> tuple[str, dict[str, str]]:
    """(what precedes the first item, {item id: its HTML}) of a measuring document."""
    head, *chunks = html.split(ITEM_START)
    return head, {chunk.split('"', 1)[0]: chunk for chunk in chunks}


def document_of(head: str, chunks) -> str:
    """The measuring document of these items' HTML (split_items' chunks), as the
    template would write it for them alone."""
    body = "".join(ITEM_START + chunk.replace(DOCUMENT_END, "") for chunk in chunks)
    return head + body + DOCUMENT_END


def also_widths(value: str) -> list[tuple[str, float]]:
    """(id, width in pt) of each other width a data-also attribute names
    (layout/measure.html.j2: "id:width id:width")."""
    return [(name, float(width)) for name, _, width in (e.rpartition(":") for e in value.split())]


def owned(items: dict[str, str], heights: dict) -> dict[str, set]:
    """Each item's keys in the heights: its own id, the paragraphs in it, their starts,
    its loose lines, and its other widths (data-also: a card's, a testimony text's
    across wider boxes) with theirs."""
    out = {}
    for name, chunk in items.items():
        inner = set(INNER_ID.findall(chunk))
        also = {other for value in ALSO.findall(chunk) for other, _ in also_widths(value)}
        derived = {f"starts:{i}" for i in inner} | {f"loose:{i}" for i in {name} | also}
        out[name] = {name} | inner | also | (derived & heights.keys())
    return out


@functools.lru_cache(maxsize=8)
def _rules(css: str):
    """[(prelude text, ((property, value text)…)) or (at-rule text, None)], or None if
    unreadable; kept for the next save, which compares its sheets with these."""
    import tinycss2

    out = []
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        if rule.type == "qualified-rule":
            declarations = []
            for d in tinycss2.parse_declaration_list(
                rule.content, skip_comments=True, skip_whitespace=True
            ):
                if d.type != "declaration":
                    return None
                value = tinycss2.serialize(d.value).strip() + (" !important" * d.important)
                declarations.append((d.name if d.name.startswith("--") else d.lower_name, value))
            out.append((tinycss2.serialize(rule.prelude).strip(), tuple(declarations)))
        elif rule.type == "at-rule":
            out.append((tinycss2.serialize([rule]), None))
        else:
            return None
    return tuple(out)


def _changed_names(old: list, new: list) -> set[str]:
    """The properties a rule's edit may set differently (all of them if their order moved:
    a longhand after its shorthand wins)."""
    if [n for n, _ in old] != [n for n, _ in new]:
        return {n for n, _ in old} | {n for n, _ in new}
    return {n for (n, a), (_, b) in zip(old, new, strict=True) if a != b}


def changed_selectors(
    old_css: str, new_css: str, context_css: str = ""
) -> tuple[list[str], set[str]] | None:
    """(the selectors of the rules that may set a matched element differently, the custom
    properties whose value changed); None when the edit is more than changed declarations
    (re-measure everything). `context_css`: the sheets set beside them, unchanged (the
    faces, the geometry), whose rules may use a changed custom property too."""
    old, new = _rules(old_css), _rules(new_css)
    context = _rules(context_css)
    if old is None or new is None or context is None or len(old) != len(new):
        return None
    changed_vars, touched = set(), set()
    for (old_prelude, old_decl), (new_prelude, new_decl) in zip(old, new, strict=True):
        if old_prelude != new_prelude or (old_decl is None) != (new_decl is None):
            return None
        if old_decl is None or old_decl == new_decl:
            continue
        for name in _changed_names(old_decl, new_decl):
            if name.startswith("--"):
                changed_vars.add(name)
            else:
                touched.add(new_prelude)
    new = new + context
    grown = True
    while grown:  # a custom property whose value uses a changed one changed too
        grown = False
        for _prelude, decl in new:
            for name, value in decl or ():
                uses = changed_vars & set(VAR.findall(value))
                if name.startswith("--") and name not in changed_vars and uses:
                    changed_vars.add(name)
                    grown = True
    for prelude, decl in new:
        for name, value in decl or ():
            if not name.startswith("--") and changed_vars & set(VAR.findall(value)):
                touched.add(prelude)
    return sorted(touched), changed_vars


def items_to_remeasure(html: str, selectors: list[str], item_ids) -> set[str] | None:
    """The items holding an element one of `selectors` matches (a pseudo-element's rule
    counts for its element); None when one matches outside every item."""
    import cssselect2
    import tinycss2
    from weasyprint import HTML

    compiled = []
    for selector in selectors:
        try:
            compiled += cssselect2.compile_selector_list(
                tinycss2.parse_component_value_list(selector)
            )
        except cssselect2.SelectorError:
            return None  # WeasyPrint ignores it with a warning; no guessing here
    if not compiled:
        return set()
    ids = set(item_ids)
    found: set[str] = set()
    root = HTML(string=html).wrapper_element

    def walk(element, item):
        name = element.etree_element.get("id")
        if item is None and name in ids:
            item = name
        if any(sel.test(element) for sel in compiled):
            if item is None:
                return False
            found.add(item)
        return all(walk(child, item) for child in element.iter_children())

    return found if walk(root, None) else None


def to_remeasure(before: Measured | None, now: Measured, html: str) -> set[str] | None:
    """The ids of the items `now` (its heights not yet known) must measure again, None
    for all of them; `html` is its measuring document."""
    if before is None or before.setting != now.setting:
        return None
    names = [i for chunk in now.items.values() for i in INNER_ID.findall(chunk)]
    if len(names) != len(set(names)):
        return None  # an id in two items: which one's height is whose is not clear
    todo = {name for name, chunk in now.items.items() if before.items.get(name) != chunk}
    if before.css == now.css:
        return todo
    font_css, geometry_css, head = now.setting[:3]
    changed = changed_selectors(before.css, now.css, font_css + "\n" + geometry_css)
    if changed is None:
        return None
    selectors, changed_vars = changed

    def uses(text: str) -> bool:  # a style attribute or the document's own sheet
        return bool(changed_vars & set(VAR.findall(text)))

    if uses(head):
        return None
    todo |= {name for name, chunk in now.items.items() if uses(chunk)}
    if POSITIONAL.search(" ".join(selectors)):  # an item's place among the others counts
        matched = items_to_remeasure(html, selectors, now.items)
    else:
        rest = {name: chunk for name, chunk in now.items.items() if name not in todo}
        matched = matched_items(head, rest, selectors)
    return None if matched is None else todo | matched


# a selector that looks at siblings: an item matches it by its place in the document
POSITIONAL = re.compile(r"[+~]|:(?:nth|first|last|only)-")
_MATCHED: OrderedDict = OrderedDict()  # (selectors, head, item HTML) → matched
KEEP_MATCHES = 4096


def matched_items(head: str, items: dict[str, str], selectors: list[str]) -> set[str] | None:
    """items_to_remeasure() over `items` alone, each item's answer kept for the next save:
    the designer edits one token again and again, and only its own items change HTML."""
    key = (tuple(selectors), head)
    unknown = {name: chunk for name, chunk in items.items() if (*key, chunk) not in _MATCHED}
    if unknown:
        found = items_to_remeasure(document_of(head, unknown.values()), selectors, unknown)
        if found is None:
            return None
        for name, chunk in unknown.items():
            _MATCHED[(*key, chunk)] = name in found
            while len(_MATCHED) > KEEP_MATCHES:
                _MATCHED.popitem(last=False)
    return {name for name, chunk in items.items() if _MATCHED[(*key, chunk)]}


def kept_heights(before: Measured, keep) -> dict:
    """The earlier measurement's heights of the items in `keep`."""
    mine = owned(before.items, before.heights)
    return {k: before.heights[k] for name in keep for k in mine[name] if k in before.heights}
