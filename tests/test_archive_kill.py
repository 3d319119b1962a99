"""The archive under SIGKILL and concurrent adds, driven through tests/archive_child.py.

A kill must leave the catalogue and the store consistent wherever it lands. Where
it lands depends on the machine's speed, so the kill test does not count on luck:
it kills the child a short, adapted delay after the child reports starting an add,
reads afterwards what was actually interrupted, and checks each kill against that.
"""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from conftest import ROOT
from test_archive import OTHER_TEXT, SEED_TEXT, assert_consistent, make_render

from newsprint.archive import core as archive

CHILD = Path(__file__).resolve().parent / "archive_child.py"
STORIES = 12
TARGET_IN_ADD = 20  # kills inside an add wanted…
MAX_ATTEMPTS, MAX_SECONDS = 80, 240  # …within these bounds, whichever comes first


def child_args(root: Path, run: str, sources: list[Path]) -> list[str]:
    return [sys.executable, str(CHILD), str(root), run, *map(str, sources)]


def kill_after(args: list[str], marker: str, delay: float) -> list[str]:
    """Run `args` and SIGKILL it `delay` s after it prints a line starting with `marker`;
    every line it printed (a kill after it finished is a no-op)."""
    with subprocess.Popen(
        args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT
    ) as child:
        lines = []
        while (line := child.stdout.readline()) and not line.startswith(marker):
            lines.append(line.rstrip("\n"))
        assert line, f"{args[1]} never printed {marker!r}: {child.stderr.read()}"
        lines.append(line.rstrip("\n"))
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        # the rest through the same reader: readline() may have read ahead, and
        # communicate() reads the pipe itself, so it lost those lines ("added" ones too)
        out, err = child.stdout.read(), child.stderr.read()
        child.wait(timeout=120)
    assert child.returncode in (0, -signal.SIGKILL), err
    return [*lines, *out.splitlines()]


def kill_during(root: Path, run: str, sources: list[Path], story: str, delay: float) -> list[str]:
    """Run the child and SIGKILL it `delay` s after it reports `adding <story>`; its report."""
    return kill_after(child_args(root, run, sources), f"adding {story}\n", delay)


def state(root: Path) -> tuple[int, int, set[Path]]:
    """Catalogue entries, objects no entry names, and temp files, in the archive now."""
    a = archive.open_archive(root)
    try:
        report = archive.verify(a)
        return report["stories"], report["unreferenced"], set(a.store.stray_temps())
    finally:
        a.conn.close()


def where_it_landed(lines: list[str], gained: int, orphans: int, temps: set) -> str:
    """Name the moment of a kill from what the child reported and what it left behind."""
    started = sum(line.startswith("adding ") for line in lines)
    added = sum(line.startswith("added ") for line in lines)
    if started == added:
        assert gained == added and not temps, (lines, gained, temps)
        return "after the last add" if "done" in lines else "between adds"
    assert started == added + 1, lines
    assert gained in (added, added + 1), (lines, gained)  # the commit may beat the print
    assert len(temps) <= 1, temps  # at most the one file being written
    if gained == added + 1:
        assert not temps, temps
        return "in an add: catalogued, not yet reported"
    if temps:
        return "in an add: mid-write, a temp file left"
    return "in an add: files stored, not catalogued" if orphans else "in an add: before writing"


