"""No infra module uses a name another infra module keeps private (`_name`).

A leading underscore says "only this module relies on me": its author may rename or change
it without looking elsewhere. A module that needs such a name gets a public one instead
(as backblaze/b2_api.py gives replication.py `authorized_api`, `b2_call`, `find_bucket`).
"""

from __future__ import annotations

import ast

from infra.offline.stack_files import PROJECT_ROOT

INFRA = PROJECT_ROOT / "infra"


def is_private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def private_uses(source: str) -> list[str]:
    """`module: name` for each private name `source` takes from an infra module, whether
    imported by name or read as an attribute of an imported infra module."""
    tree = ast.parse(source)
    modules: dict[str, str] = {}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("infra"):
            for alias in node.names:
                if is_private(alias.name):
                    found.append(f"{node.module}: {alias.name}")
                else:
                    modules[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("infra") and alias.asname:
                    modules[alias.asname] = alias.name
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in modules
            and is_private(node.attr)
        ):
            found.append(f"{modules[node.value.id]}: {node.attr}")
    return found


def test_no_infra_module_takes_another_modules_private_name() -> None:
    found = {
        str(path.relative_to(PROJECT_ROOT)): uses
        for path in sorted(INFRA.rglob("*.py"))
        if (uses := private_uses(path.read_text(encoding="utf-8")))
    }
    assert found == {}


def test_the_finder_sees_both_ways_of_taking_a_private_name() -> None:
    source = (
        "from infra.providers.backblaze.b2_api import _credentials, b2_call\n"
        "from infra.providers.backblaze import b2_api\n"
        "b2_api._scrub('x')\n"
        "b2_api.authorized_api()\n"
    )
    assert private_uses(source) == [
        "infra.providers.backblaze.b2_api: _credentials",
        "infra.providers.backblaze.b2_api: _scrub",
    ]
