"""Cloudflare R2 storage as the guide describes it, as far as R2 allows.

Declares: the R2 bucket (protected when settings say so) in the configured account,
jurisdiction and location hint; the guide's CORS rule (its preflight headers named beside
`*`, see `documents.HEADER_WILDCARD_HONOURED`) and lifecycle rules (soft-deleted
files and unfinished multipart uploads) as R2BucketCors and R2BucketLifecycle; and an
account-owned API token per credential generation, each allowed only the two R2 object
permission groups on this one bucket (the active one is exported). The groups' ids are looked up by name before anything is declared.

R2 has no object versioning: nothing is declared for it, noncurrent-version clean-up is
skipped, and the component says so with a warning at every preview.
"""

from __future__ import annotations

import pulumi
import pulumi_cloudflare as cloudflare

from infra.guide.cors import CorsRule
from infra.guide.lifecycle import ABORT_MULTIPART_RULE_ID, SOFT_DELETE_RULE_ID, LifecyclePolicy
from infra.outputs import StorageAccess
from infra.providers.base import (
    StorageComponent,
    bucket_options,
    component_props,
    component_type,
)
from infra.providers.cloudflare.access import (
    APP_PERMISSION_GROUPS,
    PermissionGroupError,
    app_token_name,
    pick_permission_group,
    s3_secret_access_key,
    token_resources,
)
from infra.providers.cloudflare.documents import AGE, days_to_seconds, r2_cors_rule
from infra.providers.cloudflare.spec import CloudflareOptions
from infra.providers.credentials import declare_generations, generation_suffixed
from infra.settings.model import Settings


def versioning_gap_warning(bucket: str) -> str:
    """What every R2 preview says about versioning, so nobody assumes it is on."""
    return (
        f"R2 bucket {bucket!r} is declared without versioning (R2 has none) and without a "
        "noncurrent-version clean-up rule: an overwritten or deleted object cannot be recovered "
        "from the bucket, so keep backups elsewhere if the app needs undelete."
    )


def adopted_location_warning(hint: str) -> str:
    """Why an adopted bucket is declared without the location hint."""
    return (
        f"r2LocationHint {hint!r} is not applied to an adopted bucket: R2 places a bucket once, when it is "
        "created, so the bucket keeps its location and the hint is left out of its declaration"
    )


class R2Storage(StorageComponent):
    """One R2 bucket and an API token that can read and write objects in that bucket only."""

    def __init__(self, name: str, settings: Settings, opts: pulumi.ResourceOptions | None = None) -> None:
        options: CloudflareOptions = settings.options
        group_ids = permission_group_ids(options.account_id)
        super().__init__(component_type("R2Storage"), name, component_props(settings), opts)
        child = pulumi.ResourceOptions(parent=self)
        pulumi.log.warn(versioning_gap_warning(settings.bucket_name), resource=self)
        if settings.adopt_existing_bucket and options.location_hint:
            pulumi.log.warn(adopted_location_warning(options.location_hint), resource=self)

        self.bucket = cloudflare.R2Bucket(
            f"{name}-bucket",
            account_id=options.account_id,
            name=settings.bucket_name,
            jurisdiction=options.jurisdiction,
            location=None if settings.adopt_existing_bucket else options.location_hint,
            opts=bucket_options(self, settings),
        )
        self.cors = cloudflare.R2BucketCors(
            f"{name}-cors",
            account_id=options.account_id,
            bucket_name=self.bucket.name,
            jurisdiction=options.jurisdiction,
            rules=[_cors_rule(r2_cors_rule(settings.cors))],
            # The bucket has one CORS configuration and deleting the resource deletes it
            # (terraform-provider-cloudflare internal/services/r2_bucket_cors/resource.go);
            # some provider versions replace the resource when `rules` change (schema.go:
            # RequiresReplace). Created before the old one is deleted, the bucket would be
            # left with no CORS at all, so a replacement deletes first.
            opts=pulumi.ResourceOptions.merge(child, pulumi.ResourceOptions(delete_before_replace=True)),
        )
        self.lifecycle = cloudflare.R2BucketLifecycle(
            f"{name}-lifecycle",
            account_id=options.account_id,
            bucket_name=self.bucket.name,
            jurisdiction=options.jurisdiction,
            rules=_lifecycle_rules(settings.lifecycle),
            opts=child,
        )
        self.tokens, self.token = declare_generations(
            settings, lambda generation: self._token(name, settings, group_ids, generation)
        )

        self.access = StorageAccess(
            bucket=self.bucket.name,
            region=settings.region,
            endpoint=settings.endpoint,
            access_key_id=self.token.id,
            secret_access_key=pulumi.Output.secret(self.token.value).apply(s3_secret_access_key),
        )
        self.register_outputs({"bucket": self.bucket.name, "accessKeyId": self.token.id})

    def _token(self, name: str, settings: Settings, group_ids: list[str], generation: str) -> cloudflare.AccountToken:
        """One generation's token: the object read and write groups on this bucket's resource key only."""
        options: CloudflareOptions = settings.options
        return cloudflare.AccountToken(
            generation_suffixed(f"{name}-app-token", generation),
            account_id=options.account_id,
            name=app_token_name(settings.bucket_name, generation),
            policies=[
                cloudflare.AccountTokenPolicyArgs(
                    effect="allow",
                    permission_groups=[cloudflare.AccountTokenPolicyPermissionGroupArgs(id=i) for i in group_ids],
                    resources=self.bucket.name.apply(
                        lambda bucket: token_resources(options.account_id, options.jurisdiction, bucket)
                    ),
                )
            ],
            opts=pulumi.ResourceOptions(parent=self),
        )


