"""Dependabot keeps the Pulumi SDK and its providers current, moving together."""

from __future__ import annotations

import fnmatch
import os
import re
from pathlib import Path

import yaml

from infra.offline.stack_files import PROJECT_ROOT

CONFIG = yaml.safe_load((PROJECT_ROOT / ".github" / "dependabot.yml").read_text(encoding="utf-8"))
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?==")


def pinned(path: Path) -> set[str]:
    """Package names pinned in one requirements file (not following -r)."""
    names = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        match = PIN.match(line.strip())
        if match:
            names.add(match.group(1).lower())
    return names


def matches(group: dict, package: str) -> bool:
    included = any(fnmatch.fnmatchcase(package, p) for p in group.get("patterns", []))
    return included and not any(fnmatch.fnmatchcase(package, p) for p in group.get("exclude-patterns", []))


def pip_update() -> dict:
    [update] = [u for u in CONFIG["updates"] if u["package-ecosystem"] == "pip"]
    return update


def pulumi_requirement_files() -> list[Path]:
    """Every requirements file in the repository that pins a Pulumi package."""
    files = []
    for folder, subfolders, names in os.walk(PROJECT_ROOT):
        subfolders[:] = [d for d in subfolders if not d.startswith(".") and d not in {"venv", "node_modules", "__pycache__"}]
        files += [Path(folder) / n for n in names if fnmatch.fnmatch(n, "requirements*.txt")]
    return sorted(p for p in files if any(n == "pulumi" or n.startswith("pulumi-") for n in pinned(p)))


def test_pip_updates_cover_every_requirements_file_that_pins_pulumi() -> None:
    update = pip_update()
    directories = set(update.get("directories") or [update.get("directory")])
    files = pulumi_requirement_files()
    assert PROJECT_ROOT / "requirements.txt" in files and PROJECT_ROOT / "policies" / "requirements.txt" in files
    for path in files:
        folder = path.parent.relative_to(PROJECT_ROOT).as_posix()
        assert ("/" if folder == "." else f"/{folder}") in directories, path


def test_one_group_moves_the_sdk_and_every_provider_together() -> None:
    groups = pip_update()["groups"]
    packages = set().union(*(pinned(p) for p in pulumi_requirement_files()))
    pulumi_packages = {n for n in packages if n == "pulumi" or n.startswith("pulumi-")}
    assert {"pulumi", "pulumi-aws", "pulumi-policy"} <= pulumi_packages
    homes = {package: [name for name, group in groups.items() if matches(group, package)] for package in packages}
    homes_of_pulumi = {tuple(homes[p]) for p in pulumi_packages}
    assert len(homes_of_pulumi) == 1, f"every Pulumi package in the same group, and in one only: {homes}"
    [(name,)] = homes_of_pulumi
    others = {p for p in packages - pulumi_packages if name in homes[p]}
    assert others == set(), "the Pulumi group holds Pulumi packages only"
    assert all(len(homes[p]) == 1 for p in packages), "no package claimed by two groups"


def test_a_provider_added_later_joins_the_group() -> None:
    [group] = [g for g in pip_update()["groups"].values() if matches(g, "pulumi")]
    for future in ("pulumi-digitalocean", "pulumi-cloudflare", "pulumi-b2", "pulumi-backblaze"):
        assert matches(group, future)


def test_actions_pins_are_kept_current_too() -> None:
    [actions] = [u for u in CONFIG["updates"] if u["package-ecosystem"] == "github-actions"]
    assert actions["directory"] == "/"
    assert all(u["schedule"]["interval"] in {"daily", "weekly"} for u in CONFIG["updates"])
