"""Server access logging for the app Space (`accessLogging`, `accessLogDays`).

Spaces writes the app Space's access logs (`SpacesBucketLogging`) under `ACCESS_LOG_PREFIX`
into a dedicated log Space in the same datacenter (the resource takes one region for both):
private ACL, protected like the app Space, never `force_destroy`, log files expiring after
`accessLogDays` and unfinished uploads aborted as in the app Space. The app's Spaces key is
granted on the app Space only, so it can neither read nor delete the logs.
"""

from __future__ import annotations

import pulumi
import pulumi_digitalocean as do

from infra.guide.lifecycle import ABORT_MULTIPART_RULE_ID
from infra.providers.access_logging import ACCESS_LOG_PREFIX, LOG_EXPIRY_RULE_ID, access_log_bucket_name
from infra.settings.model import Settings


class SpacesAccessLogs:
    """The log Space and the app Space's `SpacesBucketLogging`."""

    def __init__(self, parent: pulumi.Resource, name: str, settings: Settings, app_bucket: do.SpacesBucket) -> None:
        self.bucket = do.SpacesBucket(
            f"{name}-access-logs",
            name=access_log_bucket_name(settings.bucket_name),
            region=settings.region,
            acl="private",
            force_destroy=False,
            lifecycle_rules=[
                do.SpacesBucketLifecycleRuleArgs(
                    id=LOG_EXPIRY_RULE_ID,
                    enabled=True,
                    prefix=ACCESS_LOG_PREFIX,
                    expiration=do.SpacesBucketLifecycleRuleExpirationArgs(days=settings.options.access_log_days),
                ),
                do.SpacesBucketLifecycleRuleArgs(
                    id=ABORT_MULTIPART_RULE_ID,
                    enabled=True,
                    abort_incomplete_multipart_upload_days=settings.lifecycle.abort_multipart_days,
                ),
            ],
            opts=pulumi.ResourceOptions(parent=parent, protect=settings.protect),
        )
        self.logging = do.SpacesBucketLogging(
            f"{name}-access-logging",
            bucket=app_bucket.name,
            region=settings.region,
            target_bucket=self.bucket.name,
            target_prefix=ACCESS_LOG_PREFIX,
            opts=pulumi.ResourceOptions(parent=parent),
        )
