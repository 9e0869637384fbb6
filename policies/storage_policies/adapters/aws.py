"""AWS S3 and IAM resources as the policies see them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from infra.guide.permissions import APP_ACTIONS, KMS_ACTIONS, bucket_arn, objects_arn
from storage_policies.adapters.base import (
    Adapter,
    bucket_urn_of,
    of_type,
    policy_statements,
    public_policy_findings,
    s3_style_cors_rules,
)
from storage_policies.views import (
    BucketView,
    CorsView,
    Finding,
    LifecycleRuleView,
    LifecycleView,
    as_int,
    as_list,
)

BUCKET_TYPES = ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2")
VERSIONING = ("aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketVersioningV2:BucketVersioningV2")
CORS = ("aws:s3/bucketCorsConfiguration:BucketCorsConfiguration", "aws:s3/bucketCorsConfigurationV2:BucketCorsConfigurationV2")
LIFECYCLE = (
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2",
)
PUBLIC_ACCESS_BLOCK = ("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",)
ACL = ("aws:s3/bucketAcl:BucketAcl", "aws:s3/bucketAclV2:BucketAclV2")
BUCKET_POLICY = ("aws:s3/bucketPolicy:BucketPolicy",)
ENCRYPTION = (
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
)
INLINE_POLICIES = (
    "aws:iam/userPolicy:UserPolicy",
    "aws:iam/policy:Policy",
    "aws:iam/rolePolicy:RolePolicy",
    "aws:iam/groupPolicy:GroupPolicy",
)
ATTACHMENTS = (
    "aws:iam/userPolicyAttachment:UserPolicyAttachment",
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
    "aws:iam/policyAttachment:PolicyAttachment",
)
PUBLIC_ACLS = frozenset({"public-read", "public-read-write", "authenticated-read"})
PAB_FLAGS = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
PERMISSIONS_FIX = "the app credential may hold only the guide's permissions on this stack's bucket"


class AwsAdapter(Adapter):
    provider = "aws"

    def buckets(self, resources: list[Any]) -> list[BucketView]:
        views = []
        for bucket in of_type(resources, *BUCKET_TYPES):
            tags = bucket.props.get("tags") or {}
            enabled = any(
                (r.props.get("versioningConfiguration") or {}).get("status") == "Enabled"
                for r in self._children(resources, VERSIONING, bucket)
            )
            views.append(self.bucket_view(bucket, "bucket", "enabled" if enabled else "disabled", dict(tags)))
        return views

    def cors(self, resources: list[Any]) -> list[CorsView]:
        return [
            CorsView(
                urn=r.urn,
                bucket_urn=self._bucket_urn(resources, r),
                rules=s3_style_cors_rules(r.props.get("corsRules")),
            )
            for r in of_type(resources, *CORS)
        ]

    def lifecycles(self, resources: list[Any]) -> list[LifecycleView]:
        views = []
        for r in of_type(resources, *LIFECYCLE):
            rules = []
            for rule in as_list(r.props.get("rules")):
                filter_ = rule.get("filter") or {}
                prefix = filter_.get("prefix") or (filter_.get("and") or {}).get("prefix") or rule.get("prefix") or ""
                expiration = rule.get("expiration") or {}
                abort = rule.get("abortIncompleteMultipartUpload") or {}
                rules.append(
                    LifecycleRuleView(
                        rule_id=str(rule.get("id", "")),
                        enabled=rule.get("status") == "Enabled",
                        prefix=prefix,
                        expire_days=as_int(expiration.get("days")),
                        abort_multipart_days=as_int(abort.get("daysAfterInitiation")),
                    )
                )
            views.append(LifecycleView(r.urn, self._bucket_urn(resources, r), tuple(rules)))
        return views

    def public_access_findings(self, resources: list[Any], buckets: list[BucketView]) -> list[Finding]:
        findings = []
        for bucket in buckets:
            blocks = self._children(resources, PUBLIC_ACCESS_BLOCK, self._by_urn(resources, bucket.urn))
            if not any(all(b.props.get(flag) is True for flag in PAB_FLAGS) for b in blocks):
                findings.append(
                    Finding(bucket.urn, "the bucket needs a public access block with all four settings on (the component declares one).")
                )
        for r in of_type(resources, *BUCKET_TYPES) + of_type(resources, *ACL):
            acl = r.props.get("acl")
            if acl in PUBLIC_ACLS:
                findings.append(Finding(r.urn, f"canned ACL {acl!r} makes objects public; files are served through signed URLs only."))
        return findings + public_policy_findings(of_type(resources, *BUCKET_POLICY))

    def encryption_findings(self, resources: list[Any], buckets: list[BucketView]) -> list[Finding]:
        findings = []
        for bucket in buckets:
            configs = self._children(resources, ENCRYPTION, self._by_urn(resources, bucket.urn))
            algorithms = [
                ((rule.get("applyServerSideEncryptionByDefault") or {}).get("sseAlgorithm"))
                for c in configs
                for rule in as_list(c.props.get("rules"))
            ]
            if not any(a in ("AES256", "aws:kms", "aws:kms:dsse") for a in algorithms):
                findings.append(Finding(bucket.urn, "the bucket has no default encryption (SSE-S3 or SSE-KMS); the component declares it."))
        return findings

    def tls_findings(self, resources: list[Any], buckets: list[BucketView]) -> list[Finding]:
        findings = []
        for bucket in buckets:
            policies = self._children(resources, BUCKET_POLICY, self._by_urn(resources, bucket.urn))
            if not any(_denies_insecure_transport(s) for p in policies for s in policy_statements(p.props.get("policy"))):
                findings.append(
                    Finding(bucket.urn, "no bucket policy denies requests without TLS (aws:SecureTransport = false).")
                )
        return findings

    def credential_findings(self, resources: list[Any], buckets: list[BucketView]) -> list[Finding]:
        allowed_resources = {
            arn
            for b in buckets
            if b.name
            for partition in ("aws", "aws-cn", "aws-us-gov")
            for arn in (bucket_arn(b.name, partition), objects_arn(b.name, partition))
        }
        kms_keys = _bucket_kms_keys(resources)
        findings = [
            Finding(r.urn, f"attaches a managed policy, which cannot be checked; {PERMISSIONS_FIX} (inline).")
            for r in of_type(resources, *ATTACHMENTS)
        ]
        for r in of_type(resources, *INLINE_POLICIES):
            statements = policy_statements(r.props.get("policy"))
            if statements is None:
                findings.append(Finding(r.urn, "the policy document is not valid JSON."))
                continue
            for statement in statements:
                findings += [Finding(r.urn, f"{problem}; {PERMISSIONS_FIX}.") for problem in _statement_problems(statement, allowed_resources, kms_keys)]
        return findings

    @staticmethod
    def _by_urn(resources: list[Any], urn: str) -> Any:
        return next(r for r in resources if r.urn == urn)

    def _bucket_urn(self, resources: list[Any], child: Any) -> str | None:
        return bucket_urn_of(resources, child, "bucket", BUCKET_TYPES, "bucket")

    def _children(self, resources: list[Any], types: tuple[str, ...], bucket: Any) -> list[Any]:
        return [r for r in of_type(resources, *types) if self._bucket_urn(resources, r) == bucket.urn]


def _denies_insecure_transport(statement: Mapping[str, Any]) -> bool:
    condition = statement.get("Condition") or {}
    secure = (condition.get("Bool") or {}).get("aws:SecureTransport")
    return (
        statement.get("Effect") == "Deny"
        and str(secure).lower() == "false"
        and statement.get("Principal") in ("*", {"AWS": "*"})
        and "s3:*" in as_list(statement.get("Action"))
    )


def _bucket_kms_keys(resources: list[Any]) -> set[str]:
    """The KMS keys the stack's buckets encrypt with by default (SSE-KMS): the only keys the app may use."""
    return {
        str(key)
        for config in of_type(resources, *ENCRYPTION)
        for rule in as_list(config.props.get("rules"))
        if (key := (rule.get("applyServerSideEncryptionByDefault") or {}).get("kmsMasterKeyId"))
    }


