"""The exact permissions the app's credential needs: the guide's IAM statement.

The guide grants PutObject, GetObject and DeleteObject on the objects and ListBucket and
GetBucketLocation on the bucket. Providers translate this set into their own terms
(IAM actions, Spaces grants, R2 permission groups, B2 capabilities); the policy pack and
the tests check credentials against it.
"""

from __future__ import annotations

from typing import Any

OBJECT_ACTIONS: tuple[str, ...] = ("s3:PutObject", "s3:GetObject", "s3:DeleteObject")
"""Actions on `arn:…:s3:::<bucket>/*`."""

BUCKET_ACTIONS: tuple[str, ...] = ("s3:ListBucket", "s3:GetBucketLocation")
"""Actions on `arn:…:s3:::<bucket>` itself."""

APP_ACTIONS: frozenset[str] = frozenset(OBJECT_ACTIONS + BUCKET_ACTIONS)

KMS_ACTIONS: tuple[str, ...] = ("kms:GenerateDataKey", "kms:Decrypt")
"""With SSE-KMS, S3 asks KMS for a data key on PutObject and to decrypt it on GetObject,
as the caller: the app's credential needs exactly these two, on exactly the bucket's key."""

IAM_POLICY_VERSION = "2012-10-17"


def bucket_arn(bucket: str, partition: str = "aws") -> str:
    """The ARN of the bucket itself (what ListBucket and GetBucketLocation apply to)."""
    return f"arn:{partition}:s3:::{bucket}"


def objects_arn(bucket: str, partition: str = "aws") -> str:
    """The ARN pattern of every object in the bucket."""
    return f"{bucket_arn(bucket, partition)}/*"


def app_policy_document(bucket: str, partition: str = "aws", kms_key_arn: str | None = None) -> dict[str, Any]:
    """The app credential's IAM policy, scoped to exactly one bucket (and its KMS key).

    The guide lists all five actions on both ARNs in one statement; here object actions
    apply only to objects and bucket actions only to the bucket, which grants the same
    effective access with nothing extra. With `kms_key_arn` (SSE-KMS) a third statement
    grants `KMS_ACTIONS` on that key only.
    """
    document = {
        "Version": IAM_POLICY_VERSION,
        "Statement": [
            {
                "Sid": "AppObjectAccess",
                "Effect": "Allow",
                "Action": list(OBJECT_ACTIONS),
                "Resource": [objects_arn(bucket, partition)],
            },
            {
                "Sid": "AppBucketAccess",
                "Effect": "Allow",
                "Action": list(BUCKET_ACTIONS),
                "Resource": [bucket_arn(bucket, partition)],
            },
        ],
    }
    if kms_key_arn:
        document["Statement"].append(
            {"Sid": KMS_SID, "Effect": "Allow", "Action": list(KMS_ACTIONS), "Resource": [kms_key_arn]}
        )
    return document


KMS_SID = "AppKmsKeyUse"


REFUSED_READ_ACTIONS: tuple[str, ...] = (
    "s3:ListAllMyBuckets",
    "s3:GetBucketPolicy",
    "s3:GetBucketCORS",
    "s3:GetBucketAcl",
)
"""Read-only actions outside `APP_ACTIONS` that a least-privilege credential is refused.

The validator probes exactly these to catch an over-broad credential. They are reads,
so a probe that wrongly succeeds changes nothing; no destructive action is ever tried
to prove a denial.
"""
