"""Server access logging on AWS: the log bucket and `BucketLogging` as the real program declares
them (Pulumi mocks), the settings that control them, and the policy pack's verdicts on them,
in process and over the analyzer gRPC protocol with preview-shaped resources."""

from __future__ import annotations

import dataclasses
import json

import pytest

from infra.offline.fakes import FAKE_AWS_ACCOUNT_ID
from infra.offline.harness import Plan, run_plan
from infra.offline.policy_check import analyze_plan
from infra.providers.aws.spec import ACCESS_LOG_PREFIX, access_log_bucket_name
from infra.settings.problems import SettingsError
from infra.stack.load import load_settings
from tests.support.examples_support import example_plan
from tests.support.policy_support import BUCKET_TYPE, only, over_grpc, preview_shaped, violations

BUCKET = "raptscallions-prod"
LOG_BUCKET = "raptscallions-prod-access-logs"
LOGGING = "aws:s3/bucketLogging:BucketLogging"


def log_bucket(plan: Plan):
    [bucket] = [r for r in plan.resources if r.type == BUCKET_TYPE and r.inputs["bucket"] == LOG_BUCKET]
    return bucket


def of_log_bucket(plan: Plan, type_name: str):
    """The one `type_name` resource that configures the log bucket (wired by property dependency)."""
    urn = log_bucket(plan).urn
    [resource] = [r for r in plan.resources if r.type == type_name and urn in r.property_dependencies.get("bucket", ())]
    return resource


