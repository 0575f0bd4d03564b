"""Generate the first version of templates/response.docx, the Word house-style template.

This script made the template once. From then on the .docx file itself is the
source of truth: the communications team opens templates/response.docx in
Word and changes its styles (fonts, colours, spacing), header, footer and
wording there. Do not re-run this script over their work; it would replace it.
Run ``respgen check-template`` after editing the template in Word.

What the template holds:
- named paragraph styles for everything respgen writes (Title, Heading 1-3,
  Body Text, List Bullet, List Number, List Continue, Quote, Table Text,
  Table Heading, Table List Bullet, Table List Number, Caption, Small Print,
  Letterhead, Office Name, Marking, Statutory, Address, Draft Banner,
  Signature) and the table style Response Table;
- Arial 12 pt, left aligned, language en-GB in the document defaults;
- a first-page header with the logo and the marking, a header with the
  marking on later pages (both with a DRAFT watermark shown only for
  drafts), and a footer with the marking and "Page X of Y" as Word fields;
- the letter itself as docxtpl tags ({{ ... }}, {%p ... %}, {%tr ... %}).

Usage: python scripts/make_docx_template.py [OUTPUT]   (default templates/response.docx)
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt, RGBColor

PRIMARY = "1D3C6E"  # the office colour (templates/office.yaml colours.primary)
ACCENT = "5A6B7B"
DRAFT_RED = "B00020"
FONT = "Arial"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

# The order Word requires for the children of a paragraph's properties (w:pPr); Word refuses a
# file whose properties come in another order, even where other programs accept it.
P_ORDER = (
    "w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr", "w:widowControl", "w:numPr",
    "w:suppressLineNumbers", "w:pBdr", "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap",
    "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
    "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
    "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr",
    "w:sectPr", "w:pPrChange",
)  # fmt: skip

# Column widths of the findings table in twentieths of a point; they add up to the text width.
COLUMNS = (700, 2400, 2688, 1500, 1050, 1300)


def main(out: Path) -> None:
    doc = Document()
    _page(doc)
    _defaults(doc)
    _numbering(doc)
    _styles(doc)
    _header_footer(doc)
    _body(doc)
    props = doc.core_properties
    props.title = "Police and Crime Commissioner’s response (house-style template)"
    props.subject = "Template for responses to HMICFRS inspection reports"
    props.author = "Office of the Police and Crime Commissioner"
    props.comments = "Edit the styles, header and footer in Word; keep the tags in curly brackets as they are."
    props.language = "en-GB"
    props.keywords = "respgen template"
    props.last_modified_by = ""
    out.parent.mkdir(parents=True, exist_ok=True)
    doc.save(out)
    print(f"wrote {out}")


# --- page, defaults, numbering -------------------------------------------------


def _page(doc) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(20)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.header_distance = section.footer_distance = Mm(10)
    section.different_first_page_header_footer = True
    # The Word 2010 copy of the styles and the thumbnail would keep the old look in some viewers.
    for rid, rel in list(doc.part.rels.items()):
        if rel.reltype.endswith("/stylesWithEffects"):
            doc.part.drop_rel(rid)
    package = doc.part.package
    for rid, rel in list(package.rels.items()):
        if rel.reltype.endswith("/thumbnail"):
            del package.rels[rid]
    settings = doc.settings.element
    for lang in settings.findall(qn("w:themeFontLang")):
        lang.set(qn("w:val"), "en-GB")
    # Word 2013 and later layout, so Word does not open the document in "Compatibility Mode".
    for setting in settings.iter(qn("w:compatSetting")):
        if setting.get(qn("w:name")) == "compatibilityMode":
            setting.set(qn("w:val"), "15")


def _defaults(doc) -> None:
    styles = doc.styles.element
    r_pr = styles.find(f"{{{W}}}docDefaults/{{{W}}}rPrDefault/{{{W}}}rPr")
    fonts = r_pr.find(qn("w:rFonts"))
    for key in list(fonts.attrib):
        del fonts.attrib[key]
    for key in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(key), FONT)
    r_pr.find(qn("w:sz")).set(qn("w:val"), "24")
    r_pr.find(qn("w:szCs")).set(qn("w:val"), "24")
    lang = r_pr.find(qn("w:lang"))
    lang.set(qn("w:val"), "en-GB")
    lang.set(qn("w:eastAsia"), "en-GB")
    spacing = styles.find(f"{{{W}}}docDefaults/{{{W}}}pPrDefault/{{{W}}}pPr/{{{W}}}spacing")
    spacing.set(qn("w:after"), "160")
    spacing.set(qn("w:line"), "264")
    # Theme fonts and colours would override Arial and the office colour: take them out everywhere.
    for element in styles.iter(qn("w:rFonts")):
        if element.getparent().getparent().tag != qn("w:rPrDefault"):
            element.getparent().remove(element)
    for element in styles.iter(qn("w:color")):
        for key in [k for k in element.attrib if "theme" in k.lower()]:
            del element.attrib[key]
    # Keep the style list short for the people who will edit it: drop Word 2010's coloured table styles.
    for style in list(styles.findall(qn("w:style"))):
        sid = style.get(qn("w:styleId"))
        if sid.startswith(("Light", "Medium", "Dark", "Colorful")) or sid in (
            "ListBullet2", "ListBullet3", "ListNumber2", "ListNumber3", "List2", "List3",
            "ListContinue2", "ListContinue3",
        ):
            styles.remove(style)


def _numbering(doc) -> None:
    numbering = doc.part.numbering_part.element
    for child in list(numbering):
        numbering.remove(child)
    bullets = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="{sym}"/>'
        f'<w:lvlJc w:val="left"/><w:pPr><w:ind w:left="{360 * (i + 1) + 0}" w:hanging="360"/></w:pPr>'
        f'<w:rPr><w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:hint="default"/></w:rPr></w:lvl>'
        for i, (sym, font) in enumerate([("•", FONT), ("–", FONT), ("•", FONT)])
    )
    numbers = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="%{i + 1}."/>'
        f'<w:lvlJc w:val="left"/><w:pPr><w:ind w:left="{360 * (i + 1) + 60 * i}" w:hanging="360"/></w:pPr></w:lvl>'
        for i, fmt in enumerate(["decimal", "lowerLetter", "lowerRoman"])
    )
    numbering.append(parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="1"><w:multiLevelType w:val="hybridMultilevel"/>{bullets}</w:abstractNum>'
    ))
    numbering.append(parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="2"><w:multiLevelType w:val="hybridMultilevel"/>{numbers}</w:abstractNum>'
    ))
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="1"><w:abstractNumId w:val="1"/></w:num>'))
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="2"><w:abstractNumId w:val="2"/></w:num>'))


# --- styles ----------------------------------------------------------------------


def _paragraph_style(doc, name, *, base="Normal", size=None, bold=None, italic=None, colour=None,
                     before=None, after=None, align=None, keep_next=None, indent=None):
    styles = doc.styles
    try:
        style = styles[name]
    except KeyError:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.hidden = False
    style.quick_style = True
    style.unhide_when_used = False
    if name != "Normal":
        style.base_style = styles[base]
    font = style.font
    font.name = None
    if size:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    if italic is not None:
        font.italic = italic
    if colour:
        font.color.rgb = RGBColor.from_string(colour)
    font.all_caps = False
    fmt = style.paragraph_format
    if before is not None:
        fmt.space_before = Pt(before)
    if after is not None:
        fmt.space_after = Pt(after)
    fmt.alignment = align if align is not None else WD_ALIGN_PARAGRAPH.LEFT
    if keep_next is not None:
        fmt.keep_with_next = keep_next
    if indent is not None:
        fmt.left_indent = Mm(indent)
    return style


def _add_ppr(p_pr, xml: str) -> None:
    """Put one property (``<w:pBdr>``, ``<w:numPr>``) into ``p_pr`` at the place Word expects it."""
    element = parse_xml(xml)
    tag = "w:" + element.tag.split("}")[1]
    for old in p_pr.findall(qn(tag)):
        p_pr.remove(old)
    p_pr.insert_element_before(element, *P_ORDER[P_ORDER.index(tag) + 1 :])


def _remove(element, *tags):
    for tag in tags:
        for child in element.findall(qn(tag)):
            element.remove(child)


def _styles(doc) -> None:
    s = _paragraph_style
    s(doc, "Normal", size=12)
    title = s(doc, "Title", size=18, bold=True, colour=PRIMARY, before=12, after=12, keep_next=True)
    _remove(title.element.pPr, "w:pBdr")
    _remove(title.element.rPr, "w:spacing", "w:kern")
    for level, size, before in ((1, 14, 18), (2, 13, 14), (3, 12, 12)):
        h = s(doc, f"Heading {level}", size=size, bold=True, italic=False, colour=PRIMARY, before=before, after=6, keep_next=True)
        h.paragraph_format.keep_together = True
    s(doc, "Body Text", after=8)
    for name, num_id in (("List Bullet", 1), ("List Number", 2)):
        style = s(doc, name, after=4)
        p_pr = style.element.get_or_add_pPr()
        _remove(p_pr, "w:numPr", "w:ind", "w:contextualSpacing")
        _add_ppr(p_pr, f'<w:numPr {nsdecls("w")}><w:numId w:val="{num_id}"/></w:numPr>')
    cont = s(doc, "List Continue", after=4, indent=6.35)
    _remove(cont.element.get_or_add_pPr(), "w:contextualSpacing")
    quote = s(doc, "Quote", italic=True, colour="333333", indent=10, after=8)
    quote.paragraph_format.right_indent = Mm(10)
    _add_ppr(quote.element.get_or_add_pPr(), (
        f'<w:pBdr {nsdecls("w")}><w:left w:val="single" w:sz="18" w:space="8" w:color="{ACCENT}"/></w:pBdr>'
    ))
    s(doc, "Table Text", size=11, after=3)
    s(doc, "Table Heading", base="Table Text", bold=True, colour="FFFFFF", after=3)
    for name, num_id in (("Table List Bullet", 1), ("Table List Number", 2)):
        style = s(doc, name, base="Table Text", after=2)
        _add_ppr(style.element.get_or_add_pPr(), f'<w:numPr {nsdecls("w")}><w:numId w:val="{num_id}"/></w:numPr>')
    s(doc, "Caption", size=11, bold=True, italic=False, colour=PRIMARY, before=6, after=4, keep_next=True)
    s(doc, "Small Print", size=9, colour=ACCENT, after=0, align=WD_ALIGN_PARAGRAPH.CENTER)
    s(doc, "Letterhead", size=10, after=0)
    s(doc, "Office Name", base="Letterhead", size=14, bold=True, colour=PRIMARY, before=6, after=4)
    statutory = s(doc, "Statutory", base="Body Text", indent=4, after=10)
    _add_ppr(statutory.element.get_or_add_pPr(), (
        f'<w:pBdr {nsdecls("w")}><w:left w:val="single" w:sz="24" w:space="8" w:color="{PRIMARY}"/></w:pBdr>'
    ))
    s(doc, "Marking", bold=True, before=6, after=6, align=WD_ALIGN_PARAGRAPH.CENTER)
    s(doc, "Address", after=0)
    banner = s(doc, "Draft Banner", size=11, bold=True, colour=DRAFT_RED, before=0, after=8)
    _add_ppr(banner.element.get_or_add_pPr(), (
        f'<w:pBdr {nsdecls("w")}>'
        + "".join(f'<w:{side} w:val="single" w:sz="18" w:space="4" w:color="{DRAFT_RED}"/>' for side in ("top", "left", "bottom", "right"))
        + "</w:pBdr>"
    ))
    s(doc, "Signature", after=0, keep_next=True)
    for name in ("Header", "Footer"):
        s(doc, name, size=10, after=0)

    styles = doc.styles
    try:
        link = styles["Hyperlink"]
    except KeyError:
        link = styles.add_style("Hyperlink", WD_STYLE_TYPE.CHARACTER)
    link.hidden = False
    link.unhide_when_used = False
    link.font.underline = True
    link.font.color.rgb = RGBColor.from_string(PRIMARY)

    table = styles.add_style("Response Table", WD_STYLE_TYPE.TABLE)
    table.base_style = styles["Normal Table"]
    border = f'w:val="single" w:sz="4" w:space="0" w:color="{ACCENT}"'
    table.element.append(parse_xml(
        f'<w:tblPr {nsdecls("w")}><w:tblBorders>'
        + "".join(f"<w:{side} {border}/>" for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
        + '</w:tblBorders><w:tblCellMar><w:top w:w="57" w:type="dxa"/><w:left w:w="85" w:type="dxa"/>'
        '<w:bottom w:w="57" w:type="dxa"/><w:right w:w="85" w:type="dxa"/></w:tblCellMar></w:tblPr>'
    ))
    table.element.append(parse_xml(
        f'<w:tblStylePr {nsdecls("w")} w:type="firstRow"><w:rPr><w:b/><w:color w:val="FFFFFF"/></w:rPr>'
        f'<w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="{PRIMARY}"/></w:tcPr></w:tblStylePr>'
    ))


# --- header and footer -------------------------------------------------------------


def _field(paragraph, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word and LibreOffice fill in when they lay out the page."""
    p = paragraph._p
    for xml in (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>',
        f'<w:r><w:instrText xml:space="preserve"> {instruction} </w:instrText></w:r>',
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>',
        "<w:r><w:t>1</w:t></w:r>",
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>',
    ):
        p.append(parse_xml(xml.replace("<w:r>", f"<w:r {nsdecls('w')}>", 1)))


