"""Pictures for print: converted to the plant's CMYK, ink-limited, checked for resolution.

WeasyPrint embeds a picture as it finds it (an RGB photo stays RGB in the PDF),
so the conversion happens before rendering: the lead puts the returned CMYK
JPEG in the HTML. littleCMS (Pillow's ImageCms) does the colour work; the
output name carries a hash of the inputs, so the same picture gives the same
bytes and is converted once. A picture sharper than the plant's max_ppi at its
printed size is scaled down first, decoding no more pixels than it needs
(JPEG's DCT scaling, then integer reduction), so a camera original neither
bloats the PDF nor the memory of the render.
"""

from __future__ import annotations

import hashlib
import io
import math
import os
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageCms, ImageFile, ImageMath, ImageOps, UnidentifiedImageError

from newsprint import caches
from newsprint.config import MAX_INK, MAX_PPI, MIN_PPI, PROJECT_ROOT, PT_PER_MM, PageFormat
from newsprint.errors import Finding
from newsprint.output.pdfx import PrintSettings
from newsprint.pdf.icc import DEFAULT_PROFILE, load_cmyk_profile
from newsprint.story.edition import Edition
from newsprint.story.model import Story

MM_PER_INCH = 25.4
JPEG_QUALITY = 90
SUFFIXES = (".jpg", ".jpeg", ".png", ".tif", ".tiff")
PICTURE_CACHE = PROJECT_ROOT / ".cache" / "pictures"  # CMYK conversions the renderer may read
PICTURES_KEPT = 2000  # conversions kept in PICTURE_CACHE, the latest used …
PICTURE_BYTES_KEPT = 2 * 1024**3  # … and at most this much of them
INK_STRIP_ROWS = 256  # the ink limit works in float per band: this many rows at a time
TURNED = (5, 6, 7, 8)  # EXIF orientations that swap width and height


@dataclass
class Picture:
    """A prepared picture: the CMYK file to place (None if missing) and what the desk must know."""

    source: Path
    path: Path | None
    ppi: float = 0.0
    findings: list[Finding] = field(default_factory=list)


def effective_ppi(size_px: tuple[int, int], width_mm: float, height_mm: float | None) -> float:
    """Pixels per inch once the picture fills the frame (object-fit: cover crops the rest)."""
    ppi_x = size_px[0] / (width_mm / MM_PER_INCH)
    if not height_mm:
        return ppi_x
    return min(ppi_x, size_px[1] / (height_mm / MM_PER_INCH))


def placed_size(
    size_px: tuple[int, int], width_mm: float, height_mm: float | None, max_ppi: float
) -> tuple[int, int]:
    """The pixels the frame can use at max_ppi: the picture's own size when it has no more."""
    ppi = effective_ppi(size_px, width_mm, height_mm)
    if ppi <= max_ppi:
        return size_px
    scale = max_ppi / ppi
    return (max(1, math.floor(size_px[0] * scale)), max(1, math.floor(size_px[1] * scale)))


def _shown_size(image: Image.Image) -> tuple[int, int]:
    """Width × height as printed, after the EXIF orientation, without decoding a pixel."""
    turned = image.getexif().get(0x0112) in TURNED
    return (image.height, image.width) if turned else image.size


