"""What the fake cloud answers: ids and computed outputs for resources and invokes.

Real providers compute values such as access keys at create time; the mocks must
return something shaped like them so the program's outputs can be checked. Values
here are obviously fake and never look like real credentials.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

ComputedOutputs = Callable[[str, dict[str, Any]], dict[str, Any]]


def _aws_access_key(name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    return {"secret": f"fake-secret-for-{name}", "status": "Active"}


def _aws_bucket(name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    bucket = inputs.get("bucket", name)
    return {"arn": f"arn:aws:s3:::{bucket}", "bucketRegionalDomainName": f"{bucket}.s3.amazonaws.com"}


def _aws_role(name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    return {"arn": f"arn:aws:iam::123456789012:role{inputs.get('path', '/')}{inputs.get('name', name)}"}


def _aws_user(name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    return {"arn": f"arn:aws:iam::123456789012:user{inputs.get('path', '/')}{inputs.get('name', name)}"}


def _spaces_bucket(name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    bucket, region = inputs.get("name", name), inputs.get("region", "nyc3")
    return {
        "bucketDomainName": f"{bucket}.{region}.digitaloceanspaces.com",
        "endpoint": f"{region}.digitaloceanspaces.com",
        "bucketUrn": f"do:space:{bucket}",
    }


def _spaces_key(name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    return {"accessKey": f"FAKESPACESKEY-{name}", "secretKey": f"fake-spaces-secret-for-{name}"}


def _r2_bucket(name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    return {"creationDate": "2000-01-01T00:00:00Z", "storageClass": "Standard"}


def _cloudflare_account_token(name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    return {"value": f"fake-r2-token-value-for-{name}", "status": "active"}


B2_BUCKET = "pulumi-python:dynamic/backblaze:Bucket"
B2_APPLICATION_KEY = "pulumi-python:dynamic/backblaze:ApplicationKey"
B2_REPLICATION = "pulumi-python:dynamic/backblaze:Replication"
B2_FAKE_ACCOUNT_REGION = "us-west-004"
"""The region the fake B2 account's authorization answers when the stack sets none."""


def _b2_bucket(name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    region = inputs.get("region") or B2_FAKE_ACCOUNT_REGION
    return {"bucketId": f"fake-b2-bucket-id-{name}", "s3ApiUrl": f"https://s3.{region}.backblazeb2.com", "s3Region": region}


def _b2_application_key(name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    return {"applicationKeyId": f"fake-b2-key-id-{name}", "applicationKey": f"fake-b2-application-key-for-{name}"}


def _aws_secret(name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    return {"arn": f"arn:aws:secretsmanager:us-east-1:123456789012:secret:{inputs.get('name', name)}-FAKE01"}


RESOURCE_OUTPUTS: dict[str, ComputedOutputs] = {
    "aws:secretsmanager/secret:Secret": _aws_secret,
    "aws:iam/accessKey:AccessKey": _aws_access_key,
    "aws:s3/bucket:Bucket": _aws_bucket,
    "aws:iam/user:User": _aws_user,
    "aws:iam/role:Role": _aws_role,
    "digitalocean:index/spacesBucket:SpacesBucket": _spaces_bucket,
    "digitalocean:index/spacesKey:SpacesKey": _spaces_key,
    "cloudflare:index/r2Bucket:R2Bucket": _r2_bucket,
    "cloudflare:index/accountToken:AccountToken": _cloudflare_account_token,
    B2_BUCKET: _b2_bucket,
    B2_APPLICATION_KEY: _b2_application_key,
}
"""Resource type -> extra outputs, merged over the resource's inputs."""

RESOURCE_IDS: dict[str, Callable[[str, dict[str, Any]], str]] = {
    "aws:secretsmanager/secret:Secret": lambda name, inputs: _aws_secret(name, inputs)["arn"],
    "aws:s3/bucket:Bucket": lambda name, inputs: str(inputs.get("bucket", name)),
    "aws:iam/user:User": lambda name, inputs: str(inputs.get("name", name)),
    "aws:iam/accessKey:AccessKey": lambda name, inputs: f"FAKEACCESSKEY-{name}",
    "digitalocean:index/spacesBucket:SpacesBucket": lambda name, inputs: str(inputs.get("name", name)),
    "digitalocean:index/spacesKey:SpacesKey": lambda name, inputs: f"FAKESPACESKEY-{name}",
    "cloudflare:index/r2Bucket:R2Bucket": lambda name, inputs: str(inputs.get("name", name)),
    "cloudflare:index/accountToken:AccountToken": lambda name, inputs: f"fake-r2-token-id-{name}",
    B2_BUCKET: lambda name, inputs: f"fake-b2-bucket-id-{name}",
    B2_APPLICATION_KEY: lambda name, inputs: f"fake-b2-key-id-{name}",
}
"""Resource type -> physical id, where the id means something (bucket name, key id)."""

_R2_BUCKET_SCOPE = ["com.cloudflare.edge.r2.bucket"]
_ACCOUNT_SCOPE = ["com.cloudflare.api.account"]
CLOUDFLARE_PERMISSION_GROUPS: tuple[dict[str, Any], ...] = (
    {"id": "fake-pg-r2-bucket-item-read", "name": "Workers R2 Storage Bucket Item Read", "scopes": _R2_BUCKET_SCOPE},
    {"id": "fake-pg-r2-bucket-item-write", "name": "Workers R2 Storage Bucket Item Write", "scopes": _R2_BUCKET_SCOPE},
    {"id": "fake-pg-r2-storage-read", "name": "Workers R2 Storage Read", "scopes": _ACCOUNT_SCOPE},
    {"id": "fake-pg-r2-storage-write", "name": "Workers R2 Storage Write", "scopes": _ACCOUNT_SCOPE},
    {"id": "fake-pg-account-tokens-write", "name": "Account API Tokens Write", "scopes": _ACCOUNT_SCOPE},
)
"""A few of the account's permission groups: the two R2 object groups and admin-level decoys."""

CLOUDFLARE_PERMISSION_GROUPS_LIST = (
    "cloudflare:index/getAccountApiTokenPermissionGroupsList:getAccountApiTokenPermissionGroupsList"
)


def _cloudflare_permission_groups(args: dict[str, Any]) -> dict[str, Any]:
    """Groups whose name contains the `name` filter, as the API's loose filter may answer."""
    wanted = str(args.get("name") or "").lower()
    results = [
        {**group, "category": "developer_platform", "isSelectable": True}
        for group in CLOUDFLARE_PERMISSION_GROUPS
        if wanted in group["name"].lower()
    ]
    return {"accountId": args.get("accountId"), "name": args.get("name"), "results": results}


FAKE_AWS_ACCOUNT_ID = "123456789012"


def _aws_caller_identity(args: dict[str, Any]) -> dict[str, Any]:
    return {
        "accountId": FAKE_AWS_ACCOUNT_ID,
        "arn": f"arn:aws:iam::{FAKE_AWS_ACCOUNT_ID}:user/deployer",
        "userId": "AIDAFAKEDEPLOYER",
        "id": FAKE_AWS_ACCOUNT_ID,
    }


INVOKE_RESULTS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "aws:index/getCallerIdentity:getCallerIdentity": _aws_caller_identity,
    CLOUDFLARE_PERMISSION_GROUPS_LIST: _cloudflare_permission_groups,
}
"""Invoke token -> result, for data-source lookups a provider component makes."""
