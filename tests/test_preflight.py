"""The preflight passes what we write and fails each deliberately broken file, saying why."""

from __future__ import annotations

import gc
import json

import pikepdf
import pytest
from printdocs import DATA, META, PAGE_MM, render, story

from newsprint import clreq
from newsprint.cli import main as cli_main
from newsprint.output.pdfx import PageInfo, PrintSettings, write_archive, write_print_pages
from newsprint.output.pictures import prepare_picture
from newsprint.preflight.run import Expect, preflight

# drawn with clreq on, as the pipeline draws (printdocs.render lays out with it on)
pytestmark = pytest.mark.usefixtures("on")
PAGES = [PageInfo(4, "党代会特刊", "p04.pdf"), PageInfo(5, "党代会特刊", "p05.pdf")]
ONE = [PageInfo(4, "党代会特刊", "one.pdf")]


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    return tmp_path_factory.mktemp("preflight")


@pytest.fixture(scope="module")
def good(out):
    picture = prepare_picture(DATA / "photo-rgb.png", out / "pics", 40).path
    with clreq.switched(True):  # module-scoped: cannot use the per-test `on`
        document = story(picture)
        pages = write_print_pages(document, PAGES, META, out / "good", PrintSettings())
        attach = [DATA / "make_pictures.py"]
        archive = write_archive(document, META, attach, out / "good", pages=PAGES)
    return pages, archive


def _rules(report, level="error"):
    return {f.rule for f in report.findings if f.level == level}


def _broken_copy(source, target, change):
    with pikepdf.open(source) as pdf:
        change(pdf)
        pdf.save(target)
    return target


def test_good_print_pages_pass_with_the_editions_page_size(good):
    pages, _archive = good
    for path in pages:
        report = preflight(path, Expect(variant="pdf/x-4", page_size_mm=PAGE_MM, bleed_mm=0))
        assert report.ok, report.findings
        assert report.findings == []
    fonts = report.figures["fonts"]
    assert fonts and all(f["embedded"] and f["subset"] for f in fonts)
    assert report.figures["output_intent"]["profile_space"] == "CMYK"


def test_good_archive_passes_as_pdfa3b(good):
    _pages, archive = good
    report = preflight(archive, Expect(variant="pdf/a-3b"))
    assert report.ok and report.findings == []
    assert report.figures["xmp"]["prism:pageRange"] == "4-5"
    assert report.figures["attachments"] == ["make_pictures.py"]


def test_rgb_text_fails(out):
    css = "\n.note { color: rgb(200, 0, 0); }"
    document = story(page_css=css)  # the desk's red, written as RGB
    pages = write_print_pages(document, PAGES, META, out / "rgb", PrintSettings())
    report = preflight(pages[0])
    assert not report.ok
    assert {"text-colour", "colour-space"} <= _rules(report)
    assert any("page 1: text in RGB colour" in f.message for f in report.findings)


def test_rich_black_over_the_ink_limit_fails(out):
    document = render('<p style="background: device-cmyk(0.6 0.5 0.5 1)">标题底色</p>')
    (path,) = write_print_pages(document, ONE, META, out / "ink", PrintSettings())
    report = preflight(path, Expect(max_ink=240))
    assert _rules(report) == {"total-ink"}
    assert "is 260 % ink, over 240 %" in report.findings[0].message
    assert preflight(path, Expect(max_ink=300)).ok


def test_text_that_does_not_overprint_fails(good, out):
    def knock_out(pdf):
        for res in [pdf.pages[0].Resources]:
            for state in res.ExtGState.values():
                if "/OPM" in state:
                    state.op = False

    broken = _broken_copy(good[0][0], out / "knockout.pdf", knock_out)
    assert _rules(preflight(broken)) == {"text-overprint"}


def test_unembedded_font_fails(good, out):
    def unembed(pdf):
        for font in pdf.pages[0].Resources.Font.values():
            descriptor = font.DescendantFonts[0].FontDescriptor
            for key in ("/FontFile2", "/FontFile3"):  # the Kai face is TrueType, Noto CFF
                if key in descriptor:
                    del descriptor[key]

    report = preflight(_broken_copy(good[0][0], out / "unembedded.pdf", unembed))
    assert _rules(report) == {"font-embedded"}
    assert "is not embedded" in str(report.findings[0])


def test_missing_output_intent_fails(good, out):
    def drop(pdf):
        del pdf.Root.OutputIntents

    report = preflight(_broken_copy(good[0][0], out / "no-intent.pdf", drop))
    assert _rules(report) == {"output-intent"}


