"""Keeping the secret out of git: a file holding it is written inside a git work tree only
where git would not track it.

Git itself answers (`git check-ignore`, `git ls-files`), so every ignore source counts: the
repository's `.gitignore` files, `.git/info/exclude` and the user's global excludes file.
Outside a work tree, or without git installed, there is nothing to check.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

_TIMEOUT = 10.0


@dataclass(frozen=True)
class TrackedPath:
    """Where git would keep the secret, and the ignore rule that stops it."""

    path: Path
    rule: str
    """The `.gitignore` line (anchored at the work tree's root) that ignores exactly this file."""
    already_tracked: bool

    def explain(self) -> str:
        if self.already_tracked:
            return (
                f"{self.path} is tracked by git, so the secret would be committed: untrack it with "
                f"`git rm --cached {self.path}` and add `{self.rule}` to .gitignore"
            )
        return (
            f"{self.path} is inside a git work tree and no ignore rule matches it, so the secret would show in "
            f"`git status` and could be committed: add `{self.rule}` to .gitignore (or choose an ignored --output)"
        )


def _git(directory: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "-C", str(directory), *args], capture_output=True, text=True, timeout=_TIMEOUT, check=False
    )


def tracked_by_git(path: Path) -> TrackedPath | None:
    """How git would track `path` (not yet written), or None when it would not."""
    directory = path.parent if path.parent.is_dir() else None
    if directory is None or shutil.which("git") is None:
        return None
    try:
        return _ask_git(path, directory)
    except (OSError, subprocess.TimeoutExpired):
        return None  # git cannot answer here: nothing it could track


def _ask_git(path: Path, directory: Path) -> TrackedPath | None:
    top = _git(directory, "rev-parse", "--show-toplevel")
    if top.returncode != 0:
        return None  # not inside a work tree
    root = Path(top.stdout.strip()).resolve()
    relative = (directory.resolve() / path.name).relative_to(root).as_posix()
    rule = "/" + relative
    if _git(root, "ls-files", "--error-unmatch", "--", relative).returncode == 0:
        return TrackedPath(path, rule, already_tracked=True)
    if _git(root, "check-ignore", "-q", "--", relative).returncode == 0:
        return None
    return TrackedPath(path, rule, already_tracked=False)
