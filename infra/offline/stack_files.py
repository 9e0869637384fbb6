"""Reading Pulumi.yaml and Pulumi.<stack>.yaml the way the Pulumi CLI does.

The CLI hands the program the stack's config with the project's declared defaults
filled in, every value a string (lists and maps as JSON). `stack_config` reproduces
that, so the offline plan sees what `pulumi up` would; every reader of stack files (the
plan, `infra.ci`) goes through `infra.offline.pulumi_yaml`, which reads YAML as Pulumi does.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from infra import PROJECT
from infra.offline import pulumi_yaml
from infra.project_files import policy_config_name

PROJECT_ROOT = Path(__file__).resolve().parents[2]


class StackFileError(ValueError):
    """A stack or project file that cannot be read; the message names the file."""


def stack_names(project_dir: Path = PROJECT_ROOT) -> list[str]:
    """Every stack with a `Pulumi.<stack>.yaml` file, sorted."""
    return sorted(stack_of(p) for p in project_dir.glob("Pulumi.*.yaml"))


def stack_of(stack_file: Path) -> str:
    """The stack a `Pulumi.<stack>.yaml` file configures, from its name (as the CLI finds it)."""
    name = stack_file.name
    if not (name.startswith("Pulumi.") and name.endswith(".yaml")) or name.count(".") < 2:
        raise StackFileError(f"{name}: a stack file is named Pulumi.<stack>.yaml")
    return name[len("Pulumi.") : -len(".yaml")]


def policy_config_file(stack: str, project_dir: Path = PROJECT_ROOT) -> Path | None:
    """The stack's committed policy config, or None when it has none (the pack's defaults)."""
    path = project_dir / policy_config_name(stack)
    return path if path.exists() or path.is_symlink() else None  # a broken link is reported by the reader


def load_yaml(path: Path) -> dict[str, Any]:
    """A YAML mapping from `path`, decoded as Pulumi decodes it; StackFileError otherwise."""
    try:
        data = pulumi_yaml.read_file(path)
    except pulumi_yaml.YamlFileError as error:
        raise StackFileError(str(error)) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise StackFileError(f"{path.name} must be a YAML mapping")
    return data


def project_declarations(project_dir: Path = PROJECT_ROOT) -> dict[str, Any]:
    """The `config:` block of Pulumi.yaml, keyed by setting name."""
    config = load_yaml(project_dir / "Pulumi.yaml").get("config") or {}
    if not isinstance(config, dict):
        raise StackFileError("Pulumi.yaml: `config:` must be a mapping")
    return dict(config)


def stack_config(
    stack: str, project_dir: Path = PROJECT_ROOT, stack_file: Path | None = None
) -> tuple[dict[str, str], list[str]]:
    """The config the CLI would pass for `stack`: ("namespace:key" -> string, secret keys).

    The stack file is `project_dir/Pulumi.<stack>.yaml` unless `stack_file` names another
    (an example kept outside the project root, read as if it were copied beside Pulumi.yaml).
    Scalars are passed as written (Pulumi unmarshals each value into a Go string first), lists
    and maps as JSON. Encrypted (`secure:`) values cannot be decrypted offline; they are
    passed as a placeholder and listed as secret.
    """
    path = stack_file if stack_file is not None else project_dir / f"Pulumi.{stack}.yaml"
    try:
        root = pulumi_yaml.compose(path)
        entries = _config_entries(root, path)
    except pulumi_yaml.YamlFileError as error:
        raise StackFileError(str(error)) from None
    config: dict[str, str] = {}
    secret_keys: list[str] = []
    for key, declaration in project_declarations(project_dir).items():
        if isinstance(declaration, dict) and "default" in declaration:
            config[_qualify(key)] = _as_config_string(declaration["default"])
    for key, node in entries:
        full_key = _qualify(key)
        if pulumi_yaml.secure_value(node) is not None:
            config[full_key] = "[secret]"
            secret_keys.append(full_key)
            continue
        try:
            config[full_key] = pulumi_yaml.config_string(node, path)
        except pulumi_yaml.YamlFileError as error:
            raise StackFileError(str(error)) from None
    return config, secret_keys


def _config_entries(root: Any, path: Path) -> list[tuple[str, Any]]:
    if root is None:
        return []
    top = dict(pulumi_yaml.mapping_items(root, path, "the stack file"))
    config = top.get("config")
    if config is None or (getattr(config, "tag", None) == pulumi_yaml.PLAIN and config.value == ""):
        return []
    return pulumi_yaml.mapping_items(config, path, "`config:`")


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
