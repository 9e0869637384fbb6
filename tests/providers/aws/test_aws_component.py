"""The AWS component as declared by the real program for the prod stack (Pulumi mocks)."""

from __future__ import annotations

import json

import pytest

from infra.guide import contract
from infra.guide.lifecycle import LifecyclePolicy
from infra.guide.permissions import app_policy_document
from infra.offline.harness import Plan, run_plan
from tests.support.examples_support import example_plan, example_settings
from tests.support.policy_support import app_part
from tests.support.s3_documents import pulumi_rules_as_s3_api, s3_lifecycle_configuration

BUCKET = "raptscallions-prod"
S3 = "aws:s3/"


def by_type(plan: Plan, type_name: str):
    return app_part(plan).one(type_name).inputs


def test_declares_exactly_the_guides_resources(prod_plan: Plan) -> None:
    assert prod_plan.error is None
    assert sorted(r.type for r in prod_plan.resources) == sorted(
        [
            "raptscallions:storage:AwsStorage",
            "pulumi:providers:aws",  # the explicit provider (tests/providers/aws/test_aws_provider.py)
            "aws:s3/bucket:Bucket",
            "aws:s3/bucketVersioning:BucketVersioning",
            "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
            "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
            "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
            "aws:s3/bucketPolicy:BucketPolicy",
            "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration",
            "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
            "aws:iam/user:User",
            "aws:iam/userPolicy:UserPolicy",
            "aws:iam/accessKey:AccessKey",
            # server access logging (tests/providers/aws/test_aws_access_logs.py): the log bucket and its hardening
            "aws:s3/bucket:Bucket",
            "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
            "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
            "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
            "aws:s3/bucketPolicy:BucketPolicy",
            "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
            "aws:s3/bucketLogging:BucketLogging",
        ]
    )


def test_children_are_parented_to_the_component(prod_plan: Plan) -> None:
    component = app_part(prod_plan).one("raptscallions:storage:AwsStorage")
    children = [r for r in prod_plan.resources if r is not component]
    assert all(r.parent == component.urn for r in children)


def test_bucket_is_private_protected_and_in_the_region(prod_plan: Plan) -> None:
    bucket = app_part(prod_plan).one("aws:s3/bucket:Bucket")
    assert bucket.protect is True
    assert bucket.inputs["bucket"] == BUCKET
    assert bucket.inputs["region"] == "us-east-1"
    assert bucket.inputs["forceDestroy"] is False
    assert "acl" not in bucket.inputs and "policy" not in bucket.inputs
    others = [r for r in prod_plan.resources if r.type != "aws:s3/bucket:Bucket"]
    assert not any(r.protect for r in others)
    assert all(r.inputs.get("region") == "us-east-1" for r in others if r.type.startswith(S3))


def test_tags_are_applied_to_taggable_resources(prod_plan: Plan) -> None:
    for type_name in ("aws:s3/bucket:Bucket", "aws:iam/user:User"):
        tags = by_type(prod_plan, type_name)["tags"]
        assert tags["environment"] == "prod" and tags["team"] == "platform" and tags["app"] == "raptscallions"


def test_versioning_public_access_and_ownership(prod_plan: Plan) -> None:
    assert by_type(prod_plan, "aws:s3/bucketVersioning:BucketVersioning")["versioningConfiguration"] == {
        "status": "Enabled"
    }
    block = by_type(prod_plan, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")
    assert {k: block[k] for k in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")} == {
        "blockPublicAcls": True,
        "blockPublicPolicy": True,
        "ignorePublicAcls": True,
        "restrictPublicBuckets": True,
    }
    ownership = by_type(prod_plan, "aws:s3/bucketOwnershipControls:BucketOwnershipControls")
    assert ownership["rule"] == {"objectOwnership": "BucketOwnerEnforced"}


def test_default_encryption_is_sse_s3(prod_plan: Plan) -> None:
    rules = by_type(prod_plan, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration")[
        "rules"
    ]
    assert rules == [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}]


def test_kms_key_switches_to_sse_kms_with_bucket_key() -> None:
    example = "aws-kms/Pulumi.prod.yaml"
    plan, arn = example_plan(example), example_settings(example)["awsKmsKeyArn"]
    rules = by_type(plan, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration")[
        "rules"
    ]
    assert rules == [
        {"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": arn}, "bucketKeyEnabled": True}
    ]


