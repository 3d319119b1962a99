"""Print production for Chinese newspaper pages (see README.md and docs/ARCHITECTURE.md)."""

from newsprint import libraries

__version__ = "0.1.0"

libraries.install()  # before anything loads WeasyPrint: its library lookup, 0.12 s faster
