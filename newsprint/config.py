"""Typed view of newsprint.toml: page formats, grid, font roles, check limits.

Everything a designer or a plant may want to change lives in the TOML file;
this module only reads it, checks it and derives the grid figures from it.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from newsprint.errors import UserError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CONFIG_PATH = PROJECT_ROOT / "newsprint.toml"
LAYOUT_DIR = PROJECT_ROOT / "layout"  # Jinja2 templates
STYLES_DIR = PROJECT_ROOT / "styles"  # the designers' CSS
FONTS_DIR = PROJECT_ROOT / "fonts"  # fonts.toml and the extracted faces
DEFAULT_STORY = PROJECT_ROOT / "source" / "000_47b12d432780679e.txt"  # what `make render` renders
PT_PER_MM = 72 / 25.4
# The plant's limits when newsprint.toml [print] names none (and the preflight's defaults
# for a PDF from elsewhere): pictures at printed size, total ink on newsprint.
MIN_PPI = 200.0
MAX_PPI = 300.0  # sharper pictures are scaled down to this at printed size
MAX_INK = 240.0  # total ink of a CMYK colour, in % (newsprint 220–240)
# The typography report's rules (preflight/typography.py), by the names [typography]
# errors uses; a rule not named there is a warning.
TYPOGRAPHY_RULES = (
    "not-flush",
    "prohibited-breaks",
    "split-units",
    "uncompressed",
    "han-latin",
    "orphans",
    "injected-spaces",
    "off-grid",
    "loose-lines",
    "tight-lines",
    "letter-spaced",
    "narrow-quotes",
    "heading-breaks",
)


@dataclass(frozen=True)
class PageFormat:
    """One page format and the grid derived from it (all lengths in pt)."""

    name: str
    label: str
    page_width_mm: float
    page_height_mm: float
    columns: int
    column_chars: int
    gutter_chars: int
    body_size_pt: float
    leading: float
    lines: int
    head_height_mm: float
    top_margin_mm: float
    inner_margin_mm: float

    @property
    def line_pitch(self) -> float:
        return self.body_size_pt * self.leading

    @property
    def column_width(self) -> float:
        return self.column_chars * self.body_size_pt

    @property
    def gutter(self) -> float:
        return self.gutter_chars * self.body_size_pt

    @property
    def type_width(self) -> float:
        return self.columns * self.column_width + (self.columns - 1) * self.gutter

    @property
    def type_height(self) -> float:
        return self.lines * self.line_pitch

    @property
    def page_width(self) -> float:
        return self.page_width_mm * PT_PER_MM

    @property
    def page_height(self) -> float:
        return self.page_height_mm * PT_PER_MM

    def span(self, n: int) -> float:
        """Width of a box spanning n columns and the n − 1 gutters between them."""
        return n * self.column_width + (n - 1) * self.gutter

    def margins(self, side: str) -> tuple[float, float, float, float]:
        """Page margins (top, right, bottom, left) for a left or right page."""
        top = self.top_margin_mm * PT_PER_MM
        inner = self.inner_margin_mm * PT_PER_MM
        outer = self.page_width - self.type_width - inner
        bottom = self.page_height - self.type_height - top
        if outer <= 0 or bottom <= 0:
            raise UserError(
                f"{CONFIG_PATH}: format {self.name!r}: the grid "
                f"({self.type_width / PT_PER_MM:.1f} × {self.type_height / PT_PER_MM:.1f} mm) "
                "does not fit the page; reduce columns, lines or margins"
            )
        return (top, inner, bottom, outer) if side == "left" else (top, outer, bottom, inner)


# The make-up's copyfit levers (newsprint.toml [makeup] levers orders them).
LEVERS = (
    "photo",
    "section-air",
    "testimony-width",
    "testimony-air",
    "databox",
    "head-air",
    "testimony-size",
)


@dataclass(frozen=True)
class MakeupSettings:
    """newsprint.toml [makeup]: how far the make-up may move the design to fit the copy.

    Lengths are in lines of body type. The solver tries the levers in `levers` order:
    a later lever is used only when the earlier ones cannot make the pages fit.
    """

    photo_min_lines: int = 16
    photo_max_lines: int = 40
    photo_min_cols: int = 3
    photo_crop_max: float = 0.3  # share of the picture's width or height that may be cut
    head_air_max: int = 8
    section_air_max: int = 2
    text_chunk_lines: int = 3  # a section's text may be cut after every this many lines
    testimony_air_max: int = 1  # lines of air under a testimony's head
    testimony_pad_max: int = 2  # lines of air at the foot of a testimony box
    testimony_max_cols: int = 3
    testimony_sizes: tuple[str, ...] = ("wuhao", "xiaowu")
    note_columns: tuple[int, ...] = (4, 3, 2)
    databox_columns: tuple[int, ...] = (3, 2, 4)  # cards side by side, the design's first
    databox_widths: tuple[int, ...] = (8, 6, 5, 4)  # grid columns the box may span
    databox_sizes: tuple[str, ...] = ("sanhao", "sihao")
    databox_row_air_max: int = 2
    levers: tuple[str, ...] = LEVERS


@dataclass(frozen=True)
class Config:
    paper_name: str
    default_format: str
    language: str
    timezone: str  # UTC offset of the paper's dates, +HH:MM (the PDFs' dates, the XMP)
    formats: dict[str, PageFormat]
    font_roles: dict[str, list[str]]
    normalize_disabled: frozenset[str] = frozenset()
    suspect_words: dict[str, str] | None = None
    print_table: dict | None = None  # [print]: read by output.print_settings
    module_gap_lines: int = 1  # [checks]: page report (preflight/page.py) limits
    max_hole_lines: int = 1
    max_foot_gap_lines: int = 0
    makeup: MakeupSettings = MakeupSettings()
    typography_errors: frozenset[str] = frozenset(TYPOGRAPHY_RULES)  # [typography] errors

    def page_format(self, name: str | None = None) -> PageFormat:
        name = name or self.default_format
        if name not in self.formats:
            known = ", ".join(sorted(self.formats))
            raise UserError(f"{CONFIG_PATH}: unknown page format {name!r}; known: {known}")
        return self.formats[name]


_FORMAT_FIELDS = {
    "label": str,
    "page_width_mm": float,
    "page_height_mm": float,
    "columns": int,
    "column_chars": int,
    "gutter_chars": int,
    "body_size_pt": float,
    "leading": float,
    "lines": int,
    "head_height_mm": float,
    "top_margin_mm": float,
    "inner_margin_mm": float,
}


def _typed(table: dict, key: str, kind: type, where: str):
    if key not in table:
        raise UserError(f"{where}: missing {key!r}")
    value = table[key]
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, kind) or isinstance(value, bool):
        raise UserError(f"{where}: {key!r} must be {kind.__name__}, not {value!r}")
    return value


def _timezone(paper: dict, where: str) -> str:
    value = _typed(paper, "timezone", str, where)
    if not re.fullmatch(r"[+-](0\d|1[0-4]):[0-5]\d", value):
        raise UserError(f"{where}: timezone must be a UTC offset like +08:00, not {value!r}")
    return value


def _limit(table: dict, key: str, default: int, where: str) -> int:
    """An optional whole-number limit of [checks]; a wrong type is an error, not a default."""
    return _typed(table, key, int, where) if key in table else default


def _makeup(table: dict, where: str) -> MakeupSettings:
    """[makeup], each key typed; unknown keys and levers are errors with the known ones."""
    defaults = MakeupSettings()
    known = set(MakeupSettings.__dataclass_fields__)
    unknown = sorted(set(table) - known)
    if unknown:
        raise UserError(
            f"{where}: unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}"
        )
    values = {}
    for key in known:
        default = getattr(defaults, key)
        if key not in table:
            continue
        value = table[key]
        if isinstance(default, tuple):
            kind = type(default[0])
            if (
                not isinstance(value, list)
                or not value
                or not all(isinstance(v, kind) and not isinstance(v, bool) for v in value)
            ):
                raise UserError(
                    f"{where}: {key!r} must be a non-empty list of {kind.__name__}, not {value!r}"
                )
            values[key] = tuple(value)
        else:
            values[key] = _typed(table, key, type(default), where)
            if values[key] < 0:
                raise UserError(f"{where}: {key!r} must not be negative, not {value!r}")
    settings = MakeupSettings(**{**defaults.__dict__, **values})
    bad = sorted(set(settings.levers) - set(LEVERS))
    if bad:
        raise UserError(f"{where}: unknown lever(s) {', '.join(bad)}; known: {', '.join(LEVERS)}")
    if not 1 <= settings.photo_min_lines <= settings.photo_max_lines:
        raise UserError(
            f"{where}: need 1 ≤ photo_min_lines ≤ photo_max_lines, not "
            f"{settings.photo_min_lines}, {settings.photo_max_lines}"
        )
    if not 1 <= settings.testimony_max_cols <= 3:
        raise UserError(
            f"{where}: testimony_max_cols must be 1–3, not {settings.testimony_max_cols}"
        )
    return settings


def _typography_errors(table: dict, where: str) -> frozenset[str]:
    """[typography] errors: which of the report's rules stop a render."""
    names = table.get("errors", list(TYPOGRAPHY_RULES))
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise UserError(f"{where}: 'errors' must be a list of rule names, not {names!r}")
    unknown = sorted(set(names) - set(TYPOGRAPHY_RULES))
    if unknown:
        known = ", ".join(TYPOGRAPHY_RULES)
        raise UserError(
            f"{where}: unknown rule(s) {', '.join(unknown)} in 'errors'; known: {known}"
        )
    return frozenset(names)


