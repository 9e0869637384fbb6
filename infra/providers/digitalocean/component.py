"""DigitalOcean Spaces storage as the guide describes it.

Declares: a private Space (protected when settings say so, never force-destroyed) with
versioning and the guide's lifecycle rules, the guide's CORS rule through the dedicated
`SpacesBucketCorsConfiguration` (the bucket's inline `corsRules` are deprecated), and a
Spaces access key per credential generation whose only grant is `readwrite` on this one
bucket; the active one is exported. With `accessLogging` (on by default) a private log
Space receives the app Space's server access logs (`access_logs`).
"""

from __future__ import annotations

import pulumi
import pulumi_digitalocean as do

from infra.guide.cors import CorsRule
from infra.guide.lifecycle import (
    ABORT_MULTIPART_RULE_ID,
    NONCURRENT_RULE_ID,
    SOFT_DELETE_RULE_ID,
    LifecyclePolicy,
)
from infra.outputs import StorageAccess
from infra.providers.base import (
    StorageComponent,
    bucket_options,
    component_props,
    component_type,
)
from infra.providers.credentials import declare_generations, generation_suffixed
from infra.providers.digitalocean.access_logs import SpacesAccessLogs
from infra.providers.digitalocean.spec import APP_KEY_PERMISSION, app_key_name
from infra.settings.model import Settings, Versioning


class SpacesStorage(StorageComponent):
    """One private, versioned Space and an access key that can use only that Space."""

    def __init__(self, name: str, settings: Settings, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(component_type("SpacesStorage"), name, component_props(settings), opts)
        child = pulumi.ResourceOptions(parent=self)
        region = settings.region

        self.bucket = do.SpacesBucket(
            f"{name}-bucket",
            name=settings.bucket_name,
            region=region,
            acl="private",
            force_destroy=False,
            versioning=_versioning(settings.versioning),
            lifecycle_rules=_lifecycle_rules(settings.lifecycle),
            opts=bucket_options(self, settings),
        )
        self.cors = do.SpacesBucketCorsConfiguration(
            f"{name}-cors",
            bucket=self.bucket.name,
            region=region,
            cors_rules=[_cors_rule(settings.cors)],
            opts=child,
        )
        self.access_logs: SpacesAccessLogs | None = None
        if settings.options.access_logging:
            self.access_logs = SpacesAccessLogs(self, name, settings, self.bucket)
        self.keys, self.key = declare_generations(settings, lambda generation: self._key(name, settings, generation))

        self.access = StorageAccess(
            bucket=self.bucket.name,
            region=region,
            endpoint=settings.endpoint,
            access_key_id=self.key.access_key,
            secret_access_key=pulumi.Output.secret(self.key.secret_key),
        )
        self.register_outputs({"bucket": self.bucket.name, "accessKeyId": self.key.access_key})

    def _key(self, name: str, settings: Settings, generation: str) -> do.SpacesKey:
        """One generation's Spaces key: `readwrite` on this Space and nothing else."""
        return do.SpacesKey(
            generation_suffixed(f"{name}-app-key", generation),
            name=app_key_name(settings.bucket_name, generation),
            grants=[do.SpacesKeyGrantArgs(bucket=self.bucket.name, permission=APP_KEY_PERMISSION)],
            opts=pulumi.ResourceOptions(parent=self),
        )


def _versioning(versioning: Versioning) -> do.SpacesBucketVersioningArgs:
    """Always explicit: the provider ignores a removed `versioning` block, so turning versioning
    off must say `enabled: false` (which suspends it) rather than drop the block."""
    return do.SpacesBucketVersioningArgs(enabled=versioning is Versioning.ENABLED)


def _cors_rule(rule: CorsRule) -> do.SpacesBucketCorsConfigurationCorsRuleArgs:
    return do.SpacesBucketCorsConfigurationCorsRuleArgs(**rule.s3_rule_arguments())


def _lifecycle_rules(policy: LifecyclePolicy) -> list[do.SpacesBucketLifecycleRuleArgs]:
    """The guide's rules in Spaces' shape; rules without `prefix` cover the whole bucket."""
    rules = [
        do.SpacesBucketLifecycleRuleArgs(
            id=SOFT_DELETE_RULE_ID,
            enabled=True,
            prefix=policy.soft_delete_prefix,
            expiration=do.SpacesBucketLifecycleRuleExpirationArgs(days=policy.soft_delete_days),
        ),
        do.SpacesBucketLifecycleRuleArgs(
            id=ABORT_MULTIPART_RULE_ID,
            enabled=True,
            abort_incomplete_multipart_upload_days=policy.abort_multipart_days,
        ),
    ]
    if policy.noncurrent_version_days is not None:
        rules.append(
            do.SpacesBucketLifecycleRuleArgs(
                id=NONCURRENT_RULE_ID,
                enabled=True,
                noncurrent_version_expiration=do.SpacesBucketLifecycleRuleNoncurrentVersionExpirationArgs(
                    days=policy.noncurrent_version_days
                ),
                expiration=do.SpacesBucketLifecycleRuleExpirationArgs(expired_object_delete_marker=True),
            )
        )
    return rules
