"""A whole edition: a page plan for the night, its stories rendered by workers.

plan.py      the plan file (docs/EDITION_PLAN.md): paper, date, plant, a story per page
settings.py  newsprint.toml [edition] and [workers]
jobs.py      one job per story: its copy, an edition file made from the plan, the key
results.py   the store results come back through (the archive's Store, plus refs)
task.py      what a worker does with a job (the only module that loads WeasyPrint)
local.py     jobs in worker processes on this machine (--jobs N)
remote.py    jobs on Celery workers through a Redis broker (--broker URL)
plant.py     the plant's folder: a PDF per page, the edition manifest, a contact sheet
run.py       `render.py edition PLAN`: all of it in order
"""