def read_config(path: Path = CONFIG_PATH) -> dict:
    """newsprint.toml as a table; a file that cannot be read or parsed is the user's to fix."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UserError(f"{path}: cannot read configuration: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise UserError(f"{path}: {exc}") from None


def load_config(path: Path = CONFIG_PATH) -> Config:
    """Read and check the configuration file; errors name the file and key."""
    data = read_config(path)
    paper = data.get("paper", {})
    formats = {}
    for name, table in data.get("formats", {}).items():
        where = f"{path} [formats.{name}]"
        fields = {k: _typed(table, k, t, where) for k, t in _FORMAT_FIELDS.items()}
        formats[name] = PageFormat(name=name, **fields)
    roles = data.get("fonts", {})
    checks, where = data.get("checks", {}), f"{path} [checks]"
    for role in ("body", "headline", "kai"):
        if not roles.get(role):
            raise UserError(f"{path} [fonts]: role {role!r} names no face")
    config = Config(
        paper_name=_typed(paper, "name", str, f"{path} [paper]"),
        default_format=_typed(paper, "format", str, f"{path} [paper]"),
        language=_typed(paper, "language", str, f"{path} [paper]"),
        timezone=_timezone(paper, f"{path} [paper]"),
        formats=formats,
        font_roles={k: list(v) for k, v in roles.items()},
        module_gap_lines=_limit(checks, "module_gap_lines", 1, where),
        max_hole_lines=_limit(checks, "max_hole_lines", 1, where),
        max_foot_gap_lines=_limit(checks, "max_foot_gap_lines", 0, where),
        makeup=_makeup(data.get("makeup", {}), f"{path} [makeup]"),
        typography_errors=_typography_errors(data.get("typography", {}), f"{path} [typography]"),
        normalize_disabled=frozenset(data.get("normalize", {}).get("disable", [])),
        suspect_words=dict(data.get("normalize", {}).get("suspect", {})),
        print_table=dict(data.get("print", {})),
    )
    config.page_format()  # the default format must exist
    return config
