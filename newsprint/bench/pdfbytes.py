"""Where a PDF's bytes go (`make bench`): stored (compressed) bytes by kind of object.

Kinds: each embedded font program by face (fonts: the CJK subsets), the ICC output
intent (the plant's profile, whole in every print page: PDF/X-4 wants it embedded),
page content (with its /ActualText spans counted), ToUnicode maps, CIDToGIDMaps,
images, metadata (XMP), attachments (the archive's copy and edition file) and the
rest (object streams of dictionaries, the xref).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pikepdf
from pikepdf import Name


def _labels(pdf: pikepdf.Pdf) -> dict[tuple[int, int], str]:
    labels: dict[tuple[int, int], str] = {}
    for page in pdf.pages:
        contents = page.obj.get("/Contents")
        for stream in contents if isinstance(contents, pikepdf.Array) else [contents]:
            if stream is not None:
                labels[stream.objgen] = "content"
        resources = page.obj.get("/Resources", {})
        for xobject in resources.get("/XObject", {}).values():
            labels[xobject.objgen] = "images"
        for font in resources.get("/Font", {}).values():
            if "/ToUnicode" in font:
                labels[font.ToUnicode.objgen] = "tounicode"
            for cid in font.get("/DescendantFonts", [font]):
                descriptor = cid.get("/FontDescriptor", {})
                family = str(cid.get("/BaseFont", "?")).split("+")[-1]
                for key in ("/FontFile", "/FontFile2", "/FontFile3"):
                    if key in descriptor:
                        labels[descriptor[key].objgen] = f"font {family}"
                if isinstance(cid.get("/CIDToGIDMap"), pikepdf.Stream):
                    labels[cid.CIDToGIDMap.objgen] = "cidtogidmap"
    for intent in pdf.Root.get("/OutputIntents", []):
        if "/DestOutputProfile" in intent:
            labels[intent.DestOutputProfile.objgen] = "icc profile"
    if "/Metadata" in pdf.Root:
        labels[pdf.Root.Metadata.objgen] = "metadata"
    return labels


def where_the_bytes_go(path: Path) -> dict:
    """{kind: stored bytes}, largest first, with the file's size and its /ActualText count."""
    sizes: Counter[str] = Counter()
    actual_text = 0
    with pikepdf.open(path) as pdf:
        labels = _labels(pdf)
        for obj in pdf.objects:
            if not isinstance(obj, pikepdf.Stream):
                continue
            kind = labels.get(obj.objgen)
            if kind is None:
                kind = "attachments" if obj.get("/Type") == Name.EmbeddedFile else "other"
            sizes[kind] += len(obj.read_raw_bytes())
            if kind == "content":
                actual_text += obj.read_bytes().count(b"/ActualText")
    total = path.stat().st_size
    sizes["other"] += total - sum(sizes.values())  # dictionaries outside streams, xref
    return {"file": total, **dict(sizes.most_common()), "actualtext_spans": actual_text}


def summary(figures: dict) -> str:
    """One line: file size, then the kinds in kB."""
    parts = [
        f"{k} {v / 1000:.0f}" for k, v in figures.items() if k not in ("file", "actualtext_spans")
    ]
    return (
        f"{figures['file'] / 1000:.0f} kB = "
        + ", ".join(parts)
        + f" kB; {figures['actualtext_spans']} /ActualText"
    )
