"""The named policies. Names are stable: teams reference them in policy config."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from pulumi_policy import EnforcementLevel, ReportViolation, StackValidationArgs, StackValidationPolicy

from infra.guide.lifecycle import DEFAULT_ABORT_MULTIPART_DAYS, DEFAULT_SOFT_DELETE_DAYS
from storage_policies import checks
from storage_policies.adapters import ADAPTERS
from storage_policies.adapters.base import lifecycles_for
from storage_policies.config import DEFAULT_ORIGIN_PATTERN, days_schema, max_age_schema, origin_schema, setting, with_knob
from storage_policies.views import BucketView, Finding

PACK_NAME = "raptscallions-storage"
MANDATORY = EnforcementLevel.MANDATORY


def _report(findings: Iterable[Finding], report_violation: ReportViolation) -> None:
    for finding in findings:
        report_violation(finding.message, finding.urn)


def _all(args: StackValidationArgs, per_adapter: Callable[[Any, list[Any], list[BucketView]], list[Finding] | None]) -> list[Finding]:
    resources = list(args.resources)
    findings: list[Finding] = []
    applicable = False
    for adapter in ADAPTERS:
        buckets = adapter.buckets(resources)
        if not buckets:
            continue
        result = per_adapter(adapter, resources, buckets)
        if result is not None:
            applicable = True
            findings += result
    if not applicable:
        args.not_applicable("no bucket in this stack has a provider setting for this rule")
    return findings


def _cors_origins(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    config = args.get_config()

    def judge(adapter: Any, resources: list[Any], buckets: list[BucketView]) -> list[Finding]:
        by_urn = {b.urn: b for b in buckets}
        findings = []
        for view in adapter.cors(resources):
            bucket = by_urn.get(view.bucket_urn or "")
            environment = bucket.environment if bucket else ""
            production = bucket.is_production if bucket else True
            pattern = setting(config, environment, "allowedOriginPattern", DEFAULT_ORIGIN_PATTERN)
            for finding in checks.cors_origin_findings(view, production, pattern):
                lifted = "allowed origin pattern" in finding.message  # the team's pattern refused it, not the guide
                findings.append(with_knob(finding, ORIGINS, "allowedOriginPattern", environment) if lifted else finding)
        return findings

    _report(_all(args, judge), report_violation)


def _cors_methods(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    _report(_all(args, lambda a, res, b: [f for v in a.cors(res) for f in checks.cors_method_findings(v)]), report_violation)


def _cors_headers(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    _report(_all(args, lambda a, res, b: [f for v in a.cors(res) for f in checks.cors_header_findings(v)]), report_violation)


def _lifecycle(name: str, rule: Callable[[BucketView, list[Any], int], list[Finding]], default_days: int):
    def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
        config = args.get_config()

        def judge(adapter: Any, resources: list[Any], buckets: list[BucketView]) -> list[Finding]:
            views = adapter.lifecycles(resources)
            return [
                with_knob(finding, name, "maxDays", bucket.environment)
                for bucket in buckets
                if bucket.is_app
                for finding in rule(bucket, lifecycles_for(bucket, views), setting(config, bucket.environment, "maxDays", default_days))
            ]

        _report(_all(args, judge), report_violation)

    return validate


def _blanket_expiry(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    _report(_all(args, lambda a, res, b: checks.blanket_expiry_findings(a.lifecycles(res))), report_violation)


def _per_bucket(rule: Callable[[BucketView], list[Finding]]):
    def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
        _report(_all(args, lambda a, res, buckets: [f for b in buckets for f in rule(b)]), report_violation)

    return validate


def _versioning(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    resources = list(args.resources)
    buckets = [b for adapter in ADAPTERS for b in adapter.buckets(resources) if b.role != "access-logs"]
    if buckets and all(b.versioning == "unavailable" for b in buckets):
        args.not_applicable("the provider has no object versioning (Cloudflare R2)")
    _report((f for b in buckets for f in checks.versioning_findings(b)), report_violation)


def _adapter_rule(method: str):
    def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
        _report(_all(args, lambda adapter, res, buckets: getattr(adapter, method)(res, buckets)), report_violation)

    return validate


def _access_logging(production: bool):
    """Server access logging of app buckets: one rule, judged on production buckets by the
    mandatory policy and on the others by the advisory one (a policy has one level)."""

    def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
        def judge(adapter: Any, resources: list[Any], buckets: list[BucketView]) -> list[Finding] | None:
            findings = adapter.access_logging_findings(resources, buckets)
            if findings is None or not any(b.is_production == production for b in buckets):
                return None
            by_urn = {b.urn: b for b in buckets}
            return [f for f in findings if f.urn in by_urn and by_urn[f.urn].is_production == production]

        _report(_all(args, judge), report_violation)

    return validate


COMPONENT_PREFIX = "raptscallions:storage:"
ORIGINS = "storage-cors-origins"
SOFT_DELETE = "storage-lifecycle-soft-delete"
ABORT_MULTIPART = "storage-lifecycle-abort-multipart"
CREDENTIAL_AGE = "storage-credential-age"
DEFAULT_CREDENTIAL_MAX_AGE_DAYS = 90


def _credential_age(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    """Judged on the storage components, which record the active generation's name."""
    config = args.get_config()
    today = datetime.now(UTC).date()
    components = [r for r in args.resources if r.resource_type.startswith(COMPONENT_PREFIX)]
    dated = [c for c in components if checks.generation_date(str(c.props.get("activeCredential") or ""))]
    if not dated:
        args.not_applicable("no active credential generation is named by a date (e.g. 2026-11)")
    for component in dated:
        environment = str(component.props.get("environment") or "")
        max_days = setting(config, environment, "maxAgeDays", DEFAULT_CREDENTIAL_MAX_AGE_DAYS)
        findings = checks.credential_age_findings(component.urn, str(component.props["activeCredential"]), max_days, today)
        _report((with_knob(f, CREDENTIAL_AGE, "maxAgeDays", environment) for f in findings), report_violation)


