"""A `--policy-pack-config` file, read and applied exactly as the Pulumi engine does.

Sources (pulumi/pulumi, the CLI the workflows install):

- `pkg/resource/analyzer/config.go`, `parsePolicyPackConfig`: a blank file is no config;
  otherwise a JSON object (JSON `null` decodes to an empty one) of policy name -> a level
  string, or an object whose optional "enforcementLevel" is a level and whose other keys are
  the policy's properties; an empty object is skipped. Levels are `apitype.EnforcementLevel`'s
  (`sdk/go/common/apitype/policy.go`): advisory, mandatory, remediate, disabled.
- same file, `ReconcilePolicyPackConfig` / `applyConfig`: start from every policy's own level
  and its schema's property defaults; a valid level under the key `all` then sets every
  policy's level; each named entry then sets its policy's level (overriding `all`) and its
  properties key by key over the defaults. Every entry, known or not, is kept.
- same file, `validatePolicyPackConfig`: each policy of the pack is validated (gojsonschema)
  against `{"type": "object", "properties": <its schema>}`. So a property the schema does not
  name is accepted (and ignored by the pack), and names that are not policies are not validated.
- `sdk/go/common/resource/plugin/analyzer_plugin.go`, `Configure`: every entry must end with a
  valid level, or the run stops with `invalid enforcement level ""`: a name that is not a policy
  of the pack (a typo) with properties but no level of its own, or `all` without a level, fails.
- pulumi_policy (`policy.py`, `_PolicyAnalyzerServicer.Analyze` / `AnalyzeStack`): a policy at
  `remediate` without a remediation (all of ours) still validates and reports its violations
  as mandatory.

`load_policy_config` refuses exactly what the engine refuses, all problems at once, and
returns, as warnings, what the engine accepts and then ignores (a misspelt name with a level,
an unknown property), so a typo does not pass unnoticed.
"""

from __future__ import annotations

import difflib
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema

LEVELS = ("advisory", "mandatory", "remediate", "disabled")
ALL = "all"
"""The entry whose level applies to every policy (`applyConfig`)."""
LEVEL_KEY = "enforcementLevel"


class PolicyConfigError(Exception):
    """The file cannot be used; `problems` lists every reason."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        super().__init__(f"policy pack config {path}: " + "; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class PolicyEntry:
    """One policy's configuration, as the engine's `plugin.AnalyzerPolicyConfig`."""

    level: str | None
    properties: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class LoadedConfig:
    """The file's JSON (`raw`), what the engine would send the pack (`entries`), and what it
    would silently ignore (`warnings`)."""

    raw: dict[str, Any]
    entries: dict[str, PolicyEntry]
    warnings: list[str]


def parse_entries(config: Any) -> tuple[dict[str, PolicyEntry], list[str]]:
    """`parsePolicyPackConfig` on decoded JSON: the entries, and every problem."""
    if config is None:
        return {}, []
    if not isinstance(config, dict):
        return {}, ["must be a JSON object of policy name -> level or properties"]
    entries: dict[str, PolicyEntry] = {}
    problems: list[str] = []
    for name, value in config.items():
        if isinstance(value, str):
            if value not in LEVELS:
                problems.append(f"{name}: level {value!r} must be one of {', '.join(LEVELS)}")
                continue
            entries[name] = PolicyEntry(value)
        elif isinstance(value, dict):
            properties = {k: v for k, v in value.items() if k != LEVEL_KEY}
            level = value.get(LEVEL_KEY)
            if LEVEL_KEY in value and level not in LEVELS:
                problems.append(f"{name}.{LEVEL_KEY}: {json.dumps(level)} must be one of {', '.join(LEVELS)}")
                continue
            if level is not None or properties:  # "Don't bother including empty configs."
                entries[name] = PolicyEntry(level, properties)
        else:
            problems.append(f"{name}: must be a level ({', '.join(LEVELS)}) or an object of properties, not {json.dumps(value)}")
    return entries, problems


def reconcile(policies: list[Any], entries: Mapping[str, PolicyEntry]) -> dict[str, PolicyEntry]:
    """`ReconcilePolicyPackConfig`: the pack's defaults, then `all`'s level, then each entry."""
    result = {
        policy.name: PolicyEntry(_level_of(policy), {k: s["default"] for k, s in _schema(policy).items() if "default" in s})
        for policy in policies
    }
    everything = entries.get(ALL)
    if everything is not None and everything.level is not None:
        result = {name: PolicyEntry(everything.level, entry.properties) for name, entry in result.items()}
    for name, given in entries.items():
        current = result.get(name, PolicyEntry(None))
        result[name] = PolicyEntry(given.level or current.level, {**current.properties, **given.properties})
    return result


def problems_of(policies: list[Any], reconciled: Mapping[str, PolicyEntry]) -> list[str]:
    """`validatePolicyPackConfig`, then `Configure`'s level check, every problem named."""
    problems = []
    known = [p.name for p in policies]
    for policy in policies:
        schema = {"type": "object", "properties": _schema(policy)}
        validator = jsonschema.Draft7Validator(schema)  # gojsonschema: 45.0 is an integer, as in draft 6+
        for error in sorted(validator.iter_errors(reconciled[policy.name].properties), key=lambda e: list(e.absolute_path)):
            where = ".".join([policy.name, *map(str, error.absolute_path)])
            problems.append(f"{where}: {error.message}")
    for name, entry in reconciled.items():
        if entry.level is None:
            if name == ALL:
                problems.append(f"{ALL}: needs a level ({', '.join(LEVELS)}); pulumi stops with 'invalid enforcement level'")
            else:
                problems.append(
                    f"{name!r} is not a policy of this pack{_did_you_mean(name, known)}; "
                    "pulumi stops with 'invalid enforcement level' on its properties"
                )
    return problems


