"""Stack outputs of an AWS stack, and `python -m infra.dotenv` run as a user runs it, for the `.env` tests."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from infra.dotenv.cli import main
from infra.guide import contract

SECRET = "fake-secret/value+for-dotenv-tests=="


KEY_ID = "FAKEACCESSKEY-dotenv"


AWS_OUTPUTS: dict[str, Any] = {
    contract.BACKEND: "s3",
    contract.BUCKET: "raptscallions-prod",
    contract.REGION: "us-east-1",
    contract.ACCESS_KEY_ID: KEY_ID,
    contract.SECRET_ACCESS_KEY: SECRET,
    contract.SIGNED_URL_EXPIRATION: "900",
    contract.MAX_FILE_SIZE: "10485760",
    contract.QUOTA: "1073741824",
    contract.REQUEST_CHECKSUM: "WHEN_REQUIRED",
    contract.RESPONSE_CHECKSUM: "WHEN_REQUIRED",
    contract.CORS_ORIGINS_OUTPUT: ["https://app.raptscallions.com"],
}


EXPECTED = {k: v for k, v in AWS_OUTPUTS.items() if k != contract.CORS_ORIGINS_OUTPUT}


def outputs_file(tmp_path: Path, outputs: dict[str, Any]) -> Path:
    path = tmp_path / "outputs.json"
    path.write_text(json.dumps(outputs))
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str, stdin: str = "") -> tuple[int, str, str]:
    code = main(list(args), stdin=io.StringIO(stdin))
    captured = capsys.readouterr()
    assert SECRET not in captured.out + captured.err, "the secret must never be printed"
    assert "Traceback" not in captured.err
    return code, captured.out, captured.err
