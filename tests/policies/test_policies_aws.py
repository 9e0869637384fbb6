"""Each policy of the pack against AWS resources: the compliant prod stack, and one or more
broken variants per rule with the exact violation expected."""

from __future__ import annotations

import json
from typing import Any

import pytest

from infra.offline.harness import Plan, run_plan
from tests.support.policy_support import add, edit, mandatory, only, set_policy_statement, violations, without

CORS = "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration"
LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"
PAB = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
POLICY = "aws:s3/bucketPolicy:BucketPolicy"
SSE = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
USER_POLICY = "aws:iam/userPolicy:UserPolicy"
BUCKET = "aws:s3/bucket:Bucket"


def test_prod_stack_is_fully_compliant(prod_plan: Plan) -> None:
    assert violations(prod_plan) == {}


def set_origins(origins: list[str]):
    def change(inputs: dict[str, Any]) -> None:
        inputs["corsRules"][0]["allowedOrigins"] = origins

    return change


@pytest.mark.parametrize(
    ("origin", "why"),
    [
        ("*", "any website"),
        ("https://*.raptscallions.com", "wildcard"),
        ("http://app.raptscallions.com", "https://"),
        ("https://app.raptscallions.com/", "sends 'Origin: https://app.raptscallions.com'"),
    ],
)
def test_cors_origins_refused(prod_plan: Plan, origin: str, why: str) -> None:
    [message] = only(violations(edit(prod_plan, CORS, set_origins([origin]))), "storage-cors-origins")
    assert why in message and "raptscallions-storage:corsAllowedOrigins" in message


def test_star_origin_is_refused_outside_prod_too() -> None:
    staging = run_plan("prod", config_overrides={"environment": "staging", "protect": "false"})
    assert staging.error is None and violations(staging) == {}
    assert "any website" in only(violations(edit(staging, CORS, set_origins(["*"]))), "storage-cors-origins")[0]


def test_origin_pattern_is_configurable_per_environment(prod_plan: Plan) -> None:
    strict = {"storage-cors-origins": {"allowedOriginPattern": r"^https://admin\."}}
    assert "does not match the allowed origin pattern" in only(violations(prod_plan, strict), "storage-cors-origins")[0]
    relaxed_for_prod = {**strict["storage-cors-origins"], "environments": {"prod": {"allowedOriginPattern": "^https://app\\."}}}
    assert violations(prod_plan, {"storage-cors-origins": relaxed_for_prod}) == {}


def test_cors_methods_limited_to_the_app(prod_plan: Plan) -> None:
    plan = run_plan("prod", config_overrides={"corsAllowedMethods": ["GET", "PUT", "HEAD", "DELETE"]})
    [message] = only(violations(plan), "storage-cors-methods")
    assert "DELETE" in message and "corsAllowedMethods" in message


def test_soft_delete_expiry_within_configured_days() -> None:
    plan = run_plan("prod", config_overrides={"softDeleteDays": "45"})
    [message] = only(violations(plan), "storage-lifecycle-soft-delete")
    assert "'deleted/' after 45 days" in message and "softDeleteDays to at most 30" in message
    assert violations(plan, {"storage-lifecycle-soft-delete": {"maxDays": 60}}) == {}
    per_env = {"storage-lifecycle-soft-delete": {"maxDays": 60, "environments": {"prod": {"maxDays": 40}}}}
    assert "storage-lifecycle-soft-delete" in violations(plan, per_env)


def test_soft_delete_rule_missing_or_disabled(prod_plan: Plan) -> None:
    def disable(inputs: dict[str, Any]) -> None:
        inputs["rules"][0]["status"] = "Disabled"

    [message] = only(violations(edit(prod_plan, LIFECYCLE, disable)), "storage-lifecycle-soft-delete")
    assert "no prefix expiry rule" in message
    missing = violations(without(prod_plan, LIFECYCLE))
    assert {"storage-lifecycle-soft-delete", "storage-lifecycle-abort-multipart"} <= set(missing)


def test_abort_multipart_within_configured_days() -> None:
    plan = run_plan("prod", config_overrides={"abortIncompleteMultipartDays": "10"})
    [message] = only(violations(plan), "storage-lifecycle-abort-multipart")
    assert "after 10 days" in message and "abortIncompleteMultipartDays" in message
    assert violations(plan, {"storage-lifecycle-abort-multipart": {"maxDays": 14}}) == {}


