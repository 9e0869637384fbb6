"""Backblaze B2 rules: names, regions and the S3 endpoint. No SDK import."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from infra.guide.cors import CorsRule
from infra.guide.lifecycle import LifecyclePolicy, soft_delete_prefix_problem
from infra.providers.backblaze import rules
from infra.providers.backblaze.regions import B2_REGIONS
from infra.providers.backblaze.regions import SOURCE as REGIONS_SOURCE
from infra.providers.known_names import unknown_name_problem
from infra.providers.spec import Location, ProviderSpec, VersioningSupport
from infra.settings.keys import B2_APP_PREFIXES as APP_PREFIXES
from infra.settings.keys import B2_BUCKET_ID as BUCKET_ID
from infra.settings.keys import B2_OBJECT_LOCK as OBJECT_LOCK
from infra.settings.keys import B2_REPLICA_BUCKET as REPLICA_BUCKET
from infra.settings.keys import CORS_EXPOSE, CORS_HEADERS, CORS_ORIGINS
from infra.settings.problems import Report

_BUCKET_ID = re.compile(r"[0-9a-f]{24}")
_NAME = re.compile(r"[a-z0-9][a-z0-9-]*[a-z0-9]")


def endpoint_for(region: str) -> str:
    """The account's S3-compatible endpoint for a B2 region."""
    return f"https://s3.{region}.backblazeb2.com"


def _unknown_region(region: str) -> str:
    return unknown_name_problem(region, B2_REGIONS, "a Backblaze B2 region", REGIONS_SOURCE)


def region_of_endpoint(endpoint: str) -> str | None:
    """`us-west-004` from `https://s3.us-west-004.backblazeb2.com`, else None."""
    host = urlsplit(endpoint).hostname or ""
    match = re.fullmatch(r"s3\.([a-z]{2}-[a-z]+-\d{3})\.backblazeb2\.com", host)
    if not match or urlsplit(endpoint).scheme != "https" or urlsplit(endpoint).path not in ("", "/"):
        return None
    return match.group(1)


_HOST_REGION = re.compile(r"(?:^|\.)s3\.([a-z]{2}-[a-z]+-\d{3})\.backblazeb2\.com")
"""The region in a B2 S3 host: `s3.us-west-004.backblazeb2.com` or a bucket's `<bucket>.s3.us-west-004...`."""


@dataclass(frozen=True)
class BackblazeOptions:
    """B2-only settings."""

    object_lock: bool = False
    """Object Lock (file retention) on the bucket, set at creation; the guide's optional compliance step."""
    bucket_id: str = ""
    """The ID of a bucket made by hand, to adopt it: B2 looks buckets up by ID, not by name."""
    replica_bucket: str = ""
    """A second bucket, in the same account, that B2 Cloud Replication copies every file to; empty: none."""
    app_prefixes: tuple[str, ...] = ()
    """The app's top-level folders besides the soft-delete one: one B2 lifecycle rule each (rules.py)."""


def _app_prefixes(listed: list[str], report: Report) -> tuple[str, ...]:
    """`b2AppPrefixes` as folder prefixes, each problem reported (an empty one would be a
    whole-bucket rule, which overlaps the soft-delete rule)."""
    prefixes = []
    for prefix in listed:
        problem = (
            "would be a whole-bucket rule, which overlaps every other rule (B2 refuses that)"
            if not prefix.strip()
            else soft_delete_prefix_problem(prefix)
        )
        if problem:
            report.problem(APP_PREFIXES.name, f"{prefix!r} {problem}; list top-level folders such as uploads/")
        elif prefix not in prefixes:
            prefixes.append(prefix)
    return tuple(prefixes)