def warnings_of(policies: list[Any], config: Mapping[str, Any], entries: Mapping[str, PolicyEntry]) -> list[str]:
    """What the engine accepts and the pack then never reads: names that are not policies
    (with a level, or empty), properties a policy's schema does not name."""
    by_name = {p.name: p for p in policies}
    warnings = [
        f"{name!r} is not a policy of this pack{_did_you_mean(name, list(by_name))}; pulumi ignores it"
        for name in config
        if name not in by_name and name != ALL
    ]
    for name, entry in entries.items():
        policy = by_name.get(name)
        if policy is None:
            continue
        schema = _schema(policy)
        for key in entry.properties:
            if key not in schema:
                known = ", ".join(sorted(schema)) or "none"
                warnings.append(f"{name}: unknown property {key!r} (properties: {known}); pulumi passes it and the pack ignores it")
    return warnings


def load_policy_config(path: Path, policies: list[Any]) -> LoadedConfig:
    """The config in `path` as the engine would apply it to `policies`, or PolicyConfigError."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise PolicyConfigError(path, ["no such file"]) from None
    except IsADirectoryError:
        raise PolicyConfigError(path, ["is a directory, not a JSON file"]) from None
    except PermissionError:
        raise PolicyConfigError(path, ["cannot be read (permission denied)"]) from None
    except OSError as error:
        raise PolicyConfigError(path, [f"cannot be read ({error.strerror or error})"]) from None
    config = _decode(path, data)
    entries, problems = parse_entries(config)
    if problems:
        raise PolicyConfigError(path, problems)
    reconciled = reconcile(policies, entries)
    problems = problems_of(policies, reconciled)
    if problems:
        raise PolicyConfigError(path, problems)
    return LoadedConfig(config or {}, reconciled, warnings_of(policies, config or {}, entries))


def _decode(path: Path, data: bytes) -> Any:
    """Go's `json.Unmarshal` into a map: blank is nothing; NaN, Infinity and numbers beyond a
    float64 are errors (Python's json would take them); invalid UTF-8 inside a string becomes
    U+FFFD, elsewhere it is a syntax error."""
    try:
        data.decode("utf-8")
        hint = ""
    except UnicodeDecodeError:
        hint = " (the file is not UTF-8)"
    text = data.decode("utf-8", errors="replace")
    if not text.strip():
        return None
    try:
        return json.loads(text, parse_constant=_refuse_constant, parse_float=_finite, parse_int=_finite_int)
    except json.JSONDecodeError as error:
        raise PolicyConfigError(path, [f"is not valid JSON{hint}: {error.msg} at line {error.lineno} column {error.colno}"]) from None
    except ValueError as error:
        raise PolicyConfigError(path, [f"is not valid JSON: {error}"]) from None
    except RecursionError:
        raise PolicyConfigError(path, ["is nested too deeply"]) from None


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _finite(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise ValueError(f"{text} is beyond a 64-bit float")
    return value


def _finite_int(text: str) -> int:
    value = int(text)
    try:
        float(value)
    except OverflowError:
        raise ValueError(f"{text} is beyond a 64-bit float") from None
    return value


def _schema(policy: Any) -> dict[str, Any]:
    return dict(getattr(policy.config_schema, "properties", None) or {})


def _level_of(policy: Any) -> str:
    level = policy.enforcement_level
    return level.value if hasattr(level, "value") else str(level)


def _did_you_mean(name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""
