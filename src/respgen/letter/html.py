"""The Jinja environment the letter's HTML templates are filled in: the PDF's and the web page's.

Both templates draw the same ``Letter`` with the same filters and tests, and
share the macros in ``templates/letter-text.html`` that turn the text markup
into HTML, so the PDF and the web page cannot word or structure a passage
differently. Every value is escaped; the environment is the one sandbox.
"""

from __future__ import annotations

import re
from pathlib import Path

import jinja2
from jinja2.exceptions import SecurityError
from markupsafe import Markup, escape

from respgen import __version__, sandbox, statute
from respgen.accessibility import is_web_address
from respgen.errors import RespgenError
from respgen.letter import markup

_environments: dict[Path, jinja2.Environment] = {}


def environment(templates: Path) -> jinja2.Environment:
    """The sandboxed environment for templates/ (kept for the life of the process)."""
    env = _environments.get(templates)
    if env is None:
        env = sandbox.environment(
            loader=jinja2.FileSystemLoader(str(templates)),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=False,
            auto_reload=True,
        )
        env.filters["breaks"] = _breaks
        env.filters["unbroken"] = _unbroken
        env.filters["css_colour"] = _css_colour
        env.filters["css_string"] = _css_string
        env.filters["url_text"] = _url_text
        env.filters["long_date"] = lambda day: statute.long_date(day) if day else ""
        env.tests["paragraph"] = lambda block: isinstance(block, markup.Paragraph)
        env.tests["list_block"] = lambda block: isinstance(block, markup.List)
        env.tests["quote"] = lambda block: isinstance(block, markup.Quote)
        # Only web links become links: a file: or javascript: address in a response is shown as text.
        env.tests["web_link"] = is_web_address
        _environments[templates] = env
    return env


def render(templates: Path, name: str, what: str, **context) -> str:
    """The template ``name`` in ``templates`` filled with ``context``; ``what`` names it in messages ("PDF template")."""
    env = environment(templates)
    try:
        return env.get_template(name).render(version=__version__, **context)
    except jinja2.TemplateNotFound as exc:
        missing = exc.name or name
        raise RespgenError(
            f"there is no {what} {missing} in templates/",
            file=templates,
            hint="Copy it from the respgen examples into templates/.",
        ) from None
    except jinja2.TemplateSyntaxError as exc:
        raise RespgenError(f"the {what} has a mistake: {exc.message}", file=templates / (exc.name or name), line=exc.lineno) from None
    except jinja2.UndefinedError as exc:
        file, line = sandbox.template_place(exc, templates, name)
        raise RespgenError(
            f"the {what} uses something the letter does not have: {exc.message}", file=templates / file.name, line=line
        ) from None
    except SecurityError as exc:
        file, line = sandbox.template_place(exc, templates, name)
        raise RespgenError(
            f"a tag in the {what} tries to reach something respgen does not give it ({exc}); nothing was built",
            file=templates / file.name,
            line=line,
            hint="Remove that tag, or put back the office's own template: a template from elsewhere may have been made to do harm.",
        ) from None


_HYPHENATED = re.compile(r"\S+-\S+")


def _unbroken(text: str) -> Markup:
    """``text`` with each hyphenated word kept on one line ("Dyfed-Powys" is a name, not two)."""
    text = str(text)
    out, at = [], 0
    for found in _HYPHENATED.finditer(text):
        out += [escape(text[at : found.start()]), Markup('<span class="unbroken">'), escape(found.group(0)), Markup("</span>")]
        at = found.end()
    out.append(escape(text[at:]))
    return Markup("").join(out)


def _breaks(text: str) -> Markup:
    """Escaped text whose line breaks (a Markdown hard break) become <br>."""
    return Markup("<br>").join(escape(part) for part in str(text).split("\n"))


def _css_colour(value: str) -> Markup:
    # The model already insists on #RRGGBB; this keeps anything else out of the <style>.
    return Markup(value) if re.fullmatch(r"#[0-9A-Fa-f]{6}", str(value)) else Markup("#000000")


def _css_string(text: str) -> Markup:
    """``text`` as a quoted CSS string, safe inside <style> (which HTML never unescapes)."""
    escaped = "".join(c if c.isalnum() or c in " .,;:!?()’'-–" else f"\\{ord(c):x} " for c in str(text))
    return Markup(f'"{escaped}"')


def _url_text(text: str) -> Markup:
    """``text`` as the text of an SVG inside a data: address in CSS: XML-escaped, then percent-encoded."""
    from urllib.parse import quote

    return Markup(quote(str(escape(text)), safe=""))
