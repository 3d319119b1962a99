"""The designer's loop: grid overlay, watch keeping the last good proof, live proof page.

The watch and serve tests run `render.py` in a temporary copy of the project, so
breaking a template or restyling there never touches the shared tree. The page
test drives Debian's chromium through Playwright: it checks what a designer
sees, not only what the server sends.
"""

from __future__ import annotations

import contextlib
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import jinja2
import pytest
from conftest import ROOT
from PIL import Image, ImageChops

from newsprint.config import load_config
from newsprint.output.overlay import draw_grid, grid_boxes
from newsprint.output.proof import SPINE_PX, rasterise
from newsprint.studio.session import where_failed

CHROMIUM = Path("/usr/bin/chromium")
BROKEN_LINE = 3  # where the tests put a template syntax error into spread.html.j2


def test_grid_boxes_follow_the_format():
    fmt = load_config().page_format("duikai")
    top, right, bottom, left = fmt.margins("right")
    grid = grid_boxes(fmt, "right")
    assert len(grid["columns"]) == fmt.columns and len(grid["gutters"]) == fmt.columns - 1
    assert grid["columns"][0][0] == pytest.approx(left)
    assert grid["columns"][-1][2] == pytest.approx(left + fmt.type_width)
    assert all(g[2] - g[0] == pytest.approx(fmt.gutter) for g in grid["gutters"])
    assert len(grid["lines"]) == fmt.lines + 1
    assert grid["lines"][-1][1] == pytest.approx(top + fmt.type_height)
    assert grid["lines"][1][1] - grid["lines"][0][1] == pytest.approx(fmt.line_pitch)
    assert grid_boxes(fmt, "left")["area"][0][0] == pytest.approx(fmt.margins("left")[3])


def test_grid_marks_gutters_and_leaves_margins_alone():
    fmt = load_config().page_format("duikai")
    dpi = 36
    scale = dpi / 72
    blank = Image.new(
        "RGB", (round(fmt.page_width * scale), round(fmt.page_height * scale)), "white"
    )
    drawn = draw_grid(blank, fmt, "left", dpi)
    gutter = grid_boxes(fmt, "left")["gutters"][0]
    mid_gutter = (round((gutter[0] + gutter[2]) / 2 * scale), round((gutter[1] + 100) * scale))
    assert drawn.getpixel(mid_gutter) != (255, 255, 255)
    assert drawn.getpixel((3, 3)) == (255, 255, 255)  # page margin: untouched
    assert blank.getpixel(mid_gutter) == (255, 255, 255)  # drawn on a copy


def test_grid_is_on_the_proof_only(tmp_path):
    """The proof with --grid is exactly the print PDF's raster plus the grid drawn once."""
    from newsprint.build import build

    result = build(ROOT / "source" / "000_47b12d432780679e.txt", tmp_path, grid=True, archive=False)
    fmt = load_config().page_format()
    raster = rasterise(result.print_pdfs[0], 50)[0]
    with Image.open(result.proof) as proof:
        first = proof.convert("RGB").crop(
            (SPINE_PX, SPINE_PX, SPINE_PX + raster.width, SPINE_PX + raster.height)
        )
    assert ImageChops.difference(first, raster).getbbox() is not None  # the grid is drawn
    # Drawing the grid on the PDF's raster gives the proof: the PDF itself has no grid.
    assert ImageChops.difference(first, draw_grid(raster, fmt, "left", 50)).getbbox() is None


def test_template_syntax_error_names_file_and_line():
    env = jinja2.Environment(loader=jinja2.DictLoader({"x.html.j2": "ok\n{% if %}\n"}))
    with pytest.raises(jinja2.TemplateSyntaxError) as caught:
        env.get_template("x.html.j2")
    assert where_failed(caught.value) == "x.html.j2:2"


