"""`render.py edition PLAN`: check the plan, render its stories, write the plant's folder.

    plan      read and check the plan file; a mistake stops everything (plan.py)
    jobs      one job per story, its inputs in the store (jobs.py)
    render    the jobs no earlier run finished, on local processes or Celery workers
    stories   out/<plan>/stories/<story>/ from each job's record (plant.py)
    plant     only when every story rendered: the page PDFs, edition.json, contact sheet
    archive   every story folder

A failed story fails the edition with its messages; the others are still rendered
and kept, so after a correction `--only STORY` renders that story alone and takes
the others from the store.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from newsprint.config import load_config
from newsprint.edition.jobs import Job, make_job
from newsprint.edition.plan import EditionPlan, load_plan
from newsprint.edition.plant import check_pages, set_aside, write_plant, write_story
from newsprint.edition.results import Results, finding_from
from newsprint.edition.settings import EditionSettings, load_settings
from newsprint.edition.task import OUT
from newsprint.errors import Finding, UserError


class EditionFailed(UserError):
    def __init__(self, findings: list[Finding], failed: list[str]):
        self.findings = findings
        self.failed = failed
        super().__init__(
            f"{len(failed)} story(ies) failed ({', '.join(failed)}); nothing "
            "was written for the plant"
        )


@dataclass
class EditionResult:
    plan: EditionPlan
    edition_dir: Path
    plant_dir: Path
    rendered: list[str]  # stories rendered by this run (the rest came from the store)
    findings: list[Finding] = field(default_factory=list)
    archived: list[str] = field(default_factory=list)
    workers: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Options:
    out_root: Path
    jobs: int = 1
    broker: str = ""
    store: Path | None = None
    only: str = ""
    archive: Path | None = None


def edition_name(plan: EditionPlan) -> str:
    name = plan.path.name
    return name.removesuffix(".toml").removesuffix(".plan")


def _select(plan: EditionPlan, only: str) -> str:
    names = [s.name for s in plan.stories]
    name = Path(only).stem if only.endswith(".txt") else only
    if name not in names:
        raise UserError(
            f"--only {only}: no such story in {plan.path}; its stories are {', '.join(names)}"
        )
    return name


def _jobs(plan, config, results, only):
    """Every story's job, the records already in the store, the stories that cannot run
    and why."""
    jobs, cached, failed, findings = [], {}, [], []
    for story in plan.stories:
        job = make_job(plan, story, config, results)
        if not isinstance(job, Job):
            failed.append(story.name)
            findings += job
            continue
        record = results.cached(job.key)
        if only and story.name == only:
            job = replace(job, force=True)
        elif record is not None:
            cached[story.name] = record
        elif only:
            raise UserError(
                f"--only {only}: {story.name} has not been rendered with its "
                "copy as it is now (or with these styles); run the whole edition "
                f"first: render.py edition {plan.path}"
            )
        jobs.append(job)
    return jobs, cached, failed, findings


def _retry(plan: EditionPlan, name: str) -> Finding:
    story = plan.story(name)
    pages = ", ".join(str(p.number) for p in story.pages)
    return Finding(
        "error",
        f"{name} (page {pages}) did not render; correct its copy or give it other pages "
        f"here, then run render.py edition {plan.path} --only {name}",
        str(plan.path),
        story.line,
        "edition",
    )


def _placed(record: dict, story_dir: Path) -> list[Finding]:
    found = [finding_from(f) for f in record.get("findings", [])]
    return [replace(f, path=f.path.replace(OUT, str(story_dir), 1)) for f in found]


def run_edition(
    plan_path: Path, options: Options, progress: Callable[[int, int, int, int], None] | None = None
) -> EditionResult:
    config = load_config()
    settings = load_settings()
    plan = load_plan(plan_path, settings, config.paper_name, config.formats)
    only = _select(plan, options.only) if options.only else ""
    results = Results(options.store or settings.store)
    edition_dir = options.out_root / edition_name(plan)
    jobs, records, failed, findings = _jobs(plan, config, results, only)
    todo = [j for j in jobs if j.name not in records]
    pages_total = sum(len(s.pages) for s in plan.stories)
    counts = [len(records), sum(len(plan.story(n).pages) for n in records)]

    def done(job: Job, record: dict) -> None:
        records[job.name] = record
        counts[0] += 1
        counts[1] += job.pages
        if progress:
            progress(counts[0], len(plan.stories), counts[1], pages_total)

    if progress and records:  # stories the store already had
        progress(counts[0], len(plan.stories), counts[1], pages_total)
    workers = render(todo, results, settings, options, done)
    for story in plan.stories:
        record = records.get(story.name)
        if record is None:
            continue
        findings += write_story(record, results, edition_dir)
        findings += _placed(record, edition_dir / "stories" / story.name)
        if not record["ok"]:
            failed.append(story.name)
            findings.append(_retry(plan, story.name))
    if failed:
        withdrawn = set_aside(edition_dir / "plant", edition_dir)
        findings += [
            replace(
                f,
                level="warning",
                message=f"the plant's folder of an earlier run "
                f"no longer matches the copy; {f.message}",
            )
            for f in withdrawn
        ]
        raise EditionFailed(findings, sorted(set(failed)))
    pages, wrong = check_pages(plan, edition_dir)
    if wrong:
        raise EditionFailed(findings + wrong, ["the plan's pages"])
    keys = {j.name: j.key for j in jobs}
    plant_dir, notes = write_plant(
        plan, pages, keys, edition_dir, settings.contact_sheet_dpi, settings.contact_sheet_columns
    )
    result = EditionResult(
        plan, edition_dir, plant_dir, [j.name for j in todo], findings + notes, workers=workers
    )
    if options.archive:
        from newsprint.archive.core import add_rendered

        for story in plan.stories:
            added = add_rendered(edition_dir / "stories" / story.name, options.archive)
            result.archived.append(str(added))
    return result


def render(
    todo: list[Job], results: Results, settings: EditionSettings, options: Options, done
) -> list[str]:
    """The jobs on Celery workers when a broker is named, else in local processes."""
    if not todo:
        return []
    if options.broker:
        from newsprint.edition.remote import run_remote

        return run_remote(todo, options.broker, settings, done)
    from newsprint.edition.local import run_local

    run_local(todo, results.root, options.jobs, settings.max_tasks_per_child, done)
    return [f"local ×{min(options.jobs, len(todo))}"]


def progress_bar(stream=None) -> Callable[[int, int, int, int], None]:
    """Stories and pages done, as a bar on a terminal, else a line each time."""
    stream = stream or sys.stderr
    tty = stream.isatty()

    def show(stories: int, total: int, pages: int, pages_total: int) -> None:
        width = 30
        filled = width * pages // max(pages_total, 1)
        line = (
            f"[{'#' * filled}{'.' * (width - filled)}] {stories}/{total} stories, "
            f"{pages}/{pages_total} pages"
        )
        print(
            f"\r{line}" if tty else line,
            end="" if tty and stories < total else "\n",
            file=stream,
            flush=True,
        )

    return show
