"""The guide's lifecycle rules: clean up soft-deleted files, failed uploads, old versions.

`LifecyclePolicy` is the provider-neutral intent; each provider maps it onto its own rules.
"""

from __future__ import annotations

from dataclasses import dataclass

SOFT_DELETE_RULE_ID = "cleanup-soft-deleted"
ABORT_MULTIPART_RULE_ID = "cleanup-incomplete-uploads"
NONCURRENT_RULE_ID = "cleanup-noncurrent-versions"

DEFAULT_SOFT_DELETE_PREFIX = "deleted/"
DEFAULT_SOFT_DELETE_DAYS = 30
DEFAULT_ABORT_MULTIPART_DAYS = 7
DEFAULT_NONCURRENT_VERSION_DAYS = 30
"""The guide's Backblaze advice: keep prior versions for 30 days."""

MAX_DAYS = 36500
"""A hundred years: anything longer is a typo, not a retention policy."""


@dataclass(frozen=True)
class LifecyclePolicy:
    """What the bucket cleans up by itself, and after how many days."""

    soft_delete_prefix: str = DEFAULT_SOFT_DELETE_PREFIX
    soft_delete_days: int = DEFAULT_SOFT_DELETE_DAYS
    abort_multipart_days: int = DEFAULT_ABORT_MULTIPART_DAYS
    noncurrent_version_days: int | None = DEFAULT_NONCURRENT_VERSION_DAYS
    """None when the bucket keeps no old versions to clean up."""


def soft_delete_prefix_problem(prefix: str) -> str | None:
    """Why `prefix` cannot be the soft-delete prefix, or None.

    An empty prefix would make the expiry rule delete every object in the bucket, so
    it is the one value this check must never let through.
    """
    if not isinstance(prefix, str) or not prefix.strip():
        return "must not be empty: an empty prefix would expire every object in the bucket"
    if prefix.startswith("/"):
        return "must not start with '/' (object keys have no leading slash), e.g. deleted/"
    if not prefix.endswith("/"):
        return f"must end with '/' so it names a folder, e.g. {prefix}/"
    if prefix.strip("/") == "" or "//" in prefix:
        return "must name a folder such as deleted/"
    if len(prefix.encode()) > 1024 or any(ord(ch) < 32 for ch in prefix):
        return "must be at most 1024 bytes of printable characters"
    return None
