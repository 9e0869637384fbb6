"""The Backblaze B2 component as declared by the real program (Pulumi mocks)."""

from __future__ import annotations

import base64
import json

import pytest

from infra.guide import contract
from infra.guide.cors import CorsRule
from infra.guide.lifecycle import LifecyclePolicy
from infra.offline.fakes import B2_APPLICATION_KEY, B2_BUCKET
from infra.offline.harness import Plan, run_plan
from infra.providers.backblaze import rules
from tests.support import b2_rules_reading as reading
from tests.support.component_probe import probe_plan
from tests.support.plans import shipped_plan, valid

STACK = "b2-staging"
BUCKET = "raptscallions-staging-b2"
ORIGIN = "https://staging.raptscallions.com"
COMPONENT = "raptscallions:storage:B2Storage"
FAKE_SECRET = "fake-b2-application-key-for-storage-app-key"


@pytest.fixture(scope="module")
def plan() -> Plan:
    return valid(shipped_plan(STACK))


def test_declares_the_bucket_and_one_key_under_the_component(plan: Plan) -> None:
    assert sorted(r.type for r in plan.resources) == sorted([COMPONENT, B2_BUCKET, B2_APPLICATION_KEY])
    component = plan.one(COMPONENT)
    assert component.inputs == {"environment": "staging", "provider": "backblaze", "activeCredential": "default"}
    assert all(r.parent == component.urn for r in plan.resources if r is not component)


def test_bucket_is_private_encrypted_protected_and_self_describing(plan: Plan) -> None:
    bucket = plan.one(B2_BUCKET)
    assert bucket.protect is True
    assert not any(r.protect for r in plan.resources if r is not bucket)
    inputs = bucket.inputs
    assert inputs["bucketName"] == BUCKET and inputs["bucketType"] == "allPrivate"
    assert inputs["defaultServerSideEncryption"] == {"mode": "SSE-B2", "algorithm": "AES256"}
    assert inputs["fileLockEnabled"] is False and inputs["region"] == "us-west-004"
    # b2-staging lists no app folders: only the soft-delete rule (B2 refuses a whole-bucket rule beside it).
    assert reading.lifecycle_policy_of(inputs["lifecycleRules"]) == LifecyclePolicy(noncurrent_version_days=None)
    assert reading.app_prefixes_of(inputs["lifecycleRules"]) == ()
    assert reading.cors_rule_of(inputs["corsRules"]) == CorsRule((ORIGIN,))


def test_key_has_exactly_the_apps_capabilities_on_this_bucket_and_a_secret_output(plan: Plan) -> None:
    key, bucket = plan.one(B2_APPLICATION_KEY), plan.one(B2_BUCKET)
    assert key.inputs["keyName"] == f"{BUCKET}-app"
    assert key.inputs["capabilities"] == list(rules.APP_CAPABILITIES)
    assert key.inputs["bucketName"] == BUCKET and key.inputs["bucketId"] == "fake-b2-bucket-id-storage-bucket"
    assert bucket.urn in key.property_dependencies["bucketId"], "the key is restricted to the declared bucket"
    assert key.additional_secret_outputs == ("applicationKey",)


