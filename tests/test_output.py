"""Print pages (PDF/X) and archive copies (PDF/A): what plant and archive get, byte for byte."""

from __future__ import annotations

import pikepdf
import pytest
from printdocs import DATA, META, PAGE_MM, render, story

from newsprint import clreq
from newsprint.errors import UserError
from newsprint.output.pdfx import (
    PageInfo,
    PrintSettings,
    print_css,
    print_settings,
    write_archive,
    write_print_pages,
)
from newsprint.output.pictures import prepare_picture
from newsprint.pdf.fix import content_streams
from newsprint.pdf.icc import DEFAULT_PROFILE
from newsprint.pdf.walk import walk
from newsprint.pdf.xmp import NS, read_xmp

PT_PER_MM = 72 / 25.4
# drawn with clreq on, as the pipeline draws (printdocs.render lays out with it on)
pytestmark = pytest.mark.usefixtures("on")
PAGES = [PageInfo(4, "党代会特刊", "p04.pdf"), PageInfo(5, "党代会特刊", "p05.pdf")]
ATTACH = [DATA / "make_pictures.py"]  # stands in for the copy and edition file


@pytest.fixture(scope="module")
def picture(tmp_path_factory):
    return prepare_picture(DATA / "photo-rgb.png", tmp_path_factory.mktemp("pics"), 40).path


@pytest.fixture(scope="module")
def written(tmp_path_factory, picture):
    out = tmp_path_factory.mktemp("out")
    document = story(picture)
    with clreq.switched(True):  # module-scoped: cannot use the per-test `on`
        pages = write_print_pages(document, PAGES, META, out, PrintSettings())
        archive = write_archive(document, META, ATTACH, out, pages=PAGES)
    return pages, archive


def _all_operators(pdf):
    for holder, _res, _page in content_streams(pdf):
        yield from pikepdf.parse_content_stream(holder)


def test_one_pdfx4_file_per_page_with_the_plants_output_intent(written):
    pages, _archive = written
    assert [p.name for p in pages] == ["p04.pdf", "p05.pdf"]
    for path in pages:
        with pikepdf.open(path) as pdf:
            assert pdf.pdf_version == "1.6" and len(pdf.pages) == 1
            (intent,) = pdf.Root.OutputIntents
            assert intent.S == "/GTS_PDFX"
            assert intent.DestOutputProfile.read_bytes() == DEFAULT_PROFILE.read_bytes()
            assert intent.DestOutputProfile.N == 4
            xmp = read_xmp(pdf.Root.Metadata.read_bytes())
            assert xmp["pdfxid:GTS_PDFXVersion"] == "PDF/X-4"
            assert str(pdf.trailer.Info.Trapped) == "/False"
            assert str(pdf.trailer.Info.CreationDate) == "D:20261201000000+00'00'"
            page = pdf.pages[0].obj
            want = [0, 0, PAGE_MM[0] * PT_PER_MM, PAGE_MM[1] * PT_PER_MM]
            for box in ("/MediaBox", "/TrimBox", "/BleedBox"):
                assert [round(float(v), 2) for v in page[box]] == [round(v, 2) for v in want]
            assert "/Annots" not in page  # the link is gone from the plant file


def test_page_metadata_names_paper_edition_and_page(written):
    pages, _archive = written
    with pikepdf.open(pages[1]) as pdf:
        xmp = read_xmp(pdf.Root.Metadata.read_bytes())
    assert xmp["prism:publicationName"] == "示例日报"
    assert xmp["prism:edition"] == "第8123期"
    assert xmp["prism:pageRange"] == "5"
    assert xmp["dc:creator"] == ["本报记者 林晓", "通讯员 陈静"]
    assert xmp["xmp:CreateDate"] == "2026-12-01T00:00:00+00:00"


