"""The 45-day example of issue 19 through every entry point: a stack keeping soft-deleted files
45 days, with `Pulumi.<stack>.policy.json` raising the pack's `maxDays` to 45, passes `make plan`,
`python -m infra.plan`, the checks workflow's plan step and the preview/deploy workflows' pack
run; without the file each fails, naming `maxDays`, the policy and the file to put it in."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from infra.offline.stack_files import PROJECT_ROOT
from tests.support.repo_support import venv_shim
from tests.support.workflow_support import all_workflows, evaluate_matrix, pulumi_cli_args, pulumi_step

STACK = "qa45"
CONFIG = f"Pulumi.{STACK}.policy.json"
SETTINGS = {
    "raptscallions-storage:provider": "aws",
    "raptscallions-storage:bucketName": "raptscallions-qa45",
    "raptscallions-storage:region": "us-east-1",
    "raptscallions-storage:corsAllowedOrigins": ["https://app.example.com"],
    "raptscallions-storage:softDeleteDays": 45,
}
RAISED = '{"storage-lifecycle-soft-delete": {"maxDays": 45}}\n'
KNOB = f"set 'maxDays' of policy storage-lifecycle-soft-delete in {CONFIG}"

pytestmark = pytest.mark.xdist_group("policy-config-ci")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the repository as a CI runner checks it out, with the 45-day stack, its config
    and a `.venv/bin/python` (this interpreter) so the workflow and Makefile commands run as written."""
    root = tmp_path_factory.mktemp("checkout")
    for name in ("Pulumi.yaml", "__main__.py", "requirements.txt", "requirements-dev.txt", "Makefile"):
        shutil.copy(PROJECT_ROOT / name, root / name)
    for name in ("infra", "policies"):
        shutil.copytree(PROJECT_ROOT / name, root / name, ignore=shutil.ignore_patterns("__pycache__", "venv"))
    (root / f"Pulumi.{STACK}.yaml").write_text(yaml.safe_dump({"config": SETTINGS}))
    venv_shim(root)
    (root / ".venv" / ".installed-stamp").touch()  # newer than the requirements: `make plan` builds nothing
    return root


def with_config(project: Path, present: bool) -> None:
    path = project / CONFIG
    if present:
        path.write_text(RAISED)
    else:
        path.unlink(missing_ok=True)


def run(project: Path, command: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, cwd=project, env=env or {"PATH": os.environ["PATH"]}, capture_output=True, text=True, timeout=300, check=False
    )


def refused_for_max_days(result: subprocess.CompletedProcess[str]) -> bool:
    out = result.stdout + result.stderr
    return "[mandatory] storage-lifecycle-soft-delete" in out and KNOB in out and "Traceback" not in out


@pytest.mark.parametrize("present", [True, False], ids=["with config", "without"])
def test_infra_plan_and_make_plan_read_the_stacks_config(project: Path, present: bool) -> None:
    with_config(project, present)
    for command in (
        [".venv/bin/python", "-m", "infra.plan", "--stack", STACK],
        ["make", "-s", "plan", f"STACK={STACK}"],
    ):
        result = run(project, command)
        if present:
            assert result.returncode == 0, result.stdout + result.stderr
            assert f"Policy pack config: {project / CONFIG}" in result.stdout
        else:
            assert result.returncode != 0 and refused_for_max_days(result), result.stdout + result.stderr


def test_an_explicit_config_still_overrides_the_stacks(project: Path, tmp_path: Path) -> None:
    with_config(project, True)
    other = tmp_path / "defaults.json"
    other.write_text("{}")
    result = run(project, [".venv/bin/python", "-m", "infra.plan", "--stack", STACK, "--policy-pack-config", str(other)])
    assert result.returncode == 1 and refused_for_max_days(result), result.stdout


@pytest.mark.parametrize("present", [True, False], ids=["with config", "without"])
def test_the_checks_workflow_plan_step(project: Path, tmp_path: Path, present: bool) -> None:
    """checks.yml's offline plan step, run as written on the copy."""
    with_config(project, present)
    [step] = [s for s in all_workflows()["checks.yml"]["jobs"]["checks"]["steps"] if s.get("name") == "Offline plan and policy verdicts per stack"]
    summary = tmp_path / "summary.md"
    env = {"PATH": os.environ["PATH"], "RUNNER_TEMP": str(tmp_path), "GITHUB_STEP_SUMMARY": str(summary)}
    result = run(project, ["bash", "-e", "-c", step["run"]], env)
    verdict = "passed" if present else "FAILED"
    assert f"### Offline plan `{STACK}`: {verdict}" in summary.read_text()
    if present:
        assert result.returncode == 0, result.stdout
    else:
        assert result.returncode == 1 and refused_for_max_days(result), result.stdout


@pytest.mark.parametrize("present", [True, False], ids=["with config", "without"])
@pytest.mark.parametrize(("workflow", "job"), [("preview.yml", "preview"), ("deploy.yml", "nonprod")])
def test_the_preview_and_deploy_pack_runs(project: Path, workflow: str, job: str, present: bool) -> None:
    """The matrix the workflow computes on the copy, turned into the `pulumi` arguments the pinned
    action passes, judged offline with the same config: `--policy-pack-config` is the one flag
    that can lift the refusal, so this fails if the workflow drops it."""
    with_config(project, present)
    spec = all_workflows()[workflow]
    [entry] = [e for e in evaluate_matrix(spec, job, [f"Pulumi.{STACK}.yaml"], project_dir=project) if e["stack"] == STACK]
    args = pulumi_cli_args(pulumi_step(spec["jobs"][job]), entry)
    assert args[:3] in (["preview", "--stack", STACK], ["up", "--stack", STACK]) and "--policy-pack" in args
    configs = [args[i + 1] for i, arg in enumerate(args) if arg == "--policy-pack-config"]
    assert configs == ([CONFIG] if present else [])
    # pulumi without the flag runs the pack's defaults: an empty config file (config.go: "Gracefully
    # allow empty content"), given explicitly so infra.plan does not read the stack's file itself.
    offline = [".venv/bin/python", "-m", "infra.plan", "--stack", STACK, "--policy-pack-config", (configs or [os.devnull])[0]]
    result = run(project, offline)
    if present:
        assert result.returncode == 0, result.stdout
    else:
        assert result.returncode == 1 and refused_for_max_days(result), result.stdout
