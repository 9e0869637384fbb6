"""`infra.dotenv --format docker|json`, judged by the real readers of each format, and the
refusal to write the secret where git would track it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from infra.dotenv.git_guard import tracked_by_git
from infra.guide import contract
from tests.support.doc_pages import pages
from tests.support.dotenv_support import AWS_OUTPUTS, EXPECTED, KEY_ID, SECRET, outputs_file, run
from tests.support.env_file_readers import docker_reads, kubectl_reads
from tests.support.repo_support import git, repository_copy

# Values that stress an env-file reader: `#`, `=`, quotes, spaces, unicode, a backslash.
STRESS = ["a#b", "#start", "x=y==", "it's", 'say "hi"', "mid'quote\"s", "inner  spaces here", "café-バケツ-🪣",
          "back\\slash", "tail'", "100%!&*()[]{};:,.<>?/|~", "a= b"]


def write(tmp_path: Path, capsys: pytest.CaptureFixture[str], outputs: dict, *args: str, name: str = "app.env") -> tuple[int, str, Path]:
    target = tmp_path / name
    code, _, err = run(capsys, "--from-json", str(outputs_file(tmp_path, outputs)), "--output", str(target), *args)
    return code, err, target


def stressed(value: str) -> tuple[dict, dict]:
    """Outputs with `value` in the bucket and secret (plain text variables), and what must be read."""
    changed = {contract.BUCKET: value, contract.SECRET_ACCESS_KEY: value + "-secret"}
    return {**AWS_OUTPUTS, **changed}, {**EXPECTED, **changed}


def test_the_default_format_is_unchanged_byte_for_byte(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The default is what every earlier release wrote (the app's loaders and deployed scripts read it)."""
    code, _, target = write(tmp_path, capsys, AWS_OUTPUTS)
    assert code == 0
    source = tmp_path / "outputs.json"
    expected = (
        f"# RaptScallions storage (STORAGE_*), written by `python -m infra.dotenv` from file {source}.\n"
        "# Holds the secret access key: keep it private and out of git.\n"
        + "".join(f"{name}='{value}'\n" for name, value in EXPECTED.items())
    )
    assert target.read_text(encoding="utf-8") == expected
    assert code == 0 and write(tmp_path, capsys, AWS_OUTPUTS, "--format", "dotenv", "--force")[2].read_text() == expected


