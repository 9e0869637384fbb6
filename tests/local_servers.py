"""Real S3-compatible servers for tests, started on 127.0.0.1 and always stopped."""

from __future__ import annotations

import contextlib
import http.server
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop_process(process: subprocess.Popen, timeout: float) -> None:
    """Ask a test server to stop; kill it if it has not within `timeout` seconds."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def wait_until_up(url: str, deadline_seconds: float = 30.0) -> None:
    deadline = time.monotonic() + deadline_seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"server at {url} did not come up") from None
            time.sleep(0.1)


@contextlib.contextmanager
def moto_server(initial_no_auth_actions: int | None = None) -> Iterator[str]:
    """moto's S3/IAM server in its own process; yields its endpoint URL.

    With `initial_no_auth_actions` set, moto enforces IAM on every request after that
    many, so credentials and policies have real effect.
    """
    port = free_port()
    env = dict(os.environ)
    if initial_no_auth_actions is not None:
        env["INITIAL_NO_AUTH_ACTION_COUNT"] = str(initial_no_auth_actions)
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{url}/moto-api/")
        yield url
    finally:
        stop_process(process, timeout=10)


@contextlib.contextmanager
def serving(server: http.server.HTTPServer, name: str, poll_interval: float = 0.5) -> Iterator[str]:
    """`server` answering on its own thread for the `with` block (its URL), then shut down,
    its socket closed and its thread joined (bounded)."""
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": poll_interval}, daemon=True, name=name)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
