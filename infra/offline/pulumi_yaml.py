"""Reading a stack or project file the way the Pulumi CLI reads it, bounded by construction.

Pulumi reads `Pulumi.<stack>.yaml` with Go's `gopkg.in/yaml.v3` and unmarshals each config
value first into a Go string: a scalar then arrives in the program as its source text,
exactly as written (`1:00` stays "1:00", `yes` stays "yes", `010` stays "010"). A list or
map is decoded into Go values (v3's YAML 1.2 core rules plus its few 1.1 leftovers: `0777`
octals, `_` digit separators) and passed as JSON. `read_file` reproduces both, so the
offline plan and `pulumi up` see the same strings; no PyYAML 1.1 resolution is involved.

A stack file may come from a fork's pull request, so reading it is bounded before any
object is built: at most `MAX_BYTES`, regular files only, no anchors or aliases (no alias
bomb), nesting at most `MAX_DEPTH` deep, no integer beyond 64 bits, no duplicate keys.
Every refusal is a `YamlFileError` naming the file and line.
"""

from __future__ import annotations

import json
import math
import os
import re
import stat
from pathlib import Path
from typing import Any

import yaml

MAX_BYTES = 64 * 1024
"""Far above any real stack file (a few KiB; 64 KiB holds hundreds of secrets), small enough that
PyYAML parses the worst such file in about 0.2 s on a loaded 2-core machine."""
MAX_DEPTH = 32
"""Nesting levels allowed; the deepest real setting (credential objects in a list) uses 4."""

PLAIN = "!plain"
"""The tag our resolver gives an untagged plain scalar: Go resolves it, PyYAML does not."""
_STR = "tag:yaml.org,2002:str"
_ALLOWED_TAGS = frozenset({_STR, "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"})

_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_FLOATS = {
    ".inf": math.inf, ".Inf": math.inf, ".INF": math.inf, "+.inf": math.inf, "+.Inf": math.inf, "+.INF": math.inf,
    "-.inf": -math.inf, "-.Inf": -math.inf, "-.INF": -math.inf, ".nan": math.nan, ".NaN": math.nan, ".NAN": math.nan,
}
_YAML_STYLE_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_DIGITS = {2: re.compile(r"[01]+"), 8: re.compile(r"[0-7]+"), 10: re.compile(r"[0-9]+"), 16: re.compile(r"[0-9a-fA-F]+")}
_INTEGER_LIKE = re.compile(r"[-+]?[0-9][0-9_]*")
_TIMESTAMP_LIKE = re.compile(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt ].*)?")
_DATE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
_INT64 = (-(2**63), 2**63 - 1)
_UINT64_MAX = 2**64 - 1


class YamlFileError(ValueError):
    """The file cannot be read as Pulumi would; the message names the file, the line and the fix."""


def read_file(path: Path) -> Any:
    """The file's document as Go's yaml.v3 decodes it into `interface{}` (None when empty).

    Config values still need `config_string` to become what the CLI hands the program.
    """
    node = compose(path)
    return None if node is None else _go_value(node, path)


def compose(path: Path) -> yaml.Node | None:
    """The file's single YAML document as a node tree, within the limits above."""
    text = _read_text(path)
    loader = None
    try:
        loader = _BoundedLoader(text)
        return loader.get_single_node()
    except _Refused as refused:
        raise YamlFileError(f"{path.name}{_line(refused.mark)}: {refused.reason}") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise YamlFileError(f"{path.name}{_line(mark)} is not valid YAML: {problem}") from None
    except RecursionError:  # pragma: no cover - MAX_DEPTH refuses long before Python's limit
        raise YamlFileError(f"{path.name}: nested too deeply") from None
    finally:
        if loader is not None:
            loader.dispose()


