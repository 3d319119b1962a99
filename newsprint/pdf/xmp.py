"""XMP packets for print pages and archive copies, written by hand and read back by the preflight.

WeasyPrint's own packet has a random DocumentID and knows nothing of the
paper, edition or page; ours is built from the edition only (same input, same
bytes) and declares the PRISM properties in a PDF/A extension schema, which
PDF/A requires for any namespace it does not predefine.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

NS = {
    "x": "adobe:ns:meta/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "xmpMM": "http://ns.adobe.com/xap/1.0/mm/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
    "pdfxid": "http://www.npes.org/pdfx/ns/id/",
    "pdfx": "http://ns.adobe.com/pdfx/1.3/",
    "prism": "http://prismstandard.org/namespaces/basic/3.0/",
    "np": "urn:x-newsprint:print:1.0/",  # our own: picture frames printed empty (print only)
    "pdfaExtension": "http://www.aiim.org/pdfa/ns/extension/",
    "pdfaSchema": "http://www.aiim.org/pdfa/ns/schema#",
    "pdfaProperty": "http://www.aiim.org/pdfa/ns/property#",
}
PRISM_PROPERTIES = (
    ("publicationName", "Text", "Name of the newspaper"),
    ("coverDate", "Date", "Date of the edition"),
    ("edition", "Text", "Edition (issue) of the newspaper"),
    ("section", "Text", "Section (page name) of the story"),
    ("pageRange", "Text", "Page numbers the story is printed on"),
)
HOUSE_FIELDS = (
    "dc:title",
    "dc:creator",
    "dc:language",
    "dc:publisher",
    "prism:publicationName",
    "prism:coverDate",
    "prism:edition",
    "prism:section",
    "prism:pageRange",
)


@dataclass
class XmpFields:
    """What goes into the packet; `conformance` is ('a', '2', 'B') or ('x', 'PDF/X-4', '')."""

    conformance: tuple[str, str, str]
    title: str
    created: str  # W3C date-time, e.g. 2026-12-01T00:00:00+00:00
    document_id: str
    instance_id: str
    producer: str
    creator_tool: str
    description: str = ""
    creators: list[str] = field(default_factory=list)
    contributors: list[str] = field(default_factory=list)
    language: str = ""
    paper: str = ""
    cover_date: str = ""
    edition: str = ""
    section: str = ""
    page_range: str = ""
    trapped: bool | None = None
    missing_pictures: list[str] = field(default_factory=list)
    placeholder_ok: bool = False


def _seq(name: str, items: list[str], kind: str = "Seq") -> str:
    if not items:
        return ""
    lis = "".join(f"<rdf:li>{escape(i)}</rdf:li>" for i in items)
    return f"<{name}><rdf:{kind}>{lis}</rdf:{kind}></{name}>"


def _alt(name: str, text: str) -> str:
    if not text:
        return ""
    return (
        f'<{name}><rdf:Alt><rdf:li xml:lang="x-default">{escape(text)}</rdf:li></rdf:Alt></{name}>'
    )


def _prop(name: str, text: str) -> str:
    return f"<{name}>{escape(text)}</{name}>" if text else ""


def _extension_schema() -> str:
    props = "".join(
        '<rdf:li rdf:parseType="Resource">'
        f"<pdfaProperty:name>{n}</pdfaProperty:name>"
        f"<pdfaProperty:valueType>{t}</pdfaProperty:valueType>"
        "<pdfaProperty:category>external</pdfaProperty:category>"
        f"<pdfaProperty:description>{d}</pdfaProperty:description></rdf:li>"
        for n, t, d in PRISM_PROPERTIES
    )
    return (
        '<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">'
        "<pdfaSchema:schema>PRISM Basic Metadata</pdfaSchema:schema>"
        f"<pdfaSchema:namespaceURI>{NS['prism']}</pdfaSchema:namespaceURI>"
        "<pdfaSchema:prefix>prism</pdfaSchema:prefix>"
        f"<pdfaSchema:property><rdf:Seq>{props}</rdf:Seq></pdfaSchema:property>"
        "</rdf:li></rdf:Bag></pdfaExtension:schemas>"
    )


def build_xmp(f: XmpFields) -> bytes:
    """The whole packet, with a padding-free xpacket wrapper (read-only: end='r')."""
    family, version, level = f.conformance
    ident = ""
    if family == "a":
        ident = _prop("pdfaid:part", version) + _prop("pdfaid:conformance", level)
    elif version.startswith("PDF/X-4"):
        ident = _prop("pdfxid:GTS_PDFXVersion", version)
    else:
        ident = _prop("pdfx:GTS_PDFXVersion", version) + _prop("pdfx:GTS_PDFXConformance", version)
    trapped = "" if f.trapped is None else _prop("pdf:Trapped", str(f.trapped))
    used = ("rdf", "dc", "xmp", "xmpMM", "pdf", "pdfaid", "pdfxid", "pdfx", "prism", "np")
    if family == "a":
        used += ("pdfaExtension", "pdfaSchema", "pdfaProperty")
    xmlns = " ".join(f"xmlns:{p}={quoteattr(NS[p])}" for p in used)
    body = "".join(
        (
            ident,
            _prop("dc:format", "application/pdf"),
            _alt("dc:title", f.title),
            _alt("dc:description", f.description),
            _seq("dc:creator", f.creators),
            _seq("dc:contributor", f.contributors, "Bag"),
            _seq("dc:publisher", [f.paper] if f.paper else [], "Bag"),
            _seq("dc:language", [f.language] if f.language else [], "Bag"),
            _seq("dc:subject", [f.section] if f.section else [], "Bag"),
            _seq("dc:date", [f.cover_date] if f.cover_date else []),
            _prop("xmp:CreateDate", f.created),
            _prop("xmp:ModifyDate", f.created),
            _prop("xmp:MetadataDate", f.created),
            _prop("xmp:CreatorTool", f.creator_tool),
            _prop("xmpMM:DocumentID", f.document_id),
            _prop("xmpMM:InstanceID", f.instance_id),
            _prop("xmpMM:VersionID", "1"),
            _prop("xmpMM:RenditionClass", "default"),
            _prop("pdf:Producer", f.producer),
            trapped,
            _prop("prism:publicationName", f.paper),
            _prop("prism:coverDate", f.cover_date),
            _prop("prism:edition", f.edition),
            _prop("prism:section", f.section),
            _prop("prism:pageRange", f.page_range),
            _seq("np:missingPictures", f.missing_pictures, "Bag"),
            _prop("np:placeholderApproved", str(f.placeholder_ok)) if f.missing_pictures else "",
            _extension_schema() if family == "a" else "",
        )
    )
    packet = (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF {xmlns}>'
        f'<rdf:Description rdf:about="">{body}</rdf:Description>'
        '</rdf:RDF></x:xmpmeta>\n<?xpacket end="r"?>'
    )
    return packet.encode("utf-8")


def read_xmp(data: bytes) -> dict[str, str | list[str]]:
    """Simple properties ('prefix:name' → text, or list for rdf containers); raises ValueError."""
    try:
        root = ET.fromstring(data.strip().split(b"?>", 1)[-1].rsplit(b"<?xpacket", 1)[0])
    except ET.ParseError as exc:
        raise ValueError(f"XMP is not well-formed XML: {exc}") from None
    prefix = {uri: p for p, uri in NS.items()}

    def qname(tag: str) -> str:
        uri, _, local = tag[1:].partition("}")
        return f"{prefix.get(uri, uri)}:{local}"

    rdf = NS["rdf"]
    props: dict[str, str | list[str]] = {}
    for desc in root.iter(f"{{{rdf}}}Description"):
        for key, value in desc.attrib.items():
            if not key.startswith(f"{{{rdf}}}"):
                props[qname(key)] = value
        for child in desc:
            container = next(iter(child), None)
            if container is not None and container.tag in {
                f"{{{rdf}}}{k}" for k in ("Seq", "Bag", "Alt")
            }:
                props[qname(child.tag)] = [li.text or "" for li in container]
            elif qname(child.tag) != "pdfaExtension:schemas":
                props[qname(child.tag)] = (child.text or "").strip()
    for schema in root.iter(f"{{{NS['pdfaSchema']}}}namespaceURI"):
        props.setdefault("pdfaExtension:namespaces", []).append(schema.text or "")  # type: ignore[union-attr]
    return props
