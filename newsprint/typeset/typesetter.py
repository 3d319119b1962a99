"""Typeset: HTML + styles/ → WeasyPrint document, fetching only project files.

Copy is untrusted: the URL fetcher refuses anything but files inside the
project's own folders (fonts, styles, layout, source), so a story cannot make
the renderer read /etc/passwd or call the network. WeasyPrint's warnings are
collected and returned: a CSS or font warning is a bug, never noise.
"""

from __future__ import annotations

import atexit
import logging
import re
import shutil
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

from tinycss2.color5 import parse_color
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from newsprint import clreq
from newsprint.config import PROJECT_ROOT, STYLES_DIR
from newsprint.errors import Finding, UserError
from newsprint.runtime import with_room
from newsprint.typeset.fontconfig import InPlaceFontConfiguration

STYLESHEETS = ("tokens.css", "page.css", "text.css", "modules.css")
ALLOWED_DIRS = ("fonts", "styles", "layout", "source", "tests/data", ".cache/pictures")


def allowed_roots(extra: tuple[Path, ...] = ()) -> tuple[Path, ...]:
    return tuple((PROJECT_ROOT / d).resolve() for d in ALLOWED_DIRS) + tuple(
        p.resolve() for p in extra
    )


class ProjectFetcher(URLFetcher):
    """Serves file:// and data: URLs under the allowed roots; refuses everything else.

    WeasyPrint turns the refusal into a warning, which the build reports as an error.
    """

    def __init__(self, roots: tuple[Path, ...]) -> None:
        super().__init__(allowed_protocols=("file", "data"))
        self.roots = roots

    def fetch(self, url, headers=None):
        parsed = urlparse(url)
        if parsed.scheme == "file":
            path = Path(unquote(parsed.path)).resolve()
            if not any(path.is_relative_to(root) for root in self.roots):
                raise PermissionError(f"refused to read {path}: outside the project's folders")
        elif parsed.scheme != "data":
            raise PermissionError(f"refused to fetch {url}: rendering never uses the network")
        return super().fetch(url, headers)


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def collect_warnings():
    """WeasyPrint's warnings while the block runs, as a list of messages."""
    handler = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)


# A declaration whose value is only a colour (device-cmyk(), #hex, rgb()): colours never
# move text, so the measurement and fit caches ignore them. Only a valid colour: an
# invalid one makes every declaration using its var() invalid (a border then has no width).
COLOUR_VALUE = re.compile(
    r"([\w-]*colou?r|--[\w-]+)\s*:\s*((?:device-cmyk|rgba?|hsla?|cmyk)\([^;{}]*\))\s*;"
    r"|([\w-]*colou?r)\s*:\s*(#[0-9a-fA-F]{3,8})\s*;",
    re.IGNORECASE,
)


def _masked(match: re.Match) -> str:
    if parse_color(match[2] or match[4]) is None:
        return match[0]
    return f"{match[1] or match[3]}: colour;"


def mask_colours(css: str) -> str:
    """The CSS with every valid colour value replaced by one word: equal when only colours
    differ."""
    return COLOUR_VALUE.sub(_masked, css)


AT_LINE = re.compile(r" at (\d+):\d+")
QUOTED = re.compile(r"'(.+?)'", re.S)  # a bad selector's text, as WeasyPrint quotes it


def located(path: Path, message: str) -> str:
    """A stylesheet warning as `styles/x.css:LINE: message`, the line from WeasyPrint's `at L:C`.

    A bad selector comes without a position; its quoted text is then looked up in the file.
    """
    match = AT_LINE.search(message)
    rel = path.relative_to(PROJECT_ROOT) if path.is_relative_to(PROJECT_ROOT) else path
    line = int(match[1]) if match else _quoted_line(path, message)
    return f"{rel}:{line}: {message}"


IGNORED = re.compile(r"^Ignored `([\w-]+):.*? at (\d+):(\d+)", re.S)


def located_in_sheets(message: str) -> str:
    """A warning from layout (a var() that made a value invalid) with its stylesheet's name.

    WeasyPrint gives the line and column but not the file: the sheet whose line holds
    that property before that column is named when it is the only one.
    """
    match = IGNORED.match(message)
    if not match:
        return message
    prop, line, column = match[1], int(match[2]), int(match[3])
    declares = re.compile(rf"(?<![\w-]){re.escape(prop)}\s*:")
    hits = []
    for name in STYLESHEETS:
        lines = (STYLES_DIR / name).read_text(encoding="utf-8").splitlines()
        if line <= len(lines) and declares.search(lines[line - 1][:column]):
            hits.append(STYLES_DIR / name)
    return located(hits[0], message) if len(hits) == 1 else message


def _quoted_line(path: Path, message: str) -> int:
    """The line where the message's quoted excerpt starts in the file, else 0."""
    quoted = QUOTED.search(message)
    excerpt = quoted[1].strip() if quoted else ""
    text = path.read_text(encoding="utf-8") if excerpt else ""
    at = text.find(excerpt) if excerpt else -1
    return text.count("\n", 0, at) + 1 if at >= 0 else 0


def install_clreq() -> None:
    """Chinese line composition (inter-character justification, kinsoku…) into WeasyPrint;
    another WeasyPrint is a set-up fault the user can fix, so say how instead of a traceback."""
    try:
        clreq.install()
    except clreq.InternalsChanged as exc:
        found, needed = exc.found, clreq.WEASYPRINT_VERSION
        changed = " with changed internals" if found == needed else ""
        raise UserError(
            f"WeasyPrint {found} is installed{changed}, but newsprint needs WeasyPrint "
            f"{needed} as released: the Chinese line composition "
            f"patches WeasyPrint's internals ({'; '.join(exc.problems)}). Reinstall the "
            "pinned version with `rm -f .setup/venv.stamp && make setup`"
        ) from None


