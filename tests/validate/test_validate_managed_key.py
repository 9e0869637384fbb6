"""A refused key this package manages gets the stack's fix, not the console's.

"Regenerate credentials in provider console" (the guide's fix) makes a key the stack does not
know: the stack still holds the old one, so the next `.env` written from it brings the refused
key back (drift). When the configuration came from a stack (`--stack`) or from a `.env` that
`python -m infra.dotenv` wrote (its header line), the fix is to rewrite the `.env` from the
stack's outputs or to rotate; otherwise the guide's advice stays. The refusals are real: Ceph
RGW answers `InvalidAccessKeyId` for a key it does not know.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from infra.dotenv.cli import main as dotenv_main
from infra.dotenv.file import render, write_private
from infra.guide import contract
from infra.guide.troubleshooting import TROUBLESHOOTING, ErrorClass
from tests.support.rgw_server import Rgw
from tests.support.s3_servers import Credential, unique_bucket
from tests.support.validate_run import Run, assert_told_safely, fake_pulumi, storage_env, validate

UNKNOWN = Credential("UNKNOWNKEY0000000000", "not-a-key-rgw-knows-0123456789")
CONSOLE_FIX = TROUBLESHOOTING[ErrorClass.AUTH_FAILED].fix
ROTATION = 'docs/operations.md, "Rotating the app credential (no downtime)"'


@pytest.fixture(scope="module")
def refused_env(rgw: Rgw) -> dict[str, str]:
    """STORAGE_* for a real bucket with a key the server does not know (as after a rotation)."""
    return storage_env(rgw.server, rgw.create_bucket(unique_bucket("managed-key")), UNKNOWN)


def auth_error(run: Run) -> dict[str, object]:
    assert run.code == 1, run.out
    check = run.check("connectivity")
    assert check["status"] == "failed" and check["error"]["class"] == "auth_failed", check
    assert_told_safely(UNKNOWN.secret, run)
    return check["error"]


def test_env_written_by_infra_dotenv_from_saved_outputs_gets_the_rewrite_fix(
    refused_env: dict[str, str], tmp_path: Path
) -> None:
    saved = tmp_path / "outputs.json"
    saved.write_text(json.dumps(refused_env))
    env_file = tmp_path / "app.env"
    assert dotenv_main(["--from-json", str(saved), "--output", str(env_file)]) == 0
    error = auth_error(validate({}, "--json", "--env-file", str(env_file)))
    assert f"`python -m infra.dotenv --from-json {saved} --force --output {env_file}`" in error["fix"]
    assert ROTATION in error["fix"] and "do not regenerate it in the provider console" in error["fix"]
    assert CONSOLE_FIX not in json.dumps(error)


def test_env_written_from_a_stack_names_that_stack(refused_env: dict[str, str], tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    write_private(env_file, render({k: v for k, v in refused_env.items()}, "stack prod"), force=False)
    text = validate({}, "--env-file", str(env_file)).out
    assert "Fix: This key is managed by the stack" in text and "python -m infra.dotenv" in text
    assert "Regenerate credentials in provider console" not in text
    error = auth_error(validate({}, "--json", "--env-file", str(env_file)))
    assert f"`python -m infra.dotenv --stack prod --force --output {env_file}`" in error["fix"]
    assert error["causes"][0].startswith("The .env holds an old key")


def test_stack_outputs_get_the_rewrite_fix(
    refused_env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", fake_pulumi(tmp_path, dict(refused_env))["PATH"])
    error = auth_error(validate({}, "--json", "--stack", "prod"))
    assert "`python -m infra.dotenv --stack prod --force --output .env`" in error["fix"]


def test_a_hand_written_env_or_the_environment_keeps_the_guides_console_fix(
    refused_env: dict[str, str], tmp_path: Path
) -> None:
    hand_written = tmp_path / ".env"
    hand_written.write_text("".join(f"{name}={value}\n" for name, value in refused_env.items()))
    for run in (validate({}, "--json", "--env-file", str(hand_written)), validate(refused_env, "--json")):
        error = auth_error(run)
        assert error["fix"] == CONSOLE_FIX
        assert error["causes"] == list(TROUBLESHOOTING[ErrorClass.AUTH_FAILED].causes)


def test_a_header_lookalike_further_down_does_not_count(refused_env: dict[str, str], tmp_path: Path) -> None:
    """Only the first line is the header `infra.dotenv` writes."""
    env_file = tmp_path / ".env"
    text = render(dict(refused_env), "stack prod")
    env_file.write_text(f"{contract.BACKEND}=s3\n{text}")
    assert auth_error(validate({}, "--json", "--env-file", str(env_file)))["fix"] == CONSOLE_FIX
