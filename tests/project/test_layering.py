"""The package's layers, each importing only the layers below it.

From the bottom: the guide's rules; the settings vocabulary (the schema, values, problems,
the `Settings` model); the stack outputs and tags every component uses; the providers (specs,
registry, components); reading a stack's settings (`infra.stack`); the program and, beside it,
the policy pack; then the tools that run them (offline plan, CI, `.env` writer, reference,
validator).
An import within one layer is allowed where it makes no cycle. No module imports another
inside a function, except for the reasons `LAZY_IMPORTS` names (none of which is a cycle:
the cycle test counts lazy imports too).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from infra.offline.stack_files import PROJECT_ROOT
from infra.settings.keys import ALL_KEYS, COMMON_KEYS, PROVIDER_NAMES

INFRA = PROJECT_ROOT / "infra"
POLICIES = PROJECT_ROOT / "policies"

LAYERS: dict[str, int] = {
    "infra": 0,
    "infra.guide": 0,
    "infra.settings": 1,
    "infra.outputs": 2,
    "infra.tags": 2,
    "infra.providers": 3,
    "infra.stack": 4,
    "infra.program": 5,
    "infra.offline": 6,
    "infra.stack_outputs": 6,
    "infra.ci": 7,
    "infra.plan": 7,
    "infra.dotenv": 7,
    "infra.reference": 7,
    "infra.validate": 8,
    "storage_policies": 5,
}
"""Each top-level module or package of the project and its layer, bottom first."""

LAZY_IMPORTS: dict[str, str] = {
    "infra.validate.cli": "boto3 and rich load only when a check runs, not for --help or a CI skip",
    "infra.offline.plan_dump": "imports the checkout under comparison, after putting it first on sys.path",
    "infra.offline.policy_check": "loads the pack from its directory, as `pulumi preview --policy-pack` does",
}
"""Modules that import a project module inside a function, and why it is not a cycle dodged."""


def module_name(path: Path, root: Path = PROJECT_ROOT) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_modules() -> dict[str, Path]:
    modules = {module_name(p): p for p in INFRA.rglob("*.py")}
    modules |= {module_name(p, POLICIES): p for p in (POLICIES / "storage_policies").rglob("*.py")}
    return modules


def imports_of(path: Path, known: set[str]) -> dict[str, bool]:
    """Every project module `path` imports, each with whether some import of it is inside a function."""
    found: dict[str, bool] = {}

    def visit(node: ast.AST, in_function: bool) -> None:
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        for name in names:
            if name in known:
                found[name] = found.get(name, False) or in_function
        inner = in_function or isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
        for child in ast.iter_child_nodes(node):
            visit(child, inner)

    visit(ast.parse(path.read_text()), False)
    return found


def import_graph() -> dict[str, dict[str, bool]]:
    paths = project_modules()
    return {name: {t: lazy for t, lazy in imports_of(path, set(paths)).items() if t != name} for name, path in paths.items()}


def layer_of(module: str) -> tuple[str, int]:
    """The module's entry in `LAYERS`: the longest name that is the module or a package holding it."""
    owner = max((name for name in LAYERS if module == name or module.startswith(name + ".")), key=len)
    return owner, LAYERS[owner]


def upward_imports(graph: dict[str, dict[str, bool]]) -> list[str]:
    found = []
    for module, targets in sorted(graph.items()):
        owner, rank = layer_of(module)
        for target in sorted(targets):
            target_owner, target_rank = layer_of(target)
            if target_rank > rank or (target_rank == rank and target_owner != owner and owner != "infra"):
                found.append(f"{module} ({owner}, layer {rank}) imports {target} ({target_owner}, layer {target_rank})")
    return found


def cycles(graph: dict[str, set[str]] | dict[str, dict[str, bool]]) -> list[list[str]]:
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


def test_every_project_module_has_a_layer() -> None:
    assert [m for m in project_modules() if not any(m == n or m.startswith(n + ".") for n in LAYERS)] == []


def test_no_module_imports_a_layer_above_its_own() -> None:
    assert upward_imports(import_graph()) == []


def test_no_module_imports_one_that_imports_it_back_even_lazily() -> None:
    assert cycles(import_graph()) == []


def test_no_module_imports_inside_a_function_but_those_named_with_their_reason() -> None:
    lazy = {module for module, targets in import_graph().items() if any(targets.values())}
    assert lazy == set(LAZY_IMPORTS)


def test_the_pack_reaches_the_package_without_editing_sys_path() -> None:
    offenders = [str(p.relative_to(PROJECT_ROOT)) for p in POLICIES.rglob("*.py") if "sys.path" in p.read_text()]
    assert offenders == []


def test_the_checks_find_what_they_look_for() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]
    assert upward_imports({"infra.settings.keys": {"infra.providers.registry": False}}) == [
        "infra.settings.keys (infra.settings, layer 1) imports infra.providers.registry (infra.providers, layer 3)"
    ]
    assert upward_imports({"infra.ci.stacks": {"infra.dotenv.cli": False}}) != []
    assert upward_imports({"infra.providers.aws.spec": {"infra.providers.spec": False, "infra.settings.keys": False}}) == []


@pytest.mark.parametrize(
    ("source", "lazy"),
    [("from infra.guide import cors\n", False), ("def f():\n    from infra.guide import cors\n", True)],
)
def test_a_function_level_import_is_told_from_a_module_level_one(tmp_path: Path, source: str, lazy: bool) -> None:
    path = tmp_path / "m.py"
    path.write_text(source)
    assert imports_of(path, {"infra.guide", "infra.guide.cors"}) == {"infra.guide": lazy, "infra.guide.cors": lazy}


def test_importing_the_settings_schema_loads_no_provider_module() -> None:
    code = (
        "import sys, infra.settings.keys, infra.settings.model, infra.settings.problems, infra.settings.values\n"
        "from infra.settings.keys import ALL_KEYS\n"
        "assert ALL_KEYS\n"
        "print(sorted(m for m in sys.modules if m.startswith('infra.providers')))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_the_schema_and_the_registry_name_the_same_providers_and_every_key_once() -> None:
    from infra.providers import registry

    assert set(registry.NAMES) == set(PROVIDER_NAMES)
    names = [key.name for key in ALL_KEYS]
    assert names[: len(COMMON_KEYS)] == [key.name for key in COMMON_KEYS]
    assert len(names) == len(set(names))
    assert all(key.providers and key.providers <= set(PROVIDER_NAMES) for key in ALL_KEYS)


def test_no_test_file_imports_another() -> None:
    """Shared helpers live in support modules and fixtures in conftest.py, where every test finds them."""
    tests = PROJECT_ROOT / "tests"
    found = []
    for path in tests.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.rsplit(".", 1)[-1].startswith("test_"):
                found.append(f"{path.relative_to(PROJECT_ROOT)} imports {node.module}")
    assert found == []
