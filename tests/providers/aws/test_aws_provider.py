"""The AWS stack's explicit provider, and the offline plan refusing what the real plugins refuse.

The AWS plugin refuses to start without a region (pulumi/pulumi-aws provider/resources.go:
Config `region`, EnvVars AWS_REGION / AWS_DEFAULT_REGION; pulumi/pulumi-aws#2084, PR #2088),
and it is started before the first resource or invoke that uses it. Pulumi's mocks accept
anything, so `infra.offline.plugin_config` judges the recorded plan as the plugin would.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from infra.ci.stacks import DiscoveryError, discover
from infra.offline.harness import Plan, run_plan
from infra.offline.plugin_config import is_provider, plugin_problems
from infra.offline.policy_check import analyze_plan
from infra.offline.stack_files import PROJECT_ROOT
from tests.support.plan_cli_support import PROD_AWS, copy_project, run_plan_cli
from tests.support.policy_support import with_resources
from tests.support.urn_record import REPLICA_REGION, VARIANTS

PROVIDER = "pulumi:providers:aws"
PROBE_MAIN = """import pulumi_aws as aws
from infra.program import main
main()
aws.get_caller_identity_output()
"""
"""The real program plus one invoke on the default provider: the mistake the plan must catch."""


def variant_plan(label: str) -> Plan:
    return run_plan(label.split("+")[0], config_overrides=VARIANTS[label])


@pytest.mark.parametrize("label", [v for v in VARIANTS if v.startswith("prod")])
def test_every_aws_resource_and_invoke_uses_the_explicit_provider_in_its_region(label: str) -> None:
    plan = variant_plan(label)
    provider = plan.one(PROVIDER)
    assert provider.inputs["region"] == "us-east-1", "the provider's region is the region setting"
    assert not {"accessKey", "secretKey", "token", "profile"} & set(provider.inputs), "credentials stay in the environment"
    reference = f"{provider.urn}::{provider.name}-id"  # the mocks' id for the provider
    aws_resources = [r for r in plan.resources if r.type.startswith("aws:")]
    assert aws_resources and all(r.provider == reference for r in aws_resources), [
        r.name for r in aws_resources if r.provider != reference
    ]
    assert all(i.provider == reference for i in plan.invokes if i.token.startswith("aws:"))
    logs, replica = label != "prod+nologs", "replica" in label
    assert len(plan.invokes) == logs + replica + (logs and replica), "caller identity: access logs, replica, replica's logs"
    for resource in aws_resources:
        effective = resource.inputs.get("region") or provider.inputs["region"]
        replica = resource.name == "storage-replica" or resource.name.startswith("storage-replica-")
        expected = REPLICA_REGION if replica else "us-east-1"
        assert effective == expected, resource.name


def test_plan_refuses_an_aws_stack_without_region_naming_the_key() -> None:
    plan = run_plan("prod", config_overrides={"region": None})
    assert plan.error and "raptscallions-storage:region: is required for aws" in plan.error
    assert "AWS plugin refuses to start" in plan.error
    assert plan.resources == ()


def test_cli_refuses_a_stack_without_region_exit_1_no_traceback(tmp_path: Path) -> None:
    config = {k: v for k, v in PROD_AWS.items() if not k.endswith(":region")}
    result = run_plan_cli("--stack", "broken", "--project-dir", str(copy_project(tmp_path, config)))
    assert result.returncode == 1
    assert "raptscallions-storage:region" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_plan_refuses_an_invoke_on_the_default_provider_naming_key_and_environment(tmp_path: Path) -> None:
    project = copy_project(tmp_path, PROD_AWS)
    (project / "__main__.py").write_text(PROBE_MAIN)
    plan = run_plan("broken", project_dir=project)
    assert plan.error is not None
    assert "aws:region (environment: AWS_REGION or AWS_DEFAULT_REGION)" in plan.error
    assert "invoke aws:index/getCallerIdentity:getCallerIdentity" in plan.error
    assert "default aws provider" in plan.error
    assert "storage-bucket" not in plan.error, "resources on the explicit provider are fine"
    # the same plan is fine for the default provider once it has a region, as for the real plugin
    assert plugin_problems(plan, {"aws:region": "us-east-1"}) == []
    result = subprocess.run(
        [sys.executable, "-m", "infra.plan", "--stack", "broken", "--project-dir", str(project)],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 1 and "aws:region" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_plan_refuses_an_explicit_provider_without_region() -> None:
    plan = run_plan("prod")
    stripped = [
        type(r)(**{**r.__dict__, "inputs": {k: v for k, v in r.inputs.items() if k != "region"}}) if is_provider(r) else r
        for r in plan.resources
    ]
    problems = plugin_problems(with_resources(plan, stripped), {"aws:region": "us-east-1"})
    assert [p.provider for p in problems] == ["storage-aws"], "stack config does not reach an explicit provider"
    assert "aws:s3/bucket:Bucket storage-bucket" in str(problems[0])


@pytest.mark.parametrize("key", ["aws:region", "aws:profile"])
def test_settings_refuse_aws_config_the_explicit_provider_would_ignore(key: str) -> None:
    plan = run_plan("prod", config_overrides={key: "us-east-1" if key.endswith("region") else "admin"})
    assert plan.error is not None and plan.resources == ()
    assert f"  - {key}: has no effect" in plan.error
    assert f"pulumi config rm {key} --stack prod" in plan.error
    assert "raptscallions-storage:aws:" not in plan.error


def test_other_providers_keep_their_plugin_config() -> None:
    """DigitalOcean and Cloudflare use default providers, which do read `<package>:*` config."""
    assert run_plan("staging", config_overrides={"cloudflare:apiUserServiceKey": "v1.0-x"}).error is None


def test_ci_discovery_refuses_the_same_stack_file(tmp_path: Path) -> None:
    copy_project(tmp_path, {**PROD_AWS, "aws:profile": "admin"})
    with pytest.raises(DiscoveryError, match="aws:profile: has no effect"):
        discover(tmp_path)


def test_policy_pack_ignores_the_provider_resource() -> None:
    plan = run_plan("prod", config_overrides=VARIANTS["prod+replica+secret"])
    without = with_resources(plan, [r for r in plan.resources if not is_provider(r)])
    assert analyze_plan(plan) == analyze_plan(without) == []


def test_plan_names_the_credentials_the_real_preview_needs_without_requiring_them() -> None:
    result = run_plan_cli("--stack", "prod", "--json")
    assert result.returncode == 0, result.stdout
    notes = json.loads(result.stdout)["credentials"]
    assert len(notes) == 1 and "AWS_ACCESS_KEY_ID" in notes[0] and "AWS_PROFILE" in notes[0]
    text = run_plan_cli("--stack", "staging").stdout
    assert "CLOUDFLARE_API_TOKEN" in text and "AWS_PROFILE" not in text


def test_shipped_stack_files_set_no_aws_config() -> None:
    for path in PROJECT_ROOT.glob("Pulumi.*.yaml"):
        config = yaml.safe_load(path.read_text()).get("config") or {}
        assert not [k for k in config if k.startswith("aws:")], path.name
