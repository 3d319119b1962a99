"""Fonts: set-up from Debian's packages, @font-face rules, coverage checks.

Faces are extracted from Debian's .ttc collections into single-face files
under fonts/cache/ so WeasyPrint embeds (and subsets) one face, not a whole
collection, and output never depends on what fontconfig happens to find.
Coverage is checked with fontTools before rendering: a character no face has
would otherwise cost a slow fallback search and print as tofu.
"""

from __future__ import annotations

import bisect
import hashlib
import os
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from fontTools.ttLib import TTFont

from newsprint import caches
from newsprint.config import FONTS_DIR
from newsprint.errors import UserError

FONTS_TOML = FONTS_DIR / "fonts.toml"
CACHE_DIR = FONTS_DIR / "cache"


@dataclass(frozen=True)
class Face:
    id: str
    family: str
    weight: int
    package: str
    source: str
    index: int
    expect_name: str
    version: str
    sha256: str
    unicode_range: str = ""  # "U+201C-201D, …": the face sets only these (CSS unicode-range)
    metrics_from: str = ""  # a face id: take its ascent and descent (a ranged face's line)

    @property
    def codepoints(self) -> frozenset[int] | None:
        """The code points of unicode_range, or None: the face sets all it has."""
        return range_codepoints(self.unicode_range) if self.unicode_range else None

    @property
    def path(self) -> Path:
        """The extracted single-face file WeasyPrint loads."""
        suffix = Path(self.source).suffix.replace(".ttc", ".otf")
        return CACHE_DIR / f"{self.id}{suffix}"


@cache
def range_codepoints(unicode_range: str) -> frozenset[int]:
    """The code points of a CSS unicode-range, parsed once: the coverage check asks for
    each character of the copy (0.1 s a render when parsed every time)."""
    points: set[int] = set()
    for part in unicode_range.replace("U+", "").split(","):
        low, _, high = part.strip().partition("-")
        points.update(range(int(low, 16), int(high or low, 16) + 1))
    return frozenset(points)


def load_faces(path: Path = FONTS_TOML) -> dict[str, Face]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return {f["id"]: Face(**f) for f in data["face"]}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def setup(faces: dict[str, Face] | None = None, accept_new: bool = False) -> list[str]:
    """Check each source font against fonts.toml and extract its face; return report lines."""
    faces = faces or load_faces()
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    report = []
    for face in faces.values():
        source = Path(face.source)
        if not source.exists():
            raise UserError(
                f"{FONTS_TOML}: face {face.id!r}: {source} is missing; "
                f"install it with `apt-get install {face.package}` (or run `make setup`)"
            )
        digest = _sha256(source)
        with TTFont(source, fontNumber=face.index, lazy=True) as font:
            name, version = font["name"].getDebugName(1), font["name"].getDebugName(5)
        if name != face.expect_name:
            raise UserError(
                f"{FONTS_TOML}: face {face.id!r}: face {face.index} of {source} is "
                f"{name!r}, expected {face.expect_name!r}"
            )
        if (digest, version) != (face.sha256, face.version) and not accept_new:
            raise UserError(
                f"{FONTS_TOML}: face {face.id!r}: {source} is {version!r} sha256 {digest[:12]}…, "
                f"recorded {face.version!r} sha256 {face.sha256[:12]}…; check a proof, then "
                "run `FONTS_ACCEPT_NEW=1 make fonts` and commit fonts/fonts.toml"
            )
        stamp = face.path.with_suffix(face.path.suffix + ".sha256")
        made = " ".join(filter(None, (digest, face.unicode_range, face.metrics_from)))
        if not (face.path.exists() and stamp.exists() and stamp.read_text() == made):
            tmp = face.path.with_suffix(".tmp")
            with TTFont(source, fontNumber=face.index, recalcTimestamp=False) as font:
                if face.codepoints is not None:
                    _subset(font, face.codepoints)
                if face.metrics_from:
                    _take_metrics(font, faces[face.metrics_from])
                font.save(tmp)
            os.replace(tmp, face.path)
            stamp.write_text(made)
        cmap_of(face.path)  # the coverage set, kept beside the face for every render
        report.append(f"{face.id:14} {name} ({version.split(';')[0]}) ← {source}")
    return report


def _subset(font: TTFont, codepoints: frozenset[int]) -> None:
    """Keep only the glyphs of a ranged face: the PDF and WeasyPrint load a few kB
    instead of a whole CJK face for four quotation marks."""
    from fontTools import subset

    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=codepoints)
    subsetter.subset(font)


