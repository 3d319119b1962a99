"""Each module a rectangle on whole lines: the module map in our PDFs, checked by the
page report against itself and against the paint (issue 10)."""

from __future__ import annotations

import json
from dataclasses import replace

import pikepdf

from newsprint.cli import main as cli_main
from newsprint.pdf.modulemap import module_map_of, read_module_maps, write_module_map
from newsprint.preflight.page import format_page_report, measure_page_report


def changed_map(pdf_path, target, change, page_format: str = "duikai") -> str:
    """A copy of a one-page PDF whose module map `change(list of modules)` rewrote."""
    with pikepdf.open(pdf_path) as pdf:
        page = pdf.pages[0]
        module_map = module_map_of(page)
        modules = list(module_map.modules)
        change(modules)
        changed = replace(module_map, format=page_format, modules=tuple(modules))
        write_module_map(page, changed, "D:20261201")
        pdf.save(target)
    return str(target)


def page_05(seed_build):
    return next(p for p in seed_build.print_pdfs if p.name.endswith("p05-print.pdf"))


def test_seed_pages_carry_their_make_up(seed_build):
    for pdf in seed_build.print_pdfs:
        (module_map,) = read_module_maps(pdf)
        assert module_map.format == "duikai" and module_map.modules
        kinds = [m.kind for m in module_map.modules]
        assert kinds[0] == "head" and "text" in kinds
    archived = read_module_maps(seed_build.archive_pdf)
    assert [len(m.modules) for m in archived] == [
        len(read_module_maps(p)[0].modules) for p in seed_build.print_pdfs
    ]


def test_every_seed_module_is_a_rectangle_filled_to_its_foot(seed_build):
    for pdf in [*seed_build.print_pdfs, seed_build.archive_pdf]:
        report = measure_page_report(pdf)
        text = format_page_report(report)
        assert report.modules and not report.unmapped, text
        assert report.breaches == 0 and report.map_faults == [], text
        assert all(m.rectangle for m in report.modules), text
        assert all(m.last_line - m.content_last_line <= 1 for m in report.modules), text
        assert report.ok and "0 breach(es)" in text


def test_a_module_moved_half_a_line_is_caught(seed_build, tmp_path):
    def half_a_line_down(modules):
        modules[2] = replace(modules[2], line=modules[2].line + 0.5)

    broken = changed_map(page_05(seed_build), tmp_path / "half.pdf", half_a_line_down)
    report = measure_page_report(broken)
    moved = report.modules[2]
    assert moved.faults[0] == "not on whole columns and lines"
    assert [m for m in report.modules if m.faults] == [moved]
    faults = [f.text for f in report.map_faults]
    assert "columns 7–8: 1.5 line(s) in no module under line 26 (the gap is 1)" in faults, faults
    assert not report.ok
    assert "not on whole columns and lines" in format_page_report(report)


def test_a_module_moved_a_whole_line_leaves_its_text_outside(seed_build, tmp_path):
    """On whole lines, the map is still wrong: the paint says where the text is."""

    def a_line_down(modules):
        text = next(i for i, m in enumerate(modules) if m.kind == "text")
        modules[text] = replace(modules[text], line=modules[text].line + 1)

    report = measure_page_report(changed_map(page_05(seed_build), tmp_path / "l.pdf", a_line_down))
    faults = [f.text for f in report.map_faults]
    assert any(f.startswith("text in no module on line 28: ") for f in faults), faults
    assert not report.ok


def test_overlapping_modules_are_caught(seed_build, tmp_path):
    def overlap(modules):  # the second module starts inside the head block
        modules[1] = replace(modules[1], line=modules[0].lines - 4, lines=modules[1].lines + 5)

    report = measure_page_report(changed_map(page_05(seed_build), tmp_path / "o.pdf", overlap))
    head, second = report.modules[:2]
    assert head.faults == ["overlaps module 2 (databox, columns 1–6, lines 23–103)"]
    assert "overlaps module 1 (head, columns 1–8, lines 1–26)" in second.faults
    assert not report.ok


def test_a_map_for_another_format_is_caught(seed_build, tmp_path):
    path = changed_map(page_05(seed_build), tmp_path / "f.pdf", lambda modules: None, "sikai")
    report = measure_page_report(path)
    assert [f.text for f in report.map_faults] == ["the map is for 'sikai', the page is duikai"]
    assert not report.ok


def test_json_lists_each_module(seed_build, capsys):
    assert cli_main(["check", "--json", str(page_05(seed_build))]) == 0
    (entry,) = json.loads(capsys.readouterr().out)
    page = entry["page"]
    assert page["breaches"] == 0 and page["unmapped"] == []
    assert [m["kind"] for m in page["modules"]][:2] == ["head", "databox"]
    assert (page["modules"][0]["first_column"], page["modules"][0]["last_line"]) == (1, 26)
    assert page["modules"][0] | {"faults": []} == page["modules"][0]
