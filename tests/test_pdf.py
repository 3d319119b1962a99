"""The print PDFs themselves: pages, size, fonts, text, warnings, manifest."""

from __future__ import annotations

import json
import re
import subprocess
from collections import Counter

import pdfplumber
import pikepdf
import pytest

from newsprint.config import PT_PER_MM, load_config


def test_one_pdf_per_page_at_the_exact_size(seed_build):
    assert [p.name for p in seed_build.print_pdfs] == [
        "20261201-p04-print.pdf",
        "20261201-p05-print.pdf",
    ]
    fmt = load_config().page_format("duikai")
    for path in seed_build.print_pdfs:
        with pikepdf.open(path) as pdf:
            assert len(pdf.pages) == 1
            box = [float(v) for v in pdf.pages[0].mediabox]
            assert box[2] - box[0] == pytest.approx(390 * PT_PER_MM, abs=0.1)
            assert box[3] - box[1] == pytest.approx(546 * PT_PER_MM, abs=0.1)
    assert fmt.type_width / PT_PER_MM == pytest.approx(352.4, abs=0.1)


def test_fonts_embedded_and_subset(seed_build):
    for path in seed_build.print_pdfs:
        out = subprocess.run(
            ["pdffonts", str(path)], capture_output=True, text=True, check=True
        ).stdout
        rows = out.splitlines()[2:]
        assert rows, out
        for row in rows:
            name = row.split()[0]
            assert re.match(r"[A-Z]{6}\+", name), f"not subset: {row}"
            emb, sub = row.split()[-5:-3]
            assert (emb, sub) == ("yes", "yes"), row
        families = " ".join(rows)
        assert "NP-Noto-Serif-CJK-SC" in families and "NP-Noto-Sans-CJK-SC" in families
        assert "NP-LXGW-WenKai" in families


def _pdf_text(paths) -> str:
    text = []
    for path in paths:
        with pdfplumber.open(path) as pdf:
            text += [c["text"] for page in pdf.pages for c in page.chars]
    return "".join(text)


def test_every_character_of_the_copy_is_printed(seed_build):
    manifest = json.loads(seed_build.manifest.read_text(encoding="utf-8"))
    copy = Counter(c for c in manifest["text"] if not c.isspace())
    printed = Counter(c for c in _pdf_text(seed_build.print_pdfs) if not c.isspace())
    missing = copy - printed
    assert not missing, f"dropped from the PDFs: {dict(missing)}"


def test_paragraphs_extract_in_order_within_their_column(seed_build):
    # A sentence that fits one column line reads back whole from the PDF.
    text = _pdf_text(seed_build.print_pdfs[:1])
    assert "朝着建设现代化新荷塘目标奋勇前进" in text
    assert "践行“三高四新” 打造“一区两城”" in text
    assert "——荷塘区第六次党代会专题报道（上）" in text


def test_no_weasyprint_warnings_and_only_expected_findings(seed_build):
    rules = sorted({f.rule for f in seed_build.findings if f.level != "note"})
    # no typography-loose-lines: the data box's lines are broken across their figures
    expected = ["photo-missing", "picture-missing", "suspect-words"]
    assert rules == expected, seed_build.findings
    assert not [f for f in seed_build.findings if f.rule in ("weasyprint", "fit")]


def test_manifest_describes_the_story(seed_build):
    m = json.loads(seed_build.manifest.read_text(encoding="utf-8"))
    assert m["paper"] == "示例日报" and m["date"] == "2026-12-01"
    assert [p["number"] for p in m["pages"]] == [4, 5]
    assert m["headline"] == "朝着建设现代化新荷塘目标奋勇前进"
    assert m["bylines"] == ["何威宪", "唐珺泽", "秦霖"]
    assert "黄婷" in m["speakers"]
    for name in [p["file"] for p in m["pages"]] + [m["proof"]]:
        assert (seed_build.out_dir / name).is_file()


def test_spread_proof_shows_both_pages_side_by_side(seed_build):
    from PIL import Image

    with Image.open(seed_build.proof) as img:
        w, h = img.size
    ratio = (2 * 390) / 546
    assert w / h == pytest.approx(ratio, rel=0.05)


def test_text_the_layout_lost_is_an_error(on):
    """Set as the pipeline sets it (clreq on), whichever test ran before."""
    from weasyprint import HTML

    from newsprint.story.model import Article, Para, Story
    from newsprint.typeset.measure import dropped_text

    story = Story("s.txt", [Article(Para("甲乙丙丁", 3))])
    assert dropped_text(HTML(string="<p>甲乙丙丁</p>").render(), story) == []
    [finding] = dropped_text(HTML(string="<p>甲乙</p>").render(), story)
    assert finding.level == "error" and "2 characters" in finding.message
    assert "丙" in finding.message and "丁" in finding.message


def test_seed_meets_the_chinese_composition_rules(seed_build):
    from newsprint.preflight.typography import format_report, measure

    text = json.loads(seed_build.manifest.read_text(encoding="utf-8"))["text"]
    loose = []
    for pdf in seed_build.print_pdfs:
        report = measure(pdf, text)
        faults = {rule: count for rule, count in report.faults().items() if count}
        assert not faults, f"{pdf.name}\n{format_report(report)}"
        # the body text on the grid: 42 serif lines on 第05版, whose data box outnumbers them
        assert report.grid_lines > 30 and report.han_latin > 20
        assert max(role.worst_gap_em for role in report.roles.roles.values()) <= 0.15 + 0.005
        loose += [p[2] for p in report.all_places() if p[0] == "loose line"]
    # first-fit: 8 loose lines, at worst 0.92 em ("45天 完 成 征 拆"), and "2 0 2 0年3月";
    # total fit box by box left four in the data box's cards, at up to 0.25 em
    assert loose == [], loose
