"""Read the Makefile's rules, to test what `make test` (the README's second command) prepares."""

from __future__ import annotations

import re
from pathlib import Path


def make_prerequisites(makefile: Path, target: str) -> set[str]:
    """Every target `target` depends on, directly or through other rules (file targets too)."""
    rules: dict[str, list[str]] = {}
    for line in makefile.read_text().splitlines():
        match = re.match(r"^([\w$().\-/]+):(?!=)\s*(.*)$", line)
        if match:
            rules.setdefault(match.group(1), []).extend(match.group(2).split())
    seen: set[str] = set()
    pending = list(rules.get(target, []))
    while pending:
        name = pending.pop()
        if name not in seen:
            seen.add(name)
            pending.extend(rules.get(name, []))
    return seen
