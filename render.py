#!/usr/bin/env python3
"""Entry point: `python render.py [STORY …]`; see `python render.py --help`."""

import sys

from newsprint.cli import main

if __name__ == "__main__":
    sys.exit(main())
