"""What each `render.py` command does, called with its parsed arguments (cli.py).

Expected faults print `file:line: level: …` and give exit status 1. Stage modules
are imported when their command runs, so that one command never pays for another's.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from pathlib import Path

from newsprint.config import DEFAULT_STORY
from newsprint.errors import Finding, UserError


def print_findings(findings: list[Finding], stream=None) -> None:
    """To stderr as it is when called (not when imported: tests and the studio swap it)."""
    for f in findings:
        print(str(f), file=stream or sys.stderr)


def cmd_render(args) -> int:
    """Each story in turn with one Typesetter (faces and styles loaded once), its fit
    cache kept on disk between runs (typeset/fitstore.py)."""
    from newsprint.build import BuildFailed, build, session_css
    from newsprint.config import load_config
    from newsprint.typeset import fitstore
    from newsprint.typeset.fonts import check_installed, load_faces
    from newsprint.typeset.typesetter import Typesetter

    config = load_config()
    typesetter = None  # without the faces, build() says how to set them up
    try:
        check_installed(load_faces())
        typesetter = Typesetter(session_css(config))
        fitstore.load(typesetter)
    except UserError:
        pass
    out = out_folder(args.out)
    status = 0
    for story in args.stories or [DEFAULT_STORY]:
        started = time.perf_counter()
        try:
            result = build(
                Path(story),
                out,
                format_name=args.format,
                pages=args.pages,
                proof_dpi=args.dpi,
                grid=args.grid,
                config=config,
                typesetter=typesetter,
            )
        except BuildFailed as exc:
            print_findings([f for f in exc.findings if args.verbose or f.level != "note"])
            print(f"{story}: {exc}", file=sys.stderr)
            if exc.proof:
                print(f"  look at the failed layout: {exc.proof}", file=sys.stderr)
            status = 1
            continue
        finally:
            if typesetter is not None:
                fitstore.save(typesetter)
        print_findings([f for f in result.findings if args.verbose or f.level != "note"])
        print(f"{story}: rendered in {time.perf_counter() - started:.1f} s → {result.out_dir}")
        if result.typography:
            print(f"  {result.typography}")
        if result.makeup:
            print(f"  {result.makeup}")
        for path in [*result.print_pdfs, result.archive_pdf, result.proof, result.manifest]:
            if path:
                print(f"  {path.relative_to(result.out_dir)}")
        if args.archive:
            from newsprint.archive.core import add_rendered

            print(f"  archiving into {args.archive}", flush=True)
            added = add_rendered(result.out_dir, Path(args.archive))
            print(f"  archived: {added}")
    return status


def out_folder(value: str, option: str = "--out") -> Path:
    """The output folder a command was given, checked before any work: one that cannot
    be made is the desk's mistake, said at once, not a traceback after the layout. The
    folders made to find out are removed again: a run that stops early writes nothing."""
    there, missing = Path(value), []
    while not there.exists() and there != there.parent:
        missing.append(there)
        there = there.parent
    if not there.is_dir():
        raise UserError(f"{option} {value}: a file is in the way ({there}); give a folder")
    made: list[Path] = []
    try:
        for folder in reversed(missing):
            folder.mkdir()
            made.append(folder)
    except OSError as exc:
        reason = exc.strerror
    else:  # a folder made proves the place writable; one that exists is asked
        reason = None if made or os.access(there, os.W_OK | os.X_OK) else "Permission denied"
    finally:
        for folder in reversed(made):
            with contextlib.suppress(OSError):
                folder.rmdir()
    if reason:
        raise UserError(
            f"{option} {value}: cannot write there ({reason}); give a folder you can write to"
        )
    return Path(value)


def cmd_fonts(args) -> int:
    from newsprint.typeset.fonts import setup

    for line in setup(accept_new=os.environ.get("FONTS_ACCEPT_NEW") == "1"):
        print(line)
    return 0


def cmd_preflight(args) -> int:
    from newsprint.preflight.checks import Expect
    from newsprint.preflight.run import check_files

    size = args.page_size
    if args.format and not size:
        from newsprint.config import load_config

        fmt = load_config().page_format(args.format)
        size = (fmt.page_width_mm, fmt.page_height_mm)
    expect = Expect(
        variant=args.variant or "",
        page_size_mm=size,
        bleed_mm=args.bleed_mm,
        min_ppi=args.min_ppi,
        max_ink=args.max_ink,
    )
    return check_files(args.files, expect, args.json)


def cmd_check(args) -> int:
    from newsprint.preflight.check import check_files

    return check_files(args.files, args.json, not args.no_make_up, args.format)


def cmd_archive(args) -> int:
    from newsprint.archive.commands import run

    return run(args)


def _session(args):
    from newsprint.studio.session import Session

    story = Path(args.story or DEFAULT_STORY)
    if not story.is_file():
        raise UserError(f"{story}: no such story file")
    from newsprint.runtime import tune_collector

    tune_collector()  # the studio's process lays pages out as long as it runs
    return Session(
        story=story,
        out_root=out_folder(args.out),
        format_name=args.format,
        dpi=args.dpi,
        grid=args.grid,
    )


def cmd_watch(args) -> int:
    from newsprint.studio.session import watch

    return watch(_session(args))


def cmd_serve(args) -> int:
    from newsprint.studio.serve import serve_forever

    return serve_forever(_session(args), args.port, open_browser=args.open)


def cmd_diff(args) -> int:
    from newsprint.studio.diff import diff_renders

    output = Path(args.output) if args.output else None
    return diff_renders(Path(args.a), Path(args.b), output, args.dpi, args.threshold)


def cmd_edition(args) -> int:
    from newsprint.edition.commands import edition

    out_folder(args.out)
    return edition(args, print_findings)


def cmd_worker(args) -> int:
    from newsprint.edition.commands import worker

    return worker(args)
