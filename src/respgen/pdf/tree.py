"""Reading a tagged PDF's structure tree and marked content with pikepdf.

Shared by the post-processing (which repairs the tree) and the checks (which
judge it), so both see the tree the same way.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pikepdf
from pikepdf import Array, Dictionary, Name, Operator

BDC, BMC, EMC = Operator("BDC"), Operator("BMC"), Operator("EMC")


def is_element(obj) -> bool:
    """A structure element (not a marked-content or object reference)."""
    # Marked-content (MCR) and object (OBJR) references never have /S.
    return isinstance(obj, Dictionary) and "/S" in obj


def kids(element) -> list:
    """The children of a structure element as a list (``/K`` may be one object or an array)."""
    k = element.get("/K")
    if k is None:
        return []
    if isinstance(k, Array):
        return list(k)
    return [k]


def set_kids(element, items: list) -> None:
    element.K = Array(items)


def child_elements(element) -> list:
    return [k for k in kids(element) if is_element(k)]


def roots(pdf: pikepdf.Pdf) -> list:
    tree = pdf.Root.get("/StructTreeRoot")
    if tree is None:
        return []
    return [k for k in kids(tree) if is_element(k)]


def walk(pdf: pikepdf.Pdf) -> Iterator[tuple[Any, Any, int]]:
    """Every structure element reachable from the root: (element, parent, depth), document order."""
    seen: set[tuple[int, int]] = set()
    stack = [(e, None, 0) for e in reversed(roots(pdf))]
    while stack:
        element, parent, depth = stack.pop()
        key = element.objgen
        if key != (0, 0):
            if key in seen:
                continue
            seen.add(key)
        yield element, parent, depth
        for child in reversed(child_elements(element)):
            stack.append((child, element, depth + 1))


def page_key(page_obj) -> tuple[int, int]:
    return page_obj.objgen


def marked_content(element) -> Iterator[tuple[tuple[int, int] | None, int]]:
    """The (page, MCID) pairs an element holds directly."""
    default_page = element.get("/Pg")
    for k in kids(element):
        if isinstance(k, int):
            yield (page_key(default_page) if default_page is not None else None), int(k)
        elif isinstance(k, Dictionary) and k.get("/Type") == Name.MCR:
            page = k.get("/Pg", default_page)
            yield (page_key(page) if page is not None else None), int(k.MCID)


def reachable_content(pdf: pikepdf.Pdf) -> set[tuple[tuple[int, int] | None, int]]:
    """Every (page, MCID) that some reachable structure element holds."""
    found: set = set()
    for element, _parent, _depth in walk(pdf):
        found.update(marked_content(element))
    return found


@dataclass
class Mark:
    """One marked-content sequence opened in a page's content stream."""

    tag: str
    mcid: int | None
    index: int  # position of the BDC/BMC operator in the parsed stream
    artifact_depth: int  # how many enclosing sequences are artifacts


def marks(page: pikepdf.Page, instructions=None) -> list[Mark]:
    """Every marked-content sequence on ``page`` (its own content stream, not form XObjects)."""
    if instructions is None:
        instructions = pikepdf.parse_content_stream(page)
    found: list[Mark] = []
    stack: list[bool] = []
    for index, instruction in enumerate(instructions):
        # Attribute access and Operator comparison: unpacking every instruction is ten times slower.
        operator = instruction.operator
        if operator in (BDC, BMC):
            operands = instruction.operands
            tag = str(operands[0]) if operands else ""
            mcid = None
            if operator == BDC and len(operands) > 1 and isinstance(operands[1], Dictionary) and "/MCID" in operands[1]:
                mcid = int(operands[1].MCID)
            found.append(Mark(tag, mcid, index, sum(stack)))
            stack.append(tag == "/Artifact")
        elif operator == EMC and stack:
            stack.pop()
    return found


def parent_tree(pdf: pikepdf.Pdf) -> dict[int, Any]:
    """The structure tree's ParentTree as a dict (flat ``/Nums`` or one level of ``/Kids``)."""
    tree = pdf.Root.get("/StructTreeRoot")
    out: dict[int, Any] = {}
    if tree is None or "/ParentTree" not in tree:
        return out
    nodes = [tree.ParentTree]
    seen: set[tuple[int, int]] = set()
    while nodes:
        node = nodes.pop()
        if not isinstance(node, Dictionary) or node.objgen in seen:  # a tree that is its own kid ends here
            continue
        if node.objgen != (0, 0):
            seen.add(node.objgen)
        nums = node.get("/Nums")
        if nums is not None:
            for i in range(0, len(nums) - 1, 2):
                out[int(nums[i])] = nums[i + 1]
        for kid in node.get("/Kids", []) or []:
            nodes.append(kid)
    return out


def set_parent_entry(pdf: pikepdf.Pdf, index: int, element) -> None:
    """Make the ParentTree's entry ``index`` (an annotation's /StructParent) name ``element``."""
    tree = pdf.Root.get("/StructTreeRoot")
    nodes = [tree.ParentTree] if tree is not None and "/ParentTree" in tree else []
    while nodes:
        node = nodes.pop()
        nums = node.get("/Nums") if isinstance(node, Dictionary) else None
        if nums is not None:
            for i in range(0, len(nums) - 1, 2):
                if int(nums[i]) == index:
                    nums[i + 1] = element
                    return
        nodes.extend((node.get("/Kids", []) or []) if isinstance(node, Dictionary) else [])


def holds_content(element) -> bool:
    """Whether ``element`` holds anything a reader meets: marked content or an annotation, itself or below.

    Each element is looked at once, so a tree that shares or repeats elements costs no more than its size.
    """
    return any(holds_directly(current) for current in (element, *descendants(element)))


def holds_directly(element) -> bool:
    return any(
        isinstance(kid, int) or (isinstance(kid, Dictionary) and kid.get("/Type") in (Name.MCR, Name.OBJR))
        for kid in kids(element)
    )


def descendants(element) -> Iterator[Any]:
    """Every element below ``element``, each once, in document order."""
    seen: set[tuple[int, int]] = set()
    stack = list(reversed(child_elements(element)))
    while stack:
        current = stack.pop()
        key = current.objgen
        if key != (0, 0):
            if key in seen:
                continue
            seen.add(key)
        yield current
        stack.extend(reversed(child_elements(current)))


def images(pdf: pikepdf.Pdf):
    """Every image in the file, soft masks included."""
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == Name.Image:
            yield obj
