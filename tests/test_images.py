"""Pictures: converted to the plant's CMYK, ink-limited, resolution checked, missing reported."""

from __future__ import annotations

from PIL import Image
from printdocs import DATA

from newsprint.output.pictures import (
    effective_ppi,
    limit_ink,
    max_ink_of,
    placed_size,
    prepare_picture,
    to_cmyk,
)
from newsprint.pdf.icc import DEFAULT_PROFILE, load_cmyk_profile

RGB = DATA / "photo-rgb.png"
GREY = DATA / "photo-grey.tif"


def test_rgb_png_becomes_a_cmyk_jpeg_within_the_ink_limit(tmp_path):
    picture = prepare_picture(RGB, tmp_path, width_mm=40, max_ink=240)
    assert picture.findings == []
    with Image.open(picture.path) as image:
        assert (image.format, image.mode, image.size) == ("JPEG", "CMYK", (400, 300))
        assert max_ink_of(image) <= 250  # 240 %, plus JPEG ringing at hard edges
        black_bar = image.getpixel((200, 272))
        red_disc = image.getpixel((200, 150))
    assert black_bar[3] > 200 and 200 < sum(black_bar) * 100 / 255 <= 242  # rich black, limited
    assert red_disc[1] > 180 and red_disc[2] > 150 and red_disc[0] < 60  # M + Y, little C
    assert round(picture.ppi) == round(400 / (40 / 25.4))  # 254 ppi: below max_ppi, kept


def test_the_unconverted_black_would_exceed_newsprint_ink():
    profile = load_cmyk_profile(DEFAULT_PROFILE)
    black = to_cmyk(Image.new("RGB", (2, 2), (0, 0, 0)), profile.data)
    assert max_ink_of(black) > 280
    assert max_ink_of(limit_ink(black, 240)) <= 240.5
    assert limit_ink(black, 240).getpixel((0, 0))[3] == black.getpixel((0, 0))[3]  # K kept


def test_grey_tiff_prints_on_black_only(tmp_path):
    picture = prepare_picture(GREY, tmp_path, width_mm=15)
    with Image.open(picture.path) as image:
        c, m, y, k = (band.getextrema() for band in image.split())
    assert max(c[1], m[1], y[1]) <= 3  # JPEG noise at most
    assert k[0] <= 3 and k[1] >= 250


def test_low_resolution_is_reported_with_the_size_needed(tmp_path):
    picture = prepare_picture(RGB, tmp_path, width_mm=100, min_ppi=200)
    assert picture.path is not None and round(picture.ppi) == 102
    (finding,) = picture.findings
    assert finding.level == "warning" and finding.rule == "picture-resolution"
    assert finding.path == str(RGB) and "787 px" in finding.message


def test_frame_height_counts_when_the_picture_is_cropped_to_fill():
    assert effective_ppi((400, 300), 25.4, None) == 400
    assert effective_ppi((400, 300), 25.4, 25.4 * 2) == 150  # height limits a tall frame


def test_missing_picture_fails_unless_the_desk_prints_the_placeholder(tmp_path):
    missing = tmp_path / "source" / "photo.jpg"
    picture = prepare_picture(missing, tmp_path, width_mm=50)
    assert picture.path is None
    assert [(f.level, f.rule, f.path) for f in picture.findings] == [
        ("error", "picture-missing", str(missing))
    ]
    assert "print_placeholder" in picture.findings[0].message
    allowed = prepare_picture(missing, tmp_path, width_mm=50, allow_placeholder=True)
    assert [f.level for f in allowed.findings] == ["warning"]


def test_unreadable_picture_is_an_error_naming_the_file(tmp_path):
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"not a jpeg at all")
    picture = prepare_picture(broken, tmp_path / "out", width_mm=50)
    assert picture.path is None and picture.findings[0].rule == "picture-unreadable"
    assert picture.findings[0].path == str(broken)


def test_same_picture_same_bytes(tmp_path):
    first = prepare_picture(RGB, tmp_path / "a", width_mm=30).path
    second = prepare_picture(RGB, tmp_path / "b", width_mm=30).path
    assert first.name == second.name
    assert first.read_bytes() == second.read_bytes()


def test_a_sharper_picture_is_scaled_to_max_ppi_at_its_printed_size(tmp_path):
    picture = prepare_picture(RGB, tmp_path, width_mm=20, max_ppi=300)  # 508 ppi as delivered
    with Image.open(picture.path) as image:
        assert image.size == (236, 177)
        assert max_ink_of(image) <= 250
    assert 299 <= picture.ppi <= 300 and picture.findings == []
    assert placed_size((400, 300), 20, None, 600) == (400, 300)  # never scaled up
    assert placed_size((400, 300), 20, 20, 300) == (314, 236)  # a square frame: the height counts


def test_a_turned_camera_jpeg_is_scaled_upright(tmp_path):
    stored = Image.new("RGB", (400, 200), (255, 255, 255))
    stored.paste((0, 0, 0), (0, 0, 40, 40))  # top left as stored: top right once turned
    exif = stored.getexif()
    exif[0x0112] = 6  # the camera was held upright: turn 90° clockwise to show
    stored.save(tmp_path / "turned.jpg", exif=exif, quality=95)
    picture = prepare_picture(tmp_path / "turned.jpg", tmp_path / "out", width_mm=10)
    with Image.open(picture.path) as image:
        assert image.size == (118, 236)
        assert image.getpixel((110, 8))[3] > 200 and image.getpixel((8, 8))[3] < 30


def test_the_ink_limit_holds_across_strips():
    profile = load_cmyk_profile(DEFAULT_PROFILE)
    black = to_cmyk(Image.new("RGB", (3, 700), (0, 0, 0)), profile.data)
    limited = limit_ink(black, 240)
    assert limited.size == (3, 700) and max_ink_of(limited) <= 240.5
    assert limited.getpixel((1, 699)) == limited.getpixel((1, 0))


def test_a_picture_file_cut_short_empty_or_not_a_picture_is_refused(tmp_path):
    # WeasyPrint lets Pillow decode a truncated file (it sets LOAD_TRUNCATED_IMAGES when
    # imported): a photo whose upload broke printed with a grey band, and no word said.
    import io

    import weasyprint  # noqa: F401 - what sets the flag in every render
    from PIL import ImageFile

    assert ImageFile.LOAD_TRUNCATED_IMAGES
    whole = io.BytesIO()
    Image.new("RGB", (1200, 800), (120, 160, 200)).save(whole, "JPEG")
    cases = {
        "cut.jpg": (whole.getvalue()[:3000], "the file is cut short"),
        "empty.jpg": (b"", "the file is empty"),
        "notes.jpg": ("不是图片".encode(), "its contents are not JPEG, PNG or TIFF"),
    }
    for name, (data, message) in cases.items():
        (tmp_path / name).write_bytes(data)
        picture = prepare_picture(tmp_path / name, tmp_path / "out", width_mm=40)
        [finding] = picture.findings
        assert picture.path is None and finding.level == "error", name
        assert message in finding.message and "BytesIO" not in finding.message, finding.message
    assert ImageFile.LOAD_TRUNCATED_IMAGES  # WeasyPrint's own setting is left as it was
    assert not list((tmp_path / "out").glob("*.jpg"))
