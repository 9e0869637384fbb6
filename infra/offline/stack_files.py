"""Reading Pulumi.yaml and Pulumi.<stack>.yaml the way the Pulumi CLI does.

The CLI hands the program the stack's config with the project's declared defaults
filled in, every value a string (lists and maps as JSON). `stack_config` reproduces
that, so the offline plan sees what `pulumi up` would.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from infra import PROJECT

PROJECT_ROOT = Path(__file__).resolve().parents[2]


class StackFileError(ValueError):
    """A stack or project file that cannot be read; the message names the file."""


def stack_names(project_dir: Path = PROJECT_ROOT) -> list[str]:
    """Every stack with a `Pulumi.<stack>.yaml` file, sorted."""
    return sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in project_dir.glob("Pulumi.*.yaml"))


def load_yaml(path: Path) -> dict[str, Any]:
    """A YAML mapping from `path`; StackFileError for a missing or malformed file."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise StackFileError(f"{path.name} not found in {path.parent}") from None
    except yaml.YAMLError as error:
        raise StackFileError(f"{path.name} is not valid YAML: {error}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise StackFileError(f"{path.name} must be a YAML mapping")
    return data


def project_declarations(project_dir: Path = PROJECT_ROOT) -> dict[str, Any]:
    """The `config:` block of Pulumi.yaml, keyed by setting name."""
    return dict(load_yaml(project_dir / "Pulumi.yaml").get("config") or {})


def stack_config(stack: str, project_dir: Path = PROJECT_ROOT) -> tuple[dict[str, str], list[str]]:
    """The config the CLI would pass for `stack`: ("namespace:key" -> string, secret keys).

    Encrypted (`secure:`) values cannot be decrypted offline; they are passed as a
    placeholder and listed as secret.
    """
    stack_file = load_yaml(project_dir / f"Pulumi.{stack}.yaml")
    raw = stack_file.get("config") or {}
    if not isinstance(raw, dict):
        raise StackFileError(f"Pulumi.{stack}.yaml: `config:` must be a mapping")
    config: dict[str, str] = {}
    secret_keys: list[str] = []
    for key, declaration in project_declarations(project_dir).items():
        if isinstance(declaration, dict) and "default" in declaration:
            config[_qualify(key)] = _as_config_string(declaration["default"])
    for key, value in raw.items():
        full_key = _qualify(str(key))
        if isinstance(value, dict) and set(value) == {"secure"}:
            config[full_key] = "[secret]"
            secret_keys.append(full_key)
            continue
        config[full_key] = _as_config_string(value)
    return config, secret_keys


def _qualify(key: str) -> str:
    return key if ":" in key else f"{PROJECT}:{key}"


def _as_config_string(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return json.dumps(value)
