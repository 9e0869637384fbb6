"""Names derived from the bucket name (`<bucket>-app`, `<bucket>-access-logs`, ...) within a
provider's length limit. No SDK import.

Past the limit the bucket part is cut and an 8-hex hash of the whole bucket name keeps
derived names of different long buckets apart. The rule is fixed: a deployed resource's
name must come out the same on every run.
"""

from __future__ import annotations

import hashlib


def suffixed_name(base: str, suffix: str, limit: int, *, trim: str = "") -> str:
    """`<base>-<suffix>`, or `<cut base>-<hash>-<suffix>` when longer than `limit`.

    `trim` lists characters stripped from the end of the cut base (bucket names may not
    have `.` or `-` before another `-`).
    """
    name = f"{base}-{suffix}"
    if len(name) <= limit:
        return name
    digest = hashlib.sha256(base.encode()).hexdigest()[:8]
    return f"{base[: limit - len(suffix) - len(digest) - 2].rstrip(trim)}-{digest}-{suffix}"
