"""A throwaway git repository holding this package's tracked files, for plans `--against` a ref."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from infra.offline.stack_files import PROJECT_ROOT


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True, env=env).stdout


def repository_copy(tmp_path: Path) -> Path:
    """This package's tracked files, committed in a fresh repository."""
    files = git(PROJECT_ROOT, "ls-files").splitlines()
    for name in files:
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes((PROJECT_ROOT / name).read_bytes())
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "shipped")
    return tmp_path


def plan_against(repo: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """`python -m infra.plan --stack prod --against HEAD~1 ARGS` in `repo`, with extra environment."""
    return subprocess.run([sys.executable, "-m", "infra.plan", "--stack", "prod", "--against", "HEAD~1", *args],
                          cwd=repo, capture_output=True, text=True, timeout=300, env={**os.environ, **env})


def venv_shim(root: Path) -> Path:
    """`root/.venv/bin/python` running this interpreter (the suite's venv, as `make install` makes
    it), so workflow and Makefile commands run as written; returns the shim."""
    python = root / ".venv" / "bin" / "python"
    python.parent.mkdir(parents=True, exist_ok=True)
    python.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    python.chmod(0o755)
    return python
