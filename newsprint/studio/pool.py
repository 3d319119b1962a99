"""Lay out the pages of a spread in parallel worker processes (the designer's warm loop).

WeasyPrint's layout is pure Python, so threads would share one core, and a laid-out
Document cannot cross processes. Each worker therefore takes one page all the way:
compose that page alone, lay it out, measure its fit, write its print PDF and
rasterise its proof image; the parent only checks the fits and joins the spread.
A page lays out the same alone as in the spread (no CSS ties the pages together;
tests/test_designer.py compares the two). Workers keep their fonts and parsed CSS
between renders, like the parent's Typesetter.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.util
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from newsprint.build import (
    BuildFailed,
    BuildResult,
    compose_pages,
    preflight_outputs,
    scaled_photo,
)
from newsprint.compose.html import compose_html, geometry_css, template_env
from newsprint.compose.makeup import Makeup
from newsprint.output.manifest import write_manifest
from newsprint.output.pdfx import write_print_pages
from newsprint.output.proof import rasterise, save_spread
from newsprint.output.stage import Staging
from newsprint.output.write import (
    Written,
    file_stem,
    missing_picture,
    page_infos,
    proof_path,
    story_meta,
)
from newsprint.runtime import tune_collector
from newsprint.typeset import pdfmemo
from newsprint.typeset.measure import overflow_findings, running_head_findings
from newsprint.typeset.modules import measure_html
from newsprint.typeset.recolour import render_kept
from newsprint.typeset.typesetter import Typesetter, remove_font_folders, weasyprint_finding

_WORKER: dict = {}  # the worker process's Typesetter, made once by _start


def _start(session_css: str) -> None:
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the parent, which stops us
    _WORKER["typesetter"] = Typesetter(session_css)
    tune_collector()  # the faces and styles just loaded are kept for good
    pdfmemo.install()  # the next save subsets the same faces again
    # a worker leaves by os._exit: atexit never runs, multiprocessing's finalizers do
    multiprocessing.util.Finalize(None, remove_font_folders, exitpriority=100)


@dataclass(frozen=True)
class PageJob:
    story: object
    edition: object
    page: object  # compose.makeup.PageMakeup
    fmt: object
    photo_url: str
    out_dir: Path
    info: object  # output.PageInfo
    meta: object  # output.StoryMeta
    settings: object  # output.PrintSettings
    dpi: float
    config: object  # config.Config: the paper's language and timezone


@dataclass(frozen=True)
class PageDone:
    index: int
    problems: list  # findings of the page's own layout (text out of its module)
    warnings: list[str]
    pages_made: int
    pdf: Path | None
    image: tuple[str, tuple[int, int], bytes] | None  # mode, size, pixels of the proof
    preflight: list = ()  # the print PDF's preflight findings


def render_page(job: PageJob) -> PageDone:
    """One page, alone: layout, fit, print PDF, preflight, proof raster (runs in a worker)."""

    typesetter = _WORKER["typesetter"]
    env = template_env(job.fmt, job.config)
    plan = Makeup((job.page,))
    html = compose_html(job.story, job.edition, plan, job.fmt, job.photo_url, env)
    kept = _WORKER.setdefault("kept", {})  # this worker's pages, laid out, by page index
    document, warnings = render_kept(typesetter, html, geometry_css(job.fmt), kept, job.page.index)
    problems = overflow_findings(document, plan, job.fmt, job.story.source)
    problems += running_head_findings(document, job.edition, job.page.index)
    if len(document.pages) != 1 or problems:
        return PageDone(job.page.index, problems, warnings, len(document.pages), None, None)
    pdf = write_print_pages(document, [job.info], job.meta, job.out_dir, job.settings)[0]
    image = rasterise(pdf, job.dpi)[0]
    checked = preflight_outputs(Written([pdf], pdf, None), job.fmt, job.settings)
    pixels = (image.mode, image.size, image.tobytes())
    return PageDone(job.page.index, [], warnings, 1, pdf, pixels, checked)


def measure_part(args: tuple) -> tuple[dict, list[str]]:
    """One of the module measurement's documents (typeset/modules.py; runs in a worker)."""
    return measure_html(_WORKER["typesetter"], *args)


