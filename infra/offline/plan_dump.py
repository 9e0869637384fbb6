"""Run in another checkout: plan one stack with *that* checkout's code, write it as JSON.

`infra.offline.base_plan` runs this file (by path, with the checkout first on sys.path), so
it imports nothing of the checkout it comes from; it only needs `run_plan(stack)` from the
other one, an interface every revision of this package has. Fields a revision's records
lack are written as their defaults. The file holds values unmasked but marks which are
secret; it is created with mode 0600 in a private temporary directory and read back by the
caller, never printed.

Usage: python plan_dump.py CHECKOUT STACK OUT_FILE
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys
from typing import Any


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, frozenset | set):
        return sorted(_plain(v) for v in value)
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def _alias(alias: Any) -> dict[str, Any]:
    fields = ("urn", "name", "type", "stack", "project", "parent_urn", "no_parent")
    return {f: getattr(alias, f) for f in fields if hasattr(alias, f)}


def _resource(r: Any) -> dict[str, Any]:
    return {
        "urn": r.urn,
        "type": r.type,
        "name": r.name,
        "inputs": _plain(r.inputs),
        "parent": r.parent,
        "protect": bool(r.protect),
        "custom": bool(getattr(r, "custom", True)),
        "provider": getattr(r, "provider", ""),
        "import_id": getattr(r, "import_id", ""),
        "dependencies": list(getattr(r, "dependencies", ())),
        "secret_inputs": sorted(getattr(r, "secret_inputs", ())),
        "additional_secret_outputs": list(getattr(r, "additional_secret_outputs", ())),
        "delete_before_replace": bool(getattr(r, "delete_before_replace", False)),
        "aliases": [_alias(a) for a in getattr(r, "aliases", ())],
    }


def main(checkout: str, stack: str, out: str) -> int:
    sys.path[0] = checkout  # was this file's directory: nothing of this checkout is importable
    os.chdir(checkout)
    from infra.offline.harness import run_plan  # the checkout's own code

    with contextlib.redirect_stdout(io.StringIO()):  # the program's prints never reach our output
        plan = run_plan(stack)
    document = {
        "stack": plan.stack,
        "error": plan.error,
        "resources": [_resource(r) for r in plan.resources],
        "outputs": _plain(plan.outputs),
        "secret_outputs": sorted(plan.secret_outputs),
    }
    descriptor = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        json.dump(document, handle)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