def _policy(name: str, description: str, validate: Any, level: EnforcementLevel = MANDATORY, schema: Any = None) -> StackValidationPolicy:
    return StackValidationPolicy(name=name, description=description, validate=validate, enforcement_level=level, config_schema=schema)


POLICIES: list[StackValidationPolicy] = [
    _policy(
        ORIGINS,
        "CORS allows only origins exactly as browsers send them: https, no '*' or wildcard (http://localhost outside prod only).",
        _cors_origins,
        schema=origin_schema(),
    ),
    _policy("storage-cors-methods", "CORS allows only the methods the app uses (GET, PUT, HEAD).", _cors_methods),
    _policy(
        "storage-cors-headers",
        "CORS lets the browser's signed PUT through its preflight: Content-Type is allowed, by name where the provider may take '*' literally (R2).",
        _cors_headers,
    ),
    _policy(
        SOFT_DELETE,
        f"Soft-deleted files (the soft-delete prefix) expire within the configured days (default {DEFAULT_SOFT_DELETE_DAYS}).",
        _lifecycle(SOFT_DELETE, checks.soft_delete_findings, DEFAULT_SOFT_DELETE_DAYS),
        schema=days_schema(DEFAULT_SOFT_DELETE_DAYS, "soft-deleted files may be kept"),
    ),
    _policy(
        ABORT_MULTIPART,
        f"Incomplete multipart uploads are aborted within the configured days (default {DEFAULT_ABORT_MULTIPART_DAYS}).",
        _lifecycle(ABORT_MULTIPART, checks.abort_multipart_findings, DEFAULT_ABORT_MULTIPART_DAYS),
        schema=days_schema(DEFAULT_ABORT_MULTIPART_DAYS, "an unfinished upload may linger"),
    ),
    _policy(
        "storage-lifecycle-no-blanket-expiry",
        "No lifecycle rule expires objects across the whole bucket (only under the soft-delete prefix).",
        _blanket_expiry,
    ),
    _policy("storage-versioning", "Versioning is on where the provider supports it (R2: not applicable).", _versioning),
    _policy("storage-no-public-access", "Buckets are private: no public ACL, no public policy, public access blocked.", _adapter_rule("public_access_findings")),
    _policy("storage-encryption-at-rest", "Default encryption at rest where the provider has a switch (AWS, B2).", _adapter_rule("encryption_findings")),
    _policy(
        "storage-access-logging",
        "Production buckets write server access logs to a separate private log bucket where the provider has a switch (AWS, Spaces).",
        _access_logging(production=True),
    ),
    _policy(
        "storage-access-logging-nonprod",
        "Non-production buckets write server access logs where the provider has a switch (AWS, Spaces; advisory).",
        _access_logging(production=False),
        level=EnforcementLevel.ADVISORY,
    ),
    _policy(
        "storage-replication",
        "A configured replica is in the stack and versioned, and its role holds exactly S3 replication's permissions on the two buckets (AWS).",
        _adapter_rule("replication_findings"),
    ),
    _policy("storage-tls-only", "AWS buckets deny requests that do not use TLS.", _adapter_rule("tls_findings")),
    _policy(
        "storage-credential-least-privilege",
        "The app credential holds only the guide's permissions, on this stack's bucket only.",
        _adapter_rule("credential_findings"),
    ),
    _policy("storage-bucket-protected", "Production buckets are protected from deletion (`protect`).", _per_bucket(checks.protection_findings)),
    _policy(
        CREDENTIAL_AGE,
        f"The app credential in use is rotated within the configured days (default {DEFAULT_CREDENTIAL_MAX_AGE_DAYS}), dated by its generation name (advisory).",
        _credential_age,
        level=EnforcementLevel.ADVISORY,
        schema=max_age_schema(DEFAULT_CREDENTIAL_MAX_AGE_DAYS),
    ),
    _policy("storage-tags", "Buckets carry tags (advisory).", _per_bucket(checks.tag_findings), level=EnforcementLevel.ADVISORY),
]
