"""The stack files under examples/, rendered once per test session.

examples/ is the one place the use cases' configurations are written (SSE-KMS, replicas,
adoption, rotation's steps, Secrets Manager, each provider); tests that exercise a use case as
a whole render its example rather than repeating its settings as overrides.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from infra import PROJECT
from infra.offline.harness import Plan, run_stack_file
from infra.offline.stack_files import PROJECT_ROOT, load_yaml

EXAMPLES = PROJECT_ROOT / "examples"
STACK_FILE_GLOB = "Pulumi.*.yaml"


def example_folders() -> list[Path]:
    """Each use case's folder (examples/<case>), sorted."""
    return sorted(p for p in EXAMPLES.iterdir() if p.is_dir())


def example_stack_files() -> list[str]:
    """Every example stack file, as a path relative to examples/ (e.g. `aws-kms/Pulumi.prod.yaml`)."""
    return sorted(str(p.relative_to(EXAMPLES)) for p in EXAMPLES.rglob(STACK_FILE_GLOB))


@functools.cache
def example_plan(relative: str, **overrides: Any) -> Plan:
    """The offline plan of `examples/<relative>`, as if copied beside Pulumi.yaml (cached).
    `overrides` (setting -> value, None removes it) vary one value of the example."""
    return run_stack_file(EXAMPLES / relative, config_overrides=overrides or None)


def example_settings(relative: str) -> dict[str, Any]:
    """The example's `raptscallions-storage:` settings as written (name -> YAML value)."""
    config = load_yaml(EXAMPLES / relative).get("config") or {}
    prefix = f"{PROJECT}:"
    return {key[len(prefix) :]: value for key, value in config.items() if key.startswith(prefix)}


ROTATION_STEP = "rotation/step{}/Pulumi.prod.yaml"
ROTATION_SETTINGS = ("credentials", "activeCredential")


def rotation_step(step: int) -> dict[str, Any]:
    """The two settings rotation step `step` (1-3) sets, from examples/rotation: applied as
    overrides, they rotate any stack that never rotated (generation `default`) to `2027-05`."""
    settings = example_settings(ROTATION_STEP.format(step))
    return {key: settings[key] for key in ROTATION_SETTINGS}
