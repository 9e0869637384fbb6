"""`python -m infra.dotenv`: the app's .env from stack outputs — exactly the STORAGE_* variables,
mode 0600 from creation, no silent overwrite, and the secret never shown."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from dotenv import dotenv_values

from infra.guide import contract
from infra.offline.stack_files import PROJECT_ROOT
from tests.support.dotenv_support import AWS_OUTPUTS, EXPECTED, SECRET, outputs_file, run


def test_writes_exactly_the_contract_variables_and_reads_back(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / ".env"
    code, out, _ = run(capsys, "--from-json", str(outputs_file(tmp_path, AWS_OUTPUTS)), "--output", str(target))
    assert code == 0
    assert dotenv_values(target) == EXPECTED
    assert dotenv_values(target, interpolate=False) == EXPECTED
    assert contract.ENDPOINT not in target.read_text(), "AWS exports no endpoint, so none is written"
    assert contract.CORS_ORIGINS_OUTPUT not in target.read_text()
    assert all(name in out for name in EXPECTED) and "not shown" in out


def test_a_stack_exported_before_the_sdk_settings_still_gets_them(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Without the two SDK settings the app's signed PUTs break on R2; an older stack's outputs get the fixed value."""
    older = {k: v for k, v in AWS_OUTPUTS.items() if not k.startswith("AWS_")}
    target = tmp_path / ".env"
    assert run(capsys, "--from-json", str(outputs_file(tmp_path, older)), "--output", str(target))[0] == 0
    assert dotenv_values(target) == EXPECTED


