"""Ceph RGW for tests: a real S3 engine (the one DigitalOcean Spaces runs on) on 127.0.0.1.

Unlike moto and LocalStack, RGW enforces IAM user policies, evaluates CORS, serves
signed URLs with real signature checks and executes lifecycle rules. One throwaway
cluster (scripts/rgw_cluster.py: 1 mon, 1 memstore OSD, radosgw) serves the whole
session; lifecycle "days" last `LC_DAY_SECONDS` seconds.

What this version (Ceph 16.2 pacific) does differently from AWS, measured:
- A user's IAM policy is "policy OR owner": a policy-restricted user still administers
  the buckets it owns. So buckets are owned by the admin and app users own none
  (`--max-buckets=-1`: they may create none either).
- `radosgw-admin user modify` silently drops a user's inline policies: users are created
  with their final options, and PutUserPolicy comes last.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from scripts import rgw_cluster, try_validator
from tests.support.s3_servers import Credential, Server

LC_DAY_SECONDS = 3
"""One lifecycle "day": short enough that rules run within seconds, long enough that
"after 2 days" is distinguishable from "at once" under a loaded CI machine."""


@dataclass(frozen=True)
class Rgw:
    """A running RGW: its endpoint, the admin's key, and how to add buckets and users."""

    endpoint: str
    admin_key: str
    admin_secret: str
    conf: str
    lc_day_seconds: int

    @property
    def server(self) -> Server:
        """As `tests.support.s3_servers.Server`, so `client()` and the validator's helpers work."""
        return Server(self.endpoint, Credential(self.admin_key, self.admin_secret))

    def client(self, service: str = "s3", credential: Credential | None = None) -> Any:
        return self.server.client(service, credential)

    def create_bucket(self, name: str, *, versioned: bool = False) -> str:
        """A bucket owned by the admin (never by a policy-restricted user, see above)."""
        s3 = self.client()
        s3.create_bucket(Bucket=name)
        if versioned:
            s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
        return name

    def restricted_user(self, uid: str, policy: dict[str, Any]) -> Credential:
        """A new user that owns no bucket, may create none, and holds exactly `policy`
        (made as scripts/try_validator.py makes the recipe's app user)."""
        return Credential(*try_validator.restricted_user(self.conf, self.client("iam"), uid, policy))


def rgw_unavailable() -> str | None:
    """Why RGW cannot run here, or None."""
    missing = rgw_cluster.binaries_missing()
    if missing:
        return (
            f"Ceph RGW not installed ({', '.join(missing)} missing): run `python3 scripts/rgw_cluster.py install` "
            "(make test does; it needs apt-get and root or sudo)"
        )
    return None


@contextlib.contextmanager
def rgw_cluster_running() -> Iterator[Rgw]:
    """Start a throwaway cluster, yield it, and stop it by the PIDs it started."""
    reason = rgw_unavailable()
    if reason:
        pytest.fail(reason, pytrace=False)  # the suite skips nothing: a missing server is a failure with its fix
    with tempfile.TemporaryDirectory(prefix="rgw-") as directory:
        cluster = rgw_cluster.start(Path(directory) / "cluster", lc_day_seconds=LC_DAY_SECONDS, timeout=120)
        try:
            yield Rgw(cluster.endpoint, cluster.admin_key, cluster.admin_secret, cluster.conf, cluster.lc_day_seconds)
        finally:
            rgw_cluster.stop(cluster.dir)
