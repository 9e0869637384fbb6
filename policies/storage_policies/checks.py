"""Provider-neutral judgements over views, reading the guide's rules from `infra.guide`."""

from __future__ import annotations

import re
from datetime import date

from infra.guide.cors import APP_METHODS, allowed_headers_problem, origin_problem
from infra.guide.lifecycle import soft_delete_prefix_problem
from storage_policies.views import BucketView, CorsView, Finding, LifecycleView

ORIGINS_FIX = "set raptscallions-storage:corsAllowedOrigins to the app's exact https origins"
METHODS_FIX = f"set raptscallions-storage:corsAllowedMethods to at most {list(APP_METHODS)}"
HEADERS_FIX = 'set raptscallions-storage:corsAllowedHeaders to ["*"] (the guide\'s value) or include "Content-Type"'
NAMED_HEADERS_FIX = (
    'add "Content-Type" to raptscallions-storage:corsAllowedHeaders, or declare the rule through '
    "this package's component, which names the preflight headers beside \"*\""
)


def cors_origin_findings(view: CorsView, production: bool, pattern: str) -> list[Finding]:
    """The guide's origin rule (`origin_problem`, the one settings use too), then the
    team's optional `allowedOriginPattern` on top."""
    try:
        re.compile(pattern)
    except re.error as error:  # the engine checks only that it is a string
        return [Finding(view.urn, f"the allowed origin pattern {pattern!r} is not a valid regular expression ({error}).")]
    findings = []
    for rule in view.rules:
        for origin in rule.origins:
            problem = origin_problem(origin, production=production)
            if problem is None and pattern and not re.search(pattern, origin):
                problem = f"does not match the allowed origin pattern {pattern!r}"
            if problem:
                findings.append(Finding(view.urn, f"CORS origin {origin!r} {problem}; {ORIGINS_FIX}."))
    return findings


def cors_method_findings(view: CorsView) -> list[Finding]:
    findings = []
    for rule in view.rules:
        extra = sorted(set(m.upper() for m in rule.methods) - set(APP_METHODS))
        if extra:
            findings.append(Finding(view.urn, f"CORS allows {', '.join(extra)}, which the app never uses; {METHODS_FIX}."))
    return findings


def cors_header_findings(view: CorsView) -> list[Finding]:
    """Each rule lets the browser's signed PUT through its preflight: judged by the guide's
    `allowed_headers_problem` (the one settings use), with `*` counted only where the
    provider is trusted to honour it (`view.header_wildcard`)."""
    findings = []
    for rule in view.rules:
        problem = allowed_headers_problem(rule.headers, wildcard=view.header_wildcard)
        if problem:
            fix = HEADERS_FIX if view.header_wildcard else NAMED_HEADERS_FIX
            findings.append(Finding(view.urn, f"CORS allowed headers {list(rule.headers)} {problem}; {fix}."))
    return findings


def soft_delete_findings(bucket: BucketView, lifecycles: list[LifecycleView], max_days: int) -> list[Finding]:
    """The bucket must expire a soft-delete folder within `max_days`."""
    rules = [r for view in lifecycles for r in view.rules if r.enabled and r.prefix and r.expire_days is not None]
    if any(soft_delete_prefix_problem(r.prefix) is None and r.expire_days <= max_days for r in rules):
        return []
    found = ", ".join(f"{r.prefix!r} after {r.expire_days} days" for r in rules) or "no prefix expiry rule"
    return [
        Finding(
            bucket.urn,
            f"soft-deleted files must be removed within {max_days} days ({found}); "
            f"set raptscallions-storage:softDeleteDays to at most {max_days}.",
        )
    ]


def abort_multipart_findings(bucket: BucketView, lifecycles: list[LifecycleView], max_days: int) -> list[Finding]:
    """A whole-bucket rule must abort unfinished uploads within `max_days`; where rules may not
    overlap (B2), every rule must (the folders no rule names are the provider's documented gap)."""
    enabled = [r for v in lifecycles for r in v.rules if r.enabled]
    days = [r.abort_multipart_days for r in enabled if r.abort_multipart_days]
    if not all(v.rules_may_overlap for v in lifecycles):
        late = [r.rule_id for r in enabled if not r.abort_multipart_days or r.abort_multipart_days > max_days]
        if enabled and not late:
            return []
        return [
            Finding(
                bucket.urn,
                f"incomplete multipart uploads must be aborted within {max_days} days by every lifecycle rule (this "
                f"provider refuses overlapping rules, so no whole-bucket rule can do it); not by: {', '.join(late) or 'no rule'}; "
                f"set raptscallions-storage:abortIncompleteMultipartDays to at most {max_days}.",
            )
        ]
    if days and min(days) <= max_days and any(r.prefix == "" for r in enabled if r.abort_multipart_days):
        return []
    seen = f"after {min(days)} days" if days else "never"
    return [
        Finding(
            bucket.urn,
            f"incomplete multipart uploads must be aborted within {max_days} days (now: {seen}); "
            f"set raptscallions-storage:abortIncompleteMultipartDays to at most {max_days}.",
        )
    ]


def blanket_expiry_findings(lifecycles: list[LifecycleView]) -> list[Finding]:
    """An expiry rule without a prefix would delete every object in the bucket."""
    return [
        Finding(
            view.urn,
            f"lifecycle rule {rule.rule_id!r} expires objects in the whole bucket; "
            "expiry must be limited to raptscallions-storage:softDeletePrefix (e.g. deleted/).",
        )
        for view in lifecycles
        for rule in view.rules
        if rule.enabled and rule.expire_days is not None and not rule.prefix
    ]


def versioning_findings(bucket: BucketView) -> list[Finding]:
    if bucket.versioning in ("enabled", "always", "unavailable"):
        return []
    return [Finding(bucket.urn, "versioning is off; set raptscallions-storage:versioning to true.")]


def protection_findings(bucket: BucketView) -> list[Finding]:
    if not bucket.is_production or bucket.protected:
        return []
    return [
        Finding(
            bucket.urn,
            f"the {bucket.environment} bucket is not protected from deletion; set raptscallions-storage:protect to true.",
        )
    ]


def tag_findings(bucket: BucketView) -> list[Finding]:
    if bucket.tags is None or bucket.tags:
        return []
    return [Finding(bucket.urn, "the bucket has no tags; set raptscallions-storage:tags (e.g. {team: platform}).")]


ROTATION_FIX = "rotate it as docs/operations.md, \"Rotating the app credential (no downtime)\" says (add a generation, switch, remove the old)"
_GENERATION_DATE = re.compile(r"(\d{4})-(\d{2})(?:-(\d{2}))?")


def generation_date(name: str) -> date | None:
    """The date a generation's name states (`2026-11` is 1 November 2026), or None."""
    match = _GENERATION_DATE.fullmatch(name)
    if not match:
        return None
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3) or 1))
    except ValueError:
        return None


def credential_age_findings(urn: str, active: str, max_days: int, today: date) -> list[Finding]:
    """The active generation, dated by its name, is older than `max_days`."""
    created = generation_date(active)
    if created is None or (today - created).days <= max_days:
        return []
    return [
        Finding(
            urn,
            f"the app credential in use, generation {active!r}, is {(today - created).days} days old "
            f"(more than {max_days}); {ROTATION_FIX}.",
        )
    ]
