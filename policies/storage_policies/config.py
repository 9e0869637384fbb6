"""Policy configuration: day limits and the origin pattern, optionally per environment.

Teams pass it with `pulumi preview --policy-pack policies --policy-pack-config <file>.json`,
e.g. `{"storage-lifecycle-soft-delete": {"maxDays": 30, "environments": {"dev": {"maxDays": 7}}}}`.
Defaults are the guide's numbers from `infra.guide.lifecycle`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import PolicyConfigSchema

ENVIRONMENTS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "Per-environment overrides: environment name -> the same settings.",
    "additionalProperties": {"type": "object"},
    "default": {},
}


def days_schema(default: int, what: str) -> PolicyConfigSchema:
    return PolicyConfigSchema(
        properties={
            "maxDays": {"type": "integer", "minimum": 1, "default": default, "description": f"Most days {what}."},
            "environments": ENVIRONMENTS_SCHEMA,
        }
    )


DEFAULT_ORIGIN_PATTERN = ""
"""No pattern beyond the guide's rule, which settings apply too: exact https origins in
every environment, plus http://localhost outside prod. A team narrows it per environment."""


def origin_schema() -> PolicyConfigSchema:
    return PolicyConfigSchema(
        properties={
            "allowedOriginPattern": {
                "type": "string",
                "default": DEFAULT_ORIGIN_PATTERN,
                "description": "Regular expression every CORS origin must also match, on top of the guide's rule "
                "(empty: the guide's rule alone).",
            },
            "environments": ENVIRONMENTS_SCHEMA,
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
