"""Where the STORAGE_* values come from: the environment, a `.env` file or a Pulumi stack.

Exactly one source is read per run, so the report says what was validated. Only the
contract's variables are taken; nothing read here is ever printed (the secret key is
among them).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from infra.dotenv.failover import SOURCE_SUFFIX as FAILOVER_SUFFIX
from infra.dotenv.formats import HEADER as DOTENV_HEADER
from infra.guide import contract
from infra.stack_outputs import PulumiNotFound, StackOutputError, read_stack_outputs

_DOTENV_SOURCE = re.compile(
    re.escape(DOTENV_HEADER) + r" from (stack|file) (.+?)(" + re.escape(FAILOVER_SUFFIX) + r")?\."
)


@dataclass(frozen=True)
class Managed:
    """The configuration came from a stack, or from a `.env` `infra.dotenv` wrote: the key is the
    stack's, so the fix for a refused key is to rewrite the `.env` or rotate, never the console."""

    rewrite_args: str
    """How `infra.dotenv` reads the outputs again: `--stack prod`, `--from-json FILE`, or `--stack <stack>`."""
    output: str
    """The `.env` to rewrite."""


class InputError(Exception):
    """The source could not be read; the message says why and never holds a value."""


@dataclass(frozen=True)
class Inputs:
    """Raw values of the contract's variables (empty string when unset) and CORS origins."""

    values: Mapping[str, str]
    source: str
    origins: tuple[str, ...] = field(default=())
    origins_source: str = ""
    managed: Managed | None = None

    def get(self, name: str) -> str:
        return self.values.get(name, "")

    def nothing_configured(self) -> bool:
        """True when every STORAGE_* variable is unset or blank (the guide's CI skip case);
        the SDK settings alone configure no storage."""
        return not any(self.get(name).strip() for name in contract.STORAGE_NAMES)


def _contract_values(raw: Mapping[str, object]) -> dict[str, str]:
    values = {}
    for name in contract.CONTRACT_NAMES:
        value = raw.get(name)
        values[name] = "" if value is None else str(value)
    return values


def from_environment(environ: Mapping[str, str]) -> Inputs:
    return Inputs(_contract_values(environ), "environment")


def from_env_file(path: Path) -> Inputs:
    """The file's values as python-dotenv reads them (the app's own `.env` syntax)."""
    from dotenv import dotenv_values

    if not path.is_file():
        raise InputError(f"--env-file {path}: no such file")
    try:
        raw = dotenv_values(path, interpolate=False)
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"--env-file {path}: cannot be read ({type(error).__name__})") from None
    return Inputs(_contract_values(raw), f"env file {path}", managed=_written_by_dotenv(path))


def _written_by_dotenv(path: Path) -> Managed | None:
    """`Managed` when the file's first line is the header `python -m infra.dotenv` writes."""
    try:
        with path.open(encoding="utf-8") as handle:
            first = handle.readline(1000)
    except (OSError, UnicodeDecodeError):
        return None
    if not first.startswith(DOTENV_HEADER):
        return None
    match = _DOTENV_SOURCE.fullmatch(first.rstrip("\r\n"))
    if match is None:
        return Managed("--stack <stack>", str(path))
    kind, name, failover = match.groups()
    source = f"--stack {name}" if kind == "stack" else f"--from-json {name}"
    return Managed(source + (" --failover" if failover else ""), str(path))


def from_stack(stack: str, project_dir: Path, timeout: float) -> Inputs:
    """The stack's outputs via `pulumi stack output --json --show-secrets` (never echoed)."""
    try:
        outputs = read_stack_outputs(stack, project_dir, timeout)
    except PulumiNotFound:
        raise InputError("--stack needs the pulumi CLI on PATH; install it, or use --env-file / the environment") from None
    except StackOutputError as error:
        raise InputError(str(error)) from None
    origins = outputs.get(contract.CORS_ORIGINS_OUTPUT) or []
    if isinstance(origins, str):  # an output exported as a JSON string
        try:
            origins = json.loads(origins)
        except json.JSONDecodeError:
            origins = [origins]
    if not isinstance(origins, list):
        origins = []
    return Inputs(
        _contract_values(outputs),
        f"stack {stack}",
        tuple(str(o) for o in origins),
        f"stack output {contract.CORS_ORIGINS_OUTPUT}" if origins else "",
        Managed(f"--stack {stack}", ".env"),
    )


def with_origins(inputs: Inputs, origins: tuple[str, ...]) -> Inputs:
    """`--origin` values replace the stack's origins."""
    if not origins:
        return inputs
    return Inputs(inputs.values, inputs.source, origins, "--origin", inputs.managed)