def measuring(page) -> bool:
    """Is this laid-out page a measuring document's (layout/measure.html.j2, body
    class "measuring")? Such a document is read for its boxes' heights, never drawn."""
    root = page.children[0] if page.children else None
    for child in getattr(root, "element", None) or ():
        if child.tag.rpartition("}")[2] == "body":
            return "measuring" in (child.get("class") or "").split()
    return False


def skip_backgrounds_when_measuring() -> None:
    """Lay out no backgrounds for a measuring document (idempotent): they never change a
    height, and cost a tenth of its layout. Decided per page, so a spread laid out at
    the same time in another thread keeps its backgrounds."""
    from weasyprint import layout

    if getattr(layout.layout_backgrounds, "skips_measuring", False):
        return
    original = layout.layout_backgrounds

    def layout_backgrounds(page, get_image_from_uri):
        if not measuring(page):
            original(page, get_image_from_uri)

    layout_backgrounds.skips_measuring = True
    layout.layout_backgrounds = layout_backgrounds


# WeasyPrint copies every @font-face file into a temporary folder per FontConfiguration
# (127 MB for the CJK faces) and removes it only when that object is collected: a page
# worker ends with os._exit and a killed render never does, so each left 127 MB in /tmp.
# The project's faces are registered in place (typeset/fontconfig.py); a face from
# elsewhere (a data: URL, a woff) still takes WeasyPrint's copy, removed here.
_FONT_FOLDERS: set[Path] = set()


def remove_font_folders() -> None:
    """Delete the font copies this process's Typesetters made (at exit, and by workers)."""
    while _FONT_FOLDERS:
        shutil.rmtree(_FONT_FOLDERS.pop(), ignore_errors=True)


atexit.register(remove_font_folders)


@dataclass
class Typesetter:
    """Reusable renderer: fonts and parsed stylesheets are loaded once per session."""

    font_css: str
    extra_roots: tuple[Path, ...] = ()
    font_config: FontConfiguration | None = None  # in place under the allowed roots
    _sheets: dict[str, tuple[float, CSS, list[str]]] = field(default_factory=dict)
    # build.lay_out's memory of fit outcomes per layout key: see build.layout_key
    fit_cache: dict = field(default_factory=dict)
    measured: object = None  # the last module measurement (typeset/remeasure.py)

    def __post_init__(self) -> None:
        install_clreq()
        skip_backgrounds_when_measuring()
        self.fetcher = ProjectFetcher(allowed_roots(self.extra_roots))
        if self.font_config is None:
            self.font_config = InPlaceFontConfiguration(self.fetcher.roots)
        with collect_warnings() as messages:  # a face that cannot load: every render says so
            self._font_sheet = CSS(
                string=self.font_css, font_config=self.font_config, url_fetcher=self.fetcher
            )
        self.font_warnings = [f"fonts: {m}" for m in messages]
        folder = getattr(self.font_config, "_folder", None)
        if folder:
            _FONT_FOLDERS.add(Path(folder))

    def stylesheets(self) -> tuple[list[CSS], list[str]]:
        """Designer CSS from styles/, re-parsed only when a file changed, and its warnings.

        The parse warnings are kept with the cached sheet: a re-render must report a
        bad declaration as often as it is in the file, not only on the render that parsed it.
        """
        sheets, warnings = [], []
        for name in STYLESHEETS:
            path = STYLES_DIR / name
            mtime = path.stat().st_mtime_ns
            cached = self._sheets.get(name)
            if not cached or cached[0] != mtime:
                with collect_warnings() as messages:
                    sheet = CSS(
                        filename=str(path), font_config=self.font_config, url_fetcher=self.fetcher
                    )
                cached = (mtime, sheet, [located(path, m) for m in messages])
                self._sheets[name] = cached
            sheets.append(cached[1])
            warnings += cached[2]
        return sheets, warnings

    def layout_css(self) -> str:
        """The designer CSS with colour values masked: what a colour-only save leaves alone."""
        texts = []
        for name in STYLESHEETS:
            text = (STYLES_DIR / name).read_text(encoding="utf-8")
            texts.append(mask_colours(text))
        return "\n".join(texts)

    def render(self, html: str, geometry_css: str):
        """Lay out the spread; return (document, warnings WeasyPrint logged)."""
        designer, sheet_warnings = self.stylesheets()
        clreq.new_document()
        with collect_warnings() as messages:
            sheets = [
                self._font_sheet,
                *designer,
                CSS(string=geometry_css, font_config=self.font_config),
            ]
            page = HTML(string=html, base_url=str(PROJECT_ROOT) + "/", url_fetcher=self.fetcher)
            # the layout's calls clear of the frame stack's chunk boundary (runtime.py)
            document = with_room(page.render, stylesheets=sheets, font_config=self.font_config)
        found = self.font_warnings + sheet_warnings
        return document, found + [located_in_sheets(m) for m in messages]


SHEET_WARNING = re.compile(r"^([^:]+\.css):(\d+): (.*)$", re.S)


def weasyprint_finding(message: str) -> Finding:
    """A WeasyPrint warning is an error; a stylesheet's names its file and line."""
    match = SHEET_WARNING.match(message)
    if match:
        return Finding("error", f"WeasyPrint: {match[3]}", match[1], int(match[2]), "weasyprint")
    return Finding("error", f"WeasyPrint: {message}", "styles/", 0, "weasyprint")
