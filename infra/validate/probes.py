"""The objects a run creates: named under one prefix, tracked, and removed whatever happens.

Every probe key is `raptscallions-validate/<run uuid>/<role>.txt`. A key is tracked
*before* its upload is sent (a request that times out may still have landed) and
dropped once a delete succeeds or the upload was definitely refused. Clean-up deletes
tracked keys only — never by listing or by prefix — so no other object, not even
another run's probe, is ever touched. On a versioned bucket a delete leaves the old
version and a delete marker; `Probes` counts them from the responses for the report.
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass, field
from typing import Any

PREFIX = "raptscallions-validate/"


@dataclass
class Probes:
    """The run's probe keys, what is known to exist, and what versioning left behind."""

    run_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    pending: dict[str, None] = field(default_factory=dict)
    """Keys that may exist (upload sent, no successful delete yet), in creation order."""
    deleted: list[str] = field(default_factory=list)
    noncurrent_versions: int = 0
    delete_markers: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def run_prefix(self) -> str:
        return f"{PREFIX}{self.run_id}/"

    def key(self, role: str) -> str:
        return f"{self.run_prefix}{role}.txt"

    def sending(self, key: str) -> None:
        """Call before an upload is sent."""
        with self._lock:
            self.pending[key] = None

    def refused(self, key: str) -> None:
        """The upload was answered with an error: nothing was written."""
        with self._lock:
            self.pending.pop(key, None)

    def delete(self, client: Any, bucket: str, key: str) -> None:
        """Delete one probe (raises on failure) and note what versioning keeps."""
        response = client.delete_object(Bucket=bucket, Key=key)
        with self._lock:
            self.pending.pop(key, None)
            if key not in self.deleted:
                self.deleted.append(key)
            if response.get("DeleteMarker"):
                self.delete_markers += 1

    def stored_version(self, version_id: str | None) -> None:
        """An upload answered with a version id: once deleted it stays as a noncurrent version."""
        if version_id not in (None, "", "null"):
            with self._lock:
                self.noncurrent_versions += 1

    def clean_up(self, client: Any, bucket: str) -> list[str]:
        """Delete every probe that may still exist; the keys that could not be deleted."""
        left: list[str] = []
        for key in list(self.pending):
            try:
                self.delete(client, bucket, key)
            except Exception:  # noqa: BLE001 - reported by key name, the run goes on
                left.append(key)
        return left
