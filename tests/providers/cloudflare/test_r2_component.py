"""The Cloudflare R2 component as declared by the real program (Pulumi mocks)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest

from infra.guide import contract
from infra.guide.cors import CorsRule
from infra.guide.lifecycle import LifecyclePolicy
from infra.offline import fakes
from infra.offline.harness import Plan, run_plan
from infra.providers.cloudflare.documents import r2_cors_rule
from tests.support.component_probe import probe_plan
from tests.support.plan_cli_support import run_plan_cli
from tests.support.plans import shipped_plan, valid
from tests.support.s3_documents import (
    s3_cors_configuration,
    s3_cors_from_r2_rules,
    s3_lifecycle_configuration,
    s3_lifecycle_from_r2_rules,
    with_empty_filters,
)

STACK = "staging"
ACCOUNT = "0123456789abcdef0123456789abcdef"
BUCKET = "raptscallions-staging"
ORIGIN = "https://staging.raptscallions.com"
COMPONENT = "raptscallions:storage:R2Storage"
R2_BUCKET = "cloudflare:index/r2Bucket:R2Bucket"
R2_CORS = "cloudflare:index/r2BucketCors:R2BucketCors"
R2_LIFECYCLE = "cloudflare:index/r2BucketLifecycle:R2BucketLifecycle"
TOKEN = "cloudflare:index/accountToken:AccountToken"
TOKEN_VALUE = "fake-r2-token-value-for-storage-app-token"
READ_GROUP, WRITE_GROUP = "Workers R2 Storage Bucket Item Read", "Workers R2 Storage Bucket Item Write"


@pytest.fixture(scope="module")
def plan() -> Plan:
    return valid(shipped_plan(STACK))


def test_declares_bucket_cors_lifecycle_and_one_token(plan: Plan) -> None:
    assert sorted(r.type for r in plan.resources) == sorted([COMPONENT, R2_BUCKET, R2_CORS, R2_LIFECYCLE, TOKEN])
    component = plan.one(COMPONENT)
    assert all(r.parent == component.urn for r in plan.resources if r is not component)


def test_bucket_is_in_the_account_with_hint_and_jurisdiction(plan: Plan) -> None:
    bucket = plan.one(R2_BUCKET)
    assert bucket.protect is True
    assert bucket.inputs == {"accountId": ACCOUNT, "name": BUCKET, "jurisdiction": "default", "location": "wnam"}
    assert not any(r.protect for r in plan.resources if r is not bucket)


@pytest.mark.parametrize("type_name", [R2_CORS, R2_LIFECYCLE])
def test_rules_target_this_bucket(plan: Plan, type_name: str) -> None:
    resource = plan.one(type_name)
    assert (resource.inputs["accountId"], resource.inputs["bucketName"], resource.inputs["jurisdiction"]) == (
        ACCOUNT,
        BUCKET,
        "default",
    )
    assert plan.one(R2_BUCKET).urn in resource.property_dependencies["bucketName"]


def test_cors_is_the_shared_rule_with_the_preflight_headers_named(plan: Plan) -> None:
    rules = plan.one(R2_CORS).inputs["rules"]
    assert rules[0]["allowed"]["headers"] == ["*", "content-type"]
    assert s3_cors_from_r2_rules(rules) == s3_cors_configuration(r2_cors_rule(CorsRule((ORIGIN,))))


def test_a_replaced_cors_resource_is_deleted_before_its_successor_is_created(plan: Plan) -> None:
    """Deleting an R2BucketCors deletes the bucket's only CORS configuration: a successor
    created first would be wiped by its predecessor's delete."""
    assert plan.one(R2_CORS).delete_before_replace is True
    assert plan.one(R2_CORS).parent == plan.one(COMPONENT).urn


def test_lifecycle_is_the_shared_rules_in_seconds_without_version_cleanup(plan: Plan) -> None:
    rules = plan.one(R2_LIFECYCLE).inputs["rules"]
    assert rules[0]["conditions"] == {"prefix": "deleted/"}
    assert rules[0]["deleteObjectsTransition"] == {"condition": {"type": "Age", "maxAge": 30 * 86400}}
    assert rules[1]["conditions"] == {"prefix": ""}
    assert rules[1]["abortMultipartUploadsTransition"] == {"condition": {"type": "Age", "maxAge": 7 * 86400}}
    guide = s3_lifecycle_configuration(LifecyclePolicy(noncurrent_version_days=None))
    assert s3_lifecycle_from_r2_rules(rules) == with_empty_filters(guide)


def test_lifecycle_settings_flow_into_the_rules() -> None:
    plan = run_plan(STACK, config_overrides={"softDeletePrefix": "trash/", "softDeleteDays": "10", "abortIncompleteMultipartDays": "2"})
    rules = plan.one(R2_LIFECYCLE).inputs["rules"]
    policy = LifecyclePolicy(soft_delete_prefix="trash/", soft_delete_days=10, abort_multipart_days=2, noncurrent_version_days=None)
    assert s3_lifecycle_from_r2_rules(rules) == with_empty_filters(s3_lifecycle_configuration(policy))


def test_token_allows_only_the_object_groups_on_exactly_this_bucket(plan: Plan) -> None:
    token = plan.one(TOKEN)
    assert token.inputs["accountId"] == ACCOUNT
    [policy] = token.inputs["policies"]
    assert policy["effect"] == "allow"
    assert sorted(g["id"] for g in policy["permissionGroups"]) == ["fake-pg-r2-bucket-item-read", "fake-pg-r2-bucket-item-write"]
    assert json.loads(policy["resources"]) == {f"com.cloudflare.edge.r2.bucket.{ACCOUNT}_default_{BUCKET}": "*"}
    assert plan.one(R2_BUCKET).urn in token.property_dependencies["policies"]