class PagePool:
    """Worker processes, one per core (two at most: a spread has two pages). Each has an
    executor of its own, so that page i always goes to worker i, which keeps that page
    laid out for a colour-only save (typeset/recolour.py)."""

    def __init__(self, session_css: str, workers: int = 2):
        self.session_css = session_css
        context = multiprocessing.get_context("forkserver")
        # forked ready to work
        context.set_forkserver_preload(["weasyprint", "newsprint.studio.pool"])
        self.executors = [
            ProcessPoolExecutor(
                max_workers=1, mp_context=context, initializer=_start, initargs=(session_css,)
            )
            for _ in range(workers)
        ]
        for executor in self.executors:  # start now: they load fonts while the parent renders
            executor.submit(int)

    def _map(self, fn, jobs: list) -> list:
        """fn(job) for each job, job i in worker i (modulo the workers)."""
        ways = len(self.executors)
        futures = [self.executors[i % ways].submit(fn, job) for i, job in enumerate(jobs)]
        return [future.result() for future in futures]

    def render(self, jobs: list[PageJob]) -> list[PageDone]:
        return self._map(render_page, jobs)

    def measure(self, htmls: list[str], css: str, texts: dict, line_pitch: float) -> list:
        """(heights, warnings) of each measuring document, laid out at once."""
        return self._map(measure_part, [(html, css, texts, line_pitch) for html in htmls])

    def close(self) -> None:
        """Stop the workers now: a page half-rendered is of no use to a session that
        ends, and waiting for it (or for a worker that hangs) kept `serve`/`watch`
        running after Ctrl-C or SIGTERM, their workers holding the terminal's pipes.

        A worker stopped half-way through sending a result (a page's pixels, a
        measurement: more than a pipe holds) leaves its executor's manager thread
        reading the rest for good, since this process holds the result pipe's write
        end too; the interpreter's exit joins that thread (concurrent.futures'
        _python_exit) and `serve` never ended. Closing that write end once the
        workers are gone ends the read (end of file: the pool is broken, the thread
        returns)."""
        processes = [
            process
            for executor in self.executors
            for process in (getattr(executor, "_processes", None) or {}).values()
        ]
        results = [getattr(executor, "_result_queue", None) for executor in self.executors]
        for executor in self.executors:
            executor.shutdown(wait=False, cancel_futures=True)  # forgets _result_queue
        for process in processes:
            process.terminate()
        for process in processes:
            process.join(5)
            if process.is_alive():
                process.kill()
                process.join(5)
        for queue in results:
            if queue is not None:
                queue._writer.close()


def page_image(done: PageDone) -> Image.Image:
    mode, size, data = done.image
    return Image.frombytes(mode, size, data)


def build_in_pool(
    pool: PagePool, job, typesetter, config, out_root: Path, proof_dpi: float, grid: bool
):
    """build()'s warm path with the pages laid out in parallel, or None to take the normal one.

    `job` is build.prepare()'s Prepared story. A new make-up is solved here too (a size
    change that moves text would otherwise lay the spread out in one process); anything
    that fails (no make-up fits, an overset, a failed page) goes the sequential way,
    which says what to cut and writes the failed-layout proof.
    """

    if getattr(typesetter, "font_css", None) != pool.session_css:
        return None  # the workers set type with other fonts or page marks
    story, edition, fmt = job.story, job.edition, job.fmt
    env = template_env(fmt, config)
    try:
        final = compose_pages(job, config, typesetter, env, pool, explain=False)
    except BuildFailed:
        return None  # the sequential build says what to cut or add
    except BrokenProcessPool:
        return None  # a worker died measuring: the sequential build measures here
    job = scaled_photo(job, final)
    out_dir = Path(out_root) / job.story_path.stem
    with Staging(out_dir) as staging:  # like build(): files move in once all checks passed
        done = _render_pages(pool, job, config, final, staging.dir, proof_dpi)
        if any(d.pdf is None for d in done):
            return None
        warnings = list(dict.fromkeys(w for d in done for w in d.warnings))
        findings = job.findings + [weasyprint_finding(w) for w in warnings]
        findings += staging.relocate([f for d in done for f in d.preflight])
        if any(f.level == "error" for f in findings):
            return None  # the sequential build reports it and leaves the FAILED proof
        sides = (fmt, [p.side for p in final.pages]) if grid else None
        stem = file_stem(edition)
        proof = save_spread(
            [page_image(d) for d in done], proof_path(staging.dir, stem, final), proof_dpi, sides
        )
        written = Written([d.pdf for d in done], proof, None)
        write_manifest(
            story,
            edition,
            fmt,
            written,
            staging.dir,
            job.story_path,
            copy_sha256=job.copy_sha256,
            preflight="passed",
            grid=grid,
        )
        findings += staging.commit()
    pdfs = [out_dir / d.pdf.name for d in done]
    return BuildResult(
        out_dir, pdfs, out_dir / proof.name, out_dir / "manifest.json", None, findings
    )


def _render_pages(
    pool: PagePool, job, config, final: Makeup, out_dir: Path, dpi: float
) -> list[PageDone]:
    """Each page of the final plan laid out, written and rasterised by a worker."""
    story, edition = job.story, job.edition
    missing = missing_picture(story, edition, job.photo_url)
    meta = story_meta(story, edition, config)
    infos = page_infos(final, file_stem(edition), missing)
    jobs = [
        PageJob(
            story,
            edition,
            page,
            job.fmt,
            job.photo_url,
            out_dir,
            info,
            meta,
            job.settings,
            dpi,
            config,
        )
        for page, info in zip(final.pages, infos, strict=True)
    ]
    return pool.render(jobs)
