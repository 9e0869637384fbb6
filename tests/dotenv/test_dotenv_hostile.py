"""`infra.dotenv` against hostile input: what it writes is read back exactly, by python-dotenv
and by the app's own parser (Node's dotenv), or nothing is written and the reason is one line."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
from dotenv import dotenv_values

from infra.guide import contract
from infra.offline.stack_files import PROJECT_ROOT
from infra.validate.config import load_target
from infra.validate.inputs import from_env_file
from scripts.node_packages import NODE, existing_dir
from tests.support.dotenv_support import AWS_OUTPUTS, EXPECTED, outputs_file, run

NODE_READER = PROJECT_ROOT / "tests" / "js" / "dotenv_parse.js"


def node_reads(path: Path) -> dict[str, str]:
    """The variables the app's `require('dotenv').parse` reads from `path`."""
    folder = existing_dir()
    if folder is None:
        pytest.fail("the app's npm packages are not installed: run `python3 scripts/node_packages.py` (make test does)", pytrace=False)
    result = subprocess.run(
        [NODE, str(NODE_READER), str(path)],
        env={**os.environ, "NODE_PATH": str(folder / "node_modules")},
        capture_output=True, text=True, timeout=60, check=True,
    )
    return json.loads(result.stdout)


def assert_both_parsers_read(path: Path, expected: dict[str, str]) -> None:
    assert dotenv_values(path) == expected
    assert dotenv_values(path, interpolate=False) == expected
    assert node_reads(path) == expected


# A --from-json path is written into the header comment: nothing in it may end the line.
HOSTILE_NAMES = [
    "out\nSTORAGE_S3_BUCKET=evil.json",
    "out\rSTORAGE_BACKEND=local.json",
    "out\r\nSTORAGE_BACKEND=local.json",
    "out\u2028STORAGE_BACKEND=local.json",
    "out\u2029STORAGE_BACKEND=local.json",
    "out\x85STORAGE_BACKEND=local.json",
    "out\x0bSTORAGE_BACKEND=local.json",
    "out\\nSTORAGE_BACKEND=local.json",
    "out' #\"STORAGE_BACKEND=local.json",
]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_a_hostile_source_path_stays_inside_the_comment(name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / name
    source.write_text(json.dumps(AWS_OUTPUTS))
    target = tmp_path / ".env"
    code, _, err = run(capsys, "--from-json", str(source), "--output", str(target))
    assert code == 0, err
    assert_both_parsers_read(target, EXPECTED)
    assert len(target.read_text().split("\n")) == len(EXPECTED) + 3  # two comment lines and the final newline


BAD_JSON = {
    "list nested 100000 deep": "[" * 100000 + "]" * 100000,
    "object nested 100000 deep": '{"a":' * 100000 + "1" + "}" * 100000,
    "5000-digit number": '{"STORAGE_QUOTA_BYTES": ' + "9" * 5000 + "}",
    "truncated": '{"STORAGE_BACKEND": "s3"',
    "NaN": '{"STORAGE_QUOTA_BYTES": NaN',
}


@pytest.mark.parametrize("name", sorted(BAD_JSON))
def test_json_that_cannot_be_read_is_one_clean_error(name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "outputs.json"
    source.write_text(BAD_JSON[name])
    target = tmp_path / ".env"
    code, _, err = run(capsys, "--from-json", str(source), "--output", str(target))
    assert code == 1 and "not JSON" in err and err.count("\n") == 1
    assert not target.exists()


@pytest.mark.parametrize("number", [10485760.0, 1e7, 10485760])
def test_a_whole_number_is_written_as_digits_the_validator_accepts(
    number: float, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / ".env"
    code, _, err = run(capsys, "--from-json", str(outputs_file(tmp_path, {**AWS_OUTPUTS, contract.MAX_FILE_SIZE: number})),
                       "--output", str(target))
    assert code == 0, err
    digits = str(int(number))
    assert_both_parsers_read(target, {**EXPECTED, contract.MAX_FILE_SIZE: digits})
    assert load_target(from_env_file(target)).bucket == EXPECTED[contract.BUCKET]  # the validator's Configuration passes


NOT_WHOLE = [1.5, -1, 0, 1e25, "10485760.0", "²", "0x10", "1e6", " 12", "12abc"]


@pytest.mark.parametrize("name", [contract.SIGNED_URL_EXPIRATION, contract.MAX_FILE_SIZE, contract.QUOTA])
@pytest.mark.parametrize("value", NOT_WHOLE, ids=repr)
def test_a_number_the_validator_would_refuse_is_not_written(
    name: str, value: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / ".env"
    source = tmp_path / "outputs.json"
    source.write_text(json.dumps({**AWS_OUTPUTS, name: value}))
    code, _, err = run(capsys, "--from-json", str(source), "--output", str(target))
    assert code == 1 and name in err and "whole number" in err
    assert not target.exists()


def test_infinity_is_not_written(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "outputs.json"
    source.write_text(json.dumps(AWS_OUTPUTS)[:-1] + ', "STORAGE_QUOTA_BYTES": 1e400}')
    code, _, err = run(capsys, "--from-json", str(source), "--output", str(tmp_path / ".env"))
    assert code == 1 and contract.QUOTA in err


READ_LITERALLY = ["a#b", "a #b", "#start", "$HOME", "a$b", "$ {x}", 'say "hi"', "`tick`", "a = b", "café", "バケツ",
                  "emoji-🪣", "  padded  ", "x=y=z", "!@%^&*()[]{};:,.<>?/|~"]


@pytest.mark.parametrize("value", READ_LITERALLY)
def test_hostile_but_writable_values_read_back_exactly_in_both_parsers(
    value: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / ".env"
    outputs = {**AWS_OUTPUTS, contract.BUCKET: value, contract.SECRET_ACCESS_KEY: value + "-secret"}
    code, _, err = run(capsys, "--from-json", str(outputs_file(tmp_path, outputs)), "--output", str(target))
    assert code == 0, err
    assert_both_parsers_read(target, {**EXPECTED, contract.BUCKET: value, contract.SECRET_ACCESS_KEY: value + "-secret"})


REFUSED = ["it's", "${HOME}", "a${b}", "back\\slash", "line\nbreak", "cr\rhere", "tab\there", "nul\x00", "sep\u2028arator", "nel\x85",
           "zero\u200bwidth", "del\x7f"]


@pytest.mark.parametrize("value", REFUSED, ids=repr)
def test_values_a_dialect_would_read_differently_are_refused_without_quoting_them(
    value: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / ".env"
    outputs = {**AWS_OUTPUTS, contract.SECRET_ACCESS_KEY: value}
    code, _, err = run(capsys, "--from-json", str(outputs_file(tmp_path, outputs)), "--output", str(target))
    assert code == 1 and contract.SECRET_ACCESS_KEY in err and value not in err
    assert not target.exists()
