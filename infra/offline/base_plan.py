"""Plan a stack as another git revision declares it, with that revision's own code.

The revision is checked out in a temporary `git worktree add --detach` (removed afterwards,
also on an error, Ctrl-C or SIGTERM), and `plan_dump.py` runs there in a subprocess with the
same Python, so a change of this package's code between the two revisions shows, and nothing
of the revision is imported into this process. The plan travels back through a mode-0600 file
in a private temporary directory; secret values stay marked and are masked by the comparer.
"""

from __future__ import annotations

import contextlib
import json
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from infra.offline.records import DeclaredAlias, DeclaredResource, Plan

DUMPER = Path(__file__).with_name("plan_dump.py")
TIMEOUT_SECONDS = 300
"""One plan takes a few seconds; this bounds a revision whose program hangs."""


class BaseRevisionError(Exception):
    """The revision cannot be checked out or planned (the message says why and what to do)."""


def _git(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, timeout=120)


@contextlib.contextmanager
def _terminate_as_exit() -> Iterator[None]:
    """SIGTERM raises SystemExit meanwhile, so the `finally` that removes the worktree runs."""

    def stop(signum: int, _frame: Any) -> None:
        raise SystemExit(128 + signum)

    try:
        previous = signal.signal(signal.SIGTERM, stop)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def checkout(project_dir: Path, ref: str) -> Iterator[Path]:
    """The project directory as revision `ref` has it, in a temporary worktree."""
    top = _git(project_dir, "rev-parse", "--show-toplevel")
    if top.returncode != 0:
        raise BaseRevisionError(f"--against {ref}: {project_dir} is not in a git repository")
    repo = Path(top.stdout.strip())
    commit = _git(repo, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    if commit.returncode != 0:
        raise BaseRevisionError(f"--against {ref}: not a commit in {repo} (try a branch, tag or HEAD~1)")
    inside = project_dir.resolve().relative_to(repo.resolve())
    with _terminate_as_exit(), tempfile.TemporaryDirectory(prefix="plan-against-") as scratch:
        tree = Path(scratch) / "tree"
        added = _git(repo, "worktree", "add", "--detach", str(tree), commit.stdout.strip())
        if added.returncode != 0:
            raise BaseRevisionError(f"--against {ref}: git worktree add failed: {added.stderr.strip()}")
        try:
            yield tree / inside
        finally:
            _git(repo, "worktree", "remove", "--force", str(tree))
            _git(repo, "worktree", "prune")


def plan_in(project_dir: Path, stack: str) -> Plan:
    """Plan `stack` with the code and stack files of `project_dir` (a checkout), in a subprocess."""
    with tempfile.TemporaryDirectory(prefix="plan-dump-") as scratch:
        out = Path(scratch) / "plan.json"
        try:
            result = subprocess.run(
                [sys.executable, str(DUMPER), str(project_dir), stack, str(out)],
                cwd=project_dir, capture_output=True, text=True, timeout=TIMEOUT_SECONDS,
            )
        except subprocess.TimeoutExpired:
            raise BaseRevisionError(f"planning {stack} took over {TIMEOUT_SECONDS} s; stopped") from None
        if result.returncode != 0 or not out.exists():
            last = (result.stderr.strip().splitlines() or ["no message"])[-1]
            raise BaseRevisionError(f"planning {stack} failed there: {last}")
        return plan_from_json(json.loads(out.read_text()))


_MOCK_ROOT_PREFIX = "::pulumi:pulumi:Stack$"
"""Revisions before issue 19 recorded URNs as Pulumi's mock monitor makes them, with the root
stack's type in a top-level resource's qualified type; the engine never does that
(deployment.go `generateURN`), so such a URN names the resource the engine knows without it."""


def engine_urn(text: str) -> str:
    """`text` (a URN, or a provider reference `<urn>::<id>`) as the engine spells it."""
    return text.replace(_MOCK_ROOT_PREFIX, "::")


def plan_from_json(document: dict[str, Any]) -> Plan:
    """The dumper's document as a Plan (the fields the comparison uses), URNs as the engine
    spells them whatever revision's harness recorded them."""
    resources = tuple(
        DeclaredResource(
            urn=engine_urn(r["urn"]), type=r["type"], name=r["name"], inputs=r["inputs"], parent=engine_urn(r["parent"]),
            protect=r["protect"], custom=r["custom"], provider=engine_urn(r["provider"]), import_id=r["import_id"],
            dependencies=tuple(map(engine_urn, r["dependencies"])), secret_inputs=frozenset(r["secret_inputs"]),
            additional_secret_outputs=tuple(r["additional_secret_outputs"]),
            delete_before_replace=r["delete_before_replace"],
            aliases=tuple(
                DeclaredAlias(**{**a, "urn": engine_urn(a.get("urn", "")), "parent_urn": engine_urn(a.get("parent_urn", ""))})
                for a in r["aliases"]
            ),
        )
        for r in document["resources"]
    )
    return Plan(
        stack=document["stack"], resources=resources, outputs=document["outputs"],
        secret_outputs=frozenset(document["secret_outputs"]), error=document["error"],
    )


def plan_at(project_dir: Path, ref: str, stack: str) -> Plan | None:
    """`stack` as revision `ref` declares it; None when that revision has no such stack file."""
    with checkout(project_dir, ref) as tree:
        if not (tree / f"Pulumi.{stack}.yaml").exists():
            return None
        return plan_in(tree, stack)
