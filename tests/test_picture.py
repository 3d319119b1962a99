"""A delivered photo goes through the whole pipeline: placed, CMYK, resolution checked."""

from __future__ import annotations

import pikepdf
from conftest import SEED, SEED_EDITION, write_story
from PIL import Image, ImageDraw

from newsprint.build import build
from newsprint.config import MAX_PPI, MIN_PPI
from newsprint.preflight.checks import Expect
from newsprint.preflight.run import preflight


def test_photo_is_placed_in_cmyk_and_passes_preflight(story_dir, tmp_path):
    picture = Image.new("RGB", (3200, 2130), (120, 160, 200))  # a 3:2 photograph
    draw = ImageDraw.Draw(picture)
    for x in range(0, 3200, 100):
        draw.rectangle([x, 600 + (x % 700) // 3, x + 60, 1300], fill=(200, 140, 80))
    picture.save(story_dir / "hongqi.jpg", quality=90)
    edition = SEED_EDITION.read_text(encoding="utf-8").replace('file = ""', 'file = "hongqi.jpg"')
    edition = edition.replace("print_placeholder = true", "print_placeholder = false")
    path = write_story(story_dir, "photo", SEED.read_text(encoding="utf-8"), edition)

    result = build(path, tmp_path)

    assert not [f for f in result.findings if "missing" in f.rule]
    photo_page = result.print_pdfs[0]
    with pikepdf.open(photo_page) as pdf:
        images = [
            obj
            for obj in pdf.objects
            if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Image"
        ]
        assert images and all(img.ColorSpace == "/DeviceCMYK" for img in images)
    report = preflight(photo_page, Expect(variant="pdf/x-4", min_ppi=200))
    assert report.ok, report.findings
    assert "cmyk" in str(report.figures).lower()


def test_a_panorama_keeps_the_pixels_its_frames_height_needs(story_dir, tmp_path):
    # A wide picture in a frame the make-up sets narrower and taller (object-fit: cover
    # crops its sides, within photo_crop_max): scaled for the frame's width alone it would
    # print below min_ppi across the frame's height, so the frame's height asks for more.
    picture = Image.new("RGB", (6000, 3400), (120, 160, 200))
    ImageDraw.Draw(picture).rectangle([0, 1600, 6000, 3400], fill=(200, 140, 80))
    picture.save(story_dir / "panorama.jpg", quality=90)
    edition = SEED_EDITION.read_text(encoding="utf-8").replace('file = ""', 'file = "panorama.jpg"')
    edition = edition.replace("print_placeholder = true", "print_placeholder = false")
    path = write_story(story_dir, "panorama", SEED.read_text(encoding="utf-8"), edition)

    result = build(path, tmp_path)

    report = preflight(result.print_pdfs[0], Expect(variant="pdf/x-4", min_ppi=MIN_PPI))
    assert report.ok, report.findings
    (placed,) = report.figures["images"]
    assert MIN_PPI <= placed["ppi"] <= MAX_PPI + 2, placed


def test_a_placeholder_stays_inside_a_wide_short_frame(tmp_path):
    # Its padding was 30 % of the frame's width: under a photo 6 columns wide and 16
    # lines high (corpus story 200's make-up) '图片待补' fell below the frame, text in
    # no module. Now 30 % of the frame's height.
    import pdfplumber
    from conftest import ROOT
    from weasyprint import HTML

    from newsprint.build import session_css
    from newsprint.config import load_config

    css = "".join((ROOT / "styles" / n).read_text("utf-8") for n in ("tokens.css", "modules.css"))
    frame = (
        '<div class="photo-frame" style="--frame: 16; width: 750pt">'
        '<div class="photo-placeholder"><span>图片待补</span><small>MISSING</small></div></div>'
    )
    html = (
        f'<html lang="zh-CN"><style>{session_css(load_config())}{css}'
        ":root { --line-pitch: 13.5pt } @page { size: 300mm 300mm }</style>"
        f'<figure class="photo">{frame}</figure><p>下</p></html>'
    )
    HTML(string=html).write_pdf(tmp_path / "frame.pdf")
    with pdfplumber.open(tmp_path / "frame.pdf") as pdf:
        chars = {c["text"]: c for c in pdf.pages[0].chars}
    assert chars["图"]["bottom"] < chars["下"]["top"]