def mapping_items(node: yaml.Node, path: Path, what: str) -> list[tuple[str, yaml.Node]]:
    """A mapping node's (key text, value node) pairs, keys as Go reads them into strings."""
    if not isinstance(node, yaml.MappingNode):
        raise YamlFileError(f"{path.name}{_line(node.start_mark)}: {what} must be a mapping")
    items: list[tuple[str, yaml.Node]] = []
    seen: set[str] = set()
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            raise YamlFileError(f"{path.name}{_line(key_node.start_mark)}: a key in {what} must be plain text")
        key = key_node.value
        if key in seen:
            raise YamlFileError(f"{path.name}{_line(key_node.start_mark)}: {key!r} is defined twice in {what}; keep one")
        seen.add(key)
        items.append((key, value_node))
    return items


def config_string(node: yaml.Node, path: Path) -> str:
    """What the CLI passes the program for one config value: a scalar's source text, or JSON."""
    if isinstance(node, yaml.ScalarNode):
        _refuse_huge_integer(node, path)
        if node.tag == PLAIN and node.value in _NULLS:
            return ""
        return node.value
    value = _go_value(node, path)
    try:
        return json.dumps(_json_ready(value), separators=(",", ":"), sort_keys=True, allow_nan=False)
    except ValueError:
        raise YamlFileError(
            f"{path.name}{_line(node.start_mark)}: .inf and .nan cannot be passed to the program (Pulumi cannot "
            "marshal them as JSON); quote the value"
        ) from None


def secure_value(node: yaml.Node) -> str | None:
    """The ciphertext of a `{secure: ...}` value, or None for any other value."""
    if isinstance(node, yaml.MappingNode) and len(node.value) == 1:
        key, value = node.value[0]
        if isinstance(key, yaml.ScalarNode) and key.value == "secure" and isinstance(value, yaml.ScalarNode):
            return value.value
    return None


