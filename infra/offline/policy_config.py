"""Read a `--policy-pack-config` file for the offline plan, as `pulumi preview` takes it.

The format is the engine's: policy name -> a level ("advisory", "mandatory", "disabled")
or an object of the policy's properties with an optional "enforcementLevel" (see the
README's policy pack section). Every problem is reported at once, naming the policy and
property, so a typo never silently leaves a rule at its default.
"""

from __future__ import annotations

import difflib
import json
import re
from pathlib import Path
from typing import Any

LEVELS = ("advisory", "mandatory", "disabled")
_JSON_TYPES = {"integer": int, "string": str, "object": dict, "boolean": bool, "number": (int, float)}


class PolicyConfigError(Exception):
    """The file cannot be used; `problems` lists every reason."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        super().__init__(f"policy pack config {path}: " + "; ".join(problems))
        self.problems = problems


def load_policy_config(path: Path, policies: list[Any]) -> dict[str, Any]:
    """The config in `path`, checked against `policies` (the pack's), or PolicyConfigError."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PolicyConfigError(path, ["no such file"]) from None
    except IsADirectoryError:
        raise PolicyConfigError(path, ["is a directory, not a JSON file"]) from None
    except PermissionError:
        raise PolicyConfigError(path, ["cannot be read (permission denied)"]) from None
    except UnicodeDecodeError:
        raise PolicyConfigError(path, ["is not UTF-8 text"]) from None
    except OSError as error:
        raise PolicyConfigError(path, [f"cannot be read ({error.strerror or error})"]) from None
    try:
        config = json.loads(text)
    except json.JSONDecodeError as error:
        raise PolicyConfigError(path, [f"is not valid JSON: {error.msg} at line {error.lineno} column {error.colno}"]) from None
    except RecursionError:
        raise PolicyConfigError(path, ["is nested too deeply"]) from None
    if not isinstance(config, dict):
        raise PolicyConfigError(path, ["must be a JSON object of policy name -> level or properties"])
    problems = [p for name, entry in config.items() for p in _entry_problems(name, entry, policies)]
    if problems:
        raise PolicyConfigError(path, problems)
    return config


def _entry_problems(name: str, entry: Any, policies: list[Any]) -> list[str]:
    by_name = {policy.name: policy for policy in policies}
    policy = by_name.get(name)
    if policy is None:
        close = difflib.get_close_matches(name, list(by_name), n=1)
        return [f"{name!r} is not a policy of this pack" + (f"; did you mean {close[0]!r}?" if close else "")]
    if isinstance(entry, str):
        return [] if entry in LEVELS else [f"{name}: level {entry!r} must be one of {', '.join(LEVELS)}"]
    if not isinstance(entry, dict):
        return [f"{name}: must be a level ({', '.join(LEVELS)}) or an object of properties"]
    problems = []
    level = entry.get("enforcementLevel", "mandatory")
    if level not in LEVELS:
        problems.append(f"{name}.enforcementLevel: {level!r} must be one of {', '.join(LEVELS)}")
    schema = dict(getattr(policy.config_schema, "properties", None) or {})
    properties = {k: v for k, v in entry.items() if k != "enforcementLevel"}
    problems += _property_problems(name, properties, schema)
    for environment, overrides in (properties.get("environments") or {}).items() if isinstance(properties.get("environments"), dict) else ():
        if isinstance(overrides, dict):
            inner = {k: v for k, v in schema.items() if k != "environments"}
            problems += _property_problems(f"{name}.environments.{environment}", overrides, inner)
    return problems


def _property_problems(where: str, properties: dict[str, Any], schema: dict[str, Any]) -> list[str]:
    problems = []
    for key, value in properties.items():
        spec = schema.get(key)
        if spec is None:
            known = ", ".join(sorted(schema)) or "none"
            problems.append(f"{where}: unknown property {key!r} (properties: {known})")
            continue
        kind = spec.get("type")
        expected = _JSON_TYPES.get(kind)
        if expected and (not isinstance(value, expected) or (kind in ("integer", "number") and isinstance(value, bool))):
            problems.append(f"{where}.{key}: must be a JSON {kind}, got {json.dumps(value)}")
            continue
        if "minimum" in spec and isinstance(value, (int, float)) and value < spec["minimum"]:
            problems.append(f"{where}.{key}: must be at least {spec['minimum']}, got {value}")
        if kind == "object" and key == "environments":
            problems += [f"{where}.environments.{env}: must be an object" for env, v in value.items() if not isinstance(v, dict)]
        if key.endswith("Pattern") and isinstance(value, str):
            try:
                re.compile(value)
            except re.error as error:
                problems.append(f"{where}.{key}: {value!r} is not a valid regular expression ({error})")
    return problems
