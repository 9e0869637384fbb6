"""The transitions a plan comparison refuses (issue 19, section 2), judged on real plans of the
real program (`run_plan` with the settings of each step) compared by the engine's matching
rules (`infra.offline.compare`), and end to end through `python -m infra.plan --against`.
"""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml

from infra.offline.compare import compare_plans
from infra.offline.harness import run_plan
from infra.offline.records import DeclaredAlias, Plan
from infra.offline.transitions import ROTATION_RUNBOOK, judge, refusals
from infra.settings.acknowledgements import Acknowledgement, from_pull_request_body
from tests.support.repo_support import git, plan_against, repository_copy, venv_shim

STACKS = ["prod", "spaces-staging", "staging", "b2-staging"]
"""One shipped stack per provider: aws, digitalocean, cloudflare, backblaze."""
OLD = {"credentials": None, "activeCredential": None}
STEP_1 = {"credentials": [{"name": "default"}, {"name": "2027-05"}], "activeCredential": "default"}
STEP_2 = {"credentials": [{"name": "default"}, {"name": "2027-05"}], "activeCredential": "2027-05"}
STEP_3 = {"credentials": [{"name": "2027-05"}], "activeCredential": "2027-05"}
ONE_STEP = STEP_3
"""The issue's outage: from the implicit `default` straight to only the new generation."""


def planned(stack: str, overrides: dict[str, Any]) -> Plan:
    plan = run_plan(stack, config_overrides=overrides)
    assert plan.error is None, plan.error
    return plan


