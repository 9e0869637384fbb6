"""Policy configuration: day limits and the origin pattern, optionally per environment.

Each stack's is `Pulumi.<stack>.policy.json` (infra.project_files.POLICY_CONFIG_FILE),
passed as `pulumi preview --policy-pack policies --policy-pack-config Pulumi.<stack>.policy.json`,
e.g. `{"storage-lifecycle-soft-delete": {"maxDays": 45, "environments": {"dev": {"maxDays": 7}}}}`.
Defaults are the guide's numbers from `infra.guide.lifecycle`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import PolicyConfigSchema

from infra.project_files import policy_config_name
from storage_policies.views import Finding, stack_of


def with_environments(properties: dict[str, Any]) -> PolicyConfigSchema:
    """`properties`, plus `environments`: environment name -> the same properties.

    The engine validates a policy's config against this schema (pulumi/pulumi
    `pkg/resource/analyzer/config.go`, `validatePolicyPackConfig`) but never rejects a property
    the schema does not name at the top level; inside `environments` the schema itself can, so a
    misspelt or out-of-range override stops `pulumi preview` as it stops the offline plan.
    """
    environments = {
        "type": "object",
        "description": "Per-environment overrides: environment name -> the same settings.",
        "additionalProperties": {"type": "object", "properties": dict(properties), "additionalProperties": False},
        "default": {},
    }
    return PolicyConfigSchema(properties={**properties, "environments": environments})


def days_schema(default: int, what: str) -> PolicyConfigSchema:
    return with_environments(
        {"maxDays": {"type": "integer", "minimum": 1, "default": default, "description": f"Most days {what}."}}
    )


def max_age_schema(default: int) -> PolicyConfigSchema:
    return with_environments(
        {"maxAgeDays": {"type": "integer", "minimum": 1, "default": default, "description": "Most days an app credential is used."}}
    )


DEFAULT_ORIGIN_PATTERN = ""
"""No pattern beyond the guide's rule, which settings apply too: exact https origins in
every environment, plus http://localhost outside prod. A team narrows it per environment."""


def origin_schema() -> PolicyConfigSchema:
    return with_environments(
        {
            "allowedOriginPattern": {
                "type": "string",
                "default": DEFAULT_ORIGIN_PATTERN,
                "description": "Regular expression every CORS origin must also match, on top of the guide's rule "
                "(empty: the guide's rule alone).",
            }
        }
    )


def setting(config: Mapping[str, Any] | None, environment: str, name: str, default: Any) -> Any:
    """`name` for `environment`: its override if the config has one, else the pack-wide value."""
    config = config or {}
    overrides = (config.get("environments") or {}).get(environment) or {}
    value = overrides[name] if name in overrides else config.get(name, default)
    if isinstance(value, float) and value.is_integer():
        return int(value)  # numbers arrive over the wire as floats
    return value


def with_knob(finding: Finding, policy: str, name: str, environment: str) -> Finding:
    """`finding`, naming the config property that could lift it and the stack's config file, so
    a refusal a team may deliberately relax says where (the message `pulumi preview` and the
    offline plan print)."""
    where = policy_config_name(stack_of(finding.urn) or "<stack>")
    return Finding(
        finding.urn,
        f"{finding.message} If the team allows it, set {name!r} of policy {policy} in {where} "
        f"(the stack's policy pack config; 'environments.{environment or '<environment>'}.{name}' there for one environment).",
    )
