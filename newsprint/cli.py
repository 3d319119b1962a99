"""Command line: `python render.py STORY …` and its sub-commands; every parser lives
here, and what each command does in commands.py.

Expected faults (bad copy, missing fonts, overset) print `file:line: level: …`
and exit 1; only a bug in the tool itself shows a traceback. Stage modules are
imported when their command runs, so `--help` and a bad argument answer at once.
Nothing in the package imports this module.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import sys
from pathlib import Path

from newsprint.commands import (
    cmd_archive,
    cmd_check,
    cmd_diff,
    cmd_edition,
    cmd_fonts,
    cmd_preflight,
    cmd_render,
    cmd_serve,
    cmd_watch,
    cmd_worker,
    print_findings,
)
from newsprint.config import DEFAULT_STORY, MAX_INK, MIN_PPI, PROJECT_ROOT
from newsprint.errors import UserError
from newsprint.runtime import THRESHOLDS, tune_collector

SUBCOMMANDS = (
    "render",
    "fonts",
    "archive",
    "check",
    "preflight",
    "watch",
    "serve",
    "diff",
    "edition",
    "worker",
)

EPILOG = """\
examples:
  python render.py                          render the default story into out/
  python render.py source/my_story.txt      another story (needs my_story.edition.toml)
  python render.py source/my_story.txt --format sikai   the same on 四开 tabloid pages
  python render.py fonts                    check and extract the fonts