def test_bucket_policy_denies_insecure_transport(prod_plan: Plan) -> None:
    policy_resource = app_part(prod_plan).one("aws:s3/bucketPolicy:BucketPolicy")
    policy = json.loads(policy_resource.inputs["policy"])
    [statement] = policy["Statement"]
    assert statement["Effect"] == "Deny" and statement["Principal"] == "*" and statement["Action"] == "s3:*"
    assert statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert statement["Resource"] == [f"arn:aws:s3:::{BUCKET}", f"arn:aws:s3:::{BUCKET}/*"]
    block = app_part(prod_plan).one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")
    assert block.urn in policy_resource.dependencies


def test_cors_rule_is_the_shared_rule(prod_plan: Plan) -> None:
    [rule] = by_type(prod_plan, "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration")["corsRules"]
    assert rule == {
        "id": "raptscallions-browser-uploads",
        "allowedOrigins": ["https://app.raptscallions.com"],
        "allowedMethods": ["GET", "PUT", "HEAD"],
        "allowedHeaders": ["*"],
        "exposeHeaders": ["ETag", "Content-Length"],
        "maxAgeSeconds": 3600,
    }


def test_lifecycle_rules_are_the_shared_rules(prod_plan: Plan) -> None:
    lifecycle = app_part(prod_plan).one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration")
    assert pulumi_rules_as_s3_api(lifecycle.inputs["rules"]) == s3_lifecycle_configuration(LifecyclePolicy())
    versioning = app_part(prod_plan).one("aws:s3/bucketVersioning:BucketVersioning")
    assert versioning.urn in lifecycle.dependencies


def test_versioning_off_drops_versioning_and_version_cleanup() -> None:
    plan = run_plan("prod", config_overrides={"versioning": "false"})
    assert plan.of_type("aws:s3/bucketVersioning:BucketVersioning") == []
    rules = app_part(plan).one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs["rules"]
    assert [r["id"] for r in rules] == ["cleanup-soft-deleted", "cleanup-incomplete-uploads"]


def test_iam_policy_is_exactly_the_guides_statement_on_this_bucket(prod_plan: Plan) -> None:
    policy = by_type(prod_plan, "aws:iam/userPolicy:UserPolicy")
    assert json.loads(policy["policy"]) == app_policy_document(BUCKET)
    user = by_type(prod_plan, "aws:iam/user:User")
    assert policy["user"] == user["name"] == f"{BUCKET}-app"
    assert by_type(prod_plan, "aws:iam/accessKey:AccessKey")["user"] == user["name"]
    assert prod_plan.of_type("aws:iam/userPolicyAttachment:UserPolicyAttachment") == []


def test_exports_the_contract_with_the_secret_key_as_secret(prod_plan: Plan) -> None:
    outputs = prod_plan.outputs
    assert set(contract.CONTRACT_NAMES) - set(outputs) == {contract.ENDPOINT}, "AWS needs no endpoint (the guide)"
    assert outputs[contract.BACKEND] == "s3"
    assert outputs[contract.BUCKET] == BUCKET
    assert outputs[contract.REGION] == "us-east-1"
    assert outputs[contract.ACCESS_KEY_ID] == "FAKEACCESSKEY-storage-app-key"
    assert outputs[contract.SIGNED_URL_EXPIRATION] == "900"
    assert outputs[contract.MAX_FILE_SIZE] == "10485760"
    assert outputs[contract.QUOTA] == "1073741824"
    assert outputs[contract.CORS_ORIGINS_OUTPUT] == ["https://app.raptscallions.com"]
    assert prod_plan.secret_outputs == {contract.SECRET_ACCESS_KEY}


@pytest.mark.parametrize(
    ("overrides", "key"),
    [
        ({"bucketName": "Not_Valid"}, "bucketName"),
        ({"provider": "gcs"}, "provider"),
        ({"corsAllowedOrigins": ["*"]}, "corsAllowedOrigins"),
        ({"softDeleteDays": "0"}, "softDeleteDays"),
    ],
)
def test_invalid_settings_declare_nothing(overrides: dict, key: str) -> None:
    plan = run_plan("prod", config_overrides=overrides)
    assert plan.resources == ()
    assert plan.outputs == {}
    assert plan.error is not None and f"raptscallions-storage:{key}:" in plan.error
    assert "Traceback" not in plan.error


def test_app_settings_flow_to_outputs() -> None:
    plan = run_plan("prod", config_overrides={"signedUrlExpirationSeconds": "300", "quotaBytes": "2147483648"})
    assert plan.outputs[contract.SIGNED_URL_EXPIRATION] == "300"
    assert plan.outputs[contract.QUOTA] == "2147483648"


def test_protect_false_is_honoured_outside_prod() -> None:
    plan = run_plan("prod", config_overrides={"protect": "false", "environment": "staging"})
    assert app_part(plan).one("aws:s3/bucket:Bucket").protect is False
