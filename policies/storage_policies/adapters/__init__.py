"""Per-provider translation of resources into views and provider-only findings."""

from __future__ import annotations

from storage_policies.adapters.aws import AwsAdapter
from storage_policies.adapters.backblaze import BackblazeAdapter
from storage_policies.adapters.base import Adapter
from storage_policies.adapters.cloudflare import CloudflareAdapter
from storage_policies.adapters.digitalocean import DigitalOceanAdapter

ADAPTERS: tuple[Adapter, ...] = (AwsAdapter(), DigitalOceanAdapter(), CloudflareAdapter(), BackblazeAdapter())
