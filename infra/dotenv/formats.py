"""The three shapes of the app's variables, one per kind of runtime that reads them.

- `dotenv` (the default): `NAME='value'` lines, read literally by python-dotenv and Node's
  dotenv (the app's own loaders) and by a POSIX shell's `set -a; . ./.env`.
- `docker`: plain `NAME=value` lines for `docker run --env-file`, compose's `env_file` and
  `kubectl create secret generic --from-env-file`. Docker and kubectl keep everything after the
  first `=` byte for byte, quotes included (docker/cli `opts/file.go` parseKeyValueFile: "pass
  the value through, no trimming"; kubectl `pkg/cmd/util/env_file.go` processEnvFileLine; moby
  issue 46773, docker/cli issue 3630), so the default format's quotes would reach the app. Compose
  reads an unquoted value as a dotenv value (docs.docker.com/compose/env-file/: interpolation of
  `$`, an inline comment after whitespace and `#`, surrounding quotes removed, surrounding
  whitespace trimmed), so values those rules would change are refused rather than written.
- `json`: one JSON object of the variables, for tools that take JSON (a secrets manager's
  `put-secret-value`, a Kubernetes `stringData` generator); any text is written exactly.

Each format names why it cannot hold a value (never the value: one of them is the secret).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

HEADER = "# RaptScallions storage (STORAGE_*), written by `python -m infra.dotenv`"
"""How a written file's first line starts: the validator knows by it that the key is the stack's."""
SECOND_LINE = "# Holds the secret access key: keep it private and out of git."

_DOTENV_UNSAFE = re.compile(r"['\\]|\$\{")
"""What the dotenv dialects read differently inside single quotes: a quote, a backslash, `${`
(python-dotenv expands it even there, Node's dotenv does not)."""
_COMPOSE_COMMENT = re.compile(r"\s#")


def _unprintable(text: str) -> bool:
    """Control characters and line separators (a newline ends a line in every reader)."""
    return any(not (ch.isprintable() or ch == " ") for ch in text)


def dotenv_problem(text: str) -> str | None:
    if _DOTENV_UNSAFE.search(text) or _unprintable(text):
        return "contains a quote, backslash, `${` or control character"
    return None


def docker_problem(text: str) -> str | None:
    if _unprintable(text):
        return "contains a line break or control character, which no env-file line can hold"
    if text != text.strip():
        return "starts or ends with whitespace, which compose's env_file trims"
    if text[:1] in ("'", '"', "`"):
        return "starts with a quote, which compose's env_file removes"
    if "$" in text:
        return "contains `$`, which compose's env_file expands as a variable"
    if _COMPOSE_COMMENT.search(text):
        return "contains whitespace before `#`, which compose's env_file reads as a comment"
    return None


def json_problem(text: str) -> str | None:
    return None


def _comment_lines(source: str) -> list[str]:
    return [f"{HEADER} from {comment_text(source)}.", SECOND_LINE]


def render_dotenv(values: Mapping[str, str], source: str) -> str:
    return "\n".join(_comment_lines(source) + [f"{name}='{value}'" for name, value in values.items()]) + "\n"


def render_docker(values: Mapping[str, str], source: str) -> str:
    return "\n".join(_comment_lines(source) + [f"{name}={value}" for name, value in values.items()]) + "\n"


def render_json(values: Mapping[str, str], source: str) -> str:
    return json.dumps(dict(values), indent=2, ensure_ascii=False) + "\n"


def comment_text(text: str) -> str:
    """`text` safe inside a `#` comment line: anything that could end the line (newline, CR,
    U+2028, which Node's dotenv also splits on) or hide in it is written as an escape."""
    return "".join(ch if ch.isprintable() and ch != "\\" else ascii(ch)[1:-1] for ch in text)


@dataclass(frozen=True)
class Format:
    name: str
    problem: Callable[[str], str | None]
    """Why a value cannot be written in this format so that its readers get it exactly."""
    render: Callable[[Mapping[str, str], str], str]
    readers: str
    """Who reads it (the CLI's help and docs/operations.md say so)."""


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("dotenv", dotenv_problem, render_dotenv, "the app's dotenv loaders (python-dotenv, Node's dotenv), a shell"),
        Format("docker", docker_problem, render_docker, "docker run --env-file, compose env_file, kubectl --from-env-file"),
        Format("json", json_problem, render_json, "tools that take a JSON object of the variables"),
    )
}
DEFAULT_FORMAT = "dotenv"
