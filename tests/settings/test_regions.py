"""Regions come from the providers' own data; a typo is refused with the closest known region.

Sources (each list's module says more): AWS, botocore's endpoint data (the AWS SDK's own table;
the AWS plugin also refuses regions its SDK does not know); Spaces, DigitalOcean's "Spaces
Availability" page; B2, Backblaze's "Data Regions" page and S3 endpoints; R2, Cloudflare's
"S3 API compatibility" ("the region for an R2 bucket is auto") and "Data location" pages.
Every check runs the real program offline (`run_plan`), as `python -m infra.plan` does.
"""

from __future__ import annotations

import re

import botocore.session
import pytest

from infra.offline.harness import Plan, run_plan
from infra.providers.aws import regions as aws_regions
from infra.providers.aws.spec import partition_for_region
from tests.support.guide_support import guide_text
from tests.support.plan_cli_support import PROD_AWS, copy_project, run_plan_cli

SECTIONS = {
    "aws": ("### AWS S3", "prod"),
    "digitalocean": ("### DigitalOcean Spaces", "spaces-staging"),
    "backblaze": ("### Backblaze B2", "b2-staging"),
    "cloudflare": ("### Cloudflare R2", "staging"),
}
"""The guide's section of each provider, and the shipped stack of that provider."""
REGION_SHAPES = {
    "aws": r"\b[a-z]{2}(?:-gov)?-[a-z]+-\d\b",  # us-east-1, in `--region` and STORAGE_S3_REGION
    "digitalocean": r"\b[a-z]{3}\d\b",  # nyc3, sfo3: the datacenter list and the endpoint
    "backblaze": r"\b[a-z]{2}-[a-z]+-\d{3}\b",  # us-west-000, in the endpoints it lists
    "cloudflare": r"STORAGE_S3_REGION=(\S+)",  # auto
}
"""How a region looks in each section: broad on purpose, so a region the guide names is found
even when the list the settings check is wrong."""


def guide_regions(provider: str) -> list[str]:
    """Every region the guide's section for `provider` names, in order of first mention."""
    text = guide_text()
    heading = SECTIONS[provider][0]
    start = text.index(heading)
    end = text.find("\n## ", start)
    following = [text.find(h, start + len(heading)) for h, _ in SECTIONS.values()]
    end = min([i for i in [*following, end] if i > start] or [len(text)])
    found = re.findall(REGION_SHAPES[provider], text[start:end])
    return list(dict.fromkeys(found))


def plan_with(stack: str, **overrides: object) -> Plan:
    return run_plan(stack, config_overrides=overrides)


def refused(plan: Plan) -> str:
    """The refusal, checked to have declared nothing."""
    assert plan.error is not None, "the plan should have been refused"
    assert not plan.resources, "a refused setting must stop the program before any resource"
    return plan.error


def test_the_guide_sections_name_regions() -> None:
    """Guard for the test below: the extraction finds what the guide (today) says."""
    assert guide_regions("aws") == ["us-east-1"]
    assert {"nyc3", "sfo3"} <= set(guide_regions("digitalocean"))
    assert {"us-west-000", "us-west-004", "eu-central-003"} <= set(guide_regions("backblaze"))
    assert guide_regions("cloudflare") == ["auto"]


@pytest.mark.parametrize("provider", list(SECTIONS))
def test_every_region_the_guide_names_is_accepted(provider: str) -> None:
    stack = SECTIONS[provider][1]
    named = guide_regions(provider)
    assert named, f"no region found in the guide's {SECTIONS[provider][0]} section"
    for region in named:
        plan = plan_with(stack, region=region)
        assert plan.error is None, plan.error
        exported = plan.outputs["STORAGE_S3_REGION"]
        assert exported == region, f"{region} must reach the app unchanged, not {exported!r}"


@pytest.mark.parametrize(
    ("stack", "key", "value", "provider", "suggestion"),
    [
        ("prod", "region", "us-east-7", "AWS", "'us-east-"),
        ("prod", "awsReplicaRegion", "us-wset-2", "AWS", "'us-west-2'"),
        ("spaces-staging", "region", "fra2", "DigitalOcean Spaces", "'fra1'"),
        ("b2-staging", "region", "us-west-003", "Backblaze B2", "'us-west-00"),
        ("staging", "region", "Auto", "R2", "'auto'"),
        ("staging", "r2LocationHint", "wnma", "R2", "'wnam'"),
    ],
)
def test_an_unknown_region_is_refused_naming_the_setting_the_provider_and_the_closest_region(
    stack: str, key: str, value: str, provider: str, suggestion: str
) -> None:
    error = refused(plan_with(stack, **{key: value}))
    [line] = [line for line in error.splitlines() if f"raptscallions-storage:{key}:" in line]
    assert repr(value) in line and provider in line
    assert f"Did you mean {suggestion}" in line


