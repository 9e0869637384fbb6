"""The rendered AWS documents have the intended effect on a real S3/IAM server (moto).

moto runs with IAM enforcement on: after the first three unauthenticated calls (which
create an admin), every request is checked against the caller's IAM policies. The app
user holds exactly the policy the component declares.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from botocore.exceptions import ClientError

from infra.guide.cors import CorsRule
from infra.guide.lifecycle import LifecyclePolicy
from infra.offline.harness import Plan
from tests.support.s3_documents import s3_cors_configuration, s3_lifecycle_configuration
from tests.support.s3_servers import Credential, moto_server

BUCKET = "raptscallions-prod"
OTHER_BUCKET = "someone-elses-bucket"


@dataclass
class World:
    admin_s3: Any
    app_s3: Any


@pytest.fixture(scope="module")
def world(prod_plan: Plan) -> Iterator[World]:
    """A moto server holding the prod bucket and an app user with the declared inline policy."""
    declared_policy = prod_plan.one("aws:iam/userPolicy:UserPolicy").inputs["policy"]
    with moto_server() as server:
        admin_iam = server.client("iam")
        admin_s3 = server.client("s3")
        for name in (BUCKET, OTHER_BUCKET):
            admin_s3.create_bucket(Bucket=name)
        admin_s3.put_object(Bucket=OTHER_BUCKET, Key="private.txt", Body=b"not yours")
        admin_iam.create_user(UserName="raptscallions-prod-app")
        admin_iam.put_user_policy(UserName="raptscallions-prod-app", PolicyName="app", PolicyDocument=declared_policy)
        app_key = admin_iam.create_access_key(UserName="raptscallions-prod-app")["AccessKey"]
        yield World(admin_s3, server.client("s3", Credential(app_key["AccessKeyId"], app_key["SecretAccessKey"])))


def error_code(call: Any, **kwargs: Any) -> str:
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    return caught.value.response["Error"]["Code"]


def test_app_user_can_put_get_list_and_delete_in_its_bucket(world: World) -> None:
    s3 = world.app_s3
    s3.put_object(Bucket=BUCKET, Key="uploads/a.txt", Body=b"hello")
    assert s3.get_object(Bucket=BUCKET, Key="uploads/a.txt")["Body"].read() == b"hello"
    listed = s3.list_objects_v2(Bucket=BUCKET, Prefix="uploads/")
    assert [o["Key"] for o in listed["Contents"]] == ["uploads/a.txt"]
    assert "LocationConstraint" in s3.get_bucket_location(Bucket=BUCKET)
    s3.delete_object(Bucket=BUCKET, Key="uploads/a.txt")
    assert world.admin_s3.list_objects_v2(Bucket=BUCKET, Prefix="uploads/").get("KeyCount") == 0


def test_app_user_is_denied_on_another_bucket(world: World) -> None:
    s3 = world.app_s3
    assert error_code(s3.get_object, Bucket=OTHER_BUCKET, Key="private.txt") == "AccessDenied"
    assert error_code(s3.put_object, Bucket=OTHER_BUCKET, Key="x", Body=b"x") == "AccessDenied"
    assert error_code(s3.list_objects_v2, Bucket=OTHER_BUCKET) == "AccessDenied"
    assert error_code(s3.delete_object, Bucket=OTHER_BUCKET, Key="private.txt") == "AccessDenied"
    assert world.admin_s3.get_object(Bucket=OTHER_BUCKET, Key="private.txt")["Body"].read() == b"not yours"


@pytest.mark.parametrize(
    ("operation", "kwargs"),
    [
        ("list_buckets", {}),
        ("delete_bucket", {"Bucket": BUCKET}),
        ("put_bucket_policy", {"Bucket": BUCKET, "Policy": json.dumps({"Version": "2012-10-17", "Statement": []})}),
        ("put_bucket_cors", {"Bucket": BUCKET, "CORSConfiguration": s3_cors_configuration(CorsRule(("*",)))}),
        ("put_bucket_versioning", {"Bucket": BUCKET, "VersioningConfiguration": {"Status": "Suspended"}}),
        ("get_bucket_policy", {"Bucket": BUCKET}),
        ("create_bucket", {"Bucket": "app-made-bucket"}),
    ],
)
def test_app_user_is_denied_bucket_administration(world: World, operation: str, kwargs: dict[str, Any]) -> None:
    assert error_code(getattr(world.app_s3, operation), **kwargs) == "AccessDenied"


def test_bucket_survives_the_denied_delete(world: World) -> None:
    names = [b["Name"] for b in world.admin_s3.list_buckets()["Buckets"]]
    assert BUCKET in names and "app-made-bucket" not in names


def test_rendered_cors_and_lifecycle_apply_and_read_back_equal(world: World, prod_plan: Plan) -> None:
    origins = tuple(prod_plan.outputs["corsAllowedOrigins"])
    cors = s3_cors_configuration(CorsRule(allowed_origins=origins))
    lifecycle = s3_lifecycle_configuration(LifecyclePolicy())
    s3 = world.admin_s3
    s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_cors(Bucket=BUCKET, CORSConfiguration=cors)
    s3.put_bucket_lifecycle_configuration(Bucket=BUCKET, LifecycleConfiguration=lifecycle)
    assert s3.get_bucket_cors(Bucket=BUCKET)["CORSRules"] == cors["CORSRules"]
    stored = s3.get_bucket_lifecycle_configuration(Bucket=BUCKET)["Rules"]
    assert {rule["ID"]: rule for rule in stored} == {rule["ID"]: rule for rule in lifecycle["Rules"]}


def test_app_user_cannot_read_or_write_the_access_log_bucket(world: World, prod_plan: Plan) -> None:
    """The declared app policy names only the app bucket, and the log bucket's log-delivery grant
    (applied as declared; its TLS-only statement is left out because moto speaks plain http and
    would deny everything) gives the app credential nothing."""
    [log_bucket] = [r.inputs["bucket"] for r in prod_plan.resources if r.type == "aws:s3/bucket:Bucket" and r.inputs["bucket"] != BUCKET]
    [log_policy] = [
        json.loads(r.inputs["policy"])
        for r in prod_plan.resources
        if r.type == "aws:s3/bucketPolicy:BucketPolicy" and log_bucket in r.inputs["policy"]
    ]
    delivery_only = {**log_policy, "Statement": [s for s in log_policy["Statement"] if s["Effect"] == "Allow"]}
    assert len(delivery_only["Statement"]) == 1
    admin = world.admin_s3
    admin.create_bucket(Bucket=log_bucket)
    admin.put_object(Bucket=log_bucket, Key="s3-access/2026-12-02-14-00-00-ABC", Body=b"GET /uploads/a.txt 200")
    admin.put_bucket_policy(Bucket=log_bucket, Policy=json.dumps(delivery_only))
    s3 = world.app_s3
    assert error_code(s3.get_object, Bucket=log_bucket, Key="s3-access/2026-12-02-14-00-00-ABC") == "AccessDenied"
    assert error_code(s3.list_objects_v2, Bucket=log_bucket) == "AccessDenied"
    assert error_code(s3.put_object, Bucket=log_bucket, Key="s3-access/forged", Body=b"x") == "AccessDenied"
    assert error_code(s3.delete_object, Bucket=log_bucket, Key="s3-access/2026-12-02-14-00-00-ABC") == "AccessDenied"
    assert admin.get_object(Bucket=log_bucket, Key="s3-access/2026-12-02-14-00-00-ABC")["Body"].read() == b"GET /uploads/a.txt 200"
