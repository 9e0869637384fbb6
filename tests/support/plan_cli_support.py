"""`python -m infra.plan` run in a copy of the project, as a user runs it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from infra.offline.stack_files import PROJECT_ROOT

PROD_AWS = {
    "raptscallions-storage:provider": "aws",
    "raptscallions-storage:bucketName": "raptscallions-prod",
    "raptscallions-storage:region": "us-east-1",
    "raptscallions-storage:environment": "prod",
    "raptscallions-storage:corsAllowedOrigins": ["https://app.example.com"],
}
"""A production AWS stack's settings, for throwaway projects that change one of them."""


def run_plan_cli(*args: str) -> subprocess.CompletedProcess[str]:
    """`python -m infra.plan ARGS` from the project root, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "infra.plan", *args],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def copy_project(tmp_path: Path, stack_config: dict) -> Path:
    """A throwaway project dir: the real program and Pulumi.yaml with one custom stack."""
    shutil.copy(PROJECT_ROOT / "Pulumi.yaml", tmp_path / "Pulumi.yaml")
    shutil.copy(PROJECT_ROOT / "__main__.py", tmp_path / "__main__.py")
    (tmp_path / "Pulumi.broken.yaml").write_text(yaml.safe_dump({"config": stack_config}))
    return tmp_path