def permission_group_ids(account_id: str) -> list[str]:
    """The ids of the R2 object read and write groups, looked up by name (a clean error if missing).

    Names are passed as they are (the provider encodes query parameters itself) and the
    answer is matched exactly, so a loose server-side filter cannot pick a broader group.
    """
    ids = []
    try:
        for group_name in APP_PERMISSION_GROUPS:
            found = cloudflare.get_account_api_token_permission_groups_list(account_id=account_id, name=group_name)
            groups = [{"id": g.id, "name": g.name, "scopes": list(g.scopes or [])} for g in found.results or []]
            ids.append(pick_permission_group(group_name, groups))
    except PermissionGroupError as error:
        raise pulumi.RunError(str(error)) from None
    return ids


def _cors_rule(rule: CorsRule) -> cloudflare.R2BucketCorsRuleArgs:
    return cloudflare.R2BucketCorsRuleArgs(
        id=rule.rule_id,
        allowed=cloudflare.R2BucketCorsRuleAllowedArgs(
            origins=list(rule.allowed_origins),
            methods=list(rule.allowed_methods),
            headers=list(rule.allowed_headers),
        ),
        expose_headers=list(rule.expose_headers),
        max_age_seconds=rule.max_age_seconds,
    )


def _lifecycle_rules(policy: LifecyclePolicy) -> list[cloudflare.R2BucketLifecycleRuleArgs]:
    """Soft-deleted files and unfinished uploads; R2 keeps no old versions to clean up.

    Declaring the lifecycle replaces R2's default rule (abort uploads after 7 days), so the
    abort rule is always part of it.
    """
    return [
        cloudflare.R2BucketLifecycleRuleArgs(
            id=SOFT_DELETE_RULE_ID,
            enabled=True,
            conditions=cloudflare.R2BucketLifecycleRuleConditionsArgs(prefix=policy.soft_delete_prefix),
            delete_objects_transition=cloudflare.R2BucketLifecycleRuleDeleteObjectsTransitionArgs(
                condition=cloudflare.R2BucketLifecycleRuleDeleteObjectsTransitionConditionArgs(
                    type=AGE, max_age=days_to_seconds(policy.soft_delete_days)
                )
            ),
        ),
        cloudflare.R2BucketLifecycleRuleArgs(
            id=ABORT_MULTIPART_RULE_ID,
            enabled=True,
            conditions=cloudflare.R2BucketLifecycleRuleConditionsArgs(prefix=""),
            abort_multipart_uploads_transition=cloudflare.R2BucketLifecycleRuleAbortMultipartUploadsTransitionArgs(
                condition=cloudflare.R2BucketLifecycleRuleAbortMultipartUploadsTransitionConditionArgs(
                    type=AGE, max_age=days_to_seconds(policy.abort_multipart_days)
                )
            ),
        ),
    ]
