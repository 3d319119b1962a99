"""Typed view of newsprint.toml [edition] and [workers]; errors name the file and key."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from newsprint.config import CONFIG_PATH, PROJECT_ROOT, read_config
from newsprint.errors import UserError


@dataclass(frozen=True)
class EditionSettings:
    min_pages: int = 8
    max_pages: int = 48
    page_multiple: int = 4
    plant_files: str = "{date}-{page:02d}.pdf"
    contact_sheet_dpi: float = 10
    contact_sheet_columns: int = 8
    store: Path = PROJECT_ROOT / "out" / ".edition-store"
    time_limit_s: int = 600
    max_tasks_per_child: int = 8
    visibility_timeout_s: int = 900


_EDITION = {
    "min_pages": int,
    "max_pages": int,
    "page_multiple": int,
    "plant_files": str,
    "contact_sheet_dpi": float,
    "contact_sheet_columns": int,
    "store": str,
}
_WORKERS = {"time_limit_s": int, "max_tasks_per_child": int, "visibility_timeout_s": int}


def _values(table: dict, kinds: dict, where: str) -> dict:
    out = {}
    for key, value in table.items():
        kind = kinds.get(key)
        if kind is None:
            raise UserError(f"{where}: unknown key {key!r}; known: {', '.join(kinds)}")
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind) or isinstance(value, bool):
            raise UserError(f"{where}: {key!r} must be {kind.__name__}, not {value!r}")
        if kind is not str and value <= 0:
            raise UserError(f"{where}: {key!r} must be more than 0, not {value!r}")
        out[key] = value
    return out


def load_settings(path: Path = CONFIG_PATH) -> EditionSettings:
    data = read_config(path)
    values = _values(data.get("edition", {}), _EDITION, f"{path} [edition]")
    values |= _values(data.get("workers", {}), _WORKERS, f"{path} [workers]")
    if "store" in values:
        values["store"] = PROJECT_ROOT / values["store"]
    settings = EditionSettings(**values)
    if settings.min_pages > settings.max_pages:
        raise UserError(f"{path} [edition]: min_pages is more than max_pages")
    return settings
