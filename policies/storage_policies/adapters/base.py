"""What every provider adapter offers the policies."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from storage_policies.views import BucketView, CorsView, Finding, LifecycleView


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

    def encryption_findings(self, resources: list[Any], buckets: list[BucketView]) -> list[Finding] | None:
        """None where the provider has no encryption switch (always encrypted, nothing to check)."""
        return None

    def tls_findings(self, resources: list[Any], buckets: list[BucketView]) -> list[Finding] | None:
        """None where the provider serves HTTPS only and has no policy to check."""
        return None


def of_type(resources: list[Any], *types: str) -> list[Any]:
    return [r for r in resources if r.resource_type in types]


def lifecycles_for(bucket: BucketView, views: list[LifecycleView]) -> list[LifecycleView]:
    return [v for v in views if v.bucket_urn == bucket.urn]
