"""The validator's pieces without a server: inputs, the Configuration check, error
classes, client settings, redaction, the report and the CI skip."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from infra.guide import contract, permissions
from infra.guide.troubleshooting import TROUBLESHOOTING, ErrorClass
from infra.offline.stack_files import PROJECT_ROOT
from infra.providers.backblaze.spec import endpoint_for as b2_endpoint
from infra.providers.cloudflare.spec import endpoint_for as r2_endpoint
from infra.providers.digitalocean.spec import endpoint_for as spaces_endpoint
from infra.validate import checks, inputs
from infra.validate.classify import Failure, classify, from_s3_code
from infra.validate.client import s3_client
from infra.validate.config import ConfigurationProblems, Target, endpoint_problem, load_target
from infra.validate.report import Redactor, render_json, render_text
from infra.validate.runner import CheckResult, Outcome, run
from tests.support.makefile_support import make_prerequisites
from tests.support.validate_run import validate

SECRET = "unit-Secret/For+Tests-0123456789abcdefgh"
GOOD = {
    contract.BACKEND: "s3",
    contract.BUCKET: "raptscallions-prod",
    contract.REGION: "nyc3",
    contract.ACCESS_KEY_ID: "DO00EXAMPLEKEYID0000",
    contract.SECRET_ACCESS_KEY: SECRET,
    contract.ENDPOINT: "https://nyc3.digitaloceanspaces.com",
}


def problems_of(values: dict[str, str], origins: tuple[str, ...] = ()) -> list[str]:
    with pytest.raises(ConfigurationProblems) as caught:
        load_target(inputs.Inputs(values, "test", origins, "--origin"))
    return caught.value.problems


def test_good_values_make_a_target_with_the_contracts_defaults() -> None:
    target = load_target(inputs.from_environment(GOOD))
    assert target.endpoint == "https://nyc3.digitaloceanspaces.com"
    assert target.signed_url_expiration == int(contract.variable(contract.SIGNED_URL_EXPIRATION).default)
    assert target.provider == "DigitalOcean Spaces"


@pytest.mark.parametrize("name", contract.REQUIRED_NAMES)
def test_each_required_variable_is_named_when_missing(name: str) -> None:
    values = {k: v for k, v in GOOD.items() if k != name}
    [problem] = problems_of(values)
    assert problem.startswith(f"{name} is not set")


def test_every_problem_is_reported_at_once_and_the_secret_never_quoted() -> None:
    values = {
        contract.BACKEND: "local",
        contract.SECRET_ACCESS_KEY: f" {SECRET}",
        contract.ENDPOINT: "https://nyc3.digitaloceanspaces.com/raptscallions-prod",
        contract.SIGNED_URL_EXPIRATION: "15m",
    }
    problems = problems_of(values, ("https://app.example.com/",))
    text = "\n".join(problems)
    for expected in (
        "STORAGE_S3_BUCKET is not set",
        "STORAGE_S3_REGION is not set",
        "STORAGE_S3_ACCESS_KEY_ID is not set",
        "STORAGE_S3_SECRET_ACCESS_KEY has leading or trailing whitespace",
        "STORAGE_BACKEND is 'local'; set it to 's3'",
        "must have no path: put the bucket in STORAGE_S3_BUCKET",
        "STORAGE_SIGNED_URL_EXPIRATION_SECONDS must be a whole number",
        "CORS origin 'https://app.example.com/' (from --origin) is not what a browser sends: "
        "a page at this origin sends 'Origin: https://app.example.com'",
    ):
        assert expected in text
    assert SECRET not in text


@pytest.mark.parametrize(
    ("endpoint", "ok"),
    [
        ("https://nyc3.digitaloceanspaces.com", True),
        ("https://s3.us-west-004.backblazeb2.com/", True),
        ("http://127.0.0.1:9000", True),
        ("https://nyc3.digitaloceanspaces.com/bucket", False),
        ("https://host.example.com?x=1", False),
        ("https://user:pw@host.example.com", False),
        ("ftp://host.example.com", False),
        ("nyc3.digitaloceanspaces.com", False),
        ("https://host.example.com:notaport", False),
    ],
)
def test_endpoint_must_be_a_bare_http_url(endpoint: str, ok: bool) -> None:
    assert (endpoint_problem(endpoint) is None) is ok
    if "pw@" in endpoint:
        assert "pw" not in endpoint_problem(endpoint)


@pytest.mark.parametrize(
    ("endpoint", "provider"),
    [
        ("", "AWS S3"),
        (spaces_endpoint("fra1"), "DigitalOcean Spaces"),
        (b2_endpoint("us-west-004"), "Backblaze B2"),
        (r2_endpoint("0123456789abcdef0123456789abcdef"), "Cloudflare R2"),
        (r2_endpoint("0123456789abcdef0123456789abcdef", "eu"), "Cloudflare R2"),
        ("http://127.0.0.1:9000", "S3-compatible (127.0.0.1:9000)"),
    ],
)
def test_provider_is_named_from_the_endpoint(endpoint: str, provider: str) -> None:
    assert Target("b", "r", "k", "s", endpoint or None, 900, ()).provider == provider


def test_env_file_is_read_with_dotenv_syntax_and_nothing_else(tmp_path: Path) -> None:
    path = tmp_path / ".env"
    path.write_text(
        "# production\nexport STORAGE_BACKEND=s3\nSTORAGE_S3_BUCKET='raptscallions-prod'\n"
        f'STORAGE_S3_SECRET_ACCESS_KEY="{SECRET}"\nUNRELATED=1\n'
    )
    loaded = inputs.from_env_file(path)
    assert loaded.get(contract.BACKEND) == "s3"
    assert loaded.get(contract.BUCKET) == "raptscallions-prod"
    assert loaded.get(contract.SECRET_ACCESS_KEY) == SECRET
    assert set(loaded.values) == set(contract.CONTRACT_NAMES)
    with pytest.raises(inputs.InputError, match="no such file"):
        inputs.from_env_file(tmp_path / "missing.env")


def _fake_pulumi(tmp_path: Path, body: str, monkeypatch: pytest.MonkeyPatch) -> None:
    script = tmp_path / "pulumi"
    script.write_text("#!/bin/sh\n" + body)
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")


def test_stack_outputs_come_from_pulumi_with_secrets_shown(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    outputs = {**GOOD, contract.CORS_ORIGINS_OUTPUT: ["https://app.example.com"], "other": 1}
    _fake_pulumi(tmp_path, f"echo \"$@\" > {tmp_path}/args\ncat <<'EOF'\n{json.dumps(outputs)}\nEOF\n", monkeypatch)
    loaded = inputs.from_stack("prod", tmp_path, 10)
    assert (tmp_path / "args").read_text().split() == ["stack", "output", "--json", "--show-secrets", "--stack", "prod"]
    assert loaded.get(contract.SECRET_ACCESS_KEY) == SECRET
    assert loaded.origins == ("https://app.example.com",) and loaded.source == "stack prod"
    assert inputs.with_origins(loaded, ("https://b.example.com",)).origins == ("https://b.example.com",)


def test_stack_errors_show_pulumis_message_but_never_its_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fake_pulumi(tmp_path, f"echo 'error: no stack named prod found' >&2\necho '{SECRET}'\nexit 255\n", monkeypatch)
    run_ = validate({}, "--stack", "prod")
    assert run_.code == 2 and "no stack named prod found" in run_.err and SECRET not in run_.out + run_.err
    _fake_pulumi(tmp_path, f"echo 'not json {SECRET}'\n", monkeypatch)
    run_ = validate({}, "--stack", "prod")
    assert run_.code == 2 and "did not print JSON" in run_.err and SECRET not in run_.out + run_.err


def test_stack_needs_the_pulumi_cli(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    run_ = validate({}, "--stack", "prod")
    assert run_.code == 2 and "needs the pulumi CLI on PATH" in run_.err


@pytest.mark.parametrize(
    ("environ", "code", "skipped"),
    [
        ({"CI": "true"}, 0, True),
        ({"CI": "1", **{name: "" for name in contract.CONTRACT_NAMES}}, 0, True),
        ({"CI": "false"}, 2, False),
        ({}, 2, False),
        ({"CI": "true", contract.BUCKET: "raptscallions-prod"}, 2, False),
    ],
)
def test_ci_skips_only_when_nothing_is_configured(environ: dict[str, str], code: int, skipped: bool) -> None:
    text = validate(environ)
    data = validate(environ, "--json")
    assert (text.code, data.code) == (code, code)
    assert text.out.startswith("S3 validation skipped") is skipped
    assert bool(json.loads(data.out).get("skipped")) is skipped


def _client_error(code: str, status: int) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": "m"}, "ResponseMetadata": {"HTTPStatusCode": status}}, "Op")


@pytest.mark.parametrize(
    ("code", "status", "error_class"),
    [
        ("InvalidAccessKeyId", 403, ErrorClass.AUTH_FAILED),
        ("SignatureDoesNotMatch", 403, ErrorClass.AUTH_FAILED),
        ("NoSuchBucket", 404, ErrorClass.BUCKET_NOT_FOUND),
        ("PermanentRedirect", 301, ErrorClass.BUCKET_NOT_FOUND),
        ("AccessDenied", 403, ErrorClass.ACCESS_DENIED),
        ("", 403, ErrorClass.ACCESS_DENIED),
        ("SlowDown", 503, ErrorClass.OTHER),
    ],
)
def test_s3_error_codes_map_to_the_guides_classes(code: str, status: int, error_class: ErrorClass) -> None:
    assert classify(_client_error(code, status)).error_class is error_class
    assert from_s3_code(code, status).error_class is error_class


def test_every_class_has_the_guides_hints() -> None:
    assert set(TROUBLESHOOTING) == set(ErrorClass)
    assert (
        TROUBLESHOOTING[ErrorClass.AUTH_FAILED].fix
        == "Regenerate credentials in provider console. Check for whitespace."
    )
    assert all(t.causes and t.fix for t in TROUBLESHOOTING.values())


def test_client_is_path_style_with_when_required_checksums_and_ignores_aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_PROFILE", "no-such-profile")
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:1")
    monkeypatch.setenv("AWS_S3_ADDRESSING_STYLE", "virtual")
    custom = s3_client(Target("raptscallions-prod", "us-west-004", "k", SECRET, b2_endpoint("us-west-004"), 900, ()), 5)
    config = custom.meta.config
    assert config.s3["addressing_style"] == "path"
    assert config.request_checksum_calculation == config.response_checksum_validation == "when_required"
    assert config.signature_version == "s3v4"
    url = custom.generate_presigned_url("get_object", Params={"Bucket": "raptscallions-prod", "Key": "k"})
    assert url.startswith(
        "https://s3.us-west-004.backblazeb2.com/raptscallions-prod/k?X-Amz-Algorithm=AWS4-HMAC-SHA256"
    )
    aws = s3_client(Target("raptscallions-prod", "us-east-1", "k", SECRET, None, 900, ()), 5)
    assert aws.generate_presigned_url("get_object", Params={"Bucket": "raptscallions-prod", "Key": "k"}).startswith(
        "https://raptscallions-prod.s3.amazonaws.com/k?"
    )


def test_least_privilege_probes_are_the_guides_refused_actions_and_reads_only() -> None:
    assert set(checks.READ_PROBES) == set(permissions.REFUSED_READ_ACTIONS)
    assert not set(permissions.REFUSED_READ_ACTIONS) & permissions.APP_ACTIONS

    class Recorder:
        def __init__(self) -> None:
            self.calls: list[str] = []

        def __getattr__(self, name: str):
            self.calls.append(name)
            return lambda **kwargs: {}

    recorder = Recorder()
    for _what, probe in checks.READ_PROBES.values():
        probe(recorder, "raptscallions-prod")
    assert recorder.calls and all(name.startswith(("get_", "list_")) for name in recorder.calls)


def test_redactor_removes_the_secret_and_url_signatures() -> None:
    redact = Redactor([SECRET, ""])
    text = f"key {SECRET} url https://h/b/k?X-Amz-Credential=AKID%2F1&X-Amz-Signature=abc123&x=1"
    cleaned = redact(text)
    assert SECRET not in cleaned and "abc123" not in cleaned and "AKID%2F1" not in cleaned and "x=1" in cleaned
    assert redact.deep({"a": [text]}) == {"a": [cleaned]}


def test_report_never_prints_the_secret_even_if_a_message_carries_it() -> None:
    """Defence in depth: whatever an exception or a server says, the secret is masked."""
    redact = Redactor([SECRET])

    def exploding_client(target: Target, timeout: float) -> None:
        raise RuntimeError(f"bad credential {SECRET}")

    outcome = run(inputs.from_environment(GOOD), client_factory=exploding_client)
    assert outcome.exit_code == 2
    assert SECRET not in render_text(outcome, redact, terminal=False) + render_json(outcome, redact)

    outcome = Outcome("test", load_target(inputs.from_environment(GOOD)))
    failure = Failure(ErrorClass.OTHER, f"server said {SECRET}")
    outcome.results.append(CheckResult("connectivity", "Connectivity", "failed", 1.0, failure=failure))
    plain, data = render_text(outcome, redact, terminal=False), render_json(outcome, redact)
    assert "server said [redacted]" in plain and "server said [redacted]" in data
    assert SECRET not in plain + data + render_text(outcome, redact, terminal=True)


def test_text_report_is_plain_without_a_terminal_and_coloured_with_one() -> None:
    outcome = run(inputs.from_environment({}))
    plain = render_text(outcome, Redactor([]), terminal=False)
    coloured = render_text(outcome, Redactor([]), terminal=True)
    assert "\x1b[" not in plain and "\x1b[" in coloured
    assert plain.splitlines()[0] == "╔" + "═" * 66 + "╗"
    assert "❌ Configuration        FAILED" in plain


def test_help_lists_inputs_and_exit_codes() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "infra.validate", "--help"],
        capture_output=True,
        text=True,
        check=True,
        cwd=PROJECT_ROOT,
    )
    for option in ("--env-file", "--stack", "--origin", "--timeout", "--json", "--skip"):
        assert option in done.stdout
    assert "2 configuration missing" in done.stdout


def test_localstack_venv_is_pinned_and_created_by_make_test_before_the_tests(monkeypatch: pytest.MonkeyPatch) -> None:
    import re

    from scripts import localstack_venv

    root = PROJECT_ROOT
    pins = [line for line in localstack_venv.REQUIREMENTS.read_text().splitlines() if line and not line.startswith("#")]
    assert all(re.match(r"^[A-Za-z0-9_.\-]+==[0-9][\w.]*$", line) for line in pins), pins
    versions = dict(line.split("==") for line in pins)
    assert versions["localstack-core"] and "service-identity" in versions
    assert tuple(int(p) for p in versions["cbor2"].split(".")[:2]) < (5, 7)
    assert "localstack" in make_prerequisites(root / "Makefile", "test")
    default = localstack_venv.venv_dir("/usr/bin/python3.13")
    assert default.name.startswith("localstack-") and root not in default.parents
    monkeypatch.setenv("LOCALSTACK_VENV", "/tmp/elsewhere")
    assert localstack_venv.venv_dir("/usr/bin/python3.13") == Path("/tmp/elsewhere")
