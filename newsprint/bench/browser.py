"""The designer's loop end to end (`make bench`): save in styles/, new proof in the browser.

`render.py serve` runs in a throw-away copy of the project (the edits never touch the
real styles/), Debian's chromium shows its page through Playwright (the bench extra),
and each figure is the wall time from writing the stylesheet to the page having
loaded the new proof image: the watcher's debounce, the render, the event, the image.
Two edits, each a new value every time (a value seen before would be a fit-cache hit):
a colour token (styles/tokens.css --accent) and a size that moves text inside the
testimonies (--quote-inset, their side padding).
"""

from __future__ import annotations

import os
import queue
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from newsprint.config import PROJECT_ROOT

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
COPIED = ("newsprint", "layout", "styles", "source")
# "shown" once the proof of render g or later is loaded, "failed" if such a render failed
OUTCOME = (
    "(g) => { const p = document.getElementById('proof'), s = document.getElementById('state');"
    " if (Number(p.dataset.generation) >= g && p.complete && p.naturalWidth > 0) return 'shown';"
    " const m = s.textContent.match(/render (\\d+)/);"
    " return s.className === 'failed' && m && Number(m[1]) >= g ? 'failed' : false; }"
)
GENERATION = (
    "() => Number((document.getElementById('state').textContent"
    ".match(/render (\\d+)/) || [0, 0])[1])"
)
ACCENT = "--accent: device-cmyk(0 1 1 0.1);"
INSET = "--quote-inset: calc(var(--quote-size) / 2);"


def project_copy(folder: Path) -> Path:
    """The project's code, copy, styles and templates; the faces linked, not copied."""
    copy = folder / "project"
    for name in COPIED:
        shutil.copytree(
            PROJECT_ROOT / name, copy / name, ignore=shutil.ignore_patterns("__pycache__")
        )
    for name in ("newsprint.toml", "render.py"):
        shutil.copy(PROJECT_ROOT / name, copy / name)
    (copy / "fonts" / "cache").mkdir(parents=True)
    shutil.copy(PROJECT_ROOT / "fonts" / "fonts.toml", copy / "fonts" / "fonts.toml")
    for face in (PROJECT_ROOT / "fonts" / "cache").iterdir():
        try:  # a hard link: a real file under the copy's fonts/, read in place
            os.link(face, copy / "fonts" / "cache" / face.name)
        except OSError:
            shutil.copy(face, copy / "fonts" / "cache" / face.name)
    return copy


class Serving:
    """`render.py serve` in the copy; its stderr read as it comes."""

    def __init__(self, project: Path, story: Path):
        self.proc = subprocess.Popen(
            [sys.executable, "render.py", "serve", str(story), "--port", "0"],
            cwd=project,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONPATH": str(project)},
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stderr:
            self.lines.put(line)

    def url(self, timeout: float = 120) -> str:
        end = time.monotonic() + timeout
        while time.monotonic() < end and self.proc.poll() is None:
            try:
                line = self.lines.get(timeout=0.5)
            except queue.Empty:
                continue
            self.seen.append(line)
            if " at http://" in line:
                return line.rsplit(" at ", 1)[1].split()[0]
        raise RuntimeError("render.py serve did not start:\n" + "".join(self.seen))

    def log(self) -> str:
        while not self.lines.empty():
            self.seen.append(self.lines.get())
        return "".join(self.seen)

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGINT)  # as Ctrl-C: it stops its page workers
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    if old not in text:
        raise RuntimeError(f"{path}: no {old!r} to edit for the bench")
    path.write_text(text.replace(old, new), encoding="utf-8")


def _timed_save(page, path: Path, old: str, new: str, timeout_ms: int = 120_000) -> float:
    """Seconds from the save to the browser showing the proof of the next render."""
    generation = max(
        page.evaluate(GENERATION), int(page.get_attribute("#proof", "data-generation"))
    )
    started = time.perf_counter()
    _edit(path, old, new)
    outcome = page.wait_for_function(OUTCOME, arg=generation + 1, timeout=timeout_ms, polling=20)
    elapsed = time.perf_counter() - started
    if outcome.json_value() != "shown":
        raise RuntimeError(
            f"the bench edit {new!r} failed to render: {page.text_content('#error')}"
        )
    return elapsed


def designer_loop(story: Path, repeat: int = 3) -> dict:
    """Median seconds, save to new proof in the browser, for a colour and a size edit."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return {"skipped": "playwright not installed: pip install -e '.[bench]'"}
    if not CHROMIUM.exists():
        return {"skipped": f"no {CHROMIUM} (make setup installs Debian's chromium)"}
    with tempfile.TemporaryDirectory(prefix="newsprint-loop-") as tmp:
        project = project_copy(Path(tmp))
        tokens = project / "styles" / "tokens.css"
        story_in_copy = project / Path(story).resolve().relative_to(PROJECT_ROOT)
        serving = Serving(project, story_in_copy)
        try:
            url = serving.url()
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
                try:
                    page = browser.new_page()
                    page.goto(url)
                    page.wait_for_function(OUTCOME, arg=1, timeout=300_000)
                    accent, inset = ACCENT, INSET
                    # a first save warms the page workers (their faces, their first page)
                    first = accent.replace("1 1 0.1)", "1 0.95 0.1)")
                    warm = _timed_save(page, tokens, accent, first)
                    accent = first
                    colour, size = [], []
                    for run in range(1, repeat + 1):
                        new = ACCENT.replace("1 1 0.1)", f"1 0.{9 - run} 0.1)")  # under max_ink
                        colour.append(_timed_save(page, tokens, accent, new))
                        accent = new
                        new = INSET.replace("/ 2)", f"/ 2 + {run * 0.5}pt)")
                        size.append(_timed_save(page, tokens, inset, new))
                        inset = new
                finally:
                    browser.close()
        except Exception as exc:
            raise RuntimeError(f"{exc}; render.py serve said:\n{serving.log()[-4000:]}") from exc
        finally:
            serving.stop()
    return {
        "first_save_s": round(warm, 2),
        "colour_s": [round(t, 2) for t in colour],
        "colour_median_s": round(statistics.median(colour), 2),
        "colour_goal_s": 0.5,
        "size_s": [round(t, 2) for t in size],
        "size_median_s": round(statistics.median(size), 2),
        "size_goal_s": 1.0,
    }
