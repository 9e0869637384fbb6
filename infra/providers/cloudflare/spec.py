"""Cloudflare R2 rules: names, the account, jurisdictions and the endpoint. No SDK import."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from infra.providers.cloudflare.regions import HINT_SOURCE, LOCATION_HINTS, REGION_SOURCE, S3_REGION, S3_REGION_ALIASES
from infra.providers.known_names import unknown_name_problem
from infra.providers.spec import Location, ProviderSpec, VersioningSupport, dns_bucket_name_problem
from infra.settings.keys import CLOUDFLARE_ACCOUNT_ID as ACCOUNT_ID
from infra.settings.keys import R2_JURISDICTION as JURISDICTION
from infra.settings.keys import R2_LOCATION_HINT as LOCATION_HINT
from infra.settings.problems import Report

_ACCOUNT = re.compile(r"[0-9a-f]{32}")
_ENDPOINT = re.compile(r"https://[0-9a-f]{32}(\.(eu|fedramp))?\.r2\.cloudflarestorage\.com/?")
JURISDICTIONS = frozenset({"default", "eu", "fedramp"})
REGION = S3_REGION


@dataclass(frozen=True)
class CloudflareOptions:
    """R2-only settings."""

    account_id: str
    jurisdiction: str = "default"
    location_hint: str | None = None


def endpoint_for(account_id: str, jurisdiction: str = "default") -> str:
    """The R2 S3 endpoint; jurisdiction-restricted buckets have their own host."""
    middle = "" if jurisdiction == "default" else f".{jurisdiction}"
    return f"https://{account_id}{middle}.r2.cloudflarestorage.com"


class CloudflareSpec(ProviderSpec):
    name = "cloudflare"
    display_name = "Cloudflare R2"
    component = "infra.providers.cloudflare.component:R2Storage"
    versioning = VersioningSupport.NONE
    bucket_types = ("cloudflare:index/r2Bucket:R2Bucket",)
    credential_types = ("cloudflare:index/accountToken:AccountToken",)
    documented_values = {LOCATION_HINT.name: LOCATION_HINTS, JURISDICTION.name: JURISDICTIONS}
    ignored_settings = {
        "versioning": 'R2 has no object versioning (docs/providers/cloudflare.md, "Gaps")',
        "noncurrentVersionDays": "R2 has no object versioning, so no noncurrent-version rule is declared",
        "tags": "R2 buckets take no tags",
    }
    credential_env = ("CLOUDFLARE_API_TOKEN",)
    credential_note = (
        "at preview already (the plugin refuses a configuration without one of apiToken, apiKey + email or "
        "apiUserServiceKey, pulumi/pulumi-cloudflare#304, and the permission groups are read at preview): "
        "CLOUDFLARE_API_TOKEN"
    )
    plugin_package = "cloudflare"
    endpoint_host_suffix = ".r2.cloudflarestorage.com"

    def bucket_name_problem(self, name: str) -> str | None:
        return dns_bucket_name_problem(name, 3, 63)

    def app_region_problem(self, region: str, host: str) -> str | None:
        """R2's endpoint names the account, not a region: the app's region is `auto`, or the alias
        `us-east-1` R2's S3 API also takes (regions.py, with Cloudflare's words)."""
        if region == REGION or region in S3_REGION_ALIASES:
            return None
        return (
            f"the Cloudflare R2 endpoint {host} names no region; R2's region is {REGION!r} (the guide: "
            f"\"Cloudflare R2 uses auto for the region\"), but the region is {region!r}"
        )

    def parse_options(self, values: Mapping[str, Any], report: Report) -> CloudflareOptions | None:
        account = values.get(ACCOUNT_ID.name) or ""
        hint = values.get(LOCATION_HINT.name) or ""
        jurisdiction = values.get(JURISDICTION.name) or "default"
        ok = True
        if not account:
            report.missing(ACCOUNT_ID.name, "is required for cloudflare: the 32-hex account id from the dashboard URL")
            ok = False
        elif not _ACCOUNT.fullmatch(account):
            report.problem(ACCOUNT_ID.name, f"{account!r} is not an account id (32 lowercase hex characters)")
            ok = False
        if hint and hint not in LOCATION_HINTS:
            report.problem(LOCATION_HINT.name, unknown_name_problem(hint, LOCATION_HINTS, "an R2 location hint", HINT_SOURCE))
            ok = False
        if jurisdiction not in JURISDICTIONS:
            report.problem(JURISDICTION.name, f"{jurisdiction!r} is not one of {', '.join(sorted(JURISDICTIONS))}")
            ok = False
        return CloudflareOptions(account, jurisdiction, hint or None) if ok else None

    def bucket_import_id(self, bucket: str, region: str, options: Any) -> str:
        """`<account_id>/<bucket_name>/<jurisdiction>`, as the Cloudflare provider imports an R2 bucket."""
        return f"{options.account_id}/{bucket}/{options.jurisdiction}"

    def resolve_location(self, region: str, endpoint: str, options: Any, report: Report) -> Location | None:
        ok = True
        if region and region != REGION:
            alias = (
                f"R2's S3 API takes {region!r} as an alias of 'auto', but the app's STORAGE_S3_REGION is written 'auto' "
                "(the guide's value). "
                if region in S3_REGION_ALIASES
                else ""
            )
            report.problem(
                "region",
                unknown_name_problem(
                    region, {REGION}, "an R2 region", REGION_SOURCE,
                    f"{alias}Set region to 'auto' or leave it unset; place the bucket with r2LocationHint "
                    f"({', '.join(sorted(LOCATION_HINTS))}) instead.",
                ),
            )
            ok = False
        if not ok or options is None:
            if endpoint and not _ENDPOINT.fullmatch(endpoint):
                report.problem("endpoint", f"{endpoint!r} is not an R2 endpoint; use {endpoint_for('<account-id>')} or leave it unset")
            return None
        expected = endpoint_for(options.account_id, options.jurisdiction)
        if endpoint and endpoint.rstrip("/") != expected:
            report.problem("endpoint", f"{endpoint!r} does not match the account and jurisdiction; use {expected} or leave it unset")
            return None
        return Location(region=REGION, endpoint=expected)
