"""The real readers of a container env file, run here without a cluster or a Docker daemon.

- Docker: the `docker` CLI parses `--env-file` itself (docker/cli `opts/file.go`) and sends the
  result as `Env` in the Engine API's `POST /containers/create`. A stand-in engine on a unix
  socket records that body and answers as the Engine API documents (`/_ping` 200, create 201
  with an `Id`), so what is judged is the CLI's own parsing, byte for byte.
- Kubernetes: `kubectl create secret generic --from-env-file ... --dry-run=client -o json`
  parses the file client-side (kubectl `pkg/cmd/util/env_file.go`) and prints the Secret.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import shutil
import socketserver
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

TIMEOUT = 30.0


class _EngineHandler(BaseHTTPRequestHandler):
    created: list[dict]

    def _answer(self, status: int, body: bytes = b"", content_type: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Api-Version", "1.41")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_HEAD(self) -> None:  # noqa: N802 - the http.server API
        self._answer(200)

    def do_GET(self) -> None:  # noqa: N802
        self._answer(200, b"OK", "text/plain") if self.path.endswith("/_ping") else self._answer(404, b"{}")

    def do_POST(self) -> None:  # noqa: N802
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if "/containers/create" not in self.path:
            self._answer(404, b'{"message":"not in this stand-in"}')
            return
        self.server.created.append(json.loads(body))  # type: ignore[attr-defined]
        self._answer(201, json.dumps({"Id": "0" * 64, "Warnings": []}).encode())

    def log_message(self, *args: object) -> None:
        pass

    def address_string(self) -> str:
        return "unix-socket"


class _Engine(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True
    created: list[dict]


@contextlib.contextmanager
def docker_engine() -> Iterator[tuple[str, list[dict]]]:
    """A stand-in Docker Engine API on a private unix socket: (DOCKER_HOST, bodies of creates)."""
    with tempfile.TemporaryDirectory(prefix="engine-") as directory:
        socket_path = os.path.join(directory, "docker.sock")
        server = _Engine(socket_path, _EngineHandler)
        server.created = []
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
        thread.start()
        try:
            yield f"unix://{socket_path}", server.created
        finally:
            server.shutdown()
            server.server_close()
            thread.join(timeout=5)


def docker_reads(env_file: Path) -> dict[str, str]:
    """What `docker create --env-file env_file` puts in the container's environment."""
    docker = shutil.which("docker")
    assert docker, "the docker CLI is installed by `make test` (scripts/env_readers.py)"
    with docker_engine() as (host, created):
        env = {"PATH": os.environ.get("PATH", ""), "DOCKER_HOST": host, "HOME": str(env_file.parent)}
        result = subprocess.run(
            [docker, "create", "--env-file", str(env_file), "raptscallions/app"],
            capture_output=True, text=True, timeout=TIMEOUT, env=env, check=False,
        )
        assert result.returncode == 0, result.stderr[-2000:]
        assert len(created) == 1
    return dict(entry.split("=", 1) for entry in created[0]["Env"])


def kubectl_reads(env_file: Path) -> dict[str, str]:
    """The data of `kubectl create secret generic --from-env-file env_file`, decoded."""
    kubectl = shutil.which("kubectl")
    assert kubectl, "kubectl is installed by `make test` (scripts/env_readers.py)"
    result = subprocess.run(
        [kubectl, "create", "secret", "generic", "app-storage", "--from-env-file", str(env_file), "--dry-run=client", "-o", "json"],
        capture_output=True, text=True, timeout=TIMEOUT, check=False,
        env={"PATH": os.environ.get("PATH", ""), "HOME": str(env_file.parent), "KUBECONFIG": str(env_file.parent / "no-kubeconfig")},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    data = json.loads(result.stdout)["data"]
    return {name: base64.b64decode(value).decode("utf-8") for name, value in data.items()}
