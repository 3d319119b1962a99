"""The designer's loop: `render.py watch` and `render.py serve`.

watch re-renders when the copy, styles, templates, fonts or newsprint.toml
change; a bad save prints `file:line: …` and keeps the last good proof, so the
loop never dies on input. serve does the same behind a page on 127.0.0.1 that
shows the spread proof and its findings and swaps in each new proof as soon
as it is rendered (server-sent events), without a manual reload.
"""

from __future__ import annotations

import contextlib
import sys
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from newsprint.build import BuildFailed, build, prepare
from newsprint.config import PROJECT_ROOT
from newsprint.errors import Finding, UserError
from newsprint.studio.progress import progress_printer

WATCHED = ("source", "styles", "layout", "fonts", "newsprint.toml")
IGNORED_PARTS = {"cache", "__pycache__", ".git"}
DEBOUNCE_MS = 150


@dataclass
class Session:
    """One story's designer loop: the reusable renderer, the last good proof and status."""

    story: Path
    out_root: Path
    format_name: str | None = None
    dpi: float = 50
    grid: bool = False
    print_pdfs: list[Path] = field(default_factory=list)
    generation: int = 0  # bumped after every render attempt, good or bad
    ok: bool = False
    proof: Path | None = None  # the last good proof; kept when a render fails
    proof_generation: int = 0
    findings: list[Finding] = field(default_factory=list)
    error: str = ""
    seconds: float = 0.0
    changed: list[str] = field(default_factory=list)
    typesetter: object = None
    parallel: bool = True  # lay out pages in worker processes once the fit is cached
    pool: object = None
    font_css: str = ""
    lock: threading.Condition = field(default_factory=threading.Condition)

    def status(self) -> dict:
        """What the page shows: JSON-ready, findings as file:line text."""
        return {
            "generation": self.generation,
            "ok": self.ok,
            "error": self.error,
            "proof_generation": self.proof_generation,
            "seconds": round(self.seconds, 3),
            "story": self.story.name,
            "grid": self.grid,
            "changed": self.changed,
            "findings": [{"level": f.level, "text": str(f)} for f in self.findings],
        }


def _typesetter(session: Session):
    """The session's Typesetter (and page workers), remade only when fonts or print marks
    changed (fonts/fonts.toml, newsprint.toml [print])."""
    from newsprint.build import session_css
    from newsprint.config import load_config
    from newsprint.typeset import pdfmemo
    from newsprint.typeset.typesetter import Typesetter

    css = session_css(load_config())
    pdfmemo.install()  # the sequential build's PDFs too
    if session.typesetter is None or css != session.font_css:
        session.typesetter, session.font_css = Typesetter(css), css
        if session.pool is not None:
            session.pool.close()
            session.pool = None
        if session.parallel:
            from newsprint.studio.pool import PagePool

            session.pool = PagePool(css)
    return session.typesetter


def _render(session: Session, progress):
    """build() as the designer needs it: no archive copy, pages in parallel when the
    fit is cached (the page workers), the sequential build otherwise."""
    from newsprint.config import load_config

    config = load_config()
    typesetter = _typesetter(session)
    job = None
    if session.pool is not None:
        with contextlib.suppress(UserError):  # build() reports it, sets earlier files aside
            job = prepare(session.story, config, session.format_name)
    if job is not None:
        from newsprint.studio.pool import build_in_pool

        fast = build_in_pool(
            session.pool, job, typesetter, config, session.out_root, session.dpi, session.grid
        )
        if fast is not None:
            return fast
    return build(
        session.story,
        session.out_root,
        format_name=session.format_name,
        config=config,
        typesetter=typesetter,
        proof_dpi=session.dpi,
        grid=session.grid,
        archive=False,
        typography=False,  # as build_in_pool: `render.py check` measures it
        progress=progress,
    )


def where_failed(exc: BaseException) -> str:
    """`file:line` of the innermost frame in a template or project file, else ""."""
    if isinstance(exc, jinja2.TemplateSyntaxError) and exc.lineno:
        return f"{exc.filename or exc.name}:{exc.lineno}"
    frames = traceback.extract_tb(exc.__traceback__)
    for frame in reversed(frames):
        if frame.filename.endswith((".j2", ".html", ".css", ".toml")):
            return f"{frame.filename}:{frame.lineno}"
    return ""