A story is a desk-copy file (docs/COPY_FORMAT.md) with an edition file beside it,
<story>.edition.toml (docs/EDITION_FILE.md), giving paper, date, page numbers, 版名
and credits. Exit status: 0 printed, 1 the story cannot go to print (the messages say
why), 2 usage.
"""


# ---- argument types ------------------------------------------------------------


def port_number(text: str) -> int:
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port (0–65535; 0 picks a free one)")
    return int(text)


def page_size(text: str) -> tuple[float, float]:
    try:
        width, height = (float(v) for v in text.lower().replace("×", "x").split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: give the page as WIDTHxHEIGHT in mm") from None
    return width, height


def count(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text}: give a whole number, 1 or more")
    return int(text)


# ---- parsers -------------------------------------------------------------------


def _render_parser(sub) -> None:
    render = sub.add_parser(
        "render",
        help="render stories (the default command)",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    render.add_argument(
        "stories",
        nargs="*",
        metavar="STORY",
        help=f"desk-copy file(s); default {DEFAULT_STORY.relative_to(PROJECT_ROOT)}",
    )
    render.add_argument(
        "--format", help="page format from newsprint.toml (duikai, sikai); default: the edition's"
    )
    render.add_argument(
        "--out",
        default=str(PROJECT_ROOT / "out"),
        help="output folder; each story gets out/<story>/ (default: out)",
    )
    render.add_argument(
        "--pages",
        type=count,
        metavar="N",
        help="set the story on N pages instead of the edition file's (numbered on from its last)",
    )
    render.add_argument("--dpi", type=float, default=50, help="proof resolution (default 50)")
    render.add_argument(
        "--grid",
        action="store_true",
        help="draw the grid (type area, columns, gutters, lines) on the proof, never on the PDFs",
    )
    render.add_argument(
        "--archive",
        metavar="DIR",
        nargs="?",
        const=str(PROJECT_ROOT / "archive"),
        help="also add the rendered story to the archive (default archive/)",
    )
    render.add_argument(
        "-v", "--verbose", action="store_true", help="also list every text fix the normaliser made"
    )
    render.set_defaults(func=cmd_render)


def _check_parsers(sub) -> None:
    from newsprint.preflight.checks import MAX_VERSION

    pre = sub.add_parser(
        "preflight",
        help="check PDFs for the plant or the archive",
        description="Prove a PDF is fit for the plant (PDF/X) or the archive (PDF/A), or say "
        "why not: standard and identifiers, output intent, fonts, colour, page boxes, XMP, "
        "picture resolution. Exit status 1 when any check fails.",
    )
    pre.add_argument("files", nargs="+", type=Path, help="PDF files to check")
    pre.add_argument("--json", action="store_true", help="one JSON report for all files")
    pre.add_argument("--variant", choices=sorted(MAX_VERSION), help="standard the files must meet")
    pre.add_argument("--page-size", type=page_size, help="trimmed page size in mm, e.g. 390x546")
    pre.add_argument("--format", help="page format from newsprint.toml, e.g. duikai")
    pre.add_argument("--bleed-mm", type=float, help="bleed the pages must have")
    pre.add_argument("--min-ppi", type=float, default=MIN_PPI, help="lowest picture resolution")
    pre.add_argument("--max-ink", type=float, default=MAX_INK, help="highest total ink, in %%")
    pre.set_defaults(func=cmd_preflight)
    check = sub.add_parser(
        "check",
        help="measure Chinese line composition (clreq) and page make-up on PDFs",
        description="Measure Chinese line composition (clreq) on PDFs from glyph positions, "
        "then the page make-up on the page format's grid: per column the foot gap to the "
        "type area's last line, holes, text outside the type area (limits in newsprint.toml "
        "[checks]), and, on pages that keep newsprint's module map, whether each module is "
        "a rectangle on whole lines filled to its foot. Exit 1 when a rule fails.",
    )
    check.add_argument("files", nargs="+", metavar="FILE.pdf")
    check.add_argument("--json", action="store_true", help="one JSON report for all files")
    check.add_argument(
        "--format", help="page format from newsprint.toml (default: the one of the page size)"
    )
    check.add_argument(
        "--no-make-up",
        action="store_true",
        help="clreq figures alone, for PDFs not laid out on a format's grid",
    )
    check.set_defaults(func=cmd_check)


def _archive_parser(sub) -> None:
    from newsprint.archive.core import ENV as ARCHIVE_ENV

    common = argparse.ArgumentParser(add_help=False)
    where = f"archive folder (default: ${ARCHIVE_ENV}, else archive/ in the project)"
    common.add_argument("--archive", metavar="DIR", default=argparse.SUPPRESS, help=where)
    common.add_argument("--json", action="store_true", help="print JSON instead of text")
    filters = argparse.ArgumentParser(add_help=False)
    dates = "YYYY, YYYY-MM or YYYY-MM-DD, inclusive"
    filters.add_argument("--from", dest="date_from", default="", metavar="DATE", help=dates)
    filters.add_argument("--to", dest="date_to", default="", metavar="DATE", help=dates)
    filters.add_argument("--paper", default="")
    filters.add_argument("--section", default="")
    filters.add_argument("--byline", default="", help="only stories with this byline")
    filters.add_argument("--all-versions", action="store_true", help="include superseded ones")
    filters.add_argument("--limit", type=count, default=20, help="stories shown (20)")

    p = sub.add_parser("archive", help="keep rendered stories and find them again")
    p.add_argument("--archive", metavar="DIR", default=None, help=argparse.SUPPRESS)
    cmds = p.add_subparsers(dest="archive_command", required=True, metavar="COMMAND")
    a = cmds.add_parser("add", parents=[common], help="archive rendered story folders")
    a.add_argument("folders", nargs="+", metavar="OUT_DIR", help="out/<story>/ or out/")
    s = cmds.add_parser("search", parents=[common, filters], help="full-text search")
    s.add_argument(
        "query",
        nargs="+",
        help='words (all must occur), "phrases", A OR B, NOT word or -word; see '
        "docs/ARCHIVE_SEARCH.md",
    )
    s.add_argument("--sort", choices=("date", "relevance"), default="date")
    cmds.add_parser("list", parents=[common, filters], help="list stories, newest first")
    sh = cmds.add_parser("show", parents=[common], help="one story: metadata, files, versions")
    sh.add_argument("id", help="catalogue number or story name")
    e = cmds.add_parser("export", parents=[common], help="write a story's files to a folder")
    e.add_argument("id", help="catalogue number or story name")
    e.add_argument("dir", help="folder to write into")
    cmds.add_parser("verify", parents=[common], help="re-hash every archived file")
    p.set_defaults(func=cmd_archive)


def _studio_common(parser, dpi: float) -> None:
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


def _studio_parsers(sub) -> None:
    from newsprint.studio.diff import THRESHOLD

    watch = sub.add_parser("watch", help="re-render the story on every save (Ctrl-C stops)")
    _studio_common(watch, 50)
    watch.set_defaults(func=cmd_watch)
    serve = sub.add_parser(
        "serve", help="live proof in the browser on 127.0.0.1, re-rendered on every save"
    )
    _studio_common(serve, 100)
    serve.add_argument("--port", type=port_number, default=8765, help="port (0: any free one)")
    serve.add_argument("--open", action="store_true", help="open the page in a browser")
    serve.set_defaults(func=cmd_serve)
    diff = sub.add_parser(
        "diff",
        help="highlight what changed between two renders (PDF or PNG)",
        epilog="exit status: 0 identical, 1 different, 2 trouble",
    )
    diff.add_argument("a", metavar="A", help="the earlier render: PDF or PNG")
    diff.add_argument("b", metavar="B", help="the later render: PDF or PNG")
    diff.add_argument(
        "-o",
        "--output",
        help="highlight PNG (default: B's name + -diff.png, written only when they differ)",
    )
    diff.add_argument("--dpi", type=float, default=50, help="resolution for PDFs (default 50)")
    diff.add_argument(
        "--threshold",
        type=int,
        default=THRESHOLD,
        help=f"per-channel change that counts, 0–255 (default {THRESHOLD})",
    )
    diff.set_defaults(func=cmd_diff)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="render.py",
        description="Typeset Chinese newspaper pages from desk copy: print PDFs, archive "
        "copies and proofs.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    _render_parser(sub)
    fonts = sub.add_parser("fonts", help="check and extract the fonts from Debian's packages")
    fonts.set_defaults(func=cmd_fonts)
    _archive_parser(sub)
    _check_parsers(sub)
    _studio_parsers(sub)
    from newsprint.edition.commands import add_parsers

    add_parsers(sub, count, cmd_edition, cmd_worker)
    return parser


def with_command(argv: list[str]) -> list[str]:
    """The arguments with their command: `render` unless they name another (or ask
    for help)."""
    if not argv or (argv[0] not in SUBCOMMANDS and argv[0] not in ("-h", "--help")):
        return ["render", *argv]
    return list(argv)


def main(argv: list[str] | None = None) -> int:
    argv = with_command(sys.argv[1:] if argv is None else list(argv))
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except UserError as exc:
        findings = getattr(exc, "findings", None)
        if findings:
            print_findings(findings)
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


class ReaderMayLeave:
    """A standard stream whose reader may leave early (`render.py … | head -1`): the
    report ends there, never the render. The first write or flush that meets a closed
    pipe points the descriptor at /dev/null, so what is still printed goes nowhere and
    the pages, the archive copy and the exit status are what they would have been."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            self._reader_left()
            return len(text)

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            self._reader_left()

    def _reader_left(self) -> None:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, self._stream.fileno())
        os.close(devnull)
        with contextlib.suppress(OSError):
            self._stream.flush()  # what was buffered for the pipe, now to /dev/null

    def __getattr__(self, name):
        return getattr(self._stream, name)


