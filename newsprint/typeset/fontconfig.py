"""A WeasyPrint FontConfiguration that registers @font-face files where they are.

WeasyPrint 70's FontConfiguration.add_font_face reads every @font-face file through
the URL fetcher and writes a copy into a temporary folder, then points fontconfig at
the copy: for the CJK faces that is 127 MB written to /tmp by every Typesetter (each
cold render, each page worker), about a second of a cold render. A face in a project
folder the fetcher would serve is a plain file that fontconfig can read in place, so
it is registered by its own path, with the same fontconfig rules WeasyPrint writes
(family prepended, weight, style, unicode-range as the charset). Anything else
(another scheme, woff, local(), font features or stretch) goes WeasyPrint's way.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlparse
from xml.etree.ElementTree import Element, SubElement, tostring

from weasyprint.text.constants import FONTCONFIG_STYLE, FONTCONFIG_WEIGHT
from weasyprint.text.ffi import ffi, fontconfig, pangoft2
from weasyprint.text.fonts import PREFERRED_ENCODING, FontConfiguration

# descriptors this class writes rules for; any other goes to WeasyPrint's add_font_face
HANDLED = {"src", "font_family", "font_weight", "font_style", "unicode_range"}
HEADER = b'<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'


class InPlaceFontConfiguration(FontConfiguration):
    """FontConfiguration whose @font-face files under `roots` are never copied."""

    def __init__(self, roots: tuple[Path, ...]):
        super().__init__()
        self.roots = roots
        self.in_place: set[Path] = set()

    def add_font_face(self, rule_descriptors, url_fetcher):
        path = self._local_file(rule_descriptors)
        if path is None:
            return super().add_font_face(rule_descriptors, url_fetcher)
        fontconfig.FcConfigParseAndLoadFromMemory(
            self._config, _rules(path, rule_descriptors), True
        )
        if fontconfig.FcConfigAppFontAddFile(self._config, str(path).encode(PREFERRED_ENCODING)):
            self.in_place.add(path)
            return pangoft2.pango_fc_font_map_config_changed(
                ffi.cast("PangoFcFontMap *", self.font_map)
            )
        return super().add_font_face(rule_descriptors, url_fetcher)  # it warns, as ever

    def _local_file(self, rule_descriptors) -> Path | None:
        """The face's file when it can be registered in place: one file:// source, a
        plain font (not woff) under the allowed roots, first registered by this rule."""
        if set(rule_descriptors) - HANDLED:
            return None
        sources = [url for kind, url in rule_descriptors["src"] if kind == "external" and url]
        if len(sources) != 1 or len(rule_descriptors["src"]) != 1:
            return None
        parsed = urlparse(sources[0])
        if parsed.scheme != "file":
            return None
        path = Path(unquote(parsed.path)).resolve()
        if path in self.in_place or not any(path.is_relative_to(r) for r in self.roots):
            return None  # a second rule for the same file would share its scan rules
        try:
            with path.open("rb") as handle:
                if handle.read(4) in (b"wOFF", b"wOF2"):
                    return None
        except OSError:
            return None
        return path


def _rules(path: Path, rule_descriptors) -> bytes:
    """The fontconfig rules WeasyPrint's add_font_face writes, for the file `path`."""
    root = Element("fontconfig")
    match = SubElement(root, "match", target="scan")
    test = SubElement(match, "test", name="file", compare="eq")
    SubElement(test, "string").text = path.as_posix()
    # Prepend, as replacing the font family breaks Pango (WeasyPrint #2510).
    edit = SubElement(match, "edit", name="family", mode="prepend")
    SubElement(edit, "string").text = rule_descriptors["font_family"]
    if "font_style" in rule_descriptors:
        edit = SubElement(match, "edit", name="slant", mode="assign_replace")
        SubElement(edit, "const").text = FONTCONFIG_STYLE[rule_descriptors["font_style"]]
    if "font_weight" in rule_descriptors:
        edit = SubElement(match, "edit", name="weight", mode="assign_replace")
        weight = FONTCONFIG_WEIGHT[rule_descriptors["font_weight"]]
        SubElement(edit, "int").text = str(weight)
    if ranges := rule_descriptors.get("unicode_range"):
        match = SubElement(root, "match", target="font")
        test = SubElement(match, "test", name="file", compare="eq")
        SubElement(test, "string").text = path.as_posix()
        edit = SubElement(match, "edit", name="charset", mode="assign_replace")
        plus = SubElement(edit, "plus")
        for unicode_range in ranges:
            range_ = SubElement(SubElement(plus, "charset"), "range")
            for value in (unicode_range.start, unicode_range.end):
                SubElement(range_, "int").text = f"0x{value:x}"
    return HEADER + tostring(root, encoding="utf-8")
