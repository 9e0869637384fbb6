"""Backblaze B2 resources (the package's dynamic resources) as the policies see them.

B2 has no Pulumi package: the bucket and the app key are dynamic resources whose inputs
are B2's own API fields (see `infra/providers/backblaze/rules.py`), so this adapter reads
those fields and judges them with the same rules module the component renders them with.
"""

from __future__ import annotations

from typing import Any

from infra.providers.backblaze import rules
from storage_policies.adapters.base import Adapter, of_type, s3_style_cors_rules
from storage_policies.views import (
    BucketView,
    CorsView,
    Finding,
    LifecycleRuleView,
    LifecycleView,
    as_int,
    as_list,
    linked,
)

BUCKET = ("pulumi-python:dynamic/backblaze:Bucket",)
KEY = ("pulumi-python:dynamic/backblaze:ApplicationKey",)
REPLICATION = ("pulumi-python:dynamic/backblaze:Replication",)
REPLICATION_FIX = "keep the component's replica bucket and replication keys (b2ReplicaBucketName); do not widen them"
_METHOD_OF_OPERATION = {operation: method for method, operation in rules.CORS_OPERATIONS.items()}
KEY_FIX = "the app key must be restricted to this stack's bucket with only the app's capabilities (the B2Storage component declares it so)"


class BackblazeAdapter(Adapter):
    provider = "backblaze"

    def buckets(self, resources: list[Any]) -> list[BucketView]:
        replicas = self._linked_urns(resources, "destinationBucketId")
        return [
            self.bucket_view(b, "bucketName", "always", role="replica" if b.urn in replicas else "app")
            for b in of_type(resources, *BUCKET)
        ]

    @staticmethod
    def _linked_urns(resources: list[Any], prop: str) -> set[str]:
        """URNs feeding `prop` of the stack's replication resources (engine property dependencies)."""
        return {r.urn for replication in of_type(resources, *REPLICATION) for r in linked(replication, prop)}

    def replication_findings(self, resources: list[Any], buckets: list[BucketView]) -> list[Finding] | None:
        """Each replication resource must replicate to a bucket this stack declares."""
        configs = of_type(resources, *REPLICATION)
        if not configs:
            return None
        declared = {b.urn for b in buckets}
        return [
            Finding(c.urn, f"replicates to a bucket this stack does not declare; {REPLICATION_FIX}.")
            for c in configs
            if not any(r.urn in declared for r in linked(c, "destinationBucketId"))
        ]

    def cors(self, resources: list[Any]) -> list[CorsView]:
        return [
            CorsView(
                b.urn,
                b.urn,
                # An operation that is not an S3 method (b2_download_file_by_name, …) is shown
                # by its own name, so the methods rule reports it.
                s3_style_cors_rules(b.props.get("corsRules"), "allowedOperations", lambda op: _METHOD_OF_OPERATION.get(op, op)),
            )
            for b in of_type(resources, *BUCKET)
        ]

    def lifecycles(self, resources: list[Any]) -> list[LifecycleView]:
        """A file counts as expired when B2 hides it: the app no longer sees it then, and B2
        deletes it `daysFromHidingToDeleting` later (one day for the soft-delete rule)."""
        views = []
        for bucket in of_type(resources, *BUCKET):
            view_rules = tuple(
                LifecycleRuleView(
                    rule_id=str(rule.get("fileNamePrefix") or "(whole bucket)"),
                    enabled=True,  # B2 rules have no switch: a declared rule is in force
                    prefix=str(rule.get("fileNamePrefix") or ""),
                    expire_days=as_int(rule.get(rules.HIDE_AFTER)),
                    abort_multipart_days=as_int(rule.get(rules.CANCEL_LARGE_FILES_AFTER)),
                )
                for rule in as_list(bucket.props.get("lifecycleRules"))
            )
            # B2 refuses overlapping rules (infra/providers/backblaze/rules.py), so there is no
            # whole-bucket rule to abort uploads: each rule must.
            views.append(LifecycleView(bucket.urn, bucket.urn, view_rules, rules_may_overlap=False))
        return views

    def public_access_findings(self, resources: list[Any], buckets: list[BucketView]) -> list[Finding]:
        return [
            Finding(
                b.urn,
                f"bucket type {b.props.get('bucketType')!r} is not {rules.BUCKET_TYPE!r}; "
                "B2 buckets must be private (files go out through signed URLs).",
            )
            for b in of_type(resources, *BUCKET)
            if b.props.get("bucketType") != rules.BUCKET_TYPE
        ]

    def encryption_findings(self, resources: list[Any], buckets: list[BucketView]) -> list[Finding]:
        wanted = rules.SSE_B2["mode"]
        findings = []
        for b in of_type(resources, *BUCKET):
            mode = (b.props.get("defaultServerSideEncryption") or {}).get("mode")
            if mode != wanted:
                findings.append(Finding(b.urn, f"default encryption is {mode!r}; B2 buckets must default to {wanted!r}."))
        return findings

    def credential_findings(self, resources: list[Any], buckets: list[BucketView]) -> list[Finding]:
        names = {b.name for b in buckets if b.name}
        source_keys = self._linked_urns(resources, "sourceKeyId")
        destination_keys = self._linked_urns(resources, "destinationKeyId")
        findings = []
        for key in of_type(resources, *KEY):
            allowed, fix = rules.APP_CAPABILITIES, KEY_FIX
            if key.urn in source_keys:
                allowed, fix = rules.REPLICATION_SOURCE_CAPABILITIES, REPLICATION_FIX
            elif key.urn in destination_keys:
                allowed, fix = rules.REPLICATION_DESTINATION_CAPABILITIES, REPLICATION_FIX
            bucket = key.props.get("bucketName")
            if not bucket:
                findings.append(Finding(key.urn, f"the B2 key is not restricted to a bucket, so it reaches every bucket in the account; {KEY_FIX}."))
            elif bucket not in names:
                findings.append(Finding(key.urn, f"the B2 key is restricted to bucket {bucket!r}, which is not this stack's bucket; {KEY_FIX}."))
            extra = sorted(set(as_list(key.props.get("capabilities"))) - set(allowed))
            if extra:
                findings.append(Finding(key.urn, f"the B2 key has capabilities its job does not need ({', '.join(extra)}); {fix}."))
        return findings
