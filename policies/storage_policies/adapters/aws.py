"""AWS S3 and IAM resources as the policies see them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from infra.guide.permissions import APP_ACTIONS, KMS_ACTIONS, bucket_arn, objects_arn
from infra.providers.aws.documents import (
    REPLICATION_REPLICA_OBJECT_ACTIONS,
    REPLICATION_SERVICE,
    REPLICATION_SOURCE_BUCKET_ACTIONS,
    REPLICATION_SOURCE_OBJECT_ACTIONS,
)
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
    linked,
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
REPLICATION = ("aws:s3/bucketReplicationConfig:BucketReplicationConfig",)
ROLE = ("aws:iam/role:Role",)
LOGGING = ("aws:s3/bucketLogging:BucketLogging", "aws:s3/bucketLoggingV2:BucketLoggingV2")
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
LOGGING_FIX = "set raptscallions-storage:accessLogging to true (the component declares the log bucket)"
REPLICATION_FIX = "keep the component's replica and replication role (awsReplicaRegion); do not widen them"
PERMISSIONS_FIX = "the app credential may hold only the guide's permissions on this stack's bucket (the failover credential: on its replica)"


class AwsAdapter(Adapter):
    provider = "aws"

    def buckets(self, resources: list[Any]) -> list[BucketView]:
        views = []
        log_targets = {
            target
            for r in of_type(resources, *LOGGING)
            if (target := self._log_target_urn(resources, r)) != self._bucket_urn(resources, r)
        }
        replicas = {urn for r in of_type(resources, *REPLICATION) for urn in self._replica_urns(resources, r)}
        for bucket in of_type(resources, *BUCKET_TYPES):
            tags = bucket.props.get("tags") or {}
            enabled = any(
                (r.props.get("versioningConfiguration") or {}).get("status") == "Enabled"
                for r in self._children(resources, VERSIONING, bucket)
            )
            role = "access-logs" if bucket.urn in log_targets else "replica" if bucket.urn in replicas else "app"
            views.append(self.bucket_view(bucket, "bucket", "enabled" if enabled else "disabled", dict(tags), role))
        return views

    def access_logging_findings(self, resources: list[Any], buckets: list[BucketView]) -> list[Finding]:
        """App buckets and replicas (the app's bucket during a failover) log into a separate log
        bucket of this stack, in their own region: S3 delivers server access logs only to a bucket
        in the source bucket's region (AWS S3 User Guide, "Enabling Amazon S3 server access logging")."""
        findings = []
        by_urn = {b.urn: b for b in buckets}
        for bucket in buckets:
            if bucket.role not in ("app", "replica"):
                continue
            source = self._by_urn(resources, bucket.urn)
            what = "replica bucket (the app's bucket during a failover)" if bucket.role == "replica" else f"{bucket.environment} bucket"
            targets = [self._log_target_urn(resources, r) for r in self._children(resources, LOGGING, source)]
            separate = [t for t in targets if t in by_urn and t != bucket.urn]
            if not targets:
                findings.append(Finding(bucket.urn, f"the {what} has no server access logging; {LOGGING_FIX}."))
            elif not separate:
                findings.append(
                    Finding(bucket.urn, f"server access logs must go to a separate log bucket declared in this stack; {LOGGING_FIX}.")
                )
            else:
                region = source.props.get("region")
                elsewhere = [
                    t for t in separate if region and (target_region := self._by_urn(resources, t).props.get("region")) and target_region != region
                ]
                if len(elsewhere) == len(separate):
                    findings.append(
                        Finding(
                            bucket.urn,
                            f"the {what} in {region} logs into a bucket in another region, where S3 cannot deliver its "
                            f"access logs (same region only); {LOGGING_FIX}.",
                        )
                    )
        return findings

    def replication_findings(self, resources: list[Any], buckets: list[BucketView]) -> list[Finding] | None:
        """Each replication configuration: a versioned replica in this stack, and a role only S3
        can assume holding exactly the replication actions on exactly the source and the replica."""
        configs = of_type(resources, *REPLICATION)
        if not configs:
            return None
        by_urn = {b.urn: b for b in buckets}
        findings = []
        for config in configs:
            source = by_urn.get(self._bucket_urn(resources, config) or "")
            replicas = [by_urn[u] for u in self._replica_urns(resources, config) if u in by_urn]
            if source is None or not replicas:
                findings.append(Finding(config.urn, f"replicates to a bucket this stack does not declare; {REPLICATION_FIX}."))
                continue
            findings += [
                Finding(r.urn, f"the replica bucket is not versioned (S3 replication needs it); {REPLICATION_FIX}.")
                for r in replicas
                if r.versioning != "enabled"
            ]
            findings += self._role_findings(resources, config, source, replicas)
        return findings

    def _role_findings(self, resources: list[Any], config: Any, source: BucketView, replicas: list[BucketView]) -> list[Finding]:
        roles = [r for r in linked(config, "role") if r.resource_type in ROLE]
        if not roles:
            return [Finding(config.urn, f"the replication role is not declared in this stack, so it cannot be checked; {REPLICATION_FIX}.")]
        allowed = _replication_grants(source.name or "", [r.name or "" for r in replicas])
        findings = []
        for role in roles:
            trust = policy_statements(role.props.get("assumeRolePolicy")) or []
            principals = {str(p) for s in trust if s.get("Effect") == "Allow" for p in as_list((s.get("Principal") or {}).get("Service") if isinstance(s.get("Principal"), Mapping) else s.get("Principal"))}
            if principals != {REPLICATION_SERVICE}:
                findings.append(Finding(role.urn, f"the replication role must be assumable by {REPLICATION_SERVICE} only; {REPLICATION_FIX}."))
            for attached in self._role_resources(resources, role, ATTACHMENTS):
                findings.append(Finding(attached.urn, f"attaches a managed policy to the replication role; {REPLICATION_FIX}."))
            for policy in self._role_resources(resources, role, INLINE_POLICIES):
                for statement in policy_statements(policy.props.get("policy")) or []:
                    findings += [Finding(policy.urn, f"{problem}; {REPLICATION_FIX}.") for problem in _replication_statement_problems(statement, allowed)]
        return findings

    def _role_resources(self, resources: list[Any], role: Any, types: tuple[str, ...]) -> list[Any]:
        return [r for r in of_type(resources, *types) if role in linked(r, "role")]

    def _replication_role_policies(self, resources: list[Any]) -> set[str]:
        """URNs of the inline policies of roles used by replication (judged by storage-replication)."""
        roles = [r for c in of_type(resources, *REPLICATION) for r in linked(c, "role") if r.resource_type in ROLE]
        return {p.urn for role in roles for p in self._role_resources(resources, role, INLINE_POLICIES)}

    def _replica_urns(self, resources: list[Any], config: Any) -> list[str]:
        linked_buckets = [r.urn for r in linked(config, "rules") if r.resource_type in BUCKET_TYPES]
        if linked_buckets:
            return linked_buckets
        arns = {str((rule.get("destination") or {}).get("bucket")) for rule in as_list(config.props.get("rules"))}
        return [b.urn for b in of_type(resources, *BUCKET_TYPES) if any(a.endswith(f":::{b.props.get('bucket')}") for a in arns)]

    def _log_target_urn(self, resources: list[Any], logging: Any) -> str | None:
        return bucket_urn_of(resources, logging, "targetBucket", BUCKET_TYPES, "bucket")

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
        # the app's bucket and the replica (for the failover credential); never a log bucket
        arn_bucket = {
            arn: b.name
            for b in buckets
            if b.name and b.role in ("app", "replica")
            for partition in ("aws", "aws-cn", "aws-us-gov")
            for arn in (bucket_arn(b.name, partition), objects_arn(b.name, partition))
        }
        allowed_resources = set(arn_bucket)
        kms_keys = _bucket_kms_keys(resources)
        findings = [
            Finding(r.urn, f"attaches a managed policy, which cannot be checked; {PERMISSIONS_FIX} (inline).")
            for r in of_type(resources, *ATTACHMENTS)
        ]
        replication_policies = self._replication_role_policies(resources)
        for r in of_type(resources, *INLINE_POLICIES):
            if r.urn in replication_policies:
                continue
            statements = policy_statements(r.props.get("policy"))
            if statements is None:
                findings.append(Finding(r.urn, "the policy document is not valid JSON."))
                continue
            for statement in statements:
                findings += [Finding(r.urn, f"{problem}; {PERMISSIONS_FIX}.") for problem in _statement_problems(statement, allowed_resources, kms_keys)]
            reached = sorted({
                arn_bucket[str(resource)]
                for statement in statements
                if statement.get("Effect") != "Deny"
                for resource in as_list(statement.get("Resource"))
                if str(resource) in arn_bucket
            })
            if len(reached) > 1:
                findings.append(
                    Finding(
                        r.urn,
                        f"one credential reaches {', '.join(reached)}: each credential holds one bucket (the everyday "
                        f"credential the app's bucket, the failover credential the replica); {PERMISSIONS_FIX}.",
                    )
                )
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


def _replication_grants(source: str, replicas: list[str]) -> set[tuple[str, str]]:
    """(action, resource) pairs S3 replication needs: nothing else is allowed."""
    grants = set()
    for partition in ("aws", "aws-cn", "aws-us-gov"):
        grants |= {(a, bucket_arn(source, partition)) for a in REPLICATION_SOURCE_BUCKET_ACTIONS}
        grants |= {(a, objects_arn(source, partition)) for a in REPLICATION_SOURCE_OBJECT_ACTIONS}
        grants |= {(a, objects_arn(r, partition)) for r in replicas for a in REPLICATION_REPLICA_OBJECT_ACTIONS}
    return grants


def _replication_statement_problems(statement: Mapping[str, Any], allowed: set[tuple[str, str]]) -> list[str]:
    if statement.get("Effect") == "Deny":
        return []
    if "NotAction" in statement or "NotResource" in statement:
        return ["a replication role statement uses NotAction/NotResource, which grants everything else"]
    actions = [str(a) for a in as_list(statement.get("Action"))]
    resources = [str(r) for r in as_list(statement.get("Resource"))]
    return [
        f"the replication role may not {action} on {resource!r} (only the replication actions on the source and the replica)"
        for action in actions
        for resource in resources
        if (action, resource) not in allowed
    ]
