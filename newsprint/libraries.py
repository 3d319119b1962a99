"""Quick answers for ctypes.util.find_library, the way WeasyPrint finds its C libraries.

WeasyPrint tries six spellings of each library's name (Linux, macOS and Windows ones)
and cffi answers each miss with ctypes.util.find_library, which on Linux runs ldconfig,
then gcc, then ld in subprocesses: sixteen misses, about 0.12 s of every cold render.
Here one read of the linker's cache (`ldconfig -p`) answers every name as
find_library's first step would; a name the cache lacks is a miss at once, without
the compiler's search paths (Debian's packages put every library in the cache).
"""

from __future__ import annotations

import ctypes.util
import functools
import os
import re
import struct
import subprocess
import sys

LDCONFIG = "/sbin/ldconfig"
_ABI = {
    "x86_64-64": "libc6,x86-64",
    "ppc64-64": "libc6,64bit",
    "sparc64-64": "libc6,64bit",
    "s390x-64": "libc6,64bit",
    "ia64-64": "libc6,IA-64",
}
_original = ctypes.util.find_library


@functools.cache
def linker_cache() -> bytes | None:
    """`ldconfig -p`, read once; None where there is no glibc ldconfig."""
    try:
        return subprocess.run(
            [LDCONFIG, "-p"],
            stdin=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            env={"LC_ALL": "C", "LANG": "C"},
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None


@functools.cache
def find_library(name: str) -> str | None:
    """The soname ctypes.util.find_library gives `name`, from the linker's cache."""
    listing = linker_cache()
    if listing is None:
        return _original(name)
    machine = os.uname().machine + ("-32" if struct.calcsize("l") == 4 else "-64")
    pattern = rf"\s+(lib{re.escape(name)}\.[^\s]+)\s+\({_ABI.get(machine, 'libc6')}"
    found = re.search(os.fsencode(pattern), listing)
    return os.fsdecode(found.group(1)) if found else None


def install() -> None:
    """Answer find_library from the linker's cache in this process (Linux only)."""
    if sys.platform.startswith("linux") and os.path.exists(LDCONFIG):
        ctypes.util.find_library = find_library