def run() -> None:
    """render.py's entry point: main() with the collector tuned for one render, and
    after it an exit without teardown.

    A render leaves WeasyPrint's boxes, Pango's layouts and the faces in memory;
    freeing them one by one at interpreter exit is 0.17 s of a cold render, which the
    OS does at once. Everything is written, flushed and closed by then (files are
    written whole or not at all, forked children are waited for); the long-running
    commands (serve, watch, edition) exit the ordinary way.
    """
    argv = with_command(sys.argv[1:])
    sys.stdout, sys.stderr = ReaderMayLeave(sys.stdout), ReaderMayLeave(sys.stderr)
    rendering = argv[0] == "render"
    if rendering:
        gc.set_threshold(*THRESHOLDS)  # the imports collect too (runtime.py)
        from newsprint.compose.words import stories_named, story_words
        from newsprint.output.forked import Forked

        # rjieba's dictionary and a new story's heading words, beside the imports
        words = Forked(story_words, stories_named(argv[1:], DEFAULT_STORY))
        import newsprint.build  # noqa: F401 - loaded first, to be frozen
        from newsprint.compose.headings import CUTS
        from newsprint.typeset.typesetter import remove_font_folders

        with contextlib.suppress(Exception):  # a copy it cannot read: the render says why
            CUTS.update(words.result())
        tune_collector()
    status = main(argv)
    if rendering:
        remove_font_folders()  # what atexit would have done
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError):
                stream.flush()
        os._exit(status)
    sys.exit(status)
