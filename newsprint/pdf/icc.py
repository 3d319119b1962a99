"""The plant's CMYK output profile: found, checked and described once.

Every print page carries it as its output intent and every picture is
converted to it, so a wrong file (an RGB monitor profile, a missing path)
must fail before anything is rendered, naming the file and the fix.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from io import BytesIO
from pathlib import Path

from PIL import ImageCms

from newsprint.errors import UserError

# Ghostscript's CMYK output profile (Debian libgs-common, AGPL-3+ like the rest
# of Ghostscript): a proper SWOP-like 'prtr' profile, installed by `make setup`.
# No FOGRA/ISO Coated or ISOnewspaper profile ships in Debian main: the plant's
# own profile belongs in newsprint.toml [print] icc_profile.
DEFAULT_PROFILE = Path("/usr/share/color/icc/ghostscript/default_cmyk.icc")


@dataclass(frozen=True)
class CmykProfile:
    path: Path
    data: bytes
    description: str
    sha256: str


@cache
def load_cmyk_profile(path: Path = DEFAULT_PROFILE) -> CmykProfile:
    """Read and check an ICC profile meant as a CMYK output intent."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        hint = (
            "install it with `make setup` (Debian package libgs-common)"
            if path == DEFAULT_PROFILE
            else "set [print] icc_profile in newsprint.toml to the plant's profile"
        )
        message = f"{path}: cannot read the CMYK output profile ({exc.strerror}); {hint}"
        raise UserError(message) from None
    try:
        profile = ImageCms.ImageCmsProfile(BytesIO(data)).profile
    except (OSError, ImageCms.PyCMSError) as exc:
        raise UserError(f"{path}: not an ICC profile ({exc}); ask the plant for its .icc") from None
    space, kind = profile.xcolor_space.strip(), profile.device_class
    if space != "CMYK" or kind != "prtr":
        raise UserError(
            f"{path}: a {space} '{kind}' profile; the output intent needs a CMYK output "
            "('prtr') profile such as the plant's press profile"
        )
    description = (profile.profile_description or path.stem).strip()
    return CmykProfile(path, data, description, hashlib.sha256(data).hexdigest())


def icc_colour_space(data: bytes) -> str:
    """The data colour space of an ICC profile ('CMYK', 'RGB', 'GRAY', …), read from its header."""
    return data[16:20].decode("ascii", "replace").strip() if len(data) >= 20 else ""


def icc_device_class(data: bytes) -> str:
    return data[12:16].decode("ascii", "replace").strip() if len(data) >= 16 else ""