def _take_metrics(font: TTFont, other: Face) -> None:
    """Give a ranged face the vertical metrics and baselines (BASE) of the face it stands
    in for: Pango aligns a line's runs of two faces on their BASE baselines and sizes it
    by their ascents, so a quotation mark from Noto in a Kai line would push that line
    off the baseline grid (by 0.4 px at 10.5 pt: measured)."""
    with TTFont(other.source, fontNumber=other.index) as ref:
        if "BASE" in ref:
            font["BASE"] = ref["BASE"]
        elif "BASE" in font:
            del font["BASE"]
        scale = font["head"].unitsPerEm / ref["head"].unitsPerEm
        for table, fields in (
            ("hhea", ("ascent", "descent", "lineGap")),
            ("OS/2", ("sTypoAscender", "sTypoDescender", "sTypoLineGap")),
            ("OS/2", ("usWinAscent", "usWinDescent")),
        ):
            for name in fields:
                setattr(font[table], name, round(getattr(ref[table], name) * scale))


def check_installed(faces: dict[str, Face]) -> None:
    """Fail plainly when set-up has not extracted the faces yet."""
    missing = [f.id for f in faces.values() if not f.path.exists()]
    if missing:
        raise UserError(f"{CACHE_DIR}: fonts not set up ({', '.join(missing)}); run `make fonts`")


class Coverage:
    """A face's code points as sorted runs, asked by bisection: expanding the nine
    faces' 280 000 points into sets took 25 ms of every render, to look up the few
    thousand characters of a story. Iterates and compares as the set of points."""

    def __init__(self, ranges: str):
        runs = [run.partition("-") for run in filter(None, ranges.split(","))]
        self.lows = [int(low) for low, _, _ in runs]
        self.highs = [int(high) for _, _, high in runs]

    def __contains__(self, code: int) -> bool:
        i = bisect.bisect_right(self.lows, code) - 1
        return i >= 0 and code <= self.highs[i]

    def __iter__(self):
        for low, high in zip(self.lows, self.highs, strict=True):
            yield from range(low, high + 1)

    def __len__(self) -> int:
        return sum(high - low + 1 for low, high in zip(self.lows, self.highs, strict=True))

    def __eq__(self, other) -> bool:
        return frozenset(self) == frozenset(other)

    __hash__ = None  # a set of points compares by its points


@cache
def cmap_of(path: Path) -> Coverage:
    """Code points a face covers.

    Decompiling a CJK cmap takes ~0.15 s a face, a second per render for the seven
    faces; so the set is kept beside the face as ranges (`<face>.cmap`), stamped with
    the source font's checksum, written at set-up and re-made whenever the face is.
    """
    stamp = _stamp(path)
    saved = path.with_suffix(path.suffix + ".cmap")
    if stamp and saved.exists():
        head, _, body = saved.read_text(encoding="ascii").partition("\n")
        if head == stamp:
            return Coverage(body)
    with TTFont(path, lazy=True) as font:
        ranges = _ranges(frozenset(font.getBestCmap()))
    if stamp:
        caches.write_whole(saved, (stamp + "\n" + ranges).encode("ascii"))
    return Coverage(ranges)


def _stamp(path: Path) -> str:
    """The source font's checksum that set-up wrote beside the extracted face, or ""."""
    stamp = path.with_suffix(path.suffix + ".sha256")
    return stamp.read_text().strip() if stamp.exists() else ""


def _ranges(points: frozenset[int]) -> str:
    """'32-126,160-255,…': a CJK face's ~40 000 code points in a few kB."""
    runs: list[list[int]] = []
    for code in sorted(points):
        if runs and code == runs[-1][1] + 1:
            runs[-1][1] = code
        else:
            runs.append([code, code])
    return ",".join(f"{a}-{b}" for a, b in runs)


def font_face_css(faces: dict[str, Face]) -> str:
    """@font-face rules for every face, by absolute file URL (read via the safe fetcher)."""
    rules = []
    for face in faces.values():
        ranged = f"unicode-range: {face.unicode_range}; " if face.unicode_range else ""
        rules.append(
            "@font-face { "
            f"font-family: '{face.family}'; font-weight: {face.weight}; font-style: normal; "
            f"{ranged}src: url('{face.path.as_uri()}'); }}"
        )
    return "\n".join(rules)


def role_css(faces: dict[str, Face], roles: dict[str, list[str]]) -> str:
    """--face-<role> for the styles, from newsprint.toml [fonts]: the one place that says
    which face sets which role (the CSS never types a family name). A role's families are
    listed in the order of its faces: a ranged face (unicode-range) first sets its few
    characters, the next family the rest."""
    props = []
    for role, ids in roles.items():
        unknown = [i for i in ids if i not in faces]
        if unknown:
            raise UserError(
                f"newsprint.toml [fonts] {role}: no face {', '.join(unknown)} in {FONTS_TOML}"
            )
        families = ", ".join(
            f"'{family}'" for family in dict.fromkeys(faces[i].family for i in ids)
        )
        props.append(f"--face-{role}: {families};")
    return ":root { " + " ".join(props) + " }"
