#!/usr/bin/env python3
"""Install (once) the app's own npm packages, so the tests can judge our outputs with them.

The RaptScallions app reads its `.env` with Node's `dotenv` and talks to storage with the
AWS SDK for JavaScript v3 (`@aws-sdk/client-s3`, `@aws-sdk/s3-request-presigner`). Those
packages, pinned to the app's versions in `tests/js/package.json` and its lock file, are
installed with `npm ci` into a folder outside the work tree (so fresh clones and CI runs
on the same machine reuse it), named by a hash of the manifest, the lock and node's version,
and marked complete only after a successful install.

    python3 scripts/node_packages.py          # install if needed, print the folder
    python3 scripts/node_packages.py --check  # print the folder, or exit 1

Stdlib only; the tests import `existing_dir()` and `NODE` from here.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE_DIR = ROOT / "tests" / "js"
MANIFESTS = ("package.json", "package-lock.json")
STAMP = ".complete"
NODE = shutil.which("node") or "node"
NPM = shutil.which("npm") or "npm"


def _node_version() -> str:
    try:
        done = subprocess.run([NODE, "--version"], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


def install_dir() -> Path:
    """Where these pins are installed for this node ($RAPTSCALLIONS_NODE_DIR overrides)."""
    if os.environ.get("RAPTSCALLIONS_NODE_DIR"):
        return Path(os.environ["RAPTSCALLIONS_NODE_DIR"])
    digest = hashlib.sha256()
    for name in MANIFESTS:
        digest.update((PACKAGE_DIR / name).read_bytes())
    digest.update(_node_version().encode())
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "raptscallions-storage" / f"node-{digest.hexdigest()[:12]}"


def existing_dir() -> Path | None:
    """The folder holding `node_modules` when the install is complete; None otherwise."""
    folder = install_dir()
    return folder if (folder / STAMP).exists() and (folder / "node_modules").is_dir() else None


def ensure() -> Path:
    """Install the pinned packages unless already complete; the folder holding `node_modules`."""
    if not _node_version():
        raise SystemExit("node_packages: Node.js not found; install it (apt-get install nodejs npm)")
    folder = install_dir()
    folder.parent.mkdir(parents=True, exist_ok=True)
    with open(folder.parent / f"{folder.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another run installing: wait, then reuse
        if (folder / STAMP).exists():
            return folder
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        for name in MANIFESTS:
            shutil.copyfile(PACKAGE_DIR / name, folder / name)
        subprocess.run(
            [NPM, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=folder, check=True, timeout=600
        )
        (folder / STAMP).write_text(_node_version())
    return folder


def main(argv: list) -> int:
    if "--check" in argv:
        folder = existing_dir()
        print(folder or "node packages not installed: run python3 scripts/node_packages.py")
        return 0 if folder else 1
    print(ensure())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
