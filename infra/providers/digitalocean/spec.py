"""DigitalOcean Spaces rules: names, datacenter regions, the regional endpoint. No SDK import."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from infra.providers.access_logging import parse_access_logging
from infra.providers.credentials import credential_display_name
from infra.providers.digitalocean.regions import SOURCE as REGIONS_SOURCE
from infra.providers.digitalocean.regions import SPACES_REGIONS
from infra.providers.known_names import unknown_name_problem
from infra.providers.spec import Location, ProviderSpec, VersioningSupport, dns_bucket_name_problem
from infra.settings.model import DEFAULT_CREDENTIAL
from infra.settings.problems import Report

ENDPOINT_SUFFIX = ".digitaloceanspaces.com"

APP_KEY_PERMISSION = "readwrite"
"""The app key's only grant, on its one bucket: objects read, write, delete and list.
Never `fullaccess` (every bucket, bucket administration) and never an all-buckets grant."""


@dataclass(frozen=True)
class SpacesOptions:
    """Spaces-only settings."""

    access_logging: bool
    """Server access logs into `<bucket>-access-logs` (Spaces writes them; the app key cannot read them)."""
    access_log_days: int


def endpoint_for(region: str) -> str:
    """The Spaces S3 endpoint of a datacenter, as the guide writes it."""
    return f"https://{region}{ENDPOINT_SUFFIX}"


def app_key_name(bucket: str, generation: str = DEFAULT_CREDENTIAL) -> str:
    """The app's Spaces access key name, `<bucket>-app` (`<bucket>-app-<generation>` for rotated
    generations), like the AWS user, so it is easy to find."""
    return credential_display_name(bucket, generation)


def _endpoint_region(endpoint: str) -> str | None:
    """`nyc3` from `https://nyc3.digitaloceanspaces.com`, else None."""
    match = re.fullmatch(r"https://([a-z]{3}\d)" + re.escape(ENDPOINT_SUFFIX) + "/?", endpoint)
    return match.group(1) if match else None


_HOST_REGION = re.compile(r"(?:^|\.)([a-z]{3}\d)(?:\.cdn)?" + re.escape(ENDPOINT_SUFFIX))
"""The datacenter in a Spaces host: `nyc3.digitaloceanspaces.com`, a bucket's
`<bucket>.nyc3.digitaloceanspaces.com`, or its CDN `<bucket>.nyc3.cdn.digitaloceanspaces.com`."""


class DigitalOceanSpec(ProviderSpec):
    name = "digitalocean"
    display_name = "DigitalOcean Spaces"
    component = "infra.providers.digitalocean.component:SpacesStorage"
    versioning = VersioningSupport.SWITCH
    bucket_types = ("digitalocean:index/spacesBucket:SpacesBucket",)
    credential_types = ("digitalocean:index/spacesKey:SpacesKey",)
    ignored_settings = {"tags": "Spaces take no tags, so this package applies none"}
    credential_env = ("DIGITALOCEAN_TOKEN", "SPACES_ACCESS_KEY_ID", "SPACES_SECRET_ACCESS_KEY")
    credential_note = (
        "when the plugin calls the APIs: DIGITALOCEAN_TOKEN (the Spaces key) and SPACES_ACCESS_KEY_ID + "
        "SPACES_SECRET_ACCESS_KEY (the Space, its CORS and lifecycle); the plugin requires no key to start"
    )
    plugin_package = "digitalocean"
    endpoint_host_suffix = ENDPOINT_SUFFIX

    def bucket_name_problem(self, name: str) -> str | None:
        return dns_bucket_name_problem(name, 3, 63)

    def endpoint_region(self, host: str) -> str | None:
        match = _HOST_REGION.search(host)
        return match.group(1) if match and match.end() == len(host) else None

    def bucket_import_id(self, bucket: str, region: str, options: Any) -> str:
        """`<region>,<name>`, as the DigitalOcean provider imports a Space."""
        return f"{region},{bucket}"

    def parse_options(self, values: Mapping[str, Any], report: Report) -> SpacesOptions:
        logging, days = parse_access_logging(values)
        return SpacesOptions(access_logging=logging, access_log_days=days)

    def resolve_location(self, region: str, endpoint: str, options: Any, report: Report) -> Location | None:
        if region not in SPACES_REGIONS:
            if not region:
                report.missing("region", "is required for digitalocean: the Spaces datacenter, e.g. nyc3")
            else:
                report.problem(
                    "region", unknown_name_problem(region, SPACES_REGIONS, "a datacenter with DigitalOcean Spaces", REGIONS_SOURCE)
                )
            if endpoint and _endpoint_region(endpoint) is None:
                report.problem("endpoint", f"{endpoint!r} must be a regional Spaces endpoint such as {endpoint_for('nyc3')}")
            return None
        expected = endpoint_for(region)
        if endpoint and endpoint.rstrip("/") != expected:
            host = (urlsplit(endpoint).hostname or "") if "://" in endpoint else ""
            endpoint_region = host[: -len(ENDPOINT_SUFFIX)] if host.endswith(ENDPOINT_SUFFIX) else None
            if endpoint_region and "." not in endpoint_region and endpoint_region != region:
                why = (
                    f"names datacenter {endpoint_region!r} but region is {region!r}; the guide requires the same "
                    f"datacenter in both (use {expected}, or change region)"
                )
            else:
                why = f"must be the regional Spaces endpoint {expected} (no bucket name, path or CDN host)"
            report.problem("endpoint", f"{endpoint!r} {why}")
            return None
        return Location(region=region, endpoint=expected)