def test_no_rgb_anywhere_in_print_pages(written):
    pages, _archive = written
    groups, images = [], []
    for path in pages:
        with pikepdf.open(path) as pdf:
            operators = {str(op) for _operands, op in _all_operators(pdf)}
            assert not operators & {"rg", "RG", "g", "G"}
            for operands, op in _all_operators(pdf):
                if str(op) in ("cs", "CS"):
                    assert operands == [pikepdf.Name.DeviceCMYK]
            for holder, res, _page in content_streams(pdf):
                if "/Group" in holder:  # WeasyPrint wrote /DeviceRGB here (opacity)
                    groups.append(str(holder.Group.CS))
                assert not list(res.get("/ColorSpace", {}).keys())  # no Lab, no sRGB
            for image in pdf.objects:
                if isinstance(image, pikepdf.Stream) and image.get("/Subtype") == "/Image":
                    images.append((str(image.ColorSpace), bool(image.get("/Interpolate", 0))))
    assert groups == ["/DeviceCMYK"]  # the faded credit's group, fixed
    assert images == [("/DeviceCMYK", False)]  # the converted photo, not interpolated


def test_text_is_100_percent_k_and_overprints_white_knocks_out(written):
    pages, _archive = written
    seen = set()
    for path in pages:
        with pikepdf.open(path) as pdf:
            for event in walk(pdf):
                st = event.state
                if event.kind == "text":
                    seen.add((st.fill_values, st.op, st.opm))
    assert seen == {((0, 0, 0, 1), True, 1), ((0, 0, 0, 0), False, 1)}


def test_default_black_text_and_grey_rules_become_k(tmp_path):
    css = "p { border-bottom: 1pt solid rgb(128, 128, 128); }"  # colour left to CSS defaults
    (path,) = write_print_pages(render("<p>默认黑色</p>", css=css), PAGES[:1], META, tmp_path)
    with pikepdf.open(path) as pdf:
        events = list(walk(pdf))
    text = {(e.state.fill_values, e.state.op) for e in events if e.kind == "text"}
    assert text == {((0, 0, 0, 1), True)}
    colours = {(e.data["op"], e.data["values"]) for e in events if e.kind == "colour"}
    assert ("k", (0, 0, 0, 0.498)) in colours and not {c for c in colours if c[0] == "rg"}


def test_same_input_same_bytes(written, picture, tmp_path):
    pages, archive = written
    document = story(picture)  # a fresh render, as a second run would make
    again = write_print_pages(document, PAGES, META, tmp_path, PrintSettings())
    assert [p.read_bytes() for p in again] == [p.read_bytes() for p in pages]
    assert write_archive(document, META, ATTACH, tmp_path, pages=PAGES).read_bytes() == (
        archive.read_bytes()
    )


def test_archive_is_pdfa3b_carrying_the_source(written):
    _pages, archive = written
    with pikepdf.open(archive) as pdf:
        assert len(pdf.pages) == 2 and pdf.pdf_version == "1.7"
        xmp = read_xmp(pdf.Root.Metadata.read_bytes())
        assert (xmp["pdfaid:part"], xmp["pdfaid:conformance"]) == ("3", "B")
        assert xmp["prism:pageRange"] == "4-5" and xmp["dc:language"] == ["zh-CN"]
        assert xmp["dc:title"] == [str(pdf.trailer.Info.Title)] == [META.headline]
        assert NS["prism"] in xmp["pdfaExtension:namespaces"]
        (intent,) = pdf.Root.OutputIntents
        assert intent.S == "/GTS_PDFA1" and intent.DestOutputProfile.N == 4
        (spec,) = pdf.Root.AF
        assert spec.AFRelationship == "/Source"
        assert spec.EF.F.read_bytes() == ATTACH[0].read_bytes()
        assert spec.EF.F.Params.ModDate == "D:20261201000000Z"  # the edition's date
        assert "/Annots" in pdf.pages[0].obj  # the archive keeps the link


def test_archive_without_attachments_is_pdfa2b(tmp_path):
    document = render("<p>档案副本</p>")
    path = write_archive(document, META, [], tmp_path)
    with pikepdf.open(path) as pdf:
        xmp = read_xmp(pdf.Root.Metadata.read_bytes())
    assert xmp["pdfaid:part"] == "2" and path.name == "2026-12-01-archive.pdf"


def test_pdfx1a_is_pdf14_without_object_streams(tmp_path):
    document = render("<p>正文</p>")
    (path,) = write_print_pages(
        document, PAGES[:1], META, tmp_path, PrintSettings(variant="pdf/x-1a")
    )
    assert b"/ObjStm" not in path.read_bytes()
    with pikepdf.open(path) as pdf:
        assert pdf.pdf_version == "1.4"
        assert str(pdf.trailer.Info.GTS_PDFXVersion) == "PDF/X-1a:2003"


