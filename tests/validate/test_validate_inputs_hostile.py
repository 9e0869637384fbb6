"""Every value the validator parses or sends: a bad one is a configuration problem (exit 2,
naming the variable, nothing contacted), never a crash or an "unexpected error" (exit 1)."""

from __future__ import annotations

import pytest

from infra.guide import contract
from tests.support.validate_run import validate

UNREACHABLE = "http://127.0.0.1:9"
"""Nothing listens there: a run that got past Configuration would fail with exit 1, not 2."""

BASE = {
    contract.BACKEND: contract.BACKEND_VALUE,
    contract.BUCKET: "raptscallions-hostile",
    contract.REGION: "us-east-1",
    contract.ACCESS_KEY_ID: "AKIAHOSTILE",
    contract.SECRET_ACCESS_KEY: "hostile-secret-value",
    contract.ENDPOINT: UNREACHABLE,
}

NOT_INTEGERS = ["²", "٣", "１２", "10485760.0", "1e6", "0", "-5", "9" * 25, "0x10", "9223372036854775808"]
INTEGER_VARIABLES = [contract.SIGNED_URL_EXPIRATION, contract.MAX_FILE_SIZE, contract.QUOTA]

ON_THE_WIRE = {
    contract.BUCKET: ["a b", "bucket/key", "bucket\nname", "a\tb", "bück", "x" * 300, "a\x00b"],
    contract.ACCESS_KEY_ID: ["AKIA\nX", "AKIA X", "AKIAé", "AKIA\x7f"],
}
ORIGINS = [
    "https://app.exa\nmple.com",
    "https://app.example.com\r",
    "https://bücher.example",
    "https://a\x00b.example",
    "https://app\u200b.example.com",
    "https://app.exam\tple.com",
]


def _assert_configuration_problem(env: dict[str, str], named: str, *args: str) -> None:
    run = validate(env, "--json", *args)
    assert run.code == 2, run.out + run.err
    report = run.report
    configuration = report["checks"][0]
    assert configuration["status"] == "failed"
    message = configuration["error"]["message"]
    assert named in message and "unexpected" not in message.lower()
    assert all(check["status"] in ("not_run", "not run") for check in report["checks"][1:])
    assert BASE[contract.SECRET_ACCESS_KEY] not in run.out + run.err


@pytest.mark.parametrize("name", INTEGER_VARIABLES)
@pytest.mark.parametrize("value", NOT_INTEGERS)
def test_a_number_that_is_not_plain_digits_is_a_configuration_problem(name: str, value: str) -> None:
    _assert_configuration_problem({**BASE, name: value}, name)


@pytest.mark.parametrize(("name", "value"), [(n, v) for n, values in ON_THE_WIRE.items() for v in values])
def test_a_value_the_client_cannot_send_is_a_configuration_problem(name: str, value: str) -> None:
    _assert_configuration_problem({**BASE, name: value}, name)


@pytest.mark.parametrize("origin", ORIGINS)
def test_an_origin_no_browser_sends_is_a_configuration_problem(origin: str) -> None:
    _assert_configuration_problem(BASE, "CORS origin", "--origin", origin)


def test_every_bad_input_is_listed_at_once() -> None:
    env = {**BASE, contract.BUCKET: "a b", contract.SIGNED_URL_EXPIRATION: "²", contract.ACCESS_KEY_ID: "AKIA X"}
    run = validate(env, "--json", "--origin", "https://app.exa\nmple.com")
    message = run.report["checks"][0]["error"]["message"]
    for name in (contract.BUCKET, contract.SIGNED_URL_EXPIRATION, contract.ACCESS_KEY_ID, "CORS origin"):
        assert name in message


def test_plain_digits_and_a_normal_bucket_get_past_configuration() -> None:
    """The control: good values are not refused (the unreachable endpoint then fails a check: exit 1)."""
    run = validate({**BASE, contract.SIGNED_URL_EXPIRATION: "900"}, "--json", "--timeout", "2", "--origin", "https://app.example.com")
    assert run.report["checks"][0]["status"] == "passed"
    assert run.code == 1