def _footer(footer) -> None:
    line = footer.paragraphs[0]
    line.style = "Small Print"
    line.alignment = WD_ALIGN_PARAGRAPH.LEFT
    line.paragraph_format.tab_stops.add_tab_stop(Mm(170), WD_TAB_ALIGNMENT.RIGHT)
    line.add_run("{{ marking_line }}").bold = True
    line.add_run("\tPage ")
    _field(line, "PAGE")
    line.add_run(" of ")
    _field(line, "NUMPAGES")


_VML = (
    'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
    'xmlns:w10="urn:schemas-microsoft-com:office:word"'
)


def _watermark(paragraph) -> None:
    """A pale diagonal DRAFT behind the text of every page of a draft, as Word's own watermarks are made."""
    paragraph.add_run("{% if draft %}")
    paragraph._p.append(parse_xml(
        f'<w:r {nsdecls("w")} {_VML}><w:rPr><w:noProof/></w:rPr><w:pict>'
        '<v:shapetype id="_x0000_t136" coordsize="21600,21600" o:spt="136" adj="10800" '
        'path="m@7,l@8,m@5,21600l@6,21600e"><v:path textpathok="t" o:connecttype="custom"/>'
        '<v:textpath on="t" fitshape="t"/><o:lock v:ext="edit" text="t" shapetype="t"/></v:shapetype>'
        '<v:shape id="PowerPlusWaterMarkObject" o:spid="_x0000_s2049" type="#_x0000_t136" '
        'style="position:absolute;margin-left:0;margin-top:0;width:440pt;height:140pt;rotation:315;'
        "z-index:-251657216;mso-position-horizontal:center;mso-position-horizontal-relative:margin;"
        'mso-position-vertical:center;mso-position-vertical-relative:margin" o:allowincell="f" '
        'fillcolor="#F4C7CE" stroked="f"><v:fill opacity="0.5"/>'
        '<v:textpath style="font-family:&quot;Arial&quot;;font-size:1pt;font-weight:bold" string="DRAFT"/>'
        '<w10:wrap anchorx="margin" anchory="margin"/></v:shape></w:pict></w:r>'
    ))
    paragraph.add_run("{% endif %}")


