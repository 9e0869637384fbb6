"""The generated copies of the settings schema (`python -m infra.reference`): current in the
repository, and reported stale the moment the schema or a copy changes alone."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from infra import reference
from infra.offline.stack_files import PROJECT_ROOT
from infra.settings import keys


def copy_of_generated_files(tmp_path: Path) -> Path:
    for block in reference.BLOCKS:
        target = tmp_path / block.path
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(PROJECT_ROOT / block.path, target)
    return tmp_path


def test_every_generated_copy_in_the_repository_is_current() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "infra.reference", "--check"], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr


def with_key(monkeypatch: pytest.MonkeyPatch, name: str, **changes: object) -> None:
    """The schema with one key changed, as one edit of infra/settings/keys.py would change it."""
    changed = tuple(dataclasses.replace(key, **changes) if key.name == name else key for key in keys.ALL_KEYS)
    monkeypatch.setattr(reference, "ALL_KEYS", changed)
    monkeypatch.setattr(keys, "ALL_KEYS", changed)


@pytest.mark.parametrize(
    ("name", "changes", "files"),
    [
        ("softDeleteDays", {"default": 45}, {"Pulumi.yaml", "docs/settings.md"}),
        ("corsMaxAgeSeconds", {"maximum": 7200}, {"Pulumi.yaml", "docs/settings.md"}),
        ("accessLogDays", {"default": 30}, {"docs/settings.md"}),
        ("adoptExistingBucket", {"description": "Adopt the bucket."}, {"Pulumi.yaml", "docs/settings.md"}),
        ("tags", {"providers": frozenset({"aws", "digitalocean"})}, {"docs/settings.md"}),
        ("corsAllowedOrigins", {"description": "Origins."}, {"Pulumi.yaml", "docs/settings.md", "README.md"}),
    ],
)
def test_one_schema_edit_makes_every_copy_of_it_stale_until_regenerated(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, name: str, changes: dict, files: set[str]
) -> None:
    root = copy_of_generated_files(tmp_path)
    with_key(monkeypatch, name, **changes)
    assert {entry.split(" ")[0] for entry in reference.stale(root)} == files
    assert set(reference.write(root)) == files
    assert reference.stale(root) == []


def test_the_regenerated_config_block_is_what_pulumi_reads(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    root = copy_of_generated_files(tmp_path)
    with_key(monkeypatch, "softDeleteDays", default=45, maximum=400)
    reference.write(root)
    declared = yaml.safe_load((root / "Pulumi.yaml").read_text())["config"]["softDeleteDays"]
    assert declared == {"type": "integer", "description": "Days before soft-deleted files are removed (1-400).", "default": 45}


def test_a_hand_edit_of_a_generated_line_is_stale(tmp_path: Path) -> None:
    root = copy_of_generated_files(tmp_path)
    path = root / "Pulumi.yaml"
    path.write_text(path.read_text().replace("default: 30", "default: 31", 1))
    assert reference.stale(root) == ["Pulumi.yaml (config)"]


def test_a_file_without_its_markers_is_named_with_the_fix(tmp_path: Path) -> None:
    root = copy_of_generated_files(tmp_path)
    (root / "Pulumi.yaml").write_text("name: raptscallions-storage\n")
    with pytest.raises(reference.MarkerError, match=r"Pulumi.yaml has no `# BEGIN GENERATED: config"):
        reference.stale(root)


def test_documented_values_come_from_the_provider_spec() -> None:
    from infra.providers.cloudflare.regions import LOCATION_HINTS

    assert reference.documented_values(keys.R2_LOCATION_HINT) == tuple(sorted(LOCATION_HINTS))
    assert ", ".join(sorted(LOCATION_HINTS)) in reference.description(keys.R2_LOCATION_HINT)


BOUNDED = [key for key in keys.ALL_KEYS if key.kind == "integer"]


@pytest.mark.parametrize("key", BOUNDED, ids=lambda key: key.name)
def test_every_integer_setting_is_held_to_its_schema_bounds_when_a_stack_is_read(key: keys.SettingKey) -> None:
    from tests.support.settings_support import problems, settings_for

    assert key.minimum is not None and key.maximum is not None, f"{key.name} declares no bounds"
    base = next(name for name in keys.PROVIDER_NAMES if name in key.providers)
    # the quota must stay at least the largest file: move the other one out of the way
    extra = {keys.MAX_FILE_SIZE: {"quotaBytes": keys.MAX_QUOTA_BYTES}, keys.QUOTA: {"maxFileSizeBytes": 1}}.get(key, {})
    for edge in (key.minimum, key.maximum):
        settings_for(base, **{key.name: edge, **extra})  # accepted
    for outside in (key.minimum - 1, key.maximum + 1):
        found = [message for name, message in problems(base, **{key.name: outside, **extra}) if name == key.name]
        assert found == [f"must be a whole number from {key.minimum} to {key.maximum}, not {outside}"], found


def test_a_one_sided_bound_says_which_side() -> None:
    at_least = keys.SettingKey("x", "integer", "X.", minimum=1)
    assert at_least.range_problem(0) == "must be a whole number at least 1, not 0"
    assert at_least.range_problem(10**9) is None
    assert keys.SettingKey("y", "integer", "Y.", maximum=5).range_problem(6) == "must be a whole number at most 5, not 6"
