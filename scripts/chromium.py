#!/usr/bin/env python3
"""Install (once) Debian's Chromium, the headless browser the suite's CORS judge drives.

    python3 scripts/chromium.py install   # apt-get chromium when /usr/bin/chromium is missing
    python3 scripts/chromium.py --check   # print the executable, or exit 1

The browser test (tests/effect/test_browser_cors.py) drives this system browser with the pinned
`playwright-core` from tests/js (scripts/node_packages.py); Playwright never downloads a
browser of its own. Stdlib only; the tests import `executable()` from here.
"""

from __future__ import annotations

import shutil
import sys

try:  # imported by the tests as scripts.chromium, run as scripts/chromium.py
    from scripts import apt_packages
except ImportError:  # pragma: no cover - run as a script: scripts/ is on sys.path
    import apt_packages

PACKAGES = ("chromium",)
BINARIES = ("chromium",)


def executable() -> str | None:
    """The Chromium launcher Debian installs (/usr/bin/chromium), or None."""
    return shutil.which("chromium")


def main(argv: list[str]) -> int:
    if argv == ["install"]:
        return apt_packages.install("Chromium", PACKAGES, BINARIES)
    if argv == ["--check"]:
        found = executable()
        print(found or "Chromium not installed: run python3 scripts/chromium.py install")
        return 0 if found else 1
    print("usage: python3 scripts/chromium.py install | --check", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