def _header_footer(doc) -> None:
    section = doc.sections[0]
    first = section.first_page_header
    marking = first.paragraphs[0]
    marking.text = "{{ marking_line }}"
    marking.style = "Marking"
    marking.paragraph_format.space_before = Pt(0)
    _watermark(marking)
    logo = first.add_paragraph("{% if logo %}{{ logo }}{% endif %}", style="Header")
    logo.paragraph_format.space_after = Pt(0)
    later = section.header
    later.is_linked_to_previous = False
    marking = later.paragraphs[0]
    marking.text = "{{ marking_line }}"
    marking.style = "Marking"
    marking.paragraph_format.space_before = Pt(0)
    _watermark(marking)
    _footer(section.first_page_footer)
    section.footer.is_linked_to_previous = False
    _footer(section.footer)


# --- the letter ----------------------------------------------------------------------


def _body(doc) -> None:
    body = doc.element.body
    for p in list(body.iterchildren(qn("w:p"))):
        body.remove(p)
    add = doc.add_paragraph
    add("{{ office_name }}", style="Office Name")
    add("{%p for line in office_address %}")
    add("{{ line }}", style="Letterhead")
    add("{%p endfor %}")
    add("{%p for line in office_contact %}")
    add("{{ line }}", style="Letterhead")
    add("{%p endfor %}")

    marking = add("{{ marking_line }}", style="Marking")
    marking.paragraph_format.space_before = Pt(8)
    # A rule under the letterhead, as on the office's paper.
    _add_ppr(marking._p.get_or_add_pPr(), (
        f'<w:pBdr {nsdecls("w")}><w:top w:val="single" w:sz="12" w:space="6" w:color="{PRIMARY}"/></w:pBdr>'
    ))
    add("{%p if draft %}")
    add("DRAFT: not for publication or circulation beyond those preparing this response.", style="Draft Banner")
    add("{%p endif %}")
    date = add("{{ date_text }}", style="Body Text")
    date.paragraph_format.space_before = Pt(6)

    add("{%p for recipient in recipients %}")
    name = add("", style="Address")
    name.add_run("{{ recipient.name }}").bold = True
    lines = add("{{ recipient.details }}", style="Address")
    lines.paragraph_format.space_after = Pt(10)
    add("{%p endfor %}")

    add("{{ title }}", style="Title")
    add("{{ intro }}", style="Body Text")
    add("{{ statutory }}", style="Statutory")

    add("Inspection details", style="Heading 1")
    add("{%p for detail in details %}")
    detail = add("", style="Body Text")
    detail.add_run("{{ detail.label }}: ").bold = True
    detail.add_run("{{r detail.value }}")
    add("{%p endfor %}")

    add("Key findings", style="Heading 1")
    add("{{p key_findings }}")
    add("{{p key_points }}")

    add("{%p for section in findings %}")
    add("{{ section.heading }}", style="Heading 1")
    add("{{p section.summary }}")
    add("{%p if section.rows %}")
    add("{{ section.caption }}", style="Caption")
    _table(doc)
    add("{%p endif %}")
    add("{%p endfor %}")

    add("{%p for comment in comments %}")
    add("{{ comment.heading }}", style="Heading 1")
    add("{{p comment.body }}")
    add("{%p endfor %}")

    add("{%p if signature %}")
    add("{{ signature }}", style="Signature")
    add("{%p endif %}")
    name = add("", style="Signature")
    name.paragraph_format.space_before = Pt(18)
    name.add_run("{{ signatory_name }}").bold = True
    add("{{ signatory_title }}", style="Signature")


