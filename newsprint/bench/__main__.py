"""`python -m newsprint.bench [STORY]`: the render benchmarks (see render.py)."""

import sys

from newsprint.bench.render import main

sys.exit(main())
