#!/usr/bin/env python3
"""Create (once) the virtualenv that runs LocalStack for the validator's tests.

LocalStack needs Python >= 3.12, newer than the project's own; it gets its own
virtualenv from the pinned `requirements-localstack.txt`. The venv lives outside the
work tree (so fresh clones and CI runs on the same machine reuse it), named by a hash
of the pins and the interpreter, and is marked complete only after a successful
install, so an interrupted install is redone rather than trusted.

    python3 scripts/localstack_venv.py          # create if needed, print its python
    python3 scripts/localstack_venv.py --check  # print its python, or exit 1

Without any Python >= 3.12 it prints why and exits 0: the LocalStack tests then skip.
Stdlib only; the tests import `existing_python()` from here.
"""

from __future__ import annotations

import fcntl
import glob
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REQUIREMENTS = ROOT / "requirements-localstack.txt"
MIN_VERSION = (3, 12)
STAMP = ".complete"


def _version(python: str) -> tuple | None:
    try:
        out = subprocess.run(
            [python, "-c", "import sys; print(sys.version_info[0], sys.version_info[1])"],
            capture_output=True,
            text=True,
            timeout=20,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    parts = out.stdout.split()
    return (int(parts[0]), int(parts[1])) if out.returncode == 0 and len(parts) == 2 else None


def find_python() -> str | None:
    """A Python >= 3.12: $LOCALSTACK_PYTHON, pyenv's versions, or python3.1x on PATH."""
    candidates = []
    if os.environ.get("LOCALSTACK_PYTHON"):
        candidates.append(os.environ["LOCALSTACK_PYTHON"])
    pyenv = shutil.which("pyenv")
    roots = [os.environ.get("PYENV_ROOT", ""), os.path.expanduser("~/.pyenv")]
    if pyenv:
        done = subprocess.run([pyenv, "root"], capture_output=True, text=True)
        roots.insert(0, done.stdout.strip())
    for root in filter(None, roots):
        candidates += sorted(glob.glob(os.path.join(root, "versions", "3.1[2-9]*", "bin", "python")), reverse=True)
    candidates += list(filter(None, (shutil.which(f"python3.{minor}") for minor in (13, 12, 14))))
    for python in candidates:
        version = _version(python)
        if version and version >= MIN_VERSION:
            return python
    return None


def venv_dir(python: str) -> Path:
    """Where the venv for these pins and this interpreter lives ($LOCALSTACK_VENV overrides)."""
    if os.environ.get("LOCALSTACK_VENV"):
        return Path(os.environ["LOCALSTACK_VENV"])
    digest = hashlib.sha256(REQUIREMENTS.read_bytes() + os.path.realpath(python).encode()).hexdigest()[:12]
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "raptscallions-storage" / f"localstack-{digest}"


def existing_python() -> Path | None:
    """The venv's python when the venv is complete; None otherwise (nothing is installed)."""
    python = find_python()
    if python is None:
        return None
    venv = venv_dir(python)
    candidate = venv / "bin" / "python"
    return candidate if (venv / STAMP).exists() and candidate.exists() else None


def ensure() -> Path | None:
    """Create the venv unless it is complete; its python, or None without Python >= 3.12."""
    python = find_python()
    if python is None:
        return None
    venv = venv_dir(python)
    venv.parent.mkdir(parents=True, exist_ok=True)
    with open(venv.parent / f"{venv.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another run creating it: wait, then reuse
        if (venv / STAMP).exists():
            return venv / "bin" / "python"
        shutil.rmtree(venv, ignore_errors=True)
        subprocess.run([python, "-m", "venv", str(venv)], check=True)
        subprocess.run(
            [
                str(venv / "bin" / "python"),
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "-r",
                str(REQUIREMENTS),
            ],
            check=True,
        )
        (venv / STAMP).write_text(REQUIREMENTS.read_text())
    return venv / "bin" / "python"


def main(argv: list) -> int:
    if "--check" in argv:
        python = existing_python()
        print(python or "LocalStack venv not created: run python3 scripts/localstack_venv.py")
        return 0 if python else 1
    python = ensure()
    if python is None:
        print("No Python >= 3.12 found (pyenv, python3.12+ on PATH or $LOCALSTACK_PYTHON): LocalStack tests will skip.")
        return 0
    print(python)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
