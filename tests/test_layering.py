"""The package's layers: the guide's rules, then the settings vocabulary (keys, model,
problems, values), then the provider specs and their registry, then what joins them
(settings parsing, components, the program). Each layer imports only those below it, so
no module imports, even lazily, one that imports it back."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from infra.settings.keys import ALL_KEYS
from infra.offline.stack_files import PROJECT_ROOT

INFRA = PROJECT_ROOT / "infra"
SETTINGS_VOCABULARY = ("infra.settings.keys", "infra.settings.model", "infra.settings.problems", "infra.settings.values")


def module_name(path: Path) -> str:
    parts = path.relative_to(PROJECT_ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, known: set[str]) -> set[str]:
    """Every infra module `path` imports, at module level or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        found |= {name for name in names if name in known}
    return found


def import_graph() -> dict[str, set[str]]:
    paths = {module_name(p): p for p in INFRA.rglob("*.py")}
    return {name: imports_of(path, set(paths)) - {name} for name, path in paths.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    found, state = [], {}

    def visit(node: str, stack: list[str]) -> None:
        state[node] = "open"
        for target in sorted(graph.get(node, ())):
            if state.get(target) == "open":
                found.append([*stack[stack.index(target):], target])
            elif target not in state:
                visit(target, [*stack, target])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    return found


def test_no_infra_module_imports_one_that_imports_it_back() -> None:
    assert cycles(import_graph()) == []


def test_the_cycle_finder_finds_a_lazy_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]


def test_the_settings_vocabulary_imports_no_provider_module() -> None:
    graph = import_graph()
    for name in SETTINGS_VOCABULARY:
        assert not any(target.startswith("infra.providers") for target in graph[name]), name


def test_importing_settings_keys_and_listing_every_key_loads_no_provider_registry() -> None:
    code = (
        "import sys, infra.settings, " + ", ".join(SETTINGS_VOCABULARY) + "\n"
        "from infra.settings.keys import COMMON_KEYS\n"
        "assert COMMON_KEYS\n"
        "print(sorted(m for m in sys.modules if m.startswith('infra.providers')))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_every_key_is_listed_by_the_registry_once() -> None:
    from infra.providers import registry
    from infra.settings.keys import COMMON_KEYS

    names = [key.name for key in ALL_KEYS]
    assert names[: len(COMMON_KEYS)] == [key.name for key in COMMON_KEYS]
    assert len(names) == len(set(names))
    assert {key.name for spec in registry.all_specs() for key in spec.option_keys} <= set(names)