def test_adds_killed_mid_add_leave_the_archive_consistent(tmp_path):
    sources = [
        make_render(tmp_path, f"{i:03d}_story", SEED_TEXT[i * 200 :], date=f"2026-12-{i + 1:02d}")
        for i in range(STORIES)
    ]
    root = tmp_path / "arc"
    rng, window, landed = random.Random(6), 0.05, Counter()
    started = time.monotonic()
    for run in range(MAX_ATTEMPTS):
        before, orphans_before, temps_before = state(root) if root.exists() else (0, 0, set())
        story = sources[rng.randrange(STORIES)].name
        lines = kill_during(root, str(run), sources, story, rng.uniform(0, window))
        after, orphans, temps = state(root)
        assert assert_consistent(root) == after  # verify clean, catalogue sound, no torn object
        assert after >= before
        where = where_it_landed(
            lines, after - before, orphans - orphans_before, temps - temps_before
        )
        landed[where] += 1
        # land more kills inside adds: wait less after a miss, explore after a hit
        window = min(window * 1.5, 0.2) if where.startswith("in an add") else window / 2
        in_add = sum(n for w, n in landed.items() if w.startswith("in an add"))
        if in_add >= TARGET_IN_ADD or time.monotonic() - started > MAX_SECONDS:
            break
    assert in_add >= TARGET_IN_ADD, f"{in_add} kills inside an add in {run + 1}: {dict(landed)}"
    finish = subprocess.run(
        child_args(root, "final", sources), capture_output=True, text=True, cwd=ROOT
    )
    assert finish.returncode == 0, finish.stderr
    assert assert_consistent(root) == after + STORIES


def test_two_processes_adding_at_once_both_succeed(tmp_path):
    shared = [make_render(tmp_path / "s", f"s{i}", SEED_TEXT[i * 300 :]) for i in range(4)]
    own = [
        [make_render(tmp_path / k, f"{k}{i}", OTHER_TEXT + k * i) for i in range(8)]
        for k in ("a", "b")
    ]
    root = tmp_path / "arc"  # created by whichever child comes first
    children = [
        subprocess.Popen(
            child_args(root, "-", mine + shared),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        for mine in own
    ]
    results = [c.communicate(timeout=120) for c in children]
    assert [c.returncode for c in children] == [0, 0], [err for _, err in results]
    assert assert_consistent(root) == 4 + 8 + 8
    a = archive.open_archive(root)
    assert a.conn.execute("SELECT max(version) FROM stories").fetchone()[0] == 1
    a.conn.close()


def render_and_kill(story: Path, root: Path, out: Path, delay: float) -> list[str]:
    """`render.py STORY --archive ROOT`, SIGKILLed `delay` s after it starts archiving."""
    args = [sys.executable, "render.py", str(story), "--archive", str(root), "--out", str(out)]
    return kill_after(args, "  archiving into", delay)


def test_renders_killed_while_archiving_leave_the_archive_consistent(story_dir, tmp_path):
    """SIGKILL `render.py --archive` in its archive step, each run a new edition date (a
    new story to store, not a duplicate), until 20 kills landed before it said
    "archived"; after every kill the archive verifies clean."""
    from conftest import SEED_EDITION, write_story
    from test_generated import generated_copy

    second_page = '\n[[pages]]\nnumber = 5\nsection = "党代会特刊"\n'
    edition = SEED_EDITION.read_text(encoding="utf-8")
    assert "date = 2026-12-01" in edition and second_page in edition
    edition = edition.replace(second_page, "")  # the generated copy fills one page
    root, out = tmp_path / "arc", tmp_path / "out"
    rng, window, in_add, stored = random.Random(7), 0.05, 0, 0
    started = time.monotonic()
    for run in range(MAX_ATTEMPTS):
        day = f"2026-{1 + run // 28:02d}-{1 + run % 28:02d}"
        text = edition.replace("date = 2026-12-01", f"date = {day}")
        story = write_story(story_dir, "gen", generated_copy(1), text)
        lines = render_and_kill(story, root, out, rng.uniform(0, window))
        stored = assert_consistent(root)
        if not any(line.startswith("  archived:") for line in lines):
            in_add += 1
            window = min(window * 1.5, 0.3)
        else:
            window /= 2
        if in_add >= TARGET_IN_ADD or time.monotonic() - started > MAX_SECONDS:
            break
    assert in_add >= TARGET_IN_ADD, f"{in_add} kills inside the archive step in {run + 1} runs"
    assert stored <= run + 1
