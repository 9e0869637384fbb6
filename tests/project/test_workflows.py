"""The GitHub Actions workflows, checked offline: schema, zizmor, pins, permissions, secrets, matrices."""

from __future__ import annotations

import fnmatch
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from infra.ci.stacks import PROGRAM_PATHS, discover
from infra.offline.stack_files import PROJECT_ROOT, stack_names
from infra.project_files import policy_config_name
from infra.providers import registry
from infra.validate.cli import build_parser
from scripts import policy_bundle
from tests.support.doc_pages import page
from tests.support.workflow_support import (
    AWS_ACTION,
    GITHUB_DIR,
    PULUMI_ACTION,
    WORKFLOW_FILES,
    all_workflows,
    as_list,
    discovery_step,
    evaluate_matrix,
    expressions,
    load,
    pulumi_cli_args,
    pulumi_jobs,
    pulumi_step,
    uses,
)

BIN = Path(sys.executable).parent
WORKFLOWS = all_workflows()
PIN = re.compile(r"^\s*(?:- )?uses: ([\w.-]+/[\w./-]+)@([0-9a-f]{40}) # v\d+\.\d+\.\d+$")
SEVERITIES_ALLOWED = {"Informational", "Low"}

PACK_BUNDLE = str((policy_bundle.ROOT / "dist" / "policy-pack").relative_to(policy_bundle.ROOT))
"""What the workflows hand Pulumi as the pack: the bundle `scripts/policy_bundle.py` writes by default."""


def checks_step(name: str) -> dict:
    """The checks job's step called `name`."""
    [step] = [s for s in WORKFLOWS["checks.yml"]["jobs"]["checks"]["steps"] if s.get("name") == name]
    return step


