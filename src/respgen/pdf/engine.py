"""WeasyPrint, loaded quickly: the engine the PDF is drawn with."""

from __future__ import annotations

import os


def load() -> None:
    """Import WeasyPrint, finding its system libraries without the slow search.

    WeasyPrint tries several names for each library it loads (Windows, macOS
    and Linux spellings); on Linux each name that is not there makes
    ``ctypes.util.find_library`` run ldconfig and then the C compiler, about
    20 of them, which is a third of the time it takes to build one letter
    from cold. Here a name that the system's library cache does not hold is
    answered "not found" at once. Should the import then fail, it is simply
    tried again the ordinary way.
    """
    import sys

    if "weasyprint" in sys.modules:
        return
    import ctypes.util
    import subprocess

    original = ctypes.util.find_library
    try:
        if os.environ.get("LD_LIBRARY_PATH") or not sys.platform.startswith("linux"):
            raise OSError
        listing = subprocess.run(
            ["/sbin/ldconfig", "-p"], capture_output=True, text=True, timeout=10, env={"LC_ALL": "C"}
        ).stdout
    except (OSError, subprocess.SubprocessError):
        listing = ""
    names = {line.split()[0] for line in listing.splitlines()[1:] if line.startswith(("\t", " ")) and line.split()}
    if not names:
        import weasyprint

        return

    def quick(name: str):
        if not any(known.startswith(f"lib{name}.so") for known in names):
            return None
        return original(name)

    ctypes.util.find_library = quick
    try:
        import weasyprint
    except OSError:
        for module in [m for m in sys.modules if m == "weasyprint" or m.startswith("weasyprint.")]:
            del sys.modules[module]
        ctypes.util.find_library = original
        import weasyprint  # noqa: F401
    finally:
        ctypes.util.find_library = original


# The key, on each structure element WeasyPrint makes, that names the HTML element it was made from.
# WeasyPrint makes one element per box, so a paragraph that crosses a page, or a link that wraps,
# becomes several elements; the key lets ``post`` join them again, and is removed there.
SOURCE_KEY = "RespgenElement"


def mark_structure() -> None:
    """Have WeasyPrint's tagging name each element's HTML element, and carry its ``lang`` as /Lang.

    WeasyPrint 70 (pinned) builds the structure tree in ``weasyprint.pdf.tags._build_box_tree``, a
    generator that calls itself through the module; wrapping it there reaches every box.
    """
    import pydyf
    from weasyprint.formatting_structure import boxes
    from weasyprint.pdf import tags

    from respgen.letter.markup import is_right_to_left as _rtl

    original = tags._build_box_tree
    if getattr(original, "marks_structure", False):
        return
    numbers: dict[object, int] = {}

    def build_box_tree(box, parent, pdf, page_number, nums, annotations, page_tags):
        if page_number == 0 and parent.get("S") == "/Document" and not parent["K"]:
            numbers.clear()  # a new document: number its elements from the start
        source = getattr(box, "_box", box).element  # an absolute placeholder stands for its box
        language = source.get("lang") if source is not None and isinstance(source.tag, str) else None
        # The words of a right-to-left passage as written, for screen readers: the page holds its
    # glyphs in visual order (text extraction reorders them itself, so the page is left so).
        written = {page_tags[text]["mcid"]: text.text for text in _texts(box) if text in page_tags} if _rtl(language) else {}
        for element in original(box, parent, pdf, page_number, nums, annotations, page_tags):
            if SOURCE_KEY not in element and source is not None:
                element[SOURCE_KEY] = numbers.setdefault(source, len(numbers) + 1)
                if language and "Lang" not in element and source.tag not in ("html", "body"):
                    element["Lang"] = pydyf.String(language)
            for mcid, text in written.items():
                held = nums.get(mcid)
                if held is not None:
                    pdf.objects[int(held.split()[0])]["ActualText"] = pydyf.String(text)
            yield element

    def _texts(box):
        for child in getattr(box, "children", ()):
            for inner in child.children if isinstance(child, boxes.LineBox) else (child,):
                if isinstance(inner, boxes.TextBox):
                    yield inner

    build_box_tree.marks_structure = True  # type: ignore[attr-defined]
    tags._build_box_tree = build_box_tree
