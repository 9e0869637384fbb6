"""Run the real program for a stack and also export what its component hands over."""

from __future__ import annotations

from pathlib import Path

from infra.offline.harness import Plan, run_plan
from infra.offline.stack_files import PROJECT_ROOT

PROBE_MAIN = """import pulumi
from infra.program import main
storage = main()
pulumi.export('componentSecret', storage.access.secret_access_key)
pulumi.export('componentKeyId', storage.access.access_key_id)
"""


def probe_plan(stack: str, project_dir: Path) -> Plan:
    """The stack's plan with two extra outputs straight from `StorageAccess` (no contract wrapping).

    The offline fakes do not mark provider secret outputs secret as the engine would, so
    `componentSecret` is secret only if the component made it so.
    """
    for name in ("Pulumi.yaml", f"Pulumi.{stack}.yaml"):
        (project_dir / name).write_text((PROJECT_ROOT / name).read_text())
    (project_dir / "__main__.py").write_text(PROBE_MAIN)
    return run_plan(stack, project_dir=project_dir)
