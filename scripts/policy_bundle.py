"""Build dist/policy-pack: the policy pack as Pulumi runs or publishes it, self-contained.

The pack (policies/) imports this repository's `infra` package as an installed dependency,
never through sys.path. The bundle is the pack's files, the package's wheel in `wheels/`, and
a requirements.txt naming the pack's pins plus the package, found in `wheels/` (pip resolves a
requirements file's `--find-links` against the file's own directory). So
`pulumi preview --policy-pack dist/policy-pack` and `pulumi policy publish dist/policy-pack`
install it the same way from anywhere.

Usage: python scripts/policy_bundle.py [OUTPUT_DIR]   (default: dist/policy-pack)
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POLICIES = ROOT / "policies"
PACK_FILES = ("__main__.py", "PulumiPolicy.yaml", "storage_policies")
WHEELS = "wheels"


def package_pin() -> str:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return f"{project['name']}=={project['version']}"


def build(output: Path) -> Path:
    """Write the bundle to `output` (replacing it) and return it."""
    if output.exists():
        shutil.rmtree(output)
    output.mkdir(parents=True)
    for name in PACK_FILES:
        source = POLICIES / name
        if source.is_dir():
            shutil.copytree(source, output / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(source, output / name)
    with tempfile.TemporaryDirectory() as scratch:  # setuptools builds in the source tree: not in the checkout
        source = Path(scratch) / "source"
        source.mkdir()
        shutil.copy2(ROOT / "pyproject.toml", source / "pyproject.toml")
        shutil.copytree(ROOT / "infra", source / "infra", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "--quiet", "--disable-pip-version-check", "--no-deps",
             "--no-build-isolation", "--wheel-dir", str(output / WHEELS), str(source)],
            check=True,
            cwd=scratch,
            timeout=300,
        )
    pins = (POLICIES / "requirements.txt").read_text()
    (output / "requirements.txt").write_text(
        f"{pins.rstrip()}\n# This repository's package, from the wheel built beside this file.\n"
        f"--find-links {WHEELS}\n{package_pin()}\n"
    )
    return output


def main(argv: list[str]) -> int:
    output = Path(argv[0]) if argv else ROOT / "dist" / "policy-pack"
    print(build(output.resolve()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
