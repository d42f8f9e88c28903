#!/usr/bin/python3
"""Renders template cases with Python's Jinja2: the reference for genflow's template engine.

Reads one JSON document on stdin:
    {"cases": [{"name": str, "template": str, "context": object,
                "options": {"trim_blocks": bool, "lstrip_blocks": bool,
                            "keep_trailing_newline": bool, "strict": bool, "onex": bool},
                "files": {name: source}}]}
and writes one JSON document on stdout:
    {"results": [{"name": str, "ok": bool, "output": str} |
                 {"name": str, "ok": false, "error": "ExceptionType: message"}]}

Each case gets a fresh Environment (autoescape off, as genflow). `files` are served by a
DictLoader for include/import/from/extends. With `onex`, the filters the original system's
codegen/template_engine.py registers are added, with the original's code.

Run with Debian's /usr/bin/python3 (python3-jinja2 3.1).
"""

import json
import re
import sys
from typing import Any

import jinja2


def register_onex_filters(env: jinja2.Environment) -> None:
    """The original's TemplateEngine._register_custom_filters, verbatim in behaviour."""

    def to_snake_case(text: str) -> str:
        s1 = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", text)
        return re.sub("([a-z0-9])([A-Z])", r"\1_\2", s1).lower()

    def sort_imports(imports: list) -> list:
        return sorted(imports)

    def indent_filter(text: str, spaces: int = 4) -> str:
        indent_str = " " * spaces
        return "\n".join(
            indent_str + line if line.strip() else line for line in text.split("\n")
        )

    def repr_filter(value: Any) -> str:
        return repr(value)

    env.filters["to_snake_case"] = to_snake_case
    env.filters["sort_imports"] = sort_imports
    env.filters["indent"] = indent_filter
    env.filters["repr"] = repr_filter


def render_case(case: dict) -> dict:
    options = case.get("options", {})
    env = jinja2.Environment(
        loader=jinja2.DictLoader(case.get("files", {})),
        trim_blocks=bool(options.get("trim_blocks", False)),
        lstrip_blocks=bool(options.get("lstrip_blocks", False)),
        keep_trailing_newline=bool(options.get("keep_trailing_newline", False)),
        undefined=jinja2.StrictUndefined if options.get("strict") else jinja2.Undefined,
        autoescape=False,
    )
    if options.get("onex"):
        register_onex_filters(env)
    try:
        template = env.from_string(case["template"])
        output = template.render(case.get("context") or {})
    except Exception as exc:  # every failure is a result to compare, never a crash
        return {"name": case["name"], "ok": False, "error": f"{type(exc).__name__}: {exc}"}
    return {"name": case["name"], "ok": True, "output": output}


def main() -> int:
    request = json.load(sys.stdin)
    results = [render_case(case) for case in request["cases"]]
    json.dump({"results": results}, sys.stdout, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
