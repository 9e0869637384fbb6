"""`python -m infra.dotenv`: the app's `.env` from a stack (or a saved JSON of its outputs).

Exit codes: 0 written; 1 nothing written (the message says why). Only variable names are
printed, never values.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from infra.dotenv.failover import SOURCE_SUFFIX, failover_outputs
from infra.dotenv.file import MODE, render, write_private
from infra.dotenv.formats import DEFAULT_FORMAT, FORMATS
from infra.dotenv.git_guard import tracked_by_git
from infra.dotenv.values import DotenvError, contract_values
from infra.offline.stack_files import PROJECT_ROOT
from infra.stack_outputs import PulumiNotFound, StackOutputError, read_stack_outputs

DEFAULT_TIMEOUT = 60.0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m infra.dotenv",
        description="Write the app's .env (the STORAGE_* variables) from a stack's outputs; mode 0600, secret never shown.",
        epilog="Exit codes: 0 written, 1 nothing written.",
    )
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--stack", metavar="NAME", help="read `pulumi stack output --json --show-secrets --stack NAME`")
    source.add_argument(
        "--from-json",
        type=Path,
        metavar="FILE",
        help="read outputs saved with `pulumi stack output --json --show-secrets` ('-' for stdin)",
    )
    parser.add_argument("--output", type=Path, default=Path(".env"), metavar="PATH", help="file to write (default .env)")
    parser.add_argument(
        "--format",
        choices=sorted(FORMATS),
        default=DEFAULT_FORMAT,
        help="; ".join(f"{f.name}: {f.readers}" for f in FORMATS.values()) + f" (default {DEFAULT_FORMAT})",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="replace the file if it already exists, and write it even where git would track it (with a warning)",
    )
    parser.add_argument(
        "--failover",
        action="store_true",
        help="write the replica's .env (its bucket, region and failover credential) for a failover; docs/operations.md, \"Failing over to the replica (AWS, `awsReplicaRegion`)\"",
    )
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, help=argparse.SUPPRESS)
    parser.add_argument("--project-dir", type=Path, default=PROJECT_ROOT, help=argparse.SUPPRESS)
    return parser


def main(argv: list[str] | None = None, stdin: TextIO | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        outputs, source = _outputs(args, stdin or sys.stdin)
        if args.failover:
            outputs, source = failover_outputs(outputs), source + SOURCE_SUFFIX
        values = contract_values(outputs, FORMATS[args.format].problem)
        tracked = tracked_by_git(args.output)
        if tracked and not args.force:
            raise DotenvError(f"refusing to write the secret: {tracked.explain()}; or pass --force")
        write_private(args.output, render(values, source, args.format), force=args.force)
    except DotenvError as error:
        print(f"error: {error}; nothing was written", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted; nothing was written", file=sys.stderr)
        return 1
    if tracked:
        print(f"warning: written because of --force, but {tracked.explain()}", file=sys.stderr)
    print(f"Wrote {args.output} ({args.format} format, mode {MODE:04o}) from {source}:")
    for name in values:
        print(f"  {name}")
    print("Values are not shown.", end=" ")
    if args.format == "json":
        print("The validator reads .env files: write one with --format dotenv to check the bucket.")
    else:
        print("Check the bucket with: python -m infra.validate --env-file " + str(args.output))
    return 0


def _outputs(args: argparse.Namespace, stdin: TextIO) -> tuple[dict[str, Any], str]:
    if args.stack:
        try:
            return read_stack_outputs(args.stack, args.project_dir, args.timeout), f"stack {args.stack}"
        except PulumiNotFound:
            raise DotenvError(
                "--stack needs the pulumi CLI on PATH (https://www.pulumi.com/docs/install/); or save the outputs "
                "with `pulumi stack output --json --show-secrets > outputs.json` elsewhere and use --from-json"
            ) from None
        except StackOutputError as error:
            raise DotenvError(str(error)) from None
    return _read_json(args.from_json, stdin), f"file {args.from_json}"


def _read_json(path: Path, stdin: TextIO) -> dict[str, Any]:
    try:
        text = stdin.read() if str(path) == "-" else path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DotenvError(f"--from-json {path}: no such file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise DotenvError(f"--from-json {path}: cannot be read ({type(error).__name__})") from None
    try:
        outputs = json.loads(text)
    except (ValueError, RecursionError):  # malformed, nested too deeply, or a number too long
        raise DotenvError(f"--from-json {path}: not JSON (expected `pulumi stack output --json --show-secrets`)") from None
    if not isinstance(outputs, dict):
        raise DotenvError(f"--from-json {path}: expected a JSON object of stack outputs")
    return outputs