class BackblazeSpec(ProviderSpec):
    name = "backblaze"
    display_name = "Backblaze B2"
    component = "infra.providers.backblaze.component:B2Storage"
    versioning = VersioningSupport.ALWAYS
    bucket_types = ("pulumi-python:dynamic/backblaze:Bucket",)
    credential_types = ("pulumi-python:dynamic/backblaze:ApplicationKey",)
    ignored_settings = {"tags": "this package applies tags to no B2 bucket or key"}
    credential_env = ("B2_APPLICATION_KEY_ID", "B2_APPLICATION_KEY")
    credential_note = "read by this package's dynamic provider (no Pulumi plugin): B2_APPLICATION_KEY_ID + B2_APPLICATION_KEY"
    endpoint_host_suffix = ".backblazeb2.com"

    def endpoint_region(self, host: str) -> str | None:
        match = _HOST_REGION.search(host)
        return match.group(1) if match and match.end() == len(host) else None

    def parse_options(self, values: Mapping[str, Any], report: Report) -> BackblazeOptions:
        bucket_id = str(values.get(BUCKET_ID.name) or "").strip()
        if bucket_id and not _BUCKET_ID.fullmatch(bucket_id):
            report.problem(BUCKET_ID.name, f"{bucket_id!r} is not a B2 bucket ID (24 lowercase hex characters, e.g. 4a48fe8875c6214145260818)")
            bucket_id = ""
        replica = str(values.get(REPLICA_BUCKET.name) or "").strip()
        problem = self.bucket_name_problem(replica) if replica else None
        if problem:
            report.problem(REPLICA_BUCKET.name, f"{replica!r} {problem}; leave it empty for no replica")
            replica = ""
        return BackblazeOptions(
            object_lock=bool(values.get(OBJECT_LOCK.name)),
            bucket_id=bucket_id,
            replica_bucket=replica,
            app_prefixes=_app_prefixes(values.get(APP_PREFIXES.name) or [], report),
        )

    def check_cors(self, cors: CorsRule, options: BackblazeOptions, report: Report) -> None:
        """What B2's CORS rules page refuses that other providers take: '*' beside other allowed
        headers or inside a name, wildcard expose headers, a rule of 1,000 bytes or more."""
        b2 = " (Backblaze's CORS rules page)"
        headers = cors.allowed_headers
        if "*" in headers and len(headers) > 1:
            report.problem(CORS_HEADERS.name, f"lists '*' beside other headers; B2 takes '*' only as the only entry{b2}: use [\"*\"]")
        for header in (h for h in headers if "*" in h[:-1]):
            report.problem(CORS_HEADERS.name, f"{header!r}: B2 takes a '*' only at the end of a header name{b2}")
        for header in (h for h in cors.expose_headers if "*" in h):
            report.problem(CORS_EXPOSE.name, f"{header!r}: B2 exposes only complete header names{b2}, e.g. ETag")
        size = rules.cors_rule_bytes(rules.cors_rules(cors)[0])
        if size > rules.MAX_CORS_RULE_BYTES:
            report.problem(
                CORS_ORIGINS.name,
                f"make the B2 CORS rule {size} bytes long; B2 takes rules under 1000 bytes{b2}: list fewer origins",
            )

    def check_lifecycle(self, lifecycle: LifecyclePolicy, options: BackblazeOptions, report: Report) -> None:
        """The app folders' rules must fit beside the soft-delete rule: B2 refuses two rules
        that apply to the same files and more than 100 rules (rules.py, module docstring)."""
        prefixes = options.app_prefixes
        soft = lifecycle.soft_delete_prefix
        for first, second in rules.overlapping_prefixes((soft, *prefixes)):
            if first != soft:
                clash = f"{first!r} and {second!r} overlap (one contains the other)"
            elif second.startswith(soft):
                clash = f"{second!r} is inside softDeletePrefix {soft!r}"
            else:
                clash = f"{second!r} contains softDeletePrefix {soft!r}"
            report.problem(
                APP_PREFIXES.name,
                f"{clash}: B2 refuses two lifecycle rules that apply to the same files; list only top-level folders "
                "that contain neither each other nor the soft-delete folder",
            )
        if len(prefixes) + 1 > rules.MAX_LIFECYCLE_RULES:
            report.problem(
                APP_PREFIXES.name,
                f"lists {len(prefixes)} folders; B2 takes at most {rules.MAX_LIFECYCLE_RULES} lifecycle rules a bucket, one of "
                f"them the soft-delete rule, so list at most {rules.MAX_LIFECYCLE_RULES - 1} (group folders under fewer top-level ones)",
            )
        if not prefixes:
            report.warn(
                f"b2AppPrefixes is empty: B2 lifecycle rules may not overlap the soft-delete rule, so old versions and "
                f"unfinished uploads outside {lifecycle.soft_delete_prefix!r} are kept (and billed) until deleted by hand; "
                "list the app's top-level folders in b2AppPrefixes, e.g. [uploads/] (docs/providers/backblaze.md, \"Versions and lifecycle rules\")"
            )

    def check_bucket_pair(self, bucket: str, options: BackblazeOptions, report: Report) -> None:
        """The replica must be another bucket: B2 cannot replicate a bucket into itself."""
        if options.replica_bucket and options.replica_bucket == bucket:
            report.problem(
                REPLICA_BUCKET.name,
                f"is {bucket!r}, the bucket's own name; name a second bucket, e.g. {bucket}-replica, or leave it empty",
            )

    def check_adoption(self, options: BackblazeOptions, report: Report) -> None:
        if not options.bucket_id:
            report.missing(
                BUCKET_ID.name,
                "is required with adoptExistingBucket: B2 finds a bucket by its ID; copy the Bucket ID shown "
                "under Buckets in the B2 web console (or from `b2 bucket get <name>`)",
            )

    def bucket_import_id(self, bucket: str, region: str, options: Any) -> None:
        """None: B2 adopts inside its dynamic provider's `create` (backblaze/dynamic.py), not by import."""
        return None

    def adoption_warning(self, bucket: str, region: str, options: BackblazeOptions) -> str:
        """B2 adopts inside its dynamic provider's `create` (see backblaze/bucket_provider.py), not by import."""
        return (
            f"adoptExistingBucket is on: `pulumi up` takes over the existing B2 bucket {options.bucket_id} "
            f"({BUCKET_ID.name}) instead of creating one, once it has checked that the bucket is in the deploying "
            f"key's account and named {bucket!r}; the preview shows it as `+ create`. Once the bucket is in the "
            "stack's state the setting is ignored (docs/operations.md, \"Adopting a bucket made by hand\")"
        )

    def bucket_name_problem(self, name: str) -> str | None:
        if not 6 <= len(name) <= 63:
            return f"must be 6-63 characters long for Backblaze B2 ({len(name)} given)"
        if name.startswith("b2-"):
            return "must not start with 'b2-' (reserved by Backblaze)"
        if not _NAME.fullmatch(name):
            return (
                "may contain only lowercase letters, digits and hyphens, starting and ending with a letter or "
                "digit (B2 allows capitals, but S3 clients need lowercase)"
            )
        return None

    def resolve_location(self, region: str, endpoint: str, options: Any, report: Report) -> Location | None:
        """Region and endpoint may be left unset: the account's authorization tells them at deploy time."""
        if region and region not in B2_REGIONS:
            report.problem("region", _unknown_region(region))
            if endpoint and region_of_endpoint(endpoint) is None:
                report.problem("endpoint", f"{endpoint!r} is not a B2 S3 endpoint such as https://s3.us-west-004.backblazeb2.com")
            return None
        if endpoint:
            endpoint_region = region_of_endpoint(endpoint)
            if endpoint_region is None:
                report.problem("endpoint", f"{endpoint!r} is not a B2 S3 endpoint such as https://s3.us-west-004.backblazeb2.com")
                return None
            if endpoint_region not in B2_REGIONS:
                report.problem("endpoint", f"{endpoint!r}: {_unknown_region(endpoint_region)}")
                return None
            if region and endpoint_region != region:
                report.problem("endpoint", f"names region {endpoint_region!r} but region is {region!r}; make them the same")
                return None
            region = region or endpoint_region
        return Location(region=region, endpoint=endpoint_for(region) if region else None)
