"""The response file's JSON Schema, made from the model, for editors that check YAML as it is typed.

VS Code (with the YAML extension) and other editors read the schema named in a
file's first line (``# yaml-language-server: $schema=...``): they then complete
keys, show each key's meaning and flag a misspelt key before respgen is run.
The schema is a guide for the editor; respgen's own reading stays the authority.
"""

from __future__ import annotations

import json
from typing import Any

from respgen.accessibility import LANGUAGES
from respgen.reading.model import PROGRESS_WORDS, Response

FILE_NAME = "response.schema.json"


def response_schema() -> dict[str, Any]:
    schema = Response.model_json_schema()
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "respgen response file",
        "description": "A Police and Crime Commissioner's response to an HMICFRS inspection report (Police Act 1996, s.55).",
        **{key: value for key, value in schema.items() if key != "title"},
    }
    _accept_progress_words(schema)
    _accept_languages(schema)
    return schema


def text() -> str:
    """The schema as the file respgen writes: the same bytes every time."""
    return json.dumps(response_schema(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def _accept_progress_words(schema: dict) -> None:
    # respgen reads "ongoing" as "in progress" and ignores case: the editor must not flag what respgen accepts.
    words = sorted({*PROGRESS_WORDS, *(w for ws in PROGRESS_WORDS.values() for w in ws)})

    def visit(node: Any) -> None:
        if isinstance(node, dict):
            enum = node.get("enum")
            if enum and "in progress" in enum:
                node["enum"] = sorted({*enum, *words, *(w[0].upper() + w[1:] for w in [*enum, *words])})
            elif enum and "requires improvement" in enum:
                node["enum"] = sorted({*enum, *(w[0].upper() + w[1:] for w in enum), *(w.title() for w in enum)})
            for child in node.values():
                visit(child)
        elif isinstance(node, list):
            for child in node:
                visit(child)

    visit(schema)


def _accept_languages(schema: dict) -> None:
    # Any text may be written once or per language ({en: ..., cy: ...}); see reading/languages.py.
    def visit(node: Any) -> Any:
        if isinstance(node, dict):
            node = {key: visit(value) for key, value in node.items()}
            if node.get("type") == "string" and "format" not in node and "enum" not in node:
                return {"anyOf": [node, {"type": "object", "properties": {code: node for code in LANGUAGES},
                                         "additionalProperties": False, "minProperties": 1}]}
            return node
        if isinstance(node, list):
            return [visit(child) for child in node]
        return node

    schema.update(visit({key: value for key, value in schema.items() if key not in ("$schema", "title", "description")}))
