"""Server access logging for the app bucket (`accessLogging`, `accessLogDays`).

S3 writes the logs, as the `logging.s3.amazonaws.com` service, into a dedicated log bucket
that is as locked down as the app bucket: private (public access block, BucketOwnerEnforced,
so delivery is granted by bucket policy, not ACL), TLS only, SSE-S3 (server access log
delivery does not support an SSE-KMS default on the destination), protected like the app
bucket and never `force_destroy`. Log files under `ACCESS_LOG_PREFIX` expire after
`accessLogDays`; unfinished uploads are aborted as in the app bucket. The app's IAM user gets no permission on it: its policy names only the
app bucket.

The replica (`awsReplicaRegion`) is logged the same way, into its own `<replica>-access-logs`
in the replica's region: S3 delivers server access logs only to a bucket in the source
bucket's region ("The source bucket and destination bucket must be in the same AWS Region",
AWS S3 User Guide, "Enabling Amazon S3 server access logging"). During a failover the replica
is the app's bucket, so it needs the same audit trail.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

import pulumi_aws as aws

from infra.guide.lifecycle import ABORT_MULTIPART_RULE_ID
from infra.providers.access_logging import LOG_EXPIRY_RULE_ID
from infra.providers.aws.documents import log_bucket_policy
from infra.providers.aws.private_bucket import private_bucket_controls, protected_bucket
from infra.providers.aws.scope import AwsScope
from infra.providers.aws.spec import ACCESS_LOG_PREFIX, access_log_bucket_name, partition_for_region
from infra.settings.model import Settings

__all__ = ["LOG_EXPIRY_RULE_ID", "AccessLogs"]


class AccessLogs:
    """The log bucket, its hardening, and the app bucket's `BucketLogging`."""

    def __init__(
        self,
        scope: AwsScope,
        name: str,
        settings: Settings,
        app_bucket: aws.s3.Bucket,
        tags: Mapping[str, str],
        *,
        source_name: str | None = None,
        region: str | None = None,
    ) -> None:
        """Log `app_bucket` (named `source_name`, in `region`; by default the app bucket's name
        and region) into `<source_name>-access-logs` in the same region; resources `<name>-access-logs*`."""
        source_name = source_name or settings.bucket_name
        region = region or settings.region
        partition = partition_for_region(region)
        child = scope.opts()
        log_bucket_name = access_log_bucket_name(source_name)
        self.bucket = protected_bucket(f"{name}-access-logs", log_bucket_name, region, tags, scope, settings.protect)
        log_id = self.bucket.id
        controls = private_bucket_controls(f"{name}-access-logs", log_id, region, child)
        self.ownership = controls.ownership
        self.public_access_block = controls.public_access_block
        self.encryption = controls.encryption
        account_id = aws.get_caller_identity_output(opts=scope.invoke_opts()).account_id
        self.bucket_policy = aws.s3.BucketPolicy(
            f"{name}-access-logs-policy",
            bucket=log_id,
            region=region,
            policy=account_id.apply(
                lambda account: json.dumps(
                    log_bucket_policy(log_bucket_name, source_name, account, ACCESS_LOG_PREFIX, partition)
                )
            ),
            opts=scope.opts(depends_on=[self.public_access_block]),
        )
        self.lifecycle = aws.s3.BucketLifecycleConfiguration(
            f"{name}-access-logs-lifecycle",
            bucket=log_id,
            region=region,
            rules=[
                aws.s3.BucketLifecycleConfigurationRuleArgs(
                    id=LOG_EXPIRY_RULE_ID,
                    status="Enabled",
                    filter=aws.s3.BucketLifecycleConfigurationRuleFilterArgs(prefix=ACCESS_LOG_PREFIX),
                    expiration=aws.s3.BucketLifecycleConfigurationRuleExpirationArgs(days=settings.options.access_log_days),
                ),
                aws.s3.BucketLifecycleConfigurationRuleArgs(
                    id=ABORT_MULTIPART_RULE_ID,
                    status="Enabled",
                    filter=aws.s3.BucketLifecycleConfigurationRuleFilterArgs(),
                    abort_incomplete_multipart_upload=aws.s3.BucketLifecycleConfigurationRuleAbortIncompleteMultipartUploadArgs(
                        days_after_initiation=settings.lifecycle.abort_multipart_days
                    ),
                ),
            ],
            opts=child,
        )
        self.logging = aws.s3.BucketLogging(
            f"{name}-access-logging",
            bucket=app_bucket.id,
            region=region,
            target_bucket=log_id,
            target_prefix=ACCESS_LOG_PREFIX,
            opts=scope.opts(depends_on=[self.bucket_policy, self.encryption, self.ownership]),
        )
