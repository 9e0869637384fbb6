"""Cloudflare R2 resources as the policies see them."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

from infra.providers.cloudflare.access import R2_BUCKET_SCOPE, bucket_resource_key
from infra.providers.cloudflare.documents import HEADER_WILDCARD_HONOURED
from storage_policies.adapters.base import Adapter, bucket_urn_of, of_type
from storage_policies.views import (
    BucketView,
    CorsRuleView,
    CorsView,
    Finding,
    LifecycleRuleView,
    LifecycleView,
    as_list,
)

BUCKET = ("cloudflare:index/r2Bucket:R2Bucket",)
CORS = ("cloudflare:index/r2BucketCors:R2BucketCors",)
LIFECYCLE = ("cloudflare:index/r2BucketLifecycle:R2BucketLifecycle",)
MANAGED_DOMAIN = ("cloudflare:index/r2ManagedDomain:R2ManagedDomain",)
CUSTOM_DOMAIN = ("cloudflare:index/r2CustomDomain:R2CustomDomain",)
TOKENS = ("cloudflare:index/accountToken:AccountToken", "cloudflare:index/apiToken:ApiToken")
SECONDS_PER_DAY = 86400
MAX_APP_GROUPS = 2
"""Object read and object write: the two bucket-scoped groups the app needs."""


class CloudflareAdapter(Adapter):
    provider = "cloudflare"

    def buckets(self, resources: list[Any]) -> list[BucketView]:
        return [self.bucket_view(b, "name", "unavailable") for b in of_type(resources, *BUCKET)]

    def cors(self, resources: list[Any]) -> list[CorsView]:
        return [
            CorsView(
                r.urn,
                bucket_urn_of(resources, r, "bucketName", BUCKET, "name"),
                tuple(
                    CorsRuleView(
                        tuple(as_list((rule.get("allowed") or {}).get("origins"))),
                        tuple(as_list((rule.get("allowed") or {}).get("methods"))),
                        tuple(as_list((rule.get("allowed") or {}).get("headers"))),
                    )
                    for rule in as_list(r.props.get("rules"))
                ),
                header_wildcard=HEADER_WILDCARD_HONOURED,
            )
            for r in of_type(resources, *CORS)
        ]

    def lifecycles(self, resources: list[Any]) -> list[LifecycleView]:
        views = []
        for r in of_type(resources, *LIFECYCLE):
            rules = tuple(
                LifecycleRuleView(
                    rule_id=str(rule.get("id", "")),
                    enabled=rule.get("enabled") is True,
                    prefix=(rule.get("conditions") or {}).get("prefix") or "",
                    expire_days=_age_days(rule.get("deleteObjectsTransition")),
                    abort_multipart_days=_age_days(rule.get("abortMultipartUploadsTransition")),
                )
                for rule in as_list(r.props.get("rules"))
            )
            views.append(LifecycleView(r.urn, bucket_urn_of(resources, r, "bucketName", BUCKET, "name"), rules))
        return views

    def public_access_findings(self, resources: list[Any], buckets: list[BucketView]) -> list[Finding]:
        findings = [
            Finding(r.urn, "the r2.dev public URL is enabled; disable it (files go out through signed URLs only).")
            for r in of_type(resources, *MANAGED_DOMAIN)
            if r.props.get("enabled") is True
        ]
        return findings + [
            Finding(r.urn, "a custom domain serves the bucket publicly; remove it (files go out through signed URLs only).")
            for r in of_type(resources, *CUSTOM_DOMAIN)
        ]

    def credential_findings(self, resources: list[Any], buckets: list[BucketView]) -> list[Finding]:
        accounts = {b.urn: r.props.get("accountId") for r in of_type(resources, *BUCKET) for b in buckets if b.urn == r.urn}
        allowed_keys = {
            bucket_resource_key(accounts[b.urn], r.props.get("jurisdiction") or "default", b.name)
            for r in of_type(resources, *BUCKET)
            for b in buckets
            if b.urn == r.urn and b.name and accounts.get(b.urn)
        }
        findings = []
        for token in of_type(resources, *TOKENS):
            for policy in as_list(token.props.get("policies")):
                if policy.get("effect") != "allow":
                    continue
                findings += [Finding(token.urn, f"{p}; the app token may hold only R2 object read/write on this stack's bucket.")
                             for p in _token_policy_problems(policy, allowed_keys)]
        return findings


def _age_days(transition: Any) -> int | None:
    condition = (transition or {}).get("condition") or {}
    if condition.get("type") != "Age" or condition.get("maxAge") is None:
        return None
    return math.ceil(float(condition["maxAge"]) / SECONDS_PER_DAY)


def _token_policy_problems(policy: Mapping[str, Any], allowed_keys: set[str]) -> list[str]:
    problems = []
    resources = policy.get("resources")
    if isinstance(resources, str):
        try:
            resources = json.loads(resources)
        except ValueError:
            return ["the token policy's resources are not valid JSON"]
    for key in (resources or {}):
        if not str(key).startswith(R2_BUCKET_SCOPE + "."):
            problems.append(f"resource {key!r} is not a single R2 bucket")
        elif key not in allowed_keys:
            problems.append(f"resource {key!r} is not this stack's bucket")
    if not resources:
        problems.append("the token policy names no resource")
    groups = {str(g.get("id")) for g in as_list(policy.get("permissionGroups"))}
    if not groups or len(groups) > MAX_APP_GROUPS:
        problems.append(f"the token policy holds {len(groups)} permission groups; the app needs exactly object read and write")
    return problems
