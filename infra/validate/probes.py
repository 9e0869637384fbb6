"""The objects a run creates: named under one prefix, tracked, and removed whatever happens.

Every probe key is `raptscallions-validate/<run uuid>/<role>.txt`. A key is tracked
*before* its upload is sent (a request that times out may still have landed) and
dropped once a delete succeeds or the upload was definitely refused. An upload that was
sent and never answered may still be stored *after* any delete (the server holds it),
so its key is deleted at clean-up and still named as possibly left behind. Clean-up
deletes tracked keys only — never by listing or by prefix — so no other object, not even
another run's probe, is ever touched; it ends by a wall-clock deadline and names what it
could not remove. On a versioned bucket a delete leaves the old
version and a delete marker; `Probes` counts them from the responses for the report.
"""

from __future__ import annotations

import socket
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from infra.validate.bounded import bounded

PREFIX = "raptscallions-validate/"


@dataclass
class Probes:
    """The run's probe keys, what is known to exist, and what versioning left behind."""

    run_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    pending: dict[str, None] = field(default_factory=dict)
    """Keys that may exist (upload sent, no successful delete yet), in creation order."""
    deleted: list[str] = field(default_factory=list)
    unanswered: dict[str, None] = field(default_factory=dict)
    """Keys whose upload was sent and got no answer (it may land at any time later)."""
    noncurrent_versions: int = 0
    delete_markers: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def run_prefix(self) -> str:
        return f"{PREFIX}{self.run_id}/"

    def key(self, role: str) -> str:
        return f"{self.run_prefix}{role}.txt"

    def sending(self, key: str) -> None:
        """Call before an upload is sent: the key is unanswered until `answered` or `refused`."""
        with self._lock:
            self.pending[key] = None
            self.unanswered[key] = None

    def answered(self, key: str) -> None:
        """The upload was answered with success: the object exists, a delete removes it for
        good. An answer that comes after clean-up deleted the key proves nothing of the kind."""
        with self._lock:
            if key in self.pending:
                self.unanswered.pop(key, None)

    def failed(self, key: str, error: BaseException) -> None:
        """The upload raised: refused when the server answered or nothing left this
        machine; otherwise (a read timeout, a dropped connection) it stays unanswered."""
        if getattr(error, "response", None) or _never_sent(error):
            self.refused(key)

    def refused(self, key: str) -> None:
        """The upload was answered with an error, or never left this machine: nothing was written."""
        with self._lock:
            self.pending.pop(key, None)
            self.unanswered.pop(key, None)

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

    def clean_up(self, client: Any, bucket: str, deadline: float) -> list[str]:
        """Delete every probe that may still exist, each delete bounded by `deadline`
        (a `time.monotonic()` value); the keys that may remain, in creation order.

        Each delete runs in a daemon thread: botocore's read timeout restarts with every
        byte, so only a wall-clock wait stops a server that trickles its answer.
        """
        for key in list(self.pending):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            kind, _ = bounded(lambda key=key: self.delete(client, bucket, key), remaining)
            if kind == "timeout":
                break
        return self.may_remain()

    def may_remain(self) -> list[str]:
        """Keys not deleted yet, then keys deleted whose unanswered upload may still land."""
        with self._lock:
            late = [k for k in self.unanswered if k not in self.pending]
            return list(self.pending) + late


def _never_sent(error: BaseException) -> bool:
    """No byte of the request reached a server: no connection was made."""
    from botocore.exceptions import ConnectTimeoutError, EndpointConnectionError

    return isinstance(error, (ConnectTimeoutError, EndpointConnectionError, ConnectionRefusedError, socket.gaierror))
