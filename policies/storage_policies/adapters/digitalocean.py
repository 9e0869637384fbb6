"""DigitalOcean Spaces resources as the policies see them."""

from __future__ import annotations

from typing import Any

from storage_policies.adapters.base import Adapter, bucket_urn_of, of_type, public_policy_findings, s3_style_cors_rules
from storage_policies.views import (
    BucketView,
    CorsView,
    Finding,
    LifecycleRuleView,
    LifecycleView,
    as_int,
    as_list,
)

BUCKET = ("digitalocean:index/spacesBucket:SpacesBucket",)
CORS = ("digitalocean:index/spacesBucketCorsConfiguration:SpacesBucketCorsConfiguration",)
POLICY = ("digitalocean:index/spacesBucketPolicy:SpacesBucketPolicy",)
KEY = ("digitalocean:index/spacesKey:SpacesKey",)
OBJECT = ("digitalocean:index/spacesBucketObject:SpacesBucketObject",)
LOGGING = ("digitalocean:index/spacesBucketLogging:SpacesBucketLogging",)
LOGGING_FIX = "set raptscallions-storage:accessLogging to true (the component declares the log Space)"
APP_GRANTS = frozenset({"read", "readwrite"})


class DigitalOceanAdapter(Adapter):
    provider = "digitalocean"

    def buckets(self, resources: list[Any]) -> list[BucketView]:
        log_targets = {
            target for r in of_type(resources, *LOGGING) if (target := self._log_target(resources, r)) != self._logged(resources, r)
        }
        return [
            self.bucket_view(
                b,
                "name",
                "enabled" if (b.props.get("versioning") or {}).get("enabled") is True else "disabled",
                role="access-logs" if b.urn in log_targets else "app",
            )
            for b in of_type(resources, *BUCKET)
        ]

    def access_logging_findings(self, resources: list[Any], buckets: list[BucketView]) -> list[Finding]:
        """Each app Space logs into another Space of this stack (`SpacesBucketLogging`)."""
        by_urn = {b.urn: b for b in buckets}
        findings = []
        for bucket in (b for b in buckets if b.is_app):
            targets = [self._log_target(resources, r) for r in of_type(resources, *LOGGING) if self._logged(resources, r) == bucket.urn]
            if not targets:
                findings.append(Finding(bucket.urn, f"the {bucket.environment} Space has no server access logging; {LOGGING_FIX}."))
            elif not any(t in by_urn and t != bucket.urn for t in targets):
                findings.append(
                    Finding(bucket.urn, f"server access logs must go to a separate log Space declared in this stack; {LOGGING_FIX}.")
                )
        return findings

    def _logged(self, resources: list[Any], logging: Any) -> str | None:
        return bucket_urn_of(resources, logging, "bucket", BUCKET, "name")

    def _log_target(self, resources: list[Any], logging: Any) -> str | None:
        return bucket_urn_of(resources, logging, "targetBucket", BUCKET, "name")

    def cors(self, resources: list[Any]) -> list[CorsView]:
        views = [
            CorsView(r.urn, bucket_urn_of(resources, r, "bucket", BUCKET, "name"), s3_style_cors_rules(r.props.get("corsRules")))
            for r in of_type(resources, *CORS)
        ]
        views += [
            CorsView(b.urn, b.urn, s3_style_cors_rules(b.props.get("corsRules")))
            for b in of_type(resources, *BUCKET)
            if b.props.get("corsRules")
        ]
        return views

    def lifecycles(self, resources: list[Any]) -> list[LifecycleView]:
        views = []
        for bucket in of_type(resources, *BUCKET):
            rules = tuple(
                LifecycleRuleView(
                    rule_id=str(rule.get("id", "")),
                    enabled=rule.get("enabled") is True,
                    prefix=rule.get("prefix") or "",
                    expire_days=as_int((rule.get("expiration") or {}).get("days")),
                    abort_multipart_days=as_int(rule.get("abortIncompleteMultipartUploadDays")),
                )
                for rule in as_list(bucket.props.get("lifecycleRules"))
            )
            views.append(LifecycleView(bucket.urn, bucket.urn, rules))
        return views

    def public_access_findings(self, resources: list[Any], buckets: list[BucketView]) -> list[Finding]:
        findings = [
            Finding(r.urn, f"ACL {r.props.get('acl')!r} is not private; Spaces must restrict access (files go out through signed URLs).")
            for r in of_type(resources, *BUCKET, *OBJECT)
            if r.props.get("acl") not in (None, "private")
        ]
        return findings + public_policy_findings(of_type(resources, *POLICY))

    def credential_findings(self, resources: list[Any], buckets: list[BucketView]) -> list[Finding]:
        names = {b.name for b in buckets if b.name and b.is_app}
        logs = {b.name for b in buckets if b.name and b.role == "access-logs"}
        findings = []
        for key in of_type(resources, *KEY):
            grants = as_list(key.props.get("grants"))
            if not grants:
                findings.append(Finding(key.urn, "the Spaces key has no grants, which means full access to every Space; grant readwrite on this bucket."))
            for grant in grants:
                permission, bucket = grant.get("permission"), grant.get("bucket") or ""
                if permission not in APP_GRANTS:
                    findings.append(Finding(key.urn, f"grant {permission!r} is broader than read/readwrite; grant readwrite on this bucket only."))
                if bucket in logs:
                    findings.append(Finding(key.urn, f"the Spaces key is granted on the log Space {bucket!r}; the app may not read or delete access logs, grant only the app Space."))
                elif bucket not in names:
                    where = "every Space" if not bucket else f"Space {bucket!r}, which is not this stack's bucket"
                    findings.append(Finding(key.urn, f"the Spaces key is granted on {where}; grant only this stack's bucket."))
        return findings

