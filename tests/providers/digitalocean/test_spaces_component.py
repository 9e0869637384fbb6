"""The DigitalOcean Spaces component as declared by the real program (Pulumi mocks)."""

from __future__ import annotations

import json

import pytest

from infra.guide import contract
from infra.guide.cors import CorsRule
from infra.guide.lifecycle import LifecyclePolicy
from infra.offline.harness import Plan, run_plan
from tests.support.component_probe import probe_plan
from tests.support.plans import shipped_plan, valid
from tests.support.policy_support import app_part
from tests.support.s3_documents import (
    s3_cors_configuration,
    s3_cors_from_spaces_rules,
    s3_lifecycle_configuration,
    s3_lifecycle_from_spaces_rules,
    with_empty_filters,
)

STACK = "spaces-staging"
BUCKET = "raptscallions-staging-spaces"
ORIGIN = "https://staging.raptscallions.com"
COMPONENT = "raptscallions:storage:SpacesStorage"
SPACES_BUCKET = "digitalocean:index/spacesBucket:SpacesBucket"
SPACES_CORS = "digitalocean:index/spacesBucketCorsConfiguration:SpacesBucketCorsConfiguration"
SPACES_KEY = "digitalocean:index/spacesKey:SpacesKey"
SPACES_LOGGING = "digitalocean:index/spacesBucketLogging:SpacesBucketLogging"
FAKE_SECRET = "fake-spaces-secret-for-storage-app-key"


@pytest.fixture(scope="module")
def full_plan() -> Plan:
    return valid(shipped_plan(STACK))


@pytest.fixture(scope="module")
def plan(full_plan: Plan) -> Plan:
    """The app Space's part (the log Space is tested in tests/providers/digitalocean/test_spaces_access_logs.py)."""
    return app_part(full_plan)


def test_declares_the_bucket_cors_one_key_and_access_logging(full_plan: Plan) -> None:
    expected = [COMPONENT, SPACES_BUCKET, SPACES_CORS, SPACES_KEY, SPACES_BUCKET, SPACES_LOGGING]
    assert sorted(r.type for r in full_plan.resources) == sorted(expected)
    component = full_plan.one(COMPONENT)
    assert all(r.parent == component.urn for r in full_plan.resources if r is not component)


def test_bucket_is_private_protected_versioned_and_in_the_region(plan: Plan) -> None:
    bucket = plan.one(SPACES_BUCKET)
    assert bucket.protect is True
    assert bucket.inputs["name"] == BUCKET
    assert bucket.inputs["region"] == "nyc3"
    assert bucket.inputs["acl"] == "private"
    assert bucket.inputs["forceDestroy"] is False
    assert bucket.inputs["versioning"] == {"enabled": True}
    assert "corsRules" not in bucket.inputs, "CORS belongs to the dedicated resource, not the deprecated inline rules"
    assert not any(r.protect for r in plan.resources if r is not bucket), "only buckets are protected"


def test_lifecycle_rules_mean_the_guides_rules(plan: Plan) -> None:
    rules = plan.one(SPACES_BUCKET).inputs["lifecycleRules"]
    assert [r["id"] for r in rules] == ["cleanup-soft-deleted", "cleanup-incomplete-uploads", "cleanup-noncurrent-versions"]
    assert rules[0]["prefix"] == "deleted/" and "prefix" not in rules[1] and "prefix" not in rules[2]
    assert s3_lifecycle_from_spaces_rules(rules) == with_empty_filters(s3_lifecycle_configuration(LifecyclePolicy()))


def test_cors_is_the_shared_rule_on_this_bucket(plan: Plan) -> None:
    cors = plan.one(SPACES_CORS)
    assert cors.inputs["bucket"] == BUCKET and cors.inputs["region"] == "nyc3"
    assert plan.one(SPACES_BUCKET).urn in cors.property_dependencies["bucket"]
    assert s3_cors_from_spaces_rules(cors.inputs["corsRules"]) == s3_cors_configuration(CorsRule((ORIGIN,)))


def test_key_has_one_readwrite_grant_on_this_bucket_only(plan: Plan) -> None:
    key = plan.one(SPACES_KEY)
    assert key.inputs["grants"] == [{"bucket": BUCKET, "permission": "readwrite"}]
    assert key.inputs["name"] == f"{BUCKET}-app"
    assert plan.one(SPACES_BUCKET).urn in key.property_dependencies["grants"], "the grant names the declared bucket"


def test_exports_the_contract_with_the_regional_endpoint(plan: Plan) -> None:
    outputs = plan.outputs
    assert set(contract.CONTRACT_NAMES) <= set(outputs)
    assert outputs[contract.BUCKET] == BUCKET
    assert outputs[contract.REGION] == "nyc3"
    assert outputs[contract.ENDPOINT] == "https://nyc3.digitaloceanspaces.com"
    assert outputs[contract.ACCESS_KEY_ID] == "FAKESPACESKEY-storage-app-key"
    assert outputs[contract.SECRET_ACCESS_KEY] == FAKE_SECRET
    assert plan.secret_outputs == {contract.SECRET_ACCESS_KEY}


def test_secret_key_appears_in_no_plain_output(plan: Plan) -> None:
    plain = {k: v for k, v in plan.outputs.items() if k not in plan.secret_outputs}
    assert FAKE_SECRET not in json.dumps(plain)


def test_versioning_off_suspends_explicitly_and_drops_version_cleanup() -> None:
    plan = app_part(run_plan(STACK, config_overrides={"versioning": "false"}))
    bucket = plan.one(SPACES_BUCKET)
    assert bucket.inputs["versioning"] == {"enabled": False}
    assert [r["id"] for r in bucket.inputs["lifecycleRules"]] == ["cleanup-soft-deleted", "cleanup-incomplete-uploads"]


def test_lifecycle_settings_flow_into_the_rules() -> None:
    plan = app_part(run_plan(STACK, config_overrides={"softDeletePrefix": "trash/", "softDeleteDays": "14", "noncurrentVersionDays": "3"}))
    rules = plan.one(SPACES_BUCKET).inputs["lifecycleRules"]
    policy = LifecyclePolicy(soft_delete_prefix="trash/", soft_delete_days=14, noncurrent_version_days=3)
    assert s3_lifecycle_from_spaces_rules(rules) == with_empty_filters(s3_lifecycle_configuration(policy))


def test_protect_false_is_honoured() -> None:
    plan = app_part(run_plan(STACK, config_overrides={"protect": "false"}))
    assert plan.one(SPACES_BUCKET).protect is False


def test_endpoint_for_another_datacenter_declares_nothing() -> None:
    plan = run_plan(STACK, config_overrides={"endpoint": "https://sfo3.digitaloceanspaces.com"})
    assert plan.resources == () and plan.outputs == {}
    assert plan.error is not None and "raptscallions-storage:endpoint:" in plan.error and "Traceback" not in plan.error


def test_component_hands_over_the_secret_already_secret(tmp_path) -> None:
    """Nothing downstream has to remember to wrap the key's secret."""
    plan = probe_plan(STACK, tmp_path)
    assert plan.error is None, plan.error
    assert {"componentSecret", contract.SECRET_ACCESS_KEY} <= plan.secret_outputs
    assert "componentKeyId" not in plan.secret_outputs
