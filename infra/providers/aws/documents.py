"""AWS-only JSON documents (pure, so the policy pack and tests can read them too)."""

from __future__ import annotations

from typing import Any

from infra.guide.permissions import IAM_POLICY_VERSION, bucket_arn, objects_arn
from infra.providers.aws.spec import LOG_DELIVERY_PRINCIPAL

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


LOG_DELIVERY_SID = "AllowS3ServerAccessLogDelivery"


def log_bucket_policy(log_bucket: str, source_bucket: str, account_id: str, prefix: str, partition: str = "aws") -> dict[str, Any]:
    """The log bucket's policy: TLS only, and S3's log delivery service may write under `prefix`
    only for `source_bucket` of this account (aws:SourceArn / aws:SourceAccount stop a confused
    deputy: another account's bucket cannot log into ours)."""
    document = tls_only_bucket_policy(log_bucket, partition)
    document["Statement"].append(
        {
            "Sid": LOG_DELIVERY_SID,
            "Effect": "Allow",
            "Principal": {"Service": LOG_DELIVERY_PRINCIPAL},
            "Action": "s3:PutObject",
            "Resource": f"{objects_arn(log_bucket, partition)[:-1]}{prefix}*",
            "Condition": {
                "ArnLike": {"aws:SourceArn": bucket_arn(source_bucket, partition)},
                "StringEquals": {"aws:SourceAccount": account_id},
            },
        }
    )
    return document


REPLICATION_SERVICE = "s3.amazonaws.com"
REPLICATION_SOURCE_BUCKET_ACTIONS = ("s3:GetReplicationConfiguration", "s3:ListBucket")
REPLICATION_SOURCE_OBJECT_ACTIONS = (
    "s3:GetObjectVersionForReplication",
    "s3:GetObjectVersionAcl",
    "s3:GetObjectVersionTagging",
)
REPLICATION_REPLICA_OBJECT_ACTIONS = ("s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags")


def replication_trust_policy(account_id: str) -> dict[str, Any]:
    """Only S3, acting for this account's buckets, may assume the replication role."""
    return {
        "Version": IAM_POLICY_VERSION,
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": REPLICATION_SERVICE},
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"aws:SourceAccount": account_id}},
            }
        ],
    }


def replication_role_policy(source: str, replica: str, partition: str = "aws") -> dict[str, Any]:
    """Exactly what S3 replication needs (AWS's "Setting up permissions" for live replication),
    on exactly the two buckets: read the source's configuration and object versions, write
    replicas (objects, delete markers, tags) into the replica."""
    return {
        "Version": IAM_POLICY_VERSION,
        "Statement": [
            {
                "Sid": "ReadSourceBucket",
                "Effect": "Allow",
                "Action": list(REPLICATION_SOURCE_BUCKET_ACTIONS),
                "Resource": [bucket_arn(source, partition)],
            },
            {
                "Sid": "ReadSourceObjectVersions",
                "Effect": "Allow",
                "Action": list(REPLICATION_SOURCE_OBJECT_ACTIONS),
                "Resource": [objects_arn(source, partition)],
            },
            {
                "Sid": "WriteReplicaObjects",
                "Effect": "Allow",
                "Action": list(REPLICATION_REPLICA_OBJECT_ACTIONS),
                "Resource": [objects_arn(replica, partition)],
            },
        ],
    }