def test_the_endpoint_is_written_when_the_stack_exports_one(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spaces = {**AWS_OUTPUTS, contract.REGION: "nyc3", contract.ENDPOINT: "https://nyc3.digitaloceanspaces.com"}
    target = tmp_path / ".env"
    assert run(capsys, "--from-json", str(outputs_file(tmp_path, spaces)), "--output", str(target))[0] == 0
    assert dotenv_values(target)[contract.ENDPOINT] == "https://nyc3.digitaloceanspaces.com"
    assert list(dotenv_values(target)) == [n for n in contract.CONTRACT_NAMES if n in spaces]


def test_file_is_created_0600_whatever_the_umask_and_without_chmod(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_chmod(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the file must be created private, not chmod-ed afterwards")

    monkeypatch.setattr(os, "chmod", no_chmod)
    monkeypatch.setattr(os, "fchmod", no_chmod)
    source = outputs_file(tmp_path, AWS_OUTPUTS)
    old_umask = os.umask(0)
    try:
        for args in ([], ["--force"]):
            target = tmp_path / f"env{len(args)}"
            if args:
                target.write_text("OLD=1\n")
            assert run(capsys, "--from-json", str(source), "--output", str(target), *args)[0] == 0
            assert stat.S_IMODE(target.stat().st_mode) == 0o600
    finally:
        os.umask(old_umask)


def test_refuses_to_overwrite_without_force(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / ".env"
    target.write_text("KEEP=me\n")
    code, _, err = run(capsys, "--from-json", str(outputs_file(tmp_path, AWS_OUTPUTS)), "--output", str(target))
    assert code == 1 and "already exists" in err and "--force" in err and "nothing was written" in err
    assert target.read_text() == "KEEP=me\n"


def test_force_replaces_a_readable_file_with_a_private_one(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / ".env"
    target.write_text("OLD=1\n")
    target.chmod(0o644)
    args = ("--from-json", str(outputs_file(tmp_path, AWS_OUTPUTS)), "--output", str(target), "--force")
    assert run(capsys, *args)[0] == 0
    assert dotenv_values(target) == EXPECTED
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == [".env", "outputs.json"], "no temporary file left behind"


def test_missing_variables_are_named_and_nothing_is_written(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    outputs = {k: v for k, v in AWS_OUTPUTS.items() if k not in (contract.BUCKET, contract.ACCESS_KEY_ID)}
    target = tmp_path / ".env"
    code, _, err = run(capsys, "--from-json", str(outputs_file(tmp_path, outputs)), "--output", str(target))
    assert code == 1 and contract.BUCKET in err and contract.ACCESS_KEY_ID in err
    assert not target.exists()


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({contract.SECRET_ACCESS_KEY: "[secret]"}, "--show-secrets"),
        ({contract.BUCKET: "it's"}, f"{contract.BUCKET} contains a quote"),
        ({contract.SECRET_ACCESS_KEY: SECRET + "\n"}, f"{contract.SECRET_ACCESS_KEY} contains"),
        ({contract.REGION: ["us-east-1"]}, f"{contract.REGION} is not a text value"),
    ],
)
def test_bad_values_are_refused_by_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], changes: dict[str, Any], words: str
) -> None:
    target = tmp_path / ".env"
    code, _, err = run(capsys, "--from-json", str(outputs_file(tmp_path, {**AWS_OUTPUTS, **changes})), "--output", str(target))
    assert code == 1 and words in err and not target.exists()


@pytest.mark.parametrize(("text", "words"), [("not json " + SECRET, "not JSON"), ("[1, 2]", "JSON object")])
def test_bad_json_is_reported_without_echoing_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, words: str
) -> None:
    source = tmp_path / "outputs.json"
    source.write_text(text)
    code, _, err = run(capsys, "--from-json", str(source), "--output", str(tmp_path / ".env"))
    assert code == 1 and words in err
    assert run(capsys, "--from-json", str(tmp_path / "missing.json"), "--output", str(tmp_path / ".env"))[2].count("no such file") == 1


def test_outputs_can_be_piped_in(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / ".env"
    assert run(capsys, "--from-json", "-", "--output", str(target), stdin=json.dumps(AWS_OUTPUTS))[0] == 0
    assert dotenv_values(target) == EXPECTED


def _fake_pulumi(tmp_path: Path, body: str, monkeypatch: pytest.MonkeyPatch) -> None:
    script = tmp_path / "pulumi"
    script.write_text("#!/bin/sh\n" + body)
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")


def test_stack_outputs_come_from_the_pulumi_cli(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _fake_pulumi(tmp_path, f"echo \"$@\" > {tmp_path}/args\ncat <<'EOF'\n{json.dumps(AWS_OUTPUTS)}\nEOF\n", monkeypatch)
    target = tmp_path / ".env"
    assert run(capsys, "--stack", "prod", "--output", str(target), "--project-dir", str(tmp_path))[0] == 0
    assert (tmp_path / "args").read_text().split() == ["stack", "output", "--json", "--show-secrets", "--stack", "prod"]
    assert dotenv_values(target) == EXPECTED


def test_pulumi_failures_and_a_missing_cli_are_clean_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _fake_pulumi(tmp_path, f"echo 'error: no stack named prod found' >&2\necho '{SECRET}'\nexit 255\n", monkeypatch)
    code, _, err = run(capsys, "--stack", "prod", "--output", str(tmp_path / ".env"), "--project-dir", str(tmp_path))
    assert code == 1 and "no stack named prod found" in err
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    code, _, err = run(capsys, "--stack", "prod", "--output", str(tmp_path / ".env"))
    assert code == 1 and "needs the pulumi CLI on PATH" in err and "--from-json" in err
    assert not (tmp_path / ".env").exists()


def test_module_entry_point_runs_without_a_traceback(tmp_path: Path) -> None:
    source = outputs_file(tmp_path, AWS_OUTPUTS)
    target = tmp_path / "app.env"
    command = [sys.executable, "-m", "infra.dotenv", "--from-json", str(source), "--output", str(target)]
    first = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60)
    again = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60)
    assert first.returncode == 0 and dotenv_values(target) == EXPECTED
    assert again.returncode == 1 and "already exists" in again.stderr and "Traceback" not in again.stderr
    assert SECRET not in first.stdout + first.stderr + again.stdout + again.stderr


def test_an_sdk_setting_the_sdk_would_refuse_is_not_written(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / ".env"
    outputs = {**AWS_OUTPUTS, contract.REQUEST_CHECKSUM: "when-required"}
    code, _, err = run(capsys, "--from-json", str(outputs_file(tmp_path, outputs)), "--output", str(target))
    assert code == 1 and not target.exists()
    assert "AWS_REQUEST_CHECKSUM_CALCULATION must be WHEN_SUPPORTED or WHEN_REQUIRED" in err
