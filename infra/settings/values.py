"""Turning raw config values into Python values of a key's declared kind.

Pulumi hands a program every config value as a string (lists and maps as JSON); the
offline harness and tests may pass native values. Both are accepted; anything else
becomes a problem naming the key, never an exception.

Every piece of text (a string setting, a list item, a map key or value, a credential name) is
judged whole before any rule sees it: whitespace at either end or a control, format or line
separator character anywhere is refused. A YAML block scalar (`region: |`) or `"us-east-1\n"`
delivers a final newline, and no setting means one: passed on, it reached resource inputs and
the app's `STORAGE_*` outputs (`'us-east-1\n'`), or made a replica "in another region" that is
the bucket's own region plus a newline.
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any

from infra.settings.keys import SettingKey

_INTEGER = re.compile(r"[+-]?\d{1,19}")
_INVISIBLE = frozenset({"Cc", "Cf", "Zl", "Zp"})
"""Unicode categories no setting holds anywhere: controls (tab, newline), format characters
(zero-width space, BOM, bidi marks) and the line and paragraph separators."""


class ValueProblem(Exception):
    """A raw value that does not fit its key's kind; the message says what was expected."""


def convert(key: SettingKey, raw: Any) -> Any:
    """`raw` as the kind `key` declares; ValueProblem when it cannot be."""
    if key.kind == "array" and key.items == "object":
        return _object_array(raw)
    if key.kind == "array" and key.own_text_rule:
        return _array(raw, judge=False)
    value = _CONVERTERS[key.kind](raw)
    if key.kind == "integer" and (problem := key.range_problem(value)):
        raise ValueProblem(problem)
    return value


def text_problem(text: str) -> str | None:
    """Why `text` is not a whole value (surrounding whitespace, an invisible character), or None."""
    edges = text[:1] + text[-1:]
    if any(ch.isspace() or unicodedata.category(ch) in _INVISIBLE or unicodedata.category(ch) == "Zs" for ch in edges):
        return (
            f"{_describe(text)} starts or ends with whitespace or a line break (a YAML block scalar `|` keeps "
            "a final newline); write the value alone on the line, e.g. `key: value`, or quote it without the space"
        )
    hidden = next((ch for ch in text if unicodedata.category(ch) in _INVISIBLE), None)
    if hidden is not None:
        return f"{_describe(text)} holds the invisible character U+{ord(hidden):04X}; remove it"
    return None


def _text(raw: str) -> str:
    problem = text_problem(raw)
    if problem:
        raise ValueProblem(problem)
    return raw


def _string(raw: Any) -> str:
    if isinstance(raw, str):
        return _text(raw)
    if isinstance(raw, bool) or not isinstance(raw, (int, float)):
        raise ValueProblem(f"must be a string, not {_describe(raw)}")
    return str(raw)


def _integer(raw: Any) -> int:
    if isinstance(raw, bool):
        raise ValueProblem(f"must be a whole number, not {_describe(raw)}")
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    if isinstance(raw, str) and _INTEGER.fullmatch(raw.strip()):
        return int(raw.strip())
    raise ValueProblem(f"must be a whole number, not {_describe(raw)}")


def _boolean(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.strip().lower() in ("true", "false"):
        return raw.strip().lower() == "true"
    raise ValueProblem(f"must be true or false, not {_describe(raw)}")


def _array(raw: Any, judge: bool = True) -> list[str]:
    value = _json_if_string(raw, "a list such as [\"https://app.example.com\"]")
    if not isinstance(value, list):
        raise ValueProblem(f"must be a list of strings, not {_describe(raw)}")
    if not all(isinstance(item, str) for item in value):
        raise ValueProblem("must be a list of strings; every item must be quoted text")
    return [_text(item) for item in value] if judge else list(value)


def _object_array(raw: Any) -> list[dict[str, str]]:
    value = _json_if_string(raw, "a list such as [{\"name\": \"2026-11\"}]")
    if not isinstance(value, list):
        raise ValueProblem(f"must be a list of objects such as [{{name: 2026-11}}], not {_describe(raw)}")
    items = []
    for item in value:
        if not isinstance(item, dict) or not all(isinstance(k, str) and _is_text(v) for k, v in item.items()):
            raise ValueProblem(f"every item must be an object of text fields such as {{name: 2026-11}}, not {_describe(item)}")
        items.append({_text(k): _text(str(v)) for k, v in item.items()})
    return items


def _is_text(value: Any) -> bool:
    """Text, or a whole number YAML read from an unquoted name such as `2027`."""
    return isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool))


def _object(raw: Any) -> dict[str, str]:
    value = _json_if_string(raw, "a map such as {\"team\": \"platform\"}")
    if not isinstance(value, dict):
        raise ValueProblem(f"must be a map of strings, not {_describe(raw)}")
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise ValueProblem("must map strings to strings; quote every key and value")
    return {_text(k): _text(v) for k, v in value.items()}


def _json_if_string(raw: Any, example: str) -> Any:
    if not isinstance(raw, str):
        return raw
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):
        raise ValueProblem(f"must be {example} (JSON in the stack file), not {_describe(raw)}") from None


def _describe(raw: Any) -> str:
    text = repr(raw)
    return text if len(text) <= 60 else text[:57] + "..."


_CONVERTERS = {
    "string": _string,
    "integer": _integer,
    "boolean": _boolean,
    "array": _array,
    "object": _object,
}
