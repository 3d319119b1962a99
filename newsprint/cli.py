"""Command line: `python render.py STORY …` and its sub-commands.

Expected faults (bad copy, missing fonts, overset) print `file:line: level: …`
and exit 1; only a bug in the tool itself shows a traceback.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .config import PROJECT_ROOT
from .errors import Finding, UserError

DEFAULT_STORY = PROJECT_ROOT / "source" / "000_47b12d432780679e.txt"
DELEGATED = {"preflight": "preflight", "check": "typography"}
SUBCOMMANDS = ("render", "fonts", "archive", "check", "preflight", "watch", "serve", "diff")

EPILOG = """\
examples:
  python render.py                          render the default story into out/
  python render.py source/my_story.txt      another story (needs my_story.edition.toml)
  python render.py source/my_story.txt --format sikai   the same on 四开 tabloid pages
  python render.py fonts                    check and extract the fonts

A story is a desk-copy file (see shared/NEWSPAPER.md) with an edition file beside it,
<story>.edition.toml, giving paper, date, page numbers, 版名 and credits.
Exit status: 0 printed, 1 the story cannot go to print (the messages say why), 2 usage.
"""


def print_findings(findings: list[Finding], stream=sys.stderr) -> None:
    for f in findings:
        print(str(f), file=stream)


def cmd_render(args) -> int:
    from .build import BuildFailed, build

    status = 0
    for story in args.stories or [DEFAULT_STORY]:
        started = time.perf_counter()
        try:
            result = build(
                Path(story),
                Path(args.out),
                format_name=args.format,
                proof_dpi=args.dpi,
                grid=args.grid,
            )
        except BuildFailed as exc:
            print_findings([f for f in exc.findings if args.verbose or f.level != "note"])
            print(f"{story}: {exc}", file=sys.stderr)
            status = 1
            continue
        print_findings([f for f in result.findings if args.verbose or f.level != "note"])
        print(f"{story}: rendered in {time.perf_counter() - started:.1f} s → {result.out_dir}")
        for path in [*result.print_pdfs, result.archive_pdf, result.proof, result.manifest]:
            if path:
                print(f"  {path.relative_to(result.out_dir)}")
        if args.archive:
            from .archive import add_rendered

            added = add_rendered(result.out_dir, Path(args.archive))
            print(f"  archived: {added}")
    return status


def cmd_fonts(args) -> int:
    from .fonts import main

    return main([])


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="render.py",
        description="Typeset Chinese newspaper pages from desk copy: print PDFs, archive "
        "copies and proofs.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
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
    fonts = sub.add_parser("fonts", help="check and extract the fonts from Debian's packages")
    fonts.set_defaults(func=cmd_fonts)
    for name, module, helptext in (
        ("preflight", "preflight", "check PDFs for the plant or the archive"),
        ("check", "typography", "measure Chinese line composition on PDFs (clreq figures)"),
    ):
        passthrough = sub.add_parser(name, help=helptext, add_help=False)
        passthrough.add_argument("rest", nargs=argparse.REMAINDER)
        passthrough.set_defaults(func=_delegate(module))
    from . import archive_cli, designer

    archive_cli.register(sub)
    designer.register(sub)
    return parser


def _delegate(module: str):
    """Run another stage's own command line (it parses its arguments and sets the status)."""

    def run(args) -> int:
        import importlib

        return importlib.import_module(f"newsprint.{module}").main(args.rest)

    return run


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv and argv[0] in DELEGATED:  # their own parsers, --help included
        return _delegate(DELEGATED[argv[0]])(argparse.Namespace(rest=argv[1:]))
    if not argv or (argv[0] not in SUBCOMMANDS and argv[0] not in ("-h", "--help")):
        argv = ["render", *argv]
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