def test_eu_jurisdiction_moves_the_resource_key_and_endpoint() -> None:
    plan = run_plan(STACK, config_overrides={"r2Jurisdiction": "eu", "r2LocationHint": None})
    assert plan.one(R2_BUCKET).inputs["jurisdiction"] == "eu" and "location" not in plan.one(R2_BUCKET).inputs
    assert plan.one(R2_LIFECYCLE).inputs["jurisdiction"] == plan.one(R2_CORS).inputs["jurisdiction"] == "eu"
    [policy] = plan.one(TOKEN).inputs["policies"]
    assert json.loads(policy["resources"]) == {f"com.cloudflare.edge.r2.bucket.{ACCOUNT}_eu_{BUCKET}": "*"}
    assert plan.outputs[contract.ENDPOINT] == f"https://{ACCOUNT}.eu.r2.cloudflarestorage.com"


def capture_invokes(monkeypatch: pytest.MonkeyPatch, answer=None) -> list[dict[str, Any]]:
    calls: list[dict[str, Any]] = []
    real = fakes.INVOKE_RESULTS[fakes.CLOUDFLARE_PERMISSION_GROUPS_LIST]

    def recording(args: dict[str, Any]) -> dict[str, Any]:
        calls.append(dict(args))
        return (answer or real)(args)

    monkeypatch.setitem(fakes.INVOKE_RESULTS, fakes.CLOUDFLARE_PERMISSION_GROUPS_LIST, recording)
    return calls


def test_groups_are_looked_up_by_name_in_the_stacks_account(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = capture_invokes(monkeypatch)
    plan = run_plan(STACK)
    assert plan.error is None
    assert [(c.get("accountId"), c.get("name")) for c in calls] == [(ACCOUNT, READ_GROUP), (ACCOUNT, WRITE_GROUP)]


def every_group(args: dict[str, Any]) -> dict[str, Any]:
    """A lookup that ignores the name filter, answering with every group (admin ones included)."""
    results = [{**g, "category": "developer_platform", "isSelectable": True} for g in fakes.CLOUDFLARE_PERMISSION_GROUPS]
    return {"results": results}


def test_a_loose_lookup_answer_still_grants_only_the_exact_groups(monkeypatch: pytest.MonkeyPatch) -> None:
    capture_invokes(monkeypatch, every_group)
    [policy] = run_plan(STACK).one(TOKEN).inputs["policies"]
    assert sorted(g["id"] for g in policy["permissionGroups"]) == ["fake-pg-r2-bucket-item-read", "fake-pg-r2-bucket-item-write"]


def test_missing_permission_group_stops_before_anything_is_declared(monkeypatch: pytest.MonkeyPatch) -> None:
    capture_invokes(monkeypatch, lambda args: {"results": []})
    plan = run_plan(STACK)
    assert plan.resources == () and plan.outputs == {}
    assert plan.error is not None and READ_GROUP in plan.error and "Account API Tokens Read" in plan.error
    assert "Traceback" not in plan.error


def test_secret_is_the_sha256_of_the_token_value_and_stays_secret(plan: Plan) -> None:
    assert plan.outputs[contract.ACCESS_KEY_ID] == "fake-r2-token-id-storage-app-token"
    assert plan.outputs[contract.SECRET_ACCESS_KEY] == hashlib.sha256(TOKEN_VALUE.encode()).hexdigest()
    assert plan.secret_outputs == {contract.SECRET_ACCESS_KEY}
    plain = json.dumps({k: v for k, v in plan.outputs.items() if k not in plan.secret_outputs})
    assert TOKEN_VALUE not in plain and plan.outputs[contract.SECRET_ACCESS_KEY] not in plain
    assert not any(TOKEN_VALUE in json.dumps(r.inputs) for r in plan.resources), "the raw token feeds no resource"


def test_exports_the_contract_with_region_auto_and_the_account_endpoint(plan: Plan) -> None:
    outputs = plan.outputs
    assert set(contract.CONTRACT_NAMES) <= set(outputs)
    assert outputs[contract.BUCKET] == BUCKET
    assert outputs[contract.REGION] == "auto"
    assert outputs[contract.ENDPOINT] == f"https://{ACCOUNT}.r2.cloudflarestorage.com"


def test_preview_warns_that_r2_has_no_versioning(plan: Plan) -> None:
    gap = [w for w in plan.warnings if w.startswith(f"R2 bucket {BUCKET!r} is declared without versioning")]
    assert len(gap) == 1 and "cannot be recovered" in gap[0]
    # The shipped stack does not write `versioning`; written (whatever its value) it is refused,
    # since R2 would ignore it (tests/settings/test_settings_not_applicable.py).
    refused = run_plan(STACK, config_overrides={"versioning": "false"})
    assert refused.error is not None and "versioning: has no effect on Cloudflare R2" in refused.error


def test_plan_command_masks_the_secret_and_shows_the_gap() -> None:
    result = run_plan_cli("--stack", STACK, "--json")
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    assert shown["outputs"][contract.SECRET_ACCESS_KEY] == "[secret]"
    assert shown["outputs"][contract.REGION] == "auto"
    assert any("declared without versioning" in w for w in shown["warnings"])
    secret = hashlib.sha256(TOKEN_VALUE.encode()).hexdigest()
    assert TOKEN_VALUE not in result.stdout + result.stderr and secret not in result.stdout + result.stderr


def test_component_hands_over_the_secret_already_secret(tmp_path) -> None:
    """Nothing downstream has to remember to wrap the derived secret."""
    plan = probe_plan(STACK, tmp_path)
    assert plan.error is None, plan.error
    assert {"componentSecret", contract.SECRET_ACCESS_KEY} <= plan.secret_outputs
    assert "componentKeyId" not in plan.secret_outputs
