"""Server access logging settings shared by the providers that have a switch (AWS, Spaces).

The keys, the log prefix and the log bucket's name are provider-neutral: both S3 and Spaces
write an app bucket's access logs under `ACCESS_LOG_PREFIX` in `<bucket>-access-logs`, whose
lifecycle expires them after `accessLogDays`. Each provider's component declares its own
resources. No SDK import.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from infra.providers.names import suffixed_name
from infra.settings.keys import ACCESS_LOG_DAYS, ACCESS_LOGGING

ACCESS_LOG_PREFIX = "s3-access/"
"""Where the provider writes the app bucket's access log files in the log bucket; the log
bucket's expiry rule is scoped to it, so no rule ever expires a whole bucket."""
LOG_EXPIRY_RULE_ID = "expire-access-logs"
"""The log bucket's rule expiring log files after `accessLogDays` (under `ACCESS_LOG_PREFIX` only)."""
BUCKET_NAME_LIMIT = 63
"""S3 and Spaces both allow bucket names of at most 63 characters."""


def derived_bucket_name(bucket: str, suffix: str) -> str:
    """`<bucket>-<suffix>`, shortened with a hash of the bucket name past 63 characters."""
    return suffixed_name(bucket, suffix, BUCKET_NAME_LIMIT, trim=".-")


def access_log_bucket_name(bucket: str) -> str:
    """The dedicated bucket receiving the app bucket's server access logs."""
    return derived_bucket_name(bucket, "access-logs")


def parse_access_logging(values: Mapping[str, Any]) -> tuple[bool, int]:
    """(`accessLogging`, `accessLogDays`), each its schema default where unset (the days'
    bounds were checked when the value was converted)."""
    logging = values.get(ACCESS_LOGGING.name)
    days = values.get(ACCESS_LOG_DAYS.name)
    return (
        ACCESS_LOGGING.default if logging is None else bool(logging),
        ACCESS_LOG_DAYS.default if days is None else days,
    )
