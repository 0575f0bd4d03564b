"""Every template is rendered in Jinja's sandbox, with only what respgen gives it.

The Word template travels by email and is edited by people who are not
respgen's authors; the HTML and email templates sit beside it. A plain Jinja
environment lets a tag such as ``{{ cycler.__init__.__globals__ }}`` reach
Python itself and run any command. Here each template gets an immutable
sandbox: no attribute or key that starts with an underscore, no Jinja
globals (``cycler``, ``lipsum``, ``namespace``...), no way to change a value,
and no arithmetic that makes a string or number of unbounded size. A tag that
tries is refused by name before anything is built (``unsafe_tags``) and, should
one slip past, by the sandbox while rendering (``SecurityError``).
"""

from __future__ import annotations

import operator
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from jinja2 import nodes
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from respgen.errors import Problem

# No value a template makes may be longer than this (characters or items), nor a number larger.
# A letter's longest text is a few thousand characters; this is far beyond any honest use.
MAX_MADE = 100_000


class TemplateSandbox(ImmutableSandboxedEnvironment):
    """A sandboxed environment that also bounds what ``*``, ``**`` and ``+`` can make."""

    intercepted_binops = frozenset({"*", "**", "+"})

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.globals.clear()  # range, lipsum, cycler, joiner, namespace, dict: respgen supplies none of them

    def call_binop(self, context: Any, name: str, left: Any, right: Any) -> Any:
        if name == "**" and _is_number(left) and _is_number(right) and abs(right) > 64:
            raise SecurityError(f"the power {left!r} ** {right!r} is too large for a template")
        if name == "*":
            for size, count in ((left, right), (right, left)):
                if isinstance(size, (str, list, tuple)) and _is_number(count) and len(size) * count > MAX_MADE:
                    raise SecurityError(f"repeating a value {count} times makes more than {MAX_MADE:,} characters")
        result = {"*": operator.mul, "**": operator.pow, "+": operator.add}[name](left, right)
        if isinstance(result, (str, list, tuple)) and len(result) > MAX_MADE:
            raise SecurityError(f"a value made in the template is longer than {MAX_MADE:,} characters")
        return result


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def environment(**options: Any) -> TemplateSandbox:
    """A fresh sandbox for one kind of template (``options`` as for ``jinja2.Environment``)."""
    return TemplateSandbox(**options)


def unsafe_tags(source: str, env: TemplateSandbox | None = None) -> list[tuple[int, str]]:
    """(line, what) for each place in the template ``source`` that reaches past what respgen gives it.

    Raises ``jinja2.TemplateSyntaxError`` if ``source`` does not parse.
    """
    tree = (env or environment()).parse(source)
    found = []
    for node in _walk(tree):
        what = None
        if isinstance(node, nodes.Getattr) and node.attr.startswith("_"):
            what = f"the hidden attribute '{node.attr}'"
        elif isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const) and str(node.arg.value).startswith("_"):
            what = f"the hidden key '{node.arg.value}'"
        elif isinstance(node, nodes.Filter) and node.name == "attr":
            what = "the 'attr' filter, which reaches attributes by name"
        elif isinstance(node, nodes.Getattr) and node.attr in ("format", "format_map") and isinstance(node.node, nodes.Const):
            what = "a format string, which can reach attributes by name"
        if what:
            found.append((node.lineno, what))
    return found


def _walk(node: nodes.Node) -> Iterator[nodes.Node]:
    yield node
    for child in node.iter_child_nodes():
        yield from _walk(child)


def template_line(exc: BaseException, name: str) -> int | None:
    """The line of the template called ``name`` at which ``exc`` was raised, when Jinja's traceback says."""
    line = None
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.endswith(name):
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def template_place(exc: BaseException, folder: Path, name: str) -> tuple[Path, int | None]:
    """(the template file, its line) where ``exc`` was raised: the innermost of ``folder``'s templates in
    Jinja's traceback, so a mistake in a file that ``name`` imports is named in that file."""
    place: tuple[Path, int | None] = (folder / name, None)
    root = str(folder.resolve())
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".html") and (filename.startswith(root) or filename.startswith(str(folder))):
            place = (Path(filename), tb.tb_lineno)
        tb = tb.tb_next
    return place


def file_problems(path: Path, what: str) -> list[Problem]:
    """Every reason the template file at ``path`` (``what``: "the PDF template") cannot be used, with its line."""
    from jinja2 import TemplateSyntaxError

    restore = "Put the file back from the respgen folder's history, or ask whoever looks after respgen."
    try:
        source = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return [Problem(f"{what} is not UTF-8 text", file=path, hint="Save it again as UTF-8.")]
    except OSError as exc:
        return [Problem(f"{what} cannot be read: {exc.strerror}", file=path, hint=restore)]
    try:
        found = unsafe_tags(source)
    except TemplateSyntaxError as exc:
        return [
            Problem(
                f"a tag in {what} is broken: {exc.message}",
                file=path,
                line=exc.lineno,
                hint="Check that every '{{' has its '}}' and every '{%' its '%}'. " + restore,
            )
        ]
    return [
        Problem(
            f"a tag in {what} reaches {reach}, which respgen never gives a template; nothing is built with it",
            file=path,
            line=line,
            hint="Remove it, or put back the office's own template: a template from elsewhere may have been made to do harm.",
        )
        for line, reach in found
    ]