def refused(stack: str, before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    base, head = planned(stack, before), planned(stack, after)
    return [f"{r.action} {r.resource.name}" for r in refusals(compare_plans(base, head, "base"), base, head)]


@pytest.mark.parametrize("stack", STACKS)
def test_rotating_in_one_step_is_refused_naming_the_runbook(stack: str) -> None:
    key = "storage-app-token" if stack == "staging" else "storage-app-key"
    base, head = planned(stack, OLD), planned(stack, ONE_STEP)
    judgement = judge(compare_plans(base, head, "base"), base, head, [])
    assert len(judgement.refused) == 1, judgement.refused
    assert "delete of " in judgement.refused[0] and f" {key} on stack {stack}" in judgement.refused[0]
    assert ROTATION_RUNBOOK in judgement.refused[0]


@pytest.mark.parametrize("stack", STACKS)
def test_each_step_of_the_three_step_runbook_passes(stack: str) -> None:
    steps = [OLD, STEP_1, STEP_2, STEP_3]
    for before, after in zip(steps, steps[1:], strict=False):
        assert refused(stack, before, after) == [], (before, after)


@pytest.mark.parametrize("stack", STACKS)
def test_switching_back_then_removing_the_new_generation_is_also_safe_but_removing_the_active_is_not(stack: str) -> None:
    key = "storage-app-token" if stack == "staging" else "storage-app-key"
    back = {"credentials": [{"name": "default"}, {"name": "2027-05"}], "activeCredential": "default"}
    assert refused(stack, STEP_2, back) == []
    assert refused(stack, back, {"credentials": [{"name": "default"}], "activeCredential": "default"}) == []
    assert refused(stack, STEP_2, {"credentials": [{"name": "default"}], "activeCredential": "default"}) == [
        f"delete {key}-2027-05"
    ]


@pytest.mark.parametrize(("stack", "bucket"), [("prod", "storage-bucket"), ("spaces-staging", "storage-bucket"),
                                               ("staging", "storage-bucket"), ("b2-staging", "storage-bucket")])
def test_renaming_the_bucket_replaces_it_and_is_refused(stack: str, bucket: str) -> None:
    found = refused(stack, {}, {"bucketName": "raptscallions-renamed"})
    assert f"replace {bucket}" in found, found


@pytest.mark.parametrize("stack", ["prod", "spaces-staging"])
def test_turning_access_logging_off_deletes_the_log_bucket_and_is_refused(stack: str) -> None:
    found = refused(stack, {"accessLogging": True}, {"accessLogging": False})
    assert "delete storage-access-logs" in found, found


@pytest.mark.parametrize(("stack", "setting", "value"), [("prod", "awsReplicaRegion", "us-west-2"),
                                                         ("b2-staging", "b2ReplicaBucketName", "raptscallions-b2-replica")])
def test_removing_the_replica_is_refused(stack: str, setting: str, value: str) -> None:
    found = refused(stack, {setting: value}, {setting: None})
    assert any(entry.startswith("delete ") and "replica" in entry for entry in found), found


def renamed(plan: Plan, old: str, new: str, alias: bool) -> Plan:
    """`plan` as if this package renamed resource `old` to `new` (with or without an alias)."""
    def rename(resource: Any) -> Any:
        if resource.name != old:
            return resource
        aliases = (DeclaredAlias(name=old),) if alias else ()
        return replace(resource, name=new, urn=resource.urn[: -len(old)] + new, aliases=aliases)
    return replace(plan, resources=tuple(rename(r) for r in plan.resources))


@pytest.mark.parametrize("stack", ["prod", "spaces-staging"])
def test_a_rename_without_an_alias_is_refused_and_with_one_is_not(stack: str) -> None:
    base = planned(stack, {})
    old = next(r.name for r in base.resources if r.type.endswith("CorsConfiguration"))
    without = renamed(base, old, old + "-renamed", alias=False)
    found = [f"{r.action} {r.resource.name}" for r in refusals(compare_plans(base, without, "base"), base, without)]
    assert found == [f"delete {old}"]
    with_alias = renamed(base, old, old + "-renamed", alias=True)
    assert refusals(compare_plans(base, with_alias, "base"), base, with_alias) == []


def test_an_acknowledgement_allows_exactly_the_change_it_names_and_an_unused_one_is_reported() -> None:
    base, head = planned("prod", {}), planned("prod", {"bucketName": "raptscallions-renamed", **ONE_STEP})
    comparison = compare_plans(base, head, "base")
    acks = [Acknowledgement("delete", "storage-app-key", "test"), Acknowledgement("delete", "storage-app-user", "test")]
    judgement = judge(comparison, base, head, acks)
    assert [line.split(" on stack")[0] for line in judgement.acknowledged] == ["delete of aws:iam/accessKey:AccessKey storage-app-key"]
    assert any("replace of aws:s3/bucket:Bucket storage-bucket" in line for line in judgement.refused)
    assert not any("storage-app-key " in line for line in judgement.refused)
    assert len(judgement.unused) == 1 and "delete storage-app-user" in judgement.unused[0]
    # the wrong action for the right resource allows nothing
    assert judge(comparison, base, head, [Acknowledgement("replace", "storage-app-key", "t")]).acknowledged == []


def test_pull_request_lines_count_for_their_stack_only_and_a_malformed_one_is_reported() -> None:
    body = "Rotation.\r\n\r\nAcknowledge prod: delete storage-app-key\n- acknowledge PROD: replace storage-bucket\n" \
           "Acknowledge staging: delete storage-app-token\nAcknowledge prod: drop storage-bucket\n"
    found, problems = from_pull_request_body(body, "prod")
    assert [(a.action, a.name) for a in found] == [("delete", "storage-app-key"), ("replace", "storage-bucket")]
    assert len(problems) == 1 and "drop storage-bucket" in problems[0]


def test_the_acknowledgement_setting_is_judged_with_the_other_settings() -> None:
    error = run_plan("prod", config_overrides={"acknowledgeChanges": ["delete storage-app-key", "remove all"]}).error
    assert error is not None and "acknowledgeChanges: 'remove all' is not an acknowledgement" in error


# --- end to end: the CLI on a repository with one commit on top of the shipped stack -------

def rotate_in_one_step(repo: Path, extra: dict[str, Any] | None = None) -> None:
    stack_file = repo / "Pulumi.prod.yaml"
    document = yaml.safe_load(stack_file.read_text())
    document["config"]["raptscallions-storage:credentials"] = [{"name": "2027-05"}]
    document["config"]["raptscallions-storage:activeCredential"] = "2027-05"
    document["config"].update(extra or {})
    stack_file.write_text(yaml.safe_dump(document))
    git(repo, "commit", "-qam", "rotate in one step")


@pytest.fixture(scope="module")
def rotated_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = repository_copy(tmp_path_factory.mktemp("rotated"))
    rotate_in_one_step(repo)
    return repo


def test_the_cli_refuses_the_one_step_rotation_also_in_ci(rotated_repo: Path) -> None:
    for env in ({}, {"CI": "true"}):
        result = plan_against(rotated_repo, **env)
        assert result.returncode == 1, result.stdout + result.stderr
        assert "- delete  aws:iam/accessKey:AccessKey  storage-app-key" in result.stdout
        assert "error: delete of aws:iam/accessKey:AccessKey storage-app-key on stack prod" in result.stdout
        assert "#step-1-add-the-new-generation" in result.stdout


def test_the_pull_request_description_acknowledges_it_and_the_log_says_so(rotated_repo: Path, tmp_path: Path) -> None:
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"body": "Cut over now.\nAcknowledge prod: delete storage-app-key\n"}}))
    result = plan_against(rotated_repo, "--pull-request-event", str(event))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "acknowledged: delete of aws:iam/accessKey:AccessKey storage-app-key on stack prod" in result.stdout
    assert "pull request description" in result.stdout
    document = json.loads(plan_against(rotated_repo, "--pull-request-event", str(event), "--json").stdout)
    assert document["ok"] is True and document["refusals"] == [] and len(document["acknowledged"]) == 1


def test_the_stack_file_acknowledges_it(tmp_path: Path) -> None:
    repo = repository_copy(tmp_path)
    rotate_in_one_step(repo, {"raptscallions-storage:acknowledgeChanges": ["delete storage-app-key"]})
    result = plan_against(repo)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "acknowledged: " in result.stdout and "Pulumi.prod.yaml setting acknowledgeChanges" in result.stdout