def _read_text(path: Path) -> str:
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise YamlFileError(f"{path.name} not found in {path.parent}") from None
    except OSError as error:
        raise YamlFileError(f"{path.name} cannot be read: {error.strerror or type(error).__name__}") from None
    if stat.S_ISDIR(info.st_mode):
        raise YamlFileError(f"{path.name} is a directory, not a stack file; remove or rename it")
    if not stat.S_ISREG(info.st_mode):
        raise YamlFileError(f"{path.name} is not a regular file (a device, pipe or socket); replace it with a YAML file")
    if info.st_size > MAX_BYTES:
        raise YamlFileError(f"{path.name} is {info.st_size} bytes; stack files are at most {MAX_BYTES} bytes")
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(descriptor, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                raise YamlFileError(f"{path.name} is not a regular file; replace it with a YAML file")
            data = handle.read(MAX_BYTES + 1)
    except OSError as error:
        raise YamlFileError(f"{path.name} cannot be read: {error.strerror or type(error).__name__}") from None
    if len(data) > MAX_BYTES:
        raise YamlFileError(f"{path.name} is larger than {MAX_BYTES} bytes, the limit for a stack file")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise YamlFileError(f"{path.name} line {line}: not UTF-8 text (byte {data[error.start]:#04x}); save it as UTF-8") from None


class _Refused(Exception):
    def __init__(self, mark: Any, reason: str) -> None:
        super().__init__(reason)
        self.mark = mark
        self.reason = reason


class _BoundedLoader(yaml.SafeLoader):
    """PyYAML's scanner and parser, composing nodes only, with the limits checked per event."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            raise _Refused(event.start_mark, "aliases (*name) are not accepted in stack files; write the value out")
        if getattr(event, "anchor", None) is not None:
            raise _Refused(event.start_mark, "anchors (&name) are not accepted in stack files; write the value out")
        tag = getattr(event, "tag", None)
        if tag not in (None, "!") and tag not in _ALLOWED_TAGS:
            raise _Refused(event.start_mark, f"tag {tag!r} is not accepted in stack files; remove it (quote text)")
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise _Refused(event.start_mark, f"nested more than {MAX_DEPTH} levels deep; no setting needs that")
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        if kind is yaml.ScalarNode:
            return PLAIN if implicit[0] else _STR
        return super().resolve(kind, value, implicit)


def _line(mark: Any) -> str:
    return f" line {mark.line + 1}" if mark is not None else ""


def _go_value(node: yaml.Node, path: Path) -> Any:
    """The node as yaml.v3 decodes it into `interface{}` (map keys as text)."""
    if isinstance(node, yaml.ScalarNode):
        return _resolve_plain(node, path) if node.tag == PLAIN else node.value
    if isinstance(node, yaml.SequenceNode):
        return [_go_value(item, path) for item in node.value]
    return {key: _go_value(value, path) for key, value in mapping_items(node, path, "a map")}


def _resolve_plain(node: yaml.ScalarNode, path: Path) -> Any:
    """yaml.v3's resolve() for an untagged plain scalar."""
    text = node.value
    if text in _NULLS:
        return None
    if text in _BOOLS:
        return _BOOLS[text]
    if text in _FLOATS:
        return _FLOATS[text]
    if not text or text[0] not in "0123456789+-.":
        return text
    if text[0] == ".":
        return _go_float(text, text)
    if _TIMESTAMP_LIKE.fullmatch(text):
        date = _DATE.fullmatch(text)
        if date is None:
            raise YamlFileError(
                f"{path.name}{_line(node.start_mark)}: {text!r} is read as a timestamp by Pulumi; quote it"
            )
        year, month, day = (int(part) for part in date.groups())
        return f"{year:04d}-{month:02d}-{day:02d}T00:00:00Z"
    _refuse_huge_integer(node, path)
    plain = text.replace("_", "")
    number = _go_parse_int(plain)
    if number is not None and (_INT64[0] <= number <= _UINT64_MAX):
        return number
    if _YAML_STYLE_FLOAT.fullmatch(plain):
        value = _go_float(plain, text)
        if value is not text:
            return value
    return text


def _refuse_huge_integer(node: yaml.ScalarNode, path: Path) -> None:
    """A decimal integer beyond 64 bits: Go would pass it on as text, but no setting takes one,
    and building it (Python refuses int() of 4300+ digits) is what a hostile file aims at."""
    if node.tag != PLAIN or not _INTEGER_LIKE.fullmatch(node.value):
        return
    digits = node.value.lstrip("+-").replace("_", "").lstrip("0")
    if len(digits) > 20 or (digits and not _INT64[0] <= int(node.value.replace("_", "")) <= _UINT64_MAX):
        raise YamlFileError(
            f"{path.name}{_line(node.start_mark)}: the integer {_abbreviate(node.value)} does not fit in 64 bits; "
            "no setting takes such a number (quote it if it is text)"
        )


def _go_parse_int(text: str) -> int | None:
    """Go's strconv.ParseInt(text, 0, ...) without the range check (None when not an integer)."""
    sign, body = (text[0], text[1:]) if text[:1] in "+-" else ("", text)
    base = 10
    if body[:2] in ("0x", "0X"):
        base, body = 16, body[2:]
    elif body[:2] in ("0o", "0O"):
        base, body = 8, body[2:]
    elif body[:2] in ("0b", "0B"):
        base, body = 2, body[2:]
    elif len(body) > 1 and body[0] == "0":
        base, body = 8, body[1:]
    if not _DIGITS[base].fullmatch(body) or len(body) > 70:
        return None
    value = int(body, base)
    return -value if sign == "-" else value


def _go_float(plain: str, original: str) -> Any:
    """Go's strconv.ParseFloat: out-of-range values are an error, so the text stays a string."""
    try:
        value = float(plain)
    except ValueError:
        return original
    return original if math.isinf(value) else value


def _json_ready(value: Any) -> Any:
    """Go's json.Marshal writes a whole float64 below 1e21 without a fraction (`1e3` -> 1000)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return int(value)
    if isinstance(value, list):
        return [_json_ready(item) for item in value]
    if isinstance(value, dict):
        return {key: _json_ready(item) for key, item in value.items()}
    return value


def _abbreviate(text: str) -> str:
    return text if len(text) <= 24 else f"{text[:10]}...{text[-4:]} ({len(text)} characters)"
