"""A whole edition rendered: locally (`--jobs`), and on two Celery workers through a
Redis broker on a loopback port, one of them SIGKILLed mid-story."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pikepdf
import pytest
from conftest import ROOT
from PIL import Image

from newsprint.bench.corpus import spec_for, write_story
from newsprint.edition.services import redis_server, start_worker, stop_worker, wait_ready

PLAN = ROOT / "source" / "edition-2026-12-01.plan.toml"
PAGES = [f"20261201-{n:02d}.pdf" for n in range(1, 9)]
RECEIVED = re.compile(rb"Task newsprint\.render_story\[([0-9a-f]{64})\] received")


def edition(*args: str, timeout: float = 900) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "render.py"), "edition", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=timeout,
    )


@pytest.fixture(scope="module")
def local(tmp_path_factory):
    """The example plan rendered on this machine, one worker process (--jobs 1)."""
    base = tmp_path_factory.mktemp("local")
    result = edition(
        PLAN,
        "--jobs",
        1,
        "--out",
        base / "out",
        "--store",
        base / "store",
        "--archive",
        base / "archive",
    )
    assert result.returncode == 0, result.stderr
    return base, base / "out" / "edition-2026-12-01" / "plant", result


def test_local_edition_writes_the_plant_folder(local):
    base, plant, result = local
    assert sorted(p.name for p in plant.iterdir()) == sorted(
        [*PAGES, "contact-sheet.png", "edition.json"]
    )
    manifest = json.loads((plant / "edition.json").read_text(encoding="utf-8"))
    assert [p["number"] for p in manifest["pages"]] == list(range(1, 9))
    assert [p["file"] for p in manifest["pages"]] == PAGES
    stories = base / "out" / "edition-2026-12-01" / "stories"
    for page in manifest["pages"]:
        pdf = plant / page["file"]
        with pikepdf.open(pdf) as doc:
            assert len(doc.pages) == 1
        # the page is its story's print PDF for that page number, byte for byte
        own = stories / page["story"] / f"20261201-p{page['number']:02d}-print.pdf"
        assert own.read_bytes() == pdf.read_bytes()
    seed = json.loads((stories / "000_47b12d432780679e" / "manifest.json").read_text("utf-8"))
    assert [p["number"] for p in seed["pages"]] == [4, 5]  # the plan's numbers, not the file's
    assert [p["section"] for p in seed["pages"]] == ["党代会特刊"] * 2
    with Image.open(plant / "contact-sheet.png") as sheet:
        assert sheet.width > 8 * 100 and sheet.height > 150  # 8 thumbnails in a row
    assert "8 pages from 6 stories (6 rendered, 0 from the store)" in result.stdout
    assert result.stdout.count("archived: ") == 6
    listed = subprocess.run(
        [
            sys.executable,
            str(ROOT / "render.py"),
            "archive",
            "list",
            "--json",
            "--archive",
            str(base / "archive"),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    assert len(json.loads(listed.stdout)["results"]) == 6


def _kill_mid_task(workers, logs, deadline: float) -> tuple[int, str]:
    """SIGKILL the first worker seen rendering a story, a moment into it: its first story
    takes a worker 1.5–3 s (the child loads WeasyPrint), so 0.3 s after the log says it
    was received it is still rendering; 2 s was once too late on a fast run."""
    while time.monotonic() < deadline:
        for k, log in enumerate(logs):
            received = RECEIVED.findall(log.read_bytes())
            if received:
                time.sleep(0.3)
                stop_worker(workers[k], kill=True)
                return k, received[0].decode()
        time.sleep(0.2)
    raise AssertionError("no worker took a story")


def test_celery_workers_survive_a_killed_worker(local, tmp_path):
    _, local_plant, _ = local
    tmp = tmp_path / "tmp"  # the workers' temp files (a killed one leaves its fonts there)
    tmp.mkdir()
    with redis_server(tmp_path / "redis") as broker:
        store = tmp_path / "store"
        logs = [tmp_path / f"worker{k}.log" for k in range(2)]
        workers = [
            start_worker(
                broker,
                store,
                f"w{k}@test",
                logs[k],
                ("--visibility-timeout", "30"),
                env={"TMPDIR": str(tmp)},
            )
            for k in range(2)
        ]
        try:
            for proc, log in zip(workers, logs, strict=True):
                wait_ready(log, proc)
            run = subprocess.Popen(
                [
                    sys.executable,
                    str(ROOT / "render.py"),
                    "edition",
                    str(PLAN),
                    "--broker",
                    broker,
                    "--store",
                    str(store),
                    "--out",
                    str(tmp_path / "out"),
                    "--no-archive",
                ],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                cwd=ROOT,
            )
            killed, job = _kill_mid_task(workers, logs, time.monotonic() + 120)
            out, err = run.communicate(timeout=600)
            survivor = workers[1 - killed]
            maps = Path(f"/proc/{survivor.pid}/maps").read_text()
        finally:
            for proc in workers:
                stop_worker(proc)
            shutil.rmtree(tmp, ignore_errors=True)
    assert run.returncode == 0, err
    assert "8 pages from 6 stories (6 rendered, 0 from the store)" in out
    assert "6/6 stories, 8/8 pages" in err  # the progress bar's last line
    other = logs[1 - killed].read_bytes()
    assert f"render_story[{job}] succeeded".encode() in other  # the lost story, done again
    assert f"render_story[{job}] succeeded".encode() not in logs[killed].read_bytes()
    assert "libpango" not in maps  # the worker's parent never loaded WeasyPrint
    plant = tmp_path / "out" / "edition-2026-12-01" / "plant"
    names = sorted(p.name for p in plant.iterdir())
    assert names == sorted(p.name for p in local_plant.iterdir())
    manifest = json.loads((plant / "edition.json").read_text(encoding="utf-8"))
    assert [p["number"] for p in manifest["pages"]] == list(range(1, 9))
    for name in names:  # the same bytes as one local process made
        assert (plant / name).read_bytes() == (local_plant / name).read_bytes(), name


def _plan_with(folder: Path, stories: dict[int, str]) -> Path:
    """The example plan in `folder`, its stories by absolute path, some replaced."""
    text = PLAN.read_text(encoding="utf-8")
    for line in re.findall(r'story = "([^"]+)"', text):
        text = text.replace(f'"{line}"', f'"{ROOT / "source" / line}"')
    for number, path in stories.items():
        text = re.sub(rf'(number = {number}\nstory = )"[^"]+"', rf'\1"{path}"', text)
    path = folder / PLAN.name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_failed_story_fails_the_edition_and_only_renders_it_again(tmp_path):
    overset = write_story(spec_for(6), tmp_path / "copy")  # far too long for one page
    plan = _plan_with(tmp_path, {8: overset})
    out, store = tmp_path / "out", tmp_path / "store"
    args = ("--out", out, "--store", store, "--archive", tmp_path / "archive")
    failed = edition(plan, "--jobs", 2, *args)
    assert failed.returncode == 1 and "Traceback" not in failed.stderr
    assert re.search(
        rf"{overset}: error: (page 1 .* is overset by \d+ lines|.* too long)", failed.stderr
    )
    line = next(k for k, t in enumerate(plan.read_text().splitlines(), 1) if str(overset) in t)
    assert f"{plan}:{line}: error: corpus_0006 (page 8) did not render; correct its copy" in (
        failed.stderr
    )
    assert "1 story(ies) failed (corpus_0006); nothing was written for the plant" in failed.stderr
    folder = out / "edition-2026-12-01"
    assert not (folder / "plant").exists()
    stories = folder / "stories"
    # nothing for print (no make-up, so no layout to stamp as a failed proof either)
    assert not list((stories / "corpus_0006").glob("*-print.pdf"))
    for name in ("corpus_0018", "corpus_0004", "000_47b12d432780679e", "corpus_0023"):
        assert list((stories / name).glob("*-print.pdf")), name  # the others still rendered
    assert not (tmp_path / "archive").exists()

    # the correction: shorter copy; only that story is rendered again
    overset.write_text(story_text_of(53), encoding="utf-8")
    fixed = edition(plan, "--only", "corpus_0006", *args)
    assert fixed.returncode == 0, fixed.stderr
    assert "(1 rendered, 5 from the store)" in fixed.stdout
    plant = folder / "plant"
    assert len(list(plant.glob("*.pdf"))) == 8
    again = edition(plan, *args)  # nothing changed: nothing is rendered, the folder stays
    assert again.returncode == 0 and "(0 rendered, 6 from the store)" in again.stdout
    assert not (folder / "superseded").exists()

    # a correction that breaks the story again: the plant's folder is set aside
    overset.write_text(story_text_of(6), encoding="utf-8")
    broken = edition(plan, "--only", "corpus_0006", *args)
    assert broken.returncode == 1 and not plant.exists()
    assert len(list((folder / "superseded").glob("*/plant/*.pdf"))) == 8


def story_text_of(seed: int) -> str:
    from newsprint.bench.corpus import story_text

    return story_text(spec_for(seed))
