"""Acknowledged destructive changes: the one way to let a plan comparison allow a deletion or
replacement it refuses (`infra.offline.transitions`).

An acknowledgement names one change of one resource of one stack, never a blanket switch:
`delete storage-app-key` or `replace storage-bucket` (the action, then the resource's name as
`pulumi preview --diff` prints it). It is written either in the stack file, as the
`acknowledgeChanges` setting (reviewed with the change, and to be removed after the deploy), or
in the pull request's description as a line `Acknowledge <stack>: <action> <name>` (stays out of
the repository). The program itself declares nothing from it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ACTIONS = ("delete", "replace")
_ENTRY = re.compile(r"(delete|replace) ([A-Za-z0-9._-]{1,200})")
_PR_LINE = re.compile(r"[ \t>*-]*acknowledge ([a-z0-9][a-z0-9-]{0,49}): *(.+?)[ \t]*", re.IGNORECASE)
EXAMPLE = "delete storage-app-key"


@dataclass(frozen=True)
class Acknowledgement:
    action: str
    name: str
    source: str
    """Where it was written, for the log line (`Pulumi.prod.yaml acknowledgeChanges`, `pull request`)."""

    def __str__(self) -> str:
        return f"{self.action} {self.name}"


def entry_problem(entry: str) -> str | None:
    """Why `entry` is not an acknowledgement, or None."""
    if _ENTRY.fullmatch(entry):
        return None
    return (
        f"{entry!r} is not an acknowledgement: write the action ({' or '.join(ACTIONS)}) and the resource's name "
        f"as `python -m infra.plan --against` prints it, e.g. {EXAMPLE!r}"
    )


def parse_entry(entry: str, source: str) -> Acknowledgement:
    """An already-validated entry (see `entry_problem`)."""
    action, _, name = entry.partition(" ")
    return Acknowledgement(action, name, source)


def from_pull_request_body(body: str, stack: str) -> tuple[list[Acknowledgement], list[str]]:
    """The acknowledgements for `stack` in a pull request's description, and the problems
    of lines that start like one but do not parse (so a typo is reported, not ignored)."""
    found: list[Acknowledgement] = []
    problems: list[str] = []
    for line in (body or "").splitlines():
        match = _PR_LINE.fullmatch(line.strip())
        if match is None or match.group(1).lower() != stack:
            continue
        entry = match.group(2)
        if (problem := entry_problem(entry)) is not None:
            problems.append(f"pull request line {line.strip()!r}: {problem}")
        else:
            found.append(parse_entry(entry, "pull request description"))
    return found, problems