def _statement_problems(statement: Mapping[str, Any], allowed_resources: set[str], kms_keys: set[str]) -> list[str]:
    """S3 statements: the guide's actions on the bucket; KMS statements: KMS_ACTIONS on the bucket's key."""
    if statement.get("Effect") == "Deny":
        return []
    problems = []
    if "NotAction" in statement or "NotResource" in statement:
        problems.append("a statement uses NotAction/NotResource, which grants everything else")
    actions = [str(a) for a in as_list(statement.get("Action"))]
    is_kms = any(a.lower().startswith("kms:") for a in actions)
    allowed_actions = frozenset(KMS_ACTIONS) if is_kms else APP_ACTIONS
    for action in actions:
        if "*" in action:
            problems.append(f"action {action!r} is a wildcard")
        elif action not in allowed_actions:
            needs = "SSE-KMS needs" if is_kms else "app needs"
            problems.append(f"action {action!r} is not one the {needs} ({', '.join(sorted(allowed_actions))})")
    for resource in (str(r) for r in as_list(statement.get("Resource"))):
        if is_kms and resource not in kms_keys:
            where = f"the bucket's key ({', '.join(sorted(kms_keys))})" if kms_keys else "a key: the bucket uses no KMS key"
            problems.append(f"KMS resource {resource!r} is not {where}")
        elif not is_kms and resource not in allowed_resources:
            problems.append(f"resource {resource!r} is not this stack's bucket or its objects")
    return problems