def test_the_issue_s_typos_are_refused_together_with_the_other_problems() -> None:
    """us-east-7 and us-wset-2 gave exit 0 and STORAGE_S3_REGION=us-east-7 before (issue 19)."""
    error = refused(plan_with("prod", region="us-east-7", awsReplicaRegion="us-wset-2", softDeleteDays=0))
    assert "3 settings are invalid" in error
    assert "raptscallions-storage:softDeleteDays:" in error
    assert "'us-east-7' is not an AWS region" in error and "'us-wset-2' is not an AWS region" in error


def test_spaces_fra2_is_an_error_not_a_warning() -> None:
    """Spaces' fra2 was only a warning below the outputs before (issue 19)."""
    error = refused(plan_with("spaces-staging", region="fra2"))
    assert "Did you mean 'fra1'?" in error and "Known: ams3, atl1, blr1, fra1, lon1, nyc3" in error


def test_a_region_followed_by_a_newline_is_refused_and_pointed_to_the_clean_name() -> None:
    """One problem for the key: the padding is named, not also "region is required"."""
    error = refused(plan_with("prod", region="us-east-1\n"))
    assert "1 setting is invalid" in error, error
    assert "'us-east-1\\n' starts or ends with whitespace" in error and "is required" not in error


def test_aws_regions_are_exactly_botocores_s3_regions_of_the_counted_partitions() -> None:
    """The list is botocore's, through its public API too; opt-in regions included."""
    session = botocore.session.get_session()
    expected = set().union(*(session.get_available_regions("s3", partition_name=p) for p in aws_regions.PARTITIONS))
    assert set(aws_regions.s3_regions()) == expected
    assert {"af-south-1", "me-south-1", "ap-east-1", "cn-north-1", "us-gov-west-1"} <= expected


@pytest.mark.parametrize("region", ["af-south-1", "ap-southeast-7", "us-gov-west-1", "cn-northwest-1"])
def test_opt_in_china_and_govcloud_regions_plan_with_their_partition_s_arns(region: str) -> None:
    plan = plan_with("prod", region=region)
    assert plan.error is None, plan.error
    assert plan.outputs["STORAGE_S3_REGION"] == region
    partition = partition_for_region(region)
    assert partition == {"cn": "aws-cn", "us-gov": "aws-us-gov"}.get(region.rsplit("-", 2)[0], "aws")
    policies = [r.inputs["policy"] for r in plan.resources if r.type == "aws:s3/bucketPolicy:BucketPolicy"]
    assert policies and all(f"arn:{partition}:s3:::raptscallions-prod" in policy for policy in policies)


@pytest.mark.parametrize("region", ["us-iso-east-1", "us-isob-east-1", "eusc-de-east-1"])
def test_regions_of_partitions_this_package_does_not_write_arns_for_are_refused(region: str) -> None:
    """botocore knows them, but they are left out on purpose (regions.py says why)."""
    assert region in {r for p in botocore.session.get_session().get_available_partitions()
                      for r in botocore.session.get_session().get_available_regions("s3", partition_name=p)}
    error = refused(plan_with("prod", region=region))
    assert "partitions aws, aws-cn, aws-us-gov" in error


def test_a_replica_in_another_partition_is_refused() -> None:
    error = refused(plan_with("prod", awsReplicaRegion="cn-north-1"))
    assert "raptscallions-storage:awsReplicaRegion: is cn-north-1, in partition aws-cn" in error


def test_r2_s3_aliases_of_auto_are_refused_with_the_reason() -> None:
    """R2's S3 API takes us-east-1 for auto, but the app's value (the guide's) is auto."""
    error = refused(plan_with("staging", region="us-east-1"))
    assert "alias of 'auto'" in error and "Set region to 'auto' or leave it unset" in error
    assert plan_with("staging", region=None).outputs["STORAGE_S3_REGION"] == "auto"


def test_a_b2_endpoint_naming_an_unknown_region_is_refused() -> None:
    error = refused(plan_with("b2-staging", region=None, endpoint="https://s3.us-west-009.backblazeb2.com"))
    assert "raptscallions-storage:endpoint: 'https://s3.us-west-009.backblazeb2.com': 'us-west-009'" in error


def test_the_cli_refuses_a_region_typo_with_exit_1_and_no_traceback(tmp_path) -> None:
    project = copy_project(tmp_path, {**PROD_AWS, "raptscallions-storage:region": "us-east-7"})
    result = run_plan_cli("--stack", "broken", "--project-dir", str(project))
    assert result.returncode == 1, result.stdout + result.stderr
    output = result.stdout + result.stderr
    assert "raptscallions-storage:region: 'us-east-7' is not an AWS region" in output
    assert "Traceback" not in output
