"""`render.py diff`: changed area as figures and boxes, exit status like diff(1)."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT
from PIL import Image, ImageDraw

from newsprint.studio.diff import compare, regions


def page(marks=()) -> Image.Image:
    """A white 400 × 300 'page' with black rectangles at the given boxes."""
    img = Image.new("RGB", (400, 300), "white")
    draw = ImageDraw.Draw(img)
    for box in marks:
        draw.rectangle(box, fill="black")
    return img


def run_diff(*args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "render.py"), "diff", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_identical_images_have_no_change():
    result, _ = compare(page([(10, 10, 50, 50)]), page([(10, 10, 50, 50)]))
    assert result.identical and result.changed_px == 0 and result.boxes == []


def test_two_separate_changes_give_two_boxes_and_the_exact_area():
    a = page([(10, 10, 50, 50)])
    b = page([(10, 10, 50, 50), (100, 20, 119, 29), (300, 200, 309, 249)])
    result, picture = compare(a, b)
    assert result.changed_px == 20 * 10 + 10 * 50
    assert abs(result.changed_percent - 100 * 700 / (400 * 300)) < 1e-9
    assert sorted(result.boxes) == [(100, 20, 120, 30), (300, 200, 310, 250)]
    assert picture.getpixel((105, 25)) == (230, 0, 0)  # changed pixels are red
    assert picture.getpixel((30, 30)) != (230, 0, 0)  # unchanged ink is only faded


def test_faint_antialias_jitter_is_not_a_change():
    a = page()
    b = page()
    b.putpixel((5, 5), (250, 250, 250))
    assert compare(a, b)[0].identical


def test_nearby_changes_join_one_region():
    mask = Image.new("1", (200, 100), 0)
    for x in (20, 30, 40):  # 10 px apart: closer than the join distance
        mask.putpixel((x, 50), 1)
    assert regions(mask) == [(20, 50, 41, 51)]


def test_size_change_counts_as_changed_area():
    result, _ = compare(page(), Image.new("RGB", (400, 320), "white"))
    assert result.changed_px == 400 * 20 and result.boxes == [(0, 300, 400, 320)]


def test_cli_exit_status_and_report(tmp_path):
    a, b, same = tmp_path / "a.png", tmp_path / "b.png", tmp_path / "same.png"
    page([(10, 10, 50, 50)]).save(a)
    page([(10, 10, 50, 50)]).save(same)
    page([(10, 10, 50, 50), (200, 100, 239, 139)]).save(b)
    equal = run_diff(a, same)
    assert equal.returncode == 0 and "no visible change" in equal.stdout
    differ = run_diff(a, b, "-o", tmp_path / "hl.png")
    assert differ.returncode == 1, differ.stderr
    assert "1.333 % of the area changed" in differ.stdout
    assert "region 1: x 200–240, y 100–140" in differ.stdout
    with Image.open(tmp_path / "hl.png") as highlight:
        assert highlight.size == (400, 300)


def test_cli_reads_pdfs_page_by_page(tmp_path):
    a, b = tmp_path / "a.pdf", tmp_path / "b.pdf"
    page().save(a, save_all=True, append_images=[page()], resolution=72)
    page().save(b, save_all=True, append_images=[page([(0, 0, 99, 99)])], resolution=72)
    result = run_diff(a, b, "--dpi", 72)
    assert result.returncode == 1, result.stderr
    assert "1 region(s)" in result.stdout  # only the second page changed
    assert (tmp_path / "b-diff.png").is_file()


def test_cli_unreadable_input_is_trouble_without_traceback(tmp_path):
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"not an image")
    result = run_diff(bad, bad)
    assert result.returncode == 2
    assert f"{bad}: neither a PDF nor a readable image" in result.stderr
    assert "Traceback" not in result.stderr
    missing = run_diff(tmp_path / "none.pdf", bad)
    assert missing.returncode == 2 and "none.pdf: no such file" in missing.stderr
