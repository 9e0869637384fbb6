"""AWS-only JSON documents (pure, so the policy pack and tests can read them too)."""

from __future__ import annotations

from typing import Any

from infra.guide.permissions import IAM_POLICY_VERSION, bucket_arn, objects_arn

TLS_ONLY_SID = "DenyInsecureTransport"


def tls_only_bucket_policy(bucket: str, partition: str = "aws") -> dict[str, Any]:
    """A bucket policy refusing every request that does not arrive over TLS."""
    return {
        "Version": IAM_POLICY_VERSION,
        "Statement": [
            {
                "Sid": TLS_ONLY_SID,
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [bucket_arn(bucket, partition), objects_arn(bucket, partition)],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            }
        ],
    }
