"""Cross-region replication of the app bucket (`awsReplicaRegion`).

The replica bucket in the other region gets the app bucket's protection: versioning (S3
replicates only between versioned buckets), public access block, BucketOwnerEnforced,
SSE-S3, the TLS-only policy, and the same lifecycle rules, so soft-deleted files and old
versions leave the replica when they leave the source. A role only S3 can assume holds
exactly the replication permissions on exactly the two buckets.

Delete markers are replicated: the app's soft delete moves a file to the soft-delete folder
(copy, then delete), so without them the replica would keep showing files the app deleted,
and a failover would bring them back. Replicating a delete marker deletes no data (S3 never
replicates deletes of a specific version), so every version stays recoverable in both buckets.

The replica is also a place the app can run from (docs/operations.md, "Failing over to the replica (AWS, `awsReplicaRegion`)"): it
carries the app bucket's CORS rule (the browser's signed uploads need it there too), server
access logging into its own log bucket in its region (`access_logs`, with `accessLogging`),
and a failover credential of its own (`failover`): a second IAM user, `<bucket>-failover`,
holding the guide's permissions on the replica only, so the everyday credential is not
widened and a leaked everyday key cannot reach the copy kept for recovery. Its keys follow the
app credential's generations (`credential.BucketCredential`), so a rotation rotates both and an
app failed over keeps working through a rotation: no second rotation schedule to forget.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

import pulumi_aws as aws

from infra.providers.aws.access_logs import AccessLogs
from infra.providers.aws.cors import cors_rule_args
from infra.providers.aws.credential import BucketCredential
from infra.providers.aws.documents import replication_role_policy, replication_trust_policy, tls_only_bucket_policy
from infra.providers.aws.private_bucket import private_bucket_controls, protected_bucket
from infra.providers.aws.scope import AwsScope
from infra.providers.aws.spec import failover_user_name, partition_for_region, replica_bucket_name, replication_role_name
from infra.settings.model import Settings

REPLICATION_RULE_ID = "replicate-everything"


class Replica:
    """The replica bucket, its hardening, the replication role and the replication configuration."""

    def __init__(
        self,
        scope: AwsScope,
        name: str,
        settings: Settings,
        source: aws.s3.Bucket,
        source_versioning: aws.s3.BucketVersioning,
        lifecycle_rules: list[aws.s3.BucketLifecycleConfigurationRuleArgs],
        tags: Mapping[str, str],
    ) -> None:
        region = settings.options.replica_region
        partition = partition_for_region(settings.region)
        replica_name = replica_bucket_name(settings.bucket_name)
        child = scope.opts()
        self.bucket = protected_bucket(f"{name}-replica", replica_name, region, tags, scope, settings.protect)
        replica_id = self.bucket.id
        self.versioning = aws.s3.BucketVersioning(
            f"{name}-replica-versioning",
            bucket=replica_id,
            region=region,
            versioning_configuration=aws.s3.BucketVersioningVersioningConfigurationArgs(status="Enabled"),
            opts=child,
        )
        controls = private_bucket_controls(f"{name}-replica", replica_id, region, child)
        self.ownership = controls.ownership
        self.public_access_block = controls.public_access_block
        self.encryption = controls.encryption
        self.bucket_policy = aws.s3.BucketPolicy(
            f"{name}-replica-tls-only",
            bucket=replica_id,
            region=region,
            policy=json.dumps(tls_only_bucket_policy(replica_name, partition)),
            opts=scope.opts(depends_on=[self.public_access_block]),
        )
        self.lifecycle = aws.s3.BucketLifecycleConfiguration(
            f"{name}-replica-lifecycle",
            bucket=replica_id,
            region=region,
            rules=lifecycle_rules,
            opts=scope.opts(depends_on=[self.versioning]),
        )
        account_id = aws.get_caller_identity_output(opts=scope.invoke_opts()).account_id
        self.role = aws.iam.Role(
            f"{name}-replication-role",
            name=replication_role_name(settings.bucket_name),
            path="/raptscallions/",
            assume_role_policy=account_id.apply(lambda account: json.dumps(replication_trust_policy(account))),
            tags=dict(tags),
            opts=child,
        )
        self.role_policy = aws.iam.RolePolicy(
            f"{name}-replication-policy",
            role=self.role.name,
            name="raptscallions-storage-replication",
            policy=json.dumps(replication_role_policy(settings.bucket_name, replica_name, partition)),
            opts=child,
        )
        self.cors = aws.s3.BucketCorsConfiguration(
            f"{name}-replica-cors",
            bucket=replica_id,
            region=region,
            cors_rules=[cors_rule_args(settings.cors)],
            opts=child,
        )
        self.access_logs: AccessLogs | None = None
        if settings.options.access_logging:
            self.access_logs = AccessLogs(
                scope, f"{name}-replica", settings, self.bucket, tags, source_name=replica_name, region=region
            )
        self.failover = BucketCredential(
            scope,
            name,
            "failover",
            settings,
            user_name=failover_user_name(settings.bucket_name),
            bucket=self.bucket,
            bucket_name=replica_name,
            region=region,
            partition=partition,
            tags=tags,
        )
        self.configuration = aws.s3.BucketReplicationConfig(
            f"{name}-replication",
            bucket=source.id,
            region=settings.region,
            role=self.role.arn,
            rules=[
                aws.s3.BucketReplicationConfigRuleArgs(
                    id=REPLICATION_RULE_ID,
                    status="Enabled",
                    priority=1,
                    filter=aws.s3.BucketReplicationConfigRuleFilterArgs(prefix=""),
                    delete_marker_replication=aws.s3.BucketReplicationConfigRuleDeleteMarkerReplicationArgs(status="Enabled"),
                    destination=aws.s3.BucketReplicationConfigRuleDestinationArgs(
                        bucket=self.bucket.arn, storage_class="STANDARD"
                    ),
                )
            ],
            opts=scope.opts(depends_on=[source_versioning, self.versioning, self.role_policy]),
        )
