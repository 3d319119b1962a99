"""The designer's loop: `render.py watch` and `render.py serve`.

watch re-renders when the copy, styles, templates, fonts or newsprint.toml
change; a bad save prints `file:line: …` and keeps the last good proof, so the
loop never dies on input. serve does the same behind a page on 127.0.0.1 that
shows the spread proof and its findings and swaps in each new proof as soon
as it is rendered (server-sent events), without a manual reload.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from .config import PROJECT_ROOT
from .errors import Finding, UserError

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
    from .build import session_css
    from .config import load_config
    from .typeset import Typesetter

    css = session_css(load_config())
    if session.typesetter is None or css != session.font_css:
        session.typesetter, session.font_css = Typesetter(css), css
        if session.pool is not None:
            session.pool.close()
            session.pool = None
        if session.parallel:
            from .pagepool import PagePool

            session.pool = PagePool(css)
    return session.typesetter


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
    from .build import BuildFailed, build

    started = time.perf_counter()
    ok, findings, error, proof = False, [], "", None
    try:
        result = build(
            session.story,
            session.out_root,
            format_name=session.format_name,
            typesetter=_typesetter(session),
            proof_dpi=session.dpi,
            grid=session.grid,
            archive=False,
            progress=progress,
            pool=session.pool,
        )
        ok, findings, proof = True, result.findings, result.proof
    except BuildFailed as exc:
        findings, error = exc.findings, str(exc)
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


def progress_printer(stream=sys.stderr):
    """A one-line progress display for terminals; silent when output is not a terminal."""
    if not stream.isatty():
        return None

    def show(done: int, total: int, what: str) -> None:
        bar = "#" * round(20 * done / max(total, 1))
        end = "\n" if done == total else ""
        print(f"\r  [{bar:<20}] {done}/{total} {what[:40]:<40}", end=end, file=stream, flush=True)

    return show


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


def session_from(args) -> Session:
    from .cli import DEFAULT_STORY

    story = Path(args.story or DEFAULT_STORY)
    if not story.is_file():
        raise UserError(f"{story}: no such story file")
    return Session(
        story=story,
        out_root=Path(args.out),
        format_name=args.format,
        dpi=args.dpi,
        grid=args.grid,
    )


def cmd_watch(args) -> int:
    session = session_from(args)
    print(f"watching {', '.join(WATCHED)} for {session.story.name}; Ctrl-C stops", file=sys.stderr)
    try:
        watch_loop(session, report)
    finally:
        close(session)
    return 0


def cmd_serve(args) -> int:
    from .serve import serve_forever

    session = session_from(args)
    return serve_forever(session, args.port, open_browser=args.open)


def cmd_diff(args) -> int:
    from .diff import main_args

    return main_args(args)


def _common(parser, dpi: float) -> None:
    from .cli import DEFAULT_STORY

    parser.add_argument(
        "story",
        nargs="?",
        metavar="STORY",
        help=f"desk-copy file; default {DEFAULT_STORY.relative_to(PROJECT_ROOT)}",
    )
    parser.add_argument("--format", help="page format from newsprint.toml; default: the edition's")
    parser.add_argument("--out", default=str(PROJECT_ROOT / "out"), help="output folder")
    parser.add_argument(
        "--dpi", type=float, default=dpi, help=f"proof resolution (default {dpi:g})"
    )
    parser.add_argument(
        "--grid",
        action="store_true",
        help="draw the grid (type area, columns, gutters, lines) on the proof",
    )


def port_number(text: str) -> int:
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port (0–65535; 0 picks a free one)")
    return int(text)


def register(sub) -> None:
    """Add watch, serve and diff to render.py's sub-commands."""
    watch = sub.add_parser("watch", help="re-render the story on every save (Ctrl-C stops)")
    _common(watch, 50)
    watch.set_defaults(func=cmd_watch)
    serve = sub.add_parser(
        "serve", help="live proof in the browser on 127.0.0.1, re-rendered on every save"
    )
    _common(serve, 100)
    serve.add_argument("--port", type=port_number, default=8765, help="port (0: any free one)")
    serve.add_argument("--open", action="store_true", help="open the page in a browser")
    serve.set_defaults(func=cmd_serve)
    from .diff import add_arguments

    diff = sub.add_parser(
        "diff",
        help="highlight what changed between two renders (PDF or PNG)",
        epilog="exit status: 0 identical, 1 different, 2 trouble",
    )
    add_arguments(diff)
    diff.set_defaults(func=cmd_diff)


def bench_warm(story: Path | None = None, repeat: int = 3) -> dict:
    """Seconds for the designer's loop on a story (`make bench`), best of `repeat`: cold;
    warm with three layout passes (no fit cache); warm with the cached fit in one process;
    warm with the cached fit and the pages laid out in parallel worker processes."""
    import tempfile

    from .cli import DEFAULT_STORY

    with tempfile.TemporaryDirectory(prefix="newsprint-bench-") as out:
        session = Session(story=Path(story or DEFAULT_STORY), out_root=Path(out))

        def timed() -> float:
            if not render_once(session):
                raise UserError(
                    f"{session.story}: the bench story does not render: {session.error}"
                )
            return session.seconds

        try:
            cold = timed()
            uncached = []
            for _ in range(repeat):
                session.typesetter.fit_cache.clear()
                uncached.append(timed())
            pool, session.pool = session.pool, None
            cached = [timed() for _ in range(repeat)]
            session.pool = pool
            timed()  # the workers' first page loads their fonts
            parallel = [timed() for _ in range(repeat)]
        finally:
            close(session)
    return {
        "story": session.story.name,
        "cold_s": round(cold, 3),
        "warm_three_pass_s": round(min(uncached), 3),
        "warm_cached_fit_s": round(min(cached), 3),
        "warm_parallel_pages_s": round(min(parallel), 3),
        "target_s": 1.0,
    }


def close(session: Session) -> None:
    """Stop the session's page workers."""
    if session.pool is not None:
        session.pool.close()
        session.pool = None


if __name__ == "__main__":
    import json

    print(json.dumps(bench_warm(Path(sys.argv[1]) if len(sys.argv) > 1 else None), indent=1))
