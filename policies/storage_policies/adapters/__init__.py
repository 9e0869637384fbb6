"""Per-provider translation of resources into views and provider-only findings."""

from __future__ import annotations

from storage_policies.adapters.aws import AwsAdapter
from storage_policies.adapters.base import Adapter

ADAPTERS: tuple[Adapter, ...] = (AwsAdapter(),)
