"""Cross-region replication on AWS (`awsReplicaRegion`): the replica, role and configuration as
the real program declares them (Pulumi mocks), the settings refusing impossible combinations,
the pack's `storage-replication` verdicts (in process and over gRPC, preview-shaped), and the
role's effect on a moto server with IAM enforcement."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from infra.offline.fakes import FAKE_AWS_ACCOUNT_ID
from infra.offline.harness import Plan
from infra.offline.policy_check import analyze_plan
from infra.settings.problems import SettingsError
from infra.stack.load import load_settings
from tests.support.examples_support import example_plan, example_settings
from tests.support.plans import valid
from tests.support.policy_support import only, over_grpc, preview_shaped, violations
from tests.support.s3_servers import Credential, moto_server

EXAMPLE = "aws-replica/Pulumi.prod.yaml"
"""examples/aws-replica: the use case these tests render (its README says what it declares)."""
BUCKET, REGION, REPLICA_REGION = (example_settings(EXAMPLE)[key] for key in ("bucketName", "region", "awsReplicaRegion"))
REPLICA = f"{BUCKET}-replica"
BUCKET_TYPE = "aws:s3/bucket:Bucket"
REPLICATION = "aws:s3/bucketReplicationConfig:BucketReplicationConfig"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
ROLE = "aws:iam/role:Role"


@pytest.fixture(scope="module")
def replica_plan() -> Plan:
    """The replica example: not a shipped stack file (CI would deploy every shipped file as a
    stack of its own)."""
    return valid(example_plan(EXAMPLE))


def replica_resources(plan: Plan) -> list:
    urn = next(r.urn for r in plan.resources if r.type == BUCKET_TYPE and r.inputs["bucket"] == REPLICA)
    return [r for r in plan.resources if urn in r.property_dependencies.get("bucket", ())]


def test_replica_bucket_is_protected_versioned_private_encrypted_and_tls_only(replica_plan: Plan) -> None:
    [bucket] = [r for r in replica_plan.resources if r.type == BUCKET_TYPE and r.inputs["bucket"] == REPLICA]
    assert bucket.protect is True and bucket.inputs["forceDestroy"] is False
    assert bucket.inputs["region"] == REPLICA_REGION
    children = {r.type.rsplit(":", 1)[1]: r.inputs for r in replica_resources(replica_plan)}
    assert set(children) == {
        "BucketVersioning",
        "BucketOwnershipControls",
        "BucketPublicAccessBlock",
        "BucketServerSideEncryptionConfiguration",
        "BucketPolicy",
        "BucketLifecycleConfiguration",
        "BucketCorsConfiguration",
        "BucketLogging",
    }
    assert all(inputs["region"] == REPLICA_REGION for inputs in children.values())
    assert children["BucketVersioning"]["versioningConfiguration"] == {"status": "Enabled"}
    assert children["BucketOwnershipControls"]["rule"] == {"objectOwnership": "BucketOwnerEnforced"}
    flags = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
    assert all(children["BucketPublicAccessBlock"][f] is True for f in flags)
    assert children["BucketServerSideEncryptionConfiguration"]["rules"] == [
        {"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}
    ]
    [tls] = json.loads(children["BucketPolicy"]["policy"])["Statement"]
    assert tls["Effect"] == "Deny" and tls["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert tls["Resource"] == [f"arn:aws:s3:::{REPLICA}", f"arn:aws:s3:::{REPLICA}/*"]


def test_replica_has_the_app_buckets_lifecycle(replica_plan: Plan) -> None:
    lifecycle = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"
    [app] = [r for r in replica_plan.resources if r.type == lifecycle and r.name == "storage-lifecycle"]
    [replica] = [r for r in replica_resources(replica_plan) if r.type == lifecycle]
    assert replica.inputs["rules"] == app.inputs["rules"]


def test_replication_role_is_assumable_by_s3_of_this_account_only(replica_plan: Plan) -> None:
    role = replica_plan.one(ROLE)
    assert role.inputs["name"] == f"{BUCKET}-replication"
    [statement] = json.loads(role.inputs["assumeRolePolicy"])["Statement"]
    assert statement == {
        "Effect": "Allow",
        "Principal": {"Service": "s3.amazonaws.com"},
        "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"aws:SourceAccount": FAKE_AWS_ACCOUNT_ID}},
    }


def test_replication_role_policy_is_exactly_replication_on_the_two_buckets(replica_plan: Plan) -> None:
    policy = replica_plan.one(ROLE_POLICY)
    assert replica_plan.one(ROLE).urn in policy.property_dependencies["role"]
    grants = {
        (action, resource)
        for statement in json.loads(policy.inputs["policy"])["Statement"]
        for action in statement["Action"]
        for resource in statement["Resource"]
        if statement["Effect"] == "Allow"
    }
    assert grants == {
        ("s3:GetReplicationConfiguration", f"arn:aws:s3:::{BUCKET}"),
        ("s3:ListBucket", f"arn:aws:s3:::{BUCKET}"),
        ("s3:GetObjectVersionForReplication", f"arn:aws:s3:::{BUCKET}/*"),
        ("s3:GetObjectVersionAcl", f"arn:aws:s3:::{BUCKET}/*"),
        ("s3:GetObjectVersionTagging", f"arn:aws:s3:::{BUCKET}/*"),
        ("s3:ReplicateObject", f"arn:aws:s3:::{REPLICA}/*"),
        ("s3:ReplicateDelete", f"arn:aws:s3:::{REPLICA}/*"),
        ("s3:ReplicateTags", f"arn:aws:s3:::{REPLICA}/*"),
    }


def test_replication_configuration_replicates_everything_with_delete_markers(replica_plan: Plan) -> None:
    config = replica_plan.one(REPLICATION)
    assert config.inputs["bucket"] == BUCKET and config.inputs["region"] == REGION
    assert config.inputs["role"] == f"arn:aws:iam::{FAKE_AWS_ACCOUNT_ID}:role/raptscallions/{BUCKET}-replication"
    assert config.inputs["rules"] == [
        {
            "id": "replicate-everything",
            "status": "Enabled",
            "priority": 1,
            "filter": {"prefix": ""},
            "deleteMarkerReplication": {"status": "Enabled"},
            "destination": {"bucket": f"arn:aws:s3:::{REPLICA}", "storageClass": "STANDARD"},
        }
    ]
    versionings = {r.urn for r in replica_plan.of_type("aws:s3/bucketVersioning:BucketVersioning")}
    assert versionings <= set(config.dependencies) and len(versionings) == 2


def test_no_replica_region_declares_no_replication(prod_plan: Plan) -> None:
    assert not prod_plan.of_type(REPLICATION) and not prod_plan.of_type(ROLE)


def raw(**extra: object) -> dict[str, object]:
    return {
        "provider": "aws",
        "bucketName": BUCKET,
        "region": "us-east-1",
        "corsAllowedOrigins": ["https://app.raptscallions.com"],
        **extra,
    }


@pytest.mark.parametrize(
    ("extra", "fragment"),
    [
        ({"awsReplicaRegion": "us-east-1"}, "the bucket's own region"),
        ({"awsReplicaRegion": "us-west-2", "versioning": False}, "needs versioning"),
        ({"awsReplicaRegion": "mars-1"}, "not an AWS region"),
        (
            {"awsReplicaRegion": "us-west-2", "awsKmsKeyArn": "arn:aws:kms:us-east-1:123456789012:key/abc"},
            "awsKmsKeyArn",
        ),
    ],
)
def test_impossible_replicas_are_refused_by_the_setting(extra: dict[str, object], fragment: str) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(raw(**extra), stack="prod")
    [problem] = caught.value.problems
    assert problem.key == "awsReplicaRegion" and fragment in problem.message


def test_every_problem_is_listed_at_once() -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(raw(awsReplicaRegion="us-east-1", versioning=False, softDeleteDays=0), stack="prod")
    messages = [str(p) for p in caught.value.problems]
    assert len(messages) == 3 and sum("awsReplicaRegion" in m for m in messages) == 2


# --- the policy pack ---------------------------------------------------------------------


def test_replica_stack_passes_the_pack(replica_plan: Plan) -> None:
    assert violations(replica_plan) == {}


def with_role_policy(plan: Plan, change) -> Plan:
    resources = []
    for resource in plan.resources:
        if resource.type == ROLE_POLICY:
            document = json.loads(resource.wire_inputs["policy"])
            change(document)
            resource = dataclasses.replace(resource, wire_inputs={**resource.wire_inputs, "policy": json.dumps(document)})
        resources.append(resource)
    return dataclasses.replace(plan, resources=tuple(resources))


@pytest.mark.parametrize(
    ("statement", "fragment"),
    [
        ({"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": [f"arn:aws:s3:::{BUCKET}/*"]}, "s3:GetObject"),
        ({"Effect": "Allow", "Action": ["s3:ReplicateObject"], "Resource": ["*"]}, "'*'"),
        ({"Effect": "Allow", "Action": ["s3:*"], "Resource": [f"arn:aws:s3:::{REPLICA}/*"]}, "s3:*"),
        ({"Effect": "Allow", "NotAction": ["s3:DeleteBucket"], "Resource": ["*"]}, "NotAction"),
    ],
)
def test_a_wider_replication_role_is_refused(replica_plan: Plan, statement: dict[str, Any], fragment: str) -> None:
    plan = with_role_policy(replica_plan, lambda document: document["Statement"].append(statement))
    messages = only(violations(plan), "storage-replication")
    assert messages and all(fragment in m for m in messages)


def test_replica_without_versioning_or_with_public_access_is_refused(replica_plan: Plan) -> None:
    replica_urn = next(r.urn for r in replica_plan.resources if r.type == BUCKET_TYPE and r.inputs["bucket"] == REPLICA)
    kept = [
        r
        for r in replica_plan.resources
        if not (r.type == "aws:s3/bucketVersioning:BucketVersioning" and replica_urn in r.property_dependencies.get("bucket", ()))
    ]
    found = violations(dataclasses.replace(replica_plan, resources=tuple(kept)))
    assert set(found) == {"storage-replication", "storage-versioning"}

    def public(resource):
        if resource.type == "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock" and replica_urn in resource.property_dependencies.get("bucket", ()):
            return dataclasses.replace(resource, wire_inputs={**resource.wire_inputs, "blockPublicPolicy": False})
        return resource

    found = violations(dataclasses.replace(replica_plan, resources=tuple(public(r) for r in replica_plan.resources)))
    assert set(found) == {"storage-no-public-access"}


def test_a_role_trusting_anyone_but_s3_is_refused(replica_plan: Plan) -> None:
    def trust_everyone(resource):
        if resource.type != ROLE:
            return resource
        document = json.loads(resource.wire_inputs["assumeRolePolicy"])
        document["Statement"][0]["Principal"] = {"AWS": "*"}
        return dataclasses.replace(resource, wire_inputs={**resource.wire_inputs, "assumeRolePolicy": json.dumps(document)})

    plan = dataclasses.replace(replica_plan, resources=tuple(trust_everyone(r) for r in replica_plan.resources))
    [message] = only(violations(plan), "storage-replication")
    assert "s3.amazonaws.com only" in message


def test_preview_shaped_replica_stack_over_grpc(analyzer, replica_plan: Plan) -> None:
    preview = preview_shaped(replica_plan)
    assert over_grpc(analyzer, preview) == []
    wider = with_role_policy(preview, lambda d: d["Statement"].append({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}))
    remote = over_grpc(analyzer, wider)
    assert {v.policy for v in remote} == {"storage-replication"} and all(v.level == "mandatory" for v in remote)
    assert sorted(remote, key=str) == sorted(analyze_plan(wider), key=str)


# --- effect on moto (IAM enforced) ---------------------------------------------------------


def denied(call: Any, **kwargs: Any) -> bool:
    try:
        call(**kwargs)
    except ClientError as error:
        return error.response["Error"]["Code"] == "AccessDenied"
    return False


def test_replication_role_can_read_for_replication_and_do_nothing_else(replica_plan: Plan) -> None:
    trust = replica_plan.one(ROLE).inputs["assumeRolePolicy"]
    policy = replica_plan.one(ROLE_POLICY).inputs["policy"]
    with moto_server() as server:
        admin_s3 = server.client("s3")
        for name in (BUCKET, REPLICA, f"{BUCKET}-access-logs"):
            admin_s3.create_bucket(Bucket=name)
            admin_s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
        admin_s3.put_object(Bucket=BUCKET, Key="uploads/a.txt", Body=b"hello")
        iam = server.client("iam")
        iam.create_role(RoleName=f"{BUCKET}-replication", AssumeRolePolicyDocument=trust)
        iam.put_role_policy(RoleName=f"{BUCKET}-replication", PolicyName="replication", PolicyDocument=policy)
        # moto's server answers sts:AssumeRole with an internal error under IAM enforcement, so the
        # role's exact permission document is evaluated as held by a user standing in for S3.
        stored = iam.get_role_policy(RoleName=f"{BUCKET}-replication", PolicyName="replication")["PolicyDocument"]
        iam.create_user(UserName="replication-stand-in")
        iam.put_user_policy(UserName="replication-stand-in", PolicyName="replication", PolicyDocument=json.dumps(stored))
        stand_in = iam.create_access_key(UserName="replication-stand-in")["AccessKey"]
        s3 = server.client("s3", Credential(stand_in["AccessKeyId"], stand_in["SecretAccessKey"]))
        # what replication reads of the source: its listing and its replication configuration (moto
        # has no replication engine and maps GetObjectAcl with a version to s3:GetObjectAcl, so the
        # version-level reads are checked by shape only)
        assert [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET)["Contents"]] == ["uploads/a.txt"]
        assert not denied(s3.get_bucket_replication, Bucket=BUCKET)  # no configuration yet: NotFound, not AccessDenied
        # and nothing else: not the app's operations, not the replica's listing, not other buckets
        assert denied(s3.get_object, Bucket=BUCKET, Key="uploads/a.txt")
        assert denied(s3.put_object, Bucket=BUCKET, Key="uploads/b.txt", Body=b"x")
        assert denied(s3.delete_object, Bucket=BUCKET, Key="uploads/a.txt")
        assert denied(s3.put_object, Bucket=REPLICA, Key="uploads/a.txt", Body=b"x")
        assert denied(s3.list_objects_v2, Bucket=REPLICA)
        assert denied(s3.list_objects_v2, Bucket=f"{BUCKET}-access-logs")
        assert denied(s3.delete_bucket, Bucket=BUCKET)
        assert denied(s3.put_bucket_versioning, Bucket=BUCKET, VersioningConfiguration={"Status": "Suspended"})
        assert denied(s3.list_buckets)
        assert admin_s3.get_object(Bucket=BUCKET, Key="uploads/a.txt")["Body"].read() == b"hello"
