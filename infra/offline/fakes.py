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


def _aws_user(name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    return {"arn": f"arn:aws:iam::123456789012:user{inputs.get('path', '/')}{inputs.get('name', name)}"}


RESOURCE_OUTPUTS: dict[str, ComputedOutputs] = {
    "aws:iam/accessKey:AccessKey": _aws_access_key,
    "aws:s3/bucket:Bucket": _aws_bucket,
    "aws:iam/user:User": _aws_user,
}
"""Resource type -> extra outputs, merged over the resource's inputs."""

RESOURCE_IDS: dict[str, Callable[[str, dict[str, Any]], str]] = {
    "aws:s3/bucket:Bucket": lambda name, inputs: str(inputs.get("bucket", name)),
    "aws:iam/user:User": lambda name, inputs: str(inputs.get("name", name)),
    "aws:iam/accessKey:AccessKey": lambda name, inputs: f"FAKEACCESSKEY-{name}",
}
"""Resource type -> physical id, where the id means something (bucket name, key id)."""

INVOKE_RESULTS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {}
"""Invoke token -> result, for data-source lookups a provider component makes."""