def render_once(session: Session, changed=(), progress=None) -> bool:
    """One render of the session's story; on failure record why and keep the last proof."""
    started = time.perf_counter()
    ok, findings, error, proof, moved = False, [], "", None, {}
    try:
        result = _render(session, progress)
        ok, findings, proof = True, result.findings, result.proof
    except BuildFailed as exc:
        findings, error, moved = exc.findings, str(exc), exc.moved
    except UserError as exc:
        error = str(exc)
    except jinja2.TemplateError as exc:
        where = where_failed(exc)
        error = f"{where + ': ' if where else ''}error: template: {exc}"
    except Exception as exc:  # noqa: BLE001 - the loop outlives a half-written file or a bug
        where = where_failed(exc)
        error = (
            f"{where + ': ' if where else ''}error: {type(exc).__name__}: {exc} "
            "(unexpected; the loop keeps going)\n" + "".join(traceback.format_exception(exc))
        )
    with session.lock:
        session.generation += 1
        session.ok, session.findings, session.error = ok, findings, error
        session.seconds = time.perf_counter() - started
        session.changed = sorted(changed)
        if ok:
            session.proof, session.proof_generation = proof, session.generation
            session.print_pdfs = list(result.print_pdfs)
        elif session.proof in moved:  # the failed run set the last good proof aside
            session.proof = moved[session.proof]
            session.print_pdfs = [moved.get(p, p) for p in session.print_pdfs]
        session.lock.notify_all()
    return ok


def report(session: Session, stream=sys.stderr) -> None:
    """Print one render's outcome the way `render.py` does: file:line: level: message."""
    for f in session.findings:
        if f.level != "note":
            print(str(f), file=stream)
    if session.error:
        print(session.error, file=stream)
    if session.ok:
        after = f" after {', '.join(session.changed)}" if session.changed else ""
        print(f"rendered in {session.seconds:.2f} s{after} → {session.proof}", file=stream)
    else:
        kept = f"; keeping the last good proof {session.proof}" if session.proof else ""
        print(f"render failed{kept}", file=stream)
    stream.flush()


def _relevant(path: str) -> bool:
    rel = Path(path).resolve()
    if rel.is_relative_to(PROJECT_ROOT):
        rel = rel.relative_to(PROJECT_ROOT)
    return not (IGNORED_PARTS & set(rel.parts)) and not rel.name.startswith(".")


def watched_paths(root: Path = PROJECT_ROOT) -> list[Path]:
    return [root / name for name in WATCHED if (root / name).exists()]


def watch_loop(
    session: Session, on_render, stop: threading.Event | None = None, debounce_ms: int = DEBOUNCE_MS
) -> None:
    """Render now, then again after every debounced burst of relevant changes.

    The first render waits for the watcher's first (empty) tick, so a save made
    while it runs is seen, not lost in the gap before watching starts.
    """
    import watchfiles

    progress = progress_printer()
    started = False
    for changes in watchfiles.watch(
        *watched_paths(),
        debounce=debounce_ms,
        step=30,
        stop_event=stop,
        raise_interrupt=False,
        yield_on_timeout=True,
        rust_timeout=250,
    ):
        changed = {_relative(p) for _kind, p in changes if _relevant(p)}
        if changed or not started:
            started = True
            render_once(session, changed, progress=progress)
            on_render(session)


def _relative(path: str) -> str:
    resolved = Path(path)
    return (
        str(resolved.relative_to(PROJECT_ROOT)) if resolved.is_relative_to(PROJECT_ROOT) else path
    )


def stop_on_term() -> None:
    """SIGTERM (kill, a service manager, a test's terminate()) stops the loop as Ctrl-C
    does, so close() stops the page workers: killed by the default handler, the process
    left its forkserver and two workers (300 MB each) running for good."""
    import signal

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, lambda *_: signal.raise_signal(signal.SIGINT))


def watch(session: Session) -> int:
    """`render.py watch`: render, then re-render on every save until Ctrl-C."""
    stop_on_term()
    print(f"watching {', '.join(WATCHED)} for {session.story.name}; Ctrl-C stops", file=sys.stderr)
    try:
        watch_loop(session, report)
    finally:
        close(session)
    return 0


def close(session: Session) -> None:
    """Stop the session's page workers."""
    if session.pool is not None:
        session.pool.close()
        session.pool = None
