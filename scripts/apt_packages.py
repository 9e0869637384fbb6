"""Install Debian packages a test server needs, once: shared by `rgw_cluster.py install` and
`chromium.py install` (which `make test` runs on a fresh machine).

Nothing happens when every binary is already on PATH. Otherwise `apt-get install` runs as
root or through passwordless sudo, with `apt-get update` first only if the install fails
(a fresh machine may have no package lists yet). Without apt-get, root or sudo it says why
and returns 0: the tests that need the binaries then fail, naming the command to run (the
suite skips nothing).
Stdlib only.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Sequence


def binaries_missing(binaries: Sequence[str]) -> list[str]:
    return [name for name in binaries if shutil.which(name) is None]


def install(what: str, packages: Sequence[str], binaries: Sequence[str]) -> int:
    """apt-get `packages` when one of `binaries` is missing; 0 when present or not installable here."""
    missing = binaries_missing(binaries)
    if not missing:
        print(f"{what} binaries present: " + ", ".join(binaries))
        return 0
    apt = shutil.which("apt-get")
    if apt is None:
        print(f"{what} not installed ({', '.join(missing)} missing) and no apt-get: its tests will fail until it is installed.")
        return 0
    sudo = [] if os.geteuid() == 0 else ["sudo", "-n"]
    if sudo and (shutil.which("sudo") is None or subprocess.run([*sudo, "true"], capture_output=True).returncode):
        print(f"{what} not installed, and neither root nor passwordless sudo to install it: its tests will fail until it is installed.")
        return 0
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    command = [*sudo, apt, "install", "-y", "--no-install-recommends", *packages]
    if subprocess.run(command, env=env).returncode != 0:  # a fresh machine may have no package lists yet
        subprocess.run([*sudo, apt, "update"], env=env)
        if subprocess.run(command, env=env).returncode != 0:
            print(f"`apt-get install {' '.join(packages)}` failed (see above)", file=sys.stderr)
            return 1
    still = binaries_missing(binaries)
    if still:
        print(f"installed {', '.join(packages)} but {', '.join(still)} still missing", file=sys.stderr)
        return 1
    return 0