@pytest.fixture
def project(tmp_path):
    """A throw-away copy of the project (the faces hard-linked: they are large and
    read-only, and a symlink would point outside the copy, where the fetcher refuses
    to read; copied where a link cannot be made)."""
    copy = tmp_path / "project"
    copy.mkdir()
    for name in ("newsprint", "layout", "styles", "source"):
        shutil.copytree(ROOT / name, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("newsprint.toml", "render.py"):
        shutil.copy(ROOT / name, copy / name)
    (copy / "fonts").mkdir()
    shutil.copy(ROOT / "fonts" / "fonts.toml", copy / "fonts" / "fonts.toml")
    (copy / "fonts" / "cache").mkdir()
    for face in (ROOT / "fonts" / "cache").iterdir():
        try:
            os.link(face, copy / "fonts" / "cache" / face.name)
        except OSError:
            shutil.copy2(face, copy / "fonts" / "cache" / face.name)
    return copy


class Running:
    """`render.py COMMAND` in the project copy, its stderr read line by line as it comes."""

    def __init__(self, project: Path, *args: str):
        self.proc = subprocess.Popen(
            [sys.executable, "render.py", *args],
            cwd=project,
            stderr=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
            start_new_session=True,  # its page workers too can be stopped as one group
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stderr:
            self.lines.put(line)

    def wait_for(self, text: str, timeout: float = 180) -> str:
        """Read stderr until a line contains `text`; fail naming what was read instead."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                line = self.lines.get(timeout=0.5)
            except queue.Empty:
                assert self.proc.poll() is None, "stopped early:\n" + "".join(self.seen)
                continue
            self.seen.append(line)
            if text in line:
                return line
        raise AssertionError(f"no {text!r} in {timeout} s; read:\n" + "".join(self.seen))

    def stop(self) -> int:
        """Ctrl-C, then whatever of its process group is left (a page worker that
        outlived it would hold stderr open, and the reader would never end)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.reader.join(30)
        self.proc.stderr.close()
        return self.proc.returncode


def break_template(project: Path) -> str:
    path = project / "layout" / "spread.html.j2"
    good = path.read_text(encoding="utf-8")
    lines = good.splitlines(keepends=True)
    lines.insert(BROKEN_LINE - 1, "{% if %}\n")
    path.write_text("".join(lines), encoding="utf-8")
    return good


def test_watch_survives_a_broken_template_and_renders_once_fixed(project):
    template = project / "layout" / "spread.html.j2"
    good = break_template(project)
    watch = Running(project, "watch")
    try:
        error = watch.wait_for("error: template")
        assert f"spread.html.j2:{BROKEN_LINE}: error: template" in error
        watch.wait_for("render failed")
        assert watch.proc.poll() is None  # still watching
        template.write_text(good, encoding="utf-8")
        done = watch.wait_for("rendered in")
        proof = Path(done.rsplit("→ ", 1)[1].strip())
        assert proof.is_file() and proof.is_relative_to(project / "out")
    finally:
        watch.stop()
    assert not any("Traceback" in line for line in watch.seen), "".join(watch.seen)


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read()


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium (make setup)")
def test_live_proof_page_in_a_browser(project):
    sync_api = pytest.importorskip("playwright.sync_api")
    serve = Running(project, "serve", "--port", "0", "--dpi", "40")
    try:
        url = serve.wait_for("live proof of").rsplit(" at ", 1)[1].split()[0]
        with sync_api.sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=str(CHROMIUM),
                args=[
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--no-first-run",
                ],
            )
            try:
                page = browser.new_page()
                page.goto(url)
                shown = "(g) => { const p = document.getElementById('proof');"
                shown += " return Number(p.dataset.generation) >= g && p.naturalWidth > 0; }"
                page.wait_for_function(shown, arg=1, timeout=180_000)
                first = int(page.get_attribute("#proof", "data-generation"))
                first_png = fetch(url + "proof.png")
                listed = "() => document.getElementById('findings').textContent"
                page.wait_for_function(listed + ".includes('photo-missing')")
                assert page.eval_on_selector("#proof", "p => p.naturalWidth") > 1000

                # A broken template: the error with file and line, the last good proof kept.
                good = break_template(project)
                page.wait_for_function(
                    "() => document.getElementById('error').textContent.includes('spread.html.j2')",
                    timeout=120_000,
                )
                error = page.text_content("#error")
                assert f"spread.html.j2:{BROKEN_LINE}:" in error
                assert "render failed" in page.text_content("#state")
                assert int(page.get_attribute("#proof", "data-generation")) == first
                assert fetch(url + "proof.png") == first_png

                # Fixed, and restyled: the page shows the new proof by itself.
                (project / "layout" / "spread.html.j2").write_text(good, encoding="utf-8")
                with (project / "styles" / "modules.css").open("a", encoding="utf-8") as css:
                    css.write("\n:root { --tint: device-cmyk(0 0.4 0.6 0); }\n")
                page.wait_for_function(shown, arg=first + 1, timeout=180_000)
                assert page.text_content("#error") == ""
                assert fetch(url + "proof.png") != first_png
            finally:
                browser.close()
    finally:
        serve.stop()
    assert not any("Traceback" in line for line in serve.seen), "".join(serve.seen)


class CountingTypesetter:
    """The real Typesetter, counting its WeasyPrint renders (what the fit cache saves)."""

    def __init__(self):
        from newsprint.build import session_css
        from newsprint.typeset.typesetter import Typesetter

        self.inner = Typesetter(session_css(load_config()))
        self.renders = 0

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def render(self, html, geometry_css):
        self.renders += 1
        return self.inner.render(html, geometry_css)


def test_warm_render_reuses_the_fit_then_lays_pages_out_in_parallel(tmp_path):
    from newsprint.build import build, prepare
    from newsprint.studio.pool import PagePool, build_in_pool

    story = ROOT / "source" / "000_47b12d432780679e.txt"
    typesetter = CountingTypesetter()
    pool = PagePool(typesetter.font_css)  # its workers load fonts while the parent renders
    try:
        # the studio's builds (session._render) skip the typography report, as the pool does
        cold = build(
            story, tmp_path / "cold", typesetter=typesetter, archive=False, typography=False
        )
        cold_renders = typesetter.renders
        assert cold_renders >= 1  # the modules (unless measured on disk), then the spread
        warm = build(
            story, tmp_path / "warm", typesetter=typesetter, archive=False, typography=False
        )
        assert typesetter.renders - cold_renders == 1
        for a, b in zip(cold.print_pdfs, warm.print_pdfs, strict=True):
            assert a.read_bytes() == b.read_bytes()
        config = load_config()
        job = prepare(story, config)
        parallel = build_in_pool(pool, job, typesetter, config, tmp_path / "par", 50, False)
        assert parallel is not None  # the cached make-up took the parallel path
    finally:
        pool.close()
    assert typesetter.renders - cold_renders == 1  # the workers laid the pages out
    assert [p.name for p in parallel.print_pdfs] == [p.name for p in warm.print_pdfs]
    with Image.open(warm.proof) as a, Image.open(parallel.proof) as b:
        assert ImageChops.difference(a.convert("RGB"), b.convert("RGB")).getbbox() is None

    def said(result, out):
        return [str(f).replace(str(tmp_path / out), "OUT") for f in result.findings]

    assert said(parallel, "par") == said(warm, "warm")


def test_page_workers_measure_the_modules_as_one_document_does():
    """The studio measures in two documents at once (a size change re-measures)."""
    from newsprint.build import prepare, session_css
    from newsprint.compose.html import template_env
    from newsprint.compose.measures import items
    from newsprint.studio.pool import PagePool
    from newsprint.typeset.modules import halves, measure_modules
    from newsprint.typeset.typesetter import Typesetter

    config = load_config()
    job = prepare(ROOT / "source" / "000_47b12d432780679e.txt", config)
    typesetter = Typesetter(session_css(config))
    env = template_env(job.fmt, config)
    args = (job.story, job.fmt, config.makeup, typesetter, env)
    pool = PagePool(typesetter.font_css)
    try:
        split = measure_modules(*args, cache_dir=None, pool=pool)
    finally:
        pool.close()
    alone = measure_modules(*args, cache_dir=None)
    assert split == alone and split[1] == []
    assert any(k.startswith("starts:") for k in alone[0])
    found = items(job.story, job.fmt, config.makeup)
    parts = halves(found)
    assert len(parts) == 2 and sorted(i.id for p in parts for i in p) == sorted(i.id for i in found)


MEMO_SCRIPT = """
import sys
from pathlib import Path
from newsprint.build import build
from newsprint.typeset import pdfmemo
out = Path(sys.argv[1])
story = Path(sys.argv[2])
plain = build(story, out / "plain", archive=False, typography=False)
pdfmemo.install()
first = build(story, out / "first", archive=False, typography=False)
again = build(story, out / "again", archive=False, typography=False)
for runs in zip(plain.print_pdfs, first.print_pdfs, again.print_pdfs, strict=True):
    assert len({p.read_bytes() for p in runs}) == 1, runs
assert pdfmemo._SUBSETS
"""


def test_the_studios_pdf_memo_writes_the_same_bytes(tmp_path):
    """The studio keeps font subsets between saves, and the PDFs are the same."""
    story = ROOT / "source" / "000_47b12d432780679e.txt"
    run = subprocess.run(
        [sys.executable, "-c", MEMO_SCRIPT, str(tmp_path), str(story)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-3000:]


def test_running_head_edit_reuses_the_fit(story_dir, tmp_path):
    from conftest import SEED, SEED_EDITION, write_story

    from newsprint.build import build

    edition = SEED_EDITION.read_text(encoding="utf-8")
    story = write_story(story_dir, "head", SEED.read_text(encoding="utf-8"), edition)
    typesetter = CountingTypesetter()
    before = build(story, tmp_path / "before", typesetter=typesetter, archive=False)
    cold_renders = typesetter.renders
    assert '"校对" = "陈静"' in edition
    story.with_suffix(".edition.toml").write_text(
        edition.replace('"校对" = "陈静"', '"校对" = "王芳"'), encoding="utf-8"
    )
    after = build(story, tmp_path / "after", typesetter=typesetter, archive=False)
    assert typesetter.renders - cold_renders == 1
    with Image.open(before.proof) as a, Image.open(after.proof) as b:
        changed = ImageChops.difference(a.convert("RGB"), b.convert("RGB")).getbbox()
    assert changed is not None and changed[3] < a.height * 0.12  # only the heads, at the top


def test_layout_css_ignores_colours_only():
    from newsprint.typeset.typesetter import mask_colours as masked

    a = ":root { --accent: device-cmyk(0 1 1 0.1); } h1 { color: #c00; width: 10pt; }"
    b = ":root { --accent: device-cmyk(0.2 1 0 0); } h1 { color: #00c; width: 10pt; }"
    c = ":root { --accent: device-cmyk(0 1 1 0.1); } h1 { color: #c00; width: 12pt; }"
    assert masked(a) == masked(b)
    assert masked(a) != masked(c)
    # an invalid colour voids every border that uses it: that moves text
    d = a.replace("device-cmyk(0 1 1 0.1)", "device-cmyk(0 1 1)")
    assert masked(d) != masked(a)


def _worker_then_exit(css, queue):
    from newsprint.studio import pool

    pool._start(css)  # what each page worker runs first
    config = pool._WORKER["typesetter"].font_config
    queue.put((config._folder, sorted(str(p) for p in config.in_place)))


def test_a_page_worker_copies_no_font_files():
    """WeasyPrint copies the faces (127 MB) into /tmp per font configuration; a worker
    ends by os._exit, so every warm session once left them there. The project's faces
    are registered in place: no copy, nothing to leave."""
    import multiprocessing

    from newsprint.build import session_css
    from newsprint.typeset.fonts import load_faces

    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_worker_then_exit, args=(session_css(load_config()), queue))
    child.start()
    folder, in_place = queue.get(timeout=120)
    child.join(60)
    assert child.exitcode == 0
    assert folder is None
    assert in_place == sorted(str(f.path.resolve()) for f in load_faces().values())


HALF_SENT = """
import os, struct
from newsprint.build import session_css
from newsprint.config import load_config
from newsprint.studio.pool import PagePool

pool = PagePool(session_css(load_config()), workers=1)
(executor,) = pool.executors
executor.submit(int).result()
# what a worker stopped while sending a page leaves in the result pipe: the
# length of a 1 MB message and its first bytes, read by the manager thread
os.write(executor._result_queue._writer.fileno(), struct.pack("!i", 1 << 20) + bytes(100))
pool.close()
print("closed", flush=True)
"""


def test_a_pool_closed_while_a_worker_sends_lets_the_process_exit():
    """A worker stopped half-way through sending its result left the executor's
    manager thread reading the rest for good, and the interpreter's exit (which joins
    that thread) never ended: serve did not stop on SIGTERM. close() ends that read."""
    done = subprocess.run(
        [sys.executable, "-c", HALF_SENT], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "closed\n"


def _processes_of(project: Path) -> list[int]:
    """Live processes whose command line names the project copy (the page workers'
    forkserver carries its sys.path, which starts with the copy)."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) == os.getpid():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes()
            state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if str(project).encode() in cmdline and state != "Z":
            found.append(int(proc.name))
    return found


def test_serve_stopped_by_sigterm_stops_its_page_workers(project):
    """kill (SIGTERM) stops serve as Ctrl-C does: its forkserver and page workers
    (300 MB each) go with it instead of running on for good."""
    serve = Running(project, "serve", "--port", "0", "--dpi", "30")
    try:
        serve.wait_for("rendered in")
        assert len(_processes_of(project)) > 1  # serve, the forkserver, its workers
        serve.proc.terminate()
        serve.proc.wait(60)
        end = time.monotonic() + 30
        while _processes_of(project) and time.monotonic() < end:
            time.sleep(0.2)
        assert _processes_of(project) == []
    finally:
        serve.stop()
