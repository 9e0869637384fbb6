"""`python -m infra.reference`: write every generated copy of the settings schema.

The schema (`infra.settings.keys`, with the provider specs' documented values) is the one
place a setting is written. Its copies are generated between markers, the way terraform-docs
fills a module's README: Pulumi.yaml's `config:` block, the settings reference table and the
README's table of what every stack must set. `--check` writes nothing and exits 1 naming each
stale copy (the suite runs it), so a copy cannot drift from the schema.

A marker pair is `BEGIN GENERATED: <block> (python -m infra.reference)` ... `END GENERATED:
<block>`, in a comment of the file's language; the lines between are replaced.
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from infra.offline.stack_files import PROJECT_ROOT
from infra.providers import registry
from infra.settings.keys import ALL_KEYS, PROVIDER_NAMES, REGION, SettingKey, project_keys

COMMAND = "python -m infra.reference"


def documented_values(key: SettingKey) -> tuple[str, ...]:
    """The values a provider's documentation allows for `key`, sorted; () when any value goes."""
    values = {value for spec in registry.all_specs() for value in spec.documented_values.get(key.name, ())}
    return tuple(sorted(values))


def description(key: SettingKey) -> str:
    """The key's description with its bounds and documented values, as every copy shows it."""
    text = key.description
    if key.bounds:
        text = f"{text.removesuffix('.')} ({key.bounds})."
    if values := documented_values(key):
        text = f"{text} One of: {', '.join(values)}."
    return text


def providers_text(key: SettingKey) -> str:
    return "all" if key.every_provider else ", ".join(name for name in PROVIDER_NAMES if name in key.providers)


def default_text(key: SettingKey) -> str:
    """The default as the tables show it."""
    if key.required:
        return "*(required)*"
    if key.default in ("", None):
        return "*(unset)*"
    if isinstance(key.default, bool):
        return "`true`" if key.default else "`false`"
    if isinstance(key.default, (list, dict)):
        return f"`{json.dumps(key.default)}`"
    return f"`{key.default}`"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def settings_table() -> list[str]:
    """Every setting: type, default, providers and meaning."""
    lines = ["| Setting | Type | Default | Providers | Meaning |", "|---|---|---|---|---|"]
    for key in ALL_KEYS:
        lines.append(
            f"| `{key.name}` | {key.kind} | {default_text(key)} | {providers_text(key)} | {_cell(description(key))} |"
        )
    return lines


def required_settings_table() -> list[str]:
    """What a new stack must set: the required keys, and `region` where a provider needs one."""
    keys = [key for key in ALL_KEYS if key.required or key is REGION]
    lines = ["| Setting | Type | Meaning |", "|---|---|---|"]
    lines += [f"| `{key.name}` | {key.kind} | {_cell(description(key))} |" for key in keys]
    return lines


def _yaml_value(value: Any) -> str:
    """A default as Pulumi.yaml writes it: YAML's flow style, which JSON is a subset of."""
    return json.dumps(value)


def config_block() -> list[str]:
    """Pulumi.yaml's `config:` block: every key every provider uses that Pulumi.yaml can type."""
    declared = project_keys()
    undeclared = [key.name for key in ALL_KEYS if key not in declared]
    note = (
        f"Not declared here: {', '.join(undeclared)}. A map or a list of objects cannot be declared, and a key "
        "some provider ignores must reach the program only where a stack file writes it (the engine writes a "
        "declared default into every stack), to be refused there. See docs/settings.md."
    )
    lines = [f"# {line}" for line in textwrap.wrap(note, 92)] + ["config:"]
    for key in declared:
        lines += [f"  {key.name}:", f"    type: {key.kind}"]
        if key.kind == "array":
            lines += ["    items:", f"      type: {key.items}"]
        lines.append(f"    description: {json.dumps(description(key))}")
        if not key.required:
            lines.append(f"    default: {_yaml_value(key.default)}")
    return lines


@dataclass(frozen=True)
class Block:
    """One generated copy: its marker name, the file holding it and how it is written."""

    name: str
    path: str
    lines: Callable[[], list[str]]
    comment: str = "markdown"


BLOCKS: tuple[Block, ...] = (
    Block("config", "Pulumi.yaml", config_block, comment="yaml"),
    Block("settings", "docs/settings.md", settings_table),
    Block("required-settings", "README.md", required_settings_table),
)


def _markers(block: Block) -> tuple[str, str]:
    begin, end = f"BEGIN GENERATED: {block.name} ({COMMAND})", f"END GENERATED: {block.name}"
    if block.comment == "yaml":
        return f"# {begin}", f"# {end}"
    return f"<!-- {begin} -->", f"<!-- {end} -->"


class MarkerError(Exception):
    """A file lacks its markers; the message names the file and the lines to add."""


def render(text: str, block: Block) -> str:
    """`text` with `block`'s lines between its markers (each a whole line of its own)."""
    begin, end = _markers(block)
    lines = text.split("\n")
    start = lines.index(begin) if begin in lines else None
    if start is None or end not in lines[start:]:
        raise MarkerError(f"{block.path} has no `{begin}` ... `{end}` lines; add them where the {block.name} block goes")
    stop = lines.index(end, start)
    return "\n".join([*lines[: start + 1], *block.lines(), *lines[stop:]])


def _renderings(root: Path, blocks: Iterable[Block]) -> Iterator[tuple[Block, Path, str, str]]:
    """Each block's file, its text now and its text with the block regenerated."""
    for block in blocks:
        path = root / block.path
        text = path.read_text(encoding="utf-8")
        yield block, path, text, render(text, block)


def stale(root: Path = PROJECT_ROOT, blocks: Iterable[Block] = BLOCKS) -> list[str]:
    """The files whose generated blocks differ from the schema, each with the block's name."""
    return [f"{block.path} ({block.name})" for block, _, text, updated in _renderings(root, blocks) if updated != text]


def write(root: Path = PROJECT_ROOT, blocks: Iterable[Block] = BLOCKS) -> list[str]:
    """Regenerate every block; the files that changed."""
    changed = []
    for block, path, text, updated in _renderings(root, blocks):
        if updated != text:
            path.write_text(updated, encoding="utf-8")
            changed.append(block.path)
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=COMMAND, description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if a generated copy is stale")
    args = parser.parse_args(argv)
    try:
        if args.check:
            outdated = stale()
            for name in outdated:
                print(f"stale: {name}; run `{COMMAND}` and commit the result", file=sys.stderr)
            return 1 if outdated else 0
        for path in write():
            print(f"updated {path}")
    except (MarkerError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
