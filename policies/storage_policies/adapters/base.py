"""What every provider adapter offers the policies."""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from typing import Any

from storage_policies.views import BucketView, CorsRuleView, CorsView, Finding, LifecycleView, as_list, environment_of, linked


class Adapter(ABC):
    """One provider's view of a stack. Methods receive all of the stack's resources."""

    provider: str

    @abstractmethod
    def buckets(self, resources: list[Any]) -> list[BucketView]: ...

    @abstractmethod
    def cors(self, resources: list[Any]) -> list[CorsView]: ...

    @abstractmethod
    def lifecycles(self, resources: list[Any]) -> list[LifecycleView]: ...

    @abstractmethod
    def public_access_findings(self, resources: list[Any], buckets: list[BucketView]) -> list[Finding]: ...

    @abstractmethod
    def credential_findings(self, resources: list[Any], buckets: list[BucketView]) -> list[Finding]: ...

    def bucket_view(
        self, bucket: Any, name_prop: str, versioning: str, tags: Mapping[str, str] | None = None, role: str = "app"
    ) -> BucketView:
        """The facts every provider's bucket gives the same way: urn, environment, protection."""
        return BucketView(
            urn=bucket.urn,
            provider=self.provider,
            name=bucket.props.get(name_prop),
            environment=environment_of(bucket, tags),
            protected=bool(getattr(bucket.opts, "protect", False)),
            tags=tags,
            versioning=versioning,
            role=role,
        )

    def encryption_findings(self, resources: list[Any], buckets: list[BucketView]) -> list[Finding] | None:
        """None where the provider has no encryption switch (always encrypted, nothing to check)."""
        return None

    def access_logging_findings(self, resources: list[Any], buckets: list[BucketView]) -> list[Finding] | None:
        """App buckets without server access logging; None where the provider has no switch."""
        return None

    def replication_findings(self, resources: list[Any], buckets: list[BucketView]) -> list[Finding] | None:
        """None where the stack configures no replication (or the provider has none)."""
        return None

    def tls_findings(self, resources: list[Any], buckets: list[BucketView]) -> list[Finding] | None:
        """None where the provider serves HTTPS only and has no policy to check."""
        return None


def of_type(resources: list[Any], *types: str) -> list[Any]:
    return [r for r in resources if r.resource_type in types]


def lifecycles_for(bucket: BucketView, views: list[LifecycleView]) -> list[LifecycleView]:
    return [v for v in views if v.bucket_urn == bucket.urn]


def bucket_urn_of(resources: list[Any], child: Any, prop: str, bucket_types: tuple[str, ...], name_prop: str) -> str | None:
    """The URN of the bucket a sub-resource configures.

    Preferably from the engine's property dependencies (exact, even when the bucket's
    name is still unknown during preview); else by matching the bucket name.
    """
    for dependency in linked(child, prop):
        if dependency.resource_type in bucket_types:
            return dependency.urn
    name = child.props.get(prop)
    for bucket in of_type(resources, *bucket_types):
        if name is not None and name == bucket.props.get(name_prop):
            return bucket.urn
    return None


def public_policy_findings(policies: list[Any]) -> list[Finding]:
    """Bucket policies (S3 format) with an Allow for everyone."""
    findings = []
    for resource in policies:
        for statement in policy_statements(resource.props.get("policy")) or []:
            principal = statement.get("Principal")
            everyone = principal == "*" or (isinstance(principal, Mapping) and "*" in as_list(principal.get("AWS")))
            if statement.get("Effect") == "Allow" and everyone:
                findings.append(Finding(resource.urn, "the bucket policy allows anyone ('*'); remove public Allow statements."))
    return findings


def policy_statements(document: Any) -> list[Mapping[str, Any]] | None:
    """The statements of a JSON policy (string or object); None when it is not a policy."""
    if isinstance(document, str):
        try:
            document = json.loads(document)
        except ValueError:
            return None
    if not isinstance(document, Mapping):
        return None
    return [s for s in as_list(document.get("Statement")) if isinstance(s, Mapping)]


def s3_style_cors_rules(
    rules: Any, methods_key: str = "allowedMethods", method_of: Callable[[Any], Any] | None = None
) -> tuple[CorsRuleView, ...]:
    """CORS rules shaped like S3's (`allowedOrigins`, `allowedHeaders` and a list of methods
    under `methods_key`), each method read through `method_of` (B2 names its methods as operations)."""
    return tuple(
        CorsRuleView(
            tuple(as_list(rule.get("allowedOrigins"))),
            tuple(method_of(m) if method_of else m for m in as_list(rule.get(methods_key))),
            tuple(as_list(rule.get("allowedHeaders"))),
        )
        for rule in as_list(rules)
    )
