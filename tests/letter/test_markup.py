"""The text markup: the Markdown subset officers may use in rich-text fields."""

from respgen.letter.markup import List, Paragraph, Quote, Span, parse, plain


def test_paragraphs_are_separated_by_blank_lines_and_lines_are_joined():
    blocks = parse("First line\nsame paragraph.\n\nSecond paragraph.")
    assert [b.text for b in blocks] == ["First line same paragraph.", "Second paragraph."]


def test_bold_italic_and_links():
    (para,) = parse("A **bold** and *italic* word, and [the report](https://example.org/r).")
    assert Span("bold", bold=True) in para.spans
    assert Span("italic", italic=True) in para.spans
    assert Span("the report", href="https://example.org/r") in para.spans


def test_bulleted_and_numbered_lists_and_quotes():
    blocks = parse("- one\n- two\n\n3. three\n4. four\n\n> said")
    bullets, numbers, quote = blocks
    assert isinstance(bullets, List) and not bullets.ordered
    assert [plain(i.blocks) for i in bullets.items] == ["one", "two"]
    assert isinstance(numbers, List) and numbers.ordered and numbers.start == 3
    assert isinstance(quote, Quote) and plain(quote.blocks) == "said"


def test_html_headings_and_template_syntax_stay_literal():
    text = '# Not a heading <script>alert(1)</script> {{ config }} {% for x in y %} & "q" ’'
    (para,) = parse(text)
    assert isinstance(para, Paragraph)
    assert para.text == text


def test_only_web_and_mail_links_become_links():
    (para,) = parse("[a](file:///etc/passwd) [b](javascript:alert(1)) [c](mailto:x@example.org)")
    links = [s.href for s in para.spans if s.href]
    assert links == ["mailto:x@example.org"]
    assert "file:///etc/passwd" in para.text


def test_empty_text_gives_no_blocks():
    assert parse(None) == () and parse("  \n ") == ()


def test_a_run_of_spaces_is_one_space_as_the_pdf_shows_it():
    (paragraph,) = parse("Drug supply.  The Constabulary  works\twith\t\tpartners.")
    assert paragraph.text == "Drug supply. The Constabulary works\twith partners."