def test_serialized_providers_are_secret_and_hold_no_credential(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("B2_APPLICATION_KEY_ID", "K004providerkeyidvalue")
    monkeypatch.setenv("B2_APPLICATION_KEY", "K004providersecretvalue0123456789")
    plan = run_plan(STACK)
    assert plan.error is None, plan.error
    for resource in (plan.one(B2_BUCKET), plan.one(B2_APPLICATION_KEY)):
        assert "__provider" in resource.secret_inputs
        serialized = resource.inputs["__provider"]
        pickled = base64.b64decode(serialized["value"] if isinstance(serialized, dict) else serialized)
        assert b"infra.providers.backblaze.dynamic" in pickled, "pickled by reference to this module"
        everything = pickled + json.dumps(resource.inputs).encode()
        assert b"providerkeyidvalue" not in everything and b"providersecretvalue" not in everything
    assert "providersecretvalue" not in json.dumps(plan.outputs)


def test_exports_the_same_contract_names_as_the_other_providers(plan: Plan) -> None:
    assert set(plan.outputs) == set(shipped_plan("spaces-staging").outputs)
    assert set(contract.CONTRACT_NAMES) <= set(plan.outputs)
    assert plan.outputs[contract.BUCKET] == BUCKET
    assert plan.outputs[contract.REGION] == "us-west-004"
    assert plan.outputs[contract.ENDPOINT] == "https://s3.us-west-004.backblazeb2.com"
    assert plan.outputs[contract.ACCESS_KEY_ID] == "fake-b2-key-id-storage-app-key"
    assert plan.outputs[contract.SECRET_ACCESS_KEY] == FAKE_SECRET
    assert plan.secret_outputs == {contract.SECRET_ACCESS_KEY}
    plain = {k: v for k, v in plan.outputs.items() if k not in plan.secret_outputs}
    assert FAKE_SECRET not in json.dumps(plain)


def test_without_region_the_accounts_endpoint_and_region_are_used() -> None:
    plan = run_plan(STACK, config_overrides={"region": None})
    assert plan.error is None, plan.error
    assert "region" not in plan.one(B2_BUCKET).inputs
    assert plan.outputs[contract.REGION] == "us-west-004"
    assert plan.outputs[contract.ENDPOINT] == "https://s3.us-west-004.backblazeb2.com"


def test_settings_flow_into_rules_object_lock_and_protect() -> None:
    plan = run_plan(
        STACK,
        config_overrides={
            "softDeletePrefix": "trash/",
            "softDeleteDays": "14",
            "noncurrentVersionDays": "3",
            "b2ObjectLock": "true",
            "protect": "false",
            "corsMaxAgeSeconds": "600",
            "b2AppPrefixes": ["uploads/", "exports/", "uploads/"],
        },
    )
    bucket = plan.one(B2_BUCKET)
    policy = LifecyclePolicy(soft_delete_prefix="trash/", soft_delete_days=14, noncurrent_version_days=3)
    assert reading.lifecycle_policy_of(bucket.inputs["lifecycleRules"]) == policy
    assert reading.app_prefixes_of(bucket.inputs["lifecycleRules"]) == ("exports/", "uploads/")
    assert not any("b2AppPrefixes is empty" in w for w in plan.warnings)
    assert bucket.inputs["corsRules"][0]["maxAgeSeconds"] == 600
    assert bucket.inputs["fileLockEnabled"] is True
    assert bucket.protect is False


def test_without_app_folders_the_plan_warns_of_the_clean_up_gap(plan: Plan) -> None:
    gap = [w for w in plan.warnings if w.startswith("b2AppPrefixes is empty")]
    assert len(gap) == 1 and "'deleted/'" in gap[0] and "kept (and billed)" in gap[0]


@pytest.mark.parametrize(
    ("folders", "said"),
    [
        (["deleted/old/"], "'deleted/old/' is inside softDeletePrefix 'deleted/'"),
        (["uploads/"], "'uploads/' contains softDeletePrefix 'uploads/deleted/'"),
        (["uploads/", "uploads/images/"], "'uploads/' and 'uploads/images/' overlap"),
        ([""], "would be a whole-bucket rule"),
        (["uploads"], "must end with '/'"),
        ([f"f{i:03}/" for i in range(100)], "at most 99"),
    ],
    ids=["inside-soft-delete", "contains-soft-delete", "nested", "whole-bucket", "not-a-folder", "too-many"],
)
def test_app_folders_b2_would_refuse_declare_nothing_and_name_the_setting(folders: list, said: str) -> None:
    soft_delete = "uploads/deleted/" if "contains softDeletePrefix" in said else "deleted/"
    plan = run_plan(STACK, config_overrides={"b2AppPrefixes": folders, "softDeletePrefix": soft_delete})
    assert plan.resources == () and plan.outputs == {}
    assert plan.error is not None and "Traceback" not in plan.error
    lines = [line for line in plan.error.splitlines() if "raptscallions-storage:b2AppPrefixes:" in line]
    assert len(lines) == 1 and said in lines[0], plan.error


@pytest.mark.parametrize(
    ("overrides", "key", "said"),
    [
        ({"corsAllowedHeaders": ["*", "content-type"]}, "corsAllowedHeaders", "'*' only as the only entry"),
        ({"corsAllowedHeaders": ["content-type", "x-*-meta"]}, "corsAllowedHeaders", "only at the end of a header name"),
        ({"corsExposeHeaders": ["ETag", "x-amz-*"]}, "corsExposeHeaders", "only complete header names"),
        ({"corsAllowedOrigins": [f"https://tenant{i:03}.raptscallions.com" for i in range(30)]}, "corsAllowedOrigins", "under 1000 bytes"),
    ],
    ids=["star-beside-others", "star-inside", "wildcard-expose", "rule-too-long"],
)
def test_cors_settings_b2_would_refuse_declare_nothing_and_name_the_setting(overrides: dict, key: str, said: str) -> None:
    """Valid guide CORS settings that B2's CORS rules page refuses (tests/support/b2_strict.py, CORS)."""
    plan = run_plan(STACK, config_overrides=overrides)
    assert plan.resources == () and plan.outputs == {}
    lines = [line for line in (plan.error or "").splitlines() if f"raptscallions-storage:{key}:" in line]
    assert len(lines) == 1 and said in lines[0], plan.error


def test_the_longest_cors_rule_b2_takes_is_declared_and_passes_the_double() -> None:
    """The size limit is B2's, not tighter: 20 origins (about 800 bytes) are declared and accepted."""
    from tests.support import b2_strict

    origins = [f"https://tenant{i:03}.raptscallions.com" for i in range(20)]
    plan = run_plan(STACK, config_overrides={"corsAllowedOrigins": origins})
    assert plan.error is None, plan.error
    assert b2_strict.cors_problems(rules.normalized_cors_rules(plan.one(B2_BUCKET).inputs["corsRules"])) == []


@pytest.mark.parametrize(
    ("overrides", "names"),
    [
        ({"versioning": "false"}, "raptscallions-storage:versioning:"),
        ({"endpoint": "https://s3.eu-central-003.backblazeb2.com"}, "raptscallions-storage:endpoint:"),
        ({"provider": "digitalocean", "region": "nyc3", "b2ObjectLock": "true"}, "raptscallions-storage:b2ObjectLock:"),
    ],
)
def test_bad_settings_declare_nothing_and_name_the_setting(overrides: dict, names: str) -> None:
    plan = run_plan(STACK, config_overrides=overrides)
    assert plan.resources == () and plan.outputs == {}
    assert plan.error is not None and names in plan.error and "Traceback" not in plan.error


def test_component_hands_over_the_secret_already_secret(tmp_path) -> None:
    plan = probe_plan(STACK, tmp_path)
    assert plan.error is None, plan.error
    assert {"componentSecret", contract.SECRET_ACCESS_KEY} <= plan.secret_outputs
    assert "componentKeyId" not in plan.secret_outputs