def test_low_resolution_picture_fails(out):
    picture = prepare_picture(DATA / "photo-rgb.png", out / "pics", 120).path
    document = render(f'<img src="{picture.as_uri()}" style="width: 120mm">')
    (path,) = write_print_pages(document, ONE, META, out / "lowres", PrintSettings())
    report = preflight(path, Expect(min_ppi=200))
    assert _rules(report) == {"image-resolution"}
    assert "printed at 85 ppi, below 200 ppi" in report.findings[0].message
    assert report.figures["images"] == [
        {"page": 1, "pixels": [400, 300], "ppi": 85, "space": "cmyk"}
    ]
    assert preflight(path, Expect(min_ppi=80)).ok  # the plant's limit is configuration


def test_page_size_is_checked_against_the_edition(good):
    report = preflight(good[0][0], Expect(page_size_mm=(390, 546)))
    assert _rules(report) == {"page-size"}
    assert "200.0 × 150.0 mm, the edition wants 390 × 546 mm" in report.findings[0].message


# WeasyPrint 70's PDF/A variant opens its sRGB profile without closing it.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.filterwarnings("ignore::ResourceWarning")
def test_weasyprints_own_variants_carry_the_defects_we_fix(out):
    document = story()  # CMYK colours, a faded (transparent) credit
    pdfx = out / "weasyprint-x4.pdf"
    document.write_pdf(pdfx, pdf_variant="pdf/x-4")
    report = preflight(pdfx)
    assert {"output-intent", "group-colour"} <= _rules(report)  # no intent, /DeviceRGB group
    assert "image-interpolate" not in _rules(report)  # (no picture here)
    pdfa = out / "weasyprint-a3b.pdf"
    document.write_pdf(pdfa, pdf_variant="pdf/a-3b")
    gc.collect()  # let the leaked file be reported here, where it is ignored
    report = preflight(pdfa)
    assert "text-colour" in _rules(report)  # DeviceCMYK text under an sRGB intent
    assert "xmp-house" in _rules(report)


def test_pdfx1a_fails_on_transparency(out):
    document = render('<p style="opacity: 0.5">半透明</p>')
    (path,) = write_print_pages(document, ONE, META, out / "x1a", PrintSettings(variant="pdf/x-1a"))
    report = preflight(path, Expect(variant="pdf/x-1a"))
    assert _rules(report) == {"transparency"}


def test_archive_without_house_metadata_fails(good, out):
    def strip_prism(pdf):
        xmp = pdf.Root.Metadata.read_bytes()
        start, end = xmp.index(b"<prism:publicationName>"), xmp.index(b"<pdfaExtension:schemas>")
        pdf.Root.Metadata = pdf.make_stream(xmp[:start] + xmp[end:])

    report = preflight(_broken_copy(good[1], out / "no-prism.pdf", strip_prism))
    assert _rules(report) == {"xmp-house"}
    assert "prism:edition" in report.findings[0].message


def test_not_a_pdf_is_reported_not_raised(out):
    junk = out / "junk.pdf"
    junk.write_bytes(b"%PDF-1.7 nothing else")
    assert _rules(preflight(junk)) == {"unreadable"}


def test_command_line_exit_status_and_json(good, out, capsys):
    pages, archive = good
    assert cli_main(["preflight", *(str(p) for p in pages)] + [str(archive), "--json"]) == 0
    reports = json.loads(capsys.readouterr().out)
    assert [r["ok"] for r in reports] == [True, True, True]
    assert [r["variant"] for r in reports] == ["pdf/x-4", "pdf/x-4", "pdf/a-3b"]

    def drop(pdf):
        del pdf.Root.OutputIntents

    broken = _broken_copy(pages[0], out / "cli-no-intent.pdf", drop)
    assert cli_main(["preflight", str(pages[0]), str(broken), "--page-size", "200x150"]) == 1
    text = capsys.readouterr().out
    assert f"{pages[0]}: PASS pdf/x-4" in text and f"{broken}: FAIL pdf/x-4" in text
    assert "output intent: Artifex CMYK SWOP Profile (CMYK prtr" in text
    assert f"{broken}: error: no GTS_PDFX output intent" in text


def test_command_line_reads_the_page_format_from_the_config(good, capsys):
    assert cli_main(["preflight", str(good[0][0]), "--format", "duikai"]) == 1
    assert "the edition wants 390 × 546 mm" in capsys.readouterr().out


def test_missing_picture_fails_unless_the_desk_asked_for_the_placeholder(out):
    document = render('<div style="height: 40mm; border: 0.5pt solid device-cmyk(0 0 0 1)"></div>')
    empty = [PageInfo(4, "党代会特刊", "empty.pdf", missing_pictures=("source/photo.jpg",))]
    (path,) = write_print_pages(document, empty, META, out / "empty", PrintSettings())
    report = preflight(path)
    assert _rules(report) == {"picture-missing"}
    assert "picture source/photo.jpg is missing" in report.findings[0].message
    asked = PrintSettings(allow_placeholder=True)
    (path,) = write_print_pages(document, empty, META, out / "asked", asked)
    report = preflight(path)
    assert report.ok and _rules(report, "warning") == {"picture-missing"}
