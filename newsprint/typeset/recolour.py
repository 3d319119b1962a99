"""A colour-only save in the studio: recolour the page laid out last time, no new layout.

The measurement key (typeset/typesetter.mask_colours) already says which edits only
change colours: the same HTML and the same CSS once valid colour values are masked lay
out the same boxes. So a page worker keeps each page's laid-out document and, when
the next render's layout key is the same, computes the new sheets' styles (the
cascade, a tenth of a layout) and copies their colour properties into the old boxes'
styles; backgrounds, which layout resolves, are laid out again. The PDF comes out
byte for byte as a fresh layout's (tests/test_recolour.py); anything this cannot
match (a box without its element, a style it cannot find) returns None and the page
is laid out again.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from newsprint.config import PROJECT_ROOT

# the computed properties a masked colour value can reach (a gradient holds colours)
PAINT = (
    "background_color",
    "background_image",
    "border_block_end_color",
    "border_block_start_color",
    "border_bottom_color",
    "border_inline_end_color",
    "border_inline_start_color",
    "border_left_color",
    "border_right_color",
    "border_top_color",
    "color",
    "color_scheme",
    "column_rule_color",
    "outline_color",
    "text_decoration_color",
)


def layout_key(typesetter, html: str, geometry_css: str) -> str:
    """What decides the boxes of a page: its HTML and the CSS with colours masked."""
    digest = hashlib.sha256()
    for text in (html, geometry_css, typesetter.font_css, typesetter.layout_css()):
        digest.update(text.encode())
    return digest.hexdigest()


def render_kept(typesetter, html: str, geometry_css: str, kept: dict, slot) -> tuple:
    """typesetter.render(), or the document `kept[slot]` recoloured when its layout key is
    the same; (document, warnings) either way, the layout's warnings kept with it."""
    key = layout_key(typesetter, html, geometry_css)
    last = kept.pop(slot, None)
    _sheets, sheet_warnings = typesetter.stylesheets()
    said = typesetter.font_warnings + sheet_warnings
    if last is not None and last[0] == key:
        document = recoloured(last[1], html, typesetter, geometry_css)
        if document is not None:
            kept[slot] = last
            return document, said + last[2]
    document, warnings = typesetter.render(html, geometry_css)
    kept[slot] = (key, document, warnings[len(said) :])
    return document, warnings


def recoloured(document, html_text: str, typesetter, geometry_css: str):
    """`document`, laid out from the same HTML, with the colours of the current sheets;
    None when a box cannot be matched (the document is then of no further use)."""
    from weasyprint.layout.background import layout_backgrounds

    html, context = _cascade(html_text, typesetter, geometry_css)
    elements = _elements(getattr(document, "_html", None), html)
    if elements is None:
        return None
    styles = Restyle(html, context, elements)
    for page in document.pages:
        if not styles.walk(page._page_box, None, page._page_box.page_type):
            return None
    for style, parent in styles.anonymous:
        if id(style.parent_style) not in styles.seen:  # layout copied the parent's style
            style.parent_style = parent
        for key in PAINT:
            style.pop(key, None)  # taken again from the parent when drawn
    for page in document.pages:
        layout_backgrounds(page._page_box, context.get_image_from_uri)
    return document


def _cascade(html_text: str, typesetter, geometry_css: str):
    """The new HTML and its styles (WeasyPrint's layout context, without the layout)."""
    from weasyprint import CSS, DEFAULT_OPTIONS, HTML
    from weasyprint.css.counters import CounterStyle
    from weasyprint.document import Document

    designer, _ = typesetter.stylesheets()
    geometry = CSS(string=geometry_css, font_config=typesetter.font_config)
    html = HTML(string=html_text, base_url=f"{PROJECT_ROOT}/", url_fetcher=typesetter.fetcher)
    options = {**DEFAULT_OPTIONS, "stylesheets": [typesetter._font_sheet, *designer, geometry]}
    context = Document._build_layout_context(
        html, typesetter.font_config, CounterStyle(), {}, options
    )
    return html, context


def _elements(old_html, new_html) -> dict | None:
    """Each element of the old tree → the same element of the new one (same HTML)."""
    if old_html is None:
        return None
    pairs = zip(old_html.etree_element.iter(), new_html.etree_element.iter(), strict=False)
    found = {}
    for old, new in pairs:
        if old.tag != new.tag:
            return None
        found[old] = new
    return found


@dataclass
class Restyle:
    """One recolouring: the new styles, and the old styles already patched."""

    html: object
    context: object
    elements: dict
    seen: set[int] = field(default_factory=set)
    anonymous: list = field(default_factory=list)  # (style, its box's parent's style)

    def new_style(self, box, page_type):
        from weasyprint.formatting_structure import boxes
        from weasyprint.layout.page import set_page_type_computed_styles

        style_for = self.context.style_for
        if isinstance(box, boxes.PageBox):
            set_page_type_computed_styles(page_type, self.html, style_for)
            return style_for(page_type)
        if isinstance(box, boxes.MarginBox):
            return style_for(page_type, box.at_keyword)
        element = getattr(box, "element", None)
        if element not in self.elements:
            return None
        return style_for(self.elements[element], box.element_tag.partition("::")[2] or None)

    def walk(self, box, parent_style, page_type) -> bool:
        """Copy the new colours into the styles of `box` and its descendants."""
        from weasyprint.css import AnonymousStyle, ComputedStyle

        style = box.style
        if style is not None and id(style) not in self.seen:
            self.seen.add(id(style))
            if isinstance(style, AnonymousStyle):
                self.anonymous.append((style, parent_style))
            elif isinstance(style, ComputedStyle):
                new = self.new_style(box, page_type)
                if new is None:
                    return False
                for key in PAINT:
                    style[key] = new[key]
            else:
                return False
        return all(self.walk(child, style, page_type) for child in box.all_children())
