"""B2's native rules read back as the guide's intent: test oracles for what the component
declares and what the dynamic providers store (the inverse of infra/providers/backblaze/rules.py).

`lifecycle_policy_of` judges declared rules by meaning: one soft-delete rule (hide, then delete
a day later) and app-folder rules that never hide, all cancelling unfinished large files after
the same days, none overlapping (B2 refuses overlapping rules, so such rules implement nothing).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from infra.guide.cors import CorsRule
from infra.guide.lifecycle import LifecyclePolicy, soft_delete_prefix_problem
from infra.providers.backblaze import rules as b2_rules


def lifecycle_policy_of(rules: Iterable[Mapping[str, Any]] | None) -> LifecyclePolicy | None:
    """The guide policy that B2 `rules` implement, or None when they are not that shape.

    The inverse of `lifecycle_rules`, so a check can judge declared rules by meaning: one
    soft-delete rule (hide, then delete a day later) and app-folder rules that never hide,
    all cancelling unfinished large files after the same days, none overlapping (B2 refuses
    overlapping rules, so such rules implement nothing). `noncurrent_version_days` is what
    the app-folder rules delete hidden versions after; None when there are none.
    """
    normalized = b2_rules.normalized_lifecycle_rules(rules)
    hiding = [rule for rule in normalized if b2_rules.HIDE_AFTER in rule]
    if len(hiding) != 1 or b2_rules.overlapping_prefixes(rule["fileNamePrefix"] for rule in normalized):
        return None
    soft = hiding[0]
    others = [rule for rule in normalized if rule is not soft]
    abort = soft.get(b2_rules.CANCEL_LARGE_FILES_AFTER)
    noncurrent = {rule.get(b2_rules.DELETE_AFTER_HIDING) for rule in others}
    if (
        soft.get(b2_rules.DELETE_AFTER_HIDING) != b2_rules.HIDDEN_TO_DELETED_DAYS
        or abort is None
        or any(rule.get(b2_rules.CANCEL_LARGE_FILES_AFTER) != abort for rule in others)
        or len(noncurrent) > 1
        or soft_delete_prefix_problem(soft["fileNamePrefix"]) is not None
    ):
        return None
    return LifecyclePolicy(
        soft_delete_prefix=soft["fileNamePrefix"],
        soft_delete_days=soft[b2_rules.HIDE_AFTER],
        abort_multipart_days=abort,
        noncurrent_version_days=next(iter(noncurrent), None),
    )


def app_prefixes_of(rules: Iterable[Mapping[str, Any]] | None) -> tuple[str, ...]:
    """The app folders B2 `rules` clean up (every rule's prefix but the soft-delete rule's), sorted."""
    return tuple(rule["fileNamePrefix"] for rule in b2_rules.normalized_lifecycle_rules(rules) if b2_rules.HIDE_AFTER not in rule)


def cors_rule_of(rules: Sequence[Mapping[str, Any]] | None) -> CorsRule | None:
    """The guide CORS rule that B2 `rules` implement, or None (several rules, b2_* operations)."""
    normalized = b2_rules.normalized_cors_rules(rules)
    if len(normalized) != 1:
        return None
    rule = normalized[0]
    methods = {operation: method for method, operation in b2_rules.CORS_OPERATIONS.items()}
    if any(operation not in methods for operation in rule["allowedOperations"]):
        return None
    return CorsRule(
        allowed_origins=tuple(rule["allowedOrigins"]),
        allowed_methods=tuple(methods[operation] for operation in rule["allowedOperations"]),
        allowed_headers=tuple(rule["allowedHeaders"]),
        expose_headers=tuple(rule["exposeHeaders"]),
        max_age_seconds=rule["maxAgeSeconds"],
        rule_id=rule["corsRuleName"],
    )


def capability_problem(capabilities: Iterable[str]) -> str | None:
    """Why a key with `capabilities` is not exactly the app's key, or None."""
    given = set(capabilities)
    missing = sorted(set(b2_rules.APP_CAPABILITIES) - given)
    extra = sorted(given - set(b2_rules.APP_CAPABILITIES))
    problems = []
    if missing:
        problems.append(f"lacks {', '.join(missing)}, which the app needs")
    if extra:
        problems.append(f"also has {', '.join(extra)}, which the app does not need")
    return "; ".join(problems) or None
