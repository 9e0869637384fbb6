"""Installs the real readers of container env files that the suite judges `--format docker`
with: the docker CLI (Debian `docker.io`; no daemon is started or needed) and kubectl (Debian
`kubernetes-client`). Each is installed only when its command is missing, so an existing
install (kubectl from another package, say, which `kubernetes-client` would conflict with) is
left alone. Usage: python3 scripts/env_readers.py install
"""

from __future__ import annotations

import sys

try:  # imported as scripts.env_readers, run as scripts/env_readers.py
    from scripts import apt_packages
except ImportError:  # pragma: no cover - run as a script: scripts/ is on sys.path
    import apt_packages

PACKAGES = {"docker": "docker.io", "kubectl": "kubernetes-client"}


def install() -> int:
    """One apt install per missing command, so a present command's package is never touched."""
    failures = 0
    for command, package in PACKAGES.items():
        failures += apt_packages.install(f"env-file reader {command}", [package], [command])
    return 1 if failures else 0


if __name__ == "__main__":
    if sys.argv[1:] != ["install"]:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(install())
