"""Cloudflare R2's region values: the S3 API's one region, and the location hints.

Region. Cloudflare's "S3 API compatibility" page (https://developers.cloudflare.com/r2/api/s3/api/,
"Bucket region"): "When using the S3 API, the region for an R2 bucket is `auto`. For
compatibility with tools that do not allow you to specify a region, an empty value and
`us-east-1` will alias to the `auto` region." So the `region` setting is `auto` or unset, and
the stack exports `STORAGE_S3_REGION=auto` (the guide's value); the aliases are refused rather
than exported, because a reader of `us-east-1` would think the bucket is in AWS's Virginia.

Location hints. Cloudflare's "Data location" page
(https://developers.cloudflare.com/r2/reference/data-location/, "Available hints"): wnam
(Western North America), enam (Eastern North America), weur (Western Europe), eeur (Eastern
Europe), apac (Asia-Pacific), oc (Oceania).

Updating: when either page changes, change the values here (and only here).
"""

from __future__ import annotations

S3_REGION = "auto"
S3_REGION_ALIASES = frozenset({"", "us-east-1"})
"""What R2's S3 API also takes for `auto`; settings refuse them in `region` (see above)."""
LOCATION_HINTS = frozenset({"wnam", "enam", "weur", "eeur", "apac", "oc"})
REGION_SOURCE = "Cloudflare's R2 S3 API compatibility page: the region is auto"
HINT_SOURCE = "Cloudflare's R2 Data location page, listed in infra/providers/cloudflare/regions.py"
