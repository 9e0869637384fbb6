"""AWS S3 storage as the guide describes it, plus the hardening a production bucket needs.

Declares: the bucket (protected when settings say so), versioning, public access block,
BucketOwnerEnforced ownership, default encryption, a TLS-only bucket policy, CORS,
lifecycle rules, server access logging into a dedicated log bucket (`access_logs`), optionally a replica in another
region (`replication`) with its own failover credential (`failover`), and an IAM user whose only permission is the guide's statement on
this one bucket, with one access key per credential generation (at most two: IAM's limit,
and all a rotation needs); the active one is exported. Optionally, the app's STORAGE_*
values are also published as one Secrets Manager secret (`published_env`).
"""

from __future__ import annotations

import json

import pulumi
import pulumi_aws as aws

from infra.guide.lifecycle import (
    ABORT_MULTIPART_RULE_ID,
    NONCURRENT_RULE_ID,
    SOFT_DELETE_RULE_ID,
    LifecyclePolicy,
)
from infra.providers.aws.access_logs import AccessLogs
from infra.providers.aws.cors import cors_rule_args
from infra.providers.aws.credential import BucketCredential
from infra.providers.aws.documents import tls_only_bucket_policy
from infra.providers.aws.published_env import publish_app_environment
from infra.providers.aws.replication import Replica
from infra.providers.aws.scope import aws_scope
from infra.providers.aws.spec import iam_user_name, partition_for_region
from infra.providers.base import (
    StorageComponent,
    bucket_options,
    component_props,
    component_type,
)
from infra.settings.model import Settings, Versioning
from infra.tags import resource_tags


class AwsStorage(StorageComponent):
    """One private, versioned, encrypted S3 bucket and its least-privilege app credential."""

    def __init__(self, name: str, settings: Settings, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(component_type("AwsStorage"), name, component_props(settings), opts)
        region = settings.region
        scope = aws_scope(self, name, region)
        self.provider = scope.provider
        child = scope.opts()
        partition = partition_for_region(region)
        tags = resource_tags(settings)

        self.bucket = aws.s3.Bucket(
            f"{name}-bucket",
            bucket=settings.bucket_name,
            region=region,
            force_destroy=False,
            tags=tags,
            opts=scope.on_provider(bucket_options(self, settings)),
        )
        bucket_id = self.bucket.id

        self.ownership = aws.s3.BucketOwnershipControls(
            f"{name}-ownership",
            bucket=bucket_id,
            region=region,
            rule=aws.s3.BucketOwnershipControlsRuleArgs(object_ownership="BucketOwnerEnforced"),
            opts=child,
        )
        self.public_access_block = aws.s3.BucketPublicAccessBlock(
            f"{name}-public-access-block",
            bucket=bucket_id,
            region=region,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
            opts=child,
        )
        self.versioning: aws.s3.BucketVersioning | None = None
        if settings.versioning is Versioning.ENABLED:
            self.versioning = aws.s3.BucketVersioning(
                f"{name}-versioning",
                bucket=bucket_id,
                region=region,
                versioning_configuration=aws.s3.BucketVersioningVersioningConfigurationArgs(status="Enabled"),
                opts=child,
            )
        self.encryption = aws.s3.BucketServerSideEncryptionConfiguration(
            f"{name}-encryption",
            bucket=bucket_id,
            region=region,
            rules=[_encryption_rule(settings.options.kms_key_arn)],
            opts=child,
        )
        self.bucket_policy = aws.s3.BucketPolicy(
            f"{name}-tls-only",
            bucket=bucket_id,
            region=region,
            policy=json.dumps(tls_only_bucket_policy(settings.bucket_name, partition)),
            opts=scope.opts(depends_on=[self.public_access_block]),
        )
        self.cors = aws.s3.BucketCorsConfiguration(
            f"{name}-cors",
            bucket=bucket_id,
            region=region,
            cors_rules=[cors_rule_args(settings.cors)],
            opts=child,
        )
        self.lifecycle = aws.s3.BucketLifecycleConfiguration(
            f"{name}-lifecycle",
            bucket=bucket_id,
            region=region,
            rules=_lifecycle_rules(settings.lifecycle),
            opts=scope.opts(depends_on=[self.versioning] if self.versioning is not None else []),
        )

        self.replica: Replica | None = None
        if settings.options.replica_region:
            assert self.versioning is not None  # settings refuse a replica without versioning
            self.replica = Replica(scope, name, settings, self.bucket, self.versioning, _lifecycle_rules(settings.lifecycle), tags)
            self.failover = self.replica.failover.access
        self.access_logs: AccessLogs | None = None
        if settings.options.access_logging:
            self.access_logs = AccessLogs(scope, name, settings, self.bucket, tags)

        self.credential = BucketCredential(
            scope,
            name,
            "app",
            settings,
            user_name=iam_user_name(settings.bucket_name),
            bucket=self.bucket,
            bucket_name=settings.bucket_name,
            region=region,
            partition=partition,
            tags=tags,
            kms_key_arn=settings.options.kms_key_arn,
        )
        self.access = self.credential.access
        self.app_env_secret: aws.secretsmanager.Secret | None = None
        if settings.options.publish_secret:
            self.app_env_secret, self.app_env_version = publish_app_environment(scope, name, settings, self.access, tags)
        self.register_outputs({"bucket": self.bucket.bucket, "accessKeyId": self.access.access_key_id})


def _encryption_rule(kms_key_arn: str | None) -> aws.s3.BucketServerSideEncryptionConfigurationRuleArgs:
    """SSE-S3 by default; SSE-KMS with a bucket key when a key is configured."""
    if kms_key_arn:
        default = aws.s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(
            sse_algorithm="aws:kms", kms_master_key_id=kms_key_arn
        )
        return aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(
            apply_server_side_encryption_by_default=default, bucket_key_enabled=True
        )
    default = aws.s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(
        sse_algorithm="AES256"
    )
    return aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(apply_server_side_encryption_by_default=default)


def _lifecycle_rules(policy: LifecyclePolicy) -> list[aws.s3.BucketLifecycleConfigurationRuleArgs]:
    rules = [
        aws.s3.BucketLifecycleConfigurationRuleArgs(
            id=SOFT_DELETE_RULE_ID,
            status="Enabled",
            filter=aws.s3.BucketLifecycleConfigurationRuleFilterArgs(prefix=policy.soft_delete_prefix),
            expiration=aws.s3.BucketLifecycleConfigurationRuleExpirationArgs(days=policy.soft_delete_days),
        ),
        aws.s3.BucketLifecycleConfigurationRuleArgs(
            id=ABORT_MULTIPART_RULE_ID,
            status="Enabled",
            filter=aws.s3.BucketLifecycleConfigurationRuleFilterArgs(),
            abort_incomplete_multipart_upload=aws.s3.BucketLifecycleConfigurationRuleAbortIncompleteMultipartUploadArgs(
                days_after_initiation=policy.abort_multipart_days
            ),
        ),
    ]
    if policy.noncurrent_version_days is not None:
        rules.append(
            aws.s3.BucketLifecycleConfigurationRuleArgs(
                id=NONCURRENT_RULE_ID,
                status="Enabled",
                filter=aws.s3.BucketLifecycleConfigurationRuleFilterArgs(),
                noncurrent_version_expiration=aws.s3.BucketLifecycleConfigurationRuleNoncurrentVersionExpirationArgs(
                    noncurrent_days=policy.noncurrent_version_days
                ),
                expiration=aws.s3.BucketLifecycleConfigurationRuleExpirationArgs(expired_object_delete_marker=True),
            )
        )
    return rules