def test_log_bucket_is_protected_private_and_never_force_destroyed(prod_plan: Plan) -> None:
    bucket = log_bucket(prod_plan)
    assert bucket.protect is True
    assert bucket.inputs["forceDestroy"] is False and bucket.inputs["region"] == "us-east-1"
    assert "acl" not in bucket.inputs and "policy" not in bucket.inputs
    assert bucket.inputs["tags"]["environment"] == "prod"
    block = of_log_bucket(prod_plan, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs
    assert all(block[flag] is True for flag in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"))
    ownership = of_log_bucket(prod_plan, "aws:s3/bucketOwnershipControls:BucketOwnershipControls").inputs
    assert ownership["rule"] == {"objectOwnership": "BucketOwnerEnforced"}


def test_log_bucket_is_sse_s3_even_with_a_kms_key() -> None:
    """S3 log delivery cannot write into a bucket whose default encryption is SSE-KMS."""
    plan = example_plan("aws-kms/Pulumi.prod.yaml")
    sse = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
    rules = {r.name: r.inputs["rules"] for r in plan.of_type(sse)}
    assert rules["storage-encryption"][0]["applyServerSideEncryptionByDefault"]["sseAlgorithm"] == "aws:kms"
    assert rules["storage-access-logs-encryption"] == [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}]


def test_log_bucket_policy_is_tls_only_and_lets_only_this_buckets_log_delivery_write(prod_plan: Plan) -> None:
    resource = of_log_bucket(prod_plan, "aws:s3/bucketPolicy:BucketPolicy")
    deny, allow = json.loads(resource.inputs["policy"])["Statement"]
    assert deny["Effect"] == "Deny" and deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert deny["Resource"] == [f"arn:aws:s3:::{LOG_BUCKET}", f"arn:aws:s3:::{LOG_BUCKET}/*"]
    assert allow == {
        "Sid": "AllowS3ServerAccessLogDelivery",
        "Effect": "Allow",
        "Principal": {"Service": "logging.s3.amazonaws.com"},
        "Action": "s3:PutObject",
        "Resource": f"arn:aws:s3:::{LOG_BUCKET}/{ACCESS_LOG_PREFIX}*",
        "Condition": {
            "ArnLike": {"aws:SourceArn": f"arn:aws:s3:::{BUCKET}"},
            "StringEquals": {"aws:SourceAccount": FAKE_AWS_ACCOUNT_ID},
        },
    }
    block = of_log_bucket(prod_plan, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")
    assert block.urn in resource.dependencies


def test_log_files_expire_after_access_log_days_under_the_log_prefix_only() -> None:
    lifecycle = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"
    for overrides, days in (({}, 90), ({"accessLogDays": "400"}, 400)):
        rule, abort = of_log_bucket(run_plan("prod", config_overrides=overrides), lifecycle).inputs["rules"]
        assert abort == {
            "id": "cleanup-incomplete-uploads",
            "status": "Enabled",
            "filter": {},
            "abortIncompleteMultipartUpload": {"daysAfterInitiation": 7},
        }
        assert rule == {
            "id": "expire-access-logs",
            "status": "Enabled",
            "filter": {"prefix": ACCESS_LOG_PREFIX},
            "expiration": {"days": days},
        }


def test_app_bucket_logs_into_the_log_bucket_with_a_prefix(prod_plan: Plan) -> None:
    logging = prod_plan.one(LOGGING)
    app = next(r for r in prod_plan.resources if r.type == BUCKET_TYPE and r.inputs["bucket"] == BUCKET)
    assert logging.inputs["bucket"] == BUCKET and logging.inputs["targetBucket"] == LOG_BUCKET
    assert logging.inputs["targetPrefix"] == ACCESS_LOG_PREFIX
    assert logging.property_dependencies["bucket"] == (app.urn,)
    assert logging.property_dependencies["targetBucket"] == (log_bucket(prod_plan).urn,)
    policy = of_log_bucket(prod_plan, "aws:s3/bucketPolicy:BucketPolicy")
    assert policy.urn in logging.dependencies


def test_access_logging_off_declares_no_log_resources() -> None:
    plan = run_plan("prod", config_overrides={"accessLogging": "false"})
    assert plan.error is None
    assert [r.inputs["bucket"] for r in plan.resources if r.type == BUCKET_TYPE] == [BUCKET]
    assert not [r for r in plan.resources if r.type == LOGGING or "access-logs" in r.name]


def test_unprotected_stack_leaves_the_log_bucket_unprotected_too() -> None:
    plan = run_plan("prod", config_overrides={"protect": "false", "environment": "staging"})
    assert log_bucket(plan).protect is False


def test_long_bucket_names_get_a_valid_log_bucket_name() -> None:
    name = access_log_bucket_name("a" * 63)
    assert len(name) <= 63 and name.endswith("-access-logs")
    assert access_log_bucket_name("a" * 62) != access_log_bucket_name("a" * 63)


def base_settings(**extra: object) -> dict[str, object]:
    return {
        "provider": "aws",
        "bucketName": BUCKET,
        "region": "us-east-1",
        "corsAllowedOrigins": ["https://app.raptscallions.com"],
        **extra,
    }


def test_bad_access_log_settings_are_all_reported_by_key() -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(base_settings(accessLogDays=0, accessLogging="maybe"), stack="prod")
    keys = {problem.key for problem in caught.value.problems}
    assert keys == {"accessLogDays", "accessLogging"}


def test_access_logging_on_another_provider_is_refused() -> None:
    raw = {
        "provider": "backblaze",
        "bucketName": "raptscallions-b2",
        "region": "us-west-004",
        "corsAllowedOrigins": ["https://app.raptscallions.com"],
        "accessLogDays": 30,
    }
    with pytest.raises(SettingsError) as caught:
        load_settings(raw, stack="dev")
    [problem] = caught.value.problems
    assert problem.key == "accessLogDays" and "applies only to provider aws and digitalocean, not backblaze" in problem.message


# --- the policy pack ---------------------------------------------------------------------


def test_prod_without_access_logging_is_refused_with_the_fix() -> None:
    plan = run_plan("prod", config_overrides={"accessLogging": "false"})
    [message] = only(violations(plan), "storage-access-logging")
    assert "accessLogging to true" in message
    [verdict] = [v for v in analyze_plan(plan) if v.policy == "storage-access-logging"]
    assert verdict.level == "mandatory" and verdict.urn == plan.one(BUCKET_TYPE).urn


def test_non_prod_without_access_logging_is_only_advised() -> None:
    plan = run_plan("prod", config_overrides={"accessLogging": "false", "environment": "staging"})
    [verdict] = analyze_plan(plan)
    assert (verdict.policy, verdict.level) == ("storage-access-logging-nonprod", "advisory")


def test_logging_into_the_app_bucket_itself_is_refused(prod_plan: Plan) -> None:
    app = next(r for r in prod_plan.resources if r.type == BUCKET_TYPE and r.inputs["bucket"] == BUCKET)

    def into_itself(resource):
        if resource.type != LOGGING:
            return resource
        deps = {**resource.property_dependencies, "targetBucket": (app.urn,)}
        inputs = {**resource.wire_inputs, "targetBucket": BUCKET}
        return dataclasses.replace(resource, wire_inputs=inputs, property_dependencies=deps)

    kept = [into_itself(r) for r in prod_plan.resources if "access-logs" not in r.name]
    plan = dataclasses.replace(prod_plan, resources=tuple(kept))
    [message] = only(violations(plan), "storage-access-logging")
    assert "separate log bucket" in message


def test_the_log_bucket_must_be_private_like_any_bucket(prod_plan: Plan) -> None:
    block = of_log_bucket(prod_plan, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")

    def loosen(resource):
        if resource.urn != block.urn:
            return resource
        return dataclasses.replace(resource, wire_inputs={**resource.wire_inputs, "blockPublicPolicy": False})

    plan = dataclasses.replace(prod_plan, resources=tuple(loosen(r) for r in prod_plan.resources))
    [message] = only(violations(plan), "storage-no-public-access")
    assert "public access block" in message


def test_providers_without_a_logging_switch_are_not_applicable() -> None:
    from tests.support.plans import shipped_plan

    for stack in ("staging", "b2-staging"):
        assert "storage-access-logging" not in violations(shipped_plan(stack))


def test_preview_shaped_stacks_over_grpc(analyzer) -> None:
    assert over_grpc(analyzer, preview_shaped(run_plan("prod"))) == []
    off = preview_shaped(run_plan("prod", config_overrides={"accessLogging": "false"}))
    remote = over_grpc(analyzer, off)
    assert [(v.policy, v.level) for v in remote] == [("storage-access-logging", "mandatory")]
    assert sorted(remote, key=str) == sorted(analyze_plan(off), key=str)
