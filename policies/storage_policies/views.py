"""Provider-neutral facts about a stack's storage, extracted from resource properties."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from infra.settings.model import PRODUCTION_ENVIRONMENTS


class ResourceLike(Protocol):
    """What a policy sees of a resource (pulumi_policy's PolicyResource fits)."""

    resource_type: str
    props: Mapping[str, Any]
    urn: str
    name: str


@dataclass(frozen=True)
class Finding:
    """One violation: the resource it is about and what to change."""

    urn: str
    message: str


@dataclass(frozen=True)
class BucketView:
    urn: str
    provider: str
    name: str | None
    environment: str
    protected: bool
    tags: Mapping[str, str] | None
    """None where the provider's bucket takes no tags."""
    versioning: str
    """enabled, disabled, always (B2) or unavailable (R2)."""
    role: str = "app"
    """app: the bucket the app stores files in; access-logs: where its access logs are written
    (the app's lifecycle and versioning rules do not apply to it); replica: a replication
    destination (versioned, private and encrypted like the app bucket, but not logged)."""

    @property
    def is_app(self) -> bool:
        return self.role == "app"

    @property
    def is_production(self) -> bool:
        return self.environment in PRODUCTION_ENVIRONMENTS


@dataclass(frozen=True)
class CorsRuleView:
    origins: tuple[str, ...]
    methods: tuple[str, ...]
    headers: tuple[str, ...] = ()
    """The allowed request headers (patterns, `*` as written)."""


@dataclass(frozen=True)
class CorsView:
    urn: str
    bucket_urn: str | None
    rules: tuple[CorsRuleView, ...]
    header_wildcard: bool = True
    """Whether the provider may be trusted to match any request header with `*` (not R2)."""


@dataclass(frozen=True)
class LifecycleRuleView:
    rule_id: str
    enabled: bool
    prefix: str
    """"" when the rule applies to the whole bucket."""
    expire_days: int | None = None
    """Days after which current objects are deleted (or hidden, then deleted)."""
    abort_multipart_days: int | None = None


@dataclass(frozen=True)
class LifecycleView:
    urn: str
    bucket_urn: str | None
    rules: tuple[LifecycleRuleView, ...] = field(default_factory=tuple)
    rules_may_overlap: bool = True
    """False where the provider refuses two rules on the same files (B2): no whole-bucket rule
    can stand beside the soft-delete rule, so each rule must do the bucket-wide work itself."""


def stack_of(urn: str) -> str:
    """The stack name inside a URN (`urn:pulumi:<stack>::<project>::…`)."""
    parts = urn.split(":", 2)
    return parts[2].split("::", 1)[0] if len(parts) == 3 else ""


def environment_of(resource: Any, tags: Mapping[str, Any] | None = None) -> str:
    """The settings' environment: the bucket's `environment` tag, else its storage component's
    `environment` property, else the stack name."""
    if tags and isinstance(tags.get("environment"), str):
        return tags["environment"]
    parent = getattr(resource, "parent", None)
    environment = parent.props.get("environment") if parent is not None else None
    return environment if isinstance(environment, str) and environment else stack_of(resource.urn)


def linked(resource: Any, prop: str) -> list[Any]:
    """Resources whose outputs feed `prop` of `resource` (how a sub-resource names its bucket)."""
    deps = getattr(resource, "property_dependencies", None) or {}
    return list(deps.get(prop, []))


def as_int(value: Any) -> int | None:
    """A day count as an int: the wire format carries every number as a float."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value if isinstance(value, int) else None


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    if isinstance(value, Sequence) and not isinstance(value, (str, bytes)):
        return list(value)
    return [value]