def load_scaled(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    """The picture upright at `size`, decoding at most twice its pixels (JPEG draft, reduce)."""
    shown = _shown_size(image)
    stored = size if shown == image.size else (size[1], size[0])
    if stored != image.size:
        image.draft(None, stored)  # JPEG: DCT-scaled decode by 1/2, 1/4 or 1/8, never below
    image.load()
    factor = min(image.width // stored[0], image.height // stored[1])
    if factor >= 2:
        image = image.reduce(factor)
    if image.size != stored:
        info = image.info
        image = image.resize(stored, Image.Resampling.LANCZOS)
        image.info = info
    return ImageOps.exif_transpose(image)


def _source_profile(image: Image.Image) -> ImageCms.ImageCmsProfile | None:
    data = image.info.get("icc_profile")
    if not data:
        return None
    try:
        return ImageCms.ImageCmsProfile(io.BytesIO(data))
    except (OSError, ImageCms.PyCMSError):
        return None


def to_cmyk(image: Image.Image, output_icc: bytes) -> Image.Image:
    """Any picture in the output CMYK: RGB via its own profile (else sRGB), grey on K only."""
    image = ImageOps.exif_transpose(image)
    if image.mode in ("1", "L", "LA", "I", "I;16", "I;16B", "F"):
        grey = image.convert("L") if image.mode != "LA" else _flatten(image).convert("L")
        black = ImageOps.invert(grey)
        blank = Image.new("L", grey.size, 0)
        return Image.merge("CMYK", (blank, blank, blank, black))
    output = ImageCms.ImageCmsProfile(io.BytesIO(output_icc))
    source = _source_profile(image)
    if image.mode == "CMYK":
        if source is None:
            return image  # untagged CMYK: taken as already made for the press
        in_mode = "CMYK"
    else:
        image = _flatten(image) if "A" in image.getbands() or image.mode == "P" else image
        image = image.convert("RGB")
        in_mode = "RGB"
        source = source or ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
    transform = ImageCms.buildTransform(
        source,
        output,
        in_mode,
        "CMYK",
        renderingIntent=ImageCms.Intent.PERCEPTUAL,
        flags=ImageCms.Flags.BLACKPOINTCOMPENSATION,
    )
    return ImageCms.applyTransform(image, transform)


def _flatten(image: Image.Image) -> Image.Image:
    """Transparent pixels print on paper: composite onto white."""
    rgba = image.convert("RGBA")
    white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    return Image.alpha_composite(white, rgba).convert("RGB")


def limit_ink(image: Image.Image, max_ink: float) -> Image.Image:
    """Cap total ink (C+M+Y+K, in %) by taking C, M and Y down and keeping K (newsprint ~240 %).

    Strip by strip: the float bands of a whole picture would take 16 bytes a pixel, each.
    """
    if image.height <= INK_STRIP_ROWS:
        return _limit_ink(image, max_ink)
    limited = Image.new("CMYK", image.size)
    for top in range(0, image.height, INK_STRIP_ROWS):
        box = (0, top, image.width, min(top + INK_STRIP_ROWS, image.height))
        limited.paste(_limit_ink(image.crop(box), max_ink), box[:2])
    return limited


def _limit_ink(image: Image.Image, max_ink: float) -> Image.Image:
    limit = max_ink * 255 / 100
    c, m, y, k = (band.convert("F") for band in image.split())
    factor = ImageMath.lambda_eval(
        lambda a: a["min"](
            a["max"](a["limit"] - a["k"], 0) / a["max"](a["c"] + a["m"] + a["y"], 1), 1.0
        ),
        c=c,
        m=m,
        y=y,
        k=k,
        limit=limit,
    )
    scaled = [ImageMath.lambda_eval(lambda a: a["b"] * a["f"], b=b, f=factor) for b in (c, m, y)]
    return Image.merge("CMYK", [b.convert("L") for b in (*scaled, k.convert("L"))])


def max_ink_of(image: Image.Image) -> float:
    """Highest total ink of a CMYK picture, in % (the preflight and tests read it)."""
    total = ImageMath.lambda_eval(
        lambda a: a["c"] + a["m"] + a["y"] + a["k"],
        **dict(zip("cmyk", (b.convert("F") for b in image.split()), strict=True)),
    )
    return total.getextrema()[1] * 100 / 255


def _refused(source: Path, level: str, message: str, rule: str) -> Picture:
    """No picture to place, and the one finding that says why."""
    return Picture(source, None, 0.0, [Finding(level, message, str(source), rule=rule)])


@contextmanager
def whole_files_only():
    """Pillow refuses a file cut short while this holds. WeasyPrint lets it decode one
    (ImageFile.LOAD_TRUNCATED_IMAGES, set when it is imported), so a photo whose upload
    broke printed with a grey band where its end was missing, and no word said."""
    saved = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        yield
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = saved


def _unreadable(exc: Exception, data: bytes) -> str:
    """What the desk should know of a picture file Pillow could not read."""
    if not data:
        return "cannot read the picture: the file is empty; send it again"
    if isinstance(exc, UnidentifiedImageError):
        return (
            "cannot read the picture: its contents are not JPEG, PNG or TIFF, whatever its "
            "name says; export it again as one of those"
        )
    if "truncated" in str(exc):
        return (
            "cannot read the picture: the file is cut short (a broken upload or copy?); "
            "send it again"
        )
    return f"cannot read the picture ({exc}); export it again as JPEG, PNG or TIFF"


def prepare_picture(
    source: Path,
    out_dir: Path,
    width_mm: float,
    height_mm: float | None = None,
    icc_profile: Path = DEFAULT_PROFILE,
    min_ppi: float = MIN_PPI,
    max_ink: float = MAX_INK,
    allow_placeholder: bool = False,
    max_ppi: float = MAX_PPI,
    kept: tuple[int, int] | None = None,
) -> Picture:
    """Convert a placed photo to a CMYK JPEG in out_dir, at most max_ppi in the frame.
    `kept`: out_dir is a cache holding at most this many conversions and bytes, the
    latest used (newsprint/caches.py); a folder without it is never pruned.

    Its resolution is checked against min_ppi; with no height_mm only the width counts
    (the frame's height is elastic until the layout is done).
    """
    source = Path(source)
    if not source.is_file():
        level = "warning" if allow_placeholder else "error"
        what = (
            "the placeholder frame is printed as the desk asked"
            if allow_placeholder
            else "put the file there, or set print_placeholder = true in the edition file "
            "to print the empty frame"
        )
        return _refused(source, level, f"picture missing: {what}", "picture-missing")
    if source.suffix.lower() not in SUFFIXES:
        return _refused(
            source,
            "error",
            f"unsupported picture type {source.suffix!r}; send JPEG, PNG or TIFF",
            "picture-type",
        )
    profile = load_cmyk_profile(Path(icc_profile))
    data = source.read_bytes()
    try:
        with whole_files_only(), Image.open(io.BytesIO(data)) as image:
            size = _shown_size(image)
            placed = placed_size(size, width_mm, height_mm, max_ppi)
            key = hashlib.sha256(  # "whole": converted since a cut-short file is refused
                data + profile.sha256.encode() + f"{max_ink}:{placed}:whole".encode()
            ).hexdigest()
            target = Path(out_dir) / f"{source.stem}-{key[:16]}.jpg"
            if target.exists():
                caches.used(target)
            else:
                cmyk = limit_ink(to_cmyk(load_scaled(image, placed), profile.data), max_ink)
                target.parent.mkdir(parents=True, exist_ok=True)
                tmp = target.with_suffix(f".{os.getpid()}.tmp")
                cmyk.save(tmp, "JPEG", quality=JPEG_QUALITY, dpi=(300, 300))
                tmp.replace(target)
                if kept is not None:
                    caches.prune(Path(out_dir), "*.jpg", *kept)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        return _refused(source, "error", _unreadable(exc, data), "picture-unreadable")
    ppi = effective_ppi(size, width_mm, height_mm)
    placed_ppi = effective_ppi(placed, width_mm, height_mm)
    findings = []
    if ppi < min_ppi:
        need = round(width_mm / MM_PER_INCH * min_ppi)
        if height_mm:
            need = max(need, round(size[0] * height_mm / MM_PER_INCH * min_ppi / size[1]))
        findings.append(
            Finding(
                "warning",
                f"{ppi:.0f} ppi at the printed size ({size[0]}×{size[1]} px in a {width_mm:g} mm "
                f"frame), below {min_ppi:g} ppi; ask for a picture at least {need} px wide",
                str(source),
                rule="picture-resolution",
            )
        )
    return Picture(source, target, placed_ppi, findings)


def locate_photo(
    story: Story,
    edition: Edition,
    story_dir: Path,
    fmt: PageFormat,
    settings: PrintSettings,
    frame_height_mm: float | None = None,
    frame_width_mm: float | None = None,
) -> tuple[str, list[Finding]]:
    """The CMYK picture's file URL, or "" and a finding: the frame is then a marked placeholder.

    The frame's size comes from the make-up (`frame_width_mm`, `frame_height_mm`); before
    it, the type area's width: the picture keeps the pixels its frame needs, no more.
    """
    if story.photo is None:
        return "", []
    line = story.photo.caption.line
    level = "warning" if settings.allow_placeholder else "error"
    asked = (
        " (printed as the desk asked)"
        if settings.allow_placeholder
        else ("; deliver it, or set [photo] print_placeholder = true in the edition file")
    )
    if not edition.photo_file:
        return "", [
            Finding(
                level,
                "the photo for this caption is missing: no picture file "
                f"is named in {Path(edition.path).name} [photo] file; the frame is "
                f"set as a placeholder{asked}",
                story.source,
                line,
                "photo-missing",
            )
        ]
    path = (story_dir / edition.photo_file).resolve()
    if not path.is_relative_to(story_dir.resolve()):
        return "", [
            Finding(
                "error",
                f"the photo {edition.photo_file} lies outside the story's "
                "folder; copy it beside the story",
                edition.path,
                0,
                "photo-missing",
            )
        ]
    picture = prepare_picture(
        path,
        PICTURE_CACHE,
        frame_width_mm or fmt.type_width / PT_PER_MM,
        frame_height_mm,
        icc_profile=settings.icc_profile,
        min_ppi=settings.min_ppi,
        max_ink=settings.max_ink,
        allow_placeholder=settings.allow_placeholder,
        max_ppi=settings.max_ppi,
        kept=(PICTURES_KEPT, PICTURE_BYTES_KEPT),
    )
    return (picture.path.as_uri() if picture.path else ""), list(picture.findings)


def picture_aspect(story_dir: Path, edition) -> float | None:
    """The picture's width over its height, if the edition names one that opens."""
    if not edition.photo_file:
        return None
    try:
        from PIL import Image

        with Image.open(story_dir / edition.photo_file) as image:
            return image.width / image.height
    except (OSError, ValueError):
        return None
