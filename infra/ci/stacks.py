"""The stacks the pipeline deploys, in order, and which of them a change touches.

Everything here is derived from the stack files and the settings rules in
`infra.settings`, so the deploy order (non-production before production) and each
stack's provider can never disagree with what `pulumi up` would read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from infra import PROJECT
from infra.offline.stack_files import PROJECT_ROOT, StackFileError, policy_config_file, stack_config, stack_names
from infra.project_files import policy_config_name
from infra.settings.problems import SettingsError
from infra.stack.load import load_settings

SAFE_STACK_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,49}")
"""Stack names the workflows accept: they become GitHub environment names and job names."""
PREVIEW_SUFFIX = "-preview"
"""`<stack>-preview` is the GitHub environment previews and drift checks run in."""

PROGRAM_PATHS: tuple[str, ...] = ("Pulumi.yaml", "__main__.py", "requirements.txt", "infra/", "policies/")
"""What every stack is built from (a trailing / is a folder): a change here touches all stacks."""
PREVIEW_WORKFLOW = ".github/workflows/preview.yml"
"""A change to the preview workflow itself previews every stack, to exercise it."""


class DiscoveryError(ValueError):
    """A stack file the pipeline cannot use; the message names the file and the fix."""


@dataclass(frozen=True)
class StackTarget:
    """One stack as a job of the pipeline sees it."""

    stack: str
    provider: str
    region: str
    production: bool
    policy_config: str = ""
    """The stack's committed policy config (`Pulumi.<stack>.policy.json`, relative to the project
    root) or "" without one: the workflows pass it as `policyPackConfigs`, which pulumi/actions
    turns into `--policy-pack-config` (and "" into no flag: the pack's defaults)."""

    @property
    def environment(self) -> str:
        """The GitHub environment `pulumi up` runs in (holds write credentials; prod needs approval)."""
        return self.stack

    @property
    def preview_environment(self) -> str:
        """The GitHub environment previews and drift checks run in (read-only credentials)."""
        return f"{self.stack}{PREVIEW_SUFFIX}"

    def as_matrix_entry(self) -> dict[str, str]:
        return {
            "stack": self.stack,
            "provider": self.provider,
            "region": self.region,
            "environment": self.environment,
            "preview_environment": self.preview_environment,
            "policy_config": self.policy_config,
        }


def checked_stack_names(project_dir: Path = PROJECT_ROOT) -> list[str]:
    """Every shipped stack name, sorted; DiscoveryError if one is unsafe for a workflow."""
    names = stack_names(project_dir)
    bad = [name for name in names if not SAFE_STACK_NAME.fullmatch(name) or name.endswith(PREVIEW_SUFFIX)]
    if bad:
        files = ", ".join(f"Pulumi.{name}.yaml" for name in bad)
        raise DiscoveryError(
            f"{files}: a stack name must be lowercase letters, digits and hyphens (at most 50), "
            f"not ending in {PREVIEW_SUFFIX!r}; rename the file"
        )
    return names


def discover(project_dir: Path = PROJECT_ROOT) -> list[StackTarget]:
    """Every shipped stack with its provider, region and production flag, in deploy order.

    Settings are read exactly as the program reads them, so an invalid stack file fails
    here with the same message `python -m infra.plan` prints, before any job starts.
    """
    problems: list[str] = []
    targets: list[StackTarget] = []
    for name in checked_stack_names(project_dir):
        try:
            config, _ = stack_config(name, project_dir)
            raw = {key.partition(":")[2]: value for key, value in config.items() if key.startswith(f"{PROJECT}:")}
            plugin_keys = [key for key in config if not key.startswith(f"{PROJECT}:")]
            settings = load_settings(raw, stack=name, plugin_keys=plugin_keys)
        except (StackFileError, SettingsError) as error:
            problems.append(str(error))
            continue
        policy_config = policy_config_name(name) if policy_config_file(name, project_dir) else ""
        targets.append(StackTarget(name, settings.provider, settings.region, settings.is_production, policy_config))
    if problems:
        raise DiscoveryError("\n".join(problems))
    return deploy_order(targets)


def deploy_order(targets: Iterable[StackTarget]) -> list[StackTarget]:
    """Non-production stacks first, then production; by name within each group."""
    return sorted(targets, key=lambda t: (t.production, t.stack))


def affected(targets: Iterable[StackTarget], changed_files: Iterable[str]) -> list[StackTarget]:
    """The stacks a change touches: their own stack file or policy config (added, changed or
    deleted), or anything the program is built from."""
    changed = {path.strip() for path in changed_files if path.strip()}
    everything = PREVIEW_WORKFLOW in changed or any(touches_program(path) for path in changed)
    return [t for t in targets if everything or {f"Pulumi.{t.stack}.yaml", policy_config_name(t.stack)} & changed]


def touches_program(path: str) -> bool:
    """Whether `path` is one of PROGRAM_PATHS or inside one of its folders."""
    return any(path == p or (p.endswith("/") and path.startswith(p)) for p in PROGRAM_PATHS)


def pulumi_version(project_dir: Path = PROJECT_ROOT) -> str:
    """The Pulumi SDK pin in requirements.txt: the CLI the workflows install moves with it."""
    for line in (project_dir / "requirements.txt").read_text(encoding="utf-8").splitlines():
        match = re.fullmatch(r"pulumi==([0-9][\w.]*)", line.strip())
        if match:
            return match.group(1)
    raise DiscoveryError("requirements.txt does not pin `pulumi==<version>`; pin it so the CLI can match")
