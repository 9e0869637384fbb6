"""Stack files a fork's pull request could ship: each gets one clean error, never a traceback
or a hang, from every reader (`infra.plan`, `infra.ci.matrix`); and values are read the way
Pulumi's Go YAML reader hands them to the program, so the offline plan and `pulumi up` agree."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from infra import plan as plan_cli
from infra.ci import matrix
from infra.offline import pulumi_yaml
from infra.offline.stack_files import PROJECT_ROOT, stack_config

VALID = (
    "config:\n"
    "  raptscallions-storage:provider: aws\n"
    "  raptscallions-storage:bucketName: raptscallions-hostile\n"
    "  raptscallions-storage:region: us-east-1\n"
    "  raptscallions-storage:corsAllowedOrigins:\n"
    "    - https://app.example.com\n"
)

BILLION_LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(9)
) + "config: {raptscallions-storage:tags: *j}\n"

HOSTILE_TEXT: dict[str, tuple[str, str]] = {
    # name: (file text, what the one error line must say)
    "5000-digit integer": ("config:\n  raptscallions-storage:corsMaxAgeSeconds: " + "9" * 5000 + "\n", "does not fit in 64 bits"),
    "5000-digit integer in a list": ("config:\n  raptscallions-storage:tags: [" + "1" * 5000 + "]\n", "does not fit in 64 bits"),
    "list nested 50000 deep": ("config:\n  raptscallions-storage:tags: " + "[" * 50000 + "]" * 50000 + "\n", "bytes"),
    "list nested 30000 deep": ("config:\n  raptscallions-storage:tags: " + "[" * 30000 + "]" * 30000 + "\n", "nested more than"),
    "map nested 10000 deep": ("config:\n  raptscallions-storage:tags: " + "{a: " * 10000 + "b" + "}" * 10000 + "\n", "nested more than"),
    "block lists nested 100 deep": (
        "config:\n  raptscallions-storage:tags:\n" + "".join("  " * (i + 2) + "-\n" for i in range(100)), "nested more than"
    ),
    "alias bomb": (BILLION_LAUGHS, "anchors (&name) are not accepted"),
    "one alias": ("x: &x https://a.example\nconfig:\n  raptscallions-storage:region: *x\n", "not accepted"),
    "duplicate key": (VALID + "  raptscallions-storage:region: eu-west-1\n", "defined twice"),
    "python tag": ("config:\n  raptscallions-storage:region: !!python/object:os.system ls\n", "is not accepted"),
    "top level is a list": ("- a\n- b\n", "must be a mapping"),
    "config is a list": ("config: [a, b]\n", "must be a mapping"),
    "NUL character": ("config:\n  raptscallions-storage:region: us\x00east\n", "not valid YAML"),
    "two documents": (VALID + "---\n" + VALID, "not valid YAML"),
    ".inf in a list": ("config:\n  raptscallions-storage:tags: {a: .inf}\n", "cannot be passed"),
    "date-time in a list": ("config:\n  raptscallions-storage:tags: {a: 2001-12-14t21:59:43.10-05:00}\n", "timestamp"),
}


def hostile_project(tmp_path: Path, name: str) -> Path:
    """A throwaway project with the real program files and a `Pulumi.hostile.yaml` named `name`."""
    for file in ("Pulumi.yaml", "__main__.py", "requirements.txt"):
        shutil.copy(PROJECT_ROOT / file, tmp_path / file)
    stack = tmp_path / "Pulumi.hostile.yaml"
    if name == "a directory":
        stack.mkdir()
    elif name == "a fifo":
        os.mkfifo(stack)
    elif name == "a symlink loop":
        stack.symlink_to(stack.name)
    elif name == "a symlink to /dev/zero":
        stack.symlink_to("/dev/zero")
    elif name == "not UTF-8":
        stack.write_bytes(VALID.encode() + b"  raptscallions-storage:environment: caf\xe9\n")
    elif name == "larger than the limit":
        stack.write_text(VALID + "# " + "x" * pulumi_yaml.MAX_BYTES + "\n")
    elif name == "unreadable":
        stack.write_text(VALID)
        stack.chmod(0)
    else:
        stack.write_text(HOSTILE_TEXT[name][0])
    return tmp_path


FILE_CASES = {
    "a directory": "is a directory",
    "a fifo": "not a regular file",
    "a symlink to /dev/zero": "not a regular file",
    "not UTF-8": "not UTF-8",
    "larger than the limit": "bytes",
    "unreadable": "cannot be read",
    "a symlink loop": "cannot be read",
    **{name: expected for name, (_, expected) in HOSTILE_TEXT.items()},
}


def _unreadable_even_as_root(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Root reads a mode-000 file anyway (CI runs as root): there, the reader's open of the
    stack file fails with the EACCES an unprivileged user gets, so the case still runs."""
    if name != "unreadable" or os.geteuid() != 0:
        return
    real_open = pulumi_yaml.os.open

    def open_as_unprivileged(path, flags, *args, **kwargs):
        if str(path).endswith("Pulumi.hostile.yaml"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(pulumi_yaml.os, "open", open_as_unprivileged)


@pytest.mark.parametrize("name", sorted(FILE_CASES))
def test_plan_refuses_a_hostile_stack_file_with_exit_2_and_one_line(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _unreadable_even_as_root(name, monkeypatch)
    project = hostile_project(tmp_path, name)
    code = plan_cli.main(["--stack", "hostile", "--project-dir", str(project)])
    out, err = capsys.readouterr()
    assert code == 2, (out, err)
    assert out == ""
    assert err.startswith("error: Pulumi.hostile.yaml") and err.count("\n") == 1, err
    assert FILE_CASES[name] in err
    assert len(err) < 400, "the error quotes the hostile input back in full"


@pytest.mark.parametrize("name", sorted(FILE_CASES))
def test_ci_matrix_refuses_a_hostile_stack_file_cleanly(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _unreadable_even_as_root(name, monkeypatch)
    project = hostile_project(tmp_path, name)
    code = matrix.main(["--project-dir", str(project)])
    out, err = capsys.readouterr()
    assert code == 1 and out == ""
    assert "Pulumi.hostile.yaml" in err and FILE_CASES[name] in err


def test_the_plan_process_ends_cleanly_on_the_alias_bomb_and_the_deep_list(tmp_path: Path) -> None:
    """As a user runs it: a separate process, no traceback (the wait is bounded, not timed)."""
    for name in ("alias bomb", "list nested 50000 deep", "list nested 30000 deep", "5000-digit integer"):
        folder = tmp_path / name.replace(" ", "-")
        folder.mkdir()
        project = hostile_project(folder, name)
        result = subprocess.run(
            [sys.executable, "-m", "infra.plan", "--stack", "hostile", "--project-dir", str(project)],
            cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120,
        )
        assert result.returncode == 2, result.stderr
        assert "Traceback" not in result.stderr and HOSTILE_TEXT[name][1] in result.stderr


# What Pulumi hands the program: a scalar config value is its source text (Pulumi unmarshals
# it into a Go string first); a list or map is decoded by yaml.v3 and passed as JSON.
SCALARS = {
    "1:00": "1:00",
    "yes": "yes",
    "on": "on",
    "No": "No",
    "y": "y",
    "True": "True",
    "010": "010",
    "0o17": "0o17",
    "0x1F": "0x1F",
    "1_000": "1_000",
    "1e3": "1e3",
    "+60": "+60",
    "2001-12-14": "2001-12-14",
    "~": "",
    "null": "",
    "'quoted 010'": "quoted 010",
    '"1:00"': "1:00",
    "3600": "3600",
}

NESTED = {
    "[yes, on, off, no, y]": ["yes", "on", "off", "no", "y"],
    "[true, True, FALSE]": [True, True, False],
    "[1:00, 190:20:30]": ["1:00", "190:20:30"],
    "[010, 0o17, 0x1F, 0b101, 1_000, -0x10]": [8, 15, 31, 5, 1000, -16],
    "[08, 1e3, 1.5, .5, 1e400]": [8, 1000, 1.5, 0.5, "1e400"],
    "[~, null, '~']": [None, None, "~"],
    "[2001-12-14]": ["2001-12-14T00:00:00Z"],
    "{b: 1, a: '2'}": {"a": "2", "b": 1},
    "[18446744073709551615, -9223372036854775808]": [18446744073709551615, -9223372036854775808],
}


def _config_of(tmp_path: Path, value_yaml: str) -> str:
    shutil.copy(PROJECT_ROOT / "Pulumi.yaml", tmp_path / "Pulumi.yaml")
    (tmp_path / "Pulumi.q.yaml").write_text(f"config:\n  raptscallions-storage:corsMaxAgeSeconds: {value_yaml}\n")
    config, _ = stack_config("q", tmp_path)
    return config["raptscallions-storage:corsMaxAgeSeconds"]


@pytest.mark.parametrize("source", sorted(SCALARS))
def test_a_scalar_reaches_the_program_as_written(source: str, tmp_path: Path) -> None:
    assert _config_of(tmp_path, source) == SCALARS[source]


@pytest.mark.parametrize("source", sorted(NESTED))
def test_lists_and_maps_are_decoded_as_go_yaml_v3_does(source: str, tmp_path: Path) -> None:
    assert json.loads(_config_of(tmp_path, source)) == NESTED[source]


def test_yaml_1_1_sexagesimal_is_a_settings_problem_offline_as_under_pulumi(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """PyYAML read `1:00` as 60 and the plan passed; Pulumi passes "1:00", which the program refuses."""
    project = hostile_project(tmp_path, "duplicate key")
    (project / "Pulumi.hostile.yaml").write_text(VALID + "  raptscallions-storage:corsMaxAgeSeconds: 1:00\n")
    code = plan_cli.main(["--stack", "hostile", "--project-dir", str(project)])
    out, _ = capsys.readouterr()
    assert code == 1
    assert "raptscallions-storage:corsMaxAgeSeconds: must be a whole number, not '1:00'" in out


def test_secure_values_and_empty_config_still_read(tmp_path: Path) -> None:
    shutil.copy(PROJECT_ROOT / "Pulumi.yaml", tmp_path / "Pulumi.yaml")
    (tmp_path / "Pulumi.s.yaml").write_text("config:\n  aws:region: us-east-1\n  raptscallions-storage:x:\n    secure: AAEAAQ==\n")
    config, secrets = stack_config("s", tmp_path)
    assert config["aws:region"] == "us-east-1" and config["raptscallions-storage:x"] == "[secret]"
    assert secrets == ["raptscallions-storage:x"]
    (tmp_path / "Pulumi.e.yaml").write_text("config:\n")
    assert stack_config("e", tmp_path)[1] == []
