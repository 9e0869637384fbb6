"""Stack discovery for the workflows (`python -m infra.ci.matrix`): order, safety, changes."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from infra import PROJECT
from infra.ci import matrix
from infra.ci.stacks import (
    PROGRAM_PATHS,
    DiscoveryError,
    affected,
    checked_stack_names,
    discover,
    pulumi_version,
)
from infra.offline.stack_files import PROJECT_ROOT, stack_names

AWS = {
    "provider": "aws",
    "bucketName": "raptscallions-x",
    "region": "us-east-1",
    "corsAllowedOrigins": ["https://app.example.com"],
}


def project(tmp_path: Path, stacks: dict[str, dict]) -> Path:
    """A throwaway project: the real Pulumi.yaml and requirements.txt, these stack files."""
    shutil.copy(PROJECT_ROOT / "Pulumi.yaml", tmp_path / "Pulumi.yaml")
    shutil.copy(PROJECT_ROOT / "requirements.txt", tmp_path / "requirements.txt")
    for name, settings in stacks.items():
        config = {f"{PROJECT}:{key}": value for key, value in settings.items()}
        (tmp_path / f"Pulumi.{name}.yaml").write_text(yaml.safe_dump({"config": config}))
    return tmp_path


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "infra.ci.matrix", *args],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def parse_github_output(text: str) -> dict[str, str]:
    """`key=value` lines as GitHub Actions reads $GITHUB_OUTPUT."""
    return dict(line.split("=", 1) for line in text.splitlines() if line)


def test_shipped_stacks_are_all_discovered_with_their_provider() -> None:
    targets = discover()
    assert [t.stack for t in targets] == sorted(stack_names(), key=lambda s: (s in _prod_names(), s))
    for target in targets:
        config = yaml.safe_load((PROJECT_ROOT / f"Pulumi.{target.stack}.yaml").read_text())["config"]
        assert target.provider == config[f"{PROJECT}:provider"]
        assert target.environment == target.stack
        assert target.preview_environment == f"{target.stack}-preview"


def _prod_names() -> set[str]:
    return {t.stack for t in discover() if t.production}


def test_prod_is_production_and_deploys_last(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        {
            "prod": AWS,
            "staging": {**AWS, "bucketName": "raptscallions-staging"},
            "live": {**AWS, "bucketName": "raptscallions-live", "environment": "production"},
            "a-dev": {**AWS, "bucketName": "raptscallions-dev", "region": "eu-west-1"},
        },
    )
    targets = discover(root)
    assert [(t.stack, t.production) for t in targets] == [
        ("a-dev", False),
        ("staging", False),
        ("live", True),
        ("prod", True),
    ]
    assert targets[0].region == "eu-west-1"
    assert targets[1].region == "us-east-1"


def test_a_new_stack_file_lands_in_every_matrix_without_editing_a_workflow(tmp_path: Path) -> None:
    root = project(tmp_path, {"prod": AWS, "qa": {**AWS, "bucketName": "raptscallions-qa"}})
    out = matrix.outputs(root, changed_files=["Pulumi.qa.yaml"])
    stacks = {key: [e["stack"] for e in json.loads(out[key])] for key in ("all", "nonprod", "prod", "changed")}
    assert stacks == {"all": ["qa", "prod"], "nonprod": ["qa"], "prod": ["prod"], "changed": ["qa"]}
    assert json.loads(out["nonprod"])[0] == {
        "stack": "qa",
        "provider": "aws",
        "region": "us-east-1",
        "environment": "qa",
        "preview_environment": "qa-preview",
        "policy_config": "",
    }


def test_a_stacks_policy_config_is_in_its_matrix_entry_and_a_change_to_it_previews_that_stack(tmp_path: Path) -> None:
    root = project(tmp_path, {"prod": AWS, "qa": {**AWS, "bucketName": "raptscallions-qa"}})
    (root / "Pulumi.qa.policy.json").write_text('{"storage-lifecycle-soft-delete": {"maxDays": 45}}')
    out = matrix.outputs(root, changed_files=["Pulumi.qa.policy.json"])
    assert {e["stack"]: e["policy_config"] for e in json.loads(out["all"])} == {"qa": "Pulumi.qa.policy.json", "prod": ""}
    assert [e["stack"] for e in json.loads(out["changed"])] == ["qa"]
    assert json.loads(out["nonprod"])[0]["policy_config"] == "Pulumi.qa.policy.json"


@pytest.mark.parametrize("bad", ["Staging", "qa_1", "x-preview", "-x"])
def test_stack_names_unsafe_for_a_workflow_are_refused(tmp_path: Path, bad: str) -> None:
    root = project(tmp_path, {"prod": AWS, bad: AWS})
    with pytest.raises(DiscoveryError, match=rf"Pulumi\.{bad}\.yaml.*rename the file"):
        checked_stack_names(root)


def test_invalid_stacks_are_all_reported_before_any_job_starts(tmp_path: Path) -> None:
    root = project(tmp_path, {"one": {**AWS, "provider": "gcp"}, "two": {**AWS, "bucketName": "Not_A_Bucket"}})
    with pytest.raises(DiscoveryError) as error:
        discover(root)
    message = str(error.value)
    assert "Stack 'one'" in message and f"{PROJECT}:provider" in message
    assert "Stack 'two'" in message and f"{PROJECT}:bucketName" in message


def test_cli_prints_github_outputs_for_the_shipped_stacks() -> None:
    result = run_cli()
    assert result.returncode == 0, result.stderr
    out = parse_github_output(result.stdout)
    assert set(out) == {"all", "nonprod", "prod", "pulumi_version"}
    assert sorted(e["stack"] for e in json.loads(out["all"])) == stack_names()
    assert out["pulumi_version"] == pulumi_version()


def test_cli_reads_the_changed_files_list(tmp_path: Path) -> None:
    listing = tmp_path / "changed.txt"
    listing.write_text("README.md\ntests/settings/test_settings.py\n")
    result = run_cli("--changed-files", str(listing))
    assert result.returncode == 0, result.stderr
    assert parse_github_output(result.stdout)["changed"] == "[]"


def test_cli_fails_cleanly_on_a_bad_stack_file(tmp_path: Path) -> None:
    root = project(tmp_path, {"Bad_Name": AWS})
    result = run_cli("--project-dir", str(root))
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.startswith("error: Pulumi.Bad_Name.yaml")
    assert "Traceback" not in result.stderr
    missing = run_cli("--changed-files", str(tmp_path / "nope.txt"))
    assert missing.returncode == 1 and "Traceback" not in missing.stderr


def test_names_lists_every_stack_file_even_with_bad_settings(tmp_path: Path) -> None:
    root = project(tmp_path, {"prod": AWS, "broken": {"provider": "nope"}})
    result = run_cli("--names", "--project-dir", str(root))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["broken", "prod"]


@pytest.mark.parametrize(
    ("changed", "expected"),
    [
        (["Pulumi.staging.yaml"], ["staging"]),
        (["Pulumi.staging.yaml", "README.md"], ["staging"]),
        (["README.md", "tests/plan/test_plan_cli.py", "benchmarks/plan_bench.py"], []),
        (["infra/providers/aws/component.py"], ["prod", "staging"]),
        (["policies/storage_policies/pack.py"], ["prod", "staging"]),
        (["Pulumi.yaml"], ["prod", "staging"]),
        (["requirements.txt"], ["prod", "staging"]),
        (["requirements-dev.txt"], []),
        ([".github/workflows/preview.yml"], ["prod", "staging"]),
        ([".github/workflows/checks.yml"], []),
        (["infrastructure.md", "Pulumi.other.yaml"], []),
        (["Pulumi.staging.policy.json"], ["staging"]),  # added, changed or deleted: the stack's own
        (["Pulumi.other.policy.json", "Pulumi.staging.policy.yaml"], []),
        (["", "  "], []),
    ],
)
def test_a_change_touches_its_own_stack_or_all_of_them(changed: list[str], expected: list[str], tmp_path: Path) -> None:
    root = project(tmp_path, {"prod": AWS, "staging": {**AWS, "bucketName": "raptscallions-staging"}})
    assert sorted(t.stack for t in affected(discover(root), changed)) == expected


def test_every_program_path_exists() -> None:
    for path in PROGRAM_PATHS:
        assert (PROJECT_ROOT / path).exists(), path


def test_pulumi_version_is_the_sdk_pin(tmp_path: Path) -> None:
    pins = (PROJECT_ROOT / "requirements.txt").read_text()
    assert f"pulumi=={pulumi_version()}\n" in pins
    (tmp_path / "requirements.txt").write_text("pulumi-aws==1.0.0\n")
    with pytest.raises(DiscoveryError, match="pulumi==<version>"):
        pulumi_version(tmp_path)


def test_discovery_imports_no_pulumi_sdk() -> None:
    """The discovery job installs PyYAML only; importing Pulumi there would fail."""
    code = "import sys, infra.ci.matrix; print(sorted(m for m in sys.modules if m.split('.')[0].startswith('pulumi')))"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "[]"