def check_jsonschema(schema: str, *files: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, *map(str, files)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def zizmor_findings(path: Path) -> list[dict]:
    """zizmor's findings (strictest persona, no config, no ignore comments) as JSON."""
    result = subprocess.run(
        [str(BIN / "zizmor"), "--offline", "--no-config", "--no-ignores", "--persona", "auditor", "--format", "json", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.stdout.strip(), result.stderr
    return json.loads(result.stdout)


def test_the_four_workflows_ship() -> None:
    assert [p.name for p in WORKFLOW_FILES] == ["checks.yml", "deploy.yml", "drift.yml", "preview.yml"]


# --- Offline checkers -------------------------------------------------------------------


def test_workflows_validate_against_the_github_workflow_schema() -> None:
    for schema in ("vendor.github-workflows", "custom.github-workflows-require-timeout"):
        result = check_jsonschema(schema, *WORKFLOW_FILES)
        assert result.returncode == 0, result.stdout + result.stderr


def test_dependabot_config_validates_against_its_schema() -> None:
    result = check_jsonschema("vendor.dependabot", GITHUB_DIR / "dependabot.yml")
    assert result.returncode == 0, result.stdout + result.stderr


def test_zizmor_offline_finds_nothing_above_low() -> None:
    findings = zizmor_findings(GITHUB_DIR)
    serious = [f"{f['ident']} ({f['determinations']['severity']}): {f['desc']}" for f in findings
               if f["determinations"]["severity"] not in SEVERITIES_ALLOWED]
    assert serious == []


def test_the_checkers_do_catch_a_bad_workflow(tmp_path: Path) -> None:
    """Guards the two tests above against passing vacuously (e.g. a checker that read nothing)."""
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    bad = workflows / "bad.yml"
    bad.write_text(
        "on: pull_request_target\n"
        "jobs:\n"
        "  x:\n"
        "    runs-on: ubuntu-24.04\n"
        "    steps:\n"
        "      - uses: actions/checkout@v4\n"
        "      - run: echo \"${{ github.event.pull_request.title }}\"\n"
    )
    assert check_jsonschema("custom.github-workflows-require-timeout", bad).returncode != 0
    bad_schema = workflows / "typo.yml"
    bad_schema.write_text("on: push\njobs:\n  x:\n    runs-on: ubuntu-24.04\n    step: []\n")
    assert check_jsonschema("vendor.github-workflows", bad_schema).returncode != 0
    idents = {f["ident"] for f in zizmor_findings(tmp_path / ".github")
              if f["determinations"]["severity"] not in SEVERITIES_ALLOWED}
    assert {"unpinned-uses", "template-injection", "dangerous-triggers"} <= idents


def test_lint_is_clean() -> None:
    result = subprocess.run(
        [str(BIN / "ruff"), "check", "--no-cache", "."],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


# --- Pins -------------------------------------------------------------------------------


def test_every_action_is_pinned_to_a_commit_with_its_version() -> None:
    shas: dict[str, set[str]] = {}
    for path in WORKFLOW_FILES:
        for line in path.read_text().splitlines():
            if re.match(r"^\s*(- )?uses:", line):
                match = PIN.match(line)
                assert match, f"{path.name}: not pinned to a full commit SHA with a `# vX.Y.Z` comment: {line.strip()}"
                shas.setdefault(match.group(1), set()).add(match.group(2))
    assert {action for action, pins in shas.items() if len(pins) > 1} == set(), "one action, one SHA everywhere"
    assert {"actions/checkout", "actions/setup-python", "pulumi/actions", "aws-actions/configure-aws-credentials"} <= set(shas)


def test_pulumi_cli_is_the_sdk_version() -> None:
    for name, workflow in WORKFLOWS.items():
        for job_name, job in pulumi_jobs(workflow).items():
            expression = pulumi_step(job)["with"]["pulumi-version"]
            producer, output = re.match(r"^\$\{\{ needs\.([\w-]+)\.outputs\.([\w-]+) \}\}$", expression).groups()
            step, key = discovery_step(workflow, producer, output)
            assert "python -m infra.ci.matrix" in step["run"] and key == "pulumi_version", f"{name}:{job_name}"


# --- Triggers, permissions, secrets -----------------------------------------------------


def test_no_privileged_triggers() -> None:
    for name, workflow in WORKFLOWS.items():
        assert not {"pull_request_target", "workflow_run"} & set(workflow["on"]), name


def test_checks_run_for_every_pull_request_without_secrets_or_write_access() -> None:
    checks = WORKFLOWS["checks.yml"]
    assert "pull_request" in checks["on"] and not (checks["on"]["pull_request"] or {})
    text = (PROJECT_ROOT / ".github/workflows/checks.yml").read_text()
    assert "secrets." not in text and "vars." not in text
    for job in checks["jobs"].values():
        assert job["permissions"] == {"contents": "read"}
        assert "environment" not in job


def test_preview_runs_only_for_pull_requests_from_this_repository() -> None:
    preview = WORKFLOWS["preview.yml"]
    assert set(preview["on"]) == {"pull_request"}
    gate = preview["jobs"]["discover"]["if"]
    assert "github.event.pull_request.head.repo.full_name == github.repository" in gate
    for name in pulumi_jobs(preview):
        assert "discover" in as_list(preview["jobs"][name]["needs"]), name


def test_permissions_are_least_per_job() -> None:
    for name, workflow in WORKFLOWS.items():
        assert workflow["permissions"] == {}, f"{name}: the workflow default must grant nothing"
        for job_name, job in workflow["jobs"].items():
            granted = job["permissions"]
            assert granted.get("contents") == "read", f"{name}:{job_name}"
            writes = {scope for scope, level in granted.items() if level == "write"}
            steps = job.get("steps", [])
            needs_oidc = any(uses(step, AWS_ACTION) for step in steps)
            comments = any(uses(s, PULUMI_ACTION) and s["with"].get("comment-on-pr") is True for s in steps)
            expected = ({"id-token"} if needs_oidc else set()) | ({"pull-requests"} if comments else set())
            assert writes == expected, f"{name}:{job_name} grants {writes}, needs {expected}"
            assert set(granted) - {"contents"} == writes, f"{name}:{job_name}: nothing else read or granted"


def test_secrets_reach_only_the_steps_that_need_them_and_never_a_shell_line() -> None:
    for name, workflow in WORKFLOWS.items():
        text = (PROJECT_ROOT / ".github/workflows" / name).read_text()
        assert "toJSON(secrets)" not in text and "secrets: inherit" not in text, name
        assert "set -x" not in text, name
        for job_name, job in workflow["jobs"].items():
            assert not any("secrets." in s for s in expressions(job.get("env", {}))), f"{name}:{job_name}: job env"
            for step in job.get("steps", []):
                run = step.get("run", "")
                assert "${{" not in run, f"{name}:{job_name}: expressions in run: go through env:"
                assert "secrets." not in run, f"{name}:{job_name}"
                if any("secrets." in s for s in expressions(step)):
                    assert uses(step, PULUMI_ACTION) or "infra.validate" in run, f"{name}:{job_name}: {step}"
                secret_vars = [key for key, value in step.get("env", {}).items() if "secrets." in str(value)]
                for var in secret_vars:
                    assert not re.search(rf"\$\{{?{var}\b", run), f"{name}:{job_name}: the shell expands {var}"


def test_provider_credentials_come_from_environment_secrets_or_aws_oidc() -> None:
    for name, workflow in WORKFLOWS.items():
        for job_name, job in pulumi_jobs(workflow).items():
            where = f"{name}:{job_name}"
            env = pulumi_step(job)["env"]
            for spec in registry.all_specs():
                if spec.name == "aws":
                    continue
                for var in spec.credential_env:
                    assert env[var] == f"${{{{ matrix.provider == '{spec.name}' && secrets.{var} || '' }}}}", where
            assert not [key for key in env if key.startswith("AWS_")], f"{where}: AWS only by OIDC"
            for key in ("PULUMI_ACCESS_TOKEN", "PULUMI_CONFIG_PASSPHRASE"):
                assert env[key] == f"${{{{ secrets.{key} }}}}", where
            steps = job["steps"]
            [aws] = [i for i, step in enumerate(steps) if uses(step, AWS_ACTION)]
            assert aws < steps.index(pulumi_step(job)), f"{where}: credentials before Pulumi"
            assert steps[aws]["if"] == "matrix.provider == 'aws'", where
            assert steps[aws]["with"]["role-to-assume"] == "${{ vars.AWS_ROLE_ARN }}", where
            assert steps[aws]["with"]["aws-region"] == "${{ matrix.region }}", where
            assert not {"aws-access-key-id", "aws-secret-access-key"} & set(steps[aws]["with"]), where
            installs = [i for i, step in enumerate(steps) if "pip install" in step.get("run", "")]
            assert installs and max(installs) < aws, f"{where}: third-party installs run before credentials exist"


def test_checkout_never_persists_the_token() -> None:
    for name, workflow in WORKFLOWS.items():
        for job in workflow["jobs"].values():
            for step in job["steps"]:
                if uses(step, "actions/checkout@"):
                    assert step["with"]["persist-credentials"] is False, name


# --- Matrices: exactly the shipped stacks ----------------------------------------------


def test_every_matrix_is_computed_from_the_stack_files() -> None:
    """No workflow lists a stack by hand; each matrix resolves through infra.ci.matrix."""
    everything = ["infra/program.py"]
    for name, workflow in WORKFLOWS.items():
        for job_name, job in workflow["jobs"].items():
            where = f"{name}:{job_name}"
            if "strategy" in job:
                entries = evaluate_matrix(workflow, job_name, everything)
                assert {e["stack"] for e in entries} <= set(stack_names()), where
            if "environment" in job:
                assert re.fullmatch(r"\$\{\{ matrix\.(environment|preview_environment) \}\}", job["environment"]), where
        for job_name, job in pulumi_jobs(workflow).items():
            assert "strategy" in job, f"{name}:{job_name}: one job per stack, from the matrix"
            assert pulumi_step(job)["with"]["stack-name"] == "${{ matrix.stack }}", f"{name}:{job_name}"


def test_deploy_matrices_are_exactly_the_shipped_stacks_non_production_first() -> None:
    deploy = WORKFLOWS["deploy.yml"]
    nonprod = evaluate_matrix(deploy, "nonprod")
    prod = evaluate_matrix(deploy, "prod")
    order = [entry["stack"] for entry in nonprod + prod]
    assert sorted(order) == stack_names() and len(order) == len(set(order))
    production = {t.stack for t in discover() if t.production}
    assert {entry["stack"] for entry in prod} == production
    assert "prod" in production and not production & {entry["stack"] for entry in nonprod}


def test_drift_checks_exactly_the_shipped_stacks() -> None:
    assert sorted(e["stack"] for e in evaluate_matrix(WORKFLOWS["drift.yml"], "drift")) == stack_names()


@pytest.mark.parametrize("stack", stack_names())
def test_preview_covers_a_stack_when_its_file_or_the_program_changes(stack: str) -> None:
    preview = WORKFLOWS["preview.yml"]
    assert [e["stack"] for e in evaluate_matrix(preview, "preview", [f"Pulumi.{stack}.yaml"])] == [stack]
    assert sorted(e["stack"] for e in evaluate_matrix(preview, "preview", ["infra/guide/cors.py"])) == stack_names()
    assert evaluate_matrix(preview, "preview", ["README.md"]) == []
    assert preview["jobs"]["preview"]["if"] == "needs.discover.outputs.changed != '[]'"


def test_preview_diffs_from_the_pull_requests_base() -> None:
    discover_job = WORKFLOWS["preview.yml"]["jobs"]["discover"]
    checkout = discover_job["steps"][0]
    assert uses(checkout, "actions/checkout@") and checkout["with"]["fetch-depth"] == 2
    step, _ = discovery_step(WORKFLOWS["preview.yml"], "discover", "changed")
    assert 'git diff --name-only HEAD^1 HEAD > "$RUNNER_TEMP/changed-files.txt"' in step["run"]
    assert '--changed-files "$RUNNER_TEMP/changed-files.txt"' in step["run"]


def test_checks_plan_every_stack_file(tmp_path: Path) -> None:
    """Run the checks job's plan step with a stand-in python: every stack gets a summary section,
    a failing stack fails the step without hiding the ones after it."""
    step = checks_step("Offline plan and policy verdicts per stack")
    assert ".venv/bin/python -m infra.ci.matrix --names" in step["run"]
    fake = tmp_path / ".venv" / "bin" / "python"
    fake.parent.mkdir(parents=True)
    fake.write_text(
        "#!/bin/sh\n"
        'if [ "$2" = infra.ci.matrix ]; then printf "alpha\\nbeta\\ngamma\\n"; exit 0; fi\n'
        'echo "plan of $4"\n'
        '[ "$4" != beta ]\n'
    )
    fake.chmod(0o755)
    summary = tmp_path / "summary.md"
    env = {"PATH": os.environ["PATH"], "RUNNER_TEMP": str(tmp_path), "GITHUB_STEP_SUMMARY": str(summary)}
    result = subprocess.run(
        ["bash", "-e", "-c", step["run"]], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=30, check=False
    )
    assert result.returncode == 1
    text = summary.read_text()
    for stack, verdict in (("alpha", "passed"), ("beta", "FAILED"), ("gamma", "passed")):
        assert f"### Offline plan `{stack}`: {verdict}\n\n```text\nplan of {stack}\n```" in text


def test_every_policy_pack_run_passes_the_stacks_policy_config(tmp_path: Path) -> None:
    """Each `pulumi` step that runs the pack gets `--policy-pack-config Pulumi.<stack>.policy.json`
    for a stack that has one and no such flag for one that has none (the action's own argument
    handling, tests/support/workflow_support.py:pulumi_cli_args); drift runs no pack. The offline plan in
    checks.yml leaves the choice to `infra.plan --stack`, which reads the same file."""
    root = tmp_path
    for name in ("Pulumi.yaml", "requirements.txt"):
        shutil.copy(PROJECT_ROOT / name, root / name)
    for stack in ("prod", "staging"):
        shutil.copy(PROJECT_ROOT / f"Pulumi.{stack}.yaml", root / f"Pulumi.{stack}.yaml")
    (root / "Pulumi.staging.policy.json").write_text('{"storage-tags": "mandatory"}')
    with_pack = 0
    for name, workflow in WORKFLOWS.items():
        for job_name, job in pulumi_jobs(workflow).items():
            step = pulumi_step(job)
            if "policyPacks" not in step["with"]:
                assert "policyPackConfigs" not in step["with"] and name == "drift.yml", f"{name}:{job_name}"
                continue
            with_pack += 1
            builds = [i for i, s in enumerate(job["steps"]) if "scripts/policy_bundle.py" in s.get("run", "")]
            assert builds and builds[0] < job["steps"].index(step), f"{name}:{job_name} runs the bundle it never built"
            assert step["with"]["policyPackConfigs"] == "${{ matrix.policy_config }}", f"{name}:{job_name}"
            for entry in evaluate_matrix(workflow, job_name, ["infra/program.py"], project_dir=root):
                args = pulumi_cli_args(step, entry)
                config = ["--policy-pack-config", f"Pulumi.{entry['stack']}.policy.json"] if entry["stack"] == "staging" else []
                assert args[args.index("--policy-pack"):][:2 + len(config)] == ["--policy-pack", PACK_BUNDLE, *config], args
                assert args.count("--policy-pack-config") == len(config) // 2, f"{name}:{job_name}: {args}"
    assert with_pack == 3  # preview, deploy nonprod, deploy prod
    step = checks_step("Offline plan and policy verdicts per stack")
    [plan] = [line.strip() for line in step["run"].splitlines() if "-m infra.plan" in line]
    command = shlex.split(plan.removeprefix("if ").split(">", 1)[0])
    assert command == [".venv/bin/python", "-m", "infra.plan", "--stack", "$stack"], "no override of the stack's own config"


# --- Deploy order, environments, concurrency -------------------------------------------


def test_deploy_runs_on_merge_to_main_for_every_program_or_stack_change() -> None:
    deploy = WORKFLOWS["deploy.yml"]
    push = deploy["on"]["push"]
    assert push["branches"] == ["main"]
    paths = set(push["paths"])
    assert {"Pulumi.*.yaml", "Pulumi.*.policy.json", ".github/workflows/deploy.yml"} <= paths
    assert fnmatch.fnmatch(policy_config_name("prod"), "Pulumi.*.policy.json")
    for path in PROGRAM_PATHS:
        assert (f"{path}**" if path.endswith("/") else path) in paths, path
    assert deploy["jobs"]["discover"]["if"] == "github.ref == 'refs/heads/main'"


def test_deploy_goes_one_stack_at_a_time_and_stops_at_the_first_failure() -> None:
    jobs = WORKFLOWS["deploy.yml"]["jobs"]
    for name in ("nonprod", "prod"):
        assert jobs[name]["strategy"]["max-parallel"] == 1
        assert jobs[name]["strategy"]["fail-fast"] is True
    assert as_list(jobs["prod"]["needs"]) == ["discover", "nonprod"]
    gate = jobs["prod"]["if"]
    assert "!cancelled()" in gate and "always()" not in gate
    assert "needs.nonprod.result == 'success' || needs.nonprod.result == 'skipped'" in gate
    assert "needs.discover.result == 'success'" in gate


def test_each_stack_deploys_in_its_own_environment_then_is_validated() -> None:
    deploy = WORKFLOWS["deploy.yml"]
    for name in ("nonprod", "prod"):
        job = deploy["jobs"][name]
        assert job["environment"] == "${{ matrix.environment }}"
        step = pulumi_step(job)
        assert step["with"]["command"] == "up" and step["with"]["policyPacks"] == PACK_BUNDLE
        assert step["with"]["stack-name"] == "${{ matrix.stack }}"
        steps = job["steps"]
        [validate] = [i for i, s in enumerate(steps) if "infra.validate" in s.get("run", "")]
        assert validate > steps.index(step)
        # right after `up`: a key it created may not be known yet (infra/validate/fresh_key.py)
        assert steps[validate]["run"] == '.venv/bin/python -m infra.validate --stack "$STACK" --fresh-credential --timeout 60'
        parsed = build_parser().parse_args(shlex.split(steps[validate]["run"])[3:])  # the validator takes them
        assert parsed.fresh_credential and parsed.timeout == 60 and parsed.stack == "$STACK"
        assert steps[validate]["env"]["STACK"] == "${{ matrix.stack }}"
        assert "continue-on-error" not in steps[validate] and "if" not in steps[validate]
    [prod] = [e for e in evaluate_matrix(deploy, "prod") if e["stack"] == "prod"]
    assert prod["environment"] == "prod"


def test_preview_and_drift_use_the_read_only_environment() -> None:
    preview = pulumi_step(WORKFLOWS["preview.yml"]["jobs"]["preview"])["with"]
    assert preview | {"stack-name": None} == preview | {
        "command": "preview", "diff": True, "refresh": True, "policyPacks": PACK_BUNDLE,
        "comment-on-pr": True, "edit-pr-comment": True, "stack-name": None,
    }
    drift_job = WORKFLOWS["drift.yml"]["jobs"]["drift"]
    drift = pulumi_step(drift_job)["with"]
    assert (drift["command"], drift["refresh"], drift["expect-no-changes"]) == ("preview", True, True)
    assert "schedule" in WORKFLOWS["drift.yml"]["on"]
    assert drift_job["strategy"]["fail-fast"] is False
    for job in (WORKFLOWS["preview.yml"]["jobs"]["preview"], drift_job):
        assert job["environment"] == "${{ matrix.preview_environment }}"
    assert (PROJECT_ROOT / "policies" / "PulumiPolicy.yaml").exists()


def test_two_runs_of_one_stack_never_overlap() -> None:
    deploy = WORKFLOWS["deploy.yml"]
    assert deploy["concurrency"]["cancel-in-progress"] is False
    for name, workflow in WORKFLOWS.items():
        for job_name, job in pulumi_jobs(workflow).items():
            group = job["concurrency"]["group"]
            assert "${{ matrix.stack }}" in group, f"{name}:{job_name}"
            if name != "preview.yml":
                assert job["concurrency"]["cancel-in-progress"] is False, f"{name}:{job_name}: never cancel a run"
    deploy_groups = {pulumi_jobs(deploy)[j]["concurrency"]["group"] for j in ("nonprod", "prod")}
    assert deploy_groups == {"pulumi-deploy-${{ matrix.stack }}"}, "one group per stack across both phases"


def test_drift_is_reported_loudly(tmp_path: Path) -> None:
    [report] = [s for s in WORKFLOWS["drift.yml"]["jobs"]["drift"]["steps"] if s.get("name") == "Report drift"]
    assert report["if"] == "failure() && steps.drift.outcome == 'failure'"
    summary = tmp_path / "summary.md"
    env = {"PATH": os.environ["PATH"], "STACK": "staging", "GITHUB_STEP_SUMMARY": str(summary)}
    result = subprocess.run(["bash", "-e", "-c", report["run"]], env=env, capture_output=True, text=True, check=True)
    assert result.stdout.startswith("::error title=Drift in stack staging::")
    assert "pulumi preview --refresh --diff --stack staging" in result.stdout
    assert summary.read_text().startswith("### Drift in stack `staging`\n\n")


def test_workflow_files_load() -> None:
    for path in WORKFLOW_FILES:
        assert load(path.name)["jobs"], path.name
    assert shutil.which("bash")


# --- docs/ci.md ---------------------------------------------------------------------------


def test_ci_page_names_every_workflow_secret_and_variable() -> None:
    section = page("docs/ci.md")
    for path in WORKFLOW_FILES:
        assert f"`{path.name}`" in section, path.name
    text = "".join(path.read_text() for path in WORKFLOW_FILES)
    names = set(re.findall(r"\b(?:secrets|vars)\.([A-Z0-9_]+)", text))
    assert {"AWS_ROLE_ARN", "PULUMI_ACCESS_TOKEN", "CLOUDFLARE_API_TOKEN"} <= names
    for name in names:
        assert f"`{name}`" in section, name
    assert f"`{WORKFLOWS['checks.yml']['jobs']['checks']['name']}`" in section
    assert "`<stack>-preview`" in section and "python -m infra.ci.matrix" in section
