"""Every regular expression in infra/ and policies/ judges a value whole.

`re.match` anchors only the start, and `$` also matches just before a final newline
(Python's `re` documentation: "$ Matches the end of the string or just before the newline at
the end of the string"). A YAML block scalar (`region: |`) or a quoted `"us-east-1\\n"` delivers
exactly such a value, so `re.match(r"^[a-z]{2}-[a-z]+-\\d$", "us-east-1\\n")` accepted it and the
newline reached resource inputs and `STORAGE_S3_REGION`. This test reads the source of both
packages (AST, nothing imported) and refuses the two shapes that let that happen:

- any `.match(` call (`re.match`, `pattern.match`): use `fullmatch`, or `search` with `\\Z`
  for a deliberate prefix test;
- a `$` anchor in any pattern handed to a `re` function, written inline or compiled once
  (`\\Z` is the end of the string; `fullmatch` needs no anchor).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from infra.offline.stack_files import PROJECT_ROOT

try:  # Python 3.11+: the parser behind re.compile
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - older Pythons
    import sre_parse  # type: ignore[no-redef]

PACKAGES = ("infra", "policies")
RE_FUNCTIONS = frozenset({"compile", "match", "fullmatch", "search", "sub", "subn", "split", "findall", "finditer"})
PLACEHOLDER = "x"
"""Stands for a non-literal part of a pattern (`re.escape(SUFFIX)`, a variable): a plain character."""


def source_files() -> list[Path]:
    files = [path for package in PACKAGES for path in sorted((PROJECT_ROOT / package).rglob("*.py"))]
    assert len(files) > 50, "the walk must see the packages' modules"
    return files


def calls(tree: ast.AST) -> Iterator[ast.Call]:
    return (node for node in ast.walk(tree) if isinstance(node, ast.Call))


def pattern_text(node: ast.expr) -> str:
    """The pattern an expression builds, with non-literal parts replaced by a plain character."""
    if isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes)):
        return node.value if isinstance(node.value, str) else node.value.decode("latin-1")
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return pattern_text(node.left) + pattern_text(node.right)
    if isinstance(node, ast.JoinedStr):
        return "".join(pattern_text(part) if isinstance(part, ast.Constant) else PLACEHOLDER for part in node.values)
    return PLACEHOLDER


def ends_before_newline(pattern: str) -> bool:
    """Whether the pattern holds a `$` anchor (which matches before a final newline)."""

    def walk(item: object) -> bool:
        if isinstance(item, sre_parse.SubPattern):
            return any(walk(part) for part in item)
        if isinstance(item, (tuple, list)):
            if len(item) == 2 and item[0] is sre_parse.AT and item[1] in (sre_parse.AT_END, sre_parse.AT_END_LINE):
                return True
            return any(walk(part) for part in item)
        return False

    return walk(sre_parse.parse(pattern))


def is_re_function(call: ast.Call) -> bool:
    func = call.func
    return (
        isinstance(func, ast.Attribute)
        and func.attr in RE_FUNCTIONS
        and isinstance(func.value, ast.Name)
        and func.value.id == "re"
    )


def violations(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    where = path.relative_to(PROJECT_ROOT)
    found = []
    for call in calls(tree):
        if isinstance(call.func, ast.Attribute) and call.func.attr == "match":
            found.append(f"{where}:{call.lineno}: .match() judges only a prefix; use .fullmatch()")
        if is_re_function(call) and call.args:
            text = pattern_text(call.args[0])
            try:
                anchored = ends_before_newline(text)
            except re.error as error:
                found.append(f"{where}:{call.lineno}: pattern {text!r} cannot be judged ({error}); write it literally")
                continue
            if anchored:
                found.append(f"{where}:{call.lineno}: pattern {text!r} uses $, which matches before a final newline")
    return found


def test_no_regex_in_infra_or_policies_lets_a_final_newline_through() -> None:
    found = [problem for path in source_files() for problem in violations(path)]
    assert found == []


def test_the_walk_sees_the_patterns_it_judges() -> None:
    """The walk is not vacuous: it finds the compiled patterns of the settings and specs."""
    compiled = [
        pattern_text(call.args[0])
        for path in source_files()
        for call in calls(ast.parse(path.read_text(encoding="utf-8")))
        if is_re_function(call) and call.func.attr == "compile" and call.args  # type: ignore[attr-defined]
    ]
    assert len(compiled) >= 20
    assert r"[0-9a-f]{24}" in compiled  # the B2 bucket id, infra/providers/backblaze/spec.py


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('import re\nre.match(r"[a-z]+", value)\n', ".match()"),
        ('import re\nNAME = re.compile(r"^[a-z]+$")\nNAME.fullmatch(value)\n', "uses $"),
        ('import re\nre.search(r"https://x" + re.escape(suffix) + "/?$", value)\n', "uses $"),
        ('import re\nre.fullmatch(f"{prefix}[a-z]+$", value)\n', "uses $"),
        ('import re\nNAME = re.compile(r"[a-z]+")\nNAME.match(value)\n', ".match()"),
    ],
)
def test_the_walk_refuses_each_shape(tmp_path: Path, source: str, expected: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(f"{__name__}.PROJECT_ROOT", tmp_path)
    path = tmp_path / "module.py"
    path.write_text(source)
    [problem] = violations(path)
    assert expected in problem


@pytest.mark.parametrize(
    "source",
    [
        'import re\nre.fullmatch(r"[a-z]+", value)\n',
        'import re\nre.search(r"[a-z]+\\Z", value)\n',
        'import re\nre.sub(r"\\$\\{", "", value)\n',  # an escaped dollar is a character, not an anchor
        'import re\nre.search(r"[$]", value)\n',
    ],
)
def test_the_walk_accepts_whole_value_shapes(tmp_path: Path, source: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(f"{__name__}.PROJECT_ROOT", tmp_path)
    path = tmp_path / "module.py"
    path.write_text(source)
    assert violations(path) == []


def test_python_dollar_really_matches_before_a_final_newline() -> None:
    """The premise of the rule, on this interpreter: what the walk refuses is a real hole."""
    assert re.match(r"^[a-z]{2}-[a-z]+-\d$", "us-east-1\n")
    assert re.fullmatch(r"[a-z]{2}-[a-z]+-\d", "us-east-1\n") is None
    assert re.fullmatch(r"[a-z]{2}-[a-z]+-\d$", "us-east-1\n") is None
