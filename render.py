#!/usr/bin/env python3
"""Entry point: `python render.py [STORY …]`; see `python render.py --help`."""

from newsprint.cli import run

if __name__ == "__main__":
    run()
