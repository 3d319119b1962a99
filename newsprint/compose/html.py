"""HTML from the Jinja2 templates in layout/: the spread, its grid CSS, the helpers.

Copy is untrusted: the environment autoescapes, and the templates are the only
place HTML is written.
"""

from __future__ import annotations

import math
import re

import jinja2
import markupsafe

from newsprint.compose import headings, ids
from newsprint.compose.plan import PagePlan, Plan
from newsprint.config import LAYOUT_DIR, PT_PER_MM, Config, PageFormat
from newsprint.story.edition import Edition
from newsprint.story.model import Story

FIGURE_RE = re.compile(r"\d+(?:\.\d+)?(?:%|倍)?")


def geometry_css(fmt: PageFormat, plan: Plan) -> str:
    """@page rules and grid custom properties, derived from the configuration."""
    rules = []
    for side in ("left", "right"):
        top, right, bottom, left = fmt.margins(side)
        rules.append(
            f"@page {side} {{ size: {fmt.page_width_mm}mm {fmt.page_height_mm}mm; "
            f"margin: {top:.3f}pt {right:.3f}pt {bottom:.3f}pt {left:.3f}pt; }}"
        )
    props = {
        "--page-width": f"{fmt.page_width_mm}mm",
        "--page-height": f"{fmt.page_height_mm}mm",
        "--type-width": f"{fmt.type_width:.3f}pt",
        "--type-height": f"{fmt.type_height:.3f}pt",
        "--columns": str(fmt.columns),
        "--column-width": f"{fmt.column_width:.3f}pt",
        "--gutter": f"{fmt.gutter:.3f}pt",
        "--body-size": f"{fmt.body_size_pt}pt",
        "--line-pitch": f"{fmt.line_pitch:.3f}pt",
        "--head-height": f"{fmt.head_height_mm * PT_PER_MM:.3f}pt",
    }
    for k in range(1, fmt.columns + 1):
        props[f"--span-{k}"] = f"{fmt.span(k):.3f}pt"
    root = "; ".join(f"{k}: {v}" for k, v in props.items())
    spare = " ".join(_spare_props(p, fmt.line_pitch) for p in plan.pages)
    snap = " ".join(f"#{name} {{ --snap: {pt:.3f}pt; }}" for name, pt in plan.snap.items())
    snap += " ".join(
        f"#{name} {{ height: {pt:.3f}pt; column-fill: auto; }}"
        for name, pt in plan.flow_heights.items()
    )
    return "\n".join(rules) + f"\n:root {{ {root}; --snap: 0pt; }}\n{spare}\n{snap}\n"


def _spare_props(page: PagePlan, pitch: float) -> str:
    """The page's spare lines, whole, and split in whole lines for shared elastic space:
    --spare-q1/--spare-q2 (a quarter each, about) and --spare-rest (the other half)."""
    n = page.spare_lines
    half = n // 2
    q1 = half // 2
    parts = {"--spare": n, "--spare-q1": q1, "--spare-q2": half - q1, "--spare-rest": n - half}
    body = "; ".join(f"{k}: {v * pitch:.3f}pt" for k, v in parts.items())
    return f"#{page.id} {{ {body}; }}"


def figures(text: str) -> markupsafe.Markup:
    """Escape the text, then emphasise its figures (7.2%, 15, 1.25) for the data box."""
    escaped = str(markupsafe.escape(text))
    return markupsafe.Markup(
        FIGURE_RE.sub(lambda m: f'<strong class="fig">{m[0]}</strong>', escaped)
    )


def headline_fit(text: str, width_pt: float) -> float:
    """The largest size (pt) at which a headline still fits one line of the type area."""
    ems = sum(
        0.55 if ord(c) < 0x2E80 and not c.isspace() else 0.35 if c.isspace() else 1.04 for c in text
    )
    return math.floor(width_pt * 0.97 / max(ems, 1) * 2) / 2


def template_env(fmt: PageFormat, config: Config) -> jinja2.Environment:
    """Templates from layout/ only, with autoescape: copy is untrusted input.

    The data box's `figures` filter, `lines` (a heading's breaks on its role's line,
    compose/headings.py) and `headline_fit` (sized to fmt's type area) are the
    templates' only helpers.
    """
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(LAYOUT_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["figures"] = figures
    env.filters["lines"] = lambda value, role, size=None: headings.broken(
        [(value, "")] if isinstance(value, str) else list(value),
        headings.measure_em(fmt, role, size),
    )
    env.globals["grid_rows"] = lambda text, role, leading: headings.grid_rows(
        fmt, role, leading, text
    )
    env.globals["headline_fit"] = lambda text: headline_fit(text, fmt.type_width)
    env.globals["ids"] = ids
    env.globals["language"] = config.language
    env.globals["timezone"] = config.timezone
    return env


def compose_html(
    story: Story,
    edition: Edition,
    plan: Plan,
    fmt: PageFormat,
    photo_url: str,
    env: jinja2.Environment,
) -> str:
    """Fill layout/spread.html.j2 with the story and the page plan (env: template_env)."""
    return env.get_template("spread.html.j2").render(
        story=story, edition=edition, plan=plan, fmt=fmt, photo_url=photo_url
    )