def test_proofs_get_bleed_and_crop_marks_in_black_not_rgb(tmp_path):
    settings = PrintSettings(bleed_mm=3, crop_marks=True)
    document = render("<p>校样</p>", page_css=print_css(settings))
    (path,) = write_print_pages(document, PAGES[:1], META, tmp_path, settings)
    with pikepdf.open(path) as pdf:
        page = pdf.pages[0].obj
        media = [float(v) for v in page.MediaBox]
        trim = [float(v) for v in page.TrimBox]
        assert round((trim[0] - media[0]) / PT_PER_MM, 2) == 3.0
        assert round((trim[2] - trim[0]) / PT_PER_MM, 2) == PAGE_MM[0]
        ops = [(operands, str(op)) for operands, op in _all_operators(pdf)]
    assert not [o for o in ops if o[1] in ("rg", "RG")]
    strokes = [[float(x) for x in a] for a, op in ops if op == "K"]
    assert [0, 0, 0, 1] in strokes  # the marks, drawn by WeasyPrint in RGB black


def test_bleed_setting_and_layout_must_agree(tmp_path):
    document = render("<p>校样</p>")  # laid out without print_css(settings)
    with pytest.raises(UserError, match="0 mm bleed, \\[print\\] bleed_mm is 3: add"):
        write_print_pages(document, PAGES[:1], META, tmp_path, PrintSettings(bleed_mm=3))


def test_no_bleed_no_marks_by_default():
    assert print_css(PrintSettings()) == "@page { bleed: 0mm; marks: none; }\n"


def test_print_settings_from_the_toml_table(tmp_path):
    settings = print_settings(
        {
            "variant": "pdf/x-1a",
            "min_ppi": 150,
            "bleed_mm": 3,
            "crop_marks": True,
            "icc_profile": str(DEFAULT_PROFILE),
        }
    )
    assert (settings.variant, settings.min_ppi, settings.bleed_mm) == ("pdf/x-1a", 150.0, 3.0)
    with pytest.raises(UserError, match=r"\[print\]: unknown key 'bleed'"):
        print_settings({"bleed": 3})
    with pytest.raises(UserError, match="'crop_marks' must be bool"):
        print_settings({"crop_marks": "yes"})
    with pytest.raises(UserError, match="variant must be one of"):
        print_settings({"variant": "pdf/x-3"})
    assert print_settings({"max_ppi": 350}).max_ppi == 350.0
    with pytest.raises(UserError, match="max_ppi must be at least min_ppi"):
        print_settings({"min_ppi": 250, "max_ppi": 200})
    rgb = "/usr/share/color/icc/ghostscript/srgb.icc"
    with pytest.raises(UserError, match=f"{rgb}: a RGB 'mntr' profile"):
        print_settings({"icc_profile": rgb})
    with pytest.raises(UserError, match="plant.icc: cannot read"):
        print_settings({"icc_profile": "plant.icc"}, base=tmp_path)


def test_page_count_must_match_the_edition(tmp_path):
    with pytest.raises(UserError, match="made 1 page"):
        write_print_pages(render("<p>一页</p>"), PAGES, META, tmp_path)


def test_the_proof_png_is_the_image_pixel_for_pixel(tmp_path):
    """output/proof.save_png writes its rows unfiltered: Pillow reads back every pixel
    and the resolution, of an RGB proof and of a greyscale image (converted)."""
    from PIL import Image, ImageChops, ImageDraw

    from newsprint.output.proof import save_png

    image = Image.new("RGB", (301, 157), "white")
    draw = ImageDraw.Draw(image)
    draw.text((10, 10), "proof 校样", fill=(0, 0, 0))
    draw.rectangle((100, 40, 280, 150), fill=(230, 0, 18))
    for mode in ("RGB", "L"):
        target = tmp_path / f"{mode}.png"
        save_png(image.convert(mode), target, 100)
        with Image.open(target) as back:
            back.load()
            assert back.mode == "RGB" and back.size == image.size
            assert back.info["dpi"] == pytest.approx((100, 100), abs=0.01)
            expected = image.convert(mode).convert("RGB")
            assert ImageChops.difference(back, expected).getbbox() is None