def test_expiry_over_the_whole_bucket_is_refused(prod_plan: Plan) -> None:
    def blanket(inputs: dict[str, Any]) -> None:
        inputs["rules"][1]["expiration"] = {"days": 30}

    [message] = only(violations(edit(prod_plan, LIFECYCLE, blanket)), "storage-lifecycle-no-blanket-expiry")
    assert "cleanup-incomplete-uploads" in message and "whole bucket" in message


def test_versioning_required() -> None:
    plan = run_plan("prod", config_overrides={"versioning": "false"})
    [message] = only(violations(plan), "storage-versioning")
    assert "raptscallions-storage:versioning" in message


def test_public_access_block_must_be_complete(prod_plan: Plan) -> None:
    def weaken(inputs: dict[str, Any]) -> None:
        inputs["restrictPublicBuckets"] = False

    assert "storage-no-public-access" in violations(edit(prod_plan, PAB, weaken))
    assert "storage-no-public-access" in violations(without(prod_plan, PAB))


def test_public_acl_and_public_policy_are_refused(prod_plan: Plan) -> None:
    public_acl = add(prod_plan, PAB, "aws:s3/bucketAcl:BucketAcl", "storage-acl", {"bucket": "raptscallions-prod", "acl": "public-read"})
    assert "'public-read'" in only(violations(public_acl), "storage-no-public-access")[0]

    def public_policy(inputs: dict[str, Any]) -> None:
        statement = {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::raptscallions-prod/*"}
        document = json.loads(inputs["policy"])
        document["Statement"].append(statement)
        inputs["policy"] = json.dumps(document)

    assert "allows anyone" in only(violations(edit(prod_plan, POLICY, public_policy)), "storage-no-public-access")[0]


def test_default_encryption_required(prod_plan: Plan) -> None:
    assert "no default encryption" in only(violations(without(prod_plan, SSE)), "storage-encryption-at-rest")[0]


def test_tls_only_policy_required(prod_plan: Plan) -> None:
    def allow_http(inputs: dict[str, Any]) -> None:
        document = json.loads(inputs["policy"])
        document["Statement"][0]["Condition"]["Bool"]["aws:SecureTransport"] = "true"
        inputs["policy"] = json.dumps(document)

    assert "aws:SecureTransport" in only(violations(edit(prod_plan, POLICY, allow_http)), "storage-tls-only")[0]
    assert "storage-tls-only" in violations(without(prod_plan, POLICY))


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"Action": ["s3:*"]}, "action 's3:*' is a wildcard"),
        ({"Action": ["s3:PutObject", "s3:PutBucketPolicy"]}, "action 's3:PutBucketPolicy' is not one the app needs"),
        ({"Resource": ["*"]}, "resource '*' is not this stack's bucket"),
        ({"Resource": ["arn:aws:s3:::someone-else/*"]}, "resource 'arn:aws:s3:::someone-else/*'"),
        ({"NotAction": ["s3:DeleteBucket"]}, "NotAction/NotResource"),
    ],
)
def test_credential_least_privilege(prod_plan: Plan, fields: dict[str, Any], expected: str) -> None:
    messages = only(violations(edit(prod_plan, USER_POLICY, set_policy_statement(0, **fields))), "storage-credential-least-privilege")
    assert any(expected in m for m in messages), messages


def test_managed_policy_attachment_is_refused(prod_plan: Plan) -> None:
    plan = add(
        prod_plan,
        USER_POLICY,
        "aws:iam/userPolicyAttachment:UserPolicyAttachment",
        "storage-admin",
        {"user": "raptscallions-prod-app", "policyArn": "arn:aws:iam::aws:policy/AmazonS3FullAccess"},
    )
    assert "managed policy" in only(violations(plan), "storage-credential-least-privilege")[0]


def test_prod_bucket_must_be_protected() -> None:
    plan = run_plan("prod", config_overrides={"protect": "false"})
    messages = only(violations(plan), "storage-bucket-protected")
    assert len(messages) == 2  # the app bucket and its access-log bucket
    assert all("raptscallions-storage:protect" in message for message in messages)
    staging = run_plan("prod", config_overrides={"protect": "false", "environment": "staging"})
    assert "storage-bucket-protected" not in violations(staging)


def test_missing_tags_is_advisory_only(prod_plan: Plan) -> None:
    def untag(inputs: dict[str, Any]) -> None:
        inputs["tags"] = {}

    plan = edit(prod_plan, BUCKET, untag)
    assert list(violations(plan)) == ["storage-tags"]
    assert mandatory(plan) == []