@pytest.mark.parametrize("value", STRESS)
def test_docker_format_is_read_exactly_by_docker_and_kubectl(value: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    outputs, expected = stressed(value)
    code, err, target = write(tmp_path, capsys, outputs, "--format", "docker")
    assert code == 0, err
    assert "'" + EXPECTED[contract.BACKEND] + "'" not in target.read_text(encoding="utf-8"), "no quotes around values"
    assert docker_reads(target) == expected
    assert kubectl_reads(target) == expected


def test_docker_format_of_plain_stack_outputs_keeps_the_validators_header(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, err, target = write(tmp_path, capsys, AWS_OUTPUTS, "--format", "docker")
    assert code == 0, err
    text = target.read_text(encoding="utf-8")
    assert text.startswith("# RaptScallions storage (STORAGE_*), written by `python -m infra.dotenv`")
    assert f"{contract.ACCESS_KEY_ID}={KEY_ID}\n" in text and f"{contract.SECRET_ACCESS_KEY}={SECRET}\n" in text
    assert docker_reads(target) == EXPECTED == kubectl_reads(target)


# Each value a container reader would change, and the words of the reason (compose's env_file rules:
# docs.docker.com/compose/env-file/; docker and kubectl keep them, compose would not).
DOCKER_REFUSED = [
    (" lead", "whitespace"), ("trail ", "whitespace"), ("\ttab", "control"), ("'quoted'", "quote"), ('"dq', "quote"),
    ("`tick", "quote"), ("$HOME", "`$`"), ("a${b}", "`$`"), ("pa$$word", "`$`"), ("a #b", "comment"), ("a\t#b", "control"),
    ("line\nbreak", "line break"), ("cr\rhere", "line break"), ("sep\u2028arator", "line break"), ("nul\x00", "line break"),
]


@pytest.mark.parametrize(("value", "reason"), DOCKER_REFUSED, ids=repr)
def test_docker_format_refuses_what_a_reader_would_change_naming_variable_and_reason(
    value: str, reason: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outputs = {**AWS_OUTPUTS, contract.SECRET_ACCESS_KEY: value, contract.BUCKET: value}
    code, err, target = write(tmp_path, capsys, outputs, "--format", "docker")
    assert code == 1 and "nothing was written" in err
    assert f"{contract.SECRET_ACCESS_KEY} " in err and f"{contract.BUCKET} " in err, "every problem at once, by name"
    assert reason in err
    assert value.strip() not in err, "the value (the secret) is never shown"
    assert not target.exists()


@pytest.mark.parametrize("value", [*STRESS, "$HOME", " padded ", "line\nbreak", "'quoted'"], ids=repr)
def test_json_format_holds_any_text_exactly(value: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    outputs, expected = stressed(value)
    code, err, target = write(tmp_path, capsys, outputs, "--format", "json", name="app.json")
    assert code == 0, err
    assert json.loads(target.read_text(encoding="utf-8")) == expected
    assert target.stat().st_mode & 0o777 == 0o600


# --- the secret and git ---------------------------------------------------------------------


@pytest.fixture()
def work_tree(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    (repo / ".gitignore").write_text("/secrets/\n")
    (repo / "deploy").mkdir()
    (repo / "secrets").mkdir()
    git(repo, "add", ".gitignore")
    git(repo, "commit", "-qm", "ignore rules")
    return repo


@pytest.mark.parametrize("format_name", ["dotenv", "docker", "json"])
def test_a_secret_is_not_written_where_git_would_track_it(
    format_name: str, work_tree: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = work_tree / "deploy" / "app.env"
    code, _, err = run(capsys, "--from-json", str(outputs_file(tmp_path, AWS_OUTPUTS)), "--output", str(target), "--format", format_name)
    assert code == 1 and "nothing was written" in err
    assert "`/deploy/app.env`" in err and ".gitignore" in err and "--force" in err
    assert not target.exists()
    assert git(work_tree, "status", "--porcelain", "--untracked-files=all") == ""


def test_the_missing_rule_it_names_is_the_fix(work_tree: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = work_tree / "deploy" / "app.env"
    _, _, err = run(capsys, "--from-json", str(outputs_file(tmp_path, AWS_OUTPUTS)), "--output", str(target))
    rule = re.search(r"add `([^`]+)` to \.gitignore", err).group(1)
    with (work_tree / ".gitignore").open("a") as gitignore:
        gitignore.write(rule + "\n")
    code, _, err = run(capsys, "--from-json", str(outputs_file(tmp_path, AWS_OUTPUTS)), "--output", str(target))
    assert code == 0, err
    assert "app.env" not in git(work_tree, "status", "--porcelain", "--untracked-files=all")


def test_ignored_paths_are_written_and_force_writes_a_tracked_path_with_a_warning(
    work_tree: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = str(outputs_file(tmp_path, AWS_OUTPUTS))
    assert run(capsys, "--from-json", source, "--output", str(work_tree / "secrets" / "app.env"))[0] == 0
    target = work_tree / "deploy" / "app.env"
    code, _, err = run(capsys, "--from-json", source, "--output", str(target), "--force")
    assert code == 0 and target.exists()
    assert err.startswith("warning:") and "`/deploy/app.env`" in err


def test_an_already_tracked_file_is_refused_with_how_to_untrack_it(
    work_tree: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (work_tree / "secrets" / "app.env").write_text("OLD=1\n")
    git(work_tree, "add", "-f", "secrets/app.env")
    target = work_tree / "secrets" / "app.env"
    code, _, err = run(capsys, "--from-json", str(outputs_file(tmp_path, AWS_OUTPUTS)), "--output", str(target), "--force")
    assert code == 0 and "is tracked by git" in err and "git rm --cached" in err, "--force writes, and still warns"
    target.write_text("OLD=1\n")
    code, _, err = run(capsys, "--from-json", str(outputs_file(tmp_path, AWS_OUTPUTS)), "--output", str(target))
    assert code == 1 and "git rm --cached" in err


def test_the_readmes_example_output_is_ignored_in_this_repository(tmp_path: Path) -> None:
    """The docs write `--output deploy/app.env` from a clone of this package: git must ignore it."""
    docs = "\n".join(path.read_text(encoding="utf-8") for path in pages())
    outputs = set(re.findall(r"infra\.dotenv [^\n]*--output (\S+)", docs))
    assert "deploy/app.env" in outputs
    clone = repository_copy(tmp_path)
    for output in outputs:
        (clone / output).parent.mkdir(parents=True, exist_ok=True)
        assert tracked_by_git(clone / output) is None, f"the docs' --output {output} would be tracked"