# --- the checks workflow's step, run as written on a pull request's merge commit -----------

def transitions_step() -> str:
    from tests.support.workflow_support import all_workflows

    steps = all_workflows()["checks.yml"]["jobs"]["checks"]["steps"]
    [step] = [s for s in steps if "--against" in s.get("run", "")]
    assert step["if"] == "github.event_name == 'pull_request'"
    return step["run"]


def run_step(repo: Path, body: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    venv_shim(repo)
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"body": body}}))
    env = {**os.environ, "RUNNER_TEMP": str(tmp_path), "GITHUB_EVENT_PATH": str(event)}
    return subprocess.run(["bash", "-e", "-c", transitions_step()], cwd=repo, env=env, capture_output=True,
                          text=True, timeout=600, check=False)


def test_the_checks_step_refuses_the_one_step_rotation_unless_the_pull_request_acknowledges_it(
    rotated_repo: Path, tmp_path: Path
) -> None:
    refused_run = run_step(rotated_repo, "Rotate.", tmp_path)
    assert refused_run.returncode == 1, refused_run.stdout + refused_run.stderr
    assert "error: delete of aws:iam/accessKey:AccessKey storage-app-key on stack prod" in refused_run.stdout
    assert "Stack spaces-staging" not in refused_run.stdout, "only the stacks the change touches"
    allowed = run_step(rotated_repo, "Rotate.\nAcknowledge prod: delete storage-app-key", tmp_path)
    assert allowed.returncode == 0, allowed.stdout + allowed.stderr
    assert "acknowledged: delete of aws:iam/accessKey:AccessKey storage-app-key" in allowed.stdout


def test_make_plan_with_against_refuses_it_too(rotated_repo: Path, tmp_path: Path) -> None:
    """`make plan STACK=prod AGAINST=HEAD~1`, the docs' command (docs/ci.md), with the suite's interpreter
    as `.venv/bin/python` and the install stamp fresh, so make builds nothing."""
    venv_shim(rotated_repo)
    (rotated_repo / ".venv" / ".installed-stamp").touch()
    result = subprocess.run(["make", "-s", "plan", "STACK=prod", "AGAINST=HEAD~1"], cwd=rotated_repo,
                            capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode != 0, result.stdout + result.stderr
    assert "- delete  aws:iam/accessKey:AccessKey  storage-app-key" in result.stdout
    assert "error: delete of aws:iam/accessKey:AccessKey storage-app-key on stack prod" in result.stdout


# --- routine changes are never refused (a refusal that fires on them would be switched off) --

ROUTINE_COMMON = [{"softDeleteDays": 45}, {"abortIncompleteMultipartDays": 3}, {"corsMaxAgeSeconds": 600},
                  {"corsAllowedOrigins": ["https://app.raptscallions.com", "https://admin.raptscallions.com"]},
                  {"signedUrlExpirationSeconds": 600}, {"maxFileSizeBytes": 5242880}]
ROUTINE = {
    "prod": [{"noncurrentVersionDays": 60}, {"accessLogDays": 30}, {"tags": {"team": "storage"}}, {"versioning": False}],
    "spaces-staging": [{"noncurrentVersionDays": 60}, {"versioning": False}, {"accessLogDays": 30}],
    "staging": [],
    "b2-staging": [{"b2AppPrefixes": ["uploads/"]}],
}
"""Changes the docs describe as everyday settings, per shipped stack (what its provider uses)."""


@pytest.mark.parametrize("stack", STACKS)
def test_no_routine_settings_change_is_refused(stack: str) -> None:
    """Found by the transitions helper: Spaces lifecycle and versioning changes were "maybe
    replace" of the bucket (no replacement data), so a 45-day soft delete was refused."""
    base = planned(stack, {})
    for change in ROUTINE_COMMON + ROUTINE[stack]:
        head = planned(stack, change)
        comparison = compare_plans(base, head, "base")
        assert refusals(comparison, base, head) == [], change
        assert not any(r.type in ("digitalocean:index/spacesBucket:SpacesBucket", "cloudflare:index/r2Bucket:R2Bucket",
                                  "aws:s3/bucket:Bucket", "pulumi-python:dynamic/backblaze:Bucket")
                       and r.replacement != "no" for r in comparison.resources), change


def test_a_spaces_region_change_replaces_the_space_citing_the_digitalocean_source() -> None:
    base = planned("spaces-staging", {})
    head = planned("spaces-staging", {"region": "sfo3", "endpoint": None})
    [bucket] = [r for r in compare_plans(base, head, "base").resources if r.name == "storage-bucket"]
    [region] = [i for i in bucket.inputs if i.name == "region"]
    assert (region.replaces, region.source.split(":")[0]) == ("yes", "digitalocean/terraform-provider-digitalocean digitalocean/spaces/resource_spaces_bucket.go")
