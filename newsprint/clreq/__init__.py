"""Chinese line composition (W3C clreq) for WeasyPrint: justification between
characters, kinsoku, punctuation compression, Han–Latin spacing.

`patch` swaps the composition into WeasyPrint 70 (install/uninstall);
`linebreak` chooses the line breaks. Only the shared character classes
(newsprint.hanzi) are imported from the rest of the project.
"""

from newsprint.clreq.paragraph import new_document
from newsprint.clreq.patch import (
    WEASYPRINT_VERSION,
    InternalsChanged,
    check_internals,
    install,
    installed,
    switched,
    uninstall,
)

__all__ = [
    "WEASYPRINT_VERSION",
    "InternalsChanged",
    "check_internals",
    "install",
    "new_document",
    "installed",
    "switched",
    "uninstall",
]
