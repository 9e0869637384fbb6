"""Installs the real readers of container env files that the suite judges `--format docker`
with: the docker CLI (Debian `docker.io`; no daemon is started or needed) and kubectl (Debian
`kubernetes-client`). Each is installed only when its command is missing, so an existing
install (kubectl from another package, say, which `kubernetes-client` would conflict with) is
left alone. Usage: python3 scripts/env_readers.py install
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

PACKAGES = {"docker": "docker.io", "kubectl": "kubernetes-client"}


def missing() -> list[str]:
    return [PACKAGES[command] for command in PACKAGES if shutil.which(command) is None]


def install() -> int:
    packages = missing()
    if not packages:
        return 0
    if os.geteuid() != 0:
        print(f"env readers: install {' '.join(packages)} (apt-get, as root) for the env-file tests", file=sys.stderr)
        return 1
    environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=environment, timeout=900)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *packages], check=True, env=environment, timeout=1800
    )
    still = missing()
    if still:
        print(f"env readers: still missing after apt-get: {' '.join(still)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    if sys.argv[1:] != ["install"]:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(install())
