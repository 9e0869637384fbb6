"""The hardening every extra bucket of the AWS stack shares (the access-log bucket, the replica).

Like the app bucket: ACLs off (BucketOwnerEnforced), all four public access blocks on, and
default encryption SSE-S3. One place, so the log and replica buckets cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from infra.providers.aws.scope import AwsScope


@dataclass(frozen=True)
class PrivateBucketControls:
    ownership: aws.s3.BucketOwnershipControls
    public_access_block: aws.s3.BucketPublicAccessBlock
    encryption: aws.s3.BucketServerSideEncryptionConfiguration


def protected_bucket(
    resource_name: str, bucket_name: str, region: str, tags: Mapping[str, str], scope: AwsScope, protect: bool
) -> aws.s3.Bucket:
    """A bucket protected like the app bucket (`protect` setting) and never `force_destroy`."""
    return aws.s3.Bucket(
        resource_name,
        bucket=bucket_name,
        region=region,
        force_destroy=False,
        tags=dict(tags),
        opts=scope.opts(protect=protect),
    )


def sse_s3_rules() -> list[aws.s3.BucketServerSideEncryptionConfigurationRuleArgs]:
    """Default encryption SSE-S3 (AES256)."""
    return [
        aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(
            apply_server_side_encryption_by_default=aws.s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(
                sse_algorithm="AES256"
            )
        )
    ]


def private_bucket_controls(
    prefix: str, bucket_id: pulumi.Input[str], region: str, opts: pulumi.ResourceOptions
) -> PrivateBucketControls:
    """Declare `<prefix>-ownership`, `<prefix>-public-access-block` and `<prefix>-encryption`."""
    ownership = aws.s3.BucketOwnershipControls(
        f"{prefix}-ownership",
        bucket=bucket_id,
        region=region,
        rule=aws.s3.BucketOwnershipControlsRuleArgs(object_ownership="BucketOwnerEnforced"),
        opts=opts,
    )
    public_access_block = aws.s3.BucketPublicAccessBlock(
        f"{prefix}-public-access-block",
        bucket=bucket_id,
        region=region,
        block_public_acls=True,
        block_public_policy=True,
        ignore_public_acls=True,
        restrict_public_buckets=True,
        opts=opts,
    )
    encryption = aws.s3.BucketServerSideEncryptionConfiguration(
        f"{prefix}-encryption", bucket=bucket_id, region=region, rules=sse_s3_rules(), opts=opts
    )
    return PrivateBucketControls(ownership, public_access_block, encryption)
