"""The PDF's XMP metadata: read once here for the checks, and the PDF/UA-1 claim added to it.

WeasyPrint writes one XMP packet claiming PDF/A-3a; PDF/UA-1 needs
``pdfuaid:part=1`` in the same packet, with the extension schema that PDF/A
asks for whenever a schema outside its own list is used.
"""

from __future__ import annotations

import pikepdf
from lxml import etree
from pikepdf import Name

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
NS = {
    "rdf": RDF,
    "pdfuaid": "http://www.aiim.org/pdfua/ns/id/",
    "pdfaExtension": "http://www.aiim.org/pdfa/ns/extension/",
    "pdfaSchema": "http://www.aiim.org/pdfa/ns/schema#",
    "pdfaProperty": "http://www.aiim.org/pdfa/ns/property#",
}

_UA_DESCRIPTIONS = f"""<rdf:RDF xmlns:rdf="{RDF}">
<rdf:Description rdf:about="" xmlns:pdfaExtension="{NS['pdfaExtension']}" xmlns:pdfaSchema="{NS['pdfaSchema']}" xmlns:pdfaProperty="{NS['pdfaProperty']}">
<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">
<pdfaSchema:namespaceURI>{NS['pdfuaid']}</pdfaSchema:namespaceURI>
<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>
<pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>
<pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">
<pdfaProperty:name>part</pdfaProperty:name>
<pdfaProperty:valueType>Integer</pdfaProperty:valueType>
<pdfaProperty:category>internal</pdfaProperty:category>
<pdfaProperty:description>Indicates, which part of ISO 14289 standard is followed</pdfaProperty:description>
</rdf:li></rdf:Seq></pdfaSchema:property>
</rdf:li></rdf:Bag></pdfaExtension:schemas>
</rdf:Description>
<rdf:Description rdf:about="" xmlns:pdfuaid="{NS['pdfuaid']}"><pdfuaid:part>1</pdfuaid:part></rdf:Description>
</rdf:RDF>""".encode()


def declare_pdfua(pdf: pikepdf.Pdf) -> None:
    """Add the PDF/UA-1 identification to the one XMP packet WeasyPrint wrote."""
    meta = read(pdf)
    if meta is None:
        raise ValueError("WeasyPrint wrote no readable XMP metadata")
    rdf = meta.find(f"{{{RDF}}}RDF")
    existing = rdf.findall(f".//{{{NS['pdfuaid']}}}part") + [
        d for d in rdf if d.get(f"{{{NS['pdfuaid']}}}part") is not None
    ]
    if not existing:
        for description in etree.fromstring(_UA_DESCRIPTIONS):
            rdf.append(description)
    body = etree.tostring(meta, encoding="utf-8")
    packet = b'<?xpacket begin="\xef\xbb\xbf" id="W5M0MpCehiHzreSzNTczkc9d"?>\n' + body + b'\n<?xpacket end="r"?>'
    pdf.Root.Metadata = pdf.make_stream(packet, Type=Name.Metadata, Subtype=Name.XML)


def read(pdf: pikepdf.Pdf):
    """The ``x:xmpmeta`` element of the document's XMP packet, or None when there is none that parses."""
    stream = pdf.Root.get("/Metadata")
    if stream is None:
        return None
    data = stream.read_bytes()
    try:
        start, end = data.index(b"<x:xmpmeta"), data.rindex(b"</x:xmpmeta>") + len(b"</x:xmpmeta>")
        return etree.fromstring(data[start:end], parser=etree.XMLParser(resolve_entities=False, no_network=True))
    except (ValueError, etree.XMLSyntaxError):
        return None
