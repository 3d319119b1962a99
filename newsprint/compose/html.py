"""HTML from the Jinja2 templates in layout/: the spread, its grid CSS, the helpers.

Copy is untrusted: the environment autoescapes, and the templates are the only
place HTML is written.
"""

from __future__ import annotations

import contextlib
import math
import re
from pathlib import Path

import jinja2
import markupsafe

from newsprint.compose import headings, ids
from newsprint.config import LAYOUT_DIR, PROJECT_ROOT, PT_PER_MM, Config, PageFormat
from newsprint.story.edition import Edition
from newsprint.story.model import Story

FIGURE_RE = re.compile(r"\d+(?:\.\d+)?(?:%|倍)?")


def geometry_css(fmt: PageFormat) -> str:
    """@page rules and grid custom properties, derived from the configuration; and a
    class per 字号 token (size-<name>) for the sizes the make-up may choose: on a
    testimony's text (its head keeps its own sizes; the measuring document sets the text
    as a .testimony of its own) and on the data box's cards."""
    rules = []
    for side in ("left", "right"):
        top, right, bottom, left = fmt.margins(side)
        # a point more at the foot than the type area: a module's last line that ends on
        # the type area's last line must not be pushed off the page by rounding
        rules.append(
            f"@page {side} {{ size: {fmt.page_width_mm}mm {fmt.page_height_mm}mm; "
            f"margin: {top:.3f}pt {right:.3f}pt {bottom - 1:.3f}pt {left:.3f}pt; }}"
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
    sizes = [name[len("--size-") :] for name in headings.tokens() if name.startswith("--size-")]
    size_rules = " ".join(
        f".testimony-body.size-{n}, .testimony.size-{n} {{ font-size: var(--size-{n}); }} "
        f".size-{n} .databox-items li, .databox-items.size-{n} li {{ font-size: var(--size-{n}); }}"
        for n in sizes
    )
    return "\n".join(rules) + f"\n:root {{ {root}; }}\n{size_rules}\n"


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


_ENVS: dict[str, jinja2.Environment] = {}


TEMPLATE_CACHE = PROJECT_ROOT / ".cache" / "templates"


class CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """The templates' compiled code kept on disk (.cache/templates/): compiling them was
    50-60 ms of every render in a fresh process. Jinja keeps each template's source
    checksum with its code, so an edited template is compiled anew; a folder it cannot
    write to costs the compile, never the render."""

    def __init__(self, folder: Path = TEMPLATE_CACHE):
        super().__init__(str(folder))

    def load_bytecode(self, bucket) -> None:
        with contextlib.suppress(OSError):
            super().load_bytecode(bucket)

    def dump_bytecode(self, bucket) -> None:
        with contextlib.suppress(OSError):
            Path(self.directory).mkdir(parents=True, exist_ok=True)
            super().dump_bytecode(bucket)


def template_env(fmt: PageFormat, config: Config) -> jinja2.Environment:
    """template_env_for() kept per format and config: compiling the templates took
    30-60 ms of every render (each page worker's too); the loader still reloads a
    template whose file changed."""
    key = repr((fmt, config))
    env = _ENVS.get(key)
    if env is None:
        env = _ENVS[key] = template_env_for(fmt, config)
    return env


def template_env_for(fmt: PageFormat, config: Config) -> jinja2.Environment:
    """Templates from layout/ only, with autoescape: copy is untrusted input.

    The data box's `figures` filter, `lines` (a heading's breaks on its role's line,
    compose/headings.py), `heading` (a heading that may step down a size: its size and
    lines), `grid_rows` and `headline_fit` (sized to fmt's type area) are the
    templates' only helpers.
    """
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(LAYOUT_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        bytecode_cache=CompiledTemplates(),
    )
    env.filters["figures"] = figures
    env.filters["lines"] = lambda value, role, size=None, width=None: headings.broken(
        [(value, "")] if isinstance(value, str) else list(value),
        headings.measure_em(fmt, role, size, width),
    )
    env.globals["heading"] = lambda value, role, width=None: headings.heading(
        fmt, role, value, width
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
    plan,
    fmt: PageFormat,
    photo_url: str,
    env: jinja2.Environment,
) -> str:
    """Fill layout/spread.html.j2 with the story and its make-up (env: template_env)."""
    from newsprint.compose.plan import ArticlePart

    parts = [ArticlePart(a, i, tuple(a.sections), True) for i, a in enumerate(story.articles)]
    return env.get_template("spread.html.j2").render(
        story=story,
        edition=edition,
        plan=plan,
        fmt=fmt,
        photo_url=photo_url,
        parts=parts,
        inset=headings.token_pt("--quote-inset"),
    )
