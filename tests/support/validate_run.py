"""Running the validator the way a user does, and reading its report back."""

from __future__ import annotations

import io
import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from infra.guide import contract
from infra.validate.cli import main
from tests.support.s3_servers import Credential, Server


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str

    @property
    def report(self) -> dict[str, Any]:
        return json.loads(self.out)

    def check(self, check_id: str) -> dict[str, Any]:
        return next(c for c in self.report["checks"] if c["id"] == check_id)

    def statuses(self) -> dict[str, str]:
        return {c["id"]: c["status"] for c in self.report["checks"]}

    def first_failure(self) -> dict[str, Any] | None:
        return next((c for c in self.report["checks"] if c["status"] == "failed"), None)


def storage_env(server: Server, bucket: str, credential: Credential, **extra: str) -> dict[str, str]:
    """The app's STORAGE_* variables for `bucket` on `server`, as a deployment would set them."""
    env = {
        contract.BACKEND: contract.BACKEND_VALUE,
        contract.BUCKET: bucket,
        contract.REGION: server.region,
        contract.ACCESS_KEY_ID: credential.key_id,
        contract.SECRET_ACCESS_KEY: credential.secret,
        contract.ENDPOINT: server.endpoint,
    }
    env.update(extra)
    return env


def validate(env: dict[str, str], *args: str) -> Run:
    """One in-process run of `python -m infra.validate ARGS` with `env` as the environment."""
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), environ=env, stdout=out, stderr=err)
    return Run(code, out.getvalue(), err.getvalue())


def validate_text_and_json(env: dict[str, str], *args: str) -> tuple[Run, Run]:
    return validate(env, *args), validate(env, "--json", *args)


def assert_told_safely(secret: str, *runs: Run) -> None:
    """No traceback and not a trace of the secret, in either stream of any run."""
    assert len(secret) >= 8
    for run in runs:
        for stream in (run.out, run.err):
            assert "Traceback" not in stream
            assert secret not in stream


def fake_pulumi(directory: Path, outputs: dict[str, object]) -> dict[str, str]:
    """A `pulumi` on PATH that prints `outputs` for `stack output --json --show-secrets`."""
    script = directory / "pulumi"
    script.write_text(
        "#!/bin/sh\n"
        'if [ "$1 $2 $3 $4" = "stack output --json --show-secrets" ]; then\n'
        f"  cat <<'EOF'\n{json.dumps(outputs)}\nEOF\n"
        "  exit 0\nfi\necho 'error: unexpected arguments' >&2\nexit 3\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return {"PATH": f"{directory}{os.pathsep}{os.environ.get('PATH', '')}"}
