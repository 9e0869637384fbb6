"""The B2 resources the component declares: a bucket and a bucket-scoped application key.

Each is a Pulumi dynamic resource whose provider (bucket_provider.py, key_provider.py) runs
inside the program and talks to B2 through b2sdk; the type names below are part of every
deployed stack's URNs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
from pulumi.dynamic import Resource

from infra.providers.backblaze import rules
from infra.providers.backblaze.bucket_provider import ADOPT_INPUT, B2BucketProvider
from infra.providers.backblaze.key_provider import B2ApplicationKeyProvider


@dataclass(frozen=True)
class B2BucketArgs:
    """A bucket's inputs, named as B2 names them so the policy pack can judge them."""

    bucket_name: str
    lifecycle_rules: Sequence[Mapping[str, Any]]
    cors_rules: Sequence[Mapping[str, Any]]
    file_lock_enabled: bool = False
    region: str | None = None
    """The region the stack expects; the account's authorization must agree. None: any."""
    adopt_bucket_id: str | None = None
    """An existing bucket's id (`b2BucketId`) to take over instead of creating one (`adoptExistingBucket`)."""

    def props(self) -> dict[str, Any]:
        props: dict[str, Any] = {
            "bucketName": self.bucket_name,
            "bucketType": rules.BUCKET_TYPE,
            "lifecycleRules": [dict(rule) for rule in self.lifecycle_rules],
            "corsRules": [dict(rule) for rule in self.cors_rules],
            "defaultServerSideEncryption": dict(rules.SSE_B2),
            "fileLockEnabled": self.file_lock_enabled,
        }
        if self.region:
            props["region"] = self.region
        if self.adopt_bucket_id:
            props[ADOPT_INPUT] = self.adopt_bucket_id
        return props


class B2Bucket(Resource, module="backblaze", name="Bucket"):
    """A B2 bucket (type `pulumi-python:dynamic/backblaze:Bucket`)."""

    bucketId: pulumi.Output[str]  # noqa: N815 - B2's property names
    bucketName: pulumi.Output[str]  # noqa: N815
    s3ApiUrl: pulumi.Output[str]  # noqa: N815
    s3Region: pulumi.Output[str]  # noqa: N815

    def __init__(self, name: str, args: B2BucketArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        outputs = {"bucketId": None, "s3ApiUrl": None, "s3Region": None}
        super().__init__(B2BucketProvider(), name, {**args.props(), **outputs}, opts)


SECRET_KEY_OUTPUT = "applicationKey"


class B2ApplicationKey(Resource, module="backblaze", name="ApplicationKey"):
    """A B2 application key restricted to one bucket (type `pulumi-python:dynamic/backblaze:ApplicationKey`).

    `applicationKey` (the S3 secret) is always a secret output.
    """

    applicationKeyId: pulumi.Output[str]  # noqa: N815
    applicationKey: pulumi.Output[str]  # noqa: N815

    def __init__(
        self,
        name: str,
        *,
        key_name: str,
        bucket_id: pulumi.Input[str],
        bucket_name: pulumi.Input[str],
        capabilities: Sequence[str],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props = {
            "keyName": key_name,
            "capabilities": list(capabilities),
            "bucketId": bucket_id,
            "bucketName": bucket_name,
            "applicationKeyId": None,
            SECRET_KEY_OUTPUT: None,
        }
        secret = pulumi.ResourceOptions(additional_secret_outputs=[SECRET_KEY_OUTPUT])
        super().__init__(B2ApplicationKeyProvider(), name, props, pulumi.ResourceOptions.merge(opts, secret))
