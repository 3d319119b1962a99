"""`python -m newsprint.archive …`: the same command line as `render.py archive …`."""

import sys

from newsprint.cli import main

sys.exit(main(["archive", *sys.argv[1:]]))