def _table(doc) -> None:
    table = doc.add_table(rows=4, cols=len(COLUMNS))
    table.style = doc.styles["Response Table"]
    table.autofit = False
    tbl = table._tbl
    tbl.tblPr.append(parse_xml(f'<w:tblCaption {nsdecls("w")} w:val="{{{{ section.caption }}}}"/>'))
    # Word and LibreOffice lay the table out from the grid; the cell widths must agree with it.
    for col, width in zip(tbl.tblGrid.findall(qn("w:gridCol")), COLUMNS):
        col.set(qn("w:w"), str(width))
    for row in table.rows:
        for cell, width in zip(row.cells, COLUMNS):
            cell.width = width * 635  # twentieths of a point to EMU
    header, start, data, end = table.rows
    tr_pr = header._tr.get_or_add_trPr()
    tr_pr.append(parse_xml(f'<w:cantSplit {nsdecls("w")}/>'))
    tr_pr.append(parse_xml(f'<w:tblHeader {nsdecls("w")}/>'))
    for i, cell in enumerate(header.cells):
        p = cell.paragraphs[0]
        p.text = f"{{{{ headers[{i}] }}}}"
        p.style = "Table Heading"
        cell._tc.get_or_add_tcPr().append(parse_xml(f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" w:fill="{PRIMARY}"/>'))
    start.cells[0].paragraphs[0].text = "{%tr for row in section.rows %}"
    end.cells[0].paragraphs[0].text = "{%tr endfor %}"
    cells = data.cells
    data._tr.get_or_add_trPr().append(parse_xml(f'<w:cantSplit {nsdecls("w")}/>'))

    def put(cell, text, style="Table Text"):
        p = cell.paragraphs[0]
        p.text = text
        p.style = style

    put(cells[0], "{{ row.ref }}")
    put(cells[1], "{{p row.text }}")
    cells[1].add_paragraph("{%p if row.addressed_to %}")
    addressed = cells[1].add_paragraph("", style="Table Text")
    addressed.add_run("Addressed to: ").bold = True
    addressed.add_run("{{ row.addressed_to }}")
    cells[1].add_paragraph("{%p endif %}")
    put(cells[2], "{{p row.response }}")
    put(cells[3], "{{ row.owner }}")
    put(cells[4], "{{ row.due }}")
    put(cells[5], "{{ row.progress }}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "templates" / "response.docx")
